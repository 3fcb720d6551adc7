/* Copies of a tracee's memory that the event loop waits for a bounded
 * time only (docs/sentry.md, "The program's mmap_lock").
 *
 * process_vm_readv/writev take the tracee's mmap_lock for reading, not
 * killably, and a program whose address space has several users (its
 * threads) holds that lock for seconds at will while another of its
 * threads queues for it in write mode. A task alone in its address space
 * cannot: it is in the trapped call. So the platform copies inline for
 * such a task, and through a copier for the others: a thread, bound to the
 * loop's CPU (a handoff costs ~3 us there, ~35 us across CPUs), that makes
 * the copy while the loop waits up to COPIER_WAIT_MS. A copy that takes
 * longer goes on in that thread, which becomes the address space's
 * stuck lane:
 *   - a read then fails with -EDEFER, and so does every later read for
 *     that address space, at once, until the lane has drained: the
 *     platform keeps the call and runs it again from the start then
 *     (handlers read before they act: sentry/platform.h);
 *   - a write, and the answer after it, queue on the lane in order
 *     (COPIER_QUEUED): the call's work is done, its results reach the
 *     program when the lock lets them.
 * A notification's writes are never waited for (copier_post): they and
 * the answer go to a lane, which makes them once the loop goes on (one
 * handoff less a call; the loop's CPU runs the lane when it sleeps).
 * A drained lane makes copier_event_fd() readable.
 *
 * Threads: the loop alone calls these functions; each copier thread only
 * copies into or out of its own requests and sends the answers queued on
 * it (two ioctls on the listener, which are thread-safe). */
#ifndef VEIL_PLATFORM_COPIER_H
#define VEIL_PLATFORM_COPIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sentry/platform.h"

/* Honest copies take ~1 us; one that waits for the lock costs the loop
 * this once per lock episode, and a deferred call only its re-run. */
#define COPIER_WAIT_MS 5
/* Copier threads at most (stuck lanes and idle ones): with every one
 * stuck, a copy for another address space defers at once. */
#define COPIER_THREADS 64
/* A write (or an answer) queued behind a stuck lane. */
#define COPIER_QUEUED 1

struct copier;

/* A copier for the calls of seccomp listener `listener` (-1: no answers
 * are queued). NULL on ENOMEM. Threads start as needed. */
struct copier *copier_new(int listener);
/* Ends the threads that are not stuck; the stuck ones are left to end
 * when their copy does (the process is ending). */
void copier_free(struct copier *c);
/* Readable (an eventfd) when a stuck lane has drained. */
int copier_event_fd(const struct copier *c);
/* After copier_event_fd() was readable: forgets the drained lanes (their
 * threads serve again). true if any was. */
bool copier_collect(struct copier *c);
/* False in a child forked from the process that made the copier (the
 * sentry's waiters), which has none of its threads: a waiter, which may
 * wait, copies inline. */
bool copier_usable(const struct copier *c);
/* Whether address space `mm` has a stuck lane. */
bool copier_stuck(const struct copier *c, uint64_t mm);

/* Reads `len` bytes at `addr` of task `tid` (address space `mm`) into
 * dst, or with `str` a NUL-terminated string of at most `len` bytes (its
 * length): tracee_read's and tracee_read_str's results, or -EDEFER. */
ssize_t copier_read(struct copier *c, uint64_t mm, pid_t tid, void *dst, uint64_t addr,
		    size_t len, bool str);
/* A write the caller waits for as for a read (a ptrace stop's): its
 * result, or COPIER_QUEUED (the data was copied; it is made when the lane
 * gets there). */
int copier_writev(struct copier *c, uint64_t mm, pid_t tid, const struct platform_iov *iov,
		  size_t n);

/* A notification's writes and answer, which the loop does not wait for:
 * the lane they went to. Zeroed for each call. */
struct copier_call {
	void *lane;
};
/* Posts a write of a notification's results: made on a copier thread,
 * after the loop has gone on (behind a stuck lane for mm, else on an
 * idle one), always COPIER_QUEUED; the call's answer goes the same way
 * (copier_reply), EFAULT if the write faults. With every lane taken, it
 * waits behind the least busy one (never the loop). -EDEFER only when no
 * thread could be made at all: the caller writes itself. */
int copier_post(struct copier *c, struct copier_call *cc, uint64_t mm, pid_t tid,
		const struct platform_iov *iov, size_t n);
/* copier_reply's `ret` for an answer that lets the kernel run the call
 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE). */
#define COPIER_CONTINUE (-(long)0x7fffffff)
/* The answer to notification `id` of task `tid`, after the writes queued
 * on mm's lane: `ret` as platform_ops.reply's (-EFAULT instead of a
 * value >= 0 when one of those writes faulted), or with fd >= 0 that fd
 * (the copier's now: it closes it) handed over as ADDFD with SEND and
 * `fd_flags`. 0, or -ENOMEM (the answer is lost: the caller kills the
 * task). */
int copier_reply(struct copier *c, struct copier_call *cc, uint64_t mm, pid_t tid, uint64_t id,
		 long ret, int fd, unsigned fd_flags);

#endif
