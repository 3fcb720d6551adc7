/* procfs: a private /proc for a sandbox. It shows only the sandbox's own
 * processes and serves everything read-only. What it knows about them
 * comes from whoever mounts it, through struct procfs_source_ops (the
 * sentry in the emulate backend, a fake in the unit tests): fs/ never
 * knows the sentry.
 *
 * Pids are the host's unless the source has a pid namespace (to_ns):
 * then names, links and every pid field show the namespace's numbers,
 * while inodes keep host tids. The per-task files the kernel keeps (stat, status,
 * maps...) are read from the host's /proc/<tid> by the filesystem itself,
 * then rewritten to the sandbox's view (its comm, parent, credentials,
 * umask, paths). The parent shown is the host's parent when that is a
 * task of the sandbox, else 0 (as for a pid namespace's init). A file's content is generated at open into a sealed
 * memfd reopened read-only (a snapshot, as a seq_file read from offset 0):
 * the program never gets a host procfs fd but for a write open of the
 * few files a task may write (comm, oom_adj, oom_score_adj), which gets
 * the host's own file of that task, opened with the program's privilege
 * (the kernel checks each write against the writer). */
#ifndef VEIL_FS_PROCFS_H
#define VEIL_FS_PROCFS_H

#include <stdint.h>
#include <sys/types.h>

#include "vfs/vfs.h"

#define PROCFS_MAGIC_NUMBER 0x9fa0

/* What the source says about one task of the sandbox. */
struct procfs_task {
	pid_t tgid;
	uid_t uid[4];		  /* real, effective, saved, fs */
	gid_t gid[4];
	int ngroups;
	gid_t groups[VFS_NGROUPS_MAX];
	uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
	/* The comm the sandbox's exec gave it, and what the host's comm was
	 * right after (the kernel named it after the sentry's fd): while the
	 * host's is still that, `comm` is shown; once the program renames
	 * itself (prctl PR_SET_NAME), the host's. "" and "": the host's. */
	char comm[16];
	char host_comm[16];
	/* The program was started through its ELF interpreter as
	 * `LDSO --argv0 ARGV0 PATH ARGS...` (the sentry's exec): cmdline shows
	 * `ARGV0 ARGS...` as the kernel would have. */
	int via_ldso;
};

/* Every method takes the source's `src`; tids are host tids. Strings go
 * to buf (size bytes, NUL-terminated); the return is the length without
 * the NUL, or -errno (ERANGE when buf is too small). */
struct procfs_source_ops {
	/* The thread group ids of the sandbox, ascending: fills up to n of
	 * them into buf and returns how many there are. */
	size_t (*tgids)(void *src, pid_t *buf, size_t n);
	/* The threads of tgid, ascending, as tgids (0 if tgid is none). */
	size_t (*threads)(void *src, pid_t tgid, pid_t *buf, size_t n);
	/* 0 and *ret if tid is a task of the sandbox, else -ESRCH. */
	int (*task)(void *src, pid_t tid, struct procfs_task *ret);
	/* The task's VFS context (root, cwd, umask, credentials), borrowed
	 * until the next call into the source; NULL if tid is none. */
	struct vfs_ctx *(*ctx)(void *src, pid_t tid);
	/* /proc/<tid>/exe: the program's location (new references).
	 * -ENOENT before the first exec. */
	int (*exe)(void *src, pid_t tid, struct vfs_path *ret);
	/* /proc/<tid>/fd/<fd>: the location of the VFS file it is (new
	 * references); -EXDEV for the program's own object (a pipe, a
	 * socket, a file inherited from outside); -ENOENT if fd is not
	 * open. */
	int (*fd_file)(void *src, pid_t tid, int fd, struct vfs_path *ret);
	/* For an -EXDEV fd: the kernel's name of the object ("pipe:[123]"). */
	int (*fd_name)(void *src, pid_t tid, int fd, char *buf, size_t size);
	/* For an -EXDEV fd: a new host fd on the same object, as an open of
	 * /proc/<pid>/fd/<fd> gives (close-on-exec, the caller's), with the
	 * access mode and O_APPEND/O_NONBLOCK/O_TRUNC of `flags`; only pipes and
	 * regular files (ENXIO otherwise), never more than the program may. */
	int (*fd_reopen)(void *src, pid_t tid, int fd, int flags);
	/* For a write open of a task's writable file (comm, oom_score_adj):
	 * the host file `path` (the host's /proc/<tid>/...) opened with the
	 * access mode of `flags` and no more privilege than the program has,
	 * close-on-exec; -ESRCH unless tid is a task of the sandbox. May be
	 * NULL: such opens are then EROFS. */
	int (*open_as_program)(void *src, pid_t tid, const char *path, int flags);
	/* For maps: the sandbox path of the host file (dev, ino) task tid
	 * maps. -ENOENT if it is no file of the sandbox's. */
	int (*host_file)(void *src, pid_t tid, dev_t dev, ino_t ino, char *buf, size_t size);
	/* sysvipc/<name> ("shm", "msg", "sem") of an IPC namespace of the
	 * sandbox's own: a malloc'd text in *ret and its length, or -errno;
	 * -ENODATA (or a NULL method): the sandbox shares the host's, whose
	 * file is shown. */
	ssize_t (*sysvipc)(void *src, const char *name, char **ret);
	/* ns/<name>: the id of the sandbox's own namespace `name` (the
	 * source keeps it: the emulate backend's sentry), or 0 (or a NULL
	 * method): the host's, read from the host's link. */
	uint64_t (*ns_id)(void *src, pid_t tid, const char *name);
	/* net/<name> of a network namespace of the sandbox's own: a malloc'd
	 * text in *ret and its length, or -errno; -ENODATA (or a NULL
	 * method): the sandbox shares the host's, whose file is shown. With
	 * name NULL: 0 if the sandbox has a network of its own. */
	ssize_t (*net_file)(void *src, const char *name, char **ret);
	/* A pid namespace of the sandbox's own (may be NULL: none, the
	 * host's numbers are the sandbox's). tgids and threads then list the
	 * namespace's numbers; every other method takes host tids. to_ns: the
	 * namespace's number for a host pid, 0 for one outside it; to_host:
	 * the host tid for a number of the namespace, 0 for none; last_pid:
	 * the last number it gave (loadavg's last field). */
	pid_t (*to_ns)(void *src, pid_t host);
	pid_t (*to_host)(void *src, pid_t v);
	pid_t (*last_pid)(void *src);
};

struct procfs_opts {
	const struct procfs_source_ops *ops;
	void *src;
	const char *host_proc; /* the host's proc, NULL: "/proc" */
	/* The sandbox's own names (a uts namespace of its own), shown as
	 * sys/kernel/hostname and domainname, read at each open; NULL: the
	 * host's. Borrowed: they outlive the instance. */
	const char *hostname, *domainname;
	/* A cgroup namespace of its own: the text of /proc/self/cgroup when
	 * the sandbox started, whose paths are the namespace's roots; NULL:
	 * the host's view. Borrowed, as the names. */
	const char *cgroup_root;
	/* The user namespace's /proc/<pid>/{uid_map,gid_map,setgroups}, as
	 * the kernel prints them; NULL: the initial namespace's ("0 0
	 * 4294967295", "allow"). Borrowed, as the names. */
	const char *uid_map, *gid_map, *setgroups;
};

/* A new instance with one reference for the caller (vfs_sb_put). -ENOMEM. */
int procfs_new(const struct procfs_opts *opts, struct vfs_sb **ret);

#endif
