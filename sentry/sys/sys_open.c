/* The open family: a VFS open, then the file handed to the program as a
 * real fd (ADDFD): a regular file's host fd whole (the sentry keeps no
 * copy: the program's locks and last close are its own), a shadow for a
 * directory or an O_PATH open (shadow.h), the host's device for the
 * device nodes veil passes through (sentry/dev/devices.c) or a devpts node
 * (sentry/dev/pty.c), the kernel pipe behind a FIFO (open_fifo), else
 * ENXIO. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/log.h"
#include "base/proc_fd.h"
#include "fs/tmpfs/tmpfs.h"
#include "sentry/dev/devices.h"
#include "sentry/kernel/fdmap.h"
#include "sentry/dev/pty.h"
#include "sentry/kernel/shadow.h"
#include "sentry/net/sock_wait.h"
#include "sentry/sys/sys_args.h"
#include "vfs/vfs.h"

#define HAND_CTTY 1	 /* and make it the caller's controlling terminal */
#define HAND_UNMAPPED 2 /* its host object is not f's (/dev/tty's terminal) */
#define HAND_UNNAMED 4	 /* nothing else reaches host: a shadow, a snapshot (FDMAP_UNNAMED) */

/* Gives the program `host` (a file's host fd taken from it, or a
 * shadow/device fd the caller opened; `owned`, closed here) standing for
 * VFS file `f`, which the fd map keeps. `known` is host's fstat when the
 * caller has it, else NULL; `how` HAND_* bits. Consumes the caller's
 * reference on f. */
/* Records VFS file `f` (borrowed) in the fd map for the host object
 * (dev, ino) the program is about to get: 0, -ENFILE when the sandbox's
 * open files fill the sentry's fd table, or -ENOMEM. */
static int map_file(struct sentry *s, struct vfs_file *f, dev_t dev, ino_t ino, unsigned how)
{
	sentry_files_gc(s);
	struct vfs_file *had = fdmap_find(s->files, dev, ino);
	if (had && vfs_file_inode(had) != vfs_file_inode(f))
		sentry_files_sweep(s);
	/* Near the sentry's own fd limit: what the program has closed gives
	 * its fds back first; if it still holds that much open, this open is
	 * the one that fails, with ENFILE: the sandbox's open files, all its
	 * processes' together, are the table that is full (as the kernel's
	 * file-max), not the caller's own. */
	if (sentry_fds_low()) {
		sentry_files_sweep(s);
		if (sentry_fds_low())
			return -ENFILE;
	}
	return fdmap_add(s->files, dev, ino, f, (how & HAND_UNNAMED) ? FDMAP_UNNAMED : 0) < 0
		       ? -ENOMEM
		       : 0;
}

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
	/* The program's own object reopened through /proc/<pid>/fd (a pipe,
	 * an inherited file or device) is its own again, no VFS file to map. */
	bool map = !vfs_file_is_foreign(f) && !(how & HAND_UNMAPPED);
	if (known)
		st = *known;
	bool have = known || fstat(host, &st) == 0;
	if (!have)
		r = -ENOMEM;
	else
		r = map ? map_file(s, f, st.st_dev, st.st_ino, how) : 0;
	if (r == 0) {
		unsigned fl = (flags & O_CLOEXEC) ? O_CLOEXEC : 0;
		/* A shadow directory the sentry opened for the tracee and
		 * would close now, it gives the platform, which may hold it to
		 * serve the tracee's next call on that fd without taking it
		 * again (opened O_RDONLY). Nothing else: a regular file's open
		 * file is the program's alone (see do_open). */
		bool give = map && owned >= 0 && owned == host && S_ISDIR(st.st_mode);
		/* A FIFO's end the sentry opened: closed before the program
		 * runs on (platform_fd.last). */
		bool last = owned >= 0 && owned == host && S_ISFIFO(st.st_mode);
		struct platform_fd pf = {.fd = host, .borrowed = !(give || last), .st = st,
					 .how = O_RDONLY, .last = last};
		if (ctty) {
			r = call->ops->reply_fd_ctty(call, host, fl);
		} else {
			r = call->ops->reply_fd(call, &pf, fl);
			if (!pf.borrowed)
				owned = -1; /* the platform's now */
		}
		/* ENOENT: the tracee died meanwhile; nobody to answer. */
		if (r >= 0 || r == -ENOENT)
			r = SYS_REPLIED;
	}
	if (owned >= 0)
		close(owned);
	vfs_file_put(f);
	return r;
}

/* The flags a FIFO's host open takes from the program's. */
#define FIFO_FLAGS (O_ACCMODE | O_NONBLOCK | O_APPEND | O_SYNC | O_DSYNC)

/* A FIFO open in a waiter: made by a thread of its own, which no tick
 * interrupts — an open interrupted after a partner counted it gives that
 * partner a meeting with nobody (a writer whose open returned, then
 * EPIPE: one round in ~200 under ASan when the ticks interrupted the open
 * itself). The waiter's first thread looks every SOCK_WAIT_TICK_MS, and
 * whichever of the two moves `state` from FIFO_WAITING first answers. */
enum { FIFO_WAITING, FIFO_DONE, FIFO_INTERRUPTED };
struct fifo_open {
	struct platform_call *call;
	char path[32];
	int flags;
	unsigned fdflags;
	_Atomic int state;
};

static void *fifo_opener(void *arg)
{
	struct fifo_open *fo = arg;
	int fd = open(fo->path, fo->flags | O_CLOEXEC);
	long r = fd < 0 ? -errno : 0;
	int waiting = FIFO_WAITING;
	if (!atomic_compare_exchange_strong(&fo->state, &waiting, FIFO_DONE))
		return NULL; /* the other thread answered, and ends the process */
	if (fd >= 0) {
		/* closed before the program runs on: this waiter's copy would
		 * be the next opener's partner until the waiter is gone */
		struct platform_fd pf = {.fd = fd, .how = -1, .last = true};
		r = fo->call->ops->reply_fd(fo->call, &pf, fo->fdflags);
		if (r >= 0 || r == -ENOENT)
			_exit(0);
	}
	if (r < 0)
		fo->call->ops->reply(fo->call, r);
	_exit(0);
}

/* In a waiter (sock_wait.h): the FIFO's open that waits for a partner,
 * made as the program's would be, then handed to the program by the
 * waiter itself. A signal the program takes ends the wait (EINTR, or a
 * restart) as natively, and a wait nobody is left for ends too; a met
 * open is answered whatever signal follows (the answer always lands:
 * platform/unotify/listener.c), as natively. */
static void __attribute__((noreturn)) fifo_waiter(struct platform_call *call, int node, int flags,
						   unsigned fdflags)
{
	sentry_waiter_untick(); /* this thread sleeps instead */
	static struct fifo_open fo; /* the waiter's own copy of the sentry's memory */
	fo.call = call;
	snprintf(fo.path, sizeof(fo.path), "/proc/self/fd/%d", node);
	fo.flags = flags;
	fo.fdflags = fdflags;
	atomic_store(&fo.state, FIFO_WAITING);
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	pthread_t t;
	int e = pthread_create(&t, NULL, fifo_opener, &fo);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		call->ops->reply(call, -EAGAIN);
		_exit(0);
	}
	for (;;) {
		struct timespec tick = {0, SOCK_WAIT_TICK_MS * 1000000L};
		nanosleep(&tick, NULL);
		if (atomic_load(&fo.state) != FIFO_WAITING)
			continue; /* the opener answers, and ends the process */
		enum sentry_wait w = sentry_wait_check(call);
		if (w == SENTRY_WAIT_ON)
			continue;
		int waiting = FIFO_WAITING;
		if (!atomic_compare_exchange_strong(&fo.state, &waiting, FIFO_INTERRUPTED))
			continue;
		if (w == SENTRY_WAIT_SIGNALLED)
			call->ops->reply(call, -ERESTARTSYS);
		_exit(0);
	}
}

/* A FIFO: the kernel pipe behind it (vfs_file_fifo_node) opened as the
 * program asked. An open that cannot wait (O_NONBLOCK: ENXIO for a
 * writer without a reader; O_RDWR: its own partner) is made here; one
 * that waits for a partner goes to a waiter, and the loop goes on. The
 * program's fd is the host FIFO's, mapped to `f` as any handed-over file
 * is. Consumes the reference on f. */
static long open_fifo(struct sentry *s, struct platform_call *call, struct vfs_file *f,
		      uint64_t flags)
{
	int node = vfs_file_fifo_node(f);
	if (node < 0) {
		vfs_file_put(f);
		return node;
	}
	/* Only ever a FIFO reopened: a device or a file there instead
	 * (which no inode's type allows) would be opened on the host. */
	struct stat st;
	long r = fstat(node, &st) < 0 ? -errno : 0;
	if (r == 0 && !S_ISFIFO(st.st_mode))
		r = -ENXIO;
	int hflags = (int)(flags & FIFO_FLAGS);
	if (r == 0 && ((hflags & O_NONBLOCK) || (hflags & O_ACCMODE) == O_RDWR)) {
		int host = proc_fd_reopen(node, hflags);
		close(node);
		if (host < 0) {
			vfs_file_put(f);
			return host;
		}
		return hand_over(s, call, f, host, host, flags, &st, 0);
	}
	if (r == 0)
		r = map_file(s, f, st.st_dev, st.st_ino, 0);
	vfs_file_put(f); /* the fd map holds it from here */
	if (r == 0) {
		pid_t pid = sentry_waiter_fork(call, st.st_dev, st.st_ino);
		if (pid == 0)
			fifo_waiter(call, node, hflags, (flags & O_CLOEXEC) ? O_CLOEXEC : 0);
		r = pid < 0 ? pid : SYS_REPLIED;
	}
	close(node);
	return r;
}

/* The VFS refuses to open device nodes itself (ENXIO, after its permission
 * and nodev checks passed): the harmless ones veil passes through are
 * opened on the host (sentry/dev/devices.c); the node is found again as O_PATH
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
	struct pty_opener who = {
		.tid = call->tid,
		.tgid = sentry_task_tgid(sentry_task_find(s, call->tid)),
		.fsuid = c->cred.euid,
		.fsgid = c->cred.egid,
	};
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
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	char path[PATH_MAX];
	struct vfs_file *dirf;
	int r = sys_path_at(s, call, dirfd, path_addr, false, path, &dirf);
	if (r < 0)
		return r;
	struct vfs_file *f;
	r = vfs_openat2(c, dirf, path, how, &f);
	if (r == -ENXIO)
		return open_device(s, call, c, dirf, path, how);
	if (r < 0)
		return r;
	/* A FIFO the VFS opened without a host object (the program's own
	 * reopened through /proc/<pid>/fd comes with its host file). */
	if (S_ISFIFO(vfs_file_type(f)) && vfs_file_host_fd(f) == -ENXIO)
		return open_fifo(s, call, f, how->flags);
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
		 * kernel's fget() refuses them): an O_PATH open gets the shadow,
		 * which names the same object; what it may do is still the
		 * VFS's to say. A file's is opened with access mode 3, neither
		 * read nor write (read, write and mmap fail natively, as on an
		 * O_PATH fd: EBADF, mmap EACCES), which sys_fd_how reads as
		 * O_PATH for the calls the sentry serves; a directory's for
		 * reading (mode 3 is EISDIR there). */
		bool dir = S_ISDIR(vfs_file_type(f));
		int sflags = O_RDONLY | O_DIRECTORY;
		if (!dir)
			sflags = (how->flags & O_PATH) ? O_ACCMODE : O_RDONLY;
		r = shadow_open(s->shadows, vfs_file_path(f), dir, sflags, &shadow_st);
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
	return hand_over(s, call, f, host, owned, how->flags, shadow ? &shadow_st : NULL,
			 shadow || vfs_file_is_snapshot(f) ? HAND_UNNAMED : 0);
}

/* open, creat and openat mean what the kernel's build_open_how makes of
 * their flags (unknown bits ignored, O_PATH's companions dropped), where
 * openat2 refuses what it does not know. */
SYS_HANDLER(open)
{
	struct open_how how = vfs_open_how((uint32_t)call->args[1], (mode_t)call->args[2]);
	return do_open(s, call, AT_FDCWD, call->args[0], &how);
}

SYS_HANDLER(creat)
{
	struct open_how how = vfs_open_how(O_CREAT | O_WRONLY | O_TRUNC, (mode_t)call->args[1]);
	return do_open(s, call, AT_FDCWD, call->args[0], &how);
}

SYS_HANDLER(openat)
{
	struct open_how how = vfs_open_how((uint32_t)call->args[2], (mode_t)call->args[3]);
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
