/* base/proc_fd.c: a reopen is a new open file with the flags asked, and a
 * forked child reopens its own fds, not its parent's (the kept
 * /proc/self/fd was resolved for the process that opened it); a reopen
 * never waits for a lease to break. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/proc_fd.h"

static void reopen_is_a_new_open_file(void **state)
{
	(void)state;
	int m = memfd_create("t", MFD_CLOEXEC);
	assert_true(m >= 0);
	assert_int_equal(write(m, "abc", 3), 3);
	int r = proc_fd_reopen(m, O_RDONLY | O_CLOEXEC);
	assert_true(r >= 0);
	char b[4] = {0};
	assert_int_equal(read(r, b, 3), 3); /* its own offset, at 0 */
	assert_memory_equal(b, "abc", 3);
	assert_int_equal(write(r, "x", 1), -1); /* read-only, as asked */
	assert_int_equal(errno, EBADF);
	close(r);
	assert_int_equal(proc_fd_reopen(9999, O_RDONLY), -ENOENT);
	close(m);
}

static void a_child_reopens_its_own(void **state)
{
	(void)state;
	int m = memfd_create("p", MFD_CLOEXEC);
	assert_true(m >= 0);
	int r = proc_fd_reopen(m, O_RDONLY | O_CLOEXEC); /* the parent's kept dir */
	assert_true(r >= 0);
	close(r);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* An fd the child alone has, at a number the parent leaves free. */
		int c = memfd_create("c", MFD_CLOEXEC);
		int free_in_parent = dup2(c, 200);
		int x = proc_fd_reopen(free_in_parent, O_RDONLY | O_CLOEXEC);
		_exit(c >= 0 && free_in_parent == 200 && x >= 0 ? 0 : 1);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	close(m);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void a_lease_is_not_waited_for(void **state)
{
	(void)state;
	signal(SIGIO, SIG_IGN); /* the lease's holder: it never lets go */
	char path[] = "/tmp/veil-proc-fd-XXXXXX";
	int w = mkstemp(path);
	assert_true(w >= 0);
	close(w);
	int h = open(path, O_RDONLY | O_CLOEXEC);
	int o = open(path, O_PATH | O_CLOEXEC);
	unlink(path);
	assert_true(h >= 0 && o >= 0);
	if (fcntl(h, F_SETLEASE, F_RDLCK) < 0) {
		close(h);
		close(o);
		skip(); /* leases off here (fs.leases-enable) */
	}
	/* A plain open would wait 45 s (lease-break-time). */
	long t = now_ms();
	assert_int_equal(proc_fd_reopen(o, O_WRONLY | O_CLOEXEC), -EINTR);
	assert_int_equal(proc_fd_reopen(o, O_WRONLY | O_NONBLOCK | O_CLOEXEC), -EWOULDBLOCK);
	assert_true(now_ms() - t < 1000);
	/* Let go: the next reopen has the flags asked, without O_NONBLOCK. */
	assert_int_equal(fcntl(h, F_SETLEASE, F_UNLCK), 0);
	int r = proc_fd_reopen(o, O_WRONLY | O_APPEND | O_CLOEXEC);
	assert_true(r >= 0);
	assert_int_equal(fcntl(r, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK),
			 O_WRONLY | O_APPEND);
	close(r);
	close(h);
	close(o);
	signal(SIGIO, SIG_DFL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reopen_is_a_new_open_file),
	    cmocka_unit_test(a_child_reopens_its_own),
	    cmocka_unit_test(a_lease_is_not_waited_for),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
