/* Dentries and the dentry cache.
 *
 * Invariants:
 *   - A dentry references its inode (always, never NULL: there are no
 *     negative dentries) and its parent (except a root, whose parent is
 *     itself).
 *   - A live dentry is hashed in the cache under (parent, name) and linked
 *     in parent->subdirs; a dead one (VFS_D_DEAD) is neither, and lives on
 *     only while referenced (an open unlinked file).
 *   - Pinned filesystems: each live dentry holds one extra reference, the
 *     pin (VFS_D_PINNED), so the tree is the namespace. vfs_d_delete drops
 *     it.
 *   - Cached filesystems: a dentry whose count drops to zero stays hashed
 *     on its sb's LRU (VFS_D_LRU, refs 0); past VFS_LRU_MAX the oldest are
 *     freed. An unhashed dentry is freed at zero.
 * The cache is one global table: single-threaded, documented in vfs.h. */
#include "vfs/vfs_private.h"

/* Unreferenced cached dentries kept per filesystem (hostfs holds an O_PATH
 * fd per cached inode, so this is also an fd budget): vfs_set_cache_limit. */
static unsigned vfs_lru_max = 4096;
#define VFS_LRU_MAX vfs_lru_max

void vfs_set_cache_limit(unsigned n)
{
	vfs_lru_max = n < 16 ? 16 : n;
}

static struct hlist_head *dcache;
static unsigned dcache_mask; /* size - 1 */
static unsigned dcache_count;

static unsigned d_hash(const struct vfs_dentry *parent, const char *name, unsigned len)
{
	return hash_bytes(name, len, hash_ptr(parent));
}

static void dcache_insert(struct vfs_dentry *d)
{
	hlist_add_head(&d->hnode, &dcache[d->hash & dcache_mask]);
	dcache_count++;
}

/* Doubles the table; on ENOMEM keeps the old one (longer chains only). */
static void dcache_grow(void)
{
	unsigned nsize = dcache ? (dcache_mask + 1) * 2 : 1024;
	struct hlist_head *n = calloc(nsize, sizeof(*n));
	if (!n)
		return;
	if (dcache) {
		for (unsigned i = 0; i <= dcache_mask; i++) {
			struct hlist_node *pos, *tmp;
			hlist_for_each_safe(pos, tmp, &dcache[i])
			{
				struct vfs_dentry *d = container_of(pos, struct vfs_dentry, hnode);
				hlist_node_init(pos);
				hlist_add_head(pos, &n[d->hash & (nsize - 1)]);
			}
		}
		free(dcache);
	}
	dcache = n;
	dcache_mask = nsize - 1;
}

static void dcache_remove(struct vfs_dentry *d)
{
	if (hlist_unhashed(&d->hnode))
		return;
	hlist_del_init(&d->hnode);
	dcache_count--;
}

struct vfs_dentry *vfs_dentry_get(struct vfs_dentry *d)
{
	if (d->flags & VFS_D_LRU) {
		list_del_init(&d->lru);
		d->flags &= ~VFS_D_LRU;
		d->sb->nr_lru--;
	}
	d->refs++;
	return d;
}

static int set_name(struct vfs_dentry *d, const char *name, unsigned len)
{
	char *n = d->iname;
	if (len >= sizeof(d->iname)) {
		n = malloc(len + 1);
		if (!n)
			return -ENOMEM;
	}
	memcpy(n, name, len);
	n[len] = '\0';
	if (d->name && d->name != d->iname)
		free(d->name);
	d->name = n;
	d->len = len;
	return 0;
}

static void d_free(struct vfs_dentry *d)
{
	vfs_live.dentries--;
	if (d->name != d->iname)
		free(d->name);
	free(d);
}

/* Frees d (refs 0, unhashed or being pruned) and walks up the parents whose
 * count this drops to zero, iteratively. */
static void d_kill(struct vfs_dentry *d)
{
	while (d) {
		struct vfs_dentry *parent = vfs_d_is_root(d) ? NULL : d->parent;
		dcache_remove(d);
		if (!list_empty(&d->child))
			list_del_init(&d->child);
		vfs_inode_put(d->inode);
		d_free(d);
		d = NULL;
		if (parent) {
			if (--parent->refs > 0)
				continue;
			if (!hlist_unhashed(&parent->hnode) && !(parent->sb->flags & VFS_SB_DYING) &&
			    !(parent->sb->flags & VFS_SB_PINNED)) {
				list_add(&parent->lru, &parent->sb->lru);
				parent->flags |= VFS_D_LRU;
				parent->sb->nr_lru++;
				continue;
			}
			d = parent;
		}
	}
}

static void lru_prune(struct vfs_sb *sb, unsigned keep)
{
	while (sb->nr_lru > keep) {
		struct vfs_dentry *victim = container_of(sb->lru.prev, struct vfs_dentry, lru);
		list_del_init(&victim->lru);
		victim->flags &= ~VFS_D_LRU;
		sb->nr_lru--;
		d_kill(victim);
	}
}

void vfs_dentry_put(struct vfs_dentry *d)
{
	if (!d)
		return;
	if (--d->refs > 0)
		return;
	struct vfs_sb *sb = d->sb;
	if (!hlist_unhashed(&d->hnode) && !(sb->flags & (VFS_SB_DYING | VFS_SB_PINNED))) {
		list_add(&d->lru, &sb->lru);
		d->flags |= VFS_D_LRU;
		sb->nr_lru++;
		unsigned max = VFS_LRU_MAX / (sb->lru_weight > 1 ? sb->lru_weight : 1);
		if (sb->nr_lru > max)
			lru_prune(sb, max / 2);
		return;
	}
	d_kill(d);
}

struct vfs_dentry *vfs_d_lookup(struct vfs_dentry *parent, const char *name, unsigned len)
{
	if (!dcache)
		return NULL;
	unsigned h = d_hash(parent, name, len);
	struct hlist_node *pos;
	hlist_for_each(pos, &dcache[h & dcache_mask])
	{
		struct vfs_dentry *d = container_of(pos, struct vfs_dentry, hnode);
		if (d->hash == h && d->parent == parent && d->len == len &&
		    memcmp(d->name, name, len) == 0)
			return vfs_dentry_get(d);
	}
	return NULL;
}

static struct vfs_dentry *d_new(struct vfs_sb *sb, const char *name, unsigned len)
{
	struct vfs_dentry *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	if (set_name(d, name, len) < 0) {
		free(d);
		return NULL;
	}
	d->refs = 1;
	d->sb = sb;
	vfs_live.dentries++;
	hlist_node_init(&d->hnode);
	list_init(&d->child);
	list_init(&d->subdirs);
	list_init(&d->lru);
	d->next_cookie = 3;
	return d;
}

int vfs_d_alloc(struct vfs_dentry *parent, const char *name, unsigned len,
		struct vfs_inode *inode, struct vfs_dentry **ret)
{
	struct vfs_dentry *d = d_new(parent->sb, name, len);
	if (!d) {
		vfs_inode_put(inode);
		return -ENOMEM;
	}
	if (dcache_count >= dcache_mask + 1 || !dcache)
		dcache_grow();
	if (!dcache) {
		vfs_inode_put(inode);
		d_free(d);
		return -ENOMEM;
	}
	d->inode = inode;
	d->parent = vfs_dentry_get(parent);
	d->hash = d_hash(parent, name, len);
	d->cookie = parent->next_cookie++;
	list_add_tail(&d->child, &parent->subdirs);
	dcache_insert(d);
	if (d->sb->flags & VFS_SB_PINNED) {
		d->flags |= VFS_D_PINNED;
		d->refs++;
	}
	*ret = d;
	return 0;
}

int vfs_d_alloc_anon(struct vfs_sb *sb, const char *name, struct vfs_inode *inode,
		     struct vfs_dentry **ret)
{
	struct vfs_dentry *d = d_new(sb, name, (unsigned)strlen(name));
	if (!d) {
		vfs_inode_put(inode);
		return -ENOMEM;
	}
	/* In no directory and never found by name: dead from the start. */
	d->inode = inode;
	d->parent = vfs_dentry_get(sb->root);
	d->flags |= VFS_D_DEAD;
	*ret = d;
	return 0;
}

int vfs_sb_init(struct vfs_sb *sb, const struct vfs_sb_ops *ops, unsigned flags,
		unsigned long magic, struct vfs_inode *root)
{
	sb->ops = ops;
	sb->refs = 1;
	sb->flags = flags;
	sb->magic = magic;
	sb->dev = vfs_anon_dev();
	list_init(&sb->lru);
	sb->nr_lru = 0;
	sb->lru_weight = 1;
	struct vfs_dentry *d = d_new(sb, "/", 1);
	if (!d) {
		vfs_inode_put(root);
		return -ENOMEM;
	}
	d->inode = root;
	d->parent = d;
	sb->root = d;
	return 0;
}

void vfs_d_delete(struct vfs_dentry *d)
{
	dcache_remove(d);
	if (!list_empty(&d->child))
		list_del_init(&d->child);
	d->flags |= VFS_D_DEAD;
	if (d->flags & VFS_D_PINNED) {
		d->flags &= ~VFS_D_PINNED;
		vfs_dentry_put(d);
	}
}

void vfs_d_invalidate(struct vfs_dentry *d)
{
	dcache_remove(d);
	if (!list_empty(&d->child))
		list_del_init(&d->child);
}

int vfs_d_move(struct vfs_dentry *d, struct vfs_dentry *newparent, const char *name,
	       unsigned len)
{
	int r = set_name(d, name, len);
	if (r < 0)
		return r;
	dcache_remove(d);
	list_del_init(&d->child);
	if (d->parent != newparent) {
		struct vfs_dentry *old = d->parent;
		d->parent = vfs_dentry_get(newparent);
		vfs_dentry_put(old);
	}
	d->hash = d_hash(newparent, d->name, len);
	d->cookie = newparent->next_cookie++;
	list_add_tail(&d->child, &newparent->subdirs);
	dcache_insert(d);
	return 0;
}

void vfs_d_exchange(struct vfs_dentry *a, struct vfs_dentry *b)
{
	dcache_remove(a);
	dcache_remove(b);
	list_del_init(&a->child);
	list_del_init(&b->child);
	/* Swap names by swapping storage (inline names must be copied). */
	char abuf[sizeof(a->iname)];
	char *aname = a->name == a->iname ? memcpy(abuf, a->iname, sizeof(abuf)) : a->name;
	char *bname = b->name;
	unsigned alen = a->len;
	if (b->name == b->iname) {
		memcpy(a->iname, b->iname, sizeof(a->iname));
		a->name = a->iname;
	} else {
		a->name = bname;
	}
	a->len = b->len;
	if (aname == abuf) {
		memcpy(b->iname, abuf, sizeof(b->iname));
		b->name = b->iname;
	} else {
		b->name = aname;
	}
	b->len = alen;
	struct vfs_dentry *ap = a->parent;
	a->parent = b->parent;
	b->parent = ap;
	/* New cookies at each tail keep every subdirs list sorted by cookie
	 * (what readdir relies on); a concurrent readdir may see an exchanged
	 * name twice, as Linux allows. */
	a->cookie = a->parent->next_cookie++;
	b->cookie = b->parent->next_cookie++;
	a->hash = d_hash(a->parent, a->name, a->len);
	b->hash = d_hash(b->parent, b->name, b->len);
	list_add_tail(&a->child, &a->parent->subdirs);
	list_add_tail(&b->child, &b->parent->subdirs);
	dcache_insert(a);
	dcache_insert(b);
}

bool vfs_d_has_children(struct vfs_dentry *dir)
{
	return !list_empty(&dir->subdirs);
}

bool vfs_d_is_ancestor(struct vfs_dentry *d, struct vfs_dentry *e)
{
	for (;;) {
		if (e == d)
			return true;
		if (vfs_d_is_root(e))
			return false;
		e = e->parent;
	}
}

/* Drops the pins of root's whole subtree, children before parents, without
 * recursion: descend to a leaf, unpin it, climb. */
void vfs_d_kill_tree(struct vfs_dentry *root)
{
	struct vfs_dentry *d = root;
	for (;;) {
		if (!list_empty(&d->subdirs)) {
			d = list_first_entry(&d->subdirs, struct vfs_dentry, child);
			continue;
		}
		if (d == root)
			return;
		struct vfs_dentry *parent = d->parent;
		/* Unlink from the parent first so the descent terminates even if
		 * someone still references d. */
		vfs_d_delete(d);
		d = parent;
	}
}

void vfs_d_shrink_sb(struct vfs_sb *sb)
{
	lru_prune(sb, 0);
}
