/* tmpfs regular files, symlinks, special files: open, attributes, xattrs.
 *
 * A regular file's data is its data file (data.c). Each open file gets its
 * own open of it, with the file's access mode and O_APPEND, so a read-only
 * open cannot write; that open is what the program's fd is (sentry/
 * sys_open.c takes it over), and no other fd on it is kept. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fs/tmpfs/tmpfs_private.h"

static int tmpfs_open(struct vfs_file *file)
{
	struct tmpfs_inode *ti = TMPFS_I(file->inode);
	int acc = file->flags & O_ACCMODE;
	int flags = (acc == 3 ? O_RDWR : acc) |
		    (file->flags & (O_APPEND | O_NONBLOCK | O_DSYNC | O_SYNC | O_NOATIME));
	/* A writer whose native writes must lose S_ISUID/S_ISGID: the data
	 * file carries them from now on (data.c privs_of). */
	bool unpriv = acc != O_RDONLY && !file->keeps_privs && !ti->unpriv_writer;
	if (unpriv)
		ti->unpriv_writer = true;
	int fd = tmpfs_data_open(ti, flags);
	if (fd < 0)
		return fd;
	if (unpriv) {
		int r = tmpfs_data_privs_set(ti);
		if (r < 0) {
			close(fd);
			return r;
		}
	}
	file->host_fd = fd;
	return 0;
}

static void tmpfs_release(struct vfs_file *file)
{
	if (file->host_fd >= 0)
		close(file->host_fd);
	file->host_fd = -1;
}

static int tmpfs_getattr(struct vfs_inode *inode);

/* size=: the bytes this write adds past the end must fit in what the
 * instance has left (counted from the sizes it knows; a program's native
 * writes are only counted once something stats the file). */
static ssize_t tmpfs_write_begin(struct vfs_file *file, size_t len)
{
	struct tmpfs_sb *sb = TMPFS_SB(file->inode->sb);
	if (!sb->opts.size)
		return (ssize_t)len;
	int r = tmpfs_getattr(file->inode);
	if (r < 0)
		return r;
	off_t pos = (file->flags & O_APPEND) ? (off_t)file->inode->size
					     : lseek(file->host_fd, 0, SEEK_CUR);
	if (pos < 0)
		return -errno;
	uint64_t end = (uint64_t)pos + len;
	uint64_t grow = end > file->inode->size ? end - file->inode->size : 0;
	uint64_t left = sb->used_bytes < sb->opts.size ? sb->opts.size - sb->used_bytes : 0;
	if (grow <= left)
		return (ssize_t)len;
	if ((uint64_t)pos >= file->inode->size + left)
		return -ENOSPC;
	return (ssize_t)(file->inode->size + left - (uint64_t)pos);
}

static int tmpfs_getattr(struct vfs_inode *inode)
{
	struct tmpfs_inode *ti = TMPFS_I(inode);
	if (!ti->data)
		return 0;
	struct stat st;
	int r = tmpfs_data_stat(ti, &st);
	if (r < 0)
		return r;
	struct tmpfs_sb *sb = TMPFS_SB(inode->sb);
	sb->used_bytes = sb->used_bytes - inode->size + (uint64_t)st.st_size;
	tmpfs_data_privs_get(ti, &st);
	inode->size = (uint64_t)st.st_size;
	inode->blocks = (uint64_t)st.st_blocks;
	inode->atime = st.st_atim;
	inode->mtime = st.st_mtim;
	if (st.st_ctim.tv_sec > inode->ctime.tv_sec ||
	    (st.st_ctim.tv_sec == inode->ctime.tv_sec && st.st_ctim.tv_nsec > inode->ctime.tv_nsec))
		inode->ctime = st.st_ctim;
	return 0;
}

int tmpfs_setattr(struct vfs_inode *inode, const struct vfs_iattr *a)
{
	struct tmpfs_inode *ti = TMPFS_I(inode);
	if (a->valid & VFS_ATTR_SIZE) {
		if (!S_ISREG(inode->mode))
			return -EINVAL;
		if (a->size > 0 || ti->data) {
			int r = tmpfs_data_truncate(ti, (off_t)a->size);
			if (r < 0)
				return r;
		}
		struct tmpfs_sb *sb = TMPFS_SB(inode->sb);
		sb->used_bytes = sb->used_bytes - inode->size + a->size;
		inode->size = a->size;
	}
	if (a->valid & VFS_ATTR_MODE)
		inode->mode = a->mode;
	/* A new mode, or a truncate by the sentry (which, not root, loses
	 * them to the kernel's killpriv whatever the VFS decided). */
	if ((a->valid & VFS_ATTR_SIZE) && ti->data_privs)
		ti->data_privs = (mode_t)-1;
	if (a->valid & (VFS_ATTR_MODE | VFS_ATTR_SIZE)) {
		int r = tmpfs_data_privs_set(ti);
		if (r < 0)
			return r;
	}
	/* chmod and chown change the inode only: its data file is told, for
	 * the IN_ATTRIB its watchers expect (utimens below tells it too) */
	if ((a->valid & (VFS_ATTR_MODE | VFS_ATTR_UID | VFS_ATTR_GID)) &&
	    !(a->valid & VFS_ATTR_SIZE)) {
		int r = tmpfs_data_attrib(ti);
		if (r < 0)
			return r;
	}
	if (a->valid & VFS_ATTR_UID)
		inode->uid = a->uid;
	if (a->valid & VFS_ATTR_GID)
		inode->gid = a->gid;
	if (a->valid & (VFS_ATTR_ATIME | VFS_ATTR_MTIME)) {
		if (a->valid & VFS_ATTR_ATIME)
			inode->atime = a->atime;
		if (a->valid & VFS_ATTR_MTIME)
			inode->mtime = a->mtime;
		if (ti->data) {
			struct timespec ts[2] = { a->atime, a->mtime };
			if (!(a->valid & VFS_ATTR_ATIME))
				ts[0].tv_nsec = UTIME_OMIT;
			if (!(a->valid & VFS_ATTR_MTIME))
				ts[1].tv_nsec = UTIME_OMIT;
			int r = tmpfs_data_utimens(ti, ts);
			if (r < 0)
				return r;
		}
	}
	if (a->valid & VFS_ATTR_CTIME)
		inode->ctime = a->ctime;
	/* Only a truncate changes what the inode must read back from the
	 * data file (its blocks); new times are the ones just set (the VFS has
	 * made UTIME_NOW a time), mode and owners live in the inode, and
	 * every stat refreshes the rest. */
	if (!(a->valid & VFS_ATTR_SIZE))
		return 0;
	return tmpfs_getattr(inode);
}

static ssize_t tmpfs_readlink(struct vfs_inode *inode, char *buf, size_t size)
{
	struct tmpfs_inode *ti = TMPFS_I(inode);
	size_t len = strlen(ti->symlink);
	memcpy(buf, ti->symlink, len < size ? len : size);
	return (ssize_t)len;
}

/* --- xattrs: a short list per inode ----------------------------------------- */

static struct tmpfs_xattr **find_xattr(struct tmpfs_inode *ti, const char *name)
{
	struct tmpfs_xattr **p = &ti->xattrs;
	while (*p && strcmp((*p)->name, name) != 0)
		p = &(*p)->next;
	return p;
}

ssize_t tmpfs_getxattr(struct vfs_inode *inode, const char *name, void *buf, size_t size)
{
	struct tmpfs_xattr *x = *find_xattr(TMPFS_I(inode), name);
	if (!x)
		return -ENODATA;
	if (size == 0)
		return (ssize_t)x->size;
	if (size < x->size)
		return -ERANGE;
	memcpy(buf, x->value, x->size);
	return (ssize_t)x->size;
}

int tmpfs_setxattr(struct vfs_inode *inode, const char *name, const void *value, size_t size,
		   int flags)
{
	struct tmpfs_xattr **p = find_xattr(TMPFS_I(inode), name);
	if (*p && (flags & XATTR_CREATE))
		return -EEXIST;
	if (!*p && (flags & XATTR_REPLACE))
		return -ENODATA;
	size_t nlen = strlen(name);
	/* shmem_xattr_handler_set: the new value's space is taken first */
	uint64_t space = tmpfs_xattr_space(name, size);
	int r = tmpfs_reserve(inode->sb, space);
	if (r < 0)
		return r;
	struct tmpfs_xattr *x = malloc(sizeof(*x) + nlen + 1);
	if (x)
		x->value = malloc(size ? size : 1);
	if (!x || !x->value) {
		free(x);
		tmpfs_release_space(inode->sb, space);
		return -ENOMEM;
	}
	memcpy(x->name, name, nlen + 1);
	memcpy(x->value, value, size);
	x->size = size;
	if (*p) {
		struct tmpfs_xattr *old = *p;
		x->next = old->next;
		*p = x;
		tmpfs_release_space(inode->sb, tmpfs_xattr_space(old->name, old->size));
		free(old->value);
		free(old);
	} else {
		x->next = NULL;
		*p = x;
	}
	return 0;
}

ssize_t tmpfs_listxattr(struct vfs_inode *inode, char *buf, size_t size)
{
	size_t total = 0;
	for (struct tmpfs_xattr *x = TMPFS_I(inode)->xattrs; x; x = x->next)
		total += strlen(x->name) + 1;
	if (size == 0)
		return (ssize_t)total;
	if (size < total)
		return -ERANGE;
	size_t off = 0;
	for (struct tmpfs_xattr *x = TMPFS_I(inode)->xattrs; x; x = x->next) {
		size_t l = strlen(x->name) + 1;
		memcpy(buf + off, x->name, l);
		off += l;
	}
	return (ssize_t)total;
}

int tmpfs_removexattr(struct vfs_inode *inode, const char *name)
{
	struct tmpfs_xattr **p = find_xattr(TMPFS_I(inode), name);
	if (!*p)
		return -ENODATA;
	struct tmpfs_xattr *x = *p;
	*p = x->next;
	tmpfs_release_space(inode->sb, tmpfs_xattr_space(x->name, x->size));
	free(x->value);
	free(x);
	return 0;
}

void tmpfs_free_xattrs(struct tmpfs_inode *ti)
{
	while (ti->xattrs) {
		struct tmpfs_xattr *x = ti->xattrs;
		ti->xattrs = x->next;
		free(x->value);
		free(x);
	}
}

unsigned tmpfs_vfs_fsflags(const struct vfs_inode *inode)
{
	return ((inode->flags & VFS_I_IMMUTABLE) ? VFS_FL_IMMUTABLE : 0) |
	       ((inode->flags & VFS_I_APPEND) ? VFS_FL_APPEND : 0);
}

void tmpfs_set_vfs_fsflags(struct vfs_inode *inode, unsigned flags)
{
	inode->flags &= ~(VFS_I_IMMUTABLE | VFS_I_APPEND);
	inode->flags |= ((flags & VFS_FL_IMMUTABLE) ? VFS_I_IMMUTABLE : 0) |
			((flags & VFS_FL_APPEND) ? VFS_I_APPEND : 0);
}

/* FS_IOC_GETFLAGS/SETFLAGS of a regular file: append-only and immutable
 * are the VFS's (the host would need CAP_LINUX_IMMUTABLE, and would then
 * refuse the sentry's own truncates and removal of the data file too),
 * the others (nodump, noatime) the data file's, as the program's fd on
 * it would have them. */
static int tmpfs_file_get_fsflags(struct vfs_inode *inode, unsigned *flags)
{
	int fd = tmpfs_data_open(TMPFS_I(inode), O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return fd;
	int v = 0;
	int r = ioctl(fd, FS_IOC_GETFLAGS, &v) < 0 ? -errno : 0;
	close(fd);
	*flags = ((unsigned)v & ~(unsigned)(VFS_FL_IMMUTABLE | VFS_FL_APPEND)) |
		 tmpfs_vfs_fsflags(inode);
	return r;
}

static int tmpfs_file_set_fsflags(struct vfs_inode *inode, unsigned flags)
{
	int fd = tmpfs_data_open(TMPFS_I(inode), O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return fd;
	int v = (int)(flags & ~(unsigned)(VFS_FL_IMMUTABLE | VFS_FL_APPEND));
	int r = ioctl(fd, FS_IOC_SETFLAGS, &v) < 0 ? -errno : 0;
	close(fd);
	if (r == 0)
		tmpfs_set_vfs_fsflags(inode, flags);
	return r;
}

const struct vfs_inode_ops tmpfs_file_iops = {
	.get_fsflags = tmpfs_file_get_fsflags,
	.set_fsflags = tmpfs_file_set_fsflags,
	.getattr = tmpfs_getattr,
	.setattr = tmpfs_setattr,
	.getxattr = tmpfs_getxattr,
	.setxattr = tmpfs_setxattr,
	.listxattr = tmpfs_listxattr,
	.removexattr = tmpfs_removexattr,
};

const struct vfs_file_ops tmpfs_file_fops = {
	.open = tmpfs_open,
	.release = tmpfs_release,
	.write_begin = tmpfs_write_begin,
};

const struct vfs_inode_ops tmpfs_symlink_iops = {
	.readlink = tmpfs_readlink,
	.setattr = tmpfs_setattr,
	.getxattr = tmpfs_getxattr,
	.setxattr = tmpfs_setxattr,
	.listxattr = tmpfs_listxattr,
	.removexattr = tmpfs_removexattr,
};

const struct vfs_inode_ops tmpfs_special_iops = {
	.getattr = tmpfs_getattr, /* a FIFO's times, once it has its node */
	.setattr = tmpfs_setattr,
	.fifo_node = tmpfs_fifo_node,
	.getxattr = tmpfs_getxattr,
	.setxattr = tmpfs_setxattr,
	.listxattr = tmpfs_listxattr,
	.removexattr = tmpfs_removexattr,
};
