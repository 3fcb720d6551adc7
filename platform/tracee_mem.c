#include "platform/tracee_mem.h"

#include "base/log.h"
#include "sentry/platform.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096u

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL /* linux/pidfd.h, 6.9+ */
#endif

/* The program can make a copy wait: process_vm_readv and writev take the
 * tracee's mmap_lock for reading, not killably, and the program holds it
 * for seconds at will while another of its threads queues for it in write
 * mode. The unotify platform's notifications copy through the copier for
 * such a task (platform/copier.h); what is still copied inline on the loop
 * for one (the TRACE class's copies and those at ptrace stops: docs/
 * sentry.md, "The program's mmap_lock") makes every task of the sandbox
 * wait, and the sentry says so, at most once every WARN_EVERY_MS. Timed with the coarse clock:
 * a few ns a copy (vDSO), a tick's resolution, enough for WAIT_WARN_MS. */
#define WAIT_WARN_MS 250
#define WARN_EVERY_MS 10000

static int64_t coarse_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Set on the copier's threads (platform/copier.c), whose waits stop no
 * one but the task they copy for. */
static __thread bool untimed;

void tracee_mem_untimed(void)
{
	untimed = true;
}

static void waited(pid_t tid, int64_t since)
{
	static bool said;
	if (untimed)
		return;
	static int64_t said_at;
	int64_t now = coarse_ms();
	if (now - since < WAIT_WARN_MS || (said && now - said_at < WARN_EVERY_MS))
		return;
	said = true;
	said_at = now;
	log_warn("copying task %d's memory waited %lld ms, most likely for its mmap_lock, "
		 "which the program held; every task of the sandbox waited meanwhile",
		 (int)tid, (long long)(now - since));
}

/* process_vm_readv, or writev if `write`, timed. */
static ssize_t copy(pid_t tid, const struct iovec *local, const struct iovec *remote, size_t n,
		    bool write)
{
	int64_t t0 = coarse_ms();
	ssize_t r = write ? process_vm_writev(tid, local, n, remote, n, 0)
			  : process_vm_readv(tid, local, n, remote, n, 0);
	int e = errno;
	waited(tid, t0);
	errno = e;
	return r;
}

/* process_vm_readv reports a partial copy when it meets an unmapped page;
 * a short count of a read we need whole is a fault. */
static int map_errno(ssize_t n, size_t want)
{
	if (n < 0)
		return errno == ESRCH ? -ESRCH : -EFAULT;
	return (size_t)n == want ? 0 : -EFAULT;
}

int tracee_read(pid_t tid, void *dst, uint64_t addr, size_t len)
{
	if (len == 0)
		return 0;
	if (addr + len < addr)
		return -EFAULT;
	struct iovec local = {.iov_base = dst, .iov_len = len};
	struct iovec remote = {.iov_base = (void *)(uintptr_t)addr, .iov_len = len};
	return map_errno(copy(tid, &local, &remote, 1, false), len);
}

ssize_t tracee_read_str(pid_t tid, char *dst, uint64_t addr, size_t size)
{
	size_t got = 0;
	if (size == 0)
		return -ENAMETOOLONG;
	/* Read up to the end of each page at a time: the string may end just
	 * before an unmapped page, which a larger read would fault on. */
	while (got < size) {
		uint64_t at = addr + got;
		if (at < addr)
			return -EFAULT;
		size_t chunk = PAGE - (at % PAGE);
		if (chunk > size - got)
			chunk = size - got;
		int r = tracee_read(tid, dst + got, at, chunk);
		if (r < 0)
			return r;
		char *nul = memchr(dst + got, '\0', chunk);
		if (nul)
			return nul - dst;
		got += chunk;
	}
	return -ENAMETOOLONG;
}

int tracee_write(pid_t tid, uint64_t addr, const void *src, size_t len)
{
	if (len == 0)
		return 0;
	if (addr + len < addr)
		return -EFAULT;
	struct iovec local = {.iov_base = (void *)src, .iov_len = len};
	struct iovec remote = {.iov_base = (void *)(uintptr_t)addr, .iov_len = len};
	return map_errno(copy(tid, &local, &remote, 1, true), len);
}

int tracee_writev(pid_t tid, const struct platform_iov *iov, size_t n)
{
	struct iovec local[8], remote[8];
	size_t total = 0;
	if (n > 8)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (iov[i].addr + iov[i].len < iov[i].addr)
			return -EFAULT;
		local[i] = (struct iovec){.iov_base = (void *)iov[i].src, .iov_len = iov[i].len};
		remote[i] = (struct iovec){.iov_base = (void *)(uintptr_t)iov[i].addr,
					   .iov_len = iov[i].len};
		total += iov[i].len;
	}
	if (total == 0)
		return 0;
	/* process_vm_writev goes through the remote pieces in order and stops
	 * at the first unmapped byte: a short count is a fault there. */
	return map_errno(copy(tid, local, remote, n, true), total);
}

/* A thread-group leader's tid from /proc/<tid>/status; -1 if unknown. */
static pid_t tgid_of(pid_t tid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	const char *t = strstr(buf, "\nTgid:");
	return t ? (pid_t)strtol(t + 6, NULL, 10) : -1;
}

int tracee_pidfd(pid_t tid)
{
	/* Any thread's own pidfd (6.9+), whose pidfd_getfd reads that
	 * thread's fd table: a thread may have one of its own. */
	int pidfd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
	if (pidfd >= 0 || errno != EINVAL)
		return pidfd >= 0 ? pidfd : -ESRCH;
	/* An older kernel: a leader's pidfd, and for another thread its
	 * leader's, when the two share their fd table. */
	pidfd = (int)syscall(SYS_pidfd_open, tid, 0);
	if (pidfd >= 0 || errno != EINVAL)
		return pidfd >= 0 ? pidfd : -ESRCH;
	pid_t tgid = tgid_of(tid);
	if (tgid <= 0 || syscall(SYS_kcmp, tid, tgid, KCMP_FILES, 0, 0) > 0)
		return -ESRCH;
	pidfd = (int)syscall(SYS_pidfd_open, tgid, 0);
	return pidfd >= 0 ? pidfd : -ESRCH;
}

int tracee_get_fd(pid_t tid, int fd)
{
	if (fd < 0)
		return -EBADF;
	int pidfd = tracee_pidfd(tid);
	if (pidfd < 0)
		return pidfd;
	int r = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	int e = errno;
	close(pidfd);
	if (r < 0)
		return e == EBADF ? -EBADF : -e;
	return r; /* pidfd_getfd sets close-on-exec */
}
