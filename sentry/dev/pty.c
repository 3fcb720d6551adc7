/* The pty table (see pty.h).
 *
 * Invariants:
 *   - Each entry holds one O_PATH fd (close-on-exec, never the program's)
 *     on the host slave node of a pty the sandbox allocated through a
 *     devpts ptmx node, plus what the node shows: owner, time, identity.
 *   - An entry is live while that node still has a link (the kernel drops
 *     it when the pty's master closes for good); a dead entry is removed
 *     the first time anyone looks, and its index may then be reused by
 *     the host for another pty, which the sandbox never sees through it.
 *   - Entries are sorted by index (the listing order).
 *
 * The controlling terminal: a real open of a slave without O_NOCTTY makes
 * it the caller's controlling terminal when the caller is a session leader
 * without one (and the terminal is no session's). The sentry opens in its
 * own process, always with O_NOCTTY, so it cannot; it tells its caller,
 * whose platform makes the task itself run TIOCSCTTY, which checks the
 * same conditions (platform/unotify/ctty.c). */
#include "sentry/dev/pty.h"
#include "sentry/kernel/task_stat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "sentry/dev/devices.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif
#ifndef DEVPTS_SUPER_MAGIC
#define DEVPTS_SUPER_MAGIC 0x1cd1
#endif

struct pty {
	struct devpts_pty shown;
	int path_fd;
	struct pty *next;
};

struct pty_table {
	struct pty *list; /* by index */
	size_t n;	  /* entries, live or not yet found dead */
	size_t pruned_at; /* n after the last pass over all of them */
	uint64_t serials;
	struct pty_table *next; /* in `tables` */
};

/* Every table of this sentry, for pty_open_rdev(). */
static struct pty_table *tables;

struct pty_table *pty_table_new(void)
{
	struct pty_table *t = calloc(1, sizeof(struct pty_table));
	if (t) {
		t->next = tables;
		tables = t;
	}
	return t;
}

void pty_table_free(struct pty_table *t)
{
	if (!t)
		return;
	for (struct pty_table **pp = &tables; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	for (struct pty *p = t->list, *next; p; p = next) {
		next = p->next;
		close(p->path_fd);
		free(p);
	}
	free(t);
}

static bool alive(const struct pty *p)
{
	struct stat st;
	return fstat(p->path_fd, &st) == 0 && st.st_nlink > 0;
}

static void drop(struct pty_table *t, struct pty **pp)
{
	struct pty *p = *pp;
	*pp = p->next;
	close(p->path_fd);
	free(p);
	t->n--;
}

/* Removes *pp if dead; whether it was. */
static bool prune(struct pty_table *t, struct pty **pp)
{
	if (alive(*pp))
		return false;
	drop(t, pp);
	return true;
}

static int provider_next(void *arg, long after, struct devpts_pty *ret)
{
	struct pty_table *t = arg;
	for (struct pty **pp = &t->list; *pp;) {
		if ((long)(*pp)->shown.index <= after) {
			pp = &(*pp)->next;
			continue;
		}
		if (prune(t, pp))
			continue;
		*ret = (*pp)->shown;
		return 1;
	}
	return 0;
}

/* The live entry of index, or NULL (a dead one is removed). */
static struct pty *find_live(struct pty_table *t, unsigned index)
{
	for (struct pty **pp = &t->list; *pp; pp = &(*pp)->next)
		if ((*pp)->shown.index == index)
			return prune(t, pp) ? NULL : *pp;
	return NULL;
}

static int provider_get(void *arg, unsigned index, struct devpts_pty *ret)
{
	struct pty *p = find_live(arg, index);
	if (!p)
		return -ENOENT;
	*ret = p->shown;
	return 0;
}

static void provider_release(void *arg)
{
	pty_table_free(arg);
}

const struct devpts_provider pty_devpts_provider = {
	.next = provider_next,
	.get = provider_get,
	.release = provider_release,
};

size_t pty_table_live(struct pty_table *t)
{
	size_t n = 0;
	for (struct pty **pp = &t->list; *pp;) {
		if (prune(t, pp))
			continue;
		n++;
		pp = &(*pp)->next;
	}
	t->pruned_at = n;
	return n;
}

size_t pty_table_held(const struct pty_table *t)
{
	return t->n;
}

dev_t pty_host_dev(void)
{
	struct stat st;
	struct statfs sf;
	if (statfs("/dev/pts", &sf) < 0 || sf.f_type != DEVPTS_SUPER_MAGIC ||
	    stat("/dev/pts", &st) < 0)
		return 0;
	return st.st_dev;
}

static bool is_slave_rdev(dev_t rdev, unsigned index)
{
	/* UNIX98_PTY_SLAVE_MAJOR and the majors after it, 256 minors each */
	return major(rdev) == 136 + index / 256 && minor(rdev) == index % 256;
}

/* Adds p in index order. A program that opens and closes ptys without
 * ever looking at /dev/pts leaves dead entries behind: when the table has
 * doubled since the last pass over it, drop them all (so the sentry holds
 * about as many O_PATH fds as there are live ptys, at O(1) amortised). */
static void insert(struct pty_table *t, struct pty *p)
{
	if (t->n >= 64 && t->n >= 2 * t->pruned_at)
		pty_table_live(t);
	struct pty **pp = &t->list;
	while (*pp && (*pp)->shown.index < p->shown.index)
		pp = &(*pp)->next;
	/* A dead entry with the same index (the host reused it): replace. */
	while (*pp && (*pp)->shown.index == p->shown.index)
		drop(t, pp);
	p->next = *pp;
	*pp = p;
	t->n++;
}

/* A new pty: the host's ptmx, never a path the program named. */
static int open_master(struct pty_table *t, int flags, const struct pty_opener *who)
{
	int m = open("/dev/ptmx", (flags & (O_ACCMODE | O_NONBLOCK)) | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return -errno;
	struct stat st;
	unsigned index;
	int r = -ENXIO;
	if (fstat(m, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(5, 2) ||
	    ioctl(m, TIOCGPTN, &index) < 0)
		goto out_close;
	struct pty *p = calloc(1, sizeof(*p));
	if (!p) {
		r = -ENOMEM;
		goto out_close;
	}
	p->path_fd = ioctl(m, TIOCGPTPEER, O_PATH | O_CLOEXEC);
	struct stat ss;
	if (p->path_fd < 0 || fstat(p->path_fd, &ss) < 0 || !S_ISCHR(ss.st_mode) ||
	    !is_slave_rdev(ss.st_rdev, index)) {
		r = p->path_fd < 0 ? -errno : -ENXIO;
		if (p->path_fd >= 0)
			close(p->path_fd);
		free(p);
		goto out_close;
	}
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	p->shown = (struct devpts_pty){
		.index = index,
		.serial = ++t->serials,
		.uid = who->fsuid,
		.gid = who->fsgid,
		.rdev = ss.st_rdev,
		.ino = ss.st_ino,
		.time = now,
	};
	insert(t, p);
	return m;
out_close:
	close(m);
	return r;
}

/* Whether a real open without O_NOCTTY would make a terminal the caller's
 * controlling one: the caller leads its session and has none. (The
 * kernel also wants the terminal to be no session's; refusing whenever it
 * might is the safe side.) */
static bool would_take_ctty(const struct pty_opener *who)
{
	struct task_session ts;
	return who->tgid > 0 && task_session_of(who->tid, &ts) == 0 && ts.sid == who->tgid &&
	       ts.ctty == 0;
}

static int open_slave(struct pty_table *t, unsigned index, int flags, struct pty_opener *who)
{
	struct pty *p = find_live(t, index);
	if (!p)
		return -ENOENT;
	who->take_ctty = !(flags & O_NOCTTY) && would_take_ctty(who);
	return device_reopen(p->path_fd, flags, p->shown.rdev, p->shown.ino);
}

int pty_open_node(struct vfs_inode *inode, int flags, struct pty_opener *who)
{
	void *arg;
	unsigned index = 0;
	switch (devpts_node_of(inode, &arg, &index)) {
	case DEVPTS_PTMX:
		return open_master(arg, flags, who);
	case DEVPTS_PTY:
		return open_slave(arg, index, flags, who);
	case DEVPTS_NONE:
		break;
	}
	return -EOPNOTSUPP;
}

int pty_open_rdev(dev_t rdev, int flags)
{
	for (struct pty_table *t = tables; t; t = t->next)
		for (struct pty **pp = &t->list; *pp; pp = &(*pp)->next)
			if ((*pp)->shown.rdev == rdev && !prune(t, pp))
				return device_reopen((*pp)->path_fd, flags, rdev, (*pp)->shown.ino);
	return -ENXIO;
}
