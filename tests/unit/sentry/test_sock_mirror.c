/* sock_mirror: a socket bound under the program's own name keeps that name
 * as its address, lives under the given root, and is reached by its fd. */
#include <errno.h>
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

#include "sentry/net/sock_mirror.h"

static char root[64];

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/test-sock-mirror.XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void name_of(int fd, char *buf, size_t size)
{
	struct sockaddr_un sa;
	socklen_t l = sizeof(sa);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &l), 0);
	snprintf(buf, size, "%.*s", (int)(l - offsetof(struct sockaddr_un, sun_path)), sa.sun_path);
}

static void bound_under_its_name(void **state)
{
	(void)state;
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int pin = sock_mirror_bind(s, root, "/", "/a/b/sock");
	assert_true(pin >= 0);
	char name[128];
	name_of(s, name, sizeof(name));
	assert_string_equal(name, "/a/b/sock");
	/* It lives under the root, and the pin is that inode. */
	char where[128];
	snprintf(where, sizeof(where), "%s/a/b/sock", root);
	struct stat a, b;
	assert_int_equal(lstat(where, &a), 0);
	assert_true(S_ISSOCK(a.st_mode));
	assert_int_equal(fstat(pin, &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	/* Reached through the pin. */
	int c = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un to = {.sun_family = AF_UNIX};
	snprintf(to.sun_path, sizeof(to.sun_path), "/proc/self/fd/%d", pin);
	assert_int_equal(sendto(c, "hi", 2, 0, (struct sockaddr *)&to, sizeof(to)), 2);
	char buf[8];
	assert_int_equal(recv(s, buf, sizeof(buf), 0), 2);
	/* Bound already: the kernel's EINVAL. */
	assert_int_equal(sock_mirror_bind(s, root, "/", "/other"), -EINVAL);
	close(pin);
	close(c);
	close(s);
}

static void relative_with_dotdot(void **state)
{
	(void)state;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	/* ".." cannot leave the root: the name stays the program's, the
	 * socket stays under root. */
	int pin = sock_mirror_bind(s, root, "/c/d", "../../../../x/../rel");
	assert_true(pin >= 0);
	char name[128];
	name_of(s, name, sizeof(name));
	assert_string_equal(name, "../../../../x/../rel");
	char where[128];
	snprintf(where, sizeof(where), "%s/rel", root);
	struct stat st;
	assert_int_equal(lstat(where, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	close(pin);
	close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bound_under_its_name),
		cmocka_unit_test(relative_with_dotdot),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
