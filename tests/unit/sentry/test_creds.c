/* The credential model, checked case by case and then against the kernel:
 * random sequences of set*id/setgroups/capset run both on a real root
 * process (when the test runs as root) and on the model; every result and
 * every id afterwards must agree. */
#include <errno.h>
#include <linux/capability.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sentry/kernel/creds.h"

#define CAP_BIT(c) (1ull << (c))

static uint64_t all_caps(void)
{
	int last = 40;
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	if (f) {
		if (fscanf(f, "%d", &last) != 1)
			last = 40;
		fclose(f);
	}
	return last >= 63 ? ~0ull : (1ull << (last + 1)) - 1;
}

/* execve's transformation (capabilities(7)): root's permitted set is
 * its bounding set again, all effective for euid 0; anyone else keeps the
 * ambient set only; keep-caps is cleared. */
static void exec_recomputes_capabilities(void **state)
{
	(void)state;
	struct creds c;
	creds_init(&c, 0, 0, all_caps());
	c.cap_bounding &= ~CAP_BIT(CAP_CHOWN);
	c.cap_effective = 0;
	creds_exec(&c);
	assert_int_equal(c.cap_permitted, all_caps() & ~CAP_BIT(CAP_CHOWN));
	assert_int_equal(c.cap_effective, c.cap_permitted);
	/* an effective uid not 0 (ruid 0): permitted, not effective */
	assert_int_equal(creds_setresuid(&c, 0, 1000, 0), 0);
	creds_exec(&c);
	assert_int_equal(c.cap_permitted, all_caps() & ~CAP_BIT(CAP_CHOWN));
	assert_int_equal(c.cap_effective, 0);
	creds_release(&c);
	/* a user with an ambient capability keeps it, and only it */
	creds_init(&c, 1000, 1000, all_caps());
	c.cap_permitted = c.cap_inheritable = c.cap_ambient = CAP_BIT(CAP_NET_BIND_SERVICE);
	c.cap_effective = CAP_BIT(CAP_NET_BIND_SERVICE);
	c.cap_permitted |= CAP_BIT(CAP_CHOWN);
	c.keep_caps = true;
	creds_exec(&c);
	assert_int_equal(c.cap_permitted, CAP_BIT(CAP_NET_BIND_SERVICE));
	assert_int_equal(c.cap_effective, CAP_BIT(CAP_NET_BIND_SERVICE));
	assert_false(c.keep_caps);
	creds_release(&c);
}

static void root_drops_to_user(void **state)
{
	(void)state;
	struct creds c;
	creds_init(&c, 0, 0, all_caps());
	assert_true(creds_capable(&c, CAP_DAC_OVERRIDE));
	assert_int_equal(creds_setresuid(&c, 1000, 1000, 1000), 0);
	assert_int_equal(c.fsuid, 1000);
	assert_int_equal(c.cap_effective, 0);
	assert_int_equal(c.cap_permitted, 0);
	/* and cannot come back */
	assert_int_equal(creds_setuid(&c, 0), -EPERM);
	creds_release(&c);
}

static void seteuid_keeps_permitted(void **state)
{
	(void)state;
	struct creds c;
	creds_init(&c, 0, 0, all_caps());
	assert_int_equal(creds_setresuid(&c, -1, 1000, -1), 0);
	assert_int_equal(c.cap_effective, 0);
	assert_int_equal(c.cap_permitted, all_caps());
	assert_int_equal(creds_setresuid(&c, -1, 0, -1), 0);
	assert_int_equal(c.cap_effective, all_caps());
	creds_release(&c);
}

static void fsuid_toggles_fs_caps(void **state)
{
	(void)state;
	struct creds c;
	creds_init(&c, 0, 0, all_caps());
	assert_int_equal(creds_setfsuid(&c, 1000), 0);
	assert_false(creds_capable(&c, CAP_DAC_OVERRIDE));
	assert_true(creds_capable(&c, CAP_SETUID));
	assert_int_equal(creds_setfsuid(&c, 0), 1000);
	assert_true(creds_capable(&c, CAP_DAC_OVERRIDE));
	creds_release(&c);
}

static void user_cannot_setgroups(void **state)
{
	(void)state;
	struct creds c;
	creds_init(&c, 1000, 1000, all_caps());
	gid_t g[] = {5};
	assert_int_equal(creds_setgroups(&c, g, 1), -EPERM);
	assert_false(creds_in_group(&c, 5));
	assert_true(creds_in_group(&c, 1000));
	assert_int_equal(creds_setgid(&c, 1000), 0);
	assert_int_equal(creds_setgid(&c, 0), -EPERM);
	assert_int_equal(creds_setresgid(&c, -1, -1, -1), 0);
	creds_release(&c);
}

/* --- differential against the kernel --- */

enum op { OP_SETUID, OP_SETREUID, OP_SETRESUID, OP_SETFSUID, OP_SETGID, OP_SETREGID,
	  OP_SETRESGID, OP_SETFSGID, OP_SETGROUPS, OP_CAPSET, N_OPS };

struct step {
	enum op op;
	uint32_t a, b, c;
	uint64_t caps_keep; /* OP_CAPSET: mask applied to the current sets */
};

struct outcome {
	long ret;
	uid_t r, e, s, fs;
	gid_t rg, eg, sg, fsg;
	uint64_t eff, perm, inh;
	gid_t groups[4];
	int ngroups;
};

static const uint32_t ids[] = {0, 1000, 1001, (uint32_t)-1};

static void random_step(struct step *st, unsigned *seed)
{
	st->op = rand_r(seed) % N_OPS;
	st->a = ids[rand_r(seed) % 4];
	st->b = ids[rand_r(seed) % 4];
	st->c = ids[rand_r(seed) % 4];
	st->caps_keep = ~(CAP_BIT(rand_r(seed) % 41) | CAP_BIT(rand_r(seed) % 41));
}

static void kernel_caps(uint64_t *eff, uint64_t *perm, uint64_t *inh)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];
	syscall(SYS_capget, &h, d);
	*eff = d[0].effective | (uint64_t)d[1].effective << 32;
	*perm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	*inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
}

static long kernel_step(const struct step *st)
{
	long r = 0;
	switch (st->op) {
	case OP_SETUID: r = syscall(SYS_setuid, st->a); break;
	case OP_SETREUID: r = syscall(SYS_setreuid, st->a, st->b); break;
	case OP_SETRESUID: r = syscall(SYS_setresuid, st->a, st->b, st->c); break;
	case OP_SETFSUID: return syscall(SYS_setfsuid, st->a);
	case OP_SETGID: r = syscall(SYS_setgid, st->a); break;
	case OP_SETREGID: r = syscall(SYS_setregid, st->a, st->b); break;
	case OP_SETRESGID: r = syscall(SYS_setresgid, st->a, st->b, st->c); break;
	case OP_SETFSGID: return syscall(SYS_setfsgid, st->a);
	case OP_SETGROUPS: {
		gid_t g[2] = {st->a == (uint32_t)-1 ? 7 : st->a, 42};
		r = syscall(SYS_setgroups, 2, g);
		break;
	}
	case OP_CAPSET: {
		uint64_t e, p, i;
		kernel_caps(&e, &p, &i);
		e &= st->caps_keep;
		p &= st->caps_keep;
		struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
		struct __user_cap_data_struct d[2] = {
			{(uint32_t)e, (uint32_t)p, (uint32_t)i},
			{(uint32_t)(e >> 32), (uint32_t)(p >> 32), (uint32_t)(i >> 32)}};
		r = syscall(SYS_capset, &h, d);
		break;
	}
	case N_OPS: break;
	}
	return r < 0 ? -errno : r;
}

static long model_step(struct creds *c, const struct step *st)
{
	switch (st->op) {
	case OP_SETUID: return creds_setuid(c, st->a);
	case OP_SETREUID: return creds_setreuid(c, st->a, st->b);
	case OP_SETRESUID: return creds_setresuid(c, st->a, st->b, st->c);
	case OP_SETFSUID: return creds_setfsuid(c, st->a);
	case OP_SETGID: return creds_setgid(c, st->a);
	case OP_SETREGID: return creds_setregid(c, st->a, st->b);
	case OP_SETRESGID: return creds_setresgid(c, st->a, st->b, st->c);
	case OP_SETFSGID: return creds_setfsgid(c, st->a);
	case OP_SETGROUPS: {
		gid_t g[2] = {st->a == (uint32_t)-1 ? 7 : st->a, 42};
		return creds_setgroups(c, g, 2);
	}
	case OP_CAPSET:
		return creds_capset(c, c->cap_effective & st->caps_keep,
				    c->cap_permitted & st->caps_keep, c->cap_inheritable);
	case N_OPS: break;
	}
	return -EINVAL;
}

static void kernel_outcome(struct outcome *o, long ret)
{
	memset(o, 0, sizeof(*o));
	o->ret = ret;
	syscall(SYS_getresuid, &o->r, &o->e, &o->s);
	syscall(SYS_getresgid, &o->rg, &o->eg, &o->sg);
	o->fs = syscall(SYS_setfsuid, -1);
	o->fsg = syscall(SYS_setfsgid, -1);
	kernel_caps(&o->eff, &o->perm, &o->inh);
	o->ngroups = syscall(SYS_getgroups, 4, o->groups);
}

static void model_outcome(struct outcome *o, const struct creds *c, long ret)
{
	memset(o, 0, sizeof(*o));
	o->ret = ret;
	o->r = c->ruid, o->e = c->euid, o->s = c->suid, o->fs = c->fsuid;
	o->rg = c->rgid, o->eg = c->egid, o->sg = c->sgid, o->fsg = c->fsgid;
	o->eff = c->cap_effective, o->perm = c->cap_permitted, o->inh = c->cap_inheritable;
	o->ngroups = (int)c->ngroups;
	for (size_t i = 0; i < c->ngroups && i < 4; i++)
		o->groups[i] = c->groups[i];
}

#define STEPS 12

/* Runs one sequence in a child as real root and returns its outcomes. */
static int run_kernel(const struct step *steps, struct outcome *out)
{
	int p[2];
	if (pipe(p) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		gid_t none[1];
		syscall(SYS_setgroups, 0, none);
		for (int i = 0; i < STEPS; i++) {
			struct outcome o;
			long r = kernel_step(&steps[i]);
			kernel_outcome(&o, r);
			if (write(p[1], &o, sizeof(o)) != sizeof(o))
				_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	size_t got = 0;
	while (got < sizeof(*out) * STEPS) {
		ssize_t n = read(p[0], (char *)out + got, sizeof(*out) * STEPS - got);
		if (n <= 0)
			break;
		got += n;
	}
	close(p[0]);
	int st;
	waitpid(pid, &st, 0);
	return got == sizeof(*out) * STEPS ? 0 : -1;
}

static void matches_the_kernel(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	uint64_t bounding;
	{
		uint64_t e, p, i;
		kernel_caps(&e, &p, &i);
		bounding = p;
	}
	unsigned seed = getenv("CREDS_SEED") ? (unsigned)atoi(getenv("CREDS_SEED")) : 12345;
	int sequences = getenv("CREDS_SEQUENCES") ? atoi(getenv("CREDS_SEQUENCES")) : 400;
	for (int n = 0; n < sequences; n++) {
		struct step steps[STEPS];
		for (int i = 0; i < STEPS; i++)
			random_step(&steps[i], &seed);
		struct outcome k[STEPS];
		assert_int_equal(run_kernel(steps, k), 0);
		struct creds c;
		creds_init(&c, 0, 0, bounding);
		for (int i = 0; i < STEPS; i++) {
			struct outcome m;
			long r = model_step(&c, &steps[i]);
			model_outcome(&m, &c, r);
			if (memcmp(&m, &k[i], sizeof(m)) != 0) {
				fprintf(stderr,
					"sequence %d step %d op %d (%d,%d,%d): kernel ret %ld "
					"uid %u/%u/%u/%u gid %u/%u/%u/%u caps %llx/%llx groups %d; "
					"model ret %ld uid %u/%u/%u/%u gid %u/%u/%u/%u caps %llx/%llx groups %d\n",
					n, i, steps[i].op, (int)steps[i].a, (int)steps[i].b,
					(int)steps[i].c, k[i].ret, k[i].r, k[i].e, k[i].s, k[i].fs,
					k[i].rg, k[i].eg, k[i].sg, k[i].fsg,
					(unsigned long long)k[i].eff, (unsigned long long)k[i].perm,
					k[i].ngroups, m.ret, m.r, m.e, m.s, m.fs, m.rg, m.eg, m.sg,
					m.fsg, (unsigned long long)m.eff,
					(unsigned long long)m.perm, m.ngroups);
				fail();
			}
		}
		creds_release(&c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(root_drops_to_user),
		cmocka_unit_test(exec_recomputes_capabilities),
		cmocka_unit_test(seteuid_keeps_permitted),
		cmocka_unit_test(fsuid_toggles_fs_caps),
		cmocka_unit_test(user_cannot_setgroups),
		cmocka_unit_test(matches_the_kernel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
