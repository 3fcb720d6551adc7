/* Opening a procfs file: its content is made now, into a memfd that is
 * sealed against change and handed over reopened read-only, so reads,
 * lseek and mmap run natively on a snapshot (as a seq_file read from
 * offset 0 would give) and the program never holds a host procfs fd. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/proc_fd.h"
#include "base/read_bounded.h"
#include "fs/proc/proc_private.h"

#define HOST_READ_MAX (64u << 20) /* a bound for the sentry's memory */

static void reserve(struct proc_gen *g, size_t more)
{
	if (g->err || g->len + more + 1 <= g->cap)
		return;
	size_t cap = g->cap ? g->cap : 4096;
	while (cap < g->len + more + 1)
		cap *= 2;
	char *b = realloc(g->buf, cap);
	if (!b) {
		g->err = ENOMEM;
		return;
	}
	g->buf = b;
	g->cap = cap;
}

void proc_put(struct proc_gen *g, const char *s, size_t n)
{
	reserve(g, n);
	if (g->err)
		return;
	memcpy(g->buf + g->len, s, n);
	g->len += n;
	g->buf[g->len] = '\0';
}

void proc_printf(struct proc_gen *g, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		g->err = EINVAL;
		return;
	}
	reserve(g, (size_t)n);
	if (g->err)
		return;
	va_start(ap, fmt);
	vsnprintf(g->buf + g->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	g->len += (size_t)n;
}

int proc_host_path(struct proc_sb *sb, char *buf, size_t size, const char *fmt, ...)
{
	int n = snprintf(buf, size, "%s/", sb->host_proc);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(buf + n, size - (size_t)n, fmt, ap);
	va_end(ap);
	return m < 0 || (size_t)m >= size - (size_t)n ? -ENAMETOOLONG : 0;
}

/* The host files whose read takes the task's mmap_lock (fs/proc/base.c
 * and task_mmu.c: access_remote_vm, or a walk of its page tables), which
 * the program can hold for seconds: read with a deadline, off the loop
 * (base/read_bounded.h). maps is read under per-VMA locks since Linux
 * 6.17 (measured: no wait while the lock is held; docs/sentry.md). */
static bool takes_mmap_lock(const char *name)
{
	static const char *const names[] = {"cmdline", "environ", "smaps", "smaps_rollup"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

ssize_t proc_read_host(struct proc_sb *sb, pid_t tid, const char *name, char **ret)
{
	char path[PATH_MAX];
	int n = tid ? proc_host_path(sb, path, sizeof(path), "%d/%s", (int)tid, name)
		    : proc_host_path(sb, path, sizeof(path), "%s", name);
	if (n < 0)
		return n;
	ssize_t r = tid && takes_mmap_lock(name)
			? read_bounded(path, O_NOFOLLOW, HOST_READ_MAX, ret)
			: read_whole(path, O_NOFOLLOW, HOST_READ_MAX, ret);
	return r == -ENOENT && tid ? -ESRCH : r;
}

int proc_put_host(struct proc_gen *g, pid_t tid, const char *name)
{
	char *data;
	ssize_t n = proc_read_host(g->sb, tid, name, &data);
	if (n < 0)
		return (int)n;
	proc_put(g, data, (size_t)n);
	free(data);
	return 0;
}

pid_t proc_to_ns(struct proc_sb *sb, pid_t host)
{
	return sb->opts.ops->to_ns ? sb->opts.ops->to_ns(sb->opts.src, host) : host;
}

pid_t proc_to_host(struct proc_sb *sb, pid_t v)
{
	return sb->opts.ops->to_host ? sb->opts.ops->to_host(sb->opts.src, v) : v;
}

/* A pidfd's "Pid:" and "NSpid:" lines name its process: the namespace's
 * number (-1 for one outside, as the kernel shows a process it cannot
 * name, and for one gone). */
static int proc_put_fdinfo(struct proc_gen *g, pid_t tid, const char *name)
{
	char *data;
	ssize_t n = proc_read_host(g->sb, tid, name, &data);
	if (n < 0)
		return (int)n;
	for (char *line = data, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		bool pid = strncmp(line, "Pid:", 4) == 0, ns = strncmp(line, "NSpid:", 6) == 0;
		if (g->sb->opts.ops->to_ns && (pid || ns)) {
			long h = strtol(line + (pid ? 4 : 6), NULL, 10);
			pid_t v = h > 0 ? proc_to_ns(g->sb, (pid_t)h) : 0;
			proc_printf(g, "%s\t%d\n", pid ? "Pid:" : "NSpid:", v > 0 ? (int)v : -1);
		} else {
			proc_printf(g, "%s\n", line);
		}
	}
	free(data);
	return 0;
}

/* loadavg's last field is the last pid given: the namespace's. */
static int proc_put_loadavg(struct proc_gen *g)
{
	char *data;
	ssize_t n = proc_read_host(g->sb, 0, "loadavg", &data);
	if (n < 0)
		return (int)n;
	char *sp = strrchr(data, ' ');
	if (sp)
		*sp = '\0';
	proc_printf(g, "%s %d\n", data, (int)g->sb->opts.ops->last_pid(g->sb->opts.src));
	free(data);
	return 0;
}

/* A file of a namespace the source keeps (net/, sysvipc/): 0 once
 * written, 1 when the source shows the host's (-ENODATA), or -errno. */
static int put_from_source(struct proc_gen *g, ssize_t (*fn)(void *src, const char *name, char **ret),
			   const char *name)
{
	char *text;
	ssize_t n = fn(g->sb->opts.src, name, &text);
	if (n == -ENODATA)
		return 1;
	if (n < 0)
		return (int)n;
	proc_put(g, text, (size_t)n);
	free(text);
	return 0;
}

static int generate(struct proc_gen *g)
{
	struct proc_inode *pi = g->pi;
	const struct procfs_source_ops *ops = g->sb->opts.ops;
	char name[32];
	if (pi->kind == PK_TASK_FILE) {
		if (ops->task(g->sb->opts.src, pi->tid, &g->task) < 0)
			return -ESRCH;
		return pi->ent->gen(g);
	}
	if (pi->kind == PK_FDINFO) {
		snprintf(name, sizeof(name), "fdinfo/%d", pi->fd);
		return proc_put_fdinfo(g, pi->tid, name);
	}
	if (pi->kind == PK_GLOBAL && strcmp(pi->rel, "loadavg") == 0 && ops->last_pid)
		return proc_put_loadavg(g);
	if (pi->kind == PK_HOSTFILE) {
		const char *h = g->sb->opts.hostname, *d = g->sb->opts.domainname;
		if (h && strcmp(pi->rel, "sys/kernel/hostname") == 0) {
			proc_printf(g, "%s\n", h);
			return 0;
		}
		if (d && strcmp(pi->rel, "sys/kernel/domainname") == 0) {
			proc_printf(g, "%s\n", d);
			return 0;
		}
		/* A pid namespace's own (Linux 6.14+: pid_max is per namespace,
		 * PID_MAX_LIMIT in a new one, the numbers it gives) */
		if (ops->last_pid && strcmp(pi->rel, "sys/kernel/pid_max") == 0) {
			proc_printf(g, "%d\n", 4194304);
			return 0;
		}
		int r = 1;
		if (ops->net_file && strncmp(pi->rel, "net/", 4) == 0)
			r = put_from_source(g, ops->net_file, pi->rel + 4);
		else if (ops->sysvipc && strncmp(pi->rel, "sysvipc/", 8) == 0)
			r = put_from_source(g, ops->sysvipc, pi->rel + 8);
		if (r <= 0)
			return r;
		if (ops->last_pid && strcmp(pi->rel, "sys/kernel/ns_last_pid") == 0) {
			proc_printf(g, "%d\n", (int)ops->last_pid(g->sb->opts.src));
			return 0;
		}
	}
	if (pi->kind == PK_GLOBAL || pi->kind == PK_HOSTFILE)
		return proc_put_host(g, 0, pi->rel);
	return pi->kind == PK_MASKED ? 0 : -EINVAL;
}

/* The bytes in g as a sealed memfd, reopened read-only. */
static int to_memfd(const struct proc_gen *g)
{
	int mfd = memfd_create("proc", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return -errno;
	size_t off = 0;
	while (off < g->len) {
		ssize_t w = write(mfd, g->buf + off, g->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int e = errno;
			close(mfd);
			return -e;
		}
		off += (size_t)w;
	}
	int fd = fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
	fd = fd < 0 ? -errno : proc_fd_reopen(mfd, O_RDONLY | O_CLOEXEC);
	close(mfd);
	return fd;
}

/* A write open of a task's writable file: the host's own, opened by the
 * source with the program's privilege; the kernel then checks each write
 * against the writer, the program itself (comm of its own thread group
 * only, oom_score_adj lowered only with CAP_SYS_RESOURCE). */
static int open_host_write(struct vfs_file *file)
{
	struct proc_sb *sb = PROC_SB(file->inode->sb);
	struct proc_inode *pi = PROC_I(file->inode);
	char path[PATH_MAX];
	if (!sb->opts.ops->open_as_program)
		return -EROFS;
	int r = proc_host_path(sb, path, sizeof(path), "%d/%s", (int)pi->tid, pi->ent->name);
	if (r < 0)
		return r;
	int fd = sb->opts.ops->open_as_program(sb->opts.src, pi->tid, path, file->flags);
	if (fd < 0)
		return fd;
	file->host_fd = fd;
	return 0;
}

static int proc_file_open(struct vfs_file *file)
{
	struct proc_inode *pi = PROC_I(file->inode);
	int acc = file->flags & O_ACCMODE;
	if (pi->kind == PK_TASK_FILE && pi->ent->host_write && acc != O_RDONLY)
		return open_host_write(file);
	if (pi->kind == PK_FD_OBJECT) {
		struct proc_sb *sb = PROC_SB(file->inode->sb);
		if (pi->fd < 0)
			return -ENXIO; /* a namespace (dir.c ns_object) */
		int fd = sb->opts.ops->fd_reopen(sb->opts.src, pi->tid, pi->fd, file->flags);
		if (fd < 0)
			return fd;
		file->host_fd = fd;
		return 0;
	}
	struct proc_gen g = {
		.sb = PROC_SB(file->inode->sb),
		.pi = PROC_I(file->inode),
	};
	int r = generate(&g);
	if (r == 0 && g.err)
		r = -g.err;
	if (r == 0)
		r = to_memfd(&g);
	free(g.buf);
	if (r < 0)
		return r;
	file->host_fd = r;
	return 0;
}

const struct vfs_file_ops proc_file_fops = {
	.open = proc_file_open,
};
