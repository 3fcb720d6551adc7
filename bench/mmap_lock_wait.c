/* How long the host's reads of a process's memory and /proc files wait
 * while it holds its own mmap_lock (docs/sentry.md, "The program's
 * mmap_lock"): a child populates GB gigabytes of zero pages in a loop
 * (MADV_POPULATE_READ, no huge pages) while another of its threads queues
 * for the lock in write mode (mprotect); this process reads for 5 s and
 * prints the worst and mean wait.
 *
 * Usage: mmap_lock_wait GB pvm|maps|smaps|smaps_rollup|cmdline|environ|status */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

static size_t gb = 8;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *populate(void *arg)
{
	(void)arg;
	size_t len = gb << 30;
	for (;;) {
		void *p =
		    mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		madvise(p, len, MADV_NOHUGEPAGE);
		madvise(p, len, MADV_POPULATE_READ);
		munmap(p, len);
	}
	return NULL;
}

static void *queue_writer(void *arg)
{
	(void)arg;
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (;;) {
		mprotect(p, 4096, PROT_READ);
		mprotect(p, 4096, PROT_READ | PROT_WRITE);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s GB pvm|maps|smaps|smaps_rollup|cmdline|environ|status\n",
			argv[0]);
		return 2;
	}
	gb = (size_t)atoi(argv[1]);
	const char *what = argv[2];
	static char target[64] = "x";
	pid_t c = fork();
	if (c < 0)
		return 1;
	if (c == 0) {
		pthread_t t;
		pthread_create(&t, NULL, queue_writer, NULL);
		pthread_create(&t, NULL, populate, NULL);
		for (;;)
			pause();
	}
	sleep(1);
	static char buf[1 << 20];
	double worst = 0, sum = 0, end = now_ms() + 5000;
	int n = 0;
	while (now_ms() < end) {
		double t0 = now_ms();
		if (strcmp(what, "pvm") == 0) {
			struct iovec l = {buf, 64}, r = {target, 64};
			process_vm_readv(c, &l, 1, &r, 1, 0);
		} else {
			char p[64];
			snprintf(p, sizeof(p), "/proc/%d/%s", (int)c, what);
			int fd = open(p, O_RDONLY | O_CLOEXEC);
			while (fd >= 0 && read(fd, buf, sizeof(buf)) > 0)
				;
			if (fd >= 0)
				close(fd);
		}
		double d = now_ms() - t0;
		worst = d > worst ? d : worst;
		sum += d;
		n++;
		usleep(1000);
	}
	printf("%s: %d reads, worst %.1f ms, mean %.2f ms\n", what, n, worst, sum / n);
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	return 0;
}
