/* sentry/sys/sys_procs.c: a call that names another process by number is
 * continued for the sandbox's own tasks and groups (and for numbers that
 * name no process: the caller, the kernel's EINVAL), refused with ESRCH
 * for any other (EPERM to join a group; setting a group's or a user's
 * priority, reading a user's); which calls the filter traps:
 * test_filter.c. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "sentry/kernel/sentry.h"
#include "spec/spec.h"
#include "sentry/sys/syscalls.h"
#include "sentry/sys/sys_procs.h"

static int continued;

static int fake_continue(struct platform_call *call)
{
	(void)call;
	continued++;
	return 0;
}

static const struct platform_ops fake_ops = {.reply_continue = fake_continue};

static struct sentry s;

static int setup(void **state)
{
	(void)state;
	struct spec spec;
	spec_init(&spec);
	if (sentry_init(&s, &spec) < 0 || sentry_task_new(&s, 100, 0, 0) < 0 ||
	    sentry_task_new(&s, 101, 100, SENTRY_SHARE_FS) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sentry_fini(&s);
	return 0;
}

static long served(int nr, uint64_t a0, uint64_t a1)
{
	struct platform_call call = {.ops = &fake_ops, .tid = 100, .nr = nr, .args = {a0, a1}};
	continued = 0;
	long r = sys_lookup(nr)->handler(&s, &call);
	return r == SYS_REPLIED && continued == 1 ? 0 : (r == SYS_REPLIED ? -1000 : r);
}

static void pid_calls(void **state)
{
	(void)state;
	static const int nrs[] = {SYS_prlimit64, SYS_sched_setaffinity, SYS_sched_setscheduler,
				  SYS_sched_setparam, SYS_sched_setattr, SYS_migrate_pages,
				  SYS_move_pages, SYS_sched_getaffinity, SYS_sched_getscheduler,
				  SYS_sched_getparam, SYS_sched_getattr, SYS_sched_rr_get_interval,
				  SYS_getsid, SYS_getpgid, SYS_get_robust_list, SYS_pidfd_open,
				  SYS_tkill, SYS_rt_sigqueueinfo};
	for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
		assert_int_equal(sys_lookup(nrs[i])->cls, SYS_NOTIFY);
		assert_int_equal(served(nrs[i], 101, 0), 0);  /* a thread of the sandbox */
		assert_int_equal(served(nrs[i], 100, 0), 0);
		assert_int_equal(served(nrs[i], 0x100000000ull, 0), 0); /* pid 0 to the kernel */
		assert_int_equal(served(nrs[i], (uint64_t)-1, 0), 0); /* the kernel's EINVAL/ESRCH */
		assert_int_equal(served(nrs[i], 1, 0), -ESRCH); /* init: not the sandbox's */
		assert_int_equal(served(nrs[i], (uint64_t)getpid(), 0), -ESRCH);
		assert_int_equal(served(nrs[i], 0x100000000ull | 1, 0), -ESRCH);
	}
	/* reached for another syscall: never continued */
	struct platform_call call = {.ops = &fake_ops, .tid = 100, .nr = SYS_openat, .args = {100}};
	continued = 0;
	assert_int_equal(sys_lookup(SYS_prlimit64)->handler(&s, &call), -ENOSYS);
	assert_int_equal(continued, 0);
}

/* kill: a pid as the others; 0 the caller's group; a group (negative)
 * the sandbox's only. Every task's group is asked of the host: a group
 * number above any pid is no one's. */
static void kill_calls(void **state)
{
	(void)state;
	assert_int_equal(sys_lookup(SYS_kill)->cls, SYS_NOTIFY);
	assert_int_equal(served(SYS_kill, 101, 0), 0);
	assert_int_equal(served(SYS_kill, 0, 0), 0);
	assert_int_equal(served(SYS_kill, 0x100000000ull, 0), 0);
	assert_int_equal(served(SYS_kill, 1, 0), -ESRCH);
	assert_int_equal(served(SYS_kill, (uint64_t)getpid(), 0), -ESRCH);
	assert_int_equal(served(SYS_kill, (uint64_t)-(int64_t)(1 << 30), 0), -ESRCH);
	assert_int_equal(served(SYS_kill, (uint64_t)(uint32_t)INT32_MIN, 0), 0); /* the kernel's */
}

/* tgkill and rt_tgsigqueueinfo: the thread decides; kcmp: both pids. */
static void two_pid_calls(void **state)
{
	(void)state;
	assert_int_equal(served(SYS_tgkill, 100, 101), 0);
	assert_int_equal(served(SYS_tgkill, 1, 101), 0); /* the kernel's ESRCH */
	assert_int_equal(served(SYS_tgkill, 100, 1), -ESRCH);
	assert_int_equal(served(SYS_rt_tgsigqueueinfo, 100, 1), -ESRCH);
	assert_int_equal(served(SYS_kcmp, 100, 101), 0);
	assert_int_equal(served(SYS_kcmp, 1, 101), -ESRCH);
	assert_int_equal(served(SYS_kcmp, 101, 1), -ESRCH);
	/* nothing to move: the kernel answers 0 before it looks for the pid */
	assert_int_equal(served(SYS_process_vm_readv, 101, 0), 0);
	assert_int_equal(served(SYS_process_vm_readv, 1, 0), 0);
}

static void setpgid_calls(void **state)
{
	(void)state;
	assert_int_equal(served(SYS_setpgid, 101, 0), 0);
	assert_int_equal(served(SYS_setpgid, 101, 101), 0);
	assert_int_equal(served(SYS_setpgid, 1, 0), -ESRCH);
	assert_int_equal(served(SYS_setpgid, 0, 1 << 30), -EPERM); /* no group of it */
}

/* fcntl's F_SETOWN (a register): continued for the sandbox's own; the
 * memory forms (F_SETOWN_EX, FIOSETOWN) need a platform that reads
 * memory, and are in tests/integration/emulate_pids.sh. */
static void setown_calls(void **state)
{
	(void)state;
	sys_handler_fn h = sys_lookup(SYS_fcntl)->handler;
	struct platform_call call = {.ops = &fake_ops, .tid = 100, .nr = SYS_fcntl,
				     .args = {3, F_SETOWN, 101}};
	continued = 0;
	assert_int_equal(h(&s, &call), SYS_REPLIED);
	assert_int_equal(continued, 1);
	call.args[2] = 0; /* no owner */
	assert_int_equal(h(&s, &call), SYS_REPLIED);
	call.args[2] = (uint64_t)-101; /* a task's number as a group's */
	assert_int_equal(h(&s, &call), SYS_REPLIED);
	assert_int_equal(continued, 3);
	call.args[2] = 1;
	assert_int_equal(h(&s, &call), -ESRCH);
	call.args[2] = (uint64_t)getpid();
	assert_int_equal(h(&s, &call), -ESRCH);
	call.args[2] = (uint64_t)-(int64_t)(1 << 30);
	assert_int_equal(h(&s, &call), -ESRCH);
	assert_int_equal(continued, 3);
	/* sys_procs_setown reached for anything else: never continued */
	call.args[1] = F_SETFL;
	assert_int_equal(sys_procs_setown(&s, &call), -ENOSYS);
	call.nr = SYS_openat;
	call.args[1] = F_SETOWN;
	assert_int_equal(sys_procs_setown(&s, &call), -ENOSYS);
	assert_int_equal(continued, 3);
}

static void who_calls(void **state)
{
	(void)state;
	assert_int_equal(served(SYS_setpriority, PRIO_PROCESS, 101), 0);
	assert_int_equal(served(SYS_setpriority, PRIO_PROCESS, 1), -ESRCH);
	assert_int_equal(served(SYS_setpriority, PRIO_PGRP, 0), -EPERM);
	assert_int_equal(served(SYS_setpriority, PRIO_USER, 0), -EPERM);
	assert_int_equal(served(SYS_setpriority, 7, 0), 0); /* the kernel's EINVAL */
	/* ioprio_set: 1 process, 2 process group, 3 user */
	assert_int_equal(served(SYS_ioprio_set, 1, 100), 0);
	assert_int_equal(served(SYS_ioprio_set, 1, 1), -ESRCH);
	assert_int_equal(served(SYS_ioprio_set, 2, 0), -EPERM);
	assert_int_equal(served(SYS_ioprio_set, 3, 0), -EPERM);
	/* the reading ones: a process, the caller's group, a group of the
	 * sandbox's; a user's is refused as for setting */
	assert_int_equal(served(SYS_getpriority, PRIO_PROCESS, 100), 0);
	assert_int_equal(served(SYS_getpriority, PRIO_PROCESS, 1), -ESRCH);
	assert_int_equal(served(SYS_getpriority, PRIO_PGRP, 0), 0);
	assert_int_equal(served(SYS_getpriority, PRIO_PGRP, 1 << 30), -ESRCH);
	assert_int_equal(served(SYS_getpriority, PRIO_USER, 0), -EPERM);
	assert_int_equal(served(SYS_ioprio_get, 1, 1), -ESRCH);
	assert_int_equal(served(SYS_ioprio_get, 2, 0), 0);
	assert_int_equal(served(SYS_ioprio_get, 3, 0), -EPERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pid_calls),
		cmocka_unit_test(kill_calls),
		cmocka_unit_test(two_pid_calls),
		cmocka_unit_test(setpgid_calls),
		cmocka_unit_test(setown_calls),
		cmocka_unit_test(who_calls),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
