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
#include <stdint.h>
#include <time.h>
#include <sys/types.h>

#include "fs/mqueue/mqueuefs.h"
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

/* For the sandbox's mqueue filesystem (--mqueue, fs/mqueue), whose VFS
 * has made the permission checks on what these report: */
struct mqns_info {
	uid_t uid;
	gid_t gid;
	mode_t mode;
	uint64_t serial; /* 1, 2...: its creation's order, never reused */
	struct timespec time;
};
/* The queue `name`: 0 and *ret, or -ENOENT. */
int mqns_stat(struct mqns *ns, const char *name, struct mqns_info *ret);
/* The queue made after the one whose serial is `after` (0: the first):
 * 1 with its name (at most NAME_MAX + 1 bytes to `name`) and *ret, 0
 * when there is none. */
int mqns_next(struct mqns *ns, uint64_t after, char *name, struct mqns_info *ret);
/* An fd on the queue (an mqueue file: read gives its QSIZE line, the
 * mq_* calls take it) with the access mode and O_NONBLOCK of `flags`,
 * close-on-exec; -errno. */
int mqns_fd(struct mqns *ns, const char *name, int flags);
/* A new queue of the default attributes, owned as given (open(O_CREAT)
 * in the filesystem): 0 or -errno (EEXIST). */
int mqns_create(struct mqns *ns, const char *name, uid_t uid, gid_t gid, mode_t mode);
/* Unlinks `name` / changes its owner, group and mode, unchecked. */
int mqns_remove(struct mqns *ns, const char *name);
int mqns_chattr(struct mqns *ns, const char *name, uid_t uid, gid_t gid, mode_t mode);

/* The queues as the sandbox's --mqueue mount shows them (fs/mqueue),
 * over these calls; its `arg` is the struct mqns. */
extern const struct mqueuefs_provider mqns_mqueuefs_provider;

/* For the scratch directory's reaper: unlinks every queue named in
 * `dirfd`'s MQNS_LOG. */
void mqns_reap_log(int dirfd);

#endif
