/* tmpfs directories: creation, removal and renaming of names, and
 * iteration over the VFS dentry tree (the namespace itself).
 *
 * These methods only keep tmpfs's own bookkeeping (nlink, directory size
 * and times, the inode count): the VFS has checked everything and mirrors
 * each change in its tree. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fs/tmpfs/tmpfs_private.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static void dir_touch(struct vfs_inode *dir, long delta)
{
	dir->size = (uint64_t)((long)dir->size + delta);
	dir->mtime = dir->ctime = vfs_now();
}

static int tmpfs_mknod(struct vfs_inode *dir, const char *name, const struct vfs_new *n,
		       struct vfs_inode **ret)
{
	(void)name;
	struct tmpfs_inode *ti;
	int r = tmpfs_new_inode(dir->sb, n, &ti);
	if (r < 0)
		return r;
	dir_touch(dir, BOGO_DIRENT_SIZE);
	*ret = &ti->vi;
	return 0;
}

static int tmpfs_mkdir(struct vfs_inode *dir, const char *name, const struct vfs_new *n,
		       struct vfs_inode **ret)
{
	int r = tmpfs_mknod(dir, name, n, ret);
	if (r == 0)
		dir->nlink++;
	return r;
}

static int tmpfs_symlink(struct vfs_inode *dir, const char *name, const char *target,
			 const struct vfs_new *n, struct vfs_inode **ret)
{
	(void)name;
	char *body = strdup(target);
	if (!body)
		return -ENOMEM;
	struct tmpfs_inode *ti;
	int r = tmpfs_new_inode(dir->sb, n, &ti);
	if (r < 0) {
		free(body);
		return r;
	}
	ti->symlink = body;
	ti->vi.size = strlen(body);
	ti->vi.blocks = ti->vi.size < SHORT_SYMLINK_LEN ? 0 : 8;
	dir_touch(dir, BOGO_DIRENT_SIZE);
	*ret = &ti->vi;
	return 0;
}

static int tmpfs_tmpfile(struct vfs_inode *dir, const struct vfs_new *n, struct vfs_inode **ret)
{
	struct tmpfs_inode *ti;
	int r = tmpfs_new_inode(dir->sb, n, &ti);
	if (r < 0)
		return r;
	ti->vi.nlink = 0;
	*ret = &ti->vi;
	return 0;
}

/* Linux tmpfs charges every extra name of an inode to the inode space
 * (shmem_link/shmem_unlink): so do we. */
static int reserve_name(struct vfs_sb *vsb)
{
	return tmpfs_reserve(vsb, BOGO_INODE_SIZE);
}

static void drop_name(struct vfs_inode *inode)
{
	if (inode->nlink > 1 && !S_ISDIR(inode->mode))
		tmpfs_release_space(inode->sb, BOGO_INODE_SIZE);
}

static int tmpfs_link(struct vfs_inode *inode, struct vfs_inode *dir, const char *name)
{
	(void)name;
	if (inode->nlink) {
		int r = reserve_name(dir->sb);
		if (r < 0)
			return r;
	}
	inode->nlink++;
	inode->ctime = vfs_now();
	dir_touch(dir, BOGO_DIRENT_SIZE);
	return 0;
}

static int tmpfs_unlink(struct vfs_inode *dir, const char *name, struct vfs_inode *inode)
{
	(void)name;
	drop_name(inode);
	if (inode->nlink)
		inode->nlink--;
	inode->ctime = vfs_now();
	dir_touch(dir, -BOGO_DIRENT_SIZE);
	return 0;
}

static int tmpfs_rmdir(struct vfs_inode *dir, const char *name, struct vfs_inode *inode)
{
	(void)name;
	inode->nlink = 0;
	dir->nlink--;
	inode->ctime = vfs_now();
	dir_touch(dir, -BOGO_DIRENT_SIZE);
	return 0;
}

static int tmpfs_rename(struct vfs_inode *olddir, const char *oldname, struct vfs_inode *inode,
			struct vfs_inode *newdir, const char *newname, struct vfs_inode *target,
			unsigned flags)
{
	(void)oldname;
	(void)newname;
	struct timespec now = vfs_now();
	bool isdir = S_ISDIR(inode->mode);
	if (flags & RENAME_EXCHANGE) {
		bool tdir = S_ISDIR(target->mode);
		if (olddir != newdir && isdir != tdir) {
			if (isdir) {
				olddir->nlink--;
				newdir->nlink++;
			} else {
				newdir->nlink--;
				olddir->nlink++;
			}
		}
		inode->ctime = target->ctime = now;
	} else {
		if (target) {
			if (S_ISDIR(target->mode)) {
				target->nlink = 0;
				newdir->nlink--;
			} else if (target->nlink) {
				drop_name(target);
				target->nlink--;
			}
			target->ctime = now;
			newdir->size -= BOGO_DIRENT_SIZE;
		}
		if (isdir && olddir != newdir) {
			olddir->nlink--;
			newdir->nlink++;
		}
		olddir->size -= BOGO_DIRENT_SIZE;
		newdir->size += BOGO_DIRENT_SIZE;
		inode->ctime = now;
	}
	olddir->mtime = olddir->ctime = now;
	newdir->mtime = newdir->ctime = now;
	return 0;
}

/* Entries of the directory's dentry (the VFS tree) after file->pos, in
 * cookie order. Reaching the end parks the cursor at TMPFS_EOD, so names
 * created afterwards appear only after a rewind, as with Linux's
 * simple_offset directories (6.x). */
#define TMPFS_EOD INT64_MAX

/* file->private: a reference on the last entry emitted, so a sequential
 * read resumes right after it instead of rescanning (valid while that
 * entry is still in this directory and the cursor was not moved). */
static void set_cursor(struct vfs_file *file, struct vfs_dentry *d)
{
	if (file->private)
		vfs_dentry_put(file->private);
	file->private = d ? vfs_dentry_get(d) : NULL;
}

static int tmpfs_iterate(struct vfs_file *file, vfs_filldir_t fill, void *arg)
{
	struct vfs_dentry *dir = file->path.dentry;
	if (file->pos == TMPFS_EOD)
		return 0;
	struct list_head *start = dir->subdirs.next;
	struct vfs_dentry *last = file->private;
	if (last && !(last->flags & VFS_D_DEAD) && last->parent == dir &&
	    (int64_t)last->cookie == file->pos)
		start = last->child.next;
	for (struct list_head *pos = start; pos != &dir->subdirs; pos = pos->next) {
		struct vfs_dentry *d = container_of(pos, struct vfs_dentry, child);
		if ((int64_t)d->cookie <= file->pos)
			continue;
		if (!fill(arg, d->name, d->len, d->inode->ino, (d->inode->mode & S_IFMT) >> 12,
			  (int64_t)d->cookie))
			return 0;
		set_cursor(file, d);
	}
	set_cursor(file, NULL);
	file->pos = TMPFS_EOD;
	return 0;
}

static void tmpfs_dir_release(struct vfs_file *file)
{
	set_cursor(file, NULL);
}

/* The flags Linux's tmpfs keeps (SHMEM_FL_USER_MODIFIABLE, less casefold):
 * append-only and immutable as the VFS's own inode flags, which it
 * enforces (tmpfs_set_vfs_fsflags), the others in fsflags. */
#define TMPFS_FSFLAGS (VFS_FL_NODUMP | VFS_FL_NOATIME)

static int tmpfs_get_fsflags(struct vfs_inode *inode, unsigned *flags)
{
	*flags = TMPFS_I(inode)->fsflags | tmpfs_vfs_fsflags(inode);
	return 0;
}

static int tmpfs_set_fsflags(struct vfs_inode *inode, unsigned flags)
{
	if (flags & ~(TMPFS_FSFLAGS | VFS_FL_APPEND | VFS_FL_IMMUTABLE))
		return -EOPNOTSUPP;
	TMPFS_I(inode)->fsflags = flags & TMPFS_FSFLAGS;
	tmpfs_set_vfs_fsflags(inode, flags);
	return 0;
}

const struct vfs_inode_ops tmpfs_dir_iops = {
	.get_fsflags = tmpfs_get_fsflags,
	.set_fsflags = tmpfs_set_fsflags,
	.mknod = tmpfs_mknod,
	.mkdir = tmpfs_mkdir,
	.symlink = tmpfs_symlink,
	.tmpfile = tmpfs_tmpfile,
	.link = tmpfs_link,
	.unlink = tmpfs_unlink,
	.rmdir = tmpfs_rmdir,
	.rename = tmpfs_rename,
	.setattr = tmpfs_setattr,
	.getxattr = tmpfs_getxattr,
	.setxattr = tmpfs_setxattr,
	.listxattr = tmpfs_listxattr,
	.removexattr = tmpfs_removexattr,
};

const struct vfs_file_ops tmpfs_dir_fops = {
	.release = tmpfs_dir_release,
	.iterate = tmpfs_iterate,
};
