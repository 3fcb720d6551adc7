/* Attributes, xattrs and open files of overlay inodes (Linux's inode.c
 * and file.c). Reads go to the topmost real object; every change copies
 * up first and goes to the upper one.
 *
 * An open regular file is an open of its real file: read-only from a
 * lower layer it is the lower's own fd (no copy-up; the program reads it
 * natively, so it keeps reading the lower if the file is copied up later,
 * where overlayfs's stacked file operations would switch to the upper:
 * docs/overlay.md); any write access copies up first. The real file's host object is registered
 * as this inode's (vfs_inode_set_host), so the sentry maps the program's
 * fd back to the overlay inode, not the layer's. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fs/overlay/ovl_private.h"

/* XATTR_NAME_MAX + NUL, and room for the escape */
#define XATTR_NAME_BUF (255 + 1 + 8)

int ovl_getattr(struct vfs_inode *inode)
{
	return ovl_refresh(OVL_I(inode));
}

int ovl_setattr(struct vfs_inode *inode, const struct vfs_iattr *attr)
{
	struct ovl_inode *oi = OVL_I(inode);
	int r = ovl_copy_up(oi);
	if (r < 0)
		return r;
	struct vfs_inode *ui = vfs_file_inode(oi->upper);
	if (!ui->ops->setattr)
		return -EPERM;
	r = ui->ops->setattr(ui, attr);
	int rr = ovl_refresh(oi);
	return r < 0 ? r : rr;
}

/* The real name of an xattr the program names: the overlay's own
 * namespace is escaped (trusted.overlay.X is stored as
 * trusted.overlay.overlay.X), as overlayfs does since Linux 6.7, so the
 * program can use the names without touching the overlay's own. */
static const char *real_name(struct ovl_sb *osb, const char *name, char *buf, size_t size)
{
	if (!ovl_is_private_xattr(osb, name))
		return name;
	size_t n = strlen(osb->prefix);
	if ((size_t)snprintf(buf, size, "%soverlay.%s", osb->prefix, name + n) >= size)
		return NULL;
	return buf;
}

/* Is real name an escaped one, and what does the program see? */
static const char *unescaped(struct ovl_sb *osb, const char *real, char *buf, size_t size)
{
	if (!ovl_is_private_xattr(osb, real))
		return real;
	size_t n = strlen(osb->prefix);
	if (strncmp(real + n, "overlay.", 8) != 0)
		return NULL; /* the overlay's own */
	snprintf(buf, size, "%s%s", osb->prefix, real + n + 8);
	return buf;
}

ssize_t ovl_getxattr(struct vfs_inode *inode, const char *name, void *buf, size_t size)
{
	char esc[XATTR_NAME_BUF];
	const char *rn = real_name(OVL_SB(inode->sb), name, esc, sizeof(esc));
	if (!rn)
		return -ERANGE;
	struct vfs_inode *ri = ovl_real_inode(OVL_I(inode));
	return ri->ops->getxattr ? ri->ops->getxattr(ri, rn, buf, size) : -EOPNOTSUPP;
}

/* The real list, escaped names unescaped, the overlay's own left out. */
ssize_t ovl_listxattr(struct vfs_inode *inode, char *buf, size_t size)
{
	struct ovl_sb *osb = OVL_SB(inode->sb);
	struct vfs_inode *ri = ovl_real_inode(OVL_I(inode));
	if (!ri->ops->listxattr)
		return 0;
	ssize_t n = ri->ops->listxattr(ri, NULL, 0);
	if (n <= 0)
		return n == -EOPNOTSUPP ? 0 : n;
	char *all = malloc((size_t)n);
	if (!all)
		return -ENOMEM;
	n = ri->ops->listxattr(ri, all, (size_t)n);
	size_t out = 0;
	for (char *real = all; n > 0 && real < all + n; real += strlen(real) + 1) {
		char tmp[XATTR_NAME_BUF];
		const char *name = unescaped(osb, real, tmp, sizeof(tmp));
		if (!name)
			continue;
		size_t len = strlen(name) + 1;
		if (size && out + len > size) {
			free(all);
			return -ERANGE;
		}
		if (size)
			memcpy((char *)buf + out, name, len);
		out += len;
	}
	free(all);
	return n < 0 ? n : (ssize_t)out;
}

int ovl_setxattr(struct vfs_inode *inode, const char *name, const void *value, size_t size,
		 int flags)
{
	struct ovl_inode *oi = OVL_I(inode);
	char esc[XATTR_NAME_BUF];
	const char *rn = real_name(OVL_SB(inode->sb), name, esc, sizeof(esc));
	if (!rn)
		return -ERANGE;
	int r = ovl_copy_up(oi);
	if (r < 0)
		return r;
	struct vfs_inode *ui = vfs_file_inode(oi->upper);
	if (!ui->ops->setxattr)
		return -EOPNOTSUPP;
	r = ui->ops->setxattr(ui, rn, value, size, flags);
	int rr = ovl_refresh(oi);
	return r < 0 ? r : rr;
}

int ovl_removexattr(struct vfs_inode *inode, const char *name)
{
	struct ovl_inode *oi = OVL_I(inode);
	char esc[XATTR_NAME_BUF];
	const char *rn = real_name(OVL_SB(inode->sb), name, esc, sizeof(esc));
	if (!rn)
		return -ERANGE;
	/* Removing what is not there changes nothing: no copy-up for it. */
	struct vfs_inode *ri = ovl_real_inode(oi);
	if (!oi->upper && ri->ops->getxattr && ri->ops->getxattr(ri, rn, NULL, 0) == -ENODATA)
		return -ENODATA;
	int r = ovl_copy_up(oi);
	if (r < 0)
		return r;
	struct vfs_inode *ui = vfs_file_inode(oi->upper);
	if (!ui->ops->removexattr)
		return -EOPNOTSUPP;
	r = ui->ops->removexattr(ui, rn);
	int rr = ovl_refresh(oi);
	return r < 0 ? r : rr;
}

static ssize_t ovl_readlink(struct vfs_inode *inode, char *buf, size_t size)
{
	struct vfs_inode *ri = ovl_real_inode(OVL_I(inode));
	return ri->ops->readlink ? ri->ops->readlink(ri, buf, size) : -EINVAL;
}

const struct vfs_inode_ops ovl_file_iops = {
	OVL_ATTR_OPS,
};

const struct vfs_inode_ops ovl_symlink_iops = {
	.readlink = ovl_readlink,
	OVL_ATTR_OPS,
};

/* The real layer's FIFO, as overlayfs opens the real inode's: no copy-up
 * (a FIFO's open changes nothing stored). */
static int ovl_fifo_node(struct vfs_inode *inode)
{
	struct vfs_inode *ri = ovl_real_inode(OVL_I(inode));
	return ri->ops->fifo_node ? ri->ops->fifo_node(ri) : -EOPNOTSUPP;
}

const struct vfs_inode_ops ovl_special_iops = {
	.fifo_node = ovl_fifo_node,
	OVL_ATTR_OPS,
};

#define REAL_OPEN_FLAGS (O_ACCMODE | O_APPEND | O_NONBLOCK | O_NOATIME | O_SYNC | O_DSYNC)

static int ovl_open(struct vfs_file *file)
{
	struct ovl_inode *oi = OVL_I(file->inode);
	if ((file->flags & O_ACCMODE) != O_RDONLY) {
		int r = ovl_copy_up(oi);
		if (r < 0)
			return r;
	}
	struct vfs_file *real;
	int r = vfs_path_open(vfs_file_path(ovl_real(oi)), file->flags & REAL_OPEN_FLAGS, &real);
	if (r < 0)
		return r;
	file->private = real;
	file->host_fd = vfs_file_host_fd(real);
	if (file->host_fd < 0) {
		vfs_file_put(real);
		file->private = NULL;
		return -EIO;
	}
	struct stat st;
	if (fstat(file->host_fd, &st) == 0)
		vfs_inode_set_host(&oi->vi, st.st_dev, st.st_ino);
	return 0;
}

static void ovl_release(struct vfs_file *file)
{
	file->host_fd = -1; /* the real file's: it closes it */
	vfs_file_put(file->private);
}

static int ovl_take_host_fd(struct vfs_file *file)
{
	file->host_fd = -1;
	return vfs_file_take_host_fd(file->private);
}

static ssize_t ovl_write_begin(struct vfs_file *file, size_t len)
{
	struct vfs_file *real = file->private;
	struct vfs_inode *ri = vfs_file_inode(real);
	if (ri->fops && ri->fops->write_begin)
		return ri->fops->write_begin(real, len);
	return (ssize_t)len;
}

const struct vfs_file_ops ovl_file_fops = {
	.open = ovl_open,
	.release = ovl_release,
	.take_host_fd = ovl_take_host_fd,
	.write_begin = ovl_write_begin,
};
