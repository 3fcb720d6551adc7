/* tmpfs internals, grouped by file.
 *
 * Invariants:
 *   - Every tmpfs inode with nlink > 0 is named by at least one pinned
 *     dentry; the VFS tree is the only index of names.
 *   - A regular file's data and its atime/mtime live in its memfd once it
 *     has one (memfd >= 0); before that it is empty and the times live in
 *     the inode. The memfd is created on the first open or truncate and
 *     dropped again when the last open file goes while it is empty, so many
 *     empty files cost no fds.
 *   - Directory sizes follow Linux tmpfs: 20 bytes per entry plus 40.
 *   - sb->ispace counts bytes of Linux tmpfs's "inode space": 1024 per
 *     inode and per extra name, 40 + name + value per xattr; nr_inodes=N
 *     allows N * 1024 (shmem's free_ispace), so xattrs compete with
 *     inodes exactly as they do in the kernel. */
#ifndef VEIL_FS_TMPFS_PRIVATE_H
#define VEIL_FS_TMPFS_PRIVATE_H

#include "fs/tmpfs/tmpfs.h"
#include "vfs/fs_ops.h"

#define BOGO_DIRENT_SIZE 20
#define SHORT_SYMLINK_LEN 128
#define BOGO_INODE_SIZE 1024

struct tmpfs_xattr {
	struct tmpfs_xattr *next;
	size_t size;
	char *value;
	char name[];
};

struct tmpfs_sb {
	struct vfs_sb vsb;
	struct tmpfs_opts opts;
	uint64_t ispace;
	uint64_t next_ino;
	uint64_t used_bytes; /* sum of cached regular sizes, for statfs/limit */
};

struct tmpfs_inode {
	struct vfs_inode vi;
	int memfd;
	int nopen;
	char *symlink;
	struct tmpfs_xattr *xattrs;
	unsigned fsflags; /* directories' FS_*_FL (files keep theirs on the memfd) */
};

static inline struct tmpfs_sb *TMPFS_SB(struct vfs_sb *sb)
{
	return container_of(sb, struct tmpfs_sb, vsb);
}

static inline struct tmpfs_inode *TMPFS_I(struct vfs_inode *i)
{
	return container_of(i, struct tmpfs_inode, vi);
}

/* super.c */
/* Take or give back inode space; -ENOSPC past nr_inodes. */
int tmpfs_reserve(struct vfs_sb *sb, uint64_t bytes);
void tmpfs_release_space(struct vfs_sb *sb, uint64_t bytes);
uint64_t tmpfs_xattr_space(const char *name, size_t size);
int tmpfs_new_inode(struct vfs_sb *sb, const struct vfs_new *n, struct tmpfs_inode **ret);

/* dir.c */
extern const struct vfs_inode_ops tmpfs_dir_iops;
extern const struct vfs_file_ops tmpfs_dir_fops;

/* file.c */
extern const struct vfs_inode_ops tmpfs_file_iops;
extern const struct vfs_file_ops tmpfs_file_fops;
extern const struct vfs_inode_ops tmpfs_symlink_iops;
extern const struct vfs_inode_ops tmpfs_special_iops;
int tmpfs_setattr(struct vfs_inode *inode, const struct vfs_iattr *a);
ssize_t tmpfs_getxattr(struct vfs_inode *inode, const char *name, void *buf, size_t size);
int tmpfs_setxattr(struct vfs_inode *inode, const char *name, const void *value, size_t size,
		   int flags);
ssize_t tmpfs_listxattr(struct vfs_inode *inode, char *buf, size_t size);
int tmpfs_removexattr(struct vfs_inode *inode, const char *name);
void tmpfs_free_xattrs(struct tmpfs_inode *ti);

#endif
