#include "sentry/dev/sized_tmpfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/child_fd.h"

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

struct mount_args {
	uint64_t size;
	uid_t uid;
	gid_t gid;
};

static int make_mount_in_child(void *arg)
{
	const struct mount_args *a = arg;
	return make_mount(a->size, a->uid, a->gid);
}

int sized_tmpfs_open(uint64_t size)
{
	struct mount_args a = {.size = size, .uid = getuid(), .gid = getgid()};
	return child_fd(make_mount_in_child, &a);
}
