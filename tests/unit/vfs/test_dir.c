/* Directory iteration with stable cookies, binds and remounts. */
#include <dirent.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/statfs.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

#include "tests/unit/vfs/fixture.h"

struct ent {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* Reads one batch; returns the names joined by spaces, the last cookie. */
static int64_t read_batch(struct vfs_file *d, size_t size, char *names, size_t cap)
{
	char buf[4096];
	ssize_t n = vfs_getdents64(d, buf, size);
	assert_true(n >= 0);
	int64_t last = -1;
	names[0] = '\0';
	for (ssize_t i = 0; i < n;) {
		struct ent *e = (struct ent *)(buf + i);
		strncat(names, e->name, cap - strlen(names) - 2);
		strcat(names, " ");
		last = e->off;
		i += e->reclen;
	}
	return last;
}

static void cookies_survive_changes(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/d", 0755), 0);
	fx_file(fx, "/d/a", 0644, NULL);
	fx_file(fx, "/d/b", 0644, NULL);
	fx_file(fx, "/d/c", 0644, NULL);
	struct vfs_file *d;
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/d", O_RDONLY | O_DIRECTORY, 0, &d), 0);
	char names[256];
	/* room for ".", "..", "a" (24 bytes each) */
	int64_t cookie = read_batch(d, 72, names, sizeof(names));
	assert_string_equal(names, ". .. a ");
	/* remove what comes next and add a new name: the cursor holds */
	assert_int_equal(vfs_unlinkat(&fx->ctx, NULL, "/d/b", 0), 0);
	fx_file(fx, "/d/z", 0644, NULL);
	read_batch(d, 4096, names, sizeof(names));
	assert_string_equal(names, "c z ");
	read_batch(d, 4096, names, sizeof(names));
	assert_string_equal(names, "");
	/* seek back to a cookie, and to the start */
	assert_int_equal(vfs_dir_lseek(d, cookie, SEEK_SET), cookie);
	read_batch(d, 4096, names, sizeof(names));
	assert_string_equal(names, "c z ");
	assert_int_equal(vfs_dir_lseek(d, 0, SEEK_SET), 0);
	read_batch(d, 4096, names, sizeof(names));
	assert_string_equal(names, ". .. a c z ");
	assert_int_equal(vfs_dir_lseek(d, 0, SEEK_END), -EINVAL);
	char tiny[8];
	assert_int_equal(vfs_dir_lseek(d, 0, SEEK_SET), 0);
	assert_int_equal(vfs_getdents64(d, tiny, sizeof(tiny)), -EINVAL);
	vfs_file_put(d);
	struct vfs_file *f;
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/d/a", O_RDONLY, 0, &f), 0);
	assert_int_equal(vfs_getdents64(f, names, sizeof(names)), -ENOTDIR);
	vfs_file_put(f);
}

static void bind_and_remount_readonly(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/src", 0755), 0);
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/dst", 0755), 0);
	fx_file(fx, "/src/f", 0644, "x");
	assert_int_equal(vfs_bind(&fx->ctx, NULL, "/src", NULL, "/dst", 0), 0);
	struct stat a = fx_stat(fx, "/src/f"), b = fx_stat(fx, "/dst/f");
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(vfs_remount(&fx->ctx, NULL, "/dst", MS_RDONLY | MS_NODEV), 0);
	assert_int_equal(vfs_remount(&fx->ctx, NULL, "/dst/f", MS_RDONLY), -EINVAL);
	assert_int_equal(vfs_unlinkat(&fx->ctx, NULL, "/dst/f", 0), -EROFS);
	assert_int_equal(vfs_mknodat(&fx->ctx, NULL, "/src/dev", S_IFCHR | 0644, makedev(1, 3)), 0);
	struct vfs_file *f;
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/dst/dev", O_RDONLY, 0, &f), -EACCES);
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/dst/f", O_RDWR, 0, &f), -EROFS);
	struct statfs sf;
	assert_int_equal(vfs_statfs(&fx->ctx, NULL, "/dst", &sf), 0);
	assert_true(sf.f_flags & ST_RDONLY);
	assert_true(sf.f_flags & ST_NODEV);
	assert_int_equal(vfs_renameat2(&fx->ctx, NULL, "/src/f", NULL, "/dst/g", 0), -EXDEV);
	/* the source stays writable */
	assert_int_equal(vfs_unlinkat(&fx->ctx, NULL, "/src/f", 0), 0);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/dst/f", &a, 0), -ENOENT);
	/* unprivileged callers cannot mount */
	vfs_cred_init(&fx->ctx.cred, 1000, 1000);
	assert_int_equal(vfs_bind(&fx->ctx, NULL, "/src", NULL, "/dst", 0), -EPERM);
	assert_int_equal(vfs_remount(&fx->ctx, NULL, "/dst", 0), -EPERM);
}

static void cursor_entry_removed_or_moved(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/d", 0755), 0);
	const char *names[] = { "/d/a", "/d/b", "/d/c", "/d/e" };
	for (int i = 0; i < 4; i++)
		fx_file(fx, names[i], 0644, NULL);
	struct vfs_file *d;
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/d", O_RDONLY | O_DIRECTORY, 0, &d), 0);
	char got[256];
	read_batch(d, 72, got, sizeof(got));
	assert_string_equal(got, ". .. a ");
	assert_int_equal(vfs_unlinkat(&fx->ctx, NULL, "/d/a", 0), 0); /* the cursor's entry */
	read_batch(d, 24, got, sizeof(got));
	assert_string_equal(got, "b ");
	assert_int_equal(vfs_renameat2(&fx->ctx, NULL, "/d/b", NULL, "/b", 0), 0); /* moved away */
	read_batch(d, 24, got, sizeof(got));
	assert_string_equal(got, "c ");
	read_batch(d, 4096, got, sizeof(got));
	assert_string_equal(got, "e ");
	vfs_file_put(d);
}

/* Names longer than the inline buffer live outside the dentry: renames and
 * exchanges must move them without losing or leaking either. */
static void long_and_short_names_move(void **state)
{
	struct fixture *fx = *state;
	const char *lng = "/a-name-much-longer-than-the-inline-buffer-of-a-dentry";
	const char *lng2 = "/another-name-much-longer-than-the-inline-buffer";
	fx_file(fx, lng, 0644, "L");
	fx_file(fx, "/s", 0644, "SS");
	assert_int_equal(vfs_renameat2(&fx->ctx, NULL, lng, NULL, "/s", RENAME_EXCHANGE), 0);
	assert_int_equal(fx_stat(fx, "/s").st_size, 1);
	assert_int_equal(fx_stat(fx, lng).st_size, 2);
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/d", 0755), 0);
	assert_int_equal(vfs_renameat2(&fx->ctx, NULL, "/s", NULL, lng2, 0), 0);
	assert_int_equal(vfs_renameat2(&fx->ctx, NULL, lng2, NULL, "/d/t", 0), 0);
	assert_int_equal(vfs_renameat2(&fx->ctx, NULL, lng, NULL, "/d/t", RENAME_EXCHANGE), 0);
	assert_int_equal(fx_stat(fx, "/d/t").st_size, 2);
	assert_int_equal(fx_stat(fx, lng).st_size, 1);
	struct stat st;
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/s", &st, 0), -ENOENT);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, lng2, &st, 0), -ENOENT);
	/* a directory exchanged with a file across parents keeps nlink right */
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/d/sub", 0755), 0);
	assert_int_equal(fx_stat(fx, "/d").st_nlink, 3);
	assert_int_equal(vfs_renameat2(&fx->ctx, NULL, "/d/sub", NULL, lng, RENAME_EXCHANGE), 0);
	assert_int_equal(fx_stat(fx, "/d").st_nlink, 2);
	assert_true(S_ISDIR(fx_stat(fx, lng).st_mode));
	assert_true(S_ISREG(fx_stat(fx, "/d/sub").st_mode));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(cookies_survive_changes, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(bind_and_remount_readonly, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(long_and_short_names_move, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(cursor_entry_removed_or_moved, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
