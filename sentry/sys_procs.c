/* The calls that act on another process named by its pid: its resource
 * limits (prlimit64), its priority and scheduling (setpriority,
 * sched_setaffinity, sched_setscheduler, sched_setparam, sched_setattr,
 * ioprio_set), its memory placement (migrate_pages, move_pages).
 *
 * The emulate backend has no pid namespace, and the kernel lets a process
 * do these to any other of its uid: a program in the sandbox could set
 * RLIMIT_NOFILE of the user's shell to 1, or move their browser to one
 * CPU. Its /proc shows it only the sandbox's processes, and Landlock keeps
 * its signals in; these calls follow the same line. The filter lets a
 * call on the caller itself (pid 0) run natively and traps the rest
 * (sentry/filter.c); here a call on a task of the sandbox, or on a pid
 * no process has (the kernel's own error then), is continued, and one on
 * any other process fails with ESRCH, as in a pid namespace that does not
 * show it. The process-group and user forms of setpriority and
 * ioprio_set reach past the sandbox too and are refused (EPERM).
 *
 * CONTINUE is sound here: the decision is the pid, a register; no tracee
 * memory is read for it and no path is involved. The pid cannot pass to
 * another process in between: a task's pid is free for reuse only once
 * the sentry has reaped it, which happens in this same loop, not while a
 * call is being decided. */
#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "sentry/sys_procs.h"

#include "base/log.h"
#include "sentry/sys.h"
#include "sentry/sys_args.h"

int sys_procs_kind(int nr)
{
	switch (nr) {
	case SYS_setpriority:
		return 0; /* PRIO_PROCESS; PRIO_PGRP 1, PRIO_USER 2 */
	case SYS_ioprio_set:
		return 1; /* IOPRIO_WHO_PROCESS; _PGRP 2, _USER 3 */
	case SYS_prlimit64:
	case SYS_sched_setaffinity:
	case SYS_sched_setscheduler:
	case SYS_sched_setparam:
	case SYS_sched_setattr:
	case SYS_migrate_pages:
	case SYS_move_pages:
		return SYS_PROCS_PID;
	default:
		return SYS_PROCS_NONE;
	}
}

static long on_pid(struct sentry *s, struct platform_call *call, uint64_t arg)
{
	pid_t pid = (pid_t)arg; /* the kernel's pid_t: the low 32 bits */
	if (pid <= 0 || sentry_task_find(s, pid))
		return sys_continue(call);
	log_debug("syscall %d on pid %d: not a task of the sandbox", call->nr, (int)pid);
	return -ESRCH;
}

static long on_who(struct sentry *s, struct platform_call *call, int process)
{
	int which = (int)call->args[0];
	if (which == process)
		return on_pid(s, call, call->args[1]);
	if (which == process + 1 || which == process + 2) {
		log_debug("syscall %d for a process group or a user: not confined to the sandbox",
			  call->nr);
		return -EPERM;
	}
	return sys_continue(call); /* EINVAL from the kernel */
}

/* One handler for all of them: it checks that it was reached for one (a
 * platform that traps more gets ENOSYS, never a continued call). */
SYS_HANDLER(other_process)
{
	int kind = sys_procs_kind(call->nr);
	if (kind == SYS_PROCS_NONE)
		return -ENOSYS;
	return kind == SYS_PROCS_PID ? on_pid(s, call, call->args[0]) : on_who(s, call, kind);
}
