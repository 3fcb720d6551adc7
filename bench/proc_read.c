/* The cost of reading a /proc/self file whole (open, read to EOF, close),
 * natively or inside a sandbox with --proc: the files the sentry reads
 * off its loop (cmdline, smaps_rollup: base/read_bounded.h) beside one it
 * reads inline (status).
 *
 * Usage: proc_read [ITERATIONS] */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000;
	static const char *const names[] = {"status", "cmdline", "environ", "smaps_rollup"};
	char buf[8192];
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/%s", names[k]);
		double t0 = now_ns();
		for (long i = 0; i < n; i++) {
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				perror(path);
				return 1;
			}
			while (read(fd, buf, sizeof(buf)) > 0)
				;
			close(fd);
		}
		printf("%-14s %8.1f us\n", names[k], (now_ns() - t0) / (double)n / 1e3);
	}
	return 0;
}
