/* Private to platform/unotify: what unotify.c (start, loop, notifications),
 * trace.c (seccomp TRACE stops) and exec.c (exec by fd) share. */
#ifndef VEIL_PLATFORM_UNOTIFY_PRIVATE_H
#define VEIL_PLATFORM_UNOTIFY_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include <seccomp.h>

#include "sentry/platform.h"
#include "platform/unotify/unotify.h"

/* The tracer resumes a tracee with this after a stop it handled;
 * RESUME_PARKED: not yet, a copy of its memory waits for the program's
 * mmap_lock (platform/copier.h): the stop is handled again from the start
 * once that copy is through. */
enum resume { RESUME_CONT, RESUME_SYSCALL, RESUME_PARKED };

/* A tracee in the middle of an exec by fd (exec.c). The exec takes several
 * syscalls the sentry makes the tracee run, one after the other, at the
 * instruction of the original execve:
 *
 *   UNSHARE    unshare(CLONE_FILES): from here on no other thread or
 *              process shares the fd table the carrier's fd goes into
 *   MMAP       mmap an anonymous area for the new argv and its strings,
 *              when the stack below the red zone cannot hold them
 *   ZERO_MAP   mmap a read-only anonymous page for the "" path ...
 *   ZERO_SEAL  ... and mseal it, once per address space (zeropage.c)
 *   ZERO_UNMAP mseal failed: unmap that page again
 *   CARRIER    openat with marker arguments, answered by ADDFD+SEND: the fd
 *   FILTER     the first task's first exec only: seccomp(SET_MODE_FILTER)
 *              once per --seccomp program (their sock_fprogs are in the
 *              area), so they bind the program and the execveat after,
 *              none of the steps before
 *   EXEC       execveat(fd, "", argv, envp, AT_EMPTY_PATH)
 *   CLOSE      the exec failed: close the fd ...
 *   MUNMAP     ... and unmap the area, then the tracee sees the exec's error
 *
 * Signals that arrive meanwhile are held back and sent again when the
 * exec is done (or failed), so no handler runs between the steps. At
 * PTRACE_EVENT_EXEC the image must be the file the sentry chose
 * (exec_check_image), or the task is killed before it runs. */
enum exec_step {
	EXEC_UNSHARE,
	EXEC_MMAP,
	EXEC_ZERO_MAP,
	EXEC_ZERO_SEAL,
	EXEC_ZERO_UNMAP,
	EXEC_CARRIER,
	EXEC_FILTER,
	EXEC_EXEC,
	EXEC_CLOSE,
	EXEC_MUNMAP
};

struct unotify_exec {
	pid_t tid;
	enum exec_step step;
	int fd;                  /* the sentry's fd on the file to run */
	int tracee_fd;           /* its number in the tracee (after CARRIER), else -1 */
	uint64_t area;           /* where the argv array and strings are */
	bool area_on_stack;      /* below the tracee's stack pointer ... */
	uint64_t mapped;         /* ... or in this mapping (step MMAP), else 0 */
	size_t area_len;
	void *blob;              /* the area's contents: argv array, strings, "" */
	size_t blob_len;
	bool *own;               /* per argv entry: a pointer into the area */
	size_t argc;
	size_t empty_off;        /* offset of a "" in the area (the argv array is at 0) */
	size_t filt_off;         /* offset of the spec's sock_fprogs in the area ... */
	size_t n_filt;           /* ... how many (0: not the first task's first exec) */
	size_t next_filt;        /* the next one step FILTER loads */
	uint64_t empty;          /* the "" execveat gets: the sealed zero page, or
				    the area's when mseal is missing */
	uint64_t zero_mapped;    /* the zero page mapped, not yet sealed, else 0 */
	uint64_t envp;
	long exec_error;         /* the failed step's -errno */
	struct user_regs_struct regs; /* the tracee's registers at the execve */
	uint64_t held;           /* signals held back, bit N-1 = signal N */
	struct unotify_exec *next;
};

/* A tracee whose open makes a terminal its controlling one (ctty.c):
 * WAIT_STOP until the interrupt's stop, then IOCTL (TIOCSCTTY) until its
 * exit stop, where the open returns tracee_fd. */
enum ctty_step { CTTY_WAIT_STOP, CTTY_IOCTL };

struct unotify_ctty {
	pid_t tid;
	enum ctty_step step;
	int tracee_fd;                /* the terminal, in the tracee's table */
	struct user_regs_struct regs; /* the tracee's, at the open */
	uint64_t held;                /* signals held back, bit N-1 = signal N */
	struct unotify_ctty *next;
};

/* A cached pidfd per tracee thread: taking one of its fds is then one
 * syscall (pidfd_getfd), not three. Closed when the thread is reaped. */
struct pidfd_slot {
	pid_t tid;  /* 0: free */
	int pidfd;
};
/* ops->copy_fd: a copy by pidfd_getfd. */
int unotify_get_fd(struct unotify *u, pid_t tid, int fd);
/* ops->get_fd: through the directory-fd cache (fdcache.c). */
int unotify_get_fd_stat(struct unotify *u, pid_t tid, int fd, struct platform_fd *out);

/* fdcache.c: the sentry's fds on the open files behind tracee directory
 * fds, each checked with kcmp(KCMP_FILE) before use. */
void fdcache_init(struct fdcache *c);
void fdcache_fini(struct fdcache *c);
/* Drops every entry of thread `tid` (it exited or exec'd). */
void fdcache_forget_task(struct fdcache *c, pid_t tid);
/* *out from the entry for (tid, fd) if kcmp says the tracee's fd is still
 * its open file (out->borrowed is set: the fd stays the cache's); else
 * -ENOENT and the stale entry is gone. */
int fdcache_lookup(struct fdcache *c, pid_t tid, int fd, struct platform_fd *out);
/* Keeps pf->fd (just taken from the tracee, pf->st its fstat) when it is a
 * directory: pf->borrowed and pf->how are then set. */
void fdcache_offer(struct fdcache *c, pid_t tid, int fd, struct platform_fd *pf);
/* Keeps `mine`, the sentry's fd on the open file the tracee has as `fd`
 * (st its fstat, how its F_GETFL or -1), when it is a directory (an fd
 * the sentry gave up to ops->reply_fd): true if the cache now owns it. */
bool fdcache_keep(struct fdcache *c, pid_t tid, int fd, int mine, const struct stat *st, int how);
/* Drops the entry for (tid, fd) if any: the number holds another file now. */
void fdcache_forget(struct fdcache *c, pid_t tid, int fd);
/* Drops every entry and keeps nothing from now on (a lock on a directory:
 * unotify_continue_lock). */
void fdcache_off(struct fdcache *c);
/* Before ops->reply_continue lets the kernel run `call`: a lock it takes
 * (flock, an OFD lock) lives as long as its open file, and a cache entry
 * is a reference on a directory's, so the lock would outlive the
 * program's last close. For such a call the cache drops everything and
 * keeps nothing from then on, unless the lock's fd is plainly not a
 * directory (the cache keeps directories only), before the lock is taken
 * (sentry/sys/sys_lock.c). */
void unotify_continue_lock(struct unotify *u, const struct platform_call *call);
void unotify_forget_pidfd(struct unotify *u, pid_t tid);

/* Copies of task tid's memory during a ptrace stop: inline for a task
 * alone in its address space, else through the copier. A read that
 * would wait returns -EDEFER and sets u->stop_deferred: the handler
 * undoes what it did and the stop is handled again later (so a stop's
 * handler reads before it changes anything). A write never waits: one
 * that queues returns 0 and sets u->stop_queued, and the task resumes
 * only once it is through. */
ssize_t stop_read(struct unotify *u, pid_t tid, void *dst, uint64_t addr, size_t len, bool str);
int stop_write(struct unotify *u, pid_t tid, const struct platform_iov *iov, size_t n);

/* unotify.c: hands `fd` to the tracee as the notified call's result. */
int unotify_addfd(struct unotify *u, pid_t tid, uint64_t id, int fd, unsigned newfd_flags);

/* trace.c */
/* A PTRACE_EVENT_SECCOMP stop: a TRACE-class syscall, or a step of an exec. */
enum resume trace_seccomp_stop(struct unotify *u, pid_t tid);
/* A syscall-exit stop a handler asked for (ops->at_exit) or a fork's
 * (the pid namespace): the result goes through sentry_syscall_exit. */
enum resume trace_syscall_exit(struct unotify *u, pid_t tid);

/* exec.c */
struct unotify_exec *exec_find(struct unotify *u, pid_t tid);
/* Starts the steps for a TRACE-stopped execve (regs as read at the stop). */
int exec_start(struct unotify *u, pid_t tid, const struct user_regs_struct *regs, int fd,
	       const struct platform_exec_arg *argv, size_t argc, uint64_t envp);
/* A syscall-entry or -exit stop of a tracee in an exec. */
enum resume exec_syscall_stop(struct unotify *u, struct unotify_exec *x);
/* The carrier openat's notification: hand the fd over. true if it was one. */
bool exec_carrier(struct unotify *u, pid_t tid, uint64_t id, const uint64_t args[6], int nr);
/* A signal for a tracee in an exec or taking a terminal: held back in
 * *held (bit N-1 = signal N), sent again by unotify_resend_held. */
void unotify_hold_signal(uint64_t *held, int sig);
void unotify_resend_held(pid_t tid, uint64_t held);
/* At PTRACE_EVENT_EXEC of `tid` (formerly `former`): true if the image
 * the kernel loaded is the file the sentry chose for it. */
bool exec_check_image(struct unotify *u, pid_t former, pid_t tid);
/* PTRACE_EVENT_EXEC, or the tracee died: the exec is over. */
void exec_done(struct unotify *u, pid_t tid);

/* zeropage.c: the sealed page whose first byte is the "" of every exec by
 * fd in one address space. */
/* The page's address in tid's address space, or 0 if it has none yet. */
uint64_t zeropage_find(struct unotify *u, pid_t tid);
/* After a successful mseal of its page: 0 if addr is the first byte of a
 * read-only, private, anonymous, unnamed mapping of tid's and reads 0;
 * else -EFAULT (or -errno). */
int zeropage_check(struct unotify *u, pid_t tid, uint64_t addr);
/* Remembers the checked page at addr for tid's address space. */
void zeropage_add(struct unotify *u, pid_t tid, uint64_t addr);
/* tid exited or exec'd: the entries it witnessed go. */
void zeropage_forget(struct unotify *u, pid_t tid);
void zeropage_fini(struct unotify *u);

/* step_filter.c: the spec's seccomp programs, loaded by the first exec,
 * each behind a prefix that TRACEs (FILTER_TRACE_STEP) the syscalls the
 * sentry has a tracee run when they carry u->step_secret. */
#define FILTER_TRACE_STEP 0x7e13
/* Draws the secret and builds u->filters from the spec's programs; -1
 * with *err set (a program too long for the prefix). */
int step_filter_init(struct unotify *u, const struct spec_bpf *progs, size_t n,
		     struct veil_error **err);
void step_filter_fini(struct unotify *u);
/* Puts the secret in the argument of step syscall nr the kernel ignores. */
void step_mark(const struct unotify *u, long nr, uint64_t a[6]);
/* The programs' verdict on the program's first execve (regs at its stop),
 * which runs before they are loaded: 0 to go on, else the exec's -errno
 * (a killing verdict has sent SIGSYS too). */
int step_filter_first_exec(struct unotify *u, pid_t tid, const struct user_regs_struct *regs);

/* ctty.c */
struct unotify_ctty *ctty_find(struct unotify *u, pid_t tid);
/* Puts `fd` in the notified tracee's table and starts the steps; returns
 * the tracee's fd number (the notification is then the steps' business),
 * or -errno with the notification still to answer. */
int ctty_start(struct unotify *u, pid_t tid, uint64_t id, int fd, unsigned newfd_flags);
/* The stop PTRACE_INTERRUPT asked for, and the ioctl's syscall stops. */
enum resume ctty_event_stop(struct unotify *u, struct unotify_ctty *c);
enum resume ctty_syscall_stop(struct unotify *u, struct unotify_ctty *c);
/* The steps are over, or the tracee died. */
void ctty_done(struct unotify *u, pid_t tid);

/* Loads the filter with SECCOMP_FILTER_FLAG_NEW_LISTENER, and
 * WAIT_KILLABLE_RECV where the kernel has it (*killable says which; see
 * listener.c for why). Returns the listener, or -errno. */
int unotify_load_filter(scmp_filter_ctx ctx, bool *killable);

/* At a signal-delivery stop: a trapped syscall that never waits natively
 * but was interrupted in its wait for the sentry (a signal before the
 * sentry took the notification up: the kernel drops it and returns
 * -ERESTARTSYS) is made -ERESTARTNOINTR (sys_restarts_quietly), so it
 * restarts after the handler even without SA_RESTART: natively mkdir never fails with EINTR
 * (a signal every 300 us made ~1% of a python mkdir loop's calls EINTR). */
void trace_signal_stop(pid_t tid);

#endif
