/* The prefix the emulate backend puts in front of each --seccomp program
 * (platform/unotify/step_filter.c), checked against the kernel: a step
 * syscall carrying the secret in the argument the kernel ignores for it
 * gets TRACE (ENOSYS with no tracer, as here); with any other value, or
 * as another syscall, the program's own verdict. The evaluator agrees
 * with the kernel on the wrapped programs. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/audit.h>

#include <cmocka.h>
#include <seccomp.h>

#include "platform/seccomp_eval.h"
#include "platform/unotify/unotify_private.h"
#include "kernel_verdict.h"

static const long denied[] = {SYS_unshare, SYS_close,    SYS_munmap,  SYS_ioctl,
			      SYS_mmap,    SYS_openat,   SYS_execveat, SYS_seccomp};

/* The program: every step syscall is ERRNO(13), all else allowed. */
static struct spec_bpf user_program(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	assert_non_null(ctx);
	for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
		assert_int_equal(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(13), (int)denied[i], 0), 0);
	int fd = memfd_create("bpf", 0);
	assert_true(fd >= 0);
	assert_int_equal(seccomp_export_bpf(ctx, fd), 0);
	seccomp_release(ctx);
	off_t size = lseek(fd, 0, SEEK_END);
	struct spec_bpf b = {.insns = malloc((size_t)size), .len = (size_t)size};
	assert_int_equal(pread(fd, b.insns, b.len, 0), size);
	close(fd);
	return b;
}

static int both(const struct spec_bpf *w, long nr, const uint64_t a[6])
{
	struct seccomp_data d = {.nr = (int)nr, .arch = AUDIT_ARCH_X86_64};
	memcpy(d.args, a, sizeof(d.args));
	uint32_t ret;
	assert_true(seccomp_eval(w->insns, w->len / 8, &d, &ret));
	int k = kernel_verdict(w->insns, w->len / 8, nr, a);
	assert_int_equal(predicted(ret), k);
	return k;
}

static void steps_pass_only_with_the_secret(void **state)
{
	(void)state;
	struct spec_bpf prog = user_program();
	struct unotify u;
	memset(&u, 0, sizeof(u));
	struct veil_error *err = NULL;
	assert_int_equal(step_filter_init(&u, &prog, 1, &err), 0);
	assert_int_equal(u.n_filters, 1);
	const struct spec_bpf *w = &u.filters[0];
	assert_true(w->len > prog.len);
	for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		long nr = denied[i];
		/* harmless arguments: nothing runs under either verdict */
		uint64_t a[6] = {(uint64_t)-1, 0, 0, 0, 0, 0};
		step_mark(&u, nr, a);
		assert_int_equal(both(w, nr, a), ENOSYS);
		int at = nr == SYS_mmap ? 4 : 5;
		assert_int_equal(a[at], u.step_secret);
		uint64_t wrong[6];
		memcpy(wrong, a, sizeof(wrong));
		wrong[at] ^= 1;
		assert_int_equal(both(w, nr, wrong), 13);
		memcpy(wrong, a, sizeof(wrong));
		wrong[at] ^= 1ull << 40;
		assert_int_equal(both(w, nr, wrong), 13);
		/* the secret in the other argument is no marker */
		memset(wrong, 0, sizeof(wrong));
		wrong[0] = (uint64_t)-1;
		wrong[nr == SYS_mmap ? 5 : 4] = u.step_secret;
		assert_int_equal(both(w, nr, wrong), 13);
	}
	/* Another syscall with the secret: the program's verdict (ALLOW). */
	uint64_t a[6] = {0, 0, 0, 0, u.step_secret, u.step_secret};
	assert_int_equal(both(w, SYS_getppid, a), KV_RAN);
	step_filter_fini(&u);
	free(prog.insns);
}

static void too_long_a_program_is_refused_by_name(void **state)
{
	(void)state;
	struct spec_bpf big = {.len = BPF_MAXINSNS * 8};
	big.insns = calloc(BPF_MAXINSNS, 8);
	struct sock_filter *f = big.insns;
	f[BPF_MAXINSNS - 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct unotify u;
	memset(&u, 0, sizeof(u));
	struct veil_error *err = NULL;
	assert_int_equal(step_filter_init(&u, &big, 1, &err), -1);
	assert_non_null(err);
	assert_non_null(strstr(err->msg, "seccomp program 1 of 1"));
	verr_free(&err);
	step_filter_fini(&u);
	free(big.insns);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(steps_pass_only_with_the_secret),
		cmocka_unit_test(too_long_a_program_is_refused_by_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
