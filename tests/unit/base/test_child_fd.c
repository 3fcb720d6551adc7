/* base/child_fd.c: the fd a child makes comes back (close-on-exec, the
 * same object), its -errno comes back, and a child that dies without
 * answering gives -EIO; no child is left. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/child_fd.h"

static int open_root(void *arg)
{
	(void)arg;
	int fd = open("/", O_PATH | O_DIRECTORY); /* not close-on-exec here */
	return fd < 0 ? -errno : fd;
}

static int fail_eacces(void *arg)
{
	(void)arg;
	return -EACCES;
}

static int die(void *arg)
{
	(void)arg;
	_exit(3);
}

static void the_fd_comes_back(void **state)
{
	(void)state;
	int fd = child_fd(open_root, NULL);
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	struct stat a, b;
	assert_int_equal(fstat(fd, &a), 0);
	assert_int_equal(stat("/", &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(a.st_dev, b.st_dev);
	close(fd);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1); /* reaped already */
	assert_int_equal(errno, ECHILD);
}

static void errors_come_back(void **state)
{
	(void)state;
	assert_int_equal(child_fd(fail_eacces, NULL), -EACCES);
	assert_int_equal(child_fd(die, NULL), -EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_fd_comes_back),
		cmocka_unit_test(errors_come_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
