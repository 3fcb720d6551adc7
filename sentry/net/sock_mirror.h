/* Binding a unix socket under the program's own name.
 *
 * The kernel keeps the string bind was given as the socket's address and
 * reports it everywhere (getsockname, getpeername, accept, recvfrom). So
 * the sentry binds the program's socket from a helper process whose root
 * is a fresh directory of the scratch dir (chroot: directly with
 * CAP_SYS_CHROOT, else in a user namespace of its own), with the
 * program's path, directories made as needed: the socket lives in the
 * scratch dir, and its address is the program's, with nothing to
 * translate. The sentry reaches it by an O_PATH fd on it. */
#ifndef VEIL_SENTRY_SOCK_MIRROR_H
#define VEIL_SENTRY_SOCK_MIRROR_H

/* Binds `host` to `path` as if `root` (a directory the sentry made) were
 * / and `cwd` (absolute, for a relative path) the cwd. Returns an O_PATH
 * fd (close-on-exec) on the socket inode, -EPERM when no chroot is
 * possible here (the caller falls back to a scratch path), or the bind's
 * -errno (EINVAL: bound already). */
int sock_mirror_bind(int host, const char *root, const char *cwd, const char *path);

#endif
