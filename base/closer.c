/* The closer threads (closer.h).
 *
 * State, all under `lock`: each thread's mailbox (`fd`, the close it
 * makes, -1 when idle; `done`, how many it finished; `since`, when it took
 * its fd) and the queue of fds no idle thread could take. Invariants: a
 * queued fd means every started thread is busy (a thread drains the queue
 * before it goes idle); an fd is in exactly one place, a mailbox or the
 * queue, from closer_close to its close.
 *
 * The kick: the waits a program can make a close wait (a socket's linger,
 * a terminal's drain) sleep interruptibly and end at a signal. A thread
 * busy with one close for KICK_MS is sent KICK_SIGNAL (a no-op handler, no
 * SA_RESTART): its close returns (the socket carries on sending in the
 * background, as after the program's own close), the thread is free
 * again. A kick that lands before the thread sleeps is lost, so it is sent
 * again while closer_close waits, and at every later call while the
 * thread is still busy. A close that no signal ends (a network
 * filesystem's flush) keeps its thread; the others and the queue go on. */
#include "base/closer.h"

#include "base/kick.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

/* Room one call may need: a send's SCM_RIGHTS fds and its socket, and a
 * few more. */
#define JAM_ROOM 300

struct worker {
	bool started;
	int fd;
	unsigned long done;
	int64_t since; /* ms, when it took fd */
	pthread_t thread;
	pthread_cond_t go;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t finished = PTHREAD_COND_INITIALIZER; /* a worker's done grew */
static struct worker workers[CLOSER_THREADS];
static int queue[CLOSER_QUEUE];
static size_t q_head, q_len;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	sigset_t kick;
	sigemptyset(&kick);
	sigaddset(&kick, KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);
	pthread_mutex_lock(&lock);
	for (;;) {
		while (w->fd < 0) {
			if (q_len) {
				w->fd = queue[q_head];
				w->since = now_ms();
				q_head = (q_head + 1) % CLOSER_QUEUE;
				q_len--;
				break;
			}
			pthread_cond_wait(&w->go, &lock);
		}
		int fd = w->fd;
		pthread_mutex_unlock(&lock);
		close(fd);
		pthread_mutex_lock(&lock);
		w->fd = -1;
		w->done++;
		pthread_cond_broadcast(&finished);
	}
	return NULL;
}

/* Under lock: starts worker w. Its signals are all blocked but the kick,
 * so SIGCHLD and the forwarded signals keep going to the loop's signalfd. */
static bool start(struct worker *w)
{
	if (!kick_install())
		return false;
	w->fd = -1;
	if (pthread_cond_init(&w->go, NULL) != 0)
		return false;
	pthread_attr_t a;
	if (pthread_attr_init(&a) != 0)
		return false;
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&a, 256 * 1024);
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	w->started = pthread_create(&w->thread, &a, worker_main, w) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&a);
	if (!w->started)
		pthread_cond_destroy(&w->go);
	return w->started;
}

/* Under lock: an idle worker, started if need be, or NULL. */
static struct worker *idle_worker(void)
{
	for (size_t i = 0; i < CLOSER_THREADS; i++)
		if (workers[i].started && workers[i].fd < 0)
			return &workers[i];
	for (size_t i = 0; i < CLOSER_THREADS; i++)
		if (!workers[i].started)
			return start(&workers[i]) ? &workers[i] : NULL;
	return NULL;
}

/* Under lock: kicks every thread busy with one close for KICK_MS. */
static void kick_stuck(int64_t now)
{
	for (size_t i = 0; i < CLOSER_THREADS; i++)
		if (workers[i].started && workers[i].fd >= 0 && now - workers[i].since >= KICK_MS)
			pthread_kill(workers[i].thread, KICK_SIGNAL);
}

static void defer(int fd)
{
	pthread_mutex_lock(&lock);
	int64_t now = now_ms();
	kick_stuck(now);
	struct worker *w = idle_worker();
	if (!w) {
		if (q_len == CLOSER_QUEUE) {
			/* closer_jammed() keeps copies from being taken long
			 * before this; a platform that ignored it waits here. */
			pthread_mutex_unlock(&lock);
			close(fd);
			return;
		}
		queue[(q_head + q_len++) % CLOSER_QUEUE] = fd;
		pthread_mutex_unlock(&lock);
		return;
	}
	w->fd = fd;
	w->since = now;
	unsigned long want = w->done + 1; /* an idle worker's next close is fd */
	pthread_cond_signal(&w->go);
	/* Wait for it, kicking it every KICK_MS, up to CLOSER_WAIT_MS. */
	for (int64_t end = now + CLOSER_WAIT_MS; w->done < want && now < end; now = now_ms()) {
		int64_t at = now + KICK_MS < end ? now + KICK_MS : end;
		struct timespec until = {.tv_sec = at / 1000, .tv_nsec = at % 1000 * 1000000};
		if (pthread_cond_clockwait(&finished, &lock, CLOCK_MONOTONIC, &until) ==
			ETIMEDOUT &&
		    w->done < want)
			pthread_kill(w->thread, KICK_SIGNAL);
	}
	pthread_mutex_unlock(&lock);
}

/* How a copy is closed. */
enum how {
	NOW,	/* its close never waits */
	KICKED, /* on the loop, a timer kicking it out of a sleep */
	THREAD, /* by a closer thread */
};

/* An inet stream socket's close, on the loop: its only wait is the
 * linger's, which the kick ends (base/kick.h). No thread's wake-up in it:
 * handing every TCP copy's close to a thread and waiting for it made a
 * served TCP call 3-7x slower. */
static void kicked_close(int fd)
{
	if (!kick_begin()) {
		defer(fd);
		return;
	}
	close(fd);
	kick_end();
}

/* A socket: unix, netlink and packet sockets and inet datagram and raw
 * ones never wait at their close; an inet stream socket (TCP, MPTCP) may
 * linger (SO_LINGER, which the program may set at any instant, so it is
 * not asked), interruptibly; other families are not known. The domain and
 * type are fixed for a socket's life. */
static enum how socket_how(int fd)
{
	int domain, type;
	socklen_t l = sizeof(domain);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &l) < 0)
		return THREAD;
	l = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) < 0)
		return THREAD;
	switch (domain) {
	case AF_UNIX:
	case AF_NETLINK:
	case AF_PACKET:
		return NOW;
	case AF_INET:
	case AF_INET6:
		return type == SOCK_DGRAM || type == SOCK_RAW ? NOW
		       : type == SOCK_STREAM		      ? KICKED
							      : THREAD;
	default:
		return THREAD;
	}
}

/* A regular file's close does not wait here (but see docs/sentry.md: a
 * network filesystem's flush, a huge unlinked file's last close), and
 * closing it later would be seen (ETXTBSY, a flock still held).
 * Character devices other than the memory ones (null, zero...) may be
 * terminals; anonymous inodes and the rest are not known. */
static enum how how_to_close(int fd, const struct stat *st)
{
	switch (st->st_mode & S_IFMT) {
	case S_IFDIR:
	case S_IFREG:
	case S_IFIFO:
		return NOW;
	case S_IFSOCK:
		return socket_how(fd);
	case S_IFCHR:
		return major(st->st_rdev) == 1 ? NOW : THREAD;
	default:
		return THREAD;
	}
}

void closer_close_st(int fd, const struct stat *st)
{
	if (fd < 0)
		return;
	switch (how_to_close(fd, st)) {
	case NOW:
		close(fd);
		break;
	case KICKED:
		kicked_close(fd);
		break;
	case THREAD:
		defer(fd);
		break;
	}
}

void closer_close(int fd)
{
	if (fd < 0)
		return;
	struct stat st;
	if (fstat(fd, &st) < 0)
		defer(fd);
	else
		closer_close_st(fd, &st);
}

bool closer_jammed(void)
{
	pthread_mutex_lock(&lock);
	bool jammed = q_len > CLOSER_QUEUE - JAM_ROOM;
	pthread_mutex_unlock(&lock);
	return jammed;
}
