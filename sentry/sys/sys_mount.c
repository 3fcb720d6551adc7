/* mount(2) and umount2(2) inside the sandbox (issue 12): the sandbox's
 * mount namespace is the sentry's VFS mount tree, shared by all its tasks
 * as one mount namespace is, so a program that holds CAP_SYS_ADMIN there
 * (root in the sandbox; --cap-add CAP_SYS_ADMIN) mounts a tmpfs or a proc,
 * binds (recursively too), remounts, moves and unmounts within it, and
 * nothing reaches the host's mount table. Without the capability: EPERM,
 * as the deny list says for every backend.
 *
 * In path_mount()'s order: MS_REMOUNT (per mount: its flags; a
 * filesystem's own options cannot change: EINVAL), MS_BIND (the new mount
 * takes its source mount's flags, as the kernel's clone does; MS_REC
 * copies the mounts below), a propagation change (MS_SHARED, MS_PRIVATE,
 * MS_SLAVE, MS_UNBINDABLE: the target must be a mount's root, and nothing
 * else changes, as the sandbox's mounts have no peers), MS_MOVE, else a
 * new instance (tmpfs, proc; any other type ENODEV). umount2 detaches
 * (every umount is MNT_DETACH's: a busy mount is not EBUSY). */
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/mount.h>

#include "base/log.h"
#include "sentry/kernel/mntns.h"
#include "sentry/kernel/vfs_setup.h"
#include "sentry/sys/sys.h"
#include "sentry/sys/sys_args.h"

#define PROPAGATION (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)
/* What changes nothing here, taken as given: the kernel's defaults, or
 * behaviour of a block device's filesystem. */
#define IGNORED (MS_SILENT | MS_STRICTATIME | MS_LAZYTIME | MS_SYNCHRONOUS | MS_DIRSYNC | \
		 MS_MANDLOCK | MS_I_VERSION)
#define KNOWN (VFS_MNT_FLAGS | IGNORED | PROPAGATION | MS_REMOUNT | MS_BIND | MS_REC | MS_MOVE)

/* A string argument, read once: "" for NULL. */
static int read_arg(struct platform_call *call, uint64_t addr, char *buf, size_t size)
{
	buf[0] = '\0';
	if (!addr)
		return 0;
	ssize_t n = call->ops->read_str(call, buf, addr, size);
	return n < 0 ? (int)n : 0;
}

/* Whether the host's kernel has `type` as a filesystem on a block device
 * (a line of /proc/filesystems without "nodev"). */
static bool block_fs(const char *type)
{
	FILE *f = fopen("/proc/filesystems", "re");
	char line[128];
	bool found = false;
	while (f && !found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		found = line[0] == '\t' && strcmp(line + 1, type) == 0;
	}
	if (f)
		fclose(f);
	return found;
}

/* A tenth of the kernel's default /proc/sys/fs/mount-max: a sandbox
 * cannot grow the sentry's mount table without bound (ENOSPC, as the
 * kernel), and the VFS's walks of a mount tree (a recursive bind's copy,
 * a detach) recurse once per level of mounts stacked on mounts. */
#define MOUNT_MAX 10000

static bool too_many_mounts(void)
{
	struct vfs_stats st;
	vfs_get_stats(&st);
	return st.mounts > MOUNT_MAX;
}

/* Bytes of tmpfs options, at most a page as copy_mount_options() takes. */
#define DATA_MAX 4096

SYS_HANDLER(mount)
{
	struct sentry_task *t = sentry_task_find(s, call->tid);
	if (!t)
		return -ESRCH;
	unsigned long flags = call->args[3];
	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~MS_MGC_MSK;
	char type[PATH_MAX], source[PATH_MAX], data[DATA_MAX], target[PATH_MAX];
	int r = read_arg(call, call->args[2], type, sizeof(type));
	if (r == 0)
		r = read_arg(call, call->args[0], source, sizeof(source));
	if (r == 0) {
		r = read_arg(call, call->args[4], data, sizeof(data));
		if (r == -ENAMETOOLONG)
			r = -EINVAL; /* no NUL in the page: no option is that long */
	}
	if (r == 0)
		r = read_arg(call, call->args[1], target, sizeof(target));
	if (r < 0)
		return r;
	if (!call->args[1])
		return -EFAULT;
	if (!creds_capable(&t->creds, CAP_SYS_ADMIN))
		return -EPERM;
	struct vfs_ctx *c = sentry_task_vfs(t);
	if (!c)
		return -ENOSYS;
	/* each refusal told once (the program may repeat it at will) */
	static bool told_flags, told_remount, told_type;
	if (flags & ~(unsigned long)KNOWN) {
		if (!told_flags && (told_flags = true))
			log_warn("mount %s: flags %#lx are not supported in the sandbox", target,
			 flags & ~(unsigned long)KNOWN);
		return -EINVAL;
	}
	unsigned long mnt = flags & VFS_MNT_FLAGS;
	if (!(flags & (MS_REMOUNT | PROPAGATION | MS_MOVE)) && too_many_mounts())
		return -ENOSPC;
	if (flags & MS_REMOUNT) {
		if (!(flags & MS_BIND) && data[0]) {
			if (!told_remount && (told_remount = true))
				log_warn("mount %s: remount with options \"%s\": a filesystem's own "
				 "options are not changed in the sandbox",
				 target, data);
			return -EINVAL;
		}
		return vfs_remount(c, NULL, target, mnt);
	}
	if (flags & MS_BIND) {
		r = vfs_bind(c, NULL, source, NULL, target, VFS_BIND_SOURCE_FLAGS | (flags & MS_REC));
		/* a recursive bind copies a whole tree: over the bound, undone */
		if (r == 0 && (flags & MS_REC) && too_many_mounts()) {
			(void)vfs_umount(c, NULL, target);
			r = -ENOSPC;
		}
		return r;
	}
	if (flags & PROPAGATION) {
		unsigned long now;
		return vfs_mount_flags(c, NULL, target, &now);
	}
	if (flags & MS_MOVE)
		return vfs_move(c, NULL, source, NULL, target);
	if (!type[0])
		return -EINVAL;
	/* a tmpfs instance holds an fd on its data directory: the fds the
	 * sentry needs to serve everything else stay (sentry_fds_low) */
	if (sentry_fds_low())
		return -ENOSPC;
	struct vfs_sb *sb;
	r = vfs_setup_new_sb(s, type, data, t->creds.fsuid, t->creds.fsgid, &sb);
	if (r == -ENODEV && block_fs(type)) {
		/* as the kernel's lookup of the device comes first: only a
		 * block device that is there would be mounted */
		struct stat st;
		r = vfs_fstatat(c, NULL, source, &st, 0);
		if (r == 0)
			r = S_ISBLK(st.st_mode) ? -ENODEV : -ENOTBLK;
	}
	if (r == -ENODEV && !told_type && (told_type = true))
		log_warn("mount %s: filesystem type \"%s\" is not supported in the sandbox "
			 "(tmpfs, proc are)",
			 target, type);
	if (r < 0)
		return r;
	r = vfs_mount(c, NULL, target, sb, mnt);
	vfs_sb_put(sb);
	return r;
}

SYS_HANDLER(umount2)
{
	struct sentry_task *t = sentry_task_find(s, call->tid);
	if (!t)
		return -ESRCH;
	int flags = (int)call->args[1];
	if ((flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW)) ||
	    ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH))))
		return -EINVAL;
	char target[PATH_MAX];
	int r = read_arg(call, call->args[0], target, sizeof(target));
	if (r < 0)
		return r;
	if (!call->args[0])
		return -EFAULT;
	if (!creds_capable(&t->creds, CAP_SYS_ADMIN))
		return -EPERM;
	struct vfs_ctx *c = sentry_task_vfs(t);
	return c ? vfs_umount(c, NULL, target) : -ENOSYS;
}

/* unshare(2), ksys_unshare()'s checks in its order. The sentry keeps the
 * mount namespace and the fs_struct (root, cwd, umask): CLONE_NEWNS (with
 * CAP_SYS_ADMIN, EPERM otherwise) makes the caller's tree a copy of its
 * own (sentry/kernel/mntns.c), CLONE_FS gives it an fs of its own;
 * CLONE_THREAD, CLONE_SIGHAND and CLONE_VM are no-ops for a task without
 * other threads (EINVAL otherwise). unshare(CLONE_FILES) alone runs
 * natively (the filter); the other namespaces, and CLONE_FILES or
 * CLONE_SYSVSEM beside a namespace, are refused (EPERM) with a warning. */
#define UNSHARE_KNOWN                                                                        \
	(CLONE_THREAD | CLONE_FS | CLONE_NEWNS | CLONE_SIGHAND | CLONE_VM | CLONE_FILES |     \
	 CLONE_SYSVSEM | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUSER |         \
	 CLONE_NEWPID | CLONE_NEWCGROUP | CLONE_NEWTIME)
#define UNSHARE_REFUSED                                                                      \
	(CLONE_FILES | CLONE_SYSVSEM | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |           \
	 CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWCGROUP | CLONE_NEWTIME)

/* Whether t's thread group has another thread than t. */
static bool has_other_threads(struct sentry *s, struct sentry_task *t)
{
	pid_t tgid = sentry_task_tgid(t);
	for (size_t b = 0; b < s->n_buckets; b++)
		for (struct sentry_task *o = s->buckets[b]; o; o = o->next)
			if (o != t && sentry_task_tgid(o) == tgid)
				return true;
	return false;
}

SYS_HANDLER(unshare)
{
	unsigned long flags = call->args[0];
	if (flags & ~(unsigned long)UNSHARE_KNOWN)
		return -EINVAL;
	struct sentry_task *t = sentry_task_find(s, call->tid);
	if (!t)
		return -ESRCH;
	if ((flags & (CLONE_THREAD | CLONE_SIGHAND | CLONE_VM)) && has_other_threads(s, t))
		return -EINVAL;
	if (flags & UNSHARE_REFUSED) {
		static bool told;
		if (!told && (told = true))
			log_warn("unshare(%#lx): only CLONE_NEWNS and CLONE_FS are supported in "
				 "the sandbox (and CLONE_FILES alone)", flags);
		return -EPERM;
	}
	if (flags & CLONE_NEWNS) {
		if (!creds_capable(&t->creds, CAP_SYS_ADMIN))
			return -EPERM;
		return mntns_unshare(s, t, MOUNT_MAX);
	}
	if ((flags & CLONE_FS) && t->fs && t->fs->refs > 1) {
		struct sentry_fs *fs = sentry_fs_copy(t->fs);
		if (!fs)
			return -ENOMEM;
		sentry_fs_put(t->fs);
		t->fs = fs;
	}
	return 0;
}

/* pivot_root(2): may_mount() first, then the two walks and the tree's
 * checks (vfs_pivot_root); every task of the namespace at the old root
 * moves to the new one. */
SYS_HANDLER(pivot_root)
{
	struct sentry_task *t = sentry_task_find(s, call->tid);
	if (!t)
		return -ESRCH;
	if (!creds_capable(&t->creds, CAP_SYS_ADMIN))
		return -EPERM;
	if (!call->args[0] || !call->args[1])
		return -EFAULT;
	char new_root[PATH_MAX], put_old[PATH_MAX];
	int r = read_arg(call, call->args[0], new_root, sizeof(new_root));
	if (r == 0)
		r = read_arg(call, call->args[1], put_old, sizeof(put_old));
	return r < 0 ? r : mntns_pivot_root(s, t, new_root, put_old);
}

/* clone(2) with CLONE_NEWNS, trapped by that bit (TRACE: the rest of
 * clone runs natively, and with the bit the kernel would refuse the
 * program, which has no capability on the host). copy_process()'s
 * refusal of CLONE_NEWNS with CLONE_FS (EINVAL), the capability
 * (CAP_SYS_ADMIN, unless the same call makes a user namespace, whose
 * owner has it: EPERM); then the child's namespace is made now, so that
 * its failure is the clone's (ENOMEM, ENOSPC), and the call goes on
 * without the bit. The child takes it at its creation
 * (sentry_task_new); a clone that made none drops it at its exit stop
 * (sentry_syscall_exit). clone3 keeps its flags in memory, where the
 * filter cannot look: it runs natively, and the kernel refuses
 * CLONE_NEWNS (EPERM). */
SYS_HANDLER(clone)
{
	uint64_t flags = call->args[0];
	struct sentry_task *t = sentry_task_find(s, call->tid);
	if (!t)
		return -ESRCH;
	if (!(flags & CLONE_NEWNS))
		return sys_continue(call); /* the filter traps only the bit */
	if ((flags & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS))
		return -EINVAL;
	if (!(flags & CLONE_NEWUSER) && !creds_capable(&t->creds, CAP_SYS_ADMIN))
		return -EPERM;
	if (!call->ops->set_arg || !call->ops->at_exit) {
		static bool told;
		if (!told && (told = true))
			log_warn("clone(CLONE_NEWNS): this platform cannot rewrite the call; refused");
		return -EPERM;
	}
	int r = mntns_clone_prepare(s, t, MOUNT_MAX);
	if (r == 0)
		r = call->ops->set_arg(call, 0, flags & ~(uint64_t)CLONE_NEWNS);
	long c = r < 0 ? r : sys_continue(call);
	if (c != SYS_REPLIED) {
		sentry_fs_put(t->clone_fs);
		t->clone_fs = NULL;
		return c;
	}
	t->exit_nr = call->nr;
	memcpy(t->exit_args, call->args, sizeof(t->exit_args));
	call->ops->at_exit(call);
	return SYS_REPLIED;
}
