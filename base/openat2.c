#include "base/openat2.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RESOLVE_CACHED
#define RESOLVE_CACHED 0x20
#endif

/* Races are rare and brief; a storm of host mounts may take a few tries. */
#define OPENAT2_TRIES 64

int openat2_retry(int dirfd, const char *path, const struct open_how *how)
{
	for (int i = 0;; i++) {
		long fd = syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
		if (fd >= 0)
			return (int)fd;
		if (errno != EAGAIN || (how->resolve & RESOLVE_CACHED) || i == OPENAT2_TRIES)
			return -errno;
	}
}
