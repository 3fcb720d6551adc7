/* Loopback networking inside a sandbox with --unshare-net: TCP round-trip
 * latency and throughput, UDP round trips with addresses, and TCP
 * connections per second, between two processes on 127.0.0.1. Run under
 * the kernel backend (a real network namespace) and the emulate backend
 * (the sentry's, sentry/net/inet.h) by bench/netns_bench.sh, which prints
 * the ratios.
 *
 *   netns_loopback [SCALE]     one line per measure: NAME VALUE UNIT */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int listener(int type, struct sockaddr_in *a)
{
	int s = socket(AF_INET, type, 0);
	a->sin_family = AF_INET;
	a->sin_port = 0;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t l = sizeof(*a);
	if (s < 0 || bind(s, (struct sockaddr *)a, sizeof(*a)) < 0 ||
	    getsockname(s, (struct sockaddr *)a, &l) < 0 || (type == SOCK_STREAM && listen(s, 64) < 0))
		die("listener");
	return s;
}

static int dial(const struct sockaddr_in *a)
{
	int c = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	if (c < 0 || connect(c, (const struct sockaddr *)a, sizeof(*a)) < 0)
		die("connect");
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return c;
}

static void full(int fd, char *buf, size_t n, int rd)
{
	for (size_t off = 0; off < n;) {
		ssize_t r = rd ? read(fd, buf + off, n - off) : write(fd, buf + off, n - off);
		if (r <= 0)
			die(rd ? "read" : "write");
		off += (size_t)r;
	}
}

/* 1-byte ping-pong over one connection: µs per round trip. */
static double tcp_latency(int n)
{
	struct sockaddr_in a;
	int l = listener(SOCK_STREAM, &a);
	pid_t pid = fork();
	if (pid == 0) {
		int c = accept(l, NULL, NULL);
		char b;
		for (int i = 0; i < n; i++) {
			full(c, &b, 1, 1);
			full(c, &b, 1, 0);
		}
		_exit(0);
	}
	int c = dial(&a);
	char b = 'x';
	double t0 = now();
	for (int i = 0; i < n; i++) {
		full(c, &b, 1, 0);
		full(c, &b, 1, 1);
	}
	double t = now() - t0;
	waitpid(pid, NULL, 0);
	close(c);
	close(l);
	return t / n * 1e6;
}

/* MB/s of `mb` megabytes in 64 KiB writes. */
static double tcp_throughput(int mb)
{
	struct sockaddr_in a;
	int l = listener(SOCK_STREAM, &a);
	static char buf[65536];
	pid_t pid = fork();
	if (pid == 0) {
		int c = accept(l, NULL, NULL);
		while (read(c, buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	int c = dial(&a);
	double t0 = now();
	for (int i = 0; i < mb * 16; i++)
		full(c, buf, sizeof(buf), 0);
	close(c);
	waitpid(pid, NULL, 0);
	double t = now() - t0;
	close(l);
	return mb / t;
}

/* sendto + recvfrom (with addresses) both ways: µs per round trip. */
static double udp_latency(int n)
{
	struct sockaddr_in a, b;
	int s = listener(SOCK_DGRAM, &a);
	int c = listener(SOCK_DGRAM, &b);
	pid_t pid = fork();
	if (pid == 0) {
		char x;
		struct sockaddr_in from;
		for (int i = 0; i < n; i++) {
			socklen_t fl = sizeof(from);
			if (recvfrom(s, &x, 1, 0, (struct sockaddr *)&from, &fl) != 1 ||
			    sendto(s, &x, 1, 0, (struct sockaddr *)&from, fl) != 1)
				die("udp echo");
		}
		_exit(0);
	}
	char x = 'u';
	double t0 = now();
	for (int i = 0; i < n; i++) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		if (sendto(c, &x, 1, 0, (struct sockaddr *)&a, sizeof(a)) != 1 ||
		    recvfrom(c, &x, 1, 0, (struct sockaddr *)&from, &fl) != 1)
			die("udp");
	}
	double t = now() - t0;
	waitpid(pid, NULL, 0);
	return t / n * 1e6;
}

/* connect, accept (with the peer's address), 1 byte, close: per second. */
static double tcp_connects(int n)
{
	struct sockaddr_in a;
	int l = listener(SOCK_STREAM, &a);
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < n; i++) {
			struct sockaddr_in p;
			socklen_t pl = sizeof(p);
			int c = accept(l, (struct sockaddr *)&p, &pl);
			char b;
			full(c, &b, 1, 1);
			close(c);
		}
		_exit(0);
	}
	double t0 = now();
	for (int i = 0; i < n; i++) {
		int c = dial(&a);
		full(c, "c", 1, 0);
		close(c);
	}
	waitpid(pid, NULL, 0);
	double t = now() - t0;
	close(l);
	return n / t;
}

int main(int argc, char **argv)
{
	int scale = argc > 1 ? atoi(argv[1]) : 1;
	if (scale < 1)
		scale = 1;
	printf("tcp_rtt %.2f us\n", tcp_latency(5000 * scale));
	printf("tcp_throughput %.0f MB/s\n", tcp_throughput(256 * scale));
	printf("udp_rtt %.2f us\n", udp_latency(2000 * scale));
	printf("tcp_connects %.0f per_s\n", tcp_connects(200 * scale));
	return 0;
}
