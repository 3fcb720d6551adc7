/* Mount namespaces in the sentry (mntns.h). */
#include "sentry/kernel/mntns.h"

#include <errno.h>
#include <stdlib.h>

struct sentry_mntns *mntns_new(struct vfs_mount *base, uint64_t id)
{
	struct sentry_mntns *ns = malloc(sizeof(*ns));
	if (ns)
		*ns = (struct sentry_mntns){.refs = 1, .base = base, .id = id};
	return ns;
}

struct sentry_mntns *mntns_get(struct sentry_mntns *ns)
{
	if (ns)
		ns->refs++;
	return ns;
}

void mntns_put(struct sentry_mntns *ns)
{
	if (!ns || --ns->refs > 0)
		return;
	if (ns->base)
		vfs_mount_tree_put(ns->base);
	free(ns);
}

/* fs (the caller's alone) moves into a copy of its namespace's tree. */
static int into_copy(struct sentry *s, struct sentry_fs *fs, long max_mounts)
{
	struct vfs_stats st;
	vfs_get_stats(&st);
	/* a copy doubles what the tree holds, at most */
	if (st.mounts * 2 > max_mounts)
		return -ENOSPC;
	struct sentry_mntns *ns = mntns_new(NULL, s->next_mntns_id);
	struct vfs_mount *base;
	int r = ns ? vfs_mount_copy_ns(fs->ns->base, &fs->ctx, &base) : -ENOMEM;
	if (r < 0) {
		free(ns);
		return r;
	}
	s->next_mntns_id++;
	ns->base = base;
	mntns_put(fs->ns);
	fs->ns = ns;
	return 0;
}

int mntns_unshare(struct sentry *s, struct sentry_task *t, long max_mounts)
{
	if (!t->fs || !t->fs->ns)
		return -ENOSYS;
	struct sentry_fs *fs = t->fs;
	if (fs->refs > 1) {
		fs = sentry_fs_copy(t->fs);
		if (!fs)
			return -ENOMEM;
	} else {
		fs->refs++;
	}
	int r = into_copy(s, fs, max_mounts);
	if (r < 0) {
		sentry_fs_put(fs);
		return r;
	}
	sentry_fs_put(t->fs);
	t->fs = fs;
	return 0;
}

int mntns_clone_prepare(struct sentry *s, struct sentry_task *t, long max_mounts)
{
	if (!t->fs || !t->fs->ns)
		return -ENOSYS;
	struct sentry_fs *fs = sentry_fs_copy(t->fs);
	if (!fs)
		return -ENOMEM;
	int r = into_copy(s, fs, max_mounts);
	if (r < 0) {
		sentry_fs_put(fs);
		return r;
	}
	sentry_fs_put(t->clone_fs);
	t->clone_fs = fs;
	return 0;
}

int mntns_pivot_root(struct sentry *s, struct sentry_task *t, const char *new_root,
		     const char *put_old)
{
	struct vfs_ctx *c = sentry_task_vfs(t);
	if (!c || !t->fs->ns)
		return -ENOSYS;
	struct sentry_mntns *ns = t->fs->ns;
	struct vfs_path from, to;
	int r = vfs_pivot_root(c, new_root, put_old, &ns->base, &from, &to);
	if (r < 0)
		return r;
	for (size_t b = 0; b < s->n_buckets; b++)
		for (struct sentry_task *o = s->buckets[b]; o; o = o->next)
			if (o->fs && o->fs->ns == ns)
				vfs_ctx_repoint(&o->fs->ctx, &from, &to);
	if (s->initial_fs && s->initial_fs->ns == ns)
		vfs_ctx_repoint(&s->initial_fs->ctx, &from, &to);
	vfs_path_put(&from);
	vfs_path_put(&to);
	return 0;
}
