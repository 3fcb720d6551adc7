/* Reading and writing a tracee's memory with process_vm_readv/writev,
 * shared by the platforms. Every function returns 0 (or a length) or
 * -errno: -EFAULT for an unmapped address, -ESRCH for a tracee that is
 * gone. */
#ifndef VEIL_PLATFORM_TRACEE_MEM_H
#define VEIL_PLATFORM_TRACEE_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

int tracee_read(pid_t tid, void *dst, uint64_t addr, size_t len);
ssize_t tracee_read_str(pid_t tid, char *dst, uint64_t addr, size_t size);
int tracee_write(pid_t tid, uint64_t addr, const void *src, size_t len);
/* Several writes with one process_vm_writev (at most 8), in order; the
 * first that faults ends it with -EFAULT. */
struct platform_iov;
int tracee_writev(pid_t tid, const struct platform_iov *iov, size_t n);
/* The calling thread's copies are not timed (a copier thread's wait is
 * its own: platform/copier.h). */
void tracee_mem_untimed(void);
/* A pidfd (close-on-exec) whose pidfd_getfd reads thread `tid`'s fd
 * table, or -ESRCH. */
int tracee_pidfd(pid_t tid);
/* The tracee's fd `fd`, duplicated into this process (pidfd_getfd). */
int tracee_get_fd(pid_t tid, int fd);

#endif
