/* The scratch directory and its shadows.
 *
 * Invariants: a shadow's name is its index ("s<N>"); the table holds a
 * reference on each shadowed location (mount, dentry), so a key is never a
 * freed pointer reused by another object. A shadow lives while some fd of
 * the program holds it (shadows_sweep, driven by the fd map's sweep). */
#include "sentry/kernel/shadow.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/rmtree.h"
#include "fs/hostfs/hostfs.h"
#include "sentry/kernel/scratch.h"

struct shadow {
	struct vfs_path loc;
	unsigned index;
	bool dir;
	struct stat st; /* the shadow's own, as at its creation: its identity */
	struct shadow *next;
};

struct shadows {
	int dirfd;          /* the scratch directory */
	dev_t dev;          /* its filesystem's: every shadow's st_dev */
	char path[PATH_MAX];
	struct shadow **b;
	size_t nb, n;
	unsigned next_index;
	unsigned next_socket;
	unsigned next_data; /* data directories "t<N>" made */
};

/* Made by its reaper (scratch.c), which removes it however veil ends. */
static int make_scratch(struct shadows *sh)
{
	const char *bases[] = {getenv("VEIL_SCRATCH"), "/dev/shm", "/tmp"};
	int fd = scratch_make(bases, sizeof(bases) / sizeof(bases[0]), "veil-shadows-", sh->path,
			      sizeof(sh->path));
	if (fd < 0)
		return fd;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd); /* the reaper removes it when veil ends */
		return -e;
	}
	sh->dirfd = fd;
	sh->dev = st.st_dev;
	/* A bind that shows its host filesystem (/dev/shm under `--ro-bind
	 * / /`) must not lead into it: data files and shadows would alias
	 * the VFS objects they stand for, with the host's modes. */
	hostfs_hide(st.st_dev, st.st_ino);
	return 0;
}

int shadows_new(struct shadows **ret)
{
	struct shadows *sh = calloc(1, sizeof(*sh));
	if (!sh)
		return -ENOMEM;
	sh->nb = 64;
	sh->b = calloc(sh->nb, sizeof(*sh->b));
	int r = sh->b ? make_scratch(sh) : -ENOMEM;
	if (r < 0) {
		free(sh->b);
		free(sh);
		return r;
	}
	*ret = sh;
	return 0;
}

static void name_of(const struct shadow *s, char *buf, size_t size)
{
	snprintf(buf, size, "s%u", s->index);
}

void shadows_free(struct shadows *sh)
{
	if (!sh)
		return;
	for (size_t i = 0; i < sh->nb; i++) {
		for (struct shadow *s = sh->b[i], *next; s; s = next) {
			next = s->next;
			char name[32];
			name_of(s, name, sizeof(name));
			unlinkat(sh->dirfd, name, s->dir ? AT_REMOVEDIR : 0);
			vfs_path_put(&s->loc);
			free(s);
		}
	}
	/* Everything else in it too (bound sockets, their mirror roots,
	 * data files), by fd; the reaper then finds nothing to do. */
	rmtree_contents(sh->dirfd);
	close(sh->dirfd);
	rmdir(sh->path);
	free(sh->b);
	free(sh);
}

bool shadow_is(const struct shadows *sh, const struct stat *st)
{
	if (!sh || st->st_dev != sh->dev)
		return false;
	/* A scan: the callers are rare (ioctl), and a host file bound from
	 * the scratch's own filesystem (/dev/shm) shares its st_dev. */
	for (size_t i = 0; i < sh->nb; i++)
		for (const struct shadow *s = sh->b[i]; s; s = s->next)
			if (s->st.st_ino == st->st_ino)
				return true;
	return false;
}

static size_t slot(const struct shadows *sh, const struct vfs_path *loc)
{
	uintptr_t h = (uintptr_t)loc->mnt * 31 + (uintptr_t)loc->dentry;
	return (size_t)((h >> 4) * 0x9e3779b97f4a7c15ull >> 20) & (sh->nb - 1);
}

static void grow(struct shadows *sh)
{
	size_t nb = sh->nb * 2;
	struct shadow **b = calloc(nb, sizeof(*b));
	if (!b)
		return;
	struct shadows bigger = {.b = b, .nb = nb};
	for (size_t i = 0; i < sh->nb; i++) {
		for (struct shadow *s = sh->b[i], *next; s; s = next) {
			next = s->next;
			size_t k = slot(&bigger, &s->loc);
			s->next = b[k];
			b[k] = s;
		}
	}
	free(sh->b);
	sh->b = b;
	sh->nb = nb;
}

int shadow_open(struct shadows *sh, const struct vfs_path *loc, bool dir, int flags,
		struct stat *st)
{
	struct shadow *s = sh->b[slot(sh, loc)];
	while (s && !(s->loc.mnt == loc->mnt && s->loc.dentry == loc->dentry && s->dir == dir))
		s = s->next;
	char name[32];
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return -ENOMEM;
		s->index = sh->next_index++;
		s->dir = dir;
		name_of(s, name, sizeof(name));
		int r = dir ? mkdirat(sh->dirfd, name, 0700)
			    : mknodat(sh->dirfd, name, S_IFREG | 0600, 0);
		if (r < 0 && errno != EEXIST) {
			r = -errno;
			free(s);
			return r;
		}
		if (fstatat(sh->dirfd, name, &s->st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = -errno;
			unlinkat(sh->dirfd, name, dir ? AT_REMOVEDIR : 0);
			free(s);
			return r;
		}
		s->loc = *loc;
		vfs_path_get(&s->loc);
		if (sh->n >= sh->nb)
			grow(sh);
		size_t k = slot(sh, loc);
		s->next = sh->b[k];
		sh->b[k] = s;
		sh->n++;
	}
	name_of(s, name, sizeof(name));
	int fd = openat(sh->dirfd, name, flags | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	*st = s->st;
	return fd;
}

void shadows_sweep(struct shadows *sh, bool (*alive)(void *ctx, dev_t dev, ino_t ino),
		   void *ctx)
{
	for (size_t i = 0; i < sh->nb; i++) {
		for (struct shadow **pp = &sh->b[i]; *pp;) {
			struct shadow *s = *pp;
			if (alive(ctx, s->st.st_dev, s->st.st_ino)) {
				pp = &s->next;
				continue;
			}
			*pp = s->next;
			char name[32];
			name_of(s, name, sizeof(name));
			unlinkat(sh->dirfd, name, s->dir ? AT_REMOVEDIR : 0);
			vfs_path_put(&s->loc);
			free(s);
			sh->n--;
		}
	}
}

int shadow_data_dir(struct shadows *sh)
{
	char name[32];
	snprintf(name, sizeof(name), "t%u", sh->next_data);
	if (mkdirat(sh->dirfd, name, 0700) < 0)
		return -errno;
	sh->next_data++;
	int fd = openat(sh->dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int shadow_socket_path(struct shadows *sh, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/u%u", sh->path, sh->next_socket);
	/* A long VEIL_SCRATCH: the same place through the sentry's own fd
	 * on the directory, short whatever the path (the sentry, and the
	 * children it forks with its fd table, are the only users). */
	if (n < 0 || (size_t)n >= size)
		n = snprintf(buf, size, "/proc/self/fd/%d/u%u", sh->dirfd, sh->next_socket);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	sh->next_socket++;
	return 0;
}

int shadow_scratch_file(struct shadows *sh, const char *name)
{
	int fd = openat(sh->dirfd, name, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
			0600);
	return fd < 0 ? -errno : fd;
}
