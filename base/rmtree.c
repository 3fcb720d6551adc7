#include "base/rmtree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 256

static int empty_dir(int fd, dev_t dev, unsigned depth);

/* Removes entry `name` of the directory at `fd`: unlinked if it is no
 * directory (unlink says EISDIR, or EPERM on some filesystems), else
 * emptied through its own fd and then removed. */
static int remove_entry(int fd, const char *name, dev_t dev, unsigned depth)
{
	if (unlinkat(fd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -errno;
	int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0)
		return errno == ENOENT ? 0 : -errno;
	struct stat st;
	int r = fstat(sub, &st) < 0 ? -errno : 0;
	if (r == 0 && st.st_dev != dev)
		r = -EXDEV; /* a mount point: not ours to empty */
	if (r == 0 && depth >= MAX_DEPTH)
		r = -ELOOP;
	if (r == 0) {
		/* Ours: a directory made without write or search permission
		 * would keep its entries. */
		if ((st.st_mode & 0700) != 0700)
			fchmod(sub, 0700);
		r = empty_dir(sub, dev, depth + 1);
	}
	close(sub);
	if (unlinkat(fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT && r == 0)
		r = -errno;
	return r;
}

/* Passes over the directory until one finds nothing left to remove: what
 * a removal does to a readdir under way is the filesystem's business. */
static int empty_dir(int fd, dev_t dev, unsigned depth)
{
	/* A description of its own: readdir moves its position. */
	int own = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (own < 0)
		return -errno;
	DIR *d = fdopendir(own);
	if (!d) {
		int e = errno;
		close(own);
		return -e;
	}
	int ret = 0;
	for (bool progress = true; progress;) {
		progress = false;
		struct dirent *e;
		while ((e = readdir(d))) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			int r = remove_entry(fd, e->d_name, dev, depth);
			if (r == 0)
				progress = true;
			else if (ret == 0)
				ret = r;
		}
		rewinddir(d);
	}
	closedir(d);
	return ret;
}

int rmtree_contents(int dirfd)
{
	struct stat st;
	if (fstat(dirfd, &st) < 0)
		return -errno;
	return empty_dir(dirfd, st.st_dev, 0);
}
