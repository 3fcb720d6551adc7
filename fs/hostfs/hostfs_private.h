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
 *     revalidated on every walk step, so host changes are seen: with
 *     fstatat(parent, name), or without asking the host when inotify says
 *     nothing changed since it last answered (watch.c).
 *   - A watched directory inode (wd > 0) is in watch.c's wd table (one
 *     inotify instance per process); evict removes it, and the watch with
 *     the last inode using it. */
#ifndef VEIL_FS_HOSTFS_PRIVATE_H
#define VEIL_FS_HOSTFS_PRIVATE_H

#include "fs/hostfs/hostfs.h"
#include "vfs/fs_ops.h"

#define HOSTFS_BUCKETS 1024

struct hostfs_sb {
	struct vfs_sb vsb;
	struct hostfs_opts opts;
	struct hlist_head table[HOSTFS_BUCKETS];
	/* watch.c */
	int mfd;		/* /proc/self/mountinfo; -1: strict (opts.strict, no inotify) */
	uint64_t floor;		/* nothing stamped at or before it is trusted */
	uint64_t polled_gen;	/* vfs_walk_gen of the last poll */
	uint64_t trusted_gen;	/* vfs_walk_gen of the last poll that saw everything */
	/* The root's host device and whether its filesystem is one inotify
	 * reports (watch.c), asked once: the root's fd keeps that superblock,
	 * and so its device number, for the instance's life. */
	dev_t root_dev;
	bool root_known, root_local;
	/* The host mount the source is on, for the mount table (show.c);
	 * NULL when it was not found. */
	char *fstype, *hsource, *hroot;
	char hoptions[256];
};

struct hostfs_inode {
	struct vfs_inode vi;
	int fd; /* O_PATH (or the O_TMPFILE fd); -1: sealed (hostfs_crossing) */
	dev_t hdev;
	ino_t hino;
	struct hlist_node node;
	uint64_t gen;	   /* vfs_walk_gen of the last refresh */
	uint64_t checked;  /* CLOCK_MONOTONIC ns of the last revalidation */
	int wd;		   /* directories: inotify watch, 0 if none */
	uint64_t changed;  /* stamp of the last event on that watch */
	struct hlist_node wnode;
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
/* The inode for an O_PATH fd (consumed) on another host filesystem than
 * its parent's: as hostfs_inode_for, except for a procfs (see super.c):
 * a directory there is sealed (no host fd, hostfs_sealed_iops), anything
 * else is EACCES. */
int hostfs_crossing(struct vfs_sb *sb, int fd, const struct stat *st, struct vfs_inode **ret);
/* A sealed directory's inode for the O_PATH fd (consumed); EACCES for
 * anything but a directory. */
int hostfs_sealed(struct vfs_sb *sb, int fd, const struct stat *st, struct vfs_inode **ret);
/* Whether st is a directory hostfs_hide named. */
bool hostfs_hidden(const struct stat *st);

/* watch.c */
void hostfs_watch_init(struct hostfs_sb *sb);
void hostfs_watch_fini(struct hostfs_sb *sb);
/* Watches a new directory inode (if its filesystem is local and limits
 * allow), before anything is looked up in it. */
void hostfs_watch_dir(struct hostfs_sb *sb, struct hostfs_inode *hi);
void hostfs_watch_forget(struct hostfs_inode *hi);
/* May d be used without asking the host (its name, and a directory's
 * attributes, unchanged since the host last confirmed them)? Drains the
 * events first, once per walk. */
bool hostfs_watch_trusted(struct vfs_dentry *d);
/* The host has just confirmed d (fstatat matched). */
void hostfs_watch_confirmed(struct vfs_dentry *d);
/* show.c */
void hostfs_find_host_mount(struct hostfs_sb *sb, dev_t dev);
void hostfs_show(struct vfs_sb *sb, struct vfs_sb_show *ret);

/* ops.c */
extern const struct vfs_inode_ops hostfs_dir_iops;
extern const struct vfs_inode_ops hostfs_file_iops;
extern const struct vfs_inode_ops hostfs_symlink_iops;
extern const struct vfs_inode_ops hostfs_special_iops;
extern const struct vfs_inode_ops hostfs_sealed_iops;
extern const struct vfs_file_ops hostfs_dir_fops;
extern const struct vfs_file_ops hostfs_file_fops;

#endif
