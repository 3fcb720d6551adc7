/* hostfs instances, the inode table and attribute mapping. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/openat2.h"
#include "fs/hostfs/hostfs_private.h"

int hostfs_open_beneath(int dirfd, const char *name, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	return openat2_retry(dirfd, name, &how);
}

static unsigned bucket(dev_t dev, ino_t ino)
{
	return (unsigned)((ino * 2654435761u) ^ dev) & (HOSTFS_BUCKETS - 1);
}

void hostfs_fill_attrs(struct vfs_inode *inode, const struct stat *st)
{
	const struct hostfs_opts *o = &HOSTFS_SB(inode->sb)->opts;
	inode->flags &= ~(VFS_I_UID_UNMAPPED | VFS_I_GID_UNMAPPED);
	if (o->identity) {
		inode->uid = st->st_uid;
		inode->gid = st->st_gid;
	} else {
		if (st->st_uid == o->host_uid) {
			inode->uid = o->uid;
		} else {
			inode->uid = HOSTFS_OVERFLOW_ID;
			inode->flags |= VFS_I_UID_UNMAPPED;
		}
		if (st->st_gid == o->host_gid) {
			inode->gid = o->gid;
		} else {
			inode->gid = HOSTFS_OVERFLOW_ID;
			inode->flags |= VFS_I_GID_UNMAPPED;
		}
	}
	inode->mode = st->st_mode;
	inode->nlink = st->st_nlink;
	inode->rdev = st->st_rdev;
	inode->size = (uint64_t)st->st_size;
	inode->blocks = (uint64_t)st->st_blocks;
	inode->atime = st->st_atim;
	inode->mtime = st->st_mtim;
	inode->ctime = st->st_ctim;
	inode->btime = st->st_ctim;
	inode->ino = st->st_ino;
}

static const struct vfs_inode_ops *iops_for(mode_t mode, const struct vfs_file_ops **fops)
{
	*fops = NULL;
	switch (mode & S_IFMT) {
	case S_IFDIR:
		*fops = &hostfs_dir_fops;
		return &hostfs_dir_iops;
	case S_IFREG:
		*fops = &hostfs_file_fops;
		return &hostfs_file_iops;
	case S_IFLNK:
		return &hostfs_symlink_iops;
	default:
		return &hostfs_special_iops;
	}
}

/* The instance's inode for host (dev, ino), with a new reference and its
 * attributes from st, if it has one. */
static struct vfs_inode *table_find(struct hostfs_sb *sb, const struct stat *st)
{
	struct hlist_node *pos;
	hlist_for_each(pos, &sb->table[bucket(st->st_dev, st->st_ino)])
	{
		struct hostfs_inode *hi = container_of(pos, struct hostfs_inode, node);
		if (hi->hdev == st->st_dev && hi->hino == st->st_ino) {
			hostfs_fill_attrs(&hi->vi, st);
			hi->gen = vfs_walk_gen;
			return vfs_inode_get(&hi->vi);
		}
	}
	return NULL;
}

int hostfs_inode_for(struct vfs_sb *vsb, int fd, const struct stat *st, struct vfs_inode **ret)
{
	struct hostfs_sb *sb = HOSTFS_SB(vsb);
	if ((*ret = table_find(sb, st))) {
		close(fd);
		return 0;
	}
	struct hostfs_inode *hi = calloc(1, sizeof(*hi));
	if (!hi) {
		close(fd);
		return -ENOMEM;
	}
	const struct vfs_file_ops *fops;
	const struct vfs_inode_ops *iops = iops_for(st->st_mode, &fops);
	vfs_inode_init(&hi->vi, vsb, iops, fops, st->st_mode);
	hostfs_fill_attrs(&hi->vi, st);
	hi->fd = fd;
	hi->hdev = st->st_dev;
	hi->hino = st->st_ino;
	/* The host's device, as a bind mount shows it: two binds of one host
	 * filesystem are one device, so a file reached through both is one
	 * file to cp, du, tar and find -xdev, as under the kernel backend. */
	hi->vi.st_dev = st->st_dev;
	hi->gen = vfs_walk_gen; /* st is this walk's: getattr need not ask again */
	hlist_add_head(&hi->node, &sb->table[bucket(st->st_dev, st->st_ino)]);
	if (S_ISDIR(st->st_mode))
		hostfs_watch_dir(sb, hi);
	if (S_ISREG(st->st_mode))
		vfs_inode_set_host(&hi->vi, st->st_dev, st->st_ino);
	*ret = &hi->vi;
	return 0;
}

bool hostfs_refused_fs(unsigned long f_type)
{
	return f_type == PROC_SUPER_MAGIC;
}

static struct {
	dev_t dev;
	ino_t ino;
} hidden[4];
static size_t n_hidden;

int hostfs_hide(dev_t dev, ino_t ino)
{
	if (n_hidden == sizeof(hidden) / sizeof(hidden[0]))
		return -ENOSPC;
	hidden[n_hidden].dev = dev;
	hidden[n_hidden].ino = ino;
	n_hidden++;
	return 0;
}

bool hostfs_hidden(const struct stat *st)
{
	for (size_t i = 0; i < n_hidden; i++)
		if (hidden[i].dev == st->st_dev && hidden[i].ino == st->st_ino)
			return S_ISDIR(st->st_mode);
	return false;
}

int hostfs_sealed(struct vfs_sb *vsb, int fd, const struct stat *st, struct vfs_inode **ret)
{
	close(fd); /* nothing of it is ever opened or looked up again */
	if (!S_ISDIR(st->st_mode))
		return -EACCES;
	/* Only a crossing or a hidden directory is sealed (hostfs_new
	 * refuses either as the root), so its inode in the table is a
	 * sealed one. */
	struct hostfs_sb *sb = HOSTFS_SB(vsb);
	if ((*ret = table_find(sb, st)))
		return 0;
	struct hostfs_inode *hi = calloc(1, sizeof(*hi));
	if (!hi)
		return -ENOMEM;
	vfs_inode_init(&hi->vi, vsb, &hostfs_sealed_iops, NULL, st->st_mode);
	hostfs_fill_attrs(&hi->vi, st);
	hi->fd = -1;
	hi->hdev = st->st_dev;
	hi->hino = st->st_ino;
	hi->vi.st_dev = st->st_dev;
	hi->gen = vfs_walk_gen;
	hlist_add_head(&hi->node, &sb->table[bucket(st->st_dev, st->st_ino)]);
	*ret = &hi->vi;
	return 0;
}

int hostfs_crossing(struct vfs_sb *vsb, int fd, const struct stat *st, struct vfs_inode **ret)
{
	struct statfs sf;
	if (fstatfs(fd, &sf) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	if (!hostfs_refused_fs((unsigned long)sf.f_type))
		return hostfs_inode_for(vsb, fd, st, ret);
	return hostfs_sealed(vsb, fd, st, ret);
}

static void hostfs_evict(struct vfs_inode *inode)
{
	struct hostfs_inode *hi = HOSTFS_I(inode);
	hlist_del_init(&hi->node);
	hostfs_watch_forget(hi);
	if (hi->fd >= 0)
		close(hi->fd);
	free(hi);
}

static void hostfs_destroy(struct vfs_sb *sb)
{
	struct hostfs_sb *hsb = HOSTFS_SB(sb);
	hostfs_watch_fini(hsb);
	free((char *)hsb->opts.source);
	free(hsb->fstype);
	free(hsb->hsource);
	free(hsb->hroot);
	free(hsb);
}

static int hostfs_statfs(struct vfs_sb *sb, struct statfs *st)
{
	if (fstatfs(HOSTFS_I(sb->root->inode)->fd, st) < 0)
		return -errno;
	/* Keep the host's mount flags that a bind inherits. */
	st->f_flags &= ST_RDONLY | ST_NOSUID | ST_NODEV | ST_NOEXEC;
	return 0;
}

static const struct vfs_sb_ops hostfs_sb_ops = {
	.statfs = hostfs_statfs,
	.show = hostfs_show,
	.evict = hostfs_evict,
	.destroy = hostfs_destroy,
};

int hostfs_new(const struct hostfs_opts *opts, struct vfs_sb **ret)
{
	int fd = open(opts->source, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	struct statfs sf;
	if (fstat(fd, &st) < 0 || fstatfs(fd, &sf) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	if (hostfs_refused_fs((unsigned long)sf.f_type)) {
		close(fd);
		return -EACCES;
	}
	struct hostfs_sb *sb = calloc(1, sizeof(*sb));
	char *src = strdup(opts->source);
	if (!sb || !src) {
		free(sb);
		free(src);
		close(fd);
		return -ENOMEM;
	}
	sb->opts = *opts;
	sb->opts.source = src;
	sb->vsb.ops = &hostfs_sb_ops;
	hostfs_watch_init(sb);
	hostfs_find_host_mount(sb, st.st_dev);
	struct vfs_inode *root;
	int r = hostfs_inode_for(&sb->vsb, fd, &st, &root);
	if (r < 0) {
		hostfs_destroy(&sb->vsb);
		return r;
	}
	r = vfs_sb_init(&sb->vsb, &hostfs_sb_ops, opts->rdonly ? VFS_SB_RDONLY : 0,
			(unsigned long)sf.f_type, root);
	if (r < 0) {
		hostfs_destroy(&sb->vsb);
		return r;
	}
	*ret = &sb->vsb;
	return 0;
}
