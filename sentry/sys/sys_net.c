/* The socket calls trapped only with --unshare-net (filter.c): socket,
 * listen, accept, accept4, recvfrom with an address, recvmsg, recvmmsg,
 * getsockopt and setsockopt. On one of the sandbox's inet sockets
 * (sentry/net/inet.h) the sentry serves them; on any other socket they
 * are the kernel's, continued as they were made: the fd's kind is all
 * that was looked at, and whatever a racing thread puts at the number
 * meanwhile is one of the program's own sockets, on which the native call
 * reaches nothing outside (an inet socket of the sandbox is a unix socket
 * on a rendezvous; continued, it shows its unix name, no more). */
#include <errno.h>
#include <stddef.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/closer.h"
#include "sentry/net/inet.h"
#include "sentry/sys/sys.h"

static long continue_call(struct platform_call *call)
{
	int r = call->ops->reply_continue(call);
	return r < 0 ? r : SYS_REPLIED;
}

/* The sentry's copy of the socket at args[0] and its entry, or NULL (then
 * *ret is the result: continue, or an error). */
static struct inet_sock *emulated(struct sentry *s, struct platform_call *call, int *host,
				  long *ret)
{
	*host = call->ops->copy_fd(call, (int)call->args[0]);
	if (*host < 0) {
		*ret = *host;
		return NULL;
	}
	struct inet_sock *e = inet_find(s, *host);
	if (!e) {
		closer_close(*host);
		*host = -1;
		*ret = continue_call(call);
	}
	return e;
}

SYS_HANDLER(socket)
{
	return inet_socket(s, call);
}

SYS_HANDLER(listen)
{
	int host;
	long r;
	struct inet_sock *e = emulated(s, call, &host, &r);
	if (!e)
		return r;
	r = inet_listen(s, e, host, (int)call->args[1]);
	closer_close(host);
	return r;
}

static long accept_common(struct sentry *s, struct platform_call *call, int flags)
{
	int host;
	long r;
	struct inet_sock *e = emulated(s, call, &host, &r);
	if (!e)
		return r;
	r = inet_accept(s, call, e, host, call->args[1], call->args[2], flags);
	closer_close(host);
	return r;
}

SYS_HANDLER(accept)
{
	return accept_common(s, call, 0);
}

SYS_HANDLER(accept4)
{
	return accept_common(s, call, (int)call->args[3]);
}

SYS_HANDLER(recvfrom)
{
	int host;
	long r;
	struct inet_sock *e = emulated(s, call, &host, &r);
	if (!e)
		return r;
	r = inet_recvfrom(s, call, e, host);
	closer_close(host);
	return r;
}

SYS_HANDLER(recvmsg)
{
	int host;
	long r;
	struct inet_sock *e = emulated(s, call, &host, &r);
	if (!e)
		return r;
	r = inet_recvmsg(s, call, e, host, call->args[1], (int)call->args[2], 0);
	closer_close(host);
	return r;
}

/* One message per call on an emulated socket (the count may be smaller
 * than the kernel's, which the call allows); the timeout is not kept. */
SYS_HANDLER(recvmmsg)
{
	int host;
	long r;
	struct inet_sock *e = emulated(s, call, &host, &r);
	if (!e)
		return r;
	if ((unsigned)call->args[2] == 0)
		r = 0;
	else
		r = inet_recvmsg(s, call, e, host, call->args[1], (int)call->args[3],
				 call->args[1] + offsetof(struct mmsghdr, msg_len));
	closer_close(host);
	return r;
}

SYS_HANDLER(getsockopt)
{
	int host;
	long r;
	struct inet_sock *e = emulated(s, call, &host, &r);
	if (!e)
		return r;
	r = inet_getsockopt(s, call, e, host);
	closer_close(host);
	return r;
}

SYS_HANDLER(setsockopt)
{
	int host;
	long r;
	struct inet_sock *e = emulated(s, call, &host, &r);
	if (!e)
		return r;
	r = inet_setsockopt(s, call, e, host);
	closer_close(host);
	return r;
}
