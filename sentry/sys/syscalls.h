/* The syscall table (sentry/sys/syscalls.def) as data: the filter is built from
 * it and the sentry dispatches trapped syscalls through it. */
#ifndef VEIL_SENTRY_SYSCALLS_H
#define VEIL_SENTRY_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>

struct sentry;
struct platform_call;

enum sys_class {
	SYS_ALLOW,  /* runs natively */
	SYS_NOTIFY, /* seccomp user notification -> handler */
	SYS_TRACE,  /* SECCOMP_RET_TRACE -> handler, arguments rewritable */
	SYS_ERRNO,  /* refused with `err` */
	SYS_NETNS,  /* native; with --unshare-net, as SYS_NOTIFY (sentry/net/inet.h) */
	SYS_IPCNS,  /* native (or `err`); with --unshare-ipc, as SYS_NOTIFY (ipcns.h) */
};

/* A handler returns the tracee's result (>= 0, or -errno), or
 * SYS_REPLIED when it answered the call itself (an fd handed over). */
#define SYS_REPLIED (-4096L - 1)
typedef long (*sys_handler_fn)(struct sentry *s, struct platform_call *call);

struct sys_entry {
	int nr;
	const char *name;
	enum sys_class cls;
	int err;                /* SYS_ERRNO: the errno */
	sys_handler_fn handler; /* SYS_NOTIFY/TRACE/NETNS/IPCNS: NULL = not supported yet (ENOSYS) */
};

/* The entry for syscall `nr`, or NULL: not in the table, fails with ENOSYS. */
const struct sys_entry *sys_lookup(long nr);
/* Iteration over every entry, in number order. */
const struct sys_entry *sys_table_begin(void);
size_t sys_table_size(void);
/* "supported", "unsupported" (trapped, no handler: ENOSYS), "native", "refused". */
const char *sys_status(const struct sys_entry *e);

/* Whether syscall `nr`, ended by a signal with -ERESTARTSYS, is to be
 * restarted after the handler whatever SA_RESTART says: a trapped syscall
 * that never waits natively (mkdir, stat, rename, ...) can only have been
 * interrupted in its wait for the sentry, before the sentry took it up,
 * and the kernel never ends it with EINTR. One that may wait natively (a
 * FIFO's open, a lock, a socket's receive) keeps the kernel's answer, as
 * does every syscall that runs natively. */
bool sys_restarts_quietly(long nr);

#endif
