/* base/read_bounded.c: a read is whole (up to its bound); one that waits
 * is given up after READ_BOUNDED_MS with EAGAIN, its thread finishing on
 * its own later; while READ_BOUNDED_STUCK threads wait, a read fails at
 * once; a thread that is done serves the next read. A FIFO's open, which
 * waits for a writer, stands in for a read that waits on a program's
 * mmap_lock. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/read_bounded.h"

static char dir[64];
static char fifo[96];

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/veil-rb-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	return mkfifo(fifo, 0600);
}

static int teardown(void **state)
{
	(void)state;
	unlink(fifo);
	return rmdir(dir);
}

/* Lets every reader blocked in the FIFO's open go (a writer comes and
 * goes: they read EOF), and waits for their threads to end. */
static void release_all(void)
{
	long end = now_ms() + 5000;
	while (read_bounded_busy() > 0 && now_ms() < end) {
		int w = open(fifo, O_RDWR | O_CLOEXEC);
		assert_true(w >= 0);
		usleep(10000);
		close(w);
	}
	assert_int_equal(read_bounded_busy(), 0);
}

static void reads_whole(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), "%s/f", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 3000; i++)
		fprintf(f, "line %d\n", i);
	fclose(f);
	char *buf = NULL;
	ssize_t n = read_bounded(path, 0, 1 << 20, &buf);
	assert_true(n > 20000);
	assert_int_equal(strlen(buf), (size_t)n);
	assert_memory_equal(buf, "line 0\nline 1\n", 14);
	free(buf);
	n = read_bounded(path, 0, 10, &buf); /* the bound */
	assert_int_equal(n, 10);
	assert_string_equal(buf, "line 0\nlin");
	free(buf);
	unlink(path);
	assert_int_equal(read_bounded(path, 0, 100, &buf), -ENOENT);
	assert_int_equal(read_bounded_busy(), 0);
}

static int threads(void)
{
	char *buf = NULL;
	assert_true(read_whole("/proc/self/status", 0, 1 << 16, &buf) > 0);
	const char *t = strstr(buf, "\nThreads:");
	assert_non_null(t);
	int n = atoi(t + 9);
	free(buf);
	return n;
}

/* A thread that finished waits for the next read: none is made for it. */
static void an_idle_thread_serves_the_next(void **state)
{
	(void)state;
	char *buf = NULL;
	assert_true(read_bounded("/proc/self/stat", 0, 4096, &buf) > 0);
	free(buf);
	int n = threads();
	for (int i = 0; i < 20; i++) {
		assert_true(read_bounded("/proc/self/stat", 0, 4096, &buf) > 0);
		free(buf);
	}
	assert_int_equal(threads(), n);
}

static void a_read_that_waits_is_given_up(void **state)
{
	(void)state;
	char *buf = NULL;
	long t0 = now_ms();
	assert_int_equal(read_bounded(fifo, 0, 100, &buf), -EAGAIN);
	long took = now_ms() - t0;
	assert_true(took >= READ_BOUNDED_MS - 5);
	assert_true(took < 10 * READ_BOUNDED_MS);
	assert_int_equal(read_bounded_busy(), 1); /* still waiting, on its own */
	release_all();
}

static void stuck_threads_are_bounded(void **state)
{
	(void)state;
	char *buf = NULL;
	for (int i = 0; i < READ_BOUNDED_STUCK; i++)
		assert_int_equal(read_bounded(fifo, 0, 100, &buf), -EAGAIN);
	assert_int_equal(read_bounded_busy(), READ_BOUNDED_STUCK);
	/* No thread more, and no wait: at once. */
	long t0 = now_ms();
	assert_int_equal(read_bounded(fifo, 0, 100, &buf), -EAGAIN);
	assert_true(now_ms() - t0 < READ_BOUNDED_MS / 2);
	assert_int_equal(read_bounded_busy(), READ_BOUNDED_STUCK);
	release_all();
	/* Reads work again. */
	ssize_t n = read_bounded("/proc/self/stat", 0, 4096, &buf);
	assert_true(n > 0);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_whole),
		cmocka_unit_test(an_idle_thread_serves_the_next),
		cmocka_unit_test(a_read_that_waits_is_given_up),
		cmocka_unit_test(stuck_threads_are_bounded),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
