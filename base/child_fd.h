/* Work done in a short-lived child that hands back one fd: for what the
 * caller cannot do in its own process (chroot, a user namespace of its
 * own) but whose result, an fd, it keeps. */
#ifndef VEIL_BASE_CHILD_FD_H
#define VEIL_BASE_CHILD_FD_H

/* Runs fn(arg) in a forked child, killed should the caller die first. fn
 * returns an fd (sent back over a unix socket, close-on-exec on arrival)
 * or -errno. Returns that fd, or the -errno (fn's, or fork's/the
 * socket's; -EIO when the child died without answering). The child is
 * reaped before this returns. */
int child_fd(int (*fn)(void *arg), void *arg);

/* The two halves, for a child that goes on after it answered (the
 * scratch directory's reaper). child_fd_send: sends `fd` over the
 * SOCK_SEQPACKET socket `sock`, or, when fd is -errno, that error; 0 or
 * -errno. child_fd_recv: the fd received (close-on-exec), or the -errno
 * sent, or -EIO when nothing came. */
int child_fd_send(int sock, int fd);
int child_fd_recv(int sock);

#endif
