/* ipcns.h says what the sandbox's IPC namespace is and why it is safe.
 * Everything here acts on objects the sentry made; no call blocks (the
 * host's get, stat and remove never wait on an object's users). */
#include "sentry/kernel/ipcns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "sentry/kernel/scratch.h"

/* The kernel's IPCMNI: no namespace holds more objects of a kind. */
#define IPCNS_MNI 32768
/* a table's first size, in slots */
#define IPCNS_MIN_CAP 64

/* The kernel's structures on x86_64 are glibc's. */
_Static_assert(sizeof(struct shmid_ds) == 112, "shmid64_ds");
_Static_assert(sizeof(struct msqid_ds) == 120, "msqid64_ds");
_Static_assert(sizeof(struct semid_ds) == 104, "semid64_ds");

static const char *const kind_names[IPCNS_KINDS] = {"shm", "msg", "sem"};

struct ipcns_table {
	struct ipcns_obj **slot; /* by index */
	int cap;
	int n;
	int displaced; /* objects whose index is not their id's (alloc_idx) */
};

struct ipcns {
	struct ipcns_table t[IPCNS_KINDS];
	int log_fd;
	size_t log_lines;
	uint64_t serial; /* objects made so far */
};

struct ipcns *ipcns_new(int log_fd)
{
	struct ipcns *ns = calloc(1, sizeof(*ns));
	if (!ns)
		return NULL;
	ns->log_fd = log_fd;
	return ns;
}

static int host_rmid(enum ipcns_kind kind, int id)
{
	int r = kind == IPCNS_SHM   ? shmctl(id, IPC_RMID, NULL)
		: kind == IPCNS_MSG ? msgctl(id, IPC_RMID, NULL)
				    : semctl(id, 0, IPC_RMID);
	return r < 0 ? -errno : 0;
}

static void drop(struct ipcns *ns, struct ipcns_obj *o)
{
	struct ipcns_table *t = &ns->t[o->kind];
	t->slot[o->idx] = NULL;
	t->n--;
	if (o->idx != (o->id & (IPCNS_MNI - 1)))
		t->displaced--;
	free(o);
}

void ipcns_free(struct ipcns *ns)
{
	if (!ns)
		return;
	for (int k = 0; k < IPCNS_KINDS; k++) {
		struct ipcns_table *t = &ns->t[k];
		for (int i = 0; i < t->cap; i++)
			if (t->slot[i]) {
				if (!t->slot[i]->removed)
					(void)host_rmid(t->slot[i]->kind, t->slot[i]->id);
				free(t->slot[i]);
			}
		free(t->slot);
	}
	if (ns->log_fd >= 0)
		close(ns->log_fd);
	free(ns);
}

/* A removed segment is the sandbox's until its last detach destroys it
 * on the host; then its id may come back for another object. */
static bool gone(const struct ipcns_obj *o)
{
	struct shmid_ds ds;
	return o->removed && shmctl(o->id, IPC_STAT, &ds) < 0;
}

static void forget_destroyed(struct ipcns *ns)
{
	struct ipcns_table *t = &ns->t[IPCNS_SHM];
	for (int i = 0; i < t->cap; i++)
		if (t->slot[i] && gone(t->slot[i]))
			drop(ns, t->slot[i]);
}

static struct ipcns_obj *by_key(struct ipcns *ns, enum ipcns_kind kind, key_t key)
{
	struct ipcns_table *t = &ns->t[kind];
	for (int i = 0; i < t->cap; i++)
		if (t->slot[i] && !t->slot[i]->removed && t->slot[i]->key == key)
			return t->slot[i];
	return NULL;
}

struct ipcns_obj *ipcns_find(struct ipcns *ns, enum ipcns_kind kind, int id)
{
	struct ipcns_table *t = &ns->t[kind];
	int home = id & (IPCNS_MNI - 1);
	/* at its id's index, unless alloc_idx displaced it */
	struct ipcns_obj *o = home < t->cap ? t->slot[home] : NULL;
	if (o && o->id != id)
		o = NULL;
	for (int i = 0; !o && t->displaced && i < t->cap; i++)
		if (t->slot[i] && t->slot[i]->id == id)
			o = t->slot[i];
	if (o && gone(o)) {
		drop(ns, o);
		return NULL;
	}
	return o;
}

struct ipcns_obj *ipcns_at(struct ipcns *ns, enum ipcns_kind kind, long arg)
{
	struct ipcns_table *t = &ns->t[kind];
	long idx = arg < 0 ? -1 : arg & (IPCNS_MNI - 1);
	if (idx < 0 || idx >= t->cap || !t->slot[idx])
		return NULL;
	struct ipcns_obj *o = t->slot[idx];
	if (gone(o)) {
		drop(ns, o);
		return NULL;
	}
	return o;
}

int ipcns_max_idx(struct ipcns *ns, enum ipcns_kind kind)
{
	if (kind == IPCNS_SHM)
		forget_destroyed(ns);
	struct ipcns_table *t = &ns->t[kind];
	for (int i = t->cap - 1; i >= 0; i--)
		if (t->slot[i])
			return i;
	return -1;
}

size_t ipcns_count(struct ipcns *ns, enum ipcns_kind kind)
{
	if (kind == IPCNS_SHM)
		forget_destroyed(ns);
	return (size_t)ns->t[kind].n;
}

/* Makes room for `cap` slots (at least IPCNS_MIN_CAP, at most
 * IPCNS_MNI); 0 or -ENOMEM. */
static int grow(struct ipcns_table *t, int cap)
{
	if (cap < IPCNS_MIN_CAP)
		cap = IPCNS_MIN_CAP;
	if (cap > IPCNS_MNI)
		cap = IPCNS_MNI;
	if (cap <= t->cap)
		return 0;
	struct ipcns_obj **s = realloc(t->slot, (size_t)cap * sizeof(*s));
	if (!s)
		return -ENOMEM;
	memset(s + t->cap, 0, (size_t)(cap - t->cap) * sizeof(*s));
	t->slot = s;
	t->cap = cap;
	return 0;
}

/* The index of host object `id`: the kernel's ipcid_to_idx(), its low
 * bits, so that an id and its index relate in the sandbox as in the
 * kernel (the *_STAT commands take either: LTP's tests pass an id).
 * Unique, as the host's indexes are; on a host booted with
 * ipcmni_extend (24 index bits) two may share their low 15, and the
 * later object then takes the first free index. -ENOSPC when none is. */
static int alloc_idx(struct ipcns_table *t, int id)
{
	int idx = id & (IPCNS_MNI - 1);
	int r = idx < t->cap ? 0 : grow(t, t->cap * 2 > idx + 1 ? t->cap * 2 : idx + 1);
	if (r < 0)
		return r;
	if (!t->slot[idx])
		return idx;
	if ((r = grow(t, IPCNS_MNI)) < 0)
		return r;
	for (int i = 0; i < t->cap; i++)
		if (!t->slot[i])
			return i;
	return -ENOSPC;
}

static int host_create(enum ipcns_kind kind, int flg, unsigned long arg)
{
	int r = -1;
	switch (kind) {
	case IPCNS_SHM:
		/* the segment's own flags (huge pages, no reserve), not its
		 * key's or permissions */
		r = shmget(IPC_PRIVATE, arg,
			   (int)(((unsigned)flg & (SHM_HUGETLB | SHM_NORESERVE | 0x3fu << 26)) |
				 0600));
		break;
	case IPCNS_MSG:
		r = msgget(IPC_PRIVATE, 0600);
		break;
	case IPCNS_SEM:
	case IPCNS_KINDS:
		r = semget(IPC_PRIVATE, (int)arg, 0600);
		break;
	}
	return r < 0 ? -errno : r;
}

/* Appends an id to the reaper's log. A program that makes and removes
 * objects in a loop would grow it without end (in /dev/shm: memory), so
 * once it holds twice the live objects it is written anew with those. */
static void log_id(struct ipcns *ns, enum ipcns_kind kind, int id)
{
	if (ns->log_fd < 0)
		return;
	size_t live = 0;
	for (int k = 0; k < IPCNS_KINDS; k++)
		live += (size_t)ns->t[k].n;
	if (ns->log_lines > 2 * live + 64 && ftruncate(ns->log_fd, 0) == 0) {
		ns->log_lines = 0;
		for (int k = 0; k < IPCNS_KINDS; k++)
			for (int i = 0; i < ns->t[k].cap; i++)
				if (ns->t[k].slot[i]) {
					dprintf(ns->log_fd, "%s %d\n", kind_names[k], ns->t[k].slot[i]->id);
					ns->log_lines++;
				}
	}
	dprintf(ns->log_fd, "%s %d\n", kind_names[kind], id);
	ns->log_lines++;
}

int ipcns_get(struct ipcns *ns, enum ipcns_kind kind, key_t key, int flg, unsigned long arg,
	      const struct creds *c, pid_t pid)
{
	if (kind == IPCNS_SHM)
		forget_destroyed(ns);
	if (key != IPC_PRIVATE) {
		struct ipcns_obj *o = by_key(ns, kind, key);
		if (o) {
			if ((flg & IPC_CREAT) && (flg & IPC_EXCL))
				return -EEXIST;
			if (!ipcns_permits(o, c, flg))
				return -EACCES;
			if (kind != IPCNS_MSG && o->size < arg)
				return -EINVAL;
			return o->id;
		}
		if (!(flg & IPC_CREAT))
			return -ENOENT;
	}
	struct ipcns_table *t = &ns->t[kind];
	struct ipcns_obj *o = calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	int id = host_create(kind, flg, arg);
	if (id < 0) {
		free(o);
		return id;
	}
	int idx = alloc_idx(t, id);
	if (idx < 0) {
		(void)host_rmid(kind, id);
		free(o);
		return idx;
	}
	log_id(ns, kind, id);
	*o = (struct ipcns_obj){.kind = kind,
				.id = id,
				.key = key,
				.idx = idx,
				.uid = c->euid,
				.cuid = c->euid,
				.gid = c->egid,
				.cgid = c->egid,
				.mode = (unsigned)flg & 0777,
				.size = arg,
				.cpid = pid,
				.serial = ++ns->serial};
	t->slot[idx] = o;
	t->n++;
	if (idx != (id & (IPCNS_MNI - 1)))
		t->displaced++;
	return id;
}

bool ipcns_permits(const struct ipcns_obj *o, const struct creds *c, int flag)
{
	int requested = (flag >> 6) | (flag >> 3) | flag;
	unsigned granted = o->mode;
	if (c->euid == o->cuid || c->euid == o->uid)
		granted >>= 6;
	else if (creds_in_group(c, o->cgid) || creds_in_group(c, o->gid))
		granted >>= 3;
	return !(requested & ~granted & 0007) || creds_capable(c, CAP_IPC_OWNER);
}

bool ipcns_owns(const struct ipcns_obj *o, const struct creds *c)
{
	return c->euid == o->cuid || c->euid == o->uid || creds_capable(c, CAP_SYS_ADMIN);
}

int ipcns_remove(struct ipcns *ns, struct ipcns_obj *o)
{
	int r = host_rmid(o->kind, o->id);
	if (r < 0)
		return r;
	if (o->kind == IPCNS_SHM) {
		o->removed = true;
		o->key = IPC_PRIVATE;
		if (!gone(o))
			return 0;
	}
	drop(ns, o);
	return 0;
}

static void patch_perm(const struct ipcns_obj *o, struct ipc_perm *p)
{
	p->__key = o->key;
	p->uid = o->uid;
	p->gid = o->gid;
	p->cuid = o->cuid;
	p->cgid = o->cgid;
	p->mode = (unsigned short)((p->mode & ~0777u) | o->mode);
}

int ipcns_stat(const struct ipcns_obj *o, void *buf, pid_t (*to_sandbox)(void *ctx, pid_t host),
	       void *ctx)
{
	switch (o->kind) {
	case IPCNS_SHM: {
		struct shmid_ds *ds = buf;
		if (shmctl(o->id, IPC_STAT, ds) < 0)
			return -errno;
		patch_perm(o, &ds->shm_perm);
		ds->shm_cpid = o->cpid;
		ds->shm_lpid = ds->shm_lpid ? to_sandbox(ctx, ds->shm_lpid) : 0;
		return 0;
	}
	case IPCNS_MSG: {
		struct msqid_ds *ds = buf;
		if (msgctl(o->id, IPC_STAT, ds) < 0)
			return -errno;
		patch_perm(o, &ds->msg_perm);
		ds->msg_lspid = ds->msg_lspid ? to_sandbox(ctx, ds->msg_lspid) : 0;
		ds->msg_lrpid = ds->msg_lrpid ? to_sandbox(ctx, ds->msg_lrpid) : 0;
		return 0;
	}
	case IPCNS_SEM:
	case IPCNS_KINDS: {
		struct semid_ds *ds = buf;
		if (semctl(o->id, 0, IPC_STAT, ds) < 0)
			return -errno;
		patch_perm(o, &ds->sem_perm);
		return 0;
	}
	}
	return -EINVAL;
}

/* The kernel's text (ipc/shm.c, msg.c, sem.c: sysvipc_*_proc_show). */
#define SHM_ROW                                                                           \
	"%10d %10d  %4o %21lu %5u %5u  %5lu %5u %5u %5u %5u %10llu %10llu %10llu %21llu " \
	"%21llu\n"
#define MSG_ROW "%10d %10d  %4o  %10lu %10lu %5u %5u %5u %5u %5u %5u %10llu %10llu %10llu\n"
static const char *const proc_header[IPCNS_KINDS] = {
	"       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid "
	" cgid      atime      dtime      ctime                   rss                  swap\n",
	"       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid "
	"     stime      rtime      ctime\n",
	"       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n",
};

/* The fields of a host row (as the kernel printed them) that name no
 * owner or process: the segment's rss and swap are known from here only. */
struct host_row {
	int id;
	unsigned long rss, swap;
};

/* Reads the host's rows of `name` for their id, rss and swap. */
static size_t host_rows(const char *name, struct host_row **ret)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/sysvipc/%s", name);
	FILE *f = fopen(path, "re");
	*ret = NULL;
	if (!f)
		return 0;
	char *line = NULL;
	size_t cap = 0, n = 0, room = 0;
	struct host_row *rows = NULL;
	bool first = true;
	while (getline(&line, &cap, f) > 0) {
		if (first) { /* the header */
			first = false;
			continue;
		}
		struct host_row r = {0};
		unsigned long v[16];
		int k = sscanf(line, "%*d %d %*o %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu",
			       &r.id, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8],
			       &v[9], &v[10], &v[11], &v[12]);
		if (k < 1)
			continue;
		if (k == 14) { /* shm: size cpid lpid nattch uid gid cuid cgid 3 times rss swap */
			r.rss = v[11];
			r.swap = v[12];
		}
		if (n == room) {
			room = room ? room * 2 : 16;
			struct host_row *m = realloc(rows, room * sizeof(*m));
			if (!m)
				break;
			rows = m;
		}
		rows[n++] = r;
	}
	free(line);
	fclose(f);
	*ret = rows;
	return n;
}

static void proc_row(FILE *out, const struct ipcns_obj *o, const struct host_row *rows, size_t n,
		     pid_t (*to_sandbox)(void *ctx, pid_t host), void *ctx)
{
	union {
		struct shmid_ds shm;
		struct msqid_ds msg;
		struct semid_ds sem;
	} ds;
	if (ipcns_stat(o, &ds, to_sandbox, ctx) < 0)
		return;
	switch (o->kind) {
	case IPCNS_SHM: {
		const struct shmid_ds *d = &ds.shm;
		unsigned long rss = 0, swap = 0;
		for (size_t i = 0; i < n; i++)
			if (rows[i].id == o->id) {
				rss = rows[i].rss;
				swap = rows[i].swap;
			}
		fprintf(out, SHM_ROW, d->shm_perm.__key, o->id, d->shm_perm.mode, (unsigned long)d->shm_segsz,
			(unsigned)d->shm_cpid, (unsigned)d->shm_lpid, (unsigned long)d->shm_nattch,
			d->shm_perm.uid, d->shm_perm.gid, d->shm_perm.cuid, d->shm_perm.cgid,
			(unsigned long long)d->shm_atime, (unsigned long long)d->shm_dtime,
			(unsigned long long)d->shm_ctime, (unsigned long long)rss,
			(unsigned long long)swap);
		break;
	}
	case IPCNS_MSG: {
		const struct msqid_ds *d = &ds.msg;
		fprintf(out, MSG_ROW, d->msg_perm.__key, o->id, d->msg_perm.mode, (unsigned long)d->__msg_cbytes,
			(unsigned long)d->msg_qnum, (unsigned)d->msg_lspid, (unsigned)d->msg_lrpid,
			d->msg_perm.uid, d->msg_perm.gid, d->msg_perm.cuid, d->msg_perm.cgid,
			(unsigned long long)d->msg_stime, (unsigned long long)d->msg_rtime,
			(unsigned long long)d->msg_ctime);
		break;
	}
	case IPCNS_SEM:
	case IPCNS_KINDS: {
		const struct semid_ds *d = &ds.sem;
		fprintf(out, "%10d %10d  %4o %10u %5u %5u %5u %5u %10llu %10llu\n",
			d->sem_perm.__key, o->id, d->sem_perm.mode, (unsigned)d->sem_nsems,
			d->sem_perm.uid, d->sem_perm.gid, d->sem_perm.cuid, d->sem_perm.cgid,
			(unsigned long long)d->sem_otime, (unsigned long long)d->sem_ctime);
		break;
	}
	}
}

/* The kind /proc/sysvipc/<name> lists, or IPCNS_KINDS for none. */
static enum ipcns_kind kind_of(const char *name)
{
	enum ipcns_kind kind;
	for (kind = 0; kind < IPCNS_KINDS; kind++)
		if (strcmp(name, kind_names[kind]) == 0)
			break;
	return kind;
}

static int by_serial(const void *a, const void *b)
{
	const struct ipcns_obj *x = *(struct ipcns_obj *const *)a, *y = *(struct ipcns_obj *const *)b;
	return x->serial < y->serial ? -1 : x->serial > y->serial;
}

ssize_t ipcns_proc(struct ipcns *ns, const char *name, char **ret,
		   pid_t (*to_sandbox)(void *ctx, pid_t host), void *ctx)
{
	enum ipcns_kind kind = kind_of(name);
	if (kind == IPCNS_KINDS)
		return -ENOENT;
	if (kind == IPCNS_SHM)
		forget_destroyed(ns);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		return -ENOMEM;
	struct host_row *rows = NULL;
	size_t n = kind == IPCNS_SHM ? host_rows(name, &rows) : 0;
	fputs(proc_header[kind], out);
	/* In the order they were made, as a fresh namespace's indexes give
	 * them (0, 1, 2...): the host's cyclic indexes, which the sandbox's
	 * are, may have wrapped between two of them (ipcs lists this way). */
	struct ipcns_table *t = &ns->t[kind];
	struct ipcns_obj **all = calloc((size_t)t->n + 1, sizeof(*all));
	size_t k = 0;
	for (int i = 0; all && i < t->cap; i++)
		if (t->slot[i])
			all[k++] = t->slot[i];
	if (all)
		qsort(all, k, sizeof(*all), by_serial);
	for (size_t i = 0; i < k; i++)
		proc_row(out, all[i], rows, n, to_sandbox, ctx);
	free(all);
	free(rows);
	if (fclose(out) != 0) {
		free(text);
		return -ENOMEM;
	}
	*ret = text;
	return (ssize_t)len;
}

ssize_t ipcns_proc_host(const char *name, char **ret, pid_t (*to_sandbox)(void *ctx, pid_t host),
			void *ctx)
{
	enum ipcns_kind kind = kind_of(name);
	if (kind == IPCNS_KINDS)
		return -ENOENT;
	char path[64];
	snprintf(path, sizeof(path), "/proc/sysvipc/%s", name);
	FILE *in = fopen(path, "re");
	if (!in)
		return -errno;
	char *text = NULL, *line = NULL;
	size_t len = 0, cap = 0;
	FILE *out = open_memstream(&text, &len);
	bool first = true;
	while (out && getline(&line, &cap, in) > 0) {
		int key, id;
		unsigned mode, p1, p2, u[4];
		unsigned long size, n;
		unsigned long long t[3], rss, swap;
		if (first || kind == IPCNS_SEM) { /* the header; a set keeps no pid */
			fputs(line, out);
		} else if (kind == IPCNS_SHM &&
			   sscanf(line, "%d %d %o %lu %u %u %lu %u %u %u %u %llu %llu %llu %llu %llu", &key,
				  &id, &mode, &size, &p1, &p2, &n, &u[0], &u[1], &u[2], &u[3], &t[0],
				  &t[1], &t[2], &rss, &swap) == 16) {
			fprintf(out, SHM_ROW, key, id, mode, size, (unsigned)to_sandbox(ctx, (pid_t)p1),
				p2 ? (unsigned)to_sandbox(ctx, (pid_t)p2) : 0, n, u[0], u[1], u[2], u[3],
				t[0], t[1], t[2], rss, swap);
		} else if (kind == IPCNS_MSG &&
			   sscanf(line, "%d %d %o %lu %llu %u %u %u %u %u %u %llu %llu %llu", &key, &id,
				  &mode, &size, &rss, &p1, &p2, &u[0], &u[1], &u[2], &u[3], &t[0], &t[1],
				  &t[2]) == 14) {
			fprintf(out, MSG_ROW, key, id, mode, size, (unsigned long)rss, p1 ? (unsigned)to_sandbox(ctx, (pid_t)p1) : 0,
				p2 ? (unsigned)to_sandbox(ctx, (pid_t)p2) : 0, u[0], u[1], u[2], u[3], t[0],
				t[1], t[2]);
		}
		first = false;
	}
	free(line);
	fclose(in);
	if (!out || fclose(out) != 0) {
		free(text);
		return -ENOMEM;
	}
	*ret = text;
	return (ssize_t)len;
}

void ipcns_reap_log(int dirfd, pid_t veil)
{
	FILE *f = scratch_log_open(dirfd, IPCNS_LOG);
	if (!f)
		return;
	char kind[4];
	int id;
	uid_t me = geteuid();
	while (fscanf(f, "%3s %d", kind, &id) == 2) {
		/* Only what is still a private object of ours: the log names
		 * ids the sandbox may have removed already, whose number the
		 * host may since have given to another object. */
		union {
			struct shmid_ds shm;
			struct msqid_ds msg;
			struct semid_ds sem;
		} ds;
		if (strcmp(kind, "shm") == 0 && shmctl(id, IPC_STAT, &ds.shm) == 0 &&
		    ds.shm.shm_perm.__key == IPC_PRIVATE && ds.shm.shm_perm.cuid == me &&
		    ds.shm.shm_cpid == veil)
			(void)shmctl(id, IPC_RMID, NULL);
		else if (strcmp(kind, "msg") == 0 && msgctl(id, IPC_STAT, &ds.msg) == 0 &&
			 ds.msg.msg_perm.__key == IPC_PRIVATE && ds.msg.msg_perm.cuid == me)
			(void)msgctl(id, IPC_RMID, NULL);
		else if (strcmp(kind, "sem") == 0 && semctl(id, 0, IPC_STAT, &ds.sem) == 0 &&
			 ds.sem.sem_perm.__key == IPC_PRIVATE && ds.sem.sem_perm.cuid == me)
			(void)semctl(id, 0, IPC_RMID);
	}
	fclose(f);
}

int ipcns_set(struct ipcns_obj *o, uid_t uid, gid_t gid, unsigned mode, unsigned long qbytes)
{
	/* The host object keeps its owner and 0600, so the program's ids
	 * still reach it; only its change time (and a queue's limit) moves. */
	int r = -1;
	switch (o->kind) {
	case IPCNS_SHM: {
		struct shmid_ds ds;
		r = shmctl(o->id, IPC_STAT, &ds) < 0 ? -1 : shmctl(o->id, IPC_SET, &ds);
		break;
	}
	case IPCNS_MSG: {
		struct msqid_ds ds;
		r = msgctl(o->id, IPC_STAT, &ds);
		if (r == 0) {
			ds.msg_qbytes = qbytes;
			r = msgctl(o->id, IPC_SET, &ds);
		}
		break;
	}
	case IPCNS_SEM:
	case IPCNS_KINDS: {
		struct semid_ds ds;
		r = semctl(o->id, 0, IPC_STAT, &ds) < 0 ? -1 : semctl(o->id, 0, IPC_SET, &ds);
		break;
	}
	}
	if (r < 0)
		return -errno;
	o->uid = uid;
	o->gid = gid;
	o->mode = mode & 0777;
	return 0;
}

int ipcns_info(struct ipcns *ns, enum ipcns_kind kind, int cmd, void *buf)
{
	int max = ipcns_max_idx(ns, kind);
	struct ipcns_table *t = &ns->t[kind];
	switch (kind) {
	case IPCNS_SHM:
		if (cmd == SHM_INFO) {
			/* counted in pages, as the kernel's shm_get_stat() */
			long page = sysconf(_SC_PAGESIZE);
			struct shm_info *si = buf;
			struct host_row *rows;
			size_t n = host_rows("shm", &rows);
			memset(si, 0, sizeof(*si));
			si->used_ids = t->n;
			for (int i = 0; i < t->cap; i++) {
				const struct ipcns_obj *o = t->slot[i];
				if (!o)
					continue;
				si->shm_tot += (o->size + (unsigned long)page - 1) / (unsigned long)page;
				for (size_t j = 0; j < n; j++)
					if (rows[j].id == o->id) {
						si->shm_rss += rows[j].rss / (unsigned long)page;
						si->shm_swp += rows[j].swap / (unsigned long)page;
					}
			}
			free(rows);
		} else if (shmctl(0, IPC_INFO, buf) < 0) {
			return -errno;
		}
		break;
	case IPCNS_MSG: {
		struct msginfo *mi = buf;
		if (msgctl(0, IPC_INFO, buf) < 0)
			return -errno;
		if (cmd == MSG_INFO) {
			mi->msgpool = t->n;
			mi->msgmap = mi->msgtql = 0;
			for (int i = 0; i < t->cap; i++) {
				struct msqid_ds ds;
				if (t->slot[i] && msgctl(t->slot[i]->id, IPC_STAT, &ds) == 0) {
					mi->msgmap += (int)ds.msg_qnum;
					mi->msgtql += (int)ds.__msg_cbytes;
				}
			}
		}
		break;
	}
	case IPCNS_SEM:
	case IPCNS_KINDS: {
		struct seminfo *si = buf;
		if (semctl(0, 0, IPC_INFO, buf) < 0)
			return -errno;
		if (cmd == SEM_INFO) {
			si->semusz = t->n;
			si->semaem = 0;
			for (int i = 0; i < t->cap; i++)
				if (t->slot[i])
					si->semaem += (int)t->slot[i]->size;
		}
		break;
	}
	}
	return max < 0 ? 0 : max;
}
