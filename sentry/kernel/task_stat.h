/* What the host's /proc/<tid>/stat says of a task's session and
 * terminal: the sentry asks the kernel rather than tracking setsid,
 * setpgid and TIOCSCTTY itself, which run natively. */
#ifndef VEIL_SENTRY_TASK_STAT_H
#define VEIL_SENTRY_TASK_STAT_H

#include <sys/types.h>

struct task_session {
	pid_t ppid, pgrp, sid;
	pid_t tpgid; /* the controlling terminal's foreground group, -1 for none */
	dev_t ctty; /* the controlling terminal, 0 for none */
};

/* 0, or -errno: the task is gone, or its stat line did not parse. */
int task_session_of(pid_t tid, struct task_session *ret);

#endif
