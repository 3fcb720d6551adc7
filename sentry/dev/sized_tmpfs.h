/* A real tmpfs with a size limit, for the data of a `--size` tmpfs under
 * the emulate backend: the program writes its files natively, so only the
 * kernel can refuse a write past the limit (ENOSPC), as it does under the
 * kernel backend. The mount is made in a user and mount namespace of a
 * short-lived child and handed back detached (fsmount), so the sentry
 * itself stays in the caller's namespaces. */
#ifndef VEIL_SENTRY_SIZED_TMPFS_H
#define VEIL_SENTRY_SIZED_TMPFS_H

#include <stdint.h>

/* A close-on-exec fd on the root of a new tmpfs of `size` bytes, mode
 * 0700, owned by the caller; or -errno (EPERM and the like where no user
 * namespace may be made). */
int sized_tmpfs_open(uint64_t size);

#endif
