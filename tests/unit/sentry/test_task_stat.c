/* sentry/kernel/task_stat.c: a task's session and terminal as the host's
 * /proc/<tid>/stat gives them, whatever its comm holds. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sentry/kernel/task_stat.h"

static void own_session(void **state)
{
	(void)state;
	struct task_session ts;
	assert_int_equal(task_session_of(getpid(), &ts), 0);
	assert_int_equal(ts.ppid, getppid());
	assert_int_equal(ts.pgrp, getpgrp());
	assert_int_equal(ts.sid, getsid(0));
}

/* A comm with spaces and parentheses, and a new session without a
 * terminal: the fields after the last ')' are still the right ones. */
static void awkward_comm_new_session(void **state)
{
	(void)state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_NAME, "a) b ) (c", 0, 0, 0);
		setsid();
		close(p[0]);
		char c = 'x';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	char c;
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	struct task_session ts;
	int r = task_session_of(pid, &ts);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	assert_int_equal(r, 0);
	assert_int_equal(ts.ppid, getpid());
	assert_int_equal(ts.sid, pid);
	assert_int_equal(ts.pgrp, pid);
	assert_int_equal(ts.ctty, 0);
}

static void gone(void **state)
{
	(void)state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	struct task_session ts;
	assert_int_equal(task_session_of(pid, &ts), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(own_session),
		cmocka_unit_test(awkward_comm_new_session),
		cmocka_unit_test(gone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
