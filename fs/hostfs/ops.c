/* hostfs operations: lookups, namespace changes, attributes, open files
 * and directory iteration, each a host syscall relative to an inode's
 * O_PATH fd.
 *
 * Names come from the VFS as single components; creating syscalls run
 * under umask 0 (the VFS has applied the caller's umask) and then hand the
 * host object to the mapped owner. Reopening an object for I/O goes
 * through /proc/self/fd/N of our own O_PATH fd: that names exactly the
 * object looked up, so it cannot lead anywhere else. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "base/kick.h"
#include "base/proc_fd.h"
#include "fs/hostfs/hostfs_private.h"

static int dir_fd(struct vfs_inode *dir)
{
	return HOSTFS_I(dir)->fd;
}

static void proc_path(char *buf, size_t n, int fd)
{
	snprintf(buf, n, "/proc/self/fd/%d", fd);
}

static bool ro(struct vfs_inode *inode)
{
	return inode->sb->flags & VFS_SB_RDONLY;
}

static int lookup_fd(struct vfs_inode *dir, const char *name, struct vfs_inode **ret)
{
	int fd = hostfs_open_beneath(dir_fd(dir), name, O_PATH);
	if (fd < 0)
		return fd == -EXDEV ? -ENOENT : fd;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	/* Another device: a host mount crossed (openat2 crosses them), which
	 * may be a procfs (super.c: never served). Only there can the
	 * filesystem change, so only there is it asked. */
	if (st.st_dev != HOSTFS_I(dir)->hdev)
		return hostfs_crossing(dir->sb, fd, &st, ret);
	if (hostfs_hidden(&st))
		return hostfs_sealed(dir->sb, fd, &st, ret);
	return hostfs_inode_for(dir->sb, fd, &st, ret);
}

static int hostfs_lookup(struct vfs_inode *dir, const char *name, struct vfs_inode **ret)
{
	return lookup_fd(dir, name, ret);
}

/* The lookup just confirmed the name (and read the attributes: of a
 * directory after its watch was added, watch.c), so the first revalidation
 * after it can trust the watches instead of an fstatat. */
static void hostfs_looked_up(struct vfs_dentry *d)
{
	hostfs_watch_confirmed(d);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static struct hostfs_stats stats;

void hostfs_get_stats(struct hostfs_stats *ret)
{
	*ret = stats;
}

/* Nothing reported about the name (watch.c): it still leads to this
 * inode. A directory's attributes are current too; another kind's may
 * have changed through another link, so they are read from its own fd. */
static int trusted(struct vfs_dentry *d)
{
	if (!S_ISDIR(d->inode->mode)) {
		struct stat st;
		if (fstat(HOSTFS_I(d->inode)->fd, &st) < 0)
			return -errno;
		hostfs_fill_attrs(d->inode, &st);
		HOSTFS_I(d->inode)->gen = vfs_walk_gen;
	}
	stats.trusted++;
	return 1;
}

static int hostfs_revalidate(struct vfs_dentry *d)
{
	struct hostfs_inode *hi = HOSTFS_I(d->inode);
	unsigned ttl = HOSTFS_SB(d->sb)->opts.dir_ttl_ms;
	uint64_t now = 0;
	if (ttl && S_ISDIR(d->inode->mode)) {
		now = mono_ns();
		if (now - hi->checked < (uint64_t)ttl * 1000000u)
			return 1;
	}
	if (hostfs_watch_trusted(d))
		return trusted(d);
	stats.strict++;
	struct stat st;
	if (fstatat(dir_fd(d->parent->inode), d->name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	if (st.st_ino != hi->hino || st.st_dev != hi->hdev)
		return 0;
	hostfs_fill_attrs(d->inode, &st);
	hi->gen = vfs_walk_gen;
	hostfs_watch_confirmed(d);
	if (now)
		hi->checked = now;
	return 1;
}

/* Gives the new host object the owner the VFS asked for, where the
 * mapping allows; the sentry may lack the privilege, then the host's
 * choice stands (as it would for an unprivileged bind). */
static void set_owner(struct vfs_inode *inode, const struct vfs_new *n)
{
	const struct hostfs_opts *o = &HOSTFS_SB(inode->sb)->opts;
	uid_t hu = o->identity ? n->uid : n->uid == o->uid ? o->host_uid : (uid_t)-1;
	gid_t hg = o->identity ? n->gid : n->gid == o->gid ? o->host_gid : (gid_t)-1;
	struct stat st;
	int fd = HOSTFS_I(inode)->fd;
	if (fstat(fd, &st) < 0)
		return;
	if ((hu == (uid_t)-1 || hu == st.st_uid) && (hg == (gid_t)-1 || hg == st.st_gid))
		return; /* already right: a chown would only clear setgid */
	if (fchownat(fd, "", hu, hg, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
		return;
	/* chown cleared suid/sgid the VFS had decided to keep */
	if (!S_ISLNK(n->mode) && (n->mode & (S_ISUID | S_ISGID)))
		syscall(452 /* fchmodat2 */, fd, "", n->mode & 07777, AT_EMPTY_PATH);
	if (fstat(fd, &st) == 0)
		hostfs_fill_attrs(inode, &st);
}

static int created(struct vfs_inode *dir, const char *name, const struct vfs_new *n,
		   struct vfs_inode **ret)
{
	int r = lookup_fd(dir, name, ret);
	if (r == 0)
		set_owner(*ret, n);
	return r;
}

static int hostfs_mknod(struct vfs_inode *dir, const char *name, const struct vfs_new *n,
			struct vfs_inode **ret)
{
	if (ro(dir))
		return -EROFS;
	mode_t old = umask(0);
	int r = mknodat(dir_fd(dir), name, n->mode, n->rdev);
	umask(old);
	if (r < 0)
		return -errno;
	return created(dir, name, n, ret);
}

static int hostfs_mkdir(struct vfs_inode *dir, const char *name, const struct vfs_new *n,
			struct vfs_inode **ret)
{
	if (ro(dir))
		return -EROFS;
	mode_t old = umask(0);
	int r = mkdirat(dir_fd(dir), name, n->mode & 07777);
	umask(old);
	if (r < 0)
		return -errno;
	return created(dir, name, n, ret);
}

static int hostfs_symlink(struct vfs_inode *dir, const char *name, const char *target,
			  const struct vfs_new *n, struct vfs_inode **ret)
{
	if (ro(dir))
		return -EROFS;
	if (symlinkat(target, dir_fd(dir), name) < 0)
		return -errno;
	return created(dir, name, n, ret);
}

static int hostfs_tmpfile(struct vfs_inode *dir, const struct vfs_new *n, struct vfs_inode **ret)
{
	if (ro(dir))
		return -EROFS;
	mode_t old = umask(0);
	int fd = openat(dir_fd(dir), ".", O_TMPFILE | O_RDWR | O_CLOEXEC, n->mode & 07777);
	umask(old);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	int r = hostfs_inode_for(dir->sb, fd, &st, ret);
	if (r == 0)
		set_owner(*ret, n);
	return r;
}

static int hostfs_link(struct vfs_inode *inode, struct vfs_inode *dir, const char *name)
{
	if (ro(dir))
		return -EROFS;
	int fd = HOSTFS_I(inode)->fd;
	if (linkat(fd, "", dir_fd(dir), name, AT_EMPTY_PATH) < 0) {
		char p[64];
		proc_path(p, sizeof(p), fd);
		if (linkat(AT_FDCWD, p, dir_fd(dir), name, AT_SYMLINK_FOLLOW) < 0)
			return -errno;
	}
	struct stat st;
	if (fstat(fd, &st) == 0)
		hostfs_fill_attrs(inode, &st);
	return 0;
}

static void refresh(struct vfs_inode *inode)
{
	struct stat st;
	if (fstat(HOSTFS_I(inode)->fd, &st) == 0)
		hostfs_fill_attrs(inode, &st);
}

static int hostfs_unlink(struct vfs_inode *dir, const char *name, struct vfs_inode *inode)
{
	if (ro(dir))
		return -EROFS;
	if (unlinkat(dir_fd(dir), name, 0) < 0)
		return -errno;
	refresh(inode);
	refresh(dir);
	return 0;
}

static int hostfs_rmdir(struct vfs_inode *dir, const char *name, struct vfs_inode *inode)
{
	if (ro(dir))
		return -EROFS;
	if (unlinkat(dir_fd(dir), name, AT_REMOVEDIR) < 0)
		return -errno;
	refresh(inode);
	refresh(dir);
	return 0;
}

static int hostfs_rename(struct vfs_inode *olddir, const char *oldname, struct vfs_inode *inode,
			 struct vfs_inode *newdir, const char *newname, struct vfs_inode *target,
			 unsigned flags)
{
	if (ro(olddir))
		return -EROFS;
	if (renameat2(dir_fd(olddir), oldname, dir_fd(newdir), newname, flags) < 0)
		return -errno;
	refresh(inode);
	if (target)
		refresh(target);
	refresh(olddir);
	refresh(newdir);
	return 0;
}

static ssize_t hostfs_readlink(struct vfs_inode *inode, char *buf, size_t size)
{
	ssize_t n = readlinkat(HOSTFS_I(inode)->fd, "", buf, size);
	return n < 0 ? -errno : n;
}

static int refresh_now(struct vfs_inode *inode)
{
	struct stat st;
	if (fstat(HOSTFS_I(inode)->fd, &st) < 0)
		return -errno;
	hostfs_fill_attrs(inode, &st);
	HOSTFS_I(inode)->gen = vfs_walk_gen;
	return 0;
}

/* Already refreshed by this walk (its revalidation, lookup or an earlier
 * getattr): nothing to ask. */
static int hostfs_getattr(struct vfs_inode *inode)
{
	if (HOSTFS_I(inode)->gen == vfs_walk_gen)
		return 0;
	return refresh_now(inode);
}

/* The VFS has already decided an open or truncate may be made (its
 * permission check, or the open that created the file, which may write
 * it whatever its new mode says); the host then asks again, of the
 * sentry's own uid. A regular file the sentry owns whose mode denies the
 * owner that access (created 0444 or under umask 0277 by a non-root
 * sentry; opened by fakeroot's root) gets the owner bits `need` for that
 * one call and its mode back after: the owner could chmod it anyway, and
 * the sentry runs one VFS call at a time, so the program sees the mode
 * change only through a native fstat in that instant. 1 if the bits
 * were lent (*old: the mode to put back), 0 if that would not help. */
static int lend_owner_bits(int fd, mode_t need, mode_t *old)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & need) == need)
		return 0;
	char p[64];
	proc_path(p, sizeof(p), fd);
	*old = st.st_mode & 07777;
	return chmod(p, *old | need) == 0;
}

static void take_back_bits(int fd, mode_t old)
{
	char p[64];
	proc_path(p, sizeof(p), fd);
	chmod(p, old);
}

static int hostfs_setattr(struct vfs_inode *inode, const struct vfs_iattr *a)
{
	if (ro(inode))
		return -EROFS;
	int fd = HOSTFS_I(inode)->fd;
	char p[64];
	proc_path(p, sizeof(p), fd);
	const struct hostfs_opts *o = &HOSTFS_SB(inode->sb)->opts;
	if (a->valid & (VFS_ATTR_UID | VFS_ATTR_GID)) {
		uid_t hu = (uid_t)-1;
		gid_t hg = (gid_t)-1;
		if (a->valid & VFS_ATTR_UID) {
			if (!o->identity && a->uid != o->uid)
				return -EINVAL; /* not mapped */
			hu = o->identity ? a->uid : o->host_uid;
		}
		if (a->valid & VFS_ATTR_GID) {
			if (!o->identity && a->gid != o->gid)
				return -EINVAL;
			hg = o->identity ? a->gid : o->host_gid;
		}
		if (fchownat(fd, "", hu, hg, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
	}
	if ((a->valid & VFS_ATTR_MODE) && !S_ISLNK(inode->mode)) {
		if (syscall(452 /* fchmodat2 */, fd, "", a->mode & 07777, AT_EMPTY_PATH) < 0 &&
		    chmod(p, a->mode & 07777) < 0)
			return -errno;
	}
	if (a->valid & VFS_ATTR_SIZE) {
		/* A truncate waits for a lease on the file to be let go (the
		 * program may F_SETLEASE its own files: up to 45 s); kicked,
		 * it waits a tick and fails with EINTR (base/kick.h). */
		bool kicked = kick_begin();
		int r = truncate(p, (off_t)a->size) < 0 ? -errno : 0;
		mode_t old;
		if (r == -EACCES && lend_owner_bits(fd, S_IWUSR, &old)) {
			r = truncate(p, (off_t)a->size) < 0 ? -errno : 0;
			take_back_bits(fd, old);
		}
		if (kicked)
			kick_end();
		if (r < 0)
			return r;
	}
	if (a->valid & (VFS_ATTR_ATIME | VFS_ATTR_MTIME)) {
		struct timespec ts[2] = { a->atime, a->mtime };
		if (!(a->valid & VFS_ATTR_ATIME))
			ts[0].tv_nsec = UTIME_OMIT;
		if (!(a->valid & VFS_ATTR_MTIME))
			ts[1].tv_nsec = UTIME_OMIT;
		if (utimensat(fd, "", ts, AT_EMPTY_PATH) < 0 &&
		    utimensat(AT_FDCWD, p, ts, S_ISLNK(inode->mode) ? AT_SYMLINK_NOFOLLOW : 0) < 0)
			return -errno;
	}
	return refresh_now(inode);
}

/* --- xattrs: through our own fd's /proc path (O_PATH fds refuse f*xattr) --- */

static ssize_t hostfs_getxattr(struct vfs_inode *inode, const char *name, void *buf, size_t size)
{
	char p[64];
	proc_path(p, sizeof(p), HOSTFS_I(inode)->fd);
	ssize_t n = S_ISLNK(inode->mode) ? lgetxattr(p, name, buf, size) : getxattr(p, name, buf, size);
	return n < 0 ? -errno : n;
}

static int hostfs_setxattr(struct vfs_inode *inode, const char *name, const void *value,
			   size_t size, int flags)
{
	if (ro(inode))
		return -EROFS;
	char p[64];
	proc_path(p, sizeof(p), HOSTFS_I(inode)->fd);
	int r = S_ISLNK(inode->mode) ? lsetxattr(p, name, value, size, flags)
				     : setxattr(p, name, value, size, flags);
	return r < 0 ? -errno : 0;
}

static ssize_t hostfs_listxattr(struct vfs_inode *inode, char *buf, size_t size)
{
	char p[64];
	proc_path(p, sizeof(p), HOSTFS_I(inode)->fd);
	ssize_t n = S_ISLNK(inode->mode) ? llistxattr(p, buf, size) : listxattr(p, buf, size);
	return n < 0 ? -errno : n;
}

static int hostfs_removexattr(struct vfs_inode *inode, const char *name)
{
	if (ro(inode))
		return -EROFS;
	char p[64];
	proc_path(p, sizeof(p), HOSTFS_I(inode)->fd);
	int r = S_ISLNK(inode->mode) ? lremovexattr(p, name) : removexattr(p, name);
	return r < 0 ? -errno : 0;
}

static int hostfs_host_object(struct vfs_inode *inode)
{
	return HOSTFS_I(inode)->fd;
}

/* The FIFO is the host's own node: every opener, in the sandbox or out,
 * shares its pipe. */
static int hostfs_fifo_node(struct vfs_inode *inode)
{
	int fd = fcntl(HOSTFS_I(inode)->fd, F_DUPFD_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

/* xattrs, and the host object (every kind has one) */
#define HOSTFS_XATTR_OPS                       \
	.getxattr = hostfs_getxattr,           \
	.setxattr = hostfs_setxattr,           \
	.listxattr = hostfs_listxattr,         \
	.removexattr = hostfs_removexattr,     \
	.host_object = hostfs_host_object

/* --- open files -------------------------------------------------------------------- */

static int reopen(struct vfs_inode *inode, int flags)
{
	int fd = proc_fd_reopen(HOSTFS_I(inode)->fd, flags | O_CLOEXEC);
	int acc = flags & O_ACCMODE;
	mode_t old, need = (acc != O_WRONLY ? S_IRUSR : 0) | (acc != O_RDONLY ? S_IWUSR : 0);
	if (fd != -EACCES || (flags & O_DIRECTORY) ||
	    !lend_owner_bits(HOSTFS_I(inode)->fd, need, &old))
		return fd;
	fd = proc_fd_reopen(HOSTFS_I(inode)->fd, flags | O_CLOEXEC);
	take_back_bits(HOSTFS_I(inode)->fd, old);
	return fd;
}

static int hostfs_open(struct vfs_file *file)
{
	int acc = file->flags & O_ACCMODE;
	if ((acc == O_WRONLY || acc == O_RDWR || acc == 3) && ro(file->inode))
		return -EROFS;
	int fd = reopen(file->inode, (acc == 3 ? O_RDWR : acc) |
					     (file->flags & (O_APPEND | O_NONBLOCK | O_DSYNC | O_SYNC)));
	if (fd < 0)
		return fd;
	file->host_fd = fd;
	return 0;
}

static void hostfs_release(struct vfs_file *file)
{
	if (file->host_fd >= 0)
		close(file->host_fd);
	file->host_fd = -1;
}

struct hostfs_dir {
	int fd;
};

static int hostfs_dir_open(struct vfs_file *file)
{
	struct hostfs_dir *hd = malloc(sizeof(*hd));
	if (!hd)
		return -ENOMEM;
	hd->fd = reopen(file->inode, O_RDONLY | O_DIRECTORY);
	if (hd->fd < 0) {
		int e = hd->fd;
		free(hd);
		return e;
	}
	file->private = hd;
	return 0;
}

static void hostfs_dir_release(struct vfs_file *file)
{
	struct hostfs_dir *hd = file->private;
	if (hd) {
		close(hd->fd);
		free(hd);
	}
	file->private = NULL;
}

/* VFS cookies 1 and 2 are "." and ".."; a host offset h becomes h + 2. */
static int64_t to_cookie(int64_t h)
{
	return h > INT64_MAX - 2 ? INT64_MAX : h + 2;
}

static int hostfs_iterate(struct vfs_file *file, vfs_filldir_t fill, void *arg)
{
	struct hostfs_dir *hd = file->private;
	int64_t hpos = file->pos <= 2 ? 0 : file->pos - 2;
	/* INT64_MAX is where the host says its listing ends (ext4's htree
	 * EOF, tmpfs's DIR_OFFSET_EOF, btrfs's LLONG_MAX): nothing is read
	 * from there, not even what was created since. Asking would cost a
	 * seek and a getdents64 per listing, twice. */
	if (file->pos == INT64_MAX)
		return 0;
	if (lseek(hd->fd, hpos, SEEK_SET) < 0)
		return -errno;
	char buf[8192];
	for (;;) {
		if (file->pos == INT64_MAX)
			return 0;
		long n = syscall(SYS_getdents64, hd->fd, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		for (long i = 0; i < n;) {
			struct vfs_dirent64 *d = (struct vfs_dirent64 *)(buf + i);
			i += d->d_reclen;
			size_t len = strlen(d->d_name);
			if ((len == 1 && d->d_name[0] == '.') ||
			    (len == 2 && d->d_name[0] == '.' && d->d_name[1] == '.')) {
				file->pos = to_cookie(d->d_off);
				continue;
			}
			if (!fill(arg, d->d_name, (unsigned)len, d->d_ino, d->d_type,
				  to_cookie(d->d_off)))
				return 0;
		}
	}
}

const struct vfs_inode_ops hostfs_dir_iops = {
	.lookup = hostfs_lookup,
	.revalidate = hostfs_revalidate,
	.looked_up = hostfs_looked_up,
	.mknod = hostfs_mknod,
	.mkdir = hostfs_mkdir,
	.symlink = hostfs_symlink,
	.tmpfile = hostfs_tmpfile,
	.link = hostfs_link,
	.unlink = hostfs_unlink,
	.rmdir = hostfs_rmdir,
	.rename = hostfs_rename,
	.getattr = hostfs_getattr,
	.setattr = hostfs_setattr,
	HOSTFS_XATTR_OPS,
};

const struct vfs_inode_ops hostfs_file_iops = {
	.revalidate = hostfs_revalidate,
	.getattr = hostfs_getattr,
	.setattr = hostfs_setattr,
	HOSTFS_XATTR_OPS,
};

const struct vfs_inode_ops hostfs_symlink_iops = {
	.revalidate = hostfs_revalidate,
	.readlink = hostfs_readlink,
	.getattr = hostfs_getattr,
	.setattr = hostfs_setattr,
	HOSTFS_XATTR_OPS,
};

const struct vfs_inode_ops hostfs_special_iops = {
	.revalidate = hostfs_revalidate,
	.getattr = hostfs_getattr,
	.setattr = hostfs_setattr,
	.fifo_node = hostfs_fifo_node,
	HOSTFS_XATTR_OPS,
};

/* A sealed directory (super.c, hostfs_crossing): no host object, no
 * names, no changes; it only stands where the host has one, so the
 * sandbox's own proc can be mounted on it. Its name is checked as any
 * other's, so a host unmount there is seen. */
static int sealed_getattr(struct vfs_inode *inode)
{
	(void)inode;
	return 0; /* the attributes its name's lookup or revalidation read */
}

const struct vfs_inode_ops hostfs_sealed_iops = {
	.revalidate = hostfs_revalidate,
	.getattr = sealed_getattr,
};

const struct vfs_file_ops hostfs_dir_fops = {
	.open = hostfs_dir_open,
	.release = hostfs_dir_release,
	.iterate = hostfs_iterate,
};

const struct vfs_file_ops hostfs_file_fops = {
	.open = hostfs_open,
	.release = hostfs_release,
};
