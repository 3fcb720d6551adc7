/* Where a tmpfs regular file's data lives: a real file of the instance's
 * data directory, named after the inode number ("<ino>"), opened by name
 * whenever a real fd is needed.
 *
 * Why by name and not a memfd per file: a memfd lives only as long as some
 * fd (or mapping) holds it, so the instance had to keep one fd per stored
 * file, and a sandbox with more files than the sentry's RLIMIT_NOFILE saw
 * every open, stat and exec fail with EMFILE. A named file lives without
 * an fd and keeps its host (dev, ino) for as long as it exists, which is
 * what the sentry's fd identity needs (vfs_inode_set_host) and what an
 * inotify watch on it needs. The names are the instance's own: rename
 * and unlink happen in the VFS only; the file goes with the inode. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/open_nowait.h"
#include "base/rmtree.h"
#include "fs/tmpfs/tmpfs_private.h"

/* A data file's mode: the VFS decides who may do what; the host's exec
 * checks the x bit when the sentry execs a static program by its data
 * file (the setuid and setgid bits privs_set adds come on top). */
#define DATA_MODE 0700

static void name_of(const struct tmpfs_inode *ti, char buf[24])
{
	snprintf(buf, 24, "%" PRIu64, (uint64_t)ti->vi.ino);
}

static int make_own_dir(struct tmpfs_sb *sb)
{
	const char *env = getenv("VEIL_SCRATCH");
	const char *bases[] = {env, "/dev/shm", "/tmp"};
	int e = ENOENT;
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		if (!bases[i] || !*bases[i])
			continue;
		size_t n = strlen(bases[i]) + sizeof("/veil-tmpfs-XXXXXX");
		char *path = malloc(n);
		if (!path)
			return -ENOMEM;
		snprintf(path, n, "%s/veil-tmpfs-XXXXXX", bases[i]);
		if (!mkdtemp(path)) {
			e = errno;
			free(path);
			continue;
		}
		sb->data_dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (sb->data_dir >= 0) {
			sb->own_dir = path;
			return 0;
		}
		e = errno;
		rmdir(path);
		free(path);
	}
	return -e;
}

int tmpfs_data_dir_init(struct tmpfs_sb *sb, const struct tmpfs_opts *opts)
{
	if (opts && opts->has_data_dir) {
		sb->data_dir = opts->data_dir;
		return 0;
	}
	return make_own_dir(sb);
}

void tmpfs_data_dir_fini(struct tmpfs_sb *sb)
{
	if (sb->own_dir) {
		/* Data files of inodes someone still held at the end. */
		rmtree_contents(sb->data_dir);
		rmdir(sb->own_dir);
		free(sb->own_dir);
	}
	if (sb->data_dir >= 0)
		close(sb->data_dir);
}

/* The data file made now, with the inode's times; its identity recorded. */
static int create(struct tmpfs_inode *ti, int flags)
{
	struct tmpfs_sb *sb = TMPFS_SB(ti->vi.sb);
	char name[24];
	name_of(ti, name);
	/* O_EXCL: a file already there would be none of this inode's. Mode
	 * 0700: the VFS decides who may do what; the host's exec checks the
	 * x bit when the sentry execs a static program by its data file. */
	int fd =
	    openat(sb->data_dir, name, flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, DATA_MODE);
	if (fd < 0)
		return -errno;
	struct timespec ts[2] = {ti->vi.atime, ti->vi.mtime};
	struct stat st;
	if (futimens(fd, ts) < 0 || fstat(fd, &st) < 0) {
		int e = -errno;
		close(fd);
		unlinkat(sb->data_dir, name, 0);
		return e;
	}
	ti->data = true;
	ti->data_privs = 0; /* DATA_MODE alone */
	vfs_inode_set_host(&ti->vi, st.st_dev, st.st_ino);
	int r = tmpfs_data_privs_set(ti);
	if (r < 0) {
		close(fd);
		tmpfs_data_remove(ti);
		return r;
	}
	return fd;
}

/* The bits of the file's mode its data file carries: S_ISUID, and S_ISGID
 * with S_IXGRP (the kernel's killpriv on a write takes them off the data
 * file for the program, which writes natively and has no CAP_FSETID).
 * S_ISGID without group-exec is not carried: the kernel would keep it for
 * the program (it is in the data file's group), whatever the VFS's group.
 * Only once a writer without CAP_FSETID opened it (unpriv_writer): a
 * writer with it keeps them (openat03: root's O_TMPFILE made 07777), and
 * the program's host process, without capabilities, would lose them. */
static mode_t privs_of(const struct tmpfs_inode *ti)
{
	if (!ti->unpriv_writer)
		return 0;
	mode_t mode = ti->vi.mode;
	mode_t m = mode & S_ISUID;
	if ((mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
		m |= S_ISGID | S_IXGRP;
	return m;
}

int tmpfs_data_privs_set(struct tmpfs_inode *ti)
{
	mode_t m = privs_of(ti);
	if (!ti->data || !S_ISREG(ti->vi.mode) || m == ti->data_privs)
		return 0; /* (the common case: no chmod per file made) */
	char name[24];
	name_of(ti, name);
	if (fchmodat(TMPFS_SB(ti->vi.sb)->data_dir, name, DATA_MODE | m, 0) < 0)
		return -errno;
	ti->data_privs = m;
	return 0;
}

int tmpfs_data_attrib(struct tmpfs_inode *ti)
{
	if (!ti->data || !S_ISREG(ti->vi.mode))
		return 0;
	char name[24];
	name_of(ti, name);
	mode_t m = ti->data_privs == (mode_t)-1 ? privs_of(ti) : ti->data_privs;
	return fchmodat(TMPFS_SB(ti->vi.sb)->data_dir, name, DATA_MODE | m, 0) < 0 ? -errno : 0;
}

void tmpfs_data_privs_get(struct tmpfs_inode *ti, const struct stat *st)
{
	/* Only a regular file's data carries them (privs_set); a FIFO's
	 * host node keeps 0600 and says nothing of its setuid or setgid bits
	 * (found by tests/fuzz/path_storm.sh). */
	if (!S_ISREG(ti->vi.mode))
		return;
	mode_t had = privs_of(ti) & (S_ISUID | S_ISGID);
	ti->vi.mode &= ~(had & ~st->st_mode);
	if (ti->data_privs != (mode_t)-1)
		ti->data_privs = privs_of(ti);
}

int tmpfs_data_open(struct tmpfs_inode *ti, int flags)
{
	if (!ti->data)
		return create(ti, flags);
	char name[24];
	name_of(ti, name);
	/* The program may lease its files (F_SETLEASE runs natively on its
	 * fd, which is this file's): this open must not wait for the break. */
	return openat_nowait(TMPFS_SB(ti->vi.sb)->data_dir, name, flags | O_NOFOLLOW | O_CLOEXEC);
}

int tmpfs_data_stat(struct tmpfs_inode *ti, struct stat *st)
{
	char name[24];
	name_of(ti, name);
	int dir = TMPFS_SB(ti->vi.sb)->data_dir;
	return fstatat(dir, name, st, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

int tmpfs_data_truncate(struct tmpfs_inode *ti, off_t size)
{
	int fd = tmpfs_data_open(ti, O_WRONLY);
	if (fd < 0)
		return fd;
	int r = ftruncate(fd, size) < 0 ? -errno : 0;
	close(fd);
	return r;
}

int tmpfs_data_utimens(struct tmpfs_inode *ti, const struct timespec ts[2])
{
	char name[24];
	name_of(ti, name);
	int dir = TMPFS_SB(ti->vi.sb)->data_dir;
	return utimensat(dir, name, ts, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

void tmpfs_data_remove(struct tmpfs_inode *ti)
{
	if (!ti->data)
		return;
	char name[24];
	name_of(ti, name);
	unlinkat(TMPFS_SB(ti->vi.sb)->data_dir, name, 0);
	ti->data = false;
}

int tmpfs_fifo_node(struct vfs_inode *inode)
{
	struct tmpfs_inode *ti = TMPFS_I(inode);
	int dir = TMPFS_SB(inode->sb)->data_dir;
	char name[24];
	name_of(ti, name);
	if (!ti->data) {
		/* The kernel's pipe lives as long as some opener holds it; the
		 * node only names it, so it costs no fd while no one does. */
		if (mkfifoat(dir, name, 0600) < 0)
			return -errno;
		/* From here its times are the node's, which the pipe's reads
		 * and writes move on (tmpfs_getattr), as natively. */
		struct timespec ts[2] = {ti->vi.atime, ti->vi.mtime};
		struct stat st;
		if (utimensat(dir, name, ts, AT_SYMLINK_NOFOLLOW) < 0 ||
		    fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			int e = -errno;
			unlinkat(dir, name, 0);
			return e;
		}
		ti->data = true;
		vfs_inode_set_host(&ti->vi, st.st_dev, st.st_ino);
	}
	int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}
