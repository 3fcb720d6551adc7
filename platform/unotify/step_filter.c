/* The spec's seccomp programs under the emulate backend (step_filter in
 * unotify_private.h).
 *
 * An exec by fd and a terminal's TIOCSCTTY are syscalls the sentry has the
 * tracee run (exec.c, ctty.c): unshare, mmap, mseal, munmap, openat,
 * seccomp, execveat, close, ioctl. Once the spec's programs are loaded
 * they judge those too, and an allowlist that names execve but not
 * execveat or mseal (bubblewrap's test-seccomp.py) made every exec fail
 * with the list's ENOSYS. So each program is loaded with a prefix that
 * returns TRACE (marked FILTER_TRACE_STEP) for a step syscall carrying
 * the sandbox's secret, 64 random bits, in an argument the kernel
 * ignores for it (mmap's fd under MAP_ANONYMOUS, else the sixth), and
 * hands every other call to the program unchanged. TRACE, not ALLOW: at
 * its stop the sentry lets the call go only if the task is in the steps
 * it is running (trace.c); a program that learnt or guessed the secret
 * gets itself killed, not a call past its own filter. TRACE ranks below
 * the sentry's own NOTIFY for the carrier openat, so that stays a
 * notification.
 *
 * The first exec loads the programs as its last step, so the execve the
 * program's first image comes from never passed them (bubblewrap loads
 * them before its execve): their verdict on it is computed here, from the
 * registers of the call (seccomp_eval). */
#include <errno.h>
#include <linux/audit.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>

#include "base/log.h"
#include "platform/seccomp_eval.h"
#include "platform/unotify/unotify_private.h"

#ifndef SYS_mseal
#define SYS_mseal 462
#endif

#define SD_NR offsetof(struct seccomp_data, nr)
#define SD_ARCH offsetof(struct seccomp_data, arch)
#define SD_ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#define SD_ARG_HI(i) (SD_ARG_LO(i) + 4)

static const long step_nrs[] = {SYS_unshare, SYS_mseal,   SYS_munmap, SYS_openat,
				SYS_seccomp, SYS_execveat, SYS_close,  SYS_ioctl};

/* The argument of syscall nr that carries the secret. */
static int marker_arg(long nr)
{
	return nr == SYS_mmap ? 4 : 5;
}

void step_mark(const struct unotify *u, long nr, uint64_t a[6])
{
	a[marker_arg(nr)] = u->step_secret;
}

/* The prefix, in front of a program of n_user instructions; returns its
 * length. `out` has room for STEP_PREFIX_MAX. */
#define N_STEP_NRS (sizeof(step_nrs) / sizeof(step_nrs[0]))
#define STEP_PREFIX_MAX (N_STEP_NRS + 14)
static size_t build_prefix(uint64_t secret, struct sock_filter *out)
{
	size_t n = 0;
	/* Layout: [0] ld arch, [1] jeq x86_64, [2] ld nr, [3] jeq mmap,
	 * [4 .. 4+N) jeq step nrs, MMAP (4 insns), R9 (4 insns), TRACE,
	 * then the program (USER). */
	const size_t mmap_at = 4 + N_STEP_NRS, r9_at = mmap_at + 4, trace_at = r9_at + 4,
		     user_at = trace_at + 1;
#define JUMP_TO(target) ((uint8_t)((target) - n - 1))
	out[n] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SD_ARCH), n++;
	out[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0,
					      JUMP_TO(user_at)), n++;
	out[n] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SD_NR), n++;
	out[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mmap,
					      JUMP_TO(mmap_at), 0), n++;
	for (size_t i = 0; i < N_STEP_NRS; i++) {
		uint8_t miss = i + 1 == N_STEP_NRS ? JUMP_TO(user_at) : 0;
		out[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						      (uint32_t)step_nrs[i], JUMP_TO(r9_at), miss), n++;
	}
	for (int arg = 4; arg <= 5; arg++) {
		out[n] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SD_ARG_LO(arg)), n++;
		out[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)secret, 0,
						      JUMP_TO(user_at)), n++;
		out[n] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SD_ARG_HI(arg)), n++;
		out[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						      (uint32_t)(secret >> 32), JUMP_TO(trace_at),
						      JUMP_TO(user_at)), n++;
	}
	out[n] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					      SECCOMP_RET_TRACE | FILTER_TRACE_STEP), n++;
#undef JUMP_TO
	return n;
}

int unotify_check_filters(const struct spec_bpf *progs, size_t n, struct veil_error **err)
{
	struct sock_filter prefix[STEP_PREFIX_MAX];
	size_t np = build_prefix(0, prefix);
	for (size_t i = 0; i < n; i++) {
		size_t ni = progs[i].len / 8;
		if (ni + np > BPF_MAXINSNS)
			return verr_set(err, 0, "seccomp program %zu of %zu (--seccomp / "
					"--add-seccomp-fd) has %zu instructions; the emulate "
					"backend adds %zu of its own, and the kernel takes at most %d "
					"(--backend=kernel loads it as it is)", i + 1, n, ni, np,
					BPF_MAXINSNS);
	}
	return 0;
}

int step_filter_init(struct unotify *u, const struct spec_bpf *progs, size_t n,
		     struct veil_error **err)
{
	if (getrandom(&u->step_secret, sizeof(u->step_secret), 0) != sizeof(u->step_secret))
		return verr_set(err, errno, "cannot draw the exec steps' secret");
	if (n == 0)
		return 0;
	struct sock_filter prefix[STEP_PREFIX_MAX];
	size_t np = build_prefix(u->step_secret, prefix);
	u->wrapped = calloc(n, sizeof(*u->wrapped));
	if (!u->wrapped)
		return verr_set(err, ENOMEM, "seccomp programs");
	u->n_wrapped = n;
	if (unotify_check_filters(progs, n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t ni = progs[i].len / 8;
		struct sock_filter *w = malloc((ni + np) * sizeof(*w));
		if (!w)
			return verr_set(err, ENOMEM, "seccomp programs");
		memcpy(w, prefix, np * sizeof(*w));
		memcpy(w + np, progs[i].insns, progs[i].len);
		u->wrapped[i] = (struct spec_bpf){.insns = w, .len = (ni + np) * 8};
	}
	u->filters = u->wrapped;
	u->n_filters = n;
	return 0;
}

void step_filter_fini(struct unotify *u)
{
	for (size_t i = 0; i < u->n_wrapped; i++)
		free(u->wrapped[i].insns);
	free(u->wrapped);
	u->wrapped = NULL;
	u->n_wrapped = 0;
}

int step_filter_first_exec(struct unotify *u, pid_t tid, const struct user_regs_struct *regs)
{
	struct seccomp_data d = {
		.nr = (int)regs->orig_rax,
		.arch = AUDIT_ARCH_X86_64,
		.instruction_pointer = regs->rip,
		.args = {regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8, regs->r9},
	};
	uint32_t verdict = SECCOMP_RET_ALLOW;
	for (size_t i = u->n_filters; i-- > 0;) {
		const struct spec_bpf *p = &u->filters[i];
		uint32_t r;
		/* One the kernel will refuse: step FILTER says so. */
		if (!seccomp_eval(p->insns, p->len / 8, &d, &r))
			return 0;
		if (seccomp_ret_wins(r, verdict))
			verdict = r;
	}
	uint32_t data = verdict & SECCOMP_RET_DATA;
	switch (verdict & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
	case SECCOMP_RET_LOG:
		return 0;
	case SECCOMP_RET_ERRNO:
		/* ERRNO(0) would make the execve return 0 having run nothing;
		 * the first exec's caller cannot take that: EPERM. */
		return data == 0 ? -EPERM : -(int)(data > 4095 ? 4095 : data);
	case SECCOMP_RET_TRACE:
	case SECCOMP_RET_USER_NOTIF:
		return -ENOSYS; /* no tracer, no listener: as under bubblewrap */
	default:
		/* KILL_PROCESS, KILL_THREAD, TRAP, or unknown (the kernel
		 * kills): the task ends by SIGSYS as its program says. */
		log_debug("the --seccomp programs kill %d at its first exec (0x%x)", (int)tid,
			  verdict);
		kill(tid, SIGSYS);
		return -ENOSYS;
	}
}
