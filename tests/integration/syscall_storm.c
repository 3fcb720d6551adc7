/* Runs inside the emulate backend: calls every syscall the sentry serves
 * with hostile arguments (NULL, -1, huge sizes, pointers to unmapped
 * memory, strings that run into a PROT_NONE page, random bits), then checks
 * the sentry still answers. The sentry must survive anything the program
 * does; under ASan a handler's memory error fails the run.
 *
 *   syscall_storm [ITERATIONS [SEED]] */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The sentry's table, read as text: which numbers are trapped and served.
 * (Linking the sentry would bring its sanitizer build into this program.) */
static const struct {
	int nr;
	const char *cls, *handler;
} table[] = {
#define SYSCALL(nr_, name_, cls_, err_, handler_) {nr_, #cls_, #handler_},
#include "sentry/syscalls.def"
#undef SYSCALL
};

static uint64_t rng = 88172645463325252ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static char *unmapped, *edge, *paths[4];

static uint64_t hostile(void)
{
	switch (next() % 12) {
	case 0: return 0;
	case 1: return (uint64_t)-1;
	case 2: return next() % 8;
	case 3: return (uint64_t)unmapped;
	case 4: return (uint64_t)edge; /* 4096 bytes of 'A' then PROT_NONE */
	case 5: return (uint64_t)paths[next() % 4];
	case 6: return (uint64_t)AT_FDCWD;
	case 7: return 1ull << (next() % 64);
	case 8: return next() % 4096;
	case 9: return (uint64_t)(edge + 4090);
	case 10: return 0x7ffffffff000ull;
	default: return next();
	}
}

/* Calls that would end or replace this program, or wait forever. */
static int skipped(int nr)
{
	return nr == SYS_execve || nr == SYS_execveat || nr == SYS_exit ||
	       nr == SYS_exit_group || nr == SYS_rt_sigreturn;
}

/* The storm's fd arguments are small numbers: the fds it inherited (a
 * caller's terminal, /dev/null, a log file) must not be among them, or a
 * random fchmod lands on the host's /dev/null — legitimately, as it would
 * natively: they are this program's. So they are moved out of reach and
 * replaced by pipes. */
#define SAFE_STDOUT 5000

static void shield_inherited_fds(void)
{
	dup2(1, SAFE_STDOUT);
	fcntl(SAFE_STDOUT, F_SETFD, FD_CLOEXEC);
	for (int fd = 0; fd < 64; fd++)
		if (fd != SAFE_STDOUT)
			close(fd);
	for (int fd = 0; fd < 16; fd += 2) {
		int p[2];
		if (pipe(p) < 0)
			break;
	}
}

int main(int argc, char **argv)
{
	shield_inherited_fds();
	long iters = argc > 1 ? atol(argv[1]) : 20000;
	if (argc > 2)
		rng = (uint64_t)atoll(argv[2]) | 1;
	unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(unmapped, 4096);
	char *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(two, 'A', 4096);
	mprotect(two + 4096, 4096, PROT_NONE);
	edge = two;
	paths[0] = "/tmp/storm";
	paths[1] = "/tmp";
	paths[2] = "..";
	paths[3] = "";
	if (mkdir("/tmp/storm", 0755) < 0 && errno != EEXIST)
		return 10;

	int nrs[512], n = 0;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if ((!strcmp(table[i].cls, "NOTIFY") || !strcmp(table[i].cls, "TRACE")) &&
		    strcmp(table[i].handler, "NULL") != 0 && !skipped(table[i].nr))
			nrs[n++] = table[i].nr;
	uid_t uid = (uid_t)syscall(SYS_getuid);
	for (long i = 0; i < iters; i++) {
		int nr = nrs[next() % (uint64_t)n];
		/* Keep the ids: a random setuid would only make later calls
		 * fail alike. Keep stdio: a random dup is not this test. */
		if (nr == SYS_setuid || nr == SYS_setresuid || nr == SYS_setreuid ||
		    nr == SYS_setfsuid || nr == SYS_setgid || nr == SYS_setresgid ||
		    nr == SYS_setregid || nr == SYS_setfsgid || nr == SYS_setgroups ||
		    nr == SYS_capset)
			continue;
		uint64_t a[6];
		for (int k = 0; k < 6; k++)
			a[k] = hostile();
		/* Locks never wait here: a pipe's two ends are two open files
		 * of one inode, so a lock could wait for the storm itself. A
		 * fcntl is trapped for its OFD-lock commands only: those, with
		 * random upper bits the kernel ignores. */
		if (nr == SYS_flock)
			a[1] |= LOCK_NB;
		if (nr == SYS_fcntl)
			a[1] = (next() % 2 ? next() << 32 : 0) | F_OFD_SETLK;
		long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		/* an fd we got by chance: do not let them pile up */
		if (r > 2 && (nr == SYS_open || nr == SYS_openat || nr == SYS_openat2 ||
			      nr == SYS_creat))
			close((int)r);
	}
	/* Still served, still right. */
	if ((uid_t)syscall(SYS_getuid) != uid)
		return 11;
	if (chdir("/tmp") < 0 || access("/tmp", F_OK) < 0)
		return 12;
	dprintf(SAFE_STDOUT, "storm: %ld calls over %d syscalls\n", iters, n);
	return 0;
}
