/* Open files: openat2 and its checks (Linux's fs/namei.c path_openat,
 * open_last_lookups, do_open, may_open), file lifetime, the host fd,
 * directory iteration.
 *
 * Ownership: a file holds its location (mount + dentry references) and,
 * through ->open, whatever the fs put in host_fd/private; the last
 * vfs_file_put runs ->release and drops the location. An unlinked file
 * stays usable: its dentry (dead) keeps the inode. */
#include <limits.h>
#include <linux/capability.h>
#include <dirent.h>
#include <stddef.h>
#include <unistd.h>

#include "vfs/vfs_private.h"

/* glibc's __O_TMPFILE includes O_DIRECTORY; the kernel's bit alone: */
#undef __O_TMPFILE
#define __O_TMPFILE 020000000

#define VALID_OPEN_FLAGS                                                                       \
	(O_RDONLY | O_WRONLY | O_RDWR | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |      \
	 O_NDELAY | O_NONBLOCK | O_SYNC | O_DSYNC | FASYNC | O_DIRECT | O_LARGEFILE |        \
	 O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_PATH | __O_TMPFILE)
#define VALID_RESOLVE_FLAGS                                                                    \
	(RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH |     \
	 RESOLVE_IN_ROOT | RESOLVE_CACHED)
#define O_PATH_FLAGS (O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC)

int vfs_file_alloc(const struct vfs_path *path, int flags, struct vfs_file **ret)
{
	struct vfs_file *f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->refs = 1;
	vfs_live.files++;
	f->path = *path;
	vfs_path_get(&f->path);
	f->inode = path->dentry->inode;
	f->flags = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC);
	/* A foreign object's open (fs_ops.h) applies O_TRUNC itself. */
	if (f->inode->flags & VFS_I_FOREIGN)
		f->flags |= flags & O_TRUNC;
	f->host_fd = -1;
	*ret = f;
	return 0;
}

struct vfs_file *vfs_file_get(struct vfs_file *f)
{
	f->refs++;
	return f;
}

void vfs_file_put(struct vfs_file *f)
{
	if (!f || --f->refs > 0)
		return;
	if (!(f->flags & O_PATH) && f->inode->fops && f->inode->fops->release)
		f->inode->fops->release(f);
	else if (f->host_fd >= 0)
		close(f->host_fd);
	vfs_path_put(&f->path);
	free(f);
	vfs_live.files--;
}

int vfs_file_host_fd(const struct vfs_file *f)
{
	if (f->flags & O_PATH)
		return -EBADF;
	if (S_ISDIR(f->inode->mode))
		return -EISDIR;
	if (f->host_fd < 0)
		return -ENXIO;
	return f->host_fd;
}

int vfs_file_take_host_fd(struct vfs_file *f)
{
	int fd = vfs_file_host_fd(f);
	if (fd < 0)
		return fd;
	if (f->inode->fops && f->inode->fops->take_host_fd)
		return f->inode->fops->take_host_fd(f);
	f->host_fd = -1;
	return fd;
}

const struct vfs_path *vfs_file_path(const struct vfs_file *f)
{
	return &f->path;
}

int vfs_file_host_object(const struct vfs_file *f)
{
	if (!f->inode->ops->host_object)
		return -EOPNOTSUPP;
	return f->inode->ops->host_object(f->inode);
}

int vfs_file_fifo_node(const struct vfs_file *f)
{
	if (!S_ISFIFO(f->inode->mode))
		return -EINVAL;
	if (!f->inode->ops->fifo_node)
		return -EOPNOTSUPP;
	return f->inode->ops->fifo_node(f->inode);
}

struct vfs_inode *vfs_file_inode(const struct vfs_file *f)
{
	return f->inode;
}

mode_t vfs_file_type(const struct vfs_file *f)
{
	return f->inode->mode & S_IFMT;
}

int vfs_file_flags(const struct vfs_file *f)
{
	return f->flags;
}

static int acc_mode_of(int flags)
{
	static const int acc[4] = { MAY_READ, MAY_WRITE, MAY_READ | MAY_WRITE,
				    MAY_READ | MAY_WRITE };
	return acc[flags & O_ACCMODE];
}

/* may_open: kind rules, permission, O_NOATIME. */
static int may_open(const struct vfs_cred *c, const struct vfs_path *p, int acc, int flags)
{
	struct vfs_inode *inode = p->dentry->inode;
	switch (inode->mode & S_IFMT) {
	case S_IFLNK:
		return -ELOOP;
	case S_IFDIR:
		if (acc & MAY_WRITE)
			return -EISDIR;
		if (acc & MAY_EXEC)
			return -EACCES;
		break;
	case S_IFBLK:
	case S_IFCHR:
		/* (a foreign object is on no mount of ours) */
		if ((p->mnt->flags & MS_NODEV) && !(inode->flags & VFS_I_FOREIGN))
			return -EACCES;
		/* fallthrough */
	case S_IFIFO:
	case S_IFSOCK:
		if (acc & MAY_EXEC)
			return -EACCES;
		break;
	case S_IFREG:
		if ((acc & MAY_EXEC) && (p->mnt->flags & MS_NOEXEC))
			return -EACCES;
		break;
	default:
		break;
	}
	int r = vfs_permission(c, inode, acc);
	if (r < 0)
		return r;
	if ((flags & O_NOATIME) && !vfs_is_owner(c, inode) && !vfs_capable_wrt(c, inode, CAP_FOWNER))
		return -EPERM;
	return 0;
}

int vfs_path_open(const struct vfs_path *p, int flags, struct vfs_file **ret)
{
	if (!(flags & O_PATH) && (S_ISSOCK(p->dentry->inode->mode) ||
				  S_ISCHR(p->dentry->inode->mode) || S_ISBLK(p->dentry->inode->mode)))
		return -ENXIO;
	struct vfs_file *f;
	int r = vfs_file_alloc(p, flags, &f);
	if (r < 0)
		return r;
	struct vfs_inode *inode = p->dentry->inode;
	if (!(flags & O_PATH) && inode->fops && inode->fops->open) {
		r = inode->fops->open(f);
		if (r < 0) {
			f->flags |= O_PATH; /* no ->release for a failed open */
			vfs_file_put(f);
			return r;
		}
	}
	*ret = f;
	return 0;
}

/* vfs_open: the fs part, and EROFS for a write open of a file that is not
 * special (as mnt_get_write_access does after the permission checks). */
static int do_dentry_open(const struct vfs_path *p, int flags, struct vfs_file **ret)
{
	struct vfs_inode *inode = p->dentry->inode;
	int acc = flags & O_ACCMODE;
	/* A foreign object is no file of the mount it was reached through. */
	bool special = S_ISCHR(inode->mode) || S_ISBLK(inode->mode) || S_ISFIFO(inode->mode) ||
		       S_ISSOCK(inode->mode) || (inode->flags & VFS_I_FOREIGN);
	bool rdonly = (inode->flags & VFS_I_HOST_WRITE) ? (p->mnt->flags & MS_RDONLY) != 0
							 : vfs_mnt_rdonly(p->mnt);
	if (!(flags & O_PATH) && (acc == O_WRONLY || acc == O_RDWR) && !special && rdonly)
		return -EROFS;
	return vfs_path_open(p, flags, ret);
}

static int do_tmpfile(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path,
		      unsigned lflags, int flags, mode_t mode, struct vfs_file **ret)
{
	struct vfs_path dir;
	int r = vfs_walk(ctx, dirf, path, lflags | LOOKUP_DIRECTORY, &dir);
	if (r < 0)
		return r;
	struct vfs_inode *di = dir.dentry->inode;
	struct vfs_inode *inode = NULL;
	struct vfs_dentry *d = NULL;
	if (vfs_mnt_rdonly(dir.mnt)) {
		r = -EROFS;
		goto out;
	}
	r = vfs_may_create(&ctx->cred, dir.dentry);
	if (r < 0)
		goto out;
	if (!di->ops->tmpfile) {
		r = -EOPNOTSUPP;
		goto out;
	}
	struct vfs_new n;
	vfs_init_owner(&ctx->cred, di, S_IFREG | (mode & ~ctx->umask & 07777), &n);
	r = di->ops->tmpfile(di, &n, &inode);
	if (r < 0)
		goto out;
	/* An unnamed dentry, dead from birth: only the file reaches it. */
	char name[32];
	int len = snprintf(name, sizeof(name), "#%llu", (unsigned long long)inode->ino);
	r = vfs_d_alloc(dir.dentry, name, (unsigned)len, inode, &d);
	if (r < 0)
		goto out;
	vfs_d_delete(d);
	struct vfs_path p = { dir.mnt, d };
	r = do_dentry_open(&p, flags & ~__O_TMPFILE & ~O_DIRECTORY, ret);
	if (r == 0 && !(flags & O_EXCL))
		(*ret)->flags |= __O_TMPFILE; /* linkable */
	vfs_dentry_put(d);
out:
	vfs_path_put(&dir);
	return r;
}

int vfs_openat2(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path,
		const struct open_how *how, struct vfs_file **ret)
{
	uint64_t flags64 = how->flags;
	if (flags64 & ~(uint64_t)VALID_OPEN_FLAGS)
		return -EINVAL;
	int flags = (int)flags64;
	if (how->resolve & ~(uint64_t)VALID_RESOLVE_FLAGS)
		return -EINVAL;
	if ((how->resolve & RESOLVE_BENEATH) && (how->resolve & RESOLVE_IN_ROOT))
		return -EINVAL;
	bool will_create = (flags & O_CREAT) || (flags & __O_TMPFILE);
	if (will_create) {
		if (how->mode & ~(uint64_t)07777)
			return -EINVAL;
	} else if (how->mode) {
		return -EINVAL;
	}
	if ((flags & O_CREAT) && (flags & O_DIRECTORY))
		return -EINVAL;
	int acc = acc_mode_of(flags);
	if (flags & __O_TMPFILE) {
		if ((flags & (O_TMPFILE | O_CREAT)) != O_TMPFILE)
			return -EINVAL;
		if (!(acc & MAY_WRITE))
			return -EINVAL;
	}
	if (flags & O_PATH) {
		if (flags & ~O_PATH_FLAGS)
			return -EINVAL;
		acc = 0;
	}
	if (flags & O_TRUNC)
		acc |= MAY_WRITE;
	if (how->resolve & RESOLVE_CACHED) {
		if (flags & (O_TRUNC | O_CREAT | __O_TMPFILE))
			return -EAGAIN;
		/* Everything is "cached" here; treat as a plain walk. */
	}
	if (flags & O_CREAT && flags & O_EXCL)
		flags |= O_NOFOLLOW;

	unsigned lflags = 0;
	if (flags & O_DIRECTORY)
		lflags |= LOOKUP_DIRECTORY;
	if (!(flags & O_NOFOLLOW))
		lflags |= LOOKUP_FOLLOW;
	if (how->resolve & RESOLVE_BENEATH)
		lflags |= LOOKUP_BENEATH;
	if (how->resolve & RESOLVE_IN_ROOT)
		lflags |= LOOKUP_IN_ROOT;
	if (how->resolve & RESOLVE_NO_SYMLINKS)
		lflags |= LOOKUP_NO_SYMLINKS;
	if (how->resolve & RESOLVE_NO_MAGICLINKS)
		lflags |= LOOKUP_NO_MAGICLINKS;
	if (how->resolve & RESOLVE_NO_XDEV)
		lflags |= LOOKUP_NO_XDEV;

	if (flags & __O_TMPFILE)
		return do_tmpfile(ctx, dirf, path, lflags, flags, (mode_t)how->mode, ret);
	if (flags & O_PATH) {
		struct vfs_path p;
		int r = vfs_walk(ctx, dirf, path, lflags, &p);
		if (r < 0)
			return r;
		r = do_dentry_open(&p, flags, ret);
		vfs_path_put(&p);
		return r;
	}

	struct vfs_nameidata nd;
	struct vfs_path p = { 0 };
	bool created = false;
	mode_t dir_mode = 0; /* the parent of an existing O_CREAT target */
	uid_t dir_uid = 0;
	int r = vfs_walk_parent(&nd, ctx, dirf, path, lflags);
	if (r < 0)
		goto out_nd;
	if (!(flags & O_CREAT)) {
		r = vfs_walk_last(&nd, &p);
		if (r < 0)
			goto out_nd;
	} else {
		/* open_last_lookups, create side: loop over trailing symlinks */
		for (;;) {
			if (nd.last_type != LAST_NORM) {
				r = vfs_walk_last(&nd, &p);
				if (r < 0)
					goto out_nd;
				break;
			}
			if (nd.trailing_slash) {
				r = -EISDIR;
				goto out_nd;
			}
			struct vfs_dentry *d;
			r = vfs_lookup_last(&nd, &d);
			if (r == -ENOENT) {
				if (vfs_mnt_rdonly(nd.cur.mnt)) {
					r = -EROFS;
					goto out_nd;
				}
				r = vfs_may_create(&ctx->cred, nd.cur.dentry);
				if (r < 0)
					goto out_nd;
				struct vfs_new n;
				vfs_init_owner(&ctx->cred, nd.cur.dentry->inode,
					       S_IFREG | ((mode_t)how->mode & ~ctx->umask & 07777), &n);
				r = vfs_create(nd.cur.dentry, nd.last, nd.last_len, &n, NULL, &d);
				if (r < 0)
					goto out_nd;
				created = true;
				p.mnt = vfs_mount_get(nd.cur.mnt);
				p.dentry = d;
				break;
			}
			if (r < 0)
				goto out_nd;
			if (S_ISLNK(d->inode->mode) && (nd.flags & LOOKUP_FOLLOW)) {
				r = vfs_nd_follow_last(&nd, d);
				vfs_dentry_put(d);
				if (r < 0)
					goto out_nd;
				continue;
			}
			vfs_dentry_put(d);
			dir_mode = nd.cur.dentry->inode->mode;
			dir_uid = nd.cur.dentry->inode->uid;
			r = vfs_walk_last(&nd, &p);
			if (r < 0)
				goto out_nd;
			break;
		}
	}

	/* do_open */
	struct vfs_inode *inode = p.dentry->inode;
	r = vfs_refresh(inode);
	if (r < 0)
		goto out_p;
	if (flags & O_CREAT) {
		if ((flags & O_EXCL) && !created) {
			r = -EEXIST;
			goto out_p;
		}
		if (S_ISDIR(inode->mode)) {
			r = -EISDIR;
			goto out_p;
		}
		if (!created &&
		    (r = vfs_may_create_in_sticky(&ctx->cred, dir_mode, dir_uid, inode)) < 0)
			goto out_p;
	}
	if ((nd.flags & LOOKUP_DIRECTORY) && !S_ISDIR(inode->mode)) {
		r = -ENOTDIR;
		goto out_p;
	}
	bool do_truncate = false;
	if (created) {
		acc = 0;
	} else if (S_ISREG(inode->mode) && (flags & O_TRUNC) &&
		   !(inode->flags & (VFS_I_FOREIGN | VFS_I_HOST_WRITE))) {
		/* (a foreign object is truncated by its own open; a host
		 * write object's open is what O_TRUNC goes to) */
		if (vfs_mnt_rdonly(p.mnt)) {
			r = -EROFS;
			goto out_p;
		}
		do_truncate = true;
	}
	r = may_open(&ctx->cred, &p, acc, flags);
	if (r < 0)
		goto out_p;
	if (do_truncate) {
		/* Truncate before opening: the backing fd is opened on the
		 * truncated file. */
		if (vfs_mnt_rdonly(p.mnt)) {
			r = -EROFS;
			goto out_p;
		}
		r = vfs_do_truncate(&ctx->cred, inode, 0);
		if (r < 0)
			goto out_p;
	}
	r = do_dentry_open(&p, flags & ~O_CREAT, ret);
out_p:
	vfs_path_put(&p);
out_nd:
	vfs_nd_release(&nd);
	return r;
}

struct open_how vfs_open_how(unsigned flags, mode_t mode)
{
	struct open_how how = { 0 };
	how.flags = (uint64_t)flags & VALID_OPEN_FLAGS;
	/* O_PATH beats everything else */
	if (how.flags & O_PATH)
		how.flags &= O_PATH_FLAGS;
	if ((how.flags & O_CREAT) || (how.flags & __O_TMPFILE))
		how.mode = mode & 07777;
	return how;
}

int vfs_openat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, int flags,
	       mode_t mode, struct vfs_file **ret)
{
	struct open_how how = vfs_open_how((unsigned)flags, mode);
	return vfs_openat2(ctx, dirf, path, &how, ret);
}

/* do_open_execat: the walk and the checks of execveat(2), open for
 * reading with no read permission asked (the kernel asks MAY_EXEC alone). */
int vfs_open_exec(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, int flags,
		  struct vfs_file **ret)
{
	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	struct vfs_path p;
	int r = vfs_walk(ctx, dirf, path, vfs_at_lookup_flags(flags), &p);
	if (r < 0)
		return r;
	struct vfs_inode *inode = p.dentry->inode;
	r = vfs_refresh(inode);
	if (r == 0 && S_ISLNK(inode->mode))
		r = -ELOOP; /* AT_SYMLINK_NOFOLLOW on a symlink */
	else if (r == 0 && (!S_ISREG(inode->mode) || (p.mnt->flags & MS_NOEXEC)))
		r = -EACCES;
	if (r == 0)
		r = vfs_permission(&ctx->cred, inode, MAY_EXEC);
	if (r == 0)
		r = vfs_path_open(&p, O_RDONLY, ret);
	vfs_path_put(&p);
	return r;
}

/* --- data, for tests and emulated paths ------------------------------------ */

ssize_t vfs_write(struct vfs_ctx *ctx, struct vfs_file *f, const void *buf, size_t n)
{
	int acc = f->flags & O_ACCMODE;
	if ((f->flags & O_PATH) || (acc != O_WRONLY && acc != O_RDWR))
		return -EBADF;
	if (S_ISDIR(f->inode->mode))
		return -EISDIR;
	if (f->host_fd < 0)
		return -EINVAL;
	vfs_walk_gen++; /* no walk: what the last one refreshed may be old */
	int r = vfs_refresh(f->inode);
	if (r < 0)
		return r;
	struct vfs_iattr a = { 0 };
	if (n && vfs_kill_suid(&ctx->cred, f->inode, &a)) {
		r = vfs_notify_change(f->inode, &a);
		if (r < 0)
			return r;
	}
	if (n && f->inode->fops && f->inode->fops->write_begin) {
		ssize_t room = f->inode->fops->write_begin(f, n);
		if (room < 0)
			return room;
		if ((size_t)room < n)
			n = (size_t)room;
	}
	ssize_t w = write(f->host_fd, buf, n);
	if (w < 0)
		return -errno;
	/* size and times now, for the fs's accounting: a new generation, or
	 * a refresh made before the write in this one would be taken as
	 * current */
	vfs_walk_gen++;
	vfs_refresh(f->inode);
	return w;
}

ssize_t vfs_pread(struct vfs_file *f, void *buf, size_t n, off_t off)
{
	int acc = f->flags & O_ACCMODE;
	if ((f->flags & O_PATH) || acc == O_WRONLY)
		return -EBADF;
	if (S_ISDIR(f->inode->mode))
		return -EISDIR;
	if (f->host_fd < 0)
		return -EINVAL;
	ssize_t r = pread(f->host_fd, buf, n, off);
	return r < 0 ? -errno : r;
}

/* --- directory iteration ----------------------------------------------------- */

struct getdents_buf {
	char *buf;
	size_t size, used;
	bool full;
	struct vfs_file *file;
};

static bool filldir64(void *arg, const char *name, unsigned len, uint64_t ino, unsigned type,
		      int64_t next)
{
	struct getdents_buf *g = arg;
	size_t reclen = (offsetof(struct vfs_dirent64, d_name) + len + 1 + 7) & ~(size_t)7;
	if (g->used + reclen > g->size) {
		g->full = true;
		return false;
	}
	struct vfs_dirent64 *d = (struct vfs_dirent64 *)(g->buf + g->used);
	d->d_ino = ino;
	d->d_off = next;
	d->d_reclen = (unsigned short)reclen;
	d->d_type = (unsigned char)type;
	memcpy(d->d_name, name, len);
	memset(d->d_name + len, 0, reclen - offsetof(struct vfs_dirent64, d_name) - len);
	g->used += reclen;
	g->file->pos = next;
	return true;
}

ssize_t vfs_getdents64(struct vfs_file *f, void *buf, size_t size)
{
	if (f->flags & O_PATH)
		return -EBADF;
	if (!S_ISDIR(f->inode->mode))
		return -ENOTDIR;
	if (f->path.dentry->flags & VFS_D_DEAD)
		return -ENOENT;
	/* No walk here, yet iterate may refresh (an overlay looks names up
	 * in its layers): a new generation, or the last walk's refreshes,
	 * made before the changes since, would count */
	vfs_walk_gen++;
	struct getdents_buf g = { .buf = buf, .size = size, .file = f };
	struct vfs_dentry *d = f->path.dentry;
	if (f->pos == 0) {
		if (!filldir64(&g, ".", 1, d->inode->ino, DT_DIR, 1))
			return -EINVAL;
	}
	if (f->pos == 1) {
		struct vfs_dentry *parent = d == f->path.mnt->root ? d : d->parent;
		if (!filldir64(&g, "..", 2, parent->inode->ino, DT_DIR, 2))
			return g.used ? (ssize_t)g.used : -EINVAL;
	}
	if (f->inode->fops && f->inode->fops->iterate) {
		int r = f->inode->fops->iterate(f, filldir64, &g);
		if (r < 0)
			return g.used ? (ssize_t)g.used : r;
	}
	if (g.used == 0 && g.full)
		return -EINVAL; /* nothing fit, yet entries remain: as Linux */
	return (ssize_t)g.used;
}

off_t vfs_dir_lseek(struct vfs_file *f, off_t off, int whence)
{
	if (f->flags & O_PATH)
		return -EBADF;
	switch (whence) {
	case SEEK_SET:
		break;
	case SEEK_CUR:
		off += f->pos;
		break;
	default:
		return -EINVAL;
	}
	if (off < 0)
		return -EINVAL;
	f->pos = off;
	return off;
}
