#include "sentry/net/sock_wait.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "sentry/kernel/fdmap.h"
#include "sentry/kernel/host_act.h"
#include "sentry/kernel/sentry.h"
#include "sentry/kernel/task_stat.h"
#include "sentry/sys/syscalls.h"

static void on_tick(int sig)
{
	(void)sig; /* only there to interrupt the waiter's call */
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The socket's SO_SNDTIMEO in ms (it bounds connect and send alike), or 0
 * for none. Each tick restarts the kernel's own timer, so the waiter keeps
 * the deadline. */
static long send_timeout_ms(int host)
{
	struct timeval tv;
	socklen_t l = sizeof(tv);
	if (getsockopt(host, SOL_SOCKET, SO_SNDTIMEO, &tv, &l) < 0)
		return 0;
	return tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* A waiter's start, in the child: it dies with the sentry, and SIGALRM
 * every SOCK_WAIT_TICK_MS interrupts its blocking call (no SA_RESTART),
 * so that it looks whether the notification is still there. */
static void waiter_setup(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	struct sigaction sa = {.sa_handler = on_tick}; /* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	sigset_t alrm;
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &alrm, NULL);
	struct itimerval it = {.it_interval = {0, SOCK_WAIT_TICK_MS * 1000},
			       .it_value = {0, SOCK_WAIT_TICK_MS * 1000}};
	setitimer(ITIMER_REAL, &it, NULL);
}

enum sentry_wait sentry_wait_check(struct platform_call *call)
{
	if (!call->ops->valid(call))
		return SENTRY_WAIT_GONE;
	return task_signal_interrupts(call->tid) ? SENTRY_WAIT_SIGNALLED : SENTRY_WAIT_ON;
}

bool sentry_wait_goes_on(struct platform_call *call, long intr)
{
	enum sentry_wait w = sentry_wait_check(call);
	if (w == SENTRY_WAIT_SIGNALLED) {
		sentry_waiter_untick();
		call->ops->reply(call, intr);
	}
	return w == SENTRY_WAIT_ON;
}

void sentry_waiter_untick(void)
{
	struct itimerval it;
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
}

static void __attribute__((noreturn)) waiter(struct platform_call *call, const struct sock_wait *w)
{
	struct host_privs hp;
	host_act_begin(&hp); /* for good: this process only acts for the program */
	long timeout = send_timeout_ms(w->host);
	long deadline = timeout ? now_ms() + timeout : 0;
	long r;
	bool ticked = false;
	for (;;) {
		if (w->op == SOCK_WAIT_CONNECT)
			r = connect(w->host, w->addr, w->addrlen);
		else
			r = sendmsg(w->host, w->msg, w->flags | MSG_NOSIGNAL);
		r = r < 0 ? -errno : r;
		/* After a tick, EALREADY is this connect still under way (the
		 * program made the socket nonblocking meanwhile): wait on. */
		if (r != -EINTR && !(ticked && r == -EALREADY && w->op == SOCK_WAIT_CONNECT))
			break;
		ticked = true;
		if (!sentry_wait_goes_on(call, timeout ? -EINTR : -ERESTARTSYS))
			_exit(0);
		if (deadline && now_ms() >= deadline) {
			r = w->op == SOCK_WAIT_CONNECT ? -EINPROGRESS : -EAGAIN;
			break;
		}
		if (r == -EALREADY)
			pause(); /* until the next tick */
	}
	sentry_waiter_untick();
	if (r >= 0 && w->mmsg_len) {
		unsigned len = (unsigned)r;
		r = call->ops->write_mem(call, w->mmsg_len, &len, sizeof(len)) < 0 ? -EFAULT : 1;
	}
	if (r == -EPIPE)
		sock_reply_epipe(call, w->flags);
	else
		call->ops->reply(call, r);
	_exit(0);
}

long sock_reply_epipe(struct platform_call *call, int flags)
{
	call->ops->reply(call, -EPIPE);
	if (!(flags & MSG_NOSIGNAL))
		syscall(SYS_tkill, call->tid, SIGPIPE);
	return SYS_REPLIED;
}

/* The live waiters, by the task they answer: a pidfd each, so a waiter's
 * pid that the platform reaped and the system reused is never signalled.
 * Module state: waiters are children of this process, whose one sentry
 * owns them. */
struct waiter {
	pid_t tid;
	int pidfd;
	dev_t dev; /* the object it opens for the program (sentry_waiters_mark), */
	ino_t ino; /* or 0, 0 */
};
static struct waiter *waiters;
static size_t n_waiters, cap_waiters;

static bool exited(int pidfd, int timeout_ms)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	return poll(&p, 1, timeout_ms) != 0; /* readable, or an error: gone */
}

/* Forgets waiter i (it exited, or was made to). */
static void drop(size_t i)
{
	close(waiters[i].pidfd);
	waiters[i] = waiters[--n_waiters];
}

static void prune(void)
{
	for (size_t i = 0; i < n_waiters;)
		if (exited(waiters[i].pidfd, 0))
			drop(i);
		else
			i++;
}

pid_t sentry_waiter_fork(struct platform_call *call, dev_t dev, ino_t ino)
{
	prune();
	if (n_waiters == cap_waiters) {
		size_t n = cap_waiters ? cap_waiters * 2 : 16;
		struct waiter *nw = realloc(waiters, n * sizeof(*nw));
		if (!nw)
			return -ENOMEM;
		waiters = nw;
		cap_waiters = n;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0)
		return errno == EAGAIN ? -EAGAIN : -ENOMEM;
	if (pid == 0) {
		waiter_setup(parent);
		return 0;
	}
	/* Reaped by the platform's waitpid(-1) like any child that is no
	 * task; until then (a zombie) the pidfd names it. Without a pidfd
	 * the ticks alone end it. */
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd >= 0) {
		fcntl(pidfd, F_SETFD, FD_CLOEXEC);
		waiters[n_waiters++] =
		    (struct waiter){.tid = call->tid, .pidfd = pidfd, .dev = dev, .ino = ino};
	}
	return pid;
}

long sock_wait_start(struct platform_call *call, const struct sock_wait *w)
{
	pid_t pid = sentry_waiter_fork(call, 0, 0);
	if (pid < 0)
		return pid;
	if (pid == 0)
		waiter(call, w);
	return SYS_REPLIED;
}

void sentry_waiters_mark(struct fdmap *m)
{
	prune();
	for (size_t i = 0; i < n_waiters; i++)
		if (waiters[i].dev || waiters[i].ino)
			fdmap_mark(m, waiters[i].dev, waiters[i].ino);
}

void sentry_task_signal(struct sentry *s, pid_t tid)
{
	(void)s;
	for (size_t i = 0; i < n_waiters;) {
		if (waiters[i].tid != tid) {
			i++;
			continue;
		}
		/* Before the task runs on: a connect the waiter completed after
		 * the task was told EINTR would be a connection it never made. */
		syscall(SYS_pidfd_send_signal, waiters[i].pidfd, SIGKILL, NULL, 0);
		exited(waiters[i].pidfd, 1000);
		drop(i);
	}
}

void sentry_sockets_waiters_free(void)
{
	for (size_t i = 0; i < n_waiters; i++) {
		syscall(SYS_pidfd_send_signal, waiters[i].pidfd, SIGKILL, NULL, 0);
		close(waiters[i].pidfd);
	}
	free(waiters);
	waiters = NULL;
	n_waiters = cap_waiters = 0;
}
