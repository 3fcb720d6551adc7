/* Directory operations (Linux's dir.c): creation over whiteouts, removal
 * leaving whiteouts where a lower layer still has the name, link and
 * rename in the upper layer.
 *
 * With redirect_dir off, as here, only a pure upper directory (no lower
 * layers) can move: renaming a lower or merged directory is EXDEV, which
 * tools such as mv answer by copying. A directory made where a lower layer
 * could show through (over a whiteout, in a merged parent, or moved into
 * one) is marked opaque. overlayfs makes these changes atomic through its
 * work directory; here the sentry's one thread is the only actor, so each
 * is done in place in the upper directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fs/overlay/ovl_private.h"

int ovl_set_xattr_real(struct vfs_file *f, const char *name, const char *value, int flags)
{
	struct vfs_inode *ri = vfs_file_inode(f);
	if (!ri->ops->setxattr)
		return -EOPNOTSUPP;
	return ri->ops->setxattr(ri, name, value, strlen(value), flags);
}

static int set_opaque(struct ovl_sb *osb, struct vfs_file *dir)
{
	return ovl_set_xattr_real(dir, osb->opaque_x, "y", 0);
}

/* A whiteout for name in dir's upper: a 0/0 character device, or with
 * userxattr an xwhiteout (the directory marked "x" first, unless opaque,
 * where no lower shows through anyway). */
static int make_whiteout(struct ovl_sb *osb, struct ovl_inode *dir, const char *name)
{
	struct vfs_ctx *c = ovl_ctx(osb, 0, 0);
	if (!osb->userxattr)
		return vfs_mknodat(c, dir->upper, name, S_IFCHR, 0);
	if (!ovl_is_opaque(osb, dir->upper)) {
		int r = ovl_set_xattr_real(dir->upper, osb->opaque_x, "x", 0);
		if (r < 0)
			return r;
	}
	struct vfs_file *f;
	/* The mode is no part of the format; the sentry must be able to read
	 * the xattr back without privilege. */
	int r = vfs_openat(c, dir->upper, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, 0600,
			   &f);
	if (r < 0)
		return r;
	struct vfs_file *p;
	r = vfs_path_open(vfs_file_path(f), O_PATH, &p);
	vfs_file_put(f);
	if (r == 0) {
		r = ovl_set_xattr_real(p, osb->whiteout_x, "", 0);
		vfs_file_put(p);
	}
	if (r < 0)
		vfs_unlinkat(c, dir->upper, name, 0);
	return r;
}

/* Removes a whiteout at name in dir's upper: *had says whether there was. */
static int drop_whiteout(struct ovl_sb *osb, struct ovl_inode *dir, const char *name, bool *had)
{
	struct vfs_file *f;
	int r = ovl_real_lookup(osb, dir->upper, name, &f, had);
	if (r < 0)
		return r;
	if (f) {
		vfs_file_put(f);
		return -EEXIST; /* the VFS saw nothing here: a layer changed under us */
	}
	return *had ? vfs_unlinkat(ovl_ctx(osb, 0, 0), dir->upper, name, 0) : 0;
}

/* The new real object's O_PATH file, owned as n says. */
static int open_created(struct ovl_sb *osb, struct vfs_file *dir, const char *name,
			const struct vfs_new *n, struct vfs_file **ret)
{
	int r = vfs_openat(ovl_ctx(osb, 0, 0), dir, name, O_PATH | O_NOFOLLOW, 0, ret);
	if (r < 0)
		return r;
	struct vfs_inode *ri = vfs_file_inode(*ret);
	if (ri->uid == n->uid && ri->gid == n->gid)
		return 0;
	struct vfs_iattr a = {.valid = VFS_ATTR_UID | VFS_ATTR_GID, .uid = n->uid, .gid = n->gid};
	r = ri->ops->setattr(ri, &a);
	if (r < 0)
		vfs_file_put(*ret);
	return r;
}

static int ovl_create(struct vfs_inode *dir, const char *name, const struct vfs_new *n,
		      const char *target, struct vfs_inode **ret)
{
	struct ovl_inode *pi = OVL_I(dir);
	struct ovl_sb *osb = OVL_SB(dir->sb);
	int r = ovl_copy_up(pi);
	if (r < 0)
		return r;
	bool wo;
	if ((r = drop_whiteout(osb, pi, name, &wo)) < 0)
		return r;
	struct vfs_ctx *c = ovl_ctx(osb, n->uid, n->gid);
	mode_t perm = n->mode & 07777;
	if (S_ISDIR(n->mode))
		r = vfs_mkdirat(c, pi->upper, name, perm);
	else if (S_ISLNK(n->mode))
		r = vfs_symlinkat(c, target, pi->upper, name);
	else
		r = vfs_mknodat(c, pi->upper, name, n->mode, n->rdev);
	if (r < 0) {
		if (wo)
			make_whiteout(osb, pi, name);
		return r;
	}
	struct vfs_file *up;
	r = open_created(osb, pi->upper, name, n, &up);
	if (r == 0 && S_ISDIR(n->mode) && (wo || ovl_is_merged(pi)) &&
	    (r = set_opaque(osb, up)) < 0)
		vfs_file_put(up);
	if (r < 0) {
		vfs_unlinkat(ovl_ctx(osb, 0, 0), pi->upper, name, S_ISDIR(n->mode) ? AT_REMOVEDIR : 0);
		if (wo)
			make_whiteout(osb, pi, name);
		return r;
	}
	return ovl_new_inode(osb, up, NULL, NULL, 0, osb->upper.pseudo_dev,
			     vfs_file_inode(up)->ino, NULL, NULL, ret);
}

static int ovl_mknod(struct vfs_inode *dir, const char *name, const struct vfs_new *n,
		     struct vfs_inode **ret)
{
	return ovl_create(dir, name, n, NULL, ret);
}

static int ovl_symlink(struct vfs_inode *dir, const char *name, const char *target,
		       const struct vfs_new *n, struct vfs_inode **ret)
{
	return ovl_create(dir, name, n, target, ret);
}

/* O_TMPFILE: an unnamed file in the upper directory; its real open is
 * kept, since only that one may give it a name (linkat AT_EMPTY_PATH). */
static int ovl_tmpfile(struct vfs_inode *dir, const struct vfs_new *n, struct vfs_inode **ret)
{
	struct ovl_inode *pi = OVL_I(dir);
	struct ovl_sb *osb = OVL_SB(dir->sb);
	int r = ovl_copy_up(pi);
	if (r < 0)
		return r;
	struct vfs_file *tf, *up;
	r = vfs_openat(ovl_ctx(osb, n->uid, n->gid), pi->upper, ".", O_TMPFILE | O_RDWR,
		       n->mode & 07777, &tf);
	if (r < 0)
		return r;
	r = vfs_path_open(vfs_file_path(tf), O_PATH, &up);
	if (r < 0) {
		vfs_file_put(tf);
		return r;
	}
	r = ovl_new_inode(osb, up, NULL, NULL, 0, osb->upper.pseudo_dev, vfs_file_inode(up)->ino,
			  NULL, NULL, ret);
	if (r < 0) {
		vfs_file_put(tf);
		return r;
	}
	OVL_I(*ret)->tmpfile = tf;
	return 0;
}

static int ovl_link(struct vfs_inode *inode, struct vfs_inode *dir, const char *name)
{
	struct ovl_inode *oi = OVL_I(inode), *pi = OVL_I(dir);
	struct ovl_sb *osb = OVL_SB(dir->sb);
	int r = ovl_copy_up(oi);
	if (r == 0)
		r = ovl_copy_up(pi);
	bool wo = false;
	if (r == 0)
		r = drop_whiteout(osb, pi, name, &wo);
	if (r < 0)
		return r;
	/* an unnamed O_TMPFILE is linked through its own open */
	struct vfs_file *src = oi->tmpfile && vfs_file_inode(oi->upper)->nlink == 0 ? oi->tmpfile
										 : oi->upper;
	r = vfs_linkat(ovl_ctx(osb, 0, 0), src, "", pi->upper, name, AT_EMPTY_PATH);
	if (r < 0 && wo)
		make_whiteout(osb, pi, name);
	int rr = ovl_refresh(oi);
	return r < 0 ? r : rr;
}

static int ovl_remove(struct vfs_inode *dir, const char *name, struct vfs_inode *inode,
		      bool is_dir)
{
	struct ovl_inode *pi = OVL_I(dir), *oi = OVL_I(inode);
	struct ovl_sb *osb = OVL_SB(dir->sb);
	bool need_wo, empty;
	int r = ovl_lower_positive(pi, name, &need_wo);
	if (r < 0)
		return r;
	if (is_dir) {
		if ((r = ovl_dir_is_empty(oi, &empty)) < 0)
			return r;
		if (!empty)
			return -ENOTEMPTY;
	}
	if ((r = ovl_copy_up(pi)) < 0)
		return r;
	struct vfs_ctx *c = ovl_ctx(osb, 0, 0);
	if (oi->upper) {
		if (is_dir && (r = ovl_clear_whiteouts(oi)) < 0)
			return r;
		if ((r = vfs_unlinkat(c, pi->upper, name, is_dir ? AT_REMOVEDIR : 0)) < 0)
			return r;
	}
	if (need_wo && (r = make_whiteout(osb, pi, name)) < 0)
		return r;
	if (!is_dir)
		ovl_refresh(oi); /* other links see the count drop */
	return 0;
}

static int ovl_unlink(struct vfs_inode *dir, const char *name, struct vfs_inode *inode)
{
	return ovl_remove(dir, name, inode, false);
}

static int ovl_rmdir(struct vfs_inode *dir, const char *name, struct vfs_inode *inode)
{
	return ovl_remove(dir, name, inode, true);
}

static bool pure_upper(const struct ovl_inode *oi)
{
	return oi->upper && oi->nlowers == 0;
}

static int ovl_mkdir(struct vfs_inode *dir, const char *name, const struct vfs_new *n,
		     struct vfs_inode **ret)
{
	return ovl_create(dir, name, n, NULL, ret);
}

/* A pure upper directory moved into merged newdir must not merge with a
 * lower directory of its new name. */
static int opaque_if_merged(struct ovl_sb *osb, struct ovl_inode *moved, struct ovl_inode *newdir)
{
	if (!S_ISDIR(moved->vi.mode) || !ovl_is_merged(newdir) || ovl_is_opaque(osb, moved->upper))
		return 0;
	return set_opaque(osb, moved->upper);
}

static int ovl_rename(struct vfs_inode *olddir, const char *oldname, struct vfs_inode *inode,
		      struct vfs_inode *newdir, const char *newname, struct vfs_inode *target,
		      unsigned flags)
{
	struct ovl_inode *opi = OVL_I(olddir), *npi = OVL_I(newdir), *oi = OVL_I(inode);
	struct ovl_inode *ti = target ? OVL_I(target) : NULL;
	struct ovl_sb *osb = OVL_SB(olddir->sb);
	bool exchange = flags & RENAME_EXCHANGE;
	if (S_ISDIR(inode->mode) && !pure_upper(oi))
		return -EXDEV;
	if (exchange && ti && S_ISDIR(target->mode) && !pure_upper(ti))
		return -EXDEV;
	int r;
	bool empty, old_lower = false, wo = false;
	if (ti && !exchange && S_ISDIR(target->mode)) {
		if ((r = ovl_dir_is_empty(ti, &empty)) < 0)
			return r;
		if (!empty)
			return -ENOTEMPTY;
	}
	if (!exchange && (r = ovl_lower_positive(opi, oldname, &old_lower)) < 0)
		return r;
	if ((r = ovl_copy_up(oi)) < 0 || (r = ovl_copy_up(opi)) < 0 || (r = ovl_copy_up(npi)) < 0)
		return r;
	if (exchange && ti && (r = ovl_copy_up(ti)) < 0)
		return r;
	if (ti && !exchange && S_ISDIR(target->mode) && ti->upper &&
	    (r = ovl_clear_whiteouts(ti)) < 0)
		return r;
	if (!ti || !ti->upper) {
		if ((r = drop_whiteout(osb, npi, newname, &wo)) < 0)
			return r;
	}
	if ((r = opaque_if_merged(osb, oi, npi)) < 0 ||
	    (exchange && ti && (r = opaque_if_merged(osb, ti, opi)) < 0))
		return r;
	r = vfs_renameat2(ovl_ctx(osb, 0, 0), opi->upper, oldname, npi->upper, newname,
			  flags & (RENAME_NOREPLACE | RENAME_EXCHANGE));
	if (r < 0) {
		if (wo)
			make_whiteout(osb, npi, newname);
		return r;
	}
	if (old_lower && (r = make_whiteout(osb, opi, oldname)) < 0)
		return r;
	ovl_refresh(oi);
	if (ti)
		ovl_refresh(ti);
	return 0;
}

const struct vfs_inode_ops ovl_dir_iops = {
	.lookup = ovl_lookup,
	.mknod = ovl_mknod,
	.mkdir = ovl_mkdir,
	.symlink = ovl_symlink,
	.tmpfile = ovl_tmpfile,
	.link = ovl_link,
	.unlink = ovl_unlink,
	.rmdir = ovl_rmdir,
	.rename = ovl_rename,
	OVL_ATTR_OPS,
};
