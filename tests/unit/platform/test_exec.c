/* Exec through the sentry: the path and every interpreter resolved by the
 * sentry's filesystem (here a host-directory stand-in for the VFS), the
 * program run by fd. Checks argv for static programs and #! chains, the
 * dynamic-ELF route through ld.so, errors returned to the program, a
 * failing exec that leaves no fd behind, and exec from a thread. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/log.h"
#include "platform/unotify/unotify.h"
#include "sentry/kernel/sentry.h"
#include "spec/spec.h"

static const char *dump; /* a static program printing its argv, NUL-separated */
static char dir[] = "/tmp/veil-exec-XXXXXX";
static int out_pipe[2];

/* The stand-in for the VFS: host paths, the kernel's exec checks. */
static int host_open_exec(struct sentry *s, struct sentry_task *t, struct vfs_file *dirf,
			  const char *path, int flags, struct vfs_path *where)
{
	(void)s, (void)t, (void)dirf, (void)flags;
	if (where)
		*where = (struct vfs_path){0};
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || access(path, X_OK) != 0) {
		close(fd);
		return -EACCES;
	}
	return fd;
}

static const struct sentry_fs_ops host_fs = {.open_exec = host_open_exec};

static const struct unotify_opts *sandbox_opts;

static int sandbox(int (*fn)(void *), void *arg)
{
	struct spec spec;
	spec_init(&spec);
	struct sentry s;
	assert_int_equal(sentry_init(&s, &spec), 0);
	s.fs = &host_fs;
	struct unotify u;
	struct veil_error *err = NULL;
	if (unotify_spawn(&u, &s, sandbox_opts, fn, arg, &err) < 0)
		fail_msg("spawn: %s", err->msg);
	int status = unotify_run(&u);
	assert_int_equal(s.n_tasks, 0);
	unotify_fini(&u);
	sentry_fini(&s);
	spec_free(&spec);
	return status;
}

/* Reads what the sandbox wrote to out_pipe, as a NUL-separated list
 * joined with '|'. */
static char *collect(void)
{
	static char buf[8192];
	size_t n = 0;
	ssize_t r;
	while (n < sizeof(buf) - 1 && (r = read(out_pipe[0], buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = '|';
	return buf;
}

struct exec_case {
	const char *path;
	char *argv[6];
	char *envp[3];
};

static int do_exec(void *arg)
{
	const struct exec_case *c = arg;
	dup2(out_pipe[1], 1);
	close(out_pipe[0]);
	close(out_pipe[1]);
	execve(c->path, c->argv, c->envp);
	return 100 + errno;
}

static int run_case(const struct exec_case *c, char **out)
{
	assert_int_equal(pipe2(out_pipe, O_CLOEXEC), 0);
	int status = sandbox(do_exec, (void *)c);
	close(out_pipe[1]);
	*out = collect();
	close(out_pipe[0]);
	return status;
}

static void write_script(const char *name, const char *line)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", line);
	fclose(f);
	chmod(path, 0755);
}

static void static_program(void **state)
{
	(void)state;
	struct exec_case c = {dump, {"zero", "a", "b c", NULL}, {NULL}};
	char *out;
	assert_int_equal(run_case(&c, &out), 0);
	assert_string_equal(out, "zero|a|b c|");
}

static void script_chain(void **state)
{
	(void)state;
	char line[PATH_MAX + 16], s1[PATH_MAX], s2[PATH_MAX], want[4 * PATH_MAX];
	snprintf(line, sizeof(line), "#!%s -opt", dump);
	write_script("s1", line);
	snprintf(s1, sizeof(s1), "%s/s1", dir);
	snprintf(line, sizeof(line), "#!%s", s1);
	write_script("s2", line);
	snprintf(s2, sizeof(s2), "%s/s2", dir);

	struct exec_case c = {s2, {"ignored", "x", NULL}, {NULL}};
	char *out;
	assert_int_equal(run_case(&c, &out), 0);
	/* binfmt_script, twice: dump -opt s1 s2 x */
	snprintf(want, sizeof(want), "%s|-opt|%s|%s|x|", dump, s1, s2);
	assert_string_equal(out, want);
}

static void errors_reach_the_program(void **state)
{
	(void)state;
	char *out;
	struct exec_case missing = {"/nonexistent/veil", {"x", NULL}, {NULL}};
	assert_int_equal(run_case(&missing, &out), 100 + ENOENT);

	write_script("text", "just text");
	char text[PATH_MAX];
	snprintf(text, sizeof(text), "%s/text", dir);
	chmod(text, 0755);
	/* no #! and not ELF: the kernel says ENOEXEC */
	FILE *f = fopen(text, "w");
	fputs("just text\n", f);
	fclose(f);
	struct exec_case notexec = {text, {"x", NULL}, {NULL}};
	assert_int_equal(run_case(&notexec, &out), 100 + ENOEXEC);

	char loop[PATH_MAX + 8];
	char lp[PATH_MAX];
	snprintf(lp, sizeof(lp), "%s/loop", dir);
	snprintf(loop, sizeof(loop), "#!%s", lp);
	write_script("loop", loop);
	struct exec_case looping = {lp, {"x", NULL}, {NULL}};
	assert_int_equal(run_case(&looping, &out), 100 + ELOOP);
}

/* The kernel refuses the exec after the sentry handed the fd over (an
 * environment string longer than MAX_ARG_STRLEN): the program gets E2BIG
 * and holds no new fd. */
static int failing_exec(void *arg)
{
	(void)arg;
	size_t big = 200000;
	char *env = malloc(big + 3);
	memset(env, 'x', big + 2);
	memcpy(env, "A=", 2);
	env[big + 2] = '\0';
	char *envp[] = {env, NULL};
	char *argv[] = {"x", NULL};
	int before = 0, after = 0;
	for (int fd = 0; fd < 256; fd++)
		before += fcntl(fd, F_GETFD) >= 0;
	execve(dump, argv, envp);
	int e = errno;
	for (int fd = 0; fd < 256; fd++)
		after += fcntl(fd, F_GETFD) >= 0;
	if (e != E2BIG)
		return 10;
	return after == before ? 0 : 11;
}

static void failed_exec_cleans_up(void **state)
{
	(void)state;
	assert_int_equal(sandbox(failing_exec, NULL), 0);
}

/* A dynamic program goes through its ELF interpreter, resolved by the
 * sentry. With no open handler yet, ld.so cannot open the program and
 * says so with the program's path: proof that it ran with our argv. */
static int exec_dynamic(void *arg)
{
	(void)arg;
	dup2(out_pipe[1], 2);
	char *argv[] = {"true", NULL};
	execve("/bin/true", argv, (char *[]){NULL});
	return 100 + errno;
}

static void dynamic_program_runs_its_interpreter(void **state)
{
	(void)state;
	assert_int_equal(pipe2(out_pipe, O_CLOEXEC), 0);
	int status = sandbox(exec_dynamic, NULL);
	close(out_pipe[1]);
	char *out = collect();
	close(out_pipe[0]);
	assert_int_equal(status, 127);
	assert_non_null(strstr(out, "/bin/true"));
}

/* An argv too big for the stack's mapped part below the stack pointer
 * takes the other route: an area the tracee maps. */
#define HUGE_ARGC 100000

static int exec_huge(void *arg)
{
	bool fail = arg != NULL;
	dup2(out_pipe[1], 1);
	close(out_pipe[0]);
	close(out_pipe[1]);
	char **argv = calloc(HUGE_ARGC + 1, sizeof(*argv));
	for (int i = 0; i < HUGE_ARGC; i++)
		argv[i] = "a";
	char *envp[2] = {NULL, NULL};
	if (fail) {
		/* and the kernel refuses it: E2BIG, the mapping and fd undone */
		size_t big = 200000;
		envp[0] = malloc(big + 1);
		memset(envp[0], 'x', big);
		memcpy(envp[0], "A=", 2);
		envp[0][big] = '\0';
	}
	int before = 0, after = 0;
	for (int fd = 0; fd < 256; fd++)
		before += fcntl(fd, F_GETFD) >= 0;
	execve(dump, argv, envp);
	int e = errno;
	for (int fd = 0; fd < 256; fd++)
		after += fcntl(fd, F_GETFD) >= 0;
	return e == E2BIG && after == before ? 0 : 10;
}

/* The output goes to a file, not a pipe a thread would have to drain: a
 * thread in the test process when the sandbox forks can hold a lock
 * (ASan's) that the child then waits on forever. */
static void huge_argv(void **state)
{
	(void)state;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/huge.out", dir);
	int out = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(out >= 0);
	out_pipe[1] = out;
	out_pipe[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int status = sandbox(exec_huge, NULL);
	struct stat st;
	assert_int_equal(fstat(out, &st), 0);
	close(out);
	close(out_pipe[0]);
	assert_int_equal(status, 0);
	assert_int_equal(st.st_size, 2 * HUGE_ARGC);

	assert_int_equal(pipe2(out_pipe, O_CLOEXEC), 0);
	assert_int_equal(sandbox(exec_huge, (void *)1), 0);
	close(out_pipe[0]);
	close(out_pipe[1]);
}

static void *thread_exec(void *arg)
{
	(void)arg;
	char *argv[] = {"from-thread", NULL};
	execve(dump, argv, (char *[]){NULL});
	return NULL;
}

static int exec_in_thread(void *arg)
{
	(void)arg;
	dup2(out_pipe[1], 1);
	close(out_pipe[0]);
	close(out_pipe[1]);
	pthread_t t;
	pthread_create(&t, NULL, thread_exec, NULL);
	for (;;)
		pause();
	return 1;
}

static void exec_from_a_thread(void **state)
{
	(void)state;
	assert_int_equal(pipe2(out_pipe, O_CLOEXEC), 0);
	int status = sandbox(exec_in_thread, NULL);
	close(out_pipe[1]);
	char *out = collect();
	close(out_pipe[0]);
	assert_int_equal(status, 0);
	assert_string_equal(out, "from-thread|");
}

/* The Landlock backstop: the kernel itself refuses to exec a file beneath
 * no rule, even when the sentry chose it; signals to the sentry are out of
 * the sandbox's scope. */
static int probe_scope_then_exec(void *arg)
{
	bool was_root = arg != NULL;
	/* The sentry answers first, ESRCH (sentry/sys/sys_procs.c); Landlock's
	 * EPERM is the backstop behind it. */
	if (kill(getppid(), 0) == 0 || (errno != EPERM && errno != ESRCH))
		return 20;
	/* Run by root, the host process holds no capability (an
	 * unprivileged caller has none to lose). prctl's capability options
	 * answer the sandbox's credentials, so a native call that needs one
	 * asks the host: mbind with MPOL_MF_MOVE_ALL (4) is EPERM without
	 * CAP_SYS_NICE, checked before anything else (ENOSYS without NUMA). */
	static char page[4096] __attribute__((aligned(4096)));
	if (was_root && syscall(SYS_mbind, page, sizeof(page), 0, NULL, 0UL, 4) == 0)
		return 21;
	dup2(out_pipe[1], 1);
	char *argv[] = {"x", NULL};
	execve(dump, argv, (char *[]){NULL});
	return 100 + errno;
}

static void landlock_backstop(void **state)
{
	(void)state;
	if (landlock_abi() < 6)
		skip();
	char where[PATH_MAX];
	snprintf(where, sizeof(where), "%s", dump);
	*strrchr(where, '/') = '\0';
	struct landlock_rule allowed = {.path = where, .access = LL_READ};
	struct landlock_rule elsewhere = {.path = "/usr", .access = LL_READ};
	struct landlock_policy pol = {.scope = true, .fs = true, .rules = &allowed, .n_rules = 1};
	struct unotify_opts opts = {.landlock = &pol};
	sandbox_opts = &opts;

	assert_int_equal(pipe2(out_pipe, O_CLOEXEC), 0);
	void *root = geteuid() == 0 ? (void *)1 : NULL;
	int status = sandbox(probe_scope_then_exec, root);
	close(out_pipe[1]);
	close(out_pipe[0]);
	assert_int_equal(status, 0);

	pol.rules = &elsewhere;
	assert_int_equal(pipe2(out_pipe, O_CLOEXEC), 0);
	status = sandbox(probe_scope_then_exec, root);
	close(out_pipe[1]);
	close(out_pipe[0]);
	sandbox_opts = NULL;
	assert_int_equal(status, 100 + EACCES);
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
		fprintf(stderr, "usage: test_exec ARGV_DUMP_STATIC\n");
		return 2;
	}
	dump = argv[1];
	log_init(argv[0]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(static_program),
		cmocka_unit_test(script_chain),
		cmocka_unit_test(errors_reach_the_program),
		cmocka_unit_test(failed_exec_cleans_up),
		cmocka_unit_test(dynamic_program_runs_its_interpreter),
		cmocka_unit_test(exec_from_a_thread),
		cmocka_unit_test(huge_argv),
		cmocka_unit_test(landlock_backstop),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
