/* scratch.h says why the scratch directory has a reaper and what it may
 * hold. Invariant: the reaper makes the directory only once it holds a
 * pidfd on veil; from then on every path out of it ends in the removal. */
#include "sentry/kernel/scratch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/child_fd.h"
#include "base/rmtree.h"
#include "sentry/kernel/ipcns.h"
#include "sentry/kernel/mqns.h"

/* Sends `fd` (or, when it is -errno, the error) to veil: nothing to do
 * if veil is gone already (the reaper's next poll sees that). */
static void report(int sock, int fd)
{
	(void)child_fd_send(sock, fd);
}

/* mkdtemp's job, by fd: `prefix` and six random characters, made under
 * `parent`; the name in `name`. An fd on it, or -errno. */
static int make_dir(int parent, const char *prefix, char *name, size_t size)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	for (int tries = 0; tries < 100; tries++) {
		unsigned char rnd[6];
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return -EIO;
		char tail[7];
		for (size_t i = 0; i < 6; i++)
			tail[i] = chars[rnd[i] % (sizeof(chars) - 1)];
		tail[6] = '\0';
		if (snprintf(name, size, "%s%s", prefix, tail) >= (int)size)
			return -ENAMETOOLONG;
		if (mkdirat(parent, name, 0700) < 0) {
			if (errno == EEXIST)
				continue;
			return -errno;
		}
		int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			int e = errno;
			unlinkat(parent, name, AT_REMOVEDIR);
			return -e;
		}
		return fd;
	}
	return -EEXIST;
}

static void sort3(int *v)
{
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2 - i; j++)
			if (v[j] > v[j + 1]) {
				int t = v[j];
				v[j] = v[j + 1];
				v[j + 1] = t;
			}
}

/* Closes every fd but the three in `keep` (distinct). */
static void keep_only(int *keep)
{
	int v[3] = {keep[0], keep[1], keep[2]};
	sort3(v);
	unsigned lo = 0;
	for (int i = 0; i < 3; i++) {
		if ((unsigned)v[i] > lo)
			close_range(lo, (unsigned)v[i] - 1, 0);
		lo = (unsigned)v[i] + 1;
	}
	close_range(lo, ~0u, 0);
}

static void __attribute__((noreturn)) reaper(int sock, pid_t veil, const char *const *bases,
					     size_t n, const char *prefix)
{
	/* Nothing that a signal could cut short: only SIGKILL ends it. */
	struct sigaction ign = {.sa_handler = SIG_IGN};
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &ign, NULL);
	/* Out of veil's session and process group: a kill of veil's group
	 * does not reach it. */
	setsid();
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_NAME, "veil-reaper", 0, 0, 0);
	int pidfd = (int)syscall(SYS_pidfd_open, veil, 0);
	if (pidfd < 0 || getppid() != veil) {
		/* veil is gone already (or there are no pidfds): nothing made */
		report(sock, pidfd < 0 ? -errno : -ESRCH);
		_exit(0);
	}
	if (chdir("/") < 0) {
		/* only so as not to pin a mount: no matter */
	}
	int parent = -1, dir = -ENOENT;
	char name[NAME_MAX + 1];
	for (size_t i = 0; i < n && dir < 0; i++) {
		if (!bases[i] || !*bases[i])
			continue;
		parent = open(bases[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (parent < 0) {
			dir = -errno;
			continue;
		}
		dir = make_dir(parent, prefix, name, sizeof(name));
		if (dir < 0)
			close(parent);
	}
	report(sock, dir);
	if (dir < 0)
		_exit(0);
	int keep[3] = {pidfd, parent, dir};
	keep_only(keep); /* the socket too, and veil's stdio */

	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	/* veil has exited. A normal exit removed the directory already. */
	struct stat st, named;
	if (fstat(dir, &st) < 0 || st.st_nlink == 0)
		_exit(0);
	/* A sandbox's SysV objects outlive their processes too. */
	ipcns_reap_log(dir, veil);
	mqns_reap_log(dir);
	rmtree_contents(dir);
	if (fstatat(parent, name, &named, AT_SYMLINK_NOFOLLOW) == 0 &&
	    named.st_dev == st.st_dev && named.st_ino == st.st_ino)
		unlinkat(parent, name, AT_REMOVEDIR);
	_exit(0);
}

int scratch_make(const char *const *bases, size_t n, const char *prefix, char *path,
		 size_t size)
{
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return -errno;
	pid_t veil = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(sp[0]);
		close(sp[1]);
		return -e;
	}
	if (pid == 0) {
		close(sp[0]);
		reaper(sp[1], veil, bases, n, prefix);
	}
	close(sp[1]);
	int fd = child_fd_recv(sp[0]);
	close(sp[0]);
	if (fd < 0)
		return fd;
	/* Its path, for what needs one (a socket's address): as the kernel
	 * names the directory now. */
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t len = readlink(link, path, size - 1);
	if (len < 0 || (size_t)len >= size - 1) {
		int e = len < 0 ? errno : ENAMETOOLONG;
		close(fd); /* the reaper removes it when veil ends */
		return -e;
	}
	path[len] = '\0';
	return fd;
}

FILE *scratch_log_open(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "r");
	if (!f && fd >= 0)
		close(fd);
	return f;
}
