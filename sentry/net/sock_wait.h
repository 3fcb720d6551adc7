/* A connect or send that may block, made without blocking the sentry.
 *
 * The sentry is single-threaded, and the program's socket is a file the
 * program shares: the sentry cannot make it nonblocking for a moment (a
 * racing thread could clear O_NONBLOCK between the check and the call, or
 * see it set). A send first tries MSG_DONTWAIT in the sentry itself; what
 * would still block (a full buffer, a stream connect) goes to a *waiter*: a
 * child process of the sentry, with the sentry's copy of the socket and of
 * every argument (fork), no capability, that makes the kernel's blocking
 * call and answers the notification itself. Once the sentry has a
 * notification, only a fatal signal ends the task's wait
 * (platform/unotify/listener.c): the waiter wakes every SOCK_WAIT_TICK_MS
 * from its call with a timer of its own and looks (sentry_wait_goes_on):
 * a task gone ends it; a signal the task would take now makes it answer
 * what the kernel's interrupted wait returns (-ERESTARTSYS: the task
 * restarts the call or sees EINTR, as its handler says; -EINTR for a
 * socket with a timeout, sock_intr_errno) and exit, which interrupts its
 * call as the signal would have. (On a kernel before 5.19 the signal
 * drops the notification and the waiter sees it gone.) The platform also
 * reports the task's signal-delivery stop (sentry_task_signal), and the
 * waiters for that task are killed before it runs on. So there are never
 * more waiters than program threads blocked in a socket call.
 *
 * A FIFO's open that waits for a partner uses the same waiters
 * (sentry_waiter_fork; sentry/sys/sys_open.c open_fifo), answering with
 * the fd it opened (ADDFD). */
#ifndef VEIL_SENTRY_SOCK_WAIT_H
#define VEIL_SENTRY_SOCK_WAIT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "sentry/platform.h"

#define SOCK_WAIT_TICK_MS 10

enum sock_wait_op { SOCK_WAIT_CONNECT, SOCK_WAIT_SENDMSG };

struct sock_wait {
	enum sock_wait_op op;
	int host;                 /* the sentry's copy of the socket */
	const struct sockaddr *addr; /* connect */
	socklen_t addrlen;
	const struct msghdr *msg; /* sendmsg */
	int flags;
	uint64_t mmsg_len;        /* sendmmsg: where the first entry's msg_len goes, or 0 */
};

/* Answers a send that found the stream closed: EPIPE, then the task's
 * SIGPIPE unless `flags` has MSG_NOSIGNAL. The signal comes after the
 * answer: one pending while the task waits would make the kernel restart
 * the send (or fail it with EINTR) instead. Returns SYS_REPLIED. */
long sock_reply_epipe(struct platform_call *call, int flags);

/* Hands the call to a waiter. Returns SYS_REPLIED (the waiter answers), or
 * -errno if none could be started. */
long sock_wait_start(struct platform_call *call, const struct sock_wait *w);

struct fdmap;

/* Forks a waiter for `call` (which any waiter answers by itself): in the
 * child, 0, with the ticks running (no capability dropped: the caller
 * decides); in the sentry, the child's pid, recorded so the task's signal
 * ends it (sentry_task_signal); or -errno. (dev, ino), unless 0: the
 * host object the waiter will hand the program, whose fd map entry the
 * caller made; sweeps keep it while the waiter lives
 * (sentry_waiters_mark). */
pid_t sentry_waiter_fork(struct platform_call *call, dev_t dev, ino_t ino);
/* In a waiter, at a tick: whether the task still waits for the call, is
 * gone, or has a signal pending that it would take now
 * (task_signal_interrupts), which ends the wait as the kernel's own. */
enum sentry_wait { SENTRY_WAIT_ON, SENTRY_WAIT_GONE, SENTRY_WAIT_SIGNALLED };
enum sentry_wait sentry_wait_check(struct platform_call *call);
/* sentry_wait_check, answering for the signal: true while the task still
 * waits for the call.
 * False when it is gone, or when a signal it would take is pending
 * (task_signal_interrupts): then the call was answered `intr`
 * (-ERESTARTSYS, or -EINTR where the kernel's wait had a timeout). */
bool sentry_wait_goes_on(struct platform_call *call, long intr);
/* In a waiter, its blocking call done: no more ticks. */
void sentry_waiter_untick(void);
/* Marks, in a sweep of the fd map, the objects live waiters will hand
 * over. */
void sentry_waiters_mark(struct fdmap *m);

/* Kills every waiter (the sandbox is over). */
void sentry_sockets_waiters_free(void);

#endif
