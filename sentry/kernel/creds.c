/* Linux credential transitions, in the sentry's memory.
 *
 * Invariant: every function validates first and changes `c` only once it
 * knows the call succeeds, so a failed set*id leaves the task as it was. */
#include "sentry/kernel/creds.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>

#define CAP_BIT(cap) (1ull << (cap))

/* Capabilities the kernel drops from the effective set when the fs uid
 * leaves 0 (and restores from permitted when it comes back). */
static const uint64_t fs_caps = CAP_BIT(CAP_CHOWN) | CAP_BIT(CAP_DAC_OVERRIDE) |
				CAP_BIT(CAP_DAC_READ_SEARCH) | CAP_BIT(CAP_FOWNER) |
				CAP_BIT(CAP_FSETID) | CAP_BIT(CAP_LINUX_IMMUTABLE) |
				CAP_BIT(CAP_MAC_OVERRIDE) | CAP_BIT(CAP_MKNOD);

void creds_init(struct creds *c, uid_t uid, gid_t gid, uint64_t bounding)
{
	memset(c, 0, sizeof(*c));
	c->ruid = c->euid = c->suid = c->fsuid = uid;
	c->rgid = c->egid = c->sgid = c->fsgid = gid;
	c->cap_bounding = bounding;
	if (uid == 0)
		c->cap_effective = c->cap_permitted = bounding;
}

int creds_copy(struct creds *dst, const struct creds *src)
{
	gid_t *groups = NULL;
	if (src->ngroups) {
		groups = malloc(src->ngroups * sizeof(*groups));
		if (!groups)
			return -ENOMEM;
		memcpy(groups, src->groups, src->ngroups * sizeof(*groups));
	}
	*dst = *src;
	dst->groups = groups;
	return 0;
}

void creds_release(struct creds *c)
{
	free(c->groups);
	c->groups = NULL;
	c->ngroups = 0;
}

bool creds_capable(const struct creds *c, int cap)
{
	return cap >= 0 && cap < 64 && (c->cap_effective & CAP_BIT(cap));
}

bool creds_in_group(const struct creds *c, gid_t gid)
{
	if (gid == c->fsgid)
		return true;
	for (size_t i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

/* capabilities(7), as security/commoncap.c cap_emulate_setxuid() does it
 * for setuid/setreuid/setresuid: `old` is the task before the change, `c`
 * after. The fs uid is not looked at here: only setfsuid() moves the fs
 * capabilities (fix_caps_after_fsuid_change). */
static void fix_caps_after_uid_change(struct creds *c, const struct creds *old)
{
	bool had_root = old->ruid == 0 || old->euid == 0 || old->suid == 0;
	bool has_root = c->ruid == 0 || c->euid == 0 || c->suid == 0;
	if (had_root && !has_root && !c->keep_caps) {
		c->cap_permitted = 0;
		c->cap_effective = 0;
		c->cap_ambient = 0;
	}
	if (old->euid == 0 && c->euid != 0)
		c->cap_effective = 0;
	if (old->euid != 0 && c->euid == 0)
		c->cap_effective = c->cap_permitted;
}

static void fix_caps_after_fsuid_change(struct creds *c, uid_t old_fsuid)
{
	if (old_fsuid == 0 && c->fsuid != 0)
		c->cap_effective &= ~fs_caps;
	if (old_fsuid != 0 && c->fsuid == 0)
		c->cap_effective |= c->cap_permitted & fs_caps;
}

static bool uid_is_one_of(uid_t u, const struct creds *c)
{
	return u == c->ruid || u == c->euid || u == c->suid;
}

static bool gid_is_one_of(gid_t g, const struct creds *c)
{
	return g == c->rgid || g == c->egid || g == c->sgid;
}

/* -1 as an id means "leave it": both uid_t and gid_t are 32-bit unsigned. */
#define ID_KEEP ((uid_t)-1)

int creds_setuid(struct creds *c, uid_t uid)
{
	if (uid == ID_KEEP)
		return -EINVAL;
	struct creds old = *c;
	if (creds_capable(c, CAP_SETUID)) {
		c->ruid = c->euid = c->suid = c->fsuid = uid;
	} else if (uid == c->ruid || uid == c->suid) {
		c->euid = c->fsuid = uid;
	} else {
		return -EPERM;
	}
	fix_caps_after_uid_change(c, &old);
	return 0;
}

int creds_setreuid(struct creds *c, uid_t ruid, uid_t euid)
{
	struct creds old = *c;
	bool priv = creds_capable(c, CAP_SETUID);
	if (!priv) {
		if (ruid != ID_KEEP && ruid != c->ruid && ruid != c->euid)
			return -EPERM;
		if (euid != ID_KEEP && !uid_is_one_of(euid, c))
			return -EPERM;
	}
	if (ruid != ID_KEEP)
		c->ruid = ruid;
	if (euid != ID_KEEP)
		c->euid = euid;
	/* The saved uid follows the effective one whenever the real uid is set
	 * or the effective one moves away from the old real uid. */
	if (ruid != ID_KEEP || (euid != ID_KEEP && euid != old.ruid))
		c->suid = c->euid;
	c->fsuid = c->euid;
	fix_caps_after_uid_change(c, &old);
	return 0;
}

int creds_setresuid(struct creds *c, uid_t ruid, uid_t euid, uid_t suid)
{
	/* Linux 6.1+ returns early when nothing would change, which leaves an
	 * fs uid that differs from the effective one alone. */
	if ((ruid == ID_KEEP || ruid == c->ruid) &&
	    (euid == ID_KEEP || (euid == c->euid && euid == c->fsuid)) &&
	    (suid == ID_KEEP || suid == c->suid))
		return 0;
	struct creds old = *c;
	if (!creds_capable(c, CAP_SETUID)) {
		if ((ruid != ID_KEEP && !uid_is_one_of(ruid, c)) ||
		    (euid != ID_KEEP && !uid_is_one_of(euid, c)) ||
		    (suid != ID_KEEP && !uid_is_one_of(suid, c)))
			return -EPERM;
	}
	if (ruid != ID_KEEP)
		c->ruid = ruid;
	if (euid != ID_KEEP)
		c->euid = euid;
	if (suid != ID_KEEP)
		c->suid = suid;
	c->fsuid = c->euid;
	fix_caps_after_uid_change(c, &old);
	return 0;
}

uid_t creds_setfsuid(struct creds *c, uid_t fsuid)
{
	uid_t prev = c->fsuid;
	if (fsuid == ID_KEEP)
		return prev;
	if (creds_capable(c, CAP_SETUID) || uid_is_one_of(fsuid, c) || fsuid == c->fsuid) {
		c->fsuid = fsuid;
		fix_caps_after_fsuid_change(c, prev);
	}
	return prev;
}

int creds_setgid(struct creds *c, gid_t gid)
{
	if (gid == ID_KEEP)
		return -EINVAL;
	if (creds_capable(c, CAP_SETGID))
		c->rgid = c->egid = c->sgid = c->fsgid = gid;
	else if (gid == c->rgid || gid == c->sgid)
		c->egid = c->fsgid = gid;
	else
		return -EPERM;
	return 0;
}

int creds_setregid(struct creds *c, gid_t rgid, gid_t egid)
{
	gid_t old_rgid = c->rgid;
	if (!creds_capable(c, CAP_SETGID)) {
		if (rgid != ID_KEEP && rgid != c->rgid && rgid != c->egid)
			return -EPERM;
		if (egid != ID_KEEP && !gid_is_one_of(egid, c))
			return -EPERM;
	}
	if (rgid != ID_KEEP)
		c->rgid = rgid;
	if (egid != ID_KEEP)
		c->egid = egid;
	if (rgid != ID_KEEP || (egid != ID_KEEP && egid != old_rgid))
		c->sgid = c->egid;
	c->fsgid = c->egid;
	return 0;
}

int creds_setresgid(struct creds *c, gid_t rgid, gid_t egid, gid_t sgid)
{
	if ((rgid == ID_KEEP || rgid == c->rgid) &&
	    (egid == ID_KEEP || (egid == c->egid && egid == c->fsgid)) &&
	    (sgid == ID_KEEP || sgid == c->sgid))
		return 0;
	if (!creds_capable(c, CAP_SETGID)) {
		if ((rgid != ID_KEEP && !gid_is_one_of(rgid, c)) ||
		    (egid != ID_KEEP && !gid_is_one_of(egid, c)) ||
		    (sgid != ID_KEEP && !gid_is_one_of(sgid, c)))
			return -EPERM;
	}
	if (rgid != ID_KEEP)
		c->rgid = rgid;
	if (egid != ID_KEEP)
		c->egid = egid;
	if (sgid != ID_KEEP)
		c->sgid = sgid;
	c->fsgid = c->egid;
	return 0;
}

gid_t creds_setfsgid(struct creds *c, gid_t fsgid)
{
	gid_t prev = c->fsgid;
	if (fsgid == ID_KEEP)
		return prev;
	if (creds_capable(c, CAP_SETGID) || gid_is_one_of(fsgid, c) || fsgid == c->fsgid)
		c->fsgid = fsgid;
	return prev;
}

static int gid_cmp(const void *a, const void *b)
{
	gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;
	return x < y ? -1 : x > y;
}

int creds_setgroups(struct creds *c, const gid_t *groups, size_t n)
{
	if (n > CREDS_NGROUPS_MAX)
		return -EINVAL;
	if (!creds_capable(c, CAP_SETGID))
		return -EPERM;
	gid_t *copy = NULL;
	if (n) {
		copy = malloc(n * sizeof(*copy));
		if (!copy)
			return -ENOMEM;
		memcpy(copy, groups, n * sizeof(*copy));
		/* getgroups(2) returns them in the kernel's order: sorted. */
		qsort(copy, n, sizeof(*copy), gid_cmp);
	}
	free(c->groups);
	c->groups = copy;
	c->ngroups = n;
	return 0;
}

int creds_capset(struct creds *c, uint64_t effective, uint64_t permitted,
		 uint64_t inheritable)
{
	/* capset(2) (security/commoncap.c cap_capset): permitted may only
	 * shrink and effective must stay within it; a new inheritable bit must
	 * come from the old inheritable or permitted set unless CAP_SETPCAP, and
	 * never from outside the bounding set. */
	if (permitted & ~c->cap_permitted)
		return -EPERM;
	if (effective & ~permitted)
		return -EPERM;
	if (!creds_capable(c, CAP_SETPCAP) &&
	    (inheritable & ~(c->cap_inheritable | c->cap_permitted)))
		return -EPERM;
	if (inheritable & ~(c->cap_inheritable | c->cap_bounding))
		return -EPERM;
	c->cap_effective = effective;
	c->cap_permitted = permitted;
	c->cap_inheritable = inheritable;
	c->cap_ambient &= permitted & inheritable; /* cap_capset */
	return 0;
}

void creds_exec(struct creds *c)
{
	bool root = c->ruid == 0 || c->euid == 0;
	uint64_t file = root ? ~0ull : 0; /* F(inheritable), F(permitted) */
	c->cap_permitted = (c->cap_inheritable & file) | (file & c->cap_bounding) | c->cap_ambient;
	c->cap_effective = c->euid == 0 ? c->cap_permitted : c->cap_ambient;
	c->keep_caps = false;
}
