/* --unshare-net under the emulate backend: a network namespace the sentry
 * owns, with one loopback interface and no TCP/IP stack of its own.
 *
 * socket(AF_INET or AF_INET6) is trapped: the program gets a real AF_UNIX
 * socket the sentry made (SOCK_STREAM for TCP, SOCK_DGRAM for UDP), so
 * reads, writes, send/recv without an address, poll and shutdown run
 * natively at unix-socket speed. Everything that names an address goes
 * through the sentry, which keeps the inet view (inet_sock.c):
 *
 *   bind      checks the address (loopback or wildcard, else
 *             EADDRNOTAVAIL), allocates the port (ephemeral, EADDRINUSE,
 *             SO_REUSEADDR/SO_REUSEPORT) and binds the unix socket to a
 *             *rendezvous*: a fresh path in the sentry's scratch directory
 *             (0700, the sandbox's alone) whose name says what it stands
 *             for: "uN.<t|u><socket family 4|6><address family 4|6>.PORT.HEX"
 *   connect   a loopback destination is the rendezvous of the socket
 *             bound there (ECONNREFUSED if none); anything else is
 *             ENETUNREACH, as in an empty network namespace
 *   sendto    the same for UDP (a datagram to a port nobody bound is
 *             dropped, as loopback UDP without a listener)
 *   names     getsockname, getpeername, accept's and recvfrom's address,
 *             SO_DOMAIN/SO_PROTOCOL/SO_PEERNAME: inet terms, decoded from
 *             the rendezvous names (a forked waiter can decode them too)
 *
 * The sockets are unix sockets on paths in a directory only the sandbox's
 * uid reaches, so nothing outside the sandbox connects in by an inet
 * address, and the sandbox reaches nothing outside: the only inet-shaped
 * sockets it can make are these. Other families: AF_UNIX native,
 * AF_NETLINK NETLINK_ROUTE the sentry's (inet_netlink.c: only lo),
 * NETLINK_KOBJECT_UEVENT native, other netlink protocols EPROTONOSUPPORT,
 * AF_PACKET and SOCK_RAW EPERM (an unprivileged user's answer), the rest
 * EAFNOSUPPORT.
 *
 * State: one entry per emulated socket, keyed by the unix socket's inode
 * (sockfs), owned by the sentry (s->net). Entries whose socket is gone
 * are pruned from /proc/net/unix's inode list. An accepted socket (made by
 * the kernel, not by the sentry) gets its entry when first seen, from its
 * names. */
#ifndef VEIL_SENTRY_NET_INET_H
#define VEIL_SENTRY_NET_INET_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "sentry/net/sock_addr.h"

/* An inet address as the sentry keeps it: v4-mapped v6 addresses are
 * AF_INET. */
struct inet_addr {
	int family; /* AF_INET or AF_INET6 */
	uint8_t a[16]; /* AF_INET: the first 4 */
	uint16_t port; /* host order */
};

struct inet_sock {
	ino_t ino;
	int family;   /* the socket's: AF_INET or AF_INET6 */
	int type;     /* SOCK_STREAM or SOCK_DGRAM */
	int protocol; /* IPPROTO_TCP or IPPROTO_UDP */
	bool bound, listening, v6only, reuseaddr, reuseport, has_peer;
	struct inet_addr local, peer;
	uint32_t nl_pid, nl_groups; /* AF_NETLINK: its port id (0: none yet) */
	char path[108]; /* the rendezvous, once bound (AF_NETLINK: from the start) */
	struct inet_opt *opts;
	struct inet_sock *next;
};

/* inet_addr.c: pure address work (unit-tested). */

/* Reads a program's address for a socket of `family`: 0 and *ret, or
 * -EINVAL (too short), -EAFNOSUPPORT (another family). For AF_INET6 a
 * v4-mapped address comes back as AF_INET. */
int inet_addr_parse(const void *sa, socklen_t len, int family, struct inet_addr *ret);
/* The program's view of `ia` on a socket of `family` (v4 on an AF_INET6
 * socket is v4-mapped): the sockaddr's length. */
socklen_t inet_addr_render(const struct inet_addr *ia, int family, struct sockaddr_storage *ret);
bool inet_addr_any(const struct inet_addr *ia);
bool inet_addr_loopback(const struct inet_addr *ia);
bool inet_addr_eq(const struct inet_addr *x, const struct inet_addr *y);
/* 127.0.0.1 or ::1 */
void inet_addr_lo(int family, struct inet_addr *ret);
/* The rendezvous basename for a socket of `family`/`type` bound to `ia`,
 * after `base` ("uN"): 0, or -ENAMETOOLONG. */
int inet_path_name(char *buf, size_t size, const char *base, int family, int type,
		   const struct inet_addr *ia);
/* The inverse, from a unix path whose directory is `dir`: true and the
 * socket's family, type and address, or false (not a rendezvous). */
bool inet_path_parse(const char *path, const char *dir, int *family, int *type,
		     struct inet_addr *ia);

/* Whether the host socket `fd` (an O_PATH fd) is a rendezvous of any
 * sandbox's network (its name and its scratch directory's say so): a
 * plain unix connect must not reach it through a bound /dev/shm. */
bool inet_rendezvous_fd(int fd);

struct sentry;
struct platform_call;

/* Whether the sandbox has its own network (--unshare-net). */
bool inet_enabled(const struct sentry *s);
/* Sets the network up (sentry_init): 0 or -ENOMEM. */
int inet_init(struct sentry *s);
/* inet_proc.c: /proc/net/<name> of the sandbox's network namespace (a
 * malloc'd text in *ret, its length), or -ENODATA without one; name NULL:
 * 0 with one. */
ssize_t inet_proc_file(struct sentry *s, const char *name, char **ret);
void inet_fini(struct sentry *s);

/* The entry for the sentry's copy `host` of a program socket, or NULL when
 * it is not an emulated inet socket. */
struct inet_sock *inet_find(struct sentry *s, int host);

/* The handlers' bodies (sentry/sys/sys_socket.c, sock_send.c). Each returns
 * the tracee's result, -errno, or SYS_REPLIED. */
long inet_socket(struct sentry *s, struct platform_call *call);
int inet_bind(struct sentry *s, struct platform_call *call, struct inet_sock *e, int host,
	      const struct sock_addr *a);
long inet_connect(struct sentry *s, struct platform_call *call, struct inet_sock *e, int host,
		  const struct sock_addr *a);
int inet_listen(struct sentry *s, struct inet_sock *e, int host, int backlog);
/* getsockname (peer false) or getpeername, in the program's terms. */
int inet_name(struct sentry *s, struct inet_sock *e, int host, bool peer, struct sock_addr *ret);
/* A send's destination `a` (copied), rewritten in place to the host
 * rendezvous: 0; 1 when the datagram goes nowhere (dropped, as loopback
 * UDP to a port nobody bound); -ENETUNREACH and the like. A stream
 * socket's address is dropped (a->len 0), as TCP ignores it. */
int inet_send_dest(struct sentry *s, struct inet_sock *e, int host, struct sock_addr *a);
long inet_getsockopt(struct sentry *s, struct platform_call *call, struct inet_sock *e, int host);
long inet_setsockopt(struct sentry *s, struct platform_call *call, struct inet_sock *e, int host);

/* inet_sock.c: the delivery lock of the socket with inode `ino` (see
 * inet_recv.c), waiting for it or not; `reopen`: a forked waiter's first
 * use, which needs an open file of its own. 1 taken, 0 held elsewhere,
 * -errno (-EINTR: a signal while waiting). */
int inet_recv_lock(struct sentry *s, ino_t ino, bool wait, bool reopen);
void inet_recv_unlock(struct sentry *s, ino_t ino);

/* inet_recv.c: accept, recvfrom, recvmsg, recvmmsg on emulated sockets. */
long inet_accept(struct sentry *s, struct platform_call *call, struct inet_sock *e, int host,
		 uint64_t addr, uint64_t addrlen, int flags);
long inet_recvfrom(struct sentry *s, struct platform_call *call, struct inet_sock *e, int host);
long inet_recvmsg(struct sentry *s, struct platform_call *call, struct inet_sock *e, int host,
		  uint64_t msg, int flags, uint64_t mmsg_len);

/* inet_netlink.c: the answer to the NETLINK_ROUTE requests in `data`,
 * queued on e's socket. 0 or -errno. */
int inet_netlink_send(struct sentry *s, struct inet_sock *e, const char *data, size_t len);
/* The requests sent without an address since the last look, answered. */
void inet_netlink_drain(struct sentry *s, struct platform_call *call);
/* inet_sock.c: the sentry's socket that netlink sockets are connected to
 * (made on first use): its fd, or -errno. */
int inet_netlink_sink(struct sentry *s);
struct inet_sock *inet_netlink_by_path(struct sentry *s, const char *path);
/* e's port id, made now if it has none (a netlink send or connect). */
void inet_netlink_autobind(struct sentry *s, struct platform_call *call, struct inet_sock *e);

/* inet_ioctl.c: an interface ioctl (0x8910-0x89ff, trapped with
 * --unshare-net) on any socket, answered for lo. */
#define INET_IOCTL_FIRST 0x8910u
#define INET_IOCTL_LAST 0x89ffu
long inet_ioctl(struct sentry *s, struct platform_call *call);

/* The program's view of a host unix address `h` received on emulated
 * socket `e` (a rendezvous name): its inet address, or length 0. */
void inet_from_host(const struct sentry *s, const struct inet_sock *e,
		    const struct sockaddr_storage *h, socklen_t hlen, struct sock_addr *ret);

#endif
