/* The differential engine (see diff.h).
 *
 * Kernel side: a forked child unshares its mount namespace, mounts a fresh
 * tmpfs on a temporary directory (plus the scenario's mounts), chroots into
 * it and runs every step with real syscalls under the step's credentials,
 * writing each result into shared memory. VFS side: the parent runs the
 * same steps on a fresh VFS. Then the two result arrays are compared. */
#include "base/openat2.h"
#include "tests/differential/diff.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fs/hostfs/hostfs.h"
#include "fs/tmpfs/tmpfs.h"
#include "vfs/vfs.h"

#define NSLOTS 32
#define DATA_MAX 1024

struct res {
	long ret;
	bool has_st;
	struct {
		unsigned mode, nlink, uid, gid;
		unsigned long long size, blocks, rdev;
	} st;
	int datalen;
	char data[DATA_MAX];
};

static char host_k[96], host_v[96];
static int diff_host_reset(void);

/* --- credentials ---------------------------------------------------------------- */

static const uint64_t nodac_drop = VFS_CAP(CAP_DAC_OVERRIDE) | VFS_CAP(CAP_DAC_READ_SEARCH) |
				   VFS_CAP(CAP_FOWNER) | VFS_CAP(CAP_FSETID);

static void cred_of(long profile, struct vfs_cred *c)
{
	switch (profile) {
	case DIFF_CRED_USER:
		vfs_cred_init(c, 1000, 1000);
		c->ngroups = 2;
		c->groups[0] = 1000;
		c->groups[1] = 2000;
		break;
	case DIFF_CRED_OTHER:
		vfs_cred_init(c, 1001, 1001);
		c->ngroups = 1;
		c->groups[0] = 1001;
		break;
	case DIFF_CRED_ROOT_NODAC:
		vfs_cred_init(c, 0, 0);
		c->caps = VFS_CAPS_ALL & ~nodac_drop;
		break;
	default:
		vfs_cred_init(c, 0, 0);
		break;
	}
}

static int k_set_cred(long profile)
{
	struct vfs_cred c;
	cred_of(profile, &c);
	if (setresuid(0, 0, 0) < 0 || setresgid(0, 0, 0) < 0)
		return -1;
	if (setgroups((size_t)c.ngroups, c.groups) < 0)
		return -1;
	if (setresgid(c.rgid, c.egid, 0) < 0 || setresuid(c.ruid, c.euid, 0) < 0)
		return -1;
	if (c.euid == 0) {
		struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct d[2];
		if (syscall(SYS_capget, &h, d) < 0)
			return -1;
		uint64_t eff = ((uint64_t)d[1].permitted << 32 | d[0].permitted) & c.caps;
		d[0].effective = (uint32_t)eff;
		d[1].effective = (uint32_t)(eff >> 32);
		if (syscall(SYS_capset, &h, d) < 0)
			return -1;
	}
	return 0;
}

/* --- helpers shared by both sides -------------------------------------------------- */

static void set_data(struct res *r, const char *p, size_t n)
{
	if (n > DATA_MAX)
		n = DATA_MAX;
	memcpy(r->data, p, n);
	r->datalen = (int)n;
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts a buffer of "name\0name\0..." or "name/type\n..." records. */
static void sort_records(struct res *r, char *buf, size_t len, char sep)
{
	char *items[512];
	int n = 0;
	for (size_t i = 0; i < len && n < 512;) {
		items[n++] = buf + i;
		char *e = memchr(buf + i, sep, len - i);
		if (!e)
			break;
		*e = '\0';
		i = (size_t)(e - buf) + 1;
	}
	qsort(items, (size_t)n, sizeof(items[0]), cmpstr);
	char out[DATA_MAX];
	size_t o = 0;
	for (int i = 0; i < n; i++) {
		int w = snprintf(out + o, sizeof(out) - o, "%s ", items[i]);
		if (w < 0 || (size_t)w >= sizeof(out) - o)
			break;
		o += (size_t)w;
	}
	set_data(r, out, o);
}

struct diff_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static size_t collect_dirents(char *buf, size_t n, char *out, size_t o, size_t cap)
{
	for (size_t i = 0; i < n;) {
		struct diff_dirent64 *d = (struct diff_dirent64 *)(buf + i);
		int w = snprintf(out + o, cap - o, "%s/%u\n", d->d_name, d->d_type);
		if (w > 0 && (size_t)w < cap - o)
			o += (size_t)w;
		i += d->d_reclen;
	}
	return o;
}

static void times_of(long kind, struct timespec ts[2])
{
	ts[0].tv_sec = 1000000000;
	ts[0].tv_nsec = 5;
	ts[1].tv_sec = 1000000001;
	ts[1].tv_nsec = 7;
	if (kind == 2)
		ts[0].tv_nsec = ts[1].tv_nsec = UTIME_OMIT;
	if (kind == 3) {
		ts[0].tv_nsec = UTIME_NOW;
		ts[1].tv_nsec = UTIME_OMIT;
	}
	if (kind == 4)
		ts[1].tv_nsec = 1000000000;
}

static void xattr_value(long n, char *buf)
{
	for (long i = 0; i < n; i++)
		buf[i] = (char)('a' + i % 26);
}

/* --- the kernel side ------------------------------------------------------------- */

static void st_from_stat(struct res *r, const struct stat *st)
{
	r->has_st = true;
	r->st.mode = st->st_mode;
	r->st.nlink = (unsigned)st->st_nlink;
	r->st.uid = st->st_uid;
	r->st.gid = st->st_gid;
	r->st.size = (unsigned long long)st->st_size;
	r->st.blocks = (unsigned long long)st->st_blocks;
	r->st.rdev = st->st_rdev;
}

static long k_ret(long r)
{
	return r < 0 ? -errno : r;
}

static long k_profile = DIFF_CRED_ROOT;

static void k_step(const struct diff_step *s, struct res *r, int *fds)
{
	int at = s->at ? fds[s->at] : AT_FDCWD;
	int fd = s->slot ? fds[s->slot] : -1;
	char buf[DATA_MAX];
	struct stat st;
	long x;
	switch (s->op) {
	case OP_OPEN:
		x = k_ret(openat(at, s->path, (int)s->a, (mode_t)s->b));
		if (x >= 0) {
			if (fds[s->slot] >= 0)
				close(fds[s->slot]);
			fds[s->slot] = (int)x;
			x = 0;
		}
		r->ret = x;
		break;
	case OP_OPEN2: {
		struct open_how how = { .flags = (uint64_t)s->a, .mode = (uint64_t)s->b,
					.resolve = (uint64_t)s->c };
		x = openat2_retry(at, s->path, &how);
		if (x >= 0) {
			if (fds[s->slot] >= 0)
				close(fds[s->slot]);
			fds[s->slot] = (int)x;
			x = 0;
		}
		r->ret = x;
		break;
	}
	case OP_CLOSE:
		r->ret = k_ret(close(fd));
		fds[s->slot] = -1;
		break;
	case OP_MKDIR:
		r->ret = k_ret(mkdirat(at, s->path, (mode_t)s->a));
		break;
	case OP_MKNOD:
		r->ret = k_ret(mknodat(at, s->path, (mode_t)s->a, (dev_t)s->b));
		break;
	case OP_UNLINK:
		r->ret = k_ret(unlinkat(at, s->path, (int)s->a));
		break;
	case OP_RENAME:
		r->ret = k_ret(renameat2(at, s->path, at, s->path2, (unsigned)s->a));
		break;
	case OP_LINK:
		r->ret = k_ret(linkat(at, s->path, at, s->path2, (int)s->a));
		break;
	case OP_SYMLINK:
		r->ret = k_ret(symlinkat(s->path2, at, s->path));
		break;
	case OP_READLINK:
		x = k_ret(readlinkat(at, s->path, buf, s->a < 0 ? 0 : s->a ? (size_t)s->a : 256));
		if (x > 0)
			set_data(r, buf, (size_t)x);
		r->ret = x;
		break;
	case OP_STAT:
		r->ret = k_ret(fstatat(at, s->path, &st, (int)s->a));
		if (r->ret == 0)
			st_from_stat(r, &st);
		break;
	case OP_FSTAT:
		r->ret = k_ret(fstatat(fd, "", &st, AT_EMPTY_PATH));
		if (r->ret == 0)
			st_from_stat(r, &st);
		break;
	case OP_ACCESS:
		r->ret = k_ret(syscall(SYS_faccessat2, at, s->path, (int)s->a, (int)s->b));
		break;
	case OP_CHMOD:
		r->ret = k_ret(syscall(452 /* fchmodat2 */, at, s->path, (mode_t)s->a, (int)s->b));
		break;
	case OP_CHOWN:
		r->ret = k_ret(fchownat(at, s->path, (uid_t)s->a, (gid_t)s->b, (int)s->c));
		break;
	case OP_UTIMES: {
		struct timespec ts[2];
		times_of(s->a, ts);
		r->ret = k_ret(utimensat(at, s->path, s->a ? ts : NULL, (int)s->b));
		break;
	}
	case OP_TRUNCATE:
		r->ret = k_ret(truncate(s->path, s->a));
		break;
	case OP_FTRUNCATE:
		r->ret = k_ret(ftruncate(fd, s->a));
		break;
	case OP_WRITE:
		r->ret = k_ret(write(fd, s->path2, strlen(s->path2)));
		break;
	case OP_READ:
		x = k_ret(pread(fd, buf, sizeof(buf), 0));
		if (x > 0)
			set_data(r, buf, (size_t)x);
		r->ret = x;
		break;
	case OP_GETDENTS:
	case OP_GETDENTS_FD: {
		int dfd = fd;
		if (s->op == OP_GETDENTS) {
			dfd = openat(at, s->path, O_RDONLY | O_DIRECTORY);
			if (dfd < 0) {
				r->ret = -errno;
				break;
			}
		}
		char out[DATA_MAX];
		size_t o = 0;
		for (;;) {
			x = k_ret(syscall(SYS_getdents64, dfd, buf, sizeof(buf)));
			if (x <= 0)
				break;
			o = collect_dirents(buf, (size_t)x, out, o, sizeof(out));
		}
		r->ret = x;
		sort_records(r, out, o, '\n');
		if (s->op == OP_GETDENTS)
			close(dfd);
		break;
	}
	case OP_SETXATTR:
		xattr_value(s->a, buf);
		r->ret = k_ret(s->c ? lsetxattr(s->path, s->path2, buf, (size_t)s->a, (int)s->b)
				    : setxattr(s->path, s->path2, buf, (size_t)s->a, (int)s->b));
		break;
	case OP_GETXATTR:
		x = k_ret(getxattr(s->path, s->path2, buf, (size_t)s->a));
		if (x > 0 && s->a)
			set_data(r, buf, (size_t)x);
		r->ret = x;
		break;
	case OP_LISTXATTR:
		x = k_ret(listxattr(s->path, buf, (size_t)s->a));
		if (x > 0 && s->a)
			sort_records(r, buf, (size_t)x, '\0');
		r->ret = x;
		break;
	case OP_RMXATTR:
		r->ret = k_ret(removexattr(s->path, s->path2));
		break;
	case OP_UMASK:
		r->ret = umask((mode_t)s->a);
		break;
	case OP_CRED:
		r->ret = k_set_cred(s->a) < 0 ? -errno : 0;
		if (r->ret == 0)
			k_profile = s->a;
		break;
	case OP_HOST:
		/* from outside: full privileges, then the step's credentials back */
		r->ret = k_set_cred(DIFF_CRED_ROOT) < 0 ? -errno : diff_host_op(diff_host_dirfd, s);
		if (k_set_cred(k_profile) < 0)
			r->ret = -errno;
		break;
	case OP_CHDIR:
		r->ret = k_ret(chdir(s->path));
		break;
	case OP_SAMEID: {
		struct stat st2;
		r->ret = k_ret(fstatat(at, s->path, &st, AT_SYMLINK_NOFOLLOW));
		if (r->ret == 0)
			r->ret = k_ret(fstatat(at, s->path2, &st2, AT_SYMLINK_NOFOLLOW));
		if (r->ret == 0)
			r->ret = (st.st_dev == st2.st_dev) | (st.st_ino == st2.st_ino) << 1;
		break;
	}
	case OP_GETCWD:
		x = k_ret(syscall(SYS_getcwd, buf, s->a ? (size_t)s->a : 256));
		if (x > 0)
			set_data(r, buf, (size_t)x);
		r->ret = x;
		break;
	case OP_FCHDIR:
		r->ret = k_ret(fchdir(fd));
		break;
	case OP_STATFS: {
		struct statfs sf;
		r->ret = k_ret(statfs(s->path, &sf));
		if (r->ret == 0) {
			int n = snprintf(buf, sizeof(buf), "type=%lx namelen=%ld flags=%lx",
					 (unsigned long)sf.f_type, (long)sf.f_namelen,
					 (unsigned long)sf.f_flags & 0xf);
			set_data(r, buf, (size_t)n);
		}
		break;
	}
	}
}

static int k_setup(unsigned setup, char *dir)
{
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	if (mount("tmpfs", dir, "tmpfs", 0, "mode=1777") < 0)
		return -1;
	char p[256];
	umask(0);
	if (setup & SETUP_MOUNTS) {
		snprintf(p, sizeof(p), "%s/mnt", dir);
		if (mkdir(p, 0755) < 0 || mount("tmpfs", p, "tmpfs", 0, "mode=1777") < 0)
			return -1;
		snprintf(p, sizeof(p), "%s/rom", dir);
		if (mkdir(p, 0755) < 0 || mount("tmpfs", p, "tmpfs", MS_RDONLY, "mode=1777") < 0)
			return -1;
		snprintf(p, sizeof(p), "%s/small", dir);
		if (mkdir(p, 0755) < 0 ||
		    mount("tmpfs", p, "tmpfs", MS_NOEXEC | MS_NODEV, "mode=1777,nr_inodes=4") < 0)
			return -1;
	}
	if (setup & SETUP_HOST) {
		/* the tree itself, for changes made from outside (OP_HOST) */
		diff_host_dirfd = open(host_k, O_PATH | O_DIRECTORY | O_CLOEXEC);
		snprintf(p, sizeof(p), "%s/h", dir);
		if (diff_host_dirfd < 0 || mkdir(p, 0755) < 0 ||
		    mount(host_k, p, NULL, MS_BIND, NULL) < 0)
			return -1;
		snprintf(p, sizeof(p), "%s/hro", dir);
		if (mkdir(p, 0755) < 0 || mount(host_k, p, NULL, MS_BIND, NULL) < 0 ||
		    mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
			return -1;
	}
	if ((setup & SETUP_OVERLAY) && diff_ovl_k_setup(setup, dir) < 0)
		return -1;
	umask(022);
	if (chroot(dir) < 0 || chdir("/") < 0)
		return -1;
	return 0;
}

static int run_kernel(const struct diff_scenario *sc, struct res *out)
{
	char dir[] = "/tmp/veil-diffk-XXXXXX";
	if (!mkdtemp(dir))
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (k_setup(sc->setup, dir) < 0) {
			perror("diff: kernel setup");
			_exit(2);
		}
		int fds[NSLOTS];
		for (int i = 0; i < NSLOTS; i++)
			fds[i] = -1;
		for (int i = 0; i < sc->nsteps; i++)
			k_step(&sc->steps[i], &out[i], fds);
		_exit(0);
	}
	/* libFuzzer's timers interrupt waitpid: reading the results before
	 * the child is done would compare zeros */
	int status = 0;
	pid_t w;
	do
		w = waitpid(pid, &status, 0);
	while (w < 0 && errno == EINTR);
	rmdir(dir);
	if (w < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* --- the VFS side ------------------------------------------------------------------ */

struct vside {
	struct vfs_ctx ctx;
	struct vfs_mount *root;
	struct vfs_file *files[NSLOTS];
};

static void st_from_statx(struct res *r, const struct stat *st)
{
	st_from_stat(r, st);
}

static void v_step(struct vside *v, const struct diff_step *s, struct res *r)
{
	struct vfs_ctx *ctx = &v->ctx;
	struct vfs_file *at = s->at ? v->files[s->at] : NULL;
	struct vfs_file *f = s->slot ? v->files[s->slot] : NULL;
	if (s->at && !at) {
		/* a closed dirfd: the kernel says EBADF whenever it would use
		 * it (relative or empty paths, scoped openat2); the sentry's fd
		 * table does the same before calling the VFS */
		bool used = !s->path || s->path[0] != '/' ||
			    (s->op == OP_OPEN2 && (s->c & RESOLVE_IN_ROOT) &&
			     !(s->c & RESOLVE_BENEATH));
		if (used) {
			r->ret = -EBADF;
			return;
		}
	}
	char buf[DATA_MAX];
	struct stat st;
	long x;
	switch (s->op) {
	case OP_OPEN:
	case OP_OPEN2: {
		struct vfs_file *nf = NULL;
		if (s->op == OP_OPEN) {
			x = vfs_openat(ctx, at, s->path, (int)s->a, (mode_t)s->b, &nf);
		} else {
			struct open_how how = { .flags = (uint64_t)s->a, .mode = (uint64_t)s->b,
						.resolve = (uint64_t)s->c };
			x = vfs_openat2(ctx, at, s->path, &how, &nf);
		}
		if (x == 0) {
			/* an open into a used slot replaces (closes) its file */
			if (v->files[s->slot])
				vfs_file_put(v->files[s->slot]);
			v->files[s->slot] = nf;
		}
		r->ret = x;
		break;
	}
	case OP_CLOSE:
		if (!f) {
			r->ret = -EBADF;
			break;
		}
		vfs_file_put(f);
		v->files[s->slot] = NULL;
		r->ret = 0;
		break;
	case OP_MKDIR:
		r->ret = vfs_mkdirat(ctx, at, s->path, (mode_t)s->a);
		break;
	case OP_MKNOD:
		r->ret = vfs_mknodat(ctx, at, s->path, (mode_t)s->a, (dev_t)s->b);
		break;
	case OP_UNLINK:
		r->ret = vfs_unlinkat(ctx, at, s->path, (int)s->a);
		break;
	case OP_RENAME:
		r->ret = vfs_renameat2(ctx, at, s->path, at, s->path2, (unsigned)s->a);
		break;
	case OP_LINK:
		r->ret = vfs_linkat(ctx, at, s->path, at, s->path2, (int)s->a);
		break;
	case OP_SYMLINK:
		r->ret = vfs_symlinkat(ctx, s->path2, at, s->path);
		break;
	case OP_READLINK:
		x = vfs_readlinkat(ctx, at, s->path, buf, s->a < 0 ? 0 : s->a ? (size_t)s->a : 256);
		if (x > 0)
			set_data(r, buf, (size_t)x);
		r->ret = x;
		break;
	case OP_STAT:
		r->ret = vfs_fstatat(ctx, at, s->path, &st, (int)s->a);
		if (r->ret == 0)
			st_from_statx(r, &st);
		break;
	case OP_FSTAT:
		if (!f) {
			r->ret = -EBADF;
			break;
		}
		r->ret = vfs_fstatat(ctx, f, "", &st, AT_EMPTY_PATH);
		if (r->ret == 0)
			st_from_statx(r, &st);
		break;
	case OP_ACCESS:
		r->ret = vfs_faccessat2(ctx, at, s->path, (int)s->a, (int)s->b);
		break;
	case OP_CHMOD:
		r->ret = vfs_fchmodat(ctx, at, s->path, (mode_t)s->a, (int)s->b);
		break;
	case OP_CHOWN:
		r->ret = vfs_fchownat(ctx, at, s->path, (uid_t)s->a, (gid_t)s->b, (int)s->c);
		break;
	case OP_UTIMES: {
		struct timespec ts[2];
		times_of(s->a, ts);
		r->ret = vfs_utimensat(ctx, at, s->path, s->a ? ts : NULL, (int)s->b);
		break;
	}
	case OP_TRUNCATE:
		r->ret = vfs_truncate(ctx, NULL, s->path, s->a);
		break;
	case OP_FTRUNCATE:
		r->ret = f ? vfs_ftruncate(ctx, f, s->a) : -EBADF;
		break;
	case OP_WRITE:
		r->ret = f ? vfs_write(ctx, f, s->path2, strlen(s->path2)) : -EBADF;
		break;
	case OP_READ:
		x = f ? vfs_pread(f, buf, sizeof(buf), 0) : -EBADF;
		if (x > 0)
			set_data(r, buf, (size_t)x);
		r->ret = x;
		break;
	case OP_GETDENTS:
	case OP_GETDENTS_FD: {
		struct vfs_file *df = f;
		if (s->op == OP_GETDENTS) {
			x = vfs_openat(ctx, at, s->path, O_RDONLY | O_DIRECTORY, 0, &df);
			if (x < 0) {
				r->ret = x;
				break;
			}
		}
		if (!df) {
			r->ret = -EBADF;
			break;
		}
		char out[DATA_MAX];
		size_t o = 0;
		for (;;) {
			x = vfs_getdents64(df, buf, sizeof(buf));
			if (x <= 0)
				break;
			o = collect_dirents(buf, (size_t)x, out, o, sizeof(out));
		}
		r->ret = x;
		sort_records(r, out, o, '\n');
		if (s->op == OP_GETDENTS)
			vfs_file_put(df);
		break;
	}
	case OP_SETXATTR:
		xattr_value(s->a, buf);
		r->ret = vfs_setxattrat(ctx, NULL, s->path, s->c ? AT_SYMLINK_NOFOLLOW : 0, s->path2,
					buf, (size_t)s->a, (int)s->b);
		break;
	case OP_GETXATTR:
		x = vfs_getxattrat(ctx, NULL, s->path, 0, s->path2, buf, (size_t)s->a);
		if (x > 0 && s->a)
			set_data(r, buf, (size_t)x);
		r->ret = x;
		break;
	case OP_LISTXATTR:
		x = vfs_listxattrat(ctx, NULL, s->path, 0, buf, (size_t)s->a);
		if (x > 0 && s->a)
			sort_records(r, buf, (size_t)x, '\0');
		r->ret = x;
		break;
	case OP_RMXATTR:
		r->ret = vfs_removexattrat(ctx, NULL, s->path, 0, s->path2);
		break;
	case OP_UMASK:
		r->ret = vfs_umask(ctx, (mode_t)s->a);
		break;
	case OP_CRED:
		cred_of(s->a, &ctx->cred);
		r->ret = 0;
		break;
	case OP_HOST:
		r->ret = diff_host_op(diff_host_dirfd, s);
		break;
	case OP_CHDIR:
		r->ret = vfs_chdir(ctx, NULL, s->path);
		break;
	case OP_SAMEID: {
		struct stat st2;
		r->ret = vfs_fstatat(ctx, at, s->path, &st, AT_SYMLINK_NOFOLLOW);
		if (r->ret == 0)
			r->ret = vfs_fstatat(ctx, at, s->path2, &st2, AT_SYMLINK_NOFOLLOW);
		if (r->ret == 0)
			r->ret = (st.st_dev == st2.st_dev) | (st.st_ino == st2.st_ino) << 1;
		break;
	}
	case OP_GETCWD:
		x = vfs_getcwd(ctx, buf, s->a ? (size_t)s->a : 256);
		if (x > 0)
			set_data(r, buf, (size_t)x);
		r->ret = x;
		break;
	case OP_FCHDIR:
		r->ret = f ? vfs_fchdir(ctx, f) : -EBADF;
		break;
	case OP_STATFS: {
		struct statfs sf;
		r->ret = vfs_statfs(ctx, NULL, s->path, &sf);
		if (r->ret == 0) {
			int n = snprintf(buf, sizeof(buf), "type=%lx namelen=%ld flags=%lx",
					 (unsigned long)sf.f_type, (long)sf.f_namelen,
					 (unsigned long)sf.f_flags & 0xf);
			set_data(r, buf, (size_t)n);
		}
		break;
	}
	}
}

static int v_mount_tmpfs(struct vside *v, const char *path, unsigned long flags,
			 uint64_t nr_inodes)
{
	struct tmpfs_opts o = { .mode = 01777, .nr_inodes = nr_inodes };
	struct vfs_sb *sb;
	int r = tmpfs_new(&o, &sb);
	if (r < 0)
		return r;
	r = vfs_mount(&v->ctx, NULL, path, sb, flags);
	vfs_sb_put(sb);
	return r;
}

static int v_mount_host(struct vside *v, const char *path, bool ro)
{
	struct hostfs_opts o = { .source = host_v, .rdonly = ro, .host_uid = 0, .host_gid = 0,
				 .uid = 0, .gid = 0 };
	struct vfs_sb *sb;
	int r = hostfs_new(&o, &sb);
	if (r < 0)
		return r;
	r = vfs_mount(&v->ctx, NULL, path, sb, 0);
	vfs_sb_put(sb);
	return r;
}

static int v_setup(struct vside *v, unsigned setup)
{
	memset(v, 0, sizeof(*v));
	struct vfs_sb *sb;
	int r = tmpfs_new(NULL, &sb);
	if (r < 0)
		return r;
	r = vfs_mount_root(sb, 0, &v->root);
	vfs_sb_put(sb);
	if (r < 0)
		return r;
	struct vfs_cred c;
	cred_of(DIFF_CRED_ROOT, &c);
	vfs_ctx_init(&v->ctx, v->root, &c);
	vfs_umask(&v->ctx, 0);
	if (setup & SETUP_MOUNTS) {
		if ((r = vfs_mkdirat(&v->ctx, NULL, "/mnt", 0755)) < 0 ||
		    (r = v_mount_tmpfs(v, "/mnt", 0, 0)) < 0 ||
		    (r = vfs_mkdirat(&v->ctx, NULL, "/rom", 0755)) < 0 ||
		    (r = v_mount_tmpfs(v, "/rom", MS_RDONLY, 0)) < 0 ||
		    (r = vfs_mkdirat(&v->ctx, NULL, "/small", 0755)) < 0 ||
		    (r = v_mount_tmpfs(v, "/small", MS_NOEXEC | MS_NODEV, 4)) < 0)
			return r;
	}
	if (setup & SETUP_HOST) {
		diff_host_dirfd = open(host_v, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (diff_host_dirfd < 0)
			return -errno;
		if ((r = vfs_mkdirat(&v->ctx, NULL, "/h", 0755)) < 0 ||
		    (r = v_mount_host(v, "/h", false)) < 0 ||
		    (r = vfs_mkdirat(&v->ctx, NULL, "/hro", 0755)) < 0 ||
		    (r = v_mount_host(v, "/hro", true)) < 0)
			return r;
	}
	if ((setup & SETUP_OVERLAY) && (r = diff_ovl_v_setup(setup, &v->ctx)) < 0)
		return r;
	vfs_umask(&v->ctx, 022);
	return 0;
}

static void v_teardown(struct vside *v)
{
	for (int i = 0; i < NSLOTS; i++)
		if (v->files[i])
			vfs_file_put(v->files[i]);
	vfs_ctx_destroy(&v->ctx);
	vfs_mount_tree_put(v->root);
	if (diff_host_dirfd >= 0)
		close(diff_host_dirfd);
	diff_host_dirfd = -1;
	struct vfs_stats st;
	vfs_get_stats(&st);
	if (st.mounts || st.dentries || st.inodes || st.files) {
		fprintf(stderr, "diff: objects outlive the VFS: %ld mounts %ld dentries %ld inodes %ld files\n",
			st.mounts, st.dentries, st.inodes, st.files);
		abort();
	}
}

/* --- comparison ------------------------------------------------------------------------ */

static const char *op_names[] = {
	[OP_OPEN] = "open",	     [OP_OPEN2] = "openat2",	   [OP_CLOSE] = "close",
	[OP_MKDIR] = "mkdir",	     [OP_MKNOD] = "mknod",	   [OP_UNLINK] = "unlink",
	[OP_RENAME] = "rename",	     [OP_LINK] = "link",	   [OP_SYMLINK] = "symlink",
	[OP_READLINK] = "readlink",  [OP_STAT] = "stat",	   [OP_ACCESS] = "access",
	[OP_CHMOD] = "chmod",	     [OP_CHOWN] = "chown",	   [OP_UTIMES] = "utimensat",
	[OP_TRUNCATE] = "truncate",  [OP_FTRUNCATE] = "ftruncate", [OP_WRITE] = "write",
	[OP_READ] = "read",	     [OP_GETDENTS] = "getdents",   [OP_GETDENTS_FD] = "getdents-fd",
	[OP_SETXATTR] = "setxattr",  [OP_GETXATTR] = "getxattr",   [OP_LISTXATTR] = "listxattr",
	[OP_RMXATTR] = "removexattr", [OP_UMASK] = "umask",	   [OP_CRED] = "cred",
	[OP_CHDIR] = "chdir",	     [OP_FCHDIR] = "fchdir",	   [OP_STATFS] = "statfs",
	[OP_FSTAT] = "fstat",	     [OP_GETCWD] = "getcwd",	   [OP_SAMEID] = "sameid",
	[OP_HOST] = "host",
};

static void fmt_ret(long r, char *buf, size_t n)
{
	if (r == ANY)
		snprintf(buf, n, "ANY");
	else if (r < 0 && r > -4096)
		snprintf(buf, n, "-%s", strerrorname_np((int)-r) ? strerrorname_np((int)-r) : "?");
	else
		snprintf(buf, n, "%ld", r);
}

static void fmt_res(const struct res *r, char *buf, size_t n)
{
	char rb[32];
	fmt_ret(r->ret, rb, sizeof(rb));
	int o = snprintf(buf, n, "%s", rb);
	if (r->has_st)
		o += snprintf(buf + o, n - (size_t)o, " mode=%o nlink=%u uid=%u gid=%u size=%llu blocks=%llu rdev=%llx",
			      r->st.mode, r->st.nlink, r->st.uid, r->st.gid, r->st.size, r->st.blocks,
			      r->st.rdev);
	if (r->datalen)
		snprintf(buf + o, n - (size_t)o, " data=\"%.*s\"", r->datalen > 200 ? 200 : r->datalen,
			 r->data);
}

static bool same(const struct res *a, const struct res *b)
{
	if (a->ret != b->ret || a->has_st != b->has_st || a->datalen != b->datalen)
		return false;
	if (a->has_st && memcmp(&a->st, &b->st, sizeof(a->st)) != 0)
		return false;
	return memcmp(a->data, b->data, (size_t)a->datalen) == 0;
}

int diff_run(const struct diff_scenario *sc, bool check_expect, bool verbose, long *nsteps)
{
	size_t sz = sizeof(struct res) * (size_t)sc->nsteps;
	struct res *kr = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct res *vr = calloc((size_t)sc->nsteps, sizeof(*vr));
	if (kr == MAP_FAILED || !vr) {
		fprintf(stderr, "diff: out of memory\n");
		return 1;
	}
	memset(kr, 0, sz);
	if (((sc->setup & SETUP_HOST) && diff_host_reset() < 0) ||
	    ((sc->setup & SETUP_OVERLAY) && diff_ovl_reset() < 0)) {
		fprintf(stderr, "diff: %s: cannot build the host trees\n", sc->name);
		return 1;
	}
	if (run_kernel(sc, kr) < 0) {
		fprintf(stderr, "diff: %s: kernel side failed\n", sc->name);
		munmap(kr, sz);
		free(vr);
		return 1;
	}
	struct vside v;
	int r = v_setup(&v, sc->setup);
	if (r < 0) {
		fprintf(stderr, "diff: %s: VFS setup failed: %s\n", sc->name, strerror(-r));
		munmap(kr, sz);
		free(vr);
		return 1;
	}
	for (int i = 0; i < sc->nsteps; i++)
		v_step(&v, &sc->steps[i], &vr[i]);
	v_teardown(&v);

	int bad = 0;
	for (int i = 0; i < sc->nsteps; i++) {
		const struct diff_step *s = &sc->steps[i];
		bool ok = same(&kr[i], &vr[i]);
		bool exp_ok = !check_expect || s->expect == ANY || s->expect == kr[i].ret;
		if (ok && exp_ok && !verbose)
			continue;
		if (!ok || !exp_ok)
			bad++;
		char kb[1400], vb[1400], eb[32];
		fmt_res(&kr[i], kb, sizeof(kb));
		fmt_res(&vr[i], vb, sizeof(vb));
		fmt_ret(s->expect, eb, sizeof(eb));
		fprintf(stderr, "%s %s#%d %s(%s%s%s a=%#lx b=%#lx c=%#lx): expect %s\n  kernel %s\n  vfs    %s\n",
			ok && exp_ok ? "ok  " : "FAIL", sc->name, i, op_names[s->op],
			s->path ? s->path : "", s->path2 ? ", " : "", s->path2 ? s->path2 : "", s->a,
			s->b, s->c, eb, kb, vb);
	}
	*nsteps += sc->nsteps;
	munmap(kr, sz);
	free(vr);
	return bad;
}

/* --- host trees ------------------------------------------------------------------------ */

static void rm_tree(const char *dir)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "diff: cannot remove %s\n", dir);
}

static char host_base[64];


static void host_cleanup(void)
{
	if (host_base[0])
		rm_tree(host_base);
}

/* The tree every SETUP_HOST scenario starts from: files, a directory, and
 * symlinks that try to leave it. */
static int make_tree(const char *root)
{
	char p[256];
	struct {
		const char *name;
		const char *link;
		mode_t mode;
	} items[] = {
		{ "d", NULL, S_IFDIR | 0755 },	   { "d/e", NULL, S_IFDIR | 0755 },
		{ "f", NULL, S_IFREG | 0644 },	   { "d/g", NULL, S_IFREG | 0600 },
		{ "abs", "/", 0 },		   { "up", "../../..", 0 },
		{ "upf", "../../../../etc/passwd", 0 }, { "etc", "/etc/passwd", 0 },
		{ "loop", "loop", 0 },		   { "l1", "l2", 0 },
		{ "l2", "l1", 0 },		   { "tod", "d", 0 },
		{ "d/back", "../f", 0 },	   { "dangle", "nowhere", 0 },
		{ "d/e/deep", "../../../../../..", 0 },
	};
	if (mkdir(root, 0755) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", root, items[i].name);
		int r;
		if (items[i].link)
			r = symlink(items[i].link, p);
		else if (S_ISDIR(items[i].mode))
			r = mkdir(p, items[i].mode & 07777);
		else
			r = mknod(p, items[i].mode, 0);
		if (r < 0)
			return -1;
		if (!items[i].link && chmod(p, items[i].mode & 07777) < 0)
			return -1;
	}
	snprintf(p, sizeof(p), "%s/f", root);
	FILE *f = fopen(p, "w");
	if (!f)
		return -1;
	fputs("hello", f);
	fclose(f);
	return 0;
}

int diff_host_init(void)
{
	if (host_base[0])
		return 0;
	snprintf(host_base, sizeof(host_base), "/tmp/veil-diffh-XXXXXX");
	if (!mkdtemp(host_base))
		return -1;
	atexit(host_cleanup);
	snprintf(host_k, sizeof(host_k), "%s/k", host_base);
	snprintf(host_v, sizeof(host_v), "%s/v", host_base);
	return 0;
}

/* Rebuilt before each SETUP_HOST scenario so every run starts equal. */
static int diff_host_reset(void)
{
	rm_tree(host_k);
	rm_tree(host_v);
	umask(022);
	return make_tree(host_k) < 0 || make_tree(host_v) < 0 ? -1 : 0;
}

static int read_sysctl(const char *name, int dflt)
{
	char p[128];
	snprintf(p, sizeof(p), "/proc/sys/fs/%s", name);
	FILE *f = fopen(p, "r");
	int v = dflt;
	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = dflt;
		fclose(f);
	}
	return v;
}

void diff_sync_sysctls(void)
{
	vfs_protected.hardlinks = read_sysctl("protected_hardlinks", 1);
	vfs_protected.symlinks = read_sysctl("protected_symlinks", 1);
	vfs_protected.regular = read_sysctl("protected_regular", 0);
	vfs_protected.fifos = read_sysctl("protected_fifos", 0);
}
