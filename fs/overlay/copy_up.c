/* Copy-up (Linux's copy_up.c): before the first change to an object that
 * lives only in a lower layer, its parents are copied up (directories,
 * which become merged), then the object itself: data, xattrs (the
 * overlay's own excepted), owner, mode and times.
 *
 * overlayfs builds the copy in its work directory and renames it into
 * place so no one sees a half-made copy; here the sentry's single thread
 * is the only one acting on the layers, so the copy is made in place and
 * removed again if a step fails. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs/overlay/ovl_private.h"

#define COPY_CHUNK 65536

static int copy_data(struct ovl_sb *osb, struct vfs_file *lower, struct vfs_file *dst)
{
	struct vfs_file *src;
	int r = vfs_path_open(vfs_file_path(lower), O_RDONLY, &src);
	if (r < 0)
		return r;
	char *buf = malloc(COPY_CHUNK);
	if (!buf) {
		vfs_file_put(src);
		return -ENOMEM;
	}
	for (off_t off = 0;;) {
		ssize_t n = pread(vfs_file_host_fd(src), buf, COPY_CHUNK, off);
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		ssize_t w = vfs_write(ovl_ctx(osb, 0, 0), dst, buf, (size_t)n);
		if (w < 0) {
			r = (int)w;
			break;
		}
		if (w != n) {
			r = -ENOSPC;
			break;
		}
		off += n;
	}
	free(buf);
	vfs_file_put(src);
	return r;
}

/* Every xattr but the overlay's own (escaped names are copied); one the upper does not support is
 * left behind, as overlayfs does (ovl_copy_xattr). */
static int copy_xattrs(struct ovl_sb *osb, struct vfs_inode *from, struct vfs_inode *to)
{
	if (!from->ops->listxattr)
		return 0;
	ssize_t n = from->ops->listxattr(from, NULL, 0);
	if (n == -EOPNOTSUPP || n == 0)
		return 0;
	if (n < 0)
		return (int)n;
	char *names = malloc((size_t)n);
	if (!names)
		return -ENOMEM;
	n = from->ops->listxattr(from, names, (size_t)n);
	int r = n < 0 ? (int)n : 0;
	for (char *name = names; r == 0 && name < names + n; name += strlen(name) + 1) {
		/* the lower's own overlay xattrs stay; escaped ones are data */
		if (ovl_is_private_xattr(osb, name) &&
		    strncmp(name + strlen(osb->prefix), "overlay.", 8) != 0)
			continue;
		ssize_t len = from->ops->getxattr(from, name, NULL, 0);
		if (len < 0) {
			r = (int)len;
			break;
		}
		char *v = malloc((size_t)len + 1);
		if (!v) {
			r = -ENOMEM;
			break;
		}
		len = from->ops->getxattr(from, name, v, (size_t)len);
		if (len < 0)
			r = (int)len;
		else if (!to->ops->setxattr)
			r = 0;
		else if ((r = to->ops->setxattr(to, name, v, (size_t)len, 0)) == -EOPNOTSUPP)
			r = 0;
		free(v);
	}
	free(names);
	return r;
}

/* Owner, then mode (chown may clear suid bits) and times, from li. */
static int copy_attrs(struct vfs_inode *li, struct vfs_inode *ui)
{
	int r = ui->ops->getattr ? ui->ops->getattr(ui) : 0;
	if (r < 0)
		return r;
	if (ui->uid != li->uid || ui->gid != li->gid) {
		struct vfs_iattr a = {.valid = VFS_ATTR_UID | VFS_ATTR_GID, .uid = li->uid,
				      .gid = li->gid};
		if ((r = ui->ops->setattr(ui, &a)) < 0)
			return r;
	}
	struct vfs_iattr a = {.valid = VFS_ATTR_ATIME | VFS_ATTR_MTIME, .atime = li->atime,
			      .mtime = li->mtime};
	if (!S_ISLNK(li->mode)) {
		a.valid |= VFS_ATTR_MODE;
		a.mode = li->mode;
	}
	return ui->ops->setattr(ui, &a);
}

static int make_copy(struct ovl_sb *osb, struct ovl_inode *oi, struct vfs_file *pdir,
		     struct vfs_file *lower)
{
	struct vfs_inode *li = vfs_file_inode(lower);
	struct vfs_ctx *c = ovl_ctx(osb, li->uid, li->gid);
	const char *name = oi->name;
	mode_t perm = li->mode & 07777;
	switch (li->mode & S_IFMT) {
	case S_IFDIR:
		return vfs_mkdirat(c, pdir, name, perm);
	case S_IFREG: {
		/* Owner-writable while the data goes in (an unprivileged
		 * sentry could not write a 0444 copy on the host); copy_attrs
		 * sets the lower's mode after. */
		struct vfs_file *dst;
		int r = vfs_openat(c, pdir, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, 0600,
				   &dst);
		if (r < 0)
			return r;
		r = li->size ? copy_data(osb, lower, dst) : 0;
		vfs_file_put(dst);
		return r;
	}
	case S_IFLNK: {
		char target[PATH_MAX + 1];
		ssize_t n = li->ops->readlink(li, target, sizeof(target));
		if (n < 0)
			return (int)n;
		if ((size_t)n >= sizeof(target))
			return -ENAMETOOLONG;
		target[n] = '\0';
		return vfs_symlinkat(c, target, pdir, name);
	}
	default:
		return vfs_mknodat(c, pdir, name, li->mode, li->rdev);
	}
}

int ovl_copy_up(struct ovl_inode *oi)
{
	if (oi->upper)
		return 0;
	struct ovl_sb *osb = OVL_SB(oi->vi.sb);
	if (!osb->upper.root)
		return -EROFS;
	if (!oi->parent || !oi->name)
		return -EIO; /* only the root has no parent, and it has an upper */
	int r = ovl_copy_up(oi->parent);
	if (r < 0)
		return r;
	struct vfs_file *lower = oi->lower ? oi->lower : oi->lowers[0];
	struct vfs_inode *li = vfs_file_inode(lower);
	if (li->ops->getattr && (r = li->ops->getattr(li)) < 0)
		return r;
	/* The mounter cannot own what its namespace cannot name. */
	if (li->flags & (VFS_I_UID_UNMAPPED | VFS_I_GID_UNMAPPED))
		return -EOVERFLOW;
	struct vfs_file *pdir = oi->parent->upper;
	r = make_copy(osb, oi, pdir, lower);
	if (r < 0)
		return r;
	struct vfs_file *up;
	r = vfs_openat(ovl_ctx(osb, 0, 0), pdir, oi->name, O_PATH | O_NOFOLLOW, 0, &up);
	if (r == 0) {
		struct vfs_inode *ui = vfs_file_inode(up);
		r = copy_xattrs(osb, li, ui);
		if (r == 0)
			r = copy_attrs(li, ui);
		if (r < 0)
			vfs_file_put(up);
	}
	if (r < 0) {
		vfs_unlinkat(ovl_ctx(osb, 0, 0), pdir, oi->name,
			     S_ISDIR(li->mode) ? AT_REMOVEDIR : 0);
		return r;
	}
	oi->upper = up;
	if (!S_ISDIR(li->mode)) {
		if (li->nlink == 1) {
			ovl_origin_set(osb, vfs_file_inode(up), oi->vi.st_dev, oi->vi.ino);
		} else {
			/* index off: this copy is no longer the other links' file */
			oi->vi.st_dev = osb->samefs ? 0 : osb->upper.pseudo_dev;
			oi->vi.ino = vfs_file_inode(up)->ino;
		}
	}
	vfs_inode_put(&oi->parent->vi);
	oi->parent = NULL;
	free(oi->name);
	oi->name = NULL;
	return ovl_refresh(oi);
}
