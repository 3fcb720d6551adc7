/* The calls that name another process by number: a pid, a thread id, a
 * process group or a session.
 *
 * The emulate backend has no pid namespace, and the kernel answers these
 * for any process of the host: acting on one of the same uid (its
 * resource limits, priority, CPU affinity, memory, signals), or telling
 * that it exists (kill(pid, 0) says EPERM for a live process outside
 * Landlock's signal scope and ESRCH for none; getsid, getpgid,
 * sched_getaffinity... just answer). The sandbox's /proc shows only its
 * own processes; every call that takes a pid follows the same line: a
 * host pid is indistinguishable from one no process has.
 *
 * The filter lets a call on the caller itself (pid 0, or kind and id 0)
 * run natively and traps the rest (sentry/sys/filter.c); here a call whose
 * numbers all name the sandbox's own tasks or groups, or no process at all
 * (0 or negative: the caller, or the kernel's own EINVAL), is continued,
 * and one that names anything else fails as the kernel fails for a pid no
 * process has: ESRCH (EPERM for setpgid's group, as for a group that does
 * not exist). sandbox_pid() is the one decision, which a pid namespace of
 * the sentry's would turn into a translation.
 *
 * Groups: a process group is the sandbox's when a task of the sandbox is
 * in it. The first task inherits veil's group and session unless
 * --new-session, so that group is shared with host processes (veil, a
 * pipeline's others): what reaches them through it is the kernel's
 * business, and Landlock's signal scope keeps signals in. Setting the
 * priority of a group or of a user reaches past the sandbox: refused
 * (EPERM), and so is reading a user's.
 *
 * Signals between the sandbox's own processes: on the host they all have
 * the caller's uid, so the kernel lets any signal any other; the ids that
 * decide are the sentry's (sentry/kernel/creds.h). A signal to one process
 * or thread (kill with a pid, tkill, tgkill, rt_[tg]sigqueueinfo, and
 * each target of kill(-1)) is refused with EPERM here as the kernel's
 * check_kill_permission refuses it: unless the sender's real or effective
 * uid is the target's real or saved one, or it has CAP_KILL, or the signal
 * is SIGCONT within one session (LTP kill05); kill(-g) to each member it
 * may (kill_group). Not done: kill(0), which runs natively.
 *
 * kill(-1, sig), "every process I may signal", is on the host every
 * process of the uid: it is done here, as each of the sandbox's processes
 * but the caller's signalled by the sentry (the receiver's si_pid is then
 * the sentry's, which the sandbox cannot see).
 *
 * fcntl's F_SETOWN and F_SETOWN_EX, and ioctl's FIOSETOWN and SIOCSPGRP,
 * name a process or group too (who gets the file's SIGIO): the kernel
 * says ESRCH for a missing one, and the signal would reach a host process
 * of the uid. sys_procs_setown() holds them to the same line.
 *
 * CONTINUE is sound here: the decision is made from registers alone; no
 * tracee memory is read for it and no path is involved. A pid cannot pass
 * to another process in between: a task's pid is free for reuse only once
 * the sentry has reaped it, which happens in this same loop, not while a
 * call is being decided. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/sockios.h>
#include <limits.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sentry/sys/sys_procs.h"

#include "base/log.h"
#include "sentry/kernel/pidns.h"
#include "sentry/kernel/task_stat.h"
#include "sentry/sys/sys.h"
#include "sentry/sys/sys_args.h"

enum sys_procs_trap sys_procs_trap(int nr, uint64_t *self)
{
	switch (nr) {
	case SYS_setpriority:
	case SYS_getpriority:
	case SYS_setpgid: /* (0, 0): the caller to a group of its own */
		*self = 0; /* PRIO_PROCESS; PRIO_PGRP 1, PRIO_USER 2 */
		return SYS_PROCS_WHO;
	case SYS_ioprio_set:
	case SYS_ioprio_get:
		*self = 1; /* IOPRIO_WHO_PROCESS; _PGRP 2, _USER 3 */
		return SYS_PROCS_WHO;
	case SYS_prlimit64:
	case SYS_sched_setaffinity:
	case SYS_sched_getaffinity:
	case SYS_sched_setscheduler:
	case SYS_sched_getscheduler:
	case SYS_sched_setparam:
	case SYS_sched_getparam:
	case SYS_sched_setattr:
	case SYS_sched_getattr:
	case SYS_sched_rr_get_interval:
	case SYS_migrate_pages:
	case SYS_move_pages:
	case SYS_getsid:
	case SYS_getpgid:
	case SYS_get_robust_list:
	case SYS_process_vm_readv:
	case SYS_process_vm_writev:
	case SYS_pidfd_open:
	case SYS_kill: /* 0: the caller's own group */
	case SYS_tkill:
	case SYS_rt_sigqueueinfo:
		return SYS_PROCS_PID;
	case SYS_tgkill: /* raise() and pthread_kill(): tgkill(getpid(), tid) */
	case SYS_rt_tgsigqueueinfo:
	case SYS_kcmp:
		return SYS_PROCS_ALWAYS;
	default:
		return SYS_PROCS_NONE;
	}
}

/* The decision: whether pid (> 0) names a process or thread of the
 * sandbox. */
static bool sandbox_pid(struct sentry *s, pid_t pid)
{
	return sentry_task_find(s, pid) != NULL;
}

/* Whether process group g (> 0) is the sandbox's: a task of it is in it.
 * Its leader first (a group is named after it); then every task, for a
 * group whose leader is gone or is not the sandbox's (the one the first
 * task inherited). */
static bool sandbox_pgrp(struct sentry *s, pid_t g)
{
	if (sandbox_pid(s, g) && getpgid(g) == g)
		return true;
	for (size_t b = 0; b < s->n_buckets; b++)
		for (struct sentry_task *t = s->buckets[b]; t; t = t->next)
			if (getpgid(t->tid) == g)
				return true;
	return false;
}

/* 0 when a pid argument may go on: the sandbox's, or no process at all
 * (the caller, or the kernel's own error); else -ESRCH. The kernel's
 * pid_t is the low 32 bits of the register. */
static int check_pid(struct sentry *s, int nr, uint64_t arg)
{
	pid_t pid = (pid_t)arg;
	if (pid <= 0 || sandbox_pid(s, pid))
		return 0;
	log_debug("syscall %d on pid %d: not a task of the sandbox", nr, (int)pid);
	return -ESRCH;
}

/* Under a pid namespace (--unshare-pid, sys_pidns.c): argument i names
 * the namespace's number v (the caller's, a negative one or 0 left as
 * they are); the host's goes in its place, in the register the kernel
 * reads (the call is trapped with TRACE for that) and in call->args, so
 * every check below meets host numbers. `err` when no task has it. */
static int ns_arg(struct sentry *s, struct platform_call *call, int i, pid_t v, bool neg,
		  int err)
{
	if (v <= 0)
		return 0;
	pid_t h = pidns_to_host(s->pidns, v);
	if (!h) {
		log_debug("syscall %d on %d: no such pid in the sandbox's namespace", call->nr,
			  (int)v);
		return err;
	}
	if (!call->ops->set_arg) {
		log_warn("syscall %d under --unshare-pid: this platform cannot translate its pid; "
			 "refused", call->nr);
		return -ENOSYS;
	}
	return call->ops->set_arg(call, i, (uint64_t)(int64_t)(neg ? -h : h));
}

/* A pid namespace's init (number 1) gets from inside only the signals it
 * has a handler for, or blocks to take them (sigtimedwait): the kernel
 * drops the rest, SIGKILL and SIGSTOP always (SIGNAL_UNKILLABLE). Read
 * from the host's /proc/<h>/status. */
/* Task h's blocked and caught signals (SigBlk, SigCgt): 0, or -1 when
 * its status cannot be read (gone). */
static int sig_masks(pid_t h, unsigned long long *blk, unsigned long long *cgt)
{
	char path[64], line[128];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)h);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	unsigned long long v;
	*blk = *cgt = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "SigBlk: %llx", &v) == 1)
			*blk = v;
		else if (sscanf(line, "SigCgt: %llx", &v) == 1)
			*cgt = v;
	}
	fclose(f);
	return 0;
}

static bool init_drops(pid_t h, int sig)
{
	if (sig == SIGKILL || sig == SIGSTOP)
		return true;
	unsigned long long blk, cgt;
	if (sig_masks(h, &blk, &cgt) < 0)
		return false;
	return !((blk | cgt) & (1ull << (sig - 1)));
}

bool sentry_init_discards(struct sentry *s, pid_t tid, int sig)
{
	/* The kernel's get_signal(): an unkillable init takes no signal at
	 * its default action but SIGKILL and SIGSTOP. One that was blocked
	 * when sent (init_drops let it through, for a sigtimedwait) reaches
	 * delivery only once unblocked, and goes if no handler came. */
	if (!s->pidns || sig <= 0 || sig >= NSIG || sig == SIGKILL || sig == SIGSTOP)
		return false;
	struct sentry_task *t = sentry_task_find(s, tid);
	pid_t tgid = t ? sentry_task_tgid(t) : 0;
	if (!tgid || tgid == s->init_tid || pidns_to_ns(s->pidns, tgid) != 1)
		return false;
	unsigned long long blk, cgt;
	return sig_masks(tid, &blk, &cgt) == 0 && !(cgt & (1ull << (sig - 1)));
}

static pid_t caller_tgid(struct sentry *s, struct platform_call *call);

/* check_kill_permission for a signal from the calling thread to task
 * `tid` (its tgid `tgid`, or 0 for any): -EPERM when the kernel would
 * refuse it under the sandbox's credentials, else 0 (and the kernel's own
 * EINVAL or ESRCH left to it). */
static int signal_denied(struct sentry *s, struct platform_call *call, pid_t tid, pid_t tgid,
			 int sig)
{
	if (sig < 0 || sig >= NSIG || tid <= 0)
		return 0;
	struct sentry_task *me = sentry_task_find(s, call->tid), *t = sentry_task_find(s, tid);
	if (!me || !t || (tgid > 0 && sentry_task_tgid(t) != tgid) ||
	    sentry_task_tgid(t) == sentry_task_tgid(me))
		return 0;
	const struct creds *c = &me->creds, *tc = &t->creds;
	if (c->euid == tc->suid || c->euid == tc->ruid || c->ruid == tc->suid ||
	    c->ruid == tc->ruid || creds_capable(c, CAP_KILL))
		return 0;
	pid_t sid = getsid(tid);
	if (sig == SIGCONT && sid >= 0 && sid == getsid(call->tid))
		return 0;
	log_debug("signal %d to %d: not permitted by the sandbox's credentials", sig, (int)tid);
	return -EPERM;
}

/* The signal of a kill-family call, or -1 for another call. */
static int signal_of(struct platform_call *call)
{
	switch (call->nr) {
	case SYS_kill:
	case SYS_tkill:
	case SYS_rt_sigqueueinfo:
		return (int)call->args[1];
	case SYS_tgkill:
	case SYS_rt_tgsigqueueinfo:
		return (int)call->args[2];
	default:
		return -1;
	}
}

/* 1: the call is done (0) without reaching the kernel; 0: go on with
 * host numbers; or -errno. */
static int ns_translate(struct sentry *s, struct platform_call *call)
{
	uint64_t self;
	int r;
	pid_t a0 = (pid_t)call->args[0], a1 = (pid_t)call->args[1];
	int sig = signal_of(call);
	pid_t target = call->nr == SYS_tgkill || call->nr == SYS_rt_tgsigqueueinfo ? a1 : a0;
	pid_t h1 = signal_of(call) >= 0 && target == 1 ? pidns_to_host(s->pidns, 1) : 0;
	if (h1 && h1 == s->init_tid && caller_tgid(s, call) != h1) {
		/* veil's own init: under the kernel backend it is outside the
		 * program's Landlock domain, whose signal scope says EPERM. */
		log_debug("signal to the sandbox's init: EPERM, as under the kernel backend");
		return -EPERM;
	}
	if (h1 && sig > 0 && sig < NSIG && init_drops(h1, sig)) {
		log_debug("signal %d to the namespace's init: dropped, as the kernel does", sig);
		return 1;
	}
	switch (sys_procs_trap(call->nr, &self)) {
	case SYS_PROCS_PID:
		if (call->nr == SYS_kill && a0 < -1 && a0 != INT_MIN)
			return ns_arg(s, call, 0, -a0, true, -ESRCH);
		return ns_arg(s, call, 0, a0, false, -ESRCH);
	case SYS_PROCS_WHO:
		if (call->nr == SYS_setpgid) {
			r = ns_arg(s, call, 0, a0, false, -ESRCH);
			return r < 0 ? r : ns_arg(s, call, 1, a1, false, -EPERM);
		}
		/* a process or a group; a user's id is no pid */
		if (a0 == (int)self || a0 == (int)self + 1)
			return ns_arg(s, call, 1, a1, false, -ESRCH);
		return 0;
	case SYS_PROCS_ALWAYS:
		r = ns_arg(s, call, 0, a0, false, -ESRCH);
		return r < 0 ? r : ns_arg(s, call, 1, a1, false, -ESRCH);
	case SYS_PROCS_NONE:
		return 0;
	}
	return 0;
}

/* F_SETOWN's number under a pid namespace: a pid, or minus a group. */
static int ns_owner(struct sentry *s, int *who)
{
	if (!s->pidns || *who == 0 || *who == INT_MIN)
		return 0;
	pid_t h = pidns_to_host(s->pidns, *who > 0 ? *who : -*who);
	if (!h)
		return -ESRCH;
	*who = *who > 0 ? h : -h;
	return 0;
}

static pid_t caller_tgid(struct sentry *s, struct platform_call *call)
{
	struct sentry_task *t = sentry_task_find(s, call->tid);
	return t ? sentry_task_tgid(t) : call->tid;
}

/* kill(-1, sig): each process of the sandbox but the caller's, as the
 * kernel answers: 0 when one was there (even if it may not be signalled),
 * ESRCH when none, else the last error other than EPERM. */
static long kill_all(struct sentry *s, struct platform_call *call)
{
	int sig = (int)call->args[1];
	if (sig < 0 || sig >= NSIG)
		return -EINVAL;
	pid_t self = caller_tgid(s, call);
	pid_t *done = NULL;
	size_t n = 0, cap = 0;
	long ret = 0;
	for (size_t b = 0; b < s->n_buckets; b++) {
		for (struct sentry_task *t = s->buckets[b]; t; t = t->next) {
			pid_t g = sentry_task_tgid(t);
			/* a pid namespace's init is not "every process" */
			bool seen = g == self || (s->pidns && pidns_to_ns(s->pidns, g) == 1);
			for (size_t i = 0; i < n && !seen; i++)
				seen = done[i] == g;
			if (seen)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				pid_t *d = realloc(done, cap * sizeof(*d));
				if (!d) {
					free(done);
					return -ENOMEM;
				}
				done = d;
			}
			done[n++] = g;
			if (signal_denied(s, call, g, 0, sig) < 0)
				continue; /* counted, not signalled: as the kernel's EPERM */
			if (kill(g, sig) < 0 && errno != EPERM && errno != ESRCH)
				ret = -errno;
		}
	}
	free(done);
	return n ? ret : -ESRCH;
}

/* kill(-g, sig): the group's processes the caller may signal under the
 * sandbox's ids (kill_pgrp_info: 0 when one was signalled, else the
 * kernel's EPERM). When it may signal them all, the call goes on natively
 * (each receiver sees its sender); when some are another user's, the
 * sentry signals the others itself, as it does for kill(-1) (their
 * si_pid is then the sentry's, 0 in a pid namespace). A process that
 * joins the group between this look and the native call is signalled
 * as the group's member it then is: only it (or its parent, another
 * user's) could have moved it there. */
static long kill_group(struct sentry *s, struct platform_call *call, pid_t g)
{
	int sig = (int)call->args[1];
	if (sig < 0 || sig >= NSIG)
		return -EINVAL;
	pid_t *ok = NULL;
	size_t n_ok = 0, cap = 0, n_denied = 0;
	for (size_t b = 0; b < s->n_buckets; b++) {
		for (struct sentry_task *t = s->buckets[b]; t; t = t->next) {
			if (sentry_task_tgid(t) != t->tid || getpgid(t->tid) != g)
				continue; /* one per process: its leader */
			if (signal_denied(s, call, t->tid, 0, sig) < 0) {
				n_denied++;
				continue;
			}
			if (n_ok == cap) {
				cap = cap ? cap * 2 : 16;
				pid_t *o = realloc(ok, cap * sizeof(*o));
				if (!o) {
					free(ok);
					return -ENOMEM;
				}
				ok = o;
			}
			ok[n_ok++] = t->tid;
		}
	}
	long ret;
	if (!n_denied) {
		ret = sys_continue(call);
	} else if (!n_ok) {
		ret = -EPERM;
	} else {
		ret = -EPERM;
		for (size_t i = 0; i < n_ok; i++)
			if (kill(ok[i], sig) == 0)
				ret = 0;
	}
	free(ok);
	return ret;
}

static long on_kill(struct sentry *s, struct platform_call *call)
{
	pid_t pid = (pid_t)call->args[0];
	if (pid == -1)
		return kill_all(s, call);
	if (pid < -1 && pid != INT_MIN && !sandbox_pgrp(s, -pid)) {
		log_debug("kill of group %d: not the sandbox's", (int)-pid);
		return -ESRCH;
	}
	if (pid < -1 && pid != INT_MIN)
		return kill_group(s, call, -pid);
	int r = check_pid(s, call->nr, call->args[0]);
	if (r == 0)
		r = signal_denied(s, call, pid, 0, (int)call->args[1]);
	return r < 0 ? r : sys_continue(call);
}

/* PF_FORKNOEXEC (linux/sched.h): forked, has not exec'd since. */
#define TASK_FORKNOEXEC 0x00000040u

/* setpgid's answer for a group that is not the sandbox's: the kernel's
 * for a group that does not exist, EPERM, after the checks it makes on
 * the process first (LTP setpgid03): not the caller nor a child of it,
 * ESRCH; a thread, EINVAL; a child in another session, EPERM; a child
 * that has exec'd, EACCES. From the host's /proc (host numbers here). */
static long setpgid_refused(struct sentry *s, struct platform_call *call, pid_t pid)
{
	pid_t self = caller_tgid(s, call);
	if (pid == self)
		return -EPERM; /* a session leader, or the group */
	struct task_session ts, mine;
	if (task_session_of(pid, &ts) < 0 || task_session_of(self, &mine) < 0)
		return -ESRCH;
	struct sentry_task *t = sentry_task_find(s, pid);
	if (t && sentry_task_tgid(t) != pid)
		return -EINVAL;
	if (ts.ppid != self)
		return -ESRCH;
	if (ts.sid != mine.sid)
		return -EPERM;
	return ts.flags & TASK_FORKNOEXEC ? -EPERM : -EACCES;
}

/* setpgid(pid, pgid): pid the caller (0) or the sandbox's; pgid 0 or the
 * target itself (a new group), or a group of the sandbox's: the kernel's
 * answer for a group that is not there otherwise. */
static long on_setpgid(struct sentry *s, struct platform_call *call)
{
	int r = check_pid(s, call->nr, call->args[0]);
	if (r < 0)
		return r;
	pid_t pid = (pid_t)call->args[0], pgid = (pid_t)call->args[1];
	if (pid == 0)
		pid = caller_tgid(s, call);
	if (pgid > 0 && pgid != pid && !sandbox_pgrp(s, pgid)) {
		log_debug("setpgid to group %d: not the sandbox's", (int)pgid);
		return setpgid_refused(s, call, pid);
	}
	return sys_continue(call);
}

/* setpriority, getpriority, ioprio_set, ioprio_get: `process` is the
 * kind (arg0) that names one process by arg1; the next two a process
 * group and a user. */
static long on_who(struct sentry *s, struct platform_call *call, int process)
{
	int which = (int)call->args[0];
	pid_t who = (pid_t)call->args[1];
	bool set = call->nr == SYS_setpriority || call->nr == SYS_ioprio_set;
	if (which == process) {
		int r = check_pid(s, call->nr, call->args[1]);
		return r < 0 ? r : sys_continue(call);
	}
	if ((which == process + 1 && set) || which == process + 2) {
		log_debug("syscall %d for a process group or a user: not confined to the sandbox",
			  call->nr);
		return -EPERM;
	}
	if (which == process + 1 && who > 0 && !sandbox_pgrp(s, who))
		return -ESRCH;
	return sys_continue(call); /* the caller's group, or EINVAL from the kernel */
}

/* process_vm_readv/writev on a process that is not the sandbox's: the
 * kernel's answer for a missing pid, which it gives only after it has
 * checked its flags and the local iovec, and not at all when that iovec
 * moves nothing (0). Computed here from one copy of the iovecs; never
 * continued, so no later change to them matters. */
static long vm_rw_missing(struct platform_call *call)
{
	if (call->args[5] != 0)
		return -EINVAL;
	const unsigned long max = 1024; /* UIO_MAXIOV */
	unsigned long n[2] = {call->args[2], call->args[4]};
	uint64_t addr[2] = {call->args[1], call->args[3]};
	for (int side = 0; side < 2; side++) {
		if (n[side] > max)
			return -EINVAL;
		uint64_t total = 0;
		for (unsigned long i = 0; i < n[side]; i++) {
			uint64_t iov[2];
			int r = call->ops->read_mem(call, iov, addr[side] + i * sizeof(iov),
						    sizeof(iov));
			if (r < 0)
				return r;
			if ((int64_t)iov[1] < 0)
				return -EINVAL;
			total += iov[1];
		}
		if (side == 0 && total == 0)
			return 0;
	}
	return -ESRCH;
}

/* F_SETOWN's rule for a number: a pid of the sandbox's, or a negative
 * one whose absolute value is a task's pid or a group's (the kernel looks
 * up the number, not the group); 0 clears; INT_MIN is the kernel's
 * EINVAL. */
static bool owner_ok(struct sentry *s, int who)
{
	if (who > 0)
		return sandbox_pid(s, who);
	return who == 0 || who == INT_MIN || sandbox_pid(s, -who) || sandbox_pgrp(s, -who);
}

/* The sentry's own copy of the program's fd (the same open file) gets
 * the owner the program asked for: `arg` is what the kernel would copy
 * in (an int, a struct f_owner_ex), copied once and decided on. */
static long setown_here(struct sentry *s, struct platform_call *call, bool is_ioctl,
			unsigned cmd, void *arg)
{
	struct sys_fd ref;
	int r = sys_resolve_fd(s, call, (int)call->args[0], &ref);
	if (r < 0)
		return r;
	r = is_ioctl ? ioctl(ref.host_fd, cmd, arg) : fcntl(ref.host_fd, (int)cmd, arg);
	r = r < 0 ? -errno : 0;
	sys_fd_put(&ref);
	return r;
}

long sys_procs_setown(struct sentry *s, struct platform_call *call)
{
	uint32_t cmd = (uint32_t)call->args[1]; /* the kernel's unsigned int */
	if (call->nr == SYS_fcntl && cmd == F_SETOWN) {
		/* A register: decided and continued, as the calls above;
		 * under a pid namespace done here on the host's number. */
		int who = (int)call->args[2];
		if (ns_owner(s, &who) < 0 || !owner_ok(s, who)) {
			log_debug("F_SETOWN to %d: not the sandbox's", who);
			return -ESRCH;
		}
		if (s->pidns)
			return setown_here(s, call, false, F_SETOWN, (void *)(intptr_t)who);
		return sys_continue(call);
	}
	/* In memory: copied once, decided, and done here, never continued. */
	if (call->nr == SYS_ioctl && (cmd == FIOSETOWN || cmd == SIOCSPGRP)) {
		int who;
		int r = call->ops->read_mem(call, &who, call->args[2], sizeof(who));
		if (r < 0)
			return r;
		if (ns_owner(s, &who) < 0 || !owner_ok(s, who)) {
			log_debug("ioctl %#x to %d: not the sandbox's", cmd, who);
			return -ESRCH;
		}
		return setown_here(s, call, true, cmd, &who);
	}
	if (call->nr != SYS_fcntl || cmd != F_SETOWN_EX)
		return -ENOSYS;
	struct f_owner_ex o;
	int r = call->ops->read_mem(call, &o, call->args[2], sizeof(o));
	if (r < 0)
		return r;
	bool ok;
	if (s->pidns && o.pid > 0 && !(o.pid = pidns_to_host(s->pidns, o.pid)))
		return -ESRCH;
	switch (o.type) {
	case F_OWNER_TID:
	case F_OWNER_PID:
		ok = o.pid <= 0 || sandbox_pid(s, o.pid);
		break;
	case F_OWNER_PGRP:
		ok = o.pid <= 0 || sandbox_pid(s, o.pid) || sandbox_pgrp(s, o.pid);
		break;
	default:
		return -EINVAL;
	}
	if (!ok) {
		log_debug("F_SETOWN_EX to %d: not the sandbox's", (int)o.pid);
		return -ESRCH;
	}
	return setown_here(s, call, false, F_SETOWN_EX, &o);
}

/* One handler for all of them: it checks that it was reached for one (a
 * platform that traps more gets ENOSYS, never a continued call). */
SYS_HANDLER(other_process)
{
	uint64_t self;
	int r;
	if (s->pidns && (r = ns_translate(s, call)) != 0) {
		if (r == -ESRCH && (call->nr == SYS_process_vm_readv ||
				    call->nr == SYS_process_vm_writev))
			return vm_rw_missing(call);
		return r < 0 ? r : 0;
	}
	switch (sys_procs_trap(call->nr, &self)) {
	case SYS_PROCS_NONE:
		return -ENOSYS;
	case SYS_PROCS_WHO:
		if (call->nr == SYS_setpgid)
			return on_setpgid(s, call);
		return on_who(s, call, (int)self);
	case SYS_PROCS_PID:
		if (call->nr == SYS_kill)
			return on_kill(s, call);
		r = check_pid(s, call->nr, call->args[0]);
		if (r == 0 && signal_of(call) >= 0)
			r = signal_denied(s, call, (pid_t)call->args[0], 0, signal_of(call));
		if (r < 0 && (call->nr == SYS_process_vm_readv ||
			      call->nr == SYS_process_vm_writev))
			return vm_rw_missing(call);
		break;
	case SYS_PROCS_ALWAYS:
		/* tgkill and rt_tgsigqueueinfo: the thread decides (the
		 * kernel says ESRCH if it is not in the group); kcmp: both. */
		r = check_pid(s, call->nr, call->args[1]);
		if (r == 0 && call->nr == SYS_kcmp)
			r = check_pid(s, call->nr, call->args[0]);
		else if (r == 0)
			r = signal_denied(s, call, (pid_t)call->args[1], (pid_t)call->args[0],
					  signal_of(call));
		break;
	default:
		return -ENOSYS;
	}
	return r < 0 ? r : sys_continue(call);
}
