/* The xattr family: path (l-) variants through the VFS; f- variants on a
 * file the sentry handed over through the VFS too, on the program's own
 * fds directly on the sentry's copy of the fd. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "sentry/kernel/host_act.h"
#include "sentry/sys/sys.h"
#include "sentry/sys/sys_args.h"
#include "vfs/vfs.h"

#define XATTR_NAME_MAX_ 255
#define XATTR_SIZE_MAX_ 65536
#define XATTR_LIST_MAX_ 65536

enum xop { X_GET, X_SET, X_LIST, X_REMOVE };

/* Where the call points: a path (flags 0 or AT_SYMLINK_NOFOLLOW), or an fd. */
struct xtarget {
	bool by_fd; /* fd, else path and flags */
	int fd;
	char path[PATH_MAX];
	int flags;
};

static long xattr_call(struct sentry *s, struct platform_call *call, const struct xtarget *t,
		       enum xop op)
{
	struct vfs_ctx *c = sentry_task_vfs(sentry_task_find(s, call->tid));
	if (!c)
		return -ENOSYS;
	/* args: target, then name (not for list), then value/list, size, flags */
	unsigned a = 1;
	char name[XATTR_NAME_MAX_ + 1] = "";
	if (op != X_LIST) {
		ssize_t n = call->ops->read_str(call, name, call->args[a++], sizeof(name));
		if (n == -ENAMETOOLONG)
			return -ERANGE;
		if (n < 0)
			return n;
		if (n == 0)
			return -ERANGE;
	}
	uint64_t buf_addr = call->args[a];
	size_t size = call->args[a + 1];
	int xflags = (int)call->args[a + 2];
	_cleanup_free_ char *buf = NULL;
	if (op == X_SET && size > XATTR_SIZE_MAX_)
		return -E2BIG;
	size_t cap = op == X_LIST ? XATTR_LIST_MAX_ : XATTR_SIZE_MAX_;
	if (op != X_REMOVE) {
		if (size > cap)
			size = cap;
		buf = malloc(size ? size : 1);
		if (!buf)
			return -ENOMEM;
		if (op == X_SET && size) {
			int r = call->ops->read_mem(call, buf, buf_addr, size);
			if (r < 0)
				return r;
		}
	}

	struct vfs_file *file = NULL;
	struct sys_fd ref = {.host_fd = -1, .borrowed = true};
	int host = -1;
	const char *path = t->path;
	int flags = t->flags;
	if (t->by_fd) {
		/* What every fd handler asks: a VFS file, or the program's own
		 * (never a lost VFS file, nor a directory from outside). */
		int r = sys_resolve_fd(s, call, t->fd, &ref);
		if (r < 0)
			return r;
		/* The f*xattr calls take a real open (fdget): not O_PATH. */
		int how = sys_fd_how(&ref);
		if (how < 0 || (how & O_PATH)) {
			sys_fd_put(&ref);
			return how < 0 ? how : -EBADF;
		}
		host = ref.host_fd;
		if (ref.kind == SYS_FD_VFS)
			file = ref.file;
		path = "";
		flags = AT_EMPTY_PATH;
	}
	long r;
	if (t->by_fd && !file) {
		/* the program's own fd: the kernel's answer on the same file,
		 * with no privilege the program lacks */
		struct host_privs hp;
		host_act_begin(&hp);
		switch (op) {
		case X_GET: r = fgetxattr(host, name, buf, size); break;
		case X_SET: r = fsetxattr(host, name, buf, size, xflags); break;
		case X_LIST: r = flistxattr(host, buf, size); break;
		case X_REMOVE: r = fremovexattr(host, name); break;
		default: r = -1; errno = EINVAL; break;
		}
		r = r < 0 ? -errno : r;
		host_act_end(&hp);
	} else {
		switch (op) {
		case X_GET: r = vfs_getxattrat(c, file, path, flags, name, buf, size); break;
		case X_SET: r = vfs_setxattrat(c, file, path, flags, name, buf, size, xflags); break;
		case X_LIST: r = vfs_listxattrat(c, file, path, flags, buf, size); break;
		case X_REMOVE: r = vfs_removexattrat(c, file, path, flags, name); break;
		default: r = -EINVAL; break;
		}
	}
	sys_fd_put(&ref);
	if (r > 0 && (op == X_GET || op == X_LIST) && size) {
		int w = call->ops->write_mem(call, buf_addr, buf, (size_t)r);
		if (w < 0)
			return w;
	}
	return r;
}

static long by_path(struct sentry *s, struct platform_call *call, enum xop op, int flags)
{
	struct xtarget t = {.flags = flags};
	if (call->args[0] == 0)
		return -EFAULT;
	ssize_t n = call->ops->read_str(call, t.path, call->args[0], sizeof(t.path));
	if (n < 0)
		return n;
	return xattr_call(s, call, &t, op);
}

static long by_fd(struct sentry *s, struct platform_call *call, enum xop op)
{
	/* Any number, -1 too: EBADF is sys_resolve_fd's to say. */
	struct xtarget t = {.by_fd = true, .fd = (int)call->args[0]};
	return xattr_call(s, call, &t, op);
}

SYS_HANDLER(getxattr) { return by_path(s, call, X_GET, 0); }
SYS_HANDLER(lgetxattr) { return by_path(s, call, X_GET, AT_SYMLINK_NOFOLLOW); }
SYS_HANDLER(fgetxattr) { return by_fd(s, call, X_GET); }
SYS_HANDLER(setxattr) { return by_path(s, call, X_SET, 0); }
SYS_HANDLER(lsetxattr) { return by_path(s, call, X_SET, AT_SYMLINK_NOFOLLOW); }
SYS_HANDLER(fsetxattr) { return by_fd(s, call, X_SET); }
SYS_HANDLER(listxattr) { return by_path(s, call, X_LIST, 0); }
SYS_HANDLER(llistxattr) { return by_path(s, call, X_LIST, AT_SYMLINK_NOFOLLOW); }
SYS_HANDLER(flistxattr) { return by_fd(s, call, X_LIST); }
SYS_HANDLER(removexattr) { return by_path(s, call, X_REMOVE, 0); }
SYS_HANDLER(lremovexattr) { return by_path(s, call, X_REMOVE, AT_SYMLINK_NOFOLLOW); }
SYS_HANDLER(fremovexattr) { return by_fd(s, call, X_REMOVE); }
