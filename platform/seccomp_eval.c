/* Classic BPF as seccomp runs it (seccomp_eval.h). The instruction set is
 * what seccomp_check_filter() lets through after bpf_check_classic(); the
 * kernel converts it to eBPF, whose semantics this follows: 32-bit A and
 * X, 16 words of scratch memory that start at 0, unsigned compares,
 * shifts by X taken modulo 32, a division by X == 0 ends the program
 * returning 0 (no BPF_MOD: seccomp refuses it). */
#include "platform/seccomp_eval.h"

#include <string.h>

#define MEMWORDS 16

static bool load_abs(const struct seccomp_data *d, uint32_t k, uint32_t *out)
{
	if (k % 4 != 0 || k > sizeof(*d) - 4)
		return false;
	memcpy(out, (const char *)d + k, 4);
	return true;
}

static bool alu(uint16_t op, uint32_t *a, uint32_t v, bool *div0)
{
	switch (op) {
	case BPF_ADD: *a += v; return true;
	case BPF_SUB: *a -= v; return true;
	case BPF_MUL: *a *= v; return true;
	case BPF_DIV:
		if (v == 0)
			*div0 = true;
		else
			*a /= v;
		return true;
	case BPF_AND: *a &= v; return true;
	case BPF_OR: *a |= v; return true;
	case BPF_XOR: *a ^= v; return true;
	case BPF_LSH: *a <<= v & 31; return true;
	case BPF_RSH: *a >>= v & 31; return true;
	}
	return false;
}

static bool jump_taken(uint16_t op, uint32_t a, uint32_t v, bool *ok)
{
	switch (op) {
	case BPF_JEQ: return a == v;
	case BPF_JGT: return a > v;
	case BPF_JGE: return a >= v;
	case BPF_JSET: return (a & v) != 0;
	}
	*ok = false;
	return false;
}

bool seccomp_eval(const struct sock_filter *insns, size_t n, const struct seccomp_data *d,
		  uint32_t *ret)
{
	if (n == 0 || n > BPF_MAXINSNS || BPF_CLASS(insns[n - 1].code) != BPF_RET)
		return false;
	uint32_t a = 0, x = 0, mem[MEMWORDS] = {0};
	/* Every jump goes forward, so each instruction runs at most once. */
	for (size_t pc = 0; pc < n; pc++) {
		const struct sock_filter *f = &insns[pc];
		uint16_t code = f->code;
		uint32_t k = f->k;
		switch (BPF_CLASS(code)) {
		case BPF_LD:
			if (code == (BPF_LD | BPF_W | BPF_ABS)) {
				if (!load_abs(d, k, &a))
					return false;
			} else if (code == (BPF_LD | BPF_W | BPF_LEN)) {
				a = sizeof(*d);
			} else if (code == (BPF_LD | BPF_IMM)) {
				a = k;
			} else if (code == (BPF_LD | BPF_MEM)) {
				if (k >= MEMWORDS)
					return false;
				a = mem[k];
			} else {
				return false;
			}
			break;
		case BPF_LDX:
			if (code == (BPF_LDX | BPF_W | BPF_LEN)) {
				x = sizeof(*d);
			} else if (code == (BPF_LDX | BPF_IMM)) {
				x = k;
			} else if (code == (BPF_LDX | BPF_MEM)) {
				if (k >= MEMWORDS)
					return false;
				x = mem[k];
			} else {
				return false;
			}
			break;
		case BPF_ST:
		case BPF_STX:
			if (code != BPF_ST && code != BPF_STX)
				return false;
			if (k >= MEMWORDS)
				return false;
			mem[k] = BPF_CLASS(code) == BPF_ST ? a : x;
			break;
		case BPF_ALU: {
			if (BPF_OP(code) == BPF_NEG) {
				if (code != (BPF_ALU | BPF_NEG))
					return false;
				a = -a;
				break;
			}
			bool div0 = false;
			uint32_t v = BPF_SRC(code) == BPF_X ? x : k;
			if (BPF_SRC(code) == BPF_K &&
			    ((BPF_OP(code) == BPF_DIV && k == 0) ||
			     ((BPF_OP(code) == BPF_LSH || BPF_OP(code) == BPF_RSH) && k >= 32)))
				return false; /* refused at load */
			if (!alu(BPF_OP(code), &a, v, &div0))
				return false;
			if (div0) {
				*ret = 0;
				return true;
			}
			break;
		}
		case BPF_JMP: {
			if (code == (BPF_JMP | BPF_JA)) {
				if (k >= n - pc - 1)
					return false;
				pc += k;
				break;
			}
			bool ok = true;
			uint32_t v = BPF_SRC(code) == BPF_X ? x : k;
			bool taken = jump_taken(BPF_OP(code), a, v, &ok);
			if (!ok)
				return false;
			if (f->jt >= n - pc - 1 || f->jf >= n - pc - 1)
				return false;
			pc += taken ? f->jt : f->jf;
			break;
		}
		case BPF_RET:
			if (code == (BPF_RET | BPF_K))
				*ret = k;
			else if (code == (BPF_RET | BPF_A))
				*ret = a;
			else
				return false;
			return true;
		case BPF_MISC:
			if (code == (BPF_MISC | BPF_TAX))
				x = a;
			else if (code == (BPF_MISC | BPF_TXA))
				a = x;
			else
				return false;
			break;
		default:
			return false;
		}
	}
	return false; /* fell off the end */
}
