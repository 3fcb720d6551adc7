/* The ioctl commands the filter traps (sys_ioctl.c says why). */
#ifndef VEIL_SENTRY_SYS_IOCTL_H
#define VEIL_SENTRY_SYS_IOCTL_H

#include <stddef.h>
#include <stdint.h>

/* Sets *cmds to the trapped commands (the kernel's 32-bit values) and
 * returns how many there are. */
size_t sys_ioctl_trapped(const uint32_t **cmds);

#endif
