#include "sentry/filter.h"

#include <errno.h>
#include <sys/ioctl.h>

#include "sentry/syscalls.h"

/* ioctls that act outside the sandbox through a terminal it shares with
 * the host: pushing input into the controlling terminal (the classic
 * sandbox escape, CVE-2017-5226) and the Linux console's selection paste. */
static const unsigned long denied_ioctls[] = {TIOCSTI, TIOCLINUX};

static uint32_t action_for(const struct sys_entry *e, enum filter_trap trap)
{
	switch (e->cls) {
	case SYS_ALLOW:
		return SCMP_ACT_ALLOW;
	case SYS_ERRNO:
		return SCMP_ACT_ERRNO(e->err);
	case SYS_NOTIFY:
		/* Unsupported: refuse in the kernel, no round trip for the same
		 * result. */
		if (!e->handler)
			return SCMP_ACT_ERRNO(ENOSYS);
		return trap == FILTER_TRAP_NOTIFY ? SCMP_ACT_NOTIFY
						  : SCMP_ACT_TRACE(FILTER_TRACE_EMULATE);
	case SYS_TRACE:
		if (!e->handler)
			return SCMP_ACT_ERRNO(ENOSYS);
		return SCMP_ACT_TRACE(FILTER_TRACE_ASSIST);
	}
	return SCMP_ACT_ERRNO(ENOSYS);
}

/* libseccomp lets an unconditional rule for a syscall swallow the
 * conditional ones, so ioctl gets only conditional rules: the refused
 * numbers, then `action` for everything through a comparison that always
 * holds (`>= 0`; a mask of 0 would be folded back into an unconditional
 * rule). tests/unit/sentry/test_filter.c proves the order. */
static int add_ioctl_rules(scmp_filter_ctx ctx, uint32_t action)
{
	/* The kernel reads the ioctl number as an unsigned int: compare only the
	 * low 32 bits, or a program could set high bits to slip past. */
	for (size_t i = 0; i < sizeof(denied_ioctls) / sizeof(denied_ioctls[0]); i++) {
		int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
					 SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu,
						 denied_ioctls[i]));
		if (r < 0)
			return r;
	}
	return seccomp_rule_add(ctx, action, SCMP_SYS(ioctl), 1,
				SCMP_A1(SCMP_CMP_GE, 0));
}

int filter_build(enum filter_trap trap, scmp_filter_ctx *ret)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(ENOSYS));
	if (!ctx)
		return -ENOMEM;
	/* i386 and x32 calls never match the x86_64 table: refuse them rather
	 * than kill, so a program probing them sees an ordinary failure. */
	int r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(ENOSYS));
	if (r < 0)
		goto out_release;

	const struct sys_entry *t = sys_table_begin();
	for (size_t i = 0; i < sys_table_size(); i++) {
		uint32_t action = action_for(&t[i], trap);
		if (action == SCMP_ACT_ERRNO(ENOSYS))
			continue; /* the default already */
		if (t[i].nr == SCMP_SYS(ioctl)) {
			r = add_ioctl_rules(ctx, action);
			if (r < 0)
				goto out_release;
			continue;
		}
		r = seccomp_rule_add(ctx, action, t[i].nr, 0);
		if (r < 0)
			goto out_release;
	}
	*ret = ctx;
	return 0;

out_release:
	seccomp_release(ctx);
	return r;
}
