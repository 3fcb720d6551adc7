#include "sentry/net/sock_addr.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "sentry/kernel/host_act.h"
#include "sentry/kernel/shadow.h"
#include "sentry/net/inet.h"
#include "sentry/net/sock_mirror.h"
#include "sentry/net/sock_wait.h"
#include "vfs/vfs.h"

#define SUN_OFF offsetof(struct sockaddr_un, sun_path)
#define SUN_MAX sizeof(((struct sockaddr_un *)0)->sun_path)

/* A unix socket the sandbox bound to a path: its VFS inode, the real
 * socket's path, and the address the program gave (getsockname shows it). */
struct sock_entry {
	dev_t dev;
	ino_t ino;
	char real[SUN_MAX];      /* where connect and send go */
	int pin;                 /* mirrored: an O_PATH fd on it, real is its /proc/self/fd */
	char root[SUN_MAX];      /* mirrored: the directory it lives under */
	struct sockaddr_un given; /* not mirrored: what getsockname shows instead */
	socklen_t given_len;
	char *where;             /* the name as an absolute sandbox path, for pruning */
	struct sock_entry *next;
};

/* Entries after the last prune (see prune_entries). */
static size_t n_entries, n_pruned;

int sock_addr_read(struct platform_call *call, uint64_t addr, uint64_t len, struct sock_addr *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->pin = -1;
	/* The kernel's move_addr_to_kernel: an int length in 0..128. The
	 * syscall takes an int, so the register's upper half does not count. */
	int l = (int)len;
	if (l < 0 || (size_t)l > sizeof(ret->ss))
		return -EINVAL;
	ret->len = (socklen_t)l;
	return l ? call->ops->read_mem(call, &ret->ss, addr, (size_t)l) : 0;
}

void sock_addr_release(struct sock_addr *a)
{
	closep(&a->pin);
	a->pin = -1;
}

int sock_kind(int host, int *domain, int *type)
{
	socklen_t l = sizeof(*domain);
	if (getsockopt(host, SOL_SOCKET, SO_DOMAIN, domain, &l) < 0)
		return -errno;
	l = sizeof(*type);
	if (getsockopt(host, SOL_SOCKET, SO_TYPE, type, &l) < 0)
		return -errno;
	return 0;
}

/* "veil<pid>:" before every abstract name the sandbox uses. */
static size_t abstract_prefix(char *buf, size_t size)
{
	int n = snprintf(buf, size, "veil%x:", (unsigned)getpid());
	return n < 0 ? 0 : (size_t)n;
}

/* A unix name the kernel would take (unix_validate_addr); anything else
 * goes to the kernel untouched, which refuses it (EINVAL). */
static bool is_name(const struct sock_addr *a)
{
	const struct sockaddr_un *un = (const struct sockaddr_un *)&a->ss;
	return a->len > SUN_OFF && a->len <= sizeof(struct sockaddr_un) &&
	       un->sun_family == AF_UNIX;
}

static bool is_abstract(const struct sock_addr *a)
{
	return is_name(a) && ((const struct sockaddr_un *)&a->ss)->sun_path[0] == '\0';
}

static bool is_path(const struct sock_addr *a)
{
	return is_name(a) && ((const struct sockaddr_un *)&a->ss)->sun_path[0] != '\0';
}

/* "\0NAME" -> "\0veil<pid>:NAME". -EINVAL if it no longer fits (names
 * longer than ~96 bytes; the kernel takes 107). */
static int abstract_to_host(struct sock_addr *a)
{
	struct sockaddr_un *un = (struct sockaddr_un *)&a->ss;
	char prefix[32];
	size_t pl = abstract_prefix(prefix, sizeof(prefix));
	size_t nl = a->len - SUN_OFF - 1;
	if (1 + pl + nl > SUN_MAX)
		return -EINVAL;
	memmove(un->sun_path + 1 + pl, un->sun_path + 1, nl);
	memcpy(un->sun_path + 1, prefix, pl);
	a->len = (socklen_t)(SUN_OFF + 1 + pl + nl);
	return 0;
}

/* The path of a unix address (sun_path need not be NUL-terminated). */
static void path_of(const struct sock_addr *a, char path[SUN_MAX + 1])
{
	const struct sockaddr_un *un = (const struct sockaddr_un *)&a->ss;
	size_t l = strnlen(un->sun_path, a->len - SUN_OFF);
	memcpy(path, un->sun_path, l);
	path[l] = '\0';
}

static struct sock_entry *find_by_inode(struct sentry *s, dev_t dev, ino_t ino)
{
	for (struct sock_entry *e = s->sockets; e; e = e->next)
		if (e->dev == dev && e->ino == ino)
			return e;
	return NULL;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* A mirror root: directories and the one socket the sentry made, which
 * the program cannot reach (nothing to follow; FTW_PHYS all the same). */
static void remove_tree(const char *root)
{
	nftw(root, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* An entry, with its fd and its mirror directory. */
static void entry_free(struct sock_entry *e)
{
	closep(&e->pin);
	if (e->root[0])
		remove_tree(e->root);
	free(e->where);
	free(e);
}

void sentry_sockets_free(struct sentry *s)
{
	for (struct sock_entry *e = s->sockets, *next; e; e = next) {
		next = e->next;
		entry_free(e);
	}
	s->sockets = NULL;
	n_entries = n_pruned = 0;
	sentry_sockets_waiters_free();
}

/* A socket inode no sandbox bind made: a host socket under a hostfs bind
 * (its O_PATH fd, duplicated into *pin: the kernel follows the magic link
 * to the very inode the VFS resolved), or nothing to reach (a tmpfs inode
 * made with mknod): ECONNREFUSED, as the kernel for a socket inode nobody
 * listens on. */
static int host_socket(struct vfs_ctx *c, const char *path, int *pin)
{
	struct vfs_file *f;
	int r = vfs_openat(c, NULL, path, O_PATH, 0, &f);
	if (r < 0)
		return r;
	int obj = vfs_file_host_object(f);
	r = obj < 0 ? -ECONNREFUSED : fcntl(obj, F_DUPFD_CLOEXEC, 0);
	if (obj >= 0 && r < 0)
		r = -errno;
	vfs_file_put(f);
	if (r >= 0 && inet_rendezvous_fd(r)) {
		/* Another sandbox's network (a scratch directory bound in):
		 * as far out of reach as its namespace. */
		close(r);
		r = -ECONNREFUSED;
	}
	if (r < 0) {
		log_debug("unix socket %s: nothing the sandbox can reach", path);
		return r;
	}
	*pin = r;
	return 0;
}

int sock_addr_to_host(struct sentry *s, struct vfs_ctx *c, struct sock_addr *a)
{
	if (is_abstract(a))
		return abstract_to_host(a);
	if (!is_path(a))
		return 0;
	char path[SUN_MAX + 1];
	path_of(a, path);
	struct stat st;
	int r = vfs_fstatat(c, NULL, path, &st, 0);
	if (r < 0)
		return r;
	if (!S_ISSOCK(st.st_mode))
		return -ECONNREFUSED;
	/* unix(7): connecting or sending needs write permission on it. */
	r = vfs_faccessat2(c, NULL, path, W_OK, AT_EACCESS);
	if (r < 0)
		return r;
	struct sock_entry *e = find_by_inode(s, st.st_dev, st.st_ino);
	char real[SUN_MAX];
	if (e) {
		snprintf(real, sizeof(real), "%s", e->real);
	} else {
		r = host_socket(c, path, &a->pin);
		if (r < 0)
			return r;
		snprintf(real, sizeof(real), "/proc/self/fd/%d", a->pin);
	}
	struct sockaddr_un *un = (struct sockaddr_un *)&a->ss;
	memset(un->sun_path, 0, SUN_MAX);
	memcpy(un->sun_path, real, strlen(real));
	a->len = (socklen_t)(SUN_OFF + strlen(real) + 1);
	return 0;
}

static int bind_as_program(int host, const void *sa, socklen_t len)
{
	struct host_privs hp;
	host_act_begin(&hp);
	int r = bind(host, sa, len) < 0 ? -errno : 0;
	host_act_end(&hp);
	return r;
}

/* The program closes and unlinks its sockets without the sentry: when the
 * entries have doubled since the last prune (and are 256 or more), those
 * whose name no longer leads to their inode (unlinked, or renamed away)
 * go with their fd and directory, so binding in a loop does not pile them
 * up. (A socket renamed away is then ECONNREFUSED at its new name.) */
static void prune_entries(struct sentry *s, struct vfs_ctx *c)
{
	if (n_entries < 256 || n_entries < 2 * n_pruned)
		return;
	for (struct sock_entry **pp = &s->sockets; *pp;) {
		struct sock_entry *e = *pp;
		struct stat st;
		if (e->where && vfs_fstatat(c, NULL, e->where, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    st.st_dev == e->dev && st.st_ino == e->ino) {
			pp = &e->next;
			continue;
		}
		*pp = e->next;
		entry_free(e);
		n_entries--;
	}
	n_pruned = n_entries;
}

/* The program's socket bound under its own name in a fresh directory of
 * the scratch dir (sock_mirror.c). 0, -EPERM (not possible here), -errno. */
static int mirror_bind(struct sentry *s, struct vfs_ctx *c, int host, const char *path,
		       struct sock_entry *e)
{
	char root[SUN_MAX], cwd[PATH_MAX] = "/";
	if (path[0] != '/' && vfs_getcwd(c, cwd, sizeof(cwd)) < 0)
		return -EPERM;
	int r = shadow_socket_path(s->shadows, root, sizeof(root));
	if (r < 0)
		return r;
	if (mkdir(root, 0700) < 0)
		return -errno;
	int pin = sock_mirror_bind(host, root, cwd, path);
	if (pin < 0) {
		remove_tree(root);
		return pin;
	}
	snprintf(e->root, sizeof(e->root), "%s", root);
	e->pin = pin;
	snprintf(e->real, sizeof(e->real), "/proc/self/fd/%d", pin);
	return 0;
}

int sock_unix_bind(struct sentry *s, struct vfs_ctx *c, int host, const struct sock_addr *a)
{
	if (is_abstract(a)) {
		struct sock_addr h = *a;
		int r = abstract_to_host(&h);
		return r < 0 ? r : bind_as_program(host, &h.ss, h.len);
	}
	if (!is_path(a))
		return bind_as_program(host, &a->ss, a->len); /* autobind, or EINVAL */

	/* As the kernel: the name is made first (EADDRINUSE if it exists),
	 * and removed again if the bind fails (EINVAL: bound already). */
	char path[SUN_MAX + 1];
	path_of(a, path);
	int r = vfs_mknodat(c, NULL, path, S_IFSOCK | 0777, 0);
	if (r == -EEXIST)
		return -EADDRINUSE;
	if (r < 0)
		return r;
	struct stat st;
	struct sock_entry *e = calloc(1, sizeof(*e));
	r = e ? vfs_fstatat(c, NULL, path, &st, AT_SYMLINK_NOFOLLOW) : -ENOMEM;
	if (e)
		e->pin = -1;
	if (r == 0)
		r = mirror_bind(s, c, host, path, e);
	if (r == -EPERM) {
		/* No chroot here: a scratch path, translated by getsockname
		 * and getpeername only. */
		r = shadow_socket_path(s->shadows, e->real, sizeof(e->real));
		if (r == 0) {
			struct sockaddr_un sa = {.sun_family = AF_UNIX};
			memcpy(sa.sun_path, e->real, strlen(e->real));
			r = bind_as_program(host, &sa, sizeof(sa));
		}
	}
	if (r < 0) {
		vfs_unlinkat(c, NULL, path, 0);
		free(e);
		return r;
	}
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	/* As the kernel keeps it: the path and its NUL, which a path of the
	 * full 108 bytes has no room for (unix_mkname_bsd). */
	e->given.sun_family = AF_UNIX;
	memcpy(e->given.sun_path, path, strlen(path));
	e->given_len = (socklen_t)(SUN_OFF + strlen(path) + 1);
	if (e->given_len > sizeof(e->given))
		e->given_len = sizeof(e->given);
	char where[PATH_MAX + SUN_MAX + 2] = "";
	if (path[0] != '/' && vfs_getcwd(c, where, PATH_MAX) >= 0)
		strcat(where, "/");
	strcat(where, path);
	e->where = strdup(where);
	e->next = s->sockets;
	s->sockets = e;
	n_entries++;
	prune_entries(s, c);
	return 0;
}

void sock_addr_to_program(struct sentry *s, struct sock_addr *a)
{
	struct sockaddr_un *un = (struct sockaddr_un *)&a->ss;
	if (!is_name(a))
		return;
	if (un->sun_path[0] == '\0') {
		char prefix[32];
		size_t pl = abstract_prefix(prefix, sizeof(prefix));
		size_t nl = a->len - SUN_OFF - 1;
		if (nl < pl || memcmp(un->sun_path + 1, prefix, pl) != 0)
			return;
		memmove(un->sun_path + 1, un->sun_path + 1 + pl, nl - pl);
		a->len -= (socklen_t)pl;
		return;
	}
	char path[SUN_MAX + 1];
	path_of(a, path);
	for (struct sock_entry *e = s->sockets; e; e = e->next) {
		if (e->pin < 0 && strcmp(e->real, path) == 0) {
			memset(&a->ss, 0, sizeof(a->ss));
			memcpy(&a->ss, &e->given, e->given_len);
			a->len = e->given_len;
			return;
		}
	}
}
