/* hostfs: a host tree as the sandbox root, with symlinks, "..", magic links
 * and a bound symlink trying to leave it; host changes seen through the
 * cache; owner mapping; read-only binds. */
#include <stdio.h>
#include <sched.h>
#include <sys/mount.h>

#include <sys/wait.h>

#include "fs/hostfs/hostfs.h"
#include "tests/unit/vfs/fixture.h"

struct hfx {
	char dir[64];
	char tree[96];
	struct vfs_mount *root;
	struct vfs_ctx ctx;
};

/* Runs a shell command with $D set to the fixture's directory. */
static void sh(const char *cmd, const char *dir)
{
	assert_int_equal(setenv("D", dir, 1), 0);
	assert_int_equal(system(cmd), 0);
}

static int mount_host_opts(struct hfx *h, bool ro, bool strict)
{
	struct hostfs_opts o = { .source = h->tree, .rdonly = ro, .host_uid = 0, .uid = 0,
				 .host_gid = 0, .gid = 0, .strict = strict };
	struct vfs_sb *sb;
	int r = hostfs_new(&o, &sb);
	if (r < 0)
		return r;
	r = vfs_mount_root(sb, 0, &h->root);
	vfs_sb_put(sb);
	if (r < 0)
		return r;
	struct vfs_cred c;
	vfs_cred_init(&c, 0, 0);
	vfs_ctx_init(&h->ctx, h->root, &c);
	return 0;
}

static int mount_host(struct hfx *h, bool ro)
{
	return mount_host_opts(h, ro, false);
}

static int setup(void **state)
{
	struct hfx *h = calloc(1, sizeof(*h));
	snprintf(h->dir, sizeof(h->dir), "/tmp/veil-hostfs-XXXXXX");
	if (!mkdtemp(h->dir))
		return -1;
	snprintf(h->tree, sizeof(h->tree), "%s/tree", h->dir);
	sh("mkdir -p $D/tree/d && echo hello > $D/tree/f && echo outside > $D/secret && "
	   "ln -s /proc/self/root $D/tree/magic",
	   h->dir);
	sh("cd $D/tree && ln -s ../secret up && ln -s ../../../../../../etc/passwd deep && "
	   "ln -s /etc/passwd abs && ln -s .. d/parent && ln -s $D/secret hostabs",
	   h->dir);
	sh("ln -s $D/tree $D/link-to-tree && echo 1 > $D/tree/owned && chown 1234:1234 $D/tree/owned", h->dir);
	sh("chmod 600 $D/tree/owned", h->dir);
	*state = h;
	return mount_host(h, false);
}

static int teardown(void **state)
{
	struct hfx *h = *state;
	vfs_ctx_destroy(&h->ctx);
	vfs_mount_tree_put(h->root);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", h->dir);
	if (system(cmd) != 0)
		return -1;
	free(h);
	struct vfs_stats st;
	vfs_get_stats(&st);
	assert_int_equal(st.mounts + st.dentries + st.inodes + st.files, 0);
	return 0;
}

static void symlinks_cannot_leave(void **state)
{
	struct hfx *h = *state;
	struct stat st;
	struct vfs_ctx *c = &h->ctx;
	assert_int_equal(vfs_fstatat(c, NULL, "/f", &st, 0), 0);
	assert_int_equal(vfs_fstatat(c, NULL, "/up", &st, 0), -ENOENT);
	assert_int_equal(vfs_fstatat(c, NULL, "/deep", &st, 0), -ENOENT);
	assert_int_equal(vfs_fstatat(c, NULL, "/abs", &st, 0), -ENOENT);
	assert_int_equal(vfs_fstatat(c, NULL, "/hostabs", &st, 0), -ENOENT);
	assert_int_equal(vfs_fstatat(c, NULL, "/../secret", &st, 0), -ENOENT);
	assert_int_equal(vfs_fstatat(c, NULL, "/d/../../secret", &st, 0), -ENOENT);
	assert_int_equal(vfs_fstatat(c, NULL, "/d/parent/../secret", &st, 0), -ENOENT);
	/* /proc/self/root read as a plain link body: "/" of the sandbox */
	struct stat root;
	assert_int_equal(vfs_fstatat(c, NULL, "/", &root, 0), 0);
	assert_int_equal(vfs_fstatat(c, NULL, "/magic", &st, 0), -ENOENT);
	struct vfs_file *f;
	assert_int_equal(vfs_openat(c, NULL, "/d/parent/f", O_RDONLY, 0, &f), 0);
	char buf[16] = { 0 };
	assert_int_equal(vfs_pread(f, buf, sizeof(buf), 0), 6);
	assert_string_equal(buf, "hello\n");
	vfs_file_put(f);
}

static void bound_symlink_binds_its_target(void **state)
{
	struct hfx *h = *state;
	char src[128];
	snprintf(src, sizeof(src), "%s/link-to-tree", h->dir);
	struct hostfs_opts o = { .source = src };
	struct vfs_sb *sb;
	assert_int_equal(hostfs_new(&o, &sb), 0);
	assert_int_equal(vfs_mkdirat(&h->ctx, NULL, "/d/m", 0755), 0);
	assert_int_equal(vfs_mount(&h->ctx, NULL, "/d/m", sb, 0), 0);
	vfs_sb_put(sb);
	struct stat st;
	assert_int_equal(vfs_fstatat(&h->ctx, NULL, "/d/m/f", &st, 0), 0);
	assert_int_equal(vfs_fstatat(&h->ctx, NULL, "/d/m/up", &st, 0), -ENOENT);
	assert_int_equal(vfs_fstatat(&h->ctx, NULL, "/d/m/../../f", &st, 0), 0);
	o.source = "/nonexistent/veil";
	assert_int_equal(hostfs_new(&o, &sb), -ENOENT);
}

static void host_changes_are_seen(void **state)
{
	struct hfx *h = *state;
	struct stat st;
	assert_int_equal(vfs_fstatat(&h->ctx, NULL, "/f", &st, 0), 0);
	assert_int_equal(st.st_size, 6);
	sh("cd $D/tree && mv f g && echo longer-now > f && mkdir -p d/new", h->dir);
	assert_int_equal(vfs_fstatat(&h->ctx, NULL, "/f", &st, 0), 0);
	assert_int_equal(st.st_size, 11);
	assert_int_equal(vfs_fstatat(&h->ctx, NULL, "/g", &st, 0), 0);
	assert_int_equal(st.st_size, 6);
	assert_int_equal(vfs_fstatat(&h->ctx, NULL, "/d/new", &st, 0), 0);
	sh("rm -rf $D/tree/d/new $D/tree/g", h->dir);
	assert_int_equal(vfs_fstatat(&h->ctx, NULL, "/d/new", &st, 0), -ENOENT);
	assert_int_equal(vfs_fstatat(&h->ctx, NULL, "/g", &st, 0), -ENOENT);
	/* replaced by a symlink: the walk follows the new link, inside */
	sh("cd $D/tree && rm -rf d && ln -s /f d", h->dir);
	assert_int_equal(vfs_fstatat(&h->ctx, NULL, "/d", &st, 0), 0);
	assert_true(S_ISREG(st.st_mode));
}

static void owners_are_mapped(void **state)
{
	struct hfx *h = *state;
	struct stat st;
	assert_int_equal(vfs_fstatat(&h->ctx, NULL, "/owned", &st, 0), 0);
	assert_int_equal(st.st_uid, HOSTFS_OVERFLOW_ID);
	assert_int_equal(st.st_gid, HOSTFS_OVERFLOW_ID);
	assert_int_equal(vfs_fstatat(&h->ctx, NULL, "/f", &st, 0), 0);
	assert_int_equal(st.st_uid, 0);
	/* root in the sandbox has no capability over an unmapped owner */
	struct vfs_file *f;
	assert_int_equal(vfs_openat(&h->ctx, NULL, "/owned", O_RDONLY, 0, &f), -EACCES);
	assert_int_equal(vfs_fchownat(&h->ctx, NULL, "/owned", 0, 0, 0), -EPERM);
	assert_int_equal(vfs_fchownat(&h->ctx, NULL, "/f", 55, -1, 0), -EINVAL);
}

static void readonly_refuses_changes(void **state)
{
	struct hfx *h = *state;
	vfs_ctx_destroy(&h->ctx);
	vfs_mount_tree_put(h->root);
	assert_int_equal(mount_host(h, true), 0);
	struct vfs_ctx *c = &h->ctx;
	struct vfs_file *f;
	assert_int_equal(vfs_openat(c, NULL, "/f", O_RDONLY, 0, &f), 0);
	assert_int_equal(vfs_file_host_fd(f) >= 0, 1);
	vfs_file_put(f);
	assert_int_equal(vfs_openat(c, NULL, "/f", O_WRONLY, 0, &f), -EROFS);
	assert_int_equal(vfs_openat(c, NULL, "/n", O_CREAT | O_WRONLY, 0644, &f), -EROFS);
	assert_int_equal(vfs_mkdirat(c, NULL, "/x", 0755), -EROFS);
	assert_int_equal(vfs_unlinkat(c, NULL, "/f", 0), -EROFS);
	assert_int_equal(vfs_renameat2(c, NULL, "/f", NULL, "/g", 0), -EROFS);
	assert_int_equal(vfs_fchmodat(c, NULL, "/f", 0777, 0), -EROFS);
	assert_int_equal(vfs_truncate(c, NULL, "/f", 0), -EROFS);
	assert_int_equal(vfs_symlinkat(c, "x", NULL, "/s"), -EROFS);
	assert_int_equal(vfs_linkat(c, NULL, "/f", NULL, "/f2", 0), -EROFS);
	assert_int_equal(vfs_utimensat(c, NULL, "/f", NULL, 0), -EROFS);
	struct stat st;
	assert_int_equal(vfs_fstatat(c, NULL, "/f", &st, 0), 0);
	assert_int_equal(st.st_size, 6);
}

static void readdir_of_a_host_directory(void **state)
{
	struct hfx *h = *state;
	struct vfs_file *d;
	assert_int_equal(vfs_openat(&h->ctx, NULL, "/", O_RDONLY | O_DIRECTORY, 0, &d), 0);
	char buf[4096];
	int count = 0;
	ssize_t n;
	while ((n = vfs_getdents64(d, buf, 64)) > 0) {
		for (ssize_t i = 0; i < n;) {
			unsigned short reclen;
			memcpy(&reclen, buf + i + 16, sizeof(reclen));
			count++;
			i += reclen;
		}
	}
	assert_int_equal(n, 0);
	/* . .. d f magic up deep abs hostabs owned */
	assert_int_equal(count, 10);
	vfs_file_put(d);
}

static int count_fds(void)
{
	int n = 0;
	char p[32];
	for (int fd = 0; fd < 65536; fd++) {
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		if (access(p, F_OK) == 0)
			n++;
	}
	return n;
}

/* Unreferenced cached dentries (each holding an O_PATH fd through its
 * inode) are bounded by the LRU. */
static void dentry_cache_is_bounded(void **state)
{
	struct hfx *h = *state;
	sh("mkdir $D/tree/many && cd $D/tree/many && seq 1 6000 | xargs touch", h->dir);
	int before = count_fds();
	struct stat st;
	char p[64];
	for (int i = 1; i <= 6000; i++) {
		snprintf(p, sizeof(p), "/many/%d", i);
		assert_int_equal(vfs_fstatat(&h->ctx, NULL, p, &st, 0), 0);
	}
	int after = count_fds();
	assert_true(after - before <= 4097);
	assert_true(after - before >= 1000);
	/* still correct after pruning */
	assert_int_equal(vfs_fstatat(&h->ctx, NULL, "/many/1", &st, 0), 0);
	assert_int_equal(vfs_fstatat(&h->ctx, NULL, "/many/6001", &st, 0), -ENOENT);
}

/* Host checks and trusted revalidations made by one walk of path. */
static void walk_counts(struct vfs_ctx *c, const char *path, int expect, unsigned long *strict,
			unsigned long *trusted)
{
	struct hostfs_stats a, b;
	struct stat st;
	hostfs_get_stats(&a);
	assert_int_equal(vfs_fstatat(c, NULL, path, &st, 0), expect);
	hostfs_get_stats(&b);
	*strict = b.strict - a.strict;
	*trusted = b.trusted - a.trusted;
}

/* A path is asked about once: the first walk looks names up, which
 * confirms them (changed: the second walk used to ask again); afterwards,
 * while the host reports no change, no component is; a change under it
 * makes the walk ask again about what it touched (and only then). */
static void unchanged_names_are_trusted(void **state)
{
	struct hfx *h = *state;
	sh("mkdir -p $D/tree/d/a/b && echo z > $D/tree/d/a/b/z", h->dir);
	unsigned long strict, trusted;
	walk_counts(&h->ctx, "/d/a/b/z", 0, &strict, &trusted);
	assert_int_equal(strict, 0);
	assert_int_equal(trusted, 0);
	walk_counts(&h->ctx, "/d/a/b/z", 0, &strict, &trusted);
	assert_int_equal(strict, 0);
	assert_int_equal(trusted, 4);
	/* a chmod right after the lookup is seen (the directory's watch came
	 * before the attributes the lookup kept) */
	sh("chmod 0700 $D/tree/d/a", h->dir);
	struct stat st;
	assert_int_equal(vfs_fstatat(&h->ctx, NULL, "/d/a", &st, 0), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	/* an entry created in a: a itself (its own watch) and b are asked */
	sh("touch $D/tree/d/a/new", h->dir);
	walk_counts(&h->ctx, "/d/a/b/z", 0, &strict, &trusted);
	assert_int_equal(strict, 2);
	assert_int_equal(trusted, 2);
	walk_counts(&h->ctx, "/d/a/b/z", 0, &strict, &trusted);
	assert_int_equal(strict, 0);
	/* the file's size changed behind us: trusted names, fresh attributes */
	sh("echo longer > $D/tree/d/a/b/z", h->dir);
	assert_int_equal(vfs_fstatat(&h->ctx, NULL, "/d/a/b/z", &st, 0), 0);
	assert_int_equal(st.st_size, 7);
	/* moved away and replaced by a directory with the same names */
	sh("cd $D/tree/d && mv a old && mkdir -p a/b && echo other > a/b/z", h->dir);
	walk_counts(&h->ctx, "/d/a/b/z", 0, &strict, &trusted);
	assert_int_equal(vfs_fstatat(&h->ctx, NULL, "/d/a/b/z", &st, 0), 0);
	assert_int_equal(st.st_size, 6);
	assert_int_equal(vfs_fstatat(&h->ctx, NULL, "/d/old/b/z", &st, 0), 0);
	assert_int_equal(st.st_size, 7);
}

/* strict: every component of every walk is asked about. */
static void strict_asks_every_time(void **state)
{
	struct hfx *h = *state;
	vfs_ctx_destroy(&h->ctx);
	vfs_mount_tree_put(h->root);
	assert_int_equal(mount_host_opts(h, false, true), 0);
	sh("mkdir -p $D/tree/d/a && touch $D/tree/d/a/z", h->dir);
	unsigned long strict, trusted;
	for (int i = 0; i < 3; i++)
		walk_counts(&h->ctx, "/d/a/z", 0, &strict, &trusted);
	assert_int_equal(strict, 3);
	assert_int_equal(trusted, 0);
}

/* A user context on h's root that has walked /d/a/z until it is trusted
 * (counts of the last walk). */
static void user_on_cached_path(struct hfx *h, struct vfs_ctx *user, unsigned long *strict,
				unsigned long *trusted)
{
	sh("mkdir -p $D/tree/d/a && touch $D/tree/d/a/z", h->dir);
	struct vfs_cred c;
	vfs_cred_init(&c, 1000, 1000);
	vfs_ctx_init(user, h->root, &c);
	for (int i = 0; i < 3; i++)
		walk_counts(user, "/d/a/z", 0, strict, trusted);
}

/* Search permission taken away on the host is enforced at once. */
static void host_chmod_is_seen(void **state)
{
	struct hfx *h = *state;
	struct vfs_ctx user;
	unsigned long strict, trusted;
	user_on_cached_path(h, &user, &strict, &trusted);
	assert_int_equal(trusted, 3);
	sh("chmod 700 $D/tree/d/a", h->dir);
	walk_counts(&user, "/d/a/z", -EACCES, &strict, &trusted);
	sh("chmod 755 $D/tree/d/a", h->dir);
	walk_counts(&user, "/d/a/z", 0, &strict, &trusted);
	vfs_ctx_destroy(&user);
}

/* A host mount over a cached directory covers what was cached below it;
 * its root's permissions (whose changes the parent's watch does not see)
 * are followed too; the umount uncovers the old names. */
static void host_mounts_are_seen(void **state)
{
	struct hfx *h = *state;
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		skip();
	/* the instance polls the mount table of the namespace it was made in */
	vfs_ctx_destroy(&h->ctx);
	vfs_mount_tree_put(h->root);
	assert_int_equal(mount_host(h, false), 0);
	struct vfs_ctx user;
	unsigned long strict, trusted;
	user_on_cached_path(h, &user, &strict, &trusted);
	assert_int_equal(strict, 0);
	sh("mount -t tmpfs -o mode=755 none $D/tree/d/a && mkdir $D/tree/d/a/sub", h->dir);
	walk_counts(&user, "/d/a/z", -ENOENT, &strict, &trusted);
	for (int i = 0; i < 3; i++)
		walk_counts(&user, "/d/a/sub", 0, &strict, &trusted);
	assert_int_equal(strict, 0);
	sh("chmod 700 $D/tree/d/a", h->dir);
	walk_counts(&user, "/d/a/sub", -EACCES, &strict, &trusted);
	sh("umount -l $D/tree/d/a", h->dir); /* we hold fds in it */
	walk_counts(&user, "/d/a/z", 0, &strict, &trusted);
	walk_counts(&user, "/d/a/sub", -ENOENT, &strict, &trusted);
	vfs_ctx_destroy(&user);
}

/* A host procfs is never served (its files mean what they mean to their
 * opener, here the sentry): not as a source, not where a lookup crosses
 * into one, mounted before or after the name was cached. */
static void procfs_is_never_served(void **state)
{
	struct hfx *h = *state;
	struct hostfs_opts o = { .source = "/proc" };
	struct vfs_sb *sb;
	assert_int_equal(hostfs_new(&o, &sb), -EACCES);
	o.source = "/proc/self/fd";
	assert_int_equal(hostfs_new(&o, &sb), -EACCES);
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		skip();
	sh("mkdir -p $D/tree/early $D/tree/late && mount -t proc proc $D/tree/early", h->dir);
	vfs_ctx_destroy(&h->ctx);
	vfs_mount_tree_put(h->root);
	assert_int_equal(mount_host(h, false), 0);
	struct stat st;
	assert_int_equal(vfs_fstatat(&h->ctx, NULL, "/late", &st, 0), 0); /* cached */
	sh("mount -t proc proc $D/tree/late && mount --bind /proc/self/status $D/tree/f", h->dir);
	const char *const dirs[] = {"/early", "/late"};
	for (int i = 0; i < 2; i++) {
		char p[64];
		assert_int_equal(vfs_fstatat(&h->ctx, NULL, dirs[i], &st, 0), 0);
		assert_true(S_ISDIR(st.st_mode));
		snprintf(p, sizeof(p), "%s/self", dirs[i]);
		assert_int_equal(vfs_fstatat(&h->ctx, NULL, p, &st, AT_SYMLINK_NOFOLLOW), -ENOENT);
		snprintf(p, sizeof(p), "%s/1", dirs[i]);
		assert_int_equal(vfs_fstatat(&h->ctx, NULL, p, &st, 0), -ENOENT);
		struct vfs_file *f;
		assert_int_equal(vfs_openat(&h->ctx, NULL, dirs[i], O_RDONLY | O_DIRECTORY, 0, &f), 0);
		char buf[4096];
		ssize_t n = vfs_getdents64(f, buf, sizeof(buf));
		assert_true(vfs_file_host_object(f) < 0); /* no host object behind it */
		vfs_file_put(f);
		assert_true(n > 0);
		int entries = 0;
		for (ssize_t off = 0; off < n; off += ((struct vfs_dirent64 *)(buf + off))->d_reclen)
			entries++;
		assert_int_equal(entries, 2); /* "." and ".." */
	}
	struct vfs_file *f;
	assert_int_equal(vfs_openat(&h->ctx, NULL, "/f", O_RDONLY, 0, &f), -EACCES);
	sh("umount $D/tree/f && umount $D/tree/early && umount $D/tree/late", h->dir);
}

/* Two instances on one tree share the host's watches: the one that goes
 * first must not take them from the other (which would only make it
 * strict: the removal's IN_IGNORED reaches it). */
static void shared_watches_outlive_an_instance(void **state)
{
	struct hfx *h = *state;
	struct hostfs_opts o = { .source = h->tree };
	struct vfs_sb *sb;
	assert_int_equal(hostfs_new(&o, &sb), 0);
	struct vfs_mount *m;
	assert_int_equal(vfs_mount_root(sb, 0, &m), 0);
	vfs_sb_put(sb);
	struct vfs_cred c;
	vfs_cred_init(&c, 0, 0);
	struct vfs_ctx other;
	vfs_ctx_init(&other, m, &c);
	sh("mkdir -p $D/tree/d/a && touch $D/tree/d/a/z", h->dir);
	unsigned long strict, trusted;
	for (int i = 0; i < 3; i++) {
		walk_counts(&other, "/d/a/z", 0, &strict, &trusted);
		walk_counts(&h->ctx, "/d/a/z", 0, &strict, &trusted);
	}
	assert_int_equal(trusted, 3);
	vfs_ctx_destroy(&other);
	vfs_mount_tree_put(m);
	for (int i = 0; i < 3; i++)
		walk_counts(&h->ctx, "/d/a/z", 0, &strict, &trusted);
	assert_int_equal(strict, 0); /* still watched */
	sh("mv $D/tree/d/a $D/tree/d/a2", h->dir);
	walk_counts(&h->ctx, "/d/a/z", -ENOENT, &strict, &trusted);
	walk_counts(&h->ctx, "/d/a2/z", 0, &strict, &trusted);
}

/* After hostfs_watch_release (a process about to exit): no name is trusted
 * any more, every walk asks the host, and host changes are still seen.
 * In a child: detaching is for the rest of the process. */
static void detached_walks_ask_the_host(void **state)
{
	struct hfx *h = *state;
	sh("mkdir -p $D/tree/e/f && echo z > $D/tree/e/f/z", h->dir);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		unsigned long strict, trusted;
		walk_counts(&h->ctx, "/e/f/z", 0, &strict, &trusted);
		walk_counts(&h->ctx, "/e/f/z", 0, &strict, &trusted);
		if (trusted == 0)
			_exit(1);
		int ifd = hostfs_watch_release();
		if (ifd < 0)
			_exit(4);
		close(ifd);
		walk_counts(&h->ctx, "/e/f/z", 0, &strict, &trusted);
		if (trusted != 0 || strict == 0)
			_exit(2);
		sh("rm $D/tree/e/f/z", h->dir);
		struct stat st;
		_exit(vfs_fstatat(&h->ctx, NULL, "/e/f/z", &st, 0) == -ENOENT ? 0 : 3);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	if (geteuid() != 0)
		return 77; /* needs chown to an unmapped owner */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(symlinks_cannot_leave, setup, teardown),
		cmocka_unit_test_setup_teardown(bound_symlink_binds_its_target, setup, teardown),
		cmocka_unit_test_setup_teardown(host_changes_are_seen, setup, teardown),
		cmocka_unit_test_setup_teardown(owners_are_mapped, setup, teardown),
		cmocka_unit_test_setup_teardown(readonly_refuses_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(readdir_of_a_host_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(dentry_cache_is_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(unchanged_names_are_trusted, setup, teardown),
		cmocka_unit_test_setup_teardown(strict_asks_every_time, setup, teardown),
		cmocka_unit_test_setup_teardown(host_chmod_is_seen, setup, teardown),
		cmocka_unit_test_setup_teardown(shared_watches_outlive_an_instance, setup, teardown),
		cmocka_unit_test_setup_teardown(host_mounts_are_seen, setup, teardown),
		cmocka_unit_test_setup_teardown(procfs_is_never_served, setup, teardown),
		cmocka_unit_test_setup_teardown(detached_walks_ask_the_host, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
