/* mqns.h says what the sandbox's queue names are. The kernel's checks
 * (ipc/mqueue.c do_mq_open, prepare_open, mq_attr_ok, mq_unlink) are made
 * here with the sandbox's credentials; the host's then pass, the sentry
 * owning every host queue it made. */
#include "sentry/kernel/mqns.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "sentry/kernel/scratch.h"

struct mq_entry {
	char *name;	/* the sandbox's */
	char host[32];	/* "/veil-XXXXXXXX-N" */
	uid_t uid;
	gid_t gid;
	mode_t mode;
	uint64_t serial;
	struct timespec time;
	struct mq_entry *next;
};

struct mqns {
	struct mq_entry *queues;
	size_t n;
	char prefix[16]; /* "veil-XXXXXXXX-" */
	unsigned long next;
	int log_fd;
	size_t log_lines;
	uint64_t serial;
};

/* The kernel's HARD_QUEUESMAX, for a caller with CAP_SYS_RESOURCE too:
 * the host's queues the sentry makes stay bounded. */
#define MQNS_MAX 1024

struct mqns *mqns_new(int log_fd)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char rnd[8];
	struct mqns *ns = calloc(1, sizeof(*ns));
	if (!ns || getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		free(ns);
		return NULL;
	}
	char tail[9];
	for (size_t i = 0; i < 8; i++)
		tail[i] = chars[rnd[i] % (sizeof(chars) - 1)];
	tail[8] = '\0';
	snprintf(ns->prefix, sizeof(ns->prefix), MQNS_PREFIX "%s-", tail);
	ns->log_fd = log_fd;
	return ns;
}

void mqns_free(struct mqns *ns)
{
	if (!ns)
		return;
	for (struct mq_entry *q = ns->queues, *next; q; q = next) {
		next = q->next;
		(void)mq_unlink(q->host);
		free(q->name);
		free(q);
	}
	if (ns->log_fd >= 0)
		close(ns->log_fd);
	free(ns);
}

/* The name as the kernel's lookup in the mqueue root takes it. */
static int check_name(const char *name)
{
	size_t len = strlen(name);
	if (len == 0)
		return -ENOENT;
	if (strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -EACCES;
	return len > NAME_MAX ? -ENAMETOOLONG : 0;
}

static struct mq_entry **find(struct mqns *ns, const char *name)
{
	struct mq_entry **p = &ns->queues;
	while (*p && strcmp((*p)->name, name) != 0)
		p = &(*p)->next;
	return p;
}

/* generic_permission() on the queue's inode (a regular file, no exec). */
static bool may(const struct mq_entry *q, const struct creds *c, int mask)
{
	unsigned mode = q->mode;
	if (c->fsuid == q->uid)
		mode >>= 6;
	else if (creds_in_group(c, q->gid))
		mode >>= 3;
	if (!(mask & ~mode & 7))
		return true;
	if (mask == 4 && creds_capable(c, CAP_DAC_READ_SEARCH))
		return true;
	return creds_capable(c, CAP_DAC_OVERRIDE);
}

static long read_limit(const char *name)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/sys/fs/mqueue/%s", name);
	FILE *f = fopen(path, "re");
	long v = -1;
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* mq_attr_ok()'s limits for a caller without CAP_SYS_RESOURCE (the host's
 * own check, with the sentry's privilege, would let root's through). */
static int check_attr(const struct mq_attr *attr, const struct creds *c)
{
	if (attr->mq_maxmsg <= 0 || attr->mq_msgsize <= 0)
		return -EINVAL;
	if (creds_capable(c, CAP_SYS_RESOURCE))
		return 0;
	long max = read_limit("msg_max"), size = read_limit("msgsize_max");
	if ((max >= 0 && attr->mq_maxmsg > max) || (size >= 0 && attr->mq_msgsize > size))
		return -EINVAL;
	return 0;
}

/* Appends a host name to the reaper's log, written anew with the live
 * ones once it holds twice as many (a create/unlink loop). */
static void log_name(struct mqns *ns, const char *host)
{
	if (ns->log_fd < 0)
		return;
	if (ns->log_lines > 2 * ns->n + 64 && ftruncate(ns->log_fd, 0) == 0) {
		ns->log_lines = 0;
		for (struct mq_entry *q = ns->queues; q; q = q->next, ns->log_lines++)
			dprintf(ns->log_fd, "mq %s\n", q->host);
	}
	dprintf(ns->log_fd, "mq %s\n", host);
	ns->log_lines++;
}

static int create(struct mqns *ns, const char *name, int oflag, mode_t mode,
		  const struct mq_attr *attr, const struct creds *c)
{
	/* mqueue_create_attr()'s limit on queues */
	long max = read_limit("queues_max");
	if (ns->n >= MQNS_MAX ||
	    (max >= 0 && ns->n >= (size_t)max && !creds_capable(c, CAP_SYS_RESOURCE)))
		return -ENOSPC;
	if (attr) {
		int r = check_attr(attr, c);
		if (r < 0)
			return r;
	}
	struct mq_entry *q = calloc(1, sizeof(*q));
	if (!q || !(q->name = strdup(name))) {
		free(q);
		return -ENOMEM;
	}
	int fd;
	do {
		snprintf(q->host, sizeof(q->host), "/%s%lu", ns->prefix, ns->next++);
		fd = mq_open(q->host, O_CREAT | O_EXCL | O_CLOEXEC | (oflag & (O_ACCMODE | O_NONBLOCK)),
			     0600, (struct mq_attr *)attr);
	} while (fd < 0 && errno == EEXIST);
	if (fd < 0) {
		int e = errno;
		free(q->name);
		free(q);
		return -e;
	}
	log_name(ns, q->host);
	q->uid = c->fsuid;
	q->gid = c->fsgid;
	q->mode = mode & 0777;
	q->serial = ++ns->serial;
	clock_gettime(CLOCK_REALTIME, &q->time);
	q->next = ns->queues;
	ns->queues = q;
	ns->n++;
	return fd;
}

int mqns_open(struct mqns *ns, const char *name, int oflag, mode_t mode,
	      const struct mq_attr *attr, const struct creds *c, mode_t umask)
{
	int r = check_name(name);
	if (r < 0)
		return r;
	struct mq_entry *q = *find(ns, name);
	if (!q) {
		if (!(oflag & O_CREAT))
			return -ENOENT;
		return create(ns, name, oflag, mode & ~umask, attr, c);
	}
	if ((oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if ((oflag & O_ACCMODE) == (O_RDWR | O_WRONLY))
		return -EINVAL;
	static const int acc[] = {4, 2, 6}; /* MAY_READ, MAY_WRITE, both */
	if (!may(q, c, acc[oflag & O_ACCMODE]))
		return -EACCES;
	int fd = mq_open(q->host, O_CLOEXEC | (oflag & (O_ACCMODE | O_NONBLOCK)));
	return fd < 0 ? -errno : fd;
}

int mqns_unlink(struct mqns *ns, const char *name, const struct creds *c)
{
	int r = check_name(name);
	if (r < 0)
		return r;
	struct mq_entry *q = *find(ns, name);
	if (!q)
		return -ENOENT;
	/* the root is 01777 and root's: the sticky bit's rule */
	if (c->fsuid != q->uid && c->fsuid != 0 && !creds_capable(c, CAP_FOWNER))
		return -EPERM;
	return mqns_remove(ns, name);
}

static void info_of(const struct mq_entry *q, struct mqns_info *ret)
{
	*ret = (struct mqns_info){.uid = q->uid, .gid = q->gid, .mode = q->mode,
				  .serial = q->serial, .time = q->time};
}

int mqns_stat(struct mqns *ns, const char *name, struct mqns_info *ret)
{
	struct mq_entry *q = *find(ns, name);
	if (!q)
		return -ENOENT;
	info_of(q, ret);
	return 0;
}

int mqns_next(struct mqns *ns, uint64_t after, char *name, struct mqns_info *ret)
{
	struct mq_entry *best = NULL;
	for (struct mq_entry *q = ns->queues; q; q = q->next)
		if (q->serial > after && (!best || q->serial < best->serial))
			best = q;
	if (!best)
		return 0;
	snprintf(name, NAME_MAX + 1, "%s", best->name);
	info_of(best, ret);
	return 1;
}

int mqns_fd(struct mqns *ns, const char *name, int flags)
{
	struct mq_entry *q = *find(ns, name);
	if (!q)
		return -ENOENT;
	int fd = mq_open(q->host, O_CLOEXEC | (flags & (O_ACCMODE | O_NONBLOCK)));
	return fd < 0 ? -errno : fd;
}

int mqns_create(struct mqns *ns, const char *name, uid_t uid, gid_t gid, mode_t mode)
{
	int r = check_name(name);
	if (r < 0)
		return r;
	if (*find(ns, name))
		return -EEXIST;
	/* the creds the kernel's mqueue_create() would look at: the new
	 * owner's (the VFS has checked the caller may create here) */
	struct creds c;
	creds_init(&c, uid, gid, 0);
	int fd = create(ns, name, O_RDONLY, mode, NULL, &c);
	creds_release(&c);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

int mqns_remove(struct mqns *ns, const char *name)
{
	struct mq_entry **p = find(ns, name), *q = *p;
	if (!q)
		return -ENOENT;
	if (mq_unlink(q->host) < 0 && errno != ENOENT)
		return -errno;
	*p = q->next;
	ns->n--;
	free(q->name);
	free(q);
	return 0;
}

int mqns_chattr(struct mqns *ns, const char *name, uid_t uid, gid_t gid, mode_t mode)
{
	struct mq_entry *q = *find(ns, name);
	if (!q)
		return -ENOENT;
	q->uid = uid;
	q->gid = gid;
	q->mode = mode & 0777;
	return 0;
}

static int fs_get(void *arg, const char *name, struct mqueuefs_queue *ret)
{
	struct mqns_info in;
	int r = mqns_stat(arg, name, &in);
	if (r == 0)
		*ret = (struct mqueuefs_queue){.uid = in.uid, .gid = in.gid, .mode = in.mode,
					       .serial = in.serial, .time = in.time};
	return r;
}

static int fs_next(void *arg, uint64_t after, char *name, struct mqueuefs_queue *ret)
{
	struct mqns_info in;
	int r = mqns_next(arg, after, name, &in);
	if (r > 0)
		*ret = (struct mqueuefs_queue){.uid = in.uid, .gid = in.gid, .mode = in.mode,
					       .serial = in.serial, .time = in.time};
	return r;
}

static int fs_open(void *arg, const char *name, int flags)
{
	return mqns_fd(arg, name, flags);
}

static int fs_create(void *arg, const char *name, uid_t uid, gid_t gid, mode_t mode)
{
	return mqns_create(arg, name, uid, gid, mode);
}

static int fs_unlink(void *arg, const char *name)
{
	return mqns_remove(arg, name);
}

static int fs_chattr(void *arg, const char *name, uid_t uid, gid_t gid, mode_t mode)
{
	return mqns_chattr(arg, name, uid, gid, mode);
}

const struct mqueuefs_provider mqns_mqueuefs_provider = {
	.get = fs_get,
	.next = fs_next,
	.open = fs_open,
	.create = fs_create,
	.unlink = fs_unlink,
	.chattr = fs_chattr,
};

void mqns_reap_log(int dirfd)
{
	FILE *f = scratch_log_open(dirfd, MQNS_LOG);
	if (!f)
		return;
	char name[64];
	while (fscanf(f, "mq %63s ", name) == 1)
		if (strncmp(name, "/" MQNS_PREFIX, sizeof(MQNS_PREFIX)) == 0)
			(void)mq_unlink(name);
	fclose(f);
}
