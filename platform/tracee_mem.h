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

#endif
