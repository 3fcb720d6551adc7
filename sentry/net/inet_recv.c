/* accept, recvfrom, recvmsg and recvmmsg on the sandbox's inet sockets
 * (inet.h), whose every address the program reads back is an inet one.
 *
 * The kernel would write the peer's unix rendezvous into the program's
 * address buffer, so these calls are made by the sentry on its copy of
 * the socket and the results written back translated: a datagram's source
 * becomes the sender's inet address, a stream's is none (TCP reports no
 * address), an accepted connection's is the connecting socket's. Control
 * messages are not delivered (TCP and UDP carry none the sandbox can
 * ask for here): msg_controllen comes back 0.
 *
 * Nothing blocks the sentry (sock_wait.h): a receive is tried with
 * MSG_DONTWAIT, an accept only when poll says a connection waits (and
 * under a short SO_RCVTIMEO, for a waiter of another thread that may take
 * it first); a call that must wait goes to a waiter, a forked copy of the
 * sentry that makes the blocking call, writes the results and answers. */
#include "sentry/net/inet.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "sentry/kernel/host_act.h"
#include "sentry/kernel/sentry.h"
#include "sentry/net/sock_wait.h"
#include "sentry/sys/syscalls.h"

#define RECV_MAX (4u << 20) /* the most one call copies (a short count for a stream) */
#define IOV_MAX_KERNEL 1024

/* One receive, as the program asked for it. */
struct recv_req {
	int host;
	int flags;
	size_t len; /* room, in all iovecs (at most RECV_MAX) */
	struct iovec uiov[IOV_MAX_KERNEL]; /* the program's buffers */
	size_t n;
	uint64_t name;      /* where the address goes, or 0 */
	int namecap;
	uint64_t namelen_at; /* its length (an int, or msg_namelen) */
	uint64_t msg_at;     /* recvmsg: the msghdr (msg_controllen, msg_flags) */
	uint64_t mmsg_len_at; /* recvmmsg: the first entry's msg_len */
	ino_t ino;            /* the socket's, for its delivery lock */
};

static bool blocking(int host, int flags)
{
	if (flags & MSG_DONTWAIT)
		return false;
	int fl = fcntl(host, F_GETFL);
	return fl >= 0 && !(fl & O_NONBLOCK);
}

static long do_recv(const struct recv_req *q, char *buf, int extra, struct sockaddr_storage *from,
		    socklen_t *fromlen, int *mflags)
{
	struct iovec iov = {.iov_base = buf, .iov_len = q->len};
	struct msghdr m = {.msg_name = from, .msg_namelen = sizeof(*from), .msg_iov = &iov,
			   .msg_iovlen = 1};
	struct host_privs hp;
	host_act_begin(&hp);
	long r = recvmsg(q->host, &m, (q->flags | extra) & ~MSG_CMSG_CLOEXEC);
	r = r < 0 ? -errno : r;
	host_act_end(&hp);
	*fromlen = m.msg_namelen;
	*mflags = m.msg_flags & ~MSG_CTRUNC;
	return r;
}

/* Writes what do_recv got (r bytes) where the program asked. */
static long finish(const struct sentry *s, struct platform_call *call, const struct inet_sock *e,
		   const struct recv_req *q, const char *buf, long r,
		   const struct sockaddr_storage *from, socklen_t fromlen, int mflags)
{
	static struct platform_iov w[IOV_MAX_KERNEL + 5];
	size_t k = 0, n = (size_t)r < q->len ? (size_t)r : q->len, off = 0;
	for (size_t i = 0; i < q->n && off < n; i++) {
		size_t l = q->uiov[i].iov_len < n - off ? q->uiov[i].iov_len : n - off;
		if (l)
			w[k++] = (struct platform_iov){(uint64_t)(uintptr_t)q->uiov[i].iov_base,
						       buf + off, l};
		off += l;
	}
	struct sock_addr a = {.len = 0};
	if (e->family == AF_NETLINK) {
		/* every message comes from the kernel: {AF_NETLINK, 0, 0} */
		struct sockaddr_nl nl = {.nl_family = AF_NETLINK};
		memcpy(&a.ss, &nl, sizeof(nl));
		a.len = sizeof(nl);
	} else if (e->type == SOCK_DGRAM) {
		inet_from_host(s, e, from, fromlen, &a);
	}
	int alen = (int)a.len;
	size_t zero = 0;
	if (q->name) {
		size_t c = (size_t)(q->namecap < alen ? q->namecap : alen);
		if (c)
			w[k++] = (struct platform_iov){q->name, &a.ss, c};
		w[k++] = (struct platform_iov){q->namelen_at, &alen, sizeof(alen)};
	}
	if (q->msg_at) {
		w[k++] = (struct platform_iov){q->msg_at + offsetof(struct msghdr, msg_controllen),
					       &zero, sizeof(zero)};
		w[k++] = (struct platform_iov){q->msg_at + offsetof(struct msghdr, msg_flags),
					       &mflags, sizeof(mflags)};
	}
	unsigned ml = (unsigned)r;
	if (q->mmsg_len_at)
		w[k++] = (struct platform_iov){q->mmsg_len_at, &ml, sizeof(ml)};
	if (call->ops->write_memv(call, w, k) < 0)
		return -EFAULT;
	return q->mmsg_len_at ? 1 : r;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* SO_RCVTIMEO in ms, or 0: each tick restarts the kernel's own timer, so
 * the waiter keeps the deadline. */
static long recv_timeout_ms(int host)
{
	struct timeval tv;
	socklen_t l = sizeof(tv);
	if (getsockopt(host, SOL_SOCKET, SO_RCVTIMEO, &tv, &l) < 0)
		return 0;
	return tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* Hands one message (or what a stream has, up to the room) over without
 * waiting, under the socket's delivery lock (which keeps another trapped
 * receive, a waiter's or the loop's, off the same message).
 *
 * Where answers are kept (s->answers_kept: a held call ends only with its
 * task), the message is taken off the queue, written where the program
 * asked, and answered: once the answer is in, the task runs on at once
 * (on this CPU), and its next receive may well be a native one (recv(2)
 * with no address is not trapped), which would find a message still
 * queued. So it must be gone first: the old order (peek, answer, take)
 * gave that datagram twice, once answered and once natively, in about
 * one run in five of scenario signals_in_waits on a loaded machine (CI
 * met it). An answer that fails means the task died: the message goes
 * with it, as a receive the kernel completed for a task killed on its
 * way out.
 *
 * Otherwise (Linux < 5.19) a signal can drop a held call, and the old
 * order stays: peeked, written, answered, and only then taken, so a call
 * the kernel dropped fails the answer and leaves the data queued for the
 * next call (a signal never loses a message), at the price of that race
 * with a native receive. Returns 1 (answered, or nobody to answer), 0
 * (nothing there, or the lock held: EAGAIN), or -errno to answer. */
static long deliver(struct sentry *s, struct platform_call *call, const struct inet_sock *e,
		    const struct recv_req *q, char *buf, bool waiter)
{
	int l = inet_recv_lock(s, q->ino, waiter, false);
	if (l <= 0)
		return l == 0 || l == -EINTR ? 0 : l;
	struct sockaddr_storage from;
	socklen_t fromlen;
	int mflags;
	long r = 1;
	if (!call->ops->valid(call))
		goto out_unlock; /* nobody to give it to: leave it queued */
	bool take_first = s->answers_kept && !(q->flags & MSG_PEEK);
	r = do_recv(q, buf, MSG_DONTWAIT | (take_first ? 0 : MSG_PEEK), &from, &fromlen,
		    &mflags);
	if (r < 0) {
		r = r == -EAGAIN ? 0 : r;
		goto out_unlock;
	}
	long res = finish(s, call, e, q, buf, r, &from, fromlen, mflags);
	if (res < 0) {
		/* taken already: its copy failed, as the kernel's EFAULT after
		 * a datagram was dequeued */
		r = take_first ? (call->ops->reply(call, res), 1) : res;
		goto out_unlock;
	}
	if (call->ops->reply(call, res) == 0 && !take_first && !(q->flags & MSG_PEEK)) {
		/* What was peeked: a datagram whole (its excess discarded, as
		 * the kernel's), a stream's r bytes. */
		struct recv_req take = *q;
		take.flags = q->flags & ~(MSG_WAITALL | MSG_PEEK);
		if (e->type == SOCK_STREAM)
			take.len = (size_t)r < q->len ? (size_t)r : q->len;
		do_recv(&take, buf, MSG_DONTWAIT, &from, &fromlen, &mflags);
	}
	r = 1;
out_unlock:
	inet_recv_unlock(s, q->ino);
	return r;
}

/* Holds the waiter's ticks off (they stay pending) for a step that must
 * not see EINTR: a take and its answer, an accept. */
static void alarm_block(sigset_t *old)
{
	sigset_t alrm;
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigprocmask(SIG_BLOCK, &alrm, old);
}

/* In a waiter: poll (ticking, so a call the kernel dropped is seen) until
 * something is there, then deliver. The data is taken in one call that
 * does not wait, right after the call was seen still there: a signal to
 * the task is not a reason to kill the waiter (nothing is taken while the
 * task is elsewhere), and two waiters of one socket never get one message
 * both. A signal in the microseconds between the take and the answer loses
 * what was taken (the answer fails); MSG_WAITALL may return short. */
static void __attribute__((noreturn)) recv_waiter(struct sentry *s, struct platform_call *call,
						  const struct inet_sock *e,
						  const struct recv_req *q, char *buf)
{
	inet_recv_lock(s, q->ino, false, true); /* an open file of its own, first */
	inet_recv_unlock(s, q->ino);
	long timeout = recv_timeout_ms(q->host);
	long deadline = timeout ? now_ms() + timeout : 0;
	struct pollfd p = {.fd = q->host, .events = POLLIN};
	long r;
	for (;;) {
		if (poll(&p, 1, -1) < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			/* No tick inside: an interrupted answer would be lost. */
			sigset_t old;
			alarm_block(&old);
			r = deliver(s, call, e, q, buf, true);
			if (r == 1)
				_exit(0);
			sigprocmask(SIG_SETMASK, &old, NULL);
			if (r < 0)
				break;
		} else if (!sentry_wait_goes_on(call, timeout ? -EINTR : -ERESTARTSYS)) {
			_exit(0);
		}
		p.revents = 0;
		if (deadline && now_ms() >= deadline) {
			r = -EAGAIN;
			break;
		}
	}
	sentry_waiter_untick();
	call->ops->reply(call, r);
	_exit(0);
}

/* A waiter for `call` that a signal to its task does not kill (it checks
 * the call itself, and takes nothing before its answer went through). */
static pid_t fork_waiter(struct platform_call *call)
{
	struct platform_call reg = *call;
	reg.tid = 0; /* sentry_task_signal matches no task */
	return sentry_waiter_fork(&reg, 0, 0);
}

static long recv_start(struct sentry *s, struct platform_call *call, struct inet_sock *e,
		       struct recv_req *q)
{
	if (q->flags & MSG_ERRQUEUE)
		return -EAGAIN; /* nothing ever comes back on it here */
	if (e->family == AF_NETLINK)
		inet_netlink_drain(s, call); /* the answers to native sends */
	_cleanup_free_ char *buf = malloc(q->len ? q->len : 1);
	if (!buf)
		return -ENOMEM;
	bool wait = blocking(q->host, q->flags);
	struct stat st;
	if (fstat(q->host, &st) < 0)
		return -errno;
	q->ino = st.st_ino;
	long r = deliver(s, call, e, q, buf, false);
	if (r == 1)
		return SYS_REPLIED;
	if (r < 0 || !wait)
		return r < 0 ? r : -EAGAIN;
	pid_t pid = fork_waiter(call);
	if (pid < 0)
		return pid;
	if (pid == 0)
		recv_waiter(s, call, e, q, buf);
	return SYS_REPLIED;
}

long inet_recvfrom(struct sentry *s, struct platform_call *call, struct inet_sock *e, int host)
{
	static struct recv_req q;
	memset(&q, 0, sizeof(q));
	q.host = host;
	q.flags = (int)call->args[3];
	q.len = call->args[2] < RECV_MAX ? (size_t)call->args[2] : RECV_MAX;
	q.uiov[0] = (struct iovec){(void *)(uintptr_t)call->args[1], q.len};
	q.n = 1;
	if (call->args[4]) {
		int r = call->ops->read_mem(call, &q.namecap, call->args[5], sizeof(q.namecap));
		if (r < 0)
			return r;
		if (q.namecap < 0)
			return -EINVAL;
		q.name = call->args[4];
		q.namelen_at = call->args[5];
	}
	return recv_start(s, call, e, &q);
}

long inet_recvmsg(struct sentry *s, struct platform_call *call, struct inet_sock *e, int host,
		  uint64_t msg, int flags, uint64_t mmsg_len)
{
	static struct recv_req q;
	memset(&q, 0, sizeof(q));
	struct msghdr m;
	int r = call->ops->read_mem(call, &m, msg, sizeof(m));
	if (r < 0)
		return r;
	if (m.msg_iovlen > IOV_MAX_KERNEL)
		return -EMSGSIZE;
	if (m.msg_iovlen) {
		r = call->ops->read_mem(call, q.uiov, (uint64_t)(uintptr_t)m.msg_iov,
					m.msg_iovlen * sizeof(struct iovec));
		if (r < 0)
			return r;
	}
	q.n = m.msg_iovlen;
	for (size_t i = 0; i < q.n; i++) {
		if ((ssize_t)q.uiov[i].iov_len < 0)
			return -EINVAL;
		size_t l = q.uiov[i].iov_len < RECV_MAX - q.len ? q.uiov[i].iov_len : RECV_MAX - q.len;
		q.len += l;
	}
	q.host = host;
	q.flags = flags & ~MSG_WAITFORONE;
	q.msg_at = msg;
	q.mmsg_len_at = mmsg_len;
	if (m.msg_name) {
		q.namecap = (int)m.msg_namelen;
		if (q.namecap < 0)
			return -EINVAL;
		q.name = (uint64_t)(uintptr_t)m.msg_name;
		q.namelen_at = msg + offsetof(struct msghdr, msg_namelen);
	}
	return recv_start(s, call, e, &q);
}

/* An accepted connection: its peer's address where the program asked,
 * then the fd. */
static long accept_done(const struct sentry *s, struct platform_call *call,
			const struct inet_sock *e, int fd, const struct sockaddr_storage *from,
			socklen_t fromlen, uint64_t addr, uint64_t addrlen, int cap, int flags)
{
	struct sock_addr a;
	inet_from_host(s, e, from, fromlen, &a);
	long r = 0;
	if (addr) {
		int alen = (int)a.len;
		size_t c = (size_t)(cap < alen ? cap : alen);
		struct platform_iov w[2] = {{addr, &a.ss, c}, {addrlen, &alen, sizeof(alen)}};
		r = call->ops->write_memv(call, c ? w : w + 1, c ? 2 : 1) < 0 ? -EFAULT : 0;
	}
	struct platform_fd pf = {.fd = fd, .borrowed = true, .how = -1};
	if (r == 0 && fstat(fd, &pf.st) < 0)
		r = -errno;
	if (r == 0) {
		r = call->ops->reply_fd(call, &pf, (flags & SOCK_CLOEXEC) ? O_CLOEXEC : 0);
		r = r < 0 ? r : SYS_REPLIED;
	}
	close(fd);
	return r;
}

/* accept4 in the sentry when poll said a connection waits: under an
 * SO_RCVTIMEO of 20 ms, so a waiter that takes it first (another thread's
 * blocking accept) costs a moment, not the sentry. */
static int accept_bounded(int host, struct sockaddr_storage *from, socklen_t *fromlen, int flags)
{
	struct timeval old, guard = {0, 20000};
	socklen_t l = sizeof(old);
	bool set = getsockopt(host, SOL_SOCKET, SO_RCVTIMEO, &old, &l) == 0 &&
		   setsockopt(host, SOL_SOCKET, SO_RCVTIMEO, &guard, sizeof(guard)) == 0;
	*fromlen = sizeof(*from);
	int fd = accept4(host, (struct sockaddr *)from, fromlen, SOCK_CLOEXEC | (flags & SOCK_NONBLOCK));
	int err = errno;
	if (set)
		setsockopt(host, SOL_SOCKET, SO_RCVTIMEO, &old, sizeof(old));
	return fd < 0 ? -err : fd;
}

long inet_accept(struct sentry *s, struct platform_call *call, struct inet_sock *e, int host,
		 uint64_t addr, uint64_t addrlen, int flags)
{
	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	if (e->type != SOCK_STREAM)
		return -EOPNOTSUPP;
	if (!e->listening)
		return -EINVAL;
	int cap = 0;
	if (addr) {
		int r = call->ops->read_mem(call, &cap, addrlen, sizeof(cap));
		if (r < 0)
			return r;
		if (cap < 0)
			return -EINVAL;
	}
	struct sockaddr_storage from;
	socklen_t fromlen;
	bool wait = blocking(host, 0);
	struct pollfd p = {.fd = host, .events = POLLIN};
	if (poll(&p, 1, 0) > 0 && (p.revents & POLLIN)) {
		int fd = accept_bounded(host, &from, &fromlen, flags);
		if (fd >= 0)
			return accept_done(s, call, e, fd, &from, fromlen, addr, addrlen, cap, flags);
		if (fd != -EAGAIN || !wait)
			return fd;
	} else if (!wait) {
		return -EAGAIN;
	}
	/* The waiter polls, then accepts as above: a connection is taken
	 * only with the call still there, so a signal to the task need not
	 * kill it (it sees the call gone at its next tick). */
	long intr = recv_timeout_ms(host) ? -EINTR : -ERESTARTSYS;
	pid_t pid = fork_waiter(call);
	if (pid < 0)
		return pid;
	if (pid > 0)
		return SYS_REPLIED;
	int fd;
	for (;;) {
		if (poll(&p, 1, -1) < 0 && errno != EINTR) {
			fd = -errno;
			break;
		}
		if (!(p.revents & POLLIN)) {
			/* natively a waiting connection is taken whatever is pending */
			if (!sentry_wait_goes_on(call, intr))
				_exit(0);
			continue;
		}
		if (!call->ops->valid(call))
			_exit(0);
		sigset_t old;
		alarm_block(&old);
		fd = accept_bounded(host, &from, &fromlen, flags);
		if (fd != -EAGAIN)
			break;
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	sentry_waiter_untick();
	long r = fd < 0 ? fd : accept_done(s, call, e, fd, &from, fromlen, addr, addrlen, cap, flags);
	if (r != SYS_REPLIED && r != -ENOENT)
		call->ops->reply(call, r);
	_exit(0);
}
