/* Object lifetimes: unlinked-but-open files, mounts kept by open files,
 * inodes freed with their last reference, the host fd and host identity. */
#include <sys/mount.h>
#include <sys/statfs.h>

#include "tests/unit/vfs/fixture.h"

static int setup_limited(void **state)
{
	struct tmpfs_opts o = { .nr_inodes = 8, .mode = 01777 };
	return fx_setup_opts(state, &o);
}

static long free_inodes(struct fixture *fx)
{
	struct statfs sf;
	assert_int_equal(vfs_statfs(&fx->ctx, NULL, "/", &sf), 0);
	return (long)sf.f_ffree;
}

static void unlinked_open_file_lives_until_closed(void **state)
{
	struct fixture *fx = *state;
	long before = free_inodes(fx);
	struct vfs_file *f;
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/f", O_CREAT | O_RDWR, 0600, &f), 0);
	assert_int_equal(free_inodes(fx), before - 1);
	char name[64];
	assert_int_equal(vfs_path_name(&fx->ctx, vfs_file_path(f), name, sizeof(name)), 3);
	assert_string_equal(name, "/f");
	assert_int_equal(vfs_unlinkat(&fx->ctx, NULL, "/f", 0), 0);
	assert_int_equal(vfs_path_name(&fx->ctx, vfs_file_path(f), name, sizeof(name)), 13);
	assert_string_equal(name, "/f (deleted)");
	assert_int_equal(vfs_write(&fx->ctx, f, "data", 4), 4);
	struct stat st;
	assert_int_equal(vfs_fstatat(&fx->ctx, f, "", &st, AT_EMPTY_PATH), 0);
	assert_int_equal(st.st_nlink, 0);
	assert_int_equal(st.st_size, 4);
	char buf[8];
	assert_int_equal(vfs_pread(f, buf, sizeof(buf), 0), 4);
	/* the name is free again while the old file lives */
	fx_file(fx, "/f", 0644, "new");
	assert_int_equal(fx_stat(fx, "/f").st_size, 3);
	assert_int_equal(free_inodes(fx), before - 2);
	vfs_file_put(f);
	assert_int_equal(free_inodes(fx), before - 1);
}

static void inode_limit_gives_enospc(void **state)
{
	struct fixture *fx = *state;
	/* 8 inodes, the root is one */
	char p[16];
	for (int i = 0; i < 7; i++) {
		snprintf(p, sizeof(p), "/n%d", i);
		assert_int_equal(vfs_mknodat(&fx->ctx, NULL, p, S_IFREG | 0644, 0), 0);
	}
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/more", 0755), -ENOSPC);
	assert_int_equal(vfs_symlinkat(&fx->ctx, "x", NULL, "/more"), -ENOSPC);
	assert_int_equal(vfs_unlinkat(&fx->ctx, NULL, "/n0", 0), 0);
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/more", 0755), 0);
	/* as in Linux tmpfs, an extra name costs a slot too */
	assert_int_equal(vfs_linkat(&fx->ctx, NULL, "/n1", NULL, "/n1-again", 0), -ENOSPC);
	assert_int_equal(vfs_unlinkat(&fx->ctx, NULL, "/n2", 0), 0);
	assert_int_equal(vfs_linkat(&fx->ctx, NULL, "/n1", NULL, "/n1-again", 0), 0);
	assert_int_equal(fx_stat(fx, "/n1").st_nlink, 2);
	assert_int_equal(vfs_mknodat(&fx->ctx, NULL, "/n2", S_IFREG | 0644, 0), -ENOSPC);
	assert_int_equal(vfs_unlinkat(&fx->ctx, NULL, "/n1-again", 0), 0);
	assert_int_equal(vfs_mknodat(&fx->ctx, NULL, "/n2", S_IFREG | 0644, 0), 0);
}

static void open_file_keeps_its_mount(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/m", 0755), 0);
	struct vfs_sb *sb;
	assert_int_equal(tmpfs_new(NULL, &sb), 0);
	assert_int_equal(vfs_mount(&fx->ctx, NULL, "/m", sb, 0), 0);
	vfs_sb_put(sb);
	fx_file(fx, "/m/f", 0644, "kept");
	struct vfs_file *f, *d;
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/m/f", O_RDONLY, 0, &f), 0);
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/m", O_RDONLY | O_DIRECTORY, 0, &d), 0);
	assert_int_equal(vfs_umount(&fx->ctx, NULL, "/m"), 0);
	struct stat st;
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/m/f", &st, 0), -ENOENT);
	char buf[8];
	assert_int_equal(vfs_pread(f, buf, sizeof(buf), 0), 4);
	assert_int_equal(vfs_fstatat(&fx->ctx, d, "f", &st, 0), 0);
	vfs_file_put(f);
	vfs_file_put(d);
}

static void host_fd_has_the_access_mode(void **state)
{
	struct fixture *fx = *state;
	fx_file(fx, "/f", 0644, "abc");
	struct vfs_file *r, *w, *p;
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/f", O_RDONLY, 0, &r), 0);
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/f", O_WRONLY | O_APPEND, 0, &w), 0);
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/f", O_PATH, 0, &p), 0);
	int rfd = vfs_file_host_fd(r), wfd = vfs_file_host_fd(w);
	assert_true(rfd >= 0 && wfd >= 0);
	assert_int_equal(vfs_file_host_fd(p), -EBADF);
	assert_int_equal(write(rfd, "x", 1), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(write(wfd, "def", 3), 3); /* natively, O_APPEND */
	char buf[8] = { 0 };
	assert_int_equal(pread(rfd, buf, sizeof(buf), 0), 6);
	assert_string_equal(buf, "abcdef");
	/* st_size comes from the backing file; its (dev, ino) maps back */
	assert_int_equal(fx_stat(fx, "/f").st_size, 6);
	struct stat hst;
	assert_int_equal(fstat(rfd, &hst), 0);
	assert_non_null(vfs_inode_by_host(hst.st_dev, hst.st_ino));
	assert_ptr_equal(vfs_inode_by_host(hst.st_dev, hst.st_ino), vfs_file_inode(r));
	vfs_file_put(r);
	vfs_file_put(w);
	vfs_file_put(p);
}

static void tmpfile_is_linkable_once(void **state)
{
	struct fixture *fx = *state;
	struct vfs_file *t;
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/", O_TMPFILE | O_RDWR, 0600, &t), 0);
	assert_int_equal(vfs_write(&fx->ctx, t, "tmp", 3), 3);
	assert_int_equal(vfs_linkat(&fx->ctx, t, "", NULL, "/named", AT_EMPTY_PATH), 0);
	struct stat st = fx_stat(fx, "/named");
	assert_int_equal(st.st_nlink, 1);
	assert_int_equal(st.st_size, 3);
	vfs_file_put(t);
	assert_int_equal(fx_stat(fx, "/named").st_size, 3);
}

static void suid_cleared_on_write_without_fsetid(void **state)
{
	struct fixture *fx = *state;
	fx_file(fx, "/s", 0755, NULL);
	assert_int_equal(vfs_fchmodat(&fx->ctx, NULL, "/s", 06777, 0), 0);
	struct vfs_file *f;
	vfs_cred_init(&fx->ctx.cred, 1000, 1000);
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/s", O_WRONLY, 0, &f), 0);
	assert_int_equal(vfs_write(&fx->ctx, f, "x", 1), 1);
	assert_int_equal(fx_stat(fx, "/s").st_mode & 07777, 0777);
	vfs_file_put(f);
}

static bool later(struct timespec a, struct timespec b)
{
	return a.tv_sec > b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec > b.tv_nsec);
}

static void times_move_as_linux_moves_them(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/d", 0755), 0);
	struct timespec old = { 1, 0 };
	struct timespec ts[2] = { old, old };
	assert_int_equal(vfs_utimensat(&fx->ctx, NULL, "/d", ts, 0), 0);
	struct stat d0 = fx_stat(fx, "/d");
	assert_int_equal(d0.st_mtim.tv_sec, 1);
	/* a new name: the directory's mtime and ctime move */
	fx_file(fx, "/d/f", 0644, NULL);
	struct stat d1 = fx_stat(fx, "/d");
	assert_true(later(d1.st_mtim, d0.st_mtim));
	assert_true(later(d1.st_ctim, d0.st_ctim) || d1.st_ctim.tv_sec == d0.st_ctim.tv_sec);
	/* chmod moves ctime only */
	assert_int_equal(vfs_utimensat(&fx->ctx, NULL, "/d/f", ts, 0), 0);
	struct stat f0 = fx_stat(fx, "/d/f");
	assert_int_equal(vfs_fchmodat(&fx->ctx, NULL, "/d/f", 0600, 0), 0);
	struct stat f1 = fx_stat(fx, "/d/f");
	assert_int_equal(f1.st_mtim.tv_sec, 1);
	assert_true(later(f1.st_ctim, f0.st_ctim) || f1.st_ctim.tv_nsec == f0.st_ctim.tv_nsec);
	/* UTIME_OMIT keeps, UTIME_NOW stamps */
	struct timespec mix[2] = { { 0, UTIME_OMIT }, { 0, UTIME_NOW } };
	assert_int_equal(vfs_utimensat(&fx->ctx, NULL, "/d/f", mix, 0), 0);
	struct stat f2 = fx_stat(fx, "/d/f");
	assert_int_equal(f2.st_atim.tv_sec, 1);
	assert_true(f2.st_mtim.tv_sec > 1);
	/* unlink moves the directory's mtime */
	assert_int_equal(vfs_utimensat(&fx->ctx, NULL, "/d", ts, 0), 0);
	assert_int_equal(vfs_unlinkat(&fx->ctx, NULL, "/d/f", 0), 0);
	assert_true(fx_stat(fx, "/d").st_mtim.tv_sec > 1);
	/* inode numbers are stable and distinct */
	fx_file(fx, "/a", 0644, NULL);
	fx_file(fx, "/b", 0644, NULL);
	assert_int_not_equal(fx_stat(fx, "/a").st_ino, fx_stat(fx, "/b").st_ino);
	ino_t ino = fx_stat(fx, "/a").st_ino;
	assert_int_equal(vfs_renameat2(&fx->ctx, NULL, "/a", NULL, "/d/a", 0), 0);
	assert_int_equal(fx_stat(fx, "/d/a").st_ino, ino);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(unlinked_open_file_lives_until_closed, setup_limited, fx_teardown),
		cmocka_unit_test_setup_teardown(inode_limit_gives_enospc, setup_limited, fx_teardown),
		cmocka_unit_test_setup_teardown(open_file_keeps_its_mount, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(host_fd_has_the_access_mode, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(tmpfile_is_linkable_once, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(suid_cleared_on_write_without_fsetid, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(times_move_as_linux_moves_them, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
