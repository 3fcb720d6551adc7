#include "sentry/sized_tmpfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, s, strlen(s));
	int e = errno;
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -(n < 0 ? e : EIO);
}

/* In the child: root of a user namespace of its own (the caller's ids
 * mapped to 0), a tmpfs made and mounted detached. Returns the mount fd
 * or -errno. */
static int make_mount(uint64_t size, uid_t uid, gid_t gid)
{
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return -errno;
	char map[64];
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	int r = write_file("/proc/self/setgroups", "deny");
	if (r == 0)
		r = write_file("/proc/self/uid_map", map);
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	if (r == 0)
		r = write_file("/proc/self/gid_map", map);
	if (r < 0)
		return r;
	int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	char bytes[32];
	snprintf(bytes, sizeof(bytes), "%llu", (unsigned long long)size);
	int m = -1;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", bytes, 0) == 0 &&
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "0700", 0) == 0 &&
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
		/* Not noexec: the program runs what it builds there, by fd. */
		m = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
				 MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	r = m < 0 ? -errno : m;
	close(fs);
	return r;
}

int sized_tmpfs_open(uint64_t size)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	uid_t uid = getuid();
	gid_t gid = getgid();
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		int e = -errno;
		close(sv[0]);
		close(sv[1]);
		return e;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		close(sv[0]);
		int m = make_mount(size, uid, gid);
		int err = m < 0 ? -m : 0;
		char cbuf[CMSG_SPACE(sizeof(int))];
		memset(cbuf, 0, sizeof(cbuf));
		struct iovec iov = {.iov_base = &err, .iov_len = sizeof(err)};
		struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
		if (m >= 0) {
			msg.msg_control = cbuf;
			msg.msg_controllen = sizeof(cbuf);
			struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(c), &m, sizeof(int));
		}
		_exit(sendmsg(sv[1], &msg, 0) < 0);
	}
	close(sv[1]);
	int err = EIO, fd = -1;
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = &err, .iov_len = sizeof(err)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf)};
	ssize_t n = recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC);
	close(sv[0]);
	waitpid(pid, NULL, 0);
	struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	if (fd >= 0)
		return fd;
	return n == (ssize_t)sizeof(err) && err ? -err : -EIO;
}
