/* The per-task files: what the host's /proc/<tid> says, rewritten to the
 * sandbox's view. The source decides comm, parent, credentials and every
 * path; the host keeps the rest (state, times, memory figures, limits). */
#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "base/cleanup.h"
#include "fs/proc/proc_private.h"

static const struct procfs_source_ops *ops_of(struct proc_gen *g)
{
	return g->sb->opts.ops;
}

static int host(struct proc_gen *g, const char *name, char **ret)
{
	ssize_t n = proc_read_host(g->sb, g->pi->tid, name, ret);
	return n < 0 ? (int)n : 0;
}

/* The comm to show: the source's, or the host's (line without '\n'). */
static void comm_of(struct proc_gen *g, char *buf, size_t size)
{
	char *c = NULL;
	buf[0] = '\0';
	if (host(g, "comm", &c) == 0) {
		c[strcspn(c, "\n")] = '\0';
		bool renamed = strcmp(c, g->task.host_comm) != 0;
		snprintf(buf, size, "%s", g->task.comm[0] && !renamed ? g->task.comm : c);
	}
	free(c);
}

/* The parent to show: the host's, if it is in the sandbox. */
static pid_t ppid_of(struct proc_gen *g, long host_ppid)
{
	struct procfs_task t;
	if (host_ppid <= 0 || ops_of(g)->task(g->sb->opts.src, (pid_t)host_ppid, &t) < 0)
		return 0;
	return proc_to_ns(g->sb, t.tgid);
}

/* A process group's or session's number (host `h`): the namespace's, 0
 * for one outside it; the host's as it is without a namespace. */
static long group_of(struct proc_gen *g, long h)
{
	if (!ops_of(g)->to_ns || h <= 0)
		return h;
	return proc_to_ns(g->sb, (pid_t)h);
}

static int gen_comm(struct proc_gen *g)
{
	char comm[64];
	comm_of(g, comm, sizeof(comm));
	proc_printf(g, "%s\n", comm);
	return 0;
}

/* stat: "pid (comm) state ppid rest": comm and ppid are the sandbox's. */
/* A task reading its own state is running, as it would be under the
 * kernel; here it waits for the sentry's answer (S) meanwhile. */
static char state_of(struct proc_gen *g, char host)
{
	return vfs_walk_caller == g->pi->tid ? 'R' : host;
}

static int gen_stat(struct proc_gen *g)
{
	_cleanup_free_ char *s = NULL;
	int r = host(g, "stat", &s);
	if (r < 0)
		return r;
	char *close_paren = strrchr(s, ')');
	if (!close_paren || close_paren[1] != ' ' || !close_paren[2] || close_paren[3] != ' ')
		return -EIO;
	char state = close_paren[2];
	/* ppid pgrp session tty_nr tpgid: pids all but tty_nr */
	long f[5];
	char *p = close_paren + 4, *rest = p;
	for (int i = 0; i < 5; i++) {
		f[i] = strtol(p, &rest, 10);
		if (rest == p || (*rest != ' ' && *rest != '\n'))
			return -EIO;
		p = rest;
	}
	char comm[64];
	comm_of(g, comm, sizeof(comm));
	pid_t pid = proc_to_ns(g->sb, g->pi->tid);
	long tpgid = f[4] > 0 ? group_of(g, f[4]) : f[4];
	proc_printf(g, "%d (%s) %c %d %ld %ld %ld %ld%s", (int)pid, comm, state_of(g, state),
		    (int)ppid_of(g, f[0]), group_of(g, f[1]), group_of(g, f[2]), f[3], tpgid, rest);
	return 0;
}

/* status's lines that hold pids, under a pid namespace: the namespace's
 * numbers (one level: the sandbox's namespace is the reader's). */
static bool ns_line(struct proc_gen *g, const char *line)
{
	static const char *const keys[] = {"Tgid:", "Ngid:", "Pid:", "NStgid:", "NSpid:",
					   "NSpgid:", "NSsid:"};
	if (!ops_of(g)->to_ns)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		size_t k = strlen(keys[i]);
		if (strncmp(line, keys[i], k) != 0)
			continue;
		long h = strtol(line + k, NULL, 10);
		proc_printf(g, "%s\t%d\n", keys[i], h > 0 ? (int)proc_to_ns(g->sb, (pid_t)h) : 0);
		return true;
	}
	return false;
}

static void put_ids(struct proc_gen *g, const char *key, const unsigned ids[4])
{
	proc_printf(g, "%s\t%u\t%u\t%u\t%u\n", key, ids[0], ids[1], ids[2], ids[3]);
}

/* status: the host's lines, with the sandbox's name, umask, parent,
 * tracer (the sentry is no tracer the program should see), ids and
 * capabilities. */
static int gen_status(struct proc_gen *g)
{
	_cleanup_free_ char *s = NULL;
	int r = host(g, "status", &s);
	if (r < 0)
		return r;
	struct vfs_ctx *ctx = ops_of(g)->ctx(g->sb->opts.src, g->pi->tid);
	const struct procfs_task *t = &g->task;
	char comm[64];
	comm_of(g, comm, sizeof(comm));
	for (char *line = s, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		unsigned u[4] = {t->uid[0], t->uid[1], t->uid[2], t->uid[3]};
		unsigned gg[4] = {t->gid[0], t->gid[1], t->gid[2], t->gid[3]};
		if (ns_line(g, line)) {
			continue;
		} else if (strncmp(line, "Name:", 5) == 0) {
			proc_printf(g, "Name:\t%s\n", comm);
		} else if (strncmp(line, "State:", 6) == 0 && state_of(g, 0) == 'R') {
			proc_printf(g, "State:\tR (running)\n");
		} else if (strncmp(line, "Umask:", 6) == 0) {
			proc_printf(g, "Umask:\t%04o\n", ctx ? (unsigned)ctx->umask : 022u);
		} else if (strncmp(line, "PPid:", 5) == 0) {
			proc_printf(g, "PPid:\t%d\n", (int)ppid_of(g, strtol(line + 5, NULL, 10)));
		} else if (strncmp(line, "TracerPid:", 10) == 0) {
			proc_printf(g, "TracerPid:\t0\n");
		} else if (strncmp(line, "Uid:", 4) == 0) {
			put_ids(g, "Uid:", u);
		} else if (strncmp(line, "Gid:", 4) == 0) {
			put_ids(g, "Gid:", gg);
		} else if (strncmp(line, "Groups:", 7) == 0) {
			/* the kernel's: joined by spaces, then one more */
			proc_printf(g, "Groups:\t");
			for (int i = 0; i < t->ngroups; i++)
				proc_printf(g, "%s%u", i ? " " : "", (unsigned)t->groups[i]);
			proc_printf(g, " \n");
		} else if (strncmp(line, "CapInh:", 7) == 0) {
			proc_printf(g, "CapInh:\t%016" PRIx64 "\n", t->cap_inh);
		} else if (strncmp(line, "CapPrm:", 7) == 0) {
			proc_printf(g, "CapPrm:\t%016" PRIx64 "\n", t->cap_prm);
		} else if (strncmp(line, "CapEff:", 7) == 0) {
			proc_printf(g, "CapEff:\t%016" PRIx64 "\n", t->cap_eff);
		} else if (strncmp(line, "CapBnd:", 7) == 0) {
			proc_printf(g, "CapBnd:\t%016" PRIx64 "\n", t->cap_bnd);
		} else if (strncmp(line, "CapAmb:", 7) == 0) {
			proc_printf(g, "CapAmb:\t%016" PRIx64 "\n", t->cap_amb);
		} else {
			proc_printf(g, "%s\n", line);
		}
	}
	return 0;
}

/* The host's, as they are: nothing in them names a host path or a
 * process outside. */
#define PROC_COPY(file, name)                                                                  \
	static int gen_##file(struct proc_gen *g)                                              \
	{                                                                                      \
		return proc_put_host(g, g->pi->tid, name);                                     \
	}
PROC_COPY(auxv, "auxv")
PROC_COPY(cpuset, "cpuset")
PROC_COPY(environ, "environ")
PROC_COPY(io, "io")
PROC_COPY(limits, "limits")
PROC_COPY(loginuid, "loginuid")
PROC_COPY(oom_adj, "oom_adj")
PROC_COPY(oom_score, "oom_score")
PROC_COPY(oom_score_adj, "oom_score_adj")
PROC_COPY(personality, "personality")
PROC_COPY(schedstat, "schedstat")
PROC_COPY(sessionid, "sessionid")
PROC_COPY(smaps_rollup, "smaps_rollup")
PROC_COPY(statm, "statm")
PROC_COPY(wchan, "wchan")

/* The user namespace's maps and setgroups: the source's (procfs_opts). */
#define INIT_ID_MAP "         0          0 4294967295\n"
static int gen_uid_map(struct proc_gen *g)
{
	proc_printf(g, "%s", g->sb->opts.uid_map ? g->sb->opts.uid_map : INIT_ID_MAP);
	return 0;
}

static int gen_gid_map(struct proc_gen *g)
{
	proc_printf(g, "%s", g->sb->opts.gid_map ? g->sb->opts.gid_map : INIT_ID_MAP);
	return 0;
}

static int gen_setgroups(struct proc_gen *g)
{
	proc_printf(g, "%s", g->sb->opts.setgroups ? g->sb->opts.setgroups : "allow\n");
	return 0;
}

/* cmdline: a program the sentry started as `LDSO --argv0 ARGV0 PATH
 * ARGS...` shows `ARGV0 ARGS...`, what the kernel would have given it. */
static int gen_cmdline(struct proc_gen *g)
{
	_cleanup_free_ char *s = NULL;
	ssize_t n = proc_read_host(g->sb, g->pi->tid, "cmdline", &s);
	if (n < 0)
		return (int)n;
	size_t len = (size_t)n;
	const char *p = s, *end = s + len;
	if (g->task.via_ldso) {
		const char *v[4];
		const char *q = p;
		int k = 0;
		for (; k < 4 && q < end; k++) {
			v[k] = q;
			q += strnlen(q, (size_t)(end - q)) + 1;
		}
		if (k == 4 && strcmp(v[1], "--argv0") == 0) {
			size_t a0 = strlen(v[2]) + 1;
			proc_put(g, v[2], a0);
			p = q < end ? q : end;
		}
	}
	proc_put(g, p, (size_t)(end - p));
	return 0;
}

/* maps and smaps: a mapped file's host path becomes its sandbox path;
 * one the sandbox does not have is shown without a name. */
static int gen_maps_of(struct proc_gen *g, const char *name)
{
	_cleanup_free_ char *s = NULL;
	int r = host(g, name, &s);
	if (r < 0)
		return r;
	for (char *line = s, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		unsigned long lo, hi, off, ino;
		unsigned maj, min;
		char perms[8];
		int pathpos = -1;
		if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu %n", &lo, &hi, perms, &off, &maj, &min,
			   &ino, &pathpos) < 7 ||
		    pathpos < 0 || ino == 0 || line[pathpos] != '/') {
			proc_printf(g, "%s\n", line);
			continue;
		}
		char path[PATH_MAX];
		int n = ops_of(g)->host_file(g->sb->opts.src, g->pi->tid, makedev(maj, min),
					     (ino_t)ino, path, sizeof(path));
		line[pathpos] = '\0';
		proc_printf(g, "%s%s\n", line, n >= 0 ? path : "");
	}
	return 0;
}

static int gen_maps(struct proc_gen *g) { return gen_maps_of(g, "maps"); }
static int gen_smaps(struct proc_gen *g) { return gen_maps_of(g, "smaps"); }

int proc_task_link(struct proc_sb *sb, struct proc_inode *pi, struct vfs_path *ret)
{
	const struct procfs_source_ops *ops = sb->opts.ops;
	if (strcmp(pi->ent->name, "exe") == 0)
		return ops->exe(sb->opts.src, pi->tid, ret);
	struct vfs_ctx *ctx = ops->ctx(sb->opts.src, pi->tid);
	if (!ctx)
		return -ENOENT;
	*ret = strcmp(pi->ent->name, "cwd") == 0 ? ctx->cwd : ctx->root;
	vfs_path_get(ret);
	return 0;
}

const struct proc_entry proc_pid_entries[] = {
	{.name = "auxv", .kind = PK_TASK_FILE, .mode = 0400, .gen = gen_auxv},
	{.name = "cgroup", .kind = PK_TASK_FILE, .mode = 0444, .gen = proc_gen_cgroup},
	{.name = "cmdline", .kind = PK_TASK_FILE, .mode = 0444, .gen = gen_cmdline},
	{.name = "comm", .kind = PK_TASK_FILE, .mode = 0644, .gen = gen_comm, .host_write = true},
	{.name = "cpuset", .kind = PK_TASK_FILE, .mode = 0444, .gen = gen_cpuset},
	{.name = "cwd", .kind = PK_TASK_LINK, .mode = 0777},
	{.name = "environ", .kind = PK_TASK_FILE, .mode = 0400, .gen = gen_environ},
	{.name = "exe", .kind = PK_TASK_LINK, .mode = 0777},
	{.name = "fd", .kind = PK_FDS, .mode = 0500},
	{.name = "fdinfo", .kind = PK_FDINFOS, .mode = 0500},
	{.name = "gid_map", .kind = PK_TASK_FILE, .mode = 0644, .gen = gen_gid_map},
	{.name = "io", .kind = PK_TASK_FILE, .mode = 0400, .gen = gen_io},
	{.name = "limits", .kind = PK_TASK_FILE, .mode = 0444, .gen = gen_limits},
	{.name = "loginuid", .kind = PK_TASK_FILE, .mode = 0444, .gen = gen_loginuid},
	{.name = "maps", .kind = PK_TASK_FILE, .mode = 0444, .gen = gen_maps},
	{.name = "mountinfo", .kind = PK_TASK_FILE, .mode = 0444, .gen = proc_gen_mountinfo},
	{.name = "mounts", .kind = PK_TASK_FILE, .mode = 0444, .gen = proc_gen_mounts},
	{.name = "mountstats", .kind = PK_TASK_FILE, .mode = 0400, .gen = proc_gen_mountstats},
	/* The emulate backend has no network namespace: every task's is the
	 * sentry's, so the host's /proc/net is the task's, read-only. */
	{.name = "net", .kind = PK_HOSTDIR, .mode = 0555},
	{.name = "ns", .kind = PK_NSDIR, .mode = 0511},
	{.name = "oom_adj", .kind = PK_TASK_FILE, .mode = 0644, .gen = gen_oom_adj, .host_write = true},
	{.name = "oom_score", .kind = PK_TASK_FILE, .mode = 0444, .gen = gen_oom_score},
	{.name = "oom_score_adj", .kind = PK_TASK_FILE, .mode = 0644, .gen = gen_oom_score_adj, .host_write = true},
	{.name = "personality", .kind = PK_TASK_FILE, .mode = 0400, .gen = gen_personality},
	{.name = "root", .kind = PK_TASK_LINK, .mode = 0777},
	{.name = "schedstat", .kind = PK_TASK_FILE, .mode = 0444, .gen = gen_schedstat},
	{.name = "sessionid", .kind = PK_TASK_FILE, .mode = 0444, .gen = gen_sessionid},
	{.name = "setgroups", .kind = PK_TASK_FILE, .mode = 0644, .gen = gen_setgroups},
	{.name = "smaps", .kind = PK_TASK_FILE, .mode = 0444, .gen = gen_smaps},
	{.name = "smaps_rollup", .kind = PK_TASK_FILE, .mode = 0444, .gen = gen_smaps_rollup},
	{.name = "stat", .kind = PK_TASK_FILE, .mode = 0444, .gen = gen_stat},
	{.name = "statm", .kind = PK_TASK_FILE, .mode = 0444, .gen = gen_statm},
	{.name = "status", .kind = PK_TASK_FILE, .mode = 0444, .gen = gen_status},
	{.name = "task", .kind = PK_TASKS, .mode = 0555},
	{.name = "uid_map", .kind = PK_TASK_FILE, .mode = 0644, .gen = gen_uid_map},
	{.name = "wchan", .kind = PK_TASK_FILE, .mode = 0444, .gen = gen_wchan},
};

const size_t proc_n_pid_entries = ARRAY_SIZE(proc_pid_entries);
