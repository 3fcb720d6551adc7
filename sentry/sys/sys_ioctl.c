/* The ioctls that change an inode through any open file on it.
 *
 * ioctl runs natively (a terminal's, a socket's, a device's commands are
 * the program's own business), but a few commands write to the file's
 * inode with nothing more than an O_RDONLY fd: the kernel asks only that
 * the mount be writable and the caller own the file. Under the emulate
 * backend the program's fd on a hostfs file is the host's file itself,
 * and a read-only bind is read-only in the VFS, not on the host: `chattr
 * +d` on a file under --ro-bind changed the host file's flags. The filter
 * traps those commands (the low 32 bits, the kernel's unsigned int); the
 * sentry asks the VFS what the kernel asks (EROFS, EPERM), then makes the
 * change on the program's own open file, with no more privilege than the
 * program has (host_act.h), or on the host object when the program holds
 * a shadow (a directory). The flags read from the program's memory are
 * copied once, before anything is decided. Where the VFS keeps an inode's
 * flags (tmpfs: it enforces append-only and immutable, docs/vfs.md),
 * GETFLAGS and SETFLAGS are the VFS's.
 *
 * Commands that need more than a flag word (fs-verity's enable, which
 * reads salt and signature buffers; btrfs's defrag; dedupe, whose
 * destinations are more fds) are refused with EOPNOTSUPP on writable
 * files, EROFS on read-only ones.
 *
 * FIOSETOWN and SIOCSPGRP are trapped here too, for another reason: they
 * are fcntl's F_SETOWN by another name, and name a process
 * (sentry/sys/sys_procs.c).
 *
 * What this list cannot be is complete: a filesystem's own ioctl that
 * changes an inode through a read-only fd and is not named here still
 * reaches the host (docs/sentry.md, "The filter"). */
#include "sentry/sys/sys_ioctl.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/proc_fd.h"
#include "sentry/kernel/host_act.h"
#include "sentry/kernel/shadow.h"
#include "sentry/net/inet.h"
#include "sentry/sys/sys.h"
#include "sentry/sys/sys_args.h"
#include "sentry/sys/sys_procs.h"

enum ioctl_kind {
	IOC_GET,    /* reads the flags: an int out */
	IOC_SET,    /* changes the inode: `size` bytes in */
	IOC_REFUSE, /* changes the inode in ways not served here */
	IOC_OWNER,  /* names the process or group that gets SIGIO: an int in
		     * (sentry/sys/sys_procs.c) */
};

struct ioctl_trap {
	uint32_t cmd;
	enum ioctl_kind kind;
	uint32_t size; /* bytes the kernel copies in or out */
	const char *name;
	bool fsflags; /* the FS_*_FL word of GETFLAGS/SETFLAGS */
};

/* Numbers spelled out: the build host's linux/fs.h may lack some. */
static const struct ioctl_trap traps[] = {
	{0x80086601, IOC_GET, 4, "FS_IOC_GETFLAGS", true},
	{0x80046601, IOC_GET, 4, "FS_IOC32_GETFLAGS", true},
	{0x40086602, IOC_SET, 4, "FS_IOC_SETFLAGS", true}, /* the kernel reads an int */
	{0x40046602, IOC_SET, 4, "FS_IOC32_SETFLAGS", true},
	{0x40087602, IOC_SET, 4, "FS_IOC_SETVERSION", false},
	{0x40047602, IOC_SET, 4, "FS_IOC32_SETVERSION", false},
	{0x40086604, IOC_SET, 4, "EXT4_IOC_SETVERSION", false},
	{0x40046604, IOC_SET, 4, "EXT4_IOC32_SETVERSION", false},
	{0x401c5820, IOC_SET, 28, "FS_IOC_FSSETXATTR", false},
	{0x00006609, IOC_SET, 0, "EXT4_IOC_MIGRATE", false},
	{0x0000660c, IOC_SET, 0, "EXT4_IOC_ALLOC_DA_BLKS", false},
	{0x40806685, IOC_REFUSE, 0, "FS_IOC_ENABLE_VERITY", false},
	{0x50009402, IOC_REFUSE, 0, "BTRFS_IOC_DEFRAG", false},
	{0x40309410, IOC_REFUSE, 0, "BTRFS_IOC_DEFRAG_RANGE", false},
	{0xc0189436, IOC_REFUSE, 0, "FIDEDUPERANGE", false},
	{0x00008901, IOC_OWNER, 4, "FIOSETOWN", false},
	{0x00008902, IOC_OWNER, 4, "SIOCSPGRP", false},
};

size_t sys_ioctl_trapped(const uint32_t **cmds)
{
	static uint32_t list[sizeof(traps) / sizeof(traps[0])];
	for (size_t i = 0; i < sizeof(traps) / sizeof(traps[0]); i++)
		list[i] = traps[i].cmd;
	*cmds = list;
	return sizeof(traps) / sizeof(traps[0]);
}

static const struct ioctl_trap *find_trap(uint32_t cmd)
{
	for (size_t i = 0; i < sizeof(traps) / sizeof(traps[0]); i++)
		if (traps[i].cmd == cmd)
			return &traps[i];
	return NULL;
}

/* The host object behind a shadow, opened for reading so an ioctl takes
 * it (the VFS keeps it as O_PATH). -EOPNOTSUPP when there is none
 * (tmpfs keeps no flags of its own). */
static int open_host_object(struct vfs_file *f)
{
	int obj = vfs_file_host_object(f);
	if (obj < 0)
		return obj;
	int flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
	if (S_ISDIR(vfs_file_type(f)))
		flags |= O_DIRECTORY;
	return proc_fd_reopen(obj, flags);
}

/* FS_IOC_GETFLAGS/SETFLAGS on a directory whose flags the VFS keeps;
 * a directory with none (an overlay's) reads as no flags and takes none. */
static int flags_in_vfs(struct vfs_ctx *c, struct vfs_file *f, const struct ioctl_trap *t,
		     unsigned char *arg)
{
	bool get = t->kind == IOC_GET;
	if (!t->fsflags)
		return -EOPNOTSUPP;
	unsigned v = 0;
	if (get) {
		int r = vfs_file_get_fsflags(f, &v);
		if (r < 0 && r != -EOPNOTSUPP)
			return r;
		memcpy(arg, &v, sizeof(v));
		return 0;
	}
	memcpy(&v, arg, sizeof(v));
	return vfs_file_set_fsflags(c, f, v);
}

SYS_HANDLER(ioctl)
{
	uint32_t cmd = (uint32_t)call->args[1];
	if (inet_enabled(s) && cmd >= INET_IOCTL_FIRST && cmd <= INET_IOCTL_LAST)
		return inet_ioctl(s, call); /* --unshare-net: the interfaces are lo */
	const struct ioctl_trap *t = find_trap((uint32_t)call->args[1]);
	if (!t)
		return -ENOSYS; /* the filter traps the listed commands only */
	if (t->kind == IOC_OWNER)
		return sys_procs_setown(s, call);
	struct vfs_ctx *c = sys_ctx(s, call);
	struct sys_fd ref;
	int r = sys_resolve_fd(s, call, (int)call->args[0], &ref);
	if (r < 0)
		return r;
	unsigned char arg[32] = {0};
	int target = ref.host_fd, opened = -1;
	if (t->kind == IOC_SET && t->size) {
		r = call->ops->read_mem(call, arg, call->args[2], t->size);
		if (r < 0)
			goto out;
	}
	if (ref.kind == SYS_FD_VFS) { /* c is set: sys_resolve_fd says so */
		if (t->kind != IOC_GET) {
			r = vfs_file_may_set_flags(c, ref.file);
			if (r < 0)
				goto out;
		}
		bool shadow = shadow_is(s->shadows, &ref.st);
		if (shadow && !S_ISDIR(vfs_file_type(ref.file))) {
			r = -EBADF; /* only an O_PATH open of a file gets a shadow */
			goto out;
		}
		if (t->fsflags && vfs_file_keeps_fsflags(ref.file)) {
			/* A tmpfs file's: append-only and immutable are the
			 * VFS's to enforce, so the VFS keeps them. */
			r = flags_in_vfs(c, ref.file, t, arg);
			goto reply;
		}
		if (shadow) {
			opened = open_host_object(ref.file);
			if (opened == -EOPNOTSUPP) {
				/* No host object: flags the VFS keeps (tmpfs) or none. */
				r = flags_in_vfs(c, ref.file, t, arg);
				goto reply;
			}
			if (opened < 0) {
				log_debug("ioctl %s on a directory without a host object: %s", t->name,
					  strerror(-opened));
				r = opened;
				goto out;
			}
			target = opened;
		}
	}
	if (t->kind == IOC_REFUSE) {
		log_debug("ioctl %s: not supported by the emulate backend", t->name);
		r = -EOPNOTSUPP;
		goto out;
	}
	struct host_privs hp;
	host_act_begin(&hp);
	r = ioctl(target, (unsigned long)t->cmd, t->size ? (void *)arg : NULL);
	r = r < 0 ? -errno : r;
	host_act_end(&hp);
reply:
	if (r >= 0 && t->kind == IOC_GET) {
		int w = call->ops->write_mem(call, call->args[2], arg, t->size);
		if (w < 0)
			r = w;
	}
out:
	if (opened >= 0)
		close(opened);
	sys_fd_put(&ref);
	return r;
}
