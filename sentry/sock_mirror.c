#include "sentry/sock_mirror.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* mkdir -p of every directory above the last component of `p`. */
static void make_parents(const char *p)
{
	char buf[PATH_MAX * 2];
	snprintf(buf, sizeof(buf), "%s", p);
	for (char *s = buf + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(buf, 0700);
		*s = '/';
	}
}

static void __attribute__((noreturn)) helper(int host, const char *root, const char *cwd,
					     const char *path, int report, pid_t parent)
{
	int err = 0, fd = -1;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	if (chroot(root) < 0 && (unshare(CLONE_NEWUSER) < 0 || chroot(root) < 0)) {
		err = EPERM;
		goto out;
	}
	char full[PATH_MAX * 2];
	if (path[0] == '/') {
		snprintf(full, sizeof(full), "%s", path);
	} else {
		snprintf(full, sizeof(full), "%s/x", cwd);
		make_parents(full);
		if (chdir(cwd) < 0) {
			err = errno;
			goto out;
		}
		snprintf(full, sizeof(full), "%s", path);
	}
	make_parents(full);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	memcpy(sa.sun_path, path, strlen(path));
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
	if (bind(host, (struct sockaddr *)&sa, len) < 0) {
		err = errno;
		goto out;
	}
	fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		err = errno;
out:;
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = &err, .iov_len = sizeof(err)};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	if (fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.b;
		m.msg_controllen = sizeof(ctl.b);
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(fd));
	}
	_exit(sendmsg(report, &m, 0) < 0);
}

int sock_mirror_bind(int host, const char *root, const char *cwd, const char *path)
{
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sp) < 0)
		return -errno;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(sp[0]);
		close(sp[1]);
		return -e;
	}
	if (pid == 0)
		helper(host, root, cwd, path, sp[1], parent);
	close(sp[1]);
	/* The helper only makes directories and binds: it answers at once. */
	int err = EPERM;
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
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
	if (n != sizeof(err))
		return -EPERM;
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	if (err == 0 && c && c->cmsg_type == SCM_RIGHTS) {
		int fd;
		memcpy(&fd, CMSG_DATA(c), sizeof(fd));
		return fd;
	}
	return -(err ? err : EPERM);
}
