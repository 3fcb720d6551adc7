/* veil's own list of syscalls no sandboxed program may make, whatever the
 * backend: one table (syscall name, errno, why), shared by the kernel
 * backend's seccomp filter and the sentry's.
 *
 * A program gets the listed errno instead of the call. Entries the running
 * libseccomp does not know by name are skipped (they name syscalls newer
 * than the library, which then cannot be reached by name either). */
#ifndef VEIL_SENTRY_DENYLIST_H
#define VEIL_SENTRY_DENYLIST_H

#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>

enum denylist_when {
	DENYLIST_ALWAYS = 0,
	DENYLIST_NO_USERNS = 1u << 0, /* only when creating user namespaces is denied */
	DENYLIST_NO_SYS_ADMIN = 1u << 1, /* only for a program without CAP_SYS_ADMIN */
};

struct denylist_entry {
	const char *name;  /* syscall name as libseccomp knows it */
	int err;           /* errno the program gets */
	int arg;           /* -1: any arguments; else the argument compared */
	uint64_t mask;     /*   (arg & mask) == value makes the call denied */
	uint64_t value;
	unsigned when;     /* enum denylist_when */
	const char *why;
};

extern const struct denylist_entry denylist[];
extern const size_t denylist_len;

/* Adds a rule per entry that applies under `flags` (enum denylist_when) to
 * ctx. Returns 0, or -errno from libseccomp. */
int denylist_add_rules(scmp_filter_ctx ctx, unsigned flags);

#endif
