/* Mount namespaces in the sentry (issue 12): each is a VFS mount tree
 * (vfs/mount_ns.c), shared by reference between the sentry_fs of the
 * tasks in it. */
#ifndef VEIL_SENTRY_MNTNS_H
#define VEIL_SENTRY_MNTNS_H

#include <stdint.h>

#include "sentry/kernel/sentry.h"

/* A namespace owning the tree rooted at base, one reference; NULL. */
struct sentry_mntns *mntns_new(struct vfs_mount *base, uint64_t id);
struct sentry_mntns *mntns_get(struct sentry_mntns *ns);
/* The last reference takes the tree down (open files keep their mounts). */
void mntns_put(struct sentry_mntns *ns);

/* unshare(CLONE_NEWNS) for t: its fs becomes its own if shared (CLONE_NEWNS
 * implies CLONE_FS), and in a copy of its namespace's tree. 0, -ENOMEM,
 * -ENOSPC (the mounts' bound). */
int mntns_unshare(struct sentry *s, struct sentry_task *t, long max_mounts);
/* clone(CLONE_NEWNS) by t, at its seccomp stop: t->clone_fs becomes a
 * copy of t's fs in a copy of its namespace, which the child takes at its
 * creation (sentry_task_new). 0, -ENOMEM, -ENOSPC. */
int mntns_clone_prepare(struct sentry *s, struct sentry_task *t, long max_mounts);
/* pivot_root(new_root, put_old) for t; every task of its namespace rooted
 * or standing at the old root moves to the new one, as the kernel's
 * chroot_fs_refs. 0 or -errno. */
int mntns_pivot_root(struct sentry *s, struct sentry_task *t, const char *new_root,
		     const char *put_old);

#endif
