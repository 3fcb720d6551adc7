/* The host devices a sandbox may open: the ones bubblewrap's --dev gives
 * (null, zero, full, random, urandom, tty), known by their device number,
 * never by a path the program named; and its console, the terminal on
 * the sentry's stdout. */
#ifndef VEIL_SENTRY_DEVICES_H
#define VEIL_SENTRY_DEVICES_H

#include <sys/stat.h>
#include <sys/types.h>

struct sentry;

/* Opens the host device behind a VFS device node `st` with the program's
 * open `flags` (access mode, O_APPEND, O_NONBLOCK, O_NOCTTY kept) for task
 * `tid`: /dev/tty is that task's controlling terminal (-ENXIO without
 * one), not the sentry's. An fd (close-on-exec, the caller's), -EOPNOTSUPP
 * for a device veil does not pass through, or the host open's -errno. */
int device_open(const struct stat *st, int flags, pid_t tid);

/* Opens again the char device behind the sentry's own O_PATH fd
 * `path_fd` (through /proc/self/fd: exactly that inode, never what a name
 * leads to now) with the access mode, O_APPEND and O_NONBLOCK of `flags`,
 * O_NOCTTY and O_CLOEXEC, and checks it is still (rdev, ino). An fd,
 * -ENXIO, or the open's -errno (EIO for a locked pty slave). */
int device_reopen(int path_fd, int flags, dev_t rdev, ino_t ino);

/* The console, as the kernel backend binds it: the terminal on the
 * sentry's stdout, if there is one (ttyname(1)). device_console_host()
 * finds it once and keeps an O_PATH fd on it: 0 with its host stat in
 * *ret, -ENOTTY when stdout is no terminal. device_console_node() names
 * the VFS node that stands for it (st of the node, at `path`): only that
 * node opens it. */
int device_console_host(struct stat *ret);
void device_console_node(const struct stat *node, const char *path);
/* Makes the program's fds on that terminal (inherited: the sentry did not
 * hand them over) stand for the console node in the fd map, so fstat of
 * them and stat of /dev/console agree and ttyname() finds it, as under
 * the kernel backend's bind. 0, or -errno. */
int device_console_map(struct sentry *s);

#endif
