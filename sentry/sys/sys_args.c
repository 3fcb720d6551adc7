/* The arguments every file handler starts with (sys_args.h). */
#include "sentry/sys/sys_args.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "base/closer.h"
#include "base/log.h"
#include "sentry/kernel/fdmap.h"

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

struct vfs_ctx *sys_ctx(struct sentry *s, struct platform_call *call)
{
	return sentry_task_vfs(sentry_task_find(s, call->tid));
}

int sys_read_path(struct platform_call *call, uint64_t addr, char *buf)
{
	if (addr == 0)
		return -EFAULT;
	ssize_t n = call->ops->read_str(call, buf, addr, PATH_MAX);
	return n < 0 ? (int)n : 0;
}

long sys_continue(struct platform_call *call)
{
	if (!call->ops->reply_continue) {
		log_debug("syscall %d: the platform cannot continue it", call->nr);
		return -ENOSYS;
	}
	int r = call->ops->reply_continue(call);
	/* ENOENT: the tracee died meanwhile; nobody to answer. */
	return r == 0 || r == -ENOENT ? SYS_REPLIED : r;
}

void sys_fd_put(struct sys_fd *ref)
{
	/* A copy of the program's object: its close may wait (closer.h). */
	if (!ref->borrowed)
		closer_close_st(ref->host_fd, &ref->st);
	ref->host_fd = -1;
}

int sys_fd_how(struct sys_fd *ref)
{
	if (ref->how < 0) {
		int fl = fcntl(ref->host_fd, F_GETFL);
		if (fl < 0)
			return -errno;
		ref->how = fl & (O_ACCMODE | O_PATH);
		/* An O_PATH open of a regular file is its shadow opened with
		 * access mode 3 (sys_open.c): nothing else the sentry hands
		 * over has it (tmpfs and hostfs open mode 3 as O_RDWR). */
		if (ref->how == O_ACCMODE && ref->kind == SYS_FD_VFS && S_ISREG(ref->st.st_mode))
			ref->how = O_PATH;
	}
	return ref->how;
}

int sys_resolve_fd(struct sentry *s, struct platform_call *call, int fd, struct sys_fd *ret)
{
	struct platform_fd pf;
	int r = call->ops->get_fd(call, fd, &pf);
	if (r < 0)
		return r;
	ret->host_fd = pf.fd;
	ret->borrowed = pf.borrowed;
	ret->how = pf.how;
	ret->st = pf.st;
	const struct stat st = pf.st;
	ret->file = s->files ? fdmap_find(s->files, st.st_dev, st.st_ino) : NULL;
	ret->kind = ret->file ? SYS_FD_VFS : SYS_FD_OTHER;
	if (ret->file && !sys_ctx(s, call)) {
		/* A VFS file and no VFS to act through (the fd map and the
		 * tasks' fs come together, so never yet): its host fd is not
		 * the program's to act on directly. */
		sys_fd_put(ret);
		return -ENOSYS;
	}
	if (!ret->file && s->files && fdmap_was_vfs(s->files, st.st_dev, st.st_ino)) {
		/* A file the sentry handed over and then lost track of (it was
		 * in no fd table at the last sweep): acting on its host object
		 * directly would bypass the VFS (a read-only bind, say). */
		log_debug("fd %d of %d: a VFS file no longer mapped", fd, call->tid);
		sys_fd_put(ret);
		return -EBADF;
	}
	if (!ret->file && S_ISDIR(st.st_mode)) {
		/* A directory fd the sentry did not make (inherited from
		 * outside): it names nothing in the sandbox. */
		log_debug("fd %d of %d: a directory the sentry did not open (%lu:%lu)", fd,
			  call->tid, (unsigned long)st.st_dev, (unsigned long)st.st_ino);
		sys_fd_put(ret);
		return -EBADF;
	}
	return 0;
}

/* The starting point of a *at() call: NULL for AT_FDCWD or an absolute
 * path (the kernel ignores dirfd then), else the VFS file the fd stands
 * for. Any other fd (the program's own) gives ENOTDIR, as a regular
 * file's does in the kernel; with an empty path where the call allows one
 * (empty_ok), EOPNOTSUPP: acting on the program's own object by an empty
 * path is not done here. */
int sys_dirf(struct sentry *s, struct platform_call *call, int dirfd, const char *path,
		   bool empty_ok, struct vfs_file **ret)
{
	*ret = NULL;
	if (dirfd == AT_FDCWD || (path[0] == '/'))
		return 0;
	struct sys_fd ref;
	int r = sys_resolve_fd(s, call, dirfd, &ref);
	if (r < 0)
		return r;
	sys_fd_put(&ref);
	if (ref.kind == SYS_FD_VFS) {
		*ret = ref.file;
		return 0;
	}
	return empty_ok && path[0] == '\0' ? -EOPNOTSUPP : -ENOTDIR;
}

/* Reads the path argument at `addr` and finds its starting point: what
 * every path handler begins with. */
int sys_path_at(struct sentry *s, struct platform_call *call, int dirfd, uint64_t addr,
		   bool empty_ok, char *path, struct vfs_file **dirf)
{
	int r = sys_read_path(call, addr, path);
	return r < 0 ? r : sys_dirf(s, call, dirfd, path, empty_ok, dirf);
}
