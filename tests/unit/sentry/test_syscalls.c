/* The syscall table: well-formed, and no path syscall runs natively. */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "sentry/platform.h"
#include "spec/denylist.h"
#include "sentry/sys/syscalls.h"

static void sorted_and_unique(void **state)
{
	(void)state;
	const struct sys_entry *t = sys_table_begin();
	assert_true(sys_table_size() > 370);
	for (size_t i = 1; i < sys_table_size(); i++)
		assert_true(t[i - 1].nr < t[i].nr);
	for (size_t i = 0; i < sys_table_size(); i++)
		assert_ptr_equal(sys_lookup(t[i].nr), &t[i]);
	assert_null(sys_lookup(-1));
	assert_null(sys_lookup(400)); /* unused on x86_64 */
	assert_null(sys_lookup(100000));
}

/* libseccomp knows the names of the numbers the build headers know. */
static void names_match_libseccomp(void **state)
{
	(void)state;
	const struct sys_entry *t = sys_table_begin();
	for (size_t i = 0; i < sys_table_size(); i++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, t[i].nr);
		if (!name)
			continue;
		if (strcmp(name, t[i].name) != 0)
			fail_msg("syscall %d: table says %s, libseccomp %s", t[i].nr,
				 t[i].name, name);
		free(name);
	}
}

/* Every syscall that takes a path, an fd whose file the VFS owns, or acts
 * on the filesystem or the sandbox's ids: none may run natively. */
static const char *const never_native[] = {
	"open", "openat", "openat2", "creat", "stat", "lstat", "fstat", "newfstatat",
	"statx", "access", "faccessat", "faccessat2", "readlink", "readlinkat",
	"mkdir", "mkdirat", "mknod", "mknodat", "unlink", "unlinkat", "rmdir",
	"rename", "renameat", "renameat2", "link", "linkat", "symlink", "symlinkat",
	"chdir", "getcwd", "getdents", "getdents64", "chmod", "fchmod", "fchmodat",
	"fchmodat2", "chown", "fchown", "lchown", "fchownat", "utime", "utimes",
	"futimesat", "utimensat", "truncate", "ftruncate", "statfs", "fstatfs",
	"setxattr", "lsetxattr", "fsetxattr", "getxattr", "lgetxattr", "fgetxattr",
	"listxattr", "llistxattr", "flistxattr", "removexattr", "lremovexattr",
	"fremovexattr", "setxattrat", "getxattrat", "listxattrat", "removexattrat",
	"execve", "execveat", "inotify_add_watch", "bind", "connect", "sendto",
	"sendmsg", "sendmmsg", "getuid", "geteuid", "getgid", "getegid", "getgroups",
	"getresuid", "getresgid", "setuid", "setgid", "setreuid", "setregid",
	"setresuid", "setresgid", "setfsuid", "setfsgid", "setgroups", "capget",
	"capset", "chroot", "mount", "umount2", "pivot_root", "umask",
	"name_to_handle_at", "open_by_handle_at", "io_uring_setup", "io_uring_enter",
	"io_uring_register", "bpf", "userfaultfd", "perf_event_open", "keyctl",
	"open_tree", "move_mount", "fsopen", "fsmount", "fspick", "fsconfig",
	"mount_setattr", "statmount", "listmount", "file_getattr", "file_setattr",
	"uselib", "ustat", "sysfs", "fanotify_mark", "quotactl", "acct", "swapon",
	"kexec_load", "kexec_file_load", "init_module", "finit_module",
};

static void path_syscalls_are_never_native(void **state)
{
	(void)state;
	const struct sys_entry *t = sys_table_begin();
	for (size_t n = 0; n < sizeof(never_native) / sizeof(never_native[0]); n++) {
		const struct sys_entry *e = NULL;
		for (size_t i = 0; i < sys_table_size(); i++)
			if (strcmp(t[i].name, never_native[n]) == 0)
				e = &t[i];
		if (!e)
			fail_msg("%s is missing from the table", never_native[n]);
		if (e->cls == SYS_ALLOW)
			fail_msg("%s runs natively", e->name);
	}
}

/* What every backend refuses, the sentry refuses with the same errno, so a
 * program cannot tell the backends apart by it. */
static void denylist_is_refused_alike(void **state)
{
	(void)state;
	for (size_t i = 0; i < denylist_len; i++) {
		const struct denylist_entry *d = &denylist[i];
		if (d->when != DENYLIST_ALWAYS || d->arg >= 0)
			continue;
		int nr = seccomp_syscall_resolve_name(d->name);
		if (nr < 0)
			continue; /* not an x86_64 syscall (stime, umount) */
		const struct sys_entry *e = sys_lookup(nr);
		if (!e)
			continue; /* not in the table: ENOSYS, refused all the same */
		if (e->cls != SYS_ERRNO || e->err != d->err)
			fail_msg("%s: the deny list says errno %d, the sentry's table %s/%d",
				 d->name, d->err, sys_status(e), e->err);
	}
}

static void status_names(void **state)
{
	(void)state;
	assert_string_equal(sys_status(sys_lookup(SYS_read)), "native");
	assert_string_equal(sys_status(sys_lookup(SYS_fsopen)), "refused");
	assert_string_equal(sys_status(sys_lookup(SYS_pivot_root)), "supported");
	/* openat must reach the sentry: exec hands its fd over through one */
	assert_string_equal(sys_status(sys_lookup(SYS_openat)), "supported");
	assert_string_equal(sys_status(sys_lookup(SYS_inotify_add_watch)), "supported");
	/* a trapped call without a handler (any, while there are some) */
	const struct sys_entry *t = sys_table_begin();
	for (size_t i = 0; i < sys_table_size(); i++)
		if ((t[i].cls == SYS_NOTIFY || t[i].cls == SYS_TRACE) && !t[i].handler)
			assert_string_equal(sys_status(&t[i]), "unsupported");
}

/* flock and fcntl's OFD locks must reach the sentry first: a lock on a
 * directory the platform's fd cache holds would outlive the program's
 * last close (sentry/sys/sys_lock.c). */
static void locks_are_trapped(void **state)
{
	(void)state;
	assert_int_equal(sys_lookup(SYS_flock)->cls, SYS_NOTIFY);
	assert_non_null(sys_lookup(SYS_flock)->handler);
	assert_int_equal(sys_lookup(SYS_fcntl)->cls, SYS_NOTIFY);
	assert_non_null(sys_lookup(SYS_fcntl)->handler);
}

static int continued;

static int fake_continue(struct platform_call *call)
{
	(void)call;
	continued++;
	return 0;
}

static const struct platform_ops fake_ops = {
	.reply_continue = fake_continue,
};

static long lock_call(sys_handler_fn h, int nr, uint64_t a0, uint64_t a1)
{
	struct platform_call call = {.ops = &fake_ops, .tid = 1, .nr = nr, .args = {a0, a1}};
	continued = 0;
	return h(NULL, &call);
}

/* The lock handlers continue the call (the kernel runs it; the platform
 * lets go of the fd's open file first: tests/unit/platform/test_unotify.c
 * locks_on_a_directory), and continue nothing else: no path syscall can
 * reach the host through them. */
static void lock_handlers_continue_only_locks(void **state)
{
	(void)state;
	sys_handler_fn flock_h = sys_lookup(SYS_flock)->handler;
	sys_handler_fn fcntl_h = sys_lookup(SYS_fcntl)->handler;
	assert_int_equal(lock_call(flock_h, SYS_flock, 7, LOCK_EX), SYS_REPLIED);
	assert_int_equal(continued, 1);
	assert_int_equal(lock_call(fcntl_h, SYS_fcntl, 5, F_OFD_SETLKW), SYS_REPLIED);
	assert_int_equal(continued, 1);
	assert_int_equal(lock_call(fcntl_h, SYS_fcntl, 5, 0xabcd00000000ull | F_OFD_SETLK),
			 SYS_REPLIED);
	assert_int_equal(continued, 1);
	/* not a lock command, or a handler reached for another syscall */
	assert_int_equal(lock_call(fcntl_h, SYS_fcntl, 5, F_SETFL), -ENOSYS);
	assert_int_equal(lock_call(fcntl_h, SYS_fcntl, 5, F_GETLK), -ENOSYS);
	assert_int_equal(lock_call(flock_h, SYS_openat, AT_FDCWD, 0), -ENOSYS);
	assert_int_equal(lock_call(fcntl_h, SYS_unlinkat, AT_FDCWD, F_OFD_SETLK), -ENOSYS);
	assert_int_equal(continued, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sorted_and_unique),
		cmocka_unit_test(names_match_libseccomp),
		cmocka_unit_test(path_syscalls_are_never_native),
		cmocka_unit_test(denylist_is_refused_alike),
		cmocka_unit_test(status_names),
		cmocka_unit_test(locks_are_trapped),
		cmocka_unit_test(lock_handlers_continue_only_locks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
