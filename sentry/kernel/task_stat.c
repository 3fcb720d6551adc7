#include "sentry/kernel/task_stat.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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
	unsigned tty, flags;
	if (!rp || sscanf(rp + 1, " %c %d %d %d %u %d %u", &state, &ppid, &pgrp, &sid, &tty,
			  &tpgid, &flags) != 7)
		return -EIO;
	ret->flags = flags;
	ret->tpgid = tpgid;
	ret->ppid = ppid;
	ret->pgrp = pgrp;
	ret->sid = sid;
	/* tty_nr is new_encode_dev()'s layout. */
	ret->ctty = tty ? makedev((tty >> 8) & 0xfff, (tty & 0xff) | ((tty >> 12) & 0xfff00)) : 0;
	return 0;
}

/* The signals the kernel discards for a task with no handler
 * (SIG_KERNEL_IGNORE_MASK) — queued all the same for a ptraced one. */
#define DEFAULT_IGNORED                                                                           \
	((1ull << (SIGCONT - 1)) | (1ull << (SIGCHLD - 1)) | (1ull << (SIGWINCH - 1)) |         \
	 (1ull << (SIGURG - 1)))

bool task_signal_interrupts(pid_t tid)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	unsigned long long pnd = 0, shd = 0, blk = 0, ign = 0, cgt = 0;
	long tgid = 0, threads = 0;
	for (char *line = buf; line;) {
		(void)(sscanf(line, "Tgid: %ld", &tgid) == 1 || sscanf(line, "Threads: %ld", &threads) == 1 ||
		    sscanf(line, "SigPnd: %llx", &pnd) == 1 || sscanf(line, "ShdPnd: %llx", &shd) == 1 ||
		    sscanf(line, "SigBlk: %llx", &blk) == 1 || sscanf(line, "SigIgn: %llx", &ign) == 1 ||
		       sscanf(line, "SigCgt: %llx", &cgt) == 1);
		char *nl = strchr(line, '\n');
		line = nl ? nl + 1 : NULL;
	}
	/* What natively would have been queued and would wake the task: not
	 * blocked, not ignored (the tracer's queue holds those too). */
	unsigned long long live = ~blk & ~ign & ~(DEFAULT_IGNORED & ~cgt);
	if (pnd & live)
		return true; /* its own: the kernel flagged this very thread */
	/* A shared one wakes the thread the kernel picked, the leader first
	 * (complete_signal): only the leader, or a lone thread, is sure to
	 * be flagged. Another thread of a group goes on waiting (docs). */
	return (shd & live) && (tgid == tid || threads == 1);
}
