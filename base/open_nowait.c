#include "base/open_nowait.h"

#include "base/kick.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <unistd.h>

int openat_nowait(int dir, const char *name, int flags)
{
	/* With O_NONBLOCK the open starts the lease's break and fails at once
	 * (EWOULDBLOCK); a holder that lets go at its SIGIO at once lets the
	 * kicked retry through. */
	bool nonblock = flags & O_NONBLOCK;
	int r = openat(dir, name, flags | O_NONBLOCK);
	if (r < 0 && errno == EWOULDBLOCK && !nonblock) {
		if (!kick_begin())
			return -EINTR;
		r = openat(dir, name, flags);
		int e = errno;
		kick_end();
		return r < 0 ? -e : r;
	}
	if (r < 0)
		return -errno;
	/* F_SETFL sets back exactly the flags the open could have set. */
	if (!nonblock && !(flags & (O_PATH | O_DIRECTORY)) &&
	    fcntl(r, F_SETFL, flags & (O_APPEND | O_DIRECT | O_NOATIME)) < 0) {
		int e = errno;
		close(r);
		return -e;
	}
	return r;
}
