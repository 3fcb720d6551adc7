/* mqueuefs instances (mqueuefs.h). The root lives as long as the
 * instance; a queue's inode is made on lookup and cached like any
 * dentry, revalidated against the provider on every walk (a queue gone,
 * or a name now another queue's: a new serial), never pinned. */
#include "fs/mqueue/mqueuefs.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <stdio.h>

#include "base/cleanup.h"
#include "vfs/fs_ops.h"

#define ROOT_INO 1
/* what stat says of a queue's size: the kernel's FILENT_SIZE (ipc/mqueue.c) */
#define FILENT_SIZE 80

struct mq_node {
	struct vfs_inode vi;
	uint64_t serial;
	char name[NAME_MAX + 1];
};

struct mqueuefs_sb {
	struct vfs_sb vsb;
	const struct mqueuefs_provider *p;
	void *arg;
};

#define MQ_SB(s) container_of(s, struct mqueuefs_sb, vsb)
#define MQ_NODE(i) container_of(i, struct mq_node, vi)

static const struct vfs_inode_ops root_iops, node_iops;
static const struct vfs_file_ops root_fops, node_fops;

static void set_attrs(struct mq_node *n, const struct mqueuefs_queue *q)
{
	n->serial = q->serial;
	n->vi.ino = q->serial + ROOT_INO;
	n->vi.mode = S_IFREG | (q->mode & 0777);
	n->vi.uid = q->uid;
	n->vi.gid = q->gid;
	n->vi.nlink = 1;
	n->vi.size = FILENT_SIZE;
	n->vi.atime = n->vi.mtime = n->vi.ctime = n->vi.btime = q->time;
}

static int node_inode(struct mqueuefs_sb *sb, const char *name, const struct mqueuefs_queue *q,
		      struct vfs_inode **ret)
{
	struct mq_node *n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	vfs_inode_init(&n->vi, &sb->vsb, &node_iops, &node_fops, S_IFREG);
	set_attrs(n, q);
	snprintf(n->name, sizeof(n->name), "%s", name);
	*ret = &n->vi;
	return 0;
}

static int root_lookup(struct vfs_inode *dir, const char *name, struct vfs_inode **ret)
{
	struct mqueuefs_sb *sb = MQ_SB(dir->sb);
	struct mqueuefs_queue q;
	int r = sb->p->get(sb->arg, name, &q);
	return r < 0 ? r : node_inode(sb, name, &q, ret);
}

static int node_revalidate(struct vfs_dentry *d)
{
	struct mqueuefs_sb *sb = MQ_SB(d->sb);
	struct mq_node *n = MQ_NODE(d->inode);
	struct mqueuefs_queue q;
	int r = sb->p->get(sb->arg, n->name, &q);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (q.serial != n->serial)
		return 0;
	set_attrs(n, &q); /* a chmod through mq_* or another mount */
	return 1;
}

/* open(O_CREAT) of a new name: a queue of the default attributes, as the
 * kernel's mqueue_create() without attributes. */
static int root_mknod(struct vfs_inode *dir, const char *name, const struct vfs_new *nw,
		      struct vfs_inode **ret)
{
	struct mqueuefs_sb *sb = MQ_SB(dir->sb);
	if (!S_ISREG(nw->mode))
		return -EPERM;
	int r = sb->p->create(sb->arg, name, nw->uid, nw->gid, nw->mode & 0777);
	if (r < 0)
		return r;
	struct mqueuefs_queue q;
	r = sb->p->get(sb->arg, name, &q);
	return r < 0 ? r : node_inode(sb, name, &q, ret);
}

static int root_unlink(struct vfs_inode *dir, const char *name, struct vfs_inode *inode)
{
	(void)inode;
	struct mqueuefs_sb *sb = MQ_SB(dir->sb);
	return sb->p->unlink(sb->arg, name);
}

static int root_setattr(struct vfs_inode *inode, const struct vfs_iattr *a)
{
	if (a->valid & VFS_ATTR_SIZE)
		return -EINVAL;
	if (a->valid & VFS_ATTR_MODE)
		inode->mode = (inode->mode & S_IFMT) | (a->mode & 07777);
	if (a->valid & VFS_ATTR_UID)
		inode->uid = a->uid;
	if (a->valid & VFS_ATTR_GID)
		inode->gid = a->gid;
	if (a->valid & VFS_ATTR_ATIME)
		inode->atime = a->atime;
	if (a->valid & VFS_ATTR_MTIME)
		inode->mtime = a->mtime;
	if (a->valid & VFS_ATTR_CTIME)
		inode->ctime = a->ctime;
	return 0;
}

/* A queue's owner, group and mode are the provider's (its mq_open checks
 * read them); times live in the inode, as in the kernel's. */
static int node_setattr(struct vfs_inode *inode, const struct vfs_iattr *a)
{
	struct mqueuefs_sb *sb = MQ_SB(inode->sb);
	struct mq_node *n = MQ_NODE(inode);
	if (a->valid & VFS_ATTR_SIZE)
		return -EINVAL;
	if (a->valid & (VFS_ATTR_MODE | VFS_ATTR_UID | VFS_ATTR_GID)) {
		uid_t uid = a->valid & VFS_ATTR_UID ? a->uid : inode->uid;
		gid_t gid = a->valid & VFS_ATTR_GID ? a->gid : inode->gid;
		mode_t mode = a->valid & VFS_ATTR_MODE ? a->mode : inode->mode;
		int r = sb->p->chattr(sb->arg, n->name, uid, gid, mode & 0777);
		if (r < 0)
			return r;
	}
	return root_setattr(inode, a);
}

/* Cookies: a queue's serial + 2, stable while queues come and go. */
static int root_iterate(struct vfs_file *file, vfs_filldir_t fill, void *arg)
{
	struct mqueuefs_sb *sb = MQ_SB(file->inode->sb);
	uint64_t after = file->pos > 2 ? (uint64_t)file->pos - 2 : 0;
	char name[NAME_MAX + 1];
	struct mqueuefs_queue q;
	for (;;) {
		int r = sb->p->next(sb->arg, after, name, &q);
		if (r <= 0)
			return r;
		if (!fill(arg, name, (unsigned)strlen(name), q.serial + ROOT_INO, DT_REG,
			  (int64_t)q.serial + 2))
			return 0;
		after = q.serial;
	}
}

static int node_open(struct vfs_file *file)
{
	struct mqueuefs_sb *sb = MQ_SB(file->inode->sb);
	int fd = sb->p->open(sb->arg, MQ_NODE(file->inode)->name, file->flags);
	if (fd < 0)
		return fd;
	file->host_fd = fd;
	return 0;
}

static const struct vfs_inode_ops root_iops = {
	.lookup = root_lookup,
	.mknod = root_mknod,
	.unlink = root_unlink,
	.setattr = root_setattr,
};

static const struct vfs_file_ops root_fops = {
	.iterate = root_iterate,
};

static const struct vfs_inode_ops node_iops = {
	.revalidate = node_revalidate,
	.setattr = node_setattr,
};

static const struct vfs_file_ops node_fops = {
	.open = node_open,
};

static void mq_evict(struct vfs_inode *inode)
{
	if (inode->ops == &node_iops)
		free(MQ_NODE(inode));
	else
		free(inode);
}

static void mq_destroy(struct vfs_sb *vsb)
{
	free(MQ_SB(vsb));
}

static int mq_statfs(struct vfs_sb *sb, struct statfs *st)
{
	(void)sb;
	st->f_bsize = 4096;
	st->f_frsize = 4096;
	st->f_namelen = 255;
	return 0;
}

static void mq_show(struct vfs_sb *sb, struct vfs_sb_show *ret)
{
	(void)sb;
	ret->fstype = "mqueue";
	ret->source = "mqueue";
	snprintf(ret->options, sizeof(ret->options), "rw");
}

static const struct vfs_sb_ops mq_sb_ops = {
	.statfs = mq_statfs,
	.show = mq_show,
	.evict = mq_evict,
	.destroy = mq_destroy,
};

int mqueuefs_new(const struct mqueuefs_provider *provider, void *arg, struct vfs_sb **ret)
{
	struct mqueuefs_sb *sb = calloc(1, sizeof(*sb));
	struct vfs_inode *root = calloc(1, sizeof(*root));
	if (!sb || !root) {
		free(sb);
		free(root);
		return -ENOMEM;
	}
	sb->p = provider;
	sb->arg = arg;
	vfs_inode_init(root, &sb->vsb, &root_iops, &root_fops, S_IFDIR | 01777);
	root->ino = ROOT_INO;
	root->nlink = 2;
	int r = vfs_sb_init(&sb->vsb, &mq_sb_ops, 0, MQUEUE_MAGIC_NUMBER, root);
	if (r < 0) {
		free(sb);
		return r;
	}
	*ret = &sb->vsb;
	return 0;
}
