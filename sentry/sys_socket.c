/* bind and connect for unix sockets with a path in the sandbox.
 *
 * The kernel can only bind a real path, and must never resolve a path the
 * program named (a thread could swap it for a host socket's). So the sentry
 * reads the address once, creates the socket inode in the VFS, binds its
 * copy of the program's socket to a fresh path in its scratch directory,
 * and remembers which VFS inode stands for which real socket; connect
 * resolves the path in the VFS, checks write permission on the inode as
 * the kernel does, and connects its copy of the socket to the real path.
 * Both run with no more privilege than the program has.
 *
 * Not yet (ENOSYS): other families and abstract or unnamed unix addresses
 * (they need the call made without waiting on the network, see
 * docs/sentry.md), and sockets a bind brings in from the host. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/log.h"
#include "sentry/host_act.h"
#include "sentry/shadow.h"
#include "sentry/sys.h"
#include "vfs/vfs.h"

struct sock_entry {
	dev_t dev;
	ino_t ino;
	char real[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct sock_entry *next;
};

/* Reads a unix address's path (once): 0 with `path` set, -ENOSYS for what
 * is not a unix path, or -errno. */
static int read_unix_path(struct platform_call *call, uint64_t addr, uint64_t len, char *path)
{
	struct sockaddr_un sa;
	if (len < sizeof(sa_family_t) || len > sizeof(sa))
		return -EINVAL;
	memset(&sa, 0, sizeof(sa));
	int r = call->ops->read_mem(call, &sa, addr, len);
	if (r < 0)
		return r;
	if (sa.sun_family != AF_UNIX || len == sizeof(sa_family_t) || sa.sun_path[0] == '\0')
		return -ENOSYS;
	size_t n = len - offsetof(struct sockaddr_un, sun_path);
	size_t l = strnlen(sa.sun_path, n);
	memcpy(path, sa.sun_path, l);
	path[l] = '\0';
	return 0;
}

static struct sock_entry *find_sock(struct sentry *s, dev_t dev, ino_t ino)
{
	for (struct sock_entry *e = s->sockets; e; e = e->next)
		if (e->dev == dev && e->ino == ino)
			return e;
	return NULL;
}

void sentry_sockets_free(struct sentry *s)
{
	for (struct sock_entry *e = s->sockets, *next; e; e = next) {
		next = e->next;
		free(e);
	}
	s->sockets = NULL;
}

static int real_call(struct platform_call *call, int fd, const char *real, bool do_bind)
{
	int host = call->ops->get_fd(call, fd);
	if (host < 0)
		return host;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	strncpy(sa.sun_path, real, sizeof(sa.sun_path) - 1);
	struct host_privs hp;
	host_act_begin(&hp);
	int r = do_bind ? bind(host, (struct sockaddr *)&sa, sizeof(sa))
			: connect(host, (struct sockaddr *)&sa, sizeof(sa));
	r = r < 0 ? -errno : 0;
	host_act_end(&hp);
	close(host);
	return r;
}

SYS_HANDLER(bind)
{
	struct vfs_ctx *c = sentry_task_vfs(sentry_task_find(s, call->tid));
	if (!c)
		return -ENOSYS;
	char path[PATH_MAX];
	int r = read_unix_path(call, call->args[1], call->args[2], path);
	if (r < 0)
		return r;
	/* The socket must be one before anything is made for it. */
	int host = call->ops->get_fd(call, (int)call->args[0]);
	if (host < 0)
		return host;
	int domain = 0;
	socklen_t dl = sizeof(domain);
	r = getsockopt(host, SOL_SOCKET, SO_DOMAIN, &domain, &dl) < 0 ? -errno : 0;
	close(host);
	if (r < 0)
		return r == -ENOTSOCK ? -ENOTSOCK : r;
	if (domain != AF_UNIX)
		return -EINVAL; /* a unix address for another family's socket */

	r = vfs_mknodat(c, NULL, path, S_IFSOCK | 0777, 0);
	if (r == -EEXIST)
		return -EADDRINUSE;
	if (r < 0)
		return r;
	struct stat st;
	struct sock_entry *e = calloc(1, sizeof(*e));
	r = e ? vfs_fstatat(c, NULL, path, &st, AT_SYMLINK_NOFOLLOW) : -ENOMEM;
	if (r == 0)
		r = shadow_socket_path(s->shadows, e->real, sizeof(e->real));
	if (r == 0)
		r = real_call(call, (int)call->args[0], e->real, true);
	if (r < 0) {
		vfs_unlinkat(c, NULL, path, 0);
		free(e);
		return r;
	}
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	e->next = s->sockets;
	s->sockets = e;
	return 0;
}

SYS_HANDLER(connect)
{
	struct vfs_ctx *c = sentry_task_vfs(sentry_task_find(s, call->tid));
	if (!c)
		return -ENOSYS;
	char path[PATH_MAX];
	int r = read_unix_path(call, call->args[1], call->args[2], path);
	if (r < 0)
		return r;
	struct stat st;
	r = vfs_fstatat(c, NULL, path, &st, 0);
	if (r < 0)
		return r;
	if (!S_ISSOCK(st.st_mode))
		return -ECONNREFUSED;
	/* unix(7): connecting needs write permission on the socket. */
	r = vfs_faccessat2(c, NULL, path, W_OK, AT_EACCESS);
	if (r < 0)
		return r;
	struct sock_entry *e = find_sock(s, st.st_dev, st.st_ino);
	if (!e) {
		log_debug("connect %s: a socket the sandbox did not bind (not supported yet)", path);
		return -ECONNREFUSED;
	}
	return real_call(call, (int)call->args[0], e->real, false);
}
