/* tmpfs: root options, data files in the instance's own directory or a
 * given one, no fd per stored file, limits, statfs. */
#include <dirent.h>
#include <linux/capability.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/statfs.h>

#include "tests/unit/vfs/fixture.h"

static int setup_opts(void **state)
{
	struct tmpfs_opts o = { .size = 1 << 20, .nr_inodes = 100, .mode = 0750, .uid = 7, .gid = 8 };
	return fx_setup_opts(state, &o);
}

static void root_takes_the_options(void **state)
{
	struct fixture *fx = *state;
	struct stat st = fx_stat(fx, "/");
	assert_int_equal(st.st_mode, S_IFDIR | 0750);
	assert_int_equal(st.st_uid, 7);
	assert_int_equal(st.st_gid, 8);
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(st.st_size, 40);
	struct statfs sf;
	assert_int_equal(vfs_statfs(&fx->ctx, NULL, "/", &sf), 0);
	assert_int_equal(sf.f_type, TMPFS_MAGIC_NUMBER);
	assert_int_equal(sf.f_blocks, 256);
	assert_int_equal(sf.f_files, 100);
	assert_int_equal(sf.f_ffree, 99);
}

static void data_lives_in_a_real_file(void **state)
{
	struct fixture *fx = *state;
	fx_file(fx, "/f", 0644, "0123456789");
	struct vfs_file *f;
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/f", O_RDWR, 0, &f), 0);
	int fd = vfs_file_host_fd(f);
	assert_true(fd >= 0);
	/* a native write and truncate show in stat */
	assert_int_equal(pwrite(fd, "x", 1, 8191), 1);
	struct stat st = fx_stat(fx, "/f");
	assert_int_equal(st.st_size, 8192);
	assert_true(st.st_blocks >= 8);
	assert_int_equal(ftruncate(fd, 3), 0);
	assert_int_equal(fx_stat(fx, "/f").st_size, 3);
	/* and through the VFS, mtime moves and is settable */
	struct timespec ts[2] = { { 100, 0 }, { 200, 0 } };
	assert_int_equal(vfs_utimensat(&fx->ctx, NULL, "/f", ts, 0), 0);
	st = fx_stat(fx, "/f");
	assert_int_equal(st.st_mtim.tv_sec, 200);
	assert_int_equal(st.st_atim.tv_sec, 100);
	assert_int_equal(vfs_truncate(&fx->ctx, NULL, "/f", 5), 0);
	st = fx_stat(fx, "/f");
	assert_int_equal(st.st_size, 5);
	assert_true(st.st_mtim.tv_sec > 200);
	vfs_file_put(f);
	/* a node never opened has no data file and reads as empty */
	assert_int_equal(vfs_mknodat(&fx->ctx, NULL, "/empty", S_IFREG | 0600, 0), 0);
	st = fx_stat(fx, "/empty");
	assert_int_equal(st.st_size, 0);
	assert_int_equal(st.st_blocks, 0);
}

static void symlink_and_special_sizes(void **state)
{
	struct fixture *fx = *state;
	char longt[200];
	memset(longt, 'x', sizeof(longt) - 1);
	longt[sizeof(longt) - 1] = '\0';
	assert_int_equal(vfs_symlinkat(&fx->ctx, "short", NULL, "/s"), 0);
	assert_int_equal(vfs_symlinkat(&fx->ctx, longt, NULL, "/l"), 0);
	struct stat st;
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/s", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(st.st_size, 5);
	assert_int_equal(st.st_blocks, 0);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/l", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(st.st_size, 199);
	assert_int_equal(st.st_blocks, 8);
	char buf[8];
	assert_int_equal(vfs_readlinkat(&fx->ctx, NULL, "/s", buf, 3), 3);
	assert_memory_equal(buf, "sho", 3);
	assert_int_equal(vfs_mknodat(&fx->ctx, NULL, "/c", S_IFCHR | 0600, makedev(5, 1)), 0);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/c", &st, 0), 0);
	assert_int_equal(major(st.st_rdev), 5);
	assert_int_equal(minor(st.st_rdev), 1);
	struct vfs_file *f;
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/c", O_RDONLY, 0, &f), -ENXIO);
	assert_int_equal(vfs_mknodat(&fx->ctx, NULL, "/so", S_IFSOCK | 0600, 0), 0);
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/so", O_RDONLY, 0, &f), -ENXIO);
}

static void size_limit_gives_enospc(void **state)
{
	struct fixture *fx = *state; /* size=1 MiB */
	char *chunk = malloc(300 << 10);
	assert_non_null(chunk);
	memset(chunk, 'x', 300 << 10);
	struct vfs_file *a, *b;
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/a", O_CREAT | O_WRONLY, 0644, &a), 0);
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/b", O_CREAT | O_WRONLY | O_APPEND, 0644, &b), 0);
	assert_int_equal(vfs_write(&fx->ctx, a, chunk, 300 << 10), 300 << 10);
	assert_int_equal(vfs_write(&fx->ctx, a, chunk, 300 << 10), 300 << 10);
	assert_int_equal(vfs_write(&fx->ctx, b, chunk, 300 << 10), 300 << 10);
	/* 900 KiB used: a short write, then none */
	assert_int_equal(vfs_write(&fx->ctx, b, chunk, 300 << 10), (1 << 20) - 900 * 1024);
	assert_int_equal(vfs_write(&fx->ctx, b, chunk, 1), -ENOSPC);
	struct statfs sf;
	assert_int_equal(vfs_statfs(&fx->ctx, NULL, "/", &sf), 0);
	assert_int_equal(sf.f_bfree, 0);
	/* space comes back with truncation and unlinking */
	assert_int_equal(vfs_ftruncate(&fx->ctx, a, 0), 0);
	assert_int_equal(vfs_write(&fx->ctx, b, chunk, 1), 1);
	vfs_file_put(a);
	vfs_file_put(b);
	free(chunk);
}

static void many_instances_have_their_own_dev(void **state)
{
	struct fixture *fx = *state;
	dev_t seen[4];
	for (int i = 0; i < 4; i++) {
		char p[8];
		snprintf(p, sizeof(p), "/m%d", i);
		assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, p, 0755), 0);
		struct vfs_sb *sb;
		assert_int_equal(tmpfs_new(NULL, &sb), 0);
		assert_int_equal(vfs_mount(&fx->ctx, NULL, p, sb, 0), 0);
		vfs_sb_put(sb);
		seen[i] = fx_stat(fx, p).st_dev;
		for (int j = 0; j < i; j++)
			assert_int_not_equal(seen[i], seen[j]);
	}
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* The instance holds no fd per stored file: more files with data than the
 * fd limit allows open, each still there, its data file keeping one host
 * identity across opens, and gone with the last name. */
/* A FIFO's pipe is a FIFO node the instance makes at the first ask, the
 * same node for every opener, holding no fd while no one asks, removed
 * with the inode; its times follow the node's. */
static void fifo_has_one_host_node(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(vfs_mknodat(&fx->ctx, NULL, "/p", S_IFIFO | 0640, 0), 0);
	int before = count_fds();
	struct vfs_file *f, *g;
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/p", O_RDONLY, 0, &f), 0);
	assert_int_equal(vfs_file_host_fd(f), -ENXIO); /* the VFS opens no pipe */
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/p", O_PATH, 0, &g), 0);
	int a = vfs_file_fifo_node(f), b = vfs_file_fifo_node(g);
	assert_true(a >= 0 && b >= 0);
	struct stat sa, sb;
	assert_int_equal(fstat(a, &sa), 0);
	assert_int_equal(fstat(b, &sb), 0);
	assert_true(S_ISFIFO(sa.st_mode));
	assert_int_equal(sa.st_ino, sb.st_ino);
	assert_ptr_equal(vfs_inode_by_host(sa.st_dev, sa.st_ino), vfs_file_inode(f));
	/* a write through the node moves the FIFO's mtime */
	struct timespec ts[2] = {{100, 0}, {200, 0}};
	assert_int_equal(vfs_utimensat(&fx->ctx, NULL, "/p", ts, 0), 0);
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", a);
	int rw = open(path, O_RDWR | O_CLOEXEC);
	assert_true(rw >= 0);
	assert_int_equal(write(rw, "x", 1), 1);
	close(rw);
	struct stat st = fx_stat(fx, "/p");
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_true(st.st_mtim.tv_sec > 200);
	close(a);
	close(b);
	assert_int_equal(count_fds(), before);
	assert_int_equal(vfs_unlinkat(&fx->ctx, NULL, "/p", 0), 0);
	vfs_file_put(f);
	vfs_file_put(g);
	assert_null(vfs_inode_by_host(sa.st_dev, sa.st_ino));
	/* not a FIFO: no node */
	fx_file(fx, "/r", 0644, "");
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/r", O_RDONLY, 0, &f), 0);
	assert_int_equal(vfs_file_fifo_node(f), -EINVAL);
	vfs_file_put(f);
}

static void stored_files_cost_no_fds(void **state)
{
	struct fixture *fx = *state;
	struct rlimit old, low = {.rlim_cur = 64};
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	low.rlim_max = old.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	int before = count_fds();
	char p[32];
	for (int i = 0; i < 500; i++) {
		snprintf(p, sizeof(p), "/f%d", i);
		fx_file(fx, p, 0644, "data");
	}
	assert_int_equal(count_fds(), before);
	for (int i = 0; i < 500; i++) {
		snprintf(p, sizeof(p), "/f%d", i);
		assert_int_equal(fx_stat(fx, p).st_size, 4);
	}
	struct vfs_file *f;
	struct stat a, b;
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/f7", O_RDONLY, 0, &f), 0);
	assert_int_equal(fstat(vfs_file_host_fd(f), &a), 0);
	vfs_file_put(f);
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/f7", O_WRONLY | O_APPEND, 0, &f), 0);
	assert_int_equal(fstat(vfs_file_host_fd(f), &b), 0);
	assert_int_equal(a.st_dev, b.st_dev);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_ptr_equal(vfs_inode_by_host(a.st_dev, a.st_ino), vfs_file_inode(f));
	/* an unlinked file open somewhere keeps its data until the last close */
	assert_int_equal(vfs_unlinkat(&fx->ctx, NULL, "/f7", 0), 0);
	assert_int_equal(write(vfs_file_host_fd(f), "!", 1), 1);
	assert_int_equal(fstat(vfs_file_host_fd(f), &b), 0);
	assert_int_equal(b.st_size, 5);
	assert_int_equal(b.st_nlink, 1);
	int host = dup(vfs_file_host_fd(f));
	vfs_file_put(f);
	assert_int_equal(fstat(host, &b), 0);
	assert_int_equal(b.st_nlink, 0);
	close(host);
	assert_null(vfs_inode_by_host(a.st_dev, a.st_ino));
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
}

/* A backed instance: file data in files of the backing directory (here one
 * made in /dev/shm, a real tmpfs), whose statfs it reports; the instance
 * closes the directory with itself, and its caller removes it. */
static char backed_path[64];

static int setup_backed(void **state)
{
	snprintf(backed_path, sizeof(backed_path), "/dev/shm/veil-test-XXXXXX");
	if (!mkdtemp(backed_path))
		return -1;
	int dir = open(backed_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -1;
	struct tmpfs_opts o = {.mode = 0755, .has_data_dir = true, .backed = true, .data_dir = dir};
	return fx_setup_opts(state, &o);
}

static int teardown_backed(void **state)
{
	int r = fx_teardown(state);
	/* every data file went with its inode */
	assert_int_equal(rmdir(backed_path), 0);
	return r;
}

static void backed_data_lives_in_the_backing_dir(void **state)
{
	struct fixture *fx = *state;
	struct stat shm, data;
	assert_int_equal(stat("/dev/shm", &shm), 0);
	struct vfs_file *f;
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/a", O_CREAT | O_RDWR, 0644, &f), 0);
	int fd = vfs_file_host_fd(f);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "data", 4), 4);
	assert_int_equal(fstat(fd, &data), 0);
	assert_int_equal(data.st_dev, shm.st_dev); /* not a memfd's */
	assert_int_equal(data.st_nlink, 1);	   /* named, so no fd keeps it */
	struct stat st;
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/a", &st, 0), 0);
	assert_int_equal(st.st_size, 4);
	struct statfs real, sf;
	assert_int_equal(statfs("/dev/shm", &real), 0);
	assert_int_equal(vfs_statfs(&fx->ctx, NULL, "/", &sf), 0);
	assert_int_equal(sf.f_blocks, real.f_blocks);
	/* more than half free on this machine's /dev/shm: no sweep asked */
	assert_false(tmpfs_space_low(vfs_file_inode(f)));
	vfs_file_put(f);
}

/* A directory's inode flags live in the VFS: the ones Linux's tmpfs
 * keeps, the owner's or CAP_FOWNER's to change; append-only and immutable
 * CAP_LINUX_IMMUTABLE's, and enforced. */
static void directory_flags(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/d", 0755), 0);
	struct vfs_file *d;
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/d", O_RDONLY | O_DIRECTORY, 0, &d), 0);
	unsigned fl = 1;
	assert_int_equal(vfs_file_get_fsflags(d, &fl), 0);
	assert_int_equal(fl, 0);
	assert_int_equal(vfs_file_set_fsflags(&fx->ctx, d, 0x40 | 0x80), 0); /* nodump, noatime */
	assert_int_equal(vfs_file_get_fsflags(d, &fl), 0);
	assert_int_equal(fl, 0x40 | 0x80);
	assert_int_equal(vfs_file_set_fsflags(&fx->ctx, d, 0x8), -EOPNOTSUPP); /* sync */
	assert_int_equal(vfs_file_set_fsflags(&fx->ctx, d, 0x40 | 0x80 | 0x10), 0); /* immutable */
	assert_int_equal(vfs_file_get_fsflags(d, &fl), 0);
	assert_int_equal(fl, 0x40 | 0x80 | 0x10);
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/d/sub", 0755), -EPERM);
	assert_int_equal(vfs_file_set_fsflags(&fx->ctx, d, 0x40 | 0x80 | 0x20), 0); /* append */
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/d/sub", 0755), 0);
	assert_int_equal(vfs_unlinkat(&fx->ctx, NULL, "/d/sub", AT_REMOVEDIR), -EPERM);
	fx->ctx.cred.caps &= ~VFS_CAP(CAP_LINUX_IMMUTABLE);
	assert_int_equal(vfs_file_set_fsflags(&fx->ctx, d, 0x40 | 0x80), -EPERM);
	fx->ctx.cred.caps |= VFS_CAP(CAP_LINUX_IMMUTABLE);
	assert_int_equal(vfs_file_set_fsflags(&fx->ctx, d, 0x40 | 0x80), 0);
	assert_int_equal(vfs_unlinkat(&fx->ctx, NULL, "/d/sub", AT_REMOVEDIR), 0);
	/* a file's: append-only and immutable in the VFS, the others on
	 * its data file (where an unprivileged host refuses none of them) */
	fx_file(fx, "/f", 0644, "x");
	struct vfs_file *f;
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/f", O_RDONLY, 0, &f), 0);
	assert_int_equal(vfs_file_get_fsflags(f, &fl), 0);
	assert_int_equal(fl & 0x30, 0);
	assert_int_equal(vfs_file_set_fsflags(&fx->ctx, f, fl | 0x20), 0);
	assert_int_equal(vfs_file_get_fsflags(f, &fl), 0);
	assert_int_equal(fl & 0x30, 0x20);
	struct vfs_file *w;
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/f", O_WRONLY, 0, &w), -EPERM);
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/f", O_WRONLY | O_APPEND, 0, &w), 0);
	vfs_file_put(w);
	assert_int_equal(vfs_unlinkat(&fx->ctx, NULL, "/f", 0), -EPERM);
	assert_int_equal(vfs_file_set_fsflags(&fx->ctx, f, fl & ~0x30u), 0);
	assert_int_equal(vfs_unlinkat(&fx->ctx, NULL, "/f", 0), 0);
	vfs_file_put(f);
	fx->ctx.cred.euid = 1000;
	fx->ctx.cred.caps = 0;
	assert_int_equal(vfs_file_set_fsflags(&fx->ctx, d, 0), -EPERM); /* not the owner */
	assert_int_equal(vfs_file_get_fsflags(d, &fl), 0);
	assert_int_equal(fl, 0x40 | 0x80);
	vfs_file_put(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(root_takes_the_options, setup_opts, fx_teardown),
		cmocka_unit_test_setup_teardown(data_lives_in_a_real_file, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(fifo_has_one_host_node, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(symlink_and_special_sizes, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(directory_flags, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(many_instances_have_their_own_dev, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(size_limit_gives_enospc, setup_opts, fx_teardown),
		cmocka_unit_test_setup_teardown(stored_files_cost_no_fds, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(backed_data_lives_in_the_backing_dir, setup_backed,
						teardown_backed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
