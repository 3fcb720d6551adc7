/* Task bookkeeping and syscall dispatch.
 *
 * Ownership: the sentry owns every sentry_task; a task lives from the
 * platform's report of its creation to the report of its exit. A trapped
 * call from a tid the sentry does not know is refused (EPERM), never served
 * with guessed credentials: guessing could hand a task that dropped root
 * its root back. */
#include "sentry/kernel/sentry.h"
#include "sentry/kernel/mntns.h"
#include "sentry/net/inet.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/resource.h>
#include <linux/capability.h>
#include <linux/kcmp.h>
#include <dirent.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/utsname.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <time.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "fs/hostfs/hostfs.h"
#include "sentry/kernel/fdmap.h"
#include "sentry/kernel/host_act.h"
#include "sentry/kernel/ipcns.h"
#include "sentry/kernel/mqns.h"
#include "sentry/kernel/pidns.h"
#include "sentry/kernel/shadow.h"
#include "sentry/net/sock_wait.h"
#include "sentry/sys/syscalls.h"
#include "sentry/sys/sys_pidns.h"
#include "vfs/vfs.h"

static uint64_t all_caps(void)
{
	return (1ull << (CAP_LAST_CAP + 1)) - 1;
}

static const char *const sentry_ns_names[] = {"mnt", "cgroup", "ipc", "net", "pid", "uts", "user"};
_Static_assert(ARRAY_SIZE(sentry_ns_names) == ARRAY_SIZE(((struct sentry *)0)->ns_ids),
	       "one id per name");

/* Numbers for the namespaces the sentry keeps, as a kernel's would be:
 * nsfs inode numbers, which the kernel hands out upwards from 0xF0000000;
 * these start at a random point far above them, so no two sandboxes (and,
 * in practice, no namespace of the host) show the same. */
static void ns_ids_init(struct sentry *s, const struct spec *spec)
{
	static const unsigned flag[] = {0, SPEC_NS_CGROUP, SPEC_NS_IPC, SPEC_NS_NET,
					SPEC_NS_PID, SPEC_NS_UTS, SPEC_NS_USER};
	uint32_t rnd = 0;
	if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		rnd = (uint32_t)getpid() * 2654435761u;
	uint64_t base = 0xF8000000ull + (rnd % (0x07000000u / 8)) * 8; /* below 2^32 */
	for (size_t i = 0; i < ARRAY_SIZE(flag); i++)
		s->ns_ids[i] = !flag[i] || (spec->unshare & flag[i]) ? base + i : 0;
}

uint64_t sentry_ns_id(void *sentry, pid_t tid, const char *name)
{
	struct sentry *s = sentry;
	size_t len = strcspn(name, "_"); /* pid_for_children is pid's */
	/* the task's own mount namespace (unshare(CLONE_NEWNS)) */
	struct sentry_task *t = strcmp(name, "mnt") == 0 ? sentry_task_find(s, tid) : NULL;
	if (t && t->fs && t->fs->ns)
		return t->fs->ns->id;
	for (size_t i = 0; i < ARRAY_SIZE(sentry_ns_names); i++)
		if (strlen(sentry_ns_names[i]) == len && strncmp(name, sentry_ns_names[i], len) == 0)
			return s->ns_ids[i];
	return 0;
}

int sentry_init(struct sentry *s, const struct spec *spec)
{
	memset(s, 0, sizeof(*s));
	const char *st = getenv("VEIL_STATS");
	s->stats = st && *st && strcmp(st, "0") != 0;
	s->n_buckets = 256;
	s->buckets = calloc(s->n_buckets, sizeof(*s->buckets));
	if (!s->buckets)
		return -ENOMEM;
	uint64_t bounding = spec->caps_set ? spec->caps : all_caps();
	/* Run by root, the program's root is the caller's, and never holds a
	 * capability the caller lacks (a container's bounding set may omit
	 * CAP_SYS_RESOURCE, say): what the kernel backend keeps for the same
	 * command line (platform/ns ns_harden_kept_caps). Otherwise --uid 0
	 * is the fakeroot, whose capabilities act on the VFS only. */
	if (geteuid() == 0)
		bounding &= host_permitted_caps();
	creds_init(&s->initial, spec->uid, spec->gid, bounding);
	/* Asked for by --cap-add/--cap-drop, root's capabilities are set in
	 * the inheritable and ambient sets too, as bubblewrap's capset and
	 * PR_CAP_AMBIENT_RAISE after the drop do (capsh shows `=eip` and the
	 * ambient set then, `=ep` without). */
	if (spec->caps_set && spec->uid == 0)
		s->initial.cap_inheritable = s->initial.cap_ambient = s->initial.cap_permitted;
	ns_ids_init(s, spec);
	if (spec->unshare & SPEC_NS_USER) {
		s->setgroups_denied = true;
		snprintf(s->uid_map, sizeof(s->uid_map), "%10u %10u %10u\n", (unsigned)spec->uid,
			 (unsigned)getuid(), 1u);
		snprintf(s->gid_map, sizeof(s->gid_map), "%10u %10u %10u\n", (unsigned)spec->gid,
			 (unsigned)getgid(), 1u);
	}
	/* A uts namespace of its own starts as a copy of the host's names. */
	s->uts_own = spec->unshare & SPEC_NS_UTS;
	struct utsname u;
	if (s->uts_own && uname(&u) == 0) {
		memcpy(s->nodename, u.nodename, sizeof(s->nodename));
		memcpy(s->domainname, u.domainname, sizeof(s->domainname));
	}
	if (s->uts_own && spec->hostname)
		snprintf(s->nodename, sizeof(s->nodename), "%s", spec->hostname);
	if ((spec->unshare & SPEC_NS_PID) && !(s->pidns = pidns_new()))
		return -ENOMEM;
	/* A cgroup namespace of its own is rooted where the sandbox starts:
	 * the program is the sentry's child, in the sentry's cgroups. */
	if (spec->unshare & SPEC_NS_CGROUP) {
		FILE *f = fopen("/proc/self/cgroup", "re");
		size_t cap = 0;
		if (!f)
			return -errno;
		ssize_t n = getdelim(&s->cgroup_root, &cap, '\0', f);
		fclose(f);
		if (n <= 0)
			return -EIO;
	}
	/* --unshare-ipc: its objects are logged in the scratch directory,
	 * for the reaper should veil be killed (ipcns.h) */
	if (spec->unshare & SPEC_NS_IPC) {
		int r = s->shadows ? 0 : shadows_new(&s->shadows);
		int log = r < 0 ? r : shadow_scratch_file(s->shadows, IPCNS_LOG);
		if (log < 0)
			return log;
		if (!(s->ipc = ipcns_new(log))) {
			close(log);
			return -ENOMEM;
		}
		log = shadow_scratch_file(s->shadows, MQNS_LOG);
		if (log < 0)
			return log;
		if (!(s->mq = mqns_new(log))) {
			close(log);
			return -ENOMEM;
		}
	}
	/* --unshare-net (and --unshare-net-try: here it always can) */
	if (spec->unshare & SPEC_NS_NET)
		return inet_init(s);
	return 0;
}

static struct sentry_fs *fs_copy(const struct sentry_fs *from)
{
	struct sentry_fs *f = malloc(sizeof(*f));
	if (!f)
		return NULL;
	f->refs = 1;
	f->ctx = from->ctx;
	vfs_path_get(&f->ctx.root);
	vfs_path_get(&f->ctx.cwd);
	f->ns = mntns_get(from->ns);
	return f;
}

struct sentry_fs *sentry_fs_copy(const struct sentry_fs *from)
{
	return fs_copy(from);
}

static void fs_put(struct sentry_fs *f)
{
	if (!f || --f->refs > 0)
		return;
	vfs_ctx_destroy(&f->ctx);
	mntns_put(f->ns);
	free(f);
}

void sentry_fs_put(struct sentry_fs *f)
{
	fs_put(f);
}

int sentry_attach_vfs(struct sentry *s, struct vfs_mount *root, mode_t umask)
{
	struct sentry_fs *f = malloc(sizeof(*f));
	struct fdmap *files = fdmap_new();
	/* The scratch directory may be there already: the VFS's tmpfs
	 * instances keep their data in it (sentry_tmpfs_data_dir). */
	struct shadows *shadows = s->shadows;
	struct sentry_mntns *ns = mntns_new(root, s->ns_ids[0]);
	int r = !f || !files || !ns ? -ENOMEM : shadows ? 0 : shadows_new(&shadows);
	if (r < 0) {
		free(f);
		fdmap_free(files);
		if (ns)
			ns->base = NULL; /* the caller's still */
		mntns_put(ns);
		return r;
	}
	/* its ids follow the first namespace's, never reaching the next
	 * namespace's (cgroup: ns_ids[1]) */
	s->next_mntns_id = s->ns_ids[0] + 0x100;
	struct vfs_cred cred;
	vfs_cred_init(&cred, s->initial.fsuid, s->initial.fsgid);
	f->refs = 1;
	struct vfs_ctx *c = &f->ctx;
	vfs_ctx_init(c, root, &cred);
	/* the root the program starts in stays, as the kernel backend's
	 * (locked in its user namespace) */
	vfs_mount_lock(c->root.mnt);
	c->umask = umask & 0777;
	f->ns = mntns_get(ns); /* and the sentry's own reference */
	s->mntns = ns;
	s->initial_fs = f;
	s->files = files;
	s->shadows = shadows;
	return 0;
}

int sentry_chdir_initial(struct sentry *s, const char *path)
{
	struct sentry_task first = {.fs = s->initial_fs, .creds = s->initial};
	struct vfs_ctx *c = sentry_task_vfs(&first);
	return c ? vfs_chdir(c, NULL, path) : -ENOSYS;
}

int sentry_add_data_dir(struct sentry *s, int fd)
{
	int *v = realloc(s->data_dirs, (s->n_data_dirs + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	v[s->n_data_dirs++] = fd;
	s->data_dirs = v;
	return 0;
}

int sentry_tmpfs_data_dir(struct sentry *s)
{
	if (!s->shadows) {
		int r = shadows_new(&s->shadows);
		if (r < 0)
			return r;
	}
	int fd = shadow_data_dir(s->shadows);
	if (fd < 0)
		return fd;
	int r = sentry_add_data_dir(s, fd);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int sentry_open_initial(struct sentry *s, const char *path, int flags, struct vfs_file **ret)
{
	struct sentry_task first = {.fs = s->initial_fs, .creds = s->initial};
	struct vfs_ctx *c = sentry_task_vfs(&first);
	return c ? vfs_openat(c, NULL, path, flags, 0, ret) : -ENOSYS;
}

struct vfs_ctx *sentry_task_vfs(struct sentry_task *t)
{
	if (!t->fs)
		return NULL;
	struct vfs_ctx *c = &t->fs->ctx;
	/* The VFS checks with the fs ids, as the kernel does. */
	const struct creds *cr = &t->creds;
	c->cred.ruid = cr->ruid;
	c->cred.euid = cr->fsuid;
	c->cred.rgid = cr->rgid;
	c->cred.egid = cr->fsgid;
	size_t n = cr->ngroups < VFS_NGROUPS_MAX ? cr->ngroups : VFS_NGROUPS_MAX;
	for (size_t i = 0; i < n; i++)
		c->cred.groups[i] = cr->groups[i];
	c->cred.ngroups = (int)n;
	c->cred.caps = cr->cap_effective;
	c->caller = t->tid;
	return c;
}

static void task_free(struct sentry_task *t);

void sentry_fini(struct sentry *s)
{
	sentry_stats_print(s);
	for (size_t b = 0; b < s->n_buckets; b++) {
		struct sentry_task *t = s->buckets[b];
		while (t) {
			struct sentry_task *next = t->next;
			task_free(t);
			t = next;
		}
	}
	free(s->buckets);
	pidns_free(s->pidns);
	free(s->data_dirs);
	free(s->cgroup_root);
	creds_release(&s->initial);
	/* Open files first: they hold references into the mount tree. */
	fdmap_free(s->files);
	sentry_sockets_free(s);
	inet_fini(s);
	ipcns_free(s->ipc);
	mqns_free(s->mq);
	shadows_free(s->shadows);
	fs_put(s->initial_fs);
	mntns_put(s->mntns);
	memset(s, 0, sizeof(*s));
}

static size_t bucket_of(const struct sentry *s, pid_t tid)
{
	return (size_t)tid % s->n_buckets;
}

struct sentry_task *sentry_task_find(struct sentry *s, pid_t tid)
{
	for (struct sentry_task *t = s->buckets[bucket_of(s, tid)]; t; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

static int grow(struct sentry *s)
{
	size_t n = s->n_buckets * 2;
	struct sentry_task **b = calloc(n, sizeof(*b));
	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < s->n_buckets; i++) {
		struct sentry_task *t = s->buckets[i];
		while (t) {
			struct sentry_task *next = t->next;
			t->next = b[(size_t)t->tid % n];
			b[(size_t)t->tid % n] = t;
			t = next;
		}
	}
	free(s->buckets);
	s->buckets = b;
	s->n_buckets = n;
	return 0;
}

static struct sentry_mm *mm_new(void)
{
	static uint64_t next_id = 1;
	struct sentry_mm *mm = calloc(1, sizeof(*mm));
	if (mm) {
		mm->refs = mm->users = 1;
		mm->id = next_id++;
	}
	return mm;
}

static void mm_put(struct sentry_task *t)
{
	struct sentry_mm *mm = t->mm;
	t->mm = NULL;
	if (!mm)
		return;
	if (t->mm_user)
		mm->users--;
	if (--mm->refs == 0)
		free(mm);
}

bool sentry_task_mm_shared(struct sentry *s, pid_t tid, uint64_t *id)
{
	struct sentry_task *t = sentry_task_find(s, tid);
	if (!t || !t->mm) {
		*id = (uint64_t)1 << 63 | (uint32_t)tid;
		return true;
	}
	*id = t->mm->id;
	return t->mm->users > 1;
}

static void task_free(struct sentry_task *t)
{
	creds_release(&t->creds);
	fs_put(t->fs);
	fs_put(t->clone_fs);
	sentry_image_put(t->image);
	sentry_image_put(t->exec_pending);
	mm_put(t);
	free(t);
}

void sentry_task_new_mm(struct sentry_task *t)
{
	mm_put(t);
	t->mm = mm_new();
	t->mm_user = true;
}

int sentry_task_new(struct sentry *s, pid_t tid, pid_t parent, unsigned flags)
{
	const struct creds *from = &s->initial;
	struct sentry_fs *from_fs = s->initial_fs;
	if (parent) {
		struct sentry_task *p = sentry_task_find(s, parent);
		if (!p)
			return -ESRCH;
		from = &p->creds;
		from_fs = p->fs;
	}
	/* A tid is reused only after its task exited; a stale entry means a
	 * lost exit report: replace it. */
	sentry_task_exit(s, tid);
	if (s->n_tasks >= s->n_buckets * 2 && grow(s) < 0)
		return -ENOMEM;
	struct sentry_task *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->tid = tid;
	t->exit_nr = -1;
	if (creds_copy(&t->creds, from) < 0) {
		free(t);
		return -ENOMEM;
	}
	struct sentry_task *creator = parent ? sentry_task_find(s, parent) : NULL;
	if (creator && creator->clone_fs && !(flags & SENTRY_SHARE_FS)) {
		/* clone(CLONE_NEWNS): the namespace made at its seccomp stop;
		 * the creator's exit stop, there to drop it had the clone
		 * failed, is no longer needed (under --unshare-pid the event
		 * asks for it again) */
		t->fs = creator->clone_fs;
		creator->clone_fs = NULL;
		if (creator->exit_nr == SYS_clone)
			creator->exit_nr = -1;
	} else if (from_fs) {
		if (flags & SENTRY_SHARE_FS) {
			t->fs = from_fs;
			from_fs->refs++;
		} else if (!(t->fs = fs_copy(from_fs))) {
			creds_release(&t->creds);
			free(t);
			return -ENOMEM;
		}
	}
	/* fork and threads run what their creator runs; an exec under way
	 * belongs to whoever made it (a non-leader's exec re-creates the
	 * task under the leader's tid from the former one). */
	if (parent) {
		struct sentry_task *p = sentry_task_find(s, parent);
		if ((t->image = p->image))
			t->image->refs++;
		if ((t->exec_pending = p->exec_pending))
			t->exec_pending->refs++;
	}
	/* A thread is of its creator's group; anything else leads its own
	 * (known here, so an exit need not ask the host, which may have
	 * forgotten the task by then). */
	if (parent && (flags & SENTRY_THREAD))
		t->tgid = sentry_task_tgid(sentry_task_find(s, parent));
	else if (!(flags & SENTRY_THREAD))
		t->tgid = tid;
	if (s->pidns) {
		pid_t v = flags & SENTRY_KEEP_PID ? pidns_revive(s->pidns, tid) : 0;
		if (v <= 0)
			v = pidns_add(s->pidns, tid, !(flags & SENTRY_THREAD));
		if (v < 0) {
			sentry_image_put(t->image);
			sentry_image_put(t->exec_pending);
			fs_put(t->fs);
			fs_put(t->clone_fs);
			creds_release(&t->creds);
			free(t);
			return v;
		}
		t->vtid = v;
	}
	struct sentry_task *vm_of = parent && (flags & SENTRY_SHARE_VM) ? sentry_task_find(s, parent)
									 : NULL;
	if (vm_of && vm_of->mm) {
		t->mm = vm_of->mm;
		t->mm->refs++;
		t->mm_user = !(flags & SENTRY_VFORK);
		t->mm->users += t->mm_user;
	} else {
		t->mm = mm_new(); /* NULL: every copy for it goes the guarded way */
		t->mm_user = true;
	}
	size_t b = bucket_of(s, tid);
	t->next = s->buckets[b];
	s->buckets[b] = t;
	s->n_tasks++;
	return 0;
}

void sentry_task_exit(struct sentry *s, pid_t tid)
{
	struct sentry_task **pp = &s->buckets[bucket_of(s, tid)];
	for (; *pp; pp = &(*pp)->next) {
		if ((*pp)->tid == tid) {
			struct sentry_task *t = *pp;
			*pp = t->next;
			if (s->pidns)
				pidns_exit(s->pidns, tid, sentry_task_tgid(t) == tid);
			task_free(t);
			s->n_tasks--;
			return;
		}
	}
}

/* Marks the files task `tid` maps: their names stay known to
 * /proc/<pid>/maps after the fds they were mapped from are closed. */
static void mark_maps_of(struct sentry *s, pid_t tid)
{
	char path[64], line[512];
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)tid);
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned maj, min;
		unsigned long ino;
		if (sscanf(line, "%*x-%*x %*s %*x %x:%x %lu", &maj, &min, &ino) == 3 && ino)
			fdmap_mark(s->files, makedev(maj, min), (ino_t)ino);
		/* a long name: skip the rest of the line */
		while (!strchr(line, '\n') && fgets(line, sizeof(line), f))
			;
	}
	fclose(f);
}

/* Marks what task `tid`'s fd table holds. */
static void mark_fds_of(struct sentry *s, pid_t tid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)tid);
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		struct stat st;
		if (fstatat(dirfd(d), de->d_name, &st, 0) == 0)
			fdmap_mark(s->files, st.st_dev, st.st_ino);
	}
	closedir(d);
}

static bool marked(void *files, dev_t dev, ino_t ino)
{
	return fdmap_marked(files, dev, ino);
}

void sentry_watches_release(void)
{
	int fd = hostfs_watch_release();
	if (fd < 0)
		return;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		/* Nothing but the instance, until veil is gone. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		if (fd > 0)
			close_range(0, (unsigned)fd - 1, 0);
		close_range((unsigned)fd + 1, ~0u, 0);
		pause();
		_exit(0);
	}
	close(fd); /* without a child (fork failed), veil's exit pays the wait */
}

void sentry_files_gc(struct sentry *s)
{
	if (!s->files)
		return;
	size_t n = fdmap_size(s->files);
	if (n >= 256 && n >= 2 * s->files_swept)
		sentry_files_sweep(s);
}

struct task_ref {
	pid_t tgid, tid;
};

static int by_tgid(const void *a, const void *b)
{
	pid_t x = ((const struct task_ref *)a)->tgid, y = ((const struct task_ref *)b)->tgid;
	return (x > y) - (x < y);
}

/* Whether `tid` shares its fd table (KCMP_FILES) or memory (KCMP_VM)
 * with one of reps[0..n): kcmp says 0 for the same one. In doubt (no
 * kcmp), no: the table is marked again, which misses nothing. */
static bool shares(pid_t tid, int what, const pid_t *reps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (syscall(SYS_kcmp, reps[i], tid, what, 0, 0) == 0)
			return true;
	return false;
}

/* Marks every fd table and every memory map of the sandbox once. Marking
 * them once per thread missed none too, but cost threads x fds: 300
 * sleeping threads and 5,000 fds made one sweep keep the loop 18 s. A
 * table or a map is shared within a thread group (in doubt, kcmp says
 * which): each is read once per group and sharer. */
static void mark_all(struct sentry *s)
{
	struct task_ref *all = malloc((s->n_tasks + 1) * sizeof(*all));
	pid_t *fd_reps = malloc((s->n_tasks + 1) * sizeof(*fd_reps));
	pid_t *vm_reps = malloc((s->n_tasks + 1) * sizeof(*vm_reps));
	size_t k = 0;
	for (size_t b = 0; all && b < s->n_buckets; b++)
		for (struct sentry_task *t = s->buckets[b]; t; t = t->next)
			all[k++] = (struct task_ref){sentry_task_tgid(t), t->tid};
	if (!all || !fd_reps || !vm_reps) {
		/* No room to remember: every thread, as before. */
		for (size_t b = 0; b < s->n_buckets; b++)
			for (struct sentry_task *t = s->buckets[b]; t; t = t->next) {
				mark_maps_of(s, t->tid);
				mark_fds_of(s, t->tid);
			}
	} else {
		qsort(all, k, sizeof(*all), by_tgid);
		size_t nf = 0, nv = 0;
		for (size_t i = 0; i < k; i++) {
			if (i > 0 && all[i].tgid != all[i - 1].tgid)
				nf = nv = 0; /* a new thread group: its own reps */
			if (!shares(all[i].tid, KCMP_VM, vm_reps, nv)) {
				mark_maps_of(s, all[i].tid);
				vm_reps[nv++] = all[i].tid;
			}
			if (!shares(all[i].tid, KCMP_FILES, fd_reps, nf)) {
				mark_fds_of(s, all[i].tid);
				fd_reps[nf++] = all[i].tid;
			}
		}
	}
	free(all);
	free(fd_reps);
	free(vm_reps);
}

void sentry_files_sweep(struct sentry *s)
{
	if (!s->files)
		return;
	size_t n = fdmap_size(s->files);
	fdmap_mark_begin(s->files);
	mark_all(s);
	sentry_waiters_mark(s->files); /* a FIFO a waiter is still opening */
	shadows_sweep(s->shadows, marked, s->files);
	fdmap_sweep(s->files);
	s->files_swept = fdmap_size(s->files);
	log_debug("fd map: %zu entries kept of %zu, %zu tombstones", s->files_swept, n,
		  fdmap_tombstones(s->files));
}

bool sentry_fds_low(void)
{
	/* The limit is the one the sentry set itself at start (emulate.c). */
	static rlim_t limit;
	if (!limit) {
		struct rlimit rl;
		limit = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_cur : RLIM_INFINITY;
	}
	if (limit == RLIM_INFINITY || limit > INT_MAX)
		return false;
	/* The kernel hands out the lowest free number: every fd below it is
	 * taken. */
	int fd = open("/", O_PATH | O_CLOEXEC);
	if (fd < 0)
		return errno == EMFILE || errno == ENFILE;
	close(fd);
	return (rlim_t)fd + SENTRY_FD_RESERVE >= limit;
}

void sentry_stats_print(const struct sentry *s)
{
	if (!s->stats)
		return;
	uint64_t total = 0;
	for (int nr = 0; nr < SENTRY_STATS_NR; nr++)
		total += s->stats_calls[nr];
	char line[4096];
	int n = snprintf(line, sizeof(line), "stats: %llu calls served, %llu ptrace stops",
			 (unsigned long long)total, (unsigned long long)s->stats_stops);
	/* The busiest first: a selection, the table is small. */
	bool shown[SENTRY_STATS_NR] = {false};
	for (;;) {
		int best = -1;
		for (int nr = 0; nr < SENTRY_STATS_NR; nr++)
			if (!shown[nr] && s->stats_calls[nr] &&
			    (best < 0 || s->stats_calls[nr] > s->stats_calls[best]))
				best = nr;
		if (best < 0 || n >= (int)sizeof(line) - 64)
			break;
		shown[best] = true;
		const struct sys_entry *e = sys_lookup(best);
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%s %s %llu (%.1f us)", n ? "," : "",
			      e ? e->name : "?", (unsigned long long)s->stats_calls[best],
			      (double)s->stats_ns[best] / 1e3 / (double)s->stats_calls[best]);
	}
	log_warn("%s", line);
}

void sentry_dispatch(struct sentry *s, struct platform_call *call)
{
	const struct sys_entry *e = sys_lookup(call->nr);
	struct timespec t0 = {0};
	if (s->stats)
		clock_gettime(CLOCK_MONOTONIC, &t0);
	long ret;
	if (s->pidns && sentry_task_find(s, call->tid) && sys_pidns_dispatch(s, call, &ret)) {
		/* a pid crossing (sys_pidns.c) */
	} else if (!e || !e->handler) {
		/* The filter refuses these in the kernel; reaching here means the
		 * platform trapped more than the table asks. */
		ret = -ENOSYS;
	} else if (!sentry_task_find(s, call->tid)) {
		log_debug("syscall %s from unknown task %d refused", e->name, call->tid);
		ret = -EPERM;
	} else {
		ret = e->handler(s, call);
		if (ret == -ENOSYS || ret == -EOPNOTSUPP)
			log_debug("%s from %d: %s", e->name, call->tid,
				  ret == -ENOSYS ? "not supported" : "EOPNOTSUPP");
	}
	/* Timed before the reply: a reply with the sync wake-up runs the
	 * program at once, whose time is not the sentry's. */
	if (call->nr >= 0 && call->nr < SENTRY_STATS_NR) {
		s->stats_calls[call->nr]++;
		if (s->stats) {
			struct timespec t1;
			clock_gettime(CLOCK_MONOTONIC, &t1);
			s->stats_ns[call->nr] += (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000000LL +
							    (t1.tv_nsec - t0.tv_nsec));
		}
	}
	if (ret != SYS_REPLIED)
		call->ops->reply(call, ret);
}
