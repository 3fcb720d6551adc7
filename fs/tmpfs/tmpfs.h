/* tmpfs: a filesystem whose metadata lives in memory (the VFS dentry tree
 * is its namespace) and whose regular files keep their data in memfds, so a
 * program gets a real fd to read, write and mmap natively. */
#ifndef VEIL_FS_TMPFS_H
#define VEIL_FS_TMPFS_H

#include <stdint.h>
#include <sys/types.h>

#include "vfs/vfs.h"

#define TMPFS_MAGIC_NUMBER 0x01021994

struct tmpfs_opts {
	uint64_t size;	    /* bytes; 0: unlimited */
	uint64_t nr_inodes; /* 0: unlimited; as Linux: the root, every extra
			     * hard link and xattrs use this budget too */
	mode_t mode;	    /* of the root directory, permission bits */
	uid_t uid;
	gid_t gid;
};

/* A new instance with one reference for the caller (vfs_sb_put).
 * -ENOMEM. opts NULL: unlimited, root 01777 owned by 0:0. */
int tmpfs_new(const struct tmpfs_opts *opts, struct vfs_sb **ret);

#endif
