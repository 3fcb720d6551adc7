/* Attributes: stat, access, chmod, chown, utimes, truncate, statfs, as
 * Linux's fs/stat.c, fs/open.c, fs/attr.c and fs/utimes.c order their
 * checks (walk, EROFS, then ownership/permission).
 *
 * Every change goes through vfs_notify_change, which folds suid/sgid
 * killing into the mode, stamps ctime and calls the fs's ->setattr. No
 * state of its own. */
#include <linux/capability.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>

#include "vfs/vfs_private.h"

#ifndef ST_VALID
#define ST_VALID 0x0020
#endif

static struct statx_timestamp ts_to_stx(struct timespec t)
{
	struct statx_timestamp s = { .tv_sec = t.tv_sec, .tv_nsec = (uint32_t)t.tv_nsec };
	return s;
}

static int fill_statx(struct vfs_path *p, struct statx *st)
{
	struct vfs_inode *inode = p->dentry->inode;
	int r = vfs_refresh(inode);
	if (r < 0)
		return r;
	memset(st, 0, sizeof(*st));
	st->stx_mask = STATX_BASIC_STATS | STATX_BTIME;
	st->stx_blksize = 4096;
	st->stx_nlink = (uint32_t)inode->nlink;
	st->stx_uid = inode->uid;
	st->stx_gid = inode->gid;
	st->stx_mode = (uint16_t)inode->mode;
	st->stx_ino = inode->ino;
	st->stx_size = inode->size;
	st->stx_blocks = inode->blocks;
	st->stx_atime = ts_to_stx(inode->atime);
	st->stx_btime = ts_to_stx(inode->btime);
	st->stx_ctime = ts_to_stx(inode->ctime);
	st->stx_mtime = ts_to_stx(inode->mtime);
	st->stx_rdev_major = major(inode->rdev);
	st->stx_rdev_minor = minor(inode->rdev);
	dev_t dev = vfs_inode_dev(inode);
	st->stx_dev_major = major(dev);
	st->stx_dev_minor = minor(dev);
	if (p->dentry == p->mnt->root)
		st->stx_attributes |= STATX_ATTR_MOUNT_ROOT;
	st->stx_attributes_mask = STATX_ATTR_MOUNT_ROOT;
	return 0;
}

int vfs_statx(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, int flags,
	      unsigned mask, struct statx *ret)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	if (mask & STATX__RESERVED)
		return -EINVAL;
	struct vfs_path p;
	int r = vfs_walk(ctx, dirf, path, vfs_at_lookup_flags(flags), &p);
	if (r < 0)
		return r;
	r = fill_statx(&p, ret);
	vfs_path_put(&p);
	return r;
}

int vfs_fstatat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, struct stat *ret,
		int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH))
		return -EINVAL;
	struct statx sx;
	int r = vfs_statx(ctx, dirf, path, flags, STATX_BASIC_STATS, &sx);
	if (r < 0)
		return r;
	memset(ret, 0, sizeof(*ret));
	ret->st_dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
	ret->st_ino = sx.stx_ino;
	ret->st_mode = sx.stx_mode;
	ret->st_nlink = sx.stx_nlink;
	ret->st_uid = sx.stx_uid;
	ret->st_gid = sx.stx_gid;
	ret->st_rdev = makedev(sx.stx_rdev_major, sx.stx_rdev_minor);
	ret->st_size = (off_t)sx.stx_size;
	ret->st_blksize = sx.stx_blksize;
	ret->st_blocks = (blkcnt_t)sx.stx_blocks;
	ret->st_atim.tv_sec = sx.stx_atime.tv_sec;
	ret->st_atim.tv_nsec = sx.stx_atime.tv_nsec;
	ret->st_mtim.tv_sec = sx.stx_mtime.tv_sec;
	ret->st_mtim.tv_nsec = sx.stx_mtime.tv_nsec;
	ret->st_ctim.tv_sec = sx.stx_ctime.tv_sec;
	ret->st_ctim.tv_nsec = sx.stx_ctime.tv_nsec;
	return 0;
}

int vfs_faccessat2(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, int mode,
		   int flags)
{
	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	/* access() checks with the real ids; a non-root real uid has no
	 * capabilities for it (the kernel's access_override_creds). */
	struct vfs_ctx actx = *ctx;
	if (!(flags & AT_EACCESS)) {
		actx.cred.euid = ctx->cred.ruid;
		actx.cred.egid = ctx->cred.rgid;
		actx.cred.caps = ctx->cred.ruid != 0 ? 0 : ctx->cred.caps_permitted;
	}
	struct vfs_path p;
	int r = vfs_walk(&actx, dirf, path, vfs_at_lookup_flags(flags), &p);
	if (r < 0)
		return r;
	struct vfs_inode *inode = p.dentry->inode;
	r = vfs_refresh(inode);
	if (r < 0)
		goto out;
	if ((mode & X_OK) && S_ISREG(inode->mode) && (p.mnt->flags & MS_NOEXEC)) {
		r = -EACCES;
		goto out;
	}
	r = vfs_permission(&actx.cred, inode, mode);
	if (r < 0 || !(mode & W_OK))
		goto out;
	if (S_ISREG(inode->mode) || S_ISDIR(inode->mode) || S_ISLNK(inode->mode))
		if (vfs_mnt_rdonly(p.mnt))
			r = -EROFS;
out:
	vfs_path_put(&p);
	return r;
}

int vfs_kill_suid(const struct vfs_cred *c, struct vfs_inode *inode, struct vfs_iattr *attr)
{
	mode_t mode = inode->mode;
	if (!S_ISREG(mode) || vfs_capable(c, CAP_FSETID))
		return 0;
	/* setattr_should_drop_suidgid (6.x): S_ISUID always; S_ISGID with
	 * group-exec, or without it when the writer is not in the file's
	 * group (older kernels kept that one: mandatory locking's mark). */
	mode_t kill = mode & S_ISUID;
	if ((mode & S_ISGID) && ((mode & S_IXGRP) || !vfs_in_group(c, inode->gid)))
		kill |= S_ISGID;
	if (!kill)
		return 0;
	if (!(attr->valid & VFS_ATTR_MODE)) {
		attr->valid |= VFS_ATTR_MODE;
		attr->mode = mode;
	}
	attr->mode &= ~kill;
	return 1;
}

int vfs_notify_change(struct vfs_inode *inode, struct vfs_iattr *attr)
{
	if (!inode->ops->setattr)
		return -EPERM;
	if ((attr->valid & (VFS_ATTR_MODE | VFS_ATTR_UID | VFS_ATTR_GID)) &&
	    (inode->flags & (VFS_I_IMMUTABLE | VFS_I_APPEND)))
		return -EPERM;
	if (!(attr->valid & VFS_ATTR_CTIME)) {
		attr->valid |= VFS_ATTR_CTIME;
		attr->ctime = vfs_now();
	}
	return inode->ops->setattr(inode, attr);
}

int vfs_do_truncate(const struct vfs_cred *c, struct vfs_inode *inode, uint64_t len)
{
	struct vfs_iattr a = { .valid = VFS_ATTR_SIZE | VFS_ATTR_MTIME, .size = len };
	a.mtime = vfs_now();
	vfs_kill_suid(c, inode, &a);
	return vfs_notify_change(inode, &a);
}

static int walk_writable(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path,
			 int flags, struct vfs_path *p)
{
	int r = vfs_walk(ctx, dirf, path, vfs_at_lookup_flags(flags), p);
	if (r < 0)
		return r;
	r = vfs_refresh_perms(p->dentry->inode);
	if (r == 0 && vfs_mnt_rdonly(p->mnt))
		r = -EROFS;
	if (r < 0)
		vfs_path_put(p);
	return r;
}

int vfs_fchmodat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, mode_t mode,
		 int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct vfs_path p;
	int r = walk_writable(ctx, dirf, path, flags, &p);
	if (r < 0)
		return r;
	struct vfs_inode *inode = p.dentry->inode;
	if (S_ISLNK(inode->mode)) {
		r = -EOPNOTSUPP;
		goto out;
	}
	if (!vfs_is_owner(&ctx->cred, inode) && !vfs_capable_wrt(&ctx->cred, inode, CAP_FOWNER)) {
		r = -EPERM;
		goto out;
	}
	struct vfs_iattr a = { .valid = VFS_ATTR_MODE };
	a.mode = (mode & 07777) | (inode->mode & S_IFMT);
	if (!vfs_in_group(&ctx->cred, inode->gid) && !vfs_capable_wrt(&ctx->cred, inode, CAP_FSETID))
		a.mode &= ~S_ISGID;
	r = vfs_notify_change(inode, &a);
out:
	vfs_path_put(&p);
	return r;
}

int vfs_file_may_set_flags(struct vfs_ctx *ctx, struct vfs_file *f)
{
	struct vfs_inode *inode = f->inode;
	int r = vfs_refresh_perms(inode);
	if (r < 0)
		return r;
	if (vfs_mnt_rdonly(f->path.mnt))
		return -EROFS;
	if (!vfs_is_owner(&ctx->cred, inode) && !vfs_capable_wrt(&ctx->cred, inode, CAP_FOWNER))
		return -EPERM;
	/* Not through an fd on another filesystem's object: an overlay's
	 * file before copy-up is its lower layer's, which the kernel would
	 * copy up first. */
	if (inode->sb->flags & VFS_SB_STACKED)
		return -EOPNOTSUPP;
	return 0;
}

int vfs_file_get_fsflags(struct vfs_file *f, unsigned *flags)
{
	if (!f->inode->ops->get_fsflags)
		return -EOPNOTSUPP;
	return f->inode->ops->get_fsflags(f->inode, flags);
}

bool vfs_file_keeps_fsflags(const struct vfs_file *f)
{
	return f->inode->ops->get_fsflags != NULL;
}

int vfs_file_set_fsflags(struct vfs_ctx *ctx, struct vfs_file *f, unsigned flags)
{
	struct vfs_inode *inode = f->inode;
	int r = vfs_file_may_set_flags(ctx, f);
	if (r < 0)
		return r;
	if (!inode->ops->set_fsflags || !inode->ops->get_fsflags)
		return -EOPNOTSUPP;
	unsigned old;
	r = inode->ops->get_fsflags(inode, &old);
	if (r < 0)
		return r;
	if (((old ^ flags) & (VFS_FL_APPEND | VFS_FL_IMMUTABLE)) &&
	    !vfs_capable_wrt(&ctx->cred, inode, CAP_LINUX_IMMUTABLE))
		return -EPERM;
	r = inode->ops->set_fsflags(inode, flags);
	if (r == 0)
		inode->ctime = vfs_now();
	return r;
}

int vfs_fchownat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, uid_t uid,
		 gid_t gid, int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct vfs_path p;
	int r = walk_writable(ctx, dirf, path, flags, &p);
	if (r < 0)
		return r;
	struct vfs_inode *inode = p.dentry->inode;
	const struct vfs_cred *c = &ctx->cred;
	struct vfs_iattr a = { 0 };
	if (uid != (uid_t)-1) {
		a.valid |= VFS_ATTR_UID;
		a.uid = uid;
		if (!(vfs_is_owner(c, inode) && uid == inode->uid) &&
		    !vfs_capable_wrt(c, inode, CAP_CHOWN)) {
			r = -EPERM;
			goto out;
		}
	}
	if (gid != (gid_t)-1) {
		a.valid |= VFS_ATTR_GID;
		a.gid = gid;
		if (!(vfs_is_owner(c, inode) && (gid == inode->gid || vfs_in_group(c, gid))) &&
		    !vfs_capable_wrt(c, inode, CAP_CHOWN)) {
			r = -EPERM;
			goto out;
		}
	}
	if (!S_ISDIR(inode->mode)) {
		/* chown_common: suid always goes; sgid goes with group exec,
		 * or when the caller could not have set it. */
		mode_t m = inode->mode;
		gid_t ngid = (a.valid & VFS_ATTR_GID) ? a.gid : inode->gid;
		mode_t nm = m & ~S_ISUID;
		if ((m & S_ISGID) &&
		    ((m & S_IXGRP) || (!vfs_in_group(c, ngid) && !vfs_capable_wrt(c, inode, CAP_FSETID))))
			nm &= ~S_ISGID;
		if (nm != m) {
			/* setattr_prepare checks the implied mode change too */
			if (!vfs_is_owner(c, inode) && !vfs_capable_wrt(c, inode, CAP_FOWNER)) {
				r = -EPERM;
				goto out;
			}
			a.valid |= VFS_ATTR_MODE;
			a.mode = nm;
		}
	}
	r = vfs_notify_change(inode, &a);
out:
	vfs_path_put(&p);
	return r;
}

static bool nsec_valid(long nsec)
{
	if (nsec == UTIME_OMIT || nsec == UTIME_NOW)
		return true;
	return nsec >= 0 && nsec <= 999999999;
}

int vfs_utimensat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path,
		  const struct timespec times[2], int flags)
{
	if (times && times[0].tv_nsec == UTIME_OMIT && times[1].tv_nsec == UTIME_OMIT)
		return 0;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct vfs_path p;
	int r = vfs_walk(ctx, dirf, path, vfs_at_lookup_flags(flags), &p);
	if (r < 0)
		return r;
	struct vfs_inode *inode = p.dentry->inode;
	if (times && (!nsec_valid(times[0].tv_nsec) || !nsec_valid(times[1].tv_nsec))) {
		r = -EINVAL;
		goto out;
	}
	if (times && times[0].tv_nsec == UTIME_NOW && times[1].tv_nsec == UTIME_NOW)
		times = NULL;
	if (vfs_mnt_rdonly(p.mnt)) {
		r = -EROFS;
		goto out;
	}
	r = vfs_refresh_perms(inode);
	if (r < 0)
		goto out;
	const struct vfs_cred *c = &ctx->cred;
	/* notify_change: explicit times neither on an append-only nor an
	 * immutable file, the current time not on an immutable one */
	if (inode->flags & (times ? VFS_I_IMMUTABLE | VFS_I_APPEND : VFS_I_IMMUTABLE)) {
		r = -EPERM;
		goto out;
	}
	bool owner = vfs_is_owner(c, inode) || vfs_capable_wrt(c, inode, CAP_FOWNER);
	if (times && !owner) {
		r = -EPERM;
		goto out;
	}
	if (!times && !owner) {
		r = vfs_permission(c, inode, MAY_WRITE);
		if (r < 0)
			goto out;
	}
	struct timespec now = vfs_now();
	struct vfs_iattr a = { .valid = VFS_ATTR_ATIME | VFS_ATTR_MTIME | VFS_ATTR_CTIME };
	a.atime = a.mtime = a.ctime = now;
	if (times) {
		if (times[0].tv_nsec == UTIME_OMIT)
			a.valid &= ~VFS_ATTR_ATIME;
		else if (times[0].tv_nsec != UTIME_NOW)
			a.atime = times[0];
		if (times[1].tv_nsec == UTIME_OMIT)
			a.valid &= ~VFS_ATTR_MTIME;
		else if (times[1].tv_nsec != UTIME_NOW)
			a.mtime = times[1];
	}
	r = vfs_notify_change(inode, &a);
out:
	vfs_path_put(&p);
	return r;
}

static int truncate_checked(struct vfs_ctx *ctx, struct vfs_inode *inode, off_t length)
{
	if (ctx->fsize_limited && (uint64_t)length > inode->size &&
	    (uint64_t)length > ctx->fsize_max) {
		ctx->fsize_hit = true;
		return -EFBIG;
	}
	return vfs_do_truncate(&ctx->cred, inode, (uint64_t)length);
}

int vfs_truncate(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, off_t length)
{
	if (length < 0)
		return -EINVAL;
	struct vfs_path p;
	int r = vfs_walk(ctx, dirf, path, LOOKUP_FOLLOW, &p);
	if (r < 0)
		return r;
	struct vfs_inode *inode = p.dentry->inode;
	if (S_ISDIR(inode->mode))
		r = -EISDIR;
	else if (!S_ISREG(inode->mode))
		r = -EINVAL;
	else if (vfs_mnt_rdonly(p.mnt))
		r = -EROFS;
	else if ((r = vfs_refresh(inode)) == 0 &&
		 (r = vfs_permission(&ctx->cred, inode, MAY_WRITE)) == 0 &&
		 (r = (inode->flags & VFS_I_APPEND) ? -EPERM : 0) == 0 &&
		 (r = vfs_get_write_access(inode)) == 0)
		r = truncate_checked(ctx, inode, length);
	vfs_path_put(&p);
	return r;
}

int vfs_ftruncate(struct vfs_ctx *ctx, struct vfs_file *f, off_t length)
{
	return vfs_ftruncate_as(ctx, f, f->flags & (O_ACCMODE | O_PATH), length);
}

int vfs_ftruncate_as(struct vfs_ctx *ctx, struct vfs_file *f, int how, off_t length)
{
	if (length < 0)
		return -EINVAL;
	if (how & O_PATH)
		return -EBADF;
	int acc = how & O_ACCMODE;
	if (!S_ISREG(f->inode->mode) || (acc != O_WRONLY && acc != O_RDWR))
		return -EINVAL;
	if (f->inode->flags & VFS_I_APPEND)
		return -EPERM;
	/* No walk here: a new generation, or a refresh made by the last
	 * walk (before the program's native writes since) would count */
	vfs_walk_gen++;
	int r = vfs_refresh(f->inode);
	if (r < 0)
		return r;
	return truncate_checked(ctx, f->inode, length);
}

int vfs_statfs(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, struct statfs *ret)
{
	struct vfs_path p;
	/* "" under a file is the file itself: fstatfs. */
	int r = vfs_walk(ctx, dirf, path, LOOKUP_FOLLOW | (dirf && !path[0] ? LOOKUP_EMPTY : 0),
			 &p);
	if (r < 0)
		return r;
	memset(ret, 0, sizeof(*ret));
	struct vfs_sb *sb = p.mnt->sb;
	r = sb->ops->statfs(sb, ret);
	if (r == 0) {
		ret->f_type = (__fsword_t)sb->magic;
		unsigned long mf = p.mnt->flags;
		/* The fs may report its own (host) flags; add the mount's. */
		ret->f_flags |= ST_VALID; /* 0x20, as Linux reports */
		if (vfs_mnt_rdonly(p.mnt))
			ret->f_flags |= ST_RDONLY;
		if (mf & MS_NOSUID)
			ret->f_flags |= ST_NOSUID;
		if (mf & MS_NODEV)
			ret->f_flags |= ST_NODEV;
		if (mf & MS_NOEXEC)
			ret->f_flags |= ST_NOEXEC;
		if (mf & MS_NOATIME)
			ret->f_flags |= ST_NOATIME;
		if (mf & MS_NODIRATIME)
			ret->f_flags |= ST_NODIRATIME;
		if (mf & MS_RELATIME)
			ret->f_flags |= ST_RELATIME;
	}
	vfs_path_put(&p);
	return r;
}
