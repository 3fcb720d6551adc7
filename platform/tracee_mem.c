#include "platform/tracee_mem.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>

#define PAGE 4096u

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
	return map_errno(process_vm_readv(tid, &local, 1, &remote, 1, 0), len);
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
	return map_errno(process_vm_writev(tid, &local, 1, &remote, 1, 0), len);
}
