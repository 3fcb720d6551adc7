/* Extended attributes: name and size rules and xattr_permission, as
 * Linux's fs/xattr.c; storage is the filesystem's (->getxattr...).
 *
 * Namespaces: user.* (regular files and directories only; sticky
 * directories writable by their owner only), trusted.* (CAP_SYS_ADMIN),
 * security.* (no VFS restriction). Anything else: EOPNOTSUPP. No state. */
#include <linux/capability.h>
#include <sys/xattr.h>

#include "vfs/vfs_private.h"

#define XATTR_NAME_MAX 255
#define XATTR_SIZE_MAX 65536
#define XATTR_LIST_MAX 65536

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static int check_name(const char *name)
{
	size_t len = strnlen(name, XATTR_NAME_MAX + 1);
	if (len == 0 || len > XATTR_NAME_MAX)
		return -ERANGE;
	return 0;
}

/* xattr_resolve_name: a known prefix with a non-empty suffix. */
static int resolve_name(const char *name)
{
	static const char *const prefixes[] = { "user.", "trusted.", "security." };
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (has_prefix(name, prefixes[i]))
			return name[strlen(prefixes[i])] ? 0 : -EINVAL;
	return -EOPNOTSUPP;
}

static int xattr_permission(const struct vfs_cred *c, struct vfs_inode *inode, const char *name,
			    int mask)
{
	if ((mask & MAY_WRITE) && (inode->flags & (VFS_I_IMMUTABLE | VFS_I_APPEND)))
		return -EPERM;
	if (has_prefix(name, "security.") || has_prefix(name, "system."))
		return 0;
	if (has_prefix(name, "trusted.")) {
		if (!vfs_capable(c, CAP_SYS_ADMIN))
			return (mask & MAY_WRITE) ? -EPERM : -ENODATA;
		return 0;
	}
	if (has_prefix(name, "user.")) {
		if (!S_ISREG(inode->mode) && !S_ISDIR(inode->mode))
			return (mask & MAY_WRITE) ? -EPERM : -ENODATA;
		if (S_ISDIR(inode->mode) && (inode->mode & S_ISVTX) && (mask & MAY_WRITE) &&
		    !vfs_is_owner(c, inode) && !vfs_capable_wrt(c, inode, CAP_FOWNER))
			return -EPERM;
	}
	return vfs_permission(c, inode, mask);
}

static int walk(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, int flags,
		struct vfs_path *p)
{
	int r = vfs_walk(ctx, dirf, path, vfs_at_lookup_flags(flags), p);
	if (r < 0)
		return r;
	r = vfs_refresh(p->dentry->inode);
	if (r < 0)
		vfs_path_put(p);
	return r;
}

ssize_t vfs_getxattrat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, int flags,
		       const char *name, void *buf, size_t size)
{
	int r = check_name(name);
	if (r < 0)
		return r;
	if (size > XATTR_SIZE_MAX)
		size = XATTR_SIZE_MAX;
	struct vfs_path p;
	r = walk(ctx, dirf, path, flags, &p);
	if (r < 0)
		return r;
	struct vfs_inode *inode = p.dentry->inode;
	ssize_t n = xattr_permission(&ctx->cred, inode, name, MAY_READ);
	if (n == 0)
		n = resolve_name(name);
	if (n == 0)
		n = inode->ops->getxattr ? inode->ops->getxattr(inode, name, buf, size) : -EOPNOTSUPP;
	vfs_path_put(&p);
	return n;
}

/* What setxattr and removexattr share: the walk, then the kernel's checks
 * in its order (read-only mount, xattr permission, a name the filesystem
 * may take), then `change`, then ctime. */
static int xattr_change(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, int flags,
			const char *name, int (*change)(struct vfs_inode *, const void *),
			const void *arg)
{
	int r = check_name(name);
	if (r < 0)
		return r;
	struct vfs_path p;
	r = walk(ctx, dirf, path, flags, &p);
	if (r < 0)
		return r;
	struct vfs_inode *inode = p.dentry->inode;
	if (vfs_mnt_rdonly(p.mnt))
		r = -EROFS;
	if (r == 0)
		r = xattr_permission(&ctx->cred, inode, name, MAY_WRITE);
	if (r == 0)
		r = resolve_name(name);
	if (r == 0)
		r = change(inode, arg);
	if (r == 0) {
		struct vfs_iattr a = { 0 };
		vfs_notify_change(inode, &a); /* ctime */
	}
	vfs_path_put(&p);
	return r;
}

struct set_args {
	const char *name;
	const void *value;
	size_t size;
	int xflags;
};

static int do_set(struct vfs_inode *inode, const void *arg)
{
	const struct set_args *a = arg;
	return inode->ops->setxattr ? inode->ops->setxattr(inode, a->name, a->value, a->size,
							   a->xflags)
				    : -EOPNOTSUPP;
}

static int do_remove(struct vfs_inode *inode, const void *name)
{
	return inode->ops->removexattr ? inode->ops->removexattr(inode, name) : -EOPNOTSUPP;
}

int vfs_setxattrat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, int flags,
		   const char *name, const void *value, size_t size, int xflags)
{
	if (xflags & ~(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	int r = check_name(name);
	if (r < 0)
		return r;
	if (size > XATTR_SIZE_MAX)
		return -E2BIG;
	struct set_args a = {name, value, size, xflags};
	return xattr_change(ctx, dirf, path, flags, name, do_set, &a);
}

ssize_t vfs_listxattrat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, int flags,
			char *buf, size_t size)
{
	if (size > XATTR_LIST_MAX)
		size = XATTR_LIST_MAX;
	struct vfs_path p;
	int r = walk(ctx, dirf, path, flags, &p);
	if (r < 0)
		return r;
	struct vfs_inode *inode = p.dentry->inode;
	ssize_t n = 0;
	if (inode->ops->listxattr)
		n = inode->ops->listxattr(inode, buf, size);
	/* Hide trusted.* from the unprivileged, as simple_xattr_list does. */
	if (n > 0 && buf && size && !vfs_capable(&ctx->cred, CAP_SYS_ADMIN)) {
		size_t out = 0;
		for (size_t i = 0; i < (size_t)n;) {
			size_t l = strlen(buf + i) + 1;
			if (!has_prefix(buf + i, "trusted.")) {
				memmove(buf + out, buf + i, l);
				out += l;
			}
			i += l;
		}
		n = (ssize_t)out;
	}
	vfs_path_put(&p);
	return n;
}

int vfs_removexattrat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, int flags,
		      const char *name)
{
	return xattr_change(ctx, dirf, path, flags, name, do_remove, name);
}
