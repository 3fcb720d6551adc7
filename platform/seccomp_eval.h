/* A seccomp program's verdict, computed by the sentry as the kernel's
 * would be: for the spec's programs (--seccomp, --add-seccomp-fd) on a
 * call the kernel never shows them (the emulate backend's first exec,
 * which runs before they are loaded: platform/unotify/exec.c). */
#ifndef VEIL_PLATFORM_SECCOMP_EVAL_H
#define VEIL_PLATFORM_SECCOMP_EVAL_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Runs one classic BPF seccomp program of n instructions over d. Returns
 * false, with *ret untouched, for what the kernel refuses to load (an
 * opcode seccomp does not take, a load outside struct seccomp_data or
 * unaligned, a jump out of the program, a fall off its end). */
bool seccomp_eval(const struct sock_filter *insns, size_t n, const struct seccomp_data *d,
		  uint32_t *ret);

/* The kernel's order of precedence among return values (lower wins:
 * KILL_PROCESS, KILL_THREAD, TRAP, ERRNO, USER_NOTIF, TRACE, LOG, ALLOW),
 * for combining several programs' verdicts. */
static inline bool seccomp_ret_wins(uint32_t a, uint32_t b)
{
	return (int32_t)(a & SECCOMP_RET_ACTION_FULL) < (int32_t)(b & SECCOMP_RET_ACTION_FULL);
}

#endif
