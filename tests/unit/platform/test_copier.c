/* platform/copier.c: copies through a copier thread give what inline
 * copies give, and a copy that waits for the target's mmap_lock defers
 * within the bound, leaves a stuck lane that queues writes and later
 * drains (its eventfd), while other address spaces go on. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "platform/copier.h"

static char area[8192] = "hello";
static volatile uint32_t target = 7;

/* A child that only waits: its memory is this one's at fork. */
static pid_t idle_child(void)
{
	pid_t p = fork();
	if (p == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* a failed check ends the test */
		for (;;)
			pause();
	}
	assert_true(p > 0);
	return p;
}

static void end_child(pid_t p)
{
	kill(p, SIGKILL);
	waitpid(p, NULL, 0);
}

static void test_copies_as_inline(void **state)
{
	(void)state;
	pid_t p = idle_child();
	struct copier *c = copier_new(-1);
	assert_non_null(c);
	char buf[16];
	assert_int_equal(copier_read(c, 1, p, buf, (uint64_t)(uintptr_t)area, 6, false), 0);
	assert_string_equal(buf, "hello");
	assert_int_equal(copier_read(c, 1, p, buf, (uint64_t)(uintptr_t)area, sizeof(buf), true), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(copier_read(c, 1, p, buf, 8, 4, false), -EFAULT);
	uint32_t v = 42;
	struct platform_iov w = {(uint64_t)(uintptr_t)&target, &v, sizeof(v)};
	assert_int_equal(copier_writev(c, 1, p, &w, 1), 0);
	uint32_t back = 0;
	assert_int_equal(copier_read(c, 1, p, &back, (uint64_t)(uintptr_t)&target, 4, false), 0);
	assert_int_equal(back, 42);
	assert_false(copier_stuck(c, 1));
	/* A posted write lands once the loop goes on (here: once the answer
	 * behind it, which has no listener to go to, is through). */
	struct copier_call cc = {0};
	v = 43;
	assert_int_equal(copier_post(c, &cc, 1, p, &w, 1), COPIER_QUEUED);
	assert_non_null(cc.lane);
	assert_int_equal(copier_reply(c, &cc, 1, p, 99, 0, -1, 0), 0);
	back = 0;
	for (int i = 0; i < 1000 && back != 43; i++) {
		assert_int_equal(copier_read(c, 1, p, &back, (uint64_t)(uintptr_t)&target, 4, false),
				 0);
		usleep(1000);
	}
	assert_int_equal(back, 43);
	end_child(p);
	assert_int_equal(copier_read(c, 1, p, buf, (uint64_t)(uintptr_t)area, 6, false), -ESRCH);
	copier_free(c);
}

/* The lock play of tests/integration/stall_tricks.c, smaller: one thread
 * populates 16 GB of zero pages read-only (the lock held for reading a
 * while), another queues for it in write mode with mprotect. */
static void *populate(void *arg)
{
	(void)arg;
	size_t len = (size_t)16 << 30;
	for (;;) {
		char *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (m == MAP_FAILED)
			_exit(3);
		madvise(m, len, 22 /* MADV_POPULATE_READ */);
		munmap(m, len);
	}
	return NULL;
}

static void *writer(void *arg)
{
	(void)arg;
	char *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0;; i++)
		mprotect(m, 4096, i & 1 ? PROT_READ : PROT_READ | PROT_WRITE);
	return NULL;
}

static pid_t locking_child(void)
{
	pid_t p = fork();
	if (p == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pthread_t t;
		pthread_create(&t, NULL, populate, NULL);
		pthread_create(&t, NULL, writer, NULL);
		for (;;)
			pause();
	}
	assert_true(p > 0);
	return p;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_stuck_lane(void **state)
{
	(void)state;
	pid_t locked = locking_child(), other = idle_child();
	struct copier *c = copier_new(-1);
	assert_non_null(c);
	/* A lane that served a post for `other` (address space 6) ... */
	uint32_t ov = 6;
	struct platform_iov ow = {(uint64_t)(uintptr_t)&target, &ov, sizeof(ov)};
	struct copier_call occ = {0};
	assert_int_equal(copier_post(c, &occ, 6, other, &ow, 1), COPIER_QUEUED);
	usleep(200000);
	/* Posted writes for an address space whose lock is held queue on
	 * one thread: they never take every lane (then EDEFER). */
	uint32_t pv = 1;
	struct platform_iov pw = {(uint64_t)(uintptr_t)&target, &pv, sizeof(pv)};
	for (int i = 0; i < 3 * COPIER_THREADS; i++) {
		struct copier_call cc = {0};
		assert_int_equal(copier_post(c, &cc, 7, locked, &pw, 1), COPIER_QUEUED);
	}
	/* Within a few seconds one copy meets the lock: it defers within
	 * the bound (and a bit), and reads of that address space then defer
	 * at once. */
	char buf[8];
	bool deferred = false;
	int64_t t0 = now_ms();
	while (!deferred && now_ms() - t0 < 10000) {
		int64_t a = now_ms();
		ssize_t r = copier_read(c, 5, locked, buf, (uint64_t)(uintptr_t)area, 6, false);
		int64_t took = now_ms() - a;
		assert_true(took < COPIER_WAIT_MS + 200);
		if (r == -EDEFER)
			deferred = true;
		else
			assert_int_equal(r, 0);
	}
	assert_true(deferred);
	assert_true(copier_stuck(c, 5));
	int64_t a = now_ms();
	assert_int_equal(copier_read(c, 5, locked, buf, (uint64_t)(uintptr_t)area, 6, false), -EDEFER);
	assert_true(now_ms() - a < 5);
	/* A write queues behind it, and a notification's posted writes go
	 * to that lane too: one address space never holds every thread. */
	uint32_t v = 9;
	struct platform_iov w = {(uint64_t)(uintptr_t)&target, &v, sizeof(v)};
	assert_int_equal(copier_writev(c, 5, locked, &w, 1), COPIER_QUEUED);
	for (int i = 0; i < 3 * COPIER_THREADS; i++) {
		struct copier_call cc = {0};
		assert_int_equal(copier_post(c, &cc, 5, locked, &w, 1), COPIER_QUEUED);
	}
	/* Another address space goes on meanwhile: its reads, and its posts
	 * (... never wait behind the stuck one, whatever lane took them). */
	assert_int_equal(copier_read(c, 6, other, buf, (uint64_t)(uintptr_t)area, 6, false), 0);
	assert_string_equal(buf, "hello");
	ov = 66;
	occ = (struct copier_call){0};
	assert_int_equal(copier_post(c, &occ, 6, other, &ow, 1), COPIER_QUEUED);
	uint32_t back = 0;
	for (int i = 0; i < 200 && back != 66; i++) {
		assert_int_equal(copier_read(c, 6, other, &back, (uint64_t)(uintptr_t)&target, 4,
					     false), 0);
		usleep(10000);
	}
	assert_int_equal(back, 66);
	/* The lock holder ends: the lane drains and says so. */
	end_child(locked);
	struct pollfd pfd = {.fd = copier_event_fd(c), .events = POLLIN};
	assert_int_equal(poll(&pfd, 1, 30000), 1);
	assert_true(copier_collect(c));
	assert_false(copier_stuck(c, 5));
	end_child(other);
	copier_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copies_as_inline),
		cmocka_unit_test(test_stuck_lane),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
