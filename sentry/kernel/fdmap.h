/* The program's open files by host identity. Every fd the program holds is
 * a real fd; for one the sentry handed over, (st_dev, st_ino) of the host
 * object behind it names the VFS file it stands for. The map keeps one
 * reference on one VFS file per host object, so metadata calls on the fd
 * (fstat, ftruncate...) reach the VFS inode even after its last name is
 * gone, until a sweep finds no fd of the program holds it. */
#ifndef VEIL_SENTRY_FDMAP_H
#define VEIL_SENTRY_FDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct vfs_file;
struct fdmap;

struct fdmap *fdmap_new(void);
void fdmap_free(struct fdmap *m);
/* Once the entry goes, nothing but the program's fds reaches (dev, ino):
 * a shadow (sentry/kernel/shadow.c, removed by the same sweep), a proc file's
 * snapshot (vfs_file_is_snapshot). Such an fd holds an empty stand-in or
 * a sealed copy that names no VFS file: no tombstone is kept for it. */
#define FDMAP_UNNAMED 0x1
/* Records `f` for (dev, ino) (taking a reference) unless a file is
 * recorded there already; an O_PATH file recorded there gives way to a
 * real open. `flags`: FDMAP_*. 0 or -ENOMEM. */
int fdmap_add(struct fdmap *m, dev_t dev, ino_t ino, struct vfs_file *f, unsigned flags);
/* The VFS file for (dev, ino), borrowed, or NULL. */
struct vfs_file *fdmap_find(struct fdmap *m, dev_t dev, ino_t ino);

/* Garbage collection: the program closes fds natively, so the sentry
 * learns what is still open only by looking (sentry.c). Between
 * fdmap_mark_begin() and fdmap_sweep(), fdmap_mark() the objects some fd
 * still holds; the sweep lets every other entry's VFS file go. It keeps
 * the identity (a tombstone: no fd, a few bytes) only of a host object the
 * program could still reach outside the VFS (a hostfs file, a device): an
 * unnamed object (FDMAP_UNNAMED) names nothing once the entry goes, and a
 * tmpfs file's private backing object is known to the VFS for as long as
 * its inode lives (vfs_host_is_private). */
size_t fdmap_size(const struct fdmap *m);
/* The tombstones kept: what the map holds beyond fdmap_size. */
size_t fdmap_tombstones(const struct fdmap *m);
/* Whether (dev, ino) is a VFS file's host object that the map no longer
 * holds: a tombstone, or a live tmpfs inode's backing object
 * (vfs_host_is_private). An fd for it can still turn up (one passed in a
 * unix socket's queue is in no fd table, one moved by another thread
 * while the sweep read the table): it must not then count as the
 * program's own object. */
bool fdmap_was_vfs(struct fdmap *m, dev_t dev, ino_t ino);
void fdmap_mark_begin(struct fdmap *m);
void fdmap_mark(struct fdmap *m, dev_t dev, ino_t ino);
void fdmap_sweep(struct fdmap *m);
/* Between mark_begin and sweep: whether (dev, ino) was marked. */
bool fdmap_marked(struct fdmap *m, dev_t dev, ino_t ino);

#endif
