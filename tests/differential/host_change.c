/* OP_HOST: changes made to a host tree from outside the sandbox, the same
 * on both sides of the differential harness. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/openat2.h"
#include "tests/differential/diff.h"

int diff_host_dirfd = -1;

/* The directory holding path's last component, beneath the tree and
 * through no symlink (the harness's own changes must not leave the tree
 * either); *base is that component. */
static int host_parent(int dirfd, const char *path, char *buf, size_t n, const char **base)
{
	snprintf(buf, n, "%s", path);
	char *slash = strrchr(buf, '/');
	*base = slash ? slash + 1 : buf;
	if (slash)
		*slash = '\0';
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	int fd = (int)openat2_retry(dirfd, slash ? buf : ".", &how);
	if (fd < 0)
		errno = -fd;
	return fd;
}

long diff_host_op(int dirfd, const struct diff_step *s)
{
	char p1[256], p2[256];
	const char *b1, *b2 = NULL;
	int d1 = host_parent(dirfd, s->path, p1, sizeof(p1), &b1);
	int d2 = s->a == DIFF_HOST_RENAME ? host_parent(dirfd, s->path2, p2, sizeof(p2), &b2) : -1;
	if (d1 < 0 || (s->a == DIFF_HOST_RENAME && d2 < 0)) {
		long e = -errno;
		if (d1 >= 0)
			close(d1);
		return e;
	}
	mode_t old = umask(0);
	int r = -1;
	errno = EINVAL;
	switch ((enum diff_host_op)s->a) {
	case DIFF_HOST_RENAME:
		r = renameat2(d1, b1, d2, b2, (unsigned)s->b);
		break;
	case DIFF_HOST_SYMLINK:
		r = symlinkat(s->path2, d1, b1);
		break;
	case DIFF_HOST_CHMOD:
		r = (int)syscall(452 /* fchmodat2 */, d1, b1, (mode_t)s->b, AT_SYMLINK_NOFOLLOW);
		break;
	case DIFF_HOST_UNLINK:
		r = unlinkat(d1, b1, (int)s->b);
		break;
	case DIFF_HOST_MKDIR:
		r = mkdirat(d1, b1, (mode_t)s->b);
		break;
	case DIFF_HOST_MKFILE:
		r = mknodat(d1, b1, S_IFREG | (mode_t)s->b, 0);
		break;
	}
	long e = r < 0 ? -errno : 0;
	umask(old);
	close(d1);
	if (d2 >= 0)
		close(d2);
	return e;
}

