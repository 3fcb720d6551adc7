/* exec_inspect against the kernel: every #! line is also exec'd for real
 * with an interpreter that prints the argv it got, and the interpreter and
 * argument the model read must be the ones the kernel passed. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sentry/kernel/exec_image.h"

static const char *helper; /* argv_dump's absolute path */
static char dir[] = "/tmp/veil-exec-XXXXXX";

static int write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	int ok = write(fd, data, len) == (ssize_t)len;
	close(fd);
	chmod(path, mode);
	return ok ? 0 : -1;
}

/* Execs `path` and collects its NUL-separated output; returns the number of
 * bytes, or -errno when execve failed. */
static long run(const char *path, char *out, size_t size)
{
	int p[2], e[2];
	if (pipe(p) < 0 || pipe2(e, O_CLOEXEC) < 0)
		return -1000;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		char *argv[] = {(char *)path, "x1", NULL};
		execve(path, argv, (char *[]){NULL});
		int err = errno;
		if (write(e[1], &err, sizeof(err)) < 0)
			_exit(126);
		_exit(127);
	}
	close(p[1]);
	close(e[1]);
	long got = 0;
	ssize_t n;
	while ((n = read(p[0], out + got, size - got)) > 0)
		got += n;
	int err = 0;
	if (read(e[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	close(p[0]);
	close(e[0]);
	waitpid(pid, NULL, 0);
	return err ? -err : got;
}

struct script_case {
	const char *fmt; /* %s is the helper's path */
	size_t pad;      /* spaces inserted after the helper's path, for long lines */
};

static const struct script_case cases[] = {
	{"#!%s\n", 0},
	{"#!%s", 0},
	{"#! %s\n", 0},
	{"#!\t%s  \n", 0},
	{"#!%s arg\n", 0},
	{"#!%s  arg with spaces  \n", 0},
	{"#!%s\targ\ttab\t\n", 0},
	{"#!%s -x\r\n", 0},
	{"#!%s arg", 200},
	{"#!%s", 300},
	{"#!%s arg-that-is-cut-by-the-line-limit", 220},
	{"#!\n", 0},
	{"#!   \n", 0},
	{"#!", 0},
};

static void scripts_match_kernel(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char body[1024];
		const char *pct = strstr(cases[i].fmt, "%s");
		size_t len;
		if (pct) {
			char pad[512];
			memset(pad, ' ', cases[i].pad);
			pad[cases[i].pad] = '\0';
			len = snprintf(body, sizeof(body), "%.*s%s%s%s",
				       (int)(pct - cases[i].fmt), cases[i].fmt, helper, pad,
				       pct + 2);
		} else {
			len = snprintf(body, sizeof(body), "%s", cases[i].fmt);
		}
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/s%zu", dir, i);
		assert_int_equal(write_file(path, body, len, 0755), 0);

		char out[4096];
		long k = run(path, out, sizeof(out));
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		struct exec_image img;
		int m = exec_inspect(fd, &img);
		close(fd);
		if (k < 0) {
			/* The model only reads the line; an interpreter that does not
			 * exist is the resolver's ENOENT, later. */
			bool missing_interp = m == 0 && k == -ENOENT && access(img.interp, F_OK) != 0;
			if (m != k && !missing_interp)
				fail_msg("case %zu: kernel %ld, model %d", i, k, m);
			continue;
		}
		if (m != 0)
			fail_msg("case %zu: kernel ran it, model says %d", i, m);
		assert_int_equal(img.kind, EXEC_SCRIPT);
		/* kernel argv: interp [arg] script x1 */
		const char *a0 = out;
		const char *a1 = a0 + strlen(a0) + 1;
		assert_string_equal(a0, img.interp);
		if (img.has_arg) {
			assert_string_equal(a1, img.arg);
			assert_string_equal(a1 + strlen(a1) + 1, path);
		} else {
			assert_string_equal(a1, path);
		}
	}
}

static void elf_kinds(void **state)
{
	(void)state;
	struct exec_image img;
	int fd = open("/bin/ls", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(exec_inspect(fd, &img), 0);
	assert_int_equal(img.kind, EXEC_ELF_DYNAMIC);
	assert_string_equal(img.interp, "/lib64/ld-linux-x86-64.so.2");
	close(fd);

	fd = open(helper, O_RDONLY | O_CLOEXEC);
	assert_int_equal(exec_inspect(fd, &img), 0);
	assert_int_equal(img.kind, EXEC_ELF_DYNAMIC);
	close(fd);

	fd = open("/sbin/ldconfig", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		assert_int_equal(exec_inspect(fd, &img), 0);
		assert_int_equal(img.kind, EXEC_ELF_STATIC);
		close(fd);
	}
}

static void foreign_and_broken_elf(void **state)
{
	(void)state;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/elf32", dir);
	Elf32_Ehdr e32 = {0};
	memcpy(e32.e_ident, ELFMAG, SELFMAG);
	e32.e_ident[EI_CLASS] = ELFCLASS32;
	e32.e_ident[EI_DATA] = ELFDATA2LSB;
	e32.e_type = ET_EXEC;
	e32.e_machine = EM_386;
	char buf[128] = {0};
	memcpy(buf, &e32, sizeof(e32));
	assert_int_equal(write_file(path, buf, sizeof(buf), 0755), 0);
	struct exec_image img;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_int_equal(exec_inspect(fd, &img), -ENOEXEC);
	close(fd);

	/* a 64-bit header whose program headers lie past the end */
	Elf64_Ehdr e64 = {0};
	memcpy(e64.e_ident, ELFMAG, SELFMAG);
	e64.e_ident[EI_CLASS] = ELFCLASS64;
	e64.e_ident[EI_DATA] = ELFDATA2LSB;
	e64.e_type = ET_DYN;
	e64.e_machine = EM_X86_64;
	e64.e_phentsize = sizeof(Elf64_Phdr);
	e64.e_phnum = 4;
	e64.e_phoff = 1 << 20;
	snprintf(path, sizeof(path), "%s/elf64", dir);
	assert_int_equal(write_file(path, &e64, sizeof(e64), 0755), 0);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_int_equal(exec_inspect(fd, &img), -ENOEXEC);
	close(fd);
	assert_int_equal(run(path, buf, sizeof(buf)), -ENOEXEC);

	snprintf(path, sizeof(path), "%s/text", dir);
	assert_int_equal(write_file(path, "hello\n", 6, 0755), 0);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_int_equal(exec_inspect(fd, &img), -ENOEXEC);
	close(fd);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test_exec_image ARGV_DUMP\n");
		return 2;
	}
	helper = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scripts_match_kernel),
		cmocka_unit_test(elf_kinds),
		cmocka_unit_test(foreign_and_broken_elf),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
