/* The task interface between the sentry and a platform.
 *
 * A platform (unotify: seccomp user notification; ptrace: SECCOMP_RET_TRACE)
 * delivers each trapped syscall as a `struct platform_call` and carries out
 * the sentry's answer. A syscall handler sees only this interface, never
 * which platform delivered the call.
 *
 * Rules every handler follows:
 * - Copy once, then decide: read each argument from tracee memory once into
 *   the sentry's memory and act on that copy only.
 * - After reading memory, and before acting on what was read, check
 *   ops->valid(): the tracee may have been killed or interrupted meanwhile
 *   and its pid reused.
 * - Answer exactly once: by returning a value from the handler (the sentry
 *   calls ops->reply), or by calling ops->reply_fd itself and returning
 *   SYS_REPLIED. */
#ifndef VEIL_SENTRY_PLATFORM_H
#define VEIL_SENTRY_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

struct platform_call;

/* The kernel's restart codes (include/linux/errno.h), never seen by a
 * program: answered -ERESTARTSYS, a call whose thread has a signal to
 * take restarts (SA_RESTART) or fails with EINTR; -ERESTARTNOINTR always
 * restarts after the handler. */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTART_RESTARTBLOCK 516
/* The platform's own, never answered: a copy of the tracee's memory
 * waits for the program's mmap_lock (platform/copier.h). Every later op
 * of the call fails too, valid() says false, and whatever the handler
 * answers is dropped: the platform runs the call again from the start
 * once the copy went through. So a handler reads the tracee's memory
 * before it changes anything, or, reading after a change, answers with
 * what it did so far (sendmmsg's count). */
#define EDEFER 530

/* One piece of a gathered write to tracee memory (ops->write_memv). */
struct platform_iov {
	uint64_t addr;   /* in the tracee */
	const void *src; /* in the sentry */
	size_t len;
};

/* A tracee fd as the sentry sees it (ops->get_fd), or an fd the sentry
 * hands to the tracee (ops->reply_fd). */
struct platform_fd {
	int fd;        /* the sentry's fd on the same open file description */
	/* get_fd: the fd is the platform's own, lent for this call: the
	 * caller must not close it nor keep it. reply_fd: the fd stays the
	 * caller's; else the caller gives it up to the platform. */
	bool borrowed;
	/* its fstat; from get_fd, possibly one the platform took earlier: the
	 * identity (st_dev, st_ino) and type hold, times, sizes and links may
	 * not */
	struct stat st;
	int how;       /* its O_ACCMODE | O_PATH bits, or -1 if not looked up */
	/* reply_fd of a given fd (not borrowed): the platform closes it
	 * before the tracee runs on, not after. A FIFO's end: a copy the
	 * sentry still holds when the program goes on is a partner the
	 * program does not have (the next reader's open meets it, then
	 * reads EOF). */
	bool last;
};

/* One argument of an exec's new argument vector: a string already in the
 * tracee's memory (`addr`, when `str` is NULL) or one of the sentry's that
 * the platform copies into the tracee. */
struct platform_exec_arg {
	uint64_t addr;
	const char *str;
};

struct platform_ops {
	/* Copies `len` bytes at tracee address `addr` into `dst`. Returns 0,
	 * or -EFAULT when any byte is unmapped, or -ESRCH when the tracee is
	 * gone. */
	int (*read_mem)(struct platform_call *call, void *dst, uint64_t addr, size_t len);
	/* Copies a NUL-terminated string of at most `size` bytes including the
	 * NUL. Returns its length, -ENAMETOOLONG when no NUL comes within
	 * `size`, -EFAULT, or -ESRCH. Never reads past the end of the string's
	 * page run, so a string at the end of a mapping is fine. */
	ssize_t (*read_str)(struct platform_call *call, char *dst, uint64_t addr, size_t size);
	/* Copies `len` bytes from `src` to tracee address `addr`: 0, -EFAULT,
	 * -ESRCH. Used for out-parameters (a stat buffer), after the decision. */
	int (*write_mem)(struct platform_call *call, uint64_t addr, const void *src, size_t len);
	/* `n` writes in one go, in order, stopping at the first that faults
	 * (those before it stay written, as with the kernel's put_user()s one
	 * after the other): 0, -EFAULT, -ESRCH. */
	int (*write_memv)(struct platform_call *call, const struct platform_iov *iov, size_t n);
	/* A copy of the tracee's fd `fd` for the sentry (the same open file
	 * description, so offsets and flags are shared), close-on-exec, that
	 * the caller owns and closes (an SCM_RIGHTS send passes it on). -EBADF
	 * when the tracee has no such fd. */
	int (*copy_fd)(struct platform_call *call, int fd);
	/* The tracee's fd `fd` with its fstat, for the sentry to act on in
	 * this call: a copy as copy_fd's, or an fd of the platform's own that
	 * it proves is still that very open file (out->borrowed). The caller
	 * closes it unless borrowed. Returns 0, or -errno as copy_fd, or the
	 * fstat's. */
	int (*get_fd)(struct platform_call *call, int fd, struct platform_fd *out);
	/* Whether the call is still waiting for its answer. */
	bool (*valid)(struct platform_call *call);
	/* Answers with `ret` (>= 0) or an error (-errno). Returns 0, or -errno
	 * when the tracee is gone (not an error for the sentry). */
	int (*reply)(struct platform_call *call, long ret);
	/* Hands the sentry's fd->fd (fd->st its fstat, fd->how its O_ACCMODE
	 * | O_PATH bits or -1) to the tracee as the syscall's result, as an fd
	 * with `flags` (O_CLOEXEC or 0). With fd->borrowed the sentry keeps
	 * its fd; else it gives it up, whatever the result, and the platform
	 * closes it now or later: it may hold it to answer get_fd on the
	 * tracee's new fd from (a platform that does must also see to it that
	 * a lock the program takes on that open file, which lives as long as
	 * the open file, is not kept alive by it: reply_continue). The sentry
	 * gives only what it would close at once after the reply: a directory
	 * it opened for the tracee (sentry/sys/sys_open.c hand_over), never a
	 * regular file's open file, which is the program's alone (its locks
	 * and last close are its own). Returns the tracee's fd number, or
	 * -errno. */
	int (*reply_fd)(struct platform_call *call, struct platform_fd *fd, unsigned flags);
	/* As reply_fd, and then `fd` (a terminal) becomes the caller's
	 * controlling terminal where an open without O_NOCTTY would make it
	 * so: the tracee itself runs TIOCSCTTY before its call returns. NULL
	 * where the platform cannot. */
	int (*reply_fd_ctty)(struct platform_call *call, int fd, unsigned flags);
	/* Answers by letting the kernel run the call as the tracee made it
	 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE): a call that blocks then blocks
	 * the tracee only. Only for a call whose every effect the kernel
	 * decides from the registers alone: the sentry never continues a call
	 * whose outcome depends on tracee memory it read (DESIGN), and it
	 * continues flock and fcntl's OFD-lock commands (sentry/sys/
	 * sys_lock.c) and the SysV calls on an id it checked (sentry/sys/
	 * sys_ipc.c: the id is a register; the data is the program's own). Such a lock lives as long as its open file: a platform
	 * that holds a reference on one of the program's open files (get_fd,
	 * reply_fd) lets go of any the lock's fd may name, before the kernel
	 * runs the call, so the lock ends with the program's last close as it
	 * does natively. Returns 0, or -errno (-ENOENT: the tracee is gone). */
	int (*reply_continue)(struct platform_call *call);
	/* For an exec call: makes the tracee exec the sentry's `fd` (a file the
	 * sentry chose and checked) instead, with the argument vector `argv`
	 * (`argc` entries) and the tracee's own environment pointer `envp`.
	 * The exec runs in the kernel by fd, never by a path in tracee memory;
	 * if the kernel refuses it, its errno is the tracee's result. Returns
	 * 0 once the platform has taken the call over (the handler then returns
	 * SYS_REPLIED), or -errno to answer the call with. */
	int (*exec_fd)(struct platform_call *call, int fd, const struct platform_exec_arg *argv,
		       size_t argc, uint64_t envp);
	/* Sets argument `i` of the call to `v` before reply_continue lets it
	 * run (the pid namespace's translations: a number, never tracee
	 * memory). NULL where the platform cannot (a notification): 0 or
	 * -errno. */
	int (*set_arg)(struct platform_call *call, int i, uint64_t v);
	/* After reply_continue: the call's result passes through
	 * sentry_syscall_exit() at its syscall-exit stop before the tracee
	 * sees it. NULL where the platform cannot. 0 or -errno. */
	int (*at_exit)(struct platform_call *call);
	/* An address of `len` (<= 256) bytes in the tracee's memory that its
	 * program does not use while the call runs (the stack below the red
	 * zone), where the sentry puts an argument the kernel reads from
	 * memory so that the program's own copy is never changed; the same
	 * address at the call's exit stop. 0 where the platform has none. */
	uint64_t (*scratch)(struct platform_call *call, size_t len);
};

struct platform_call {
	const struct platform_ops *ops;
	pid_t tid;         /* the calling thread, in the sentry's pid namespace */
	int nr;            /* syscall number (x86_64) */
	uint64_t args[6];
	uint64_t ip;       /* instruction pointer, for diagnostics */
};

#endif
