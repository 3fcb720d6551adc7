/* What a signal to oneself costs: tgkill(getpid(), gettid(), 0), which the
 * sentry's filter traps (a filter cannot know the caller's pid:
 * sentry/sys/sys_procs.c), raise() of a handled signal (the same tgkill plus
 * the delivery), and getppid, a native call, for scale. Run it natively
 * and inside veil and compare (docs/performance.md).
 *
 *   signal_self [N]     N calls of each (20000) */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void handler(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20000;
	pid_t pid = getpid(), tid = gettid();
	signal(SIGUSR1, handler);
	double a = now();
	for (int i = 0; i < n; i++)
		syscall(SYS_tgkill, pid, tid, 0);
	double b = now();
	for (int i = 0; i < n; i++)
		raise(SIGUSR1);
	double c = now();
	for (int i = 0; i < n; i++)
		syscall(SYS_getppid);
	double d = now();
	printf("tgkill(self, 0) %.2f us  raise(SIGUSR1) %.2f us  getppid %.3f us\n",
	       (b - a) / n * 1e6, (c - b) / n * 1e6, (d - c) / n * 1e6);
	return 0;
}
