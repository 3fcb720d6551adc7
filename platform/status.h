/* --info-fd and --json-status-fd, as bubblewrap writes them, for both
 * backends. */
#ifndef VEIL_PLATFORM_STATUS_H
#define VEIL_PLATFORM_STATUS_H

#include <sys/types.h>

#include "spec/spec.h"

/* The program started as `pid` with namespaces `clone_flags` (CLONE_NEW*):
 * writes the info JSON to spec->info_fd (then closes it) and the first
 * status JSON to spec->json_status_fd. */
void status_write_info(const struct spec *spec, pid_t pid, unsigned clone_flags);
/* The program exited: the last status JSON. */
void status_write_exit(const struct spec *spec, int exit_code);

#endif
