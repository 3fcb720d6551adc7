/* The sandbox's POSIX message queues (--unshare-ipc under --backend=
 * emulate): the queue names of its own IPC namespace, kept by the sentry.
 *
 * A queue the sandbox creates is a host queue the sentry creates under a
 * name of its own (MQNS_PREFIX, eight random characters, a number: never
 * one the program chose, so no host queue is reachable by a name the
 * sandbox writes, and a host process must guess the random part to reach
 * the sandbox's), mode 0600; the table maps the sandbox's name to it with
 * the sandbox's owner, group and mode, which the checks of mq_open and
 * mq_unlink use (the mqueue root as the kernel makes it: mode 01777,
 * owned by root). An open hands the program the mqd the sentry's own
 * mq_open gave: every send, receive, notify and attribute call on it is
 * the kernel's, natively.
 *
 * As with the SysV objects (ipcns.h), the sentry unlinks its queues at
 * its end, and logs every host name it makes (MQNS_LOG) for the scratch
 * directory's reaper, which unlinks them should veil end otherwise. */
#ifndef VEIL_SENTRY_MQNS_H
#define VEIL_SENTRY_MQNS_H

#include <mqueue.h>
#include <sys/types.h>

#include "sentry/kernel/creds.h"

#define MQNS_LOG "mq-names"
#define MQNS_PREFIX "veil-"

struct mqns;

/* A namespace logging the host names it makes to `log_fd` (taken over;
 * -1: none). NULL on ENOMEM or when no random prefix could be drawn. */
struct mqns *mqns_new(int log_fd);
/* Unlinks every queue of the sandbox on the host. */
void mqns_free(struct mqns *ns);

/* mq_open(name, oflag, mode, attr) by a task with credentials `c` and
 * umask `umask` (`name` as the kernel gets it: glibc has taken the
 * leading '/' off; `attr` NULL or the caller's copy): an fd on the queue
 * (close-on-exec, the caller's), or -errno as the kernel's. */
int mqns_open(struct mqns *ns, const char *name, int oflag, mode_t mode,
	      const struct mq_attr *attr, const struct creds *c, mode_t umask);
/* mq_unlink(name): 0 or -errno. */
int mqns_unlink(struct mqns *ns, const char *name, const struct creds *c);

/* For the scratch directory's reaper: unlinks every queue named in
 * `dirfd`'s MQNS_LOG. */
void mqns_reap_log(int dirfd);

#endif
