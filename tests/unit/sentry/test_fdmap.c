/* sentry/kernel/fdmap.c: what a sweep keeps of the files no fd holds. A tmpfs
 * file's backing object leaves no tombstone (the VFS knows it while the
 * inode lives), nor does an unnamed object (a shadow, a /proc snapshot);
 * a host object that can be reached by path again keeps one. Before, every
 * file ever let go left a tombstone: the sentry grew with churn. */
#include "tests/unit/vfs/fixture.h"

#include "sentry/kernel/fdmap.h"

/* A tmpfs file at path, open for writing, and its host identity. */
static struct vfs_file *tmpfs_file(struct fixture *fx, const char *path, struct stat *st)
{
	struct vfs_file *f;
	assert_int_equal(vfs_openat(&fx->ctx, NULL, path, O_CREAT | O_RDWR, 0644, &f), 0);
	assert_int_equal(fstat(vfs_file_host_fd(f), st), 0);
	return f;
}

static void sweep_all(struct fdmap *m)
{
	fdmap_mark_begin(m);
	fdmap_sweep(m);
}

static void tmpfs_files_leave_no_tombstone(void **state)
{
	struct fixture *fx = *state;
	struct fdmap *m = fdmap_new();
	assert_non_null(m);
	struct stat kept;
	for (int i = 0; i < 2000; i++) {
		char path[32];
		snprintf(path, sizeof(path), "/f%d", i);
		struct stat st;
		struct vfs_file *f = tmpfs_file(fx, path, &st);
		assert_int_equal(fdmap_add(m, st.st_dev, st.st_ino, f, 0), 0);
		vfs_file_put(f);
		if (i == 0)
			kept = st;
		else
			assert_int_equal(vfs_unlinkat(&fx->ctx, NULL, path, 0), 0);
	}
	assert_int_equal(fdmap_size(m), 2000);
	sweep_all(m);
	assert_int_equal(fdmap_size(m), 0);
	assert_int_equal(fdmap_tombstones(m), 0);
	/* /f0 still lives: an fd on its memfd that turns up is still the
	 * VFS's, never the program's own... */
	assert_null(fdmap_find(m, kept.st_dev, kept.st_ino));
	assert_true(fdmap_was_vfs(m, kept.st_dev, kept.st_ino));
	/* ...until the inode is gone, and the memfd names nothing. */
	assert_int_equal(vfs_unlinkat(&fx->ctx, NULL, "/f0", 0), 0);
	assert_false(fdmap_was_vfs(m, kept.st_dev, kept.st_ino));
	fdmap_free(m);
}

static void host_objects_keep_a_tombstone(void **state)
{
	struct fixture *fx = *state;
	struct fdmap *m = fdmap_new();
	assert_non_null(m);
	/* A host file the VFS did not make (as a hostfs file's): its key is
	 * no tmpfs inode's. */
	char host[] = "/tmp/veil-fdmap-XXXXXX";
	int hfd = mkstemp(host);
	assert_true(hfd >= 0);
	unlink(host);
	struct stat hs, st;
	assert_int_equal(fstat(hfd, &hs), 0);
	struct vfs_file *f = tmpfs_file(fx, "/g", &st);
	assert_int_equal(fdmap_add(m, hs.st_dev, hs.st_ino, f, 0), 0);
	sweep_all(m);
	assert_int_equal(fdmap_tombstones(m), 1);
	assert_true(fdmap_was_vfs(m, hs.st_dev, hs.st_ino));
	/* It comes back when the program opens it again. */
	assert_int_equal(fdmap_add(m, hs.st_dev, hs.st_ino, f, 0), 0);
	assert_ptr_equal(fdmap_find(m, hs.st_dev, hs.st_ino), f);
	assert_int_equal(fdmap_tombstones(m), 0);
	/* The same key as an unnamed object (a shadow's) leaves nothing. */
	fdmap_free(m);
	m = fdmap_new();
	assert_int_equal(fdmap_add(m, hs.st_dev, hs.st_ino, f, FDMAP_UNNAMED), 0);
	sweep_all(m);
	assert_int_equal(fdmap_tombstones(m), 0);
	assert_false(fdmap_was_vfs(m, hs.st_dev, hs.st_ino));
	/* A marked entry stays whole. */
	assert_int_equal(fdmap_add(m, hs.st_dev, hs.st_ino, f, 0), 0);
	fdmap_mark_begin(m);
	fdmap_mark(m, hs.st_dev, hs.st_ino);
	fdmap_sweep(m);
	assert_ptr_equal(fdmap_find(m, hs.st_dev, hs.st_ino), f);
	fdmap_free(m);
	vfs_file_put(f);
	close(hfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(tmpfs_files_leave_no_tombstone, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(host_objects_keep_a_tombstone, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
