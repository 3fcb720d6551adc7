/* The cost of the seccomp user-notification round trip on this machine,
 * as a ratio to native syscalls in the same run.
 *
 * A child installs a filter that sends getppid and openat to a supervisor
 * (this process) and times three loops: native (untrapped) calls, a trapped
 * getppid answered with a plain reply, and a trapped openat answered with
 * SECCOMP_IOCTL_NOTIF_ADDFD + SEND (how the sentry hands over an fd). Each
 * is run under several supervisor strategies:
 *
 *   plain   blocking RECV, no flags
 *   sync    SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (Linux 6.6+)
 *   pinned  supervisor and child on one CPU
 *   spin    the supervisor polls the fd without sleeping for a while before
 *           blocking, so its CPU never idles between notifications
 *   affine  sync, and for ADDFD the target thread is pinned to the
 *           supervisor's CPU until the fd is installed, because ADDFD wakes
 *           the target with a plain completion that lets the scheduler move
 *           it to the idle CPU (a ~25 µs wake-up in a VM)
 *
 * Then what a served call adds to the round trip at the least: reading
 * the program's memory (a path: process_vm_readv of 256 bytes) and
 * writing a result back (a struct stat: process_vm_writev of 144 bytes),
 * measured against a sleeping child; /proc/<pid>/mem beside them, which
 * the sentry does not use (it reads and writes with FOLL_FORCE, so a
 * PROT_NONE or read-only buffer would not fault as the kernel's copy
 * does). docs/performance.md multiplies these by the calls a workload
 * makes (VEIL_STATS=1) for the floor no sentry can go under here.
 *
 * Last, a few host calls the sentry makes per file, each alone: a reopen
 * through "/proc/self/fd/N" and through a kept /proc/self/fd directory
 * (base/proc_fd.c), memfd_create (a tmpfs file's data), and the pair of
 * sched_setaffinity calls that binds a thread for an ADDFD and lets it go.
 *
 * Usage: unotify_roundtrip [ITERATIONS] */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

enum strategy { PLAIN, SYNC, PINNED, SPIN, AFFINE, N_STRATEGIES };
static const char *const strategy_names[] = {"plain", "sync", "pinned", "spin", "sync+affine"};

enum loop { NATIVE_GETPID, NATIVE_STAT, TRAP_GETPPID, TRAP_OPEN, N_LOOPS };
static const char *const loop_names[] = {
	"native getpid", "native stat", "trapped getppid (reply)",
	"trapped openat (ADDFD+SEND)",
};

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static void pin_to_cpu0(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		die("sched_setaffinity");
}

static int send_fd(int sock, int fd)
{
	char buf[CMSG_SPACE(sizeof(int))] = {0};
	char byte = 0;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = buf, .msg_controllen = sizeof(buf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char buf[CMSG_SPACE(sizeof(int))] = {0};
	char byte;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = buf, .msg_controllen = sizeof(buf)};
	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -1;
	int fd;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* The sandboxed side: install the filter, hand its fd over, time the loops
 * and write the per-call nanoseconds to `out`. */
static void child(int sock, int out, long iters, bool pinned)
{
	if (pinned)
		pin_to_cpu0();
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(getppid), 0) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(openat), 0) < 0 ||
	    seccomp_load(ctx) < 0)
		die("seccomp");
	int nfd = seccomp_notify_fd(ctx);
	if (nfd < 0 || send_fd(sock, nfd) < 0)
		die("send notify fd");
	close(nfd);

	double res[N_LOOPS];
	struct stat st;
	for (int l = 0; l < N_LOOPS; l++) {
		/* warm up, then time */
		for (int pass = 0; pass < 2; pass++) {
			long n = pass ? iters : iters / 10;
			double t0 = now_ns();
			for (long i = 0; i < n; i++) {
				switch (l) {
				case NATIVE_GETPID:
					syscall(SYS_getpid);
					break;
				case NATIVE_STAT:
					syscall(SYS_newfstatat, AT_FDCWD, "/", &st, 0);
					break;
				case TRAP_GETPPID:
					if (syscall(SYS_getppid) != 42)
						die("getppid reply");
					break;
				case TRAP_OPEN: {
					long fd = syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY);
					if (fd < 0)
						die("trapped openat");
					close(fd);
					break;
				}
				}
			}
			res[l] = (now_ns() - t0) / n;
		}
	}
	if (write(out, res, sizeof(res)) != sizeof(res))
		die("write results");
	_exit(0);
}

/* The supervisor side: answer until the child is gone. */
static void supervise(int nfd, int devnull, enum strategy s)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	if ((s == SYNC || s == AFFINE) && ioctl(nfd, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
			       SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP, 0) < 0)
		die("SECCOMP_IOCTL_NOTIF_SET_FLAGS (needs Linux 6.6)");
	for (;;) {
		if (s == SPIN) {
			/* Poll without sleeping for up to ~200 µs, then block. */
			struct pollfd p = {.fd = nfd, .events = POLLIN};
			double deadline = now_ns() + 200e3;
			while (poll(&p, 1, 0) == 0 && now_ns() < deadline)
				;
		}
		memset(&req, 0, sizeof(req));
		if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR)
				continue;
			return; /* ENOENT: the child is gone */
		}
		if (req.data.nr == SYS_getppid) {
			memset(&resp, 0, sizeof(resp));
			resp.id = req.id;
			resp.val = 42;
			ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
		} else {
			cpu_set_t saved, here;
			if (s == AFFINE) {
				CPU_ZERO(&here);
				CPU_SET(sched_getcpu(), &here);
				sched_getaffinity(req.pid, sizeof(saved), &saved);
				sched_setaffinity(req.pid, sizeof(here), &here);
			}
			struct seccomp_notif_addfd a = {
				.id = req.id,
				.flags = SECCOMP_ADDFD_FLAG_SEND,
				.srcfd = devnull,
				.newfd_flags = O_CLOEXEC,
			};
			if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_ADDFD, &a) < 0 && errno != ENOENT)
				die("ADDFD");
			if (s == AFFINE)
				sched_setaffinity(req.pid, sizeof(saved), &saved);
		}
	}
}

static int run(enum strategy s, long iters, double res[N_LOOPS])
{
	int sv[2], pipefd[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
	    pipe2(pipefd, O_CLOEXEC) < 0)
		die("socketpair");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(sv[0]);
		close(pipefd[0]);
		child(sv[1], pipefd[1], iters, s == PINNED);
	}
	close(sv[1]);
	close(pipefd[1]);
	if (s == PINNED)
		pin_to_cpu0();
	int nfd = recv_fd(sv[0]);
	if (nfd < 0)
		die("recv notify fd");
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	supervise(nfd, devnull, s);
	int st;
	waitpid(pid, &st, 0);
	ssize_t n = read(pipefd[0], res, sizeof(double) * N_LOOPS);
	close(nfd);
	close(devnull);
	close(sv[0]);
	close(pipefd[0]);
	if (s == PINNED) {
		cpu_set_t all;
		CPU_ZERO(&all);
		for (int c = 0; c < CPU_SETSIZE; c++)
			CPU_SET(c, &all);
		sched_setaffinity(0, sizeof(all), &all);
	}
	return n == (ssize_t)(sizeof(double) * N_LOOPS) && WIFEXITED(st) &&
		       WEXITSTATUS(st) == 0
		       ? 0
		       : -1;
}

static char target[4096] = "/usr/include/x86_64-linux-gnu/sys/stat.h";

/* ns per copy between this process and a sleeping child, each way. */
static void memory_costs(long iters)
{
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		pause();
		_exit(0);
	}
	char buf[256];
	struct iovec in = {buf, sizeof(buf)}, from = {target, sizeof(buf)};
	struct iovec out = {buf, 144}, to = {target + 1024, 144};
	double t[4];
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	int mem = open(path, O_RDWR | O_CLOEXEC);
	if (mem < 0)
		die("/proc/<pid>/mem");
	double t0 = now_ns();
	for (long i = 0; i < iters; i++)
		if (process_vm_readv(pid, &in, 1, &from, 1, 0) < 0)
			die("process_vm_readv");
	t[0] = (now_ns() - t0) / iters;
	t0 = now_ns();
	for (long i = 0; i < iters; i++)
		if (process_vm_writev(pid, &out, 1, &to, 1, 0) < 0)
			die("process_vm_writev");
	t[1] = (now_ns() - t0) / iters;
	t0 = now_ns();
	for (long i = 0; i < iters; i++)
		if (pread(mem, buf, sizeof(buf), (off_t)(uintptr_t)target) < 0)
			die("pread");
	t[2] = (now_ns() - t0) / iters;
	t0 = now_ns();
	for (long i = 0; i < iters; i++)
		if (pwrite(mem, buf, 144, (off_t)(uintptr_t)(target + 1024)) < 0)
			die("pwrite");
	t[3] = (now_ns() - t0) / iters;
	close(mem);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	printf("\ntracee memory, ns per copy:\n");
	printf("%-30s %9.0f\n", "process_vm_readv 256 B", t[0]);
	printf("%-30s %9.0f\n", "process_vm_writev 144 B", t[1]);
	printf("%-30s %9.0f\n", "/proc/<pid>/mem pread 256 B", t[2]);
	printf("%-30s %9.0f\n", "/proc/<pid>/mem pwrite 144 B", t[3]);
}

/* ns per host call the sentry makes for a file, each alone. */
static void host_call_costs(long iters)
{
	int m = memfd_create("bench", MFD_CLOEXEC);
	int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (m < 0 || dir < 0)
		die("memfd_create");
	char path[64], name[16];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", m);
	snprintf(name, sizeof(name), "%d", m);
	double t[4];
	double t0 = now_ns();
	for (long i = 0; i < iters; i++)
		close(open(path, O_WRONLY | O_CLOEXEC));
	t[0] = (now_ns() - t0) / iters;
	t0 = now_ns();
	for (long i = 0; i < iters; i++)
		close(openat(dir, name, O_WRONLY | O_CLOEXEC));
	t[1] = (now_ns() - t0) / iters;
	t0 = now_ns();
	for (long i = 0; i < iters; i++)
		close(memfd_create("veil-tmpfs", MFD_CLOEXEC));
	t[2] = (now_ns() - t0) / iters;
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		pause();
		_exit(0);
	}
	cpu_set_t all, one;
	if (sched_getaffinity(pid, sizeof(all), &all) < 0)
		die("sched_getaffinity");
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	t0 = now_ns();
	for (long i = 0; i < iters; i++) {
		sched_setaffinity(pid, sizeof(one), &one);
		sched_setaffinity(pid, sizeof(all), &all);
	}
	t[3] = (now_ns() - t0) / iters;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(dir);
	close(m);
	printf("\nhost calls, ns each (with its close):\n");
	printf("%-30s %9.0f\n", "open /proc/self/fd/N", t[0]);
	printf("%-30s %9.0f\n", "openat(kept fd dir, N)", t[1]);
	printf("%-30s %9.0f\n", "memfd_create", t[2]);
	printf("%-30s %9.0f\n", "sched_setaffinity pair", t[3]);
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 20000;
	if (iters <= 0)
		iters = 20000;
	double res[N_STRATEGIES][N_LOOPS];
	for (int s = 0; s < N_STRATEGIES; s++)
		if (run(s, iters, res[s]) < 0) {
			fprintf(stderr, "strategy %s failed\n", strategy_names[s]);
			return 1;
		}
	printf("%-30s", "ns per call (x native stat)");
	for (int s = 0; s < N_STRATEGIES; s++)
		printf(" %18s", strategy_names[s]);
	printf("\n");
	for (int l = 0; l < N_LOOPS; l++) {
		printf("%-30s", loop_names[l]);
		for (int s = 0; s < N_STRATEGIES; s++)
			printf(" %9.0f (%5.1fx)", res[s][l], res[s][l] / res[s][NATIVE_STAT]);
		printf("\n");
	}
	memory_costs(iters);
	host_call_costs(iters);
	return 0;
}
