/* Reading a host file whose read may wait for a lock the program holds.
 *
 * The host's /proc/<pid>/cmdline, environ, smaps and smaps_rollup read
 * the task's memory or walk its page tables under its mmap_lock (taken
 * for reading; killable, so only a fatal signal ends the wait). A program
 * holds that lock for seconds at will (MADV_POPULATE_READ over gigabytes
 * of zero pages, while another of its threads queues for it in write mode
 * with mprotect), and the sentry's event loop is one thread: such a read
 * on it would stop every trapped call of every task (docs/sentry.md).
 *
 * read_bounded() makes the read on a thread of its own and waits for it
 * up to READ_BOUNDED_MS. A read that takes longer is abandoned: its thread
 * goes on waiting in the kernel and frees what it read when it is done;
 * the caller gets -EAGAIN. At most READ_BOUNDED_STUCK such threads exist
 * at a time: while that many are still waiting, every read fails with
 * -EAGAIN at once, so the loop waits READ_BOUNDED_MS per read at most,
 * and at most READ_BOUNDED_STUCK times until one of them is done.
 *
 * Thread safety: any thread may call it (the loop does). The reader
 * threads block every signal and only open, read, close, malloc and free. */
#ifndef VEIL_BASE_READ_BOUNDED_H
#define VEIL_BASE_READ_BOUNDED_H

#include <stddef.h>
#include <sys/types.h>

#define READ_BOUNDED_MS 100
#define READ_BOUNDED_STUCK 4

/* Reads all of file `path` (at most `max` bytes; the rest is left unread)
 * into a malloc'd, NUL-terminated buffer at *ret, opened with
 * O_RDONLY | O_CLOEXEC | `oflags`. Returns its length, or -errno of the
 * open or the read, -ENOMEM, or -EAGAIN (the read did not end in time, or
 * READ_BOUNDED_STUCK earlier ones are still waiting). *ret is set only on
 * success; the caller frees it. */
ssize_t read_bounded(const char *path, int oflags, size_t max, char **ret);

/* The same, made by the calling thread, whatever it waits for. */
ssize_t read_whole(const char *path, int oflags, size_t max, char **ret);

/* Reader threads that have not finished yet (abandoned ones included):
 * for tests. */
unsigned read_bounded_busy(void);

#endif
