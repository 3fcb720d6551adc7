/* The mount table as a list, for /proc/<pid>/mountinfo and friends: what
 * each mount is, where it is seen from a context's root, and what its
 * filesystem says about itself (sb->ops->show). Reads the tree only. */
#include <limits.h>
#include <stdio.h>

#include "vfs/vfs_private.h"

/* The path of dentry d below its sb's root, prefixed with the instance's
 * own root within its device. */
static int root_within(const struct vfs_sb_show *sh, struct vfs_dentry *d, char *buf,
		       size_t size)
{
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
	int n = snprintf(buf, size, "%s%s", prefix, rest);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

struct walk {
	struct vfs_ctx *ctx;
	int (*fn)(void *arg, const struct vfs_mount_info *mi);
	void *arg;
};

static int show_one(struct walk *w, struct vfs_mount *m, int parent_id)
{
	struct vfs_sb_show sh = {.fstype = "none", .source = "none"};
	snprintf(sh.options, sizeof(sh.options), "rw");
	if (m->sb->ops->show)
		m->sb->ops->show(m->sb, &sh);
	char mp[PATH_MAX], root[PATH_MAX];
	struct vfs_path at = {.mnt = m, .dentry = m->root};
	int r = vfs_path_name(w->ctx, &at, mp, sizeof(mp));
	if (r < 0)
		return r;
	r = root_within(&sh, m->root, root, sizeof(root));
	if (r < 0)
		return r;
	struct vfs_mount_info mi = {
		.id = m->id,
		.parent_id = parent_id,
		.dev = m->root->inode->sb->dev,
		.flags = m->flags, /* not the instance's: proc is read-only and shows rw */
		.mountpoint = mp,
		.root = root,
		.fstype = sh.fstype,
		.source = sh.source,
		.options = sh.options,
	};
	r = w->fn(w->arg, &mi);
	if (r)
		return r;
	struct list_head *pos;
	list_for_each(pos, &m->children) {
		struct vfs_mount *c = container_of(pos, struct vfs_mount, sibling);
		r = show_one(w, c, m->id);
		if (r)
			return r;
	}
	return 0;
}

int vfs_mounts_foreach(struct vfs_ctx *ctx, int (*fn)(void *arg, const struct vfs_mount_info *mi),
		       void *arg)
{
	struct walk w = {.ctx = ctx, .fn = fn, .arg = arg};
	struct vfs_mount *top = ctx->root.mnt;
	/* The root's parent is outside the table, as a container's is. */
	return show_one(&w, top, top->parent != top ? top->parent->id : 1);
}
