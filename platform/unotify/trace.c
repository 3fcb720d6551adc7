/* SECCOMP_RET_TRACE stops: the TRACE class (exec, chdir) served by the
 * sentry with the tracee stopped under ptrace, where its registers can be
 * rewritten. A handler answers as at a notification: reply() skips the
 * syscall and sets its result; exec_fd() turns the call into an exec by fd
 * (exec.c). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "platform/tracee_mem.h"
#include "platform/unotify/unotify_private.h"
#include "sentry/kernel/sentry.h"
#include "sentry/sys/filter.h"
#include "sentry/sys/syscalls.h"

struct trace_call {
	struct platform_call call; /* first: the sentry sees only this */
	struct unotify *u;
	struct user_regs_struct regs;
	enum resume resume;
};

static struct trace_call *TC(struct platform_call *call)
{
	return container_of(call, struct trace_call, call);
}

/* Copies as at any stop (unotify.c's stop_read and stop_write): a read
 * that would wait defers the call, whose stop is then handled again. */
static int tc_read_mem(struct platform_call *call, void *dst, uint64_t addr, size_t len)
{
	return (int)stop_read(TC(call)->u, call->tid, dst, addr, len, false);
}

static ssize_t tc_read_str(struct platform_call *call, char *dst, uint64_t addr, size_t size)
{
	return stop_read(TC(call)->u, call->tid, dst, addr, size, true);
}

static int tc_write_memv(struct platform_call *call, const struct platform_iov *iov, size_t n)
{
	if (TC(call)->u->stop_deferred)
		return -EDEFER;
	return stop_write(TC(call)->u, call->tid, iov, n);
}

static int tc_write_mem(struct platform_call *call, uint64_t addr, const void *src, size_t len)
{
	struct platform_iov one = {addr, src, len};
	return tc_write_memv(call, &one, 1);
}

static int tc_copy_fd(struct platform_call *call, int fd)
{
	return unotify_get_fd(TC(call)->u, call->tid, fd);
}

static int tc_get_fd(struct platform_call *call, int fd, struct platform_fd *out)
{
	return unotify_get_fd_stat(TC(call)->u, call->tid, fd, out);
}

static bool tc_valid(struct platform_call *call)
{
	/* stopped under ptrace: it waits for us (or is dead) */
	return !TC(call)->u->stop_deferred;
}

static int tc_reply(struct platform_call *call, long ret)
{
	struct trace_call *tc = TC(call);
	if (tc->u->stop_deferred) {
		tc->resume = RESUME_PARKED;
		return 0;
	}
	/* orig_rax -1 skips the syscall; rax is what it returns. */
	tc->regs.orig_rax = (unsigned long long)-1;
	tc->regs.rax = (unsigned long long)ret;
	if (ptrace(PTRACE_SETREGS, call->tid, 0, &tc->regs) < 0)
		return -errno;
	tc->resume = RESUME_CONT;
	return 0;
}

static int tc_reply_fd(struct platform_call *call, struct platform_fd *pf, unsigned flags)
{
	(void)call, (void)flags;
	/* fds travel through notifications only; what was given is closed */
	if (!pf->borrowed) {
		close(pf->fd);
		pf->fd = -1;
	}
	return -ENOSYS;
}

/* Resumed with its registers as they are, the syscall runs: the kernel
 * allows a call its tracer let through (seccomp's recheck after a TRACE
 * stop), and reads its arguments itself. */
static int tc_reply_continue(struct platform_call *call)
{
	if (TC(call)->u->stop_deferred) {
		TC(call)->resume = RESUME_PARKED;
		return 0;
	}
	unotify_continue_lock(TC(call)->u, call);
	TC(call)->resume = RESUME_CONT;
	return 0;
}

static int tc_exec_fd(struct platform_call *call, int fd, const struct platform_exec_arg *argv,
		      size_t argc, uint64_t envp)
{
	struct trace_call *tc = TC(call);
	if (tc->u->stop_deferred) {
		tc->resume = RESUME_PARKED;
		return -EDEFER;
	}
	int r = exec_start(tc->u, call->tid, &tc->regs, fd, argv, argc, envp);
	if (r == 0)
		tc->resume = RESUME_SYSCALL;
	return r;
}

static int tc_set_arg(struct platform_call *call, int i, uint64_t v)
{
	struct trace_call *tc = TC(call);
	unsigned long long *reg[6] = {&tc->regs.rdi, &tc->regs.rsi, &tc->regs.rdx,
				      &tc->regs.r10, &tc->regs.r8,  &tc->regs.r9};
	if (i < 0 || i > 5)
		return -EINVAL;
	*reg[i] = v;
	call->args[i] = v;
	if (ptrace(PTRACE_SETREGS, call->tid, 0, &tc->regs) < 0)
		return -errno;
	return 0;
}

/* The syscall-exit stop comes next when the tracee is resumed with
 * PTRACE_SYSCALL from its seccomp stop (Linux 4.8+). */
static int tc_at_exit(struct platform_call *call)
{
	TC(call)->resume = RESUME_SYSCALL;
	return 0;
}

/* Below the x86_64 red zone (128 bytes under the stack pointer), 8-aligned:
 * nothing the program keeps is there while it is in a syscall. */
static uint64_t tc_scratch(struct platform_call *call, size_t len)
{
	if (len > 256)
		return 0;
	return (TC(call)->regs.rsp - 128 - 256) & ~(uint64_t)7;
}

static const struct platform_ops trace_call_ops = {
	.read_mem = tc_read_mem,
	.read_str = tc_read_str,
	.write_mem = tc_write_mem,
	.write_memv = tc_write_memv,
	.copy_fd = tc_copy_fd,
	.get_fd = tc_get_fd,
	.valid = tc_valid,
	.reply = tc_reply,
	.reply_fd = tc_reply_fd,
	.reply_continue = tc_reply_continue,
	.exec_fd = tc_exec_fd,
	.set_arg = tc_set_arg,
	.at_exit = tc_at_exit,
	.scratch = tc_scratch,
};

/* ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK:
 * the kernel runs the call again with the registers it had. */
static bool restarts(long ret)
{
	return ret <= -ERESTARTSYS && ret >= -ERESTART_RESTARTBLOCK;
}

void trace_signal_stop(pid_t tid)
{
	struct user_regs_struct regs;
	if (ptrace(PTRACE_GETREGS, tid, 0, &regs) < 0 || (long long)regs.rax != -ERESTARTSYS)
		return;
	/* orig_rax is the syscall the signal ended (-1 outside of one) */
	if (!sys_restarts_quietly((long)regs.orig_rax))
		return;
	regs.rax = (unsigned long long)-ERESTARTNOINTR;
	ptrace(PTRACE_SETREGS, tid, 0, &regs);
}

enum resume trace_syscall_exit(struct unotify *u, pid_t tid)
{
	struct sentry_task *t = sentry_task_find(u->sentry, tid);
	if (!t || t->exit_nr < 0)
		return RESUME_CONT;
	struct trace_call tc = {.u = u, .resume = RESUME_CONT};
	int nr = t->exit_nr;
	t->exit_nr = -1;
	if (ptrace(PTRACE_GETREGS, tid, 0, &tc.regs) < 0)
		return RESUME_CONT; /* gone */
	tc.call = (struct platform_call){.ops = &trace_call_ops, .tid = tid, .nr = nr,
					 .ip = tc.regs.rip};
	memcpy(tc.call.args, t->exit_args, sizeof(tc.call.args));
	long ret = (long)tc.regs.rax;
	/* Told even of a restart, whose result it leaves as it is (scratch
	 * memory is cleared then too). */
	long fixed = sentry_syscall_exit(u->sentry, &tc.call, ret);
	if (u->stop_deferred) {
		/* a read of its memory waits: this stop again, later */
		t->exit_nr = nr;
		return RESUME_PARKED;
	}
	if (restarts(ret)) {
		/* Run again, it must meet the program's own numbers, which
		 * its seccomp stop translates again. */
		tc.regs.rdi = t->exit_args[0], tc.regs.rsi = t->exit_args[1];
		tc.regs.rdx = t->exit_args[2], tc.regs.r10 = t->exit_args[3];
		tc.regs.r8 = t->exit_args[4], tc.regs.r9 = t->exit_args[5];
	} else {
		tc.regs.rax = (unsigned long long)fixed;
	}
	ptrace(PTRACE_SETREGS, tid, 0, &tc.regs);
	return RESUME_CONT;
}

/* A stop from a SECCOMP_RET_TRACE of the program's own --seccomp program
 * (its data is not ours): the kernel with no tracer fails the syscall
 * with ENOSYS, and so does the sentry, which is no tracer of the user's. */
static enum resume foreign_trace(pid_t tid)
{
	struct user_regs_struct regs;
	if (ptrace(PTRACE_GETREGS, tid, 0, &regs) < 0)
		return RESUME_CONT; /* gone */
	regs.orig_rax = (unsigned long long)-1;
	regs.rax = (unsigned long long)-ENOSYS;
	ptrace(PTRACE_SETREGS, tid, 0, &regs);
	return RESUME_CONT;
}

enum resume trace_seccomp_stop(struct unotify *u, pid_t tid)
{
	unsigned long data = 0;
	if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &data) < 0)
		return RESUME_CONT; /* gone */
	bool ours = data == FILTER_TRACE_ASSIST;
	/* A step the sentry has the tracee run, let through the --seccomp
	 * programs by their prefix (step_filter.c): only a tracee in its
	 * steps makes one; anyone else forged the secret. */
	if (data == FILTER_TRACE_STEP) {
		if (exec_find(u, tid) || ctty_find(u, tid))
			return RESUME_SYSCALL;
		log_warn("task %d made a syscall marked as the sentry's own step; killing it",
			 (int)tid);
		kill(tid, SIGKILL);
		return RESUME_CONT;
	}
	/* A tracee in the steps of an exec by fd is resumed to its syscall's
	 * exit, where the steps go on (exec.c): ours is the execveat, the only
	 * TRACE-class syscall of those steps (its signals are held); a step
	 * the --seccomp programs trace fails as with no tracer. */
	if (exec_find(u, tid)) {
		if (!ours)
			foreign_trace(tid);
		return RESUME_SYSCALL;
	}
	if (!ours)
		return foreign_trace(tid);
	struct trace_call tc = {.u = u, .resume = RESUME_CONT};
	if (ptrace(PTRACE_GETREGS, tid, 0, &tc.regs) < 0)
		return RESUME_CONT; /* gone */
	tc.call = (struct platform_call){
		.ops = &trace_call_ops,
		.tid = tid,
		.nr = (int)tc.regs.orig_rax,
		.args = {tc.regs.rdi, tc.regs.rsi, tc.regs.rdx, tc.regs.r10, tc.regs.r8,
			 tc.regs.r9},
		.ip = tc.regs.rip,
	};
	sentry_dispatch(u->sentry, &tc.call);
	return u->stop_deferred ? RESUME_PARKED : tc.resume;
}
