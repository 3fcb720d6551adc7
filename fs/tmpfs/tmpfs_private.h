/* tmpfs internals, grouped by file.
 *
 * Invariants:
 *   - Every tmpfs inode with nlink > 0 is named by at least one pinned
 *     dentry; the VFS tree is the only index of names.
 *   - A regular file's data, size and atime/mtime live in its data file
 *     once it has one (data): a file of the data directory named after
 *     the inode number (data.c), created on the first open or non-zero
 *     truncate and removed when the inode is evicted; before that the
 *     file is empty and the times live in the inode. The instance holds
 *     no fd on it: each open file gets its own open of it by name, and a
 *     stat asks the directory by name, so the sentry's fds follow what is
 *     open, never what is stored. Inode numbers are never reused in an
 *     instance, so a name is never a file another inode had.
 *   - A data file keeps its host (dev, ino) for the inode's life (it is
 *     never replaced): the sentry's fd identity (vfs_inode_set_host).
 *   - Directory sizes follow Linux tmpfs: 20 bytes per entry plus 40.
 *   - sb->ispace counts bytes of Linux tmpfs's "inode space": 1024 per
 *     inode and per extra name, 40 + name + value per xattr; nr_inodes=N
 *     allows N * 1024 (shmem's free_ispace), so xattrs compete with
 *     inodes exactly as they do in the kernel. */
#ifndef VEIL_FS_TMPFS_PRIVATE_H
#define VEIL_FS_TMPFS_PRIVATE_H

#include <sys/stat.h>

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
	int data_dir;	     /* where data files live (opts.data_dir or own_dir's) */
	char *own_dir;	     /* the path of a data directory made here, or NULL */
};

struct tmpfs_inode {
	struct vfs_inode vi;
	bool data; /* has its data file */
	/* The bits of the mode its data file carries (data.c privs_of), as
	 * last set or seen; (mode_t)-1: not known, set them again. */
	mode_t data_privs;
	/* A write open by a task without CAP_FSETID was made (sticky): from
	 * then on the data file carries them */
	bool unpriv_writer;
	char *symlink;
	struct tmpfs_xattr *xattrs;
	/* directories' FS_*_FL but append-only and immutable, which are the
	 * VFS's inode flags (files keep the others on the data file) */
	unsigned fsflags;
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

/* data.c */
/* The data directory: opts' or one made here. 0 or -errno. */
int tmpfs_data_dir_init(struct tmpfs_sb *sb, const struct tmpfs_opts *opts);
void tmpfs_data_dir_fini(struct tmpfs_sb *sb);
/* A new open of ti's data file (made first if it has none, with the
 * inode's times), O_CLOEXEC added: an fd or -errno. */
int tmpfs_data_open(struct tmpfs_inode *ti, int flags);
/* Its stat (ti->data only). 0 or -errno. */
int tmpfs_data_stat(struct tmpfs_inode *ti, struct stat *st);
int tmpfs_data_truncate(struct tmpfs_inode *ti, off_t size);
int tmpfs_data_utimens(struct tmpfs_inode *ti, const struct timespec ts[2]);
/* The data file's mode carries the file's S_ISUID (and S_ISGID with
 * S_IXGRP), so the kernel's own killpriv clears them when the program
 * writes natively without CAP_FSETID; set writes them there (0 or
 * -errno), get takes back what a write cleared into ti's mode (from the
 * data file's stat). */
int tmpfs_data_privs_set(struct tmpfs_inode *ti);
void tmpfs_data_privs_get(struct tmpfs_inode *ti, const struct stat *st);
/* The inode's mode or owners changed in the VFS: the data file's mode is
 * set again (to what it is), so that a watch on it (inotify_add_watch on
 * a tmpfs file: sentry/sys/sys_inotify.c) gets the IN_ATTRIB a chmod or
 * chown gives. 0 or -errno. */
int tmpfs_data_attrib(struct tmpfs_inode *ti);
/* Evict: the data file goes. */
void tmpfs_data_remove(struct tmpfs_inode *ti);
/* ->fifo_node: the FIFO's node in the data directory, named as a data
 * file and removed with the inode as one (tmpfs_data_remove). */
int tmpfs_fifo_node(struct vfs_inode *inode);

/* dir.c */
extern const struct vfs_inode_ops tmpfs_dir_iops;
extern const struct vfs_file_ops tmpfs_dir_fops;

/* file.c */
extern const struct vfs_inode_ops tmpfs_file_iops;
extern const struct vfs_file_ops tmpfs_file_fops;
extern const struct vfs_inode_ops tmpfs_symlink_iops;
extern const struct vfs_inode_ops tmpfs_special_iops;
int tmpfs_setattr(struct vfs_inode *inode, const struct vfs_iattr *a);
/* Append-only and immutable as FS_*_FL bits from the VFS inode flags
 * that enforce them (VFS_I_APPEND, VFS_I_IMMUTABLE), and back. */
unsigned tmpfs_vfs_fsflags(const struct vfs_inode *inode);
void tmpfs_set_vfs_fsflags(struct vfs_inode *inode, unsigned flags);
ssize_t tmpfs_getxattr(struct vfs_inode *inode, const char *name, void *buf, size_t size);
int tmpfs_setxattr(struct vfs_inode *inode, const char *name, const void *value, size_t size,
		   int flags);
ssize_t tmpfs_listxattr(struct vfs_inode *inode, char *buf, size_t size);
int tmpfs_removexattr(struct vfs_inode *inode, const char *name);
void tmpfs_free_xattrs(struct tmpfs_inode *ti);

#endif
