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
/* Records `f` for (dev, ino) (taking a reference) unless a file is
 * recorded there already; an O_PATH file recorded there gives way to a
 * real open. 0 or -ENOMEM. */
int fdmap_add(struct fdmap *m, dev_t dev, ino_t ino, struct vfs_file *f);
/* The VFS file for (dev, ino), borrowed, or NULL. */
struct vfs_file *fdmap_find(struct fdmap *m, dev_t dev, ino_t ino);

/* Garbage collection: the program closes fds natively, so the sentry
 * learns what is still open only by looking (sentry.c). Between
 * fdmap_mark_begin() and fdmap_sweep(), fdmap_mark() the objects some fd
 * still holds; the sweep lets every other entry's VFS file go, keeping
 * only its identity (a tombstone: no fd, a few bytes). */
size_t fdmap_size(const struct fdmap *m);
/* Whether (dev, ino) was a VFS file that a sweep let go. An fd for it can
 * still turn up (one passed in a unix socket's queue is in no fd table):
 * it must not then count as the program's own object. */
bool fdmap_was_vfs(struct fdmap *m, dev_t dev, ino_t ino);
void fdmap_mark_begin(struct fdmap *m);
void fdmap_mark(struct fdmap *m, dev_t dev, ino_t ino);
void fdmap_sweep(struct fdmap *m);
/* Between mark_begin and sweep: whether (dev, ino) was marked. */
bool fdmap_marked(struct fdmap *m, dev_t dev, ino_t ino);

#endif
