/* The calls that name a process, a thread, a process group or a session
 * by number (sys_procs.c says why they are trapped), for the filter and
 * the handler alike. */
#ifndef VEIL_SENTRY_SYS_PROCS_H
#define VEIL_SENTRY_SYS_PROCS_H

#include <stdint.h>

/* How the filter traps one of them. */
enum sys_procs_trap {
	SYS_PROCS_NONE,   /* not one of them */
	SYS_PROCS_PID,    /* arg0 is a pid, 0 the caller (or its group): native */
	SYS_PROCS_WHO,    /* arg0 says what arg1 names: native when arg0 is
			   * *self and arg1 is 0 (the caller) */
	SYS_PROCS_ALWAYS, /* no argument value names the caller: always trapped */
};

/* For syscall nr; *self is set for SYS_PROCS_WHO. */
enum sys_procs_trap sys_procs_trap(int nr, uint64_t *self);

struct sentry;
struct platform_call;
/* fcntl's F_SETOWN and F_SETOWN_EX, ioctl's FIOSETOWN and SIOCSPGRP
 * (who gets the file's SIGIO and SIGURG), which the filter traps
 * (sentry/sys/filter.c) and the fcntl and ioctl handlers pass on: the
 * sandbox's own processes and groups only. A reply value, or
 * SYS_REPLIED; -ENOSYS for any other call. */
long sys_procs_setown(struct sentry *s, struct platform_call *call);

#endif
