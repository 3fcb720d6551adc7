/* The directory-fd cache: for a tracee thread's fd on a directory, the
 * sentry keeps its own fd on the same open file (from pidfd_getfd) with
 * what fstat said of it. The program closes, dup2s and reopens natively,
 * so an entry is only a guess until kcmp(KCMP_FILE) says the tracee's fd
 * is still that very open file: one syscall instead of pidfd_getfd +
 * fstat + close, and the same answer.
 *
 * Invariant (why a stale entry can never pass): the entry holds a
 * reference on its open file, so that file cannot be freed and its
 * address reused while the entry lives; kcmp compares the two files by
 * identity, so a match means the tracee's fd is this open file, whatever
 * the program did in between. Only directories are kept (holding a pipe's
 * or a socket's end would keep its peer from seeing EOF; a regular file's
 * open file is the program's alone, sentry/sys/sys_open.c do_open). A
 * directory's open file does live on while its entry does, and so would a
 * flock or an OFD lock on it after the program's last close: the sentry
 * traps those locks, and one on a directory turns the cache off for good
 * (fdcache_off, from ops->reply_continue: unotify_continue_lock), before
 * the lock is taken.
 *
 * Direct-mapped by (tid, fd): a clash just replaces the older entry. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform/unotify/unotify_private.h"

static size_t slot_of(pid_t tid, int fd)
{
	uint64_t h = ((uint64_t)(uint32_t)tid << 32 | (uint32_t)fd) * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 58) & (FDCACHE_SLOTS - 1);
}

/* Closes inline: a kept fd is always a directory's (a shadow), whose close
 * never waits (base/closer.h). */
static void drop(struct fdcache_slot *e)
{
	if (e->mine >= 0)
		close(e->mine);
	e->tid = 0;
	e->mine = -1;
}

void fdcache_init(struct fdcache *c)
{
	c->off = false;
	c->self = getpid();
	for (size_t i = 0; i < FDCACHE_SLOTS; i++)
		c->e[i] = (struct fdcache_slot){.mine = -1};
}

void fdcache_fini(struct fdcache *c)
{
	for (size_t i = 0; i < FDCACHE_SLOTS; i++)
		drop(&c->e[i]);
}

void fdcache_forget_task(struct fdcache *c, pid_t tid)
{
	for (size_t i = 0; i < FDCACHE_SLOTS; i++)
		if (c->e[i].tid == tid)
			drop(&c->e[i]);
}

int fdcache_lookup(struct fdcache *c, pid_t tid, int fd, struct platform_fd *out)
{
	if (c->off || fd < 0)
		return -ENOENT;
	struct fdcache_slot *e = &c->e[slot_of(tid, fd)];
	if (e->tid != tid || e->fd != fd)
		return -ENOENT;
	long r = syscall(SYS_kcmp, tid, c->self, KCMP_FILE, fd, e->mine);
	if (r != 0) {
		if (r < 0 && (errno == ENOSYS || errno == EPERM || errno == EACCES))
			c->off = true; /* no kcmp here: every call takes the fd */
		drop(e);
		return -ENOENT;
	}
	out->fd = e->mine;
	out->borrowed = true;
	out->st = e->st;
	out->how = e->how;
	return 0;
}

void fdcache_off(struct fdcache *c)
{
	fdcache_fini(c);
	c->off = true;
}

void fdcache_forget(struct fdcache *c, pid_t tid, int fd)
{
	struct fdcache_slot *e = &c->e[slot_of(tid, fd)];
	if (e->tid == tid && e->fd == fd)
		drop(e);
}

bool fdcache_keep(struct fdcache *c, pid_t tid, int fd, int mine, const struct stat *st, int how)
{
	if (c->off || fd < 0 || mine < 0 || !S_ISDIR(st->st_mode))
		return false;
	struct fdcache_slot *e = &c->e[slot_of(tid, fd)];
	drop(e);
	*e = (struct fdcache_slot){.tid = tid, .fd = fd, .mine = mine, .st = *st,
				   .how = how < 0 ? -1 : how & (O_ACCMODE | O_PATH)};
	return true;
}

void fdcache_offer(struct fdcache *c, pid_t tid, int fd, struct platform_fd *pf)
{
	if (c->off || fd < 0 || pf->borrowed || !S_ISDIR(pf->st.st_mode))
		return;
	int how = fcntl(pf->fd, F_GETFL);
	if (how < 0 || !fdcache_keep(c, tid, fd, pf->fd, &pf->st, how))
		return;
	pf->borrowed = true;
	pf->how = how & (O_ACCMODE | O_PATH);
}
