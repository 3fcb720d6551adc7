/* The sandbox's pid numbers (pidns.h): two chained hash tables over the
 * same entries, by host pid and by the namespace's number. */
#include "sentry/kernel/pidns.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NBUCKETS 1024u
/* Linux's PID_MAX_LIMIT; numbers wrap past it to RESERVED, as the
 * kernel's allocator skips the low ones after a wrap. */
#define PIDNS_MAX 4194304
#define PIDNS_RESERVED 300

struct pid_ent {
	pid_t v, host;
	int pidfd;  /* a zombie's (-1: live, or a zombie without one) */
	bool zombie;
	struct pid_ent *next_v, *next_h;
};

/* How many numbers of tasks gone are remembered (pidns_to_ns_past). */
#define PIDNS_GONE 256

struct pidns {
	struct pid_ent *by_v[NBUCKETS], *by_h[NBUCKETS];
	pid_t last;
	size_t n, zombies, zombies_swept;
	struct {
		pid_t host, v;
	} gone[PIDNS_GONE]; /* a ring, newest at gone_next - 1 */
	unsigned gone_next;
};

static size_t hb(pid_t p)
{
	return (size_t)(uint32_t)p % NBUCKETS;
}

struct pidns *pidns_new(void)
{
	return calloc(1, sizeof(struct pidns));
}

static struct pid_ent *find_h(struct pidns *ns, pid_t host)
{
	for (struct pid_ent *e = ns->by_h[hb(host)]; e; e = e->next_h)
		if (e->host == host)
			return e;
	return NULL;
}

static struct pid_ent *find_v(struct pidns *ns, pid_t v)
{
	for (struct pid_ent *e = ns->by_v[hb(v)]; e; e = e->next_v)
		if (e->v == v)
			return e;
	return NULL;
}

static void drop(struct pidns *ns, struct pid_ent *e)
{
	struct pid_ent **pp;
	for (pp = &ns->by_v[hb(e->v)]; *pp != e; pp = &(*pp)->next_v)
		;
	*pp = e->next_v;
	for (pp = &ns->by_h[hb(e->host)]; *pp != e; pp = &(*pp)->next_h)
		;
	*pp = e->next_h;
	ns->gone[ns->gone_next % PIDNS_GONE].host = e->host;
	ns->gone[ns->gone_next % PIDNS_GONE].v = e->v;
	ns->gone_next++;
	if (e->pidfd >= 0)
		close(e->pidfd);
	if (e->zombie)
		ns->zombies--;
	ns->n--;
	free(e);
}

void pidns_free(struct pidns *ns)
{
	if (!ns)
		return;
	for (size_t b = 0; b < NBUCKETS; b++)
		while (ns->by_v[b])
			drop(ns, ns->by_v[b]);
	free(ns);
}

/* Whether zombie e is still there for its parent to reap: its pidfd
 * names the very process, whatever became of the number. */
static bool zombie_there(const struct pid_ent *e)
{
	return e->pidfd >= 0 && syscall(SYS_pidfd_send_signal, e->pidfd, 0, NULL, 0) == 0;
}

/* Zombies a parent that ignores SIGCHLD had reaped by the kernel: swept
 * when their number has doubled since the last sweep. */
static void sweep(struct pidns *ns)
{
	if (ns->zombies < 64 || ns->zombies < 2 * ns->zombies_swept)
		return;
	for (size_t b = 0; b < NBUCKETS; b++)
		for (struct pid_ent *e = ns->by_v[b], *next; e; e = next) {
			next = e->next_v;
			if (e->zombie && !zombie_there(e))
				drop(ns, e);
		}
	ns->zombies_swept = ns->zombies;
}

pid_t pidns_add(struct pidns *ns, pid_t host, bool leader)
{
	struct pid_ent *old = find_h(ns, host);
	if (old)
		drop(ns, old);
	sweep(ns);
	if (ns->n >= PIDNS_MAX - PIDNS_RESERVED)
		return -EAGAIN;
	struct pid_ent *e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	pid_t v = ns->last;
	do
		v = v >= PIDNS_MAX - 1 ? PIDNS_RESERVED : v + 1;
	while (find_v(ns, v));
	ns->last = v;
	/* Taken now, while the process is surely there: at its exit its
	 * parent may have reaped it already (the tracer hears of the exit
	 * first, but the parent's wait can return before the sentry gets
	 * to it), and the number is its wait's answer still. */
	*e = (struct pid_ent){.v = v, .host = host,
			      .pidfd = leader ? (int)syscall(SYS_pidfd_open, host, 0) : -1};
	e->next_v = ns->by_v[hb(v)];
	ns->by_v[hb(v)] = e;
	e->next_h = ns->by_h[hb(host)];
	ns->by_h[hb(host)] = e;
	ns->n++;
	return v;
}

void pidns_exit(struct pidns *ns, pid_t host, bool leader)
{
	struct pid_ent *e = find_h(ns, host);
	if (!e || e->zombie)
		return;
	if (!leader || e->pidfd < 0) {
		/* a thread (auto-reaped), or a process with no pidfd */
		drop(ns, e);
		return;
	}
	e->zombie = true;
	ns->zombies++;
}

pid_t pidns_revive(struct pidns *ns, pid_t host)
{
	struct pid_ent *e = find_h(ns, host);
	if (!e)
		return 0;
	if (e->zombie) {
		e->zombie = false;
		ns->zombies--;
	}
	return e->v;
}

void pidns_reaped(struct pidns *ns, pid_t host)
{
	/* Only if it is gone indeed: the wait may have reported a stop or a
	 * continue the parent took before the exit (its syscall-exit stop
	 * can reach the sentry after the child's exit event). */
	struct pid_ent *e = find_h(ns, host);
	if (e && e->zombie && !zombie_there(e))
		drop(ns, e);
}

pid_t pidns_to_ns(struct pidns *ns, pid_t host)
{
	if (host <= 0)
		return 0;
	struct pid_ent *e = find_h(ns, host);
	return e ? e->v : 0;
}

pid_t pidns_to_ns_past(struct pidns *ns, pid_t host)
{
	pid_t v = pidns_to_ns(ns, host);
	for (unsigned i = 1; !v && host > 0 && i <= PIDNS_GONE && i <= ns->gone_next; i++)
		if (ns->gone[(ns->gone_next - i) % PIDNS_GONE].host == host)
			v = ns->gone[(ns->gone_next - i) % PIDNS_GONE].v;
	return v;
}

pid_t pidns_to_host(struct pidns *ns, pid_t v)
{
	if (v <= 0)
		return 0;
	struct pid_ent *e = find_v(ns, v);
	if (!e)
		return 0;
	if (e->zombie && !zombie_there(e)) {
		drop(ns, e);
		return 0;
	}
	return e->host;
}

pid_t pidns_last(const struct pidns *ns)
{
	return ns->last;
}
