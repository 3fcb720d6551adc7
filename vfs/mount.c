/* Filesystem instances, mounts, the mount tree and the task context.
 *
 * Ownership (see struct vfs_mount in vfs_private.h):
 *   - sb->refs: one per mount of it, plus the creator's until vfs_sb_put.
 *     At zero the instance tears down its dentries and ->destroy frees it.
 *   - A mount holds sb and its root dentry. An attached mount holds its
 *     parent mount and its mountpoint dentry, and the tree holds it (one
 *     reference, "attached"); detaching drops that.
 *   - A vfs_path holds one reference on each half. */
#include <linux/capability.h>
#include <limits.h>
#include <stdio.h>
#include <sys/mount.h>

#include "vfs/vfs_private.h"

void vfs_sb_get(struct vfs_sb *sb)
{
	sb->refs++;
}

void vfs_sb_put(struct vfs_sb *sb)
{
	if (!sb || --sb->refs > 0)
		return;
	sb->flags |= VFS_SB_DYING;
	if (sb->flags & VFS_SB_PINNED)
		vfs_d_kill_tree(sb->root);
	vfs_d_shrink_sb(sb);
	struct vfs_dentry *root = sb->root;
	sb->root = NULL;
	vfs_dentry_put(root);
	sb->ops->destroy(sb);
}

struct vfs_mount *vfs_mount_get(struct vfs_mount *m)
{
	m->refs++;
	return m;
}

void vfs_mount_put(struct vfs_mount *m)
{
	if (!m || --m->refs > 0)
		return;
	/* Not attached any more (the attachment is a reference). */
	if (m->parent != m) {
		vfs_dentry_put(m->mountpoint);
		vfs_mount_put(m->parent);
	}
	struct vfs_sb *sb = m->sb;
	vfs_dentry_put(m->root);
	free(m);
	vfs_live.mounts--;
	vfs_sb_put(sb);
}

int vfs_mount_new(struct vfs_sb *sb, struct vfs_dentry *root, unsigned long flags,
		  struct vfs_mount **ret)
{
	if (flags & ~(unsigned long)VFS_MNT_FLAGS)
		return -EINVAL;
	struct vfs_mount *m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	static int next_id = 20; /* below: ids a table's root's parent can take */
	m->refs = 1;
	m->id = next_id++;
	m->flags = flags;
	vfs_live.mounts++;
	m->sb = sb;
	vfs_sb_get(sb);
	m->root = vfs_dentry_get(root);
	m->parent = m;
	m->mountpoint = m->root;
	list_init(&m->children);
	list_init(&m->sibling);
	*ret = m;
	return 0;
}

int vfs_mount_root(struct vfs_sb *sb, unsigned long flags, struct vfs_mount **ret)
{
	return vfs_mount_new(sb, sb->root, flags, ret);
}

/* Attaches m (consuming the caller's reference, which becomes the tree's)
 * on the location at. */
void vfs_mount_attach(struct vfs_mount *m, const struct vfs_path *at)
{
	m->parent = vfs_mount_get(at->mnt);
	m->mountpoint = vfs_dentry_get(at->dentry);
	at->dentry->mounted++;
	list_add_tail(&m->sibling, &at->mnt->children);
	m->attached = true;
}

void vfs_mount_reattach(struct vfs_mount *m, const struct vfs_path *at)
{
	bool was = m->attached;
	struct vfs_dentry *old_point = m->mountpoint;
	struct vfs_mount *old_parent = m->parent;
	if (was) {
		list_del_init(&m->sibling);
		old_point->mounted--;
	}
	m->parent = vfs_mount_get(at->mnt);
	m->mountpoint = vfs_dentry_get(at->dentry);
	at->dentry->mounted++;
	list_add_tail(&m->sibling, &at->mnt->children);
	m->attached = true;
	if (was) {
		vfs_dentry_put(old_point);
		vfs_mount_put(old_parent);
	}
}

void vfs_mount_unattach(struct vfs_mount *m)
{
	if (!m->attached)
		return;
	list_del_init(&m->sibling);
	m->mountpoint->mounted--;
	vfs_dentry_put(m->mountpoint);
	vfs_mount_put(m->parent);
	m->parent = m;
	m->mountpoint = m->root;
	m->attached = false;
}

/* Detaches m and everything below it. */
static void detach_tree(struct vfs_mount *m)
{
	while (!list_empty(&m->children)) {
		struct vfs_mount *c = container_of(m->children.prev, struct vfs_mount, sibling);
		detach_tree(c);
	}
	if (!m->attached)
		return;
	list_del_init(&m->sibling);
	m->mountpoint->mounted--;
	m->attached = false;
	/* The parent and mountpoint references stay until m's last reference
	 * goes (an open file below may still walk ".." out of it). */
	vfs_mount_put(m);
}

void vfs_mount_tree_put(struct vfs_mount *root)
{
	while (!list_empty(&root->children)) {
		struct vfs_mount *c = container_of(root->children.prev, struct vfs_mount, sibling);
		detach_tree(c);
	}
	vfs_mount_put(root);
}

struct vfs_mount *vfs_lookup_mnt(struct vfs_mount *m, struct vfs_dentry *d)
{
	struct vfs_mount *found = NULL;
	struct list_head *pos;
	list_for_each(pos, &m->children)
	{
		struct vfs_mount *c = container_of(pos, struct vfs_mount, sibling);
		if (c->mountpoint == d)
			found = c; /* the last attached is on top */
	}
	return found;
}

/* --- locations and the context ------------------------------------------ */

void vfs_path_get(const struct vfs_path *p)
{
	vfs_mount_get(p->mnt);
	vfs_dentry_get(p->dentry);
}

void vfs_path_put(struct vfs_path *p)
{
	if (!p->mnt)
		return;
	vfs_dentry_put(p->dentry);
	vfs_mount_put(p->mnt);
	p->mnt = NULL;
	p->dentry = NULL;
}

static void path_replace(struct vfs_path *dst, struct vfs_path *src)
{
	vfs_path_put(dst);
	*dst = *src;
	src->mnt = NULL;
	src->dentry = NULL;
}

void vfs_cred_init(struct vfs_cred *cred, uid_t uid, gid_t gid)
{
	memset(cred, 0, sizeof(*cred));
	cred->ruid = cred->euid = uid;
	cred->rgid = cred->egid = gid;
	cred->caps = uid == 0 ? VFS_CAPS_ALL : 0;
	cred->caps_permitted = cred->caps;
}

void vfs_ctx_init(struct vfs_ctx *ctx, struct vfs_mount *mnt, const struct vfs_cred *cred)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->cred = *cred;
	ctx->umask = 022;
	/* What is mounted on the tree's root is the root: a walk starts at a
	 * location and never descends into mounts on it (as Linux's), so a
	 * root left under a mount on "/" would hide that mount from every
	 * absolute path. This is what bubblewrap gets with pivot_root. */
	struct vfs_mount *top;
	while (mnt->root->mounted && (top = vfs_lookup_mnt(mnt, mnt->root)))
		mnt = top;
	ctx->root.mnt = mnt;
	ctx->root.dentry = mnt->root;
	vfs_path_get(&ctx->root);
	ctx->cwd = ctx->root;
	vfs_path_get(&ctx->cwd);
}

void vfs_ctx_destroy(struct vfs_ctx *ctx)
{
	vfs_path_put(&ctx->cwd);
	vfs_path_put(&ctx->root);
}

mode_t vfs_umask(struct vfs_ctx *ctx, mode_t mask)
{
	mode_t old = ctx->umask;
	ctx->umask = mask & 0777;
	return old;
}

static int walk_dir(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path,
		    struct vfs_path *ret)
{
	struct vfs_path p;
	int r = vfs_walk(ctx, dirf, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &p);
	if (r < 0)
		return r;
	r = vfs_permission(&ctx->cred, p.dentry->inode, MAY_EXEC);
	if (r < 0) {
		vfs_path_put(&p);
		return r;
	}
	*ret = p;
	return 0;
}

int vfs_chdir(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path)
{
	struct vfs_path p;
	int r = walk_dir(ctx, dirf, path, &p);
	if (r == 0)
		path_replace(&ctx->cwd, &p);
	return r;
}

int vfs_fchdir(struct vfs_ctx *ctx, struct vfs_file *f)
{
	if (!S_ISDIR(f->inode->mode))
		return -ENOTDIR;
	int r = vfs_permission(&ctx->cred, f->inode, MAY_EXEC);
	if (r < 0)
		return r;
	struct vfs_path p = f->path;
	vfs_path_get(&p);
	path_replace(&ctx->cwd, &p);
	return 0;
}

int vfs_chroot(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path)
{
	struct vfs_path p;
	int r = walk_dir(ctx, dirf, path, &p);
	if (r < 0)
		return r;
	if (!vfs_capable(&ctx->cred, CAP_SYS_CHROOT)) {
		vfs_path_put(&p);
		return -EPERM;
	}
	path_replace(&ctx->root, &p);
	return 0;
}

/* d_path: the name of p as seen from ctx->root. */
int vfs_path_name(struct vfs_ctx *ctx, const struct vfs_path *p, char *buf, size_t size)
{
	struct vfs_mount *m = p->mnt;
	struct vfs_dentry *d = p->dentry;
	bool dead = d->flags & VFS_D_DEAD;
	char tmp[PATH_MAX];
	size_t pos = sizeof(tmp) - 1;
	tmp[pos] = '\0';
	bool reachable = true;
	for (;;) {
		if (m == ctx->root.mnt && d == ctx->root.dentry)
			break;
		if (d == m->root) {
			if (m->parent == m) {
				reachable = false;
				break;
			}
			d = m->mountpoint;
			m = m->parent;
			continue;
		}
		if (d->len + 1 > pos)
			return -ENAMETOOLONG;
		pos -= d->len;
		memcpy(tmp + pos, d->name, d->len);
		tmp[--pos] = '/';
		d = d->parent;
	}
	if (pos == sizeof(tmp) - 1)
		tmp[--pos] = '/';
	const char *prefix = reachable ? "" : "(unreachable)";
	const char *suffix = dead ? " (deleted)" : "";
	size_t n = strlen(prefix) + (sizeof(tmp) - 1 - pos) + strlen(suffix) + 1;
	if (n > size)
		return -ERANGE;
	snprintf(buf, size, "%s%s%s", prefix, tmp + pos, suffix);
	return (int)n;
}

int vfs_getcwd(struct vfs_ctx *ctx, char *buf, size_t size)
{
	if (ctx->cwd.dentry->flags & VFS_D_DEAD)
		return -ENOENT;
	return vfs_path_name(ctx, &ctx->cwd, buf, size);
}

/* --- mount entry points --------------------------------------------------- */

int vfs_mount(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, struct vfs_sb *sb,
	      unsigned long flags)
{
	if (!vfs_capable(&ctx->cred, CAP_SYS_ADMIN))
		return -EPERM;
	struct vfs_path at;
	int r = vfs_walk(ctx, dirf, path, LOOKUP_FOLLOW, &at);
	if (r < 0)
		return r;
	if (!S_ISDIR(at.dentry->inode->mode) && S_ISDIR(sb->root->inode->mode)) {
		vfs_path_put(&at);
		return -ENOTDIR;
	}
	struct vfs_mount *m;
	r = vfs_mount_new(sb, sb->root, flags, &m);
	if (r == 0)
		vfs_mount_attach(m, &at);
	vfs_path_put(&at);
	return r;
}

/* The mounts below `src` whose mountpoint is under `below` (a dentry of
 * src's), copied onto `copy` (src's copy) with their flags, recursively:
 * the kernel's copy_tree() for MS_BIND|MS_REC. With a map, each copy of
 * a mount the map names is noted there (vfs_mount_copy_ns). */
int vfs_copy_children(struct vfs_mount *src, struct vfs_dentry *below, struct vfs_mount *copy,
		      struct vfs_copy_map *map)
{
	struct list_head *pos;
	for (pos = src->children.next; pos != &src->children; pos = pos->next) {
		struct vfs_mount *c = container_of(pos, struct vfs_mount, sibling);
		if (!vfs_d_is_ancestor(below, c->mountpoint))
			continue;
		struct vfs_mount *m;
		int r = vfs_mount_new(c->sb, c->root, c->flags, &m);
		if (r < 0)
			return r;
		m->locked = c->locked && map; /* a namespace's copy, not a bind's */
		struct vfs_path at = {.mnt = copy, .dentry = c->mountpoint};
		vfs_mount_attach(m, &at);
		for (size_t i = 0; map && i < VFS_COPY_MAP_N; i++)
			if (map->from[i] == c)
				map->to[i] = m;
		r = vfs_copy_children(c, c->root, m, map);
		if (r < 0)
			return r;
	}
	return 0;
}

int vfs_bind_path(struct vfs_ctx *ctx, const struct vfs_path *from, struct vfs_file *dstdirf,
		  const char *dst, unsigned long flags)
{
	if (!vfs_capable(&ctx->cred, CAP_SYS_ADMIN))
		return -EPERM;
	struct vfs_path at;
	int r = vfs_walk(ctx, dstdirf, dst, LOOKUP_FOLLOW, &at);
	if (r < 0)
		return r;
	if (S_ISDIR(at.dentry->inode->mode) != S_ISDIR(from->dentry->inode->mode)) {
		r = S_ISDIR(at.dentry->inode->mode) ? -ENOTDIR : -EISDIR;
		goto out_at;
	}
	struct vfs_mount *m;
	unsigned long mflags = flags & VFS_BIND_SOURCE_FLAGS ? from->mnt->flags
							     : flags & ~(unsigned long)MS_REC;
	r = vfs_mount_new(from->mnt->sb, from->dentry, mflags, &m);
	if (r == 0 && (flags & MS_REC)) {
		r = vfs_copy_children(from->mnt, from->dentry, m, NULL);
		if (r < 0)
			vfs_mount_tree_put(m);
	}
	if (r == 0)
		vfs_mount_attach(m, &at);
out_at:
	vfs_path_put(&at);
	return r;
}

int vfs_bind(struct vfs_ctx *ctx, struct vfs_file *srcdirf, const char *src,
	     struct vfs_file *dstdirf, const char *dst, unsigned long flags)
{
	if (!vfs_capable(&ctx->cred, CAP_SYS_ADMIN))
		return -EPERM;
	struct vfs_path from;
	int r = vfs_walk(ctx, srcdirf, src, LOOKUP_FOLLOW, &from);
	if (r < 0)
		return r;
	r = vfs_bind_path(ctx, &from, dstdirf, dst, flags);
	vfs_path_put(&from);
	return r;
}

/* The mount root path names. `mountpoint`: umount's LOOKUP_MOUNTPOINT,
 * which goes on into what is mounted on the place a walk ends at even
 * where a walk does not look (its start: ".", "/", "" with a dirfd), so
 * that umount2(".") after pivot_root(".", ".") takes the old root off. */
static int walk_mount_root_at(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path,
			      bool mountpoint, struct vfs_path *ret)
{
	if (!vfs_capable(&ctx->cred, CAP_SYS_ADMIN))
		return -EPERM;
	int r = vfs_walk(ctx, dirf, path, LOOKUP_FOLLOW | (mountpoint ? LOOKUP_MOUNTPOINT : 0),
			 ret);
	if (r < 0)
		return r;
	if (ret->dentry != ret->mnt->root) {
		vfs_path_put(ret);
		return -EINVAL;
	}
	return 0;
}

static int walk_mount_root(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path,
			   struct vfs_path *ret)
{
	return walk_mount_root_at(ctx, dirf, path, false, ret);
}

int vfs_remount(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, unsigned long flags)
{
	if (flags & ~(unsigned long)VFS_MNT_FLAGS)
		return -EINVAL;
	struct vfs_path p;
	int r = walk_mount_root(ctx, dirf, path, &p);
	if (r < 0)
		return r;
	p.mnt->flags = flags;
	vfs_path_put(&p);
	return 0;
}

/* Whether m may not be unmounted nor moved (EINVAL): a tree's own root,
 * or a locked mount (the sandbox's root, as the kernel backend's pivoted
 * root is locked in its user namespace). Mounts stacked on it later may
 * go, and so may a root the program made itself (umount2(".") after
 * pivot_root(".", ".") takes the old root off that way). */
static bool is_root(struct vfs_mount *m)
{
	return m->parent == m || m->locked;
}

void vfs_mount_lock(struct vfs_mount *m)
{
	m->locked = true;
}

int vfs_move(struct vfs_ctx *ctx, struct vfs_file *srcdirf, const char *src,
	     struct vfs_file *dstdirf, const char *dst)
{
	struct vfs_path from, at;
	int r = walk_mount_root(ctx, srcdirf, src, &from);
	if (r < 0)
		return r;
	r = vfs_walk(ctx, dstdirf, dst, LOOKUP_FOLLOW, &at);
	if (r < 0)
		goto out_from;
	struct vfs_mount *m = from.mnt;
	if (!m->attached || is_root(m)) {
		r = -EINVAL;
		goto out;
	}
	/* not onto itself or below: the mount would hold itself up */
	for (struct vfs_mount *p = at.mnt;; p = p->parent) {
		if (p == m) {
			r = -ELOOP;
			goto out;
		}
		if (p->parent == p)
			break;
	}
	if (S_ISDIR(at.dentry->inode->mode) != S_ISDIR(m->root->inode->mode)) {
		r = S_ISDIR(at.dentry->inode->mode) ? -ENOTDIR : -EISDIR;
		goto out;
	}
	/* m alone moves (its children stay on it) */
	vfs_mount_reattach(m, &at);
out:
	vfs_path_put(&at);
out_from:
	vfs_path_put(&from);
	return r;
}

int vfs_mount_flags(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path,
		    unsigned long *flags)
{
	struct vfs_path p;
	int r = walk_mount_root(ctx, dirf, path, &p);
	if (r < 0)
		return r;
	*flags = p.mnt->flags;
	vfs_path_put(&p);
	return 0;
}

int vfs_umount(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path)
{
	struct vfs_path p;
	int r = walk_mount_root_at(ctx, dirf, path, true, &p);
	if (r < 0)
		return r;
	if (!p.mnt->attached || is_root(p.mnt))
		r = -EINVAL;
	else
		detach_tree(p.mnt);
	vfs_path_put(&p);
	return r;
}
