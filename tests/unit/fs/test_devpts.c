/* devpts: the namespace a provider's ptys make, as the kernel's devpts
 * (newinstance,ptmxmode=0666,mode=620) shows it. The provider here is a
 * plain array the tests change between calls. */
#include <dirent.h>
#include <sys/mount.h>
#include <sys/statfs.h>

#include "fs/devpts/devpts.h"
#include "tests/unit/vfs/fixture.h"

#define MAX_PTYS 8

struct fake {
	struct devpts_pty ptys[MAX_PTYS];
	bool live[MAX_PTYS];
	int released;
	int calls;
};

static struct fake fake;

static int fake_next(void *arg, long after, struct devpts_pty *ret)
{
	struct fake *f = arg;
	f->calls++;
	for (unsigned i = 0; i < MAX_PTYS; i++) {
		if (f->live[i] && (long)f->ptys[i].index > after) {
			*ret = f->ptys[i];
			return 1;
		}
	}
	return 0;
}

static int fake_get(void *arg, unsigned index, struct devpts_pty *ret)
{
	struct fake *f = arg;
	f->calls++;
	for (unsigned i = 0; i < MAX_PTYS; i++) {
		if (f->live[i] && f->ptys[i].index == index) {
			*ret = f->ptys[i];
			return 0;
		}
	}
	return -ENOENT;
}

static void fake_release(void *arg)
{
	((struct fake *)arg)->released++;
}

static const struct devpts_provider fake_provider = {
	.next = fake_next,
	.get = fake_get,
	.release = fake_release,
};

/* Slot i holds pty `index` (indices ascending with slots, as a provider
 * lists them). */
static void fake_set(unsigned slot, unsigned index, uint64_t serial, uid_t uid, gid_t gid)
{
	fake.ptys[slot] = (struct devpts_pty){
		.index = index,
		.serial = serial,
		.uid = uid,
		.gid = gid,
		.rdev = makedev(136 + index / 256, index % 256),
		.ino = index + 3,
		.time = {1000 + index, 0},
	};
	fake.live[slot] = true;
}

static int setup(void **state)
{
	memset(&fake, 0, sizeof(fake));
	if (fx_setup(state) < 0)
		return -1;
	struct fixture *fx = *state;
	struct devpts_opts o = {
		.uid = 7,
		.gid = 8,
		.mode = 0620,
		.ptmxmode = 0666,
		.dev = makedev(0, 42),
		.provider = &fake_provider,
		.arg = &fake,
	};
	struct vfs_sb *sb;
	if (vfs_mkdirat(&fx->ctx, NULL, "/pts", 0755) < 0 || devpts_new(&o, &sb) < 0)
		return -1;
	int r = vfs_mount(&fx->ctx, NULL, "/pts", sb, MS_NOSUID | MS_NOEXEC);
	vfs_sb_put(sb);
	return r;
}

static int teardown(void **state)
{
	int r = fx_teardown(state);
	assert_int_equal(fake.released, 1);
	return r;
}

/* The names a listing of /pts gives, space-separated, "." and ".." left
 * out; read `chunk` bytes at a time. */
static void list(struct fixture *fx, char *out, size_t size, size_t chunk)
{
	struct vfs_file *d;
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/pts", O_RDONLY | O_DIRECTORY, 0, &d), 0);
	char buf[4096];
	out[0] = '\0';
	ssize_t n;
	while ((n = vfs_getdents64(d, buf, chunk)) > 0) {
		for (ssize_t i = 0; i < n;) {
			struct dirent64 *de = (struct dirent64 *)(buf + i);
			i += de->d_reclen;
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			if (out[0])
				strncat(out, " ", size - strlen(out) - 1);
			strncat(out, de->d_name, size - strlen(out) - 1);
		}
	}
	assert_int_equal(n, 0);
	vfs_file_put(d);
}

static void root_and_ptmx_as_the_kernel_shows_them(void **state)
{
	struct fixture *fx = *state;
	struct stat st = fx_stat(fx, "/pts");
	assert_int_equal(st.st_mode, S_IFDIR | 0755);
	assert_int_equal(st.st_ino, 1);
	assert_int_equal(st.st_uid, 7);
	assert_int_equal(st.st_gid, 8);
	assert_int_equal(st.st_dev, makedev(0, 42));
	st = fx_stat(fx, "/pts/ptmx");
	assert_int_equal(st.st_mode, S_IFCHR | 0666);
	assert_int_equal(st.st_ino, 2);
	assert_int_equal(st.st_rdev, makedev(5, 2));
	assert_int_equal(st.st_uid, 7);
	struct statfs sf;
	assert_int_equal(vfs_statfs(&fx->ctx, NULL, "/pts", &sf), 0);
	assert_int_equal(sf.f_type, DEVPTS_MAGIC_NUMBER);
	assert_true(sf.f_flags & ST_NOEXEC);
	char names[256];
	list(fx, names, sizeof(names), 4096);
	assert_string_equal(names, "ptmx");
}

static void ptys_are_what_the_provider_says(void **state)
{
	struct fixture *fx = *state;
	fake_set(0, 0, 1, 1000, 1001);
	fake_set(1, 5, 2, 0, 5);
	fake_set(2, 300, 3, 2, 2);
	char names[256];
	list(fx, names, sizeof(names), 4096);
	assert_string_equal(names, "ptmx 0 5 300");
	/* one entry per call: cookies resume where the last call stopped */
	list(fx, names, sizeof(names), 40);
	assert_string_equal(names, "ptmx 0 5 300");

	struct stat st = fx_stat(fx, "/pts/5");
	assert_int_equal(st.st_mode, S_IFCHR | 0620);
	assert_int_equal(st.st_ino, 8);
	assert_int_equal(st.st_rdev, makedev(136, 5));
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(st.st_gid, 5);
	assert_int_equal(st.st_mtim.tv_sec, 1005);
	assert_int_equal(fx_stat(fx, "/pts/300").st_rdev, makedev(137, 44));

	/* gone from the provider: gone from lookups and listings at once */
	fake.live[1] = false;
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/pts/5", &st, 0), -ENOENT);
	list(fx, names, sizeof(names), 4096);
	assert_string_equal(names, "ptmx 0 300");
	/* the index reused by another pty: its owner, not the old one's */
	fake_set(1, 5, 9, 1000, 1000);
	st = fx_stat(fx, "/pts/5");
	assert_int_equal(st.st_uid, 1000);
	assert_int_equal(st.st_gid, 1000);
}

static void names_that_are_no_pty(void **state)
{
	struct fixture *fx = *state;
	fake_set(0, 1, 1, 0, 0);
	struct stat st;
	static const char *const bad[] = {"/pts/01", "/pts/+1", "/pts/-1", "/pts/1x", "/pts/2",
					  "/pts/4294967297", "/pts/PTMX"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(vfs_fstatat(&fx->ctx, NULL, bad[i], &st, 0), -ENOENT);
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, "/pts/1", &st, 0), 0);
	/* nothing can be made here */
	assert_int_equal(vfs_mkdirat(&fx->ctx, NULL, "/pts/d", 0755), -EPERM);
	assert_true(vfs_mknodat(&fx->ctx, NULL, "/pts/7", S_IFCHR | 0600, makedev(136, 7)) < 0);
	assert_true(vfs_unlinkat(&fx->ctx, NULL, "/pts/1", 0) < 0);
}

static void nodes_take_chmod_and_chown(void **state)
{
	struct fixture *fx = *state;
	fake_set(0, 3, 1, 0, 0);
	assert_int_equal(vfs_fchmodat(&fx->ctx, NULL, "/pts/3", 0600, 0), 0);
	assert_int_equal(vfs_fchownat(&fx->ctx, NULL, "/pts/3", 4, 5, 0), 0);
	struct stat st = fx_stat(fx, "/pts/3");
	assert_int_equal(st.st_mode, S_IFCHR | 0600);
	assert_int_equal(st.st_uid, 4);
	assert_int_equal(st.st_gid, 5);
	assert_int_equal(vfs_fchmodat(&fx->ctx, NULL, "/pts/ptmx", 0600, 0), 0);
	assert_int_equal(fx_stat(fx, "/pts/ptmx").st_mode, S_IFCHR | 0600);
}

static void node_kinds(void **state)
{
	struct fixture *fx = *state;
	fake_set(0, 4, 1, 0, 0);
	struct vfs_file *f;
	void *arg = NULL;
	unsigned index = 0;
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/pts/ptmx", O_PATH, 0, &f), 0);
	assert_int_equal(devpts_node_of(vfs_file_inode(f), &arg, &index), DEVPTS_PTMX);
	assert_ptr_equal(arg, &fake);
	vfs_file_put(f);
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/pts/4", O_PATH, 0, &f), 0);
	assert_int_equal(devpts_node_of(vfs_file_inode(f), &arg, &index), DEVPTS_PTY);
	assert_int_equal(index, 4);
	/* an open file keeps its node after the pty went */
	fake.live[0] = false;
	struct stat st;
	assert_int_equal(vfs_fstatat(&fx->ctx, f, "", &st, AT_EMPTY_PATH), 0);
	assert_int_equal(st.st_rdev, makedev(136, 4));
	vfs_file_put(f);
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/pts", O_PATH, 0, &f), 0);
	assert_int_equal(devpts_node_of(vfs_file_inode(f), &arg, &index), DEVPTS_NONE);
	vfs_file_put(f);
	/* a device node elsewhere with a pty's number is no pty */
	assert_int_equal(vfs_mknodat(&fx->ctx, NULL, "/fake4", S_IFCHR | 0666, makedev(136, 4)), 0);
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/fake4", O_PATH, 0, &f), 0);
	assert_int_equal(devpts_node_of(vfs_file_inode(f), &arg, &index), DEVPTS_NONE);
	vfs_file_put(f);
	/* device nodes do not open through the VFS itself */
	assert_int_equal(vfs_openat(&fx->ctx, NULL, "/pts/ptmx", O_RDWR, 0, &f), -ENXIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(root_and_ptmx_as_the_kernel_shows_them, setup,
						teardown),
		cmocka_unit_test_setup_teardown(ptys_are_what_the_provider_says, setup, teardown),
		cmocka_unit_test_setup_teardown(names_that_are_no_pty, setup, teardown),
		cmocka_unit_test_setup_teardown(nodes_take_chmod_and_chown, setup, teardown),
		cmocka_unit_test_setup_teardown(node_kinds, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
