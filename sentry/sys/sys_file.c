/* The path syscalls for files but the open family (sys_open.c): the stat
 * family, access, readlink, getcwd/chdir/umask, and the namespace changes
 * (mkdir, unlink, rename, link, symlink, chmod, chown, truncate,
 * utimensat and the older utime, utimes, futimesat, statfs), each a thin translation to its VFS entry point,
 * which has the syscall's semantics and errnos.
 *
 * Copy once: every path is read once into the sentry's memory and only
 * that copy is used. Results go back to the tracee after the decision.
 *
 * Directories and O_PATH opens reach the program as shadows (shadow.h);
 * getdents64 reads the VFS directory from the shadow fd's own position;
 * getdents converts its records to the old format. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <linux/openat2.h>
#include <stddef.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "sentry/kernel/fdmap.h"
#include "sentry/kernel/host_act.h"
#include "sentry/kernel/shadow.h"
#include "sentry/sys/sys.h"
#include "sentry/sys/sys_args.h"
#include "vfs/vfs.h"

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

/* ---- stat ---- */

static long put_stat(struct platform_call *call, uint64_t addr, const struct stat *st)
{
	return call->ops->write_mem(call, addr, st, sizeof(*st));
}

static long do_fstatat(struct sentry *s, struct platform_call *call, int dirfd,
		       uint64_t path_addr, uint64_t buf, int flags)
{
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	char path[PATH_MAX];
	int r = sys_read_path(call, path_addr, path);
	if (r < 0)
		return r;
	struct stat st;
	if (path[0] == '\0' && (flags & AT_EMPTY_PATH) && dirfd != AT_FDCWD) {
		struct sys_fd ref;
		r = sys_resolve_fd(s, call, dirfd, &ref);
		if (r < 0)
			return r;
		if (ref.kind == SYS_FD_VFS)
			r = vfs_fstatat(c, ref.file, "", &st, AT_EMPTY_PATH);
		else
			st = ref.st;
		sys_fd_put(&ref);
	} else {
		struct vfs_file *dirf;
		r = sys_dirf(s, call, dirfd, path, true, &dirf);
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
	struct vfs_ctx *c = sys_ctx(s, call);
	struct sys_fd ref;
	int r = sys_resolve_fd(s, call, (int)call->args[0], &ref);
	if (r < 0)
		return r;
	struct stat st;
	if (ref.kind == SYS_FD_VFS)
		r = vfs_fstatat(c, ref.file, "", &st, AT_EMPTY_PATH);
	else
		st = ref.st;
	sys_fd_put(&ref);
	return r < 0 ? r : put_stat(call, call->args[1], &st);
}

SYS_HANDLER(statx)
{
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	int dirfd = (int)call->args[0];
	int flags = (int)call->args[2];
	char path[PATH_MAX];
	int r = sys_read_path(call, call->args[1], path);
	if (r < 0)
		return r;
	struct statx stx;
	memset(&stx, 0, sizeof(stx));
	if (path[0] == '\0' && (flags & AT_EMPTY_PATH) && dirfd != AT_FDCWD) {
		struct sys_fd ref;
		r = sys_resolve_fd(s, call, dirfd, &ref);
		if (r < 0)
			return r;
		if (ref.kind == SYS_FD_VFS)
			r = vfs_statx(c, ref.file, "", flags, (unsigned)call->args[3], &stx);
		else
			r = statx(ref.host_fd, "", flags | AT_EMPTY_PATH, (unsigned)call->args[3],
				  &stx) < 0 ? -errno : 0;
		sys_fd_put(&ref);
	} else {
		struct vfs_file *dirf;
		r = sys_dirf(s, call, dirfd, path, true, &dirf);
		if (r == 0)
			r = vfs_statx(c, dirf, path, flags, (unsigned)call->args[3], &stx);
	}
	return r < 0 ? r : call->ops->write_mem(call, call->args[4], &stx, sizeof(stx));
}

/* ---- access, readlink ---- */

static long do_access(struct sentry *s, struct platform_call *call, int dirfd, uint64_t path_addr,
		      int mode, int flags)
{
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	char path[PATH_MAX];
	struct vfs_file *dirf;
	int r = sys_path_at(s, call, dirfd, path_addr, false, path, &dirf);
	return r < 0 ? r : vfs_faccessat2(c, dirf, path, mode, flags);
}

/* chroot: the kernel's checks in its order (the path: EFAULT, ENOENT,
 * ENOTDIR; search permission), then EPERM: the sentry serves one root, so
 * the call is never carried out. It was refused before the path was read,
 * where the kernel answers a bad pointer with EFAULT (bubblewrap's
 * test-seccomp.py probes chroot(1)). */
SYS_HANDLER(chroot)
{
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	char path[PATH_MAX];
	struct vfs_file *dirf;
	int r = sys_path_at(s, call, AT_FDCWD, call->args[0], false, path, &dirf);
	if (r < 0)
		return r;
	struct stat st;
	r = vfs_fstatat(c, dirf, path, &st, 0);
	if (r < 0)
		return r;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	r = vfs_faccessat2(c, dirf, path, X_OK, 0);
	/* the sandbox's root for the task and every task sharing its fs
	 * (CLONE_FS), as the kernel's: only names the sentry resolves
	 * change, and no walk goes above the sandbox's own root */
	return r < 0 ? r : vfs_chroot(c, dirf, path);
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
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	if (size <= 0)
		return -EINVAL;
	char path[PATH_MAX];
	struct vfs_file *dirf;
	int r = sys_path_at(s, call, dirfd, path_addr, true, path, &dirf);
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
	struct vfs_ctx *c = sys_ctx(s, call);
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
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	char path[PATH_MAX];
	int r = sys_read_path(call, call->args[0], path);
	return r < 0 ? r : vfs_chdir(c, NULL, path);
}

SYS_HANDLER(umask)
{
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	return vfs_umask(c, call->args[0] & 0777);
}

/* ---- changes to the tree ---- */

/* One path argument at args[i] with its dirfd at args[i-1] (or AT_FDCWD). */
#define PATH_AT(var, dfd, idx)                                                   \
	char var[PATH_MAX];                                                      \
	struct vfs_file *var##_dir;                                              \
	do {                                                                     \
		int r_ = sys_path_at(s, call, (dfd), call->args[idx], false, var, &var##_dir); \
		if (r_ < 0)                                                      \
			return r_;                                               \
	} while (0)

SYS_HANDLER(mkdir)
{
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	PATH_AT(p, AT_FDCWD, 0);
	return vfs_mkdirat(c, p_dir, p, call->args[1] & 07777);
}

SYS_HANDLER(mkdirat)
{
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	PATH_AT(p, (int)call->args[0], 1);
	return vfs_mkdirat(c, p_dir, p, call->args[2] & 07777);
}

SYS_HANDLER(mknod)
{
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	PATH_AT(p, AT_FDCWD, 0);
	return vfs_mknodat(c, p_dir, p, (mode_t)call->args[1], (dev_t)call->args[2]);
}

SYS_HANDLER(mknodat)
{
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	PATH_AT(p, (int)call->args[0], 1);
	return vfs_mknodat(c, p_dir, p, (mode_t)call->args[2], (dev_t)call->args[3]);
}

SYS_HANDLER(unlink)
{
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	PATH_AT(p, AT_FDCWD, 0);
	return vfs_unlinkat(c, p_dir, p, 0);
}

SYS_HANDLER(rmdir)
{
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	PATH_AT(p, AT_FDCWD, 0);
	return vfs_unlinkat(c, p_dir, p, AT_REMOVEDIR);
}

SYS_HANDLER(unlinkat)
{
	struct vfs_ctx *c = sys_ctx(s, call);
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
	struct vfs_ctx *c = sys_ctx(s, call);
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
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	char target[PATH_MAX];
	int r = sys_read_path(call, call->args[0], target);
	if (r < 0)
		return r;
	PATH_AT(p, AT_FDCWD, 1);
	return vfs_symlinkat(c, target, p_dir, p);
}

SYS_HANDLER(symlinkat)
{
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	char target[PATH_MAX];
	int r = sys_read_path(call, call->args[0], target);
	if (r < 0)
		return r;
	PATH_AT(p, (int)call->args[1], 2);
	return vfs_symlinkat(c, target, p_dir, p);
}

SYS_HANDLER(chmod)
{
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	PATH_AT(p, AT_FDCWD, 0);
	return vfs_fchmodat(c, p_dir, p, call->args[1] & 07777, 0);
}

SYS_HANDLER(fchmodat)
{
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	PATH_AT(p, (int)call->args[0], 1);
	return vfs_fchmodat(c, p_dir, p, call->args[2] & 07777, 0);
}

SYS_HANDLER(chown)
{
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	PATH_AT(p, AT_FDCWD, 0);
	return vfs_fchownat(c, p_dir, p, (uid_t)call->args[1], (gid_t)call->args[2], 0);
}

SYS_HANDLER(lchown)
{
	struct vfs_ctx *c = sys_ctx(s, call);
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

/* `raw`: an O_PATH fd will do (the *at calls with AT_EMPTY_PATH, fstatfs),
 * as the kernel's fdget_raw; else it is EBADF (fchmod, fchown, futimens). */
static long fd_op(struct sentry *s, struct platform_call *call, int fd, enum fd_op op,
		  const struct fd_op_args *a, bool raw)
{
	struct vfs_ctx *c = sys_ctx(s, call);
	struct sys_fd ref;
	int r = sys_resolve_fd(s, call, fd, &ref);
	if (r < 0)
		return r;
	int how = raw ? 0 : sys_fd_how(&ref);
	if (how < 0 || (how & O_PATH)) {
		sys_fd_put(&ref);
		return how < 0 ? how : -EBADF;
	}
	if (ref.kind == SYS_FD_VFS) {
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
	sys_fd_put(&ref);
	return r;
}

SYS_HANDLER(fchmod)
{
	struct fd_op_args a = {.mode = call->args[1] & 07777};
	return fd_op(s, call, (int)call->args[0], OP_CHMOD, &a, false);
}

SYS_HANDLER(fchown)
{
	struct fd_op_args a = {.uid = (uid_t)call->args[1], .gid = (gid_t)call->args[2]};
	return fd_op(s, call, (int)call->args[0], OP_CHOWN, &a, false);
}

SYS_HANDLER(fstatfs)
{
	struct statfs sf;
	struct fd_op_args a = {.sf = &sf};
	long r = fd_op(s, call, (int)call->args[0], OP_STATFS, &a, true);
	return r < 0 ? r : call->ops->write_mem(call, call->args[1], &sf, sizeof(sf));
}

SYS_HANDLER(fchmodat2)
{
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	int flags = (int)call->args[3];
	char path[PATH_MAX];
	int r = sys_read_path(call, call->args[1], path);
	if (r < 0)
		return r;
	if (path[0] == '\0' && (flags & AT_EMPTY_PATH)) {
		struct fd_op_args a = {.mode = call->args[2] & 07777};
		return fd_op(s, call, (int)call->args[0], OP_CHMOD, &a, true);
	}
	struct vfs_file *dirf;
	r = sys_dirf(s, call, (int)call->args[0], path, false, &dirf);
	return r < 0 ? r : vfs_fchmodat(c, dirf, path, call->args[2] & 07777, flags);
}

SYS_HANDLER(fchownat)
{
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	int flags = (int)call->args[4];
	if (flags & AT_EMPTY_PATH) {
		char path[PATH_MAX];
		int r = sys_read_path(call, call->args[1], path);
		if (r < 0)
			return r;
		if (path[0] == '\0') {
			struct fd_op_args a = {.uid = (uid_t)call->args[2],
					       .gid = (gid_t)call->args[3]};
			return fd_op(s, call, (int)call->args[0], OP_CHOWN, &a, true);
		}
	}
	PATH_AT(p, (int)call->args[0], 1);
	return vfs_fchownat(c, p_dir, p, (uid_t)call->args[2], (gid_t)call->args[3], flags);
}

/* The caller's RLIMIT_FSIZE (the program's own: setrlimit runs natively),
 * for a truncate that would grow a file past it (inode_newsize_ok): into
 * the VFS context, or, for the program's own fd (size given), decided
 * here. */
static int fsize_limit(struct platform_call *call, struct vfs_ctx *c, off_t length, off_t size)
{
	struct rlimit rl;
	bool limited = prlimit(call->tid, RLIMIT_FSIZE, NULL, &rl) == 0 &&
		       rl.rlim_cur != RLIM_INFINITY;
	if (c) {
		c->fsize_limited = limited;
		c->fsize_hit = false;
		c->fsize_max = limited ? rl.rlim_cur : 0;
		return 0;
	}
	return limited && length > size && (rlim_t)length > rl.rlim_cur ? -EFBIG : 0;
}

/* After a truncate: the limit is gone from the context, and an EFBIG it
 * caused (not a filesystem's maximum size) sends SIGXFSZ, as the
 * kernel's does. */
static int fsize_done(struct sentry *s, struct platform_call *call, struct vfs_ctx *c, int r)
{
	bool hit = r == -EFBIG && (!c || c->fsize_hit);
	if (c)
		c->fsize_limited = c->fsize_hit = false;
	pid_t tgid = hit ? sentry_task_tgid(sentry_task_find(s, call->tid)) : 0;
	if (tgid > 0)
		syscall(SYS_tgkill, tgid, call->tid, SIGXFSZ);
	return r;
}

SYS_HANDLER(truncate)
{
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	PATH_AT(p, AT_FDCWD, 0);
	fsize_limit(call, c, 0, 0);
	return fsize_done(s, call, c, vfs_truncate(c, p_dir, p, (off_t)call->args[1]));
}

SYS_HANDLER(ftruncate)
{
	struct vfs_ctx *c = sys_ctx(s, call);
	struct sys_fd ref;
	int r = sys_resolve_fd(s, call, (int)call->args[0], &ref);
	if (r < 0)
		return r;
	if (ref.kind == SYS_FD_VFS) {
		/* The fd's own access mode decides, as for the kernel: the
		 * mapped VFS file may be another open's (O_RDONLY, say). */
		int how = sys_fd_how(&ref);
		fsize_limit(call, c, 0, 0);
		r = how < 0 ? how : vfs_ftruncate_as(c, ref.file, how, (off_t)call->args[1]);
		r = fsize_done(s, call, c, r);
	} else if (S_ISREG(ref.st.st_mode) && (off_t)call->args[1] >= 0 &&
		   (r = fsize_limit(call, NULL, (off_t)call->args[1], ref.st.st_size)) < 0) {
		/* the program's own file (an inherited one, its memfd) */
		fsize_done(s, call, NULL, r);
	} else {
		struct host_privs hp;
		host_act_begin(&hp);
		r = ftruncate(ref.host_fd, (off_t)call->args[1]) < 0 ? -errno : 0;
		host_act_end(&hp);
	}
	sys_fd_put(&ref);
	return r;
}

/* utimensat's work once its times are read: a NULL path names the fd
 * itself (futimens, and futimesat with a NULL path). */
static long utimens_at(struct sentry *s, struct platform_call *call, int dirfd, int path_idx,
		       const struct timespec *times, int flags)
{
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	if (call->args[path_idx] == 0) {
		/* do_utimes(): no fd to act on, so a path to read, NULL */
		if (dirfd == AT_FDCWD)
			return flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) ? -EINVAL : -EFAULT;
		if (flags & ~AT_EMPTY_PATH)
			return -EINVAL;
		struct fd_op_args a = {.times = times};
		return fd_op(s, call, dirfd, OP_UTIMENS, &a, false);
	}
	PATH_AT(p, dirfd, path_idx);
	return vfs_utimensat(c, p_dir, p, times, flags);
}

SYS_HANDLER(utimensat)
{
	struct timespec ts[2];
	const struct timespec *times = NULL;
	if (call->args[2]) {
		int r = call->ops->read_mem(call, ts, call->args[2], sizeof(ts));
		if (r < 0)
			return r;
		times = ts;
	}
	return utimens_at(s, call, (int)call->args[0], 1, times, (int)call->args[3]);
}

/* utimes and futimesat take microseconds (struct timeval[2]), checked as
 * the kernel checks them; NULL means now. Returns 0, 1 (times NULL: *ret
 * untouched) or -errno. */
static int read_timevals(struct platform_call *call, uint64_t addr, struct timespec ret[2])
{
	if (!addr)
		return 1;
	struct timeval tv[2];
	int r = call->ops->read_mem(call, tv, addr, sizeof(tv));
	if (r < 0)
		return r;
	for (int i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return -EINVAL;
		ret[i] = (struct timespec){.tv_sec = tv[i].tv_sec, .tv_nsec = tv[i].tv_usec * 1000};
	}
	return 0;
}

SYS_HANDLER(utime)
{
	/* struct utimbuf: whole seconds, access then modification. */
	struct timespec ts[2];
	const struct timespec *times = NULL;
	if (call->args[1]) {
		int64_t ub[2];
		int r = call->ops->read_mem(call, ub, call->args[1], sizeof(ub));
		if (r < 0)
			return r;
		ts[0] = (struct timespec){.tv_sec = ub[0]};
		ts[1] = (struct timespec){.tv_sec = ub[1]};
		times = ts;
	}
	if (call->args[0] == 0)
		return -EFAULT; /* no fd form: the kernel reads the NULL name */
	return utimens_at(s, call, AT_FDCWD, 0, times, 0);
}

SYS_HANDLER(utimes)
{
	struct timespec ts[2];
	int r = read_timevals(call, call->args[1], ts);
	if (r < 0)
		return r;
	if (call->args[0] == 0)
		return -EFAULT;
	return utimens_at(s, call, AT_FDCWD, 0, r == 1 ? NULL : ts, 0);
}

SYS_HANDLER(futimesat)
{
	struct timespec ts[2];
	int r = read_timevals(call, call->args[2], ts);
	if (r < 0)
		return r;
	/* A NULL name works on the dirfd itself, AT_FDCWD excepted. */
	if (call->args[1] == 0 && (int)call->args[0] == AT_FDCWD)
		return -EFAULT;
	return utimens_at(s, call, (int)call->args[0], 1, r == 1 ? NULL : ts, 0);
}

SYS_HANDLER(statfs)
{
	struct vfs_ctx *c = sys_ctx(s, call);
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
			size_t size, struct sys_fd *ref)
{
	struct vfs_ctx *c = sys_ctx(s, call);
	if (!c)
		return -ENOSYS;
	int r = sys_resolve_fd(s, call, fd, ref);
	if (r < 0)
		return r;
	if (ref->kind != SYS_FD_VFS) {
		sys_fd_put(ref);
		return -ENOTDIR;
	}
	int how = sys_fd_how(ref);
	if (how < 0 || (how & O_PATH)) {
		sys_fd_put(ref);
		return -EBADF;
	}
	if (vfs_file_flags(ref->file) & O_PATH) {
		/* Only O_PATH opens of this directory so far: open it for
		 * reading, which the map keeps from now on. */
		struct vfs_file *d;
		r = vfs_openat(c, ref->file, ".", O_RDONLY | O_DIRECTORY, 0, &d);
		if (r < 0) {
			sys_fd_put(ref);
			return r;
		}
		fdmap_add(s->files, ref->st.st_dev, ref->st.st_ino, d, FDMAP_UNNAMED);
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
		sys_fd_put(ref);
	return n;
}

SYS_HANDLER(getdents64)
{
	char buf[65536];
	size_t size = call->args[2] < sizeof(buf) ? call->args[2] : sizeof(buf);
	struct sys_fd ref;
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
	sys_fd_put(&ref);
	return n;
}

/* The old getdents record: d_type rides in the last byte. */
struct linux_dirent {
	unsigned long d_ino;
	unsigned long d_off;
	unsigned short d_reclen;
	char d_name[];
};

SYS_HANDLER(getdents)
{
	char in[32768], out[32768];
	size_t size = call->args[2] < sizeof(out) ? call->args[2] : sizeof(out);
	struct sys_fd ref;
	ssize_t n = read_dir(s, call, (int)call->args[0], in, size, &ref);
	if (n < 0)
		return n;
	/* Convert record by record; what does not fit stays for the next
	 * call: the position becomes the last converted record's cookie. */
	size_t used = 0;
	int64_t last_off = -1;
	for (ssize_t at = 0; at < n;) {
		const struct vfs_dirent64 *d = (const void *)(in + at);
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
	sys_fd_put(&ref);
	return r;
}

SYS_HANDLER(fchdir)
{
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	struct sys_fd ref;
	int r = sys_resolve_fd(s, call, (int)call->args[0], &ref);
	if (r < 0)
		return r;
	sys_fd_put(&ref);
	return ref.kind == SYS_FD_VFS ? vfs_fchdir(c, ref.file) : -ENOTDIR;
}
