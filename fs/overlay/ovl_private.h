/* overlay internals, grouped by file as Linux's fs/overlayfs is split.
 *
 * The overlay acts on its layers through the VFS's own entry points, with
 * a context of its own (the mounter: every capability, umask 0), from O_PATH
 * files on the real objects: lookups are one component
 * (vfs_openat(real dir, name, O_PATH|O_NOFOLLOW)), creations are
 * vfs_mkdirat() and friends in the upper directory. Attributes and xattrs go
 * to the real inode's methods directly, as overlayfs calls notify_change
 * and vfs_setxattr on the real dentry.
 *
 * Invariants:
 *   - An ovl_inode holds O_PATH files on its real objects: `upper` once it
 *     exists there, and for a non-directory `lower` (the topmost lower
 *     object), for a directory `lowers` (the lower directories merged
 *     below it, top first, none past an opaque one). One of upper/lower is
 *     set; a directory with an upper and lowers is "merged", one with only
 *     an upper "pure upper" (what rename may move).
 *   - An inode without an upper knows where its copy-up goes: `parent` (a
 *     reference on the overlay directory) and `name`; copy-up fills upper
 *     and keeps its identity (st_dev/st_ino of the origin).
 *   - The dentry cache holds the merged namespace; nothing changes a layer
 *     behind the overlay's back (the kernel's rule too), so cached dentries
 *     need no revalidation.
 *   - Readdir cookies are per directory inode and per name (the inode's
 *     cookie table), so a cursor survives a rebuild of the merged list. */
#ifndef VEIL_FS_OVERLAY_PRIVATE_H
#define VEIL_FS_OVERLAY_PRIVATE_H

#include "fs/overlay/overlay.h"
#include "vfs/fs_ops.h"

struct ovl_layer {
	struct vfs_file *root; /* O_PATH on the layer's root */
	dev_t pseudo_dev;      /* st_dev of non-directories from this layer */
	struct statfs sf;      /* which filesystem it is (f_type, f_fsid) */
};

/* Copied-up non-directories: real upper (dev, ino) -> origin identity, so
 * an upper found again after its dentry left the cache keeps the lower's
 * st_dev/st_ino (overlayfs records the origin in an xattr; this overlay
 * lives only as long as the sandbox, so memory is enough). */
struct ovl_origin {
	struct ovl_origin *next;
	dev_t real_dev;
	uint64_t real_ino;
	dev_t dev;
	uint64_t ino;
};

#define OVL_ORIGIN_BUCKETS 256

struct ovl_sb {
	struct vfs_sb vsb;
	struct vfs_ctx ctx;
	struct ovl_layer upper; /* root NULL: read-only */
	int nlower;
	struct ovl_layer *lower; /* top first */
	bool userxattr;
	char opaque_x[32];   /* "<prefix>opaque" */
	char whiteout_x[32]; /* "<prefix>whiteout" */
	const char *prefix;  /* "trusted.overlay." or "user.overlay." */
	uint64_t next_ino;   /* directories' st_ino */
	bool samefs;	     /* every layer on one filesystem */
	struct ovl_origin *origins[OVL_ORIGIN_BUCKETS];
};

struct ovl_cookie; /* readdir.c */

struct ovl_inode {
	struct vfs_inode vi;
	struct vfs_file *upper;
	struct vfs_file *lower;	 /* non-directories */
	struct vfs_file **lowers; /* directories */
	int nlowers;
	struct ovl_inode *parent; /* while there is no upper */
	char *name;
	struct vfs_file *tmpfile;    /* O_TMPFILE: the real linkable open */
	struct ovl_cookie **cookies; /* directories: name -> readdir cookie */
	unsigned ncookies, cookie_cap;
	int64_t next_cookie;
};

static inline struct ovl_sb *OVL_SB(struct vfs_sb *sb)
{
	return container_of(sb, struct ovl_sb, vsb);
}

static inline struct ovl_inode *OVL_I(struct vfs_inode *i)
{
	return container_of(i, struct ovl_inode, vi);
}

/* The real object an inode's attributes and data come from. */
static inline struct vfs_file *ovl_real(const struct ovl_inode *oi)
{
	if (oi->upper)
		return oi->upper;
	return oi->lower ? oi->lower : oi->lowers[0];
}

static inline struct vfs_inode *ovl_real_inode(const struct ovl_inode *oi)
{
	return vfs_file_inode(ovl_real(oi));
}

/* More than one layer (overlayfs's OVL_TYPE_MERGE). */
static inline bool ovl_is_merged(const struct ovl_inode *oi)
{
	return (oi->upper ? 1 : 0) + oi->nlowers > 1;
}

/* super.c */
/* The mounter's context with fs ids uid/gid (what creations own). */
struct vfs_ctx *ovl_ctx(struct ovl_sb *osb, uid_t uid, gid_t gid);
/* Refresh the real inode and copy its attributes (ovl_copyattr). */
int ovl_refresh(struct ovl_inode *oi);
void ovl_origin_set(struct ovl_sb *osb, struct vfs_inode *real, dev_t dev, uint64_t ino);
bool ovl_origin_get(struct ovl_sb *osb, struct vfs_inode *real, dev_t *dev, uint64_t *ino);
/* A new inode over the real objects given (their references are taken
 * over, also on failure); parent/name for one without an upper. */
int ovl_new_inode(struct ovl_sb *osb, struct vfs_file *upper, struct vfs_file *lower,
		  struct vfs_file **lowers, int nlowers, dev_t origin_dev, uint64_t origin_ino,
		  struct ovl_inode *parent, const char *name, struct vfs_inode **ret);
bool ovl_is_private_xattr(struct ovl_sb *osb, const char *name);

/* namei.c */
/* Look name up in the real directory dir: *ret an O_PATH file, NULL when
 * absent (0 returned) or a whiteout (*whiteout set). */
int ovl_real_lookup(struct ovl_sb *osb, struct vfs_file *dir, const char *name,
		    struct vfs_file **ret, bool *whiteout);
bool ovl_is_opaque(struct ovl_sb *osb, struct vfs_file *dir);
/* Is dir marked as holding xwhiteouts (<prefix>opaque="x")? */
bool ovl_has_xwhiteouts(struct ovl_sb *osb, struct vfs_file *dir);
/* Does some lower layer of dir have name (not whited out)? */
int ovl_lower_positive(struct ovl_inode *dir, const char *name, bool *ret);
int ovl_lookup(struct vfs_inode *dir, const char *name, struct vfs_inode **ret);

/* dir.c */
extern const struct vfs_inode_ops ovl_dir_iops;
int ovl_set_xattr_real(struct vfs_file *f, const char *name, const char *value, int flags);

/* copy_up.c */
int ovl_copy_up(struct ovl_inode *oi);

/* readdir.c */
extern const struct vfs_file_ops ovl_dir_fops;
/* The merged listing of dir has no entry: *ret. Whiteouts in the upper are
 * not entries. */
int ovl_dir_is_empty(struct ovl_inode *dir, bool *ret);
/* Remove the whiteouts of an (emptied) upper directory, before rmdir or
 * rename over it. */
int ovl_clear_whiteouts(struct ovl_inode *dir);
void ovl_cookies_free(struct ovl_inode *oi);

/* inode.c */
extern const struct vfs_inode_ops ovl_file_iops;
extern const struct vfs_inode_ops ovl_symlink_iops;
extern const struct vfs_inode_ops ovl_special_iops;
extern const struct vfs_file_ops ovl_file_fops;
int ovl_setattr(struct vfs_inode *inode, const struct vfs_iattr *attr);
int ovl_getattr(struct vfs_inode *inode);
ssize_t ovl_getxattr(struct vfs_inode *inode, const char *name, void *buf, size_t size);
int ovl_setxattr(struct vfs_inode *inode, const char *name, const void *value, size_t size,
		 int flags);
ssize_t ovl_listxattr(struct vfs_inode *inode, char *buf, size_t size);
int ovl_removexattr(struct vfs_inode *inode, const char *name);
#define OVL_ATTR_OPS                    \
	.getattr = ovl_getattr,         \
	.setattr = ovl_setattr,         \
	.getxattr = ovl_getxattr,       \
	.setxattr = ovl_setxattr,       \
	.listxattr = ovl_listxattr,     \
	.removexattr = ovl_removexattr

#endif
