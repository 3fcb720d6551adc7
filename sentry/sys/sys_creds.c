/* The identity syscalls, served from the calling task's sentry credentials
 * (sentry/kernel/creds.c holds the rules). */
#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/prctl.h>

#include "base/cleanup.h"
#include "sentry/kernel/pidns.h"
#include "sentry/sys/sys.h"

static struct creds *creds_of(struct sentry *s, struct platform_call *call)
{
	/* sentry_dispatch() only calls handlers for known tasks. */
	return &sentry_task_find(s, call->tid)->creds;
}

/* The kernel's uid_t/gid_t arguments are 32-bit: the upper half of the
 * register is ignored. */
#define ARG_ID(n) ((uint32_t)call->args[n])

SYS_HANDLER(getuid)
{
	return creds_of(s, call)->ruid;
}

SYS_HANDLER(geteuid)
{
	return creds_of(s, call)->euid;
}

SYS_HANDLER(getgid)
{
	return creds_of(s, call)->rgid;
}

SYS_HANDLER(getegid)
{
	return creds_of(s, call)->egid;
}

/* One gathered write, in the kernel's order: a fault at the second leaves
 * the first written, as its put_user()s do. */
static long put_three(struct platform_call *call, uint32_t a, uint32_t b, uint32_t c)
{
	uint32_t v[3] = {a, b, c};
	struct platform_iov iov[3];
	for (int i = 0; i < 3; i++)
		iov[i] = (struct platform_iov){.addr = call->args[i], .src = &v[i], .len = sizeof(v[i])};
	return call->ops->write_memv(call, iov, 3);
}

SYS_HANDLER(getresuid)
{
	const struct creds *c = creds_of(s, call);
	return put_three(call, c->ruid, c->euid, c->suid);
}

SYS_HANDLER(getresgid)
{
	const struct creds *c = creds_of(s, call);
	return put_three(call, c->rgid, c->egid, c->sgid);
}

SYS_HANDLER(getgroups)
{
	const struct creds *c = creds_of(s, call);
	int size = (int)call->args[0];
	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return (long)c->ngroups;
	if ((size_t)size < c->ngroups)
		return -EINVAL;
	int r = call->ops->write_mem(call, call->args[1], c->groups,
				     c->ngroups * sizeof(*c->groups));
	return r < 0 ? r : (long)c->ngroups;
}

SYS_HANDLER(setuid)
{
	return creds_setuid(creds_of(s, call), ARG_ID(0));
}

SYS_HANDLER(setgid)
{
	return creds_setgid(creds_of(s, call), ARG_ID(0));
}

SYS_HANDLER(setreuid)
{
	return creds_setreuid(creds_of(s, call), ARG_ID(0), ARG_ID(1));
}

SYS_HANDLER(setregid)
{
	return creds_setregid(creds_of(s, call), ARG_ID(0), ARG_ID(1));
}

SYS_HANDLER(setresuid)
{
	return creds_setresuid(creds_of(s, call), ARG_ID(0), ARG_ID(1), ARG_ID(2));
}

SYS_HANDLER(setresgid)
{
	return creds_setresgid(creds_of(s, call), ARG_ID(0), ARG_ID(1), ARG_ID(2));
}

SYS_HANDLER(setfsuid)
{
	return creds_setfsuid(creds_of(s, call), ARG_ID(0));
}

SYS_HANDLER(setfsgid)
{
	return creds_setfsgid(creds_of(s, call), ARG_ID(0));
}

SYS_HANDLER(setgroups)
{
	/* may_setgroups() comes first: a user namespace whose setgroups is
	 * "deny" (--unshare-user, as bubblewrap writes it) refuses anyone. */
	if (s->setgroups_denied)
		return -EPERM;
	int size = (int)call->args[0];
	if (size < 0 || size > CREDS_NGROUPS_MAX)
		return -EINVAL;
	_cleanup_free_ gid_t *groups = NULL;
	if (size) {
		groups = malloc(size * sizeof(*groups));
		if (!groups)
			return -ENOMEM;
		int r = call->ops->read_mem(call, groups, call->args[1], size * sizeof(*groups));
		if (r < 0)
			return r;
	}
	return creds_setgroups(creds_of(s, call), groups, size);
}

/* capget/capset headers: version 1 carries one 32-bit data struct, versions
 * 2 and 3 two. An unknown version gets the preferred one written back and
 * EINVAL, except that a NULL data pointer makes that a successful probe. */
static int cap_words(struct platform_call *call, struct __user_cap_header_struct *h,
		     bool *probe)
{
	*probe = false;
	int r = call->ops->read_mem(call, h, call->args[0], sizeof(*h));
	if (r < 0)
		return r;
	switch (h->version) {
	case _LINUX_CAPABILITY_VERSION_1:
		return 1;
	case _LINUX_CAPABILITY_VERSION_2:
	case _LINUX_CAPABILITY_VERSION_3:
		return 2;
	}
	uint32_t v = _LINUX_CAPABILITY_VERSION_3;
	r = call->ops->write_mem(call, call->args[0], &v, sizeof(v));
	if (r < 0)
		return r;
	*probe = call->args[1] == 0;
	return -EINVAL;
}

SYS_HANDLER(capget)
{
	struct __user_cap_header_struct h;
	bool probe;
	int words = cap_words(call, &h, &probe);
	if (words < 0)
		return probe ? 0 : words;
	if (h.pid < 0)
		return -EINVAL;
	/* Under --unshare-pid the number is the sandbox's (getpcaps 1). */
	if (h.pid > 0 && s->pidns) {
		h.pid = pidns_to_host(s->pidns, h.pid);
		if (h.pid == 0)
			return -ESRCH;
	}
	const struct creds *c;
	if (h.pid == 0 || h.pid == call->tid) {
		c = creds_of(s, call);
	} else {
		struct sentry_task *t = sentry_task_find(s, h.pid);
		if (!t)
			return -ESRCH;
		c = &t->creds;
	}
	if (call->args[1] == 0)
		return 0;
	struct __user_cap_data_struct d[2];
	for (int i = 0; i < 2; i++) {
		d[i].effective = (uint32_t)(c->cap_effective >> (32 * i));
		d[i].permitted = (uint32_t)(c->cap_permitted >> (32 * i));
		d[i].inheritable = (uint32_t)(c->cap_inheritable >> (32 * i));
	}
	return call->ops->write_mem(call, call->args[1], d, words * sizeof(d[0]));
}

SYS_HANDLER(capset)
{
	struct __user_cap_header_struct h;
	bool probe;
	int words = cap_words(call, &h, &probe);
	if (words < 0)
		return words;
	/* Another task's (or a number outside the pid namespace): EPERM. */
	if (h.pid != 0 && (s->pidns ? pidns_to_host(s->pidns, h.pid) : h.pid) != call->tid)
		return -EPERM;
	struct __user_cap_data_struct d[2] = {0};
	int r = call->ops->read_mem(call, d, call->args[1], words * sizeof(d[0]));
	if (r < 0)
		return r;
	uint64_t eff = d[0].effective | (uint64_t)d[1].effective << 32;
	uint64_t perm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	uint64_t inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	struct creds *c = creds_of(s, call);
	if (words == 1) {
		/* v1 speaks for the low 32 capabilities only; keep the rest. */
		eff |= c->cap_effective & ~0xffffffffull;
		perm |= c->cap_permitted & ~0xffffffffull;
		inh |= c->cap_inheritable & ~0xffffffffull;
	}
	return creds_capset(c, eff, perm, inh);
}

/* PR_CAP_AMBIENT, as the kernel's cap_task_prctl. */
static long ambient(struct creds *c, uint64_t op, uint64_t cap, uint64_t a4, uint64_t a5)
{
	if (a4 || a5)
		return -EINVAL;
	if (op == PR_CAP_AMBIENT_CLEAR_ALL) {
		if (cap)
			return -EINVAL;
		c->cap_ambient = 0;
		return 0;
	}
	if (cap > CAP_LAST_CAP)
		return -EINVAL;
	uint64_t bit = 1ull << cap;
	switch (op) {
	case PR_CAP_AMBIENT_IS_SET:
		return (c->cap_ambient & bit) != 0;
	case PR_CAP_AMBIENT_RAISE:
		if (!(c->cap_permitted & bit) || !(c->cap_inheritable & bit))
			return -EPERM;
		c->cap_ambient |= bit;
		return 0;
	case PR_CAP_AMBIENT_LOWER:
		c->cap_ambient &= ~bit;
		return 0;
	default:
		return -EINVAL;
	}
}

/* prctl's capability options (the filter traps only these: filter.c),
 * answered from the task's sandbox credentials as cap_task_prctl and
 * prctl_set/get keepcaps answer from the kernel's. */
SYS_HANDLER(prctl)
{
	struct creds *c = creds_of(s, call);
	uint64_t arg = call->args[1];
	switch ((int)call->args[0]) {
	case PR_CAPBSET_READ:
		if (arg > CAP_LAST_CAP)
			return -EINVAL;
		return (long)((c->cap_bounding >> arg) & 1);
	case PR_CAPBSET_DROP:
		if (arg > CAP_LAST_CAP)
			return -EINVAL;
		if (!creds_capable(c, CAP_SETPCAP))
			return -EPERM;
		c->cap_bounding &= ~(1ull << arg);
		return 0;
	case PR_CAP_AMBIENT:
		return ambient(c, call->args[1], call->args[2], call->args[3], call->args[4]);
	case PR_GET_KEEPCAPS:
		return c->keep_caps;
	case PR_SET_KEEPCAPS:
		if (arg > 1)
			return -EINVAL;
		c->keep_caps = arg == 1;
		return 0;
	default:
		return -EINVAL; /* the filter lets no other option here */
	}
}
