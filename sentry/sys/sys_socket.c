/* bind, connect, getsockname and getpeername, for every family.
 *
 * The sentry copies the address once and makes the call itself on its copy
 * of the program's socket (pidfd_getfd), with no more privilege than the
 * program has (host_act.c): never SECCOMP_USER_NOTIF_FLAG_CONTINUE, since a
 * racing thread could rewrite an address after it was looked at, or put
 * another socket at the fd number. A unix socket's address is translated
 * (sock_addr.c); a connect that may block is made by a waiter
 * (sock_wait.c). Sends are in sock_send.c. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/closer.h"
#include "sentry/kernel/host_act.h"
#include "sentry/net/inet.h"
#include "sentry/net/sock_addr.h"
#include "sentry/net/sock_wait.h"
#include "sentry/sys/sys.h"
#include "sentry/sys/sys_args.h"

SYS_HANDLER(bind)
{
	/* The kernel looks the fd up before it copies the address. */
	_cleanup_copy_ int host = call->ops->copy_fd(call, (int)call->args[0]);
	if (host < 0)
		return host;
	int domain, type;
	int r = sock_kind(host, &domain, &type);
	if (r < 0)
		return r;
	struct sock_addr a;
	r = sock_addr_read(call, call->args[1], call->args[2], &a);
	if (r < 0)
		return r;
	if (!call->ops->valid(call))
		return -ENOENT;
	if (domain == AF_UNIX && inet_enabled(s)) {
		struct inet_sock *e = inet_find(s, host);
		if (e)
			return inet_bind(s, call, e, host, &a);
	}
	if (domain == AF_UNIX) {
		struct vfs_ctx *c = sys_ctx(s, call);
		NEED_VFS(c);
		return sock_unix_bind(s, c, host, &a);
	}
	/* A host network socket the program was given: nothing of the host's
	 * network is the sandbox's to bind. */
	if (inet_enabled(s) && domain != AF_NETLINK)
		return -EADDRNOTAVAIL;
	struct host_privs hp;
	host_act_begin(&hp);
	r = bind(host, (struct sockaddr *)&a.ss, a.len) < 0 ? -errno : 0;
	host_act_end(&hp);
	return r;
}

/* Sockets whose connect returns at once whatever the file's flags say: it
 * then runs in the sentry. Any other (TCP, unix stream and seqpacket, a
 * family not listed) may wait for a peer, and goes to a waiter. */
static bool connect_never_waits(int domain, int type)
{
	switch (domain) {
	case AF_UNIX:
	case AF_INET:
	case AF_INET6:
		return type == SOCK_DGRAM || (domain != AF_UNIX && type == SOCK_RAW);
	case AF_NETLINK:
		return true;
	default:
		return false;
	}
}

SYS_HANDLER(connect)
{
	_cleanup_(sock_addr_release) struct sock_addr a = {.pin = -1};
	int r = sock_addr_read(call, call->args[1], call->args[2], &a);
	if (r < 0)
		return r;
	_cleanup_copy_ int host = call->ops->copy_fd(call, (int)call->args[0]);
	if (host < 0)
		return host;
	int domain, type;
	r = sock_kind(host, &domain, &type);
	if (r < 0)
		return r;
	if (domain == AF_UNIX && inet_enabled(s)) {
		struct inet_sock *e = inet_find(s, host);
		if (e)
			return inet_connect(s, call, e, host, &a);
	}
	if (domain == AF_UNIX) {
		struct vfs_ctx *c = sys_ctx(s, call);
		NEED_VFS(c);
		r = sock_addr_to_host(s, c, &a);
		if (r < 0)
			return r;
	} else if (inet_enabled(s) && domain != AF_NETLINK) {
		return -ENETUNREACH; /* a host network socket the program was given */
	}
	if (!call->ops->valid(call))
		return -ENOENT;
	if (!connect_never_waits(domain, type)) {
		struct sock_wait w = {.op = SOCK_WAIT_CONNECT, .host = host,
				      .addr = (struct sockaddr *)&a.ss, .addrlen = a.len};
		return sock_wait_start(call, &w);
	}
	struct host_privs hp;
	host_act_begin(&hp);
	r = connect(host, (struct sockaddr *)&a.ss, a.len) < 0 ? -errno : 0;
	host_act_end(&hp);
	return r;
}

/* getsockname and getpeername: the kernel's answer on the sentry's copy,
 * as the program's address (a unix socket's sandbox path or abstract name),
 * copied out as move_addr_to_user does. */
static long get_name(struct sentry *s, struct platform_call *call, bool peer)
{
	_cleanup_copy_ int host = call->ops->copy_fd(call, (int)call->args[0]);
	if (host < 0)
		return host;
	struct sock_addr a = {.len = sizeof(a.ss)};
	struct inet_sock *e = inet_find(s, host);
	int r = e ? inet_name(s, e, host, peer, &a) : 0;
	if (r < 0)
		return r;
	if (!e)
		r = peer ? getpeername(host, (struct sockaddr *)&a.ss, &a.len)
		     : getsockname(host, (struct sockaddr *)&a.ss, &a.len);
	if (r < 0)
		return -errno;
	if (a.len > sizeof(a.ss))
		a.len = sizeof(a.ss);
	if (!e)
		sock_addr_to_program(s, &a);
	int len;
	r = call->ops->read_mem(call, &len, call->args[2], sizeof(len));
	if (r < 0)
		return r;
	if (len > (int)a.len)
		len = (int)a.len;
	if (len < 0)
		return -EINVAL;
	if (len && call->ops->write_mem(call, call->args[1], &a.ss, (size_t)len) < 0)
		return -EFAULT;
	int full = (int)a.len;
	return call->ops->write_mem(call, call->args[2], &full, sizeof(full)) < 0 ? -EFAULT : 0;
}

SYS_HANDLER(getsockname)
{
	return get_name(s, call, false);
}

SYS_HANDLER(getpeername)
{
	return get_name(s, call, true);
}
