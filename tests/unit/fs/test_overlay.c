/* fs/overlay over VFS layers (tmpfs lowers and upper, a hostfs lower):
 * what the layers hold after each change (the on-disk format the kernel
 * reads: 0/0 whiteouts and trusted.overlay.*, or with userxattr xwhiteouts
 * and user.overlay.*), copy-up, readdir cookies across changes, fd
 * identity, EXDEV, EOVERFLOW, and that nothing outlives the overlay. */
#include <stdio.h>
#include <sys/mount.h>
#include <sys/xattr.h>

#include "fs/hostfs/hostfs.h"
#include "fs/overlay/overlay.h"
#include "tests/unit/vfs/fixture.h"
#include "vfs/fs_ops.h"

struct layer {
	struct vfs_mount *m;
	struct vfs_ctx ctx;
};

struct ofx {
	struct fixture fx; /* the sandbox: a tmpfs root with the overlay at /ov */
	struct layer l1, l2, up;
};

static void layer_new(struct layer *l)
{
	struct tmpfs_opts o = {.mode = 0755};
	struct vfs_sb *sb;
	assert_int_equal(tmpfs_new(&o, &sb), 0);
	assert_int_equal(vfs_mount_root(sb, 0, &l->m), 0);
	vfs_sb_put(sb);
	struct vfs_cred c;
	vfs_cred_init(&c, 0, 0);
	vfs_ctx_init(&l->ctx, l->m, &c);
	vfs_umask(&l->ctx, 0);
}

static void layer_file(struct layer *l, const char *path, const char *content)
{
	struct vfs_file *f;
	assert_int_equal(vfs_openat(&l->ctx, NULL, path, O_CREAT | O_WRONLY, 0644, &f), 0);
	assert_int_equal(vfs_write(&l->ctx, f, content, strlen(content)),
			 (ssize_t)strlen(content));
	vfs_file_put(f);
}

static void layer_free(struct layer *l)
{
	vfs_ctx_destroy(&l->ctx);
	vfs_mount_tree_put(l->m);
}

/* l1 (lowest): a, d/x, o/hidden, gone, lo/f; l2: b, d/y, o (opaque) with
 * top, a whiteout for gone. */
static void mount_ovl(struct ofx *o, bool userxattr, bool ro)
{
	layer_new(&o->l1);
	layer_new(&o->l2);
	layer_file(&o->l1, "/a", "a1");
	assert_int_equal(vfs_mkdirat(&o->l1.ctx, NULL, "/d", 0755), 0);
	layer_file(&o->l1, "/d/x", "x");
	assert_int_equal(vfs_mkdirat(&o->l1.ctx, NULL, "/o", 0755), 0);
	layer_file(&o->l1, "/o/hidden", "h");
	layer_file(&o->l1, "/gone", "g");
	assert_int_equal(vfs_mkdirat(&o->l1.ctx, NULL, "/lo", 0755), 0);
	layer_file(&o->l1, "/lo/f", "f");
	layer_file(&o->l2, "/b", "b2");
	assert_int_equal(vfs_mkdirat(&o->l2.ctx, NULL, "/d", 0755), 0);
	layer_file(&o->l2, "/d/y", "y");
	assert_int_equal(vfs_mkdirat(&o->l2.ctx, NULL, "/o", 0755), 0);
	layer_file(&o->l2, "/o/top", "t");
	const char *px = userxattr ? "user.overlay.opaque" : "trusted.overlay.opaque";
	assert_int_equal(vfs_setxattrat(&o->l2.ctx, NULL, "/o", 0, px, "y", 1, 0), 0);
	if (userxattr) {
		layer_file(&o->l2, "/gone", "");
		assert_int_equal(vfs_fchmodat(&o->l2.ctx, NULL, "/gone", 0600, 0), 0);
		assert_int_equal(vfs_truncate(&o->l2.ctx, NULL, "/gone", 0), 0);
		assert_int_equal(vfs_setxattrat(&o->l2.ctx, NULL, "/gone", 0,
						"user.overlay.whiteout", "", 0, 0), 0);
		assert_int_equal(vfs_setxattrat(&o->l2.ctx, NULL, "/", 0, px, "x", 1, 0), 0);
	} else {
		assert_int_equal(vfs_mknodat(&o->l2.ctx, NULL, "/gone", S_IFCHR, 0), 0);
	}
	struct vfs_mount *lowers[] = {o->l2.m, o->l1.m};
	struct ovl_opts opts = {.lowers = lowers, .nlowers = 2, .userxattr = userxattr};
	if (!ro) {
		layer_new(&o->up);
		opts.upper = o->up.m;
	}
	struct vfs_sb *sb;
	assert_int_equal(ovl_new(&opts, &sb), 0);
	assert_int_equal(vfs_mkdirat(&o->fx.ctx, NULL, "/ov", 0755), 0);
	assert_int_equal(vfs_mount(&o->fx.ctx, NULL, "/ov", sb, 0), 0);
	vfs_sb_put(sb);
}

static int setup_with(void **state, bool userxattr, bool ro)
{
	void *fxs;
	if (fx_setup(&fxs) < 0)
		return -1;
	struct ofx *o = calloc(1, sizeof(*o));
	o->fx = *(struct fixture *)fxs;
	free(fxs);
	mount_ovl(o, userxattr, ro);
	*state = o;
	return 0;
}

static int setup(void **state)
{
	return setup_with(state, false, false);
}

static int setup_userxattr(void **state)
{
	return setup_with(state, true, false);
}

static int setup_ro(void **state)
{
	return setup_with(state, false, true);
}

static int teardown(void **state)
{
	struct ofx *o = *state;
	layer_free(&o->l1);
	layer_free(&o->l2);
	if (o->up.m)
		layer_free(&o->up);
	struct fixture *fx = malloc(sizeof(*fx));
	*fx = o->fx;
	free(o);
	void *fxs = fx;
	return fx_teardown(&fxs);
}

/* The names of a directory, sorted, space-separated. */
static void names(struct vfs_ctx *ctx, const char *path, char *out, size_t size)
{
	struct vfs_file *f;
	assert_int_equal(vfs_openat(ctx, NULL, path, O_RDONLY | O_DIRECTORY, 0, &f), 0);
	char buf[4096];
	char *list[64];
	int n = 0;
	ssize_t len;
	while ((len = vfs_getdents64(f, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < len;) {
			unsigned short reclen;
			memcpy(&reclen, buf + i + 16, sizeof(reclen));
			const char *name = buf + i + 19;
			if (strcmp(name, ".") && strcmp(name, "..") && n < 64)
				list[n++] = strdup(name);
			i += reclen;
		}
	}
	assert_true(len == 0);
	vfs_file_put(f);
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (strcmp(list[j], list[i]) < 0) {
				char *t = list[i];
				list[i] = list[j];
				list[j] = t;
			}
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? " " : "", list[i]);
		free(list[i]);
	}
}

static void read_file(struct vfs_ctx *ctx, const char *path, const char *want)
{
	struct vfs_file *f;
	assert_int_equal(vfs_openat(ctx, NULL, path, O_RDONLY, 0, &f), 0);
	char buf[64] = {0};
	assert_int_equal(vfs_pread(f, buf, sizeof(buf) - 1, 0), (ssize_t)strlen(want));
	assert_string_equal(buf, want);
	vfs_file_put(f);
}

static void merged_view(void **state)
{
	struct ofx *o = *state;
	struct vfs_ctx *c = &o->fx.ctx;
	char out[512];
	names(c, "/ov", out, sizeof(out));
	assert_string_equal(out, "a b d lo o");
	names(c, "/ov/d", out, sizeof(out));
	assert_string_equal(out, "x y");
	names(c, "/ov/o", out, sizeof(out));
	assert_string_equal(out, "top");
	struct stat st;
	assert_int_equal(vfs_fstatat(c, NULL, "/ov/gone", &st, 0), -ENOENT);
	assert_int_equal(vfs_fstatat(c, NULL, "/ov/o/hidden", &st, 0), -ENOENT);
	read_file(c, "/ov/a", "a1");
	/* the overlay's own xattrs are not the program's */
	char v[8];
	assert_int_equal(vfs_getxattrat(c, NULL, "/ov/o", 0, "trusted.overlay.opaque", v,
					sizeof(v)), -ENODATA);
	assert_int_equal(vfs_listxattrat(c, NULL, "/ov/o", 0, v, sizeof(v)), 0);
	/* merged directories count one link */
	assert_int_equal(fx_stat(&o->fx, "/ov/d").st_nlink, 1);
}

static void copy_up_and_whiteouts(void **state)
{
	struct ofx *o = *state;
	struct vfs_ctx *c = &o->fx.ctx;
	struct stat st;
	/* a read-only open copies nothing up */
	read_file(c, "/ov/d/x", "x");
	assert_int_equal(vfs_fstatat(&o->up.ctx, NULL, "/d", &st, 0), -ENOENT);
	/* a write open copies the file and its parents up */
	struct vfs_file *f;
	assert_int_equal(vfs_openat(c, NULL, "/ov/d/x", O_WRONLY | O_APPEND, 0, &f), 0);
	assert_int_equal(vfs_write(c, f, "2", 1), 1);
	vfs_file_put(f);
	read_file(&o->up.ctx, "/d/x", "x2");
	read_file(&o->l1.ctx, "/d/x", "x");
	/* removing a lower name leaves a 0/0 whiteout */
	assert_int_equal(vfs_unlinkat(c, NULL, "/ov/a", 0), 0);
	assert_int_equal(vfs_fstatat(&o->up.ctx, NULL, "/a", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISCHR(st.st_mode) && st.st_rdev == 0);
	/* an upper-only name goes without one */
	fx_file(&o->fx, "/ov/new", 0644, "n");
	assert_int_equal(vfs_unlinkat(c, NULL, "/ov/new", 0), 0);
	assert_int_equal(vfs_fstatat(&o->up.ctx, NULL, "/new", &st, AT_SYMLINK_NOFOLLOW), -ENOENT);
	/* a directory made over a whiteout is opaque */
	assert_int_equal(vfs_unlinkat(c, NULL, "/ov/lo/f", 0), 0);
	assert_int_equal(vfs_unlinkat(c, NULL, "/ov/lo", AT_REMOVEDIR), 0);
	assert_int_equal(vfs_mkdirat(c, NULL, "/ov/lo", 0755), 0);
	char v[4];
	assert_int_equal(vfs_getxattrat(&o->up.ctx, NULL, "/lo", 0, "trusted.overlay.opaque", v,
					sizeof(v)), 1);
	assert_int_equal(v[0], 'y');
	char out[64];
	names(c, "/ov/lo", out, sizeof(out));
	assert_string_equal(out, "");
	/* chmod copies up, keeping the lower's data */
	assert_int_equal(vfs_fchmodat(c, NULL, "/ov/b", 0600, 0), 0);
	assert_int_equal(vfs_fstatat(&o->up.ctx, NULL, "/b", &st, 0), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	read_file(&o->up.ctx, "/b", "b2");
}

/* With userxattr: xwhiteouts in a directory marked "x", user.overlay.* */
static void xwhiteout_format(void **state)
{
	struct ofx *o = *state;
	struct vfs_ctx *c = &o->fx.ctx;
	struct stat st;
	/* the lower's xwhiteout hides l1's gone */
	assert_int_equal(vfs_fstatat(c, NULL, "/ov/gone", &st, 0), -ENOENT);
	char out[64];
	names(c, "/ov", out, sizeof(out));
	assert_string_equal(out, "a b d lo o");
	assert_int_equal(vfs_unlinkat(c, NULL, "/ov/d/x", 0), 0);
	assert_int_equal(vfs_fstatat(&o->up.ctx, NULL, "/d/x", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISREG(st.st_mode) && st.st_size == 0);
	assert_int_equal(vfs_getxattrat(&o->up.ctx, NULL, "/d/x", 0, "user.overlay.whiteout", NULL,
					0), 0);
	char v[4];
	assert_int_equal(vfs_getxattrat(&o->up.ctx, NULL, "/d", 0, "user.overlay.opaque", v,
					sizeof(v)), 1);
	assert_int_equal(v[0], 'x');
	names(c, "/ov/d", out, sizeof(out));
	assert_string_equal(out, "y");
	/* and a file made there again replaces the xwhiteout */
	fx_file(&o->fx, "/ov/d/x", 0644, "again");
	read_file(c, "/ov/d/x", "again");
	names(c, "/ov/d", out, sizeof(out));
	assert_string_equal(out, "x y");
}

static void renames(void **state)
{
	struct ofx *o = *state;
	struct vfs_ctx *c = &o->fx.ctx;
	assert_int_equal(vfs_renameat2(c, NULL, "/ov/d", NULL, "/ov/d2", 0), -EXDEV);
	assert_int_equal(vfs_renameat2(c, NULL, "/ov/lo", NULL, "/ov/lo2", 0), -EXDEV);
	assert_int_equal(vfs_mkdirat(c, NULL, "/ov/n", 0755), 0);
	fx_file(&o->fx, "/ov/n/f", 0644, "f");
	assert_int_equal(vfs_renameat2(c, NULL, "/ov/n", NULL, "/ov/d/n", 0), 0);
	read_file(c, "/ov/d/n/f", "f");
	/* a lower file moved: copied up, a whiteout where it was */
	assert_int_equal(vfs_renameat2(c, NULL, "/ov/a", NULL, "/ov/d/a", 0), 0);
	read_file(c, "/ov/d/a", "a1");
	struct stat st;
	assert_int_equal(vfs_fstatat(c, NULL, "/ov/a", &st, 0), -ENOENT);
	assert_int_equal(vfs_fstatat(&o->up.ctx, NULL, "/a", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISCHR(st.st_mode));
	char out[64];
	names(c, "/ov/d", out, sizeof(out));
	assert_string_equal(out, "a n x y");
}

/* A cursor resumes after the same entry whatever changed meanwhile. */
static void cookies(void **state)
{
	struct ofx *o = *state;
	struct vfs_ctx *c = &o->fx.ctx;
	struct vfs_file *f;
	assert_int_equal(vfs_openat(c, NULL, "/ov", O_RDONLY | O_DIRECTORY, 0, &f), 0);
	char buf[32]; /* one record at a time */
	char seen[256] = "";
	int n = 0;
	ssize_t len;
	while ((len = vfs_getdents64(f, buf, sizeof(buf))) > 0) {
		const char *name = buf + 19;
		strcat(seen, name);
		strcat(seen, " ");
		if (++n == 4) {
			/* "." ".." and two more read: change the directory */
			assert_int_equal(vfs_unlinkat(c, NULL, "/ov/b", 0), 0);
			fx_file(&o->fx, "/ov/z", 0644, "z");
		}
	}
	assert_int_equal(len, 0);
	vfs_file_put(f);
	/* every name once, as overlayfs lists a merged directory: the
	 * snapshot taken when the cursor started (b still, z not yet) */
	int words = 0;
	for (char *p = seen; *p; p++)
		words += *p == ' ';
	assert_int_equal(words, 7);
	char out[64];
	names(c, "/ov", out, sizeof(out));
	assert_string_equal(out, "a d lo o z");
}

/* The program's fd of an overlay file maps back to the overlay inode. */
static void fd_identity(void **state)
{
	struct ofx *o = *state;
	struct vfs_ctx *c = &o->fx.ctx;
	struct vfs_file *f;
	assert_int_equal(vfs_openat(c, NULL, "/ov/b", O_RDONLY, 0, &f), 0);
	struct stat hs;
	assert_int_equal(fstat(vfs_file_host_fd(f), &hs), 0);
	assert_ptr_equal(vfs_inode_by_host(hs.st_dev, hs.st_ino), vfs_file_inode(f));
	/* a read-only open is the lower's own object: nothing copied */
	struct vfs_file *lf;
	assert_int_equal(vfs_openat(&o->l2.ctx, NULL, "/b", O_RDONLY, 0, &lf), 0);
	struct stat ls;
	assert_int_equal(fstat(vfs_file_host_fd(lf), &ls), 0);
	assert_true(ls.st_dev == hs.st_dev && ls.st_ino == hs.st_ino);
	vfs_file_put(lf);
	vfs_file_put(f);
	/* a write open is the upper's */
	assert_int_equal(vfs_openat(c, NULL, "/ov/b", O_RDWR, 0, &f), 0);
	assert_int_equal(fstat(vfs_file_host_fd(f), &hs), 0);
	assert_false(ls.st_dev == hs.st_dev && ls.st_ino == hs.st_ino);
	assert_ptr_equal(vfs_inode_by_host(hs.st_dev, hs.st_ino), vfs_file_inode(f));
	vfs_file_put(f);
	/* st_ino of a copied-up file stays the lower's; directories share the
	 * overlay's st_dev, non-directories a device per layer filesystem */
	struct stat a = fx_stat(&o->fx, "/ov/b"), d = fx_stat(&o->fx, "/ov/d"),
		    r = fx_stat(&o->fx, "/ov");
	struct stat lower;
	assert_int_equal(vfs_fstatat(&o->l2.ctx, NULL, "/b", &lower, 0), 0);
	assert_int_equal(a.st_ino, lower.st_ino);
	assert_true(d.st_dev == r.st_dev);
	assert_true(a.st_dev != r.st_dev);
}

static void read_only(void **state)
{
	struct ofx *o = *state;
	struct vfs_ctx *c = &o->fx.ctx;
	char out[64];
	names(c, "/ov", out, sizeof(out));
	assert_string_equal(out, "a b d lo o");
	assert_int_equal(vfs_unlinkat(c, NULL, "/ov/a", 0), -EROFS);
	assert_int_equal(vfs_mkdirat(c, NULL, "/ov/n", 0755), -EROFS);
	struct vfs_file *f;
	assert_int_equal(vfs_openat(c, NULL, "/ov/a", O_WRONLY, 0, &f), -EROFS);
	/* one lower and no upper is not an overlay */
	struct vfs_mount *lowers[] = {o->l1.m};
	struct ovl_opts opts = {.lowers = lowers, .nlowers = 1};
	struct vfs_sb *sb;
	assert_int_equal(ovl_new(&opts, &sb), -EINVAL);
}

/* Copy-up cannot give the upper an owner the mounter cannot name. */
static void unmapped_owner(void **state)
{
	struct ofx *o = *state;
	char dir[] = "/tmp/veil-ovl-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "echo x > %s/f && chown 1234:1234 %s/f && chmod 666 %s/f",
		 dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "echo y > %s/g", dir);
	assert_int_equal(system(cmd), 0);
	struct hostfs_opts ho = {.source = dir, .rdonly = true};
	struct vfs_sb *hsb, *sb;
	struct vfs_mount *hm;
	assert_int_equal(hostfs_new(&ho, &hsb), 0);
	assert_int_equal(vfs_mount_root(hsb, MS_RDONLY, &hm), 0);
	vfs_sb_put(hsb);
	struct vfs_mount *lowers[] = {hm};
	struct ovl_opts opts = {.upper = o->up.m, .lowers = lowers, .nlowers = 1};
	assert_int_equal(ovl_new(&opts, &sb), 0);
	vfs_mount_tree_put(hm);
	struct vfs_ctx *c = &o->fx.ctx;
	assert_int_equal(vfs_mkdirat(c, NULL, "/h", 0755), 0);
	assert_int_equal(vfs_mount(c, NULL, "/h", sb, 0), 0);
	vfs_sb_put(sb);
	/* (chmod is the owner's: EPERM before any copy-up) */
	assert_int_equal(vfs_fchmodat(c, NULL, "/h/f", 0600, 0), -EPERM);
	struct vfs_file *f;
	assert_int_equal(vfs_openat(c, NULL, "/h/f", O_WRONLY, 0, &f), -EOVERFLOW);
	assert_int_equal(vfs_fchmodat(c, NULL, "/h/g", 0600, 0), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* The overlay's lookups in its layers are part of the walk they serve:
 * one generation for the whole walk (each nested one would make every
 * layer refresh again), the caller's still the walk's; a getdents, which
 * looks names up in the layers without a walk, starts one. */
static void one_generation(void **state)
{
	struct ofx *o = *state;
	struct vfs_ctx *c = &o->fx.ctx;
	c->caller = 4242;
	struct stat st;
	uint64_t gen = vfs_walk_gen;
	assert_int_equal(vfs_fstatat(c, NULL, "/ov/d/y", &st, 0), 0);
	assert_int_equal(vfs_walk_gen, gen + 1);
	assert_int_equal(vfs_walk_caller, 4242);
	gen = vfs_walk_gen;
	assert_int_equal(vfs_fstatat(c, NULL, "/ov/d/nope", &st, 0), -ENOENT);
	assert_int_equal(vfs_walk_gen, gen + 1);
	struct vfs_file *d;
	assert_int_equal(vfs_openat(c, NULL, "/ov/o", O_RDONLY | O_DIRECTORY, 0, &d), 0);
	gen = vfs_walk_gen;
	char buf[512];
	assert_true(vfs_getdents64(d, buf, sizeof(buf)) > 0);
	assert_true(vfs_walk_gen > gen);
	vfs_file_put(d);
	assert_int_equal(vfs_walk_caller, 4242);
	c->caller = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(merged_view, setup, teardown),
		cmocka_unit_test_setup_teardown(copy_up_and_whiteouts, setup, teardown),
		cmocka_unit_test_setup_teardown(xwhiteout_format, setup_userxattr, teardown),
		cmocka_unit_test_setup_teardown(renames, setup, teardown),
		cmocka_unit_test_setup_teardown(cookies, setup, teardown),
		cmocka_unit_test_setup_teardown(fd_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(read_only, setup_ro, teardown),
		cmocka_unit_test_setup_teardown(unmapped_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(one_generation, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
