/* The unotify platform: start, event loop, and the answers to a trapped
 * call.
 *
 * Invariants:
 * - Every task of the sandbox is a ptrace tracee of this process (the first
 *   one seized before its filter exists, every later one auto-attached), so
 *   no task runs a syscall the sentry has not heard of its creation.
 * - A new task is resumed from its first stop only once the sentry knows
 *   its parent's credentials (its parent's fork/clone event was handled).
 * - Each notification is answered once; an answer to a task that died
 *   meanwhile fails with ENOENT, which is not an error here. */
#include "platform/unotify/unotify.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/kcmp.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <sched.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/closer.h"
#include "base/log.h"
#include "platform/caps.h"
#include "platform/copier.h"
#include "platform/tracee_mem.h"
#include "platform/unotify/unotify_private.h"
#include "sentry/kernel/pidns.h"
#include "sentry/sys/filter.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

/* Signals sent to veil that the program should get instead. */
static const int forwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};

/* ---- answering a call ---- */

struct unotify_call {
	struct platform_call call; /* first: the sentry sees only this */
	struct unotify *u;
	uint64_t id;
	struct seccomp_notif req; /* as received, to run again if deferred */
	/* The task's address space, and whether another task uses it: then
	 * its copies go through the copier (platform/copier.h). */
	uint64_t mm;
	bool shared;
	/* A copy waits for the program's mmap_lock: every later op fails,
	 * and the call is kept to run again (parked once). */
	bool deferred, parked;
	/* Writes were posted to a copier thread (cc): the answer follows
	 * them there. */
	bool queued;
	struct copier_call cc;
	/* A write was made: the call has done its work (a datagram sent,
	 * sendmmsg's first entry) and is never run again; a later read that
	 * would defer fails instead (EINTR, or what the handler makes of it:
	 * sendmmsg's count so far). */
	bool wrote;
};

/* A call kept until its address space's copies go through: a
 * notification, or a ptrace stop (stop_pid, with its wait status) left
 * as it is, to be handled again. */
struct parked_call {
	struct parked_call *next;
	uint64_t mm;
	struct seccomp_notif req;
	pid_t stop_pid;
	int stop_status;
	/* a stop whose handling is done, resumed (how, sig) once its writes
	 * are through, rather than handled again */
	bool stop_handled;
	enum resume how;
	int sig;
};

static struct unotify_call *UC(struct platform_call *call)
{
	return container_of(call, struct unotify_call, call);
}

static size_t pidfd_home(const struct unotify *u, pid_t tid)
{
	return ((size_t)tid * 2654435761u) & (u->cap_pidfds - 1);
}

static struct pidfd_slot *pidfd_lookup(struct unotify *u, pid_t tid)
{
	if (!u->cap_pidfds)
		return NULL;
	for (size_t i = pidfd_home(u, tid), n = 0; n < u->cap_pidfds;
	     i = (i + 1) & (u->cap_pidfds - 1), n++) {
		if (u->pidfds[i].tid == tid)
			return &u->pidfds[i];
		if (u->pidfds[i].tid == 0)
			return NULL;
	}
	return NULL;
}

static void pidfd_insert(struct unotify *u, pid_t tid, int pidfd)
{
	if ((u->n_pidfds + 1) * 2 > u->cap_pidfds) {
		/* grow (open addressing stays under half full) */
		size_t cap = u->cap_pidfds ? u->cap_pidfds * 2 : 64;
		struct pidfd_slot *old = u->pidfds;
		size_t old_cap = u->cap_pidfds;
		struct pidfd_slot *n = calloc(cap, sizeof(*n));
		if (!n) {
			close(pidfd);
			return; /* uncached: the next call opens it again */
		}
		u->pidfds = n;
		u->cap_pidfds = cap;
		u->n_pidfds = 0;
		for (size_t i = 0; i < old_cap; i++)
			if (old[i].tid)
				pidfd_insert(u, old[i].tid, old[i].pidfd);
		free(old);
	}
	size_t i = pidfd_home(u, tid);
	while (u->pidfds[i].tid)
		i = (i + 1) & (u->cap_pidfds - 1);
	u->pidfds[i] = (struct pidfd_slot){.tid = tid, .pidfd = pidfd};
	u->n_pidfds++;
}

void unotify_forget_pidfd(struct unotify *u, pid_t tid)
{
	/* The thread's cached fds go with it: its fd table may be another
	 * by now (exec), and a reused tid must start cold. */
	fdcache_forget_task(&u->fdcache, tid);
	struct pidfd_slot *p = pidfd_lookup(u, tid);
	if (!p)
		return;
	close(p->pidfd);
	/* Re-insert what follows in the probe chain (backward-shift delete). */
	p->tid = 0;
	u->n_pidfds--;
	size_t i = (size_t)(p - u->pidfds);
	for (size_t j = (i + 1) & (u->cap_pidfds - 1); u->pidfds[j].tid;
	     j = (j + 1) & (u->cap_pidfds - 1)) {
		struct pidfd_slot moved = u->pidfds[j];
		u->pidfds[j].tid = 0;
		u->n_pidfds--;
		pidfd_insert(u, moved.tid, moved.pidfd);
	}
}

int unotify_get_fd(struct unotify *u, pid_t tid, int fd)
{
	if (fd < 0)
		return -EBADF;
	/* Every closer thread is stuck in a close the program made wait, and
	 * the copies queued behind them near the bound: take no more until
	 * they drain (base/closer.h). */
	if (closer_jammed())
		return -ENFILE;
	struct pidfd_slot *p = pidfd_lookup(u, tid);
	int pidfd;
	if (p) {
		pidfd = p->pidfd;
	} else {
		pidfd = tracee_pidfd(tid);
		if (pidfd < 0)
			return pidfd;
		pidfd_insert(u, tid, pidfd);
	}
	int r = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	return r < 0 ? -errno : r;
}

int unotify_get_fd_stat(struct unotify *u, pid_t tid, int fd, struct platform_fd *out)
{
	if (fdcache_lookup(&u->fdcache, tid, fd, out) == 0)
		return 0;
	int r = unotify_get_fd(u, tid, fd);
	if (r < 0)
		return r;
	*out = (struct platform_fd){.fd = r, .how = -1};
	if (fstat(r, &out->st) < 0) {
		int e = errno;
		closer_close(r);
		return -e;
	}
	fdcache_offer(&u->fdcache, tid, fd, out);
	return 0;
}

/* Turns the cache off unless tracee fd `fd` is plainly not a directory
 * (the cache keeps directories only). */
static void keep_off(struct unotify *u, pid_t tid, int fd)
{
	if (u->fdcache.off)
		return; /* the common case after the first: no syscall at all */
	int mine = unotify_get_fd(u, tid, fd);
	if (mine == -EBADF)
		return; /* no such fd: the lock fails natively with EBADF */
	struct stat st;
	bool plain = mine >= 0 && fstat(mine, &st) == 0 && !S_ISDIR(st.st_mode);
	if (plain)
		closer_close_st(mine, &st);
	else if (mine >= 0)
		closer_close(mine);
	if (!plain)
		fdcache_off(&u->fdcache);
}

/* ---- copies: inline for a task alone in its address space, else
 * through the copier, which may defer the call ---- */

static ssize_t uc_read(struct platform_call *call, void *dst, uint64_t addr, size_t len, bool str)
{
	struct unotify_call *uc = UC(call);
	if (uc->deferred)
		return -EDEFER;
	if (!uc->shared || !copier_usable(uc->u->copier))
		return str ? tracee_read_str(call->tid, dst, addr, len)
			   : tracee_read(call->tid, dst, addr, len);
	ssize_t r = copier_read(uc->u->copier, uc->mm, call->tid, dst, addr, len, str);
	uc->deferred = r == -EDEFER && !uc->wrote;
	return r;
}

static int uc_read_mem(struct platform_call *call, void *dst, uint64_t addr, size_t len)
{
	return (int)uc_read(call, dst, addr, len, false);
}

static ssize_t uc_read_str(struct platform_call *call, char *dst, uint64_t addr, size_t size)
{
	return uc_read(call, dst, addr, size, true);
}

static int uc_write_memv(struct platform_call *call, const struct platform_iov *iov, size_t n)
{
	struct unotify_call *uc = UC(call);
	if (uc->deferred)
		return -EDEFER;
	uc->wrote = true;
	if (!uc->shared || !copier_usable(uc->u->copier))
		return tracee_writev(call->tid, iov, n);
	int r = copier_post(uc->u->copier, &uc->cc, uc->mm, call->tid, iov, n);
	if (r == COPIER_QUEUED) {
		uc->queued = true;
		return 0;
	}
	if (r == -EDEFER) /* every lane is taken */
		return tracee_writev(call->tid, iov, n);
	return r;
}

static int uc_write_mem(struct platform_call *call, uint64_t addr, const void *src, size_t len)
{
	struct platform_iov one = {addr, src, len};
	return uc_write_memv(call, &one, 1);
}

ssize_t stop_read(struct unotify *u, pid_t tid, void *dst, uint64_t addr, size_t len, bool str)
{
	uint64_t mm;
	if (u->stop_deferred)
		return -EDEFER;
	if (!sentry_task_mm_shared(u->sentry, tid, &mm) || !copier_usable(u->copier))
		return str ? tracee_read_str(tid, dst, addr, len) : tracee_read(tid, dst, addr, len);
	ssize_t r = copier_read(u->copier, mm, tid, dst, addr, len, str);
	u->stop_deferred = r == -EDEFER;
	return r;
}

int stop_write(struct unotify *u, pid_t tid, const struct platform_iov *iov, size_t n)
{
	uint64_t mm;
	if (!sentry_task_mm_shared(u->sentry, tid, &mm) || !copier_usable(u->copier))
		return tracee_writev(tid, iov, n);
	int r = copier_writev(u->copier, mm, tid, iov, n);
	if (r == COPIER_QUEUED) {
		u->stop_queued = true;
		return 0;
	}
	return r == -EDEFER ? tracee_writev(tid, iov, n) : r;
}

/* Keeps a deferred call to run again once its address space's copies go
 * through (or, failing that, answers it EINTR: the program retries). */
static void park(struct unotify_call *uc)
{
	if (uc->parked)
		return;
	uc->parked = true;
	struct parked_call *p = malloc(sizeof(*p));
	if (!p) {
		struct seccomp_notif_resp resp = {.id = uc->id, .error = -EINTR};
		ioctl(uc->u->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
		return;
	}
	p->mm = uc->mm;
	p->req = uc->req;
	p->stop_pid = 0;
	p->next = uc->u->parked;
	uc->u->parked = p;
}

/* An answer behind queued writes goes the same way; failing, the task
 * would never get one: it is killed. */
static int reply_queued(struct unotify_call *uc, long ret, int fd, unsigned flags)
{
	if (copier_reply(uc->u->copier, &uc->cc, uc->mm, uc->call.tid, uc->id, ret, fd, flags) < 0) {
		kill(uc->call.tid, SIGKILL);
		return -ENOMEM;
	}
	return 0;
}

static int uc_copy_fd(struct platform_call *call, int fd)
{
	if (UC(call)->deferred)
		return -EDEFER;
	return unotify_get_fd(UC(call)->u, call->tid, fd);
}

static int uc_get_fd(struct platform_call *call, int fd, struct platform_fd *out)
{
	if (UC(call)->deferred)
		return -EDEFER;
	return unotify_get_fd_stat(UC(call)->u, call->tid, fd, out);
}

static bool uc_valid(struct platform_call *call)
{
	uint64_t id = UC(call)->id;
	if (UC(call)->deferred)
		return false;
	return ioctl(UC(call)->u->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

static int uc_reply(struct platform_call *call, long ret)
{
	struct unotify_call *uc = UC(call);
	if (uc->deferred) {
		park(uc);
		return 0;
	}
	if (ret == -EDEFER)
		ret = -EINTR; /* a read after a write that could not wait */
	if (uc->queued)
		return reply_queued(uc, ret, -1, 0);
	struct seccomp_notif_resp resp = {.id = UC(call)->id};
	if (ret < 0 && ret >= -4095)
		resp.error = (int)ret;
	else
		resp.val = ret;
	if (ioctl(UC(call)->u->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
		return -errno;
	return 0;
}

/* Binds thread `tid` to the CPU this thread runs on, saving its mask in
 * *saved: true if it is now bound (and must be let go). Not done when the
 * CPU is outside the thread's own mask. */
static bool pin_to_this_cpu(pid_t tid, cpu_set_t *saved)
{
	int cpu = sched_getcpu();
	if (cpu < 0 || cpu >= CPU_SETSIZE || sched_getaffinity(tid, sizeof(*saved), saved) < 0 ||
	    !CPU_ISSET(cpu, saved) || CPU_COUNT(saved) == 1)
		return false;
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return sched_setaffinity(tid, sizeof(one), &one) == 0;
}

/* ADDFD wakes the tracee with a plain complete(), not the sync wake-up
 * SEND uses, so the scheduler puts it on the idle CPU (~25 us to wake an
 * idle vCPU here) and its completion wakes the sentry across CPUs again:
 * an open+close cost 57-63 us, sometimes 18. Bound to the sentry's CPU for
 * the ioctl, the tracee runs where the sentry sleeps: 24-29 us, every
 * time (docs/performance.md, 2026-12-01; an earlier measurement that found
 * this slower had met the fast case of the unbound run). A thread of the
 * program that changes this thread's mask meanwhile loses that change: a
 * scheduling matter, never one of what the program may do. */
int unotify_addfd(struct unotify *u, pid_t tid, uint64_t id, int fd, unsigned newfd_flags)
{
	struct seccomp_notif_addfd a = {
		.id = id,
		.flags = SECCOMP_ADDFD_FLAG_SEND,
		.srcfd = (uint32_t)fd,
		.newfd_flags = newfd_flags,
	};
	cpu_set_t saved;
	bool pinned = pin_to_this_cpu(tid, &saved);
	int r = ioctl(u->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a);
	int e = errno;
	if (pinned)
		sched_setaffinity(tid, sizeof(saved), &saved);
	return r < 0 ? -e : r;
}

/* The tracee's new fd `tracee_fd` (or the failed ADDFD's -errno) is on
 * the open file of pf->fd: a directory the sentry gave up is kept for
 * get_fd on that number (the cache's rules: fdcache_keep), anything else
 * it gave is closed; the number's old entry, if any, goes. */
static int keep_given(struct fdcache *c, pid_t tid, int tracee_fd, struct platform_fd *pf)
{
	bool kept = tracee_fd >= 0 && !pf->borrowed &&
		    fdcache_keep(c, tid, tracee_fd, pf->fd, &pf->st, pf->how);
	if (!kept && tracee_fd >= 0)
		fdcache_forget(c, tid, tracee_fd);
	if (!pf->borrowed) {
		/* The sentry's own object (it gives only a shadow directory),
		 * not a copy of the program's: its close never waits. */
		if (!kept)
			close(pf->fd);
		pf->fd = -1;
	}
	return tracee_fd;
}

/* reply_fd with pf->last: ADDFD without SEND puts the fd in the tracee's
 * table (its wait goes on), the sentry's copy is closed, and only then
 * does SEND let it run on with that number. One more round trip. */
static int reply_fd_last(struct unotify *u, struct platform_call *call, struct platform_fd *pf,
			 unsigned flags)
{
	struct seccomp_notif_addfd a = {
		.id = UC(call)->id,
		.srcfd = (uint32_t)pf->fd,
		.newfd_flags = flags & O_CLOEXEC,
	};
	int k = ioctl(u->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a);
	int e = errno;
	close(pf->fd);
	pf->fd = -1;
	if (k < 0)
		return -e;
	fdcache_forget(&u->fdcache, call->tid, k);
	struct seccomp_notif_resp resp = {.id = UC(call)->id, .val = k};
	/* Failing, the task is dead (killable waits) and its table with it;
	 * before Linux 5.19 a signal in between leaves the fd in its table. */
	if (ioctl(u->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
		return -errno;
	return k;
}

static int uc_reply_fd(struct platform_call *call, struct platform_fd *pf, unsigned flags)
{
	struct unotify_call *uc = UC(call);
	struct unotify *u = uc->u;
	if (uc->deferred || uc->queued) {
		int fd = pf->fd;
		if (!pf->borrowed)
			pf->fd = -1;
		else if (uc->queued)
			fd = fcntl(pf->fd, F_DUPFD_CLOEXEC, 0);
		if (uc->deferred) {
			if (!pf->borrowed)
				close(fd);
			park(uc);
			return -EDEFER;
		}
		/* (an accepted connection after its peer's address) */
		return fd < 0 ? reply_queued(uc, -EMFILE, -1, 0)
			      : reply_queued(uc, 0, fd, flags & O_CLOEXEC);
	}
	if (pf->last && !pf->borrowed)
		return reply_fd_last(u, call, pf, flags);
	int r = unotify_addfd(u, call->tid, UC(call)->id, pf->fd, flags & O_CLOEXEC);
	return keep_given(&u->fdcache, call->tid, r, pf);
}

void unotify_continue_lock(struct unotify *u, const struct platform_call *call)
{
	uint32_t cmd = (uint32_t)call->args[1]; /* the kernel's unsigned int */
	if (call->nr == SYS_flock ||
	    (call->nr == SYS_fcntl && (cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW)))
		keep_off(u, call->tid, (int)call->args[0]);
}

/* The kernel then runs the syscall with the tracee's registers, which it
 * reads itself: nothing the sentry read decides what it does. */
static int uc_reply_continue(struct platform_call *call)
{
	struct unotify_call *uc = UC(call);
	if (uc->deferred) {
		park(uc);
		return 0;
	}
	unotify_continue_lock(UC(call)->u, call);
	if (uc->queued)
		return reply_queued(uc, COPIER_CONTINUE, -1, 0);
	struct seccomp_notif_resp resp = {.id = UC(call)->id,
					  .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE};
	if (ioctl(UC(call)->u->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
		return -errno;
	return 0;
}

static int uc_reply_fd_ctty(struct platform_call *call, int fd, unsigned flags)
{
	if (UC(call)->deferred) {
		park(UC(call));
		return -EDEFER;
	}
	return ctty_start(UC(call)->u, call->tid, UC(call)->id, fd, flags & O_CLOEXEC);
}

static int uc_exec_fd(struct platform_call *call, int fd, const struct platform_exec_arg *argv,
		      size_t argc, uint64_t envp)
{
	(void)call, (void)fd, (void)argv, (void)argc, (void)envp;
	return -ENOSYS; /* exec is TRACE class: it arrives as a ptrace stop */
}

static const struct platform_ops unotify_call_ops = {
	.read_mem = uc_read_mem,
	.read_str = uc_read_str,
	.write_mem = uc_write_mem,
	.write_memv = uc_write_memv,
	.copy_fd = uc_copy_fd,
	.get_fd = uc_get_fd,
	.valid = uc_valid,
	.reply = uc_reply,
	.reply_fd = uc_reply_fd,
	.reply_fd_ctty = uc_reply_fd_ctty,
	.reply_continue = uc_reply_continue,
	.exec_fd = uc_exec_fd,
};

static void dispatch(struct unotify *u, const struct seccomp_notif *req)
{
	struct unotify_call uc = {
		.call = {.ops = &unotify_call_ops, .tid = (pid_t)req->pid,
			 .nr = req->data.nr, .ip = req->data.instruction_pointer},
		.u = u,
		.id = req->id,
		.req = *req,
	};
	memcpy(uc.call.args, req->data.args, sizeof(uc.call.args));
	if (exec_carrier(u, uc.call.tid, req->id, uc.call.args, uc.call.nr))
		return;
	if (req->data.arch != AUDIT_ARCH_X86_64) {
		uc_reply(&uc.call, -ENOSYS);
		return;
	}
	uc.shared = sentry_task_mm_shared(u->sentry, uc.call.tid, &uc.mm);
	sentry_dispatch(u->sentry, &uc.call);
}

static void handle_notification(struct unotify *u)
{
	struct seccomp_notif req;
	memset(&req, 0, sizeof(req));
	if (ioctl(u->listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return; /* ENOENT: the task died before we got to it */
	dispatch(u, &req);
}

static void handle_stop(struct unotify *u, pid_t pid, int status);

/* A stuck lane drained: the calls it kept run again from the start (a
 * task killed meanwhile has no call left to answer). */
static void run_parked(struct unotify *u)
{
	if (!copier_collect(u->copier))
		return;
	struct parked_call *list = u->parked, *keep = NULL;
	u->parked = NULL;
	while (list) {
		struct parked_call *p = list;
		list = p->next;
		if (copier_stuck(u->copier, p->mm)) {
			p->next = keep;
			keep = p;
			continue;
		}
		uint64_t id = p->req.id;
		if (p->stop_pid && p->stop_handled)
			ptrace(p->how == RESUME_SYSCALL ? PTRACE_SYSCALL : PTRACE_CONT, p->stop_pid, 0,
			       p->sig);
		else if (p->stop_pid)
			handle_stop(u, p->stop_pid, p->stop_status);
		else if (ioctl(u->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0)
			dispatch(u, &p->req);
		free(p);
	}
	/* those parked again meanwhile are in u->parked now */
	while (keep) {
		struct parked_call *p = keep;
		keep = p->next;
		p->next = u->parked;
		u->parked = p;
	}
}

/* ---- ptrace events: task creation and exit ---- */

static void early_add(struct unotify *u, pid_t tid)
{
	if (u->n_early == u->cap_early) {
		size_t n = u->cap_early ? u->cap_early * 2 : 16;
		pid_t *e = realloc(u->early, n * sizeof(*e));
		if (!e) {
			/* Cannot remember it: it must not run unknown. */
			kill(tid, SIGKILL);
			return;
		}
		u->early = e;
		u->cap_early = n;
	}
	u->early[u->n_early++] = tid;
}

static bool early_take(struct unotify *u, pid_t tid)
{
	for (size_t i = 0; i < u->n_early; i++) {
		if (u->early[i] == tid) {
			u->early[i] = u->early[--u->n_early];
			return true;
		}
	}
	return false;
}

/* The flags of the clone that stopped `parent` (clone's first argument,
 * or the first field of clone3's struct) and, with CLONE_CHILD_SETTID,
 * where the child's tid went (*child_tid). Read after the fact, so a
 * racing thread can only make the sentry misjudge cwd sharing or write
 * the child's number to another place of the program's own memory,
 * nothing it checks. */
static uint64_t clone_flags(struct unotify *u, pid_t parent, uint64_t *child_tid,
			    uint64_t *parent_tid)
{
	struct user_regs_struct r;
	*child_tid = *parent_tid = 0;
	if (ptrace(PTRACE_GETREGS, parent, 0, &r) < 0)
		return 0;
	uint64_t flags = 0;
	if (r.orig_rax == SYS_clone) {
		flags = r.rdi;
		*child_tid = r.r10;
		*parent_tid = r.rdx;
	} else if (r.orig_rax == SYS_clone3) {
		uint64_t a[4]; /* flags, pidfd, child_tid, parent_tid */
		if (stop_read(u, parent, a, r.rdi, sizeof(a), false) < 0)
			return 0;
		flags = a[0];
		*child_tid = a[2];
		*parent_tid = a[3];
	}
	if (!(flags & CLONE_CHILD_SETTID))
		*child_tid = 0;
	if (!(flags & CLONE_PARENT_SETTID))
		*parent_tid = 0;
	return flags;
}

/* --unshare-pid: the kernel wrote the child's host tid where
 * CLONE_CHILD_SETTID said before the child's first stop; it gets its
 * number in the namespace instead, before it runs. */
static void settid_write(struct unotify *u, pid_t tid)
{
	struct sentry_task *t = sentry_task_find(u->sentry, tid);
	if (!t || !t->settid_at)
		return;
	int32_t v = t->vtid;
	struct platform_iov w = {t->settid_at, &v, sizeof(v)};
	stop_write(u, tid, &w, 1);
	t->settid_at = 0;
}

/* --unshare-pid: the clone that stopped `parent` returns the child's host
 * tid; its syscall-exit stop turns that into the namespace's number
 * (sentry_syscall_exit). */
static void fork_exit_hook(struct unotify *u, pid_t parent)
{
	struct sentry_task *t = sentry_task_find(u->sentry, parent);
	struct user_regs_struct r;
	if (!t || ptrace(PTRACE_GETREGS, parent, 0, &r) < 0)
		return;
	t->exit_nr = (int)r.orig_rax;
	uint64_t a[6] = {r.rdi, r.rsi, r.rdx, r.r10, r.r8, r.r9};
	memcpy(t->exit_args, a, sizeof(a));
}

static void park_stop(struct unotify *u, pid_t pid, bool handled, enum resume how, int sig);

static void new_task(struct unotify *u, pid_t parent, bool maybe_shared, bool vfork)
{
	unsigned long child;
	if (ptrace(PTRACE_GETEVENTMSG, parent, 0, &child) < 0)
		return;
	uint64_t settid = 0, psettid = 0;
	uint64_t cf = maybe_shared || u->sentry->pidns ? clone_flags(u, parent, &settid, &psettid) : 0;
	if (u->stop_deferred)
		return; /* the event again, once the copy can go through */
	unsigned flags = (cf & CLONE_FS ? SENTRY_SHARE_FS : 0) |
			 (cf & CLONE_THREAD ? SENTRY_THREAD : 0);
	/* Whether the child shares its parent's address space, from the
	 * kernel, not from flags a racing thread may have changed (when in
	 * doubt, shared: its copies then never wait inline). */
	long vm = syscall(SYS_kcmp, parent, (pid_t)child, KCMP_VM, 0, 0);
	if (vm != 1 && vm != 2)
		flags |= SENTRY_SHARE_VM | (vfork ? SENTRY_VFORK : 0);
	if (sentry_task_new(u->sentry, (pid_t)child, parent, flags) < 0) {
		/* Without credentials it cannot be served safely. */
		kill((pid_t)child, SIGKILL);
		return;
	}
	if (u->init && !u->program && parent == u->root)
		u->program = (pid_t)child;
	struct sentry_task *t = sentry_task_find(u->sentry, (pid_t)child);
	struct sentry_task *p = sentry_task_find(u->sentry, parent);
	if (u->sentry->pidns && t) {
		t->settid_at = settid;
		if (p)
			p->fork_child = t->vtid;
		/* The kernel wrote the host tid there before this event; a
		 * thread may read it as soon as it runs, before its creator's
		 * syscall exit (sentry_syscall_exit writes it again). */
		int32_t v = t->vtid;
		struct platform_iov w = {psettid, &v, sizeof(v)};
		if (psettid)
			stop_write(u, parent, &w, 1);
	}
	if (early_take(u, (pid_t)child)) {
		settid_write(u, (pid_t)child);
		if (u->stop_queued) /* its number not written yet */
			park_stop(u, (pid_t)child, true, RESUME_CONT, 0);
		else
			ptrace(PTRACE_CONT, (pid_t)child, 0, 0);
	}
}

/* --unshare-pid: a signal about to be delivered carries its sender's (or
 * for SIGCHLD its child's) host pid in si_pid where the kernel filled it
 * (kill, tkill, tgkill, mq_notify, a child's state): the namespace's
 * number is put there, 0 for a sender outside (veil forwarding a signal),
 * as the kernel shows a sender from an outer namespace. A siginfo the
 * sender wrote itself (SI_QUEUE: sigqueue, pidfd_send_signal with info)
 * holds what it wrote, its own view's numbers already. */
static void siginfo_to_ns(struct unotify *u, pid_t pid, int sig)
{
	siginfo_t si;
	if (ptrace(PTRACE_GETSIGINFO, pid, 0, &si) < 0)
		return;
	bool carries = si.si_code == SI_USER ||
		       si.si_code == SI_TKILL || si.si_code == SI_MESGQ ||
		       (sig == SIGCHLD && si.si_code > 0 && si.si_code != SI_KERNEL);
	if (!carries)
		return;
	si.si_pid = pidns_to_ns(u->sentry->pidns, si.si_pid);
	ptrace(PTRACE_SETSIGINFO, pid, 0, &si);
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* A stop left as it is until pid's address space's copies go through:
 * handled again then (a read deferred), or resumed as `how` with `sig`
 * (only writes queued: handled). Failing to keep it, the task is killed:
 * it must not run on unserved. */
static void park_stop(struct unotify *u, pid_t pid, bool handled, enum resume how, int sig)
{
	struct parked_call *p = calloc(1, sizeof(*p));
	uint64_t mm;
	sentry_task_mm_shared(u->sentry, pid, &mm);
	if (!p) {
		kill(pid, SIGKILL);
		return;
	}
	p->mm = mm;
	p->stop_pid = pid;
	p->stop_status = u->stop_status;
	p->stop_handled = handled;
	p->how = how;
	p->sig = sig;
	p->next = u->parked;
	u->parked = p;
}

/* pid is gone: a stop of its that was kept goes too. */
static void unpark_stop(struct unotify *u, pid_t pid)
{
	for (struct parked_call **pp = &u->parked; *pp;) {
		struct parked_call *p = *pp;
		if (p->stop_pid == pid) {
			*pp = p->next;
			free(p);
		} else {
			pp = &p->next;
		}
	}
}

/* The end of a stop's handling: the task goes on, unless a copy of its
 * memory made it wait (stop_read, stop_write). */
static void resume(struct unotify *u, pid_t pid, enum resume how, int sig)
{
	if (how == RESUME_PARKED || u->stop_deferred)
		park_stop(u, pid, false, how, sig);
	else if (u->stop_queued)
		park_stop(u, pid, true, how, sig);
	else
		ptrace(how == RESUME_SYSCALL ? PTRACE_SYSCALL : PTRACE_CONT, pid, 0, sig);
}

static void handle_stop(struct unotify *u, pid_t pid, int status)
{
	u->stop_status = status;
	u->stop_deferred = u->stop_queued = false;
	int sig = WSTOPSIG(status);
	int event = status >> 16;
	struct unotify_exec *x = exec_find(u, pid);
	struct unotify_ctty *c = x ? NULL : ctty_find(u, pid);
	/* A tracee in the middle of an exec by fd, or taking a controlling
	 * terminal, goes on with PTRACE_SYSCALL. */
	enum resume how = x || c ? RESUME_SYSCALL : RESUME_CONT;
	u->sentry->stats_stops++;
	switch (event) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		new_task(u, pid, event == PTRACE_EVENT_CLONE, event == PTRACE_EVENT_VFORK);
		if (u->sentry->pidns && !x && !c) {
			fork_exit_hook(u, pid);
			how = RESUME_SYSCALL;
		}
		resume(u, pid, how, 0);
		return;
	case PTRACE_EVENT_EXEC: {
		/* A non-leader thread that execs takes over the leader's tid. */
		unsigned long former;
		if (ptrace(PTRACE_GETEVENTMSG, pid, 0, &former) < 0)
			former = (unsigned long)pid;
		/* Before the new image runs one instruction: it must be the
		 * file the sentry chose (defence in depth, veil issue 10). */
		if (!exec_check_image(u, (pid_t)former, pid)) {
			log_warn("exec by %d: the kernel loaded another file than the one "
				 "checked; killing it", (int)former);
			kill(pid, SIGKILL);
		}
		/* The program never runs without its --seccomp programs (nor
		 * does the init exec anything). */
		if ((pid == u->program || (u->init && pid == u->root)) && u->n_filters) {
			log_warn("exec by %d before its seccomp programs were loaded; killing it",
				 (int)pid);
			kill(pid, SIGKILL);
		}
		exec_done(u, (pid_t)former);
		exec_done(u, pid);
		unotify_forget_pidfd(u, (pid_t)former);
		unotify_forget_pidfd(u, pid);
		zeropage_forget(u, (pid_t)former);
		zeropage_forget(u, pid);
		if ((pid_t)former != pid) {
			sentry_task_exit(u->sentry, pid);
			if (sentry_task_new(u->sentry, pid, (pid_t)former,
					    SENTRY_SHARE_FS | SENTRY_KEEP_PID) < 0)
				kill(pid, SIGKILL);
			sentry_task_exit(u->sentry, (pid_t)former);
		}
		sentry_task_exec_done(u->sentry, pid);
		resume(u, pid, RESUME_CONT, 0);
		return;
	}
	case PTRACE_EVENT_SECCOMP:
		resume(u, pid, trace_seccomp_stop(u, pid), 0);
		return;
	case PTRACE_EVENT_STOP:
		if (!sentry_task_find(u->sentry, pid)) {
			/* A new task's first stop, ahead of its parent's event. */
			early_add(u, pid);
			return;
		}
		settid_write(u, pid);
		if (is_stop_signal(sig))
			ptrace(PTRACE_LISTEN, pid, 0, 0); /* group-stop */
		else
			resume(u, pid, c ? ctty_event_stop(u, c) : how, 0);
		return;
	default:
		if (sig == (SIGTRAP | 0x80)) {
			/* Syscall stops happen only during an exec by fd,
			 * while taking a controlling terminal, or at the exit
			 * of a call whose result the sentry rewrites. */
			resume(u, pid, x ? exec_syscall_stop(u, x) : c ? ctty_syscall_stop(u, c)
								    : trace_syscall_exit(u, pid), 0);
			return;
		}
		if (x || c) {
			unotify_hold_signal(x ? &x->held : &c->held, sig);
			resume(u, pid, RESUME_SYSCALL, 0);
			return;
		}
		/* Signal-delivery-stop: deliver it (the sentry first abandons
		 * any blocking call it was making for the task), unless the
		 * namespace's init would not take it. */
		if (sentry_init_discards(u->sentry, pid, sig)) {
			resume(u, pid, RESUME_CONT, 0);
			return;
		}
		sentry_task_signal(u->sentry, pid);
		trace_signal_stop(pid);
		if (u->sentry->pidns)
			siginfo_to_ns(u, pid, sig);
		resume(u, pid, RESUME_CONT, sig);
		return;
	}
}

static void reap(struct unotify *u)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, __WALL | WNOHANG);
		if (pid <= 0)
			return;
		if (WIFSTOPPED(status)) {
			handle_stop(u, pid, status);
			continue;
		}
		sentry_task_exit(u->sentry, pid);
		early_take(u, pid);
		unpark_stop(u, pid);
		exec_done(u, pid);
		ctty_done(u, pid);
		unotify_forget_pidfd(u, pid);
		zeropage_forget(u, pid);
		if (pid == u->root) {
			u->root_exited = true;
			u->root_status = WIFEXITED(status) ? WEXITSTATUS(status)
							   : 128 + WTERMSIG(status);
		}
	}
}

/* The first task is gone: the sandbox ends, as a pid namespace would. */
static void kill_remaining(struct unotify *u)
{
	struct sentry *s = u->sentry;
	for (size_t b = 0; b < s->n_buckets; b++)
		for (struct sentry_task *t = s->buckets[b]; t; t = t->next)
			kill(t->tid, SIGKILL);
	for (size_t i = 0; i < u->n_early; i++)
		kill(u->early[i], SIGKILL);
}

int unotify_run(struct unotify *u)
{
	/* poll, not epoll: with SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP the kernel
	 * wakes the listener's waiters on the tracee's CPU, and poll's waiter
	 * keeps that flag, while epoll's callback re-wakes its own waiter
	 * without it (measured: ~9 µs per served call through epoll, ~6 µs
	 * through poll). */
	struct pollfd fds[3] = {
		{.fd = u->listener, .events = POLLIN},
		{.fd = u->sigfd, .events = POLLIN},
		{.fd = copier_event_fd(u->copier), .events = POLLIN},
	};
	while (!u->root_exited) {
		int n = poll(fds, 3, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[2].revents & POLLIN)
			run_parked(u);
		if (fds[0].revents & POLLIN)
			handle_notification(u);
		if (fds[1].revents & POLLIN) {
			/* SIGCHLDs merge while pending, but one that arrives after
			 * this read is pending again: reaping until waitpid says
			 * nothing is left misses no event. */
			struct signalfd_siginfo si;
			while (read(u->sigfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGCHLD)
					reap(u);
				else
					kill(u->root, (int)si.ssi_signo);
			}
		}
	}
	kill_remaining(u);
	/* Every task was killed: wait for each to be gone. */
	while (u->sentry->n_tasks > 0 || u->n_early > 0) {
		int status;
		pid_t pid = waitpid(-1, &status, __WALL);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		if (WIFSTOPPED(status)) {
			ptrace(PTRACE_CONT, pid, 0, 0);
			continue;
		}
		sentry_task_exit(u->sentry, pid);
		early_take(u, pid);
		exec_done(u, pid);
		unotify_forget_pidfd(u, pid);
	}
	return u->root_status;
}

/* ---- start ---- */

/* What the child reports: the listener's fd number, or why it failed. */
struct child_report {
	int listener; /* -1 on failure */
	bool killable; /* unotify_load_filter */
	int errnum;
	char msg[256];
};

static void __attribute__((noreturn)) child_fail(int report, int errnum, const char *msg)
{
	struct child_report r = {.listener = -1, .errnum = errnum};
	snprintf(r.msg, sizeof(r.msg), "%s", msg);
	if (write(report, &r, sizeof(r)) < 0) {
		/* the parent sees EOF instead */
	}
	_exit(127);
}

static void __attribute__((noreturn))
child_main(pid_t parent, int go, int report, const sigset_t *mask, const struct unotify_opts *opts,
	   unsigned filter_flags, int (*fn)(void *), void *arg)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	sigprocmask(SIG_SETMASK, mask, NULL);
	char c;
	/* 1: wait until the parent has seized us, so TRACE has a tracer. */
	if (read(go, &c, 1) != 1)
		_exit(127);
	struct veil_error *err = NULL;
	/* The program runs with no capability at all, whatever veil ran as:
	 * what it may do is the sentry's to say. */
	if (caps_drop_all(&err) < 0)
		child_fail(report, err->errnum, err->msg);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(report, errno, "cannot set no_new_privs");
	/* The real cwd names nothing in the sandbox (relative paths resolve in
	 * the sentry); leave the caller's directory behind. Once the filter is
	 * in, chdir is the sentry's. */
	if (chdir("/") < 0)
		child_fail(report, errno, "cannot chdir to /");
	if (opts && opts->landlock && landlock_restrict(opts->landlock, &err) < 0)
		child_fail(report, err->errnum, err->msg);
	scmp_filter_ctx ctx;
	int r = filter_build(FILTER_TRAP_NOTIFY, filter_flags, &ctx);
	if (r < 0)
		child_fail(report, -r, "cannot build the sentry's seccomp filter");
	bool killable;
	r = unotify_load_filter(ctx, &killable);
	if (r < 0)
		child_fail(report, -r, "cannot install the sentry's seccomp filter");
	/* From here on only ALLOW syscalls until fn: read, write, close. */
	struct child_report rep = {.listener = r, .killable = killable};
	if (write(report, &rep, sizeof(rep)) != sizeof(rep))
		_exit(127);
	/* 2: wait until the parent holds its copy of the listener. */
	if (read(go, &c, 1) != 1)
		_exit(127);
	close(rep.listener);
	close(go);
	close(report);
	seccomp_release(ctx);
	_exit(fn(arg));
}

/* Reads the child's report while keeping it running: a signal that reaches
 * it before the event loop starts (a Ctrl-C, say) makes it stop for its
 * tracer, which must deliver the signal or both would wait forever.
 * Returns the bytes read (0 at EOF), or -1. */
static ssize_t wait_report(struct unotify *u, pid_t pid, int report, void *buf, size_t len)
{
	for (;;) {
		struct pollfd fds[2] = {{.fd = report, .events = POLLIN},
					{.fd = u->sigfd, .events = POLLIN}};
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (fds[0].revents)
			return read(report, buf, len);
		struct signalfd_siginfo si;
		while (read(u->sigfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo != SIGCHLD)
				kill(pid, (int)si.ssi_signo); /* forwarded, as later */
		}
		int status;
		while (waitpid(pid, &status, __WALL | WNOHANG) == pid) {
			if (!WIFSTOPPED(status))
				return 0; /* gone: the pipe says EOF too */
			int sig = WSTOPSIG(status);
			ptrace(PTRACE_CONT, pid, 0,
			       (status >> 16) == 0 && sig != SIGTRAP ? sig : 0);
		}
	}
}

int unotify_spawn(struct unotify *u, struct sentry *s, const struct unotify_opts *opts,
		  int (*fn)(void *), void *arg, struct veil_error **err)
{
	memset(u, 0, sizeof(*u));
	u->sentry = s;
	if (opts)
		u->init = opts->init;
	u->listener = u->sigfd = -1;
	fdcache_init(&u->fdcache);

	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(&block, forwarded[i]);
	sigprocmask(SIG_BLOCK, &block, &u->saved_mask);
	u->sigfd = signalfd(-1, &block, SFD_CLOEXEC | SFD_NONBLOCK);
	if (u->sigfd < 0)
		return verr_set(err, errno, "signalfd");
	if (step_filter_init(u, opts ? opts->filters : NULL, opts ? opts->n_filters : 0, err) < 0)
		return -1; /* unotify_fini frees what it made */

	int go[2], report[2];
	if (pipe2(go, O_CLOEXEC) < 0)
		return verr_set(err, errno, "pipe");
	if (pipe2(report, O_CLOEXEC) < 0) {
		close(go[0]);
		close(go[1]);
		return verr_set(err, errno, "pipe");
	}
	_cleanup_close_ int go_w = go[1], report_r = report[0];
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		close(go[0]);
		close(report[1]);
		return verr_set(err, errno, "fork");
	}
	if (pid == 0) {
		close(go_w);
		close(report_r);
		child_main(parent, go[0], report[1], &u->saved_mask, opts,
			   (s->pidns ? FILTER_PIDNS : 0) | (opts && opts->net ? FILTER_NET : 0) |
				   (s->ipc ? FILTER_IPC : 0),
			   fn,
			   arg);
	}
	close(go[0]);
	close(report[1]);
	u->root = pid;
	if (!u->init)
		u->program = pid;

	const long ptrace_opts = PTRACE_O_EXITKILL | PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK |
			  PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC |
			  PTRACE_O_TRACESYSGOOD;
	if (ptrace(PTRACE_SEIZE, pid, 0, ptrace_opts) < 0) {
		int e = errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		return verr_set(err, e, "cannot trace the sandbox's first process");
	}
	struct child_report rep;
	if (write(go_w, "g", 1) != 1 ||
	    wait_report(u, pid, report_r, &rep, sizeof(rep)) != (ssize_t)sizeof(rep) ||
	    rep.listener < 0) {
		bool told = rep.listener < 0;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		if (told)
			return verr_set(err, rep.errnum, "%s", rep.msg);
		return verr_set(err, EPIPE, "the sandbox's first process died during setup");
	}
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd >= 0)
		u->listener = (int)syscall(SYS_pidfd_getfd, pidfd, rep.listener, 0);
	if (u->listener < 0) {
		int e = errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		return verr_set(err, e, "cannot take the seccomp listener");
	}
	fcntl(u->listener, F_SETFD, FD_CLOEXEC);
	u->killable = rep.killable;
	s->answers_kept = rep.killable;
	log_debug("unotify: answered waits %s", u->killable ? "are killable only (signals wait for the answer)"
						      : "end on any signal (kernel before 5.19)");
	/* Keep plain replies on one CPU (Linux 6.6+); docs/performance.md. */
	u->sync_wakeup = ioctl(u->listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
			       SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP, 0) == 0;

	u->copier = copier_new(u->listener);
	int r = u->copier ? sentry_task_new(s, pid, 0, 0) : -ENOMEM;
	if (r < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		return verr_set(err, -r, "sentry");
	}
	/* Let the child run fn. */
	if (write(go_w, "g", 1) != 1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		return verr_set(err, EPIPE, "the sandbox's first process died during setup");
	}
	return 0;
}

void unotify_fini(struct unotify *u)
{
	if (!u->sentry)
		return; /* never spawned */
	copier_free(u->copier);
	while (u->parked) {
		struct parked_call *p = u->parked;
		u->parked = p->next;
		free(p);
	}
	closep(&u->listener);
	closep(&u->sigfd);
	sigprocmask(SIG_SETMASK, &u->saved_mask, NULL);
	free(u->early);
	while (u->execs)
		exec_done(u, u->execs->tid);
	zeropage_fini(u);
	while (u->cttys)
		ctty_done(u, u->cttys->tid);
	for (size_t i = 0; i < u->cap_pidfds; i++)
		if (u->pidfds[i].tid)
			close(u->pidfds[i].pidfd);
	free(u->pidfds);
	fdcache_fini(&u->fdcache);
	step_filter_fini(u);
	memset(u, 0, sizeof(*u));
	u->listener = u->sigfd = -1;
}
