/* tmpfs: a filesystem whose metadata lives in memory (the VFS dentry tree
 * is its namespace) and whose regular files keep their data in real files
 * of a host directory, one per inode, named after it, so a program gets a
 * real fd to read, write and mmap natively, while the instance itself
 * holds no fd per file (fs/tmpfs/data.c). */
#ifndef VEIL_FS_TMPFS_H
#define VEIL_FS_TMPFS_H

#include <stdbool.h>
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
	/* Where the regular files' data lives: with `has_data_dir`, the
	 * directory `data_dir` names (any fd on it, O_PATH will do; the
	 * instance takes it over and closes it; the caller removes what is
	 * left in it when the instance is gone); without, a directory the
	 * instance makes under $VEIL_SCRATCH, /dev/shm or /tmp and removes
	 * with itself. `backed`: data_dir is the root of a real tmpfs of
	 * `size` of the instance's own, so a program's native writes meet the
	 * limit too; statfs reports its blocks. */
	bool has_data_dir;
	bool backed;
	int data_dir;
};

/* A new instance with one reference for the caller (vfs_sb_put).
 * -ENOMEM. opts NULL: unlimited, root 01777 owned by 0:0. */
int tmpfs_new(const struct tmpfs_opts *opts, struct vfs_sb **ret);

/* Whether inode is in a backed instance whose backing filesystem is more
 * than half full. A removed file's data is freed only when the VFS lets
 * its inode go, which for a file the program opened is when the sentry
 * learns its last fd is closed (the fd map's sweep), not at the close as
 * in the kernel: the sentry sweeps before a write open when this says
 * so, or the space would stay taken. */
bool tmpfs_space_low(const struct vfs_inode *inode);

#endif
