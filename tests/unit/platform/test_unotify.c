/* The unotify platform end to end, without a filesystem yet: a sandboxed
 * child calls identity syscalls (served from the sentry's credentials),
 * forks, starts threads, dies by signal, locks inherited fds (continued,
 * and a directory lock turns the fd cache off); the sentry follows every
 * task. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "platform/unotify/unotify.h"
#include "sentry/kernel/sentry.h"
#include "spec/spec.h"

static long sc(long nr, long a, long b, long c)
{
	long r = syscall(nr, a, b, c);
	return r < 0 ? -errno : r;
}

/* Whether the last sandbox() ended with its directory-fd cache off. */
static bool last_cache_off;

/* Runs fn in a sandbox whose first task has uid/gid `uid`; returns the
 * exit status. */
static int sandbox(int (*fn)(void *), uid_t uid)
{
	struct spec spec;
	spec_init(&spec);
	spec.uid = uid;
	spec.gid = uid;
	struct sentry s;
	assert_int_equal(sentry_init(&s, &spec), 0);
	struct unotify u;
	struct veil_error *err = NULL;
	int r = unotify_spawn(&u, &s, NULL, fn, NULL, &err);
	if (r < 0)
		fail_msg("spawn: %s", err->msg);
	int status = unotify_run(&u);
	assert_int_equal(s.n_tasks, 0);
	last_cache_off = u.fdcache.off;
	unotify_fini(&u);
	sentry_fini(&s);
	spec_free(&spec);
	return status;
}

#define CHECK(cond, code)              \
	do {                           \
		if (!(cond))           \
			return (code); \
	} while (0)

static int fakeroot_drops_privileges(void *arg)
{
	(void)arg;
	CHECK(sc(SYS_getuid, 0, 0, 0) == 0, 10);
	CHECK(sc(SYS_geteuid, 0, 0, 0) == 0, 11);
	gid_t g[2] = {5, 7};
	CHECK(sc(SYS_setgroups, 2, (long)g, 0) == 0, 12);
	gid_t got[4];
	CHECK(sc(SYS_getgroups, 4, (long)got, 0) == 2 && got[0] == 5 && got[1] == 7, 13);
	CHECK(sc(SYS_getgroups, 1, (long)got, 0) == -EINVAL, 14);
	CHECK(sc(SYS_setresgid, 100, 100, 100) == 0, 15);
	CHECK(sc(SYS_setresuid, 1000, 1000, 1000) == 0, 16);
	uid_t r, e, sv;
	CHECK(sc(SYS_getresuid, (long)&r, (long)&e, (long)&sv) == 0, 17);
	CHECK(r == 1000 && e == 1000 && sv == 1000, 18);
	CHECK(sc(SYS_getgid, 0, 0, 0) == 100, 19);
	CHECK(sc(SYS_setuid, 0, 0, 0) == -EPERM, 20);
	CHECK(sc(SYS_setgroups, 0, 0, 0) == -EPERM, 21);
	/* bad pointers are EFAULT, not a crash of anyone */
	CHECK(sc(SYS_getresuid, 0, (long)&e, (long)&sv) == -EFAULT, 22);
	CHECK(sc(SYS_getgroups, 4, 8, 0) == -EFAULT, 23);
	/* the kernel's order: what comes before the bad pointer is written,
	 * what comes after is not */
	r = sv = 7;
	CHECK(sc(SYS_getresuid, (long)&r, 0, (long)&sv) == -EFAULT && r == 1000 && sv == 7, 25);
	/* the child of a fork keeps the dropped ids */
	pid_t pid = fork();
	if (pid == 0)
		_exit(sc(SYS_getuid, 0, 0, 0) == 1000 && sc(SYS_setuid, 0, 0, 0) == -EPERM ? 0 : 1);
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, 24);
	return 42;
}

static void fakeroot(void **state)
{
	(void)state;
	assert_int_equal(sandbox(fakeroot_drops_privileges, 0), 42);
}

static int refused_and_unsupported(void *arg)
{
	(void)arg;
	CHECK(sc(SYS_mount, (long)"none", (long)"/nonexistent-veil-probe", (long)"tmpfs") == -EPERM, 10);
	CHECK(sc(SYS_openat, AT_FDCWD, (long)"/etc/passwd", O_RDONLY) == -ENOSYS, 11);
	CHECK(sc(SYS_getuid, 0, 0, 0) == 1234, 12);
	CHECK(sc(SYS_setuid, 0, 0, 0) == -EPERM, 13);
	return 0;
}

static void unprivileged_sandbox(void **state)
{
	(void)state;
	assert_int_equal(sandbox(refused_and_unsupported, 1234), 0);
}

static int die_by_signal(void *arg)
{
	(void)arg;
	kill(getpid(), SIGTERM);
	pause();
	return 0;
}

static void signal_status(void **state)
{
	(void)state;
	assert_int_equal(sandbox(die_by_signal, 0), 128 + SIGTERM);
}

static void *thread_drops(void *arg)
{
	(void)arg;
	/* The raw syscall changes only this thread's credentials, as in Linux. */
	long ok = sc(SYS_setresuid, 1000, 1000, 1000) == 0 && sc(SYS_getuid, 0, 0, 0) == 1000;
	return (void *)ok;
}

static int threads_have_own_creds(void *arg)
{
	(void)arg;
	pthread_t t;
	void *ok;
	CHECK(pthread_create(&t, NULL, thread_drops, NULL) == 0, 10);
	CHECK(pthread_join(t, &ok) == 0 && ok, 11);
	CHECK(sc(SYS_getuid, 0, 0, 0) == 0, 12);
	return 0;
}

static void threads(void **state)
{
	(void)state;
	assert_int_equal(sandbox(threads_have_own_creds, 0), 0);
}

static int many_forks(void *arg)
{
	(void)arg;
	CHECK(sc(SYS_setresuid, 77, 77, 77) == 0, 9);
	for (int i = 0; i < 300; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(sc(SYS_getuid, 0, 0, 0) == 77 ? 0 : 1);
		int st;
		CHECK(pid > 0 && waitpid(pid, &st, 0) == pid, 10);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, 11);
	}
	return 0;
}

static void fork_loop(void **state)
{
	(void)state;
	assert_int_equal(sandbox(many_forks, 0), 0);
}

static int leaves_children_behind(void *arg)
{
	(void)arg;
	for (int i = 0; i < 5; i++)
		if (fork() == 0) {
			for (;;)
				pause();
		}
	return 3;
}

static void orphans_are_killed(void **state)
{
	(void)state;
	/* sandbox() asserts that no task is left */
	assert_int_equal(sandbox(leaves_children_behind, 0), 3);
}

/* Fds the lock tests' sandboxes inherit: two open files of one directory
 * and a pipe (no VFS here, so nothing can be opened inside). */
static int dir_a = -1, dir_b = -1, pipe_fds[2] = {-1, -1};

static int pipe_locks(void *arg)
{
	(void)arg;
	CHECK(sc(SYS_flock, pipe_fds[0], LOCK_EX, 0) == 0, 10);
	CHECK(sc(SYS_flock, pipe_fds[0], LOCK_UN, 0) == 0, 11);
	CHECK(sc(SYS_flock, 999, LOCK_EX, 0) == -EBADF, 12);
	CHECK(sc(SYS_flock, pipe_fds[0], 0, 0) == -EINVAL, 13);
	CHECK(sc(SYS_fcntl, 999, F_OFD_SETLK, 0) == -EBADF, 14);
	return 0;
}

static void locks_on_a_pipe(void **state)
{
	(void)state;
	assert_int_equal(pipe(pipe_fds), 0);
	assert_int_equal(sandbox(pipe_locks, 0), 0);
	/* no directory was locked: the cache stays on */
	assert_false(last_cache_off);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
}

static int dir_locks(void *arg)
{
	(void)arg;
	CHECK(sc(SYS_flock, dir_a, LOCK_EX, 0) == 0, 10);
	CHECK(sc(SYS_flock, dir_b, LOCK_EX | LOCK_NB, 0) == -EWOULDBLOCK, 11);
	pid_t pid = fork();
	if (pid == 0)
		_exit(sc(SYS_flock, dir_b, LOCK_EX, 0) == 0 ? 0 : 1); /* waits */
	CHECK(pid > 0, 12);
	/* The waiting child blocks in the kernel, not the sentry: served. */
	struct timespec t = {0, 50 * 1000 * 1000};
	nanosleep(&t, NULL);
	CHECK(sc(SYS_getuid, 0, 0, 0) == 0, 13);
	CHECK(sc(SYS_flock, dir_a, LOCK_UN, 0) == 0, 14);
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, 15);
	/* an OFD lock, cmd with upper bits the kernel ignores */
	struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET};
	CHECK(sc(SYS_fcntl, dir_a, (long)(0x700000000ul | F_OFD_SETLKW), (long)&fl) == 0, 16);
	fl.l_type = F_WRLCK;
	CHECK(sc(SYS_fcntl, dir_b, F_OFD_GETLK, (long)&fl) == 0 && fl.l_type == F_RDLCK, 17);
	return 0;
}

static void locks_on_a_directory(void **state)
{
	(void)state;
	dir_a = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dir_b = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dir_a >= 0 && dir_b >= 0);
	/* the fds must survive into the sandbox */
	fcntl(dir_a, F_SETFD, 0);
	fcntl(dir_b, F_SETFD, 0);
	assert_int_equal(sandbox(dir_locks, 0), 0);
	/* a directory was locked: the cache keeps nothing from then on */
	assert_true(last_cache_off);
	close(dir_a);
	close(dir_b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fakeroot),
		cmocka_unit_test(unprivileged_sandbox),
		cmocka_unit_test(signal_status),
		cmocka_unit_test(threads),
		cmocka_unit_test(fork_loop),
		cmocka_unit_test(orphans_are_killed),
		cmocka_unit_test(locks_on_a_pipe),
		cmocka_unit_test(locks_on_a_directory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
