/* The sentry: the emulated kernel behind the emulate backend. It holds
 * everything it knows about the program — its tasks and their credentials,
 * and (with the VFS) its filesystem view — and serves the syscalls a
 * platform traps.
 *
 * Single-threaded: one event loop (the platform's) calls in; nothing here
 * blocks on the program. */
#ifndef VEIL_SENTRY_H
#define VEIL_SENTRY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sentry/platform.h"
#include "sentry/kernel/creds.h"
#include "spec/spec.h"
#include "vfs/vfs.h"

/* A mount namespace: the VFS mount tree its tasks see (the sandbox's
 * first, and each unshare(CLONE_NEWNS)'s copy: sentry/kernel/mntns.c),
 * named by the tree's root mount; id is what /proc/<pid>/ns/mnt shows. */
struct sentry_mntns {
	int refs;
	struct vfs_mount *base;
	uint64_t id;
};

/* What CLONE_FS shares, as the kernel's fs_struct: root, cwd and umask,
 * and (as the kernel's nsproxy would) the mount namespace they are in.
 * The credentials in ctx are the calling task's, refreshed on every use. */
struct sentry_fs {
	int refs;
	struct vfs_ctx ctx;
	struct sentry_mntns *ns;
};

/* What a task runs, for /proc (sentry/kernel/task_image.c): set by a
 * successful exec, shared by reference between the tasks that inherit it
 * (fork, threads) and never changed once made. */
struct sentry_image {
	int refs;
	struct vfs_path exe;	/* the program (for a script, its interpreter) */
	struct vfs_path interp; /* the ELF interpreter ld.so, or nothing */
	char comm[16];		/* the basename of the path exec'd, as the kernel's */
	char host_comm[16];	/* what the host called it right after the exec */
	bool via_ldso;		/* started as LDSO --argv0 ARGV0 PATH ARGS... */
};

/* An address space, shared by the tasks a clone with CLONE_VM made
 * (threads, vfork): `users` counts its live tasks that may run while
 * another is in a trapped call, `refs` the tasks pointing at it; `id`
 * names it for the platform (never reused). A task alone in its address
 * space cannot hold the mmap_lock a copy of its memory takes while it is
 * in a trapped call; with other users it can (platform/copier.h). A
 * vfork child refers to its parent's but is no user of it: the parent
 * waits (not holding the lock) until the child execs or exits, and the
 * child's own copies wait only for the parent's other threads. */
struct sentry_mm {
	int refs, users;
	uint64_t id;
};

struct sentry_task {
	pid_t tid;
	struct sentry_mm *mm; /* NULL only when it could not be made */
	bool mm_user;         /* counted in mm->users (not a vfork child) */
	pid_t tgid; /* 0 until asked (sentry_task_tgid) */
	struct creds creds; /* per thread, as in Linux */
	struct sentry_fs *fs; /* NULL without a VFS; shared under CLONE_FS */
	/* A clone(CLONE_NEWNS) under way: the fs (in a copy of the mount
	 * namespace) its child gets at its creation (sys_mount.c) */
	struct sentry_fs *clone_fs;
	struct sentry_image *image;	    /* NULL before the first exec */
	struct sentry_image *exec_pending; /* an exec under way, until its event */
	/* --unshare-pid (sentry/kernel/pidns.h): its number in the sandbox's
	 * namespace (0 without one); the address its clone's
	 * CLONE_CHILD_SETTID named (where the kernel wrote the host tid, and
	 * the sentry writes vtid at its first stop), else 0; and the call
	 * whose result waits for its syscall-exit stop (exit_nr -1: none). */
	pid_t vtid;
	uint64_t settid_at;
	pid_t fork_child; /* the number of the child its clone is making */
	int exit_nr;
	uint64_t exit_args[6];
	struct sentry_task *next; /* hash chain */
};

struct sentry;

/* How the sentry reaches the sandbox's files. The emulate backend plugs the
 * VFS in; the platform's unit tests plug in a host directory. */
struct sentry_fs_ops {
	/* Opens the file execveat(dirf, path, flags) would run, as task `t`
	 * sees it (dirf NULL: its cwd; flags AT_EMPTY_PATH and
	 * AT_SYMLINK_NOFOLLOW): resolves it, checks search permission on the
	 * way, exec permission and a mount that allows exec. Returns an fd
	 * (O_RDONLY|O_CLOEXEC) on the backing host file, owned by the caller,
	 * or -errno: ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EACCES (not a
	 * regular file, no exec permission, noexec mount)... `where` (may be
	 * NULL) gets the file's location, followed, with a reference, or
	 * {0} from a filesystem without locations. */
	int (*open_exec)(struct sentry *s, struct sentry_task *t, struct vfs_file *dirf,
			 const char *path, int flags, struct vfs_path *where);
};

/* open_exec through the sentry's VFS (sentry_attach_vfs). */
extern const struct sentry_fs_ops sentry_vfs_fs_ops;

#define SENTRY_STATS_NR 512 /* x86_64 syscall numbers stay below */

struct sentry {
	const struct sentry_fs_ops *fs;
	void *fs_priv;
	struct sentry_task **buckets; /* tid -> task, chained */
	size_t n_buckets;
	size_t n_tasks;
	struct creds initial;         /* the creds of the first task */
	struct sentry_mntns *mntns;   /* the sandbox's first mount namespace, or NULL */
	uint64_t next_mntns_id;       /* for the next unshare(CLONE_NEWNS) */
	struct sentry_fs *initial_fs; /* root, cwd and umask of the first task */
	struct fdmap *files;          /* the program's open files, by host identity */
	struct shadows *shadows;      /* real objects behind directory and O_PATH fds */
	struct sock_entry *sockets;   /* VFS socket inodes -> real sockets (sys_socket.c) */
	struct inet_net *net;         /* --unshare-net: the sandbox's inet sockets (net/inet.h) */
	struct ipcns *ipc;            /* --unshare-ipc: the sandbox's SysV objects (ipcns.h) */
	struct mqns *mq;              /* ... and its POSIX queues' names (mqns.h) */
	size_t files_swept;           /* fdmap size after the last sweep */
	/* Real directories holding file data the program reaches natively
	 * (every tmpfs's data files: a --size tmpfs's backing mount, or a
	 * directory in the scratch directory): borrowed fds, for Landlock. */
	int *data_dirs;
	size_t n_data_dirs;
	/* --unshare-pid: the sandbox's pid namespace, else NULL; the host
	 * tid of the sandbox's own init (pid 1 unless --as-pid-1), else 0 */
	struct pidns *pidns;
	pid_t init_tid;
	/* --unshare-uts: the sandbox's own names (sys_uts.c), with uts_own */
	bool uts_own;
	char nodename[65], domainname[65];
	/* The namespaces the sentry keeps for the sandbox (its mount
	 * namespace always, and each one unshared), as the inode numbers
	 * /proc/<pid>/ns/<name> shows and --info-fd tells: by
	 * sentry_ns_names' order, 0 where the sandbox shares the host's. */
	uint64_t ns_ids[7];
	/* --unshare-cgroup: /proc/self/cgroup as the sandbox started, the
	 * roots of its cgroup namespace (fs/proc/cgroup.c); NULL otherwise */
	char *cgroup_root;
	/* --unshare-user: the sandbox's user namespace maps its ids to the
	 * caller's, one each, and denies setgroups, as bubblewrap writes
	 * them (procfs's uid_map, gid_map, setgroups); else all NULL, false */
	bool setgroups_denied;
	char uid_map[40], gid_map[40];
	/* VEIL_STATS=1: what the program made the sentry do, told at the end
	 * (sentry_stats_print): served calls by number with the time spent
	 * serving them, and ptrace stops. */
	bool stats;
	/* The platform's answers are never lost to a signal: once the sentry
	 * holds a call, only a fatal one ends the task's wait (unotify with
	 * SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, Linux 5.19; the ptrace
	 * platform). A handler may then do what the call does before it
	 * answers (sentry/net/inet_recv.c takes a message off its queue). */
	bool answers_kept;
	uint64_t stats_calls[SENTRY_STATS_NR];
	uint64_t stats_ns[SENTRY_STATS_NR];
	uint64_t stats_stops;
};

/* The sentry for `spec`: the first task gets the spec's uid/gid, and as
 * uid 0 the capabilities the spec keeps (all by default). 0 or -errno. */
int sentry_init(struct sentry *s, const struct spec *spec);
void sentry_fini(struct sentry *s);
/* With VEIL_STATS set: one line on stderr with the calls served, the
 * busiest first, each with its mean time in the sentry (from dispatch to
 * the reply; a handler that replies itself, an fd handover, counts its
 * reply), and the ptrace stops. */
void sentry_stats_print(const struct sentry *s);

/* The namespace `name` (as /proc/<pid>/ns names them: "mnt", "ipc",
 * "pid_for_children"...) of the sandbox's own: its id, or 0 where the
 * sandbox shares the host's. `sentry` is a struct sentry. */
uint64_t sentry_ns_id(void *sentry, pid_t tid, const char *name);

/* Gives the sentry its filesystem: the mount tree (the sentry takes the
 * reference) and the first task's umask; its cwd is the root. 0 or -errno. */
int sentry_attach_vfs(struct sentry *s, struct vfs_mount *root, mode_t umask);
/* A task's fs_struct: a copy of its own (new references; NULL), and the
 * dropping of a reference. */
struct sentry_fs *sentry_fs_copy(const struct sentry_fs *from);
void sentry_fs_put(struct sentry_fs *f);
/* Moves the first task's cwd, with its credentials: vfs_chdir's result. */
int sentry_chdir_initial(struct sentry *s, const char *path);
/* Records a data directory (borrowed: its filesystem owns the fd). 0 or
 * -ENOMEM. */
int sentry_add_data_dir(struct sentry *s, int fd);
/* A new directory in the sentry's scratch directory (made now if need be)
 * for a tmpfs instance's data files, recorded as a data directory: an fd
 * for tmpfs_opts.data_dir (which the instance then owns), or -errno. */
int sentry_tmpfs_data_dir(struct sentry *s);
/* Opens path as the first task would (its ids, root and cwd), for what
 * the sentry does on the program's behalf before it runs (--lock-file). */
int sentry_open_initial(struct sentry *s, const char *path, int flags, struct vfs_file **ret);

/* The calling task's VFS context with its current credentials, or NULL
 * when the sentry has no filesystem. */
struct vfs_ctx *sentry_task_vfs(struct sentry_task *t);

/* task_image.c */
void sentry_image_put(struct sentry_image *im);
/* The exec of task tid succeeded (PTRACE_EVENT_EXEC, after any tid
 * change): what it was started with becomes what it runs. */
void sentry_task_exec_done(struct sentry *s, pid_t tid);
/* The exec of task tid failed: it goes on running what it ran, and the
 * file it tried no longer counts as running (its writes allowed again). */
void sentry_task_exec_failed(struct sentry *s, pid_t tid);
/* The thread group of t, from the host (a tid keeps it for life). */
pid_t sentry_task_tgid(struct sentry_task *t);

/* procfs_source.c: what /proc shows of the sandbox (fs/proc/procfs.h);
 * the source's `src` is the sentry. */
extern const struct procfs_source_ops sentry_procfs_source_ops;
/* ... and with the sandbox's pid namespace (--unshare-pid). */
extern const struct procfs_source_ops sentry_procfs_pidns_source_ops;
/* The number the sandbox sees for host pid `host` (0: none of its
 * processes under --unshare-pid); `sentry` is a struct sentry. */
pid_t sentry_pid_to_ns(void *sentry, pid_t host);
/* ... and of a process gone, the number it had (pidns_to_ns_past): the
 * pids SysV objects keep. */
pid_t sentry_pid_to_ns_past(void *sentry, pid_t host);

/* Process events from the platform. A new task copies its creator's
 * credentials, and shares its root/cwd/umask with SENTRY_SHARE_FS
 * (CLONE_FS) or gets a copy; `parent` 0 means the first task. 0 or -errno. */
#define SENTRY_SHARE_FS 1u
/* The new task is a thread of its creator's group (CLONE_THREAD). */
#define SENTRY_THREAD 2u
/* A non-leader thread's exec: the task re-made under the leader's tid
 * keeps the process's number in the pid namespace. */
#define SENTRY_KEEP_PID 4u
/* The new task shares its creator's address space (CLONE_VM), and with
 * SENTRY_VFORK its creator waits for it (CLONE_VFORK). */
#define SENTRY_SHARE_VM 8u
#define SENTRY_VFORK 16u
int sentry_task_new(struct sentry *s, pid_t tid, pid_t parent, unsigned flags);
void sentry_task_exit(struct sentry *s, pid_t tid);
struct sentry_task *sentry_task_find(struct sentry *s, pid_t tid);
/* Task tid's address space: its id in *id, and whether another live task
 * uses it too (also true for a task the sentry does not know, with an id
 * of its own). */
bool sentry_task_mm_shared(struct sentry *s, pid_t tid, uint64_t *id);
/* t exec'd: an address space of its own. */
void sentry_task_new_mm(struct sentry_task *t);

/* Before the fd map grows further: when it has doubled since the last
 * sweep, drop the entries no fd of any task holds any more (read from
 * /proc/<tid>/fd), so a long run does not pin every file it ever opened. */
void sentry_files_gc(struct sentry *s);
/* For veil about to exit: hostfs's inotify instance goes to a child that
 * dies with veil (PR_SET_PDEATHSIG) and pays the kernel's teardown wait
 * (hostfs_watch_release), so the sandbox's exit does not. */
void sentry_watches_release(void);
/* The same sweep now, whatever the map's size: before a host object the
 * map holds for one VFS file is handed out for another (an overlay's
 * lower file, also reachable through the lower's own bind), so an entry
 * no fd holds any more does not stand for the new one. */
void sentry_files_sweep(struct sentry *s);

/* Whether fewer than SENTRY_FD_RESERVE fds are left below the sentry's
 * RLIMIT_NOFILE. What the program holds open costs the sentry fds too (a
 * bound host file's O_PATH inode fd, a directory's fd): past this point
 * an open gets ENFILE (sys_open.c), so that the fds the sentry needs to serve
 * everything else (a stat's lookup, an exec, the fd map's sweep) are
 * always there. */
#define SENTRY_FD_RESERVE 32
bool sentry_fds_low(void);

/* sock_addr.c: forgets the sandbox's bound unix sockets. */
void sentry_sockets_free(struct sentry *s);
/* sock_wait.c: a signal is being delivered to task `tid` (its ptrace
 * signal-delivery stop, before it runs on): the kernel has dropped any
 * notification it was waiting in, so the waiters making a blocking socket
 * call for it are killed (and waited for) now. */
void sentry_task_signal(struct sentry *s, pid_t tid);

/* sys_procs.c: signal `sig` is about to be delivered to task `tid` (its
 * signal-delivery stop): whether the namespace's init (the program as
 * pid 1, --as-pid-1) would have it discarded, as the kernel discards a
 * signal at its default action for an unkillable init. */
bool sentry_init_discards(struct sentry *s, pid_t tid, int sig);

/* sys_pidns.c: at the syscall-exit stop ops->at_exit asked for (or a
 * fork's, under --unshare-pid), with call->nr and call->args as the call
 * was made: the result the tracee gets for `ret`, the host's (a result
 * the kernel restarts the call for is passed too, and kept). */
long sentry_syscall_exit(struct sentry *s, struct platform_call *call, long ret);

/* Serves one trapped call and answers it through call->ops. */
void sentry_dispatch(struct sentry *s, struct platform_call *call);

#endif
