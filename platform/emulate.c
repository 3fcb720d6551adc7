/* The emulate backend's start: check what it can realise, build the VFS,
 * give the sentry its filesystem, start the first task, serve it. */
#include "platform/emulate.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "platform/emulate_init.h"
#include "platform/exec_fail.h"
#include "platform/landlock.h"
#include "platform/spec_filter.h"
#include "platform/status.h"
#include "platform/unotify/unotify.h"
#include "sentry/kernel/sentry.h"
#include "sentry/dev/devices.h"
#include "sentry/kernel/vfs_setup.h"
#include "vfs/vfs.h"

/* Whether an outer sandbox disabled user namespaces for us (bubblewrap's
 * or veil's --disable-userns: the limit is used up in the user namespace
 * we run in, and creating one fails with ENOSPC). Only inside a user
 * namespace: a host whose limit is 0 disabled them for its own reasons,
 * and the emulate backend needs none. */
static bool userns_disabled_here(void)
{
	char map[64] = "";
	FILE *f = fopen("/proc/self/uid_map", "re");
	if (f) {
		if (!fgets(map, sizeof(map), f))
			map[0] = '\0';
		fclose(f);
	}
	unsigned long inside, outside, count;
	if (sscanf(map, "%lu %lu %lu", &inside, &outside, &count) == 3 && inside == 0 &&
	    outside == 0 && count == 4294967295ul)
		return false; /* the initial user namespace */
	pid_t pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) == 0 ? 0 : errno == ENOSPC ? 1 : 2);
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 1;
}

static int check_supported(const struct spec *spec, struct veil_error **err)
{
	if (spec->platform == SPEC_PLATFORM_PTRACE)
		return verr_set(err, 0, "--platform=ptrace: the ptrace platform is not built yet; "
				"use --platform=unotify");
	/* --unshare-uts and --hostname: the sentry answers uname (sys_uts.c). */
	if (spec->hostname && strlen(spec->hostname) >= sizeof(((struct utsname *)0)->nodename))
		return verr_set(err, EINVAL, "Can't set hostname to %s", spec->hostname);
	if (spec->userns_block_fd >= 0)
		return verr_set(err, 0, "--userns-block-fd: --backend=emulate has no user "
				"namespace; use --backend=kernel");
	if (spec->userns_fd >= 0)
		return verr_set(err, 0, "--userns: --backend=emulate has no user namespace; "
				"use --backend=kernel");
	if (spec->pidns_fd >= 0)
		return verr_set(err, 0, "--pidns: --backend=emulate has no pid namespace; "
				"use --backend=kernel");
	if (spec->disable_userns || spec->assert_userns_disabled)
		return verr_set(err, 0, "--disable-userns: --backend=emulate refuses every "
				"namespace already; the flag is not supported");
	/* --unshare-user is emulated, but a sandbox that asked for no nested
	 * user namespaces gets none, as under bubblewrap (whose words these
	 * are: the kernel backend's for the same failure). */
	if ((spec->unshare & SPEC_NS_USER) && !(spec->unshare_try & SPEC_NS_USER) &&
	    userns_disabled_here())
		return verr_set(err, 0, "Creating new namespace failed: nesting depth or "
				"/proc/sys/user/max_*_namespaces exceeded (ENOSPC)");
	return 0;
}

/* The ops vfs_setup_build() realises; the rest it refuses by name. */
static int check_ops(const struct spec *spec, struct veil_error **err)
{
	for (size_t i = 0; i < spec->n_ops; i++) {
		const struct mount_op *op = &spec->ops[i];
		bool ok = true;
		switch (op->type) {
		case MOUNT_OP_BIND:
		case MOUNT_OP_BIND_DATA:
		case MOUNT_OP_TMPFS:
		case MOUNT_OP_DEV:
		case MOUNT_OP_DIR:
		case MOUNT_OP_SYMLINK:
		case MOUNT_OP_FILE:
		case MOUNT_OP_REMOUNT_RO:
		case MOUNT_OP_CHMOD:
		case MOUNT_OP_PROC:
		case MOUNT_OP_OVERLAY:
			break;
		case MOUNT_OP_MQUEUE:
			/* the sandbox's own queues only (vfs_setup.c) */
			ok = (spec->unshare & SPEC_NS_IPC) != 0;
			break;
		}
		if (!ok) {
			_cleanup_free_ char *d = spec_op_describe(op);
			return verr_set(err, EOPNOTSUPP, "%s: --backend=emulate shows the sandbox's own queues only: add --unshare-ipc (or use --backend=kernel for the host's)", d);
		}
	}
	/* Sources in the host's procfs (sentry/kernel/vfs_setup.c). */
	return vfs_setup_check(spec, err);
}

/* seccomp user notification with ADDFD's SEND flag: Linux 5.14. */
static int check_kernel(struct veil_error **err)
{
	struct utsname u;
	int major = 0, minor = 0;
	if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return verr_set(err, 0, "cannot tell the kernel's version");
	if (major < 5 || (major == 5 && minor < 14))
		return verr_set(err, 0, "--backend=emulate needs Linux 5.14 or later (this is %s)",
				u.release);
	return 0;
}

/* What this backend cannot realise is a refused command line (the
 * message names the flag and the backend that can), not a failed start. */
static int check_request(const struct spec *spec, struct veil_error **err)
{
	if (check_supported(spec, err) < 0 || check_ops(spec, err) < 0) {
		(*err)->status = VEIL_EXIT_USAGE;
		return -1;
	}
	return 0;
}

int emulate_check(const struct spec *spec, struct veil_error **err)
{
	return check_kernel(err) < 0 || check_request(spec, err) < 0 ||
			       unotify_check_filters(spec->seccomp, spec->n_seccomp, err) < 0
		       ? -1
		       : 0;
}

/* The first task's failed exec, told to the sentry (exec_fail.h). */
static struct exec_fail *program_exec_fail;

/* The program's own RLIMIT_NOFILE, given back before it execs. */
static struct rlimit program_nofile = {RLIM_INFINITY, RLIM_INFINITY};

/* The program's environment: the spec's, with PWD naming its cwd. */
static char **program_envp;

static int first_task(void *arg)
{
	const struct spec *spec = arg;
	if (program_nofile.rlim_cur != RLIM_INFINITY)
		setrlimit(RLIMIT_NOFILE, &program_nofile);
	if (spec->new_session)
		setsid();
	if (spec->die_with_parent)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* --sync-fd is the sentry's to hold (its close says the sandbox is
	 * gone), not the program's; --block-fd: wait for a byte, as the
	 * kernel backend's child does, after --info-fd has been written. */
	status_close_fd(spec->sync_fd);
	if (spec->block_fd >= 0) {
		char b;
		while (read(spec->block_fd, &b, 1) < 0 && errno == EINTR)
			;
		close(spec->block_fd);
	}
	/* --unshare-pid: this task is the sandbox's pid 1 and the program
	 * its child (pid 2), as under bubblewrap; with --as-pid-1 the
	 * program is pid 1, and the orphans' reaper. */
	if (spec->unshare & SPEC_NS_PID) {
		if (spec->as_pid_1) {
			prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
		} else {
			sigset_t saved;
			emulate_init_block(&saved);
			pid_t child = fork();
			if (child < 0)
				exec_fail_die(program_exec_fail, errno);
			if (child > 0)
				_exit(emulate_init_run(child));
			sigprocmask(SIG_SETMASK, &saved, NULL);
			if (spec->die_with_parent)
				prctl(PR_SET_PDEATHSIG, SIGKILL);
		}
	}
	/* The spec's seccomp programs are loaded by the exec's last step
	 * (unotify_opts.filters): loaded here, they would bind the steps
	 * the sentry has this task run for the exec too. */
	extern char **environ;
	environ = program_envp ? program_envp : spec->envp;
	char **argv = spec->argv;
	const char *file = argv[0];
	if (spec->argv0)
		argv[0] = spec->argv0;
	execvp(file, argv);
	/* The spec's filters are in: nothing here may need a syscall. */
	exec_fail_die(program_exec_fail, errno);
	return 1; /* not reached */
}

/* The namespaces' ids as the sandbox starts (--info-fd). */
static uint64_t initial_ns_id(void *sentry, const char *name)
{
	return sentry_ns_id(sentry, 0, name);
}

/* --lock-file, as the kernel backend takes them: each file opened as the
 * program would open it, under an open-file-description read lock the
 * sentry holds while the sandbox runs (a host file's lock is seen from
 * outside). The fds go in *ret. */
static int take_locks(struct sentry *s, const struct spec *spec, int **ret, size_t *n,
		      struct veil_error **err)
{
	size_t want = 0;
	while (spec->lock_files && spec->lock_files[want])
		want++;
	*ret = xcalloc(want ? want : 1, sizeof(int));
	for (size_t i = 0; i < want; i++) {
		const char *path = spec->lock_files[i];
		struct vfs_file *f;
		int r = sentry_open_initial(s, path, O_RDONLY, &f);
		int fd = r < 0 ? r : vfs_file_take_host_fd(f);
		if (r == 0)
			vfs_file_put(f);
		if (fd < 0)
			return verr_set(err, -fd, "Unable to open lock file %s", path);
		(*ret)[(*n)++] = fd;
		struct flock lock = {.l_type = F_RDLCK, .l_whence = SEEK_SET};
		if (fcntl(fd, F_OFD_SETLK, &lock) != 0)
			return verr_set(err, errno, "Unable to lock file %s", path);
	}
	return 0;
}

/* bubblewrap's cwd: --chdir's, which must work; else the caller's, when
 * it exists inside; else $HOME (from the program's environment); else /.
 * *pwd is set to the one taken: the program's PWD, as bubblewrap sets it
 * (after --clearenv too). */
static int set_initial_cwd(struct sentry *s, const struct spec *spec, const char **pwd,
			   struct veil_error **err)
{
	static char cwd[PATH_MAX];
	if (spec->chdir) {
		int r = sentry_chdir_initial(s, spec->chdir);
		*pwd = spec->chdir;
		return r < 0 ? verr_set(err, -r, "Can't chdir to %s", spec->chdir) : 0;
	}
	*pwd = cwd;
	if (getcwd(cwd, sizeof(cwd)) && sentry_chdir_initial(s, cwd) == 0)
		return 0;
	for (char **e = spec->envp; e && *e; e++)
		if (strncmp(*e, "HOME=", 5) == 0 && sentry_chdir_initial(s, *e + 5) == 0) {
			*pwd = *e + 5;
			return 0;
		}
	*pwd = "/";
	return 0; /* the root */
}

int emulate_run(const struct spec *spec, struct veil_error **err)
{
	/* --die-with-parent: veil, the sentry, dies with its parent, and its
	 * tracees with it (PTRACE_O_EXITKILL). A parent gone before the prctl
	 * left veil an orphan already: getppid tells. */
	if (spec->die_with_parent) {
		pid_t parent = getppid();
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
			return verr_set(err, errno, "cannot set the parent-death signal");
		if (getppid() != parent)
			raise(SIGKILL);
	}
	bool scope;
	if (check_kernel(err) < 0 || check_request(spec, err) < 0 ||
	    landlock_check(&scope, err) < 0)
		return -1;

	/* The sentry holds an fd per handed-out file it still tracks, per
	 * shadow it opens and per tracee thread (pidfd): the soft limit of
	 * 1024 is too low for a large build; the hard limit is the caller's. */
	struct rlimit nofile;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
		program_nofile = nofile;
		nofile.rlim_cur = nofile.rlim_max;
		setrlimit(RLIMIT_NOFILE, &nofile);
	}
	/* hostfs keeps an fd per cached inode: let its cache use at most
	 * half of what the limit leaves after the sentry's other fds. */
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != RLIM_INFINITY &&
	    nofile.rlim_cur < 2 * 4096 + 512)
		vfs_set_cache_limit(nofile.rlim_cur > 512 ? (unsigned)(nofile.rlim_cur - 512) / 2
							   : 16);
	/* The sentry first: --proc shows its tasks. */
	struct sentry s;
	int r = sentry_init(&s, spec);
	if (r < 0)
		return verr_set(err, -r, "cannot start the sentry");
	struct vfs_mount *root;
	if (vfs_setup_build(spec, &s, &root, err) < 0) {
		sentry_fini(&s);
		return -1;
	}
	s.fs = &sentry_vfs_fs_ops;
	mode_t mask = umask(022);
	umask(mask);
	r = sentry_attach_vfs(&s, root, mask);
	if (r < 0) {
		vfs_mount_tree_put(root);
		sentry_fini(&s);
		return verr_set(err, -r, "cannot start the sentry");
	}
	const char *pwd;
	if (set_initial_cwd(&s, spec, &pwd, err) < 0) {
		sentry_fini(&s);
		return -1;
	}

	/* The program's fds on the terminal stand for /dev/console. */
	r = device_console_map(&s);
	if (r < 0) {
		sentry_fini(&s);
		return verr_set(err, -r, "cannot map the console");
	}

	_cleanup_free_ int *locks = NULL;
	size_t n_locks = 0;
	if (take_locks(&s, spec, &locks, &n_locks, err) < 0) {
		for (size_t i = 0; i < n_locks; i++)
			close(locks[i]);
		sentry_fini(&s);
		return -1;
	}

	struct landlock_policy pol;
	landlock_policy_from_spec(spec, &pol);
	/* A --size tmpfs's data is on a real mount the program reaches by
	 * fd (and execs from): the first task opens the rule's path through
	 * the fd it inherits from the sentry. */
	for (size_t i = 0; i < s.n_data_dirs; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", s.data_dirs[i]);
		landlock_policy_add(&pol, path, LL_READ | LL_WRITE);
	}
	pol.scope = scope;
	/* The filesystem backstop needs Landlock at all; without it (waived
	 * above) the sentry's filter is the only wall. */
	pol.fs = landlock_abi() >= 1;
	struct unotify_opts opts = {.landlock = &pol, .filters = spec->seccomp,
				    .n_filters = spec->n_seccomp,
				    .init = (spec->unshare & SPEC_NS_PID) && !spec->as_pid_1,
				    .net = (spec->unshare & SPEC_NS_NET) != 0};
	struct unotify u;
	program_envp = strv_copy(spec->envp);
	strv_setenv(&program_envp, "PWD", pwd);
	program_exec_fail = exec_fail_new();
	r = unotify_spawn(&u, &s, &opts, first_task, (void *)spec, err);
	landlock_policy_free(&pol);
	int status = -1;
	if (r == 0) {
		/* The sentry protects itself from the program it serves (same
		 * uid): no ptrace, /proc/<pid>/mem, process_vm_readv or
		 * pidfd_getfd against it. Set only now: the first task, forked
		 * before, had to be seizable; its exec makes it dumpable again,
		 * so the sentry can still read it. */
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		if (opts.init)
			s.init_tid = u.root;
		/* the namespaces the sandbox asked for, which the sentry keeps */
		unsigned ns = (spec->unshare & SPEC_NS_CGROUP ? CLONE_NEWCGROUP : 0) |
			      (spec->unshare & SPEC_NS_IPC ? CLONE_NEWIPC : 0) |
			      (spec->unshare & SPEC_NS_NET ? CLONE_NEWNET : 0) |
			      (spec->unshare & SPEC_NS_PID ? CLONE_NEWPID : 0) |
			      (spec->unshare & SPEC_NS_UTS ? CLONE_NEWUTS : 0);
		if (status_write_info_ids(spec, u.root, ns, initial_ns_id, &s, err) < 0) {
			/* bubblewrap's program never starts then: ours is
			 * stopped before it can do anything. */
			kill(u.root, SIGKILL);
			unotify_run(&u);
		} else {
			status = unotify_run(&u);
			if (u.filter_failed) {
				spec_filter_error(spec, u.filter_failed - 1, u.filter_errno, err);
				status = -1;
			} else if (exec_fail_check(program_exec_fail, spec, err) < 0) {
				status = -1;
			} else {
				status_write_exit(spec, status);
			}
		}
	}
	unotify_fini(&u);
	exec_fail_free(program_exec_fail);
	program_exec_fail = NULL;
	for (size_t i = 0; i < n_locks; i++)
		close(locks[i]);
	/* veil exits next: its inotify instance must not make it wait. */
	sentry_watches_release();
	sentry_fini(&s);
	strv_free(program_envp);
	program_envp = NULL;
	return status;
}
