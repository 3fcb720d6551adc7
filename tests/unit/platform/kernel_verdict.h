/* What the kernel does with a seccomp program: a child loads it and makes
 * one syscall; its result, encoded so the tests can compare it with the
 * verdict they predict (test_seccomp_eval.c, test_step_filter.c). */
#ifndef VEIL_TESTS_KERNEL_VERDICT_H
#define VEIL_TESTS_KERNEL_VERDICT_H

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define KV_RAN 0x20000   /* the call ran (getpid's pid, or 0 from a real success) */
#define KV_ZERO 0x10000  /* it returned 0 without running: ERRNO(0) */
#define KV_DIED 0x40000  /* killed, + the signal */

/* nr must be harmless with any arguments and return > 0 when it runs
 * (getpid, getppid). */
static inline int kernel_verdict(const struct sock_filter *insns, size_t n, long nr,
				 const uint64_t args[6])
{
	int p[2];
	if (pipe(p) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		struct sock_fprog prog = {.len = (unsigned short)n,
					  .filter = (struct sock_filter *)insns};
		int out;
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
			out = -2;
		} else {
			long r = syscall(nr, args[0], args[1], args[2], args[3], args[4], args[5]);
			out = r > 0 ? KV_RAN : r == 0 ? KV_ZERO : errno;
		}
		if (write(p[1], &out, sizeof(out)) != sizeof(out))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	int out = -1, status;
	if (read(p[0], &out, sizeof(out)) != sizeof(out))
		out = -1;
	close(p[0]);
	waitpid(pid, &status, 0);
	if (out == -1 && WIFSIGNALED(status))
		out = KV_DIED + WTERMSIG(status);
	return out;
}

/* The same encoding for a verdict computed in userspace. */
static inline int predicted(uint32_t ret)
{
	uint32_t data = ret & SECCOMP_RET_DATA;
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
	case SECCOMP_RET_LOG:
		return KV_RAN;
	case SECCOMP_RET_ERRNO:
		return data == 0 ? KV_ZERO : (int)(data > 4095 ? 4095 : data);
	case SECCOMP_RET_TRACE:
	case SECCOMP_RET_USER_NOTIF:
		return ENOSYS; /* no tracer, no listener */
	default:
		return KV_DIED + 31; /* SIGSYS */
	}
}

#endif
