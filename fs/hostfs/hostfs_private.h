/* hostfs internals.
 *
 * Invariants:
 *   - Each hostfs inode owns one O_PATH fd on its host object (for a
 *     directory: the directory lookups start from), opened beneath its
 *     parent; attributes are refreshed from fstat of that fd (getattr) or
 *     from fstatat(parent, name) when its dentry is revalidated.
 *   - One inode per host (dev, ino) per instance (the sb's table), so hard
 *     links share it; the table holds no reference: evict unhashes.
 *   - Dentries are a cache (the sb is not VFS_SB_PINNED): a cached name is
 *     revalidated on every walk step, so host changes are seen. */
#ifndef VEIL_FS_HOSTFS_PRIVATE_H
#define VEIL_FS_HOSTFS_PRIVATE_H

#include "fs/hostfs/hostfs.h"
#include "vfs/fs_ops.h"

#define HOSTFS_BUCKETS 1024

struct hostfs_sb {
	struct vfs_sb vsb;
	struct hostfs_opts opts;
	struct hlist_head table[HOSTFS_BUCKETS];
	/* The host mount the source is on, for the mount table (show.c);
	 * NULL when it was not found. */
	char *fstype, *hsource, *hroot;
	char hoptions[256];
};

struct hostfs_inode {
	struct vfs_inode vi;
	int fd; /* O_PATH (or the O_TMPFILE fd) */
	dev_t hdev;
	ino_t hino;
	struct hlist_node node;
	uint64_t gen;	   /* vfs_walk_gen of the last refresh */
	uint64_t checked;  /* CLOCK_MONOTONIC ns of the last revalidation */
};

static inline struct hostfs_sb *HOSTFS_SB(struct vfs_sb *sb)
{
	return container_of(sb, struct hostfs_sb, vsb);
}

static inline struct hostfs_inode *HOSTFS_I(struct vfs_inode *i)
{
	return container_of(i, struct hostfs_inode, vi);
}

/* super.c */
/* The inode for an O_PATH fd (consumed) with host stat st: an existing one
 * (new reference, fd closed) or a new one. */
int hostfs_inode_for(struct vfs_sb *sb, int fd, const struct stat *st, struct vfs_inode **ret);
void hostfs_fill_attrs(struct vfs_inode *inode, const struct stat *st);
int hostfs_open_beneath(int dirfd, const char *name, int flags);

/* show.c */
void hostfs_find_host_mount(struct hostfs_sb *sb, dev_t dev);
void hostfs_show(struct vfs_sb *sb, struct vfs_sb_show *ret);

/* ops.c */
extern const struct vfs_inode_ops hostfs_dir_iops;
extern const struct vfs_inode_ops hostfs_file_iops;
extern const struct vfs_inode_ops hostfs_symlink_iops;
extern const struct vfs_inode_ops hostfs_special_iops;
extern const struct vfs_file_ops hostfs_dir_fops;
extern const struct vfs_file_ops hostfs_file_fops;

#endif
