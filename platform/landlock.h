/* Landlock for the sandbox: the backstop under the sentry (filesystem
 * rules derived from the op list) and the scoping every backend asks for
 * (signals and abstract unix sockets stay inside the sandbox). */
#ifndef VEIL_PLATFORM_LANDLOCK_H
#define VEIL_PLATFORM_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "spec/spec.h"

/* Rights, as linux/landlock.h numbers them (the build host's header may
 * predate some). */
#define LL_EXECUTE (1ull << 0)
#define LL_WRITE_FILE (1ull << 1)
#define LL_READ_FILE (1ull << 2)
#define LL_READ_DIR (1ull << 3)
#define LL_REMOVE_DIR (1ull << 4)
#define LL_REMOVE_FILE (1ull << 5)
#define LL_MAKE_CHAR (1ull << 6)
#define LL_MAKE_DIR (1ull << 7)
#define LL_MAKE_REG (1ull << 8)
#define LL_MAKE_SOCK (1ull << 9)
#define LL_MAKE_FIFO (1ull << 10)
#define LL_MAKE_BLOCK (1ull << 11)
#define LL_MAKE_SYM (1ull << 12)
#define LL_REFER (1ull << 13)    /* ABI 2 */
#define LL_TRUNCATE (1ull << 14) /* ABI 3 */
#define LL_IOCTL_DEV (1ull << 15) /* ABI 5 */

#define LL_READ (LL_READ_FILE | LL_READ_DIR | LL_EXECUTE)
#define LL_WRITE (LL_WRITE_FILE | LL_REMOVE_DIR | LL_REMOVE_FILE | LL_MAKE_CHAR | \
		  LL_MAKE_DIR | LL_MAKE_REG | LL_MAKE_SOCK | LL_MAKE_FIFO |       \
		  LL_MAKE_BLOCK | LL_MAKE_SYM | LL_REFER | LL_TRUNCATE)

struct landlock_rule {
	char *path;      /* host path beneath which `access` is allowed */
	uint64_t access; /* LL_* */
};

struct landlock_policy {
	bool scope;           /* scope signals and abstract unix sockets */
	bool fs;              /* restrict the filesystem to `rules` */
	struct landlock_rule *rules;
	size_t n_rules;
};

/* The running kernel's Landlock ABI version, or -errno (EOPNOTSUPP: built
 * without it, disabled at boot). */
int landlock_abi(void);

/* The filesystem rules under the emulate backend for `spec` (prepared):
 * read and exec beneath every read-only bind source, write too beneath
 * writable ones, device ioctls where devices are allowed. The program
 * itself never opens a path (every path syscall is trapped); these only
 * bound what a bug in the sentry could let through. */
void landlock_policy_from_spec(const struct spec *spec, struct landlock_policy *ret);
/* One more rule: `access` beneath `path`. */
void landlock_policy_add(struct landlock_policy *p, const char *path, uint64_t access);
void landlock_policy_free(struct landlock_policy *p);

/* Whether the sandbox can have its signals and abstract unix sockets
 * scoped (Landlock ABI 6, Linux 6.12). Without it setup fails with a clear
 * error, unless the caller waived the scoping with VEIL_LANDLOCK=optional
 * (a warning then, and *ret_scope false). 0 or -1 with *err. */
int landlock_check(bool *ret_scope, struct veil_error **err);

/* Restricts the calling thread (and what it execs): signals and abstract
 * unix sockets scoped to the domain when p->scope, the filesystem to the
 * rules when p->fs; nothing to do when neither. no_new_privs must be set
 * already. 0, or -1 with *err naming what failed. */
int landlock_restrict(const struct landlock_policy *p, struct veil_error **err);

#endif
