/* overlay: Linux's overlayfs over VFS filesystems.
 *
 * A merge of one or more read-only lower layers and, unless read-only, one
 * upper layer, each the root of a VFS mount (any filesystem: hostfs for a
 * host directory, tmpfs for an ephemeral upper). What a program sees is
 * the kernel's overlayfs with redirect_dir, index, metacopy and xino off
 * (this kernel's defaults): merged directories, whiteouts and opaque
 * directories, copy-up on the first change, EXDEV for renaming a
 * directory that has lower layers, the kernel's st_dev/st_ino rules for
 * layers on different filesystems.
 *
 * The upper directory is left in overlayfs's on-disk format, so the kernel
 * can mount it later: whiteouts are 0/0 character devices and the private
 * xattrs are trusted.overlay.*, or with `userxattr` (what an overlay in a
 * user namespace uses; an unprivileged process can make neither 0/0
 * devices nor trusted.* xattrs) user.overlay.* with "xwhiteouts": a
 * zero-size regular file carrying user.overlay.whiteout in a directory
 * marked user.overlay.opaque="x". The kernel reads xwhiteouts in lower
 * layers only, so such an upper is mounted later as the top lower layer
 * (--overlay-src UPPER ... --ro-overlay/--tmp-overlay). */
#ifndef VEIL_FS_OVERLAY_H
#define VEIL_FS_OVERLAY_H

#include <stdbool.h>

#include "vfs/vfs.h"

#define OVERLAYFS_MAGIC_NUMBER 0x794c7630

struct ovl_opts {
	struct vfs_mount *upper;   /* NULL: a read-only overlay */
	struct vfs_mount **lowers; /* top first, as overlayfs's lowerdir= */
	int nlowers;		   /* at least 1; 2 without an upper */
	bool userxattr;		   /* user.overlay.* and xwhiteouts (see above) */
};

/* A new instance with one reference for the caller (vfs_sb_put); it takes
 * its own references on the layers' mounts. EINVAL for a bad layer count
 * or a layer root that is not a directory, ENOMEM. */
int ovl_new(const struct ovl_opts *opts, struct vfs_sb **ret);

#endif
