/* Closing the sentry's copies of objects the program controls.
 *
 * A close can wait: the last close of a TCP socket with SO_LINGER {1, N}
 * and unsent data waits up to N seconds (N an int), a terminal's can wait
 * for its output to drain. The program decides both, and makes the
 * sentry's close the last one by closing its own fd while the sentry holds
 * a copy (pidfd_getfd). The event loop is one thread, so such a close on
 * it would stop every trapped call of every task, and the signals veil
 * forwards (SIGTERM) with them.
 *
 * closer_close() closes at once what can never wait (a directory, a
 * regular file, a pipe or FIFO, a unix, netlink, packet or datagram
 * socket, a memory device). An inet stream socket, whose only wait is the
 * linger's interruptible sleep, is closed on the loop too, with a timer
 * that signals the loop out of that sleep every few ms (base/kick.h):
 * the socket goes on sending on its own, as after the program's own
 * close, which had returned at once. Anything else (a
 * terminal, an anonymous inode, another family) goes to a closer thread,
 * and the caller waits for that close up to CLOSER_WAIT_MS, so that what
 * the program does after its call finds it done, as with the kernel's
 * own; a thread still closing is kicked the same way. A close no signal
 * ends keeps its thread: up to CLOSER_THREADS threads, each with one close
 * at a time; when all are busy, fds queue (up to CLOSER_QUEUE) for the
 * first to finish, unwaited. Near that bound closer_jammed() says so, and
 * the platform takes no new copy until closes drain: the calls that need
 * one fail with ENFILE rather than the sentry running out of fds.
 *
 * Thread safety: closer_* may be called from the loop's thread only (one
 * caller); an fd handed over is never used by the caller again. The
 * threads block every signal but the kick's (base/kick.h) and only ever
 * call close(). A child forked by the loop must not call closer_* (a
 * thread may hold the lock). */
#ifndef VEIL_BASE_CLOSER_H
#define VEIL_BASE_CLOSER_H

#include <errno.h>
#include <stdbool.h>
#include <sys/stat.h>

#define CLOSER_THREADS 4
#define CLOSER_QUEUE 1024
#define CLOSER_WAIT_MS 50

/* Closes `fd`, a copy of an object the program controls (or any fd whose
 * close may wait); fstat() tells what it is. The caller gives fd up. */
void closer_close(int fd);
/* The same when the caller has fd's fstat. */
void closer_close_st(int fd, const struct stat *st);
/* Whether no copy may be taken now: every thread is busy and the queue
 * has no room for what one call may take (SCM_RIGHTS: 253 fds). */
bool closer_jammed(void);

static inline void closer_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		closer_close(*fd);
		errno = saved;
	}
}

/* A variable holding a copy of a program's fd: closed by closer_close. */
#define _cleanup_copy_ __attribute__((cleanup(closer_closep)))

#endif
