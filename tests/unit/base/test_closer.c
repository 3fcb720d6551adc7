/* base/closer.c: a copy's close never keeps the caller waiting, and is
 * done when closer_close returns (unless no signal could end it). */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/closer.h"

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0 || errno != EBADF;
}

/* A loopback TCP socket whose last close lingers 30 s: the peer (*peer,
 * kept open) never reads, both buffers are full. */
static int lingering(int *listener, int *peer)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	int small = 2048;
	*listener = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(*listener >= 0);
	setsockopt(*listener, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	assert_int_equal(bind(*listener, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(*listener, 1), 0);
	assert_int_equal(getsockname(*listener, (struct sockaddr *)&a, &al), 0);
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(c, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	connect(c, (struct sockaddr *)&a, sizeof(a)); /* EINPROGRESS */
	*peer = accept(*listener, NULL, NULL);
	assert_true(*peer >= 0);
	static char junk[65536];
	for (long end = now_ms() + 2000; now_ms() < end;)
		if (write(c, junk, sizeof(junk)) < 0 && errno == EAGAIN)
			break;
	struct linger l = {.l_onoff = 1, .l_linger = 30};
	assert_int_equal(setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof(l)), 0);
	return c;
}

static void linger_is_cut_short(void **state)
{
	(void)state;
	int listener, peer;
	int c = lingering(&listener, &peer);
	int copy = dup(c);
	close(c); /* the copy is now the last reference */
	long t = now_ms();
	closer_close(copy);
	assert_true(now_ms() - t < 1000);
	assert_false(is_open(copy));
	close(peer);
	close(listener);
}

static void thread_close_is_done_on_return(void **state)
{
	(void)state;
	/* An anonymous inode: a closer thread's, waited for. */
	int e = eventfd(0, EFD_CLOEXEC);
	assert_true(e >= 0);
	closer_close(e);
	assert_false(is_open(e));
	assert_false(closer_jammed());
}

static void port_free_on_return(void **state)
{
	(void)state;
	/* What the program does after its call (bind the port again) finds
	 * the copy's close done. */
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s, 1), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &al), 0);
	int copy = dup(s);
	close(s);
	closer_close(copy);
	int again = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(again, (struct sockaddr *)&a, sizeof(a)), 0);
	close(again);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(linger_is_cut_short),
		cmocka_unit_test(thread_close_is_done_on_return),
		cmocka_unit_test(port_free_on_return),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
