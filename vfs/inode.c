/* Inodes: reference counting, the host identity table, device numbers.
 *
 * Invariants:
 *   - inode->refs counts dentries naming it plus explicit vfs_inode_get()s;
 *     at zero, sb->ops->evict frees it (after it leaves the host table).
 *   - The host table maps (host_dev, host_ino) of an inode's backing object
 *     to the inode; an inode is in it iff host_node is hashed. It holds no
 *     reference: evict removes the entry first. */
#include <sys/sysmacros.h>
#include <time.h>

#include "vfs/vfs_private.h"

#define HOST_BUCKETS 4096
static struct hlist_head host_table[HOST_BUCKETS];

static unsigned host_hash(dev_t dev, ino_t ino)
{
	return hash_ptr((const void *)(size_t)(ino * 31 + dev)) & (HOST_BUCKETS - 1);
}

struct vfs_stats vfs_live;

void vfs_get_stats(struct vfs_stats *ret)
{
	*ret = vfs_live;
}

void vfs_inode_init(struct vfs_inode *inode, struct vfs_sb *sb, const struct vfs_inode_ops *ops,
		    const struct vfs_file_ops *fops, mode_t mode)
{
	inode->ops = ops;
	inode->fops = fops;
	inode->sb = sb;
	inode->refs = 1;
	inode->mode = mode;
	inode->deny_write = 0;
	vfs_live.inodes++;
	inode->nlink = 1;
	struct timespec now = vfs_now();
	inode->atime = inode->mtime = inode->ctime = inode->btime = now;
	hlist_node_init(&inode->host_node);
}

struct vfs_inode *vfs_inode_get(struct vfs_inode *inode)
{
	inode->refs++;
	return inode;
}

void vfs_inode_put(struct vfs_inode *inode)
{
	if (!inode || --inode->refs > 0)
		return;
	hlist_del_init(&inode->host_node);
	vfs_live.inodes--;
	inode->sb->ops->evict(inode);
}

void vfs_deny_write(struct vfs_inode *inode)
{
	inode->deny_write++;
}

void vfs_allow_write(struct vfs_inode *inode)
{
	if (inode->deny_write > 0)
		inode->deny_write--;
}

int vfs_get_write_access(const struct vfs_inode *inode)
{
	return inode->deny_write > 0 ? -ETXTBSY : 0;
}

void vfs_inode_set_host(struct vfs_inode *inode, dev_t dev, ino_t ino)
{
	hlist_del_init(&inode->host_node);
	inode->host_dev = dev;
	inode->host_ino = ino;
	hlist_add_head(&inode->host_node, &host_table[host_hash(dev, ino)]);
}

struct vfs_inode *vfs_inode_by_host(dev_t dev, ino_t ino)
{
	struct hlist_node *pos;
	hlist_for_each(pos, &host_table[host_hash(dev, ino)])
	{
		struct vfs_inode *i = container_of(pos, struct vfs_inode, host_node);
		if (i->host_dev == dev && i->host_ino == ino)
			return i;
	}
	return NULL;
}

bool vfs_host_is_private(dev_t dev, ino_t ino)
{
	/* Not vfs_inode_by_host: an overlay's inode registers its upper
	 * file's identity too, and may come first. */
	struct hlist_node *pos;
	hlist_for_each(pos, &host_table[host_hash(dev, ino)])
	{
		struct vfs_inode *i = container_of(pos, struct vfs_inode, host_node);
		if (i->host_dev == dev && i->host_ino == ino && (i->sb->flags & VFS_SB_PRIVATE_HOST))
			return true;
	}
	return false;
}

struct timespec vfs_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts;
}

/* Anonymous devices as Linux numbers them (major 0, minors from 1000 so
 * they do not collide with the host's low anonymous minors in a
 * comparison); never reused: an instance lives for a sandbox. */
dev_t vfs_anon_dev(void)
{
	static unsigned next_minor = 1000;
	return makedev(0, next_minor++);
}

int vfs_refresh(struct vfs_inode *inode)
{
	if (inode->ops->getattr)
		return inode->ops->getattr(inode);
	return 0;
}

int vfs_refresh_perms(struct vfs_inode *inode)
{
	if (inode->sb && (inode->sb->flags & VFS_SB_OWN_PERMS))
		return 0;
	return vfs_refresh(inode);
}

struct vfs_inode *vfs_path_inode(const struct vfs_path *p)
{
	return p->dentry->inode;
}

bool vfs_file_is_foreign(const struct vfs_file *f)
{
	return f->inode->flags & VFS_I_FOREIGN;
}

bool vfs_file_is_snapshot(const struct vfs_file *f)
{
	return (f->inode->sb->flags & VFS_SB_SNAPSHOTS) && !vfs_file_is_foreign(f);
}
