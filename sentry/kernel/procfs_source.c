/* The sentry as procfs's source (fs/proc/procfs.h): which tasks the
 * sandbox has, what each runs and holds, as the sandbox sees it. Pids
 * are host tids, but for the listings under --unshare-pid, which give
 * the sandbox's pid namespace's numbers (sentry/kernel/pidns.h).
 *
 * fd and maps names come from the fd map: a host object the sentry
 * handed over (a file's backing fd, a directory's shadow) names its VFS
 * file; anything else is the program's own and shows the kernel's name
 * for it (pipe:[…], socket:[…], a file inherited from outside). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs/proc/procfs.h"
#include "sentry/kernel/fdmap.h"
#include "sentry/kernel/ipcns.h"
#include "sentry/net/inet.h"
#include "sentry/kernel/host_act.h"
#include "sentry/kernel/pidns.h"
#include "sentry/kernel/sentry.h"

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

/* Every task's tid (threads: tgid == want) or thread group id (want 0),
 * ascending, without repeats; the namespace's numbers under a pid
 * namespace. */
static size_t collect(struct sentry *s, pid_t want, pid_t *buf, size_t n)
{
	pid_t *all = malloc((s->n_tasks + 1) * sizeof(*all));
	if (!all)
		return 0;
	size_t k = 0;
	for (size_t b = 0; b < s->n_buckets; b++)
		for (struct sentry_task *t = s->buckets[b]; t; t = t->next) {
			pid_t g = sentry_task_tgid(t);
			pid_t v = s->pidns ? pidns_to_ns(s->pidns, want ? t->tid : g) : want ? t->tid : g;
			if (v > 0 && (want == 0 || g == want))
				all[k++] = v;
		}
	qsort(all, k, sizeof(*all), cmp_pid);
	size_t u = 0;
	for (size_t i = 0; i < k; i++)
		if (u == 0 || all[u - 1] != all[i])
			all[u++] = all[i];
	memcpy(buf, all, (u < n ? u : n) * sizeof(*buf));
	free(all);
	return u;
}

static size_t src_tgids(void *src, pid_t *buf, size_t n)
{
	return collect(src, 0, buf, n);
}

static size_t src_threads(void *src, pid_t tgid, pid_t *buf, size_t n)
{
	return collect(src, tgid, buf, n);
}

static int src_task(void *src, pid_t tid, struct procfs_task *ret)
{
	struct sentry_task *t = sentry_task_find(src, tid);
	if (!t)
		return -ESRCH;
	memset(ret, 0, sizeof(*ret));
	const struct creds *c = &t->creds;
	ret->tgid = sentry_task_tgid(t);
	ret->uid[0] = c->ruid, ret->uid[1] = c->euid, ret->uid[2] = c->suid, ret->uid[3] = c->fsuid;
	ret->gid[0] = c->rgid, ret->gid[1] = c->egid, ret->gid[2] = c->sgid, ret->gid[3] = c->fsgid;
	ret->ngroups = c->ngroups < VFS_NGROUPS_MAX ? (int)c->ngroups : VFS_NGROUPS_MAX;
	for (int i = 0; i < ret->ngroups; i++)
		ret->groups[i] = c->groups[i];
	ret->cap_inh = c->cap_inheritable;
	ret->cap_prm = c->cap_permitted;
	ret->cap_eff = c->cap_effective;
	ret->cap_bnd = c->cap_bounding;
	ret->cap_amb = c->cap_ambient;
	if (t->image) {
		memcpy(ret->comm, t->image->comm, sizeof(ret->comm));
		memcpy(ret->host_comm, t->image->host_comm, sizeof(ret->host_comm));
		ret->via_ldso = t->image->via_ldso;
	}
	return 0;
}

static struct vfs_ctx *src_ctx(void *src, pid_t tid)
{
	struct sentry_task *t = sentry_task_find(src, tid);
	return t ? sentry_task_vfs(t) : NULL;
}

/* vfs_path_name without the NUL in the count. */
static int name_of(struct vfs_ctx *c, const struct vfs_path *p, char *buf, size_t size)
{
	int r = vfs_path_name(c, p, buf, size);
	return r < 0 ? r : r - 1;
}

static int src_exe(void *src, pid_t tid, struct vfs_path *ret)
{
	struct sentry_task *t = sentry_task_find(src, tid);
	if (!t || !t->image || !t->image->exe.mnt)
		return -ENOENT;
	*ret = t->image->exe;
	vfs_path_get(ret);
	return 0;
}

struct fd_link {
	char path[64];
};

/* The host's /proc link of tid's fd. */
static struct fd_link fd_link(pid_t tid, int fd)
{
	struct fd_link l;
	snprintf(l.path, sizeof(l.path), "/proc/%d/fd/%d", (int)tid, fd);
	return l;
}

/* The host object behind tid's fd, as the sentry stat()s it. */
static int fd_stat(pid_t tid, int fd, struct stat *st)
{
	return stat(fd_link(tid, fd).path, st) < 0 ? -ENOENT : 0;
}

static int src_fd_file(void *src, pid_t tid, int fd, struct vfs_path *ret)
{
	struct sentry *s = src;
	struct stat st;
	if (!sentry_task_find(s, tid) || fd_stat(tid, fd, &st) < 0)
		return -ENOENT;
	struct vfs_file *f = s->files ? fdmap_find(s->files, st.st_dev, st.st_ino) : NULL;
	if (f) {
		*ret = *vfs_file_path(f);
		vfs_path_get(ret);
		return 0;
	}
	/* Handed over, then lost by a sweep: it names nothing now, and is
	 * not the program's own either. */
	if (s->files && fdmap_was_vfs(s->files, st.st_dev, st.st_ino))
		return -ENOENT;
	/* A directory the sentry did not make (one inherited from outside)
	 * must never be reached. */
	if (S_ISDIR(st.st_mode))
		return -ENOENT;
	return -EXDEV;
}

static int src_fd_name(void *src, pid_t tid, int fd, char *buf, size_t size)
{
	if (!sentry_task_find(src, tid))
		return -ENOENT;
	ssize_t n = readlink(fd_link(tid, fd).path, buf, size - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n == size - 1)
		return -ERANGE;
	buf[n] = '\0';
	return (int)n;
}

/* Reopens the program's own pipe or file as the kernel's /proc/<pid>/fd
 * open does, with the program's privilege (no capability of the
 * sentry's), and checks that what opened is the object looked at: an fd
 * replaced meanwhile by a directory must not be handed over. */
static int src_fd_reopen(void *src, pid_t tid, int fd, int flags)
{
	struct sentry *s = src;
	struct stat before, after;
	if (src_fd_file(s, tid, fd, &(struct vfs_path){0}) != -EXDEV || fd_stat(tid, fd, &before) < 0)
		return -ENOENT;
	if (!S_ISFIFO(before.st_mode) && !S_ISREG(before.st_mode))
		return -ENXIO;
	struct fd_link l = fd_link(tid, fd);
	struct host_privs saved;
	host_act_begin(&saved);
	int keep = O_ACCMODE | O_APPEND | O_NONBLOCK | (S_ISREG(before.st_mode) ? O_TRUNC : 0);
	/* The sentry never waits: a named fifo without a partner would block
	 * the open (a pipe's does not). Non-blocking, then as asked. */
	int h = open(l.path, (flags & keep) | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	int e = errno;
	host_act_end(&saved);
	if (h < 0)
		return -e;
	if (!(flags & O_NONBLOCK) && fcntl(h, F_SETFL, fcntl(h, F_GETFL) & ~O_NONBLOCK) < 0) {
		e = errno;
		close(h);
		return -e;
	}
	if (fstat(h, &after) < 0 || after.st_dev != before.st_dev || after.st_ino != before.st_ino ||
	    (after.st_mode & S_IFMT) != (before.st_mode & S_IFMT)) {
		close(h);
		return -ENOENT;
	}
	return h;
}

static int src_open_as_program(void *src, pid_t tid, const char *path, int flags)
{
	/* A task of the sandbox is traced by the sentry, so its tid cannot
	 * name another process until the sentry has seen it exit. */
	if (!sentry_task_find(src, tid))
		return -ESRCH;
	struct host_privs saved;
	host_act_begin(&saved);
	int h = open(path, (flags & (O_ACCMODE | O_APPEND)) | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	int e = errno;
	host_act_end(&saved);
	return h < 0 ? (e == ENOENT ? -ESRCH : -e) : h;
}

static bool same_inode(const struct vfs_path *p, dev_t dev, ino_t ino)
{
	struct vfs_inode *i = vfs_inode_by_host(dev, ino);
	return p->mnt && i && vfs_path_inode(p) == i;
}

static int src_host_file(void *src, pid_t tid, dev_t dev, ino_t ino, char *buf, size_t size)
{
	struct sentry *s = src;
	struct sentry_task *t = sentry_task_find(s, tid);
	struct vfs_ctx *c = t ? sentry_task_vfs(t) : NULL;
	if (!c)
		return -ENOENT;
	struct vfs_file *f = s->files ? fdmap_find(s->files, dev, ino) : NULL;
	if (f)
		return name_of(c, vfs_file_path(f), buf, size);
	/* The program and ld.so are mapped by the exec, from fds the
	 * sentry opened for it. */
	if (t->image && same_inode(&t->image->exe, dev, ino))
		return name_of(c, &t->image->exe, buf, size);
	if (t->image && same_inode(&t->image->interp, dev, ino))
		return name_of(c, &t->image->interp, buf, size);
	return -ENOENT;
}

pid_t sentry_pid_to_ns(void *sentry, pid_t host)
{
	struct sentry *s = sentry;
	return s->pidns ? pidns_to_ns(s->pidns, host) : host;
}

static pid_t src_to_host(void *src, pid_t v)
{
	struct sentry *s = src;
	return s->pidns ? pidns_to_host(s->pidns, v) : v;
}

pid_t sentry_pid_to_ns_past(void *sentry, pid_t host)
{
	struct sentry *s = sentry;
	return s->pidns ? pidns_to_ns_past(s->pidns, host) : host;
}

/* --unshare-net: the sandbox's network; otherwise the host's file. */
static ssize_t src_net_file(void *src, const char *name, char **ret)
{
	return inet_proc_file(src, name, ret);
}

/* --unshare-ipc: the sandbox's objects; otherwise the host's file (with
 * --unshare-pid, its pids translated). */
static ssize_t src_sysvipc(void *src, const char *name, char **ret)
{
	struct sentry *s = src;
	if (s->ipc)
		return ipcns_proc(s->ipc, name, ret, sentry_pid_to_ns_past, s);
	/* the host's objects, their pids in the pid namespace's numbers */
	return s->pidns ? ipcns_proc_host(name, ret, sentry_pid_to_ns_past, s) : -ENODATA;
}

static pid_t src_last_pid(void *src)
{
	struct sentry *s = src;
	return s->pidns ? pidns_last(s->pidns) : 0;
}

const struct procfs_source_ops sentry_procfs_source_ops = {
	.tgids = src_tgids,
	.threads = src_threads,
	.task = src_task,
	.ctx = src_ctx,
	.exe = src_exe,
	.fd_file = src_fd_file,
	.fd_name = src_fd_name,
	.fd_reopen = src_fd_reopen,
	.open_as_program = src_open_as_program,
	.host_file = src_host_file,
	.sysvipc = src_sysvipc,
	.ns_id = sentry_ns_id,
	.net_file = src_net_file,
};

/* The same with the sandbox's pid namespace (--unshare-pid). */
const struct procfs_source_ops sentry_procfs_pidns_source_ops = {
	.tgids = src_tgids,
	.threads = src_threads,
	.task = src_task,
	.ctx = src_ctx,
	.exe = src_exe,
	.fd_file = src_fd_file,
	.fd_name = src_fd_name,
	.fd_reopen = src_fd_reopen,
	.open_as_program = src_open_as_program,
	.host_file = src_host_file,
	.sysvipc = src_sysvipc,
	.ns_id = sentry_ns_id,
	.net_file = src_net_file,
	.to_ns = sentry_pid_to_ns,
	.to_host = src_to_host,
	.last_pid = src_last_pid,
};
