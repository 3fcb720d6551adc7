/* Runs inside the emulate backend: calls every syscall the sentry serves
 * with hostile arguments (NULL, -1, huge sizes, pointers to unmapped
 * memory, strings that run into a PROT_NONE page, random bits), then checks
 * the sentry still answers. The sentry must survive anything the program
 * does; under ASan a handler's memory error fails the run.
 *
 *   syscall_storm [ITERATIONS [SEED]] */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <sys/un.h>
#include <unistd.h>

/* The sentry's table, read as text: which numbers are trapped and served.
 * (Linking the sentry would bring its sanitizer build into this program.) */
static const struct {
	int nr;
	const char *cls, *handler;
} table[] = {
#define SYSCALL(nr_, name_, cls_, err_, handler_) {nr_, #cls_, #handler_},
#include "sentry/sys/syscalls.def"
#undef SYSCALL
};

static uint64_t rng = 88172645463325252ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static char *unmapped, *edge, *paths[10];

static uint64_t hostile(void)
{
	switch (next() % 12) {
	case 0: return 0;
	case 1: return (uint64_t)-1;
	case 2: return next() % 8;
	case 3: return (uint64_t)unmapped;
	case 4: return (uint64_t)edge; /* 4096 bytes of 'A' then PROT_NONE */
	case 5: return (uint64_t)paths[next() % 10];
	case 6: return (uint64_t)AT_FDCWD;
	case 7: return 1ull << (next() % 64);
	case 8: return next() % 4096;
	case 9: return (uint64_t)(edge + 4090);
	case 10: return 0x7ffffffff000ull;
	default: return next();
	}
}

/* Calls that would end or replace this program, or wait forever (a
 * semop on a set the storm made, a receive on its empty queue, a send
 * to its full one: under --unshare-ipc, the IPCNS class is served). */
static int skipped(int nr)
{
	return nr == SYS_execve || nr == SYS_execveat || nr == SYS_exit ||
	       nr == SYS_exit_group || nr == SYS_rt_sigreturn || nr == SYS_semop ||
	       nr == SYS_semtimedop || nr == SYS_msgrcv || nr == SYS_msgsnd;
}

/* The storm's fd arguments are small numbers: the fds it inherited (a
 * caller's terminal, /dev/null, a log file) must not be among them, or a
 * random fchmod lands on the host's /dev/null — legitimately, as it would
 * natively: they are this program's. So they are moved out of reach and
 * replaced by pipes. */
#define SAFE_STDOUT 5000

static void shield_inherited_fds(void)
{
	dup2(1, SAFE_STDOUT);
	fcntl(SAFE_STDOUT, F_SETFD, FD_CLOEXEC);
	for (int fd = 0; fd < 64; fd++)
		if (fd != SAFE_STDOUT)
			close(fd);
	for (int fd = 0; fd < 16; fd += 2) {
		int p[2];
		if (pipe(p) < 0)
			break;
	}
}

/* Socket calls with hostile structures rather than hostile pointers: a
 * msghdr whose name, iovecs and control data are each good, bad or huge,
 * control messages with lying lengths, SCM_RIGHTS with any numbers,
 * SCM_CREDENTIALS with any ids, sockaddrs of every family and length, on
 * real sockets. The sockets are nonblocking (and MSG_DONTWAIT is set) so
 * the storm never waits on itself. */
static void socket_storm(long iters)
{
	signal(SIGPIPE, SIG_IGN); /* a send on a closed stream raises it, as natively */
	int socks[6], sp[2];
	socks[0] = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	socks[1] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	socks[2] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	socks[3] = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sp) < 0)
		sp[0] = sp[1] = -1;
	socks[4] = sp[0];
	socks[5] = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	static char data[1 << 16], ctl[4096];
	static struct iovec iov[1100];
	struct sockaddr_storage sa;
	for (long i = 0; i < iters; i++) {
		int fd = socks[next() % 6];
		/* an address: any family, any bytes, any length */
		memset(&sa, 0, sizeof(sa));
		for (size_t k = 0; k < sizeof(sa); k += 8) {
			uint64_t v = next();
			memcpy((char *)&sa + k, &v, 8);
		}
		static const int fams[] = {AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_UNSPEC, 255};
		sa.ss_family = (sa_family_t)fams[next() % 6];
		if (sa.ss_family == AF_UNIX && next() % 2)
			strcpy(((struct sockaddr_un *)&sa)->sun_path, next() % 2 ? "/tmp/storm/s" : "");
		socklen_t alen = (socklen_t)(next() % 3 ? next() % 140 : hostile());
		void *ap = next() % 8 ? (void *)&sa : (void *)hostile();
		/* iovecs: good, bad pointers, huge lengths, many of them */
		size_t niov = next() % 4 ? next() % 8 : (next() % 2 ? 1025 : (size_t)hostile());
		for (size_t k = 0; k < 1100; k++) {
			iov[k].iov_base = next() % 8 ? data : (void *)hostile();
			iov[k].iov_len = next() % 8 ? next() % 512 : (size_t)hostile();
		}
		/* control: cmsgs with any length, level and type, SCM_RIGHTS
		 * with real and random fds, SCM_CREDENTIALS with any ids */
		size_t clen = 0;
		while (clen + CMSG_SPACE(16) < sizeof(ctl) && next() % 3) {
			struct cmsghdr *c = (struct cmsghdr *)(ctl + clen);
			int kind = (int)(next() % 4);
			c->cmsg_level = kind < 3 ? SOL_SOCKET : (int)next();
			c->cmsg_type = kind == 0 ? SCM_RIGHTS : kind == 1 ? SCM_CREDENTIALS : (int)next();
			size_t body = next() % 17;
			c->cmsg_len = next() % 6 ? CMSG_LEN(body) : (size_t)hostile();
			for (size_t k = 0; k < body; k += 4) {
				int v = next() % 2 ? (int)(next() % 20) : (int)next();
				memcpy(CMSG_DATA(c) + k, &v, 4);
			}
			clen += CMSG_SPACE(body);
		}
		struct msghdr m = {
			.msg_name = ap, .msg_namelen = alen,
			.msg_iov = next() % 8 ? iov : (void *)hostile(), .msg_iovlen = niov,
			.msg_control = next() % 8 ? ctl : (void *)hostile(),
			.msg_controllen = next() % 8 ? clen : (size_t)hostile(),
		};
		int flags = MSG_DONTWAIT | (int)(next() % 2 ? 0 : next() & ~MSG_WAITALL);
		switch (next() % 7) {
		case 0: sendmsg(fd, &m, flags | MSG_DONTWAIT); break;
		case 1: sendto(fd, data, next() % 600, MSG_DONTWAIT, ap, alen); break;
		case 2: connect(fd, ap, alen); break;
		case 3: bind(fd, ap, alen); break;
		case 4: {
			struct mmsghdr mm[4];
			for (int k = 0; k < 4; k++)
				mm[k].msg_hdr = m;
			sendmmsg(fd, next() % 4 ? mm : (void *)hostile(),
				 (unsigned)(next() % 2 ? next() % 5 : next()), flags | MSG_DONTWAIT);
			break;
		}
		case 5: {
			socklen_t l = (socklen_t)(next() % 200);
			getsockname(fd, next() % 4 ? (void *)&sa : (void *)hostile(),
				    next() % 4 ? &l : (void *)hostile());
			break;
		}
		default: {
			socklen_t l = (socklen_t)(next() % 200);
			getpeername(fd, (void *)&sa, next() % 4 ? &l : (void *)hostile());
			break;
		}
		}
		/* fds that came back through a socket: do not let them pile up */
		if (i % 64 == 0)
			for (int k = 20; k < 200; k++)
				if (k != SAFE_STDOUT && k != socks[0] && k != socks[1] && k != socks[2] &&
				    k != socks[3] && k != socks[4] && k != socks[5] && k != sp[1])
					close(k);
	}
	for (int k = 0; k < 6; k++)
		close(socks[k]);
	close(sp[1]);
}

/* Cases the random storm reaches only by luck (issue 18): an exec with
 * NULL argv and envp (the sentry copied a NULL array with memcpy), and
 * control messages whose headers lie, on families whose control data the
 * sentry does not rewrite (it read past its copy, or spun on a zero
 * cmsg_len). Each must get the kernel's answer, and the sentry live on. */
static int directed(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		/* The kernel makes that argv {""} (Linux 5.18+): main sees it. */
		syscall(SYS_execve, "/storm/syscall_storm", NULL, NULL);
		_exit(127);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return 20;
	int fds[] = {socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0),
		     socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0)};
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in6 to6 = {.sin6_family = AF_INET6, .sin6_port = htons(9),
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	for (int k = 0; k < 2; k++) {
		static const size_t lens[] = {0, 1, 15, 17, 88, 4096};
		for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
			union {
				struct cmsghdr h;
				char b[96];
			} ctl;
			memset(&ctl, 0, sizeof(ctl));
			ctl.h.cmsg_len = lens[l];
			ctl.h.cmsg_level = SOL_SOCKET;
			ctl.h.cmsg_type = 0x7777;
			char byte = 'x';
			struct iovec v = {&byte, 1};
			struct msghdr m = {.msg_name = k ? (void *)&to6 : (void *)&to,
					   .msg_namelen = k ? sizeof(to6) : sizeof(to),
					   .msg_iov = &v, .msg_iovlen = 1,
					   .msg_control = &ctl, .msg_controllen = 88};
			errno = 0;
			if (sendmsg(fds[k], &m, MSG_DONTWAIT) >= 0 || errno != EINVAL) {
				dprintf(SAFE_STDOUT, "storm: cmsg_len %zu on family %d: %s, not EINVAL\n",
					lens[l], k ? AF_INET6 : AF_INET, strerror(errno));
				return 21;
			}
		}
		close(fds[k]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc <= 1 && (!argc || !argv[0][0])) /* directed()'s exec with NULL argv */
		return 0;
	shield_inherited_fds();
	long iters = argc > 1 ? atol(argv[1]) : 20000;
	if (argc > 2)
		rng = (uint64_t)atoll(argv[2]) | 1;
	unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(unmapped, 4096);
	char *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(two, 'A', 4096);
	mprotect(two + 4096, 4096, PROT_NONE);
	edge = two;
	paths[0] = "/tmp/storm";
	paths[1] = "/tmp";
	paths[2] = "..";
	paths[3] = "";
	/* The other filesystems the suite's sandbox has: proc (magic links
	 * included), devpts and an overlay. */
	paths[4] = "/proc/self/fd/0";
	paths[5] = "/proc/self/status";
	paths[6] = "/dev/ptmx";
	paths[7] = "/dev/pts";
	paths[8] = "/ov/meson.build";
	paths[9] = "/ov";
	if (mkdir("/tmp/storm", 0755) < 0 && errno != EEXIST)
		return 10;

	int nrs[512], n = 0;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if ((!strcmp(table[i].cls, "NOTIFY") || !strcmp(table[i].cls, "TRACE") ||
		     !strcmp(table[i].cls, "IPCNS")) &&
		    strcmp(table[i].handler, "NULL") != 0 && !skipped(table[i].nr))
			nrs[n++] = table[i].nr;
	uid_t uid = (uid_t)syscall(SYS_getuid);
	for (long i = 0; i < iters; i++) {
		int nr = nrs[next() % (uint64_t)n];
		/* Keep the ids: a random setuid would only make later calls
		 * fail alike. Keep stdio: a random dup is not this test. Keep
		 * the root: a chroot to one of the storm's paths would hide
		 * the program its last checks run again. */
		if (nr == SYS_setuid || nr == SYS_setresuid || nr == SYS_setreuid ||
		    nr == SYS_setfsuid || nr == SYS_setgid || nr == SYS_setresgid ||
		    nr == SYS_setregid || nr == SYS_setfsgid || nr == SYS_setgroups ||
		    nr == SYS_capset || nr == SYS_chroot)
			continue;
		uint64_t a[6];
		for (int k = 0; k < 6; k++)
			a[k] = hostile();
		/* Locks never wait here: a pipe's two ends are two open files
		 * of one inode, so a lock could wait for the storm itself. A
		 * fcntl is trapped for its OFD-lock commands only: those, with
		 * random upper bits the kernel ignores. */
		if (nr == SYS_flock)
			a[1] |= LOCK_NB;
		/* mount(2) and umount2(2) would change the tree the storm and
		 * its last checks walk: a flag bit the sentry refuses (EINVAL)
		 * after mount has read its hostile strings. */
		if (nr == SYS_mount)
			a[3] |= 1ul << 31;
		if (nr == SYS_umount2)
			a[1] |= 1ul << 4;
		if (nr == SYS_fcntl)
			a[1] = (next() % 2 ? next() << 32 : 0) | F_OFD_SETLK;
		/* Nor do opens: a FIFO's open waits for a partner (a random
		 * creat of a FIFO the storm made would wait forever, natively
		 * too), so the storm makes none. */
		if (nr == SYS_mknod && (a[1] & S_IFMT) == S_IFIFO)
			a[1] &= ~(uint64_t)S_IFMT;
		if (nr == SYS_mknodat && (a[2] & S_IFMT) == S_IFIFO)
			a[2] &= ~(uint64_t)S_IFMT;

		/* A signal can name the storm itself (pid 0 is its group), and
		 * a SIGILL or SIGSTOP ends or stops it: signal 0 goes through
		 * the same pid checks and sends nothing. (A new entry in the
		 * table shifts the random sequence onto kill(0, SIGILL).) */
		if (nr == SYS_kill || nr == SYS_tkill || nr == SYS_rt_sigqueueinfo ||
		    nr == 424 /* pidfd_send_signal */)
			a[1] = 0;
		if (nr == SYS_tgkill || nr == SYS_rt_tgsigqueueinfo)
			a[2] = 0;
		long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		/* an fd we got by chance: do not let them pile up */
		if (r > 2 && (nr == SYS_open || nr == SYS_openat || nr == SYS_openat2 ||
			      nr == SYS_creat))
			close((int)r);
	}
	int d = directed();
	if (d)
		return d;
	socket_storm(iters / 2);
	/* inotify_add_watch on a real instance: hostile paths and masks. */
	int in = (int)syscall(SYS_inotify_init1, 0);
	for (long i = 0; i < iters / 10; i++) {
		uint64_t mask = next() % 2 ? next() & 0xfff : hostile();
		if (syscall(SYS_inotify_add_watch, next() % 4 ? in : (int)hostile(), hostile(), mask) > 0 &&
		    next() % 2)
			syscall(SYS_inotify_rm_watch, in, 1);
	}
	close(in);
	/* Still served, still right. */
	if ((uid_t)syscall(SYS_getuid) != uid)
		return 11;
	if (chdir("/tmp") < 0 || access("/tmp", F_OK) < 0)
		return 12;
	dprintf(SAFE_STDOUT, "storm: %ld calls over %d syscalls, %ld socket calls\n", iters, n,
		iters / 2);
	return 0;
}
