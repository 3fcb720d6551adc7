/* The sentry's scratch directory, and the reaper that removes it however
 * veil ends.
 *
 * veil's scratch directory (shadows, bound sockets, data files) is on a
 * host filesystem, /dev/shm or /tmp, that outlives veil: a veil killed
 * with SIGKILL cannot clean up after itself. So the directory is made by
 * a *reaper*, a small process outside the sandbox that waits for veil to
 * end, however it ends, and then removes what is left.
 *
 * Why a process, and not an unlinked directory used by fd: Linux refuses
 * new entries in a directory once it is removed (rmdir marks it dead:
 * ENOENT), and a shadow must be a directory, a bound socket needs a name.
 * O_TMPFILE files and memfds cover regular files only. A detached tmpfs
 * (fsmount) would vanish with its last fd, but making one needs a user
 * namespace, which the emulate backend must do without. Only something
 * that outlives veil can remove a tree veil can no longer remove.
 *
 * The reaper is veil's child, in a session and process group of its own
 * (a kill of veil's group does not reach it; veil's waitpid(-1) never
 * sees it exit, as it outlives veil), ignores every signal it can, is not
 * dumpable (no ptrace, /proc/<pid>/mem, pidfd_getfd by the same uid),
 * and holds nothing but a pidfd on veil, an O_PATH fd on the directory's
 * parent and an fd on the directory: not veil's stdio, not the sandbox's
 * terminal, no fd of the program. It makes the directory itself, after its pidfd on
 * veil is taken, so no instant exists where the directory is there and no
 * one is bound to remove it. When the pidfd says veil has exited, it
 * empties the directory by fd (base/rmtree.c: no path resolved again, no
 * symlink followed), removes it from its parent if the name there is
 * still that directory, and exits. A normal exit does not wait for it:
 * veil removes everything itself, and the reaper then finds the directory
 * already gone. The program cannot reach it: it is not in the sandbox's
 * /proc, every call that names a pid fails with ESRCH for it
 * (sentry/sys/sys_procs.c), and Landlock's signal scope keeps signals in. */
#ifndef VEIL_SENTRY_SCRATCH_H
#define VEIL_SENTRY_SCRATCH_H

#include <stddef.h>
#include <stdio.h>

/* Makes a directory `prefix`XXXXXX (mode 0700) under the first of the n
 * `bases` where that works, with its reaper. Returns an fd on it
 * (O_RDONLY|O_DIRECTORY|O_CLOEXEC) and its path in `path`, or -errno. */
int scratch_make(const char *const *bases, size_t n, const char *prefix, char *path,
		 size_t size);
/* For the reaper: the sentry's record `name` in the directory `dirfd`,
 * opened for reading (never through a symlink), or NULL. */
FILE *scratch_log_open(int dirfd, const char *name);

#endif
