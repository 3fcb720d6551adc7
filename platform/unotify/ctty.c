/* An open that makes a terminal the caller's controlling terminal.
 *
 * The kernel does that inside open(2), in the opener's process: the
 * sentry, opening for the tracee, cannot. So the tracee does it itself,
 * with TIOCSCTTY, which checks what the open would (a session leader
 * without a controlling terminal, a terminal that is no session's):
 *
 *   1. ADDFD without SEND puts the fd in the tracee's table (number K);
 *      the notification stays pending.
 *   2. PTRACE_INTERRUPT flags the tracee and the sentry answers the open
 *      -ERESTARTSYS (before 5.19's killable waits the interrupt alone
 *      woke it and the kernel dropped the notification): the tracee
 *      stops (PTRACE_EVENT_STOP) before the restart.
 *   3. At that stop its registers are saved and the restart is turned
 *      into ioctl(K, TIOCSCTTY, 0) (the kernel's restart re-executes the
 *      `syscall` instruction with orig_rax), run under PTRACE_SYSCALL: an
 *      ordinary syscall through the filter (ioctl is ALLOW for TIOCSCTTY).
 *   4. At its exit stop the saved registers come back with rax = K: the
 *      tracee sees its open return K, nothing else changed.
 *
 * Signals that arrive meanwhile are held and sent again at the end, as
 * during an exec by fd. Invariant: a tracee with a struct unotify_ctty is
 * resumed with PTRACE_SYSCALL only. */
#include <errno.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <unistd.h>

#include "base/log.h"
#include "platform/unotify/unotify_private.h"


struct unotify_ctty *ctty_find(struct unotify *u, pid_t tid)
{
	for (struct unotify_ctty *c = u->cttys; c; c = c->next)
		if (c->tid == tid)
			return c;
	return NULL;
}

int ctty_start(struct unotify *u, pid_t tid, uint64_t id, int fd, unsigned newfd_flags)
{
	struct unotify_ctty *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	struct seccomp_notif_addfd a = {
		.id = id,
		.srcfd = (uint32_t)fd,
		.newfd_flags = newfd_flags,
	};
	int k = ioctl(u->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a);
	if (k < 0) {
		free(c);
		return -errno;
	}
	c->tid = tid;
	c->tracee_fd = k;
	c->step = CTTY_WAIT_STOP;
	c->next = u->cttys;
	u->cttys = c;
	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0) {
		/* Not ours to stop after all: answer the open without it. */
		int e = errno;
		ctty_done(u, tid);
		struct seccomp_notif_resp resp = {.id = id, .val = k};
		ioctl(u->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
		log_debug("ctty for %d: cannot interrupt it (%s)", tid, strerror(e));
		return k;
	}
	/* With killable waits (listener.c) the interrupt only flags the
	 * tracee: the sentry ends the wait itself, and the flag makes the
	 * kernel take -ERESTARTSYS as an interrupted call (the stop, then
	 * the restart). */
	if (u->killable) {
		struct seccomp_notif_resp resp = {.id = id, .error = -ERESTARTSYS};
		ioctl(u->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	log_debug("ctty for %d: fd %d, making it the controlling terminal", tid, k);
	return k;
}

enum resume ctty_event_stop(struct unotify *u, struct unotify_ctty *c)
{
	if (c->step != CTTY_WAIT_STOP)
		return RESUME_SYSCALL;
	struct user_regs_struct r;
	if (ptrace(PTRACE_GETREGS, c->tid, 0, &r) < 0) {
		ctty_done(u, c->tid);
		return RESUME_CONT;
	}
	if ((long long)r.rax != -ERESTARTSYS) {
		/* The open was answered some other way (it cannot be, as the
		 * sentry answers nothing else for it): leave it be. */
		log_debug("ctty for %d: unexpected stop (rax %lld)", c->tid, (long long)r.rax);
		ctty_done(u, c->tid);
		return RESUME_CONT;
	}
	c->regs = r;
	r.orig_rax = SYS_ioctl;
	r.rdi = (unsigned long long)c->tracee_fd;
	r.rsi = TIOCSCTTY;
	r.rdx = 0;
	r.r9 = u->step_secret; /* the --seccomp programs let it through */
	if (ptrace(PTRACE_SETREGS, c->tid, 0, &r) < 0) {
		ctty_done(u, c->tid);
		return RESUME_CONT;
	}
	c->step = CTTY_IOCTL;
	return RESUME_SYSCALL;
}

enum resume ctty_syscall_stop(struct unotify *u, struct unotify_ctty *c)
{
	struct __ptrace_syscall_info info;
	memset(&info, 0, sizeof(info));
	if (c->step != CTTY_IOCTL ||
	    ptrace(PTRACE_GET_SYSCALL_INFO, c->tid, sizeof(info), &info) <= 0 ||
	    info.op != PTRACE_SYSCALL_INFO_EXIT)
		return RESUME_SYSCALL;
	log_debug("ctty for %d: TIOCSCTTY gave %lld", c->tid, (long long)info.exit.rval);
	struct user_regs_struct r = c->regs;
	r.rax = (unsigned long long)c->tracee_fd;
	ptrace(PTRACE_SETREGS, c->tid, 0, &r);
	ctty_done(u, c->tid);
	return RESUME_CONT;
}

void ctty_done(struct unotify *u, pid_t tid)
{
	for (struct unotify_ctty **pp = &u->cttys; *pp; pp = &(*pp)->next) {
		struct unotify_ctty *c = *pp;
		if (c->tid != tid)
			continue;
		*pp = c->next;
		unotify_resend_held(tid, c->held);
		free(c);
		return;
	}
}
