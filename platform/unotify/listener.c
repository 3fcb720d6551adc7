/* Loads the sentry's filter and returns its listener, with the waits of
 * the notifications the sentry has received made killable only
 * (SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, Linux 5.19).
 *
 * Why: without it a signal takes the task out of its wait even while the
 * sentry answers, and the kernel's wait returns -ERESTARTSYS although the
 * answer went through (seccomp_do_user_notification leaves on the
 * interrupted wait without looking at the reply): the call the sentry
 * made — a datagram sent, one taken off a queue, a directory made — ran
 * once for the sentry and again when the task restarts it (a UDP
 * ping-pong under a signal every millisecond lost or doubled a message in
 * ~1 run of 3). With killable waits an answer always lands or the task is
 * dead; a wait the sentry makes long (a waiter's blocking call) ends on a
 * signal the task would take because the waiter answers -ERESTARTSYS
 * itself (sentry/net/sock_wait.c, sentry_wait_goes_on).
 *
 * libseccomp 2.5 has no attribute for the flag: the filter is exported as
 * BPF and loaded with seccomp(2) here. Older kernels refuse the flag
 * (EINVAL), and get the filter without it. */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "platform/unotify/unotify_private.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

int unotify_load_filter(scmp_filter_ctx ctx, bool *killable)
{
	_cleanup_close_ int mfd = memfd_create("veil-filter", MFD_CLOEXEC);
	if (mfd < 0)
		return -errno;
	int r = seccomp_export_bpf(ctx, mfd);
	if (r < 0)
		return r;
	struct stat st;
	if (fstat(mfd, &st) < 0)
		return -errno;
	if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) ||
	    st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return -E2BIG;
	_cleanup_free_ struct sock_filter *insns = malloc((size_t)st.st_size);
	if (!insns)
		return -ENOMEM;
	if (pread(mfd, insns, (size_t)st.st_size, 0) != st.st_size)
		return -EIO;
	struct sock_fprog prog = {.len = (unsigned short)(st.st_size / sizeof(struct sock_filter)),
				  .filter = insns};
	*killable = true;
	long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			  SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
			  &prog);
	if (fd < 0 && errno == EINVAL) {
		*killable = false;
		fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			     SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	}
	return fd < 0 ? -errno : (int)fd;
}
