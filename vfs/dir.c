/* Namespace changes: mkdir, mknod, symlink, link, unlink, rmdir, rename,
 * readlink, following Linux's fs/namei.c check order (filename_create,
 * may_create, may_delete, do_renameat2, vfs_rename).
 *
 * The filesystem changes its own state through ->mknod/->unlink/...; this
 * file then mirrors the change in the dentry tree (vfs_d_alloc,
 * vfs_d_delete, vfs_d_move), so the tree and the fs never disagree after a
 * successful call. linkat follows fs.protected_hardlinks (vfs_protected). */
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>

#include "vfs/vfs_private.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#define RENAME_EXCHANGE (1 << 1)
#define RENAME_WHITEOUT (1 << 2)
#endif

int vfs_may_create(const struct vfs_cred *c, struct vfs_dentry *dir)
{
	if (dir->flags & VFS_D_DEAD)
		return -ENOENT;
	return vfs_permission(c, dir->inode, MAY_WRITE | MAY_EXEC);
}

int vfs_create(struct vfs_dentry *parent, const char *name, unsigned len,
	       const struct vfs_new *n, const char *target, struct vfs_dentry **ret)
{
	char buf[NAME_MAX + 1];
	if (len > NAME_MAX) /* looked up before, which refused it */
		return -ENAMETOOLONG;
	memcpy(buf, name, len);
	buf[len] = '\0';
	struct vfs_inode *dir = parent->inode;
	struct vfs_inode *inode;
	int r;
	switch (n->mode & S_IFMT) {
	case S_IFDIR:
		r = dir->ops->mkdir ? dir->ops->mkdir(dir, buf, n, &inode) : -EPERM;
		break;
	case S_IFLNK:
		r = dir->ops->symlink ? dir->ops->symlink(dir, buf, target, n, &inode) : -EPERM;
		break;
	default:
		r = dir->ops->mknod ? dir->ops->mknod(dir, buf, n, &inode) : -EPERM;
		break;
	}
	if (r < 0)
		return r;
	return vfs_d_alloc(parent, name, len, inode, ret);
}

/* filename_create: walk to the parent, check the last name is creatable
 * and absent. nd->cur is the parent afterwards. */
static int filename_create_noperm(struct vfs_nameidata *nd, struct vfs_ctx *ctx,
				  struct vfs_file *dirf, const char *path, unsigned lflags,
				  bool want_dir)
{
	int r = vfs_walk_parent(nd, ctx, dirf, path, lflags);
	if (r < 0)
		return r;
	if (nd->last_type != LAST_NORM)
		return -EEXIST;
	struct vfs_dentry *d;
	r = vfs_lookup_last(nd, &d);
	if (r == 0) {
		vfs_dentry_put(d);
		return -EEXIST;
	}
	if (r != -ENOENT)
		return r;
	if (nd->trailing_slash && !want_dir)
		return -ENOENT;
	if (vfs_mnt_rdonly(nd->cur.mnt))
		return -EROFS;
	return 0;
}

/* ... and may_create, as vfs_mkdir/vfs_mknod/vfs_symlink start with it. */
static int filename_create(struct vfs_nameidata *nd, struct vfs_ctx *ctx, struct vfs_file *dirf,
			   const char *path, unsigned lflags, bool want_dir)
{
	int r = filename_create_noperm(nd, ctx, dirf, path, lflags, want_dir);
	return r < 0 ? r : vfs_may_create(nd->cred, nd->cur.dentry);
}

int vfs_mkdirat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, mode_t mode)
{
	struct vfs_nameidata nd;
	int r = filename_create(&nd, ctx, dirf, path, 0, true);
	if (r == 0) {
		struct vfs_new n;
		vfs_init_owner(&ctx->cred, nd.cur.dentry->inode,
			       S_IFDIR | (mode & ~ctx->umask & (0777 | S_ISVTX)), &n);
		struct vfs_dentry *d;
		r = vfs_create(nd.cur.dentry, nd.last, nd.last_len, &n, NULL, &d);
		if (r == 0)
			vfs_dentry_put(d);
	}
	vfs_nd_release(&nd);
	return r;
}

int vfs_mknodat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, mode_t mode,
		dev_t dev)
{
	switch (mode & S_IFMT) {
	case 0:
		mode |= S_IFREG;
		break;
	case S_IFREG:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	struct vfs_nameidata nd;
	int r = filename_create(&nd, ctx, dirf, path, 0, false);
	if (r < 0)
		goto out;
	bool whiteout = S_ISCHR(mode) && dev == 0;
	if ((S_ISCHR(mode) || S_ISBLK(mode)) && !whiteout &&
	    !vfs_capable(&ctx->cred, CAP_MKNOD)) {
		r = -EPERM;
		goto out;
	}
	struct vfs_new n;
	vfs_init_owner(&ctx->cred, nd.cur.dentry->inode,
		       (mode & S_IFMT) | (mode & ~ctx->umask & 07777), &n);
	if (S_ISCHR(mode) || S_ISBLK(mode))
		n.rdev = dev;
	struct vfs_dentry *d;
	r = vfs_create(nd.cur.dentry, nd.last, nd.last_len, &n, NULL, &d);
	if (r == 0)
		vfs_dentry_put(d);
out:
	vfs_nd_release(&nd);
	return r;
}

int vfs_symlinkat(struct vfs_ctx *ctx, const char *target, struct vfs_file *newdirf,
		  const char *linkpath)
{
	size_t tlen = strnlen(target, PATH_MAX);
	if (tlen >= PATH_MAX)
		return -ENAMETOOLONG;
	if (tlen == 0)
		return -ENOENT;
	struct vfs_nameidata nd;
	int r = filename_create(&nd, ctx, newdirf, linkpath, 0, false);
	if (r == 0) {
		struct vfs_new n;
		vfs_init_owner(&ctx->cred, nd.cur.dentry->inode, S_IFLNK | 0777, &n);
		n.mode = S_IFLNK | 0777;
		struct vfs_dentry *d;
		r = vfs_create(nd.cur.dentry, nd.last, nd.last_len, &n, target, &d);
		if (r == 0)
			vfs_dentry_put(d);
	}
	vfs_nd_release(&nd);
	return r;
}

ssize_t vfs_readlinkat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, char *buf,
		       size_t size)
{
	if ((ssize_t)size <= 0)
		return -EINVAL;
	struct vfs_path p;
	int r = vfs_walk(ctx, dirf, path, LOOKUP_EMPTY, &p);
	if (r < 0)
		return r;
	struct vfs_inode *inode = p.dentry->inode;
	ssize_t n;
	if (!S_ISLNK(inode->mode) || !inode->ops->readlink) {
		n = *path ? -EINVAL : -ENOENT;
	} else {
		n = inode->ops->readlink(inode, buf, size);
		if (n > (ssize_t)size)
			n = (ssize_t)size;
	}
	vfs_path_put(&p);
	return n;
}

/* may_delete for victim (dentry in dir), with the kind rules. */
static int may_delete(const struct vfs_cred *c, struct vfs_dentry *dir, struct vfs_dentry *victim,
		      bool isdir)
{
	int r = vfs_may_delete(c, dir->inode, victim->inode);
	if (r < 0)
		return r;
	if (isdir) {
		if (!S_ISDIR(victim->inode->mode))
			return -ENOTDIR;
		if (vfs_d_is_root(victim))
			return -EBUSY;
	} else if (S_ISDIR(victim->inode->mode)) {
		return -EISDIR;
	}
	if (dir->flags & VFS_D_DEAD)
		return -ENOENT;
	return 0;
}

static int do_rmdir(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path)
{
	struct vfs_nameidata nd;
	struct vfs_dentry *d = NULL;
	int r = vfs_walk_parent(&nd, ctx, dirf, path, 0);
	if (r < 0)
		goto out;
	switch (nd.last_type) {
	case LAST_DOTDOT:
		r = -ENOTEMPTY;
		goto out;
	case LAST_DOT:
		r = -EINVAL;
		goto out;
	case LAST_ROOT:
		r = -EBUSY;
		goto out;
	case LAST_NORM:
		break;
	}
	if (vfs_mnt_rdonly(nd.cur.mnt)) {
		r = -EROFS;
		goto out;
	}
	r = vfs_lookup_last(&nd, &d);
	if (r < 0)
		goto out;
	r = may_delete(&ctx->cred, nd.cur.dentry, d, true);
	if (r < 0)
		goto out;
	if (d->mounted) {
		r = -EBUSY;
		goto out;
	}
	if ((d->sb->flags & VFS_SB_PINNED) && vfs_d_has_children(d)) {
		r = -ENOTEMPTY;
		goto out;
	}
	struct vfs_inode *dir = nd.cur.dentry->inode;
	r = dir->ops->rmdir ? dir->ops->rmdir(dir, d->name, d->inode) : -EPERM;
	if (r == 0)
		vfs_d_delete(d);
out:
	if (d)
		vfs_dentry_put(d);
	vfs_nd_release(&nd);
	return r;
}

int vfs_unlinkat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, int flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	if (flags & AT_REMOVEDIR)
		return do_rmdir(ctx, dirf, path);
	struct vfs_nameidata nd;
	struct vfs_dentry *d = NULL;
	int r = vfs_walk_parent(&nd, ctx, dirf, path, 0);
	if (r < 0)
		goto out;
	if (nd.last_type != LAST_NORM) {
		r = -EISDIR;
		goto out;
	}
	if (vfs_mnt_rdonly(nd.cur.mnt)) {
		r = -EROFS;
		goto out;
	}
	r = vfs_lookup_last(&nd, &d);
	if (r < 0)
		goto out;
	if (nd.trailing_slash) {
		r = S_ISDIR(d->inode->mode) ? -EISDIR : -ENOTDIR;
		goto out;
	}
	r = may_delete(&ctx->cred, nd.cur.dentry, d, false);
	if (r < 0)
		goto out;
	if (d->mounted) {
		r = -EBUSY;
		goto out;
	}
	struct vfs_inode *dir = nd.cur.dentry->inode;
	r = dir->ops->unlink ? dir->ops->unlink(dir, d->name, d->inode) : -EPERM;
	if (r == 0)
		vfs_d_delete(d);
out:
	if (d)
		vfs_dentry_put(d);
	vfs_nd_release(&nd);
	return r;
}

/* safe_hardlink_source / may_linkat under fs.protected_hardlinks */
static int may_linkat(const struct vfs_cred *c, struct vfs_inode *inode)
{
	if (!vfs_protected.hardlinks)
		return 0;
	if (vfs_is_owner(c, inode) || vfs_capable_wrt(c, inode, CAP_FOWNER))
		return 0;
	if (S_ISREG(inode->mode) && !(inode->mode & S_ISUID) &&
	    (inode->mode & (S_ISGID | S_IXGRP)) != (S_ISGID | S_IXGRP) &&
	    vfs_permission(c, inode, MAY_READ | MAY_WRITE) == 0)
		return 0;
	return -EPERM;
}

int vfs_linkat(struct vfs_ctx *ctx, struct vfs_file *olddirf, const char *oldpath,
	       struct vfs_file *newdirf, const char *newpath, int flags)
{
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	unsigned lflags = 0;
	if (flags & AT_SYMLINK_FOLLOW)
		lflags |= LOOKUP_FOLLOW;
	if ((flags & AT_EMPTY_PATH) && vfs_capable(&ctx->cred, CAP_DAC_READ_SEARCH))
		lflags |= LOOKUP_EMPTY;
	struct vfs_path old;
	int r = vfs_walk(ctx, olddirf, oldpath, lflags, &old);
	if (r < 0)
		return r;
	struct vfs_nameidata nd;
	r = filename_create_noperm(&nd, ctx, newdirf, newpath, 0, false);
	if (r < 0)
		goto out;
	if (old.mnt != nd.cur.mnt) {
		r = -EXDEV;
		goto out;
	}
	struct vfs_inode *inode = old.dentry->inode;
	r = may_linkat(&ctx->cred, inode);
	if (r < 0)
		goto out;
	r = vfs_may_create(&ctx->cred, nd.cur.dentry);
	if (r < 0)
		goto out;
	struct vfs_inode *dir = nd.cur.dentry->inode;
	if (S_ISDIR(inode->mode) || !dir->ops->link) {
		r = -EPERM;
		goto out;
	}
	if (inode->nlink == 0 &&
	    !(olddirf && (olddirf->flags & 020000000 /* linkable O_TMPFILE */) && !*oldpath)) {
		r = -ENOENT;
		goto out;
	}
	char buf[NAME_MAX + 1];
	if (nd.last_len > NAME_MAX) { /* looked up before, which refused it */
		r = -ENAMETOOLONG;
		goto out;
	}
	memcpy(buf, nd.last, nd.last_len);
	buf[nd.last_len] = '\0';
	r = dir->ops->link(inode, dir, buf);
	if (r == 0) {
		struct vfs_dentry *d;
		r = vfs_d_alloc(nd.cur.dentry, nd.last, nd.last_len, vfs_inode_get(inode), &d);
		if (r == 0)
			vfs_dentry_put(d);
	}
out:
	vfs_nd_release(&nd);
	vfs_path_put(&old);
	return r;
}

int vfs_renameat2(struct vfs_ctx *ctx, struct vfs_file *olddirf, const char *oldpath,
		  struct vfs_file *newdirf, const char *newpath, unsigned flags)
{
	if (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)) && (flags & RENAME_EXCHANGE))
		return -EINVAL;
	if (flags & RENAME_WHITEOUT)
		return -EINVAL; /* overlay's business; not offered */
	struct vfs_nameidata ond, nnd;
	struct vfs_dentry *od = NULL, *ndn = NULL;
	memset(&nnd, 0, sizeof(nnd));
	int r = vfs_walk_parent(&ond, ctx, olddirf, oldpath, 0);
	if (r < 0)
		goto out_old;
	r = vfs_walk_parent(&nnd, ctx, newdirf, newpath, 0);
	if (r < 0)
		goto out;
	if (ond.cur.mnt != nnd.cur.mnt) {
		r = -EXDEV;
		goto out;
	}
	if (ond.last_type != LAST_NORM) {
		r = -EBUSY;
		goto out;
	}
	if (nnd.last_type != LAST_NORM) {
		r = (flags & RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
		goto out;
	}
	if (vfs_mnt_rdonly(ond.cur.mnt)) {
		r = -EROFS;
		goto out;
	}
	r = vfs_lookup_last(&ond, &od);
	if (r < 0)
		goto out;
	r = vfs_lookup_last(&nnd, &ndn);
	if (r < 0 && r != -ENOENT)
		goto out;
	r = 0;
	if ((flags & RENAME_NOREPLACE) && ndn) {
		r = -EEXIST;
		goto out;
	}
	if (flags & RENAME_EXCHANGE) {
		if (!ndn) {
			r = -ENOENT;
			goto out;
		}
		if (!S_ISDIR(ndn->inode->mode) && nnd.trailing_slash) {
			r = -ENOTDIR;
			goto out;
		}
	}
	bool is_dir = S_ISDIR(od->inode->mode);
	if (!is_dir) {
		if (ond.trailing_slash || (!(flags & RENAME_EXCHANGE) && nnd.trailing_slash)) {
			r = -ENOTDIR;
			goto out;
		}
	}
	struct vfs_dentry *opd = ond.cur.dentry, *npd = nnd.cur.dentry;
	if (opd != npd) {
		/* lock_rename's trap: a directory moved under itself */
		if (vfs_d_is_ancestor(od, npd)) {
			r = -EINVAL;
			goto out;
		}
		if (ndn && vfs_d_is_ancestor(ndn, opd)) {
			r = (flags & RENAME_EXCHANGE) ? -EINVAL : -ENOTEMPTY;
			goto out;
		}
	}
	/* vfs_rename */
	if (ndn && od->inode == ndn->inode)
		goto out; /* same file: nothing to do, success */
	const struct vfs_cred *c = &ctx->cred;
	r = may_delete(c, opd, od, is_dir);
	if (r < 0)
		goto out;
	bool new_is_dir = ndn && S_ISDIR(ndn->inode->mode);
	if (!ndn)
		r = vfs_may_create(c, npd);
	else
		r = may_delete(c, npd, ndn, (flags & RENAME_EXCHANGE) ? new_is_dir : is_dir);
	if (r < 0)
		goto out;
	struct vfs_inode *odir = opd->inode, *ndir = npd->inode;
	if (!odir->ops->rename) {
		r = -EPERM;
		goto out;
	}
	if (opd != npd) {
		if (is_dir && (r = vfs_permission(c, od->inode, MAY_WRITE)) < 0)
			goto out;
		if ((flags & RENAME_EXCHANGE) && new_is_dir &&
		    (r = vfs_permission(c, ndn->inode, MAY_WRITE)) < 0)
			goto out;
	}
	if (od->mounted || (ndn && ndn->mounted)) {
		r = -EBUSY;
		goto out;
	}
	if (!(flags & RENAME_EXCHANGE) && new_is_dir && (ndn->sb->flags & VFS_SB_PINNED) &&
	    vfs_d_has_children(ndn)) {
		r = -ENOTEMPTY;
		goto out;
	}
	char oname[NAME_MAX + 1], nname[NAME_MAX + 1];
	if (ond.last_len > NAME_MAX || nnd.last_len > NAME_MAX) { /* looked up before */
		r = -ENAMETOOLONG;
		goto out;
	}
	memcpy(oname, ond.last, ond.last_len);
	oname[ond.last_len] = '\0';
	memcpy(nname, nnd.last, nnd.last_len);
	nname[nnd.last_len] = '\0';
	r = odir->ops->rename(odir, oname, od->inode, ndir, nname, ndn ? ndn->inode : NULL, flags);
	if (r < 0)
		goto out;
	if (flags & RENAME_EXCHANGE) {
		vfs_d_exchange(od, ndn);
	} else {
		if (ndn)
			vfs_d_delete(ndn);
		if (vfs_d_move(od, npd, nnd.last, nnd.last_len) < 0) {
			/* Out of memory for the new name: the fs moved it, so
			 * forget this dentry; a cached fs finds it again. */
			vfs_d_delete(od);
			r = -ENOMEM;
		}
	}
out:
	if (ndn)
		vfs_dentry_put(ndn);
	if (od)
		vfs_dentry_put(od);
	vfs_nd_release(&nnd);
out_old:
	vfs_nd_release(&ond);
	return r;
}
