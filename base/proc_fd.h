/* Reopening an fd's file through procfs: a new open file on the same
 * object, with flags of the caller's choosing (the kernel checks them
 * against the inode, as for a path open). */
#ifndef VEIL_BASE_PROC_FD_H
#define VEIL_BASE_PROC_FD_H

/* open("/proc/self/fd/<fd>", flags), through a kept fd on this
 * process's /proc/self/fd: a fd number, or -errno. It never waits (a
 * lease, a terminal's carrier): where the open would, -EWOULDBLOCK with
 * O_NONBLOCK in flags, else -EINTR. */
int proc_fd_reopen(int fd, int flags);

#endif
