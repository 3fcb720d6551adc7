/* base/rmtree.c: a tree emptied by fd, every kind of entry removed, a
 * symlink removed and never followed, the top directory kept. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/rmtree.h"

static char top[64], outside[64];

static void touch(const char *dir, const char *name)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
}

static void everything_below_goes(void **state)
{
	(void)state;
	snprintf(top, sizeof(top), "/tmp/veil-rmtree-XXXXXX");
	snprintf(outside, sizeof(outside), "/tmp/veil-rmtree-out-XXXXXX");
	assert_non_null(mkdtemp(top));
	assert_non_null(mkdtemp(outside));
	touch(outside, "keep");

	char p[256];
	touch(top, "f");
	snprintf(p, sizeof(p), "%s/a/b/c", top);
	for (char *s = p + strlen(top) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		assert_int_equal(mkdir(p, 0700), 0);
		*s = '/';
	}
	assert_int_equal(mkdir(p, 0700), 0);
	touch(p, "deep");
	/* a directory without write or search permission */
	snprintf(p, sizeof(p), "%s/a/locked", top);
	assert_int_equal(mkdir(p, 0700), 0);
	touch(p, "in");
	assert_int_equal(chmod(p, 0), 0);
	/* symlinks to the outside directory, at the top and below */
	snprintf(p, sizeof(p), "%s/link", top);
	assert_int_equal(symlink(outside, p), 0);
	snprintf(p, sizeof(p), "%s/a/b/link", top);
	assert_int_equal(symlink(outside, p), 0);
	/* a bound unix socket */
	int so = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/a/sock", top);
	assert_int_equal(bind(so, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(so);

	int dir = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dir >= 0);
	assert_int_equal(rmtree_contents(dir), 0);
	close(dir);
	/* the top is empty and still there; the outside untouched */
	assert_int_equal(rmdir(top), 0);
	snprintf(p, sizeof(p), "%s/keep", outside);
	assert_int_equal(access(p, F_OK), 0);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(rmdir(outside), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(everything_below_goes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
