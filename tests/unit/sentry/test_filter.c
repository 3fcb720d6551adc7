/* The filter, loaded for real in a child: native calls pass, refused ones
 * get their errno, unknown numbers and foreign ABIs get ENOSYS. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <net/if.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sentry/sys/filter.h"
#include "sentry/sys/syscalls.h"

enum probe { P_GETPID, P_PIVOT_ROOT, P_TIOCSTI, P_TIOCSTI_HIGH, P_TIOCGWINSZ, P_UNKNOWN,
	     P_X32, P_I386, P_MKDIRAT, P_SEND, P_SENDTO_ADDR, P_UNSHARE_FILES,
	     P_UNSHARE_FILES_FS, P_UNSHARE_FILES_HIGH, P_UNSHARE_NEWNS, P_CLONE_NEWNS, N_PROBES };

static long probe(enum probe p)
{
	long r = 0;
	char c = 'x';
	switch (p) {
	case P_GETPID: r = syscall(SYS_getpid); break;
	case P_PIVOT_ROOT: r = syscall(SYS_pivot_root, "/nonexistent-veil-probe", "/nonexistent-veil-probe"); break;
	case P_TIOCSTI: r = syscall(SYS_ioctl, 0, TIOCSTI, &c); break;
	case P_TIOCSTI_HIGH: r = syscall(SYS_ioctl, 0, 0x100000000ul | TIOCSTI, &c); break;
	case P_TIOCGWINSZ: {
		int p2[2];
		if (pipe(p2) < 0)
			return -1000;
		struct winsize w;
		r = syscall(SYS_ioctl, p2[0], TIOCGWINSZ, &w);
		break;
	}
	case P_UNKNOWN: r = syscall(1000); break;
	case P_UNSHARE_FILES: r = syscall(SYS_unshare, CLONE_FILES); break;
	case P_UNSHARE_FILES_FS: r = syscall(SYS_unshare, CLONE_FILES | CLONE_FS); break;
	case P_UNSHARE_FILES_HIGH: r = syscall(SYS_unshare, 0x100000000ul | CLONE_FILES); break;
	case P_UNSHARE_NEWNS: r = syscall(SYS_unshare, CLONE_NEWNS); break;
	/* CLONE_FS makes it EINVAL had it run: it never does */
	case P_CLONE_NEWNS: r = syscall(SYS_clone, CLONE_NEWNS | CLONE_FS | SIGCHLD, 0, 0, 0, 0); break;
	case P_X32: r = syscall(0x40000000 | SYS_getpid); break;
	case P_I386: {
		long nr = 20; /* getpid in the i386 table */
		__asm__ volatile("int $0x80" : "+a"(nr) : : "memory");
		return nr < 0 && nr > -4096 ? nr : (nr > 0 ? 1 : nr);
	}
	case P_MKDIRAT: {
		/* a trapped syscall that has no handler (yet): any will do */
		const struct sys_entry *t = sys_table_begin();
		for (size_t i = 0; i < sys_table_size(); i++)
			if (t[i].cls == SYS_NOTIFY && !t[i].handler &&
			    t[i].nr != SCMP_SYS(openat) && t[i].nr != SCMP_SYS(sendto))
				return syscall(t[i].nr, -1, 0, 0, 0, 0, 0) < 0 ? -errno : 1;
		return 2; /* every one is handled: nothing to probe */
	}
	case P_SEND:
	case P_SENDTO_ADDR: {
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
			return -1000;
		struct sockaddr_un a = {.sun_family = AF_UNIX, .sun_path = "/tmp/veil-never"};
		r = syscall(SYS_sendto, sv[0], "x", 1, 0, p == P_SEND ? NULL : (void *)&a,
			    p == P_SEND ? 0 : sizeof(a));
		break;
	}
	case N_PROBES: break;
	}
	return r < 0 ? -errno : (r > 0 ? 1 : 0);
}

/* Loads the filter built for `trap` in a child, runs probe(0..n-1) there
 * and gives their results in res. */
static unsigned probe_flags; /* filter_build's flags for run_probes */

static void run_probes(enum filter_trap trap, long (*probe_fn)(int), int n, long *res)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		scmp_filter_ctx ctx;
		if (filter_build(trap, probe_flags, &ctx) < 0)
			_exit(10);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_load(ctx) < 0)
			_exit(11);
		for (int i = 0; i < n; i++)
			res[i] = probe_fn(i);
		size_t len = (size_t)n * sizeof(*res);
		_exit(write(p[1], res, len) == (ssize_t)len ? 0 : 12);
	}
	close(p[1]);
	assert_int_equal(read(p[0], res, (size_t)n * sizeof(*res)), (ssize_t)n * (ssize_t)sizeof(*res));
	close(p[0]);
	int st;
	waitpid(pid, &st, 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static long probe_n(int i)
{
	return probe((enum probe)i);
}

static void filter_results(void **state)
{
	(void)state;
	/* Trapped calls as SECCOMP_RET_TRACE with no tracer: they fail with
	 * ENOSYS without running, so a probe can tell a trapped call (a
	 * sendto with an address) from a native one without anyone serving
	 * it. */
	long res[N_PROBES];
	run_probes(FILTER_TRAP_TRACE, probe_n, N_PROBES, res);
	assert_int_equal(res[P_GETPID], 1);
	assert_int_equal(res[P_PIVOT_ROOT], -ENOSYS); /* trapped: the sentry's mntns.c */
	assert_int_equal(res[P_TIOCSTI], -EBADF);
	assert_int_equal(res[P_TIOCSTI_HIGH], -EBADF);
	assert_int_equal(res[P_TIOCGWINSZ], -ENOTTY);
	assert_int_equal(res[P_UNKNOWN], -ENOSYS);
	assert_int_equal(res[P_X32], -ENOSYS);
	assert_int_equal(res[P_I386], -ENOSYS);
	/* send() runs natively; a sendto with an address is trapped */
	assert_int_equal(res[P_SEND], 1);
	assert_int_equal(res[P_SENDTO_ADDR], -ENOSYS);
	/* unshare(CLONE_FILES) exactly runs natively (the exec by fd's first
	 * step); any other flag, in any bit, is trapped (sys_mount.c) */
	assert_int_equal(res[P_UNSHARE_FILES], 0);
	assert_int_equal(res[P_UNSHARE_FILES_FS], -ENOSYS);
	assert_int_equal(res[P_UNSHARE_FILES_HIGH], -ENOSYS);
	assert_int_equal(res[P_UNSHARE_NEWNS], -ENOSYS);
	/* clone with CLONE_NEWNS is trapped, by the bit (sys_mount.c) */
	assert_int_equal(res[P_CLONE_NEWNS], -ENOSYS);
	/* a path syscall without a handler yet: refused in the kernel (once
	 * every trapped syscall has a handler there is none to probe) */
	if (res[P_MKDIRAT] == 2)
		print_message("no unhandled trapped syscall left to probe\n");
	else
		assert_int_equal(res[P_MKDIRAT], -ENOSYS);
}

/* Which lock calls the filter traps, and which fcntl commands it lets run
 * natively: built for the ptrace platform and loaded with no tracer, a
 * trapped call fails with ENOSYS (the kernel's answer to SECCOMP_RET_TRACE
 * when nobody traces), so nothing needs to serve it. */
enum lock_probe { L_FLOCK, L_OFD_SETLK, L_OFD_SETLKW, L_OFD_SETLK_HIGH, L_OFD_GETLK, L_GETFD,
		  L_GETFD_HIGH, L_SETLK, N_LOCK_PROBES };

static int lock_fd = -1; /* a directory, opened before the filter */

static long lock_probe(int p)
{
	int fd = lock_fd;
	struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET};
	long r = 0;
	switch (p) {
	case L_FLOCK: r = syscall(SYS_flock, fd, LOCK_SH | LOCK_NB); break;
	case L_OFD_SETLK: r = syscall(SYS_fcntl, fd, F_OFD_SETLK, &fl); break;
	case L_OFD_SETLKW: r = syscall(SYS_fcntl, fd, F_OFD_SETLKW, &fl); break;
	case L_OFD_SETLK_HIGH: r = syscall(SYS_fcntl, fd, 0x100000000ul | F_OFD_SETLK, &fl); break;
	case L_OFD_GETLK: r = syscall(SYS_fcntl, fd, F_OFD_GETLK, &fl); break;
	case L_GETFD: r = syscall(SYS_fcntl, fd, F_GETFD); break;
	case L_GETFD_HIGH: r = syscall(SYS_fcntl, fd, 0xffffffff00000000ul | F_GETFD); break;
	case L_SETLK: r = syscall(SYS_fcntl, fd, F_SETLK, &fl); break;
	case N_LOCK_PROBES: break;
	}
	return r < 0 ? -errno : 0;
}

static void locks_trapped_by_command(void **state)
{
	(void)state;
	lock_fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(lock_fd >= 0);
	long res[N_LOCK_PROBES];
	run_probes(FILTER_TRAP_TRACE, lock_probe, N_LOCK_PROBES, res);
	close(lock_fd);
	assert_int_equal(res[L_FLOCK], -ENOSYS);
	assert_int_equal(res[L_OFD_SETLK], -ENOSYS);
	assert_int_equal(res[L_OFD_SETLKW], -ENOSYS);
	/* the kernel reads cmd as an unsigned int: still F_OFD_SETLK */
	assert_int_equal(res[L_OFD_SETLK_HIGH], -ENOSYS);
	/* the rest of fcntl is native, whatever the upper bits */
	assert_int_equal(res[L_OFD_GETLK], 0);
	assert_int_equal(res[L_GETFD], 0);
	assert_int_equal(res[L_GETFD_HIGH], 0);
	assert_int_equal(res[L_SETLK], 0);
}

/* The ioctls that change an inode through a read-only fd are trapped
 * (sentry/sys/sys_ioctl.c), by their low 32 bits; the terminal's and every
 * other command stay native. Same set-up as the locks above. */
enum ioctl_probe { I_SETFLAGS, I_SETFLAGS_HIGH, I_SETFLAGS32, I_FSSETXATTR, I_GETFLAGS,
		   I_VERITY, I_TCGETS, I_FIONREAD, I_FIGETBSZ, N_IOCTL_PROBES };

static long ioctl_probe(int p)
{
	int fd = lock_fd;
	unsigned char buf[64] = {0};
	long r = 0;
	switch (p) {
	case I_SETFLAGS: r = syscall(SYS_ioctl, fd, 0x40086602ul, buf); break;
	case I_SETFLAGS_HIGH: r = syscall(SYS_ioctl, fd, 0x500000000ul | 0x40086602ul, buf); break;
	case I_SETFLAGS32: r = syscall(SYS_ioctl, fd, 0x40046602ul, buf); break;
	case I_FSSETXATTR: r = syscall(SYS_ioctl, fd, 0x401c5820ul, buf); break;
	case I_GETFLAGS: r = syscall(SYS_ioctl, fd, 0x80086601ul, buf); break;
	case I_VERITY: r = syscall(SYS_ioctl, fd, 0x40806685ul, buf); break;
	case I_TCGETS: r = syscall(SYS_ioctl, fd, 0x5401ul, buf); break;
	case I_FIONREAD: r = syscall(SYS_ioctl, fd, 0x541bul, buf); break;
	case I_FIGETBSZ: r = syscall(SYS_ioctl, fd, 0x2ul, buf); break;
	case N_IOCTL_PROBES: break;
	}
	return r < 0 ? -errno : 0;
}

static void inode_ioctls_trapped(void **state)
{
	(void)state;
	char path[] = "/tmp/veil-test-filter-XXXXXX";
	lock_fd = mkstemp(path);
	assert_true(lock_fd >= 0);
	unlink(path);
	long res[N_IOCTL_PROBES];
	run_probes(FILTER_TRAP_TRACE, ioctl_probe, N_IOCTL_PROBES, res);
	close(lock_fd);
	assert_int_equal(res[I_SETFLAGS], -ENOSYS);
	assert_int_equal(res[I_SETFLAGS_HIGH], -ENOSYS);
	assert_int_equal(res[I_SETFLAGS32], -ENOSYS);
	assert_int_equal(res[I_FSSETXATTR], -ENOSYS);
	assert_int_equal(res[I_GETFLAGS], -ENOSYS);
	assert_int_equal(res[I_VERITY], -ENOSYS);
	/* native: a regular file is no terminal; FIONREAD and FIGETBSZ answer */
	assert_int_equal(res[I_TCGETS], -ENOTTY);
	assert_int_equal(res[I_FIONREAD], 0);
	assert_int_equal(res[I_FIGETBSZ], 0);
}

/* Calls on a process by pid run natively on the caller itself (pid 0)
 * and are trapped for any other target (sentry/sys/sys_procs.c). */
enum proc_probe { R_PRLIMIT_SELF, R_PRLIMIT_PARENT, R_PRLIMIT_HIGH0, R_AFFINITY_SELF,
		  R_AFFINITY_PARENT, R_PRIO_SELF, R_PRIO_PARENT, R_PRIO_PGRP, R_IOPRIO_SELF,
		  R_IOPRIO_USER, R_KILL_GROUP, R_KILL_PARENT, R_TGKILL_SELF, R_GETSID_SELF,
		  R_GETSID_PARENT, R_GETPGID_SELF, R_GETPRIO_SELF, R_GETPRIO_PGRP,
		  N_PROC_PROBES };

static long proc_probe(int p)
{
	struct rlimit rl;
	unsigned char mask[128] = {0};
	long r = 0;
	pid_t parent = getppid();
	switch (p) {
	case R_PRLIMIT_SELF: r = syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &rl); break;
	case R_PRLIMIT_PARENT: r = syscall(SYS_prlimit64, parent, RLIMIT_NOFILE, NULL, &rl); break;
	case R_PRLIMIT_HIGH0: r = syscall(SYS_prlimit64, 0x100000000ul, RLIMIT_NOFILE, NULL, &rl); break;
	case R_AFFINITY_SELF: r = syscall(SYS_sched_getaffinity, 0, sizeof(mask), mask);
		if (r > 0)
			r = syscall(SYS_sched_setaffinity, 0, sizeof(mask), mask);
		break;
	case R_AFFINITY_PARENT: r = syscall(SYS_sched_setaffinity, parent, sizeof(mask), mask); break;
	case R_PRIO_SELF: r = syscall(SYS_setpriority, PRIO_PROCESS, 0, 0); break;
	case R_PRIO_PARENT: r = syscall(SYS_setpriority, PRIO_PROCESS, parent, 0); break;
	case R_PRIO_PGRP: r = syscall(SYS_setpriority, PRIO_PGRP, 0, 0); break;
	case R_IOPRIO_SELF: r = syscall(SYS_ioprio_get, 1, 0);
		if (r >= 0)
			r = syscall(SYS_ioprio_set, 1, 0, r);
		break;
	case R_IOPRIO_USER: r = syscall(SYS_ioprio_set, 3, 0, 0); break;
	case R_KILL_GROUP: r = syscall(SYS_kill, 0, 0); break;
	case R_KILL_PARENT: r = syscall(SYS_kill, parent, 0); break;
	case R_TGKILL_SELF: r = syscall(SYS_tgkill, getpid(), gettid(), 0); break;
	case R_GETSID_SELF: r = syscall(SYS_getsid, 0); break;
	case R_GETSID_PARENT: r = syscall(SYS_getsid, parent); break;
	case R_GETPGID_SELF: r = syscall(SYS_getpgid, 0); break;
	case R_GETPRIO_SELF: r = syscall(SYS_getpriority, PRIO_PROCESS, 0); break;
	case R_GETPRIO_PGRP: r = syscall(SYS_getpriority, PRIO_PGRP, 0); break;
	case N_PROC_PROBES: break;
	}
	return r < 0 ? -errno : 0;
}

static void process_calls_trapped_unless_self(void **state)
{
	(void)state;
	long res[N_PROC_PROBES];
	run_probes(FILTER_TRAP_TRACE, proc_probe, N_PROC_PROBES, res);
	assert_int_equal(res[R_PRLIMIT_SELF], 0);
	assert_int_equal(res[R_PRLIMIT_PARENT], -ENOSYS);
	assert_int_equal(res[R_PRLIMIT_HIGH0], -ENOSYS); /* trapped; the sentry continues it */
	assert_int_equal(res[R_AFFINITY_SELF], 0);
	assert_int_equal(res[R_AFFINITY_PARENT], -ENOSYS);
	assert_int_equal(res[R_PRIO_SELF], 0);
	assert_int_equal(res[R_PRIO_PARENT], -ENOSYS);
	assert_int_equal(res[R_PRIO_PGRP], -ENOSYS);
	assert_int_equal(res[R_IOPRIO_SELF], 0);
	assert_int_equal(res[R_IOPRIO_USER], -ENOSYS);
	assert_int_equal(res[R_KILL_GROUP], 0);
	assert_int_equal(res[R_KILL_PARENT], -ENOSYS);
	/* the caller's own tgid is a number the filter cannot know */
	assert_int_equal(res[R_TGKILL_SELF], -ENOSYS);
	assert_int_equal(res[R_GETSID_SELF], 0);
	assert_int_equal(res[R_GETSID_PARENT], -ENOSYS);
	assert_int_equal(res[R_GETPGID_SELF], 0);
	assert_int_equal(res[R_GETPRIO_SELF], 0);
	assert_int_equal(res[R_GETPRIO_PGRP], -ENOSYS);
}

/* FILTER_PIDNS (--unshare-pid): the calls that carry pids trapped (ENOSYS
 * with no tracer), by argument where only some values do, whatever the
 * bits above the kernel's int; the rest as without it. */
enum pidns_probe { N_GETPID, N_GETTID, N_WAIT4, N_KILL0, N_PEERCRED, N_PEERCRED_HIGH,
		   N_SOTYPE, N_PASSCRED, N_FUTEX_PI, N_FUTEX_PI_FLAGS, N_FUTEX_WAKE,
		   N_ROBUST, N_PTRACER, N_PDEATHSIG, N_GETOWN, N_GETFL, N_FIOGETOWN,
		   N_PROBES_PIDNS };

static long pidns_probe(int i)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -1000;
	char buf[64];
	socklen_t len = sizeof(buf);
	int word = 0, who;
	long r = 0;
	switch ((enum pidns_probe)i) {
	case N_GETPID: r = syscall(SYS_getpid); break;
	case N_GETTID: r = syscall(SYS_gettid); break;
	case N_WAIT4: r = syscall(SYS_wait4, -1, NULL, WNOHANG, NULL); break;
	case N_KILL0: r = syscall(SYS_kill, 0, 0); break;
	case N_PEERCRED: r = syscall(SYS_getsockopt, sv[0], SOL_SOCKET, SO_PEERCRED, buf, &len); break;
	case N_PEERCRED_HIGH:
		r = syscall(SYS_getsockopt, sv[0], 0x100000000ul | SOL_SOCKET,
			    0x100000000ul | SO_PEERCRED, buf, &len);
		break;
	case N_SOTYPE: r = syscall(SYS_getsockopt, sv[0], SOL_SOCKET, SO_TYPE, buf, &len); break;
	case N_PASSCRED:
		who = 1;
		r = syscall(SYS_setsockopt, sv[0], SOL_SOCKET, SO_PASSCRED, &who, sizeof(who));
		break;
	case N_FUTEX_PI: r = syscall(SYS_futex, &word, 6 /* LOCK_PI */, 0, NULL, NULL, 0); break;
	case N_FUTEX_PI_FLAGS:
		r = syscall(SYS_futex, &word, 0x100000000ul | 128 | 8 /* TRYLOCK_PI, private */,
			    0, NULL, NULL, 0);
		break;
	case N_FUTEX_WAKE: r = syscall(SYS_futex, &word, 1 /* WAKE */, 1, NULL, NULL, 0); break;
	case N_ROBUST: r = syscall(SYS_set_robust_list, buf, 24); break;
	case N_PTRACER: r = syscall(SYS_prctl, 0x59616d61 /* PR_SET_PTRACER */, 0, 0, 0, 0); break;
	case N_PDEATHSIG: r = syscall(SYS_prctl, PR_GET_PDEATHSIG, &who, 0, 0, 0); break;
	case N_GETOWN: r = syscall(SYS_fcntl, sv[0], F_GETOWN); break;
	case N_GETFL: r = syscall(SYS_fcntl, sv[0], F_GETFL); break;
	case N_FIOGETOWN: r = syscall(SYS_ioctl, sv[0], 0x8903 /* FIOGETOWN */, &who); break;
	case N_PROBES_PIDNS: break;
	}
	int e = errno;
	close(sv[0]);
	close(sv[1]);
	return r < 0 ? -e : (r > 0 ? 1 : 0);
}

static void pidns_calls_trapped(void **state)
{
	(void)state;
	long res[N_PROBES_PIDNS];
	probe_flags = FILTER_PIDNS;
	run_probes(FILTER_TRAP_TRACE, pidns_probe, N_PROBES_PIDNS, res);
	probe_flags = 0;
	const int trapped[] = {N_GETPID, N_GETTID, N_WAIT4, N_PEERCRED, N_PEERCRED_HIGH,
			       N_PASSCRED, N_FUTEX_PI, N_FUTEX_PI_FLAGS, N_ROBUST, N_GETOWN,
			       N_FIOGETOWN};
	for (size_t i = 0; i < sizeof(trapped) / sizeof(trapped[0]); i++)
		assert_int_equal(res[trapped[i]], -ENOSYS);
	assert_int_equal(res[N_KILL0], 0);      /* the caller's own group: native */
	assert_int_equal(res[N_SOTYPE], 0);     /* SO_TYPE: native */
	assert_int_equal(res[N_FUTEX_WAKE], 0); /* no PI: native */
	assert_int_equal(res[N_PTRACER], -EINVAL);
	assert_int_equal(res[N_PDEATHSIG], 0);
	assert_int_equal(res[N_GETFL], 1);
	/* and without it, the same calls run natively */
	run_probes(FILTER_TRAP_TRACE, pidns_probe, N_PROBES_PIDNS, res);
	assert_int_equal(res[N_GETPID], 1);
	assert_int_equal(res[N_PEERCRED], 0);
	assert_int_equal(res[N_ROBUST], 0);
}

/* The socket calls the sandbox's own network needs (sentry/net/inet.h)
 * are native without --unshare-net and trapped with it; recvfrom only
 * with an address, as sendto. */
enum net_probe { N_SOCKET, N_SOCKETPAIR, N_RECV, N_RECVFROM_ADDR, N_RECVMSG, N_LISTEN,
		 N_GETSOCKOPT, N_SIOCGIFINDEX, N_SIOCGIFINDEX_HIGH, N_FIONREAD, N_PROBES_NET };

static long net_probe(int p)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv) < 0)
		return -1000;
	char c;
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);
	struct iovec iov = {&c, 1};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	int v;
	long r = 0;
	switch (p) {
	case N_SOCKET: r = syscall(SYS_socket, AF_INET, SOCK_STREAM, 0); break;
	case N_SOCKETPAIR: r = syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, sv); break;
	case N_RECV: r = syscall(SYS_recvfrom, sv[0], &c, 1, 0, NULL, NULL); break;
	case N_RECVFROM_ADDR: r = syscall(SYS_recvfrom, sv[0], &c, 1, 0, &ss, &l); break;
	case N_RECVMSG: r = syscall(SYS_recvmsg, sv[0], &m, 0); break;
	case N_LISTEN: r = syscall(SYS_listen, sv[0], 1); break;
	case N_GETSOCKOPT: r = syscall(SYS_getsockopt, sv[0], SOL_SOCKET, SO_TYPE, &v, &l); break;
	case N_SIOCGIFINDEX:
	case N_SIOCGIFINDEX_HIGH: {
		struct ifreq ifr = {.ifr_name = "lo"};
		unsigned long cmd = SIOCGIFINDEX | (p == N_SIOCGIFINDEX_HIGH ? 0x100000000ul : 0);
		r = syscall(SYS_ioctl, sv[0], cmd, &ifr);
		break;
	}
	case N_FIONREAD: r = syscall(SYS_ioctl, sv[0], FIONREAD, &v); break;
	case N_PROBES_NET: break;
	}
	return r < 0 ? -errno : 0;
}

static void net_calls_trapped_with_unshare_net(void **state)
{
	(void)state;
	long res[N_PROBES_NET];
	run_probes(FILTER_TRAP_TRACE, net_probe, N_PROBES_NET, res);
	assert_int_equal(res[N_SOCKET], 0);
	assert_int_equal(res[N_RECVFROM_ADDR], -EAGAIN);
	assert_int_equal(res[N_RECVMSG], -EAGAIN);
	assert_int_equal(res[N_LISTEN], -EOPNOTSUPP);
	assert_int_equal(res[N_GETSOCKOPT], 0);
	assert_int_equal(res[N_SIOCGIFINDEX], 0);
	probe_flags = FILTER_NET;
	run_probes(FILTER_TRAP_TRACE, net_probe, N_PROBES_NET, res);
	probe_flags = 0;
	assert_int_equal(res[N_SOCKET], -ENOSYS);
	assert_int_equal(res[N_SOCKETPAIR], 0);
	assert_int_equal(res[N_RECV], -EAGAIN);
	assert_int_equal(res[N_RECVFROM_ADDR], -ENOSYS);
	assert_int_equal(res[N_RECVMSG], -ENOSYS);
	assert_int_equal(res[N_LISTEN], -ENOSYS);
	assert_int_equal(res[N_GETSOCKOPT], -ENOSYS);
	/* the interface ioctls, by their low 32 bits; the rest stay native */
	assert_int_equal(res[N_SIOCGIFINDEX], -ENOSYS);
	assert_int_equal(res[N_SIOCGIFINDEX_HIGH], -ENOSYS);
	assert_int_equal(res[N_FIONREAD], 0);
}

/* --unshare-ipc: every call naming a SysV object by key or id, and the
 * POSIX queues' by name, is trapped; shmdt, which names none, and the
 * queues' calls on an fd stay native. Without it the SysV calls run
 * natively and the queues' names are refused (EPERM). */
enum ipc_probe { I_SHMGET, I_SHMCTL, I_SHMDT, I_MSGGET, I_MSGSND, I_SEMGET, I_SEMCTL,
		 I_SEMTIMEDOP, I_MQ_OPEN, I_MQ_UNLINK, N_PROBES_IPC };

static long ipc_probe(int p)
{
	long r = 0;
	switch ((enum ipc_probe)p) {
	case I_SHMGET: r = syscall(SYS_shmget, 0x7e11beef, 0, 0); break;
	case I_SHMCTL: r = syscall(SYS_shmctl, 0x7fffffff, IPC_STAT, NULL); break;
	case I_SHMDT: r = syscall(SYS_shmdt, (void *)4096); break;
	case I_MSGGET: r = syscall(SYS_msgget, 0x7e11beef, 0); break;
	case I_MSGSND: r = syscall(SYS_msgsnd, 0x7fffffff, NULL, 0, 0); break;
	case I_SEMGET: r = syscall(SYS_semget, 0x7e11beef, 0, 0); break;
	case I_SEMCTL: r = syscall(SYS_semctl, 0x7fffffff, 0, GETVAL, 0); break;
	case I_SEMTIMEDOP: r = syscall(SYS_semtimedop, 0x7fffffff, NULL, 1, NULL); break;
	case I_MQ_OPEN: r = syscall(SYS_mq_open, "veil-probe", O_RDONLY, 0, NULL); break;
	case I_MQ_UNLINK: r = syscall(SYS_mq_unlink, "veil-probe"); break;
	case N_PROBES_IPC: break;
	}
	return r < 0 ? -errno : r;
}

static void ipc_calls_trapped_with_unshare_ipc(void **state)
{
	(void)state;
	long res[N_PROBES_IPC];
	run_probes(FILTER_TRAP_TRACE, ipc_probe, N_PROBES_IPC, res);
	assert_int_equal(res[I_SHMGET], -ENOENT);
	assert_int_equal(res[I_SHMCTL], -EINVAL);
	assert_int_equal(res[I_SHMDT], -EINVAL);
	assert_int_equal(res[I_SEMCTL], -EINVAL);
	assert_int_equal(res[I_MQ_OPEN], -EPERM);
	assert_int_equal(res[I_MQ_UNLINK], -EPERM);
	probe_flags = FILTER_IPC;
	run_probes(FILTER_TRAP_TRACE, ipc_probe, N_PROBES_IPC, res);
	probe_flags = 0;
	for (int i = 0; i < N_PROBES_IPC; i++)
		if (i != I_SHMDT)
			assert_int_equal(res[i], -ENOSYS);
	assert_int_equal(res[I_SHMDT], -EINVAL);
	/* a pid namespace alone: the host's objects, but the commands that
	 * answer with pids trapped (shmctl IPC_STAT, semctl GETVAL not) */
	probe_flags = FILTER_PIDNS;
	run_probes(FILTER_TRAP_TRACE, ipc_probe, N_PROBES_IPC, res);
	probe_flags = 0;
	assert_int_equal(res[I_SHMCTL], -ENOSYS);
	assert_int_equal(res[I_SEMCTL], -EINVAL);
	assert_int_equal(res[I_SHMGET], -ENOENT);
}

/* Both namespaces: the network's calls trapped whole (the pid
 * namespace's part of them is the sentry's dispatch's), the pid calls as
 * with the pid namespace alone. */
static void pid_and_net_together(void **state)
{
	(void)state;
	long res[N_PROBES_PIDNS];
	probe_flags = FILTER_PIDNS | FILTER_NET;
	run_probes(FILTER_TRAP_TRACE, pidns_probe, N_PROBES_PIDNS, res);
	long net[N_PROBES_NET];
	run_probes(FILTER_TRAP_TRACE, net_probe, N_PROBES_NET, net);
	probe_flags = 0;
	assert_int_equal(res[N_GETPID], -ENOSYS);
	assert_int_equal(res[N_PEERCRED], -ENOSYS);
	assert_int_equal(res[N_SOTYPE], -ENOSYS); /* getsockopt: the network's, whole */
	assert_int_equal(res[N_FIOGETOWN], -ENOSYS);
	assert_int_equal(res[N_KILL0], 0);
	assert_int_equal(net[N_SOCKET], -ENOSYS);
	assert_int_equal(net[N_SIOCGIFINDEX], -ENOSYS);
	assert_int_equal(net[N_FIONREAD], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(filter_results),
		cmocka_unit_test(pidns_calls_trapped),
		cmocka_unit_test(net_calls_trapped_with_unshare_net),
		cmocka_unit_test(ipc_calls_trapped_with_unshare_ipc),
		cmocka_unit_test(pid_and_net_together),
		cmocka_unit_test(locks_trapped_by_command),
		cmocka_unit_test(inode_ioctls_trapped),
		cmocka_unit_test(process_calls_trapped_unless_self),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
