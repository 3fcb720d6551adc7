/* procfs internals, grouped by file.
 *
 * Invariants:
 *   - The sb is not pinned: every name is looked up (dir.c) and cached
 *     dentries are revalidated per walk, so a task or fd that went away
 *     disappears (revalidate asks the source / the host again).
 *   - An inode knows what it stands for (kind, tgid, tid, fd, entry) and
 *     nothing else; contents are made at open (file.c) from the source
 *     and the host's /proc/<tid>, never kept.
 *   - No host fd of the host's proc outlives a call: files are copied
 *     into memfds, directories are listed and closed. */
#ifndef VEIL_FS_PROC_PRIVATE_H
#define VEIL_FS_PROC_PRIVATE_H

#include <stdarg.h>
#include <stddef.h>

#include "fs/proc/procfs.h"
#include "vfs/fs_ops.h"

enum proc_kind {
	PK_ROOT,      /* /proc */
	PK_PID,       /* /proc/<pid> (tid may name a non-leader thread) */
	PK_TASKS,     /* /proc/<pid>/task */
	PK_TID,       /* /proc/<pid>/task/<tid> */
	PK_FDS,       /* <pid>/fd */
	PK_FDINFOS,   /* <pid>/fdinfo */
	PK_NSDIR,     /* <pid>/ns */
	PK_HOSTDIR,   /* sys/, irq/, bus/: the host's, read-only */
	PK_SELF,      /* self -> <tgid> */
	PK_THREAD_SELF,
	PK_LINK,      /* a fixed link (mounts -> self/mounts) */
	PK_TASK_LINK, /* cwd, root, exe */
	PK_FD,	      /* fd/<n> */
	PK_NS,	      /* ns/<name>: the host's text, nothing to follow */
	PK_TASK_FILE, /* a generated per-task file */
	PK_FDINFO,    /* fdinfo/<n> */
	PK_GLOBAL,    /* a copy of the host's /proc/<name> */
	PK_MASKED,    /* kcore, keys, timer_list: empty */
	PK_HOSTFILE,  /* a file under a PK_HOSTDIR */
	PK_FD_OBJECT, /* what fd/<n> leads to when it is the program's own
		       * pipe or file (VFS_I_FOREIGN, an anonymous dentry) */
};

/* For the switches over directory kinds (-Werror=switch-enum). */
#define PK_CASES_NOT_DIR                                                                      \
	case PK_SELF:                                                                         \
	case PK_THREAD_SELF:                                                                  \
	case PK_LINK:                                                                         \
	case PK_TASK_LINK:                                                                    \
	case PK_FD:                                                                           \
	case PK_NS:                                                                           \
	case PK_TASK_FILE:                                                                    \
	case PK_FDINFO:                                                                       \
	case PK_GLOBAL:                                                                       \
	case PK_MASKED:                                                                       \
	case PK_HOSTFILE:                                                                     \
	case PK_FD_OBJECT

struct proc_gen; /* a file being generated (file.c) */

struct proc_entry {
	const char *name;
	enum proc_kind kind;
	mode_t mode; /* permission bits */
	/* PK_TASK_FILE: fills g. PK_TASK_LINK: which link (name). */
	int (*gen)(struct proc_gen *g);
	const char *target; /* PK_LINK */
	/* PK_TASK_FILE the kernel lets a task write (comm, oom_score_adj):
	 * a write open gets the host's own file (file.c), VFS_I_HOST_WRITE. */
	bool host_write;
};

struct proc_inode {
	struct vfs_inode vi;
	enum proc_kind kind;
	pid_t tgid, tid;
	int fd;
	const struct proc_entry *ent;
	char *rel; /* PK_GLOBAL, PK_HOSTDIR, PK_HOSTFILE: path below host proc */
};

struct proc_sb {
	struct vfs_sb vsb;
	struct procfs_opts opts;
	char *host_proc;
	uint64_t next_ino;
};

static inline struct proc_inode *PROC_I(struct vfs_inode *i)
{
	return container_of(i, struct proc_inode, vi);
}

static inline struct proc_sb *PROC_SB(struct vfs_sb *sb)
{
	return container_of(sb, struct proc_sb, vsb);
}

/* super.c */
/* A new inode of `kind` (one reference); `rel` is copied. */
int proc_new_inode(struct vfs_sb *sb, enum proc_kind kind, mode_t mode, pid_t tgid, pid_t tid,
		   const char *rel, struct vfs_inode **ret);

/* dir.c */
extern const struct vfs_inode_ops proc_dir_iops;
extern const struct vfs_file_ops proc_dir_fops;
extern const struct vfs_inode_ops proc_link_iops;
extern const struct vfs_inode_ops proc_file_iops;

/* file.c: generated contents */
struct proc_gen {
	struct proc_sb *sb;
	struct proc_inode *pi;
	struct procfs_task task; /* the target task (per-task files) */
	char *buf;
	size_t len, cap;
	int err; /* ENOMEM while appending */
};
extern const struct vfs_file_ops proc_file_fops;
void proc_printf(struct proc_gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void proc_put(struct proc_gen *g, const char *s, size_t n);
/* "<host proc>/" then fmt into buf: 0, or -ENAMETOOLONG. Every host path
 * procfs opens is made here. */
int proc_host_path(struct proc_sb *sb, char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Reads the host's <host proc>/<tid>/<name> (tid 0: <host proc>/<name>)
 * into a malloc'd NUL-terminated buffer (*ret, length returned). */
ssize_t proc_read_host(struct proc_sb *sb, pid_t tid, const char *name, char **ret);
/* Appends a copy of that host file to g (per-task, global, sys/). */
int proc_put_host(struct proc_gen *g, pid_t tid, const char *name);

/* task.c: the per-task entries */
extern const struct proc_entry proc_pid_entries[];
extern const size_t proc_n_pid_entries;
/* The location cwd, root or exe of pi's task stands for (new references). */
int proc_task_link(struct proc_sb *sb, struct proc_inode *pi, struct vfs_path *ret);

/* mounts.c */
int proc_gen_mountinfo(struct proc_gen *g);
/* cgroup.c: /proc/<pid>/cgroup, relative to opts.cgroup_root if set. */
int proc_gen_cgroup(struct proc_gen *g);
/* `path` as seen from a cgroup namespace rooted at `root` (both absolute):
 * its length, -EINVAL, or -ENAMETOOLONG. */
int proc_cgroup_rel(const char *root, const char *path, char *buf, size_t size);
int proc_gen_mounts(struct proc_gen *g);
int proc_gen_mountstats(struct proc_gen *g);

#endif
