/* The sandbox's filesystem for the emulate backend: the spec's ops applied
 * to a VFS mount tree, in order, later ones on top of earlier ones, as the
 * kernel backend applies them to real mounts. */
#ifndef VEIL_SENTRY_VFS_SETUP_H
#define VEIL_SENTRY_VFS_SETUP_H

#include "base/error.h"
#include "spec/spec.h"
#include "vfs/vfs.h"

struct sentry;

/* Builds the tree for `spec` (spec_prepare()d). *ret is the root mount
 * with one reference (vfs_mount_tree_put). An op the emulate backend
 * cannot realise yet fails the whole setup with a message naming it.
 * `s` is what --proc shows (the sentry that will serve the tree; NULL
 * refuses --proc). */
/* What vfs_setup_build would refuse before it starts, for --backend=auto
 * to choose: a bind whose source is inside a host procfs (not its root,
 * which becomes the sandbox's own proc), an overlay layer on one. */
int vfs_setup_check(const struct spec *spec, struct veil_error **err);

int vfs_setup_build(const struct spec *spec, struct sentry *s, struct vfs_mount **ret,
		    struct veil_error **err);

/* For mount(2) inside the sandbox: a new instance of `fstype` for `s`
 * ("tmpfs" with the options in `data`, its root owned by uid:gid unless
 * they say otherwise; "proc"), *ret with one reference, or -errno: ENODEV
 * for a type the sentry has no filesystem for, EINVAL for an option
 * tmpfs does not take; a tmpfs with a size needs what --size needs (a
 * user namespace for the real tmpfs that holds the limit). */
int vfs_setup_new_sb(struct sentry *s, const char *fstype, const char *data, uid_t uid,
		     gid_t gid, struct vfs_sb **ret);

#endif
