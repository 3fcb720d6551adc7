/* The sandbox's network namespace: emulated inet sockets (inet.h).
 *
 * Invariants: every entry's ino names a unix socket the sentry made for
 * an inet socket(), or one the kernel made by accepting on such a socket;
 * an entry with `bound` has its rendezvous in `path` (the unix socket is
 * bound there, the name encodes family, type and address) and holds its
 * port: no other entry of the same type may bind an overlapping address
 * to it unless the SO_REUSEADDR/SO_REUSEPORT rules say so. Entries are the
 * sentry's (s->net), freed with it or when their socket is gone. */
#include "sentry/net/inet.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "sentry/kernel/host_act.h"
#include "sentry/kernel/sentry.h"
#include "sentry/kernel/shadow.h"
#include "sentry/net/sock_wait.h"
#include "sentry/sys/syscalls.h"

#define EPH_LOW 32768 /* net.ipv4.ip_local_port_range's default */
#define EPH_HIGH 60999

/* A socket option the program set at an inet level, reported back. */
struct inet_opt {
	int level, name, value;
	struct inet_opt *next;
};

struct inet_net {
	struct inet_sock *socks;
	size_t n, n_pruned;
	char dir[108]; /* where the rendezvous live (the first one's directory) */
	unsigned next_port;
	/* Netlink requests sent without an address (send, write) land here:
	 * every netlink socket is connected to it (inet_netlink.c). */
	int nl_sink;
	char nl_sink_path[108];
	/* Delivery locks (inet_recv.c): OFD locks on one byte per socket
	 * (its inode number) of a scratch file; the sentry's fd here, each
	 * waiter opens its own. */
	int lock_fd;
	char lock_path[108];
};

bool inet_enabled(const struct sentry *s)
{
	return s->net != NULL;
}

int inet_init(struct sentry *s)
{
	s->net = calloc(1, sizeof(*s->net));
	if (!s->net)
		return -ENOMEM;
	s->net->next_port = EPH_LOW + (unsigned)getpid() % (EPH_HIGH - EPH_LOW);
	s->net->nl_sink = -1;
	s->net->lock_fd = -1;
	return 0;
}

static void sock_free(struct inet_sock *e)
{
	for (struct inet_opt *o = e->opts, *next; o; o = next) {
		next = o->next;
		free(o);
	}
	free(e);
}

void inet_fini(struct sentry *s)
{
	if (!s->net)
		return;
	for (struct inet_sock *e = s->net->socks, *next; e; e = next) {
		next = e->next;
		sock_free(e);
	}
	if (s->net->nl_sink >= 0)
		close(s->net->nl_sink);
	if (s->net->lock_fd >= 0)
		close(s->net->lock_fd);
	free(s->net);
	s->net = NULL;
}

static int cmp_ino(const void *a, const void *b)
{
	ino_t x = *(const ino_t *)a, y = *(const ino_t *)b;
	return x < y ? -1 : x > y;
}

/* Drops the entries whose socket no longer exists: /proc/net/unix lists
 * every unix socket of the sentry's network namespace with its inode. */
static void prune(struct inet_net *net)
{
	FILE *f = fopen("/proc/net/unix", "re");
	if (!f)
		return;
	size_t n = 0, cap = 256;
	ino_t *live = malloc(cap * sizeof(*live));
	char line[512];
	while (live && fgets(line, sizeof(line), f)) {
		unsigned long ino;
		if (sscanf(line, "%*s %*x %*x %*x %*x %*x %lu", &ino) != 1)
			continue;
		if (n == cap) {
			ino_t *more = realloc(live, 2 * cap * sizeof(*live));
			if (!more)
				break;
			live = more;
			cap *= 2;
		}
		live[n++] = (ino_t)ino;
	}
	fclose(f);
	if (!live)
		return;
	qsort(live, n, sizeof(*live), cmp_ino);
	for (struct inet_sock **pp = &net->socks; *pp;) {
		struct inet_sock *e = *pp;
		if (bsearch(&e->ino, live, n, sizeof(*live), cmp_ino)) {
			pp = &e->next;
			continue;
		}
		*pp = e->next;
		if (e->path[0])
			unlink(e->path);
		sock_free(e);
		net->n--;
	}
	net->n_pruned = net->n;
	free(live);
}

static struct inet_sock *add_entry(struct inet_net *net, ino_t ino, int family, int type)
{
	if (net->n >= 64 && net->n >= 2 * net->n_pruned)
		prune(net);
	struct inet_sock *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->ino = ino;
	e->family = family;
	e->type = type;
	e->protocol = type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
	e->local.family = family;
	e->next = net->socks;
	net->socks = e;
	net->n++;
	return e;
}

static bool is_connected(int host)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);
	return getpeername(host, (struct sockaddr *)&ss, &l) == 0;
}

/* The rendezvous path `h` names, if it is one of this sandbox's. */
static bool host_name(const struct inet_net *net, const struct sockaddr_storage *h, socklen_t hlen,
		      int *family, int *type, struct inet_addr *ia)
{
	const struct sockaddr_un *un = (const struct sockaddr_un *)h;
	if (hlen <= offsetof(struct sockaddr_un, sun_path) || un->sun_family != AF_UNIX)
		return false;
	char path[sizeof(un->sun_path) + 1];
	size_t l = strnlen(un->sun_path, hlen - offsetof(struct sockaddr_un, sun_path));
	memcpy(path, un->sun_path, l);
	path[l] = '\0';
	return inet_path_parse(path, net->dir, family, type, ia);
}

struct inet_sock *inet_find(struct sentry *s, int host)
{
	if (!s->net)
		return NULL;
	struct stat st;
	if (fstat(host, &st) < 0 || !S_ISSOCK(st.st_mode))
		return NULL;
	for (struct inet_sock *e = s->net->socks; e; e = e->next)
		if (e->ino == st.st_ino)
			return e;
	/* Not made by socket(): accepted on a listener of ours, whose name
	 * the kernel gave it; its peer is the connecting socket's rendezvous. */
	struct sockaddr_storage h;
	socklen_t hl = sizeof(h);
	int family, type;
	struct inet_addr local, peer;
	if (getsockname(host, (struct sockaddr *)&h, &hl) < 0 ||
	    !host_name(s->net, &h, hl, &family, &type, &local) || type != SOCK_STREAM)
		return NULL;
	hl = sizeof(h);
	int pf, pt;
	if (getpeername(host, (struct sockaddr *)&h, &hl) < 0 ||
	    !host_name(s->net, &h, hl, &pf, &pt, &peer))
		return NULL;
	struct inet_sock *e = add_entry(s->net, st.st_ino, family, type);
	if (!e)
		return NULL;
	if (inet_addr_any(&peer)) {
		uint16_t port = peer.port;
		inet_addr_lo(peer.family, &peer);
		peer.port = port;
	}
	if (inet_addr_any(&local)) {
		uint16_t port = local.port;
		inet_addr_lo(peer.family, &local);
		local.port = port;
	}
	e->bound = true;
	e->local = local;
	e->has_peer = true;
	e->peer = peer;
	return e;
}

static long make_socket(struct sentry *s, struct platform_call *call, int domain, int base,
			int flags);

long inet_socket(struct sentry *s, struct platform_call *call)
{
	int domain = (int)call->args[0], type = (int)call->args[1], proto = (int)call->args[2];
	int base = type & 0xf, flags = type & ~0xf;
	if (domain == AF_UNIX || !s->net ||
	    (domain == AF_NETLINK && proto == NETLINK_KOBJECT_UEVENT)) {
		/* Nothing to decide from memory: the kernel's, as it is. */
		int r = call->ops->reply_continue(call);
		return r < 0 ? r : SYS_REPLIED;
	}
	if (domain == AF_NETLINK) {
		/* The rest of netlink reports on the host's network (sock_diag
		 * its sockets, generic netlink its devices): only routing is
		 * emulated. */
		if (proto != NETLINK_ROUTE)
			return -EPROTONOSUPPORT;
		if (base != SOCK_RAW && base != SOCK_DGRAM)
			return -ESOCKTNOSUPPORT;
		if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
			return -EINVAL;
		return make_socket(s, call, AF_NETLINK, base, flags);
	}
	if (domain == AF_PACKET)
		return -EPERM; /* no CAP_NET_RAW, as for an unprivileged user */
	if (domain != AF_INET && domain != AF_INET6)
		return -EAFNOSUPPORT;
	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	switch (base) {
	case SOCK_STREAM:
		if (proto != 0 && proto != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
		break;
	case SOCK_DGRAM:
		if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6)
			return -EACCES; /* ping sockets: ping_group_range "1 0" */
		if (proto != 0 && proto != IPPROTO_UDP)
			return -EPROTONOSUPPORT;
		break;
	case SOCK_RAW:
	case SOCK_PACKET:
		return -EPERM;
	default:
		return -ESOCKTNOSUPPORT;
	}
	return make_socket(s, call, domain, base, flags);
}

static int bind_as_program(int host, const char *path);

/* The unix socket behind an emulated one, its entry, and the handover. A
 * netlink socket is bound to its rendezvous at once: answers are sent to
 * it there. */
static long make_socket(struct sentry *s, struct platform_call *call, int domain, int base,
			int flags)
{
	int fd = socket(AF_UNIX, (base == SOCK_STREAM ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC |
					 (flags & SOCK_NONBLOCK), 0);
	if (fd < 0)
		return -errno;
	struct platform_fd pf = {.fd = fd, .borrowed = true, .how = -1};
	long r = fstat(fd, &pf.st) < 0 ? -errno : 0;
	struct inet_sock *e = r == 0 ? add_entry(s->net, pf.st.st_ino, domain, base) : NULL;
	if (r == 0 && !e)
		r = -ENOMEM;
	if (r == 0 && domain == AF_NETLINK) {
		char base_path[96];
		e->protocol = NETLINK_ROUTE;
		r = shadow_socket_path(s->shadows, base_path, sizeof(base_path));
		if (r == 0) {
			snprintf(e->path, sizeof(e->path), "%s.nl", base_path);
			r = bind_as_program(fd, e->path);
		}
		int sink = r == 0 ? inet_netlink_sink(s) : -1;
		if (r == 0 && sink < 0)
			r = sink;
		if (r == 0) {
			struct sockaddr_un un = {.sun_family = AF_UNIX};
			memcpy(un.sun_path, s->net->nl_sink_path, strlen(s->net->nl_sink_path));
			r = connect(fd, (struct sockaddr *)&un, sizeof(un)) < 0 ? -errno : 0;
		}
	}
	if (r == 0) {
		r = call->ops->reply_fd(call, &pf, (flags & SOCK_CLOEXEC) ? O_CLOEXEC : 0);
		r = r < 0 ? r : SYS_REPLIED;
	}
	close(fd);
	return r;
}

enum cover { COVER_NONE, COVER_ONE, COVER_ALL };

/* Which addresses of `fam` a bound entry takes. */
static enum cover cover(const struct inet_sock *e, int fam)
{
	bool any = inet_addr_any(&e->local);
	if (e->local.family == fam)
		return any ? COVER_ALL : COVER_ONE;
	if (fam == AF_INET && e->local.family == AF_INET6 && any && !e->v6only)
		return COVER_ALL;
	return COVER_NONE;
}

static bool overlap(const struct inet_sock *x, const struct inet_sock *y)
{
	static const int fams[] = {AF_INET, AF_INET6};
	for (size_t i = 0; i < 2; i++) {
		enum cover cx = cover(x, fams[i]), cy = cover(y, fams[i]);
		if (cx == COVER_NONE || cy == COVER_NONE)
			continue;
		if (cx == COVER_ALL || cy == COVER_ALL || inet_addr_eq(&x->local, &y->local))
			return true;
	}
	return false;
}

/* Whether `e` (local set, not bound yet) may take its port. */
static bool port_free(struct inet_net *net, const struct inet_sock *e, bool reuseaddr)
{
	for (struct inet_sock *o = net->socks; o; o = o->next) {
		if (o == e || !o->bound || o->type != e->type || o->local.port != e->local.port ||
		    !overlap(e, o))
			continue;
		if (e->reuseport && o->reuseport)
			continue;
		/* SO_REUSEADDR on both: UDP shares; TCP unless one listens. */
		if (reuseaddr && o->reuseaddr && (e->type == SOCK_DGRAM || !o->listening))
			continue;
		return false;
	}
	return true;
}

static int bind_as_program(int host, const char *path)
{
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(un.sun_path))
		return -ENAMETOOLONG;
	memcpy(un.sun_path, path, strlen(path));
	struct host_privs hp;
	host_act_begin(&hp);
	int r = bind(host, (struct sockaddr *)&un, sizeof(un)) < 0 ? -errno : 0;
	host_act_end(&hp);
	return r;
}

/* Binds e to `ia` (port 0: an ephemeral one): the port, then the unix
 * socket at its rendezvous. */
static int do_bind(struct sentry *s, struct inet_sock *e, int host, const struct inet_addr *ia)
{
	struct inet_net *net = s->net;
	int one = 0;
	socklen_t l = sizeof(one);
	bool reuseaddr = getsockopt(host, SOL_SOCKET, SO_REUSEADDR, &one, &l) == 0 && one;
	e->local = *ia;
	if (ia->port) {
		if (!port_free(net, e, reuseaddr)) {
			prune(net);
			if (!port_free(net, e, reuseaddr))
				return -EADDRINUSE;
		}
	} else {
		bool found = false;
		for (int pass = 0; pass < 2 && !found; pass++) {
			for (unsigned i = 0; i <= EPH_HIGH - EPH_LOW && !found; i++) {
				unsigned p = net->next_port++;
				if (net->next_port > EPH_HIGH)
					net->next_port = EPH_LOW;
				e->local.port = (uint16_t)p;
				found = port_free(net, e, false);
			}
			if (!found)
				prune(net);
		}
		if (!found)
			return -EADDRINUSE;
	}
	char base[96], path[108];
	int r = shadow_socket_path(s->shadows, base, sizeof(base));
	if (r < 0)
		return r;
	if (!net->dir[0]) {
		char *slash = strrchr(base, '/');
		if (slash && (size_t)(slash - base) < sizeof(net->dir))
			memcpy(net->dir, base, (size_t)(slash - base));
	}
	r = inet_path_name(path, sizeof(path), base, e->family, e->type, &e->local);
	if (r == 0)
		r = bind_as_program(host, path);
	if (r < 0)
		return r == -EINVAL ? -EINVAL : r;
	snprintf(e->path, sizeof(e->path), "%s", path);
	e->bound = true;
	e->reuseaddr = reuseaddr;
	return 0;
}

static bool task_capable(struct sentry *s, struct platform_call *call, int cap)
{
	struct sentry_task *t = sentry_task_find(s, call->tid);
	return t && creds_capable(&t->creds, cap);
}

static int netlink_bind(struct sentry *s, struct platform_call *call, struct inet_sock *e,
			const struct sock_addr *a)
{
	struct sockaddr_nl nl;
	if (a->len < sizeof(nl))
		return -EINVAL;
	memcpy(&nl, &a->ss, sizeof(nl));
	if (nl.nl_family != AF_NETLINK)
		return -EINVAL;
	if (e->nl_pid && nl.nl_pid && nl.nl_pid != e->nl_pid)
		return -EINVAL;
	for (struct inet_sock *o = s->net->socks; nl.nl_pid && !e->nl_pid && o; o = o->next)
		if (o != e && o->family == AF_NETLINK && o->nl_pid == nl.nl_pid)
			return -EADDRINUSE;
	if (nl.nl_pid && !e->nl_pid)
		e->nl_pid = nl.nl_pid;
	inet_netlink_autobind(s, call, e);
	e->nl_groups = nl.nl_groups;
	return 0;
}

int inet_recv_lock(struct sentry *s, ino_t ino, bool wait, bool reopen)
{
	struct inet_net *net = s->net;
	if (!net->lock_path[0]) {
		char base[96];
		int r = shadow_socket_path(s->shadows, base, sizeof(base));
		if (r < 0)
			return r;
		snprintf(net->lock_path, sizeof(net->lock_path), "%s.lock", base);
	}
	if (reopen && net->lock_fd >= 0) {
		close(net->lock_fd); /* the sentry's OFD: a lock of its own is needed */
		net->lock_fd = -1;
	}
	if (net->lock_fd < 0) {
		net->lock_fd = open(net->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (net->lock_fd < 0)
			return -errno;
	}
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = (off_t)ino,
			   .l_len = 1};
	if (fcntl(net->lock_fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &fl) == 0)
		return 1;
	return errno == EAGAIN || errno == EACCES ? 0 : -errno;
}

void inet_recv_unlock(struct sentry *s, ino_t ino)
{
	struct flock fl = {.l_type = F_UNLCK, .l_whence = SEEK_SET, .l_start = (off_t)ino,
			   .l_len = 1};
	fcntl(s->net->lock_fd, F_OFD_SETLK, &fl);
}

int inet_netlink_sink(struct sentry *s)
{
	struct inet_net *net = s->net;
	if (net->nl_sink >= 0)
		return net->nl_sink;
	char base[96];
	int r = shadow_socket_path(s->shadows, base, sizeof(base));
	if (r < 0)
		return r;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	snprintf(net->nl_sink_path, sizeof(net->nl_sink_path), "%s.sink", base);
	r = bind_as_program(fd, net->nl_sink_path);
	if (r < 0) {
		close(fd);
		return r;
	}
	net->nl_sink = fd;
	return fd;
}

struct inet_sock *inet_netlink_by_path(struct sentry *s, const char *path)
{
	for (struct inet_sock *e = s->net->socks; e; e = e->next)
		if (e->family == AF_NETLINK && strcmp(e->path, path) == 0)
			return e;
	return NULL;
}

void inet_netlink_autobind(struct sentry *s, struct platform_call *call, struct inet_sock *e)
{
	if (e->nl_pid)
		return;
	/* As the kernel: the thread group's id first, then numbers of its
	 * own (negative as ints) that nothing else holds. */
	struct sentry_task *t = sentry_task_find(s, call->tid);
	uint32_t want = t ? (uint32_t)sentry_task_tgid(t) : 0;
	static uint32_t next = 0xfffff000u;
	for (;;) {
		bool taken = !want;
		for (struct inet_sock *o = s->net->socks; !taken && o; o = o->next)
			taken = o != e && o->family == AF_NETLINK && o->nl_pid == want;
		if (!taken)
			break;
		want = next--;
	}
	e->nl_pid = want;
}

int inet_bind(struct sentry *s, struct platform_call *call, struct inet_sock *e, int host,
	      const struct sock_addr *a)
{
	if (e->family == AF_NETLINK)
		return netlink_bind(s, call, e, a);
	struct inet_addr ia;
	int r = inet_addr_parse(&a->ss, a->len, e->family, &ia);
	if (r < 0)
		return r;
	if (e->bound)
		return -EINVAL;
	if (e->family == AF_INET6 && ia.family == AF_INET && e->v6only)
		return -EINVAL;
	if (!inet_addr_any(&ia) && !inet_addr_loopback(&ia))
		return -EADDRNOTAVAIL; /* lo is the only interface */
	/* net.ipv4.ip_unprivileged_port_start: 1024 */
	if (ia.port && ia.port < 1024 && !task_capable(s, call, CAP_NET_BIND_SERVICE))
		return -EACCES;
	return do_bind(s, e, host, &ia);
}

/* The bound socket a loopback destination reaches: for a stream, one that
 * listens. An exact address first, then a wildcard. */
static struct inet_sock *target(struct inet_net *net, int type, const struct inet_addr *dst)
{
	struct inet_sock *wild = NULL;
	for (struct inet_sock *o = net->socks; o; o = o->next) {
		if (!o->bound || o->type != type || o->local.port != dst->port ||
		    (type == SOCK_STREAM && !o->listening))
			continue;
		enum cover c = cover(o, dst->family);
		if (c == COVER_ONE && inet_addr_eq(&o->local, dst))
			return o;
		if (c == COVER_ALL && !wild)
			wild = o;
	}
	return wild;
}

/* A destination for connect or sendto: 0 with *dst a loopback address, or
 * -ENETUNREACH, or the parse's error. */
static int destination(const struct inet_sock *e, const struct sock_addr *a, struct inet_addr *dst)
{
	int r = inet_addr_parse(&a->ss, a->len, e->family, dst);
	if (r < 0)
		return r;
	if (e->family == AF_INET6 && dst->family == AF_INET && e->v6only)
		return -ENETUNREACH;
	if (inet_addr_any(dst)) {
		/* 0.0.0.0 and :: mean this host: loopback here. */
		uint16_t port = dst->port;
		inet_addr_lo(dst->family, dst);
		dst->port = port;
	}
	return inet_addr_loopback(dst) ? 0 : -ENETUNREACH;
}

/* A socket that sends or connects without a port gets one (inet_autobind):
 * a connect's source is the loopback address the route gives, a send's
 * the wildcard, as getsockname shows them on Linux. */
static int autobind(struct sentry *s, struct inet_sock *e, int host, int family, bool any)
{
	if (e->bound)
		return 0;
	struct inet_addr lo = {.family = e->family};
	if (!any)
		inet_addr_lo(family, &lo);
	return do_bind(s, e, host, &lo);
}

static socklen_t unix_addr(const char *path, struct sockaddr_storage *ss)
{
	struct sockaddr_un *un = (struct sockaddr_un *)ss;
	memset(ss, 0, sizeof(*ss));
	un->sun_family = AF_UNIX;
	size_t l = strlen(path);
	memcpy(un->sun_path, path, l);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + l + 1);
}

long inet_connect(struct sentry *s, struct platform_call *call, struct inet_sock *e, int host,
		  const struct sock_addr *a)
{
	sa_family_t f = AF_UNSPEC;
	if (a->len >= sizeof(f))
		memcpy(&f, &a->ss, sizeof(f));
	if (e->family == AF_NETLINK) {
		/* Only the kernel is there to talk to; sends name it anyway. */
		if (a->len < sizeof(struct sockaddr_nl))
			return -EINVAL;
		if (f != AF_NETLINK)
			return -EINVAL;
		inet_netlink_autobind(s, call, e);
		return 0;
	}
	if (a->len >= sizeof(f) && f == AF_UNSPEC && e->type == SOCK_DGRAM) {
		/* Dissolves the association (udp_disconnect). */
		struct sockaddr_storage un = {.ss_family = AF_UNSPEC};
		e->has_peer = false;
		return connect(host, (struct sockaddr *)&un, sizeof(sa_family_t)) < 0 &&
			       errno != EINVAL ? -errno : 0;
	}
	struct inet_addr dst;
	int r = destination(e, a, &dst);
	if (r < 0)
		return r;
	if (e->type == SOCK_STREAM && is_connected(host))
		return -EISCONN;
	r = autobind(s, e, host, dst.family, false);
	if (r < 0)
		return r;
	struct inet_sock *t = target(s->net, e->type, &dst);
	if (!t) {
		if (e->type == SOCK_STREAM || dst.port == 0)
			return -ECONNREFUSED;
		/* UDP: connected, to nobody; sends go nowhere. */
		e->has_peer = true;
		e->peer = dst;
		return 0;
	}
	struct sockaddr_storage un;
	socklen_t ul = unix_addr(t->path, &un);
	if (!call->ops->valid(call))
		return -ENOENT;
	e->has_peer = true;
	e->peer = dst;
	if (e->type == SOCK_DGRAM) {
		struct host_privs hp;
		host_act_begin(&hp);
		r = connect(host, (struct sockaddr *)&un, ul) < 0 ? -errno : 0;
		host_act_end(&hp);
		return r;
	}
	struct sock_wait w = {.op = SOCK_WAIT_CONNECT, .host = host,
			      .addr = (struct sockaddr *)&un, .addrlen = ul};
	return sock_wait_start(call, &w);
}

int inet_listen(struct sentry *s, struct inet_sock *e, int host, int backlog)
{
	if (e->type != SOCK_STREAM)
		return -EOPNOTSUPP;
	if (!e->bound) {
		struct inet_addr any = {.family = e->family};
		int r = do_bind(s, e, host, &any);
		if (r < 0)
			return r;
	}
	if (listen(host, backlog) < 0)
		return -errno;
	e->listening = true;
	return 0;
}

int inet_name(struct sentry *s, struct inet_sock *e, int host, bool peer, struct sock_addr *ret)
{
	(void)s;
	if (e->family == AF_NETLINK) {
		struct sockaddr_nl nl = {.nl_family = AF_NETLINK};
		if (!peer) {
			nl.nl_pid = e->nl_pid;
			nl.nl_groups = e->nl_groups;
		}
		memset(ret, 0, sizeof(*ret));
		ret->pin = -1;
		memcpy(&ret->ss, &nl, sizeof(nl));
		ret->len = sizeof(nl);
		return 0;
	}
	struct inet_addr ia;
	if (!peer) {
		ia = e->local;
		if (e->bound && inet_addr_any(&ia) && e->has_peer && is_connected(host)) {
			inet_addr_lo(e->peer.family, &ia);
			ia.port = e->local.port;
		}
	} else {
		if (!e->has_peer)
			return -ENOTCONN;
		if (e->type == SOCK_STREAM && !is_connected(host))
			return -ENOTCONN;
		ia = e->peer;
	}
	memset(ret, 0, sizeof(*ret));
	ret->pin = -1;
	ret->len = inet_addr_render(&ia, e->family, &ret->ss);
	return 0;
}

int inet_send_dest(struct sentry *s, struct inet_sock *e, int host, struct sock_addr *a)
{
	if (e->type == SOCK_STREAM) {
		a->len = 0; /* TCP goes to its peer, whatever the address */
		return 0;
	}
	struct inet_addr dst;
	int r = destination(e, a, &dst);
	if (r < 0)
		return r;
	if (dst.port == 0)
		return -EINVAL;
	r = autobind(s, e, host, dst.family, true);
	if (r < 0)
		return r;
	struct inet_sock *t = target(s->net, SOCK_DGRAM, &dst);
	if (!t)
		return 1;
	a->len = unix_addr(t->path, &a->ss);
	return 0;
}

void inet_from_host(const struct sentry *s, const struct inet_sock *e,
		    const struct sockaddr_storage *h, socklen_t hlen, struct sock_addr *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->pin = -1;
	int family, type;
	struct inet_addr ia;
	if (!s->net || !host_name(s->net, h, hlen, &family, &type, &ia))
		return;
	/* A wildcard sender sent from the loopback address of the receiver's
	 * kind (a v4 socket hears only v4). */
	if (inet_addr_any(&ia) || (ia.family == AF_INET6 && e->family == AF_INET)) {
		uint16_t port = ia.port;
		inet_addr_lo(e->family == AF_INET ? AF_INET : ia.family, &ia);
		ia.port = port;
	}
	ret->len = inet_addr_render(&ia, e->family, &ret->ss);
}

static struct inet_opt *opt_find(struct inet_sock *e, int level, int name)
{
	for (struct inet_opt *o = e->opts; o; o = o->next)
		if (o->level == level && o->name == name)
			return o;
	return NULL;
}

/* The option levels e's protocol has besides SOL_SOCKET. */
static bool own_level(const struct inet_sock *e, int level)
{
	if (e->family == AF_NETLINK)
		return level == SOL_NETLINK;
	return level == IPPROTO_IP || level == IPPROTO_IPV6 || level == IPPROTO_TCP ||
	       level == IPPROTO_UDP;
}

static long continue_call(struct platform_call *call)
{
	int r = call->ops->reply_continue(call);
	return r < 0 ? r : SYS_REPLIED;
}

long inet_setsockopt(struct sentry *s, struct platform_call *call, struct inet_sock *e, int host)
{
	(void)s, (void)host;
	int level = (int)call->args[1], name = (int)call->args[2], len = (int)call->args[4];
	uint64_t val = call->args[3];
	if (level == SOL_SOCKET && name != SO_REUSEPORT)
		return continue_call(call); /* the unix socket's own, natively */
	if (level != SOL_SOCKET && !own_level(e, level))
		return -ENOPROTOOPT;
	if ((level == IPPROTO_IPV6 && e->family != AF_INET6) ||
	    (level == IPPROTO_TCP && e->type != SOCK_STREAM) ||
	    (level == IPPROTO_UDP && e->type != SOCK_DGRAM))
		return -ENOPROTOOPT;
	if (len < 1)
		return -EINVAL;
	int v = 0;
	unsigned char b[4] = {0};
	int r = call->ops->read_mem(call, b, val, len < 4 ? (size_t)len : 4);
	if (r < 0)
		return r;
	v = len < 4 ? b[0] : (int)((unsigned)b[0] | (unsigned)b[1] << 8 | (unsigned)b[2] << 16 |
				   (unsigned)b[3] << 24);
	if (level == SOL_SOCKET) {
		if (len < 4)
			return -EINVAL;
		e->reuseport = v != 0;
		return 0;
	}
	if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY) {
		if (len < 4)
			return -EINVAL;
		if (e->bound)
			return -EINVAL;
		e->v6only = v != 0;
		return 0;
	}
	struct inet_opt *o = opt_find(e, level, name);
	if (!o) {
		o = calloc(1, sizeof(*o));
		if (!o)
			return -ENOMEM;
		o->level = level;
		o->name = name;
		o->next = e->opts;
		e->opts = o;
	}
	o->value = v;
	return 0;
}

/* What an option nobody set reads as, in a fresh namespace on Linux. */
static int opt_default(const struct inet_sock *e, int host, int level, int name, int *v)
{
	*v = 0;
	if (level == IPPROTO_IP && name == IP_TTL)
		*v = 64;
	else if (level == IPPROTO_IPV6 && name == IPV6_UNICAST_HOPS)
		*v = 64;
	else if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY)
		*v = e->v6only;
	else if (level == IPPROTO_TCP && name == TCP_MAXSEG)
		*v = is_connected(host) ? 65483 : 536;
	else if (level == IPPROTO_TCP && name == TCP_KEEPIDLE)
		*v = 7200;
	else if (level == IPPROTO_TCP && name == TCP_KEEPINTVL)
		*v = 75;
	else if (level == IPPROTO_TCP && name == TCP_KEEPCNT)
		*v = 9;
	else if (level == IPPROTO_TCP && (name == TCP_INFO || name == TCP_CONGESTION))
		return -ENOPROTOOPT; /* structures and names: not emulated */
	return 0;
}

long inet_getsockopt(struct sentry *s, struct platform_call *call, struct inet_sock *e, int host)
{
	int level = (int)call->args[1], name = (int)call->args[2];
	uint64_t val = call->args[3], lenp = call->args[4];
	if (level == SOL_SOCKET && name != SO_DOMAIN && name != SO_PROTOCOL &&
	    name != SO_REUSEPORT && name != SO_PEERNAME && name != SO_TYPE)
		return continue_call(call);
	if (level != SOL_SOCKET && !own_level(e, level))
		return e->family == AF_NETLINK ? -ENOPROTOOPT : -EOPNOTSUPP;
	if ((level == IPPROTO_IPV6 && e->family != AF_INET6) ||
	    (level == IPPROTO_TCP && e->type != SOCK_STREAM))
		return -ENOPROTOOPT;
	int len;
	int r = call->ops->read_mem(call, &len, lenp, sizeof(len));
	if (r < 0)
		return r;
	if (len < 0)
		return -EINVAL;
	if (level == SOL_SOCKET && name == SO_PEERNAME) {
		struct sock_addr a;
		r = inet_name(s, e, host, true, &a);
		if (r < 0)
			return r;
		if ((socklen_t)len < a.len)
			return -EINVAL;
		len = (int)a.len;
		if (call->ops->write_mem(call, val, &a.ss, a.len) < 0)
			return -EFAULT;
		return call->ops->write_mem(call, lenp, &len, sizeof(len)) < 0 ? -EFAULT : 0;
	}
	int v;
	if (level == SOL_SOCKET)
		v = name == SO_DOMAIN ? e->family : name == SO_PROTOCOL ? e->protocol :
		    name == SO_TYPE ? e->type : e->reuseport;
	else {
		struct inet_opt *o = opt_find(e, level, name);
		if (o)
			v = o->value;
		else if ((r = opt_default(e, host, level, name, &v)) < 0)
			return r;
	}
	if (len > (int)sizeof(v))
		len = sizeof(v);
	if (len && call->ops->write_mem(call, val, &v, (size_t)len) < 0)
		return -EFAULT;
	return call->ops->write_mem(call, lenp, &len, sizeof(len)) < 0 ? -EFAULT : 0;
}
