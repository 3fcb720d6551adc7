/* What every file handler starts with (sys_args.c): the calling task's
 * VFS context, a path argument read once, and what an fd argument stands
 * for. Shared by sys_file.c and sys_open.c. */
#ifndef VEIL_SENTRY_SYS_ARGS_H
#define VEIL_SENTRY_SYS_ARGS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "sentry/sys/sys.h"

struct vfs_ctx;
struct vfs_file;

/* The calling task's VFS context, or NULL when the sentry has no VFS. */
struct vfs_ctx *sys_ctx(struct sentry *s, struct platform_call *call);

#define NEED_VFS(c)                     \
	do {                            \
		if (!(c))               \
			return -ENOSYS; \
	} while (0)

/* Reads the path argument at `addr` into buf (PATH_MAX). */
int sys_read_path(struct platform_call *call, uint64_t addr, char *buf);

/* An fd the tracee passed: what it stands for.
 *   SYS_FD_VFS    a file the sentry handed over (*file set, borrowed)
 *   SYS_FD_OTHER  the program's own (pipe, socket, its memfd...):
 *                 *host_fd is the sentry's copy, to act on directly */
enum sys_fd_kind { SYS_FD_VFS, SYS_FD_OTHER };

struct sys_fd {
	enum sys_fd_kind kind;
	struct vfs_file *file;
	int host_fd;    /* the sentry's fd on the same open file; sys_fd_put() */
	bool borrowed;  /* host_fd is the platform's (cached), not to close */
	int how;        /* its O_ACCMODE | O_PATH bits, or -1: ask fcntl */
	/* fstat of host_fd, maybe from the platform's cache (a directory):
	 * trust its st_dev, st_ino and type only; what a stat returns is
	 * the VFS's (SYS_FD_VFS) or, for the program's own, never cached */
	struct stat st;
};

void sys_fd_put(struct sys_fd *ref);
/* The fd's O_ACCMODE | O_PATH bits (fixed for an open file), or -errno.
 * A VFS file's O_PATH open is O_PATH here though its host fd is not. */
int sys_fd_how(struct sys_fd *ref);
/* What tracee fd `fd` stands for: 0, or -EBADF for a VFS file the fd map
 * let go or a directory the sentry did not open, -ENOSYS for a VFS file
 * when the task has no VFS context, or get_fd's errno. SYS_FD_VFS
 * thus comes with a context (sys_ctx). */
int sys_resolve_fd(struct sentry *s, struct platform_call *call, int fd, struct sys_fd *ret);
/* The starting point of a *at() call (NULL for AT_FDCWD or an absolute
 * path), as the kernel finds it: ENOTDIR for a non-directory fd. */
int sys_dirf(struct sentry *s, struct platform_call *call, int dirfd, const char *path,
	     bool empty_ok, struct vfs_file **ret);
/* Lets the kernel run the call as the program made it
 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE): SYS_REPLIED, also when the task died
 * meanwhile; -ENOSYS on a platform that cannot. Only for a decision made
 * from registers alone, on a call that takes no path (sys_lock.c,
 * sys_procs.c say why theirs are). */
long sys_continue(struct platform_call *call);
/* sys_read_path then sys_dirf: what every path handler begins with. */
int sys_path_at(struct sentry *s, struct platform_call *call, int dirfd, uint64_t addr,
		bool empty_ok, char *path, struct vfs_file **dirf);

#endif
