/* The path syscalls for files: open family, the stat family, access,
 * readlink, getcwd/chdir/umask, and the namespace changes (mkdir, unlink,
 * rename, link, symlink, chmod, chown, truncate, utimensat, statfs), each a
 * thin translation to its VFS entry point, which has the syscall's
 * semantics and errnos.
 *
 * Copy once: every path is read once into the sentry's memory and only
 * that copy is used. Results go back to the tracee after the decision.
 *
 * Directories and O_PATH opens reach the program as shadows (shadow.h);
 * getdents64 reads the VFS directory from the shadow fd's own position;
 * getdents converts its records to the old format.
 *
 * Device nodes open the host's device when it is one veil passes through
 * (sentry/devices.c) or a devpts node (sentry/pty.c), else ENXIO. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "sentry/devices.h"
#include "sentry/fdmap.h"
#include "sentry/host_act.h"
#include "sentry/pty.h"
#include "sentry/shadow.h"
#include "fs/tmpfs/tmpfs.h"
#include "sentry/sys.h"
#include "vfs/vfs.h"

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

static struct vfs_ctx *ctx_of(struct sentry *s, struct platform_call *call)
{
	return sentry_task_vfs(sentry_task_find(s, call->tid));
}

#define NEED_VFS(c)                     \
	do {                            \
		if (!(c))               \
			return -ENOSYS; \
	} while (0)

/* Reads the path argument at `addr` into buf (PATH_MAX). */
static int read_path(struct platform_call *call, uint64_t addr, char *buf)
{
	if (addr == 0)
		return -EFAULT;
	ssize_t n = call->ops->read_str(call, buf, addr, PATH_MAX);
	return n < 0 ? (int)n : 0;
}

/* An fd the tracee passed: what it stands for.
 *   FD_VFS    a file the sentry handed over (*file set, borrowed)
 *   FD_OTHER  the program's own (pipe, socket, its memfd...): *host_fd is
 *             the sentry's copy, to act on directly
 */
enum fd_kind { FD_VFS, FD_OTHER };

struct fd_ref {
	enum fd_kind kind;
	struct vfs_file *file;
	int host_fd; /* the sentry's fd on the same open file; fd_ref_put() */
	bool borrowed; /* host_fd is the platform's (cached), not to close */
	int how;       /* its O_ACCMODE | O_PATH bits, or -1: ask fcntl */
	struct stat st; /* fstat of host_fd */
};

static void fd_ref_put(struct fd_ref *ref)
{
	if (!ref->borrowed)
		close(ref->host_fd);
	ref->host_fd = -1;
}

/* The fd's O_ACCMODE | O_PATH bits (fixed for an open file), or -errno. */
static int fd_ref_how(struct fd_ref *ref)
{
	if (ref->how < 0) {
		int fl = fcntl(ref->host_fd, F_GETFL);
		if (fl < 0)
			return -errno;
		ref->how = fl & (O_ACCMODE | O_PATH);
	}
	return ref->how;
}

static int resolve_fd(struct sentry *s, struct platform_call *call, int fd, struct fd_ref *ret)
{
	struct platform_fd pf;
	int r = call->ops->get_fd_stat(call, fd, &pf);
	if (r < 0)
		return r;
	ret->host_fd = pf.fd;
	ret->borrowed = pf.borrowed;
	ret->how = pf.how;
	ret->st = pf.st;
	const struct stat st = pf.st;
	ret->file = s->files ? fdmap_find(s->files, st.st_dev, st.st_ino) : NULL;
	ret->kind = ret->file ? FD_VFS : FD_OTHER;
	if (!ret->file && s->files && fdmap_was_vfs(s->files, st.st_dev, st.st_ino)) {
		/* A file the sentry handed over and then lost track of (it was
		 * in no fd table at the last sweep): acting on its host object
		 * directly would bypass the VFS (a read-only bind, say). */
		log_debug("fd %d of %d: a VFS file no longer mapped", fd, call->tid);
		fd_ref_put(ret);
		return -EBADF;
	}
	if (!ret->file && S_ISDIR(st.st_mode)) {
		/* A directory fd the sentry did not make (inherited from
		 * outside): it names nothing in the sandbox. */
		log_debug("fd %d of %d: a directory the sentry did not open (%lu:%lu)", fd,
			  call->tid, (unsigned long)st.st_dev, (unsigned long)st.st_ino);
		fd_ref_put(ret);
		return -EBADF;
	}
	return 0;
}

/* The starting point of a *at() call: NULL for AT_FDCWD or an absolute
 * path (the kernel ignores dirfd then). Directory fds are not supported
 * yet: a regular file's fd gives ENOTDIR, as in the kernel. */
static int dirf_of(struct sentry *s, struct platform_call *call, int dirfd, const char *path,
		   bool empty_ok, struct vfs_file **ret)
{
	*ret = NULL;
	if (dirfd == AT_FDCWD || (path[0] == '/'))
		return 0;
	struct fd_ref ref;
	int r = resolve_fd(s, call, dirfd, &ref);
	if (r < 0)
		return r;
	fd_ref_put(&ref);
	if (ref.kind == FD_VFS) {
		*ret = ref.file;
		return 0;
	}
	return empty_ok && path[0] == '\0' ? -EOPNOTSUPP : -ENOTDIR;
}

/* Reads the path argument at `addr` and finds its starting point: what
 * every path handler begins with. */
static int path_at(struct sentry *s, struct platform_call *call, int dirfd, uint64_t addr,
		   bool empty_ok, char *path, struct vfs_file **dirf)
{
	int r = read_path(call, addr, path);
	return r < 0 ? r : dirf_of(s, call, dirfd, path, empty_ok, dirf);
}

/* ---- open ---- */

/* Offers the platform an fd on the open file the tracee just got as
 * `tracee_fd`, so its next call on that fd needs no pidfd_getfd: a shadow
 * directory's own fd (returns -1: the platform took `owned`). A regular
 * file's open file is the program's alone (see do_open), so it is not
 * kept. Returns what the caller still has to close. */
static int keep(struct platform_call *call, int tracee_fd, int owned, const struct stat *st)
{
	int mine = -1;
	if (owned >= 0 && S_ISDIR(st->st_mode))
		mine = owned;
	/* mine < 0: the platform only forgets what it had for that number. */
	bool taken = call->ops->keep_fd(call, tracee_fd, mine, st, O_RDONLY) == 0;
	return taken && mine >= 0 ? -1 : owned;
}

#define HAND_CTTY 1	 /* and make it the caller's controlling terminal */
#define HAND_UNMAPPED 2 /* its host object is not f's (/dev/tty's terminal) */

/* Gives the program `host` (a file's host fd taken from it, or a
 * shadow/device fd the caller opened; `owned`, closed here) standing for
 * VFS file `f`, which the fd map keeps. `known` is host's fstat when the
 * caller has it, else NULL; `how` HAND_* bits. Consumes the caller's
 * reference on f. */
static long hand_over(struct sentry *s, struct platform_call *call, struct vfs_file *f, int host,
		      int owned, uint64_t flags, const struct stat *known, unsigned how)
{
	struct stat st;
	int r;
	bool ctty = how & HAND_CTTY;
	sentry_files_gc(s);
	/* The program's own object reopened through /proc/<pid>/fd (a pipe,
	 * an inherited file or device) is its own again, no VFS file to map. */
	bool map = !vfs_file_is_foreign(f) && !(how & HAND_UNMAPPED);
	if (known)
		st = *known;
	bool have = known || fstat(host, &st) == 0;
	if (have && map) {
		struct vfs_file *had = fdmap_find(s->files, st.st_dev, st.st_ino);
		if (had && vfs_file_inode(had) != vfs_file_inode(f))
			sentry_files_sweep(s);
	}
	if (!have || (map && fdmap_add(s->files, st.st_dev, st.st_ino, f) < 0)) {
		r = -ENOMEM;
	} else {
		unsigned fl = (flags & O_CLOEXEC) ? O_CLOEXEC : 0;
		r = ctty ? call->ops->reply_fd_ctty(call, host, fl) : call->ops->reply_fd(call, host, fl);
		if (r >= 0 && map && !ctty && call->ops->keep_fd)
			owned = keep(call, r, owned, &st);
		/* ENOENT: the tracee died meanwhile; nobody to answer. */
		if (r >= 0 || r == -ENOENT)
			r = SYS_REPLIED;
	}
	if (owned >= 0)
		close(owned);
	vfs_file_put(f);
	return r;
}

/* The VFS refuses to open device nodes itself (ENXIO, after its permission
 * and nodev checks passed): the harmless ones veil passes through are
 * opened on the host (sentry/devices.c); the node is found again as O_PATH
 * to learn which device it is. */
static long open_device(struct sentry *s, struct platform_call *call, struct vfs_ctx *c,
			struct vfs_file *dirf, const char *path, const struct open_how *how)
{
	struct open_how p = *how;
	p.flags = O_PATH | (how->flags & (O_NOFOLLOW | O_DIRECTORY));
	p.mode = 0;
	struct vfs_file *f;
	int r = vfs_openat2(c, dirf, path, &p, &f);
	if (r < 0)
		return r;
	struct stat st;
	struct pty_opener who = {.tid = call->tid, .fsuid = c->cred.euid, .fsgid = c->cred.egid};
	r = vfs_fstatat(c, f, "", &st, AT_EMPTY_PATH);
	if (r == 0)
		r = pty_open_node(vfs_file_inode(f), (int)how->flags, &who);
	if (r == -EOPNOTSUPP)
		r = device_open(&st, (int)how->flags, call->tid);
	if (r < 0) {
		log_debug("openat %s: %s", path,
			  r == -EOPNOTSUPP ? "not a device veil passes through"
					   : "cannot open the host device");
		vfs_file_put(f);
		return r == -EOPNOTSUPP ? -ENXIO : r;
	}
	if (who.take_ctty && !call->ops->reply_fd_ctty) {
		close(r);
		vfs_file_put(f);
		return -ENOTTY; /* it would be a terminal that is not controlling */
	}
	return hand_over(s, call, f, r, r, how->flags, NULL,
			 (who.take_ctty ? HAND_CTTY : 0) |
				 (st.st_rdev == makedev(5, 0) ? HAND_UNMAPPED : 0));
}

static long do_open(struct sentry *s, struct platform_call *call, int dirfd, uint64_t path_addr,
		    const struct open_how *how)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	char path[PATH_MAX];
	struct vfs_file *dirf;
	int r = path_at(s, call, dirfd, path_addr, false, path, &dirf);
	if (r < 0)
		return r;
	struct vfs_file *f;
	r = vfs_openat2(c, dirf, path, how, &f);
	if (r == -ENXIO)
		return open_device(s, call, c, dirf, path, how);
	if (r < 0)
		return r;
	if ((how->flags & O_ACCMODE) != O_RDONLY && tmpfs_space_low(vfs_file_inode(f)))
		sentry_files_sweep(s); /* removed files no fd holds give their space back */
	/* A regular file's open file goes to the program whole: the file the
	 * fd map keeps for it holds no copy, or the program's flock would
	 * outlive its last close (and IN_CLOSE_WRITE never come). */
	int host = (how->flags & O_PATH) ? -EBADF : vfs_file_take_host_fd(f);
	int owned = host; /* closed once handed over */
	struct stat shadow_st;
	bool shadow = false;
	if (host == -EISDIR || (how->flags & O_PATH)) {
		/* No host fd for a directory or an O_PATH open: a shadow.
		 * SECCOMP_IOCTL_NOTIF_ADDFD cannot pass an O_PATH file (the
		 * kernel's fget() refuses them): an O_PATH open gets the shadow
		 * opened for reading, which names the same object; what it may
		 * do is still the VFS's to say. */
		bool dir = S_ISDIR(vfs_file_type(f));
		r = shadow_open(s->shadows, vfs_file_path(f), dir,
				dir ? O_RDONLY | O_DIRECTORY : O_RDONLY, &shadow_st);
		if (r < 0) {
			vfs_file_put(f);
			return r;
		}
		host = owned = r;
		shadow = true;
	} else if (host < 0) {
		vfs_file_put(f);
		return -EOPNOTSUPP;
	}
	return hand_over(s, call, f, host, owned, how->flags, shadow ? &shadow_st : NULL, 0);
}

SYS_HANDLER(open)
{
	struct open_how how = {.flags = (uint32_t)call->args[1], .mode = 0};
	if (how.flags & (O_CREAT | __O_TMPFILE))
		how.mode = call->args[2] & 07777;
	return do_open(s, call, AT_FDCWD, call->args[0], &how);
}

SYS_HANDLER(creat)
{
	struct open_how how = {.flags = O_CREAT | O_WRONLY | O_TRUNC,
			       .mode = call->args[1] & 07777};
	return do_open(s, call, AT_FDCWD, call->args[0], &how);
}

SYS_HANDLER(openat)
{
	struct open_how how = {.flags = (uint32_t)call->args[2], .mode = 0};
	if (how.flags & (O_CREAT | __O_TMPFILE))
		how.mode = call->args[3] & 07777;
	return do_open(s, call, (int)call->args[0], call->args[1], &how);
}

SYS_HANDLER(openat2)
{
	struct open_how how;
	if (call->args[3] < sizeof(how))
		return -EINVAL;
	if (call->args[3] > 4096)
		return -E2BIG;
	int r = call->ops->read_mem(call, &how, call->args[2], sizeof(how));
	if (r < 0)
		return r;
	/* A larger struct from a newer libc must be zero past what we know. */
	for (uint64_t off = sizeof(how); off < call->args[3]; off += 8) {
		uint64_t v = 0;
		size_t n = call->args[3] - off < 8 ? call->args[3] - off : 8;
		r = call->ops->read_mem(call, &v, call->args[2] + off, n);
		if (r < 0)
			return r;
		if (v)
			return -E2BIG;
	}
	return do_open(s, call, (int)call->args[0], call->args[1], &how);
}

/* ---- stat ---- */

static long put_stat(struct platform_call *call, uint64_t addr, const struct stat *st)
{
	return call->ops->write_mem(call, addr, st, sizeof(*st));
}

static long do_fstatat(struct sentry *s, struct platform_call *call, int dirfd,
		       uint64_t path_addr, uint64_t buf, int flags)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	char path[PATH_MAX];
	int r = read_path(call, path_addr, path);
	if (r < 0)
		return r;
	struct stat st;
	if (path[0] == '\0' && (flags & AT_EMPTY_PATH) && dirfd != AT_FDCWD) {
		struct fd_ref ref;
		r = resolve_fd(s, call, dirfd, &ref);
		if (r < 0)
			return r;
		if (ref.kind == FD_VFS)
			r = vfs_fstatat(c, ref.file, "", &st, AT_EMPTY_PATH);
		else
			st = ref.st;
		fd_ref_put(&ref);
	} else {
		struct vfs_file *dirf;
		r = dirf_of(s, call, dirfd, path, true, &dirf);
		if (r == 0)
			r = vfs_fstatat(c, dirf, path, &st, flags);
	}
	return r < 0 ? r : put_stat(call, buf, &st);
}

SYS_HANDLER(stat)
{
	return do_fstatat(s, call, AT_FDCWD, call->args[0], call->args[1], 0);
}

SYS_HANDLER(lstat)
{
	return do_fstatat(s, call, AT_FDCWD, call->args[0], call->args[1], AT_SYMLINK_NOFOLLOW);
}

SYS_HANDLER(newfstatat)
{
	return do_fstatat(s, call, (int)call->args[0], call->args[1], call->args[2],
			  (int)call->args[3]);
}

SYS_HANDLER(fstat)
{
	struct vfs_ctx *c = ctx_of(s, call);
	struct fd_ref ref;
	int r = resolve_fd(s, call, (int)call->args[0], &ref);
	if (r < 0)
		return r;
	struct stat st;
	if (ref.kind == FD_VFS && c)
		r = vfs_fstatat(c, ref.file, "", &st, AT_EMPTY_PATH);
	else
		st = ref.st;
	fd_ref_put(&ref);
	return r < 0 ? r : put_stat(call, call->args[1], &st);
}

SYS_HANDLER(statx)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	int dirfd = (int)call->args[0];
	int flags = (int)call->args[2];
	char path[PATH_MAX];
	int r = read_path(call, call->args[1], path);
	if (r < 0)
		return r;
	struct statx stx;
	memset(&stx, 0, sizeof(stx));
	if (path[0] == '\0' && (flags & AT_EMPTY_PATH) && dirfd != AT_FDCWD) {
		struct fd_ref ref;
		r = resolve_fd(s, call, dirfd, &ref);
		if (r < 0)
			return r;
		if (ref.kind == FD_VFS)
			r = vfs_statx(c, ref.file, "", flags, (unsigned)call->args[3], &stx);
		else
			r = statx(ref.host_fd, "", flags | AT_EMPTY_PATH, (unsigned)call->args[3],
				  &stx) < 0 ? -errno : 0;
		fd_ref_put(&ref);
	} else {
		struct vfs_file *dirf;
		r = dirf_of(s, call, dirfd, path, true, &dirf);
		if (r == 0)
			r = vfs_statx(c, dirf, path, flags, (unsigned)call->args[3], &stx);
	}
	return r < 0 ? r : call->ops->write_mem(call, call->args[4], &stx, sizeof(stx));
}

/* ---- access, readlink ---- */

static long do_access(struct sentry *s, struct platform_call *call, int dirfd, uint64_t path_addr,
		      int mode, int flags)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	char path[PATH_MAX];
	struct vfs_file *dirf;
	int r = path_at(s, call, dirfd, path_addr, false, path, &dirf);
	return r < 0 ? r : vfs_faccessat2(c, dirf, path, mode, flags);
}

SYS_HANDLER(access)
{
	return do_access(s, call, AT_FDCWD, call->args[0], (int)call->args[1], 0);
}

SYS_HANDLER(faccessat)
{
	return do_access(s, call, (int)call->args[0], call->args[1], (int)call->args[2], 0);
}

SYS_HANDLER(faccessat2)
{
	return do_access(s, call, (int)call->args[0], call->args[1], (int)call->args[2],
			 (int)call->args[3]);
}

static long do_readlink(struct sentry *s, struct platform_call *call, int dirfd,
			uint64_t path_addr, uint64_t buf, int64_t size)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	if (size <= 0)
		return -EINVAL;
	char path[PATH_MAX];
	struct vfs_file *dirf;
	int r = path_at(s, call, dirfd, path_addr, true, path, &dirf);
	if (r < 0)
		return r;
	char target[PATH_MAX];
	ssize_t n = vfs_readlinkat(c, dirf, path, target, sizeof(target));
	if (n < 0)
		return n;
	if (n > size)
		n = size;
	r = call->ops->write_mem(call, buf, target, (size_t)n);
	return r < 0 ? r : n;
}

SYS_HANDLER(readlink)
{
	return do_readlink(s, call, AT_FDCWD, call->args[0], call->args[1],
			   (int)call->args[2]);
}

SYS_HANDLER(readlinkat)
{
	return do_readlink(s, call, (int)call->args[0], call->args[1], call->args[2],
			   (int)call->args[3]);
}

/* ---- cwd and umask ---- */

SYS_HANDLER(getcwd)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	char buf[PATH_MAX];
	size_t size = call->args[1] < sizeof(buf) ? call->args[1] : sizeof(buf);
	int n = vfs_getcwd(c, buf, size);
	if (n < 0)
		return n;
	int r = call->ops->write_mem(call, call->args[0], buf, (size_t)n);
	return r < 0 ? r : n;
}

SYS_HANDLER(chdir)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	char path[PATH_MAX];
	int r = read_path(call, call->args[0], path);
	return r < 0 ? r : vfs_chdir(c, NULL, path);
}

SYS_HANDLER(umask)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	return vfs_umask(c, call->args[0] & 0777);
}

/* ---- changes to the tree ---- */

/* One path argument at args[i] with its dirfd at args[i-1] (or AT_FDCWD). */
#define PATH_AT(var, dfd, idx)                                                   \
	char var[PATH_MAX];                                                      \
	struct vfs_file *var##_dir;                                              \
	do {                                                                     \
		int r_ = path_at(s, call, (dfd), call->args[idx], false, var, &var##_dir); \
		if (r_ < 0)                                                      \
			return r_;                                               \
	} while (0)

SYS_HANDLER(mkdir)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	PATH_AT(p, AT_FDCWD, 0);
	return vfs_mkdirat(c, p_dir, p, call->args[1] & 07777);
}

SYS_HANDLER(mkdirat)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	PATH_AT(p, (int)call->args[0], 1);
	return vfs_mkdirat(c, p_dir, p, call->args[2] & 07777);
}

SYS_HANDLER(mknod)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	PATH_AT(p, AT_FDCWD, 0);
	return vfs_mknodat(c, p_dir, p, (mode_t)call->args[1], (dev_t)call->args[2]);
}

SYS_HANDLER(mknodat)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	PATH_AT(p, (int)call->args[0], 1);
	return vfs_mknodat(c, p_dir, p, (mode_t)call->args[2], (dev_t)call->args[3]);
}

SYS_HANDLER(unlink)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	PATH_AT(p, AT_FDCWD, 0);
	return vfs_unlinkat(c, p_dir, p, 0);
}

SYS_HANDLER(rmdir)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	PATH_AT(p, AT_FDCWD, 0);
	return vfs_unlinkat(c, p_dir, p, AT_REMOVEDIR);
}

SYS_HANDLER(unlinkat)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	PATH_AT(p, (int)call->args[0], 1);
	return vfs_unlinkat(c, p_dir, p, (int)call->args[2]);
}

/* rename and link: two paths, each with its dirfd argument (or AT_FDCWD
 * when dirfd index is -1). */
enum two_path_op { TP_RENAME, TP_LINK };

static long two_paths(struct sentry *s, struct platform_call *call, enum two_path_op op,
		      int d1, int i1, int d2, int i2, unsigned flags)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	PATH_AT(a, d1 < 0 ? AT_FDCWD : (int)call->args[d1], i1);
	PATH_AT(b, d2 < 0 ? AT_FDCWD : (int)call->args[d2], i2);
	if (op == TP_RENAME)
		return vfs_renameat2(c, a_dir, a, b_dir, b, flags);
	return vfs_linkat(c, a_dir, a, b_dir, b, (int)flags);
}

SYS_HANDLER(rename)
{
	return two_paths(s, call, TP_RENAME, -1, 0, -1, 1, 0);
}

SYS_HANDLER(renameat)
{
	return two_paths(s, call, TP_RENAME, 0, 1, 2, 3, 0);
}

SYS_HANDLER(renameat2)
{
	return two_paths(s, call, TP_RENAME, 0, 1, 2, 3, (unsigned)call->args[4]);
}

SYS_HANDLER(link)
{
	return two_paths(s, call, TP_LINK, -1, 0, -1, 1, 0);
}

SYS_HANDLER(linkat)
{
	return two_paths(s, call, TP_LINK, 0, 1, 2, 3, (unsigned)call->args[4]);
}

SYS_HANDLER(symlink)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	char target[PATH_MAX];
	int r = read_path(call, call->args[0], target);
	if (r < 0)
		return r;
	PATH_AT(p, AT_FDCWD, 1);
	return vfs_symlinkat(c, target, p_dir, p);
}

SYS_HANDLER(symlinkat)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	char target[PATH_MAX];
	int r = read_path(call, call->args[0], target);
	if (r < 0)
		return r;
	PATH_AT(p, (int)call->args[1], 2);
	return vfs_symlinkat(c, target, p_dir, p);
}

SYS_HANDLER(chmod)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	PATH_AT(p, AT_FDCWD, 0);
	return vfs_fchmodat(c, p_dir, p, call->args[1] & 07777, 0);
}

SYS_HANDLER(fchmodat)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	PATH_AT(p, (int)call->args[0], 1);
	return vfs_fchmodat(c, p_dir, p, call->args[2] & 07777, 0);
}

SYS_HANDLER(chown)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	PATH_AT(p, AT_FDCWD, 0);
	return vfs_fchownat(c, p_dir, p, (uid_t)call->args[1], (gid_t)call->args[2], 0);
}

SYS_HANDLER(lchown)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	PATH_AT(p, AT_FDCWD, 0);
	return vfs_fchownat(c, p_dir, p, (uid_t)call->args[1], (gid_t)call->args[2],
			    AT_SYMLINK_NOFOLLOW);
}

/* ---- fd-based metadata calls ----
 * On a file the sentry handed over, the VFS inode is the truth; on the
 * program's own fds (pipes, sockets, its memfds) the sentry acts on its
 * copy of the fd, which is the same open file. */

enum fd_op { OP_CHMOD, OP_CHOWN, OP_UTIMENS, OP_STATFS };

struct fd_op_args {
	mode_t mode;
	uid_t uid;
	gid_t gid;
	const struct timespec *times;
	struct statfs *sf;
};

static long fd_op(struct sentry *s, struct platform_call *call, int fd, enum fd_op op,
		  const struct fd_op_args *a)
{
	struct vfs_ctx *c = ctx_of(s, call);
	struct fd_ref ref;
	int r = resolve_fd(s, call, fd, &ref);
	if (r < 0)
		return r;
	if (ref.kind == FD_VFS && c) {
		switch (op) {
		case OP_CHMOD:
			r = vfs_fchmodat(c, ref.file, "", a->mode, AT_EMPTY_PATH);
			break;
		case OP_CHOWN:
			r = vfs_fchownat(c, ref.file, "", a->uid, a->gid, AT_EMPTY_PATH);
			break;
		case OP_UTIMENS:
			r = vfs_utimensat(c, ref.file, "", a->times, AT_EMPTY_PATH);
			break;
		case OP_STATFS:
			r = vfs_statfs(c, ref.file, "", a->sf);
			break;
		}
	} else {
		struct host_privs hp;
		host_act_begin(&hp);
		switch (op) {
		case OP_CHMOD:
			r = fchmod(ref.host_fd, a->mode);
			break;
		case OP_CHOWN:
			r = fchown(ref.host_fd, a->uid, a->gid);
			break;
		case OP_UTIMENS:
			r = futimens(ref.host_fd, a->times);
			break;
		case OP_STATFS:
			r = fstatfs(ref.host_fd, a->sf);
			break;
		}
		r = r < 0 ? -errno : 0;
		host_act_end(&hp);
	}
	fd_ref_put(&ref);
	return r;
}

SYS_HANDLER(fchmod)
{
	struct fd_op_args a = {.mode = call->args[1] & 07777};
	return fd_op(s, call, (int)call->args[0], OP_CHMOD, &a);
}

SYS_HANDLER(fchown)
{
	struct fd_op_args a = {.uid = (uid_t)call->args[1], .gid = (gid_t)call->args[2]};
	return fd_op(s, call, (int)call->args[0], OP_CHOWN, &a);
}

SYS_HANDLER(fstatfs)
{
	struct statfs sf;
	struct fd_op_args a = {.sf = &sf};
	long r = fd_op(s, call, (int)call->args[0], OP_STATFS, &a);
	return r < 0 ? r : call->ops->write_mem(call, call->args[1], &sf, sizeof(sf));
}

SYS_HANDLER(fchmodat2)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	int flags = (int)call->args[3];
	char path[PATH_MAX];
	int r = read_path(call, call->args[1], path);
	if (r < 0)
		return r;
	if (path[0] == '\0' && (flags & AT_EMPTY_PATH)) {
		struct fd_op_args a = {.mode = call->args[2] & 07777};
		return fd_op(s, call, (int)call->args[0], OP_CHMOD, &a);
	}
	struct vfs_file *dirf;
	r = dirf_of(s, call, (int)call->args[0], path, false, &dirf);
	return r < 0 ? r : vfs_fchmodat(c, dirf, path, call->args[2] & 07777, flags);
}

SYS_HANDLER(fchownat)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	int flags = (int)call->args[4];
	if (flags & AT_EMPTY_PATH) {
		char path[PATH_MAX];
		int r = read_path(call, call->args[1], path);
		if (r < 0)
			return r;
		if (path[0] == '\0') {
			struct fd_op_args a = {.uid = (uid_t)call->args[2],
					       .gid = (gid_t)call->args[3]};
			return fd_op(s, call, (int)call->args[0], OP_CHOWN, &a);
		}
	}
	PATH_AT(p, (int)call->args[0], 1);
	return vfs_fchownat(c, p_dir, p, (uid_t)call->args[2], (gid_t)call->args[3], flags);
}

SYS_HANDLER(truncate)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	PATH_AT(p, AT_FDCWD, 0);
	return vfs_truncate(c, p_dir, p, (off_t)call->args[1]);
}

SYS_HANDLER(ftruncate)
{
	struct vfs_ctx *c = ctx_of(s, call);
	struct fd_ref ref;
	int r = resolve_fd(s, call, (int)call->args[0], &ref);
	if (r < 0)
		return r;
	if (ref.kind == FD_VFS && c) {
		/* The fd's own access mode decides, as for the kernel. */
		int how = fd_ref_how(&ref);
		r = how < 0 ? how : (how & O_ACCMODE) == O_RDONLY ? -EINVAL
						 : vfs_ftruncate(c, ref.file, (off_t)call->args[1]);
	} else {
		struct host_privs hp;
		host_act_begin(&hp);
		r = ftruncate(ref.host_fd, (off_t)call->args[1]) < 0 ? -errno : 0;
		host_act_end(&hp);
	}
	fd_ref_put(&ref);
	return r;
}

SYS_HANDLER(utimensat)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	struct timespec ts[2];
	const struct timespec *times = NULL;
	if (call->args[2]) {
		int r = call->ops->read_mem(call, ts, call->args[2], sizeof(ts));
		if (r < 0)
			return r;
		times = ts;
	}
	if (call->args[1] == 0) {
		/* futimens(fd): utimensat with no path works on the fd itself. */
		if (call->args[3] & ~AT_EMPTY_PATH)
			return -EINVAL;
		struct fd_op_args a = {.times = times};
		return fd_op(s, call, (int)call->args[0], OP_UTIMENS, &a);
	}
	PATH_AT(p, (int)call->args[0], 1);
	return vfs_utimensat(c, p_dir, p, times, (int)call->args[3]);
}

SYS_HANDLER(statfs)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	PATH_AT(p, AT_FDCWD, 0);
	struct statfs sf;
	int r = vfs_statfs(c, p_dir, p, &sf);
	return r < 0 ? r : call->ops->write_mem(call, call->args[1], &sf, sizeof(sf));
}

/* ---- directories ---- */

/* getdents64 into `buf` (at most `size` bytes) from the position of the
 * program's fd on the shadow; returns the byte count or -errno. *file and
 * host_fd come back for the caller to move the position and close. */
static ssize_t read_dir(struct sentry *s, struct platform_call *call, int fd, char *buf,
			size_t size, struct fd_ref *ref)
{
	struct vfs_ctx *c = ctx_of(s, call);
	if (!c)
		return -ENOSYS;
	int r = resolve_fd(s, call, fd, ref);
	if (r < 0)
		return r;
	if (ref->kind != FD_VFS) {
		fd_ref_put(ref);
		return -ENOTDIR;
	}
	int how = fd_ref_how(ref);
	if (how < 0 || (how & O_PATH)) {
		fd_ref_put(ref);
		return -EBADF;
	}
	if (vfs_file_flags(ref->file) & O_PATH) {
		/* Only O_PATH opens of this directory so far: open it for
		 * reading, which the map keeps from now on. */
		struct vfs_file *d;
		r = vfs_openat(c, ref->file, ".", O_RDONLY | O_DIRECTORY, 0, &d);
		if (r < 0) {
			fd_ref_put(ref);
			return r;
		}
		fdmap_add(s->files, ref->st.st_dev, ref->st.st_ino, d);
		vfs_file_put(d);
		ref->file = fdmap_find(s->files, ref->st.st_dev, ref->st.st_ino);
	}
	/* The cursor is the program's fd position (on the shadow), so dup'd
	 * fds share it and lseek/rewinddir work natively; the VFS file here
	 * may be shared by several opens, so it is positioned on every call. */
	off_t pos = lseek(ref->host_fd, 0, SEEK_CUR);
	ssize_t n = pos < 0 ? -errno : vfs_dir_lseek(ref->file, pos, SEEK_SET);
	if (n >= 0)
		n = vfs_getdents64(ref->file, buf, size);
	if (n < 0)
		fd_ref_put(ref);
	return n;
}

SYS_HANDLER(getdents64)
{
	char buf[65536];
	size_t size = call->args[2] < sizeof(buf) ? call->args[2] : sizeof(buf);
	struct fd_ref ref;
	ssize_t n = read_dir(s, call, (int)call->args[0], buf, size, &ref);
	if (n < 0)
		return n;
	if (n > 0) {
		int r = call->ops->write_mem(call, call->args[1], buf, (size_t)n);
		if (r < 0)
			n = r;
		else if (lseek(ref.host_fd, vfs_dir_lseek(ref.file, 0, SEEK_CUR), SEEK_SET) < 0)
			n = -errno;
	}
	fd_ref_put(&ref);
	return n;
}

/* The old getdents record: d_type rides in the last byte. */
struct linux_dirent {
	unsigned long d_ino;
	unsigned long d_off;
	unsigned short d_reclen;
	char d_name[];
};

struct linux_dirent64_ {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

SYS_HANDLER(getdents)
{
	char in[32768], out[32768];
	size_t size = call->args[2] < sizeof(out) ? call->args[2] : sizeof(out);
	struct fd_ref ref;
	ssize_t n = read_dir(s, call, (int)call->args[0], in, size, &ref);
	if (n < 0)
		return n;
	/* Convert record by record; what does not fit stays for the next
	 * call: the position becomes the last converted record's cookie. */
	size_t used = 0;
	int64_t last_off = -1;
	for (ssize_t at = 0; at < n;) {
		const struct linux_dirent64_ *d = (const void *)(in + at);
		size_t len = strlen(d->d_name);
		size_t reclen = (offsetof(struct linux_dirent, d_name) + len + 2 + 7) & ~(size_t)7;
		if (used + reclen > size)
			break;
		struct linux_dirent *o = (void *)(out + used);
		memset(o, 0, reclen);
		o->d_ino = d->d_ino;
		o->d_off = (unsigned long)d->d_off;
		o->d_reclen = (unsigned short)reclen;
		memcpy(o->d_name, d->d_name, len);
		out[used + reclen - 1] = (char)d->d_type;
		used += reclen;
		last_off = d->d_off;
		at += d->d_reclen;
	}
	long r = 0;
	if (n > 0 && used == 0)
		r = -EINVAL; /* not even one record fits, as the kernel says */
	else if (used) {
		r = call->ops->write_mem(call, call->args[1], out, used);
		if (r == 0)
			r = lseek(ref.host_fd, last_off, SEEK_SET) < 0 ? -errno : (long)used;
	}
	fd_ref_put(&ref);
	return r;
}

SYS_HANDLER(fchdir)
{
	struct vfs_ctx *c = ctx_of(s, call);
	NEED_VFS(c);
	struct fd_ref ref;
	int r = resolve_fd(s, call, (int)call->args[0], &ref);
	if (r < 0)
		return r;
	fd_ref_put(&ref);
	return ref.kind == FD_VFS ? vfs_fchdir(c, ref.file) : -ENOTDIR;
}
