#include "sentry/kernel/task_stat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

int task_session_of(pid_t tid, struct task_session *ret)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	int e = errno;
	close(fd);
	if (n < 0)
		return -e;
	buf[n] = '\0';
	/* comm may hold spaces and parentheses: the fields start after the
	 * last ')'. */
	const char *rp = strrchr(buf, ')');
	char state;
	int ppid, pgrp, sid, tpgid;
	unsigned tty;
	if (!rp || sscanf(rp + 1, " %c %d %d %d %u %d", &state, &ppid, &pgrp, &sid, &tty,
			  &tpgid) != 6)
		return -EIO;
	ret->tpgid = tpgid;
	ret->ppid = ppid;
	ret->pgrp = pgrp;
	ret->sid = sid;
	/* tty_nr is new_encode_dev()'s layout. */
	ret->ctty = tty ? makedev((tty >> 8) & 0xfff, (tty & 0xff) | ((tty >> 12) & 0xfff00)) : 0;
	return 0;
}
