/* The sealed zero page: the "" an exec by fd passes to
 * execveat(fd, "", ..., AT_EMPTY_PATH), where no thread of the program
 * can change it (veil issue 10).
 *
 * The kernel reads that path from tracee memory at the execveat. Any
 * writable byte there, a thread sharing the address space can rewrite
 * into an absolute path, which execveat resolves on the host, ignoring
 * the fd. So the "" is the first byte of an anonymous private page that
 * the tracee maps read-only and then seals with mseal(2) (Linux 6.10):
 * once sealed it can never again be unmapped, remapped, mapped over or
 * made writable, for the life of the address space. The only writes left
 * are FOLL_FORCE ones (ptrace, /proc/<pid>/mem), which the program has
 * not: ptrace is refused and the sentry's /proc gives no mem file.
 *
 * A thread may swap the page between the tracee's mmap and its mseal, so
 * the sentry checks it after the seal. That mseal returned 0 says the
 * whole page is mapped and sealed (ENOMEM otherwise, under the mmap lock);
 * what was sealed is read back from /proc/<tid>/maps (a tenth of the cost
 * of smaps, which walks every mapping's page tables): r--p, anonymous,
 * unnamed; and its first byte must read 0. Each address space gets one page, found again with
 * kcmp(KCMP_VM) against a witness, a task known to share it. A witness
 * that exits or execs takes its entry along (the sentry reaps every
 * task, so a tid is not reused while its entry lives).
 *
 * The page is never unmapped: one page per address space that exec'd (or
 * whose vfork child did). */
#include <errno.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "platform/tracee_mem.h"
#include "platform/unotify/unotify_private.h"
#include "sentry/kernel/sentry.h"

struct zero_page {
	pid_t witness;
	uint64_t addr;
	struct zero_page *next;
};

static bool same_mm(pid_t a, pid_t b)
{
	return syscall(SYS_kcmp, a, b, KCMP_VM, 0, 0) == 0;
}

uint64_t zeropage_find(struct unotify *u, pid_t tid)
{
	for (struct zero_page *z = u->zeros; z; z = z->next)
		if (same_mm(tid, z->witness))
			return z->addr;
	return 0;
}

/* One of /proc/<tid>/status's pid fields ("Tgid", "PPid"), or 0. */
static pid_t status_pid(FILE *f, const char *name)
{
	char line[256];
	size_t n = strlen(name);
	rewind(f);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, name, n) == 0 && line[n] == ':')
			return (pid_t)atoi(line + n + 1);
	return 0;
}

/* The task that keeps tid's address space longest, as far as the sentry
 * can tell: the parent of a vfork child (posix_spawn), the leader of a
 * thread group, else tid itself. Only the sentry's own tasks qualify. */
static pid_t pick_witness(struct unotify *u, pid_t tid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	if (!f)
		return tid;
	pid_t cands[2] = {status_pid(f, "PPid"), status_pid(f, "Tgid")};
	for (size_t i = 0; i < 2; i++)
		if (cands[i] > 0 && cands[i] != tid && sentry_task_find(u->sentry, cands[i]) &&
		    same_mm(tid, cands[i]))
			return cands[i];
	return tid;
}

int zeropage_check(struct unotify *u, pid_t tid, uint64_t addr)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/maps", tid);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	char line[512];
	bool ok = false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end, off, ino;
		unsigned maj, min;
		char perms[5];
		int used = 0;
		if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %n", &start, &end, perms, &off, &maj,
			   &min, &ino, &used) != 7 || used == 0)
			continue; /* the tail of a long name */
		if (addr < start || addr >= end)
			continue;
		/* Private, read-only, anonymous and unnamed: no file or
		 * special mapping ([vvar]...) whose bytes change under it. */
		ok = strcmp(perms, "r--p") == 0 && !maj && !min && !ino && line[used] == '\0';
		break;
	}
	if (!ok)
		return -EFAULT;
	char b;
	ssize_t r = stop_read(u, tid, &b, addr, 1, false);
	if (r == -EDEFER)
		return r;
	if (r < 0 || b != 0)
		return -EFAULT;
	return 0;
}

void zeropage_add(struct unotify *u, pid_t tid, uint64_t addr)
{
	struct zero_page *z = malloc(sizeof(*z));
	if (!z)
		return; /* the next exec makes another page */
	z->witness = pick_witness(u, tid);
	z->addr = addr;
	z->next = u->zeros;
	u->zeros = z;
	log_debug("sealed zero page for %d at %#llx (witness %d)", tid, (unsigned long long)addr,
		  z->witness);
}

void zeropage_forget(struct unotify *u, pid_t tid)
{
	for (struct zero_page **pp = &u->zeros; *pp;) {
		struct zero_page *z = *pp;
		if (z->witness == tid) {
			*pp = z->next;
			free(z);
		} else {
			pp = &z->next;
		}
	}
}

void zeropage_fini(struct unotify *u)
{
	while (u->zeros) {
		struct zero_page *z = u->zeros;
		u->zeros = z->next;
		free(z);
	}
}
