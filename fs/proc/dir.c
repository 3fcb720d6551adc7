/* Names in procfs: the root, the per-pid directories, task/, fd/,
 * fdinfo/, ns/ and the host's sys/ (read-only), their listings, links
 * and revalidation. Pid directories list the source's thread groups only;
 * a thread's tid is found by lookup but not listed, as in Linux. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "fs/proc/proc_private.h"

#define PID_COOKIE 1000 /* root cookies: entries below, pids above */
#define MAX_LIST 65536

static const struct proc_entry root_entries[] = {
	{.name = "self", .kind = PK_SELF, .mode = 0777},
	{.name = "thread-self", .kind = PK_THREAD_SELF, .mode = 0777},
	{.name = "mounts", .kind = PK_LINK, .mode = 0777, .target = "self/mounts"},
	{.name = "net", .kind = PK_LINK, .mode = 0777, .target = "self/net"},
	{.name = "cmdline", .kind = PK_GLOBAL, .mode = 0444},
	{.name = "config.gz", .kind = PK_GLOBAL, .mode = 0444},
	{.name = "cpuinfo", .kind = PK_GLOBAL, .mode = 0444},
	{.name = "filesystems", .kind = PK_GLOBAL, .mode = 0444},
	{.name = "loadavg", .kind = PK_GLOBAL, .mode = 0444},
	{.name = "meminfo", .kind = PK_GLOBAL, .mode = 0444},
	{.name = "stat", .kind = PK_GLOBAL, .mode = 0444},
	{.name = "swaps", .kind = PK_GLOBAL, .mode = 0444},
	{.name = "uptime", .kind = PK_GLOBAL, .mode = 0444},
	{.name = "version", .kind = PK_GLOBAL, .mode = 0444},
	{.name = "vmstat", .kind = PK_GLOBAL, .mode = 0444},
	{.name = "sys", .kind = PK_HOSTDIR, .mode = 0555},
	{.name = "irq", .kind = PK_HOSTDIR, .mode = 0555},
	{.name = "bus", .kind = PK_HOSTDIR, .mode = 0555},
	/* the host's, or the sandbox's own objects (file.c) */
	{.name = "sysvipc", .kind = PK_HOSTDIR, .mode = 0555},
	/* Masked as the kernel backend masks them (/dev/null over them). */
	{.name = "kcore", .kind = PK_MASKED, .mode = 0444},
	{.name = "keys", .kind = PK_MASKED, .mode = 0444},
	{.name = "timer_list", .kind = PK_MASKED, .mode = 0444},
	{.name = "sysrq-trigger", .kind = PK_MASKED, .mode = 0200},
};

/* The host's files and the masks over them are there only where the host
 * has them, as under the kernel backend. */
static bool on_host(struct proc_sb *sb, const struct proc_entry *e)
{
	if (e->kind != PK_GLOBAL && e->kind != PK_HOSTDIR && e->kind != PK_MASKED)
		return true;
	char path[PATH_MAX];
	struct stat st;
	return proc_host_path(sb, path, sizeof(path), "%s", e->name) == 0 && lstat(path, &st) == 0;
}

static const char *const ns_names[] = {
	"cgroup", "ipc", "mnt", "net", "pid", "pid_for_children", "time", "time_for_children",
	"user", "uts",
};

static const struct procfs_source_ops *src_ops(struct proc_sb *sb)
{
	return sb->opts.ops;
}

/* A decimal name without leading zeros, as the kernel's name_to_int. */
static long name_to_int(const char *name)
{
	if (name[0] < '1' || name[0] > '9')
		return name[0] == '0' && !name[1] ? 0 : -1;
	long v = 0;
	for (const char *p = name; *p; p++) {
		if (*p < '0' || *p > '9' || v > INT_MAX / 10)
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v > INT_MAX ? -1 : v;
}

/* The file type of an entry. */
static mode_t mode_of(const struct proc_entry *e)
{
	switch (e->kind) {
	case PK_TASK_FILE:
	case PK_GLOBAL:
	case PK_MASKED:
	case PK_FDINFO:
	case PK_HOSTFILE:
	case PK_FD_OBJECT:
		return S_IFREG;
	case PK_ROOT:
	case PK_PID:
	case PK_TID:
	case PK_FDS:
	case PK_FDINFOS:
	case PK_NSDIR:
	case PK_TASKS:
	case PK_HOSTDIR:
		return S_IFDIR;
	case PK_SELF:
	case PK_THREAD_SELF:
	case PK_LINK:
	case PK_TASK_LINK:
	case PK_FD:
	case PK_NS:
		break;
	}
	return S_IFLNK;
}

static int entry_inode(struct vfs_sb *vsb, struct proc_inode *dir, const struct proc_entry *e,
		       const char *rel, struct vfs_inode **ret)
{
	int r = proc_new_inode(vsb, e->kind, mode_of(e) | e->mode, dir->tgid, dir->tid, rel, ret);
	if (r == 0) {
		PROC_I(*ret)->ent = e;
		if (e->host_write)
			(*ret)->flags |= VFS_I_HOST_WRITE;
	}
	return r;
}

/* Whether `rel` (below the host's proc) names one of the host's
 * interfaces (or its neighbour defaults) in sys/net/ipv4|ipv6/conf|neigh/:
 * a fresh namespace has "all", "default" and "lo" in conf/, "lo" in
 * neigh/. */
static bool host_interface(const char *rel)
{
	static const struct {
		const char *dir;
		bool conf;
	} dirs[] = {{"sys/net/ipv4/conf/", true}, {"sys/net/ipv6/conf/", true},
		    {"sys/net/ipv4/neigh/", false}, {"sys/net/ipv6/neigh/", false}};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		size_t n = strlen(dirs[i].dir);
		if (strncmp(rel, dirs[i].dir, n) != 0)
			continue;
		const char *name = rel + n;
		size_t len = strcspn(name, "/");
		bool fresh = (len == 2 && strncmp(name, "lo", 2) == 0) ||
			     (dirs[i].conf && ((len == 3 && strncmp(name, "all", 3) == 0) ||
					       (len == 7 && strncmp(name, "default", 7) == 0)));
		return !fresh;
	}
	return false;
}

/* Whether `rel` (below the host's proc) is hidden by a network namespace
 * of the sandbox's own: below net/, the files of a directory of
 * net/ are the host's interfaces' and tables' (dev_snmp6/eth0, stat/,
 * netfilter/), but for its loopback's; and sys/net's per-interface
 * settings name the host's interfaces. */
static bool net_hidden(struct proc_sb *sb, const char *rel)
{
	const struct procfs_source_ops *ops = src_ops(sb);
	bool in_net = strncmp(rel, "net/", 4) == 0 && strchr(rel + 4, '/');
	if ((!in_net && !host_interface(rel)) || !ops->net_file ||
	    ops->net_file(sb->opts.src, NULL, NULL) == -ENODATA)
		return false;
	return !in_net || strcmp(rel, "net/dev_snmp6/lo") != 0;
}

static int lookup_hostdir(struct proc_sb *sb, struct proc_inode *dir, const char *name,
			  struct vfs_inode **ret)
{
	char path[PATH_MAX], rel[PATH_MAX];
	struct stat st;
	if (snprintf(rel, sizeof(rel), "%s/%s", dir->rel, name) >= (int)sizeof(rel) ||
	    proc_host_path(sb, path, sizeof(path), "%s", rel) < 0)
		return -ENAMETOOLONG;
	if (net_hidden(sb, rel))
		return -ENOENT;
	if (lstat(path, &st) < 0)
		return -errno;
	/* Links under sys/ (there are none in Linux's) would lead elsewhere
	 * in the host's proc: not shown. */
	if (S_ISDIR(st.st_mode))
		return proc_new_inode(&sb->vsb, PK_HOSTDIR, S_IFDIR | 0555, 0, 0, rel, ret);
	if (S_ISREG(st.st_mode))
		return proc_new_inode(&sb->vsb, PK_HOSTFILE, S_IFREG | (st.st_mode & 0444), 0, 0,
				      rel, ret);
	return -ENOENT;
}

static int lookup_pid_entry(struct proc_sb *sb, struct proc_inode *dir, const char *name,
			    struct vfs_inode **ret)
{
	for (size_t i = 0; i < proc_n_pid_entries; i++) {
		const struct proc_entry *e = &proc_pid_entries[i];
		if (strcmp(e->name, name) != 0)
			continue;
		/* task/ is a thread group's, not a thread's */
		if (e->kind == PK_TASKS && dir->kind == PK_TID)
			return -ENOENT;
		return entry_inode(&sb->vsb, dir, e, e->kind == PK_HOSTDIR ? e->name : NULL, ret);
	}
	return -ENOENT;
}

/* Is fd open in task tid? The host's fd table says. */
static bool fd_open(struct proc_sb *sb, pid_t tid, int fd, mode_t *mode)
{
	char path[PATH_MAX];
	struct stat st;
	if (proc_host_path(sb, path, sizeof(path), "%d/fd/%d", (int)tid, fd) < 0 ||
	    lstat(path, &st) < 0)
		return false;
	if (mode)
		*mode = st.st_mode & 0777;
	return true;
}

static int proc_lookup(struct vfs_inode *vdir, const char *name, struct vfs_inode **ret)
{
	struct proc_inode *dir = PROC_I(vdir);
	struct proc_sb *sb = PROC_SB(vdir->sb);
	struct procfs_task t;
	long n;
	switch (dir->kind) {
	case PK_ROOT:
		for (size_t i = 0; i < ARRAY_SIZE(root_entries); i++) {
			const struct proc_entry *e = &root_entries[i];
			if (strcmp(e->name, name) == 0 && on_host(sb, e))
				return entry_inode(vdir->sb, dir, e,
						   e->kind == PK_GLOBAL || e->kind == PK_HOSTDIR
							   ? e->name
							   : NULL,
						   ret);
		}
		n = name_to_int(name);
		n = n > 0 && n <= INT_MAX ? proc_to_host(sb, (pid_t)n) : 0;
		if (n <= 0 || src_ops(sb)->task(sb->opts.src, (pid_t)n, &t) < 0)
			return -ENOENT;
		return proc_new_inode(vdir->sb, PK_PID, S_IFDIR | 0555, t.tgid, (pid_t)n, NULL, ret);
	case PK_PID:
	case PK_TID:
		return lookup_pid_entry(sb, dir, name, ret);
	case PK_TASKS:
		n = name_to_int(name);
		n = n > 0 && n <= INT_MAX ? proc_to_host(sb, (pid_t)n) : 0;
		if (n <= 0 || src_ops(sb)->task(sb->opts.src, (pid_t)n, &t) < 0 ||
		    t.tgid != dir->tgid)
			return -ENOENT;
		return proc_new_inode(vdir->sb, PK_TID, S_IFDIR | 0555, t.tgid, (pid_t)n, NULL, ret);
	case PK_FDS:
	case PK_FDINFOS: {
		n = name_to_int(name);
		mode_t mode;
		if (n < 0 || !fd_open(sb, dir->tid, (int)n, &mode))
			return -ENOENT;
		bool link = dir->kind == PK_FDS;
		int r = proc_new_inode(vdir->sb, link ? PK_FD : PK_FDINFO,
				       link ? S_IFLNK | (mode & 0700) : S_IFREG | 0444, dir->tgid,
				       dir->tid, NULL, ret);
		if (r == 0) {
			PROC_I(*ret)->fd = (int)n;
			(*ret)->size = link ? 64 : 0; /* what Linux's fd links show */
		}
		return r;
	}
	case PK_NSDIR:
		for (size_t i = 0; i < ARRAY_SIZE(ns_names); i++)
			if (strcmp(ns_names[i], name) == 0)
				return proc_new_inode(vdir->sb, PK_NS, S_IFLNK | 0777, dir->tgid,
						      dir->tid, name, ret);
		return -ENOENT;
	case PK_HOSTDIR:
		return lookup_hostdir(sb, dir, name, ret);
	PK_CASES_NOT_DIR:
		break;
	}
	return -ENOTDIR;
}

/* Still what its name leads to? Task nodes live as long as their task,
 * fd nodes as long as the fd. */
static int proc_revalidate(struct vfs_dentry *d)
{
	struct proc_inode *pi = PROC_I(d->inode);
	struct proc_sb *sb = PROC_SB(d->sb);
	struct procfs_task t;
	/* (a tid reused by another thread group is another task) */
	if (pi->tid && (src_ops(sb)->task(sb->opts.src, pi->tid, &t) < 0 || t.tgid != pi->tgid))
		return 0;
	if (pi->fd >= 0) {
		mode_t mode;
		if (!fd_open(sb, pi->tid, pi->fd, &mode))
			return 0;
		/* a new open under the same number */
		if (pi->kind == PK_FD && (mode & 0700) != (pi->vi.mode & 0700))
			return 0;
	}
	return 1;
}

static int list_ints(pid_t *buf, size_t n, int64_t after, bool (*emit)(void *, pid_t), void *arg)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i] > after && !emit(arg, buf[i]))
			return 0;
	return 0;
}

struct emit_ctx {
	struct vfs_file *file;
	vfs_filldir_t fill;
	void *arg;
	int64_t base;
	unsigned type;
};

static bool emit_num(void *a, pid_t v)
{
	struct emit_ctx *e = a;
	char name[16];
	int len = snprintf(name, sizeof(name), "%d", (int)v);
	int64_t cookie = e->base + v;
	if (!e->fill(e->arg, name, (unsigned)len, (uint64_t)cookie, e->type, cookie))
		return false;
	e->file->pos = cookie;
	return true;
}

static bool emit_name(struct emit_ctx *e, const char *name, unsigned type, int64_t cookie)
{
	if (!e->fill(e->arg, name, (unsigned)strlen(name), (uint64_t)cookie, type, cookie))
		return false;
	e->file->pos = cookie;
	return true;
}

static unsigned dtype_of(const struct proc_entry *en)
{
	mode_t m = mode_of(en);
	return S_ISREG(m) ? DT_REG : S_ISDIR(m) ? DT_DIR : DT_LNK;
}

/* Task ids from the source, bounded. */
static size_t get_ids(struct proc_sb *sb, pid_t tgid, pid_t **ret)
{
	size_t cap = 256;
	for (;;) {
		pid_t *v = malloc(cap * sizeof(*v));
		if (!v)
			return 0;
		size_t n = tgid ? src_ops(sb)->threads(sb->opts.src, tgid, v, cap)
				: src_ops(sb)->tgids(sb->opts.src, v, cap);
		if (n <= cap || cap >= MAX_LIST) {
			*ret = v;
			return n < cap ? n : cap;
		}
		free(v);
		cap = n;
	}
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* ns/<name>'s text ("ipc:[4026531839]") into buf, and the namespace's
 * id: the sandbox's own namespace's, or the host's. */
static int ns_link(struct proc_sb *sb, struct proc_inode *pi, char *buf, size_t size,
		   uint64_t *id)
{
	const struct procfs_source_ops *ops = src_ops(sb);
	*id = ops->ns_id ? ops->ns_id(sb->opts.src, pi->tid, pi->rel) : 0;
	if (*id) {
		int n = snprintf(buf, size, "%.*s:[%llu]", (int)strcspn(pi->rel, "_"), pi->rel,
				 (unsigned long long)*id);
		return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
	}
	char path[PATH_MAX];
	if (proc_host_path(sb, path, sizeof(path), "%d/ns/%s", (int)pi->tid, pi->rel) < 0)
		return -ENAMETOOLONG;
	ssize_t n = readlink(path, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	const char *br = strchr(buf, '[');
	*id = br ? strtoull(br + 1, NULL, 10) : 0;
	return 0;
}

/* The fds of tid from the host's table, ascending. */
static size_t get_fds(struct proc_sb *sb, pid_t tid, int **ret)
{
	char path[PATH_MAX];
	*ret = NULL;
	if (proc_host_path(sb, path, sizeof(path), "%d/fd", (int)tid) < 0)
		return 0;
	DIR *d = opendir(path);
	if (!d)
		return 0;
	size_t n = 0, cap = 0;
	int *v = NULL;
	struct dirent *de;
	while ((de = readdir(d))) {
		long fd = name_to_int(de->d_name);
		if (fd < 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			int *nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		v[n++] = (int)fd;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_int);
	*ret = v;
	return n;
}

static int iterate_hostdir(struct proc_sb *sb, struct proc_inode *dir, struct emit_ctx *e)
{
	char path[PATH_MAX];
	if (proc_host_path(sb, path, sizeof(path), "%s", dir->rel) < 0)
		return -ENAMETOOLONG;
	DIR *d = opendir(path);
	if (!d)
		return -errno;
	/* The host's order is stable while nothing changes: the cookie is
	 * the index of the entry plus 3. */
	struct dirent *de;
	int64_t i = 3;
	while ((de = readdir(d))) {
		char rel[PATH_MAX];
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    (de->d_type != DT_DIR && de->d_type != DT_REG) ||
		    snprintf(rel, sizeof(rel), "%s/%s", dir->rel, de->d_name) >= (int)sizeof(rel) ||
		    net_hidden(sb, rel))
			continue;
		if (i > e->file->pos && !emit_name(e, de->d_name, de->d_type, i))
			break;
		i++;
	}
	closedir(d);
	return 0;
}

static int proc_iterate(struct vfs_file *file, vfs_filldir_t fill, void *arg)
{
	struct proc_inode *dir = PROC_I(file->inode);
	struct proc_sb *sb = PROC_SB(file->inode->sb);
	struct emit_ctx e = {.file = file, .fill = fill, .arg = arg, .type = DT_DIR};
	switch (dir->kind) {
	case PK_ROOT: {
		for (size_t i = 0; i < ARRAY_SIZE(root_entries); i++)
			if ((int64_t)i + 3 > file->pos && on_host(sb, &root_entries[i]) &&
			    !emit_name(&e, root_entries[i].name, dtype_of(&root_entries[i]),
				       (int64_t)i + 3))
				return 0;
		pid_t *ids = NULL;
		size_t n = get_ids(sb, 0, &ids);
		e.base = PID_COOKIE;
		list_ints(ids, n, file->pos - PID_COOKIE, emit_num, &e);
		free(ids);
		return 0;
	}
	case PK_PID:
	case PK_TID:
		for (size_t i = 0; i < proc_n_pid_entries; i++) {
			const struct proc_entry *en = &proc_pid_entries[i];
			if (en->kind == PK_TASKS && dir->kind == PK_TID)
				continue;
			if ((int64_t)i + 3 > file->pos &&
			    !emit_name(&e, en->name, dtype_of(en), (int64_t)i + 3))
				return 0;
		}
		return 0;
	case PK_TASKS: {
		pid_t *ids = NULL;
		size_t n = get_ids(sb, dir->tgid, &ids);
		e.base = 3;
		list_ints(ids, n, file->pos - 3, emit_num, &e);
		free(ids);
		return 0;
	}
	case PK_FDS:
	case PK_FDINFOS: {
		int *fds = NULL;
		size_t n = get_fds(sb, dir->tid, &fds);
		e.base = 3;
		e.type = dir->kind == PK_FDS ? DT_LNK : DT_REG;
		list_ints(fds, n, file->pos - 3, emit_num, &e);
		free(fds);
		return 0;
	}
	case PK_NSDIR:
		for (size_t i = 0; i < ARRAY_SIZE(ns_names); i++)
			if ((int64_t)i + 3 > file->pos &&
			    !emit_name(&e, ns_names[i], DT_LNK, (int64_t)i + 3))
				return 0;
		return 0;
	case PK_HOSTDIR:
		return iterate_hostdir(sb, dir, &e);
	PK_CASES_NOT_DIR:
		break;
	}
	return -ENOTDIR;
}

static ssize_t copy_out(const char *s, char *buf, size_t size)
{
	size_t n = strnlen(s, PATH_MAX + 32);
	memcpy(buf, s, n < size ? n : size);
	return (ssize_t)n;
}

static ssize_t proc_readlink(struct vfs_inode *inode, char *buf, size_t size)
{
	struct proc_inode *pi = PROC_I(inode);
	struct proc_sb *sb = PROC_SB(inode->sb);
	char tmp[PATH_MAX + 32];
	struct procfs_task t;
	int r;
	if (pi->kind == PK_SELF || pi->kind == PK_THREAD_SELF) {
		/* Who asks: the caller of the walk that reached this link. */
		if (!vfs_walk_caller || src_ops(sb)->task(sb->opts.src, vfs_walk_caller, &t) < 0)
			return -ENOENT;
		pid_t tgid = proc_to_ns(sb, t.tgid), tid = proc_to_ns(sb, vfs_walk_caller);
		if (!tgid || !tid)
			return -ENOENT;
		if (pi->kind == PK_SELF)
			snprintf(tmp, sizeof(tmp), "%d", (int)tgid);
		else
			snprintf(tmp, sizeof(tmp), "%d/task/%d", (int)tgid, (int)tid);
		return copy_out(tmp, buf, size);
	}
	if (pi->kind == PK_LINK)
		return copy_out(pi->ent->target, buf, size);
	if (pi->kind == PK_TASK_LINK || pi->kind == PK_FD) {
		struct vfs_path p;
		r = pi->kind == PK_FD ? src_ops(sb)->fd_file(sb->opts.src, pi->tid, pi->fd, &p)
				      : proc_task_link(sb, pi, &p);
		if (r == -EXDEV && pi->kind == PK_FD) {
			r = src_ops(sb)->fd_name(sb->opts.src, pi->tid, pi->fd, tmp, sizeof(tmp));
			return r < 0 ? r : copy_out(tmp, buf, size);
		}
		if (r < 0)
			return r;
		/* d_path from the task's root, as the kernel's (from the
		 * reader's; there is no chroot to tell them apart). */
		struct vfs_ctx *ctx = src_ops(sb)->ctx(sb->opts.src, pi->tid);
		r = ctx ? vfs_path_name(ctx, &p, tmp, sizeof(tmp)) : -ENOENT;
		vfs_path_put(&p);
		return r < 0 ? r : copy_out(tmp, buf, size);
	}
	if (pi->kind == PK_NS) {
		uint64_t id;
		int e = ns_link(sb, pi, tmp, sizeof(tmp), &id);
		return e < 0 ? e : copy_out(tmp, buf, size);
	}
	return -EINVAL;
}

/* What a magic link leads to when it has no name in the tree: `inode`
 * (consumed) under an anonymous dentry `name`, on mnt. */
static int anon_path(struct proc_sb *sb, const char *name, struct vfs_inode *inode,
		     struct vfs_mount *mnt, struct vfs_path *ret)
{
	struct vfs_dentry *d;
	int r = vfs_d_alloc_anon(&sb->vsb, name, inode, &d);
	if (r < 0)
		return r;
	struct vfs_path p = {.mnt = mnt, .dentry = d};
	vfs_path_get(&p);
	vfs_dentry_put(d);
	*ret = p;
	return 0;
}

/* What ns/<name> leads to: an inode in no directory with the namespace's
 * id for its number, as nsfs's (stat -L tells namespaces apart by it);
 * it opens to nothing (ENXIO), setns being no call of the sandbox's. */
static int ns_object(struct proc_inode *pi, struct vfs_mount *mnt, struct vfs_path *ret)
{
	struct proc_sb *sb = PROC_SB(pi->vi.sb);
	char text[64];
	uint64_t id;
	int r = ns_link(sb, pi, text, sizeof(text), &id);
	if (r < 0)
		return r;
	struct vfs_inode *inode;
	r = proc_new_inode(&sb->vsb, PK_FD_OBJECT, S_IFREG | 0444, pi->tgid, pi->tid, NULL, &inode);
	if (r < 0)
		return r;
	PROC_I(inode)->fd = -1;
	inode->flags |= VFS_I_FOREIGN;
	inode->ino = id;
	return anon_path(sb, text, inode, mnt, ret);
}

/* What fd/<n> leads to when it is the program's own object: an inode in
 * no directory whose open reopens that object (file.c). */
static int fd_object(struct proc_inode *pi, struct vfs_mount *mnt, struct vfs_path *ret)
{
	struct proc_sb *sb = PROC_SB(pi->vi.sb);
	char path[PATH_MAX];
	struct stat st;
	if (proc_host_path(sb, path, sizeof(path), "%d/fd/%d", (int)pi->tid, pi->fd) < 0 ||
	    stat(path, &st) < 0)
		return -ENOENT;
	/* Never a host directory. A device, socket or anon inode gets its
	 * type for stat; the VFS refuses to open them (ENXIO), and the
	 * sentry then opens only the devices it passes through, by number. */
	if (S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode))
		return -ENOENT;
	struct vfs_inode *inode;
	int r = proc_new_inode(&sb->vsb, PK_FD_OBJECT, (st.st_mode & S_IFMT) | (st.st_mode & 0777),
			       pi->tgid, pi->tid, NULL, &inode);
	if (r < 0)
		return r;
	PROC_I(inode)->fd = pi->fd;
	inode->flags |= VFS_I_FOREIGN;
	inode->rdev = st.st_rdev;
	inode->size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	char name[32];
	snprintf(name, sizeof(name), "fd:%d", pi->fd);
	return anon_path(sb, name, inode, mnt, ret);
}

/* Magic links: fd/<n>, cwd, root and exe jump to what they stand for. */
static int proc_get_link(struct vfs_inode *inode, struct vfs_mount *mnt, struct vfs_path *ret)
{
	struct proc_inode *pi = PROC_I(inode);
	struct proc_sb *sb = PROC_SB(inode->sb);
	if (pi->kind == PK_TASK_LINK)
		return proc_task_link(sb, pi, ret);
	if (pi->kind == PK_NS)
		return ns_object(pi, mnt, ret);
	if (pi->kind != PK_FD)
		return -EOPNOTSUPP;
	int r = src_ops(sb)->fd_file(sb->opts.src, pi->tid, pi->fd, ret);
	return r == -EXDEV ? fd_object(pi, mnt, ret) : r;
}

const struct vfs_inode_ops proc_dir_iops = {
	.lookup = proc_lookup,
	.revalidate = proc_revalidate,
};

const struct vfs_file_ops proc_dir_fops = {
	.iterate = proc_iterate,
};

const struct vfs_inode_ops proc_link_iops = {
	.readlink = proc_readlink,
	.get_link = proc_get_link,
	.revalidate = proc_revalidate,
};

const struct vfs_inode_ops proc_file_iops = {
	.revalidate = proc_revalidate,
};
