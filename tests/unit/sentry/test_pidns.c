/* sentry/kernel/pidns.c: the sandbox's pid numbers (--unshare-pid under
 * emulate): allocated in order from 1, both ways; a thread goes at its
 * exit, a process stays (a zombie) until it is reaped, which its pidfd
 * tells; a non-leader's exec keeps the process's number. And
 * sentry/sys/sys_procs.c under a namespace: a number the program passes
 * becomes the host's in the call's register (ops->set_arg), ESRCH for a
 * number no task has. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sentry/kernel/pidns.h"
#include "sentry/kernel/sentry.h"
#include "sentry/sys/syscalls.h"
#include "spec/spec.h"

static pid_t sleeper(void)
{
	pid_t p = fork();
	if (p == 0) {
		pause();
		_exit(0);
	}
	return p;
}

static void numbers_both_ways(void **state)
{
	(void)state;
	struct pidns *ns = pidns_new();
	assert_non_null(ns);
	assert_int_equal(pidns_add(ns, 5000, false), 1);
	assert_int_equal(pidns_add(ns, 7000, false), 2);
	assert_int_equal(pidns_to_ns(ns, 7000), 2);
	assert_int_equal(pidns_to_host(ns, 1), 5000);
	assert_int_equal(pidns_to_ns(ns, 6000), 0);   /* a host pid: none */
	assert_int_equal(pidns_to_host(ns, 3), 0);    /* no task has it */
	assert_int_equal(pidns_to_host(ns, -1), 0);
	/* a thread goes at once, and its number is not given again soon */
	pidns_exit(ns, 7000, false);
	assert_int_equal(pidns_to_host(ns, 2), 0);
	assert_int_equal(pidns_to_ns(ns, 7000), 0);
	/* ... but its number is remembered for what keeps a pid (SysV) */
	assert_int_equal(pidns_to_ns_past(ns, 7000), 2);
	assert_int_equal(pidns_to_ns_past(ns, 5000), 1);  /* live */
	assert_int_equal(pidns_to_ns_past(ns, 6000), 0);  /* never ours */
	assert_int_equal(pidns_add(ns, 7001, false), 3);
	assert_int_equal(pidns_last(ns), 3);
	/* the host pid taken again by a task of the sandbox: that task's */
	assert_int_equal(pidns_add(ns, 7000, false), 4);
	assert_int_equal(pidns_to_ns_past(ns, 7000), 4);
	pidns_exit(ns, 7000, false);
	assert_int_equal(pidns_to_ns_past(ns, 7000), 4);
	/* only the last 256 gone are remembered */
	for (pid_t h = 10000; h < 10300; h++) {
		pidns_add(ns, h, false);
		pidns_exit(ns, h, false);
	}
	assert_int_equal(pidns_to_ns_past(ns, 7000), 0);
	assert_true(pidns_to_ns_past(ns, 10299) > 0);
	pidns_free(ns);
}

static void zombie_until_reaped(void **state)
{
	(void)state;
	struct pidns *ns = pidns_new();
	pid_t c = sleeper();
	pid_t v = pidns_add(ns, c, true);
	assert_int_equal(v, 1);
	kill(c, SIGKILL);
	/* a zombie now: still its number, for its parent's wait */
	siginfo_t si;
	assert_int_equal(waitid(P_PID, (id_t)c, &si, WEXITED | WNOWAIT), 0);
	pidns_exit(ns, c, true);
	assert_int_equal(pidns_to_ns(ns, c), v);
	assert_int_equal(pidns_to_host(ns, v), c);
	/* a wait that reported a stop or a continue, told after the exit
	 * event: the zombie stays for the wait that reaps it */
	pidns_reaped(ns, c);
	assert_int_equal(pidns_to_ns(ns, c), v);
	/* reaped: gone, and the pidfd tells even if nobody says so */
	assert_int_equal(waitpid(c, NULL, 0), c);
	assert_int_equal(pidns_to_host(ns, v), 0);
	assert_int_equal(pidns_to_ns(ns, c), 0);
	/* ... or the wait says so */
	c = sleeper();
	v = pidns_add(ns, c, true);
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	pidns_exit(ns, c, true);
	pidns_reaped(ns, c);
	assert_int_equal(pidns_to_ns(ns, c), 0);
	pidns_free(ns);
}

static void exec_keeps_the_number(void **state)
{
	(void)state;
	struct pidns *ns = pidns_new();
	pid_t c = sleeper();
	pid_t v = pidns_add(ns, c, true);
	pid_t t = pidns_add(ns, c + 100000, false);
	/* the non-leader t execs: the leader's task goes, and comes back
	 * under the leader's tid, then t goes */
	pidns_exit(ns, c, true);
	assert_int_equal(pidns_revive(ns, c), v);
	pidns_exit(ns, c + 100000, false);
	assert_int_equal(pidns_to_host(ns, v), c);
	assert_int_equal(pidns_to_host(ns, t), 0);
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	pidns_free(ns);
}

/* sys_procs under a namespace */
static uint64_t set_to[6];
static int sets, continued;

static int fake_set_arg(struct platform_call *call, int i, uint64_t v)
{
	call->args[i] = v;
	set_to[i] = v;
	sets++;
	return 0;
}

static int fake_continue(struct platform_call *call)
{
	(void)call;
	continued++;
	return 0;
}

static void procs_translate(void **state)
{
	(void)state;
	struct spec spec;
	spec_init(&spec);
	spec.unshare |= SPEC_NS_PID;
	struct sentry s;
	assert_int_equal(sentry_init(&s, &spec), 0);
	pid_t me = getpid(), c = sleeper();
	assert_int_equal(sentry_task_new(&s, me, 0, 0), 0);
	assert_int_equal(sentry_task_new(&s, c, me, 0), 0);
	assert_int_equal(sentry_task_find(&s, c)->vtid, 2);
	const struct platform_ops ops = {.set_arg = fake_set_arg, .reply_continue = fake_continue};
	struct platform_call call = {.ops = &ops, .tid = me, .nr = SYS_kill, .args = {2, 0}};
	long r = sys_lookup(SYS_kill)->handler(&s, &call);
	assert_int_equal(r, SYS_REPLIED);
	assert_int_equal(sets, 1);
	assert_int_equal((pid_t)set_to[0], c);
	assert_int_equal(continued, 1);
	/* the host pid itself is no number of the namespace */
	call = (struct platform_call){.ops = &ops, .tid = me, .nr = SYS_kill, .args = {(uint64_t)c, 0}};
	assert_int_equal(sys_lookup(SYS_kill)->handler(&s, &call), -ESRCH);
	call = (struct platform_call){.ops = &ops, .tid = me, .nr = SYS_getpgid, .args = {77}};
	assert_int_equal(sys_lookup(SYS_getpgid)->handler(&s, &call), -ESRCH);
	/* a platform that cannot rewrite arguments refuses */
	const struct platform_ops notify = {.reply_continue = fake_continue};
	call = (struct platform_call){.ops = &notify, .tid = me, .nr = SYS_kill, .args = {2, 0}};
	assert_int_equal(sys_lookup(SYS_kill)->handler(&s, &call), -ENOSYS);
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	sentry_fini(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers_both_ways),
		cmocka_unit_test(zombie_until_reaped),
		cmocka_unit_test(exec_keeps_the_number),
		cmocka_unit_test(procs_translate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
