/* Lookup across layers (Linux's namei.c): the upper first, then each lower
 * directory merged below, top first. A whiteout ends the search as
 * absent; a non-directory ends it (nothing below a file shows); an opaque
 * directory ends it after itself; a non-directory below a directory is
 * ignored and ends it. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fs/overlay/ovl_private.h"

static ssize_t real_getxattr(struct vfs_file *f, const char *name, char *buf, size_t size)
{
	struct vfs_inode *ri = vfs_file_inode(f);
	return ri->ops->getxattr ? ri->ops->getxattr(ri, name, buf, size) : -EOPNOTSUPP;
}

bool ovl_is_opaque(struct ovl_sb *osb, struct vfs_file *dir)
{
	char v[4];
	return real_getxattr(dir, osb->opaque_x, v, sizeof(v)) == 1 && v[0] == 'y';
}

bool ovl_has_xwhiteouts(struct ovl_sb *osb, struct vfs_file *dir)
{
	char v[4];
	return real_getxattr(dir, osb->opaque_x, v, sizeof(v)) == 1 && v[0] == 'x';
}

/* An xwhiteout: a zero-size regular file with <prefix>whiteout in a
 * directory marked <prefix>opaque="x". */
static bool is_xwhiteout(struct ovl_sb *osb, struct vfs_file *dir, struct vfs_file *f)
{
	struct vfs_inode *ri = vfs_file_inode(f);
	if (!S_ISREG(ri->mode) || ri->size != 0 || !ovl_has_xwhiteouts(osb, dir))
		return false;
	return real_getxattr(f, osb->whiteout_x, NULL, 0) >= 0;
}

int ovl_real_lookup(struct ovl_sb *osb, struct vfs_file *dir, const char *name,
		    struct vfs_file **ret, bool *whiteout)
{
	*ret = NULL;
	*whiteout = false;
	struct vfs_file *f;
	int r = vfs_openat(ovl_ctx(osb, 0, 0), dir, name, O_PATH | O_NOFOLLOW, 0, &f);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	struct vfs_inode *ri = vfs_file_inode(f);
	if (ri->ops->getattr && (r = ri->ops->getattr(ri)) < 0) {
		vfs_file_put(f);
		return r;
	}
	if ((S_ISCHR(ri->mode) && ri->rdev == 0) || is_xwhiteout(osb, dir, f)) {
		vfs_file_put(f);
		*whiteout = true;
		return 0;
	}
	*ret = f;
	return 0;
}

int ovl_lower_positive(struct ovl_inode *dir, const char *name, bool *ret)
{
	struct ovl_sb *osb = OVL_SB(dir->vi.sb);
	*ret = false;
	for (int i = 0; i < dir->nlowers; i++) {
		struct vfs_file *f;
		bool wo;
		int r = ovl_real_lookup(osb, dir->lowers[i], name, &f, &wo);
		if (r < 0)
			return r;
		if (wo)
			return 0;
		if (f) {
			vfs_file_put(f);
			*ret = true;
			return 0;
		}
	}
	return 0;
}

/* Which layer a lower directory of dir belongs to (for its pseudo
 * device): the layer whose instance it lives on. */
static dev_t lower_dev(struct ovl_sb *osb, struct vfs_file *f)
{
	struct vfs_sb *s = vfs_file_inode(f)->sb;
	for (int i = 0; i < osb->nlower; i++)
		if (vfs_file_inode(osb->lower[i].root)->sb == s)
			return osb->lower[i].pseudo_dev;
	return osb->vsb.dev;
}

int ovl_lookup(struct vfs_inode *dir, const char *name, struct vfs_inode **ret)
{
	struct ovl_inode *pi = OVL_I(dir);
	struct ovl_sb *osb = OVL_SB(dir->sb);
	struct vfs_file *upper = NULL, *lower = NULL, *f;
	struct vfs_file **lowers = NULL;
	int nl = 0, r = 0;
	bool stop = false, wo;
	if (pi->upper) {
		r = ovl_real_lookup(osb, pi->upper, name, &upper, &wo);
		if (r < 0)
			return r;
		if (wo)
			return -ENOENT;
		if (upper && (!S_ISDIR(vfs_file_inode(upper)->mode) || ovl_is_opaque(osb, upper)))
			stop = true;
	}
	if (!stop && pi->nlowers) {
		lowers = calloc((size_t)pi->nlowers, sizeof(*lowers));
		if (!lowers) {
			r = -ENOMEM;
			goto fail;
		}
	}
	for (int i = 0; !stop && i < pi->nlowers; i++) {
		r = ovl_real_lookup(osb, pi->lowers[i], name, &f, &wo);
		if (r < 0)
			goto fail;
		if (wo)
			break;
		if (!f)
			continue;
		bool isdir = S_ISDIR(vfs_file_inode(f)->mode);
		if (!isdir) {
			if (!upper && !nl)
				lower = f;
			else
				vfs_file_put(f);
			break;
		}
		if (upper && !S_ISDIR(vfs_file_inode(upper)->mode)) {
			vfs_file_put(f);
			break;
		}
		lowers[nl++] = f;
		if (ovl_is_opaque(osb, f))
			break;
	}
	if (!upper && !lower && !nl) {
		free(lowers);
		return -ENOENT;
	}
	if (!nl) {
		free(lowers);
		lowers = NULL;
	}
	dev_t dev = 0;
	uint64_t ino = 0;
	if (upper) {
		struct vfs_inode *ri = vfs_file_inode(upper);
		if (!ovl_origin_get(osb, ri, &dev, &ino)) {
			dev = osb->upper.pseudo_dev;
			ino = ri->ino;
		}
	} else if (lower) {
		dev = lower_dev(osb, lower);
		ino = vfs_file_inode(lower)->ino;
	}
	return ovl_new_inode(osb, upper, lower, lowers, nl, dev, ino, pi, name, ret);
fail:
	vfs_file_put(upper);
	vfs_file_put(lower);
	for (int i = 0; i < nl; i++)
		vfs_file_put(lowers[i]);
	free(lowers);
	return r;
}
