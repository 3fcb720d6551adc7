/* SETUP_OVERLAY: two host lower trees, the same on both sides, merged at
 * /ov over a tmpfs upper (with SETUP_OVERLAY_HOSTUP: a host directory on
 * the lowers' filesystem) and at /ovr read-only. The kernel side mounts a
 * real overlayfs (root, so trusted.overlay.* and 0/0 whiteouts, as the
 * lower tree's own whiteout and opaque directory are written); the VFS
 * side mounts fs/overlay over hostfs lowers and a tmpfs upper.
 *
 * The lowest tree (l1) and the top lower (l2):
 *   m/        merged: l1 a b, l2 b c
 *   lo/       lower only: f, sub/g;   emptyd/ lower only, empty
 *   f1 both   lower files; both is in l1 ("low") and l2 ("high")
 *   od/       l1 hidden; l2 opaque with top
 *   wo        l1 file, whited out in l2
 *   hl hl2    hard links in l1;  sl -> f1;  fifo;  sx (04755);  xf (user.x)
 *   dirfile   a directory in l1, a file in l2
 *   m2/       l2 only */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fs/hostfs/hostfs.h"
#include "fs/overlay/overlay.h"
#include "fs/tmpfs/tmpfs.h"
#include "tests/differential/diff.h"

static char base[64];
static char k1[96], k2[96], v1[96], v2[96], ku[96], kw[96], vu[96];

/* Runs cmd with $D set to dir. */
static int run_in(const char *dir, const char *cmd)
{
	char full[1024];
	if (setenv("D", dir, 1) < 0)
		return -1;
	snprintf(full, sizeof(full), "umask 022 && %s", cmd);
	return system(full) == 0 ? 0 : -1;
}

static void cleanup(void)
{
	if (base[0])
		run_in(base, "rm -rf \"$D\"");
}

int diff_ovl_init(void)
{
	if (base[0])
		return 0;
	snprintf(base, sizeof(base), "/tmp/veil-diffo-XXXXXX");
	if (!mkdtemp(base))
		return -1;
	atexit(cleanup);
	snprintf(k1, sizeof(k1), "%s/k1", base);
	snprintf(k2, sizeof(k2), "%s/k2", base);
	snprintf(v1, sizeof(v1), "%s/v1", base);
	snprintf(v2, sizeof(v2), "%s/v2", base);
	snprintf(ku, sizeof(ku), "%s/ku", base);
	snprintf(kw, sizeof(kw), "%s/kw", base);
	snprintf(vu, sizeof(vu), "%s/vu", base);
	return 0;
}

static int make_lowers(const char *l1, const char *l2)
{
	if (run_in(l1, "rm -rf \"$D\" && mkdir -p \"$D\"/m \"$D\"/lo/sub \"$D\"/emptyd "
		       "\"$D\"/od \"$D\"/dirfile && cd \"$D\" && "
		       "echo a1 > m/a && echo b1 > m/b && echo lof > lo/f && echo g > lo/sub/g && "
		       "echo one > f1 && echo low > both && echo hid > od/hidden && echo gone > wo && "
		       "echo link > hl && ln hl hl2 && ln -s f1 sl && mkfifo fifo && echo x > sx && "
		       "chmod 4755 sx && echo x > xf") < 0)
		return -1;
	char p[160];
	snprintf(p, sizeof(p), "%s/xf", l1);
	if (setxattr(p, "user.x", "xv", 2, 0) < 0)
		return -1;
	if (run_in(l2, "rm -rf \"$D\" && mkdir -p \"$D\"/m \"$D\"/od \"$D\"/m2 && cd \"$D\" && "
		       "echo b2 > m/b && echo c2 > m/c && echo high > both && echo top > od/top && "
		       "echo f > dirfile && echo m2 > m2/f") < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/od", l2);
	if (setxattr(p, "trusted.overlay.opaque", "y", 1, 0) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/wo", l2);
	return mknod(p, S_IFCHR, makedev(0, 0));
}

int diff_ovl_reset(void)
{
	if (make_lowers(k1, k2) < 0 || make_lowers(v1, v2) < 0)
		return -1;
	if (run_in(base, "rm -rf \"$D\"/ku \"$D\"/kw \"$D\"/vu && "
			 "mkdir \"$D\"/ku \"$D\"/kw \"$D\"/vu") < 0)
		return -1;
	return 0;
}

int diff_ovl_k_setup(unsigned setup, const char *dir)
{
	char up[160], work[160], ov[160], ovr[160], opts[600];
	snprintf(ov, sizeof(ov), "%s/ov", dir);
	snprintf(ovr, sizeof(ovr), "%s/ovr", dir);
	if (mkdir(ov, 0755) < 0 || mkdir(ovr, 0755) < 0)
		return -1;
	if (setup & SETUP_OVERLAY_HOSTUP) {
		snprintf(up, sizeof(up), "%s", ku);
		snprintf(work, sizeof(work), "%s", kw);
	} else {
		char ovl[160];
		snprintf(ovl, sizeof(ovl), "%s/.ovl", dir);
		snprintf(up, sizeof(up), "%s/.ovl/u", dir);
		snprintf(work, sizeof(work), "%s/.ovl/w", dir);
		if (mkdir(ovl, 0755) < 0 || mkdir(up, 0755) < 0 || mkdir(work, 0755) < 0)
			return -1;
	}
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s,upperdir=%s,workdir=%s", k2, k1, up, work);
	if (mount("overlay", ov, "overlay", 0, opts) < 0)
		return -1;
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s", k2, k1);
	return mount("overlay", ovr, "overlay", 0, opts);
}

static int host_layer(const char *src, struct vfs_mount **ret)
{
	struct hostfs_opts o = {.source = src, .rdonly = true, .identity = true};
	struct vfs_sb *sb;
	int r = hostfs_new(&o, &sb);
	if (r < 0)
		return r;
	r = vfs_mount_root(sb, MS_RDONLY, ret);
	vfs_sb_put(sb);
	return r;
}

static int mount_ovl(struct vfs_ctx *ctx, const char *at, struct vfs_mount *upper,
		     struct vfs_mount **lowers)
{
	struct ovl_opts o = {.upper = upper, .lowers = lowers, .nlowers = 2};
	struct vfs_sb *sb;
	int r = ovl_new(&o, &sb);
	if (r < 0)
		return r;
	r = vfs_mkdirat(ctx, NULL, at, 0755);
	if (r == 0)
		r = vfs_mount(ctx, NULL, at, sb, 0);
	vfs_sb_put(sb);
	return r;
}

static int tmpfs_upper(struct vfs_ctx *ctx, struct vfs_mount **ret)
{
	/* the kernel side's upper and work directories live in its root */
	int r = vfs_mkdirat(ctx, NULL, "/.ovl", 0755);
	if (r == 0)
		r = vfs_mkdirat(ctx, NULL, "/.ovl/u", 0755);
	if (r == 0)
		r = vfs_mkdirat(ctx, NULL, "/.ovl/w", 0755);
	struct tmpfs_opts to = {.mode = 0755};
	struct vfs_sb *sb;
	if (r == 0 && (r = tmpfs_new(&to, &sb)) == 0) {
		r = vfs_mount_root(sb, 0, ret);
		vfs_sb_put(sb);
	}
	return r;
}

static int host_upper(struct vfs_mount **ret)
{
	struct hostfs_opts o = {.source = vu, .identity = true};
	struct vfs_sb *sb;
	int r = hostfs_new(&o, &sb);
	if (r < 0)
		return r;
	r = vfs_mount_root(sb, 0, ret);
	vfs_sb_put(sb);
	return r;
}

int diff_ovl_v_setup(unsigned setup, struct vfs_ctx *ctx)
{
	struct vfs_mount *lowers[2] = {NULL, NULL}, *upper = NULL;
	int r = (setup & SETUP_OVERLAY_HOSTUP) ? host_upper(&upper) : tmpfs_upper(ctx, &upper);
	if (r == 0)
		r = host_layer(v2, &lowers[0]);
	if (r == 0)
		r = host_layer(v1, &lowers[1]);
	if (r == 0)
		r = mount_ovl(ctx, "/ov", upper, lowers);
	if (r == 0)
		r = mount_ovl(ctx, "/ovr", NULL, lowers);
	for (int i = 0; i < 2; i++)
		if (lowers[i])
			vfs_mount_tree_put(lowers[i]);
	if (upper)
		vfs_mount_tree_put(upper);
	return r;
}
