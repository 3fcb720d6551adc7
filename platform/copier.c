/* Bounded copies of tracee memory (copier.h).
 *
 * Each thread (`struct lane`) serves a FIFO of requests under its own
 * mutex. The loop hands one request at a time to an idle lane and waits
 * for it: spinning with sched_yield first (the lane runs on this CPU, so
 * yielding runs it), then on a futex until the deadline. A request the
 * loop gave up on is the lane's: it frees it. Exactly one of the two
 * frees a request, decided under the lane's mutex (`abandoned`, `done`).
 * A lane bound to an address space (`mm` != 0) is stuck: it takes
 * queued writes and answers for that address space only, and reports
 * on the eventfd when its queue is empty. Posted writes and answers
 * (copier_post) are nobody's to wait for: the lane frees them; while a
 * lane has them pending (`pending`, `post_mm`) it takes that address
 * space's next posts and nothing else. */
#include "platform/copier.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "platform/tracee_mem.h"

enum req_op { REQ_READ, REQ_READ_STR, REQ_WRITE, REQ_REPLY, REQ_END };

struct req {
	struct req *next;
	enum req_op op;
	pid_t tid;
	_Atomic uint32_t done; /* a futex: 1 once result is set (not abandoned) */
	bool abandoned;        /* under the lane's mutex: the lane frees it */
	ssize_t result;
	uint64_t addr;
	size_t len;
	size_t n;              /* REQ_WRITE: pieces in data, as platform_iov */
	bool answered;         /* REQ_WRITE: its fault is its call's answer's */
	bool posted;           /* REQ_WRITE: nobody waits for it */
	struct platform_iov iov[8];
	uint64_t id;           /* REQ_REPLY */
	long ret;
	int fd;
	unsigned fd_flags;
	char data[];
};

struct lane {
	struct copier *c;
	pthread_t thread;
	_Atomic pid_t ktid;
	int cpu;               /* bound to, or -1 (the loop's view) */
	pthread_mutex_t lock;
	pthread_cond_t work;
	struct req *head, *tail;
	bool busy;             /* a request is being served */
	bool faulted;          /* a queued write faulted since the last answer */
	uint64_t mm;           /* stuck for this address space, else 0 */
	bool drained;          /* stuck and its queue emptied: for collect */
	/* requests given and not done (the loop counts up, the lane down):
	 * a lane with posted work is not idle */
	_Atomic int pending;
	/* the address space of the posted work (the loop's only): while any
	 * is pending, that address space's next posts go here too, so that
	 * one whose writes wait for its lock holds one lane, not all */
	uint64_t post_mm;
};

struct copier {
	int listener;
	int efd;
	/* a copy found no idle lane (all stuck or busy): the next lane that
	 * empties says so on efd, for the calls kept meanwhile */
	_Atomic bool want_lane;
	struct lane *lanes[COPIER_THREADS];
	size_t n;
};

static void req_free(struct req *r)
{
	if (r->op == REQ_REPLY && r->fd >= 0)
		close(r->fd);
	free(r);
}

static void serve(struct lane *l, struct req *r)
{
	switch (r->op) {
	case REQ_READ:
		r->result = tracee_read(r->tid, r->data, r->addr, r->len);
		break;
	case REQ_READ_STR:
		r->result = tracee_read_str(r->tid, r->data, r->addr, r->len);
		break;
	case REQ_WRITE:
		r->result = tracee_writev(r->tid, r->iov, r->n);
		break;
	case REQ_REPLY: {
		long ret = r->ret;
		if (l->faulted && (ret >= 0 || ret == COPIER_CONTINUE)) {
			ret = -EFAULT;
			if (r->fd >= 0) {
				close(r->fd);
				r->fd = -1;
			}
		}
		l->faulted = false;
		if (r->fd >= 0) {
			struct seccomp_notif_addfd a = {.id = r->id,
							.flags = SECCOMP_ADDFD_FLAG_SEND,
							.srcfd = (uint32_t)r->fd,
							.newfd_flags = r->fd_flags};
			r->result = ioctl(l->c->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a);
		} else {
			struct seccomp_notif_resp resp = {.id = r->id};
			if (ret == COPIER_CONTINUE)
				resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
			else if (ret < 0 && ret >= -4095)
				resp.error = (int)ret;
			else
				resp.val = ret;
			r->result = ioctl(l->c->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
		}
		break;
	}
	case REQ_END:
		break;
	}
}

static void *lane_main(void *arg)
{
	struct lane *l = arg;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	tracee_mem_untimed();
	atomic_store(&l->ktid, (pid_t)syscall(SYS_gettid));
	pthread_mutex_lock(&l->lock);
	for (;;) {
		while (!l->head)
			pthread_cond_wait(&l->work, &l->lock);
		struct req *r = l->head;
		if (!(l->head = r->next))
			l->tail = NULL;
		if (r->op == REQ_END) {
			pthread_mutex_unlock(&l->lock);
			free(r);
			return NULL;
		}
		l->busy = true;
		pthread_mutex_unlock(&l->lock);
		serve(l, r);
		pthread_mutex_lock(&l->lock);
		l->busy = false;
		/* A write nobody waits for: its call's answer says EFAULT. */
		bool unwaited = r->abandoned || r->op == REQ_REPLY ||
				(r->op == REQ_WRITE && (l->mm || r->posted));
		if (r->op == REQ_WRITE && r->answered && r->result == -EFAULT && unwaited)
			l->faulted = true;
		atomic_fetch_sub(&l->pending, 1);
		if (unwaited) {
			/* given up on, or queued: nobody waits for it */
			req_free(r);
		} else {
			atomic_store(&r->done, 1);
			syscall(SYS_futex, &r->done, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
		}
		bool tell = false;
		if (l->mm && !l->head && !l->drained)
			tell = l->drained = true;
		if (!l->head && atomic_exchange(&l->c->want_lane, false))
			tell = true;
		if (tell) {
			uint64_t one = 1;
			(void)!write(l->c->efd, &one, sizeof(one));
		}
	}
}

/* Set in a forked child (pthread_atfork): its copier has no threads. */
static bool forked;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void on_fork_child(void)
{
	forked = true;
}

static void register_atfork(void)
{
	pthread_atfork(NULL, NULL, on_fork_child);
}

bool copier_usable(const struct copier *c)
{
	return c && !forked;
}

struct copier *copier_new(int listener)
{
	pthread_once(&atfork_once, register_atfork);
	struct copier *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->listener = listener;
	c->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->efd < 0) {
		free(c);
		return NULL;
	}
	return c;
}

static void push(struct lane *l, struct req *r)
{
	atomic_fetch_add(&l->pending, 1);
	r->next = NULL;
	if (l->tail)
		l->tail->next = r;
	else
		l->head = r;
	l->tail = r;
	l->drained = false;
}

void copier_free(struct copier *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		struct lane *l = c->lanes[i];
		pthread_mutex_lock(&l->lock);
		bool idle = !l->mm && !l->busy && !l->head;
		struct req *end = idle ? calloc(1, sizeof(*end)) : NULL;
		if (end) {
			end->op = REQ_END;
			push(l, end);
		}
		pthread_mutex_unlock(&l->lock);
		if (end)
			pthread_cond_signal(&l->work);
		if (end) {
			pthread_join(l->thread, NULL);
			pthread_mutex_destroy(&l->lock);
			pthread_cond_destroy(&l->work);
			free(l);
		}
		/* else: stuck in the kernel; it and its lane go with the process */
	}
	close(c->efd);
	free(c);
}

int copier_event_fd(const struct copier *c)
{
	return c->efd;
}

bool copier_collect(struct copier *c)
{
	uint64_t v = 0;
	/* told: a stuck lane drained, or a lane came free for a copy that
	 * had none */
	bool any = read(c->efd, &v, sizeof(v)) == sizeof(v) && v > 0;
	for (size_t i = 0; i < c->n; i++) {
		struct lane *l = c->lanes[i];
		pthread_mutex_lock(&l->lock);
		if (l->mm && l->drained && !l->head && !l->busy) {
			l->mm = 0;
			l->drained = false;
			any = true;
		}
		pthread_mutex_unlock(&l->lock);
	}
	return any;
}

static struct lane *stuck_lane(const struct copier *c, uint64_t mm)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->lanes[i]->mm == mm)
			return c->lanes[i];
	return NULL;
}

bool copier_stuck(const struct copier *c, uint64_t mm)
{
	return stuck_lane(c, mm) != NULL;
}

/* An idle lane (none is busy between the loop's requests unless stuck),
 * started if need be, bound to this CPU; NULL when all are stuck. */
static struct lane *idle_lane(struct copier *c)
{
	struct lane *l = NULL;
	for (size_t i = 0; i < c->n && !l; i++)
		if (!c->lanes[i]->mm && !atomic_load(&c->lanes[i]->pending))
			l = c->lanes[i];
	if (!l) {
		if (c->n == COPIER_THREADS || !(l = calloc(1, sizeof(*l)))) {
			atomic_store(&c->want_lane, true);
			return NULL;
		}
		l->c = c;
		l->cpu = -1;
		pthread_mutex_init(&l->lock, NULL);
		pthread_cond_init(&l->work, NULL);
		pthread_attr_t at;
		pthread_attr_init(&at);
		pthread_attr_setstacksize(&at, 64 * 1024);
		int e = pthread_create(&l->thread, &at, lane_main, l);
		pthread_attr_destroy(&at);
		if (e) {
			pthread_mutex_destroy(&l->lock);
			pthread_cond_destroy(&l->work);
			free(l);
			return NULL;
		}
		c->lanes[c->n++] = l;
	}
	/* Woken on the loop's CPU, the lane runs when the loop yields: a
	 * wake-up across CPUs would cost ~35 us a copy. */
	int cpu = sched_getcpu();
	pid_t kt = atomic_load(&l->ktid);
	if (cpu >= 0 && cpu < CPU_SETSIZE && kt && cpu != l->cpu) {
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		l->cpu = sched_setaffinity(kt, sizeof(one), &one) == 0 ? cpu : -1;
	}
	return l;
}

/* Signalled after the unlock: a lane woken while the lock is held would
 * run (it slept long: the scheduler lets it preempt) only to wait for
 * the lock, two switches more a request. */
static void give(struct lane *l, struct req *r)
{
	pthread_mutex_lock(&l->lock);
	push(l, r);
	pthread_mutex_unlock(&l->lock);
	pthread_cond_signal(&l->work);
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#define SPIN_NS 50000

/* Hands r to an idle lane and waits for it: true with r done (the
 * caller's to free), false when it did not end in time (the lane is now
 * mm's stuck lane and r its own) or no lane could take it (r unused). */
static bool run(struct copier *c, uint64_t mm, struct req *r, bool *taken)
{
	struct lane *l = idle_lane(c);
	*taken = l != NULL;
	if (!l)
		return false;
	l->post_mm = 0; /* its work now: this copy */
	give(l, r);
	int64_t start = now_ns(), deadline = start + (int64_t)COPIER_WAIT_MS * 1000000;
	for (;;) {
		if (atomic_load(&r->done))
			return true;
		int64_t t = now_ns();
		if (t >= deadline)
			break;
		if (t - start < SPIN_NS) {
			sched_yield();
			continue;
		}
		int64_t left = deadline - t;
		struct timespec ts = {.tv_sec = left / 1000000000, .tv_nsec = left % 1000000000};
		syscall(SYS_futex, &r->done, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
	}
	pthread_mutex_lock(&l->lock);
	bool done = atomic_load(&r->done);
	if (!done) {
		r->abandoned = true;
		l->mm = mm;
	}
	pthread_mutex_unlock(&l->lock);
	return done;
}

static struct req *req_new(enum req_op op, pid_t tid, size_t data)
{
	struct req *r = calloc(1, sizeof(*r) + data);
	if (r) {
		r->op = op;
		r->tid = tid;
		r->fd = -1;
	}
	return r;
}

ssize_t copier_read(struct copier *c, uint64_t mm, pid_t tid, void *dst, uint64_t addr,
		    size_t len, bool str)
{
	if (stuck_lane(c, mm))
		return -EDEFER;
	struct req *r = req_new(str ? REQ_READ_STR : REQ_READ, tid, len);
	if (!r)
		return -ENOMEM;
	r->addr = addr;
	r->len = len;
	bool taken;
	if (!run(c, mm, r, &taken)) {
		if (!taken)
			free(r);
		return -EDEFER;
	}
	ssize_t res = r->result;
	if (res >= 0)
		memcpy(dst, r->data, str ? (size_t)res + 1 : len);
	free(r);
	return res;
}

static struct req *write_req(pid_t tid, const struct platform_iov *iov, size_t n)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += iov[i].len;
	struct req *r = req_new(REQ_WRITE, tid, total);
	if (!r)
		return NULL;
	r->n = n;
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		memcpy(r->data + off, iov[i].src, iov[i].len);
		r->iov[i] = (struct platform_iov){iov[i].addr, r->data + off, iov[i].len};
		off += iov[i].len;
	}
	return r;
}

int copier_writev(struct copier *c, uint64_t mm, pid_t tid, const struct platform_iov *iov,
		  size_t n)
{
	if (n > 8)
		return -EINVAL;
	struct req *r = write_req(tid, iov, n);
	if (!r)
		return -ENOMEM;
	struct lane *l = stuck_lane(c, mm);
	if (l) {
		give(l, r);
		return COPIER_QUEUED;
	}
	bool taken;
	if (!run(c, mm, r, &taken)) {
		if (taken)
			return COPIER_QUEUED; /* the lane finishes it */
		free(r);
		return -EDEFER;
	}
	int res = (int)r->result;
	free(r);
	return res;
}

int copier_post(struct copier *c, struct copier_call *cc, uint64_t mm, pid_t tid,
		const struct platform_iov *iov, size_t n)
{
	if (n > 8)
		return -EINVAL;
	struct lane *l = cc->lane ? cc->lane : stuck_lane(c, mm);
	for (size_t i = 0; i < c->n && !l; i++)
		if (c->lanes[i]->post_mm == mm && (!c->lanes[i]->mm || c->lanes[i]->mm == mm) &&
		    atomic_load(&c->lanes[i]->pending))
			l = c->lanes[i];
	if (!l)
		l = idle_lane(c);
	/* Every lane taken: behind the least busy one, slower for this
	 * process, never a wait for the loop. */
	struct lane *least = NULL;
	for (size_t i = 0; i < c->n && !l; i++)
		if (!least || atomic_load(&c->lanes[i]->pending) < atomic_load(&least->pending))
			least = c->lanes[i];
	if (!l && !(l = least))
		return -EDEFER; /* no thread could be made at all */
	l->post_mm = mm;
	struct req *r = write_req(tid, iov, n);
	if (!r)
		return -ENOMEM;
	r->answered = r->posted = true;
	give(l, r);
	cc->lane = l;
	return COPIER_QUEUED;
}

int copier_reply(struct copier *c, struct copier_call *cc, uint64_t mm, pid_t tid, uint64_t id,
		 long ret, int fd, unsigned fd_flags)
{
	struct lane *l = cc->lane ? cc->lane : stuck_lane(c, mm);
	struct req *r = req_new(REQ_REPLY, tid, 0);
	if (!r) {
		if (fd >= 0)
			close(fd);
		return -ENOMEM;
	}
	r->id = id;
	r->ret = ret;
	r->fd = fd;
	r->fd_flags = fd_flags;
	if (!l) {
		/* drained meanwhile: answer here, as the lane would */
		l = &(struct lane){.c = c};
		serve(l, r);
		req_free(r);
		return 0;
	}
	give(l, r);
	return 0;
}
