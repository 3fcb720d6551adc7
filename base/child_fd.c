#include "base/child_fd.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

union fd_ctl {
	char b[CMSG_SPACE(sizeof(int))];
	struct cmsghdr align;
};

int child_fd_send(int sock, int fd)
{
	int err = fd < 0 ? -fd : 0;
	union fd_ctl ctl;
	memset(&ctl, 0, sizeof(ctl));
	struct iovec iov = {.iov_base = &err, .iov_len = sizeof(err)};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	if (fd >= 0) {
		m.msg_control = ctl.b;
		m.msg_controllen = sizeof(ctl.b);
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(fd));
	}
	ssize_t n;
	do
		n = sendmsg(sock, &m, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

int child_fd_recv(int sock)
{
	int err = EIO;
	union fd_ctl ctl;
	struct iovec iov = {.iov_base = &err, .iov_len = sizeof(err)};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
			   .msg_controllen = sizeof(ctl.b)};
	ssize_t n;
	do
		n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	struct cmsghdr *c = n == (ssize_t)sizeof(err) ? CMSG_FIRSTHDR(&m) : NULL;
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
		int fd;
		memcpy(&fd, CMSG_DATA(c), sizeof(fd));
		return fd;
	}
	return n == (ssize_t)sizeof(err) && err ? -err : -EIO;
}

static void __attribute__((noreturn)) child(int report, pid_t parent, int (*fn)(void *),
					    void *arg)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	_exit(child_fd_send(report, fn(arg)) < 0);
}

int child_fd(int (*fn)(void *arg), void *arg)
{
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return -errno;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(sp[0]);
		close(sp[1]);
		return -e;
	}
	if (pid == 0) {
		close(sp[0]);
		child(sp[1], parent, fn, arg);
	}
	close(sp[1]);
	int fd = child_fd_recv(sp[0]);
	close(sp[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return fd;
}
