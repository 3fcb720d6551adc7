/* Numbers and fds on the command line.
 *
 * bubblewrap reads fds, uids and gids with strtol() and accepts any value in
 * 0..INT_MAX that strtol() consumes entirely; we keep that rule so the same
 * argv is accepted or refused by both. Data behind an fd (--args, --file,
 * --bind-data, --seccomp ...) is read here, at parse time, so an unreadable
 * fd fails before anything is set up. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/xalloc.h"
#include "cmd/parse_internal.h"

int cli_parse_int(const char *s, int *ret)
{
	char *end;

	if (s[0] == '\0')
		return -EINVAL;
	errno = 0;
	long v = strtol(s, &end, 10);
	/* Out of long's range, strtol saturates and sets ERANGE; beyond
	 * INT_MAX bubblewrap's int would wrap, so refuse both. */
	if (errno != 0 || *end != '\0' || v < 0 || v > INT_MAX)
		return -EINVAL;
	*ret = (int)v;
	return 0;
}

int cli_parse_fd(const char *s, int *ret, struct veil_error **err)
{
	if (cli_parse_int(s, ret) < 0)
		return verr_set(err, 0, "Invalid fd: %s", s);
	return 0;
}

int cli_parse_open_fd(const char *flag, const char *s, int *ret,
		      struct veil_error **err)
{
	if (cli_parse_fd(s, ret, err) < 0)
		return -1;
	/* The spec keeps the number only; checking now turns a typo into a
	 * message instead of a failure (or a hang) after setup began. */
	if (fcntl(*ret, F_GETFD) < 0)
		return verr_set(err, errno, "Invalid fd for %s: %s", flag, s);
	return 0;
}

int cli_read_fd(int fd, size_t max, char **ret, size_t *ret_len)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;

	/* A regular file says its size: too big is refused unread. */
	struct stat st;
	off_t pos;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (pos = lseek(fd, 0, SEEK_CUR)) >= 0 &&
	    st.st_size > pos && (uintmax_t)(st.st_size - pos) > max)
		return -EFBIG;
	for (;;) {
		/* The buffer never grows past max + 1 bytes: one more than
		 * allowed tells "too big" (/dev/zero stops there, not at an
		 * allocation twice the cap). */
		if (len == cap) {
			if (cap > max)
				return -EFBIG;
			size_t want = cap ? cap * 2 : 16384;
			cap = want > max ? max + 1 : want;
			buf = xrealloc(buf, cap + 1);
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max)
			return -EFBIG;
	}
	buf[len] = '\0';
	*ret = steal_ptr(buf);
	*ret_len = len;
	return 0;
}

int cli_read_flag_fd(const char *flag, int fd, size_t max, char **ret,
		     size_t *ret_len, struct veil_error **err)
{
	int r = cli_read_fd(fd, max, ret, ret_len);
	if (r < 0)
		return verr_set(err, -r, "Can't read %s data from fd %d", flag, fd);
	/* bubblewrap closes a data fd once consumed, so the sandboxed program
	 * never inherits it. */
	close(fd);
	return 0;
}
