/* The host devices a sandbox may open: the ones bubblewrap's --dev gives
 * (null, zero, full, random, urandom, tty), known by their device number,
 * never by a path the program named. */
#ifndef VEIL_SENTRY_DEVICES_H
#define VEIL_SENTRY_DEVICES_H

#include <sys/stat.h>

/* Opens the host device behind a VFS device node `st` with the program's
 * open `flags` (access mode, O_APPEND, O_NONBLOCK, O_NOCTTY kept). An fd
 * (close-on-exec, the caller's), -EOPNOTSUPP for a device veil does not
 * pass through, or the host open's -errno. */
int device_open(const struct stat *st, int flags);

#endif
