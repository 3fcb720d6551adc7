/* The kick (kick.h). State per thread: its timer, made at its first
 * kick_begin() (again in a forked child, which does not inherit timers),
 * which also blocks the signal on it for good. */
#include "base/kick.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

static void on_kick(int sig)
{
	(void)sig; /* only there to end a sleep */
}

bool kick_install(void)
{
	static bool installed;
	if (!installed) {
		struct sigaction sa = {.sa_handler = on_kick}; /* no SA_RESTART */
		sigemptyset(&sa.sa_mask);
		installed = sigaction(KICK_SIGNAL, &sa, NULL) == 0;
	}
	return installed;
}

static __thread enum { NONE, READY, FAILED } state;
static __thread timer_t timer;
static __thread pid_t owner; /* a forked child has no timer: it makes its own */

static void kick_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, KICK_SIGNAL);
}

static bool ready(void)
{
	if (state != NONE && owner != getpid())
		state = NONE;
	if (state == NONE) {
		owner = getpid();
		struct sigevent ev = {.sigev_notify = SIGEV_THREAD_ID, .sigev_signo = KICK_SIGNAL};
		ev._sigev_un._tid = gettid();
		sigset_t k;
		kick_set(&k);
		bool ok = kick_install() && pthread_sigmask(SIG_BLOCK, &k, NULL) == 0 &&
			  timer_create(CLOCK_MONOTONIC, &ev, &timer) == 0;
		state = ok ? READY : FAILED;
	}
	return state == READY;
}

bool kick_begin(void)
{
	if (!ready())
		return false;
	const struct timespec tick = {0, KICK_MS * 1000000L};
	struct itimerspec on = {.it_interval = tick, .it_value = tick};
	sigset_t k;
	kick_set(&k);
	timer_settime(timer, 0, &on, NULL);
	pthread_sigmask(SIG_UNBLOCK, &k, NULL);
	return true;
}

void kick_end(void)
{
	struct itimerspec off = {{0, 0}, {0, 0}};
	sigset_t k;
	kick_set(&k);
	pthread_sigmask(SIG_BLOCK, &k, NULL);
	timer_settime(timer, 0, &off, NULL);
}
