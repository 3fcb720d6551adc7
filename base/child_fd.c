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

static void __attribute__((noreturn)) child(int report, pid_t parent, int (*fn)(void *),
					    void *arg)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	int r = fn(arg);
	int err = r < 0 ? -r : 0;
	union fd_ctl ctl;
	struct iovec iov = {.iov_base = &err, .iov_len = sizeof(err)};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	if (r >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.b;
		m.msg_controllen = sizeof(ctl.b);
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &r, sizeof(r));
	}
	_exit(sendmsg(report, &m, 0) < 0);
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
	int err = EIO;
	union fd_ctl ctl;
	struct iovec iov = {.iov_base = &err, .iov_len = sizeof(err)};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
			   .msg_controllen = sizeof(ctl.b)};
	ssize_t n;
	do
		n = recvmsg(sp[0], &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	close(sp[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	struct cmsghdr *c = n == (ssize_t)sizeof(err) ? CMSG_FIRSTHDR(&m) : NULL;
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
		int fd;
		memcpy(&fd, CMSG_DATA(c), sizeof(fd));
		return fd;
	}
	return n == (ssize_t)sizeof(err) && err ? -err : -EIO;
}
