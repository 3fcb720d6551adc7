/* --unshare-pid under the emulate backend: the sandbox's pid namespace,
 * kept by the sentry (sentry/kernel/pidns.h) with no privilege.
 *
 * Every crossing of a pid between the program and the kernel is
 * translated, each by the cheapest means that is sound:
 *
 * - Answers the sentry knows (getpid, gettid, getppid, getpgrp, getpgid,
 *   getsid): trapped (NOTIFY) and answered from the table and the host's
 *   /proc/<tid>/stat; a pid the kernel gives for a process outside the
 *   namespace (veil, for the first task's parent) is 0, as the kernel
 *   shows it.
 * - Pids the program passes (kill, tkill, tgkill, rt_sigqueueinfo,
 *   rt_tgsigqueueinfo, pidfd_open, setpgid, prlimit64, the sched_ calls,
 *   get/setpriority, ioprio_get/set, process_vm_*, kcmp,
 *   get_robust_list, wait4, waitid): trapped with SECCOMP_RET_TRACE, so
 *   that at the seccomp stop the number (a register, read once) is
 *   rewritten to the host's in the register itself and the call goes on
 *   natively (sentry/sys/sys_procs.c for the first list, its checks then
 *   run on host numbers). A number no task of the namespace has fails as
 *   the kernel fails for it (ESRCH; ECHILD for the waits). A pid of a
 *   task is not free for reuse before the sentry has seen it exit.
 * - Pids the kernel returns (fork, vfork, clone, clone3, setsid,
 *   set_tid_address, wait4, waitid's siginfo, rt_sigtimedwait's): the
 *   tracee is resumed to its syscall-exit stop, where the result (and
 *   CLONE_PARENT_SETTID's word) is rewritten (sentry_syscall_exit below).
 *   fork and clone need no trap: the PTRACE_EVENT_FORK/CLONE stop the
 *   sentry gets anyway is resumed with PTRACE_SYSCALL. CLONE_CHILD_SETTID's
 *   word is rewritten at the child's first stop, before it runs
 *   (platform/unotify/unotify.c).
 * - si_pid of a signal being delivered (SIGCHLD's child, a sender's pid):
 *   rewritten at its signal-delivery stop (PTRACE_SETSIGINFO).
 * - Results in memory of fcntl F_GETOWN(_EX), ioctl FIOGETOWN,
 *   SIOCGPGRP, TIOCGPGRP, TIOCGSID, and getsockopt SO_PEERCRED: done by the
 *   sentry on its own copy of the fd (or read from /proc) and translated.
 * - /proc: fs/proc with the namespace's numbers (procfs_source.c).
 *
 * Refused, loudly, because they would carry host pids untranslated:
 * signalfd (ssi_pid; the sandbox's own init may, it reads no pid), the
 * PI futex operations and set_robust_list (the kernel reads owner tids
 * from futex words, which the program fills with the namespace's
 * numbers), setsockopt SO_PASSCRED (SCM_CREDENTIALS), and
 * prctl(PR_SET_PTRACER).
 *
 * ioctl TIOCSPGRP (tcsetpgrp) takes its group from memory: copied once,
 * translated, and the host's number put in scratch memory below the
 * caller's stack (ops->scratch) that the call is pointed at, never in the
 * program's own variable; zeroed again at the exit stop. */
#include "sentry/sys/sys_pidns.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <linux/sockios.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "sentry/kernel/pidns.h"
#include "sentry/kernel/task_stat.h"
#include "sentry/sys/sys.h"
#include "sentry/sys/sys_args.h"
#include "sentry/sys/sys_procs.h"

const uint32_t sys_pidns_fcntl_cmds[] = {F_GETOWN, F_GETOWN_EX};
const unsigned sys_pidns_n_fcntl_cmds = 2;
const uint32_t sys_pidns_ioctl_cmds[] = {FIOGETOWN, SIOCGPGRP, TIOCGPGRP, TIOCGSID, TIOCSPGRP};
const unsigned sys_pidns_n_ioctl_cmds = 5;
const uint32_t sys_pidns_futex_pi_ops[] = {FUTEX_LOCK_PI, FUTEX_UNLOCK_PI, FUTEX_TRYLOCK_PI,
					   FUTEX_WAIT_REQUEUE_PI, FUTEX_CMP_REQUEUE_PI,
					   13 /* FUTEX_LOCK_PI2 */};
const unsigned sys_pidns_n_futex_pi_ops = 6;

enum sys_pidns_trap sys_pidns_trap(int nr)
{
	switch (nr) {
	case SYS_getpid:
	case SYS_gettid:
	case SYS_getppid:
	case SYS_getpgrp:
	case SYS_getpgid:
	case SYS_getsid:
	case SYS_signalfd:
	case SYS_signalfd4:
		return PIDNS_NOTIFY;
	case SYS_setsid:
	case SYS_set_tid_address:
	case SYS_wait4:
	case SYS_waitid:
	case SYS_rt_sigtimedwait:
		return PIDNS_TRACE;
	case SYS_set_robust_list:
		return PIDNS_REFUSE;
	default:
		break;
	}
	uint64_t self;
	return sys_procs_trap(nr, &self) == SYS_PROCS_NONE ? PIDNS_KEEP : PIDNS_TRACE;
}

static pid_t ns_of(struct sentry *s, pid_t host)
{
	return pidns_to_ns(s->pidns, host);
}

/* The call goes on natively, and its result passes sentry_syscall_exit. */
static long continue_to_exit(struct sentry *s, struct platform_call *call, const uint64_t *orig)
{
	struct sentry_task *t = sentry_task_find(s, call->tid);
	if (!call->ops->at_exit || !t) {
		log_warn("syscall %d under --unshare-pid: this platform cannot rewrite its result; "
			 "refused", call->nr);
		return -ENOSYS;
	}
	long r = sys_continue(call);
	if (r != SYS_REPLIED)
		return r;
	t->exit_nr = call->nr;
	memcpy(t->exit_args, orig, sizeof(t->exit_args));
	call->ops->at_exit(call);
	return SYS_REPLIED;
}

/* Argument i becomes host pid h (negated with `neg`) for the kernel. */
static int set_host_arg(struct platform_call *call, int i, pid_t h, bool neg)
{
	if (!call->ops->set_arg) {
		log_warn("syscall %d under --unshare-pid: this platform cannot translate its pid; "
			 "refused", call->nr);
		return -ENOSYS;
	}
	return call->ops->set_arg(call, i, (uint64_t)(int64_t)(neg ? -h : h));
}

/* wait4(pid) and waitid(P_PID/P_PGID, id): a number no task has is no
 * child of the caller's (ECHILD). */
static long on_wait(struct sentry *s, struct platform_call *call)
{
	uint64_t orig[6];
	memcpy(orig, call->args, sizeof(orig));
	int i = -1;
	pid_t v = 0;
	bool neg = false;
	if (call->nr == SYS_wait4) {
		v = (pid_t)call->args[0];
		neg = v < -1 && v != INT_MIN;
		if (neg)
			v = -v;
		i = v > 0 ? 0 : -1;
	} else if (((int)call->args[0] == P_PID || (int)call->args[0] == P_PGID) &&
		   (pid_t)call->args[1] > 0) {
		v = (pid_t)call->args[1];
		i = 1;
	}
	if (i >= 0) {
		pid_t h = pidns_to_host(s->pidns, v);
		if (!h)
			return -ECHILD;
		int r = set_host_arg(call, i, h, neg);
		if (r < 0)
			return r;
	}
	return continue_to_exit(s, call, orig);
}

/* si_pid filled by the kernel (SI_QUEUE's is the sender's own writing,
 * in the namespace's numbers already: platform/unotify/unotify.c). */
static bool carries_pid(int signo, int code)
{
	return code == SI_USER || code == SI_TKILL || code == SI_MESGQ ||
	       (signo == SIGCHLD && code > 0 && code != SI_KERNEL);
}

/* A siginfo the kernel wrote at addr: its si_pid becomes the namespace's
 * (offsets of the x86_64 layout: signo 0, code 8, pid 16). The host pid
 * it held, or 0. */
static pid_t siginfo_fix(struct sentry *s, struct platform_call *call, uint64_t addr, bool any)
{
	int32_t head[5];
	if (!addr || call->ops->read_mem(call, head, addr, sizeof(head)) < 0)
		return 0;
	if (!any && !carries_pid(head[0], head[2]))
		return 0;
	pid_t h = head[4];
	int32_t v = ns_of(s, h);
	call->ops->write_mem(call, addr + 16, &v, sizeof(v));
	return h;
}

static long clone_exit(struct sentry *s, struct platform_call *call, long ret)
{
	struct sentry_task *t = sentry_task_find(s, call->tid);
	pid_t v = t ? t->fork_child : 0;
	if (t)
		t->fork_child = 0;
	if (ret <= 0)
		return ret;
	if (!v)
		v = ns_of(s, (pid_t)ret);
	if (!v) {
		log_warn("clone by %d: child %ld has no number in the pid namespace", call->tid, ret);
		return -EAGAIN;
	}
	uint64_t flags = call->args[0], ptid = call->args[2];
	if (call->nr == SYS_clone3) {
		uint64_t a[4]; /* flags, pidfd, child_tid, parent_tid */
		if (call->ops->read_mem(call, a, call->args[0], sizeof(a)) < 0)
			a[0] = a[3] = 0;
		flags = a[0], ptid = a[3];
	}
	if ((flags & CLONE_PARENT_SETTID) && ptid) {
		int32_t w = v;
		call->ops->write_mem(call, ptid, &w, sizeof(w));
	}
	return v;
}

long sentry_syscall_exit(struct sentry *s, struct platform_call *call, long ret)
{
	struct sentry_task *t = sentry_task_find(s, call->tid);
	/* a clone(CLONE_NEWNS) that made no child: its namespace goes */
	if (call->nr == SYS_clone && t && t->clone_fs) {
		sentry_fs_put(t->clone_fs);
		t->clone_fs = NULL;
	}
	if (!s->pidns)
		return ret;
	switch (call->nr) {
	case SYS_clone:
	case SYS_clone3:
	case SYS_fork:
	case SYS_vfork:
		return clone_exit(s, call, ret);
	case SYS_setsid:
		return ret > 0 ? ns_of(s, (pid_t)ret) : ret;
	case SYS_set_tid_address:
		return t ? t->vtid : 0;
	case SYS_wait4: {
		if (ret <= 0)
			return ret;
		pid_t v = ns_of(s, (pid_t)ret);
		if (!v)
			log_warn("wait4 by %d: child %ld has no number in the pid namespace",
				 call->tid, ret);
		pidns_reaped(s->pidns, (pid_t)ret);
		return v;
	}
	case SYS_waitid: {
		if (ret == 0) {
			pid_t h = siginfo_fix(s, call, call->args[2], true);
			if (h > 0)
				pidns_reaped(s->pidns, h);
		}
		return ret;
	}
	case SYS_rt_sigtimedwait:
		if (ret > 0)
			siginfo_fix(s, call, call->args[1], false);
		return ret;
	case SYS_ioctl: {
		/* TIOCSPGRP: the host's number leaves the scratch memory */
		uint64_t at = call->ops->scratch ? call->ops->scratch(call, sizeof(int32_t)) : 0;
		int32_t zero = 0;
		if (at)
			call->ops->write_mem(call, at, &zero, sizeof(zero));
		return ret;
	}
	default:
		return ret;
	}
}

/* getpgid, getsid: of the caller (0) or of a task of the namespace. */
static long group_query(struct sentry *s, struct platform_call *call)
{
	pid_t v = (pid_t)call->args[0];
	pid_t h = v == 0 ? call->tid : v > 0 ? pidns_to_host(s->pidns, v) : 0;
	if (!h)
		return -ESRCH;
	pid_t g = call->nr == SYS_getpgid ? getpgid(h) : getsid(h);
	if (g < 0)
		return -errno;
	return ns_of(s, g);
}

static void warn_once(bool *told, const char *what)
{
	if (*told)
		return;
	*told = true;
	log_warn("%s under --unshare-pid: not translated to the sandbox's pids yet; refused", what);
}

/* fcntl F_GETOWN(_EX), ioctl FIOGETOWN and SIOCGPGRP: the file's owner,
 * read on the sentry's copy of the fd (the same open file). */
static long get_owner(struct sentry *s, struct platform_call *call, bool ioctl_, uint32_t cmd)
{
	struct sys_fd ref;
	int r = sys_resolve_fd(s, call, (int)call->args[0], &ref);
	if (r < 0)
		return r;
	long ret;
	if (!ioctl_ && cmd == F_GETOWN_EX) {
		struct f_owner_ex o;
		ret = fcntl(ref.host_fd, F_GETOWN_EX, &o) < 0 ? -errno : 0;
		if (ret == 0) {
			o.pid = ns_of(s, o.pid);
			ret = call->ops->write_mem(call, call->args[2], &o, sizeof(o));
		}
	} else {
		int who = fcntl(ref.host_fd, F_GETOWN);
		int v = who < 0 ? -ns_of(s, -who) : ns_of(s, who);
		if (ioctl_)
			ret = call->ops->write_mem(call, call->args[2], &v, sizeof(v));
		else
			ret = v;
	}
	sys_fd_put(&ref);
	return ret;
}

/* TIOCGPGRP, TIOCGSID: of the caller's controlling terminal only (the
 * kernel's ENOTTY for any other), from its /proc/<tid>/stat. */
static long tty_query(struct sentry *s, struct platform_call *call, uint32_t cmd)
{
	struct platform_fd pf;
	int r = call->ops->get_fd(call, (int)call->args[0], &pf);
	if (r < 0)
		return r;
	struct stat st = pf.st;
	if (!pf.borrowed)
		close(pf.fd);
	struct task_session ts;
	if (!S_ISCHR(st.st_mode) || task_session_of(call->tid, &ts) < 0 || !ts.ctty ||
	    st.st_rdev != ts.ctty)
		return -ENOTTY;
	pid_t g = cmd == TIOCGSID ? ts.sid : ts.tpgid;
	if (g <= 0)
		return -ENOTTY;
	int v = ns_of(s, g);
	return call->ops->write_mem(call, call->args[2], &v, sizeof(v));
}

/* getsockopt SO_PEERCRED: the peer's pid is the namespace's (0 for a peer
 * outside); ids as the kernel gives them. */
static long peercred(struct sentry *s, struct platform_call *call)
{
	int len;
	int r = call->ops->read_mem(call, &len, call->args[4], sizeof(len));
	if (r < 0)
		return r;
	if (len < 0)
		return -EINVAL;
	struct sys_fd ref;
	r = sys_resolve_fd(s, call, (int)call->args[0], &ref);
	if (r < 0)
		return r;
	struct ucred uc;
	socklen_t ul = sizeof(uc);
	r = getsockopt(ref.host_fd, SOL_SOCKET, SO_PEERCRED, &uc, &ul) < 0 ? -errno : 0;
	sys_fd_put(&ref);
	if (r < 0)
		return r;
	uc.pid = ns_of(s, uc.pid);
	if ((size_t)len > sizeof(uc))
		len = sizeof(uc);
	r = call->ops->write_mem(call, call->args[3], &uc, (size_t)len);
	return r < 0 ? r : call->ops->write_mem(call, call->args[4], &len, sizeof(len));
}

/* TIOCSPGRP: the group is the namespace's (ESRCH for none, EINVAL for a
 * negative one, as the kernel); the kernel reads the host's from scratch
 * memory. */
static long set_fg(struct sentry *s, struct platform_call *call, bool *told)
{
	uint64_t orig[6];
	memcpy(orig, call->args, sizeof(orig));
	int v;
	int r = call->ops->read_mem(call, &v, call->args[2], sizeof(v));
	if (r < 0)
		return r;
	if (v < 0)
		return -EINVAL;
	pid_t h = pidns_to_host(s->pidns, v);
	if (!h)
		return -ESRCH;
	uint64_t at = call->ops->scratch ? call->ops->scratch(call, sizeof(h)) : 0;
	if (!at || !call->ops->set_arg) {
		warn_once(told, "ioctl TIOCSPGRP (tcsetpgrp) on this platform");
		return -ENOTTY;
	}
	int32_t w = h;
	r = call->ops->write_mem(call, at, &w, sizeof(w));
	if (r == 0)
		r = call->ops->set_arg(call, 2, at);
	return r < 0 ? r : continue_to_exit(s, call, orig);
}

bool sys_pidns_dispatch(struct sentry *s, struct platform_call *call, long *ret)
{
	static bool told_signalfd, told_passcred, told_tiocspgrp, told_futex;
	struct sentry_task *t = sentry_task_find(s, call->tid);
	struct task_session ts;
	uint32_t cmd = (uint32_t)call->args[1];
	switch (call->nr) {
	case SYS_getpid:
		*ret = t ? ns_of(s, sentry_task_tgid(t)) : -ESRCH;
		return true;
	case SYS_gettid:
		*ret = t ? t->vtid : -ESRCH;
		return true;
	case SYS_getppid:
	case SYS_getpgrp: {
		int r = task_session_of(call->tid, &ts);
		*ret = r < 0 ? r : ns_of(s, call->nr == SYS_getppid ? ts.ppid : ts.pgrp);
		return true;
	}
	case SYS_getpgid:
	case SYS_getsid:
		*ret = group_query(s, call);
		return true;
	case SYS_setsid:
	case SYS_set_tid_address:
	case SYS_rt_sigtimedwait:
		*ret = continue_to_exit(s, call, call->args);
		return true;
	case SYS_wait4:
	case SYS_waitid:
		*ret = on_wait(s, call);
		return true;
	case SYS_shmctl:
	case SYS_msgctl:
	case SYS_semctl:
		/* the host's objects' pids (sys_ipc.c); the sandbox's own,
		 * with --unshare-ipc, are the table's handlers' */
		if (s->ipc)
			return false;
		*ret = sys_ipc_host_pids(s, call);
		return true;
	case SYS_signalfd:
	case SYS_signalfd4:
		/* The sandbox's init reads signals it forwards, never a pid. */
		if (t && s->init_tid && sentry_task_tgid(t) == s->init_tid) {
			*ret = sys_continue(call);
			return true;
		}
		warn_once(&told_signalfd, "signalfd (ssi_pid)");
		*ret = -ENOSYS;
		return true;
	case SYS_fcntl:
		if (cmd != F_GETOWN && cmd != F_GETOWN_EX)
			return false;
		*ret = get_owner(s, call, false, cmd);
		return true;
	case SYS_ioctl:
		if (cmd == FIOGETOWN || cmd == SIOCGPGRP) {
			*ret = get_owner(s, call, true, cmd);
		} else if (cmd == TIOCGPGRP || cmd == TIOCGSID) {
			*ret = tty_query(s, call, cmd);
		} else if (cmd == TIOCSPGRP) {
			*ret = set_fg(s, call, &told_tiocspgrp);
		} else {
			return false;
		}
		return true;
	case SYS_getsockopt:
		if ((int)call->args[1] != SOL_SOCKET || (int)call->args[2] != SO_PEERCRED)
			return false;
		*ret = peercred(s, call);
		return true;
	case SYS_futex:
		/* only the PI operations are trapped */
		warn_once(&told_futex, "futex's PI operations (owner tids in futex words)");
		*ret = -ENOSYS;
		return true;
	case SYS_setsockopt:
		if ((int)call->args[1] != SOL_SOCKET || (int)call->args[2] != SO_PASSCRED)
			return false;
		warn_once(&told_passcred, "setsockopt SO_PASSCRED (SCM_CREDENTIALS)");
		*ret = -EOPNOTSUPP;
		return true;
	default:
		return false;
	}
}
