/* inotify_add_watch: the path is resolved in the VFS as the task sees it,
 * and the watch is added, on the sentry's copy of the program's inotify
 * instance (the same instance: the program reads its events natively), to
 * the real object behind it:
 *
 *   hostfs (any kind)   the host object, through /proc/self/fd/N of the
 *                       O_PATH fd the VFS holds on it: every event is the
 *                       kernel's own (a create the sentry makes on the
 *                       program's behalf is a real create)
 *   tmpfs regular file  its data file, which the program's fds share: IN_ACCESS,
 *                       IN_MODIFY, IN_OPEN and IN_CLOSE_* come; IN_ATTRIB
 *                       and IN_MOVE_SELF never do (chmod and rename happen
 *                       in the VFS only), IN_DELETE_SELF and IN_IGNORED
 *                       come when the file's inode is gone from the VFS
 *                       (its data file removed), which for a file the
 *                       program had open is the next sweep of the fd map
 *                       after the last close, not the unlink. The watch
 *                       is the kernel's, on a named file: the sentry keeps
 *                       no fd for it, so watches cost it none
 *   anything else       (tmpfs directories, whose entries exist only in the
 *                       VFS; tmpfs symlinks and special files) nothing could
 *                       deliver the events: EOPNOTSUPP rather than a watch
 *                       that stays silent, and likewise a tmpfs file watched
 *                       for none of the events its data file delivers, or
 *                       an object that would die with the sentry's fd on
 *                       it (no name: a /proc file's snapshot).
 *
 * The kernel's order of checks: the mask, the instance (EBADF, EINVAL),
 * then the walk (IN_DONT_FOLLOW, IN_ONLYDIR) and read permission on the
 * inode. IN_MASK_ADD and IN_MASK_CREATE act on the real object's watch,
 * which is the one the kernel compares. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/closer.h"
#include "sentry/kernel/host_act.h"
#include "sentry/sys/sys.h"
#include "sentry/sys/sys_args.h"
#include "vfs/vfs.h"

#ifndef IN_MASK_CREATE
#define IN_MASK_CREATE 0x10000000
#endif

/* fs/notify/inotify: every bit the call accepts. */
#define ALL_INOTIFY_BITS                                                                   \
	(IN_ALL_EVENTS | IN_UNMOUNT | IN_Q_OVERFLOW | IN_IGNORED | IN_ONLYDIR |            \
	 IN_DONT_FOLLOW | IN_EXCL_UNLINK | IN_MASK_ADD | IN_MASK_CREATE | IN_ISDIR |       \
	 IN_ONESHOT)
/* What a tmpfs file's data file can report. */
#define DATA_EVENTS (IN_ACCESS | IN_MODIFY | IN_OPEN | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE)

static bool is_inotify(int host)
{
	char p[64], target[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", host);
	ssize_t n = readlink(p, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return strcmp(target, "anon_inode:inotify") == 0;
}

/* The watch on the real object `obj` (an fd of the sentry's). */
static long add_watch(int instance, int obj, uint32_t mask)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", obj);
	struct host_privs hp;
	host_act_begin(&hp);
	/* The magic link must be followed to reach the object; the program's
	 * IN_DONT_FOLLOW was for its own path, already walked. */
	long r = inotify_add_watch(instance, p, mask & ~(uint32_t)IN_DONT_FOLLOW);
	r = r < 0 ? -errno : r;
	host_act_end(&hp);
	return r;
}

SYS_HANDLER(inotify_add_watch)
{
	uint32_t mask = (uint32_t)call->args[2];
	if (!(mask & ALL_INOTIFY_BITS))
		return -EINVAL;
	if ((mask & IN_MASK_ADD) && (mask & IN_MASK_CREATE))
		return -EINVAL;
	_cleanup_copy_ int instance = call->ops->copy_fd(call, (int)call->args[0]);
	if (instance < 0)
		return instance;
	if (!is_inotify(instance))
		return -EINVAL;
	struct vfs_ctx *c = sys_ctx(s, call);
	NEED_VFS(c);
	char path[PATH_MAX];
	int n = sys_read_path(call, call->args[1], path);
	if (n < 0)
		return n;

	int flags = O_PATH | (mask & IN_DONT_FOLLOW ? O_NOFOLLOW : 0) |
		    (mask & IN_ONLYDIR ? O_DIRECTORY : 0);
	struct vfs_file *f;
	int r = vfs_openat(c, NULL, path, flags, 0, &f);
	if (r < 0)
		return r;
	/* inotify needs read permission on the inode (MAY_READ). */
	r = vfs_faccessat2(c, NULL, path, R_OK,
			   AT_EACCESS | (mask & IN_DONT_FOLLOW ? AT_SYMLINK_NOFOLLOW : 0));
	long ret = r;
	if (r < 0)
		goto out_put;
	int obj = vfs_file_host_object(f);
	if (obj >= 0) {
		ret = call->ops->valid(call) ? add_watch(instance, obj, mask) : -ENOENT;
		goto out_put;
	}
	struct stat st;
	r = vfs_fstatat(c, NULL, path, &st, mask & IN_DONT_FOLLOW ? AT_SYMLINK_NOFOLLOW : 0);
	if (r < 0 || !S_ISREG(st.st_mode) || !(mask & DATA_EVENTS)) {
		ret = r < 0 ? r : -EOPNOTSUPP;
		goto out_put;
	}
	/* A tmpfs file: its data file, through a file opened for reading
	 * (which the permission above allows), then held as O_PATH: that
	 * file's close comes before the watch (the new watch's first event
	 * was that close's IN_CLOSE_NOWRITE: LTP inotify01, inotify05), and
	 * an O_PATH file's makes none. The watch outlives both fds: the
	 * kernel keeps it on the inode, which its name keeps. */
	struct vfs_file *rf;
	ret = vfs_openat(c, NULL, path, O_RDONLY | O_NONBLOCK | (flags & O_NOFOLLOW), 0, &rf);
	if (ret < 0)
		goto out_put;
	int data = vfs_file_host_fd(rf);
	struct stat dst;
	ret = data < 0 || fstat(data, &dst) < 0 || dst.st_nlink == 0 ? -EOPNOTSUPP : 0;
	int held = -1;
	if (ret == 0) {
		char p[64];
		snprintf(p, sizeof(p), "/proc/self/fd/%d", data);
		held = open(p, O_PATH | O_CLOEXEC);
		ret = held < 0 ? -errno : 0;
	}
	vfs_file_put(rf);
	if (ret == 0)
		ret = call->ops->valid(call) ? add_watch(instance, held, mask) : -ENOENT;
	if (held >= 0)
		close(held);
out_put:
	vfs_file_put(f);
	return ret;
}
