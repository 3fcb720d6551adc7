/* The path walk, written once for every entry point (after Linux's
 * fs/namei.c, without the RCU walk: we are single-threaded).
 *
 * A walk holds references on nd->root and nd->cur and nothing else; every
 * step swaps cur for its successor. Components are checked for search
 * permission on the directory they are looked up in (may_lookup), for
 * NAME_MAX, and intermediate results must be directories (ENOTDIR).
 *
 * Symlinks are followed by splicing: the body of a link met with `rest`
 * still to walk becomes the string "body/rest", kept in nd->bufs until the
 * walk is released. An absolute body restarts at nd->root (the sandbox root,
 * or the dirfd under RESOLVE_IN_ROOT). At most VFS_MAXSYMLINKS links per
 * walk (ELOOP).
 *
 * ".." never climbs above nd->root (it stays there, or EXDEV under
 * RESOLVE_BENEATH), climbs out of a mount's root to its mountpoint, and the
 * result of every step descends into what is mounted on it. */
#include <limits.h>
#include <stdio.h>

#include "vfs/vfs_private.h"

uint64_t vfs_walk_gen;
pid_t vfs_walk_caller;

unsigned vfs_at_lookup_flags(int at_flags)
{
	unsigned f = 0;
	if (!(at_flags & AT_SYMLINK_NOFOLLOW))
		f |= LOOKUP_FOLLOW;
	if (at_flags & AT_EMPTY_PATH)
		f |= LOOKUP_EMPTY;
	return f;
}

/* Replace cur by (m, d); both are new references the walk takes over. */
static void set_cur(struct vfs_nameidata *nd, struct vfs_mount *m, struct vfs_dentry *d)
{
	vfs_path_put(&nd->cur);
	nd->cur.mnt = m;
	nd->cur.dentry = d;
}

static bool at_root(const struct vfs_nameidata *nd)
{
	return nd->cur.mnt == nd->root.mnt && nd->cur.dentry == nd->root.dentry;
}

void vfs_nd_release(struct vfs_nameidata *nd)
{
	vfs_path_put(&nd->cur);
	vfs_path_put(&nd->root);
	for (int i = 0; i < nd->nbufs; i++)
		free(nd->bufs[i]);
	nd->nbufs = 0;
}

static int nd_init(struct vfs_nameidata *nd, struct vfs_ctx *ctx, struct vfs_file *dirf,
		   const char *path, unsigned flags)
{
	memset(nd, 0, sizeof(*nd));
	if (!ctx->nested) {
		vfs_walk_gen++;
		vfs_walk_caller = ctx->caller;
	}
	nd->ctx = ctx;
	nd->cred = &ctx->cred;
	nd->flags = flags;
	if (strnlen(path, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;
	if (!*path && !(flags & LOOKUP_EMPTY))
		return -ENOENT;
	const struct vfs_path *start = dirf ? &dirf->path : &ctx->cwd;
	if (flags & (LOOKUP_BENEATH | LOOKUP_IN_ROOT))
		nd->root = *start;
	else
		nd->root = ctx->root;
	vfs_path_get(&nd->root);
	if (*path == '/' && !(flags & LOOKUP_IN_ROOT)) {
		if (flags & LOOKUP_BENEATH)
			return -EXDEV;
		nd->cur = nd->root;
	} else if (*path == '/') {
		/* RESOLVE_IN_ROOT: the dirfd is the root, and must be a dir */
		if (!S_ISDIR(start->dentry->inode->mode))
			return -ENOTDIR;
		nd->cur = nd->root;
	} else {
		if (*path && !S_ISDIR(start->dentry->inode->mode))
			return -ENOTDIR;
		nd->cur = *start;
	}
	vfs_path_get(&nd->cur);
	return 0;
}

/* One component in a directory: the cache first (revalidated for cached
 * filesystems), then ->lookup. */
static int lookup_child(struct vfs_dentry *dir, const char *name, unsigned len,
			struct vfs_dentry **ret)
{
	struct vfs_dentry *d = vfs_d_lookup(dir, name, len);
	if (d && d->inode->ops->revalidate) {
		int r = d->inode->ops->revalidate(d);
		if (r < 0) {
			vfs_dentry_put(d);
			return r;
		}
		if (r == 0) {
			vfs_d_invalidate(d);
			vfs_dentry_put(d);
			d = NULL;
		}
	}
	if (d) {
		*ret = d;
		return 0;
	}
	if (dir->flags & VFS_D_DEAD)
		return -ENOENT;
	/* The name's length is the filesystem's lookup's to refuse (tmpfs'
	 * simple_lookup): a walk only splits the path, so a long last
	 * component loses to an earlier failure (rename's other parent). */
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	if ((dir->sb->flags & VFS_SB_PINNED) || !dir->inode->ops->lookup)
		return -ENOENT;
	char buf[NAME_MAX + 1];
	memcpy(buf, name, len);
	buf[len] = '\0';
	struct vfs_inode *inode;
	int r = dir->inode->ops->lookup(dir->inode, buf, &inode);
	if (r < 0)
		return r;
	r = vfs_d_alloc(dir, name, len, inode, ret);
	if (r == 0 && dir->inode->ops->looked_up)
		dir->inode->ops->looked_up(*ret);
	return r;
}

/* Descend into whatever is mounted on cur. */
static int follow_mounts(struct vfs_nameidata *nd)
{
	while (nd->cur.dentry->mounted) {
		struct vfs_mount *c = vfs_lookup_mnt(nd->cur.mnt, nd->cur.dentry);
		if (!c)
			break;
		if (nd->flags & LOOKUP_NO_XDEV)
			return -EXDEV;
		set_cur(nd, vfs_mount_get(c), vfs_dentry_get(c->root));
	}
	return 0;
}

static int follow_dotdot(struct vfs_nameidata *nd)
{
	for (;;) {
		if (at_root(nd)) {
			if (nd->flags & LOOKUP_BENEATH)
				return -EXDEV;
			return 0;
		}
		if (nd->cur.dentry != nd->cur.mnt->root)
			break;
		struct vfs_mount *m = nd->cur.mnt;
		/* The top of a tree: ".." stays, on what is mounted there (a
		 * walk that started outside its root, after a chroot, meets
		 * the same root a walk from "/" does). */
		if (m->parent == m)
			return follow_mounts(nd);
		if (nd->flags & LOOKUP_NO_XDEV)
			return -EXDEV;
		set_cur(nd, vfs_mount_get(m->parent), vfs_dentry_get(m->mountpoint));
	}
	set_cur(nd, vfs_mount_get(nd->cur.mnt), vfs_dentry_get(nd->cur.dentry->parent));
	return follow_mounts(nd);
}

/* Makes the walk continue with link's body followed by rest (and a
 * trailing slash if asked). On success *next is the string to walk, cur is
 * where it starts. */
static int follow_link(struct vfs_nameidata *nd, struct vfs_dentry *link, const char *rest,
		       bool slash, const char **next)
{
	if (nd->flags & LOOKUP_NO_SYMLINKS)
		return -ELOOP;
	if (++nd->total_links > VFS_MAXSYMLINKS)
		return -ELOOP;
	struct vfs_inode *inode = link->inode;
	/* may_follow_link (fs.protected_symlinks): in a sticky world-writable
	 * directory (cur), only links of the follower or of the directory's
	 * owner are followed. */
	struct vfs_inode *dir = nd->cur.dentry->inode;
	if (vfs_protected.symlinks && !vfs_is_owner(nd->cred, inode) &&
	    (dir->mode & (S_ISVTX | S_IWOTH)) == (S_ISVTX | S_IWOTH) &&
	    (dir->uid != inode->uid || (dir->flags & VFS_I_UID_UNMAPPED)))
		return -EACCES;
	if (inode->ops->get_link) {
		struct vfs_path to;
		/* As Linux: refused under RESOLVE_NO_MAGICLINKS, and a jump
		 * cannot stay beneath anything. */
		int r = (nd->flags & LOOKUP_NO_MAGICLINKS)		    ? -ELOOP
			: (nd->flags & (LOOKUP_BENEATH | LOOKUP_IN_ROOT)) ? -EXDEV
			: inode->ops->get_link(inode, nd->cur.mnt, &to);
		if (r == 0 && (nd->flags & LOOKUP_NO_XDEV) && to.mnt != nd->cur.mnt) {
			vfs_path_put(&to); /* nd_jump_link: no jump to another mount */
			return -EXDEV;
		}
		if (r == 0) {
			/* Jump, then walk what was left after the link. */
			set_cur(nd, to.mnt, to.dentry);
			if ((*rest || slash) && !S_ISDIR(to.dentry->inode->mode))
				return -ENOTDIR;
			char *buf = malloc(strlen(rest) + 2);
			if (!buf)
				return -ENOMEM;
			snprintf(buf, strlen(rest) + 2, "%s%s", rest, slash && !*rest ? "/" : "");
			nd->bufs[nd->nbufs++] = buf;
			*next = buf;
			return 0;
		}
		if (r != -EOPNOTSUPP)
			return r;
	}
	if (!inode->ops->readlink)
		return -EINVAL;
	size_t restlen = strlen(rest);
	char *buf = malloc(PATH_MAX + restlen + 2);
	if (!buf)
		return -ENOMEM;
	ssize_t n = inode->ops->readlink(inode, buf, PATH_MAX);
	if (n < 0 || n >= PATH_MAX) {
		free(buf);
		return n < 0 ? (int)n : -ENAMETOOLONG;
	}
	if (n == 0) {
		free(buf);
		return -ENOENT;
	}
	if (restlen) {
		buf[n++] = '/';
		memcpy(buf + n, rest, restlen);
		n += restlen;
	} else if (slash) {
		buf[n++] = '/';
	}
	buf[n] = '\0';
	nd->bufs[nd->nbufs++] = buf;
	if (buf[0] == '/') {
		if (nd->flags & LOOKUP_BENEATH)
			return -EXDEV;
		struct vfs_path r = nd->root;
		vfs_path_get(&r);
		set_cur(nd, r.mnt, r.dentry);
	}
	*next = buf;
	return 0;
}

/* Walks every component but the last; leaves it in nd->last. */
static int link_path_walk(struct vfs_nameidata *nd, const char *name)
{
	while (*name == '/')
		name++;
	if (!*name) {
		nd->last = name;
		nd->last_len = 0;
		nd->last_type = LAST_ROOT;
		nd->trailing_slash = false;
		return 0;
	}
	for (;;) {
		int r = vfs_permission(nd->cred, nd->cur.dentry->inode, MAY_EXEC);
		if (r < 0)
			return r;
		const char *c = name;
		size_t len = strcspn(name, "/");
		enum vfs_last_type type = LAST_NORM;
		if (c[0] == '.' && len == 1)
			type = LAST_DOT;
		else if (c[0] == '.' && c[1] == '.' && len == 2)
			type = LAST_DOTDOT;
		name += len;
		bool slash = *name == '/';
		while (*name == '/')
			name++;
		if (!*name) {
			nd->last = c;
			nd->last_len = (unsigned)len;
			nd->last_type = type;
			nd->trailing_slash = slash;
			return 0;
		}
		if (type == LAST_DOTDOT) {
			r = follow_dotdot(nd);
			if (r < 0)
				return r;
		} else if (type == LAST_NORM) {
			struct vfs_dentry *d;
			r = lookup_child(nd->cur.dentry, c, (unsigned)len, &d);
			if (r < 0)
				return r;
			if (S_ISLNK(d->inode->mode)) {
				const char *next;
				r = follow_link(nd, d, name, false, &next);
				vfs_dentry_put(d);
				if (r < 0)
					return r;
				name = next;
				while (*name == '/')
					name++;
				if (!*name) {
					/* The body was "/" (or slashes): the
					 * rest is empty too, so cur is the
					 * result; nothing remains. Cannot
					 * happen with a non-empty rest. */
					nd->last = name;
					nd->last_len = 0;
					nd->last_type = LAST_ROOT;
					nd->trailing_slash = false;
					return 0;
				}
				continue;
			}
			set_cur(nd, vfs_mount_get(nd->cur.mnt), d);
			r = follow_mounts(nd);
			if (r < 0)
				return r;
		}
		if (!S_ISDIR(nd->cur.dentry->inode->mode))
			return -ENOTDIR;
	}
}

int vfs_walk_parent(struct vfs_nameidata *nd, struct vfs_ctx *ctx, struct vfs_file *dirf,
		    const char *path, unsigned flags)
{
	int r = nd_init(nd, ctx, dirf, path, flags);
	if (r < 0)
		return r;
	return link_path_walk(nd, path);
}

int vfs_lookup_last(struct vfs_nameidata *nd, struct vfs_dentry **ret)
{
	return lookup_child(nd->cur.dentry, nd->last, nd->last_len, ret);
}

int vfs_nd_follow_last(struct vfs_nameidata *nd, struct vfs_dentry *link)
{
	const char *next;
	int r = follow_link(nd, link, "", nd->trailing_slash, &next);
	if (r < 0)
		return r;
	return link_path_walk(nd, next);
}

int vfs_walk_last(struct vfs_nameidata *nd, struct vfs_path *ret)
{
	for (;;) {
		if (nd->trailing_slash)
			nd->flags |= LOOKUP_FOLLOW | LOOKUP_DIRECTORY;
		int r = 0;
		switch (nd->last_type) {
		case LAST_ROOT:
		case LAST_DOT:
			if (nd->flags & LOOKUP_MOUNTPOINT)
				r = follow_mounts(nd);
			break;
		case LAST_DOTDOT:
			r = follow_dotdot(nd);
			break;
		case LAST_NORM: {
			struct vfs_dentry *d;
			r = lookup_child(nd->cur.dentry, nd->last, nd->last_len, &d);
			if (r < 0)
				return r;
			if (S_ISLNK(d->inode->mode) && (nd->flags & LOOKUP_FOLLOW)) {
				r = vfs_nd_follow_last(nd, d);
				vfs_dentry_put(d);
				if (r < 0)
					return r;
				continue;
			}
			set_cur(nd, vfs_mount_get(nd->cur.mnt), d);
			r = follow_mounts(nd);
			break;
		}
		}
		if (r < 0)
			return r;
		if ((nd->flags & LOOKUP_DIRECTORY) && !S_ISDIR(nd->cur.dentry->inode->mode))
			return -ENOTDIR;
		*ret = nd->cur;
		nd->cur.mnt = NULL;
		nd->cur.dentry = NULL;
		return 0;
	}
}

int vfs_walk(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, unsigned flags,
	     struct vfs_path *ret)
{
	struct vfs_nameidata nd;
	int r = vfs_walk_parent(&nd, ctx, dirf, path, flags);
	if (r == 0)
		r = vfs_walk_last(&nd, ret);
	vfs_nd_release(&nd);
	return r;
}
