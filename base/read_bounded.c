/* Host reads with a deadline (read_bounded.h).
 *
 * State, all under `lock`: `busy`, jobs not finished; `stuck`, those
 * among them whose caller gave up; `idle`, the threads waiting for a
 * job. A job belongs to its caller until it gives up (`abandoned`), then
 * to its thread, which frees it: exactly one of the two frees it, decided
 * under the lock. A thread is on the idle list exactly while it waits
 * for a job and has none: whoever takes it off gives it one, or it is
 * the thread itself, ending. */
#include "base/read_bounded.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct job {
	bool done, abandoned;
	ssize_t result;
	char *buf;
	int oflags;
	size_t max;
	char path[];
};

/* A reader thread. Idle, it waits on `go` for a job (up to IDLE_MS, then
 * it ends): one that finished a job serves the next without a thread
 * being made for it. It frees itself when it ends. */
struct worker {
	struct worker *next_idle;
	struct job *job;   /* given while idle; NULL once taken */
	pthread_cond_t go; /* CLOCK_MONOTONIC */
	pthread_t thread;
	int cpu; /* the one it is bound to, or -1 */
};

#define IDLE_MS 2000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t finished; /* a job is done; CLOCK_MONOTONIC */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static unsigned busy, stuck;
static struct worker *idle;

ssize_t read_whole(const char *path, int oflags, size_t max, char **ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | oflags);
	if (fd < 0)
		return -errno;
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	for (;;) {
		if (!buf) {
			close(fd);
			return -ENOMEM;
		}
		if (len == max)
			break;
		if (len + 1 == cap) {
			char *b = realloc(buf, cap * 2);
			if (!b) {
				free(buf);
				buf = NULL;
				continue;
			}
			buf = b;
			cap *= 2;
		}
		size_t room = cap - 1 - len;
		ssize_t r = read(fd, buf + len, room < max - len ? room : max - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			close(fd);
			return -e;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	*ret = buf;
	return (ssize_t)len;
}

static void cond_init_monotonic(pthread_cond_t *c)
{
	pthread_condattr_t a;
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(c, &a);
	pthread_condattr_destroy(&a);
}

static void init(void)
{
	cond_init_monotonic(&finished);
}

static struct timespec deadline(long ms)
{
	struct timespec end;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_nsec += ms * 1000000L;
	end.tv_sec += end.tv_nsec / 1000000000L;
	end.tv_nsec %= 1000000000L;
	return end;
}

/* Ends job `j` (under the lock): hands the result to its caller, or, if
 * it gave up, frees both. */
static void finish(struct job *j, ssize_t r, char *buf)
{
	busy--;
	if (j->abandoned) {
		stuck--;
		if (r >= 0)
			free(buf);
		free(j);
		return;
	}
	j->done = true;
	j->result = r;
	j->buf = r >= 0 ? buf : NULL;
	pthread_cond_broadcast(&finished);
}

/* Takes `w` off the idle list, where it is (under the lock). */
static void unlist(struct worker *w)
{
	for (struct worker **pp = &idle; *pp; pp = &(*pp)->next_idle)
		if (*pp == w) {
			*pp = w->next_idle;
			return;
		}
}

static void *reader(void *arg)
{
	struct worker *w = arg;
	pthread_mutex_lock(&lock);
	while (w->job) {
		struct job *j = w->job;
		w->job = NULL;
		pthread_mutex_unlock(&lock);
		char *buf = NULL;
		ssize_t r = read_whole(j->path, j->oflags, j->max, &buf);
		pthread_mutex_lock(&lock);
		finish(j, r, buf);
		w->next_idle = idle;
		idle = w;
		struct timespec end = deadline(IDLE_MS);
		while (!w->job)
			if (pthread_cond_timedwait(&w->go, &lock, &end) == ETIMEDOUT)
				break;
		if (!w->job)
			unlist(w); /* a job given now would be after the check */
	}
	pthread_mutex_unlock(&lock);
	pthread_cond_destroy(&w->go);
	free(w);
	return NULL;
}

/* A detached reader for `j`, started with every signal blocked (veil
 * takes its own through a signalfd, which needs them blocked in every
 * thread, and a reader must never run a handler): 0 or -errno. */
static int start(struct job *j)
{
	struct worker *w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->job = j;
	cond_init_monotonic(&w->go);
	pthread_attr_t attr;
	if (pthread_attr_init(&attr) != 0) {
		pthread_cond_destroy(&w->go);
		free(w);
		return -ENOMEM;
	}
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* read_whole's frames only; room for a sanitizer's too. */
	pthread_attr_setstacksize(&attr, 256 << 10);
	sigset_t all, saved;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &saved);
	w->cpu = -1;
	int e = pthread_create(&w->thread, &attr, reader, w);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	pthread_attr_destroy(&attr);
	if (e) {
		pthread_cond_destroy(&w->go);
		free(w);
	}
	return -e;
}

/* Binds idle worker `w` (under the lock: it cannot end) to the caller's
 * CPU, where it runs as soon as the caller sleeps; woken on another CPU
 * it waits there for a turn: an open of the sandbox's /proc/self/cmdline
 * cost 84-108 us so, 42-48 us bound, on the loaded 2-vCPU machine
 * (docs/performance.md). Bound again only when the caller moved. */
static void bind_here(struct worker *w)
{
	int cpu = sched_getcpu();
	if (cpu < 0 || cpu == w->cpu || cpu >= CPU_SETSIZE)
		return;
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	w->cpu = pthread_setaffinity_np(w->thread, sizeof(one), &one) == 0 ? cpu : -1;
}

ssize_t read_bounded(const char *path, int oflags, size_t max, char **ret)
{
	pthread_once(&once, init);
	size_t n = strlen(path) + 1;
	struct job *j = calloc(1, sizeof(*j) + n);
	if (!j)
		return -ENOMEM;
	memcpy(j->path, path, n);
	j->oflags = oflags;
	j->max = max;

	pthread_mutex_lock(&lock);
	if (stuck >= READ_BOUNDED_STUCK) {
		pthread_mutex_unlock(&lock);
		free(j);
		return -EAGAIN;
	}
	busy++;
	struct worker *w = idle;
	if (w) {
		idle = w->next_idle;
		w->job = j;
		bind_here(w);
		pthread_cond_signal(&w->go);
	}
	pthread_mutex_unlock(&lock);
	int r = w ? 0 : start(j);
	if (r < 0) {
		pthread_mutex_lock(&lock);
		busy--;
		pthread_mutex_unlock(&lock);
		free(j);
		return r == -EAGAIN ? -EAGAIN : -ENOMEM;
	}

	struct timespec end = deadline(READ_BOUNDED_MS);
	pthread_mutex_lock(&lock);
	while (!j->done)
		if (pthread_cond_timedwait(&finished, &lock, &end) == ETIMEDOUT)
			break;
	if (!j->done) {
		/* The thread frees the job and what it reads. */
		j->abandoned = true;
		stuck++;
		pthread_mutex_unlock(&lock);
		return -EAGAIN;
	}
	pthread_mutex_unlock(&lock);
	ssize_t result = j->result;
	if (result >= 0)
		*ret = j->buf;
	free(j);
	return result;
}

unsigned read_bounded_busy(void)
{
	pthread_mutex_lock(&lock);
	unsigned b = busy;
	pthread_mutex_unlock(&lock);
	return b;
}
