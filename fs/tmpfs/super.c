/* tmpfs instances and inode lifetime.
 *
 * An inode belongs to the VFS's reference count; evict (last reference)
 * removes its data file, frees its symlink body and xattrs and gives their
 * inode space back. The instance itself goes with its last reference
 * (after the VFS has dropped every dentry). */
#include <errno.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs/tmpfs/tmpfs_private.h"

static void tmpfs_evict(struct vfs_inode *inode)
{
	struct tmpfs_inode *ti = TMPFS_I(inode);
	struct tmpfs_sb *sb = TMPFS_SB(inode->sb);
	if (S_ISREG(inode->mode))
		sb->used_bytes -= inode->size < sb->used_bytes ? inode->size : sb->used_bytes;
	tmpfs_data_remove(ti);
	free(ti->symlink);
	uint64_t space = BOGO_INODE_SIZE;
	for (struct tmpfs_xattr *x = ti->xattrs; x; x = x->next)
		space += tmpfs_xattr_space(x->name, x->size);
	tmpfs_free_xattrs(ti);
	tmpfs_release_space(inode->sb, space);
	free(ti);
}

static void free_sb(struct tmpfs_sb *sb)
{
	tmpfs_data_dir_fini(sb);
	free(sb);
}

static void tmpfs_destroy(struct vfs_sb *sb)
{
	free_sb(TMPFS_SB(sb));
}

static int tmpfs_statfs(struct vfs_sb *vsb, struct statfs *st)
{
	struct tmpfs_sb *sb = TMPFS_SB(vsb);
	st->f_bsize = 4096;
	st->f_frsize = 4096;
	st->f_namelen = 255;
	/* Linux's default size is half the RAM: df lists the instance. */
	struct sysinfo si;
	uint64_t size = sb->opts.size;
	if (!size && sysinfo(&si) == 0)
		size = (uint64_t)si.totalram * si.mem_unit / 2;
	struct statfs real;
	if (sb->opts.backed && fstatfs(sb->data_dir, &real) == 0) {
		/* The blocks the data really takes, as the kernel counts them. */
		st->f_blocks = real.f_blocks;
		st->f_bfree = real.f_bfree;
		st->f_bavail = real.f_bavail;
	} else if (size) {
		st->f_blocks = size / 4096;
		uint64_t used = (sb->used_bytes + 4095) / 4096;
		st->f_bfree = st->f_bavail = used < st->f_blocks ? st->f_blocks - used : 0;
	}
	if (sb->opts.nr_inodes) {
		st->f_files = sb->opts.nr_inodes;
		st->f_ffree = (sb->opts.nr_inodes * BOGO_INODE_SIZE - sb->ispace) / BOGO_INODE_SIZE;
	}
	return 0;
}

/* shmem_show_options: what differs from the defaults. */
static void tmpfs_show(struct vfs_sb *vsb, struct vfs_sb_show *ret)
{
	const struct tmpfs_opts *o = &TMPFS_SB(vsb)->opts;
	ret->fstype = "tmpfs";
	ret->source = "tmpfs";
	size_t n = (size_t)snprintf(ret->options, sizeof(ret->options), "rw");
	if (o->size)
		n += (size_t)snprintf(ret->options + n, sizeof(ret->options) - n, ",size=%lluk",
				      (unsigned long long)(o->size / 1024));
	if (o->nr_inodes && n < sizeof(ret->options))
		n += (size_t)snprintf(ret->options + n, sizeof(ret->options) - n,
				      ",nr_inodes=%llu", (unsigned long long)o->nr_inodes);
	if ((o->mode & 07777) != 01777 && n < sizeof(ret->options))
		n += (size_t)snprintf(ret->options + n, sizeof(ret->options) - n, ",mode=%o",
				      (unsigned)(o->mode & 07777));
	if (o->uid && n < sizeof(ret->options))
		n += (size_t)snprintf(ret->options + n, sizeof(ret->options) - n, ",uid=%u",
				      (unsigned)o->uid);
	if (o->gid && n < sizeof(ret->options))
		snprintf(ret->options + n, sizeof(ret->options) - n, ",gid=%u", (unsigned)o->gid);
}

static const struct vfs_sb_ops tmpfs_sb_ops = {
	.statfs = tmpfs_statfs,
	.show = tmpfs_show,
	.evict = tmpfs_evict,
	.destroy = tmpfs_destroy,
};

bool tmpfs_space_low(const struct vfs_inode *inode)
{
	if (inode->sb->ops != &tmpfs_sb_ops)
		return false;
	struct tmpfs_sb *sb = TMPFS_SB(inode->sb);
	struct statfs st;
	return sb->opts.backed && fstatfs(sb->data_dir, &st) == 0 &&
	       st.f_bfree < st.f_blocks / 2;
}

int tmpfs_reserve(struct vfs_sb *vsb, uint64_t bytes)
{
	struct tmpfs_sb *sb = TMPFS_SB(vsb);
	if (sb->opts.nr_inodes && sb->ispace + bytes > sb->opts.nr_inodes * BOGO_INODE_SIZE)
		return -ENOSPC;
	sb->ispace += bytes;
	return 0;
}

void tmpfs_release_space(struct vfs_sb *vsb, uint64_t bytes)
{
	struct tmpfs_sb *sb = TMPFS_SB(vsb);
	sb->ispace -= bytes < sb->ispace ? bytes : sb->ispace;
}

/* simple_xattr_space() */
uint64_t tmpfs_xattr_space(const char *name, size_t size)
{
	return 40 + size + strlen(name);
}

int tmpfs_new_inode(struct vfs_sb *vsb, const struct vfs_new *n, struct tmpfs_inode **ret)
{
	struct tmpfs_sb *sb = TMPFS_SB(vsb);
	int r = tmpfs_reserve(vsb, BOGO_INODE_SIZE);
	if (r < 0)
		return r;
	struct tmpfs_inode *ti = calloc(1, sizeof(*ti));
	if (!ti) {
		tmpfs_release_space(vsb, BOGO_INODE_SIZE);
		return -ENOMEM;
	}
	const struct vfs_inode_ops *iops;
	const struct vfs_file_ops *fops = NULL;
	switch (n->mode & S_IFMT) {
	case S_IFDIR:
		iops = &tmpfs_dir_iops;
		fops = &tmpfs_dir_fops;
		break;
	case S_IFREG:
		iops = &tmpfs_file_iops;
		fops = &tmpfs_file_fops;
		break;
	case S_IFLNK:
		iops = &tmpfs_symlink_iops;
		break;
	default:
		iops = &tmpfs_special_iops;
		break;
	}
	vfs_inode_init(&ti->vi, vsb, iops, fops, n->mode);
	ti->vi.uid = n->uid;
	ti->vi.gid = n->gid;
	ti->vi.rdev = n->rdev;
	ti->vi.ino = sb->next_ino++;
	if (S_ISDIR(n->mode)) {
		ti->vi.nlink = 2;
		ti->vi.size = 2 * BOGO_DIRENT_SIZE;
	}
	*ret = ti;
	return 0;
}

int tmpfs_new(const struct tmpfs_opts *opts, struct vfs_sb **ret)
{
	struct tmpfs_sb *sb = calloc(1, sizeof(*sb));
	if (!sb) {
		if (opts && opts->has_data_dir)
			close(opts->data_dir);
		return -ENOMEM;
	}
	if (opts)
		sb->opts = *opts;
	else
		sb->opts.mode = 01777;
	sb->data_dir = -1;
	int r = tmpfs_data_dir_init(sb, opts);
	if (r < 0) {
		free(sb);
		return r;
	}
	sb->next_ino = 1;
	/* The root inode needs the sb for its ops; vfs_sb_init sets the rest. */
	sb->vsb.ops = &tmpfs_sb_ops;
	struct vfs_new n = {
		.mode = S_IFDIR | (sb->opts.mode & 07777),
		.uid = sb->opts.uid,
		.gid = sb->opts.gid,
	};
	struct tmpfs_inode *root;
	r = tmpfs_new_inode(&sb->vsb, &n, &root);
	if (r < 0) {
		free_sb(sb);
		return r;
	}
	r = vfs_sb_init(&sb->vsb, &tmpfs_sb_ops, VFS_SB_PINNED | VFS_SB_OWN_PERMS | VFS_SB_PRIVATE_HOST,
			TMPFS_MAGIC_NUMBER, &root->vi);
	if (r < 0) {
		free_sb(sb);
		return r;
	}
	*ret = &sb->vsb;
	return 0;
}
