/* Host change notification: when a cached name may be trusted without
 * asking the host again.
 *
 * One inotify fd per process (inotify instances are a scarce per-user
 * resource: 128 by default) holds a watch on every cached directory of
 * every instance that can be watched; each instance has an fd on
 * /proc/self/mountinfo, whose poll reports any mount or umount in the
 * namespace the instance was made in. Every event and every strict
 * revalidation takes a stamp from one counter:
 *   - an event read for directory P stamps P->changed (a name in P was
 *     created, removed, moved in or out, or P or a child had its
 *     attributes changed, or P itself moved or went);
 *   - lost events (queue overflow) raise the global floor; a mount table
 *     change or a failed poll raises the instance's floor (nothing stamped
 *     at or before a floor is trusted);
 *   - a strict revalidation of dentry d (fstatat(parent, name) matched)
 *     stamps d->rev_time.
 * A cached dentry d in P is trusted, in a walk that has drained the queue
 * first, iff P is watched, d->rev_time > P->changed and > both floors,
 * and, for a directory, d's own inode is watched and d->rev_time > its
 * changed (its attributes feed the VFS's permission checks, and the root
 * of a host submount changes them without its parent's watch hearing).
 * So d is trusted only if nothing happened to its name, or to a
 * directory's attributes, since the host last confirmed it: P's watch
 * existed before d was first confirmed (watches are added when the
 * directory's inode is created, and a dentry starts at stamp 0), and an
 * event read late gets a later stamp (one extra strict check, never a
 * missed one).
 *
 * What this relies on, and where it does not hold the instance falls back
 * to the strict walk: inotify reports every change made through any mount
 * of a local filesystem (not changes a network or FUSE server makes: only
 * the filesystems in local_fs() are watched); a directory has one name, so
 * its watch sees its attribute changes (a non-directory's attributes can
 * change through another link, so a trusted non-directory is still
 * refreshed with fstat of its own fd); watches that cannot be added
 * (limits) leave that directory strict.
 *
 * Two instances binding the same host directory get the same wd: the
 * watch is removed when the last inode using it goes. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "fs/hostfs/hostfs_private.h"

#define WATCH_MASK                                                                     \
	(IN_ATTRIB | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_MOVED_FROM | \
	 IN_MOVED_TO | IN_ONLYDIR)

#ifndef F2FS_SUPER_MAGIC
#define F2FS_SUPER_MAGIC 0xF2F52010
#endif

/* Filesystems whose every change goes through this kernel's VFS, so
 * fsnotify sees it (not NFS, FUSE, 9p, virtiofs, overlayfs's layers,
 * pseudo filesystems whose entries come and go on their own). */
static bool local_fs(unsigned long type)
{
	switch (type) {
	case EXT4_SUPER_MAGIC: /* ext2, ext3 too */
	case XFS_SUPER_MAGIC:
	case BTRFS_SUPER_MAGIC:
	case TMPFS_MAGIC:
	case F2FS_SUPER_MAGIC:
	case RAMFS_MAGIC:
		return true;
	default:
		return false;
	}
}

static struct {
	int ifd; /* -1 until an instance needs it, or if inotify is unavailable */
	uint64_t clock;
	uint64_t floor; /* raised when events were lost */
	bool detached;	/* hostfs_watch_release: no notification ever again */
	struct hlist_head wds[HOSTFS_BUCKETS];
} w = { .ifd = -1 };

void hostfs_watch_init(struct hostfs_sb *sb)
{
	sb->mfd = -1;
	if (sb->opts.strict)
		return;
	if (w.ifd < 0 && !w.detached)
		w.ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w.ifd >= 0)
		sb->mfd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	/* without either, no notification: every walk asks */
}

int hostfs_watch_release(void)
{
	int fd = w.ifd;
	w.ifd = -1;
	/* Every instance is strict from here on: its watches are gone. */
	w.detached = true;
	return fd;
}

void hostfs_watch_fini(struct hostfs_sb *sb)
{
	if (sb->mfd >= 0)
		close(sb->mfd);
	sb->mfd = -1;
}

static unsigned wd_bucket(int wd)
{
	return (unsigned)wd & (HOSTFS_BUCKETS - 1);
}

/* Is the directory's filesystem one whose changes inotify reports? One
 * st_dev is one superblock, and the root's cannot go while the instance
 * holds the root's fd, so a directory on the root's device needs no
 * fstatfs (the first directory asked about is the root). */
static bool on_local_fs(struct hostfs_sb *sb, struct hostfs_inode *hi)
{
	if (sb->root_known && hi->hdev == sb->root_dev)
		return sb->root_local;
	struct statfs sf;
	bool local = fstatfs(hi->fd, &sf) == 0 && local_fs((unsigned long)sf.f_type);
	if (!sb->root_known) {
		sb->root_known = true;
		sb->root_dev = hi->hdev;
		sb->root_local = local;
	}
	return local;
}

void hostfs_watch_dir(struct hostfs_sb *sb, struct hostfs_inode *hi)
{
	if (sb->mfd < 0 || !on_local_fs(sb, hi))
		return;
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", hi->fd);
	/* an existing watch of this host directory (another instance's)
	 * comes back with its wd, its mask unchanged */
	int wd = inotify_add_watch(w.ifd, p, WATCH_MASK);
	if (wd <= 0)
		return; /* ENOSPC (max_user_watches) and the like: strict */
	hi->wd = wd;
	hi->changed = ++w.clock;
	hlist_add_head(&hi->wnode, &w.wds[wd_bucket(wd)]);
	/* The attributes the lookup read came before the watch: read them
	 * again now that any change is reported, so the dentry the lookup
	 * makes can be stamped confirmed (hostfs_looked_up). */
	struct stat st;
	if (fstat(hi->fd, &st) == 0 && st.st_ino == hi->hino && st.st_dev == hi->hdev)
		hostfs_fill_attrs(&hi->vi, &st);
	else
		hi->changed = UINT64_MAX; /* never trusted: every walk asks the host */
}

static void unwatch(struct hostfs_inode *hi)
{
	hlist_del_init(&hi->wnode);
	hi->wd = 0;
}

static bool wd_used(int wd)
{
	struct hlist_node *pos;
	hlist_for_each(pos, &w.wds[wd_bucket(wd)])
	{
		if (container_of(pos, struct hostfs_inode, wnode)->wd == wd)
			return true;
	}
	return false;
}

void hostfs_watch_forget(struct hostfs_inode *hi)
{
	if (!hi->wd)
		return;
	int wd = hi->wd;
	unwatch(hi);
	/* No instance any more (handed to its reaper at exit): its watches
	 * go with it. */
	if (w.ifd >= 0 && !wd_used(wd))
		inotify_rm_watch(w.ifd, wd);
}

/* Stamps (and, for IN_IGNORED, unwatches) every inode on wd. */
static void event_on(int wd, uint32_t mask)
{
	struct hlist_node *pos, *tmp;
	hlist_for_each_safe(pos, tmp, &w.wds[wd_bucket(wd)])
	{
		struct hostfs_inode *hi = container_of(pos, struct hostfs_inode, wnode);
		if (hi->wd != wd)
			continue;
		hi->changed = ++w.clock;
		if (mask & IN_IGNORED)
			unwatch(hi); /* gone, or its filesystem unmounted */
	}
}

/* Reads every queued event; false if the queue could not be read. */
static bool drain(void)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(w.ifd, buf, sizeof(buf));
		if (n < 0)
			return errno == EAGAIN;
		if (n == 0)
			return false;
		for (ssize_t i = 0; i < n;) {
			const struct inotify_event *ev = (const struct inotify_event *)(buf + i);
			i += (ssize_t)(sizeof(*ev) + ev->len);
			if (ev->mask & IN_Q_OVERFLOW)
				w.floor = ++w.clock;
			else
				event_on(ev->wd, ev->mask); /* none: a watch we removed */
		}
	}
}

/* Once per walk and instance, before anything is trusted: read what
 * happened since. */
static void watch_poll(struct hostfs_sb *sb)
{
	if (sb->polled_gen == vfs_walk_gen)
		return;
	sb->polled_gen = vfs_walk_gen;
	sb->trusted_gen = 0;
	struct pollfd p[2] = { { .fd = w.ifd, .events = POLLIN }, { .fd = sb->mfd, .events = POLLPRI } };
	if (poll(p, 2, 0) < 0)
		return;
	if (p[1].revents & (POLLPRI | POLLERR))
		sb->floor = ++w.clock; /* a mount or umount: anything may be covered */
	if ((p[0].revents & POLLIN) && !drain())
		return;
	if (p[0].revents & (POLLERR | POLLNVAL) || p[1].revents & POLLNVAL)
		return;
	sb->trusted_gen = vfs_walk_gen;
}

bool hostfs_watch_trusted(struct vfs_dentry *d)
{
	struct hostfs_sb *sb = HOSTFS_SB(d->sb);
	if (sb->mfd < 0 || w.detached)
		return false;
	watch_poll(sb);
	if (sb->trusted_gen != vfs_walk_gen)
		return false;
	struct hostfs_inode *parent = HOSTFS_I(d->parent->inode);
	if (!parent->wd || d->rev_time <= parent->changed || d->rev_time <= sb->floor ||
	    d->rev_time <= w.floor)
		return false;
	if (!S_ISDIR(d->inode->mode))
		return true;
	struct hostfs_inode *hi = HOSTFS_I(d->inode);
	return hi->wd && d->rev_time > hi->changed;
}

void hostfs_watch_confirmed(struct vfs_dentry *d)
{
	if (HOSTFS_SB(d->sb)->mfd >= 0)
		d->rev_time = ++w.clock;
}
