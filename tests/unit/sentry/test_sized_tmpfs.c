/* sentry/dev/sized_tmpfs.c: a real tmpfs of a given size, made in a user
 * namespace of its own and handed back detached: writes past the size
 * fail with ENOSPC, statfs says the size, the root is the caller's. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cmocka.h>

#include "sentry/dev/sized_tmpfs.h"

static void limit_holds_for_native_writes(void **state)
{
	(void)state;
	int dir = sized_tmpfs_open(64 * 1024);
	if (dir == -EPERM) {
		print_message("no user namespace here (%s): skipped\n", strerror(-dir));
		skip();
	}
	assert_true(dir >= 0);
	assert_true(fcntl(dir, F_GETFD) & FD_CLOEXEC);
	struct statfs sf;
	assert_int_equal(fstatfs(dir, &sf), 0);
	assert_int_equal(sf.f_blocks * sf.f_bsize, 64 * 1024);
	struct stat st;
	assert_int_equal(fstat(dir, &st), 0);
	assert_int_equal(st.st_uid, getuid());
	assert_int_equal(st.st_mode & 07777, 0700);
	int fd = openat(dir, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	char buf[4096];
	memset(buf, 'x', sizeof(buf));
	ssize_t total = 0, n;
	while ((n = write(fd, buf, sizeof(buf))) > 0)
		total += n;
	assert_int_equal(n, -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(total, 64 * 1024);
	close(fd);
	close(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(limit_holds_for_native_writes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
