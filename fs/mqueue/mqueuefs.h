/* mqueuefs: the sandbox's --mqueue mount, as `mount -t mqueue` shows an
 * IPC namespace's queues: a root directory (01777, root's) and one node
 * per queue, which lists, stats, opens (an fd on the queue: read gives
 * its QSIZE line, the mq_* calls take it), unlinks, chmods and chowns as
 * the kernel's mqueue filesystem does, and which open(O_CREAT) makes.
 *
 * The filesystem only names and describes; the queues are its provider's
 * (the sentry's queue names, sentry/kernel/mqns.h), asked afresh on every
 * lookup and listing, so a queue unlinked by mq_unlink is gone at once.
 * The VFS makes the permission checks on what the provider reports. */
#ifndef VEIL_FS_MQUEUEFS_H
#define VEIL_FS_MQUEUEFS_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "vfs/vfs.h"

#define MQUEUE_MAGIC_NUMBER 0x19800202

struct mqueuefs_queue {
	uid_t uid;
	gid_t gid;
	mode_t mode;	 /* permission bits */
	uint64_t serial; /* 1, 2...: creation order, never reused */
	struct timespec time;
};

/* The provider's methods, `arg` its own; names are the queues' (no '/').
 * 0 or -errno unless said otherwise. */
struct mqueuefs_provider {
	int (*get)(void *arg, const char *name, struct mqueuefs_queue *ret);
	/* The queue made after serial `after` (0: the first): 1 with its
	 * name (NAME_MAX + 1 bytes) and *ret, 0 when none is left. */
	int (*next)(void *arg, uint64_t after, char *name, struct mqueuefs_queue *ret);
	/* An fd on the queue, with the access mode and O_NONBLOCK of flags. */
	int (*open)(void *arg, const char *name, int flags);
	int (*create)(void *arg, const char *name, uid_t uid, gid_t gid, mode_t mode);
	int (*unlink)(void *arg, const char *name);
	int (*chattr)(void *arg, const char *name, uid_t uid, gid_t gid, mode_t mode);
};

/* A new instance (one reference, vfs_sb_put), or -ENOMEM. */
int mqueuefs_new(const struct mqueuefs_provider *provider, void *arg, struct vfs_sb **ret);

#endif
