/* The sandbox's pid namespace (--unshare-pid under --backend=emulate):
 * the numbers the program sees for its tasks, kept by the sentry with no
 * privilege. Every task of the sandbox (a thread too: a tid is a pid) gets
 * a number of its own, allocated as a new pid namespace allocates them
 * (1 for the first task, then upwards); the host's numbers never reach
 * the program (sentry/sys/sys_pidns.c translates every crossing).
 *
 * A process that exited stays in the namespace as a zombie until its
 * parent reaps it (wait4 and waitid tell, or its pidfd does): its number
 * is what that wait returns. The sentry holds a pidfd on each process, so
 * a host pid the kernel freed meanwhile (a parent that ignores SIGCHLD)
 * is never taken for the zombie's. */
#ifndef VEIL_SENTRY_PIDNS_H
#define VEIL_SENTRY_PIDNS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct pidns;

/* NULL on ENOMEM. */
struct pidns *pidns_new(void);
void pidns_free(struct pidns *ns);
/* A new task of host tid `host` (a process's first thread: `leader`,
 * whose pidfd the entry keeps): its number, or -ENOMEM. A stale entry for
 * the same host tid (a zombie the kernel reaped unseen) goes first. */
pid_t pidns_add(struct pidns *ns, pid_t host, bool leader);
/* Task `host` exited: a process (`leader`) stays as a zombie until it is
 * reaped; a thread goes at once. */
void pidns_exit(struct pidns *ns, pid_t host, bool leader);
/* A thread that exec'd took over its leader's tid `host`, which
 * pidns_exit just made a zombie: the process lives on under its number,
 * which is returned (0 if there is no such entry). */
pid_t pidns_revive(struct pidns *ns, pid_t host);
/* A wait returned process `host`: its entry goes if it was reaped (a
 * wait also reports stops and continues, and may be told late). */
void pidns_reaped(struct pidns *ns, pid_t host);
/* The namespace's number for host pid `host`, or 0 when it is none of the
 * sandbox's (the kernel shows 0 for a pid outside one's namespace). */
pid_t pidns_to_ns(struct pidns *ns, pid_t host);
/* The same, and for a host pid no task has any more, the number its task
 * had when it went, if it is among the last 256 gone: what the kernel
 * shows for a pid it keeps a reference to after its task has gone (a
 * SysV object's last user). A host pid taken again by a task of the
 * sandbox is that task's. */
pid_t pidns_to_ns_past(struct pidns *ns, pid_t host);
/* The host pid for the namespace's number `v` (> 0), or 0 when no task
 * of the sandbox has it (the caller answers ESRCH). */
pid_t pidns_to_host(struct pidns *ns, pid_t v);

/* The last number given (/proc/loadavg's last field). */
pid_t pidns_last(const struct pidns *ns);

#endif
