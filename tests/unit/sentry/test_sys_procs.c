/* sentry/sys_procs.c: a call on another process by pid is continued for
 * the sandbox's own tasks (and for pids no process has), refused with
 * ESRCH for any other, EPERM for a process group or a user (which calls
 * the filter traps: test_filter.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "sentry/sentry.h"
#include "sentry/spec.h"
#include "sentry/syscalls.h"

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
				  SYS_move_pages};
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
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pid_calls),
		cmocka_unit_test(who_calls),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
