/* What the host's /proc/<tid>/stat says of a task's session and
 * terminal: the sentry asks the kernel rather than tracking setsid,
 * setpgid and TIOCSCTTY itself, which run natively. */
#ifndef VEIL_SENTRY_TASK_STAT_H
#define VEIL_SENTRY_TASK_STAT_H

#include <stdbool.h>
#include <sys/types.h>

struct task_session {
	pid_t ppid, pgrp, sid;
	pid_t tpgid; /* the controlling terminal's foreground group, -1 for none */
	dev_t ctty; /* the controlling terminal, 0 for none */
	unsigned flags; /* the task's PF_* flags */
};

/* 0, or -errno: the task is gone, or its stat line did not parse. */
int task_session_of(pid_t tid, struct task_session *ret);

/* Whether task `tid` has a signal pending now that would take it out of
 * an interruptible wait — and that the kernel flagged it for, so that an
 * answer of -ERESTARTSYS is seen as an interrupted call (the restart, or
 * EINTR, as its handler's SA_RESTART says) and never reaches the program
 * as errno 512. Not ignored, not blocked, and the task's own, or shared
 * and the task the thread-group leader or alone in it. False if `tid` is
 * gone. */
bool task_signal_interrupts(pid_t tid);

#endif
