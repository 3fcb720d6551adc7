/* Socket calls the sentry serves, timed from inside whatever runs this
 * program: run it natively and under `veil --backend=emulate` in the same
 * session (bench/socket_bench.sh) and compare (docs/performance.md).
 *
 *   socket_bench [ITERATIONS]
 *
 * Each line: the operation and its ns per call. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

#define TIME(name, n, ...)                                            \
	do {                                                           \
		double t0 = now_ns();                                  \
		for (long i_ = 0; i_ < (n); i_++) {                    \
			__VA_ARGS__;                                   \
		}                                                      \
		printf("%-34s %9.0f ns\n", name, (now_ns() - t0) / (n)); \
	} while (0)

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000;
	setvbuf(stdout, NULL, _IOLBF, 0);
	char buf[64] = "x";

	/* UDP on loopback: sendto with an address, and send without one. */
	int u = socket(AF_INET, SOCK_DGRAM, 0), v = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	if (bind(u, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(u, (struct sockaddr *)&a, &al) < 0)
		return 1;
	TIME("udp sendto+recv (address)", n, {
		sendto(v, buf, 16, 0, (struct sockaddr *)&a, sizeof(a));
		recv(u, buf, sizeof(buf), 0);
	});
	connect(v, (struct sockaddr *)&a, sizeof(a));
	TIME("udp send+recv (native send)", n, {
		send(v, buf, 16, 0);
		recv(u, buf, sizeof(buf), 0);
	});
	TIME("getsockname", n, {
		al = sizeof(a);
		getsockname(u, (struct sockaddr *)&a, &al);
	});

	/* A unix datagram pair: sendmsg, and sendmsg passing an fd. */
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sp) < 0)
		return 1;
	struct iovec iov = {.iov_base = buf, .iov_len = 16};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	TIME("unix sendmsg+recv", n, {
		sendmsg(sp[0], &m, 0);
		recv(sp[1], buf, sizeof(buf), 0);
	});
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	memset(&ctl, 0, sizeof(ctl));
	m.msg_control = ctl.b;
	m.msg_controllen = sizeof(ctl.b);
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &u, sizeof(int));
	TIME("unix sendmsg SCM_RIGHTS+recvmsg", n, {
		struct msghdr r = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf + 32,
				   .msg_controllen = 32};
		sendmsg(sp[0], &m, 0);
		recvmsg(sp[1], &r, 0);
		int got;
		memcpy(&got, CMSG_DATA((struct cmsghdr *)(buf + 32)), sizeof(got));
		close(got);
	});

	/* A unix socket bound to a path (a helper's chroot under the sentry). */
	long nb = n / 20 ? n / 20 : 1;
	char path[64];
	snprintf(path, sizeof(path), "/tmp/socket_bench.%d", (int)getpid());
	struct sockaddr_un ua = {.sun_family = AF_UNIX};
	memcpy(ua.sun_path, path, strlen(path));
	TIME("unix bind+close+unlink", nb, {
		int s = socket(AF_UNIX, SOCK_DGRAM, 0);
		bind(s, (struct sockaddr *)&ua, sizeof(ua));
		close(s);
		unlink(path);
	});

	/* TCP on loopback: a blocking connect (a waiter under the sentry). */
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in t = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t tl = sizeof(t);
	if (bind(l, (struct sockaddr *)&t, sizeof(t)) < 0 || listen(l, 4096) < 0 ||
	    getsockname(l, (struct sockaddr *)&t, &tl) < 0)
		return 1;
	long nc = n / 10 ? n / 10 : 1;
	TIME("tcp connect+accept+close", nc, {
		int s = socket(AF_INET, SOCK_STREAM, 0);
		connect(s, (struct sockaddr *)&t, sizeof(t));
		close(accept(l, NULL, NULL));
		close(s);
	});
	return 0;
}
