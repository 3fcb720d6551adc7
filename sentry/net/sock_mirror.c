#include "sentry/net/sock_mirror.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/child_fd.h"

/* mkdir -p of every directory above the last component of `p`. */
static void make_parents(const char *p)
{
	char buf[PATH_MAX * 2];
	snprintf(buf, sizeof(buf), "%s", p);
	for (char *s = buf + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(buf, 0700);
		*s = '/';
	}
}

struct bind_args {
	int host;
	const char *root, *cwd, *path;
};

/* In the child: root at the scratch directory, the program's path made,
 * the socket bound there; an O_PATH fd on its inode, or -errno. */
static int bind_in_root(void *arg)
{
	const struct bind_args *a = arg;
	if (chroot(a->root) < 0 && (unshare(CLONE_NEWUSER) < 0 || chroot(a->root) < 0))
		return -EPERM;
	char full[PATH_MAX * 2];
	if (a->path[0] != '/') {
		snprintf(full, sizeof(full), "%s/x", a->cwd);
		make_parents(full);
		if (chdir(a->cwd) < 0)
			return -errno;
	}
	snprintf(full, sizeof(full), "%s", a->path);
	make_parents(full);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	memcpy(sa.sun_path, a->path, strlen(a->path));
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(a->path) + 1);
	if (len > sizeof(sa))
		len = sizeof(sa); /* a 108-byte path: no room for its NUL */
	if (bind(a->host, (struct sockaddr *)&sa, len) < 0)
		return -errno;
	int fd = open(a->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int sock_mirror_bind(int host, const char *root, const char *cwd, const char *path)
{
	struct bind_args a = {.host = host, .root = root, .cwd = cwd, .path = path};
	/* The helper only makes directories and binds: it answers at once.
	 * One that died unanswered: as if no chroot were possible. */
	int r = child_fd(bind_in_root, &a);
	return r == -EIO ? -EPERM : r;
}
