/* seccomp_eval against the kernel: each program is run by the evaluator
 * and loaded by a child that makes the call, and the two must agree —
 * programs libseccomp writes (argument comparisons on 64-bit values,
 * several rules per syscall) and hand-written ones for what libseccomp
 * never emits (ALU, scratch memory, TAX/TXA, a division by X == 0,
 * shifts by X past 31, RET A). What the kernel refuses, the evaluator
 * refuses too. */
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
#include "kernel_verdict.h"

static struct seccomp_data data_of(long nr, const uint64_t a[6])
{
	struct seccomp_data d = {.nr = (int)nr, .arch = AUDIT_ARCH_X86_64};
	memcpy(d.args, a, sizeof(d.args));
	return d;
}

static void agree(const struct sock_filter *p, size_t n, long nr, const uint64_t a[6])
{
	struct seccomp_data d = data_of(nr, a);
	uint32_t ret = 0;
	assert_true(seccomp_eval(p, n, &d, &ret));
	int want = kernel_verdict(p, n, nr, a);
	if (predicted(ret) != want)
		fail_msg("nr %ld args %llx %llx: evaluator 0x%x (%d), kernel %d", nr,
			 (unsigned long long)a[0], (unsigned long long)a[1], ret, predicted(ret),
			 want);
}

/* A libseccomp program exported to memory. */
static struct sock_filter *export(scmp_filter_ctx ctx, size_t *n)
{
	int fd = memfd_create("bpf", 0);
	assert_true(fd >= 0);
	assert_int_equal(seccomp_export_bpf(ctx, fd), 0);
	off_t size = lseek(fd, 0, SEEK_END);
	struct sock_filter *p = malloc((size_t)size);
	assert_non_null(p);
	assert_int_equal(pread(fd, p, (size_t)size, 0), size);
	close(fd);
	*n = (size_t)size / sizeof(*p);
	return p;
}

static void libseccomp_programs(void **state)
{
	(void)state;
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	assert_non_null(ctx);
	/* getppid: ERRNO(n) by its arguments; getpid: an allowlist's default */
	seccomp_rule_add(ctx, SCMP_ACT_ERRNO(11), SCMP_SYS(getppid), 1,
			 SCMP_A0(SCMP_CMP_EQ, 0x100000002ull));
	seccomp_rule_add(ctx, SCMP_ACT_ERRNO(12), SCMP_SYS(getppid), 2,
			 SCMP_A0(SCMP_CMP_GT, 0x500), SCMP_A1(SCMP_CMP_LE, 7));
	seccomp_rule_add(ctx, SCMP_ACT_ERRNO(13), SCMP_SYS(getppid), 1,
			 SCMP_A2(SCMP_CMP_MASKED_EQ, 0xff00, 0x1200));
	seccomp_rule_add(ctx, SCMP_ACT_ERRNO(0), SCMP_SYS(getppid), 1,
			 SCMP_A3(SCMP_CMP_NE, 0));
	seccomp_rule_add(ctx, SCMP_ACT_ERRNO(4095), SCMP_SYS(getppid), 1,
			 SCMP_A4(SCMP_CMP_LT, 3));
	seccomp_rule_add(ctx, SCMP_ACT_TRACE(7), SCMP_SYS(getppid), 1,
			 SCMP_A5(SCMP_CMP_GE, 0xffffffff00000000ull));
	seccomp_rule_add(ctx, SCMP_ACT_ERRNO(14), SCMP_SYS(getpid), 0);
	size_t n;
	struct sock_filter *p = export(ctx, &n);
	seccomp_release(ctx);
	static const uint64_t probes[][6] = {
		{0, 0, 0, 0, 9, 0},
		{0x100000002ull, 0, 0, 0, 9, 0},
		{2, 0, 0, 0, 9, 0},
		{0x501, 7, 0, 0, 9, 0},
		{0x501, 8, 0, 0, 9, 0},
		{0x100000000ull, 1, 0, 0, 9, 0},
		{0, 0, 0x12ff, 0, 9, 0},
		{0, 0, 0x1300, 0, 9, 0},
		{0, 0, 0, 5, 9, 0},
		{0, 0, 0, 0, 2, 0},
		{0, 0, 0, 0, 9, 0xffffffff00000001ull},
		{0, 0, 0, 0, 9, 0xfffffffe00000001ull},
	};
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		agree(p, n, SYS_getppid, probes[i]);
	agree(p, n, SYS_getpid, probes[0]);
	free(p);
}

#define LD_ARG(i) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args) + 8 * (i))
/* Only getppid is judged: the child's write and exit must run. */
#define ONLY_GETPPID                                                                         \
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),               \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 1, 0),                               \
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
#define TO_ERRNO                                                                             \
	BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xfff),                                          \
	BPF_STMT(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO), BPF_STMT(BPF_RET | BPF_A, 0)

static void hand_written_programs(void **state)
{
	(void)state;
	/* A = (arg0 * 3 + arg1 - 5) ^ arg2, via X and scratch memory */
	const struct sock_filter alu[] = {
		ONLY_GETPPID, LD_ARG(1), BPF_STMT(BPF_ST, 3), LD_ARG(0),
		BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, 3), BPF_STMT(BPF_LDX | BPF_MEM, 3),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0), BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, 5),
		BPF_STMT(BPF_MISC | BPF_TAX, 0), LD_ARG(2), BPF_STMT(BPF_STX, 7),
		BPF_STMT(BPF_MISC | BPF_TXA, 0), BPF_STMT(BPF_LDX | BPF_MEM, 7),
		BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0), TO_ERRNO,
	};
	/* A = arg0 / arg1 (arg1 == 0 returns 0: KILL_THREAD), then shifts */
	const struct sock_filter div[] = {
		ONLY_GETPPID, LD_ARG(1), BPF_STMT(BPF_MISC | BPF_TAX, 0), LD_ARG(0),
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0), BPF_STMT(BPF_MISC | BPF_TAX, 0),
		LD_ARG(2), BPF_STMT(BPF_ALU | BPF_LSH | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_OR | BPF_K, 1), TO_ERRNO,
	};
	/* JSET, JGE, JGT on X, NEG, RSH by X, LD LEN */
	const struct sock_filter jumps[] = {
		ONLY_GETPPID, LD_ARG(0), BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x10, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0), TO_ERRNO,
		BPF_STMT(BPF_LDX | BPF_IMM, 40), BPF_JUMP(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 4),
		BPF_STMT(BPF_ALU | BPF_NEG, 0), TO_ERRNO,
		LD_ARG(1), BPF_STMT(BPF_MISC | BPF_TAX, 0), LD_ARG(0),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_X, 0, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_ALU | BPF_RSH | BPF_X, 0), TO_ERRNO,
	};
	static const uint64_t probes[][6] = {
		{7, 3, 0x55}, {0, 0, 0}, {100, 0, 0}, {100, 7, 33}, {0xffffffffull, 2, 31},
		{0x13, 1, 0}, {40, 1, 0}, {0x21, 100, 0}, {64, 36, 1}, {0x12345, 40, 2},
	};
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		agree(alu, sizeof(alu) / sizeof(alu[0]), SYS_getppid, probes[i]);
		agree(div, sizeof(div) / sizeof(div[0]), SYS_getppid, probes[i]);
		agree(jumps, sizeof(jumps) / sizeof(jumps[0]), SYS_getppid, probes[i]);
	}
}

/* Programs the kernel refuses to load are refused here too. */
static void refuses_what_the_kernel_refuses(void **state)
{
	(void)state;
	const struct sock_filter unaligned[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2),
						BPF_STMT(BPF_RET | BPF_A, 0)};
	const struct sock_filter past_end[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64),
					       BPF_STMT(BPF_RET | BPF_A, 0)};
	const struct sock_filter byte_load[] = {BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
						BPF_STMT(BPF_RET | BPF_A, 0)};
	const struct sock_filter jump_out[] = {BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 5),
					       BPF_STMT(BPF_RET | BPF_K, 0)};
	const struct sock_filter no_ret[] = {BPF_STMT(BPF_LD | BPF_IMM, 0)};
	const struct sock_filter div_zero[] = {BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0),
					       BPF_STMT(BPF_RET | BPF_A, 0)};
	const struct sock_filter mod[] = {BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 3),
					  BPF_STMT(BPF_RET | BPF_A, 0)};
	const struct sock_filter shift[] = {BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 32),
					    BPF_STMT(BPF_RET | BPF_A, 0)};
	const struct {
		const struct sock_filter *p;
		size_t n;
	} bad[] = {
		{unaligned, 2}, {past_end, 2}, {byte_load, 2}, {jump_out, 2},
		{no_ret, 1},    {div_zero, 2}, {mod, 2},       {shift, 2},
	};
	const uint64_t a[6] = {0};
	struct seccomp_data d = data_of(SYS_getppid, a);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t ret = 0xdead;
		assert_false(seccomp_eval(bad[i].p, bad[i].n, &d, &ret));
		assert_int_equal(ret, 0xdead);
		assert_int_equal(kernel_verdict(bad[i].p, bad[i].n, SYS_getppid, a), -2);
	}
}

static void precedence(void **state)
{
	(void)state;
	assert_true(seccomp_ret_wins(SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD));
	assert_true(seccomp_ret_wins(SECCOMP_RET_KILL_THREAD, SECCOMP_RET_TRAP));
	assert_true(seccomp_ret_wins(SECCOMP_RET_ERRNO | 1, SECCOMP_RET_USER_NOTIF));
	assert_true(seccomp_ret_wins(SECCOMP_RET_USER_NOTIF, SECCOMP_RET_TRACE | 5));
	assert_true(seccomp_ret_wins(SECCOMP_RET_TRACE, SECCOMP_RET_LOG));
	assert_true(seccomp_ret_wins(SECCOMP_RET_LOG, SECCOMP_RET_ALLOW));
	/* the data does not rank: the first of equals stays */
	assert_false(seccomp_ret_wins(SECCOMP_RET_ERRNO | 1, SECCOMP_RET_ERRNO | 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(libseccomp_programs),
		cmocka_unit_test(hand_written_programs),
		cmocka_unit_test(refuses_what_the_kernel_refuses),
		cmocka_unit_test(precedence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
