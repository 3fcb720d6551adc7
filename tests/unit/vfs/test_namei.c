/* The path walk: mount crossing, the sandbox root as a ceiling, symlink
 * limits, name and path length limits, dirfd-relative walks. */
#include <limits.h>
#include <sys/mount.h>

#include "tests/unit/vfs/fixture.h"

static void dotdot_clamps_at_chroot(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/jail", 0755), 0);
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/jail/in", 0755), 0);
	fx_file(fx, "/secret", 0600, "s");
	assert_int_equal(vfs_chroot(&fx->ctx, NULL, "/jail"), 0);
	struct stat st;
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/../../secret", &st, 0), -ENOENT);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/../in", &st, 0), 0);
	assert_int_equal(vfs_symlinkat(&fx->ctx, "/../../../secret", NULL, "/in/l"), 0);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/in/l", &st, 0), -ENOENT);
	assert_int_equal(vfs_symlinkat(&fx->ctx, "/in", NULL, "/abs"), 0);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/abs/../in", &st, 0), 0);
}

static void mount_crossing_both_ways(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/m", 0755), 0);
	fx_file(fx, "/m/hidden", 0644, NULL);
	struct vfs_sb *sb;
	assert_int_equal(tmpfs_new(NULL, &sb), 0);
	assert_int_equal(vfs_mount(&fx->ctx, NULL, "/m", sb, MS_NOEXEC), 0);
	vfs_sb_put(sb);
	struct stat root, m, up;
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/", &root, 0), 0);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/m", &m, 0), 0);
	assert_int_not_equal(root.st_dev, m.st_dev);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/m/hidden", &up, 0), -ENOENT);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/m/..", &up, 0), 0);
	assert_int_equal(up.st_ino, root.st_ino);
	assert_int_equal(up.st_dev, root.st_dev);
	/* noexec: exec permission refused on regular files below */
	fx_file(fx, "/m/prog", 0755, NULL);
	assert_int_equal(vfs_faccessat2(&fx->ctx, NULL, "/m/prog", X_OK, 0), -EACCES);
	/* a second mount on top hides the first; umount shows it again */
	assert_int_equal(tmpfs_new(NULL, &sb), 0);
	assert_int_equal(vfs_mount(&fx->ctx, NULL, "/m", sb, 0), 0);
	vfs_sb_put(sb);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/m/prog", &up, 0), -ENOENT);
	assert_int_equal(vfs_umount(&fx->ctx, NULL, "/m"), 0);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/m/prog", &up, 0), 0);
	assert_int_equal(vfs_umount(&fx->ctx, NULL, "/m"), 0);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/m/hidden", &up, 0), 0);
	assert_int_equal(vfs_umount(&fx->ctx, NULL, "/m"), -EINVAL);
	assert_int_equal(vfs_umount(&fx->ctx, NULL, "/"), -EINVAL);
}

/* mount(2)'s MS_BIND|MS_REC copies the mounts below with their flags;
 * a plain bind takes its source mount's flags (VFS_BIND_SOURCE_FLAGS);
 * MS_MOVE carries a mount and what is on it, never below itself. */
static void rbind_and_move(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/a", 0755), 0);
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/b", 0755), 0);
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/c", 0755), 0);
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/a/sub", 0755), 0);
	struct vfs_sb *sb;
	assert_int_equal(tmpfs_new(NULL, &sb), 0);
	assert_int_equal(vfs_mount(&fx->ctx, NULL, "/a/sub", sb, MS_RDONLY), 0);
	vfs_sb_put(sb);
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/a/sub/x", 0755), -EROFS);
	struct stat sub, st;
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/a/sub", &sub, 0), 0);
	/* plain: the mount below is not there */
	assert_int_equal(vfs_bind(&fx->ctx, NULL, "/a", NULL, "/b", VFS_BIND_SOURCE_FLAGS), 0);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/b/sub", &st, 0), 0);
	assert_int_not_equal(st.st_dev, sub.st_dev);
	/* recursive: it is, read-only still */
	assert_int_equal(vfs_bind(&fx->ctx, NULL, "/a", NULL, "/c", MS_REC), 0);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/c/sub", &st, 0), 0);
	assert_int_equal(st.st_dev, sub.st_dev);
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/c/sub/x", 0755), -EROFS);
	/* a bind of a read-only mount's subtree is read-only */
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/d", 0755), 0);
	assert_int_equal(vfs_bind(&fx->ctx, NULL, "/a/sub", NULL, "/d", VFS_BIND_SOURCE_FLAGS), 0);
	unsigned long flags;
	assert_int_equal(vfs_mount_flags(&fx->ctx, NULL, "/d", &flags), 0);
	assert_true(flags & MS_RDONLY);
	assert_int_equal(vfs_mount_flags(&fx->ctx, NULL, "/a", &flags), -EINVAL);
	/* move: /c and its submount go to /b/sub... not below itself */
	assert_int_equal(vfs_move(&fx->ctx, NULL, "/c", NULL, "/c/sub"), -ELOOP);
	assert_int_equal(vfs_move(&fx->ctx, NULL, "/a", NULL, "/b"), -EINVAL); /* not a mount */
	assert_int_equal(vfs_move(&fx->ctx, NULL, "/", NULL, "/b"), -EINVAL);
	assert_int_equal(vfs_umount(&fx->ctx, NULL, "/b"), 0);
	assert_int_equal(vfs_move(&fx->ctx, NULL, "/c", NULL, "/b"), 0);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/b/sub", &st, 0), 0);
	assert_int_equal(st.st_dev, sub.st_dev);
	assert_int_equal(vfs_umount(&fx->ctx, NULL, "/c"), -EINVAL);
	assert_int_equal(vfs_umount(&fx->ctx, NULL, "/b"), 0);
	assert_int_equal(vfs_umount(&fx->ctx, NULL, "/d"), 0);
}

/* execveat's walk and checks (the kernel's do_open_execat): exec
 * permission without read permission, a regular file only, noexec, a
 * trailing symlink followed unless AT_SYMLINK_NOFOLLOW (ELOOP), "" with
 * AT_EMPTY_PATH is the dirfd's file. */
static void open_exec_checks(void **state)
{
	struct fixture *fx = *state;
	struct vfs_file *f, *d;
	fx_file(fx, "/prog", 0755, "x");
	fx_file(fx, "/noexec", 0644, "x");
	assert_int_equal(vfs_symlinkat(&fx->ctx, "prog", NULL, "/link"), 0);
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/dir", 0755), 0);
	assert_int_equal(vfs_open_exec(&fx->ctx, NULL, "/prog", 0, &f), 0);
	assert_int_equal(vfs_file_flags(f) & O_ACCMODE, O_RDONLY);
	vfs_file_put(f);
	assert_int_equal(vfs_open_exec(&fx->ctx, NULL, "/link", 0, &f), 0);
	vfs_file_put(f);
	assert_int_equal(vfs_open_exec(&fx->ctx, NULL, "/link", AT_SYMLINK_NOFOLLOW, &f), -ELOOP);
	assert_int_equal(vfs_open_exec(&fx->ctx, NULL, "/dir", 0, &f), -EACCES);
	assert_int_equal(vfs_open_exec(&fx->ctx, NULL, "/missing", 0, &f), -ENOENT);
	assert_int_equal(vfs_open_exec(&fx->ctx, NULL, "/prog", AT_REMOVEDIR, &f), -EINVAL);
	/* root needs one x bit */
	assert_int_equal(vfs_open_exec(&fx->ctx, NULL, "/noexec", 0, &f), -EACCES);
	/* dirfd-relative, and the dirfd's own file by "" */
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/", O_PATH, 0, &d), 0);
	assert_int_equal(vfs_open_exec(&fx->ctx, d, "prog", 0, &f), 0);
	vfs_file_put(f);
	assert_int_equal(vfs_open_exec(&fx->ctx, d, "", AT_EMPTY_PATH, &f), -EACCES);
	vfs_file_put(d);
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/prog", O_PATH, 0, &d), 0);
	assert_int_equal(vfs_open_exec(&fx->ctx, d, "", AT_EMPTY_PATH, &f), 0);
	vfs_file_put(f);
	assert_int_equal(vfs_open_exec(&fx->ctx, d, "", 0, &f), -ENOENT);
	assert_int_equal(vfs_open_exec(&fx->ctx, d, "x", 0, &f), -ENOTDIR);
	vfs_file_put(d);
	/* execute-only: runs for a user without read permission */
	fx_file(fx, "/xonly", 0711, "x");
	assert_int_equal(vfs_fchownat(&fx->ctx, NULL, "/xonly", 1000, 1000, 0), 0);
	assert_int_equal(vfs_fchmodat(&fx->ctx, NULL, "/xonly", 0111, 0), 0);
	struct vfs_ctx user = fx->ctx;
	vfs_cred_init(&user.cred, 1000, 1000);
	assert_int_equal(vfs_open_exec(&user, NULL, "/xonly", 0, &f), 0);
	vfs_file_put(f);
	assert_int_equal(vfs_openat(&user, NULL, "/xonly", O_RDONLY, 0, &f), -EACCES);
	/* noexec mount */
	struct vfs_sb *sb;
	assert_int_equal(tmpfs_new(NULL, &sb), 0);
	assert_int_equal(vfs_mount(&fx->ctx, NULL, "/dir", sb, MS_NOEXEC), 0);
	vfs_sb_put(sb);
	fx_file(fx, "/dir/prog", 0755, "x");
	assert_int_equal(vfs_open_exec(&fx->ctx, NULL, "/dir/prog", 0, &f), -EACCES);
}

/* A mount on "/" is the root of a context made afterwards (bubblewrap's
 * --ro-bind / /): absolute walks start in it, ".." at it stays, later
 * mounts go on it, and the table starts with it, its parent outside. */
static int count_mounts(void *arg, const struct vfs_mount_info *mi)
{
	int *n = arg;
	if (*n == 0 && strcmp(mi->mountpoint, "/") != 0)
		return -1;
	(*n)++;
	return 0;
}

static void mount_on_root_is_the_root(void **state)
{
	struct fixture *fx = *state;
	fx_file(fx, "/under", 0644, NULL);
	for (int i = 0; i < 2; i++) {
		/* twice: the second stacks on the first */
		struct vfs_sb *sb;
		assert_int_equal(tmpfs_new(NULL, &sb), 0);
		assert_int_equal(vfs_mount(&fx->ctx, NULL, "/", sb, 0), 0);
		vfs_sb_put(sb);
		struct vfs_ctx c;
		vfs_ctx_init(&c, fx->root, &fx->ctx.cred);
		vfs_ctx_destroy(&fx->ctx);
		fx->ctx = c;
	}
	struct stat st, up;
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/under", &st, 0), -ENOENT);
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/m", 0755), 0);
	struct vfs_sb *sb;
	assert_int_equal(tmpfs_new(NULL, &sb), 0);
	assert_int_equal(vfs_mount(&fx->ctx, NULL, "/m", sb, 0), 0);
	vfs_sb_put(sb);
	fx_file(fx, "/m/f", 0644, NULL);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/", &st, 0), 0);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/m/../../../..", &up, 0), 0);
	assert_int_equal(up.st_dev, st.st_dev);
	assert_int_equal(up.st_ino, st.st_ino);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/../m/f", &up, 0), 0);
	int n = 0;
	assert_int_equal(vfs_mounts_foreach(&fx->ctx, count_mounts, &n), 0);
	assert_int_equal(n, 2); /* the top "/" and /m: what is under "/" is hidden */
}

static void path_and_name_limits(void **state)
{
	struct fixture *fx = *state;
	char name[NAME_MAX + 2];
	memset(name, 'n', sizeof(name));
	name[NAME_MAX] = '\0';
	char path[PATH_MAX + 8];
	snprintf(path, sizeof(path), "/%s", name);
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, path, 0755), 0);
	name[NAME_MAX] = 'n';
	name[NAME_MAX + 1] = '\0';
	snprintf(path, sizeof(path), "/%s", name);
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, path, 0755), -ENAMETOOLONG);
	/* PATH_MAX counts the NUL: 4095 characters walk, 4096 do not */
	memset(path, '/', PATH_MAX + 1);
	path[PATH_MAX - 1] = '\0';
	struct stat st;
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, path, &st, 0), 0);
	path[PATH_MAX - 1] = '/';
	path[PATH_MAX] = '\0';
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, path, &st, 0), -ENAMETOOLONG);
	assert_int_equal(vfs_symlinkat(&fx->ctx, path, NULL, "/toolong"), -ENAMETOOLONG);
}

static void dirfd_relative_and_empty_path(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/d", 0755), 0);
	fx_file(fx, "/d/f", 0644, "x");
	struct vfs_file *d, *f;
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/d", O_PATH | O_DIRECTORY, 0, &d), 0);
	struct stat st;
	assert_int_equal(vfs_fstatat(&fx->ctx, d, "f", &st, 0), 0);
	assert_int_equal(st.st_size, 1);
	assert_int_equal(vfs_openat(&fx->ctx, d, "f", O_RDONLY, 0, &f), 0);
	assert_int_equal(vfs_fstatat(&fx->ctx, f, "x", &st, 0), -ENOTDIR);
	assert_int_equal(vfs_fstatat(&fx->ctx, f, "", &st, AT_EMPTY_PATH), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(vfs_fstatat(&fx->ctx, f, "", &st, 0), -ENOENT);
	/* the location survives a rename of its directory */
	assert_int_equal(vfs_renameat2(&fx->ctx, NULL, "/d", NULL, "/e", 0), 0);
	assert_int_equal(vfs_fstatat(&fx->ctx, d, "f", &st, 0), 0);
	assert_int_equal(vfs_chdir(&fx->ctx, d, "."), 0);
	char buf[64];
	assert_int_equal(vfs_getcwd(&fx->ctx, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "/e");
	assert_int_equal(vfs_getcwd(&fx->ctx, buf, 2), -ERANGE);
	vfs_file_put(f);
	vfs_file_put(d);
}

static void symlink_limit_is_forty(void **state)
{
	struct fixture *fx = *state;
	char from[16], to[16];
	for (int i = 1; i <= 41; i++) {
		snprintf(from, sizeof(from), "/s%d", i);
		snprintf(to, sizeof(to), i == 41 ? "/" : "s%d", i + 1);
		assert_int_equal(vfs_symlinkat(&fx->ctx, to, NULL, from), 0);
	}
	struct stat st;
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/s2", &st, 0), 0);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/s1", &st, 0), -ELOOP);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/s1", &st, AT_SYMLINK_NOFOLLOW), 0);
}

static void search_permission_on_every_component(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/a", 0755), 0);
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/a/b", 0700), 0);
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/a/b/c", 0777), 0);
	assert_int_equal(vfs_fchmodat(&fx->ctx, NULL, "/a/b/c", 0777, 0), 0);
	struct vfs_file *c;
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/a/b/c", O_PATH, 0, &c), 0);
	vfs_cred_init(&fx->ctx.cred, 1000, 1000);
	struct stat st;
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/a/b/c", &st, 0), -EACCES);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/a/b", &st, 0), 0);
	/* an fd opened earlier still reaches below the closed directory */
	assert_int_equal(vfs_mkdirat(&fx->ctx, c, "mine", 0755), 0);
	assert_int_equal(vfs_fstatat(&fx->ctx, c, "mine/..", &st, 0), 0);
	assert_int_equal(vfs_fstatat(&fx->ctx, c, "../..", &st, 0), -EACCES);
	vfs_file_put(c);
}

static void protected_symlinks_in_sticky_dirs(void **state)
{
	struct fixture *fx = *state; /* the tmpfs root is 01777, owned by 0 */
	fx_file(fx, "/target", 0644, "t");
	vfs_cred_init(&fx->ctx.cred, 1000, 1000);
	assert_int_equal(vfs_symlinkat(&fx->ctx, "target", NULL, "/mine"), 0);
	vfs_cred_init(&fx->ctx.cred, 1001, 1001);
	struct stat st;
	int saved = vfs_protected.symlinks;
	vfs_protected.symlinks = 1;
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/mine", &st, 0), -EACCES);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/mine", &st, AT_SYMLINK_NOFOLLOW), 0);
	vfs_cred_init(&fx->ctx.cred, 1000, 1000);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/mine", &st, 0), 0);
	vfs_protected.symlinks = 0;
	vfs_cred_init(&fx->ctx.cred, 1001, 1001);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/mine", &st, 0), 0);
	vfs_protected.symlinks = saved;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(dotdot_clamps_at_chroot, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(mount_crossing_both_ways, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(rbind_and_move, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(path_and_name_limits, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(mount_on_root_is_the_root, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(dirfd_relative_and_empty_path, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(open_exec_checks, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(symlink_limit_is_forty, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(search_permission_on_every_component, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(protected_symlinks_in_sticky_dirs, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
