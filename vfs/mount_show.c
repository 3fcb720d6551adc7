/* The mount table as a list, for /proc/<pid>/mountinfo and friends: what
 * each mount is, where it is seen from a context's root, and what its
 * filesystem says about itself (sb->ops->show). Reads the tree only. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "vfs/vfs_private.h"

/* The path of dentry d0 below its sb's root, prefixed with the instance's
 * own root within its device. */
static int root_within(const struct vfs_sb_show *sh, struct vfs_dentry *d0, char *buf,
		       size_t size)
{
	struct vfs_dentry *d = d0;
	char tmp[PATH_MAX];
	size_t pos = sizeof(tmp) - 1;
	tmp[pos] = '\0';
	for (; !vfs_d_is_root(d); d = d->parent) {
		if (d->len + 1 > pos)
			return -ENAMETOOLONG;
		pos -= d->len;
		memcpy(tmp + pos, d->name, d->len);
		tmp[--pos] = '/';
	}
	const char *prefix = sh->root && strcmp(sh->root, "/") != 0 ? sh->root : "";
	const char *rest = tmp + pos;
	if (!*prefix && !*rest)
		rest = "/";
	/* An unlinked root (a bind of a deleted file): dentry_path's mark. */
	int n = snprintf(buf, size, "%s%s%s", prefix, rest, d0->flags & VFS_D_DEAD ? "//deleted" : "");
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

struct shown {
	struct vfs_mount *m;
	int parent_id;
};

struct walk {
	struct shown *v;
	size_t n, cap;
};

static int show_one(struct vfs_ctx *ctx, const struct shown *e,
		    int (*fn)(void *arg, const struct vfs_mount_info *mi), void *arg)
{
	struct vfs_mount *m = e->m;
	struct vfs_sb_show sh = {.fstype = "none", .source = "none"};
	snprintf(sh.options, sizeof(sh.options), "rw");
	if (m->sb->ops->show)
		m->sb->ops->show(m->sb, &sh);
	char mp[PATH_MAX], root[PATH_MAX];
	/* Where it is mounted, as Linux's show_mountinfo: the mount point in
	 * the parent, so a bind of an unlinked file is not "(deleted)" there;
	 * the context's root mount is named by its own root. */
	struct vfs_path at = {.mnt = m, .dentry = m->root};
	if (m->parent != m && m != ctx->root.mnt)
		at = (struct vfs_path){.mnt = m->parent, .dentry = m->mountpoint};
	int r = vfs_path_name(ctx, &at, mp, sizeof(mp));
	if (r < 0)
		return r;
	r = root_within(&sh, m->root, root, sizeof(root));
	if (r < 0)
		return r;
	struct vfs_mount_info mi = {
		.id = m->id,
		.parent_id = e->parent_id,
		.dev = vfs_inode_dev(m->root->inode), /* what stat of its root says */
		.flags = m->flags, /* not the instance's: proc is read-only and shows rw */
		.mountpoint = mp,
		.root = root,
		.fstype = sh.fstype,
		.source = sh.source,
		.options = sh.options,
	};
	return fn(arg, &mi);
}

/* Every mount seen from the context, parents before children. */
static int collect(struct walk *w, struct vfs_mount *m, int parent_id)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 32;
		struct shown *v = realloc(w->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n++] = (struct shown){.m = m, .parent_id = parent_id};
	struct list_head *pos;
	list_for_each(pos, &m->children) {
		struct vfs_mount *c = container_of(pos, struct vfs_mount, sibling);
		int r = collect(w, c, m->id);
		if (r)
			return r;
	}
	return 0;
}

static int by_id(const void *a, const void *b)
{
	int x = ((const struct shown *)a)->m->id, y = ((const struct shown *)b)->m->id;
	return (x > y) - (x < y);
}

int vfs_mounts_foreach(struct vfs_ctx *ctx, int (*fn)(void *arg, const struct vfs_mount_info *mi),
		       void *arg)
{
	struct walk w = {0};
	struct vfs_mount *top = ctx->root.mnt;
	/* The root's parent is outside the table, as a container's is. */
	int r = collect(&w, top, top->parent != top ? top->parent->id : 1);
	/* In the order they were mounted, as the kernel lists a namespace's
	 * mounts (not the tree's order): ids only grow. */
	if (r == 0)
		qsort(w.v, w.n, sizeof(*w.v), by_id);
	for (size_t i = 0; r == 0 && i < w.n; i++)
		r = show_one(ctx, &w.v[i], fn, arg);
	free(w.v);
	return r;
}
