/* Socket addresses between the program's view and the host's.
 *
 * The sentry makes every bind, connect and send with an address on its own
 * copy of the program's socket (pidfd_getfd). For a unix socket it first
 * turns the program's address into the one it uses on the host:
 *
 *   path       resolved in the VFS (bind creates the socket inode there);
 *              the real socket lives at a fresh path in the scratch dir
 *   abstract   "\0NAME" becomes "\0veil<sentry pid, hex>:NAME": the sandbox has
 *              an abstract namespace of its own, and no name the program
 *              spells reaches a host server (the Landlock scoping the kernel
 *              backend also has)
 *   unnamed    (bind's autobind) as it is
 *
 * and back again for getsockname and getpeername. Any other family's
 * address goes to the kernel as the program wrote it: the socket's family,
 * which the program cannot change, decides how the kernel reads it, and no
 * other family names a path. */
#ifndef VEIL_SENTRY_SOCK_ADDR_H
#define VEIL_SENTRY_SOCK_ADDR_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "sentry/platform.h"
#include "sentry/kernel/sentry.h"

/* A copied address: what the program passed (at most sockaddr_storage). */
struct sock_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	int pin; /* a host socket's O_PATH fd that ss names, or -1 */
};

/* Copies the address at `addr` (`len` bytes, an int as the syscall has it)
 * once. 0, -EINVAL (len negative or above sockaddr_storage's size, as the
 * kernel), -EFAULT. */
int sock_addr_read(struct platform_call *call, uint64_t addr, uint64_t len, struct sock_addr *ret);
/* After the call made with it: lets the pin go. */
void sock_addr_release(struct sock_addr *a);

/* The socket's family (SO_DOMAIN) and type (SO_TYPE) on the sentry's copy:
 * 0, or -ENOTSOCK and the like. */
int sock_kind(int host, int *domain, int *type);

/* For a connect or send on a unix socket: `a` rewritten in place to the
 * host address to use. A path is resolved as the task sees it: ENOENT,
 * ECONNREFUSED (not a socket, or one no sandbox bind made), EACCES (no
 * write permission), ... A socket a sandbox bind made is its real path in
 * the scratch directory; one a hostfs bind brings in from the host is
 * reached through /proc/self/fd/N of the VFS's O_PATH fd on it (held in
 * a->pin until sock_addr_release). Abstract names get the sandbox's
 * prefix. Other shapes stay as they are for the kernel to judge. 0 or
 * -errno. */
int sock_addr_to_host(struct sentry *s, struct vfs_ctx *c, struct sock_addr *a);

/* bind of the sentry's copy `host` (a unix socket) to the program's
 * address `a`, as task context `c`. 0 or -errno. */
int sock_unix_bind(struct sentry *s, struct vfs_ctx *c, int host, const struct sock_addr *a);

/* The program's view of a host unix address (from getsockname or
 * getpeername on the sentry's copy), rewritten in place. */
void sock_addr_to_program(struct sentry *s, struct sock_addr *a);

#endif
