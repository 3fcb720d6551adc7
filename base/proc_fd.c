#include "base/proc_fd.h"

#include "base/kick.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

/* The walk of "/proc/self/fd/" costs as much again as the open itself
 * (~5 us against ~3.8 us through a kept directory fd on this project's
 * VM, docs/performance.md). "self" is resolved when the directory is
 * opened, so a forked child must not use its parent's: the kept fd is
 * tagged with the pid that opened it. */
static int dir = -1;
static pid_t dir_pid;

int proc_fd_reopen(int fd, int flags)
{
	pid_t me = getpid();
	if (dir < 0 || dir_pid != me) {
		int d = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (d < 0)
			return -errno;
		if (dir >= 0)
			close(dir); /* the parent's, inherited */
		dir = d;
		dir_pid = me;
	}
	char name[16];
	snprintf(name, sizeof(name), "%d", fd);
	/* Never wait: a lease another process holds on the file (the program
	 * may F_SETLEASE its own files) makes an open that breaks it wait up
	 * to lease-break-time (45 s), and a terminal's open may wait for a
	 * carrier. With O_NONBLOCK the open starts the lease's break and
	 * fails at once (EWOULDBLOCK). A caller that did not ask for
	 * O_NONBLOCK then gets one tick of a waiting open, kicked (kick.h):
	 * a holder that lets go at its SIGIO at once lets it through, else
	 * EINTR, what the kernel's waiting open gives when a signal cuts it
	 * short; and an fd without the flag (F_SETFL sets back exactly the
	 * flags the open could have set). */
	bool nonblock = flags & O_NONBLOCK;
	int r = openat(dir, name, flags | O_NONBLOCK);
	if (r < 0 && errno == EWOULDBLOCK && !nonblock) {
		if (!kick_begin())
			return -EINTR;
		r = openat(dir, name, flags);
		int e = errno;
		kick_end();
		return r < 0 ? -e : r;
	}
	if (r < 0)
		return -errno;
	if (!nonblock && !(flags & (O_PATH | O_DIRECTORY)) &&
	    fcntl(r, F_SETFL, flags & (O_APPEND | O_DIRECT | O_NOATIME)) < 0) {
		int e = errno;
		close(r);
		return -e;
	}
	return r;
}
