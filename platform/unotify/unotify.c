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
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "platform/tracee_mem.h"
#include "sentry/filter.h"

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
};

static struct unotify_call *UC(struct platform_call *call)
{
	return container_of(call, struct unotify_call, call);
}

static int uc_read_mem(struct platform_call *call, void *dst, uint64_t addr, size_t len)
{
	return tracee_read(call->tid, dst, addr, len);
}

static ssize_t uc_read_str(struct platform_call *call, char *dst, uint64_t addr, size_t size)
{
	return tracee_read_str(call->tid, dst, addr, size);
}

static int uc_write_mem(struct platform_call *call, uint64_t addr, const void *src, size_t len)
{
	return tracee_write(call->tid, addr, src, len);
}

static bool uc_valid(struct platform_call *call)
{
	uint64_t id = UC(call)->id;
	return ioctl(UC(call)->u->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

static int uc_reply(struct platform_call *call, long ret)
{
	struct seccomp_notif_resp resp = {.id = UC(call)->id};
	if (ret < 0 && ret >= -4095)
		resp.error = (int)ret;
	else
		resp.val = ret;
	if (ioctl(UC(call)->u->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
		return -errno;
	return 0;
}

static int uc_reply_fd(struct platform_call *call, int fd, unsigned flags)
{
	struct seccomp_notif_addfd a = {
		.id = UC(call)->id,
		.flags = SECCOMP_ADDFD_FLAG_SEND,
		.srcfd = (uint32_t)fd,
		.newfd_flags = flags & O_CLOEXEC,
	};
	int r = ioctl(UC(call)->u->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a);
	return r < 0 ? -errno : r;
}

static const struct platform_ops unotify_call_ops = {
	.read_mem = uc_read_mem,
	.read_str = uc_read_str,
	.write_mem = uc_write_mem,
	.valid = uc_valid,
	.reply = uc_reply,
	.reply_fd = uc_reply_fd,
};

static void handle_notification(struct unotify *u)
{
	struct seccomp_notif req;
	memset(&req, 0, sizeof(req));
	if (ioctl(u->listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return; /* ENOENT: the task died before we got to it */
	struct unotify_call uc = {
		.call = {.ops = &unotify_call_ops, .tid = (pid_t)req.pid,
			 .nr = req.data.nr, .ip = req.data.instruction_pointer},
		.u = u,
		.id = req.id,
	};
	memcpy(uc.call.args, req.data.args, sizeof(uc.call.args));
	if (req.data.arch != AUDIT_ARCH_X86_64) {
		uc_reply(&uc.call, -ENOSYS);
		return;
	}
	sentry_dispatch(u->sentry, &uc.call);
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

static void new_task(struct unotify *u, pid_t parent)
{
	unsigned long child;
	if (ptrace(PTRACE_GETEVENTMSG, parent, 0, &child) < 0)
		return;
	if (sentry_task_new(u->sentry, (pid_t)child, parent) < 0) {
		/* Without credentials it cannot be served safely. */
		kill((pid_t)child, SIGKILL);
		return;
	}
	if (early_take(u, (pid_t)child))
		ptrace(PTRACE_CONT, (pid_t)child, 0, 0);
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static void handle_stop(struct unotify *u, pid_t pid, int status)
{
	int sig = WSTOPSIG(status);
	int event = status >> 16;
	switch (event) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		new_task(u, pid);
		ptrace(PTRACE_CONT, pid, 0, 0);
		return;
	case PTRACE_EVENT_EXEC: {
		/* A non-leader thread that execs takes over the leader's tid. */
		unsigned long former;
		if (ptrace(PTRACE_GETEVENTMSG, pid, 0, &former) == 0 && (pid_t)former != pid) {
			sentry_task_exit(u->sentry, pid);
			if (sentry_task_new(u->sentry, pid, (pid_t)former) < 0)
				kill(pid, SIGKILL);
			sentry_task_exit(u->sentry, (pid_t)former);
		}
		ptrace(PTRACE_CONT, pid, 0, 0);
		return;
	}
	case PTRACE_EVENT_SECCOMP:
		/* The TRACE class has no handler yet, so the filter refuses it in
		 * the kernel and this stop does not happen. */
		ptrace(PTRACE_CONT, pid, 0, 0);
		return;
	case PTRACE_EVENT_STOP:
		if (!sentry_task_find(u->sentry, pid)) {
			/* A new task's first stop, ahead of its parent's event. */
			early_add(u, pid);
			return;
		}
		if (is_stop_signal(sig))
			ptrace(PTRACE_LISTEN, pid, 0, 0); /* group-stop */
		else
			ptrace(PTRACE_CONT, pid, 0, 0);
		return;
	default:
		/* Signal-delivery-stop: deliver it. */
		ptrace(PTRACE_CONT, pid, 0, sig);
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
	struct pollfd fds[2] = {
		{.fd = u->listener, .events = POLLIN},
		{.fd = u->sigfd, .events = POLLIN},
	};
	while (!u->root_exited) {
		int n = poll(fds, 2, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
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
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, __WALL);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		if (!WIFSTOPPED(status))
			sentry_task_exit(u->sentry, pid);
		else
			ptrace(PTRACE_CONT, pid, 0, 0);
	}
	return u->root_status;
}

/* ---- start ---- */

static void __attribute__((noreturn)) child_fail(int report, int err)
{
	int msg[2] = {-1, err};
	if (write(report, msg, sizeof(msg)) < 0) {
		/* the parent sees EOF instead */
	}
	_exit(127);
}

static void __attribute__((noreturn))
child_main(pid_t parent, int go, int report, const sigset_t *mask, int (*fn)(void *), void *arg)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	sigprocmask(SIG_SETMASK, mask, NULL);
	char c;
	/* 1: wait until the parent has seized us, so TRACE has a tracer. */
	if (read(go, &c, 1) != 1)
		_exit(127);
	scmp_filter_ctx ctx;
	int r = filter_build(FILTER_TRAP_NOTIFY, &ctx);
	if (r < 0)
		child_fail(report, -r);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(report, errno);
	r = seccomp_load(ctx);
	if (r < 0)
		child_fail(report, -r);
	/* From here on only ALLOW syscalls until fn: read, write, close. */
	int msg[2] = {seccomp_notify_fd(ctx), 0};
	if (msg[0] < 0)
		child_fail(report, -msg[0]);
	if (write(report, msg, sizeof(msg)) != sizeof(msg))
		_exit(127);
	/* 2: wait until the parent holds its copy of the listener. */
	if (read(go, &c, 1) != 1)
		_exit(127);
	close(msg[0]);
	close(go);
	close(report);
	seccomp_release(ctx);
	_exit(fn(arg));
}

int unotify_spawn(struct unotify *u, struct sentry *s, int (*fn)(void *), void *arg,
		  struct veil_error **err)
{
	memset(u, 0, sizeof(*u));
	u->sentry = s;
	u->listener = u->sigfd = -1;

	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(&block, forwarded[i]);
	sigprocmask(SIG_BLOCK, &block, &u->saved_mask);
	u->sigfd = signalfd(-1, &block, SFD_CLOEXEC | SFD_NONBLOCK);
	if (u->sigfd < 0)
		return verr_set(err, errno, "signalfd");

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
		child_main(parent, go[0], report[1], &u->saved_mask, fn, arg);
	}
	close(go[0]);
	close(report[1]);
	u->root = pid;

	const long opts = PTRACE_O_EXITKILL | PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK |
			  PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC;
	if (ptrace(PTRACE_SEIZE, pid, 0, opts) < 0) {
		int e = errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		return verr_set(err, e, "cannot trace the sandbox's first process");
	}
	int msg[2];
	if (write(go_w, "g", 1) != 1 || read(report_r, msg, sizeof(msg)) != sizeof(msg) ||
	    msg[0] < 0) {
		int e = (msg[0] < 0) ? msg[1] : EPIPE;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		return verr_set(err, e, "cannot install the sentry's seccomp filter");
	}
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd >= 0)
		u->listener = (int)syscall(SYS_pidfd_getfd, pidfd, msg[0], 0);
	if (u->listener < 0) {
		int e = errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		return verr_set(err, e, "cannot take the seccomp listener");
	}
	fcntl(u->listener, F_SETFD, FD_CLOEXEC);
	/* Keep plain replies on one CPU (Linux 6.6+); docs/performance.md. */
	u->sync_wakeup = ioctl(u->listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
			       SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP, 0) == 0;

	int r = sentry_task_new(s, pid, 0);
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
	closep(&u->listener);
	closep(&u->sigfd);
	sigprocmask(SIG_SETMASK, &u->saved_mask, NULL);
	free(u->early);
	memset(u, 0, sizeof(*u));
	u->listener = u->sigfd = -1;
}
