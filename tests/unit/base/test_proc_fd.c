/* base/proc_fd.c: a reopen is a new open file with the flags asked, and a
 * forked child reopens its own fds, not its parent's (the kept
 * /proc/self/fd was resolved for the process that opened it). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reopen_is_a_new_open_file),
		cmocka_unit_test(a_child_reopens_its_own),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
