/* The parent side of the kernel backend: decides which namespaces to
 * create, clone()s the setup child into them, writes its uid/gid maps,
 * reports --info-fd / --json-status-fd, forwards signals to the sandbox and
 * turns the child's outcome into an exit status or a veil_error.
 *
 * Invariants: the parent never mounts anything (all mounts happen in the
 * child's mount namespace, which dies with it, so a failed setup leaves
 * nothing behind on the host); it waits for every child it made before
 * returning, so no zombie outlives ns_run(); the signal handlers it installs
 * are restored before it returns. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/xalloc.h"
#include "platform/ns/ns.h"
#include "platform/ns/ns_private.h"
#include "platform/exec_fail.h"
#include "platform/status.h"

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

/* The pid signals are forwarded to: the sandbox's pid 1 (which forwards
 * them on to the program) or the program itself. 0 when none. */
static volatile sig_atomic_t forward_pid;
/* Whether the sandbox left our session: then the terminal's signals no
 * longer reach it by themselves. */
static volatile sig_atomic_t forward_tty_signals;

static void forward_signal(int sig, siginfo_t *si, void *uctx)
{
	(void)uctx;
	pid_t pid = forward_pid;
	/* SI_KERNEL: the terminal sent it to its whole foreground process
	 * group, the sandbox included; forwarding would deliver it twice. */
	if (si && si->si_code == SI_KERNEL && !forward_tty_signals)
		return;
	if (pid > 0)
		kill(pid, sig);
}

static bool read_sysctl_is_zero(const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	long v = 1;
	if (!f || fscanf(f, "%ld", &v) != 1)
		return false;
	return v == 0;
}

int ns_available(void)
{
	if (getuid() == 0)
		return 1;
	if (access("/proc/self/ns/user", F_OK) != 0)
		return 0;
	if (read_sysctl_is_zero("/proc/sys/user/max_user_namespaces") ||
	    read_sysctl_is_zero("/proc/sys/kernel/unprivileged_userns_clone"))
		return 0;
	return 1;
}

int ns_works_here(void)
{
	if (!ns_available())
		return 0;
	/* A container's seccomp profile or a missing CAP_SYS_ADMIN refuses
	 * what the sysctls allow: ask the kernel. */
	pid_t pid = fork();
	if (pid == 0) {
		int flags = getuid() == 0 ? CLONE_NEWNS : CLONE_NEWUSER | CLONE_NEWNS;
		_exit(unshare(flags) == 0 ? 0 : 1);
	}
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static bool has_op(const struct spec *spec, enum mount_op_type type)
{
	for (size_t i = 0; i < spec->n_ops; i++)
		if (spec->ops[i].type == type && !(spec->ops[i].flags & MOUNT_OP_SKIPPED))
			return true;
	return false;
}

/* Decides what to create, with bubblewrap's checks and wording. */
static int plan(const struct spec *spec, struct ns_ctx *ctx, struct veil_error **err)
{
	unsigned want = spec->unshare;
	ctx->real_uid = getuid();
	ctx->real_gid = getgid();
	ctx->caller_caps = ns_harden_caller_caps();

	ctx->userns = want & SPEC_NS_USER;
	if (ctx->userns && (spec->unshare_try & SPEC_NS_USER) &&
	    (access("/proc/self/ns/user", F_OK) != 0 ||
	     read_sysctl_is_zero("/proc/sys/user/max_user_namespaces")))
		ctx->userns = false;
	/* Without privilege there is no other way; bubblewrap does the same. */
	if (ctx->real_uid != 0 && spec->userns_block_fd < 0 && spec->userns_fd < 0)
		ctx->userns = true;

	/* --userns: the joined namespace's maps are its creator's business;
	 * the ids inside are whatever the caller's map to. */
	if (spec->userns_fd >= 0 && (spec->uid != ctx->real_uid || spec->gid != ctx->real_gid))
		return verr_set(err, 0, "Specifying --uid or --gid with --userns is not supported by veil yet");
	if (!ctx->userns && spec->userns_fd < 0 && spec->uid != ctx->real_uid)
		return verr_set(err, 0, "Specifying --uid requires --unshare-user or --userns");
	if (!ctx->userns && spec->userns_fd < 0 && spec->gid != ctx->real_gid)
		return verr_set(err, 0, "Specifying --gid requires --unshare-user or --userns");
	if (spec->hostname && !(want & SPEC_NS_UTS))
		return verr_set(err, 0, "Specifying --hostname requires --unshare-uts");
	if (spec->as_pid_1 && !(want & SPEC_NS_PID))
		return verr_set(err, 0, "Specifying --as-pid-1 requires --unshare-pid");
	if (spec->as_pid_1 && spec->lock_files && spec->lock_files[0])
		return verr_set(err, 0, "Specifying --as-pid-1 and --lock-file is not permitted");
	if (spec->userns_block_fd >= 0 && !ctx->userns)
		return verr_set(err, 0, "--userns-block-fd requires --unshare-user");
	if (spec->userns_block_fd >= 0 && spec->info_fd < 0)
		return verr_set(err, 0, "--userns-block-fd requires --info-fd");
	if (spec->disable_userns && !ctx->userns)
		return verr_set(err, 0, "--disable-userns requires --unshare-user");
	if (spec->disable_userns && spec->userns_block_fd >= 0)
		return verr_set(err, 0, "--disable-userns is not compatible with  --userns-block-fd");

	ctx->clone_flags = CLONE_NEWNS;
	if (ctx->userns)
		ctx->clone_flags |= CLONE_NEWUSER;
	/* --pidns: the program starts in that pid namespace instead. */
	if ((want & SPEC_NS_PID) && spec->pidns_fd < 0)
		ctx->clone_flags |= CLONE_NEWPID;
	if ((want & SPEC_NS_NET) && !spec->share_net)
		ctx->clone_flags |= CLONE_NEWNET;
	if (want & SPEC_NS_IPC)
		ctx->clone_flags |= CLONE_NEWIPC;
	if (want & SPEC_NS_UTS)
		ctx->clone_flags |= CLONE_NEWUTS;
	if (want & SPEC_NS_CGROUP) {
		struct stat st;
		if (stat("/proc/self/ns/cgroup", &st) == 0)
			ctx->clone_flags |= CLONE_NEWCGROUP;
		else if (!(spec->unshare_try & SPEC_NS_CGROUP))
			return verr_set(err, 0, "Cannot create new cgroup namespace because "
					"the kernel does not support it");
	}

	/* devpts can only be mounted where uid and gid 0 are mapped: map 0
	 * first and move to the asked ids in a nested user namespace once the
	 * mounts are done, as bubblewrap does. */
	ctx->ns_uid = spec->uid;
	ctx->ns_gid = spec->gid;
	if (ctx->userns && spec->userns_block_fd < 0) {
		if (has_op(spec, MOUNT_OP_DEV)) {
			ctx->ns_uid = 0;
			ctx->ns_gid = 0;
		}
		ctx->needs_nested_userns = ctx->ns_uid != spec->uid ||
					   ctx->ns_gid != spec->gid || spec->disable_userns;
	}
	if (ns_harden_landlock_check(&ctx->landlock_scope, err) < 0)
		return -1;
	ctx->need_init = !spec->as_pid_1 &&
			 ((want & SPEC_NS_PID) || (spec->lock_files && spec->lock_files[0]) ||
			  spec->sync_fd >= 0);
	return 0;
}

static int write_file_at(int dirfd, const char *name, const char *data)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t len = strlen(data);
	ssize_t n = write(fd, data, len);
	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* The first user namespace's maps, written from outside: the parent's
 * euid owns the child's user namespace, so it may map its own ids. */
static int write_maps(const struct ns_ctx *ctx, pid_t pid, struct veil_error **err)
{
	_cleanup_free_ char *dir = xasprintf("/proc/%d", (int)pid);
	_cleanup_close_ int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return verr_set(err, errno, "open %s failed", dir);
	_cleanup_free_ char *uid_map = xasprintf("%u %u 1\n", (unsigned)ctx->ns_uid,
						 (unsigned)ctx->real_uid);
	_cleanup_free_ char *gid_map = xasprintf("%u %u 1\n", (unsigned)ctx->ns_gid,
						 (unsigned)ctx->real_gid);
	if (write_file_at(dirfd, "uid_map", uid_map) < 0)
		return verr_set(err, errno, "setting up uid map");
	if (write_file_at(dirfd, "setgroups", "deny\n") < 0 && errno != ENOENT)
		return verr_set(err, errno, "error writing to setgroups");
	if (write_file_at(dirfd, "gid_map", gid_map) < 0)
		return verr_set(err, errno, "setting up gid map");
	return 0;
}

static int clone_error(const struct ns_ctx *ctx, int e, struct veil_error **err)
{
	if (ctx->userns && e == EINVAL)
		return verr_set(err, 0, "Creating new namespace failed, likely because the "
				"kernel does not support user namespaces.");
	if (ctx->userns && e == EPERM && ctx->real_uid != 0)
		return verr_set(err, 0, "No permissions to create a new namespace, likely "
				"because the kernel does not allow non-privileged user "
				"namespaces.");
	if (e == ENOSPC)
		return verr_set(err, 0, "Creating new namespace failed: nesting depth or "
				"/proc/sys/user/max_*_namespaces exceeded (ENOSPC)");
	return verr_set(err, e, "Creating new namespace failed");
}

static void close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

int ns_exit_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 255;
}

static int wait_child(pid_t pid)
{
	int wstatus;
	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			return 255;
	return ns_exit_status(wstatus);
}

/* --userns and --pidns, as bubblewrap joins them: before the clone, so
 * the sandbox's namespaces belong to that user namespace (joining it gives
 * us every capability there) and its first process starts in that pid
 * namespace (setns on a pid namespace moves only our children). The fds
 * are closed then: the program must not hold them. */
static int join_namespaces(const struct spec *spec, struct veil_error **err)
{
	if (spec->userns_fd >= 0) {
		int r = setns(spec->userns_fd, CLONE_NEWUSER);
		int e = errno;
		close(spec->userns_fd);
		if (r != 0 && e == EINVAL)
			return verr_set(err, 0, "Joining the specified user namespace failed, it "
					"might not be a descendant of the current user namespace.");
		if (r != 0)
			return verr_set(err, e, "Joining specified user namespace failed");
	}
	if (spec->pidns_fd >= 0) {
		int r = setns(spec->pidns_fd, CLONE_NEWPID);
		int e = errno;
		close(spec->pidns_fd);
		if (r != 0)
			return verr_set(err, e, "Setting pidns failed");
	}
	return 0;
}

int ns_run(const struct spec *spec, struct veil_error **err)
{
	struct ns_ctx ctx = { .spec = spec, .report_fd = -1, .go_fd = -1, .proc_fd = -1 };
	int report[2] = { -1, -1 }, go[2] = { -1, -1 };
	struct sigaction old_sa[16];
	sigset_t fwd_set, old_mask;
	int status = -1;

	if (plan(spec, &ctx, err) < 0 || join_namespaces(spec, err) < 0)
		return -1;
	ctx.exec_fail = exec_fail_new();
	ctx.old_cwd = getcwd(NULL, 0);
	if (isatty(1) && ttyname(1))
		ctx.host_tty = xstrdup(ttyname(1));
	/* Records keep their boundaries on a SEQPACKET socket, not on a pipe. */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, report) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, go) < 0) {
		verr_set(err, errno, "socketpair()");
		goto out_close;
	}

	/* Block the forwarded signals across clone(), so the child can reset
	 * their handlers before any is delivered to it. */
	sigemptyset(&fwd_set);
	for (size_t i = 0; ns_forwarded_signals[i]; i++)
		sigaddset(&fwd_set, ns_forwarded_signals[i]);
	sigprocmask(SIG_BLOCK, &fwd_set, &old_mask);
	for (size_t i = 0; ns_forwarded_signals[i]; i++) {
		struct sigaction sa = { .sa_sigaction = forward_signal, .sa_flags = SA_SIGINFO };
		sigemptyset(&sa.sa_mask);
		sigaction(ns_forwarded_signals[i], &sa, &old_sa[i]);
	}

	fflush(NULL); /* the child must not flush our buffers a second time */
	pid_t pid = (pid_t)syscall(SYS_clone, (unsigned long)(ctx.clone_flags | SIGCHLD),
				   NULL, NULL, NULL, NULL);
	if (pid == 0) {
		for (size_t i = 0; ns_forwarded_signals[i]; i++)
			signal(ns_forwarded_signals[i], SIG_DFL);
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
		close(report[0]);
		close(go[1]);
		ctx.report_fd = report[1];
		ctx.go_fd = go[0];
		ns_child_main(&ctx);
	}
	if (pid < 0) {
		clone_error(&ctx, errno, err);
		goto out_signals;
	}
	forward_pid = pid;
	forward_tty_signals = spec->new_session;
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	close(report[1]);
	report[1] = -1;
	close(go[0]);
	go[0] = -1;

	if (spec->die_with_parent)
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);

	if (ctx.userns && spec->userns_block_fd < 0 && write_maps(&ctx, pid, err) < 0) {
		kill(pid, SIGKILL);
		wait_child(pid);
		goto out_signals;
	}
	if (status_write_info(spec, pid, ctx.clone_flags, err) < 0) {
		kill(pid, SIGKILL);
		wait_child(pid);
		goto out_signals;
	}
	if (spec->userns_block_fd >= 0) {
		char b;
		while (read(spec->userns_block_fd, &b, 1) < 0 && errno == EINTR)
			;
		close(spec->userns_block_fd);
	}
	/* The sandbox now owns these; keeping our copies would hide its end
	 * of them (e.g. EOF on --sync-fd) from whoever watches. */
	status_close_fd(spec->sync_fd);
	close_fd(spec->block_fd);

	/* MSG_NOSIGNAL: a child that died already is told by its status,
	 * not by a SIGPIPE that would kill us. */
	char go_byte = 1;
	if (send(go[1], &go_byte, 1, MSG_NOSIGNAL) < 0) {
		/* its report or exit status says why */
	}
	close(go[1]);
	go[1] = -1;

	bool exec_reached;
	int failed = ns_report_read(report[0], &exec_reached, err);
	status = wait_child(pid);
	if (failed || exec_fail_check(ctx.exec_fail, spec, err) < 0) {
		status = -1;
	} else if (exec_reached) {
		status_write_exit(spec, status);
	}
	status_close_fd(spec->json_status_fd);

out_signals:
	forward_pid = 0;
	for (size_t i = 0; ns_forwarded_signals[i]; i++)
		sigaction(ns_forwarded_signals[i], &old_sa[i], NULL);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
out_close:
	close_fd(report[0]);
	close_fd(report[1]);
	close_fd(go[0]);
	close_fd(go[1]);
	free(ctx.old_cwd);
	free(ctx.host_tty);
	exec_fail_free(ctx.exec_fail);
	return status;
}
