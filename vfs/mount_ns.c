/* Mount namespaces: a copy of the whole tree (unshare(CLONE_NEWNS)) and
 * pivot_root(2), as fs/namespace.c's copy_mnt_ns() and pivot_root() do
 * them. The VFS has no namespace object: a namespace is a tree, named by
 * its root mount (the one whose parent is itself), and the caller (the
 * sentry) keeps which task uses which tree. */
#include <linux/capability.h>

#include "vfs/vfs_private.h"

int vfs_mount_copy_ns(struct vfs_mount *base, struct vfs_ctx *ctx, struct vfs_mount **ret)
{
	struct vfs_mount *nb;
	int r = vfs_mount_new(base->sb, base->root, base->flags, &nb);
	if (r < 0)
		return r;
	nb->locked = base->locked;
	struct vfs_copy_map map = {.from = {ctx->root.mnt, ctx->cwd.mnt}};
	for (size_t i = 0; i < VFS_COPY_MAP_N; i++)
		if (map.from[i] == base)
			map.to[i] = nb;
	r = vfs_copy_children(base, base->root, nb, &map);
	if (r < 0) {
		vfs_mount_tree_put(nb);
		return r;
	}
	/* The caller's root and cwd move to their copies; one on a mount
	 * outside the tree (detached) stays where it is, as the kernel's. */
	struct vfs_path *at[VFS_COPY_MAP_N] = {&ctx->root, &ctx->cwd};
	for (size_t i = 0; i < VFS_COPY_MAP_N; i++) {
		if (!map.to[i])
			continue;
		struct vfs_mount *old = at[i]->mnt;
		at[i]->mnt = vfs_mount_get(map.to[i]);
		vfs_mount_put(old);
	}
	*ret = nb;
	return 0;
}

/* The tree's root above m, or NULL when m is detached from every tree. */
static struct vfs_mount *tree_of(struct vfs_mount *m)
{
	while (m->parent != m) {
		if (!m->attached)
			return NULL;
		m = m->parent;
	}
	return m;
}

/* is_path_reachable(): whether (m, d) is at or below `root`, climbing
 * mountpoints. */
static bool reachable(struct vfs_mount *m, struct vfs_dentry *d, const struct vfs_path *root)
{
	while (m != root->mnt && m->parent != m) {
		d = m->mountpoint;
		m = m->parent;
	}
	return m == root->mnt && vfs_d_is_ancestor(root->dentry, d);
}

int vfs_pivot_root(struct vfs_ctx *ctx, const char *new_root, const char *put_old,
		   struct vfs_mount **base, struct vfs_path *old_ret, struct vfs_path *new_ret)
{
	if (!vfs_capable(&ctx->cred, CAP_SYS_ADMIN))
		return -EPERM;
	struct vfs_path nw, old;
	int r = vfs_walk(ctx, NULL, new_root, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &nw);
	if (r < 0)
		return r;
	r = vfs_walk(ctx, NULL, put_old, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &old);
	if (r < 0) {
		vfs_path_put(&nw);
		return r;
	}
	struct vfs_path root = ctx->root;
	struct vfs_mount *new_mnt = nw.mnt, *root_mnt = root.mnt, *old_mnt = old.mnt;
	r = -EINVAL;
	/* check_mnt(): both in the caller's namespace */
	if (tree_of(root_mnt) != *base || tree_of(new_mnt) != *base)
		goto out;
	r = -ENOENT;
	if (nw.dentry->flags & VFS_D_DEAD)
		goto out;
	r = -EBUSY; /* a loop, or on the same filesystem mount */
	if (new_mnt == root_mnt || old_mnt == root_mnt)
		goto out;
	r = -EINVAL;
	if (root.dentry != root_mnt->root || nw.dentry != new_mnt->root ||
	    new_mnt->parent == new_mnt)
		goto out; /* not mount roots, or new_root the absolute root */
	if (!reachable(old_mnt, old.dentry, &nw) || !reachable(new_mnt, nw.dentry, &root))
		goto out; /* put_old not under new_root, or new_root not under "/" */
	r = 0;
	/* new_root comes off its parent; the root goes onto put_old and
	 * new_root where the root was. A root that is the tree's own root
	 * (the emulate backend's base tmpfs: the kernel backend's root
	 * always has a parent) leaves new_root as the tree's root. */
	struct vfs_path root_at = {.mnt = root_mnt->parent, .dentry = root_mnt->mountpoint};
	bool root_attached = root_mnt->parent != root_mnt;
	if (root_attached)
		vfs_path_get(&root_at);
	vfs_mount_unattach(new_mnt);
	vfs_mount_reattach(root_mnt, &old);
	if (root_mnt->locked) {
		new_mnt->locked = true;
		root_mnt->locked = false;
	}
	if (root_attached) {
		/* the tree's reference unattach handed over is the tree's again */
		vfs_mount_reattach(new_mnt, &root_at);
		vfs_path_put(&root_at);
	} else {
		/* the root's own reference went to the tree at put_old; the
		 * tree's reference on new_root is the new root's own */
		*base = new_mnt;
	}
	*old_ret = root;
	vfs_path_get(old_ret);
	*new_ret = nw;
	vfs_path_get(new_ret);
out:
	vfs_path_put(&old);
	vfs_path_put(&nw);
	return r;
}

void vfs_ctx_repoint(struct vfs_ctx *ctx, const struct vfs_path *from, const struct vfs_path *to)
{
	struct vfs_path *at[] = {&ctx->root, &ctx->cwd};
	for (size_t i = 0; i < 2; i++) {
		if (at[i]->mnt != from->mnt || at[i]->dentry != from->dentry)
			continue;
		vfs_path_get(to);
		vfs_path_put(at[i]);
		*at[i] = *to;
	}
}
