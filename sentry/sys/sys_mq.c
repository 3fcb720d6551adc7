/* POSIX message queues: mq_open and mq_unlink under --unshare-ipc
 * (sentry/kernel/mqns.h), refused (EPERM) without it so that the host's
 * queues stay out of reach. The calls on an mqd run natively. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sentry/kernel/mqns.h"
#include "sentry/sys/sys.h"

/* The name, read once (the kernel's getname: PATH_MAX at most). */
static int read_name(struct platform_call *call, char *name)
{
	ssize_t n = call->ops->read_str(call, name, call->args[0], PATH_MAX);
	return n < 0 ? (int)n : 0;
}

SYS_HANDLER(mq_open)
{
	struct sentry_task *t = sentry_task_find(s, call->tid);
	if (!t)
		return -ESRCH;
	int oflag = (int)call->args[1];
	struct mq_attr attr, *ap = NULL;
	/* in the kernel's order: the attributes, then the name */
	if (call->args[3]) {
		int r = call->ops->read_mem(call, &attr, call->args[3], sizeof(attr));
		if (r < 0)
			return r;
		ap = &attr;
	}
	char name[PATH_MAX];
	int r = read_name(call, name);
	if (r < 0)
		return r;
	struct vfs_ctx *c = sentry_task_vfs(t);
	mode_t umask = c ? c->umask : 022;
	int fd = mqns_open(s->mq, name, oflag, (mode_t)call->args[2], ap, &t->creds, umask);
	if (fd < 0)
		return fd;
	struct platform_fd pf = {.fd = fd, .borrowed = true, .how = oflag & O_ACCMODE};
	r = fstat(fd, &pf.st) < 0 ? -errno : call->ops->reply_fd(call, &pf, oflag & O_CLOEXEC);
	close(fd);
	/* ENOENT: the tracee died meanwhile; nobody to answer. */
	return r >= 0 || r == -ENOENT ? SYS_REPLIED : r;
}

SYS_HANDLER(mq_unlink)
{
	struct sentry_task *t = sentry_task_find(s, call->tid);
	if (!t)
		return -ESRCH;
	char name[PATH_MAX];
	int r = read_name(call, name);
	return r < 0 ? r : mqns_unlink(s->mq, name, &t->creds);
}
