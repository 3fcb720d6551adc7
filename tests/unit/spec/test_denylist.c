/* The shared deny list: the table is well formed, and a filter built from
 * it refuses what it lists, with the listed errno, and nothing else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "spec/denylist.h"

static void table_is_well_formed(void **state)
{
	(void)state;
	assert_true(denylist_len > 0);
	for (size_t i = 0; i < denylist_len; i++) {
		const struct denylist_entry *e = &denylist[i];
		assert_non_null(e->name);
		assert_non_null(e->why);
		assert_true(strlen(e->why) > 0);
		assert_true(e->err > 0);
		assert_true(e->arg >= -1 && e->arg < 6);
		/* An unconditional entry must be the only one for its syscall:
		 * libseccomp would let it swallow a conditional one. */
		for (size_t j = 0; j < denylist_len; j++)
			if (j != i && strcmp(denylist[j].name, e->name) == 0)
				assert_true(e->arg >= 0 && denylist[j].arg >= 0);
	}
}

/* Runs fn in a child under the deny list (with `flags`); returns its exit
 * status, which fn chooses. */
static int in_filtered_child(unsigned flags, int (*fn)(void))
{
	pid_t pid = fork();
	if (pid == 0) {
		scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
		if (!ctx || denylist_add_rules(ctx, flags) != 0 || seccomp_load(ctx) != 0)
			_exit(100);
		_exit(fn());
	}
	int ws;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_true(WIFEXITED(ws));
	return WEXITSTATUS(ws);
}

static int probe_always(void)
{
	if (syscall(SYS_keyctl, 0, 0, 0, 0, 0) != -1 || errno != EPERM)
		return 1;
	if (syscall(SYS_io_uring_setup, 1, NULL) != -1 || errno != ENOSYS)
		return 2;
	if (syscall(SYS_bpf, 0, NULL, 0) != -1 || errno != EPERM)
		return 3;
	if (syscall(SYS_mount, "none", "/nonexistent-veil-probe", "tmpfs", 0, NULL) != -1 || errno != EPERM)
		return 4;
	char c = 0;
	if (ioctl(0, TIOCSTI, &c) != -1 || errno != EBADF)
		return 5;
	/* Other ioctls, and user namespaces without the flag, still work. */
	int p[2], n = -1;
	if (pipe(p) != 0 || ioctl(p[0], FIONREAD, &n) != 0 || n != 0)
		return 6;
	if (getpid() <= 0)
		return 7;
	return 0;
}

/* The mount family is for a program without CAP_SYS_ADMIN only. The
 * probes mount on a path that does not exist: if a filter let one
 * through, the kernel says ENOENT and the host's mount table stays as it
 * is (an earlier probe of "/" mounted a tmpfs over the host's root). */
static int probe_mount_allowed(void)
{
	if (syscall(SYS_mount, "none", "/nonexistent-veil-probe", "tmpfs", 0, NULL) != -1)
		return 1;
	return errno == ENOENT || (errno == EPERM && geteuid() != 0) ? 0 : 2;
}

static void refuses_what_it_lists(void **state)
{
	(void)state;
	assert_int_equal(in_filtered_child(DENYLIST_NO_SYS_ADMIN, probe_always), 0);
	assert_int_equal(in_filtered_child(0, probe_mount_allowed), 0);
}

static int probe_userns(void)
{
	if (unshare(CLONE_NEWUSER) != -1 || errno != ENOSPC)
		return 1;
	if (syscall(SYS_clone3, NULL, 0) != -1 || errno != ENOSYS)
		return 2;
	if (setns(0, CLONE_NEWUSER) != -1 || errno != EPERM)
		return 3;
	/* Other namespaces are not the list's business. */
	if (unshare(CLONE_NEWUTS) != 0 && errno != EPERM)
		return 4;
	return 0;
}

static int probe_userns_allowed(void)
{
	/* Without the flag, unshare(CLONE_NEWUSER) reaches the kernel. */
	return unshare(CLONE_NEWUSER) == 0 || errno != EPERM ? 0 : 1;
}

static void userns_entries_only_when_asked(void **state)
{
	(void)state;
	assert_int_equal(in_filtered_child(DENYLIST_NO_USERNS, probe_userns), 0);
	assert_int_equal(in_filtered_child(0, probe_userns_allowed), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_is_well_formed),
		cmocka_unit_test(refuses_what_it_lists),
		cmocka_unit_test(userns_entries_only_when_asked),
	};
	/* seccomp_load() without privilege needs no_new_privs (inherited by
	 * the children the tests fork); this runner never execs setuid. */
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
