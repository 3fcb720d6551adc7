/* Mount namespaces in the VFS (vfs/mount_ns.c): a copy of the tree whose
 * mounts and unmounts stay its own, with the context moved into it; and
 * pivot_root, from the tree's own root (the emulate backend's base) and
 * from a root mounted on it (the kernel's case), with its errors. Every
 * object goes with its last reference (fx_teardown checks). */
#include "fixture.h"

#include <sys/mount.h>

static void mount_tmpfs(struct vfs_ctx *ctx, const char *at)
{
	struct vfs_sb *sb;
	assert_int_equal(tmpfs_new(NULL, &sb), 0);
	assert_int_equal(vfs_mount(ctx, NULL, at, sb, 0), 0);
	vfs_sb_put(sb);
}

/* The context rooted at a tmpfs mounted on "/": a root with a parent,
 * as the kernel backend's (pivoted) root is. */
static void root_with_a_parent(struct fixture *fx)
{
	mount_tmpfs(&fx->ctx, "/");
	vfs_ctx_destroy(&fx->ctx);
	struct vfs_cred c;
	vfs_cred_init(&c, 0, 0);
	vfs_ctx_init(&fx->ctx, fx->root, &c);
}

static bool exists(struct vfs_ctx *ctx, const char *path)
{
	struct stat st;
	return vfs_fstatat(ctx, NULL, path, &st, 0) == 0;
}

static void copy_is_separate(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/a", 0755), 0);
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/b", 0755), 0);
	mount_tmpfs(&fx->ctx, "/a");
	fx_file(fx, "/a/f", 0644, "x");
	assert_int_equal(vfs_chdir(&fx->ctx, NULL, "/a"), 0);
	/* a second context, as a task with an fs of its own */
	struct vfs_ctx c2 = fx->ctx;
	vfs_path_get(&c2.root);
	vfs_path_get(&c2.cwd);
	struct vfs_mount *base2;
	assert_int_equal(vfs_mount_copy_ns(fx->root, &c2, &base2), 0);
	assert_ptr_not_equal(c2.root.mnt, fx->ctx.root.mnt);
	assert_ptr_not_equal(c2.cwd.mnt, fx->ctx.cwd.mnt);
	assert_ptr_equal(c2.cwd.dentry, fx->ctx.cwd.dentry); /* the same directory */
	assert_true(exists(&c2, "/a/f"));
	assert_true(exists(&c2, "f")); /* its cwd is on the copy of /a */
	mount_tmpfs(&c2, "/b");
	fx_file(fx, "/b/only-in-the-first", 0644, NULL);
	assert_false(exists(&c2, "/b/only-in-the-first"));
	assert_int_equal(vfs_umount(&c2, NULL, "/a"), 0);
	assert_false(exists(&c2, "/a/f"));
	assert_true(exists(&fx->ctx, "/a/f"));
	assert_int_equal(vfs_umount(&fx->ctx, NULL, "/b"), -EINVAL); /* not a mount there */
	vfs_ctx_destroy(&c2);
	vfs_mount_tree_put(base2);
}

static void pivot_from_the_base(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/new", 0755), 0);
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/plain", 0755), 0);
	fx_file(fx, "/mark", 0644, NULL);
	mount_tmpfs(&fx->ctx, "/new");
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/new/old", 0755), 0);
	struct vfs_mount *base = fx->root;
	struct vfs_path from, to;
	/* the kernel's errors, in its order */
	assert_int_equal(vfs_pivot_root(&fx->ctx, "/nothing", "/new/old", &base, &from, &to),
			 -ENOENT);
	assert_int_equal(vfs_pivot_root(&fx->ctx, "/mark", "/new/old", &base, &from, &to),
			 -ENOTDIR);
	assert_int_equal(vfs_pivot_root(&fx->ctx, "/", "/new/old", &base, &from, &to), -EBUSY);
	/* a directory on the root's own mount: EBUSY before "not a mount" */
	assert_int_equal(vfs_pivot_root(&fx->ctx, "/plain", "/new/old", &base, &from, &to),
			 -EBUSY);
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/new/plain", 0755), 0);
	assert_int_equal(vfs_pivot_root(&fx->ctx, "/new/plain", "/new/old", &base, &from, &to),
			 -EINVAL);
	/* put_old on the root's mount: EBUSY; on another one, outside new_root: EINVAL */
	assert_int_equal(vfs_pivot_root(&fx->ctx, "/new", "/plain", &base, &from, &to), -EBUSY);
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/other", 0755), 0);
	mount_tmpfs(&fx->ctx, "/other");
	assert_int_equal(vfs_pivot_root(&fx->ctx, "/new", "/other", &base, &from, &to), -EINVAL);
	struct vfs_ctx user = fx->ctx;
	user.cred.caps = 0;
	assert_int_equal(vfs_pivot_root(&user, "/new", "/new/old", &base, &from, &to), -EPERM);
	assert_ptr_equal(base, fx->root);
	assert_int_equal(vfs_pivot_root(&fx->ctx, "/new", "/new/old", &base, &from, &to), 0);
	assert_ptr_not_equal(base, fx->root); /* /new's mount is the tree's root now */
	vfs_ctx_repoint(&fx->ctx, &from, &to);
	vfs_path_put(&from);
	vfs_path_put(&to);
	assert_true(exists(&fx->ctx, "/old/mark"));
	assert_false(exists(&fx->ctx, "/mark"));
	assert_int_equal(vfs_umount(&fx->ctx, NULL, "/old"), 0);
	assert_false(exists(&fx->ctx, "/old/mark"));
	/* the fixture puts its root: hand it the new one */
	fx->root = base;
}

static void pivot_from_a_mounted_root(void **state)
{
	struct fixture *fx = *state;
	root_with_a_parent(fx);
	fx_file(fx, "/mark", 0644, NULL);
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/new", 0755), 0);
	mount_tmpfs(&fx->ctx, "/new");
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/new/old", 0755), 0);
	struct vfs_mount *base = fx->root;
	struct vfs_path from, to;
	assert_int_equal(vfs_pivot_root(&fx->ctx, "/new", "/new/old", &base, &from, &to), 0);
	assert_ptr_equal(base, fx->root); /* the tree's root stays */
	vfs_ctx_repoint(&fx->ctx, &from, &to);
	vfs_path_put(&from);
	vfs_path_put(&to);
	assert_true(exists(&fx->ctx, "/old/mark"));
	/* and back again */
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/old/back", 0755), 0);
	assert_int_equal(vfs_chdir(&fx->ctx, NULL, "/"), 0);
	assert_int_equal(vfs_pivot_root(&fx->ctx, "/old", "/old/back", &base, &from, &to), 0);
	vfs_ctx_repoint(&fx->ctx, &from, &to);
	vfs_path_put(&from);
	vfs_path_put(&to);
	assert_true(exists(&fx->ctx, "/mark"));
	assert_true(exists(&fx->ctx, "/back/old"));
}

/* MNT_LOCKED: the sandbox's root is never unmounted; pivot_root hands
 * the lock to the new root, and the old one may go. */
static void the_lock_goes_with_the_root(void **state)
{
	struct fixture *fx = *state;
	root_with_a_parent(fx);
	vfs_mount_lock(fx->ctx.root.mnt);
	assert_int_equal(vfs_umount(&fx->ctx, NULL, "/"), -EINVAL);
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/new", 0755), 0);
	mount_tmpfs(&fx->ctx, "/new");
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/new/old", 0755), 0);
	struct vfs_mount *base = fx->root;
	struct vfs_path from, to;
	assert_int_equal(vfs_pivot_root(&fx->ctx, "/new", "/new/old", &base, &from, &to), 0);
	vfs_ctx_repoint(&fx->ctx, &from, &to);
	vfs_path_put(&from);
	vfs_path_put(&to);
	assert_int_equal(vfs_umount(&fx->ctx, NULL, "/"), -EINVAL);
	assert_int_equal(vfs_umount(&fx->ctx, NULL, "/old"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(copy_is_separate, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(pivot_from_the_base, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(pivot_from_a_mounted_root, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(the_lock_goes_with_the_root, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
