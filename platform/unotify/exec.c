/* Exec by fd: the tracee runs the file the sentry chose, never a path a
 * racing thread could rewrite. See the steps in unotify_private.h.
 *
 * Each step re-executes the tracee's `syscall` instruction (rip - 2) with
 * new registers at the previous step's syscall-exit stop, so every step is
 * an ordinary syscall that passes the seccomp filter again: mmap, mseal,
 * close and munmap are ALLOW, unshare is ALLOW for CLONE_FILES alone, the
 * carrier openat is NOTIFY (and recognised by its marker arguments),
 * execveat is TRACE (and recognised as ours).
 *
 * Nothing another thread of the program does between the sentry's check
 * and the kernel's exec may change what runs (veil issue 10): the fd is
 * put in an fd table no one else shares (UNSHARE comes before CARRIER),
 * and the "" path is a byte no thread can write (zeropage.c). The exec
 * event checks the image all the same (exec_check_image).
 *
 * Invariant: while a tracee has a struct unotify_exec it is resumed with
 * PTRACE_SYSCALL only, and its signals are held; exec_done() ends both. */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"
#include "platform/tracee_mem.h"
#include "platform/unotify/unotify_private.h"

/* The carrier openat's marker: a dirfd no program passes (the kernel's
 * valid values are >= 0 and AT_FDCWD) and flags with bits no open takes. */
#define CARRIER_DIRFD ((uint64_t)-7777)
#define CARRIER_FLAGS ((uint64_t)0x5ee1000000000000ull)

#ifndef SYS_mseal
#define SYS_mseal 462
#endif
#define ZERO_PAGE 4096

/* ptrace(2) PTRACE_GET_SYSCALL_INFO, as linux/ptrace.h has it (that header
 * cannot be included beside sys/ptrace.h). */
struct syscall_info {
	uint8_t op;
	uint8_t pad[3];
	uint32_t arch;
	uint64_t ip, sp;
	union {
		struct { uint64_t nr, args[6]; } entry;
		struct { int64_t rval; uint8_t is_error; } exit;
		struct { uint64_t nr, args[6]; uint32_t ret_data; } seccomp;
	};
};
#define SYSCALL_INFO_ENTRY 1
#define SYSCALL_INFO_EXIT 2

struct unotify_exec *exec_find(struct unotify *u, pid_t tid)
{
	for (struct unotify_exec *x = u->execs; x; x = x->next)
		if (x->tid == tid)
			return x;
	return NULL;
}

/* Fixes the area's address into the argv pointers and writes the area
 * there. 0, or -EFAULT when the tracee has no writable memory there. */
static int place_area(struct unotify *u, struct unotify_exec *x, uint64_t at)
{
	/* The sentry's strings' pointers are relative to x->area (0 before
	 * the first placement): move them to `at`, and back on failure. */
	uint64_t *slot = x->blob;
	uint64_t old = x->area;
	struct sock_fprog *progs = (struct sock_fprog *)((char *)x->blob + x->filt_off);
	for (size_t i = 0; i < x->argc; i++)
		if (x->own[i])
			slot[i] = slot[i] - old + at;
	for (size_t i = 0; i < x->n_filt; i++)
		progs[i].filter = (struct sock_filter *)((uintptr_t)progs[i].filter - old + at);
	x->area = at;
	struct platform_iov w = {at, x->blob, x->blob_len};
	int r = stop_write(u, x->tid, &w, 1);
	if (r < 0) {
		for (size_t i = 0; i < x->argc; i++)
			if (x->own[i])
				slot[i] = slot[i] - at + old;
		for (size_t i = 0; i < x->n_filt; i++)
			progs[i].filter = (struct sock_filter *)((uintptr_t)progs[i].filter - at + old);
		x->area = old;
	}
	return r;
}

int exec_start(struct unotify *u, pid_t tid, const struct user_regs_struct *regs, int fd,
	       const struct platform_exec_arg *argv, size_t argc, uint64_t envp)
{
	/* The program's first exec: its --seccomp programs' say on the execve
	 * (they are loaded by this exec's steps, after it). */
	if (tid == u->program && u->n_filters) {
		int r = step_filter_first_exec(u, tid, regs);
		if (r < 0)
			return r;
	}
	/* The area: the pointer array, then the sentry's strings, then "". */
	size_t ptrs = (argc + 1) * sizeof(uint64_t);
	size_t len = ptrs + 1;
	for (size_t i = 0; i < argc; i++)
		if (argv[i].str)
			len += strlen(argv[i].str) + 1;
	if (len > (64u << 20))
		return -E2BIG;
	/* The first task's first exec: then the spec's sock_fprogs and their
	 * instructions, 8-aligned, after the "". */
	size_t n_filt = tid == u->program ? u->n_filters : 0;
	size_t filt_off = (len + 7) & ~(size_t)7;
	if (n_filt) {
		len = filt_off + n_filt * sizeof(struct sock_fprog);
		for (size_t i = 0; i < n_filt; i++)
			len += (u->filters[i].len + 7) & ~(size_t)7;
	}
	struct unotify_exec *x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->blob = calloc(1, len);
	x->own = calloc(argc + 1, sizeof(*x->own));
	x->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (!x->blob || !x->own || x->fd < 0) {
		int e = x->fd < 0 ? errno : ENOMEM;
		if (x->fd >= 0)
			close(x->fd);
		free(x->blob);
		free(x->own);
		free(x);
		return -e;
	}
	/* Pointers to the sentry's strings are offsets until the area's
	 * address is known (exec_syscall_stop, after mmap). */
	uint64_t *slot = x->blob;
	char *str = (char *)x->blob + ptrs;
	for (size_t i = 0; i < argc; i++) {
		if (!argv[i].str) {
			slot[i] = argv[i].addr;
			continue;
		}
		size_t n = strlen(argv[i].str) + 1;
		memcpy(str, argv[i].str, n);
		slot[i] = (uint64_t)(str - (char *)x->blob);
		x->own[i] = true;
		str += n;
	}
	x->argc = argc;
	x->empty_off = (size_t)(str - (char *)x->blob); /* calloc'd: a "" */
	x->filt_off = filt_off;
	x->n_filt = n_filt;
	if (n_filt) {
		/* Filter pointers are offsets until placed, as the strings. */
		struct sock_fprog *progs = (struct sock_fprog *)((char *)x->blob + filt_off);
		size_t at = filt_off + n_filt * sizeof(struct sock_fprog);
		for (size_t i = 0; i < n_filt; i++) {
			memcpy((char *)x->blob + at, u->filters[i].insns, u->filters[i].len);
			progs[i].len = (unsigned short)(u->filters[i].len / 8);
			progs[i].filter = (struct sock_filter *)(uintptr_t)at;
			at += (u->filters[i].len + 7) & ~(size_t)7;
		}
	}
	x->area_len = (len + 4095) & ~(size_t)4095;
	x->blob_len = len;
	x->tid = tid;
	x->tracee_fd = -1;
	x->envp = envp;
	x->regs = *regs;

	/* The area goes on the tracee's stack, below the red zone, when the
	 * stack has that much mapped: no mmap, and nothing left behind in a
	 * parent that shares the address space (vfork, posix_spawn). Else an
	 * anonymous mapping, made by the tracee (step MMAP). Either way the
	 * first step is UNSHARE. */
	uint64_t below = (regs->rsp - 128 - 256 - len) & ~(uint64_t)15;
	if (below < regs->rsp && place_area(u, x, below) == 0)
		x->area_on_stack = true;
	x->empty = zeropage_find(u, tid);
	x->step = EXEC_UNSHARE;
	struct user_regs_struct r = *regs;
	r.orig_rax = SYS_unshare;
	r.rdi = CLONE_FILES;
	r.r9 = u->step_secret;
	if (ptrace(PTRACE_SETREGS, tid, 0, &r) < 0) {
		int e = errno;
		close(x->fd);
		free(x->blob);
		free(x->own);
		free(x);
		return -e;
	}
	log_debug("exec by fd for %d: %zu args, area %s", tid, argc,
		  x->area_on_stack ? "on the stack" : "mapped");
	x->next = u->execs;
	u->execs = x;
	return 0;
}

/* Makes the tracee run syscall `nr` with `a` at its next resume: at a
 * syscall-exit stop, back to the `syscall` instruction it just ran. */
static int restart_as(const struct unotify *u, pid_t tid, long nr, uint64_t a[6])
{
	step_mark(u, nr, a);
	struct user_regs_struct r;
	if (ptrace(PTRACE_GETREGS, tid, 0, &r) < 0)
		return -errno;
	r.rip -= 2;
	r.rax = (unsigned long long)nr;
	r.rdi = a[0];
	r.rsi = a[1];
	r.rdx = a[2];
	r.r10 = a[3];
	r.r8 = a[4];
	r.r9 = a[5];
	return ptrace(PTRACE_SETREGS, tid, 0, &r) < 0 ? -errno : 0;
}

/* The end of a failed exec: the tracee resumes after its execve with the
 * error, its registers as they were. */
static enum resume finish_failed(struct unotify *u, struct unotify_exec *x)
{
	struct user_regs_struct r = x->regs;
	r.rax = (unsigned long long)x->exec_error;
	ptrace(PTRACE_SETREGS, x->tid, 0, &r);
	sentry_task_exec_failed(u->sentry, x->tid);
	exec_done(u, x->tid);
	return RESUME_CONT;
}

/* Cleans up from `step` on: close the fd if the tracee has it, unmap the
 * area if there is one. */
static enum resume unwind(struct unotify *u, struct unotify_exec *x, enum exec_step step)
{
	uint64_t a[6] = {0};
	if (step <= EXEC_CLOSE && x->tracee_fd >= 0) {
		a[0] = (uint64_t)x->tracee_fd;
		x->step = EXEC_CLOSE;
		if (restart_as(u, x->tid, SYS_close, a) == 0)
			return RESUME_SYSCALL;
	}
	if (x->mapped) {
		a[0] = x->mapped;
		a[1] = x->area_len;
		x->step = EXEC_MUNMAP;
		x->mapped = 0;
		if (restart_as(u, x->tid, SYS_munmap, a) == 0)
			return RESUME_SYSCALL;
	}
	return finish_failed(u, x);
}

static enum resume to_carrier(struct unotify *u, struct unotify_exec *x)
{
	uint64_t a[6] = {CARRIER_DIRFD, x->empty, CARRIER_FLAGS, 0, 0, 0};
	x->step = EXEC_CARRIER;
	if (restart_as(u, x->tid, SYS_openat, a) < 0) {
		x->exec_error = -ENOMEM;
		return unwind(u, x, EXEC_MUNMAP);
	}
	return RESUME_SYSCALL;
}

/* The area is in place: the "" next, then the carrier. */
static enum resume after_area(struct unotify *u, struct unotify_exec *x)
{
	if (x->empty)
		return to_carrier(u, x);
	if (u->no_mseal) {
		/* Linux < 6.10: no byte of the tracee's is safe from its
		 * threads; exec_check_image kills a task whose "" was turned
		 * into a host path (its errno may still tell whether the path
		 * exists). */
		x->empty = x->area + x->empty_off;
		return to_carrier(u, x);
	}
	uint64_t a[6] = {0, ZERO_PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0};
	x->step = EXEC_ZERO_MAP;
	if (restart_as(u, x->tid, SYS_mmap, a) < 0) {
		x->exec_error = -ENOMEM;
		return unwind(u, x, EXEC_MUNMAP);
	}
	return RESUME_SYSCALL;
}

static enum resume after_unshare(struct unotify *u, struct unotify_exec *x, int64_t rval)
{
	if (rval < 0) {
		x->exec_error = rval;
		return finish_failed(u, x);
	}
	if (x->area_on_stack)
		return after_area(u, x);
	uint64_t a[6] = {0, x->area_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 (uint64_t)-1, 0};
	x->step = EXEC_MMAP;
	if (restart_as(u, x->tid, SYS_mmap, a) < 0) {
		x->exec_error = -ENOMEM;
		return finish_failed(u, x);
	}
	return RESUME_SYSCALL;
}

static enum resume after_mmap(struct unotify *u, struct unotify_exec *x, int64_t rval)
{
	if (rval < 0 && rval >= -4095) {
		x->exec_error = rval;
		return finish_failed(u, x);
	}
	x->mapped = (uint64_t)rval;
	int r = place_area(u, x, (uint64_t)rval);
	if (r < 0) {
		x->exec_error = r;
		return unwind(u, x, EXEC_MUNMAP);
	}
	return after_area(u, x);
}

static enum resume after_zero_map(struct unotify *u, struct unotify_exec *x, int64_t rval)
{
	if (rval < 0 && rval >= -4095) {
		x->exec_error = rval;
		return unwind(u, x, EXEC_MUNMAP);
	}
	x->zero_mapped = (uint64_t)rval;
	uint64_t a[6] = {x->zero_mapped, ZERO_PAGE, 0, 0, 0, 0};
	x->step = EXEC_ZERO_SEAL;
	if (restart_as(u, x->tid, SYS_mseal, a) < 0) {
		x->exec_error = -ENOMEM;
		return unwind(u, x, EXEC_MUNMAP);
	}
	return RESUME_SYSCALL;
}

static enum resume after_zero_seal(struct unotify *u, struct unotify_exec *x, int64_t rval)
{
	if (rval < 0) {
		if (rval == -ENOSYS) {
			log_warn("mseal(2) is missing (Linux < 6.10): an exec's \"\" path stays "
				 "where the program's threads can rewrite it");
			u->no_mseal = true;
		} else {
			x->exec_error = rval;
		}
		uint64_t a[6] = {x->zero_mapped, ZERO_PAGE, 0, 0, 0, 0};
		x->step = EXEC_ZERO_UNMAP;
		if (restart_as(u, x->tid, SYS_munmap, a) == 0)
			return RESUME_SYSCALL;
		x->exec_error = -ENOMEM;
		return unwind(u, x, EXEC_MUNMAP);
	}
	/* Sealed: whatever is there now stays for good. Another thread may
	 * have put its own mapping there before the seal: check. */
	uint64_t at = x->zero_mapped;
	int r = zeropage_check(u, x->tid, at);
	if (r == -EDEFER)
		return RESUME_PARKED; /* this stop again, later */
	x->zero_mapped = 0;
	if (r < 0) {
		log_warn("exec by %d: the page for its \"\" path was replaced before the seal",
			 x->tid);
		x->exec_error = -EFAULT;
		return unwind(u, x, EXEC_MUNMAP);
	}
	zeropage_add(u, x->tid, at);
	x->empty = at;
	return to_carrier(u, x);
}

static enum resume after_zero_unmap(struct unotify *u, struct unotify_exec *x)
{
	x->zero_mapped = 0;
	if (x->exec_error)
		return unwind(u, x, EXEC_MUNMAP);
	return after_area(u, x);
}

/* The next --seccomp program, or the execveat once all are in. */
static enum resume to_filter_or_exec(struct unotify *u, struct unotify_exec *x);

static enum resume after_carrier(struct unotify *u, struct unotify_exec *x, int64_t rval)
{
	if (rval < 0) {
		x->exec_error = rval;
		return unwind(u, x, EXEC_MUNMAP);
	}
	x->tracee_fd = (int)rval;
	return to_filter_or_exec(u, x);
}

/* A --seccomp program refused: the exec fails with the kernel's errno,
 * and veil tells which program (emulate.c reads u->filter_failed). The
 * steps that undo the exec may be refused by the programs loaded before:
 * then the tracee keeps its fd and area, and dies all the same (its
 * first exec failed). */
static enum resume after_filter(struct unotify *u, struct unotify_exec *x, int64_t rval)
{
	if (rval < 0) {
		u->filter_failed = x->next_filt + 1;
		u->filter_errno = (int)-rval;
		x->exec_error = rval;
		return unwind(u, x, EXEC_CLOSE);
	}
	x->next_filt++;
	return to_filter_or_exec(u, x);
}

static enum resume to_filter_or_exec(struct unotify *u, struct unotify_exec *x)
{
	if (x->next_filt < x->n_filt) {
		uint64_t a[6] = {SECCOMP_SET_MODE_FILTER, 0,
				 x->area + x->filt_off + x->next_filt * sizeof(struct sock_fprog)};
		x->step = EXEC_FILTER;
		if (restart_as(u, x->tid, SYS_seccomp, a) < 0) {
			x->exec_error = -ENOMEM;
			return unwind(u, x, EXEC_CLOSE);
		}
		return RESUME_SYSCALL;
	}
	if (x->n_filt)
		u->n_filters = 0; /* in: the program may run */
	uint64_t a[6] = {(uint64_t)x->tracee_fd, x->empty, x->area, x->envp, AT_EMPTY_PATH, 0};
	x->step = EXEC_EXEC;
	if (restart_as(u, x->tid, SYS_execveat, a) < 0) {
		x->exec_error = -ENOMEM;
		return unwind(u, x, EXEC_CLOSE);
	}
	return RESUME_SYSCALL;
}

enum resume exec_syscall_stop(struct unotify *u, struct unotify_exec *x)
{
	struct syscall_info info;
	memset(&info, 0, sizeof(info));
	if (ptrace(PTRACE_GET_SYSCALL_INFO, x->tid, sizeof(info), &info) <= 0)
		return RESUME_SYSCALL;
	if (info.op != SYSCALL_INFO_EXIT)
		return RESUME_SYSCALL; /* an entry: let it go on to the filter */
	switch (x->step) {
	case EXEC_UNSHARE:
		return after_unshare(u, x, info.exit.rval);
	case EXEC_MMAP:
		return after_mmap(u, x, info.exit.rval);
	case EXEC_ZERO_MAP:
		return after_zero_map(u, x, info.exit.rval);
	case EXEC_ZERO_SEAL:
		return after_zero_seal(u, x, info.exit.rval);
	case EXEC_ZERO_UNMAP:
		return after_zero_unmap(u, x);
	case EXEC_CARRIER:
		return after_carrier(u, x, info.exit.rval);
	case EXEC_FILTER:
		return after_filter(u, x, info.exit.rval);
	case EXEC_EXEC:
		/* A successful exec reports PTRACE_EVENT_EXEC instead. */
		x->exec_error = info.exit.rval;
		return unwind(u, x, EXEC_CLOSE);
	case EXEC_CLOSE:
		return unwind(u, x, EXEC_MUNMAP);
	case EXEC_MUNMAP:
		return finish_failed(u, x);
	}
	return RESUME_SYSCALL;
}

bool exec_carrier(struct unotify *u, pid_t tid, uint64_t id, const uint64_t args[6], int nr)
{
	struct unotify_exec *x = exec_find(u, tid);
	if (!x || x->step != EXEC_CARRIER || nr != SYS_openat || args[0] != CARRIER_DIRFD ||
	    args[2] != CARRIER_FLAGS)
		return false;
	int r = unotify_addfd(u, tid, id, x->fd, O_CLOEXEC);
	if (r < 0) {
		struct seccomp_notif_resp resp = {.id = id, .error = r};
		ioctl(u->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	return true;
}

/* Whether the new image maps one file only, the exe (inode number
 * `ino`, which the caller checked). The file the sentry execs is always
 * one it read as an ELF without PT_INTERP (a static program, ld.so, a
 * script's final interpreter), so the kernel loads nothing else; a file
 * rewritten after the sentry read it (one the program may write: a tmpfs
 * file, its own memfd) could name an ELF interpreter or a binfmt_misc
 * handler that the kernel would then open on the host, which the exe link
 * does not show. Such an interpreter may even replace every mapping of
 * the exe (both fixed at the same address): hence the inode number. The
 * device is only compared between lines: maps shows an overlayfs file's
 * own device where stat may show its layer's. */
static bool only_exe_mapped(pid_t tid, ino_t exe_ino)
{
	char path[64], line[512];
	snprintf(path, sizeof(path), "/proc/%d/maps", tid);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	bool ok = true, seen = false;
	unsigned first_maj = 0, first_min = 0;
	while (ok && fgets(line, sizeof(line), f)) {
		unsigned maj, min;
		unsigned long long ino;
		if (sscanf(line, "%*s %*s %*s %x:%x %llu", &maj, &min, &ino) != 3)
			ok = false;
		else if (ino != 0 && ino != (unsigned long long)exe_ino)
			ok = false;
		else if (ino != 0 && !seen) {
			seen = true;
			first_maj = maj, first_min = min;
		} else if (ino != 0)
			ok = maj == first_maj && min == first_min;
		/* a path longer than the buffer: skip the rest of its line */
		while (!strchr(line, '\n') && fgets(line, sizeof(line), f))
			;
	}
	fclose(f);
	return ok && seen;
}

bool exec_check_image(struct unotify *u, pid_t former, pid_t tid)
{
	struct unotify_exec *x = exec_find(u, former);
	if (!x)
		x = exec_find(u, tid);
	if (!x)
		return false; /* every exec of the program is an exec by fd */
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/exe", tid);
	struct stat want, got;
	if (fstat(x->fd, &want) < 0 || stat(path, &got) < 0)
		return false;
	if (want.st_dev != got.st_dev || want.st_ino != got.st_ino)
		return false;
	return only_exe_mapped(tid, got.st_ino);
}

void unotify_resend_held(pid_t tid, uint64_t held)
{
	for (int sig = 1; sig <= 64; sig++)
		if (held & (1ull << (sig - 1)))
			syscall(SYS_tkill, tid, sig);
}

void unotify_hold_signal(uint64_t *held, int sig)
{
	if (sig > 0 && sig <= 64)
		*held |= 1ull << (sig - 1);
}

void exec_done(struct unotify *u, pid_t tid)
{
	for (struct unotify_exec **pp = &u->execs; *pp; pp = &(*pp)->next) {
		struct unotify_exec *x = *pp;
		if (x->tid != tid)
			continue;
		*pp = x->next;
		unotify_resend_held(tid, x->held);
		close(x->fd);
		free(x->blob);
		free(x->own);
		free(x);
		return;
	}
}
