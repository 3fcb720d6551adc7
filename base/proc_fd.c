#include "base/proc_fd.h"

#include "base/open_nowait.h"

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
	return openat_nowait(dir, name, flags);
}
