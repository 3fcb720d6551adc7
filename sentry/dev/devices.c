#include "sentry/dev/devices.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/proc_fd.h"
#include "sentry/kernel/fdmap.h"
#include "sentry/dev/pty.h"
#include "sentry/kernel/sentry.h"
#include "sentry/kernel/task_stat.h"
#include "vfs/vfs.h"

static const struct {
	unsigned major, minor;
	const char *host;
} passthrough[] = {
	{1, 3, "/dev/null"},    {1, 5, "/dev/zero"},    {1, 7, "/dev/full"},
	{1, 8, "/dev/random"},  {1, 9, "/dev/urandom"}, {5, 0, "/dev/tty"},
};

/* The console: one per sentry process, as there is one stdout. */
static struct {
	int fd;		  /* O_PATH on the host terminal, or -1 */
	struct stat host; /* its stat */
	bool have_node;
	dev_t node_dev;	  /* the VFS node standing for it */
	ino_t node_ino;
	char path[PATH_MAX];
} console = {.fd = -1};

int device_console_host(struct stat *ret)
{
	if (console.fd < 0) {
		struct stat out;
		const char *name = isatty(1) ? ttyname(1) : NULL;
		if (!name || fstat(1, &out) < 0)
			return -ENOTTY;
		int fd = open(name, O_PATH | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		/* It must be the terminal on stdout, not what the name leads to
		 * now. */
		if (fstat(fd, &console.host) < 0 || !S_ISCHR(console.host.st_mode) ||
		    console.host.st_rdev != out.st_rdev || console.host.st_ino != out.st_ino ||
		    console.host.st_dev != out.st_dev) {
			close(fd);
			return -ENOTTY;
		}
		console.fd = fd;
	}
	*ret = console.host;
	return 0;
}

void device_console_node(const struct stat *node, const char *path)
{
	console.have_node = true;
	console.node_dev = node->st_dev;
	console.node_ino = node->st_ino;
	snprintf(console.path, sizeof(console.path), "%s", path);
}

int device_console_map(struct sentry *s)
{
	if (!console.have_node || console.fd < 0 || !s->files || !s->initial_fs)
		return 0;
	struct vfs_ctx *c = &s->initial_fs->ctx;
	struct vfs_file *f;
	int r = vfs_openat(c, NULL, console.path, O_PATH | O_NOFOLLOW, 0, &f);
	if (r < 0)
		return r == -ENOENT ? 0 : r; /* covered by a later op */
	struct stat st;
	r = vfs_fstatat(c, f, "", &st, AT_EMPTY_PATH);
	if (r == 0 && st.st_dev == console.node_dev && st.st_ino == console.node_ino)
		r = fdmap_add(s->files, console.host.st_dev, console.host.st_ino, f, 0);
	vfs_file_put(f);
	return r;
}

int device_reopen(int path_fd, int flags, dev_t rdev, ino_t ino)
{
	int keep = O_ACCMODE | O_APPEND | O_NONBLOCK;
	int fd = proc_fd_reopen(path_fd, (flags & keep) | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return fd;
	struct stat hs;
	if (fstat(fd, &hs) < 0 || !S_ISCHR(hs.st_mode) || hs.st_rdev != rdev || hs.st_ino != ino) {
		close(fd);
		return -ENXIO;
	}
	return fd;
}

/* The caller's controlling terminal; 0 for none. */
static dev_t ctty_of(pid_t tid)
{
	struct task_session ts;
	return task_session_of(tid, &ts) == 0 ? ts.ctty : 0;
}

static int check_rdev(int fd, dev_t rdev)
{
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != rdev)) {
		close(fd);
		return -ENXIO;
	}
	return fd;
}

/* /dev/tty: the caller's controlling terminal, not the sentry's. Found, in
 * turn, as the sentry's own (the same session: the usual case), a pty of
 * the sandbox's, the console, or an fd the caller holds on it (reopened
 * through its /proc fd link: exactly the object it holds). */
static int open_ctty(pid_t tid, int flags)
{
	dev_t ctty = ctty_of(tid);
	if (!ctty)
		return -ENXIO;
	int keep = O_ACCMODE | O_APPEND | O_NONBLOCK;
	int fd = check_rdev(open("/dev/tty", (flags & keep) | O_NOCTTY | O_CLOEXEC), ctty);
	if (fd >= 0)
		return fd;
	fd = pty_open_rdev(ctty, flags);
	if (fd >= 0)
		return fd;
	if (console.fd >= 0 && console.host.st_rdev == ctty)
		return device_reopen(console.fd, flags, console.host.st_rdev, console.host.st_ino);
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)tid);
	DIR *d = opendir(dir);
	if (!d)
		return -ENXIO;
	fd = -ENXIO;
	struct dirent *de;
	while (fd < 0 && (de = readdir(d))) {
		struct stat st;
		if (de->d_name[0] == '.' || fstatat(dirfd(d), de->d_name, &st, 0) < 0 ||
		    !S_ISCHR(st.st_mode) || st.st_rdev != ctty)
			continue;
		fd = check_rdev(openat(dirfd(d), de->d_name, (flags & keep) | O_NOCTTY | O_CLOEXEC),
				ctty);
	}
	closedir(d);
	return fd;
}

int device_open(const struct stat *st, int flags, pid_t tid)
{
	if (!S_ISCHR(st->st_mode))
		return -EOPNOTSUPP;
	if (st->st_rdev == makedev(5, 0))
		return open_ctty(tid, flags);
	if (console.fd >= 0 && console.have_node && st->st_dev == console.node_dev &&
	    st->st_ino == console.node_ino)
		/* O_NOCTTY: the terminal is the caller's session's already. */
		return device_reopen(console.fd, flags, console.host.st_rdev, console.host.st_ino);
	for (size_t i = 0; i < sizeof(passthrough) / sizeof(passthrough[0]); i++) {
		if (major(st->st_rdev) != passthrough[i].major ||
		    minor(st->st_rdev) != passthrough[i].minor)
			continue;
		int keep = O_ACCMODE | O_APPEND | O_NONBLOCK | O_NOCTTY;
		int fd = open(passthrough[i].host, (flags & keep) | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			return -errno;
		/* It must be that device still, not something put there since. */
		struct stat hs;
		if (fstat(fd, &hs) < 0 || !S_ISCHR(hs.st_mode) || hs.st_rdev != st->st_rdev) {
			close(fd);
			return -ENXIO;
		}
		return fd;
	}
	return -EOPNOTSUPP;
}
