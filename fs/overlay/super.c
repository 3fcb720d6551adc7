/* Instances, inode lifetime and attributes (Linux's super.c, inode.c's
 * ovl_copyattr and util.c's identity helpers).
 *
 * Identity, as overlayfs with xino off: with layers on different
 * filesystems a directory shows the overlay's st_dev and a number of the
 * overlay's own, a non-directory the real object's st_ino on a pseudo
 * device per underlying filesystem; with every layer on one filesystem
 * everything shows the overlay's st_dev and real numbers. A copied-up
 * non-directory keeps the lower's identity unless the lower had other
 * links (index off: copy-up breaks lower hard links). */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fs/overlay/ovl_private.h"

struct vfs_ctx *ovl_ctx(struct ovl_sb *osb, uid_t uid, gid_t gid)
{
	osb->ctx.cred.ruid = osb->ctx.cred.euid = uid;
	osb->ctx.cred.rgid = osb->ctx.cred.egid = gid;
	return &osb->ctx;
}

int ovl_refresh(struct ovl_inode *oi)
{
	struct vfs_inode *ri = ovl_real_inode(oi);
	if (ri->ops->getattr) {
		int r = ri->ops->getattr(ri);
		if (r < 0)
			return r;
	}
	struct vfs_inode *vi = &oi->vi;
	vi->mode = ri->mode;
	vi->uid = ri->uid;
	vi->gid = ri->gid;
	/* (whether an O_TMPFILE may be linked is the overlay open's to say) */
	vi->flags = (vi->flags & VFS_I_LINKABLE) |
		    (ri->flags & (VFS_I_UID_UNMAPPED | VFS_I_GID_UNMAPPED));
	/* overlayfs does not count a merged directory's subdirectories:
	 * nlink 1 satisfies find and friends. */
	vi->nlink = S_ISDIR(ri->mode) && ovl_is_merged(oi) ? 1 : ri->nlink;
	vi->rdev = ri->rdev;
	vi->size = ri->size;
	vi->blocks = ri->blocks;
	vi->atime = ri->atime;
	vi->mtime = ri->mtime;
	vi->ctime = ri->ctime;
	vi->btime = ri->btime;
	return 0;
}

static unsigned origin_bucket(dev_t dev, uint64_t ino)
{
	return (unsigned)((ino * 2654435761u) ^ dev) & (OVL_ORIGIN_BUCKETS - 1);
}

void ovl_origin_set(struct ovl_sb *osb, struct vfs_inode *real, dev_t dev, uint64_t ino)
{
	struct ovl_origin *o = calloc(1, sizeof(*o));
	if (!o)
		return; /* the copy keeps its own identity, as when the origin is lost */
	o->real_dev = real->sb->dev;
	o->real_ino = real->ino;
	o->dev = dev;
	o->ino = ino;
	unsigned b = origin_bucket(o->real_dev, o->real_ino);
	o->next = osb->origins[b];
	osb->origins[b] = o;
}

bool ovl_origin_get(struct ovl_sb *osb, struct vfs_inode *real, dev_t *dev, uint64_t *ino)
{
	for (struct ovl_origin *o = osb->origins[origin_bucket(real->sb->dev, real->ino)]; o;
	     o = o->next) {
		if (o->real_dev == real->sb->dev && o->real_ino == real->ino) {
			*dev = o->dev;
			*ino = o->ino;
			return true;
		}
	}
	return false;
}

bool ovl_is_private_xattr(struct ovl_sb *osb, const char *name)
{
	return strncmp(name, osb->prefix, strlen(osb->prefix)) == 0;
}

int ovl_new_inode(struct ovl_sb *osb, struct vfs_file *upper, struct vfs_file *lower,
		  struct vfs_file **lowers, int nlowers, dev_t origin_dev, uint64_t origin_ino,
		  struct ovl_inode *parent, const char *name, struct vfs_inode **ret)
{
	struct ovl_inode *oi = calloc(1, sizeof(*oi));
	char *n = !upper && name ? strdup(name) : NULL;
	if (!oi || (!upper && name && !n)) {
		free(oi);
		free(n);
		vfs_file_put(upper);
		vfs_file_put(lower);
		for (int i = 0; i < nlowers; i++)
			vfs_file_put(lowers[i]);
		free(lowers);
		return -ENOMEM;
	}
	oi->upper = upper;
	oi->lower = lower;
	oi->lowers = lowers;
	oi->nlowers = nlowers;
	mode_t mode = ovl_real_inode(oi)->mode;
	const struct vfs_inode_ops *ops;
	const struct vfs_file_ops *fops = NULL;
	switch (mode & S_IFMT) {
	case S_IFDIR:
		ops = &ovl_dir_iops;
		fops = &ovl_dir_fops;
		break;
	case S_IFREG:
		ops = &ovl_file_iops;
		fops = &ovl_file_fops;
		break;
	case S_IFLNK:
		ops = &ovl_symlink_iops;
		break;
	default:
		ops = &ovl_special_iops;
		break;
	}
	vfs_inode_init(&oi->vi, &osb->vsb, ops, fops, mode);
	if (osb->samefs) {
		/* real numbers are unique on one filesystem: the overlay's
		 * st_dev for all, a directory's origin (lower) number */
		oi->vi.ino = !S_ISDIR(mode) ? origin_ino
			     : vfs_file_inode(nlowers ? lowers[0] : upper)->ino;
	} else if (S_ISDIR(mode)) {
		oi->vi.ino = osb->next_ino++;
	} else {
		oi->vi.ino = origin_ino;
		oi->vi.st_dev = origin_dev;
	}
	if (!upper) {
		oi->parent = parent ? OVL_I(vfs_inode_get(&parent->vi)) : NULL;
		oi->name = n;
	}
	int r = ovl_refresh(oi);
	if (r < 0) {
		vfs_inode_put(&oi->vi);
		return r;
	}
	*ret = &oi->vi;
	return 0;
}

static void ovl_evict(struct vfs_inode *inode)
{
	struct ovl_inode *oi = OVL_I(inode);
	vfs_file_put(oi->upper);
	vfs_file_put(oi->lower);
	vfs_file_put(oi->tmpfile);
	for (int i = 0; i < oi->nlowers; i++)
		vfs_file_put(oi->lowers[i]);
	free(oi->lowers);
	if (oi->parent)
		vfs_inode_put(&oi->parent->vi);
	free(oi->name);
	ovl_cookies_free(oi);
	free(oi);
}

static void ovl_destroy(struct vfs_sb *sb)
{
	struct ovl_sb *osb = OVL_SB(sb);
	vfs_file_put(osb->upper.root);
	for (int i = 0; i < osb->nlower; i++)
		vfs_file_put(osb->lower[i].root);
	free(osb->lower);
	vfs_ctx_destroy(&osb->ctx);
	for (unsigned b = 0; b < OVL_ORIGIN_BUCKETS; b++) {
		for (struct ovl_origin *o = osb->origins[b], *next; o; o = next) {
			next = o->next;
			free(o);
		}
	}
	free(osb);
}

/* The upper's figures (the top lower's without one), overlayfs's f_type. */
static int ovl_statfs(struct vfs_sb *sb, struct statfs *ret)
{
	struct ovl_sb *osb = OVL_SB(sb);
	struct vfs_file *top = osb->upper.root ? osb->upper.root : osb->lower[0].root;
	struct vfs_sb *rsb = vfs_file_inode(top)->sb;
	int r = rsb->ops->statfs(rsb, ret);
	if (r < 0)
		return r;
	ret->f_type = OVERLAYFS_MAGIC_NUMBER;
	return 0;
}

/* The options are the kernel backend's mount's paths, which the VFS has
 * no names for: type and source only. */
static void ovl_show(struct vfs_sb *sb, struct vfs_sb_show *ret)
{
	(void)sb;
	ret->fstype = "overlay";
	ret->source = "overlay";
	snprintf(ret->options, sizeof(ret->options), "rw");
}

static const struct vfs_sb_ops ovl_sb_ops = {
	.statfs = ovl_statfs,
	.show = ovl_show,
	.evict = ovl_evict,
	.destroy = ovl_destroy,
};

/* An O_PATH file on the root of mnt, which must be a directory. */
static int open_layer(struct vfs_mount *mnt, struct ovl_layer *l)
{
	struct vfs_ctx tmp;
	struct vfs_cred c;
	vfs_cred_init(&c, 0, 0);
	vfs_ctx_init(&tmp, mnt, &c);
	int r = vfs_path_open(&tmp.root, O_PATH, &l->root);
	vfs_ctx_destroy(&tmp);
	if (r < 0)
		return r;
	if (!S_ISDIR(vfs_file_inode(l->root)->mode)) {
		vfs_file_put(l->root);
		l->root = NULL;
		return -EINVAL;
	}
	return 0;
}

/* One pseudo device per underlying instance, shared by its layers. */
static struct ovl_layer *layer_at(struct ovl_sb *osb, int i)
{
	if (osb->upper.root)
		return i == 0 ? &osb->upper : &osb->lower[i - 1];
	return &osb->lower[i];
}

/* Are two layers on one filesystem? One VFS instance, or two hostfs
 * binds of one host filesystem (same f_type and nonzero f_fsid), which
 * the kernel would see as one superblock. */
static bool same_fs(const struct ovl_layer *a, const struct ovl_layer *b)
{
	static const fsid_t zero;
	if (vfs_file_inode(a->root)->sb == vfs_file_inode(b->root)->sb)
		return true;
	return a->sf.f_type == b->sf.f_type && memcmp(&a->sf.f_fsid, &zero, sizeof(zero)) != 0 &&
	       memcmp(&a->sf.f_fsid, &b->sf.f_fsid, sizeof(zero)) == 0;
}

/* One pseudo device per underlying filesystem, shared by its layers. */
static int assign_pseudo_devs(struct ovl_sb *osb)
{
	int n = osb->nlower + (osb->upper.root ? 1 : 0);
	osb->samefs = true;
	for (int i = 0; i < n; i++) {
		struct ovl_layer *l = layer_at(osb, i);
		struct vfs_sb *s = vfs_file_inode(l->root)->sb;
		memset(&l->sf, 0, sizeof(l->sf));
		int r = s->ops->statfs(s, &l->sf);
		if (r < 0)
			return r;
		l->pseudo_dev = 0;
		for (int j = 0; j < i && !l->pseudo_dev; j++)
			if (same_fs(l, layer_at(osb, j)))
				l->pseudo_dev = layer_at(osb, j)->pseudo_dev;
		if (!l->pseudo_dev)
			l->pseudo_dev = vfs_anon_dev();
		if (l->pseudo_dev != layer_at(osb, 0)->pseudo_dev)
			osb->samefs = false;
	}
	return 0;
}

static int make_root(struct ovl_sb *osb, struct vfs_inode **ret)
{
	struct vfs_file **lowers = NULL;
	int n = 0;
	if (!osb->upper.root || !ovl_is_opaque(osb, osb->upper.root)) {
		lowers = calloc((size_t)osb->nlower, sizeof(*lowers));
		if (!lowers)
			return -ENOMEM;
		for (int i = 0; i < osb->nlower; i++) {
			lowers[n++] = vfs_file_get(osb->lower[i].root);
			if (ovl_is_opaque(osb, osb->lower[i].root))
				break;
		}
	}
	struct vfs_file *upper = osb->upper.root ? vfs_file_get(osb->upper.root) : NULL;
	return ovl_new_inode(osb, upper, NULL, lowers, n, 0, 0, NULL, NULL, ret);
}

int ovl_new(const struct ovl_opts *opts, struct vfs_sb **ret)
{
	if (opts->nlowers < 1 || (!opts->upper && opts->nlowers < 2))
		return -EINVAL;
	struct ovl_sb *osb = calloc(1, sizeof(*osb));
	if (!osb)
		return -ENOMEM;
	osb->lower = calloc((size_t)opts->nlowers, sizeof(*osb->lower));
	if (!osb->lower) {
		free(osb);
		return -ENOMEM;
	}
	/* Inodes made before vfs_sb_init are evicted through these. */
	osb->vsb.ops = &ovl_sb_ops;
	osb->userxattr = opts->userxattr;
	osb->prefix = opts->userxattr ? "user.overlay." : "trusted.overlay.";
	snprintf(osb->opaque_x, sizeof(osb->opaque_x), "%sopaque", osb->prefix);
	snprintf(osb->whiteout_x, sizeof(osb->whiteout_x), "%swhiteout", osb->prefix);
	osb->next_ino = 2;
	struct vfs_cred c;
	vfs_cred_init(&c, 0, 0);
	c.caps = c.caps_permitted = VFS_CAPS_ALL;
	vfs_ctx_init(&osb->ctx, opts->upper ? opts->upper : opts->lowers[0], &c);
	osb->ctx.umask = 0;
	/* Its walks in the layers serve a caller's entry point: one
	 * generation with it (each would otherwise make every hostfs layer
	 * poll and refresh again), and that caller's, so /proc/self still
	 * names it after them (/ov/d/../../proc/self). */
	osb->ctx.nested = true;
	int r = 0;
	if (opts->upper)
		r = open_layer(opts->upper, &osb->upper);
	for (int i = 0; r == 0 && i < opts->nlowers; i++) {
		r = open_layer(opts->lowers[i], &osb->lower[i]);
		if (r == 0)
			osb->nlower++;
	}
	struct vfs_inode *root = NULL;
	if (r == 0)
		r = assign_pseudo_devs(osb);
	if (r == 0)
		r = make_root(osb, &root);
	if (r == 0) {
		r = vfs_sb_init(&osb->vsb, &ovl_sb_ops,
				VFS_SB_STACKED | (opts->upper ? 0 : VFS_SB_RDONLY | VFS_SB_RDONLY_SB),
				OVERLAYFS_MAGIC_NUMBER, root);
		if (r == 0) {
			osb->vsb.lru_weight = (unsigned)(osb->nlower + (opts->upper ? 1 : 0));
			*ret = &osb->vsb;
			return 0;
		}
	}
	ovl_destroy(&osb->vsb);
	return r;
}
