/* The seccomp filter the program runs under, built from the syscall table.
 * It is the sandbox's first wall: what the table does not let through
 * natively is trapped or refused, and anything unknown fails with ENOSYS. */
#ifndef VEIL_SENTRY_FILTER_H
#define VEIL_SENTRY_FILTER_H

#include <seccomp.h>

enum filter_trap {
	FILTER_TRAP_NOTIFY, /* NOTIFY syscalls use SECCOMP_RET_USER_NOTIF (unotify platform) */
	FILTER_TRAP_TRACE,  /* NOTIFY syscalls use SECCOMP_RET_TRACE (ptrace platform) */
};

/* SECCOMP_RET_TRACE data values, so a ptrace stop tells why it stopped.
 * Not 0: a --seccomp program's own SECCOMP_RET_TRACE (data 0, most often)
 * outranks ours when both trace a syscall, and must get what the kernel
 * gives with no tracer, ENOSYS, rather than the sentry's service. */
#define FILTER_TRACE_ASSIST 0x7e11 /* TRACE class: exec, chdir */
#define FILTER_TRACE_EMULATE 0x7e12 /* NOTIFY class under the ptrace platform */

/* filter_build's flags */
/* FILTER_PIDNS: the sandbox has a pid namespace of the sentry's
 * (--unshare-pid): the calls that carry pids are trapped too
 * (sentry/sys/sys_pidns.h). */
#define FILTER_PIDNS 1u
#define FILTER_NET 2u /* --unshare-net: the NETNS class is trapped (sentry/net/inet.h) */
#define FILTER_IPC 4u /* --unshare-ipc: the IPCNS class is trapped (sentry/kernel/ipcns.h) */

/* Builds the filter into *ret (a new libseccomp context; the caller
 * releases it with seccomp_release). Returns 0 or -errno. */
int filter_build(enum filter_trap trap, unsigned flags, scmp_filter_ctx *ret);

#endif
