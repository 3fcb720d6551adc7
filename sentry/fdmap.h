/* The program's open files by host identity. Every fd the program holds is
 * a real fd; for one the sentry handed over, (st_dev, st_ino) of the host
 * object behind it names the VFS file it stands for. The map keeps one
 * reference on one VFS file per host object, so metadata calls on the fd
 * (fstat, ftruncate...) reach the VFS inode even after its last name is
 * gone. */
#ifndef VEIL_SENTRY_FDMAP_H
#define VEIL_SENTRY_FDMAP_H

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

#endif
