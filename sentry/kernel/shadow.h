/* Shadows: the real objects behind fds the VFS has no host fd for.
 *
 * A program's fd must be a real fd. For a regular file the VFS has one (a
 * memfd, a host file); for a directory, or any O_PATH open, the sentry
 * hands over a *shadow* instead: an empty directory (or empty file) in the
 * sentry's private scratch directory, one per VFS object, whose
 * (st_dev, st_ino) the fd map ties to the VFS file it stands for. The
 * program can hold, dup, pass and close it natively; everything it asks of
 * it comes back to the sentry (getdents64, fchdir, *at lookups, fstat).
 * A directory shadow's own file position is the getdents cursor. */
#ifndef VEIL_SENTRY_SHADOW_H
#define VEIL_SENTRY_SHADOW_H

#include <stdbool.h>
#include <sys/stat.h>

#include "vfs/vfs.h"

struct shadows;

/* Makes the private scratch directory (mode 0700, under $VEIL_SCRATCH,
 * /dev/shm or /tmp), with a reaper that removes it should veil end
 * without shadows_free (sentry/kernel/scratch.h). 0 or -errno. */
int shadows_new(struct shadows **ret);
/* Removes every shadow, whatever else is in the scratch directory, and
 * the directory. */
void shadows_free(struct shadows *sh);

/* An fd (close-on-exec, the caller's) on the shadow of `loc`, created on
 * first use: a directory when `dir`, else an empty file; opened with
 * `flags` (O_RDONLY|O_DIRECTORY, or O_PATH). *st gets the shadow's stat as
 * at its creation (its dev and ino are what name it; nothing else of it
 * changes, as only the sentry writes the scratch directory). -errno on
 * failure. */
int shadow_open(struct shadows *sh, const struct vfs_path *loc, bool dir, int flags,
		struct stat *st);

/* Whether `st` (an fstat of a program's fd) is one of the live shadows:
 * the program then holds a stand-in, not the object itself. */
bool shadow_is(const struct shadows *sh, const struct stat *st);

/* Removes every shadow whose real object `alive` says no fd holds any
 * more, and lets go of its VFS location, so the shadows (and the host
 * objects their locations pin) stay as many as the program's open
 * directories, not as many as it ever opened. */
void shadows_sweep(struct shadows *sh, bool (*alive)(void *ctx, dev_t dev, ino_t ino),
		   void *ctx);

/* A fresh path in the scratch directory for a unix socket the sentry binds
 * on the program's behalf (the kernel needs a real path); `buf` gets it
 * (at most 108 bytes, sun_path's size: when the scratch directory's path
 * is too long for that, a /proc/self/fd path through its fd, valid in the
 * sentry's process and the children it forks). Removed with the scratch
 * directory. 0 or -errno (ENAMETOOLONG if `size` is too small even so). */
int shadow_socket_path(struct shadows *sh, char *buf, size_t size);

/* Creates (or opens) the file `name` in the scratch directory for the
 * sentry's own records (O_WRONLY|O_APPEND, close-on-exec, mode 0600):
 * an fd, the caller's, or -errno. Removed with the directory. */
int shadow_scratch_file(struct shadows *sh, const char *name);

/* A new directory in the scratch directory for a tmpfs instance's data
 * files (fs/tmpfs/data.c: one file per regular file with data, opened by
 * name when needed): an O_PATH fd on it, the caller's. Emptied and removed
 * with the scratch directory. An fd or -errno. */
int shadow_data_dir(struct shadows *sh);

#endif
