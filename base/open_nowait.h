/* Opens the sentry makes on files the program can lease. */
#ifndef VEIL_BASE_OPEN_NOWAIT_H
#define VEIL_BASE_OPEN_NOWAIT_H

/* openat(dir, name, flags) that never waits: a lease another process
 * holds on the file (the program may F_SETLEASE its own files) makes an
 * open that breaks it wait up to lease-break-time (45 s), and a
 * terminal's open may wait for a carrier. With O_NONBLOCK in flags:
 * -EWOULDBLOCK where it would wait. Without: one tick of a waiting open,
 * kicked (kick.h), then -EINTR, what the kernel's waiting open gives when
 * a signal cuts it short; the fd comes back without O_NONBLOCK. A fd
 * number, or -errno. */
int openat_nowait(int dir, const char *name, int flags);

#endif
