/* hostfs: a bind of a host directory tree into the VFS.
 *
 * The instance holds an O_PATH fd on the host source. Every lookup is one
 * component, `openat2(dir, name, O_PATH|O_NOFOLLOW, RESOLVE_BENEATH |
 * RESOLVE_NO_MAGICLINKS)` from the parent's fd, and ".." and symlinks are
 * the VFS walk's business (the VFS reads host links with readlinkat and
 * walks them inside the sandbox), so no host symlink, ".." or magic link
 * can lead outside the bound tree. Host owners are mapped as a user
 * namespace maps them: host_uid/host_gid show as uid/gid, every other id
 * as 65534 (and capabilities do not override their permissions). A
 * read-only instance refuses every change with EROFS. Cached names are
 * revalidated on every walk: by the host, or without a host call while
 * inotify reports no change that could affect them (watch.c,
 * docs/vfs.md). */
#ifndef VEIL_FS_HOSTFS_H
#define VEIL_FS_HOSTFS_H

#include <stdbool.h>
#include <sys/types.h>

#include "vfs/vfs.h"

#define HOSTFS_OVERFLOW_ID 65534

struct hostfs_opts {
	const char *source; /* host path, resolved on the host (trusted config) */
	bool rdonly;
	uid_t host_uid, uid; /* the one host uid that is mapped, and to what */
	gid_t host_gid, gid;
	/* Every id maps to itself (host_uid/uid and host_gid/gid unused): the
	 * view of a process in the initial user namespace, which a root
	 * caller's kernel-backend sandbox without --unshare-user has. */
	bool identity;
	/* How long a cached directory stays trusted without asking the host
	 * or reading its change notifications (ms): host changes to
	 * directories may go unseen that long. 0 (the default): none, every
	 * change is seen by the next walk. Other kinds are always checked. */
	unsigned dir_ttl_ms;
	/* Ask the host about every cached component on every walk, even
	 * where inotify would say nothing changed (benchmarks, tests). */
	bool strict;
};

/* Revalidations of cached names so far, all instances: confirmed by a
 * host fstatat, or trusted because no host change was reported. */
struct hostfs_stats {
	unsigned long strict, trusted;
};
void hostfs_get_stats(struct hostfs_stats *ret);

/* Gives up the process's inotify instance, for a process about to exit:
 * returns its fd, now the caller's (-1 if there is none), and every
 * instance is strict from then on. The kernel's teardown of an instance
 * that has (or just had) watches waits for its mark reaper, an SRCU grace
 * period (7-20 ms on this project's VM): the caller can let another
 * process pay that (sentry_watches_release). */
int hostfs_watch_release(void);

/* Host filesystems hostfs never serves: a procfs. Its files mean what
 * they mean to their opener (/proc/self, /proc/<pid>/mem, environ, fd/
 * and every access check there are the caller's): opened by the sentry
 * on the program's behalf, they would be the sentry's, with its
 * privileges (a confused deputy). An instance refuses such a source
 * (EACCES), and a lookup that crosses into one (a host mount under the
 * bound tree, made before or after the start) meets an empty, sealed
 * directory that no host object stands behind (a non-directory:
 * EACCES). The sandbox's own proc is mounted there instead
 * (sentry/kernel/vfs_setup.c). */
bool hostfs_refused_fs(unsigned long f_type);

/* Hides a host directory (dev, ino) from every instance: a lookup that
 * finds it meets a sealed, empty directory instead, as a procfs crossing
 * does. For veil's own scratch directory (shadows, tmpfs data, bound
 * sockets), which lives on a host filesystem a bind may show (/dev/shm
 * under `--ro-bind / /` or `--dev-bind /dev /dev`): through it the program
 * would reach its tmpfs files' data with the host's modes, not the
 * sandbox's. 0, or -ENOSPC past a handful. */
int hostfs_hide(dev_t dev, ino_t ino);

/* A new instance with one reference for the caller. Errnos: those of
 * opening source (ENOENT, EACCES, ENOTDIR...), EACCES for a source on a
 * filesystem hostfs_refused_fs names, ENOMEM. */
int hostfs_new(const struct hostfs_opts *opts, struct vfs_sb **ret);

#endif
