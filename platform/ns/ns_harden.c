/* Hardening of the sandbox before exec: capabilities, Landlock scoping,
 * seccomp (veil's deny list, then the spec's programs in order).
 *
 * Called in the setup child after every mount is done; each returns -1
 * with *err set and never exits. no_new_privs is set by the caller at the
 * start of the child, so Landlock and seccomp need no privilege. */
#include <errno.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"
#include "platform/ns/ns_private.h"
#include "platform/caps.h"
#include "platform/landlock.h"
#include "platform/spec_filter.h"
#include "spec/denylist.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif
/* The highest capability the kernel knows: the first the bounding set
 * refuses with EINVAL is past it. Any other failure (a caller's seccomp
 * filter, an injected fault) is -errno: taken as the end, it would leave
 * the capabilities above it in the bounding set. */
static int last_cap(void)
{
	int cap = 0;
	while (cap < 63) {
		if (prctl(PR_CAPBSET_READ, cap + 1, 0, 0, 0) < 0) {
			if (errno != EINVAL)
				return -errno;
			break;
		}
		cap++;
	}
	return cap;
}

/* Every capability up to `last`. */
static uint64_t caps_upto(int last)
{
	return last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
}

/* What we hold: root on the host may run with a reduced set. */
static uint64_t permitted_caps(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) != 0)
		return 0;
	return (uint64_t)data[0].permitted | (uint64_t)data[1].permitted << 32;
}

uint64_t ns_harden_kept_caps(const struct ns_ctx *ctx, int last)
{
	const struct spec *spec = ctx->spec;
	/* Never a capability root on the host did not hold itself. */
	uint64_t mask = caps_upto(last) & (ctx->real_uid == 0 ? ctx->caller_caps : ~0ULL);
	if (spec->caps_set)
		return spec->caps & mask;
	/* bubblewrap (0.8, measured): all when root runs it as uid 0 in the
	 * sandbox, else none (an unprivileged --uid 0 gets none either). */
	return ctx->real_uid == 0 && spec->uid == 0 ? mask : 0;
}

uint64_t ns_harden_caller_caps(void)
{
	return permitted_caps();
}

static int set_caps(uint64_t keep, uint64_t inheritable, struct veil_error **err)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof(data));
	for (int i = 0; i < 2; i++) {
		uint32_t bits = (uint32_t)(keep >> (32 * i));
		data[i].effective = bits;
		data[i].permitted = bits;
		data[i].inheritable = (uint32_t)(inheritable >> (32 * i));
	}
	if (syscall(SYS_capset, &hdr, data) != 0)
		return verr_set(err, errno, "capset failed");
	return 0;
}

int ns_harden_drop_caps(const struct ns_ctx *ctx, struct veil_error **err)
{
	uid_t sandbox_uid = ctx->spec->uid;
	int last = last_cap();
	if (last < 0)
		return verr_set(err, -last, "Reading the capability bounding set failed");
	uint64_t keep = ns_harden_kept_caps(ctx, last) & permitted_caps();
	for (int cap = 0; cap <= last; cap++) {
		if (keep & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
			return verr_set(err, errno, "Dropping capability %d from bounds failed", cap);
	}
	/* Inheritable only where exec needs them (ambient, for uid != 0) or
	 * they were asked for, as bubblewrap leaves them. */
	if (set_caps(keep, ctx->spec->caps_set || sandbox_uid != 0 ? keep : 0, err) < 0)
		return -1;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	/* A uid other than 0 loses its caps on exec unless they are ambient.
	 * Asked caps are ambient for uid 0 too: bubblewrap makes them so, and
	 * the program sees the same /proc/self/status either way. */
	if (sandbox_uid != 0 || ctx->spec->caps_set)
		for (int cap = 0; cap <= last; cap++)
			if ((keep & (1ULL << cap)) &&
			    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0)
				return verr_set(err, errno, "Adding ambient capability %d failed", cap);
	return 0;
}

int ns_harden_drop_all_caps(struct veil_error **err)
{
	return caps_drop_all(err);
}

int ns_harden_landlock_check(bool *ret_scope, struct veil_error **err)
{
	return landlock_check(ret_scope, err);
}

int ns_harden_landlock(struct veil_error **err)
{
	struct landlock_policy scope_only = {.scope = true};
	return landlock_restrict(&scope_only, err);
}

static int load_denylist(const struct ns_ctx *ns, struct veil_error **err)
{
	const struct spec *spec = ns->spec;
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return verr_set(err, ENOMEM, "seccomp_init");
	/* 32-bit entry points reach the same kernel: filter them too. */
	if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
		seccomp_arch_add(ctx, SCMP_ARCH_X86);
		seccomp_arch_add(ctx, SCMP_ARCH_X32);
	}
	/* The filter is for the program, which has no_new_privs already. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	unsigned when = spec->disable_userns ? DENYLIST_NO_USERNS : 0;
	int last = last_cap();
	if (last < CAP_SYS_ADMIN || !(ns_harden_kept_caps(ns, last) & (1ULL << CAP_SYS_ADMIN)))
		when |= DENYLIST_NO_SYS_ADMIN;
	int r = denylist_add_rules(ctx, when);
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r < 0)
		return verr_set(err, -r, "Unable to load veil's seccomp deny list");
	return 0;
}

int ns_harden_seccomp(const struct ns_ctx *ns, struct veil_error **err)
{
	/* Ours first: a spec program that forbids seccomp() itself must not
	 * keep the deny list out. */
	if (load_denylist(ns, err) < 0)
		return -1;
	return spec_filter_load(ns->spec, err);
}
