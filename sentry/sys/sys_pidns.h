/* --unshare-pid under the emulate backend: the calls whose arguments or
 * results carry a pid, which the sandbox's pid namespace
 * (sentry/kernel/pidns.h) translates (sys_pidns.c says how). */
#ifndef VEIL_SENTRY_SYS_PIDNS_H
#define VEIL_SENTRY_SYS_PIDNS_H

#include <stdbool.h>
#include <stdint.h>

/* How the filter treats syscall nr with a pid namespace on. */
enum sys_pidns_trap {
	PIDNS_KEEP,   /* as the table says */
	PIDNS_NOTIFY, /* answered by the sentry (getpid...) */
	PIDNS_TRACE,  /* rewritten under ptrace: arguments at entry, the
			 result at exit; the table's pid-0 rules stay native */
	PIDNS_REFUSE, /* ENOSYS in the kernel: not translated (set_robust_list) */
};
enum sys_pidns_trap sys_pidns_trap(int nr);

/* fcntl commands and ioctl requests that carry a pid only under a pid
 * namespace (their results): trapped by argument, NOTIFY. */
extern const uint32_t sys_pidns_fcntl_cmds[];
extern const unsigned sys_pidns_n_fcntl_cmds;
extern const uint32_t sys_pidns_ioctl_cmds[];
extern const unsigned sys_pidns_n_ioctl_cmds;
/* futex operations (op & FUTEX_CMD_MASK) whose futex word holds an owner
 * tid the kernel looks up: refused (ENOSYS) under a pid namespace. */
extern const uint32_t sys_pidns_futex_pi_ops[];
extern const unsigned sys_pidns_n_futex_pi_ops;

struct sentry;
struct platform_call;
/* The sentry's answer for a call the pid namespace traps, when it is one
 * (*ret set, true); false for any other call (the table's handler). */
bool sys_pidns_dispatch(struct sentry *s, struct platform_call *call, long *ret);

#endif
