/* Races the sentry's exec by fd from a second thread (veil issue 10).
 *
 *   exec_race fd|path|seal TRIES LEGIT MARKER
 *   exec_race interp TRIES LEGIT MARKER DIR
 *
 * Each try forks a child whose main thread execs LEGIT (a sandbox path, a
 * static program that exits 0) while a second thread tries to make the
 * kernel run MARKER instead (a HOST path the sandbox does not show, a
 * static program that exits 42):
 *
 *   fd    dup2() a memfd holding "#!MARKER" onto the fd number the sentry's
 *         carrier openat puts the checked file at, between that openat and
 *         the execveat (the thread shares the fd table);
 *   path  overwrite the "" path of that execveat, which the sentry wrote
 *         below the exec'ing thread's stack pointer, with MARKER (an
 *         absolute path: execveat then ignores the fd);
 *   seal  replace the page the tracee maps for the "" (where the next
 *         anonymous mapping goes) with a page of its own holding MARKER,
 *         before the tracee seals it: writable on odd tries, read-only on
 *         even ones. The sentry must refuse the exec (EFAULT) then.
 *   interp  exec a copy of LEGIT in a writable directory (DIR, a 5th
 *         argument) and rewrite that copy, between the sentry's look and
 *         the kernel's, into an ELF whose PT_INTERP is MARKER (the exe
 *         link still shows the copy). An exec the sentry refuses (it saw
 *         the interpreter: ENOENT), the kernel refuses (ETXTBSY; ENOEXEC
 *         for a half-written file) or the sentry kills at the exec event
 *         (SIGKILL) is no failure here.
 *
 * Every try must run LEGIT: a child that exits 42 ran the host file, and
 * an exec that fails at all says something about the host (its errno
 * would tell whether MARKER exists). Prints a tally; exits 1 on any. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int mode_fd, mode_seal, mode_interp, try_no;
static char copy_path[4096];
static char *good, *evil;
static size_t good_len, evil_len;
static const char *marker;
static char *child_argv[3];
static int memfd = -1, next_fd = -1;
static volatile uintptr_t sp_hint;
static volatile int ready;

static void *racer(void *arg)
{
	(void)arg;
	if (!mode_seal)
		ready = 1;
	if (mode_fd) {
		/* The carrier openat takes the lowest free number. */
		for (;;)
			if (fcntl(next_fd, F_GETFD) >= 0) {
				dup2(memfd, next_fd);
				return NULL;
			}
	}
	if (mode_interp) {
		/* Open, write, close each time: a file open for writing is
		 * ETXTBSY to exec. */
		for (;;) {
			for (int i = 0; i < 2; i++) {
				int fd = open(copy_path, O_WRONLY);
				if (fd < 0)
					continue;
				if (pwrite(fd, i ? good : evil, i ? good_len : evil_len, 0) < 0)
					_exit(96);
				close(fd);
			}
		}
	}
	if (mode_seal) {
		/* The tracee's next anonymous page goes where this one was. */
		char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED || munmap(p, 4096) < 0)
			_exit(97);
		ready = 1;
		while (msync(p, 4096, MS_ASYNC) != 0)
			;
		if (mmap(p, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
			 0) == MAP_FAILED)
			return NULL; /* sealed already */
		memcpy(p, marker, strlen(marker) + 1);
		if (try_no % 2 == 0)
			mprotect(p, 4096, PROT_READ);
		return NULL;
	}
	/* The sentry's copy of argv (LEGIT is static: [argv0, argv1, NULL]
	 * and then the "") lies just below the exec'ing thread's stack
	 * pointer. The original array is not on the stack, so the pattern
	 * is the sentry's. */
	while (!sp_hint)
		;
	uintptr_t top = sp_hint & ~(uintptr_t)7;
	for (;;)
		for (uintptr_t p = top - 8 * 3; p > top - 8192; p -= 8) {
			volatile uint64_t *w = (volatile uint64_t *)p;
			if (w[0] == (uintptr_t)child_argv[0] && w[1] == (uintptr_t)child_argv[1] &&
			    w[2] == 0) {
				memcpy((char *)(p + 24), marker, strlen(marker) + 1);
				return NULL;
			}
		}
}

/* Maps the stack well below here, so the sentry's area goes there. */
static __attribute__((noinline)) void grow_stack(void)
{
	volatile char buf[65536];
	memset((char *)buf, 0, sizeof(buf));
}

static __attribute__((noreturn)) void child(const char *legit)
{
	alarm(10);
	if (mode_fd) {
		memfd = memfd_create("race", 0);
		char line[4096];
		int n = snprintf(line, sizeof(line), "#!%s\n", marker);
		if (memfd < 0 || write(memfd, line, (size_t)n) != n)
			_exit(99);
		next_fd = dup(0);
		close(next_fd);
	}
	if (mode_interp) {
		snprintf(copy_path, sizeof(copy_path), "%s/legit.%d", legit, (int)getpid());
		int fd = open(copy_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
		if (fd < 0 || write(fd, good, good_len) != (ssize_t)good_len)
			_exit(99);
		close(fd);
		legit = copy_path;
	}
	grow_stack();
	pthread_t t;
	if (pthread_create(&t, NULL, racer, NULL) != 0)
		_exit(98);
	while (!ready)
		;
	char here;
	sp_hint = (uintptr_t)&here;
	extern char **environ;
	execve(legit, child_argv, environ);
	_exit(100 + (errno & 127));
}

/* LEGIT's bytes, and the same with a PT_INTERP naming MARKER in place of
 * its PT_GNU_STACK header (the name appended at the end). */
static int make_images(const char *legit)
{
	int fd = open(legit, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return -1;
	good_len = (size_t)st.st_size;
	evil_len = good_len + strlen(marker) + 1;
	good = malloc(good_len);
	evil = malloc(evil_len);
	if (!good || !evil || read(fd, good, good_len) != (ssize_t)good_len)
		return -1;
	close(fd);
	memcpy(evil, good, good_len);
	memcpy(evil + good_len, marker, strlen(marker) + 1);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)evil;
	for (int i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr *ph = (Elf64_Phdr *)(evil + eh->e_phoff + (size_t)i * eh->e_phentsize);
		if (ph->p_type != PT_GNU_STACK)
			continue;
		ph->p_type = PT_INTERP;
		ph->p_offset = good_len;
		ph->p_filesz = ph->p_memsz = strlen(marker) + 1;
		ph->p_flags = PF_R;
		ph->p_align = 1;
		return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	if (argc != 5 && argc != 6)
		return 2;
	mode_fd = strcmp(argv[1], "fd") == 0;
	mode_seal = strcmp(argv[1], "seal") == 0;
	mode_interp = strcmp(argv[1], "interp") == 0;
	if (mode_interp && (argc != 6 || (marker = argv[4], make_images(argv[3])) < 0))
		return 2;
	int tries = atoi(argv[2]);
	marker = argv[4];
	child_argv[0] = "legit";
	child_argv[1] = "arg";
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int ran = 0, escaped = 0, failed = 0, refused = 0, done;
	for (done = 0; done < tries; done++) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (t1.tv_sec - t0.tv_sec > 25)
			break; /* bounded, even on a loaded machine */
		pid_t pid = fork();
		if (pid < 0)
			return 3;
		if (pid == 0) {
			try_no = done;
			child(mode_interp ? argv[5] : argv[3]);
		}
		int st;
		if (waitpid(pid, &st, 0) < 0)
			return 4;
		int code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		if (code == 0) {
			ran++;
		} else if (code == 42) {
			escaped++;
		} else if (mode_seal && code == 100 + EFAULT) {
			refused++; /* the sentry saw the page was not its own */
		} else if (mode_interp && (code == 100 + ENOENT || code == 100 + ETXTBSY ||
					   code == 100 + ENOEXEC ||
					   (code < 0 && WTERMSIG(st) == SIGKILL))) {
			refused++; /* the sentry or the kernel saw the rewrite */
		} else {
			failed++;
			if (failed > 5)
				continue;
			if (code < 0)
				printf("try %d: killed by signal %d\n", done, WTERMSIG(st));
			else if (code >= 100)
				printf("try %d: exec failed, errno %d\n", done, code - 100);
			else
				printf("try %d: exit status %d\n", done, code);
		}
	}
	if (mode_seal)
		printf("seal: %d refused (EFAULT)\n", refused);
	if (mode_interp)
		printf("interp: %d refused (ENOENT, ETXTBSY, ENOEXEC, killed)\n", refused);
	printf("%s: %d tries, %d ran the checked file, %d ran the host file, %d failed\n",
	       argv[1], done, ran, escaped, failed);
	return escaped || failed || done < 50 ? 1 : 0;
}
