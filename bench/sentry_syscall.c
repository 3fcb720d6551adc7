/* The cost of a syscall served by the sentry (through the real unotify
 * platform, dispatch and handler), as a ratio to native syscalls in the
 * same run. Today the handled syscalls are the identity ones; path
 * syscalls join as their handlers land.
 *
 * Usage: sentry_syscall [ITERATIONS] */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "platform/unotify/unotify.h"
#include "sentry/kernel/sentry.h"
#include "spec/spec.h"

enum { NATIVE_GETPID, NATIVE_STAT, SENTRY_GETUID, SENTRY_GETRESUID, N_LOOPS };
static const char *const names[] = {"native getpid", "native stat",
				    "sentry getuid", "sentry getresuid"};

static long iters = 20000;
static int out_fd;

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int measure(void *arg)
{
	(void)arg;
	double res[N_LOOPS];
	struct stat st;
	uid_t a, b, c;
	for (int l = 0; l < N_LOOPS; l++) {
		for (int pass = 0; pass < 2; pass++) {
			long n = pass ? iters : iters / 10;
			double t0 = now_ns();
			for (long i = 0; i < n; i++) {
				switch (l) {
				case NATIVE_GETPID: syscall(SYS_getpid); break;
				case NATIVE_STAT: syscall(SYS_fstat, 0, &st); break;
				case SENTRY_GETUID: syscall(SYS_getuid); break;
				case SENTRY_GETRESUID: syscall(SYS_getresuid, &a, &b, &c); break;
				}
			}
			res[l] = (now_ns() - t0) / n;
		}
	}
	return write(out_fd, res, sizeof(res)) == sizeof(res) ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc > 1 && atol(argv[1]) > 0)
		iters = atol(argv[1]);
	int p[2];
	if (pipe(p) < 0)
		return 1;
	out_fd = p[1];
	struct spec spec;
	spec_init(&spec);
	struct sentry s;
	struct unotify u;
	struct veil_error *err = NULL;
	if (sentry_init(&s, &spec) < 0 || unotify_spawn(&u, &s, NULL, measure, NULL, &err) < 0) {
		fprintf(stderr, "sentry_syscall: %s\n", err ? err->msg : "sentry_init");
		return 1;
	}
	int status = unotify_run(&u);
	double res[N_LOOPS];
	if (status != 0 || read(p[0], res, sizeof(res)) != sizeof(res)) {
		fprintf(stderr, "sentry_syscall: the measuring task failed (%d)\n", status);
		return 1;
	}
	printf("sync wake-up: %s\n", u.sync_wakeup ? "yes" : "no (kernel < 6.6)");
	for (int l = 0; l < N_LOOPS; l++)
		printf("%-20s %8.0f ns  %5.1fx native fstat\n", names[l], res[l],
		       res[l] / res[NATIVE_STAT]);
	unotify_fini(&u);
	sentry_fini(&s);
	spec_free(&spec);
	return 0;
}
