#include "tests/fuzz/argv_one.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/printable.h"
#include "cmd/parse.h"
#include "cmd/parse_internal.h"
#include "platform/emulate.h"
#include "spec/spec.h"

/* Flags whose next argument is an fd (the first of two for the binds). */
static const char *const fd_flags[] = {
	"--args",     "--file",       "--bind-data",       "--ro-bind-data", "--seccomp",
	"--add-seccomp-fd", "--sync-fd", "--block-fd", "--userns-block-fd", "--info-fd",
	"--json-status-fd", "--userns", "--userns2", "--pidns", "--bind-fd", "--ro-bind-fd",
};

#define POOL 4
#define MAX_ARGS 256

/* Whatever a read could wait on — a terminal, a pipe, a socket, an fd
 * libFuzzer or a sanitizer opened (its copy of stderr, a symbolizer's
 * pipe) — becomes write-only: reading it then fails at once, and output
 * still goes out. Regular files and directories never wait. */
static void make_unreadable(int i)
{
	struct stat st;
	int fl = fcntl(i, F_GETFL);
	if (fl < 0 || (fl & O_ACCMODE) == O_WRONLY || fstat(i, &st) < 0 ||
	    S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
		return;
	char path[32];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", i);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || dup2(fd, i) < 0)
		abort();
	close(fd);
}

void argv_one_init(void)
{
	for (int i = 0; i < 1024; i++)
		make_unreadable(i);
}

/* Every number among the NUL-separated words of data[0, len): an fd a
 * data flag inside --args data may name (no rewriting reaches those).
 * The fds open now, not only those open at init, are made safe: the
 * process opens more while it runs (a CI run hung reading one). */
static void make_named_unreadable(const uint8_t *data, size_t len)
{
	char word[16];
	for (size_t at = 0; at < len;) {
		size_t n = strnlen((const char *)data + at, len - at);
		if (n < sizeof(word)) {
			memcpy(word, data + at, n);
			word[n] = '\0';
			int v;
			if (cli_parse_int(word, &v) == 0)
				make_unreadable(v);
		}
		at += n + 1;
	}
}

static bool takes_fd(const char *arg)
{
	for (size_t i = 0; i < sizeof(fd_flags) / sizeof(fd_flags[0]); i++)
		if (strcmp(arg, fd_flags[i]) == 0)
			return true;
	return false;
}


/* A memfd holding data[from, from + len): something for a data flag. */
static int pool_fd(const uint8_t *data, size_t from, size_t len)
{
	int fd = memfd_create("argv-fuzz", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (len && write(fd, data + from, len) != (ssize_t)len)
		abort();
	lseek(fd, 0, SEEK_SET);
	return fd;
}

int argv_one(const uint8_t *data, size_t size)
{
	/* the arguments, NUL-terminated copies */
	char *buf = malloc(size + 1);
	if (!buf)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	char *argv[MAX_ARGS + 2];
	int argc = 0;
	argv[argc++] = "veil";
	for (size_t at = 0; at < size && argc < MAX_ARGS;) {
		argv[argc++] = buf + at;
		at += strlen(buf + at) + 1;
	}
	argv[argc] = NULL;

	int pool[POOL];
	char names[POOL][16];
	for (int i = 0; i < POOL; i++) {
		pool[i] = pool_fd(data, size * (size_t)i / POOL, size / POOL);
		snprintf(names[i], sizeof(names[i]), "%d", pool[i]);
	}
	make_named_unreadable(data, size);
	for (int i = 0; i < POOL; i++)
		make_named_unreadable(data + size * (size_t)i / POOL, size / POOL);
	for (int i = 1; i + 1 < argc; i++) {
		int v;
		if (takes_fd(argv[i]) && cli_parse_int(argv[i + 1], &v) == 0)
			argv[i + 1] = names[(unsigned)v % POOL];
	}

	struct spec spec;
	spec_init(&spec);
	struct veil_error *err = NULL;
	FILE *out = fopen("/dev/null", "we");
	if (!out)
		abort();
	int r = cli_parse(argc, argv, &spec, out, &err);
	int what = r == CLI_EXIT ? ARGV_EXIT : ARGV_REFUSED;
	if (r == CLI_RUN && spec_prepare(&spec, &err) == 0 && emulate_check(&spec, &err) == 0)
		what = ARGV_RUNS;
	fclose(out);
	if (r < 0 && !err)
		abort(); /* a refusal without a message */
	if (err) {
		char *msg = verr_format(err);
		char *safe = printable(msg, 1024);
		/* what the CLI prints is printable and capped */
		for (const char *c = safe; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				abort();
		if (strlen(safe) > 1024 + 64)
			abort();
		if (err->status != 0 && err->status != VEIL_EXIT_USAGE &&
		    err->status != VEIL_EXIT_START)
			abort();
		free(safe);
		free(msg);
		verr_free(&err);
	}
	spec_free(&spec);
	/* The parser closes the data fds it read, and only those. */
	for (int i = 0; i < POOL; i++)
		close(pool[i]);
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0)
			abort();
	free(buf);
	return what;
}
