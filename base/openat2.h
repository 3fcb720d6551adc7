/* openat2(2) as every caller in veil needs it.
 *
 * With RESOLVE_BENEATH or RESOLVE_IN_ROOT the kernel fails with EAGAIN when
 * a rename or a mount anywhere on the system raced the lookup (it cannot
 * prove the walk stayed beneath), and tells callers to retry. A sandbox
 * whose host mounts something meanwhile must not see that: retry, a
 * bounded number of times. RESOLVE_CACHED's EAGAIN ("not in the cache")
 * is an answer, not a race: returned as it is. */
#ifndef VEIL_BASE_OPENAT2_H
#define VEIL_BASE_OPENAT2_H

#include <linux/openat2.h>

/* Returns the new fd or -errno. */
int openat2_retry(int dirfd, const char *path, const struct open_how *how);

#endif
