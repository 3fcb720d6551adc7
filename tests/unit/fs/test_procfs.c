/* procfs against a fake source and a fake host /proc (a directory tree
 * laid out like the host's, so every rewrite is checked on known input):
 * only the source's tasks are listed; self and thread-self follow the
 * caller; stat, status, cmdline and maps show the sandbox's view; fd links
 * name VFS paths and jump to VFS files; mountinfo comes from the VFS
 * mount table; everything is read-only; a task that goes away goes. */
#include <sys/mman.h>
#include <sys/mount.h>

#include "fs/proc/procfs.h"
#include "fs/proc/proc_private.h"
#include "tests/unit/vfs/fixture.h"

struct ptask {
	pid_t tid, tgid;
	const char *comm, *host_comm;
	int via_ldso;
	bool gone;
};

struct pfx {
	char dir[64];
	struct vfs_mount *root;
	struct vfs_ctx ctx;
	struct ptask tasks[3];
	int reopens;
	struct vfs_file *data; /* what the fake's fd 3 is, as the fd map keeps it */
};

static struct pfx *cur;

static struct ptask *find(pid_t tid)
{
	for (size_t i = 0; i < 3; i++)
		if (cur->tasks[i].tid == tid && !cur->tasks[i].gone)
			return &cur->tasks[i];
	return NULL;
}

static size_t list(pid_t tgid, pid_t *buf, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < 3; i++) {
		struct ptask *t = &cur->tasks[i];
		if (t->gone || (tgid ? t->tgid != tgid : t->tid != t->tgid))
			continue;
		if (k < n)
			buf[k] = t->tid;
		k++;
	}
	return k;
}

static size_t f_tgids(void *src, pid_t *buf, size_t n)
{
	(void)src;
	return list(0, buf, n);
}

static size_t f_threads(void *src, pid_t tgid, pid_t *buf, size_t n)
{
	(void)src;
	return list(tgid, buf, n);
}

static int f_task(void *src, pid_t tid, struct procfs_task *ret)
{
	(void)src;
	struct ptask *t = find(tid);
	if (!t)
		return -ESRCH;
	memset(ret, 0, sizeof(*ret));
	ret->tgid = t->tgid;
	for (int i = 0; i < 4; i++) {
		ret->uid[i] = 1000;
		ret->gid[i] = 1001;
	}
	ret->ngroups = 1;
	ret->groups[0] = 27;
	ret->cap_bnd = 0x3f;
	snprintf(ret->comm, sizeof(ret->comm), "%s", t->comm);
	snprintf(ret->host_comm, sizeof(ret->host_comm), "%s", t->host_comm);
	ret->via_ldso = t->via_ldso;
	return 0;
}

static struct vfs_ctx *f_ctx(void *src, pid_t tid)
{
	(void)src;
	return find(tid) ? &cur->ctx : NULL;
}

static int locate(const char *path, struct vfs_path *ret)
{
	struct vfs_file *f;
	int r = vfs_openat(&cur->ctx, NULL, path, O_PATH, 0, &f);
	if (r < 0)
		return r;
	*ret = *vfs_file_path(f);
	vfs_path_get(ret);
	vfs_file_put(f);
	return 0;
}

static int f_exe(void *src, pid_t tid, struct vfs_path *ret)
{
	(void)src;
	return find(tid) ? locate("/w/prog", ret) : -ENOENT;
}

static int f_fd_file(void *src, pid_t tid, int fd, struct vfs_path *ret)
{
	(void)src;
	if (!find(tid))
		return -ENOENT;
	if (fd == 3) {
		*ret = *vfs_file_path(cur->data);
		vfs_path_get(ret);
		return 0;
	}
	return fd == 0 || fd == 4 ? -EXDEV : -ENOENT;
}

static int f_fd_name(void *src, pid_t tid, int fd, char *buf, size_t size)
{
	(void)src;
	(void)tid;
	return snprintf(buf, size, "%s", fd == 4 ? "pipe:[42]" : "/dev/null");
}

static int f_fd_reopen(void *src, pid_t tid, int fd, int flags)
{
	(void)src;
	(void)tid;
	(void)flags;
	if (fd != 4)
		return -ENXIO;
	cur->reopens++;
	char path[128];
	snprintf(path, sizeof(path), "%s/fifo", cur->dir);
	int r = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	return r < 0 ? -errno : r;
}

static int f_host_file(void *src, pid_t tid, dev_t dev, ino_t ino, char *buf, size_t size)
{
	(void)src;
	(void)tid;
	if (dev == makedev(0xfe, 0) && ino == 1234)
		return snprintf(buf, size, "/w/prog");
	return -ENOENT;
}

static const struct procfs_source_ops fake_ops = {
	.tgids = f_tgids,
	.threads = f_threads,
	.task = f_task,
	.ctx = f_ctx,
	.exe = f_exe,
	.fd_file = f_fd_file,
	.fd_name = f_fd_name,
	.fd_reopen = f_fd_reopen,
	.host_file = f_host_file,
};

static void sh(const char *cmd, const char *dir)
{
	assert_int_equal(setenv("D", dir, 1), 0);
	assert_int_equal(system(cmd), 0);
}

/* The fake host proc: tasks 100 (and its thread 101), 200, and 1, which
 * the host has and the sandbox does not. */
static void make_host(const char *dir)
{
	sh("cd $D && mkdir -p 100/fd 100/fdinfo 100/ns 101/fd 200/fd 1 sys/kernel && "
	   "printf 'Name:\\t3\\nUmask:\\t0022\\nState:\\tS (sleeping)\\nTgid:\\t100\\nPid:\\t100\\n"
	   "PPid:\\t1\\nTracerPid:\\t50\\nUid:\\t0\\t0\\t0\\t0\\nGid:\\t0\\t0\\t0\\t0\\nGroups:\\t0 \\n"
	   "CapEff:\\t000001ffffffffff\\nVmRSS:\\t 4 kB\\n' > 100/status && "
	   "printf '100 (3) S 1 100 100 0 -1 4194560 1 2 3\\n' > 100/stat && "
	   "printf '3\\n' > 100/comm && "
	   "printf '/lib64/ld.so\\0--argv0\\0prog\\0/w/prog\\0-x\\0' > 100/cmdline && "
	   "printf '00400000-00401000 r-xp 00000000 fe:00 1234                       /host/x/prog\\n"
	   "7f00000-7f01000 rw-p 00000000 00:00 0                          [heap]\\n"
	   "00500000-00501000 r--p 00000000 fe:00 999                        /host/secret\\n' > 100/maps && "
	   "printf 'pos:\\t0\\nflags:\\t02\\n' > 100/fdinfo/3 && "
	   "echo data > data && mkfifo fifo && ln -s /dev/null 100/fd/0 && ln -s $D/data 100/fd/3 && "
	   "ln -s $D/fifo 100/fd/4 && ln -s 'mnt:[4026531841]' 100/ns/mnt && "
	   "printf '200 (5) S 100 200 200 0 -1 0 1 2 3\\n' > 200/stat && printf 'renamed\\n' > 200/comm && "
	   "printf 'sh\\0-c\\0true\\0' > 200/cmdline && printf '101 (3) S 1 100\\n' > 101/stat && "
	   "printf '4:memory:/svc/a/b\\n0::/svc/a/b/c\\n1:cpu:/\\n' > 100/cgroup && "
	   "printf 'MemTotal: 1 kB\\n' > meminfo && echo Linux > sys/kernel/ostype && : > kcore",
	   dir);
}

static int setup(void **state)
{
	struct pfx *p = calloc(1, sizeof(*p));
	snprintf(p->dir, sizeof(p->dir), "/tmp/veil-procfs-XXXXXX");
	if (!p || !mkdtemp(p->dir))
		return -1;
	make_host(p->dir);
	p->tasks[0] = (struct ptask){.tid = 100, .tgid = 100, .comm = "prog", .host_comm = "3",
				     .via_ldso = 1};
	p->tasks[1] = (struct ptask){.tid = 101, .tgid = 100, .comm = "prog", .host_comm = "3"};
	p->tasks[2] = (struct ptask){.tid = 200, .tgid = 200, .comm = "sh", .host_comm = "5"};
	cur = p;
	struct vfs_sb *sb;
	struct tmpfs_opts o = {.mode = 0755};
	if (tmpfs_new(&o, &sb) < 0 || vfs_mount_root(sb, MS_NOSUID | MS_NODEV, &p->root) < 0)
		return -1;
	vfs_sb_put(sb);
	struct vfs_cred c;
	vfs_cred_init(&c, 0, 0);
	vfs_ctx_init(&p->ctx, p->root, &c);
	assert_int_equal(vfs_mkdirat(&p->ctx, NULL, "/w", 0755), 0);
	assert_int_equal(vfs_mkdirat(&p->ctx, NULL, "/proc", 0555), 0);
	assert_int_equal(vfs_mkdirat(&p->ctx, NULL, "/tmp", 0755), 0);
	struct fixture fx = {.root = p->root, .ctx = p->ctx};
	fx_file(&fx, "/w/prog", 0755, "#!\n");
	fx_file(&fx, "/w/data", 0644, "data\n");
	assert_int_equal(vfs_openat(&p->ctx, NULL, "/w/data", O_RDONLY, 0, &p->data), 0);
	struct tmpfs_opts t = {.mode = 01777, .size = 1 << 20};
	assert_int_equal(tmpfs_new(&t, &sb), 0);
	assert_int_equal(vfs_mount(&p->ctx, NULL, "/tmp", sb, MS_NOSUID | MS_NODEV), 0);
	vfs_sb_put(sb);
	struct procfs_opts po = {.ops = &fake_ops, .host_proc = p->dir};
	assert_int_equal(procfs_new(&po, &sb), 0);
	assert_int_equal(vfs_mount(&p->ctx, NULL, "/proc", sb, MS_NOSUID | MS_NODEV | MS_NOEXEC), 0);
	vfs_sb_put(sb);
	assert_int_equal(vfs_chdir(&p->ctx, NULL, "/w"), 0);
	p->ctx.caller = 100;
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct pfx *p = *state;
	vfs_file_put(p->data);
	vfs_ctx_destroy(&p->ctx);
	vfs_mount_tree_put(p->root);
	sh("rm -rf $D", p->dir);
	free(p);
	fx_assert_all_released();
	return 0;
}

/* The whole content of path, through the fd a program would get. */
static char *slurp(struct pfx *p, const char *path, int *err)
{
	struct vfs_file *f;
	int r = vfs_openat(&p->ctx, NULL, path, O_RDONLY, 0, &f);
	*err = r;
	if (r < 0)
		return NULL;
	int fd = vfs_file_host_fd(f);
	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	static char buf[4 << 20]; /* maps under ASan are large */
	size_t n = 0;
	ssize_t k;
	while ((k = pread(fd, buf + n, sizeof(buf) - 1 - n, (off_t)n)) > 0)
		n += (size_t)k;
	assert_true(k == 0);
	buf[n] = '\0';
	/* a snapshot the program cannot change, even through a new open */
	char again[64];
	snprintf(again, sizeof(again), "/proc/self/fd/%d", fd);
	int w = open(again, O_WRONLY);
	assert_true(w < 0 || write(w, "x", 1) < 0);
	if (w >= 0)
		close(w);
	vfs_file_put(f);
	return buf;
}

static const char *must_read(struct pfx *p, const char *path)
{
	int err;
	char *s = slurp(p, path, &err);
	assert_int_equal(err, 0);
	return s;
}

static char *listing(struct pfx *p, const char *path)
{
	struct vfs_file *f;
	assert_int_equal(vfs_openat(&p->ctx, NULL, path, O_RDONLY | O_DIRECTORY, 0, &f), 0);
	static char out[4096];
	out[0] = '\0';
	char buf[4096];
	ssize_t n;
	while ((n = vfs_getdents64(f, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			struct {
				uint64_t ino;
				int64_t off;
				unsigned short reclen;
				unsigned char type;
				char name[];
			} *d = (void *)(buf + off);
			if (strcmp(d->name, ".") && strcmp(d->name, "..")) {
				strcat(out, d->name);
				strcat(out, " ");
			}
			off += d->reclen;
		}
	}
	vfs_file_put(f);
	return out;
}

static void test_root_lists_only_the_sandbox(void **state)
{
	struct pfx *p = *state;
	char *l = listing(p, "/proc");
	assert_non_null(strstr(l, "self thread-self "));
	assert_non_null(strstr(l, "meminfo "));
	/* thread groups only, ascending, after the fixed entries */
	assert_non_null(strstr(l, " 100 200 "));
	assert_null(strstr(l, " 101 "));
	assert_null(strstr(l, " 1 "));
	struct stat st;
	assert_int_equal(vfs_fstatat(&p->ctx, NULL, "/proc/1", &st, 0), -ENOENT);
	assert_int_equal(vfs_fstatat(&p->ctx, NULL, "/proc/0100", &st, 0), -ENOENT);
	/* a thread is found, not listed */
	assert_int_equal(vfs_fstatat(&p->ctx, NULL, "/proc/101", &st, 0), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_uid, 1000);
	assert_string_equal(listing(p, "/proc/100/task"), "100 101 ");
	assert_int_equal(vfs_fstatat(&p->ctx, NULL, "/proc/100/task/200", &st, 0), -ENOENT);
	assert_int_equal(vfs_fstatat(&p->ctx, NULL, "/proc/101/task", &st, 0), 0);
	assert_int_equal(vfs_fstatat(&p->ctx, NULL, "/proc/100/task/101/task", &st, 0), -ENOENT);
}

static void test_self_follows_the_caller(void **state)
{
	struct pfx *p = *state;
	char buf[64];
	ssize_t n = vfs_readlinkat(&p->ctx, NULL, "/proc/self", buf, sizeof(buf));
	assert_int_equal(n, 3);
	assert_memory_equal(buf, "100", 3);
	p->ctx.caller = 101;
	n = vfs_readlinkat(&p->ctx, NULL, "/proc/thread-self", buf, sizeof(buf));
	assert_int_equal(n, 12);
	assert_memory_equal(buf, "100/task/101", 12);
	p->ctx.caller = 200;
	assert_string_equal(must_read(p, "/proc/self/comm"), "renamed\n");
	p->ctx.caller = 0;
	assert_int_equal(vfs_readlinkat(&p->ctx, NULL, "/proc/self", buf, sizeof(buf)), -ENOENT);
	p->ctx.caller = 100;
	assert_string_equal(must_read(p, "/proc/self/comm"), "prog\n");
}

static void test_status_and_stat_show_the_sandbox(void **state)
{
	struct pfx *p = *state;
	p->ctx.umask = 027;
	const char *s = must_read(p, "/proc/100/status");
	/* the caller reading itself is running; another task as the host says */
	assert_string_equal(s, "Name:\tprog\nUmask:\t0027\nState:\tR (running)\nTgid:\t100\n"
			       "Pid:\t100\nPPid:\t0\nTracerPid:\t0\nUid:\t1000\t1000\t1000\t1000\n"
			       "Gid:\t1001\t1001\t1001\t1001\nGroups:\t27 \n"
			       "CapEff:\t0000000000000000\nVmRSS:\t 4 kB\n");
	/* the host's parent (1) is outside: 0; 200's parent is 100 */
	assert_string_equal(must_read(p, "/proc/100/stat"), "100 (prog) R 0 100 100 0 -1 4194560 1 2 3\n");
	p->ctx.caller = 200;
	assert_non_null(strstr(must_read(p, "/proc/100/status"), "State:\tS (sleeping)\n"));
	p->ctx.caller = 100;
	assert_string_equal(must_read(p, "/proc/200/stat"), "200 (renamed) S 100 200 200 0 -1 0 1 2 3\n");
}

static void test_cmdline_hides_the_loader(void **state)
{
	struct pfx *p = *state;
	int err;
	struct vfs_file *f;
	assert_int_equal(vfs_openat(&p->ctx, NULL, "/proc/100/cmdline", O_RDONLY, 0, &f), 0);
	char buf[64];
	ssize_t n = pread(vfs_file_host_fd(f), buf, sizeof(buf), 0);
	vfs_file_put(f);
	assert_int_equal(n, 8);
	assert_memory_equal(buf, "prog\0-x\0", 8);
	/* not started through ld.so: as it is */
	assert_int_equal(vfs_openat(&p->ctx, NULL, "/proc/200/cmdline", O_RDONLY, 0, &f), 0);
	n = pread(vfs_file_host_fd(f), buf, sizeof(buf), 0);
	vfs_file_put(f);
	assert_int_equal(n, 11);
	assert_memory_equal(buf, "sh\0-c\0true", 11);
	(void)err;
}

/* --unshare-cgroup: each hierarchy's path from where the sandbox began,
 * as the kernel's cgroup_path_ns() writes it. */
/* Each of the n/2 (path, text) pairs: the file at path reads text. */
static void assert_texts(struct pfx *p, const char *const *want, size_t n)
{
	for (size_t i = 0; i < n; i += 2) {
		struct vfs_file *f;
		assert_int_equal(vfs_openat(&p->ctx, NULL, want[i], O_RDONLY, 0, &f), 0);
		char text[256];
		ssize_t r = pread(vfs_file_host_fd(f), text, sizeof(text) - 1, 0);
		vfs_file_put(f);
		assert_true(r >= 0);
		text[r] = '\0';
		assert_string_equal(text, want[i + 1]);
	}
}

static void test_cgroup_namespace(void **state)
{
	struct pfx *p = *state;
	static const struct {
		const char *root, *path, *want;
	} rel[] = {
		{"/", "/", "/"},          {"/", "/a/b", "/a/b"},     {"/a", "/a", "/"},
		{"/a", "/a/b", "/b"},     {"/a/b", "/a/c", "/../c"}, {"/a/b", "/", "/../.."},
		{"/a", "/ab", "/../ab"},  {"/a/b/c", "/a", "/../.."}, {"/x", "/y/z", "/../y/z"},
	};
	char buf[64];
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		assert_int_equal(proc_cgroup_rel(rel[i].root, rel[i].path, buf, sizeof(buf)),
				 strlen(rel[i].want));
		assert_string_equal(buf, rel[i].want);
	}
	assert_int_equal(proc_cgroup_rel("/a/b/c/d", "/", buf, 8), -ENAMETOOLONG);
	assert_int_equal(proc_cgroup_rel("a", "/", buf, sizeof(buf)), -EINVAL);

	/* the host's view without a namespace; from the roots given with one
	 * (a hierarchy the roots do not name stays as the host has it) */
	struct procfs_opts po = {.ops = &fake_ops, .host_proc = p->dir,
				 .cgroup_root = "4:memory:/svc/a\n0::/svc/a/b/c\n"};
	struct vfs_sb *sb;
	assert_int_equal(procfs_new(&po, &sb), 0);
	assert_int_equal(vfs_mkdirat(&p->ctx, NULL, "/w/cg", 0755), 0);
	assert_int_equal(vfs_mount(&p->ctx, NULL, "/w/cg", sb, MS_NOSUID | MS_NODEV), 0);
	vfs_sb_put(sb);
	const char *want[] = {"/proc/100/cgroup", "4:memory:/svc/a/b\n0::/svc/a/b/c\n1:cpu:/\n",
			      "/w/cg/100/cgroup", "4:memory:/b\n0::/\n1:cpu:/\n"};
	assert_texts(p, want, 4);
}

/* uid_map, gid_map, setgroups: the initial namespace's without maps in
 * the options, else what the source gave. */
static void test_user_namespace_files(void **state)
{
	struct pfx *p = *state;
	struct procfs_opts po = {.ops = &fake_ops, .host_proc = p->dir,
				 .uid_map = "         0       1000          1\n",
				 .gid_map = "         5       1001          1\n",
				 .setgroups = "deny\n"};
	struct vfs_sb *sb;
	assert_int_equal(procfs_new(&po, &sb), 0);
	assert_int_equal(vfs_mkdirat(&p->ctx, NULL, "/w/us", 0755), 0);
	assert_int_equal(vfs_mount(&p->ctx, NULL, "/w/us", sb, MS_NOSUID | MS_NODEV), 0);
	vfs_sb_put(sb);
	const char *want[] = {
		"/proc/100/uid_map", "         0          0 4294967295\n",
		"/proc/100/gid_map", "         0          0 4294967295\n",
		"/proc/100/setgroups", "allow\n",
		"/w/us/100/uid_map", "         0       1000          1\n",
		"/w/us/100/gid_map", "         5       1001          1\n",
		"/w/us/100/setgroups", "deny\n",
	};
	assert_texts(p, want, sizeof(want) / sizeof(want[0]));
}

static void test_maps_show_sandbox_paths(void **state)
{
	struct pfx *p = *state;
	const char *m = must_read(p, "/proc/100/maps");
	assert_non_null(strstr(m, "00400000-00401000 r-xp 00000000 fe:00 1234                       /w/prog\n"));
	assert_non_null(strstr(m, "[heap]\n"));
	assert_null(strstr(m, "/host"));
	assert_non_null(strstr(m, "fe:00 999                        \n"));
}

static void test_links(void **state)
{
	struct pfx *p = *state;
	char buf[256];
	ssize_t n = vfs_readlinkat(&p->ctx, NULL, "/proc/100/cwd", buf, sizeof(buf));
	assert_int_equal(n, 2);
	assert_memory_equal(buf, "/w", 2);
	n = vfs_readlinkat(&p->ctx, NULL, "/proc/100/root", buf, sizeof(buf));
	assert_int_equal(n, 1);
	n = vfs_readlinkat(&p->ctx, NULL, "/proc/100/exe", buf, sizeof(buf));
	assert_int_equal(n, 7);
	assert_memory_equal(buf, "/w/prog", 7);
	n = vfs_readlinkat(&p->ctx, NULL, "/proc/self/ns/mnt", buf, sizeof(buf));
	assert_int_equal(n, 16);
	/* exe jumps to the program: the same inode */
	struct stat a, b;
	assert_int_equal(vfs_fstatat(&p->ctx, NULL, "/proc/self/exe", &a, 0), 0);
	assert_int_equal(vfs_fstatat(&p->ctx, NULL, "/w/prog", &b, 0), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(a.st_dev, b.st_dev);
	/* cwd and root are directories to walk on */
	assert_int_equal(vfs_fstatat(&p->ctx, NULL, "/proc/self/cwd/data", &a, 0), 0);
	assert_int_equal(vfs_fstatat(&p->ctx, NULL, "/proc/self/root/w/data", &b, 0), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(vfs_fstatat(&p->ctx, NULL, "/proc/self/exe/", &a, 0), -ENOTDIR);
}

static void test_fds(void **state)
{
	struct pfx *p = *state;
	assert_string_equal(listing(p, "/proc/100/fd"), "0 3 4 ");
	/* fdinfo lists what fd/ lists */
	assert_string_equal(listing(p, "/proc/100/fdinfo"), "0 3 4 ");
	char buf[256];
	ssize_t n = vfs_readlinkat(&p->ctx, NULL, "/proc/self/fd/3", buf, sizeof(buf));
	assert_int_equal(n, 7);
	assert_memory_equal(buf, "/w/data", 7);
	n = vfs_readlinkat(&p->ctx, NULL, "/proc/self/fd/4", buf, sizeof(buf));
	assert_int_equal(n, 9);
	assert_memory_equal(buf, "pipe:[42]", 9);
	/* an fd of a VFS file opens that file, even once its name is gone */
	struct vfs_file *f;
	assert_int_equal(vfs_unlinkat(&p->ctx, NULL, "/w/data", 0), 0);
	assert_int_equal(vfs_openat(&p->ctx, NULL, "/proc/self/fd/3", O_RDONLY, 0, &f), 0);
	assert_false(vfs_file_is_foreign(f));
	char data[8] = {0};
	assert_int_equal(pread(vfs_file_host_fd(f), data, sizeof(data), 0), 5);
	assert_string_equal(data, "data\n");
	vfs_file_put(f);
	n = vfs_readlinkat(&p->ctx, NULL, "/proc/self/fd/3", buf, sizeof(buf));
	assert_int_equal(n, 17);
	assert_memory_equal(buf, "/w/data (deleted)", 17);
	/* the program's own pipe is reopened by the source */
	assert_int_equal(vfs_openat(&p->ctx, NULL, "/proc/self/fd/4", O_RDONLY, 0, &f), 0);
	assert_true(vfs_file_is_foreign(f));
	assert_int_equal(p->reopens, 1);
	struct stat st;
	assert_int_equal(fstat(vfs_file_host_fd(f), &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	vfs_file_put(f);
	/* an inherited device has its type; opening it is the sentry's
	 * business (the VFS refuses devices), even on a nodev proc */
	assert_int_equal(vfs_fstatat(&p->ctx, NULL, "/proc/self/fd/0", &st, 0), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(st.st_rdev, makedev(1, 3));
	assert_int_equal(vfs_openat(&p->ctx, NULL, "/proc/self/fd/0", O_RDONLY, 0, &f), -ENXIO);
	assert_int_equal(vfs_fstatat(&p->ctx, NULL, "/proc/self/fd/0/", &st, 0), -ENOTDIR);
	/* no magic links when asked, none beneath anything */
	struct open_how how = {.flags = O_RDONLY, .resolve = RESOLVE_NO_MAGICLINKS};
	assert_int_equal(vfs_openat2(&p->ctx, NULL, "/proc/self/fd/3", &how, &f), -ELOOP);
	how.resolve = RESOLVE_BENEATH;
	struct vfs_file *proc;
	assert_int_equal(vfs_openat(&p->ctx, NULL, "/proc", O_RDONLY | O_DIRECTORY, 0, &proc), 0);
	assert_int_equal(vfs_openat2(&p->ctx, proc, "self/fd/3", &how, &f), -EXDEV);
	vfs_file_put(proc);
	assert_int_equal(vfs_fstatat(&p->ctx, NULL, "/proc/self/fd/7", &st, 0), -ENOENT);
	assert_string_equal(must_read(p, "/proc/self/fdinfo/3"), "pos:\t0\nflags:\t02\n");
}

static void test_mountinfo_from_the_vfs(void **state)
{
	struct pfx *p = *state;
	const char *m = must_read(p, "/proc/self/mountinfo");
	char want[1024];
	struct stat r, t, pr;
	assert_int_equal(vfs_fstatat(&p->ctx, NULL, "/", &r, 0), 0);
	assert_int_equal(vfs_fstatat(&p->ctx, NULL, "/tmp", &t, 0), 0);
	assert_int_equal(vfs_fstatat(&p->ctx, NULL, "/proc", &pr, 0), 0);
	int id;
	assert_int_equal(sscanf(m, "%d", &id), 1);
	snprintf(want, sizeof(want),
		 "%d 1 %u:%u / / rw,nosuid,nodev,relatime - tmpfs tmpfs rw,mode=755\n"
		 "%d %d %u:%u / /tmp rw,nosuid,nodev,relatime - tmpfs tmpfs rw,size=1024k\n"
		 "%d %d %u:%u / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n",
		 id, major(r.st_dev), minor(r.st_dev), id + 1, id, major(t.st_dev), minor(t.st_dev),
		 id + 2, id, major(pr.st_dev), minor(pr.st_dev));
	assert_string_equal(m, want);
	assert_string_equal(must_read(p, "/proc/mounts"),
			    "tmpfs / tmpfs rw,nosuid,nodev,relatime,mode=755 0 0\n"
			    "tmpfs /tmp tmpfs rw,nosuid,nodev,relatime,size=1024k 0 0\n"
			    "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n");
	assert_non_null(strstr(must_read(p, "/proc/self/mountstats"),
			       "device proc mounted on /proc with fstype proc\n"));
}

static void test_read_only(void **state)
{
	struct pfx *p = *state;
	struct vfs_file *f;
	assert_int_equal(vfs_openat(&p->ctx, NULL, "/proc/self/comm", O_WRONLY, 0, &f), -EROFS);
	assert_int_equal(vfs_openat(&p->ctx, NULL, "/proc/sys/kernel/ostype", O_RDWR, 0, &f), -EROFS);
	assert_int_equal(vfs_mkdirat(&p->ctx, NULL, "/proc/x", 0755), -EROFS);
	assert_int_equal(vfs_unlinkat(&p->ctx, NULL, "/proc/meminfo", 0), -EROFS);
	assert_int_equal(vfs_fchmodat(&p->ctx, NULL, "/proc/meminfo", 0777, 0), -EROFS);
	assert_string_equal(must_read(p, "/proc/sys/kernel/ostype"), "Linux\n");
	assert_string_equal(must_read(p, "/proc/meminfo"), "MemTotal: 1 kB\n");
	/* masked: there, and empty */
	assert_string_equal(must_read(p, "/proc/kcore"), "");
	assert_string_equal(listing(p, "/proc/sys"), "kernel ");
	/* what the host has not, the sandbox has not */
	struct stat st;
	assert_int_equal(vfs_fstatat(&p->ctx, NULL, "/proc/keys", &st, 0), -ENOENT);
	assert_int_equal(vfs_fstatat(&p->ctx, NULL, "/proc/cpuinfo", &st, 0), -ENOENT);
	assert_null(strstr(listing(p, "/proc"), "keys"));
}

static void test_a_task_that_goes_is_gone(void **state)
{
	struct pfx *p = *state;
	struct stat st;
	assert_int_equal(vfs_fstatat(&p->ctx, NULL, "/proc/200/comm", &st, 0), 0);
	p->tasks[2].gone = true;
	assert_int_equal(vfs_fstatat(&p->ctx, NULL, "/proc/200/comm", &st, 0), -ENOENT);
	assert_int_equal(vfs_fstatat(&p->ctx, NULL, "/proc/200", &st, 0), -ENOENT);
	assert_null(strstr(listing(p, "/proc"), " 200 "));
}

/* The real host proc, for the parsing of real files. */
static void test_real_host(void **state)
{
	struct pfx *p = *state;
	pid_t me = getpid();
	char host_comm[32];
	FILE *cf = fopen("/proc/self/comm", "r");
	assert_non_null(cf);
	assert_non_null(fgets(host_comm, sizeof(host_comm), cf));
	fclose(cf);
	host_comm[strcspn(host_comm, "\n")] = '\0';
	struct procfs_opts po = {.ops = &fake_ops};
	p->tasks[2] = (struct ptask){.tid = me, .tgid = me, .comm = "sandboxed", .host_comm = host_comm};
	struct vfs_sb *sb;
	assert_int_equal(procfs_new(&po, &sb), 0);
	assert_int_equal(vfs_mkdirat(&p->ctx, NULL, "/tmp/proc", 0755), 0);
	assert_int_equal(vfs_mount(&p->ctx, NULL, "/tmp/proc", sb, 0), 0);
	vfs_sb_put(sb);
	p->ctx.caller = me;
	const char *s = must_read(p, "/tmp/proc/self/status");
	assert_non_null(strstr(s, "Name:\tsandboxed\n"));
	assert_non_null(strstr(s, "\nUid:\t1000\t1000\t1000\t1000\n"));
	assert_non_null(strstr(s, "\nPPid:\t0\n"));
	char want[64];
	snprintf(want, sizeof(want), "%d (sandboxed) R 0 ", (int)me);
	assert_memory_equal(must_read(p, "/tmp/proc/self/stat"), want, strlen(want));
	assert_non_null(strstr(must_read(p, "/tmp/proc/self/maps"), "[stack]"));
	assert_non_null(strstr(must_read(p, "/tmp/proc/self/limits"), "Max open files"));
	assert_non_null(strstr(must_read(p, "/tmp/proc/self/io"), "rchar:"));
	assert_non_null(strstr(must_read(p, "/tmp/proc/uptime"), "."));
	assert_int_equal(vfs_umount(&p->ctx, NULL, "/tmp/proc"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_root_lists_only_the_sandbox, setup, teardown),
		cmocka_unit_test_setup_teardown(test_self_follows_the_caller, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_and_stat_show_the_sandbox, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cmdline_hides_the_loader, setup, teardown),
		cmocka_unit_test_setup_teardown(test_maps_show_sandbox_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cgroup_namespace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_namespace_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mountinfo_from_the_vfs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_task_that_goes_is_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_host, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
