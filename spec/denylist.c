/* The deny list as data: see denylist.h. Ordered by area; each entry says
 * why a sandboxed program has no business making the call.
 *
 * Not listed, on purpose: ptrace. Inside a sandbox a program may debug its
 * own children; what it must not reach is outside, and that is bounded by
 * the pid namespace (nothing outside is visible) and the Landlock domain
 * (a domain cannot ptrace a process outside it), without breaking gdb and
 * strace inside. chroot is left too: bubblewrap allows it and it needs
 * CAP_SYS_CHROOT, which the program only has when it asked for it. */
#include "spec/denylist.h"

#include <errno.h>
#include <sched.h>
#include <sys/ioctl.h>

#ifndef CLONE_NEWUSER
#define CLONE_NEWUSER 0x10000000
#endif

#define ANY -1, 0, 0

const struct denylist_entry denylist[] = {
	/* The mount table was set up before exec and is final — for a
	 * program without CAP_SYS_ADMIN, which the kernel would refuse anyway.
	 * One that holds it (root's sandbox, --cap-add CAP_SYS_ADMIN) mounts
	 * in its own mount namespace as under bubblewrap: nested sandboxes,
	 * test suites that mount a tmpfs (issue 11 cause 6). */
	{ "mount", EPERM, ANY, DENYLIST_NO_SYS_ADMIN, "changes the mount table set up for the sandbox" },
	{ "umount", EPERM, ANY, DENYLIST_NO_SYS_ADMIN, "could uncover what a mount hides" },
	{ "umount2", EPERM, ANY, DENYLIST_NO_SYS_ADMIN, "could uncover what a mount hides" },
	{ "pivot_root", EPERM, ANY, DENYLIST_NO_SYS_ADMIN, "changes the sandbox root" },
	{ "move_mount", EPERM, ANY, DENYLIST_NO_SYS_ADMIN, "new mount API: changes the mount table" },
	{ "open_tree", EPERM, ANY, DENYLIST_NO_SYS_ADMIN, "new mount API: clones mounts" },
	{ "fsopen", EPERM, ANY, DENYLIST_NO_SYS_ADMIN, "new mount API: creates filesystems" },
	{ "fsconfig", EPERM, ANY, DENYLIST_NO_SYS_ADMIN, "new mount API" },
	{ "fsmount", EPERM, ANY, DENYLIST_NO_SYS_ADMIN, "new mount API" },
	{ "fspick", EPERM, ANY, DENYLIST_NO_SYS_ADMIN, "new mount API: reconfigures filesystems" },
	{ "mount_setattr", EPERM, ANY, DENYLIST_NO_SYS_ADMIN, "could make read-only mounts writable" },
	/* Kernel attack surface out of proportion to what programs need. */
	{ "io_uring_setup", ENOSYS, ANY, DENYLIST_ALWAYS,
	  "io_uring bypasses syscall filtering and has a long CVE record; ENOSYS makes runtimes fall back" },
	{ "io_uring_enter", ENOSYS, ANY, DENYLIST_ALWAYS, "io_uring (see io_uring_setup)" },
	{ "io_uring_register", ENOSYS, ANY, DENYLIST_ALWAYS, "io_uring (see io_uring_setup)" },
	{ "bpf", EPERM, ANY, DENYLIST_ALWAYS, "loads programs into the kernel" },
	{ "perf_event_open", EPERM, ANY, DENYLIST_ALWAYS, "kernel profiling: info leaks, frequent CVEs" },
	{ "userfaultfd", EPERM, ANY, DENYLIST_ALWAYS, "makes kernel races reliably exploitable" },
	{ "open_by_handle_at", EPERM, ANY, DENYLIST_ALWAYS,
	  "opens files by handle, bypassing the mount table (the shocker escape)" },
	{ "keyctl", EPERM, ANY, DENYLIST_ALWAYS, "the kernel keyring is not namespaced" },
	{ "add_key", EPERM, ANY, DENYLIST_ALWAYS, "the kernel keyring is not namespaced" },
	{ "request_key", EPERM, ANY, DENYLIST_ALWAYS, "the kernel keyring is not namespaced" },
	{ "lookup_dcookie", EPERM, ANY, DENYLIST_ALWAYS, "kernel profiling interface" },
	/* The host itself. */
	{ "kexec_load", EPERM, ANY, DENYLIST_ALWAYS, "replaces the running kernel" },
	{ "kexec_file_load", EPERM, ANY, DENYLIST_ALWAYS, "replaces the running kernel" },
	{ "init_module", EPERM, ANY, DENYLIST_ALWAYS, "loads kernel modules" },
	{ "finit_module", EPERM, ANY, DENYLIST_ALWAYS, "loads kernel modules" },
	{ "delete_module", EPERM, ANY, DENYLIST_ALWAYS, "unloads kernel modules" },
	{ "reboot", EPERM, ANY, DENYLIST_ALWAYS, "reboots the host (or the pid namespace)" },
	{ "swapon", EPERM, ANY, DENYLIST_ALWAYS, "host memory configuration" },
	{ "swapoff", EPERM, ANY, DENYLIST_ALWAYS, "host memory configuration" },
	{ "acct", EPERM, ANY, DENYLIST_ALWAYS, "host process accounting" },
	{ "settimeofday", EPERM, ANY, DENYLIST_ALWAYS, "the clock is not namespaced" },
	{ "stime", EPERM, ANY, DENYLIST_ALWAYS, "the clock is not namespaced" },
	{ "clock_settime", EPERM, ANY, DENYLIST_ALWAYS, "the clock is not namespaced" },
	{ "clock_adjtime", EPERM, ANY, DENYLIST_ALWAYS, "the clock is not namespaced" },
	{ "adjtimex", EPERM, ANY, DENYLIST_ALWAYS, "the clock is not namespaced" },
	{ "syslog", EPERM, ANY, DENYLIST_ALWAYS, "the kernel log leaks host addresses and activity" },
	{ "quotactl", EPERM, ANY, DENYLIST_ALWAYS, "host filesystem quotas" },
	{ "nfsservctl", EPERM, ANY, DENYLIST_ALWAYS, "host NFS server" },
	{ "vhangup", EPERM, ANY, DENYLIST_ALWAYS, "hangs up the host terminal" },
	{ "uselib", EPERM, ANY, DENYLIST_ALWAYS, "obsolete loader interface" },
	{ "iopl", EPERM, ANY, DENYLIST_ALWAYS, "raw I/O port access" },
	{ "ioperm", EPERM, ANY, DENYLIST_ALWAYS, "raw I/O port access" },
	/* The terminal outside (CVE-2017-5226): typing into it runs commands there.
	 * EBADF: what the kernel answers the usual probe, ioctl(-1, TIOCSTI)
	 * (it checks the fd before the command; a filter cannot), and what
	 * bubblewrap's test-seccomp.py expects of an unfiltered sandbox; on a
	 * real terminal the push fails either way. */
	{ "ioctl", EBADF, 1, 0xffffffffu, TIOCSTI, DENYLIST_ALWAYS,
	  "TIOCSTI pushes input into the caller's terminal" },
	{ "ioctl", EPERM, 1, 0xffffffffu, TIOCLINUX, DENYLIST_ALWAYS,
	  "TIOCLINUX can paste into the caller's console" },
	/* --disable-userns: the kernel limit is the real barrier, these the backstop,
	 * failing as the limit does (ENOSPC), so a nested veil tells "user
	 * namespaces are disabled here" the same way behind either. */
	{ "unshare", ENOSPC, 0, CLONE_NEWUSER, CLONE_NEWUSER, DENYLIST_NO_USERNS,
	  "would create a user namespace" },
	{ "clone", ENOSPC, 0, CLONE_NEWUSER, CLONE_NEWUSER, DENYLIST_NO_USERNS,
	  "would create a user namespace" },
	{ "clone3", ENOSYS, ANY, DENYLIST_NO_USERNS,
	  "its flags are in memory a filter cannot read; ENOSYS makes libc fall back to clone" },
	{ "setns", EPERM, 1, 0xffffffffu, CLONE_NEWUSER, DENYLIST_NO_USERNS,
	  "would join another user namespace" },
	{ "setns", EPERM, 1, 0xffffffffu, 0, DENYLIST_NO_USERNS,
	  "nstype 0 joins any namespace, a user namespace too" },
};

const size_t denylist_len = sizeof(denylist) / sizeof(denylist[0]);

int denylist_add_rules(scmp_filter_ctx ctx, unsigned flags)
{
	for (size_t i = 0; i < denylist_len; i++) {
		const struct denylist_entry *e = &denylist[i];
		if (e->when && !(e->when & flags))
			continue;
		int nr = seccomp_syscall_resolve_name(e->name);
		if (nr == __NR_SCMP_ERROR)
			continue;
		int r;
		if (e->arg < 0)
			r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO((uint32_t)e->err), nr, 0);
		else
			r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO((uint32_t)e->err), nr, 1,
					     SCMP_CMP((unsigned)e->arg, SCMP_CMP_MASKED_EQ,
						      e->mask, e->value));
		/* -EDOM/-EOPNOTSUPP: not a syscall on this architecture. */
		if (r < 0 && r != -EDOM && r != -EOPNOTSUPP && r != -EINVAL)
			return r;
	}
	return 0;
}
