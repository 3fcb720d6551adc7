#include "sentry/sys/filter.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <string.h>

#include "base/cleanup.h"
#include "spec/denylist.h"
#include "sentry/sys/sys_ioctl.h"
#include "sentry/sys/sys_pidns.h"
#include "sentry/sys/sys_procs.h"
#include "sentry/sys/syscalls.h"

static uint32_t action_for(const struct sys_entry *e, enum filter_trap trap, unsigned flags)
{
	switch (e->cls) {
	case SYS_ALLOW:
		return SCMP_ACT_ALLOW;
	case SYS_ERRNO:
		return SCMP_ACT_ERRNO(e->err);
	case SYS_NETNS:
	case SYS_IPCNS:
	case SYS_NOTIFY:
		/* NETNS, IPCNS: trapped as NOTIFY with --unshare-net,
		 * --unshare-ipc only */
		if (e->cls == SYS_NETNS && !(flags & FILTER_NET))
			return SCMP_ACT_ALLOW;
		if (e->cls == SYS_IPCNS && !(flags & FILTER_IPC))
			return e->err ? SCMP_ACT_ERRNO(e->err) : SCMP_ACT_ALLOW;
		/* Unsupported: refuse in the kernel, no round trip for the same
		 * result. (openat, which the unotify platform also uses to hand
		 * exec's fd over, is always handled.) */
		if (!e->handler)
			return SCMP_ACT_ERRNO(ENOSYS);
		return trap == FILTER_TRAP_NOTIFY ? SCMP_ACT_NOTIFY
						  : SCMP_ACT_TRACE(FILTER_TRACE_EMULATE);
	case SYS_TRACE:
		if (!e->handler)
			return SCMP_ACT_ERRNO(ENOSYS);
		return SCMP_ACT_TRACE(FILTER_TRACE_ASSIST);
	}
	return SCMP_ACT_ERRNO(ENOSYS);
}

/* ioctl is refused and trapped by argument: the deny list's entries for it
 * (TIOCSTI, TIOCLINUX: typing into the terminal outside) are refused, the
 * commands that change an inode through a read-only fd are given
 * `action` (sentry/sys/sys_ioctl.c), and everything else runs natively.
 * libseccomp lets an unconditional rule for a syscall swallow the
 * conditional ones, so ioctl gets only conditional rules, the native one
 * through a comparison that always holds (`>= 0`; a mask of 0 would be
 * folded back into an unconditional rule). The kernel's cmd is an
 * unsigned int: only its low 32 bits are compared. The trapped commands
 * are trapped even when the table says ENOSYS (a platform without the
 * handler refuses them). tests/unit/sentry/test_filter.c proves the
 * order. */
static int add_ioctl_rules(scmp_filter_ctx ctx, uint32_t action, unsigned flags)
{
	/* Under a pid namespace, the commands whose results are pids, and
	 * TIOCSPGRP, whose argument is rewritten under ptrace. */
	for (unsigned i = 0; (flags & FILTER_PIDNS) && i < sys_pidns_n_ioctl_cmds; i++) {
		uint32_t a = sys_pidns_ioctl_cmds[i] == TIOCSPGRP
				     ? SCMP_ACT_TRACE(FILTER_TRACE_ASSIST) : action;
		int r = seccomp_rule_add(ctx, a, SCMP_SYS(ioctl), 1,
					 SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu,
						 sys_pidns_ioctl_cmds[i]));
		if (r < 0)
			return r;
	}
	/* --unshare-net: the interface ioctls (SIOCGIFCONF..0x89ff) answer
	 * from the socket's network namespace, the host's for the sentry's
	 * sockets: trapped (sentry/net/inet_ioctl.c), sixteen at a time. */
	for (uint32_t v = 0x8910; (flags & FILTER_NET) && v <= 0x89f0; v += 0x10) {
		int r = seccomp_rule_add(ctx, action, SCMP_SYS(ioctl), 1,
					 SCMP_A1(SCMP_CMP_MASKED_EQ, 0xfffffff0u, v));
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < denylist_len; i++) {
		const struct denylist_entry *e = &denylist[i];
		if (strcmp(e->name, "ioctl") != 0 || e->when != DENYLIST_ALWAYS)
			continue;
		int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO((uint32_t)e->err), SCMP_SYS(ioctl),
					 1, SCMP_CMP((unsigned)e->arg, SCMP_CMP_MASKED_EQ,
						     e->mask, e->value));
		if (r < 0)
			return r;
	}
	const uint32_t *cmds;
	size_t n = sys_ioctl_trapped(&cmds);
	for (size_t i = 0; i < n; i++) {
		int r = seccomp_rule_add(ctx, action, SCMP_SYS(ioctl), 1,
					 SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, cmds[i]));
		if (r < 0)
			return r;
	}
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				SCMP_A1(SCMP_CMP_GE, 0));
}

/* sendto with no address (send(2), the common case on a connected
 * socket) names no path: the kernel looks at no name when dest_addr is
 * NULL, and that is decided by a register, not by memory a thread could
 * rewrite. It runs natively; a sendto with an address gets the table's
 * action. Both rules are conditional, for the reason add_ioctl_rules says. */
static int add_sendto_rules(scmp_filter_ctx ctx, uint32_t action)
{
	int r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sendto), 1,
				 SCMP_A4(SCMP_CMP_EQ, 0));
	if (r < 0 || action == SCMP_ACT_ERRNO(ENOSYS))
		return r;
	return seccomp_rule_add(ctx, action, SCMP_SYS(sendto), 1, SCMP_A4(SCMP_CMP_NE, 0));
}

/* `action` for each of the n values of argument `arg` (its bits under
 * `mask`: the kernel's int or unsigned is the low 32). */
static int add_value_rules(scmp_filter_ctx ctx, int nr, uint32_t action, unsigned arg,
			   uint32_t mask, const uint32_t *vals, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int r = seccomp_rule_add(ctx, action, nr, 1,
					 SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, mask, vals[i]));
		if (r < 0)
			return r;
	}
	return 0;
}

/* The native rule beside value rules: a comparison on the same argument
 * that always holds (add_ioctl_rules says why). */
static int allow_rest(scmp_filter_ctx ctx, int nr, unsigned arg)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_CMP(arg, SCMP_CMP_GE, 0));
}

/* A call that runs natively but for some values of one argument (the
 * kernel's int or unsigned: its low 32 bits are compared): the table's
 * action for `trapped` (even when the table says ENOSYS), under a pid
 * namespace `pidns_action` (0: the table's) for `pidns` too, and the
 * native rule for the rest. */
struct value_traps {
	int nr;
	unsigned arg;
	const uint32_t *trapped;
	size_t n_trapped;
	uint32_t pidns_action;
	const uint32_t *pidns;
	size_t n_pidns;
};

static int add_value_traps(scmp_filter_ctx ctx, const struct value_traps *v, uint32_t action,
			   unsigned flags)
{
	int r = 0;
	if (flags & FILTER_PIDNS)
		r = add_value_rules(ctx, v->nr, v->pidns_action ? v->pidns_action : action, v->arg,
				    0xffffffffu, v->pidns, v->n_pidns);
	if (r == 0)
		r = add_value_rules(ctx, v->nr, action, v->arg, 0xffffffffu, v->trapped,
				    v->n_trapped);
	return r < 0 ? r : allow_rest(ctx, v->nr, v->arg);
}

/* fcntl is trapped for the OFD-lock commands (sentry/sys/sys_lock.c: the
 * fd cache must let go of a directory before it is locked) and for
 * F_SETOWN and F_SETOWN_EX (sentry/sys/sys_procs.c: they name a process),
 * under a pid namespace for F_GETOWN(_EX) too (they give one); every other
 * command names no path and runs natively: F_OFD_SETLK with bits above
 * the low 32 set is still F_OFD_SETLK to the kernel. */
static const uint32_t fcntl_trapped[] = {F_OFD_SETLK, F_OFD_SETLKW, F_SETOWN, F_SETOWN_EX};

/* prctl runs natively but for the options that read or change the
 * capabilities and keep-caps flag the sandbox's credentials hold (the
 * host process has none: capsh showed an empty bounding set); under a
 * pid namespace PR_SET_PTRACER (a pid) is EINVAL. */
static const uint32_t prctl_trapped[] = {PR_CAPBSET_READ, PR_CAPBSET_DROP, PR_GET_KEEPCAPS,
					 PR_SET_KEEPCAPS, PR_CAP_AMBIENT};
static const uint32_t prctl_ptracer = PR_SET_PTRACER;

/* The calls that name a process by number (sentry/sys/sys_procs.c) run
 * natively on the caller itself and are given `action` for any other
 * target: the pid (arg0) 0, or for setpriority, getpriority, ioprio_set,
 * ioprio_get and setpgid the caller's own kind (arg0) with id (arg1) 0.
 * Those where no value names the caller (tgkill: its tgid is a number
 * the filter cannot know) are trapped whatever their arguments, by the
 * caller's ordinary rule. The comparisons are of the whole register, so
 * a pid 0 with bits above the low 32 is trapped too (and continued: it is
 * the caller to the kernel). The rules do not overlap, so no precedence
 * is relied on. Returns 1 if nr needs no rules of its own here. */
static int add_process_rules(scmp_filter_ctx ctx, int nr, uint32_t action)
{
	uint64_t self = 0;
	enum sys_procs_trap trap = sys_procs_trap(nr, &self);
	if (trap == SYS_PROCS_NONE || trap == SYS_PROCS_ALWAYS)
		return 1;
	if (trap == SYS_PROCS_PID) {
		int r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A0(SCMP_CMP_EQ, 0));
		if (r < 0 || action == SCMP_ACT_ERRNO(ENOSYS))
			return r;
		return seccomp_rule_add(ctx, action, nr, 1, SCMP_A0(SCMP_CMP_NE, 0));
	}
	int r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 2, SCMP_A0(SCMP_CMP_EQ, self),
				 SCMP_A1(SCMP_CMP_EQ, 0));
	if (r < 0 || action == SCMP_ACT_ERRNO(ENOSYS))
		return r;
	r = seccomp_rule_add(ctx, action, nr, 1, SCMP_A0(SCMP_CMP_NE, self));
	if (r < 0)
		return r;
	return seccomp_rule_add(ctx, action, nr, 2, SCMP_A0(SCMP_CMP_EQ, self),
				SCMP_A1(SCMP_CMP_NE, 0));
}

/* unshare is refused (the table's action) except unshare(CLONE_FILES)
 * exactly, which runs natively: the unotify platform's exec by fd makes
 * the tracee unshare its fd table before it puts the checked file there
 * (platform/unotify/exec.c), so that no other thread can swap that fd
 * before the execveat. For the program it is harmless: a private copy of
 * its own fd table, the table any clone without CLONE_FILES gets (the
 * sentry already meets every shape of sharing). The whole register is
 * compared: flags beyond CLONE_FILES are refused. */
static int add_unshare_rules(scmp_filter_ctx ctx, uint32_t action)
{
	int r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(unshare), 1,
				 SCMP_A0(SCMP_CMP_EQ, CLONE_FILES));
	if (r < 0)
		return r;
	return seccomp_rule_add(ctx, action, SCMP_SYS(unshare), 1,
				SCMP_A0(SCMP_CMP_NE, CLONE_FILES));
}

/* clone with CLONE_NEWNS is trapped (TRACE: the sentry makes the
 * child's mount namespace and takes the bit off, sys_mount.c); every
 * other clone runs natively. */
static int add_clone_rules(scmp_filter_ctx ctx)
{
	int r = seccomp_rule_add(ctx, SCMP_ACT_TRACE(FILTER_TRACE_ASSIST), SCMP_SYS(clone), 1,
				 SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWNS, CLONE_NEWNS));
	if (r < 0)
		return r;
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWNS, 0));
}

/* Under a pid namespace, calls that run natively unless one argument
 * (the low 32 bits under `mask`, the kernel's int) says they may carry
 * a pid: `action` for those values of argument `arg`, the native rule
 * through a comparison that always holds, on the same argument
 * (add_ioctl_rules says why). The handler continues what the value
 * alone does not decide (getsockopt's level). */
static int add_pidns_arg_rules(scmp_filter_ctx ctx, int nr, uint32_t action, unsigned arg,
			       uint32_t mask, const uint32_t *vals, unsigned n)
{
	int r = add_value_rules(ctx, nr, action, arg, mask, vals, n);
	return r < 0 ? r : allow_rest(ctx, nr, arg);
}

/* The pid namespace's own rules for table entry e: 0 when they are in,
 * 1 when e keeps the table's. */
static int add_pidns_rules(scmp_filter_ctx ctx, const struct sys_entry *e, enum filter_trap trap)
{
	uint32_t notify = trap == FILTER_TRAP_NOTIFY ? SCMP_ACT_NOTIFY
						     : SCMP_ACT_TRACE(FILTER_TRACE_EMULATE);
	uint32_t trace = SCMP_ACT_TRACE(FILTER_TRACE_ASSIST);
	static const uint32_t peercred = SO_PEERCRED, passcred = SO_PASSCRED;
	if (e->nr == SCMP_SYS(getsockopt))
		return add_pidns_arg_rules(ctx, e->nr, notify, 2, 0xffffffffu, &peercred, 1);
	if (e->nr == SCMP_SYS(setsockopt))
		return add_pidns_arg_rules(ctx, e->nr, notify, 2, 0xffffffffu, &passcred, 1);
	if (e->nr == SCMP_SYS(futex))
		return add_pidns_arg_rules(ctx, e->nr, notify, 1,
					   0xffffffffu & ~(128u | 256u), sys_pidns_futex_pi_ops,
					   sys_pidns_n_futex_pi_ops);
	if (e->nr == SCMP_SYS(prctl))
		return 1; /* value_traps */
	/* The host's SysV objects (no --unshare-ipc): the commands whose
	 * answer holds pids (sentry/sys/sys_pidns.c ipc_pids). */
	static const uint32_t shm_cmds[] = {IPC_STAT, SHM_STAT, SHM_STAT_ANY};
	static const uint32_t msg_cmds[] = {IPC_STAT, MSG_STAT, MSG_STAT_ANY};
	static const uint32_t sem_getpid = GETPID;
	if (e->nr == SCMP_SYS(shmctl))
		return add_pidns_arg_rules(ctx, e->nr, notify, 1, 0xffffffffu, shm_cmds, 3);
	if (e->nr == SCMP_SYS(msgctl))
		return add_pidns_arg_rules(ctx, e->nr, notify, 1, 0xffffffffu, msg_cmds, 3);
	if (e->nr == SCMP_SYS(semctl))
		return add_pidns_arg_rules(ctx, e->nr, notify, 2, 0xffffffffu, &sem_getpid, 1);
	switch (sys_pidns_trap(e->nr)) {
	case PIDNS_KEEP:
		return 1;
	case PIDNS_NOTIFY:
		return seccomp_rule_add(ctx, notify, e->nr, 0);
	case PIDNS_REFUSE:
		return 0; /* the default: ENOSYS */
	case PIDNS_TRACE:
		break;
	}
	/* The calls on the caller itself (pid 0) keep running natively. */
	int r = add_process_rules(ctx, e->nr, trace);
	return r == 1 ? seccomp_rule_add(ctx, trace, e->nr, 0) : r;
}

/* With --unshare-net, recvfrom is trapped as sendto is, by its address
 * argument: recv(2) (no address) on a sandbox inet socket, a unix socket
 * underneath, reads the data natively; one that asks for the source's
 * address needs it in inet terms (sentry/net/inet_recv.c). */
static int add_recvfrom_rules(scmp_filter_ctx ctx, uint32_t action)
{
	int r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(recvfrom), 1,
				 SCMP_A4(SCMP_CMP_EQ, 0));
	if (r < 0 || action == SCMP_ACT_ERRNO(ENOSYS))
		return r;
	return seccomp_rule_add(ctx, action, SCMP_SYS(recvfrom), 1, SCMP_A4(SCMP_CMP_NE, 0));
}

int filter_build(enum filter_trap trap, unsigned flags, scmp_filter_ctx *ret)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(ENOSYS));
	if (!ctx)
		return -ENOMEM;
	/* i386 and x32 calls never match the x86_64 table: refuse them rather
	 * than kill, so a program probing them sees an ordinary failure. */
	int r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(ENOSYS));
	if (r < 0)
		goto out_release;
	/* A binary tree over the syscall numbers, not a chain: every trapped
	 * call and every native one with argument rules (ioctl, fcntl) runs
	 * the whole program (the kernel caches only unconditional ALLOWs). */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (r < 0)
		goto out_release;

	const struct sys_entry *t = sys_table_begin();
	for (size_t i = 0; i < sys_table_size(); i++) {
		uint32_t action = action_for(&t[i], trap, flags);
		/* With --unshare-net the NETNS class is trapped whole; the pid
		 * namespace's part of those calls (SO_PEERCRED...) is then the
		 * sentry's dispatch's, before the table's handler. */
		bool net_traps = (flags & FILTER_NET) && t[i].cls == SYS_NETNS;
		bool ipc_traps = (flags & FILTER_IPC) && t[i].cls == SYS_IPCNS;
		if ((flags & FILTER_PIDNS) && !net_traps && !ipc_traps) {
			r = add_pidns_rules(ctx, &t[i], trap);
			if (r < 0)
				goto out_release;
			if (r == 0)
				continue;
		}
		if (t[i].nr == SCMP_SYS(clone)) {
			r = add_clone_rules(ctx);
			if (r < 0)
				goto out_release;
			continue;
		}
		if (t[i].nr == SCMP_SYS(recvfrom) && (flags & FILTER_NET)) {
			r = add_recvfrom_rules(ctx, action);
			if (r < 0)
				goto out_release;
			continue;
		}
		if (t[i].nr == SCMP_SYS(sendto)) {
			r = add_sendto_rules(ctx, action);
			if (r < 0)
				goto out_release;
			continue;
		}
		r = add_process_rules(ctx, t[i].nr, action);
		if (r < 0)
			goto out_release;
		if (r == 0)
			continue;
		if (t[i].nr == SCMP_SYS(unshare)) {
			r = add_unshare_rules(ctx, action);
			if (r < 0)
				goto out_release;
			continue;
		}
		if (t[i].nr == SCMP_SYS(prctl) || t[i].nr == SCMP_SYS(fcntl)) {
			const struct value_traps prctl_traps = {
				SCMP_SYS(prctl), 0, prctl_trapped, ARRAY_SIZE(prctl_trapped),
				SCMP_ACT_ERRNO(EINVAL), &prctl_ptracer, 1};
			const struct value_traps fcntl_traps = {
				SCMP_SYS(fcntl), 1, fcntl_trapped, ARRAY_SIZE(fcntl_trapped),
				0, sys_pidns_fcntl_cmds, sys_pidns_n_fcntl_cmds};
			r = add_value_traps(ctx, t[i].nr == SCMP_SYS(prctl) ? &prctl_traps : &fcntl_traps,
					    action, flags);
			if (r < 0)
				goto out_release;
			continue;
		}
		if (t[i].nr == SCMP_SYS(ioctl)) {
			r = add_ioctl_rules(ctx, action, flags);
			if (r < 0)
				goto out_release;
			continue;
		}
		if (action == SCMP_ACT_ERRNO(ENOSYS))
			continue; /* the default already */
		r = seccomp_rule_add(ctx, action, t[i].nr, 0);
		if (r < 0)
			goto out_release;
	}
	*ret = ctx;
	return 0;

out_release:
	seccomp_release(ctx);
	return r;
}
