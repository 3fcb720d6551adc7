/* Races the sentry's exec by fd from a second thread (veil issue 10).
 *
 *   exec_race fd|path TRIES LEGIT MARKER
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
 *
 * Every try must run LEGIT: a child that exits 42 ran the host file, and
 * an exec that fails at all says something about the host (its errno
 * would tell whether MARKER exists). Prints a tally; exits 1 on any. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int mode_fd, mode_seal, try_no;
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

int main(int argc, char **argv)
{
	if (argc != 5)
		return 2;
	mode_fd = strcmp(argv[1], "fd") == 0;
	mode_seal = strcmp(argv[1], "seal") == 0;
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
			child(argv[3]);
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
	printf("%s: %d tries, %d ran the checked file, %d ran the host file, %d failed\n",
	       argv[1], done, ran, escaped, failed);
	return escaped || failed || done < 50 ? 1 : 0;
}
