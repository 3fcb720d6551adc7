/* The setup child: runs inside the new namespaces, builds the new root,
 * then becomes pid 1 (or the program itself) and exec()s the program.
 *
 * Order (bubblewrap's): wait for the parent's uid/gid maps; bring up lo;
 * make / a slave; a tmpfs base on /tmp holding newroot/ and oldroot/;
 * pivot into it; apply the ops (ns_mounts.c); drop the old root; pivot
 * into newroot; hostname; nested user namespace (ids, --disable-userns);
 * --block-fd; chdir; setsid; lock files; fork pid 1; harden; exec.
 *
 * Invariant: every failure comes back here as a veil_error, is sent to the
 * parent once and ends the process with _exit(): the child never returns
 * into the caller's code (which may be a test runner). */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/xalloc.h"
#include "platform/ns/ns_private.h"
#include "platform/exec_fail.h"
#include "platform/status.h"

extern char **environ;

static int write_at(int dirfd, const char *name, const char *data)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t len = strlen(data);
	return write(fd, data, len) == (ssize_t)len ? 0 : -1;
}

static int loopback_up(struct veil_error **err)
{
	_cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
		return verr_set(err, errno, "loopback: Failed to look up lo");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
		return verr_set(err, errno, "loopback: Failed to bring up lo");
	return 0;
}

/* Host paths of --bind-fd sources, while the host's / is still ours. */
static int resolve_fd_sources(struct ns_ctx *ctx, struct veil_error **err)
{
	const struct spec *spec = ctx->spec;
	ctx->fd_sources = xcalloc(spec->n_ops + 1, sizeof(char *));
	for (size_t i = 0; i < spec->n_ops; i++) {
		const struct mount_op *op = &spec->ops[i];
		if (op->type != MOUNT_OP_BIND || op->source_fd < 0)
			continue;
		_cleanup_free_ char *link = xasprintf("/proc/self/fd/%d", op->source_fd);
		ctx->fd_sources[i] = realpath(link, NULL);
		if (!ctx->fd_sources[i])
			return verr_set(err, errno, "Can't find source path %s", link);
	}
	return 0;
}

static int pivot_root(const char *new_root, const char *put_old)
{
	return (int)syscall(SYS_pivot_root, new_root, put_old);
}

static int build_root(struct ns_ctx *ctx, struct veil_error **err)
{
	/* Receive host mount events, never send ours back. */
	if (mount(NULL, "/", NULL, MS_SILENT | MS_SLAVE | MS_REC, NULL) != 0)
		return verr_set(err, errno, "Failed to make / slave");
	if (mount("tmpfs", "/tmp", "tmpfs", MS_NODEV | MS_NOSUID, NULL) != 0)
		return verr_set(err, errno, "Failed to mount tmpfs");
	if (chdir("/tmp") != 0)
		return verr_set(err, errno, "chdir base_path");
	if (mkdir("newroot", 0755) != 0)
		return verr_set(err, errno, "Creating newroot failed");
	if (mount("newroot", "newroot", NULL, MS_SILENT | MS_BIND | MS_REC, NULL) != 0)
		return verr_set(err, errno, "setting up newroot bind");
	if (mkdir("oldroot", 0755) != 0)
		return verr_set(err, errno, "Creating oldroot failed");
	if (pivot_root("/tmp", "oldroot") != 0)
		return verr_set(err, errno, "pivot_root");
	if (chdir("/") != 0)
		return verr_set(err, errno, "chdir / (base path)");

	if (ns_mounts_apply(ctx, err) < 0)
		return -1;

	/* The old root must be private, or unmounting it would propagate. */
	if (mount("oldroot", "oldroot", NULL, MS_SILENT | MS_REC | MS_PRIVATE, NULL) != 0)
		return verr_set(err, errno, "Failed to make old root rprivate");
	if (umount2("oldroot", MNT_DETACH) != 0)
		return verr_set(err, errno, "unmount old root");

	/* Make newroot the root and drop the base tmpfs under it. */
	_cleanup_close_ int base = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (base < 0)
		return verr_set(err, errno, "can't open /");
	if (chdir("/newroot") != 0)
		return verr_set(err, errno, "chdir /newroot");
	if (pivot_root(".", ".") != 0)
		return verr_set(err, errno, "pivot_root(/newroot)");
	if (fchdir(base) != 0)
		return verr_set(err, errno, "fchdir to oldroot");
	if (umount2(".", MNT_DETACH) != 0)
		return verr_set(err, errno, "umount old root");
	if (chdir("/") != 0)
		return verr_set(err, errno, "chdir /");
	return 0;
}

/* The asked ids, once the mounts no longer need uid 0 (devpts), and a
 * namespace the sandbox cannot raise the --disable-userns limit of. */
static int nested_userns(struct ns_ctx *ctx, struct veil_error **err)
{
	const struct spec *spec = ctx->spec;
	if (spec->disable_userns &&
	    write_at(ctx->proc_fd, "sys/user/max_user_namespaces", "1") != 0)
		return verr_set(err, errno, "sysctl user.max_user_namespaces = 1");
	if (unshare(CLONE_NEWUSER) != 0)
		return verr_set(err, errno, "unshare user ns");
	_cleanup_free_ char *uid_map = xasprintf("%u %u 1\n", (unsigned)spec->uid,
						 (unsigned)ctx->ns_uid);
	_cleanup_free_ char *gid_map = xasprintf("%u %u 1\n", (unsigned)spec->gid,
						 (unsigned)ctx->ns_gid);
	if (write_at(ctx->proc_fd, "self/uid_map", uid_map) != 0)
		return verr_set(err, errno, "setting up uid map");
	if (write_at(ctx->proc_fd, "self/setgroups", "deny\n") != 0 && errno != ENOENT)
		return verr_set(err, errno, "error writing to setgroups");
	if (write_at(ctx->proc_fd, "self/gid_map", gid_map) != 0)
		return verr_set(err, errno, "setting up gid map");
	return 0;
}

static const char *env_get(char **envp, const char *name)
{
	size_t len = strlen(name);
	for (size_t i = 0; envp && envp[i]; i++)
		if (strncmp(envp[i], name, len) == 0 && envp[i][len] == '=')
			return envp[i] + len + 1;
	return NULL;
}

/* --chdir, else the caller's cwd if it exists inside, else $HOME, else /;
 * PWD names the result, as bubblewrap sets it. */
static int enter_cwd(struct ns_ctx *ctx, char ***envp, struct veil_error **err)
{
	const struct spec *spec = ctx->spec;
	const char *cwd = "/";
	if (spec->chdir) {
		if (chdir(spec->chdir) != 0)
			return verr_set(err, errno, "Can't chdir to %s", spec->chdir);
		cwd = spec->chdir;
	} else if (ctx->old_cwd && chdir(ctx->old_cwd) == 0) {
		cwd = ctx->old_cwd;
	} else {
		const char *home = env_get(spec->envp, "HOME");
		if (home && chdir(home) == 0)
			cwd = home;
		else if (chdir("/") != 0)
			return verr_set(err, errno, "Can't chdir to /");
	}
	strv_setenv(envp, "PWD", cwd);
	return 0;
}

/* Opens a lock file as the program could: without the effective
 * capabilities setup still holds (CAP_DAC_OVERRIDE would open a planted
 * symlink to another user's 0600 file, which bubblewrap, having dropped
 * them, refuses), and without blocking (a FIFO with no writer would hang
 * setup forever). -1 with errno set on failure. */
static int open_lock_file(const char *path)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct saved[2], none[2];
	bool lowered = syscall(SYS_capget, &hdr, saved) == 0;
	if (lowered) {
		memcpy(none, saved, sizeof(none));
		none[0].effective = none[1].effective = 0;
		lowered = syscall(SYS_capset, &hdr, none) == 0;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	int e = errno;
	if (lowered)
		syscall(SYS_capset, &hdr, saved);
	errno = e;
	return fd;
}

static int take_locks(struct ns_ctx *ctx, int *fds, size_t *n, struct veil_error **err)
{
	char **files = ctx->spec->lock_files;
	for (size_t i = 0; files && files[i]; i++) {
		int fd = open_lock_file(files[i]);
		if (fd < 0)
			return verr_set(err, errno, "Unable to open lock file %s", files[i]);
		/* An open-file-description lock: a classic POSIX lock would be
		 * released when pid 1 closes any other fd it inherited on the
		 * same file. Both kinds conflict, so outside checkers see it. */
		struct flock lock = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
		if (fcntl(fd, F_OFD_SETLK, &lock) != 0)
			return verr_set(err, errno, "Unable to lock file %s", files[i]);
		fds[(*n)++] = fd;
	}
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* pid 1 keeps stdio, --sync-fd and the lock files; nothing else. */
static void close_all_except(int *keep, size_t n)
{
	qsort(keep, n, sizeof(int), cmp_int);
	unsigned from = 3;
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < 3)
			continue;
		if ((unsigned)keep[i] > from)
			close_range(from, (unsigned)keep[i] - 1, 0);
		from = (unsigned)keep[i] + 1;
	}
	close_range(from, ~0u, 0);
}

static int exec_program(struct ns_ctx *ctx, char **envp, struct veil_error **err)
{
	const struct spec *spec = ctx->spec;
	if (spec->die_with_parent && prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
		return verr_set(err, errno, "prctl");
	if (!spec->as_pid_1)
		status_close_fd(spec->sync_fd);
	if (ctx->proc_fd >= 0)
		close(ctx->proc_fd);
	if (ns_harden_drop_caps(ctx, err) < 0 ||
	    (ctx->landlock_scope && ns_harden_landlock(err) < 0))
		return -1;
	_cleanup_strv_free_ char **argv = strv_copy(spec->argv);
	if (spec->argv0) {
		free(argv[0]);
		argv[0] = xstrdup(spec->argv0);
	}
	/* The last thing before exec, so the filters see nothing of ours;
	 * after them, nothing may need a syscall to succeed (they may fail
	 * every one): the report goes first, a failed exec through memory. */
	ns_report_exec(ctx->report_fd);
	if (ns_harden_seccomp(ctx, err) < 0)
		return -1;
	environ = envp;
	execvp(spec->argv[0], argv);
	exec_fail_die(ctx->exec_fail, errno);
	return -1; /* not reached */
}

/* --userns-block-fd: the caller writes our maps, then the byte. With a
 * map left empty every id is unmapped and setup would fail far from the
 * cause (mkdir's EOVERFLOW): say which map is missing instead. */
static int check_maps_written(const struct spec *spec, struct veil_error **err)
{
	static const char *const maps[] = { "/proc/self/uid_map", "/proc/self/gid_map" };
	for (size_t i = 0; i < ARRAY_SIZE(maps); i++) {
		char buf[64];
		_cleanup_close_ int fd = open(maps[i], O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
		if (n == 0)
			return verr_set(err, 0, "--userns-block-fd %d: %s is empty: the user "
					"namespace's maps must be written (for the \"child-pid\" "
					"of --info-fd) before the byte on that fd",
					spec->userns_block_fd, maps[i]);
	}
	return 0;
}

static int child_setup(struct ns_ctx *ctx, struct veil_error **err)
{
	const struct spec *spec = ctx->spec;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return verr_set(err, errno, "prctl(PR_SET_NO_NEW_PRIVS) failed");
	if (spec->die_with_parent && prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
		return verr_set(err, errno, "prctl");
	status_close_fd(spec->info_fd);
	status_close_fd(spec->json_status_fd);
	if (spec->userns_block_fd >= 0)
		close(spec->userns_block_fd);

	/* The parent writes our maps, then lets us go; EOF: it gave up. */
	char go;
	ssize_t n;
	do
		n = read(ctx->go_fd, &go, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(1);
	close(ctx->go_fd);
	if (spec->userns_block_fd >= 0 && check_maps_written(spec, err) < 0)
		return -1;

	ctx->proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ctx->proc_fd < 0)
		return verr_set(err, errno, "Can't open /proc");
	if (resolve_fd_sources(ctx, err) < 0)
		return -1;
	if ((ctx->clone_flags & CLONE_NEWNET) && loopback_up(err) < 0)
		return -1;

	mode_t old_umask = umask(0);
	if (build_root(ctx, err) < 0)
		return -1;
	for (size_t i = 0; ctx->fd_sources && i < spec->n_ops; i++)
		if (spec->ops[i].type == MOUNT_OP_BIND && spec->ops[i].source_fd >= 0)
			close(spec->ops[i].source_fd);

	if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) != 0)
		return verr_set(err, errno, "Can't set hostname to %s", spec->hostname);
	if (ctx->needs_nested_userns && nested_userns(ctx, err) < 0)
		return -1;
	if (spec->disable_userns || spec->assert_userns_disabled) {
		if (unshare(CLONE_NEWUSER) == 0)
			return verr_set(err, 0, "creation of new user namespaces was not "
					"disabled as requested");
	}
	if (spec->block_fd >= 0) {
		char b;
		while (read(spec->block_fd, &b, 1) < 0 && errno == EINTR)
			;
		close(spec->block_fd);
	}
	umask(old_umask);

	_cleanup_strv_free_ char **envp = spec->envp ? strv_copy(spec->envp)
						     : xcalloc(1, sizeof(char *));
	if (enter_cwd(ctx, &envp, err) < 0)
		return -1;
	if (spec->new_session && setsid() == (pid_t)-1)
		return verr_set(err, errno, "setsid");

	size_t n_locks = strv_length(spec->lock_files);
	_cleanup_free_ int *keep = xcalloc(n_locks + 2, sizeof(int));
	size_t n_keep = 0;
	if (take_locks(ctx, keep, &n_keep, err) < 0)
		return -1;

	if (!ctx->need_init)
		return exec_program(ctx, envp, err);

	/* Block before fork, so pid 1 loses none of the signals it forwards. */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; ns_forwarded_signals[i]; i++)
		sigaddset(&set, ns_forwarded_signals[i]);
	sigprocmask(SIG_BLOCK, &set, &old);
	pid_t pid = fork();
	if (pid < 0)
		return verr_set(err, errno, "Can't fork for pid 1");
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return exec_program(ctx, envp, err);
	}

	/* pid 1: no privilege, no fd the program should not see held open. */
	close(ctx->report_fd);
	_cleanup_verr_ struct veil_error *ignored = NULL;
	ns_harden_drop_all_caps(&ignored);
	if (spec->sync_fd >= 0)
		keep[n_keep++] = spec->sync_fd;
	close_all_except(keep, n_keep);
	_exit(ns_init_run(pid));
}

void ns_child_main(struct ns_ctx *ctx)
{
	_cleanup_verr_ struct veil_error *err = NULL;
	child_setup(ctx, &err);
	/* child_setup() only returns on failure. */
	ns_report_error(ctx->report_fd, err);
	_exit(1);
}
