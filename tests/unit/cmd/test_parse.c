/* cmd/parse: every flag's effect on the spec, field by field, and every
 * message, word for word. Data for --args, --file, --bind-data and seccomp
 * comes from memfds; fds the spec keeps by number come from pipes. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/cleanup.h"
#include "base/error.h"
#include "base/xalloc.h"
#include "cmd/parse.h"
#include "cmd/parse_internal.h"
#include "config.h"

extern char **environ;

#define CLOSED_FD "987" /* an fd number no test opens */

struct fx {
	struct spec spec;
	struct veil_error *err;
	FILE *out;
	char *outbuf;
	size_t outlen;
};

static int setup(void **state)
{
	struct fx *fx = xcalloc(1, sizeof(*fx));
	spec_init(&fx->spec);
	fx->out = open_memstream(&fx->outbuf, &fx->outlen);
	assert_non_null(fx->out);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	spec_free(&fx->spec);
	verr_free(&fx->err);
	fclose(fx->out);
	free(fx->outbuf);
	free(fx);
	return 0;
}

/* Parses PROG ARGS... (NULL-terminated) into a fresh spec. */
static int vparse_as(struct fx *fx, const char *prog, va_list ap)
{
	char *argv[10000];
	int argc = 0;
	const char *a;

	spec_free(&fx->spec);
	spec_init(&fx->spec);
	verr_free(&fx->err);
	argv[argc++] = (char *)prog;
	while ((a = va_arg(ap, const char *)) != NULL)
		argv[argc++] = (char *)a;
	argv[argc] = NULL;
	int r = cli_parse(argc, argv, &fx->spec, fx->out, &fx->err);
	fflush(fx->out);
	if (r < 0)
		assert_non_null(fx->err);
	else
		assert_null(fx->err);
	return r;
}

static int parse(struct fx *fx, ...)
{
	va_list ap;
	va_start(ap, fx);
	int r = vparse_as(fx, "veil", ap);
	va_end(ap);
	return r;
}

static int parse_as(struct fx *fx, const char *prog, ...)
{
	va_list ap;
	va_start(ap, prog);
	int r = vparse_as(fx, prog, ap);
	va_end(ap);
	return r;
}

/* A fresh, empty `out`. */
static void reset_out(struct fx *fx)
{
	fclose(fx->out);
	free(fx->outbuf);
	fx->outbuf = NULL;
	fx->outlen = 0;
	fx->out = open_memstream(&fx->outbuf, &fx->outlen);
	assert_non_null(fx->out);
}

/* The whole message as the CLI prints it after "PROG: ". */
static char *errmsg(struct fx *fx)
{
	assert_non_null(fx->err);
	return verr_format(fx->err);
}

static void assert_err(struct fx *fx, const char *want)
{
	_cleanup_free_ char *got = errmsg(fx);
	assert_string_equal(got, want);
	assert_int_equal(fx->err->status, 1);
}

/* An fd holding `len` bytes, positioned at the start; the parser closes it. */
static int data_fd(const void *buf, size_t len)
{
	int fd = memfd_create("test", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static bool fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static const char *fdstr(int fd)
{
	static char bufs[8][16];
	static int next;
	char *b = bufs[next++ % 8];
	snprintf(b, 16, "%d", fd);
	return b;
}

/* ---- defaults and the end of options ----------------------------------- */

static void defaults(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(parse(fx, "true", NULL), CLI_RUN);
	struct spec *s = &fx->spec;
	assert_int_equal(s->n_ops, 0);
	assert_int_equal(strv_length(s->argv), 1);
	assert_string_equal(s->argv[0], "true");
	assert_null(s->argv0);
	assert_null(s->chdir);
	assert_null(s->hostname);
	assert_int_equal(s->uid, getuid());
	assert_int_equal(s->gid, getgid());
	assert_false(s->uid_set);
	assert_false(s->gid_set);
	assert_int_equal(s->unshare, 0);
	assert_int_equal(s->unshare_try, 0);
	assert_false(s->share_net || s->die_with_parent || s->new_session ||
		     s->as_pid_1 || s->disable_userns || s->assert_userns_disabled);
	assert_false(s->caps_set);
	assert_int_equal(s->n_seccomp, 0);
	assert_int_equal(s->info_fd, -1);
	assert_int_equal(s->json_status_fd, -1);
	assert_int_equal(s->sync_fd, -1);
	assert_int_equal(s->block_fd, -1);
	assert_int_equal(s->userns_block_fd, -1);
	assert_null(s->lock_files);
	assert_int_equal(s->backend, SPEC_BACKEND_AUTO);
	assert_int_equal(s->platform, SPEC_PLATFORM_AUTO);
	/* The environment is veil's own, copied. */
	assert_int_equal(strv_length(s->envp), strv_length(environ));
	for (size_t i = 0; environ[i]; i++)
		assert_string_equal(s->envp[i], environ[i]);
	assert_ptr_not_equal(s->envp, environ);
}

static void command_stops_options(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(parse(fx, "--new-session", "ls", "--bind", "-l", "--", NULL), CLI_RUN);
	struct spec *s = &fx->spec;
	assert_true(s->new_session);
	assert_int_equal(strv_length(s->argv), 4);
	assert_string_equal(s->argv[0], "ls");
	assert_string_equal(s->argv[1], "--bind");
	assert_string_equal(s->argv[3], "--");
	assert_int_equal(s->n_ops, 0);

	/* "--" ends options; what follows is the command even if it looks
	 * like an option. */
	assert_int_equal(parse(fx, "--", "--bind", "x", NULL), CLI_RUN);
	assert_int_equal(strv_length(fx->spec.argv), 2);
	assert_string_equal(fx->spec.argv[0], "--bind");
}

static void no_command(void **state)
{
	struct fx *fx = *state;
	static const char *const cases[][3] = {
		{ NULL }, { "--unshare-pid", NULL }, { "--", NULL },
		{ "--dir", "/x", "--" },
	};
	/* bubblewrap prints its usage on stderr: catch it. */
	int saved = dup(2);
	int cap = memfd_create("stderr", 0);
	assert_true(saved >= 0 && cap >= 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *argv[5] = { (char *)"veil" };
		int argc = 1;
		for (size_t j = 0; j < 3 && cases[i][j]; j++)
			argv[argc++] = (char *)cases[i][j];
		argv[argc] = NULL;
		spec_free(&fx->spec);
		spec_init(&fx->spec);
		verr_free(&fx->err);
		fflush(stderr);
		dup2(cap, 2);
		int r = cli_parse(argc, argv, &fx->spec, fx->out, &fx->err);
		fflush(stderr);
		dup2(saved, 2);
		assert_int_equal(r, -1);
		assert_err(fx, "No command specified");
	}
	char buf[64] = { 0 };
	assert_true(pread(cap, buf, sizeof(buf) - 1, 0) > 0);
	assert_memory_equal(buf, "usage: veil [OPTIONS...] [--] COMMAND [ARGS...]\n", 48);
	close(cap);
	close(saved);
}

static void too_many_args(void **state)
{
	struct fx *fx = *state;
	static char *argv[9003];
	argv[0] = (char *)"veil";
	for (int i = 1; i <= 9001; i++)
		argv[i] = (char *)"--new-session";
	argv[9002] = NULL;
	assert_int_equal(cli_parse(9002, argv, &fx->spec, fx->out, &fx->err), -1);
	assert_err(fx, "Exceeded maximum number of arguments 9000");
	verr_free(&fx->err);

	/* 9000 is still fine. */
	spec_free(&fx->spec);
	spec_init(&fx->spec);
	argv[9000] = (char *)"true";
	argv[9001] = NULL;
	assert_int_equal(cli_parse(9001, argv, &fx->spec, fx->out, &fx->err), CLI_RUN);
}

/* ---- --help and --version ---------------------------------------------- */

static void help_and_version(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(parse(fx, "--help", "--foo", NULL), CLI_EXIT);
	assert_true(strncmp(fx->outbuf, "usage: veil [OPTIONS...] [--] COMMAND [ARGS...]\n\n", 49) == 0);
	assert_non_null(strstr(fx->outbuf, "    --chmod OCTAL PATH           Change permissions of PATH (must already exist)\n"));
	assert_non_null(strstr(fx->outbuf, "--backend=emulate|kernel|auto"));
	assert_non_null(strstr(fx->outbuf, "--platform=unotify|ptrace|auto"));

	reset_out(fx);
	assert_int_equal(parse_as(fx, "/usr/local/bin/bwrap", "--help", NULL), CLI_EXIT);
	assert_true(strncmp(fx->outbuf, "usage: bwrap [OPTIONS...]", 25) == 0);
	assert_null(strstr(fx->outbuf, "--backend"));
	/* bubblewrap 0.11's last line closes its usage text. */
	const char *last = "    --chmod OCTAL PATH           Change permissions of PATH (must already exist)\n";
	assert_string_equal(fx->outbuf + strlen(fx->outbuf) - strlen(last), last);

	reset_out(fx);
	assert_int_equal(parse(fx, "--version", NULL), CLI_EXIT);
	assert_string_equal(fx->outbuf, "veil " VEIL_VERSION "\n");

	reset_out(fx);
	assert_int_equal(parse_as(fx, "bwrap", "--unshare-pid", "--version", "--foo", NULL), CLI_EXIT);
	assert_string_equal(fx->outbuf, "bubblewrap 0.11.0 (veil " VEIL_VERSION ")\n");

	/* Options are read in order: an error before --version wins. */
	assert_int_equal(parse(fx, "--foo", "--version", NULL), -1);
	assert_err(fx, "Unknown option --foo");
}

/* ---- namespaces and simple switches ------------------------------------ */

static void unshare_flags(void **state)
{
	struct fx *fx = *state;
	static const struct {
		const char *flag;
		unsigned ns, try;
	} rows[] = {
		{ "--unshare-user", SPEC_NS_USER, 0 },
		{ "--unshare-user-try", SPEC_NS_USER, SPEC_NS_USER },
		{ "--unshare-ipc", SPEC_NS_IPC, 0 },
		{ "--unshare-pid", SPEC_NS_PID, 0 },
		{ "--unshare-net", SPEC_NS_NET, 0 },
		{ "--unshare-uts", SPEC_NS_UTS, 0 },
		{ "--unshare-cgroup", SPEC_NS_CGROUP, 0 },
		{ "--unshare-cgroup-try", SPEC_NS_CGROUP, SPEC_NS_CGROUP },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		assert_int_equal(parse(fx, rows[i].flag, "x", NULL), CLI_RUN);
		assert_int_equal(fx->spec.unshare, rows[i].ns);
		assert_int_equal(fx->spec.unshare_try, rows[i].try);
	}

	const unsigned all = SPEC_NS_USER | SPEC_NS_IPC | SPEC_NS_PID |
			     SPEC_NS_NET | SPEC_NS_UTS | SPEC_NS_CGROUP;
	assert_int_equal(parse(fx, "--unshare-all", "x", NULL), CLI_RUN);
	assert_int_equal(fx->spec.unshare, all);
	assert_int_equal(fx->spec.unshare_try, SPEC_NS_USER | SPEC_NS_CGROUP);
	assert_false(fx->spec.share_net);

	/* A hard request beats the -try variant, in either order. */
	assert_int_equal(parse(fx, "--unshare-all", "--unshare-user", "--unshare-cgroup", "x", NULL), CLI_RUN);
	assert_int_equal(fx->spec.unshare, all);
	assert_int_equal(fx->spec.unshare_try, 0);

	/* --share-net takes net back out; a later --unshare-net wins. */
	assert_int_equal(parse(fx, "--unshare-all", "--share-net", "x", NULL), CLI_RUN);
	assert_int_equal(fx->spec.unshare, all & ~(unsigned)SPEC_NS_NET);
	assert_true(fx->spec.share_net);
	assert_int_equal(parse(fx, "--share-net", "--unshare-all", "x", NULL), CLI_RUN);
	assert_int_equal(fx->spec.unshare, all);
	assert_false(fx->spec.share_net);
	assert_int_equal(parse(fx, "--share-net", "x", NULL), CLI_RUN);
	assert_int_equal(fx->spec.unshare, 0);
	assert_true(fx->spec.share_net);
}

static void bool_flags(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(parse(fx, "--unshare-user", "--unshare-pid", "--disable-userns",
			       "--assert-userns-disabled", "--new-session",
			       "--die-with-parent", "--as-pid-1", "--level-prefix", "x", NULL),
			 CLI_RUN);
	struct spec *s = &fx->spec;
	assert_true(s->disable_userns);
	assert_true(s->assert_userns_disabled);
	assert_true(s->new_session);
	assert_true(s->die_with_parent);
	assert_true(s->as_pid_1);
}

static void process_params(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(parse(fx, "--argv0", "sh", "--chdir", "/a", "--chdir", "/b",
			       "--unshare-user", "--unshare-uts", "--uid", "0", "--gid", "1234",
			       "--hostname", "h1", "--hostname", "sandbox", "x", NULL),
			 CLI_RUN);
	struct spec *s = &fx->spec;
	assert_string_equal(s->argv0, "sh");
	assert_string_equal(s->chdir, "/b"); /* the last one wins */
	assert_int_equal(s->uid, 0);
	assert_int_equal(s->gid, 1234);
	assert_true(s->uid_set);
	assert_true(s->gid_set);
	assert_string_equal(s->hostname, "sandbox");

	/* A relative --chdir is kept as given: the sandbox resolves it. */
	assert_int_equal(parse(fx, "--chdir", "sub/dir", "x", NULL), CLI_RUN);
	assert_string_equal(fx->spec.chdir, "sub/dir");

	/* The caller's own ids need no user namespace. */
	assert_int_equal(parse(fx, "--uid", fdstr((int)getuid()), "--gid",
			       fdstr((int)getgid()), "x", NULL), CLI_RUN);
	assert_true(fx->spec.uid_set && fx->spec.gid_set);

	/* --unshare-user-try is enough, as bubblewrap turns it into one. */
	assert_int_equal(parse(fx, "--unshare-user-try", "--uid", "4242", "x", NULL), CLI_RUN);
	assert_int_equal(fx->spec.uid, 4242);
}

static void environment(void **state)
{
	struct fx *fx = *state;
	setenv("VEIL_TEST_A", "a", 1);
	setenv("VEIL_TEST_B", "b", 1);
	assert_int_equal(parse(fx, "--setenv", "VEIL_TEST_A", "new", "--unsetenv", "VEIL_TEST_B",
			       "--setenv", "VEIL_TEST_C", "x=y", "--unsetenv", "VEIL_TEST_NONE",
			       "--setenv", "VEIL_TEST_E", "", "x", NULL),
			 CLI_RUN);
	char **e = fx->spec.envp;
	size_t n = strv_length(e);
	int a = 0, c = 0, ee = 0;
	for (size_t i = 0; i < n; i++) {
		assert_false(strncmp(e[i], "VEIL_TEST_B=", 12) == 0);
		a += strcmp(e[i], "VEIL_TEST_A=new") == 0;
		c += strcmp(e[i], "VEIL_TEST_C=x=y") == 0;
		ee += strcmp(e[i], "VEIL_TEST_E=") == 0;
		assert_false(strcmp(e[i], "VEIL_TEST_A=a") == 0);
	}
	assert_int_equal(a, 1);
	assert_int_equal(c, 1);
	assert_int_equal(ee, 1);
	assert_int_equal(n, strv_length(environ) + 1); /* -B, +C, +E */
	/* veil's own environment is untouched. */
	assert_string_equal(getenv("VEIL_TEST_A"), "a");
	assert_string_equal(getenv("VEIL_TEST_B"), "b");
	assert_null(getenv("VEIL_TEST_C"));

	/* --clearenv applies where it stands. */
	assert_int_equal(parse(fx, "--setenv", "K1", "v1", "--clearenv", "--setenv", "K2", "v2", "x", NULL),
			 CLI_RUN);
	assert_int_equal(strv_length(fx->spec.envp), 1);
	assert_string_equal(fx->spec.envp[0], "K2=v2");
	assert_non_null(getenv("VEIL_TEST_A"));

	assert_int_equal(parse(fx, "--clearenv", "x", NULL), CLI_RUN);
	assert_non_null(fx->spec.envp);
	assert_null(fx->spec.envp[0]);
	unsetenv("VEIL_TEST_A");
	unsetenv("VEIL_TEST_B");
}

static void kept_fds(void **state)
{
	struct fx *fx = *state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	const char *r = fdstr(p[0]), *w = fdstr(p[1]);
	assert_int_equal(parse(fx, "--unshare-user", "--sync-fd", r, "--block-fd", w,
			       "--userns-block-fd", r, "--info-fd", w, "--json-status-fd", r,
			       "--lock-file", "/run/a.lock", "--lock-file", "rel.lock", "x", NULL),
			 CLI_RUN);
	struct spec *s = &fx->spec;
	assert_int_equal(s->sync_fd, p[0]);
	assert_int_equal(s->block_fd, p[1]);
	assert_int_equal(s->userns_block_fd, p[0]);
	assert_int_equal(s->info_fd, p[1]);
	assert_int_equal(s->json_status_fd, p[0]);
	assert_int_equal(strv_length(s->lock_files), 2);
	assert_string_equal(s->lock_files[0], "/run/a.lock");
	assert_string_equal(s->lock_files[1], "rel.lock");
	/* Kept by number: still open, still the caller's. */
	assert_true(fd_is_open(p[0]) && fd_is_open(p[1]));
	close(p[0]);
	close(p[1]);
}

static void caps(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(parse(fx, "--cap-add", "CAP_NET_RAW", "--cap-add", "cap_chown", "--cap-add", "40", "x", NULL),
			 CLI_RUN);
	assert_true(fx->spec.caps_set);
	assert_int_equal(fx->spec.caps, (1ULL << CAP_NET_RAW) | (1ULL << CAP_CHOWN) | (1ULL << 40));

	assert_int_equal(parse(fx, "--cap-add", "ALL", "--cap-drop", "CAP_SYS_ADMIN", "x", NULL), CLI_RUN);
	int max = cap_max_bits();
	uint64_t all = max >= 64 ? ~0ULL : (1ULL << max) - 1;
	assert_int_equal(fx->spec.caps, all & ~(1ULL << CAP_SYS_ADMIN));

	assert_int_equal(parse(fx, "--cap-add", "CAP_KILL", "--cap-drop", "all", "x", NULL), CLI_RUN);
	assert_true(fx->spec.caps_set);
	assert_int_equal(fx->spec.caps, 0);

	assert_int_equal(parse(fx, "--cap-drop", "CAP_KILL", "x", NULL), CLI_RUN);
	assert_true(fx->spec.caps_set);
	assert_int_equal(fx->spec.caps, 0);
}

static void backend_platform(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(parse(fx, "--backend=kernel", "--platform=ptrace", "x", NULL), CLI_RUN);
	assert_int_equal(fx->spec.backend, SPEC_BACKEND_KERNEL);
	assert_int_equal(fx->spec.platform, SPEC_PLATFORM_PTRACE);
	assert_int_equal(parse(fx, "--backend", "emulate", "--platform", "unotify", "x", NULL), CLI_RUN);
	assert_int_equal(fx->spec.backend, SPEC_BACKEND_EMULATE);
	assert_int_equal(fx->spec.platform, SPEC_PLATFORM_UNOTIFY);
	assert_int_equal(parse(fx, "--backend=emulate", "--backend=auto", "--platform", "auto", "x", NULL), CLI_RUN);
	assert_int_equal(fx->spec.backend, SPEC_BACKEND_AUTO);
	assert_int_equal(fx->spec.platform, SPEC_PLATFORM_AUTO);
}

/* ---- mount ops ------------------------------------------------------------ */

static const struct mount_op *op_at(struct fx *fx, size_t i, enum mount_op_type type)
{
	assert_true(i < fx->spec.n_ops);
	assert_int_equal(fx->spec.ops[i].type, type);
	return &fx->spec.ops[i];
}

static void binds(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(parse(fx, "--bind", "/a", "/b", "--bind-try", "/a", "/b",
			       "--ro-bind", "/usr", "/usr", "--ro-bind-try", "rel", "/x/./y/",
			       "--dev-bind", "/dev", "/dev", "--dev-bind-try", "/d", "d", "x", NULL),
			 CLI_RUN);
	static const unsigned want[] = {
		MOUNT_OP_WRITABLE,
		MOUNT_OP_WRITABLE | MOUNT_OP_OPTIONAL,
		0,
		MOUNT_OP_OPTIONAL,
		MOUNT_OP_WRITABLE | MOUNT_OP_DEVICES,
		MOUNT_OP_WRITABLE | MOUNT_OP_DEVICES | MOUNT_OP_OPTIONAL,
	};
	assert_int_equal(fx->spec.n_ops, 6);
	for (size_t i = 0; i < 6; i++) {
		const struct mount_op *op = op_at(fx, i, MOUNT_OP_BIND);
		assert_int_equal(op->flags, want[i]);
		assert_int_equal(op->source_fd, -1);
	}
	assert_string_equal(fx->spec.ops[0].source, "/a");
	assert_string_equal(fx->spec.ops[0].dest, "/b");
	/* Host sources stay as given (spec_prepare() resolves them); sandbox
	 * destinations are absolute and normalised. */
	assert_string_equal(fx->spec.ops[3].source, "rel");
	assert_string_equal(fx->spec.ops[3].dest, "/x/y");
	assert_string_equal(fx->spec.ops[5].dest, "/d");
}

static void bind_fds(void **state)
{
	struct fx *fx = *state;
	int fd = open("/", O_PATH | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(parse(fx, "--bind-fd", fdstr(fd), "/w", "--ro-bind-fd", fdstr(fd), "/r", "x", NULL),
			 CLI_RUN);
	const struct mount_op *op = op_at(fx, 0, MOUNT_OP_BIND);
	assert_int_equal(op->source_fd, fd);
	assert_null(op->source);
	assert_int_equal(op->flags, MOUNT_OP_WRITABLE);
	assert_string_equal(op->dest, "/w");
	op = op_at(fx, 1, MOUNT_OP_BIND);
	assert_int_equal(op->source_fd, fd);
	assert_int_equal(op->flags, 0);
	assert_string_equal(op->dest, "/r");
	assert_true(fd_is_open(fd));
	close(fd);
}

static void simple_dest_ops(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(parse(fx, "--proc", "/proc", "--dev", "/dev", "--mqueue", "/dev/mqueue",
			       "--remount-ro", "/usr/", "x", NULL),
			 CLI_RUN);
	assert_int_equal(fx->spec.n_ops, 4);
	assert_string_equal(op_at(fx, 0, MOUNT_OP_PROC)->dest, "/proc");
	assert_string_equal(op_at(fx, 1, MOUNT_OP_DEV)->dest, "/dev");
	assert_string_equal(op_at(fx, 2, MOUNT_OP_MQUEUE)->dest, "/dev/mqueue");
	assert_string_equal(op_at(fx, 3, MOUNT_OP_REMOUNT_RO)->dest, "/usr");
}

static void tmpfs_dir_perms_size(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(parse(fx, "--tmpfs", "/t0", "--perms", "01777", "--size", "0x1000", "--tmpfs", "/t1",
			       "--size", "010", "--perms", "700", "--tmpfs", "/t2", "--tmpfs", "/t3",
			       "--dir", "/d0", "--perms", "0", "--dir", "/d1", "--dir", "/d2", "x", NULL),
			 CLI_RUN);
	const struct mount_op *op = op_at(fx, 0, MOUNT_OP_TMPFS);
	assert_int_equal(op->perms, 0755);
	assert_int_equal(op->size, 0);
	assert_int_equal(op->flags, 0);
	op = op_at(fx, 1, MOUNT_OP_TMPFS);
	assert_int_equal(op->perms, 01777);
	assert_int_equal(op->size, 4096);
	op = op_at(fx, 2, MOUNT_OP_TMPFS);
	assert_int_equal(op->perms, 0700);
	assert_int_equal(op->size, 8); /* base 0, as bubblewrap: 010 is octal */
	op = op_at(fx, 3, MOUNT_OP_TMPFS); /* modifiers were consumed */
	assert_int_equal(op->perms, 0755);
	assert_int_equal(op->size, 0);
	assert_string_equal(op->dest, "/t3");
	assert_int_equal(op_at(fx, 4, MOUNT_OP_DIR)->perms, 0755);
	assert_int_equal(op_at(fx, 5, MOUNT_OP_DIR)->perms, 0);
	assert_int_equal(op_at(fx, 6, MOUNT_OP_DIR)->perms, 0755);
	assert_string_equal(op_at(fx, 6, MOUNT_OP_DIR)->dest, "/d2");

	/* The largest size bubblewrap allows. */
	char max[32];
	snprintf(max, sizeof(max), "%zu", (size_t)SIZE_MAX >> 1);
	assert_int_equal(parse(fx, "--size", max, "--tmpfs", "/t", "x", NULL), CLI_RUN);
	assert_int_equal(op_at(fx, 0, MOUNT_OP_TMPFS)->size, (uint64_t)(SIZE_MAX >> 1));
}

static void data_ops(void **state)
{
	struct fx *fx = *state;
	int f1 = data_fd("hello", 5), f2 = data_fd("", 0), f3 = data_fd("a\0b", 3);
	int f4 = data_fd("ro", 2), f5 = data_fd("p", 1);
	assert_int_equal(parse(fx, "--file", fdstr(f1), "/etc/hello", "--perms", "0400", "--file", fdstr(f2), "/e",
			       "--bind-data", fdstr(f3), "/bd", "--ro-bind-data", fdstr(f4), "/rbd",
			       "--perms", "0644", "--ro-bind-data", fdstr(f5), "/p", "x", NULL),
			 CLI_RUN);
	const struct mount_op *op = op_at(fx, 0, MOUNT_OP_FILE);
	assert_string_equal(op->dest, "/etc/hello");
	assert_int_equal(op->data_len, 5);
	assert_memory_equal(op->data, "hello", 5);
	assert_int_equal(op->perms, 0666);
	assert_int_equal(op->flags, 0);
	op = op_at(fx, 1, MOUNT_OP_FILE);
	assert_int_equal(op->data_len, 0);
	assert_int_equal(op->perms, 0400);
	op = op_at(fx, 2, MOUNT_OP_BIND_DATA);
	assert_int_equal(op->data_len, 3);
	assert_memory_equal(op->data, "a\0b", 3);
	assert_int_equal(op->perms, 0600);
	assert_int_equal(op->flags, MOUNT_OP_WRITABLE);
	op = op_at(fx, 3, MOUNT_OP_BIND_DATA);
	assert_memory_equal(op->data, "ro", 2);
	assert_int_equal(op->perms, 0600);
	assert_int_equal(op->flags, 0);
	op = op_at(fx, 4, MOUNT_OP_BIND_DATA);
	assert_int_equal(op->perms, 0644);
	/* Consumed fds are closed, as bubblewrap does. */
	assert_false(fd_is_open(f1) || fd_is_open(f2) || fd_is_open(f3) ||
		     fd_is_open(f4) || fd_is_open(f5));

	/* One fd named twice: the second op finds it at its end, as in
	 * bubblewrap, and it is closed once. */
	f1 = data_fd("once", 4);
	assert_int_equal(parse(fx, "--file", fdstr(f1), "/a", "--ro-bind-data", fdstr(f1), "/b", "x", NULL),
			 CLI_RUN);
	assert_int_equal(op_at(fx, 0, MOUNT_OP_FILE)->data_len, 4);
	assert_int_equal(op_at(fx, 1, MOUNT_OP_BIND_DATA)->data_len, 0);
	assert_false(fd_is_open(f1));

	/* Closed on failure too. */
	f1 = data_fd("x", 1);
	assert_int_equal(parse(fx, "--file", fdstr(f1), "/a", "--frob", "x", NULL), -1);
	assert_false(fd_is_open(f1));
}

static void large_file_data(void **state)
{
	struct fx *fx = *state;
	size_t n = 1 << 20;
	_cleanup_free_ char *buf = xmalloc(n);
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)(i * 7);
	int fd = data_fd(buf, n);
	assert_int_equal(parse(fx, "--file", fdstr(fd), "/big", "x", NULL), CLI_RUN);
	assert_int_equal(fx->spec.ops[0].data_len, n);
	assert_memory_equal(fx->spec.ops[0].data, buf, n);
}

static void symlink_chmod(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(parse(fx, "--symlink", "../usr/lib", "/lib", "--symlink", "usr/bin", "bin",
			       "--chmod", "1777", "/tmp", "--chmod", "0", "/x", "x", NULL),
			 CLI_RUN);
	const struct mount_op *op = op_at(fx, 0, MOUNT_OP_SYMLINK);
	assert_string_equal(op->source, "../usr/lib"); /* link text, verbatim */
	assert_string_equal(op->dest, "/lib");
	op = op_at(fx, 1, MOUNT_OP_SYMLINK);
	assert_string_equal(op->dest, "/bin");
	op = op_at(fx, 2, MOUNT_OP_CHMOD);
	assert_int_equal(op->perms, 01777);
	assert_string_equal(op->dest, "/tmp");
	assert_int_equal(op_at(fx, 3, MOUNT_OP_CHMOD)->perms, 0);
}

static void overlays(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(parse(fx, "--overlay-src", "/l1", "--overlay-src", "/l2", "--overlay", "/rw", "/work", "/o",
			       "--overlay-src", "/l3", "--tmp-overlay", "/t",
			       "--overlay-src", "/a", "--overlay-src", "/b", "--ro-overlay", "/r/", "x", NULL),
			 CLI_RUN);
	const struct mount_op *op = op_at(fx, 0, MOUNT_OP_OVERLAY);
	assert_int_equal(op->overlay.upper_kind, OVERLAY_UPPER_HOST);
	assert_int_equal(strv_length(op->overlay.lowers), 2);
	assert_string_equal(op->overlay.lowers[0], "/l1"); /* lowest first */
	assert_string_equal(op->overlay.lowers[1], "/l2");
	assert_string_equal(op->overlay.upper, "/rw");
	assert_string_equal(op->overlay.workdir, "/work");
	assert_string_equal(op->dest, "/o");
	op = op_at(fx, 1, MOUNT_OP_OVERLAY);
	assert_int_equal(op->overlay.upper_kind, OVERLAY_UPPER_TMPFS);
	assert_int_equal(strv_length(op->overlay.lowers), 1);
	assert_string_equal(op->overlay.lowers[0], "/l3");
	assert_null(op->overlay.upper);
	assert_null(op->overlay.workdir);
	op = op_at(fx, 2, MOUNT_OP_OVERLAY);
	assert_int_equal(op->overlay.upper_kind, OVERLAY_UPPER_NONE);
	assert_int_equal(strv_length(op->overlay.lowers), 2);
	assert_string_equal(op->overlay.lowers[1], "/b");
	assert_string_equal(op->dest, "/r");
}

static void ops_keep_argument_order(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(parse(fx, "--ro-bind", "/", "/", "--tmpfs", "/tmp", "--proc", "/proc", "--dir", "/tmp/x",
			       "--bind", "/a", "/tmp/x", "x", NULL),
			 CLI_RUN);
	static const enum mount_op_type want[] = { MOUNT_OP_BIND, MOUNT_OP_TMPFS, MOUNT_OP_PROC,
						   MOUNT_OP_DIR, MOUNT_OP_BIND };
	assert_int_equal(fx->spec.n_ops, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(fx->spec.ops[i].type, want[i]);
}

static void normalize_dest(void **state)
{
	(void)state;
	static const char *const rows[][2] = {
		{ "/", "/" },
		{ "", "/" },
		{ "usr", "/usr" },
		{ "//usr//lib//", "/usr/lib" },
		{ "/a/./b/.", "/a/b" },
		{ "/a/b/../c", "/a/c" },
		{ "/../../etc", "/etc" },
		{ "a/..", "/" },
		{ "..", "/" },
		{ "/a/..b/.c", "/a/..b/.c" },
		{ "/a/b/../../..", "/" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		char *got = cli_normalize_dest(rows[i][0]);
		assert_string_equal(got, rows[i][1]);
		free(got);
	}
}

/* ---- seccomp -------------------------------------------------------------- */

static void seccomp_programs(void **state)
{
	struct fx *fx = *state;
	static const unsigned char prog1[16] = { 6, 0, 0, 0, 0, 0, 0xff, 0x7f, 1, 2, 3, 4, 5, 6, 7, 8 };
	static const unsigned char prog2[8] = { 6, 0, 0, 0, 0, 0, 0xff, 0x7f };

	int fd = data_fd(prog1, sizeof(prog1));
	assert_int_equal(parse(fx, "--seccomp", fdstr(fd), "x", NULL), CLI_RUN);
	assert_int_equal(fx->spec.n_seccomp, 1);
	assert_int_equal(fx->spec.seccomp[0].len, 16);
	assert_memory_equal(fx->spec.seccomp[0].insns, prog1, 16);
	assert_false(fd_is_open(fd));

	int a = data_fd(prog1, sizeof(prog1)), b = data_fd(prog2, sizeof(prog2));
	assert_int_equal(parse(fx, "--add-seccomp-fd", fdstr(a), "--add-seccomp-fd", fdstr(b), "x", NULL), CLI_RUN);
	assert_int_equal(fx->spec.n_seccomp, 2);
	assert_int_equal(fx->spec.seccomp[0].len, 16);
	assert_int_equal(fx->spec.seccomp[1].len, 8);
	assert_memory_equal(fx->spec.seccomp[1].insns, prog2, 8);

	/* Only the last --seccomp counts; the earlier fd is left alone. */
	a = data_fd(prog1, sizeof(prog1));
	b = data_fd(prog2, sizeof(prog2));
	assert_int_equal(parse(fx, "--seccomp", fdstr(a), "--seccomp", fdstr(b), "x", NULL), CLI_RUN);
	assert_int_equal(fx->spec.n_seccomp, 1);
	assert_int_equal(fx->spec.seccomp[0].len, 8);
	assert_true(fd_is_open(a));
	close(a);

	/* The kernel's limit, exactly. */
	size_t n = 4096 * 8;
	_cleanup_free_ char *big = xcalloc(1, n + 8);
	fd = data_fd(big, n);
	assert_int_equal(parse(fx, "--add-seccomp-fd", fdstr(fd), "x", NULL), CLI_RUN);
	assert_int_equal(fx->spec.seccomp[0].len, n);
	fd = data_fd(big, n + 8);
	assert_int_equal(parse(fx, "--add-seccomp-fd", fdstr(fd), "x", NULL), -1);
	char want[128];
	snprintf(want, sizeof(want), "Invalid seccomp data from fd %d: more than 4096 instructions", fd);
	assert_err(fx, want);
}

static void seccomp_errors(void **state)
{
	struct fx *fx = *state;
	char want[128];

	int fd = data_fd("1234567", 7);
	assert_int_equal(parse(fx, "--seccomp", fdstr(fd), "x", NULL), -1);
	assert_err(fx, "Invalid seccomp data, must be multiple of 8");

	fd = data_fd("123456789", 9);
	assert_int_equal(parse(fx, "--add-seccomp-fd", fdstr(fd), "x", NULL), -1);
	assert_err(fx, "Invalid seccomp data, must be multiple of 8");

	fd = data_fd("", 0);
	assert_int_equal(parse(fx, "--add-seccomp-fd", fdstr(fd), "x", NULL), -1);
	snprintf(want, sizeof(want), "Invalid seccomp data from fd %d: empty program", fd);
	assert_err(fx, want);

	fd = data_fd("12345678", 8);
	assert_int_equal(parse(fx, "--add-seccomp-fd", fdstr(fd), "--seccomp", CLOSED_FD, "x", NULL), -1);
	assert_err(fx, "--seccomp cannot be combined with --add-seccomp-fd");

	assert_int_equal(parse(fx, "--seccomp", CLOSED_FD, "--add-seccomp-fd", CLOSED_FD, "x", NULL), -1);
	assert_err(fx, "--add-seccomp-fd cannot be combined with --seccomp");

	assert_int_equal(parse(fx, "--seccomp", CLOSED_FD, "x", NULL), -1);
	assert_err(fx, "Can't read --seccomp data from fd " CLOSED_FD ": Bad file descriptor");
	assert_int_equal(fx->err->errnum, EBADF);
	assert_int_equal(parse(fx, "--add-seccomp-fd", CLOSED_FD, "x", NULL), -1);
	assert_err(fx, "Can't read --add-seccomp-fd data from fd " CLOSED_FD ": Bad file descriptor");
}

/* ---- --args ------------------------------------------------------------- */

static void args_fd(void **state)
{
	struct fx *fx = *state;
	static const char data[] = "--dir\0/a\0--setenv\0K\0v w\0--perms\0" "0700\0--dir\0/b";
	int fd = data_fd(data, sizeof(data) - 1); /* last string unterminated */
	assert_int_equal(parse(fx, "--tmpfs", "/t", "--args", fdstr(fd), "--dir", "/c", "--clearenv",
			       "--setenv", "Z", "1", "cmd", "arg", NULL),
			 CLI_RUN);
	assert_false(fd_is_open(fd));
	assert_int_equal(fx->spec.n_ops, 4);
	assert_string_equal(op_at(fx, 0, MOUNT_OP_TMPFS)->dest, "/t");
	assert_string_equal(op_at(fx, 1, MOUNT_OP_DIR)->dest, "/a");
	assert_int_equal(fx->spec.ops[1].perms, 0755);
	const struct mount_op *op = op_at(fx, 2, MOUNT_OP_DIR);
	assert_string_equal(op->dest, "/b");
	assert_int_equal(op->perms, 0700); /* --perms from the data */
	assert_int_equal(op_at(fx, 3, MOUNT_OP_DIR)->perms, 0755);
	assert_string_equal(fx->spec.ops[3].dest, "/c");
	assert_int_equal(strv_length(fx->spec.envp), 1);
	assert_string_equal(fx->spec.envp[0], "Z=1");
	assert_int_equal(strv_length(fx->spec.argv), 2);
	assert_string_equal(fx->spec.argv[1], "arg");

	/* A --perms left at the end of the data does not carry over to the
	 * next option outside: bubblewrap checks it after --args. */
	fd = data_fd("--perms\0" "0700", 12);
	assert_int_equal(parse(fx, "--args", fdstr(fd), "--dir", "/b", "x", NULL), -1);
	assert_err(fx, "--perms must be followed by an option that creates a file");
	/* ... while a --perms just before --args reaches the data's op. */
	fd = data_fd("--dir\0/d", 8);
	assert_int_equal(parse(fx, "--perms", "0711", "--args", fdstr(fd), "x", NULL), CLI_RUN);
	assert_int_equal(op_at(fx, 0, MOUNT_OP_DIR)->perms, 0711);

	/* Empty data, a trailing "--", and options that read fds themselves. */
	fd = data_fd("", 0);
	assert_int_equal(parse(fx, "--args", fdstr(fd), "x", NULL), CLI_RUN);
	fd = data_fd("--new-session\0--\0", 17);
	assert_int_equal(parse(fx, "--args", fdstr(fd), "x", NULL), CLI_RUN);
	assert_true(fx->spec.new_session);
	int inner = data_fd("content", 7);
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "--file%c%d%c/f", 0, inner, 0);
	fd = data_fd(buf, (size_t)n);
	assert_int_equal(parse(fx, "--args", fdstr(fd), "x", NULL), CLI_RUN);
	assert_memory_equal(op_at(fx, 0, MOUNT_OP_FILE)->data, "content", 7);

	/* --help inside the data ends parsing like anywhere else. */
	fd = data_fd("--help", 6);
	assert_int_equal(parse(fx, "--args", fdstr(fd), "x", NULL), CLI_EXIT);
}

static void args_fd_errors(void **state)
{
	struct fx *fx = *state;

	int inner = data_fd("", 0);
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "--args%c%d", 0, inner);
	int fd = data_fd(buf, (size_t)n);
	assert_int_equal(parse(fx, "--args", fdstr(fd), "x", NULL), -1);
	assert_err(fx, "--args not supported in arguments file");
	close(inner);

	fd = data_fd("--args", 6);
	assert_int_equal(parse(fx, "--args", fdstr(fd), "x", NULL), -1);
	assert_err(fx, "--args not supported in arguments file");

	fd = data_fd("--dir\0/a\0cmd\0arg", 16);
	assert_int_equal(parse(fx, "--args", fdstr(fd), "x", NULL), -1);
	assert_err(fx, "--args data may hold options only, found \"cmd\"");

	fd = data_fd("--bind\0/a", 9);
	assert_int_equal(parse(fx, "--args", fdstr(fd), "x", NULL), -1);
	assert_err(fx, "--bind takes two arguments");

	fd = data_fd("--frob\0", 7);
	assert_int_equal(parse(fx, "--args", fdstr(fd), "x", NULL), -1);
	assert_err(fx, "Unknown option --frob");

	fd = data_fd("\0", 1); /* one empty string: not an option */
	assert_int_equal(parse(fx, "--args", fdstr(fd), "x", NULL), -1);
	assert_err(fx, "--args data may hold options only, found \"\"");

	assert_int_equal(parse(fx, "--args", CLOSED_FD, "x", NULL), -1);
	assert_err(fx, "Can't read --args data from fd " CLOSED_FD ": Bad file descriptor");

	/* 9000 strings in all, argv included. */
	size_t count = 9000;
	_cleanup_free_ char *many = xmalloc(count * 14);
	size_t len = 0;
	for (size_t i = 0; i < count; i++) {
		memcpy(many + len, "--new-session", 14);
		len += 14;
	}
	fd = data_fd(many, len);
	assert_int_equal(parse(fx, "--args", fdstr(fd), "x", NULL), -1);
	assert_err(fx, "Exceeded maximum number of arguments 9000");
	fd = data_fd(many, len - 3 * 14);
	assert_int_equal(parse(fx, "--args", fdstr(fd), "x", NULL), CLI_RUN);
}

/* Junk must produce an error or a spec, never a crash (run under ASan). */
static void args_fd_junk(void **state)
{
	struct fx *fx = *state;
	unsigned seed = 12345;
	char buf[4096];
	for (int round = 0; round < 200; round++) {
		size_t len = (size_t)(rand_r(&seed) % (int)sizeof(buf));
		for (size_t i = 0; i < len; i++) {
			int r = rand_r(&seed) % 8;
			buf[i] = r == 0 ? '\0' : r == 1 ? '-' : (char)rand_r(&seed);
		}
		int fd = data_fd(buf, len);
		int r = parse(fx, "--args", fdstr(fd), "x", NULL);
		assert_true(r == CLI_RUN || r == CLI_EXIT || r == -1);
	}
}

/* ---- messages ------------------------------------------------------------ */

struct err_row {
	const char *argv[12];
	const char *msg;
};

static const struct err_row error_rows[] = {
	{ { "--foo" }, "Unknown option --foo" },
	{ { "-" }, "Unknown option -" },
	{ { "-x", "y" }, "Unknown option -x" },
	{ { "--bind=/a" }, "Unknown option --bind=/a" },
	{ { "--backend=" }, "Invalid --backend value:  (expected emulate, kernel or auto)" },
	{ { "--backend", "gvisor", "x" }, "Invalid --backend value: gvisor (expected emulate, kernel or auto)" },
	{ { "--platform=kvm", "x" }, "Invalid --platform value: kvm (expected unotify, ptrace or auto)" },
	/* arity */
	{ { "--bind", "/" }, "--bind takes two arguments" },
	{ { "--bind-try", "/" }, "--bind-try takes two arguments" },
	{ { "--ro-bind", "/" }, "--ro-bind takes two arguments" },
	{ { "--ro-bind-try" }, "--ro-bind-try takes two arguments" },
	{ { "--dev-bind", "/" }, "--dev-bind takes two arguments" },
	{ { "--dev-bind-try", "/" }, "--dev-bind-try takes two arguments" },
	{ { "--bind-fd", "3" }, "--bind-fd takes two arguments" },
	{ { "--ro-bind-fd", "3" }, "--bind-fd takes two arguments" },
	{ { "--file", "3" }, "--file takes two arguments" },
	{ { "--bind-data", "3" }, "--bind-data takes two arguments" },
	{ { "--ro-bind-data", "3" }, "--ro-bind-data takes two arguments" },
	{ { "--symlink", "a" }, "--symlink takes two arguments" },
	{ { "--setenv", "A" }, "--setenv takes two arguments" },
	{ { "--chmod", "0755" }, "--chmod takes two arguments" },
	{ { "--overlay", "a", "b" }, "--overlay takes three arguments" },
	{ { "--chdir" }, "--chdir takes one argument" },
	{ { "--argv0" }, "--argv0 takes one argument" },
	{ { "--remount-ro" }, "--remount-ro takes one argument" },
	{ { "--args" }, "--args takes an argument" },
	{ { "--proc" }, "--proc takes an argument" },
	{ { "--dev" }, "--dev takes an argument" },
	{ { "--tmpfs" }, "--tmpfs takes an argument" },
	{ { "--mqueue" }, "--mqueue takes an argument" },
	{ { "--dir" }, "--dir takes an argument" },
	{ { "--lock-file" }, "--lock-file takes an argument" },
	{ { "--sync-fd" }, "--sync-fd takes an argument" },
	{ { "--block-fd" }, "--block-fd takes an argument" },
	{ { "--userns-block-fd" }, "--userns-block-fd takes an argument" },
	{ { "--info-fd" }, "--info-fd takes an argument" },
	{ { "--json-status-fd" }, "--json-status-fd takes an argument" },
	{ { "--seccomp" }, "--seccomp takes an argument" },
	{ { "--add-seccomp-fd" }, "--add-seccomp-fd takes an argument" },
	{ { "--userns" }, "--userns takes an argument" },
	{ { "--userns2" }, "--userns2 takes an argument" },
	{ { "--pidns" }, "--pidns takes an argument" },
	{ { "--unsetenv" }, "--unsetenv takes an argument" },
	{ { "--uid" }, "--uid takes an argument" },
	{ { "--gid" }, "--gid takes an argument" },
	{ { "--hostname" }, "--hostname takes an argument" },
	{ { "--cap-add" }, "--cap-add takes an argument" },
	{ { "--cap-drop" }, "--cap-drop takes an argument" },
	{ { "--perms" }, "--perms takes an argument" },
	{ { "--perms", "0755", "--perms" }, "--perms takes an argument" },
	{ { "--size" }, "--size takes an argument" },
	{ { "--exec-label" }, "--exec-label takes an argument" },
	{ { "--file-label" }, "--file-label takes an argument" },
	{ { "--tmp-overlay" }, "--tmp-overlay takes an argument" },
	{ { "--ro-overlay" }, "--ro-overlay takes an argument" },
	{ { "--overlay-src" }, "--overlay-src takes an argument" },
	{ { "--backend" }, "--backend takes an argument" },
	{ { "--platform" }, "--platform takes an argument" },
	/* numbers */
	{ { "--sync-fd", "x", "y" }, "Invalid fd: x" },
	{ { "--info-fd", "-1", "y" }, "Invalid fd: -1" },
	{ { "--block-fd", "", "y" }, "Invalid fd: " },
	{ { "--json-status-fd", "0x1", "y" }, "Invalid fd: 0x1" },
	{ { "--userns-block-fd", "99999999999999999999", "y" }, "Invalid fd: 99999999999999999999" },
	{ { "--sync-fd", "2147483648", "y" }, "Invalid fd: 2147483648" },
	{ { "--bind-fd", "x", "/a", "y" }, "Invalid fd: x" },
	{ { "--ro-bind-fd", "-1", "/a", "y" }, "Invalid fd: -1" },
	{ { "--file", "1x", "/a", "y" }, "Invalid fd: 1x" },
	{ { "--bind-data", "", "/a", "y" }, "Invalid fd: " },
	{ { "--ro-bind-data", "-3", "/a", "y" }, "Invalid fd: -3" },
	{ { "--args", "z", "y" }, "Invalid fd: z" },
	{ { "--seccomp", "z", "y" }, "Invalid fd: z" },
	{ { "--add-seccomp-fd", "-2", "y" }, "Invalid fd: -2" },
	{ { "--userns", "q", "y" }, "Invalid fd: q" },
	{ { "--uid", "x", "y" }, "Invalid uid: x" },
	{ { "--uid", "-1", "y" }, "Invalid uid: -1" },
	{ { "--uid", "4294967296", "y" }, "Invalid uid: 4294967296" },
	{ { "--gid", "", "y" }, "Invalid gid: " },
	{ { "--gid", "12a", "y" }, "Invalid gid: 12a" },
	/* fds that are not open */
	{ { "--sync-fd", CLOSED_FD, "y" }, "Invalid fd for --sync-fd: " CLOSED_FD ": Bad file descriptor" },
	{ { "--block-fd", CLOSED_FD, "y" }, "Invalid fd for --block-fd: " CLOSED_FD ": Bad file descriptor" },
	{ { "--userns-block-fd", CLOSED_FD, "y" }, "Invalid fd for --userns-block-fd: " CLOSED_FD ": Bad file descriptor" },
	{ { "--info-fd", CLOSED_FD, "y" }, "Invalid fd for --info-fd: " CLOSED_FD ": Bad file descriptor" },
	{ { "--json-status-fd", CLOSED_FD, "y" }, "Invalid fd for --json-status-fd: " CLOSED_FD ": Bad file descriptor" },
	{ { "--bind-fd", CLOSED_FD, "/a", "y" }, "Invalid fd for --bind-fd: " CLOSED_FD ": Bad file descriptor" },
	{ { "--ro-bind-fd", CLOSED_FD, "/a", "y" }, "Invalid fd for --ro-bind-fd: " CLOSED_FD ": Bad file descriptor" },
	{ { "--file", CLOSED_FD, "/a", "y" }, "Can't read --file data from fd " CLOSED_FD ": Bad file descriptor" },
	{ { "--bind-data", CLOSED_FD, "/a", "y" }, "Can't read --bind-data data from fd " CLOSED_FD ": Bad file descriptor" },
	{ { "--ro-bind-data", CLOSED_FD, "/a", "y" }, "Can't read --ro-bind-data data from fd " CLOSED_FD ": Bad file descriptor" },
	/* --perms, --size, --chmod */
	{ { "--perms", "9", "--dir", "/a", "y" }, "--perms takes an octal argument <= 07777" },
	{ { "--perms", "", "--dir", "/a", "y" }, "--perms takes an octal argument <= 07777" },
	{ { "--perms", "010000", "--dir", "/a", "y" }, "--perms takes an octal argument <= 07777" },
	{ { "--perms", "0755x", "--dir", "/a", "y" }, "--perms takes an octal argument <= 07777" },
	{ { "--perms", "-1", "--dir", "/a", "y" }, "--perms takes an octal argument <= 07777" },
	{ { "--perms", "77777777777777777777777777", "y" }, "--perms takes an octal argument <= 07777" },
	{ { "--perms", "1", "--perms", "2", "--dir", "/x", "y" }, "--perms given twice for the same action" },
	{ { "--perms", "0755", "--ro-bind", "/", "/", "y" }, "--perms must be followed by an option that creates a file" },
	{ { "--perms", "0755", "--chmod", "0755", "/x", "y" }, "--perms must be followed by an option that creates a file" },
	{ { "--perms", "0755", "--size", "1", "--proc", "/p", "y" }, "--perms must be followed by an option that creates a file" },
	{ { "--perms", "0755", "y" }, "--perms must be followed by an option that creates a file" },
	{ { "--perms", "0755", "--", "y" }, "--perms must be followed by an option that creates a file" },
	{ { "--size", "0", "--tmpfs", "/a", "y" }, "--size takes a non-zero number of bytes" },
	{ { "--size", "-5", "--tmpfs", "/a", "y" }, "--size takes a non-zero number of bytes" },
	{ { "--size", " 5", "--tmpfs", "/a", "y" }, "--size takes a non-zero number of bytes" },
	{ { "--size", "1k", "--tmpfs", "/a", "y" }, "--size takes a non-zero number of bytes" },
	{ { "--size", "", "--tmpfs", "/a", "y" }, "--size takes a non-zero number of bytes" },
	{ { "--size", "0x", "--tmpfs", "/a", "y" }, "--size takes a non-zero number of bytes" },
	{ { "--size", "99999999999999999999999", "--tmpfs", "/a", "y" }, "--size takes a non-zero number of bytes" },
	{ { "--size", "1", "--size", "2", "--tmpfs", "/x", "y" }, "--size given twice for the same action" },
	{ { "--size", "10", "--dir", "/x", "y" }, "--size must be followed by --tmpfs" },
	{ { "--size", "10", "--file", "0", "/x", "y" }, "--size must be followed by --tmpfs" },
	{ { "--size", "10", "y" }, "--size must be followed by --tmpfs" },
	{ { "--chmod", "0x", "/a", "y" }, "--chmod takes an octal argument <= 07777" },
	{ { "--chmod", "", "/a", "y" }, "--chmod takes an octal argument <= 07777" },
	{ { "--chmod", "17777", "/a", "y" }, "--chmod takes an octal argument <= 07777" },
	/* overlays */
	{ { "--overlay", "/rw", "/w", "/o", "y" }, "--overlay requires at least one --overlay-src" },
	{ { "--tmp-overlay", "/o", "y" }, "--tmp-overlay requires at least one --overlay-src" },
	{ { "--ro-overlay", "/o", "y" }, "--ro-overlay requires at least two --overlay-src" },
	{ { "--overlay-src", "/a", "--ro-overlay", "/o", "y" }, "--ro-overlay requires at least two --overlay-src" },
	{ { "--overlay-src", "/a", "--dir", "/x", "y" },
	  "--overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay" },
	{ { "--overlay-src", "/a", "y" },
	  "--overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay" },
	{ { "--overlay-src", "/a", "--tmp-overlay", "/o", "--tmp-overlay", "/p", "y" },
	  "--tmp-overlay requires at least one --overlay-src" },
	/* others */
	{ { "--argv0", "a", "--argv0", "b", "y" }, "--argv0 used multiple times" },
	{ { "--cap-add", "FOO", "y" }, "unknown cap: FOO" },
	{ { "--cap-drop", "CAP_NOPE", "y" }, "unknown cap: CAP_NOPE" },
	{ { "--cap-add", "64", "y" }, "unknown cap: 64" },
	{ { "--cap-add", "", "y" }, "unknown cap: " },
	{ { "--exec-label", "system_u:foo", "y" }, "labeling not supported on this system" },
	{ { "--file-label", "x", "y" }, "labeling not supported on this system" },
	{ { "--userns", "3", "y" }, "--userns is not supported by veil yet" },
	{ { "--userns2", "3", "y" }, "--userns2 is not supported by veil yet" },
	{ { "--pidns", "3", "y" }, "--pidns is not supported by veil yet" },
	{ { "--setenv", "A=B", "v", "y" }, "setenv failed" },
	{ { "--setenv", "", "v", "y" }, "setenv failed" },
	{ { "--unsetenv", "A=B", "y" }, "unsetenv failed" },
	{ { "--unsetenv", "", "y" }, "unsetenv failed" },
	{ { "--hostname", "h", "y" }, "Specifying --hostname requires --unshare-uts" },
	{ { "--unshare-all", "--hostname", "h", "y" }, NULL /* fine: --unshare-all has uts */ },
	{ { "--as-pid-1", "y" }, "Specifying --as-pid-1 requires --unshare-pid" },
	{ { "--unshare-pid", "--as-pid-1", "--lock-file", "/l", "y" },
	  "Specifying --as-pid-1 and --lock-file is not permitted" },
	{ { "--unshare-user", "--userns-block-fd", "2", "y" }, "--userns-block-fd requires --info-fd" },
	{ { "--unshare-user", "--disable-userns", "--userns-block-fd", "2", "--info-fd", "2", "y" },
	  "--disable-userns is not compatible with  --userns-block-fd" },
	/* checks made before the missing command is noticed, as bubblewrap */
	{ { "--unshare-user", "--userns-block-fd", "2" }, "--userns-block-fd requires --info-fd" },
	{ { "--hostname", "h" }, "No command specified" },
};

static void error_table(void **state)
{
	struct fx *fx = *state;
	for (size_t i = 0; i < ARRAY_SIZE(error_rows); i++) {
		const struct err_row *row = &error_rows[i];
		char *argv[14] = { (char *)"veil" };
		int argc = 1;
		for (size_t j = 0; j < ARRAY_SIZE(row->argv) && row->argv[j]; j++)
			argv[argc++] = (char *)row->argv[j];
		argv[argc] = NULL;
		spec_free(&fx->spec);
		spec_init(&fx->spec);
		verr_free(&fx->err);
		int saved = -1;
		if (row->msg && strcmp(row->msg, "No command specified") == 0) {
			/* keep the usage text out of the test log */
			fflush(stderr);
			saved = dup(2);
			int null = open("/dev/null", O_WRONLY);
			dup2(null, 2);
			close(null);
		}
		int r = cli_parse(argc, argv, &fx->spec, fx->out, &fx->err);
		if (saved >= 0) {
			fflush(stderr);
			dup2(saved, 2);
			close(saved);
		}
		if (!row->msg) {
			assert_int_equal(r, CLI_RUN);
			continue;
		}
		if (r != -1 || !fx->err)
			fail_msg("row %zu (%s): parsed, expected \"%s\"", i, row->argv[0], row->msg);
		_cleanup_free_ char *got = verr_format(fx->err);
		if (strcmp(got, row->msg) != 0)
			fail_msg("row %zu (%s): got \"%s\", expected \"%s\"", i, row->argv[0], got, row->msg);
		assert_int_equal(fx->err->status, 1);
	}
}

/* The rules bubblewrap applies only without a user namespace, which it
 * always creates unless run as root. */
static void userns_requirements(void **state)
{
	struct fx *fx = *state;
	if (getuid() != 0) {
		assert_int_equal(parse(fx, "--uid", "0", "--gid", "0", "--disable-userns", "x", NULL), CLI_RUN);
		return;
	}
	assert_int_equal(parse(fx, "--uid", "5", "x", NULL), -1);
	assert_err(fx, "Specifying --uid requires --unshare-user or --userns");
	assert_int_equal(parse(fx, "--gid", "5", "x", NULL), -1);
	assert_err(fx, "Specifying --gid requires --unshare-user or --userns");
	assert_int_equal(parse(fx, "--disable-userns", "x", NULL), -1);
	assert_err(fx, "--disable-userns requires --unshare-user");
	assert_int_equal(parse(fx, "--userns-block-fd", "2", "--info-fd", "2", "x", NULL), -1);
	assert_err(fx, "--userns-block-fd requires --unshare-user");
}

static void huge_and_odd_values(void **state)
{
	struct fx *fx = *state;
	char want[96];
	snprintf(want, sizeof(want), "--size (for tmpfs) is limited to %zu", (size_t)SIZE_MAX >> 1);
	assert_int_equal(parse(fx, "--size", "18446744073709551615", "--tmpfs", "/t", "x", NULL), -1);
	assert_err(fx, want);
	char over[32];
	snprintf(over, sizeof(over), "%zu", ((size_t)SIZE_MAX >> 1) + 1);
	assert_int_equal(parse(fx, "--size", over, "--tmpfs", "/t", "x", NULL), -1);
	assert_err(fx, want);

	/* Empty strings where paths go: bubblewrap treats "" as the root. */
	assert_int_equal(parse(fx, "--tmpfs", "", "--bind", "", "", "--symlink", "", "/s", "", NULL), CLI_RUN);
	assert_string_equal(fx->spec.ops[0].dest, "/");
	assert_string_equal(fx->spec.ops[1].source, "");
	assert_string_equal(fx->spec.ops[2].source, "");
	assert_string_equal(fx->spec.argv[0], "");
}

/* ---- the live oracle: bubblewrap's own words, where it has the flag ---- */

/* Runs `bwrap ARGS` and returns its first stderr line without "bwrap: ". */
static char *bwrap_says(const char *const *args)
{
	int p[2];
	if (pipe(p) != 0)
		return NULL;
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[16] = { (char *)"bwrap" };
		int n = 1;
		for (; args[n - 1]; n++)
			argv[n] = (char *)args[n - 1];
		argv[n] = NULL;
		dup2(p[1], 2);
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		execv("/usr/bin/bwrap", argv);
		_exit(127);
	}
	close(p[1]);
	char buf[512];
	size_t len = 0;
	ssize_t r;
	while (len < sizeof(buf) - 1 && (r = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)r;
	close(p[0]);
	waitpid(pid, NULL, 0);
	buf[len] = '\0';
	char *nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	if (strncmp(buf, "bwrap: ", 7) != 0)
		return NULL;
	return xstrdup(buf + 7);
}

static void same_words_as_bwrap(void **state)
{
	struct fx *fx = *state;
	if (access("/usr/bin/bwrap", X_OK) != 0)
		skip();
	/* Failures bubblewrap 0.8.0 reports while parsing, before any setup. */
	static const char *const cases[][8] = {
		{ "--frob", NULL },
		{ "--bind", "/", NULL },
		{ "--bind-fd", "3", NULL },
		{ "--overlay", "a", NULL },
		{ "--chdir", NULL },
		{ "--tmpfs", NULL },
		{ "--sync-fd", "x", "true", NULL },
		{ "--bind-data", "-1", "/a", "true", NULL },
		{ "--uid", "x", "true", NULL },
		{ "--gid", "-1", "true", NULL },
		{ "--perms", "9", "--dir", "/a", "true", NULL },
		{ "--perms", "1", "--perms", "2", "--dir", "/a", "true", NULL },
		{ "--perms", "0755", "--ro-bind", "/", "/", "true", NULL },
		{ "--size", "0", "--tmpfs", "/a", "true", NULL },
		{ "--size", "1k", "--tmpfs", "/a", "true", NULL },
		{ "--size", "1", "--size", "2", "--tmpfs", "/a", "true", NULL },
		{ "--size", "10", "--dir", "/x", "true", NULL },
		{ "--chmod", "0x", "/a", "true", NULL },
		{ "--seccomp", "3", "--add-seccomp-fd", "4", NULL },
		{ "--cap-add", "FOO", "true", NULL },
		{ "--hostname", "h", "true", NULL },
		{ "--as-pid-1", "true", NULL },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *theirs = bwrap_says(cases[i]);
		/* this bwrap does not fail that way, or predates the flag */
		if (!theirs || (strncmp(theirs, "Unknown option ", 15) == 0 &&
				strcmp(cases[i][0], "--frob") != 0))
			continue;
		char *argv[10] = { (char *)"bwrap" };
		int argc = 1;
		for (size_t j = 0; cases[i][j]; j++)
			argv[argc++] = (char *)cases[i][j];
		argv[argc] = NULL;
		spec_free(&fx->spec);
		spec_init(&fx->spec);
		verr_free(&fx->err);
		assert_int_equal(cli_parse(argc, argv, &fx->spec, fx->out, &fx->err), -1);
		_cleanup_free_ char *ours = verr_format(fx->err);
		if (strcmp(ours, theirs) != 0)
			fail_msg("%s: bwrap says \"%s\", veil says \"%s\"", cases[i][0], theirs, ours);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(command_stops_options, setup, teardown),
		cmocka_unit_test_setup_teardown(no_command, setup, teardown),
		cmocka_unit_test_setup_teardown(too_many_args, setup, teardown),
		cmocka_unit_test_setup_teardown(help_and_version, setup, teardown),
		cmocka_unit_test_setup_teardown(unshare_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(bool_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(process_params, setup, teardown),
		cmocka_unit_test_setup_teardown(environment, setup, teardown),
		cmocka_unit_test_setup_teardown(kept_fds, setup, teardown),
		cmocka_unit_test_setup_teardown(caps, setup, teardown),
		cmocka_unit_test_setup_teardown(backend_platform, setup, teardown),
		cmocka_unit_test_setup_teardown(binds, setup, teardown),
		cmocka_unit_test_setup_teardown(bind_fds, setup, teardown),
		cmocka_unit_test_setup_teardown(simple_dest_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(tmpfs_dir_perms_size, setup, teardown),
		cmocka_unit_test_setup_teardown(data_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(large_file_data, setup, teardown),
		cmocka_unit_test_setup_teardown(symlink_chmod, setup, teardown),
		cmocka_unit_test_setup_teardown(overlays, setup, teardown),
		cmocka_unit_test_setup_teardown(ops_keep_argument_order, setup, teardown),
		cmocka_unit_test(normalize_dest),
		cmocka_unit_test_setup_teardown(seccomp_programs, setup, teardown),
		cmocka_unit_test_setup_teardown(seccomp_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(args_fd, setup, teardown),
		cmocka_unit_test_setup_teardown(args_fd_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(args_fd_junk, setup, teardown),
		cmocka_unit_test_setup_teardown(error_table, setup, teardown),
		cmocka_unit_test_setup_teardown(userns_requirements, setup, teardown),
		cmocka_unit_test_setup_teardown(huge_and_odd_values, setup, teardown),
		cmocka_unit_test_setup_teardown(same_words_as_bwrap, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
