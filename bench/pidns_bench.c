/* The calls a pid namespace of the sentry's translates, timed: one line
 * per operation, "NAME  N ns" (mean). bench/pidns_bench.sh runs it under
 * the kernel backend and the emulate backend with and without
 * --unshare-pid and prints the ratios (docs/performance.md).
 *   pidns_bench [ITERATIONS]      (fork+exec+wait: ITERATIONS / 20) */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void report(const char *name, double t0, long n)
{
	printf("%-28s %10.0f ns\n", name, (now_ns() - t0) / (double)n);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000;
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		syscall(SYS_getpid);
	report("getpid", t0, n);
	pid_t me = getpid();
	t0 = now_ns();
	for (long i = 0; i < n; i++)
		kill(me, 0);
	report("kill(self, 0)", t0, n);
	long m = n / 20 > 0 ? n / 20 : 1;
	t0 = now_ns();
	for (long i = 0; i < m; i++) {
		pid_t p = fork();
		if (p == 0)
			_exit(0);
		waitpid(p, NULL, 0);
	}
	report("fork+wait", t0, m);
	t0 = now_ns();
	for (long i = 0; i < m; i++) {
		pid_t p = fork();
		if (p == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		waitpid(p, NULL, 0);
	}
	report("fork+exec+wait", t0, m);
	return 0;
}
