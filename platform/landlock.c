/* Landlock through its raw syscalls (glibc has no wrappers). Rights the
 * running ABI does not know are dropped from what is handled and granted,
 * as the Landlock documentation prescribes, so one build works on every
 * kernel with Landlock. */
#include "platform/landlock.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/xalloc.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif
#define CREATE_RULESET_VERSION (1u << 0)
#define RULE_PATH_BENEATH 1
#define SCOPE_ABSTRACT_UNIX_SOCKET (1ull << 0)
#define SCOPE_SIGNAL (1ull << 1)

/* struct landlock_ruleset_attr as of ABI 6. */
struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

/* Rights a rule on a non-directory may hold. */
#define LL_FILE_RIGHTS (LL_EXECUTE | LL_WRITE_FILE | LL_READ_FILE | LL_TRUNCATE | LL_IOCTL_DEV)

int landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, CREATE_RULESET_VERSION);
	return abi < 0 ? -errno : (int)abi;
}

static uint64_t fs_rights_of(int abi)
{
	uint64_t all = (1ull << 13) - 1; /* ABI 1 */
	if (abi >= 2)
		all |= LL_REFER;
	if (abi >= 3)
		all |= LL_TRUNCATE;
	if (abi >= 5)
		all |= LL_IOCTL_DEV;
	return all;
}

void landlock_policy_add(struct landlock_policy *p, const char *path, uint64_t access)
{
	p->rules = xreallocarray(p->rules, p->n_rules + 1, sizeof(*p->rules));
	p->rules[p->n_rules++] = (struct landlock_rule){.path = xstrdup(path), .access = access};
}

void landlock_policy_from_spec(const struct spec *spec, struct landlock_policy *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->fs = true;
	ret->scope = true;
	for (size_t i = 0; i < spec->n_ops; i++) {
		const struct mount_op *op = &spec->ops[i];
		switch (op->type) {
		case MOUNT_OP_BIND:
			if ((op->flags & MOUNT_OP_SKIPPED) || !op->source)
				break;
			landlock_policy_add(ret, op->source,
				 LL_READ | (op->flags & MOUNT_OP_WRITABLE ? LL_WRITE : 0) |
					 (op->flags & MOUNT_OP_DEVICES ? LL_IOCTL_DEV : 0));
			break;
		case MOUNT_OP_OVERLAY:
			for (size_t l = 0; op->overlay.lowers && op->overlay.lowers[l]; l++)
				landlock_policy_add(ret, op->overlay.lowers[l], LL_READ);
			if (op->overlay.upper_kind == OVERLAY_UPPER_HOST) {
				landlock_policy_add(ret, op->overlay.upper, LL_READ | LL_WRITE);
				landlock_policy_add(ret, op->overlay.workdir, LL_READ | LL_WRITE);
			}
			break;
		/* Everything else lives in the sentry's memory, or in its
		 * scratch directory (a tmpfs's data files), whose directories
		 * platform/emulate.c adds to the policy itself. */
		case MOUNT_OP_TMPFS:
		case MOUNT_OP_PROC:
		case MOUNT_OP_DEV:
		case MOUNT_OP_MQUEUE:
		case MOUNT_OP_DIR:
		case MOUNT_OP_SYMLINK:
		case MOUNT_OP_FILE:
		case MOUNT_OP_BIND_DATA:
		case MOUNT_OP_REMOUNT_RO:
		case MOUNT_OP_CHMOD:
			break;
		}
	}
}

void landlock_policy_free(struct landlock_policy *p)
{
	for (size_t i = 0; i < p->n_rules; i++)
		free(p->rules[i].path);
	free(p->rules);
	memset(p, 0, sizeof(*p));
}

static int add_path_rule(int ruleset, const struct landlock_rule *r, uint64_t handled,
			 struct veil_error **err)
{
	_cleanup_close_ int fd = open(r->path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return verr_set(err, errno, "Landlock: cannot open %s", r->path);
	struct stat st;
	if (fstat(fd, &st) < 0)
		return verr_set(err, errno, "Landlock: cannot stat %s", r->path);
	struct path_beneath_attr attr = {
		.allowed_access = r->access & handled,
		.parent_fd = fd,
	};
	if (!S_ISDIR(st.st_mode))
		attr.allowed_access &= LL_FILE_RIGHTS;
	if (attr.allowed_access == 0)
		return 0;
	if (syscall(SYS_landlock_add_rule, ruleset, RULE_PATH_BENEATH, &attr, 0) < 0)
		return verr_set(err, errno, "Landlock: cannot add the rule for %s", r->path);
	return 0;
}

int landlock_check(bool *ret_scope, struct veil_error **err)
{
	int abi = landlock_abi();
	*ret_scope = abi >= 6;
	if (abi >= 6)
		return 0;
	/* The waiver: run without the scoping rather than not at all, for
	 * kernels before 6.12 (Debian 12's own is 6.1). */
	const char *waiver = getenv("VEIL_LANDLOCK");
	if (waiver && strcmp(waiver, "optional") == 0) {
		log_warn("Landlock ABI %d: signals and abstract unix sockets are not scoped "
			 "to the sandbox (VEIL_LANDLOCK=optional)", abi < 0 ? 0 : abi);
		return 0;
	}
	if (abi < 0)
		return verr_set(err, -abi, "Landlock is not available, so signals and abstract "
				"unix sockets cannot be scoped to the sandbox (set "
				"VEIL_LANDLOCK=optional to run without)");
	return verr_set(err, 0, "the kernel's Landlock ABI is %d; scoping signals and "
			"abstract unix sockets to the sandbox needs ABI 6 (Linux 6.12) (set "
			"VEIL_LANDLOCK=optional to run without)", abi);
}

int landlock_restrict(const struct landlock_policy *p, struct veil_error **err)
{
	if (!p->scope && !p->fs)
		return 0;
	int abi = landlock_abi();
	if (abi < 0)
		return verr_set(err, -abi, "Landlock is not available");
	if (p->scope && abi < 6)
		return verr_set(err, 0, "the kernel's Landlock ABI is %d; scoping needs ABI 6",
				abi);
	uint64_t handled = p->fs ? fs_rights_of(abi) : 0;
	struct ruleset_attr attr = {
		.handled_access_fs = handled,
		.scoped = p->scope ? SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL : 0,
	};
	/* Before ABI 6 the struct ends before `scoped`. */
	size_t attr_size = abi >= 6 ? sizeof(attr) : offsetof(struct ruleset_attr, scoped);
	if (abi < 4)
		attr_size = offsetof(struct ruleset_attr, handled_access_net);
	_cleanup_close_ int ruleset =
		(int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0);
	if (ruleset < 0)
		return verr_set(err, errno, "Landlock: cannot create a ruleset");
	for (size_t i = 0; p->fs && i < p->n_rules; i++)
		if (add_path_rule(ruleset, &p->rules[i], handled, err) < 0)
			return -1;
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		return verr_set(err, errno, "Landlock: cannot restrict the sandbox");
	return 0;
}
