/* devpts instances: the root, ptmx and the pty nodes.
 *
 * Invariants:
 *   - The root and ptmx live as long as the instance (the root dentry and
 *     sb->ptmx hold them).
 *   - A pty node's inode is made on lookup and remembered by index in
 *     sb->ptys without a reference (evict forgets it). Its dentry is a
 *     cache entry (the fs is not pinned), revalidated on every walk
 *     against the provider: a pty the provider no longer reports, or one
 *     whose index now names another pty (a new serial), is not found.
 *   - Attribute changes (chmod, chown, touch) live in the inode, as in
 *     the kernel's devpts they live in its in-memory inode. */
#include "fs/devpts/devpts.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <stdio.h>
#include <sys/sysmacros.h>

#include "base/cleanup.h"
#include "vfs/fs_ops.h"

#define ROOT_INO 1
#define PTMX_INO 2

struct pty_node {
	struct vfs_inode vi;
	unsigned index;
	uint64_t serial;
	struct pty_node *next; /* in sb->ptys */
};

struct devpts_sb {
	struct vfs_sb vsb;
	struct devpts_opts opts;
	struct vfs_inode *ptmx; /* referenced */
	struct pty_node *ptys;	/* unreferenced, see above */
};

#define DEVPTS_SB(s) container_of(s, struct devpts_sb, vsb)
#define PTY_NODE(i) container_of(i, struct pty_node, vi)

static const struct vfs_sb_ops devpts_sb_ops;
static const struct vfs_inode_ops root_iops, ptmx_iops, pty_iops;
static const struct vfs_file_ops root_fops;

static void set_attrs(struct pty_node *n, const struct devpts_pty *p, mode_t mode)
{
	n->index = p->index;
	n->serial = p->serial;
	n->vi.ino = p->ino;
	n->vi.mode = S_IFCHR | (mode & 07777);
	n->vi.uid = p->uid;
	n->vi.gid = p->gid;
	n->vi.rdev = p->rdev;
	n->vi.atime = n->vi.mtime = n->vi.ctime = n->vi.btime = p->time;
}

/* The inode for live pty `p`, with a new reference. */
static int pty_inode(struct devpts_sb *sb, const struct devpts_pty *p, struct vfs_inode **ret)
{
	for (struct pty_node *n = sb->ptys; n; n = n->next) {
		if (n->index != p->index)
			continue;
		if (n->serial != p->serial)
			set_attrs(n, p, sb->opts.mode); /* a new pty: a stale open sees it */
		*ret = vfs_inode_get(&n->vi);
		return 0;
	}
	struct pty_node *n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	vfs_inode_init(&n->vi, &sb->vsb, &pty_iops, NULL, S_IFCHR);
	set_attrs(n, p, sb->opts.mode);
	n->next = sb->ptys;
	sb->ptys = n;
	*ret = &n->vi;
	return 0;
}

/* "N" with no sign, no leading zero, fitting an unsigned. */
static int parse_index(const char *name, unsigned *ret)
{
	if (name[0] < '0' || name[0] > '9' || (name[0] == '0' && name[1]))
		return -ENOENT;
	unsigned long v = 0;
	for (const char *c = name; *c; c++) {
		if (*c < '0' || *c > '9')
			return -ENOENT;
		v = v * 10 + (unsigned long)(*c - '0');
		if (v > 0xffffffffu)
			return -ENOENT;
	}
	*ret = (unsigned)v;
	return 0;
}

static int root_lookup(struct vfs_inode *dir, const char *name, struct vfs_inode **ret)
{
	struct devpts_sb *sb = DEVPTS_SB(dir->sb);
	if (strcmp(name, "ptmx") == 0) {
		*ret = vfs_inode_get(sb->ptmx);
		return 0;
	}
	unsigned index;
	struct devpts_pty p;
	int r = parse_index(name, &index);
	if (r == 0)
		r = sb->opts.provider->get(sb->opts.arg, index, &p);
	return r < 0 ? r : pty_inode(sb, &p, ret);
}

static int pty_revalidate(struct vfs_dentry *d)
{
	struct devpts_sb *sb = DEVPTS_SB(d->sb);
	struct pty_node *n = PTY_NODE(d->inode);
	struct devpts_pty p;
	int r = sb->opts.provider->get(sb->opts.arg, n->index, &p);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	return p.serial == n->serial;
}

/* simple_setattr: the VFS has checked who may change what. */
static int node_setattr(struct vfs_inode *inode, const struct vfs_iattr *a)
{
	if (a->valid & VFS_ATTR_SIZE)
		return -EINVAL; /* not reached: only regular files truncate */
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

/* Cookies: ptmx is 3, pty N is N + 4: stable while ptys come and go, so
 * a listing in several calls neither repeats nor skips a survivor. */
static int root_iterate(struct vfs_file *file, vfs_filldir_t fill, void *arg)
{
	struct devpts_sb *sb = DEVPTS_SB(file->inode->sb);
	if (file->pos < 3 && !fill(arg, "ptmx", 4, PTMX_INO, DT_CHR, 3))
		return 0;
	long after = file->pos >= 4 ? (long)(file->pos - 4) : -1;
	struct devpts_pty p;
	for (;;) {
		int r = sb->opts.provider->next(sb->opts.arg, after, &p);
		if (r <= 0)
			return r;
		char name[16];
		int len = snprintf(name, sizeof(name), "%u", p.index);
		if (!fill(arg, name, (unsigned)len, p.ino, DT_CHR, (int64_t)p.index + 4))
			return 0;
		after = p.index;
	}
}

static const struct vfs_inode_ops root_iops = {
	.lookup = root_lookup,
	.setattr = node_setattr,
};

static const struct vfs_file_ops root_fops = {
	.iterate = root_iterate,
};

static const struct vfs_inode_ops ptmx_iops = {
	.setattr = node_setattr,
};

static const struct vfs_inode_ops pty_iops = {
	.revalidate = pty_revalidate,
	.setattr = node_setattr,
};

static void devpts_evict(struct vfs_inode *inode)
{
	if (inode->ops == &pty_iops) {
		struct devpts_sb *sb = DEVPTS_SB(inode->sb);
		for (struct pty_node **pp = &sb->ptys; *pp; pp = &(*pp)->next) {
			if (*pp == PTY_NODE(inode)) {
				*pp = (*pp)->next;
				break;
			}
		}
		free(PTY_NODE(inode));
		return;
	}
	free(inode);
}

static void devpts_destroy(struct vfs_sb *vsb)
{
	struct devpts_sb *sb = DEVPTS_SB(vsb);
	/* Every dentry is gone, and with them every pty node (an open file
	 * holds its mount, so the instance outlives its nodes). */
	if (sb->ptmx)
		vfs_inode_put(sb->ptmx);
	if (sb->opts.provider->release)
		sb->opts.provider->release(sb->opts.arg);
	free(sb);
}

static int devpts_statfs(struct vfs_sb *sb, struct statfs *st)
{
	(void)sb;
	st->f_bsize = 4096;
	st->f_frsize = 4096;
	st->f_namelen = 255;
	return 0;
}

/* As the kernel backend mounts it: newinstance,ptmxmode=0666,mode=620. */
static void devpts_show(struct vfs_sb *sb, struct vfs_sb_show *ret)
{
	(void)sb;
	ret->fstype = "devpts";
	ret->source = "devpts";
	snprintf(ret->options, sizeof(ret->options), "rw,mode=620,ptmxmode=666");
}

static const struct vfs_sb_ops devpts_sb_ops = {
	.statfs = devpts_statfs,
	.show = devpts_show,
	.evict = devpts_evict,
	.destroy = devpts_destroy,
};

static struct vfs_inode *new_inode(struct devpts_sb *sb, const struct vfs_inode_ops *ops,
				   const struct vfs_file_ops *fops, mode_t mode, uint64_t ino)
{
	struct vfs_inode *i = calloc(1, sizeof(*i));
	if (!i)
		return NULL;
	vfs_inode_init(i, &sb->vsb, ops, fops, mode);
	i->ino = ino;
	i->uid = sb->opts.uid;
	i->gid = sb->opts.gid;
	return i;
}

int devpts_new(const struct devpts_opts *opts, struct vfs_sb **ret)
{
	struct devpts_sb *sb = calloc(1, sizeof(*sb));
	if (!sb) {
		if (opts->provider->release)
			opts->provider->release(opts->arg);
		return -ENOMEM;
	}
	sb->opts = *opts;
	sb->vsb.ops = &devpts_sb_ops;
	struct vfs_inode *root = new_inode(sb, &root_iops, &root_fops, S_IFDIR | 0755, ROOT_INO);
	sb->ptmx = new_inode(sb, &ptmx_iops, NULL, S_IFCHR | (opts->ptmxmode & 07777), PTMX_INO);
	if (!root || !sb->ptmx) {
		if (root)
			vfs_inode_put(root);
		devpts_destroy(&sb->vsb);
		return -ENOMEM;
	}
	root->nlink = 2;
	sb->ptmx->rdev = makedev(5, 2);
	int r = vfs_sb_init(&sb->vsb, &devpts_sb_ops, 0, DEVPTS_MAGIC_NUMBER, root);
	if (r < 0) {
		devpts_destroy(&sb->vsb);
		return r;
	}
	if (opts->dev)
		sb->vsb.dev = opts->dev;
	*ret = &sb->vsb;
	return 0;
}

enum devpts_node devpts_node_of(const struct vfs_inode *inode, void **arg, unsigned *index)
{
	if (inode->sb->ops != &devpts_sb_ops)
		return DEVPTS_NONE;
	struct devpts_sb *sb = DEVPTS_SB(inode->sb);
	if (inode->ops == &ptmx_iops) {
		*arg = sb->opts.arg;
		return DEVPTS_PTMX;
	}
	if (inode->ops == &pty_iops) {
		*arg = sb->opts.arg;
		*index = PTY_NODE(inode)->index;
		return DEVPTS_PTY;
	}
	return DEVPTS_NONE;
}
