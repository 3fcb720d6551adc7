/* --info-fd and --json-status-fd, as bubblewrap writes them, for both
 * backends. */
#ifndef VEIL_PLATFORM_STATUS_H
#define VEIL_PLATFORM_STATUS_H

#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "spec/spec.h"

/* The program started as `pid` with namespaces `clone_flags` (CLONE_NEW*):
 * writes the info JSON to spec->info_fd (then closes it) and the first
 * status JSON to spec->json_status_fd. 0, or -1 with *err set when a
 * write fails (e.g. a pipe with no reader): the caller stops the sandbox,
 * as bubblewrap does. */
int status_write_info(const struct spec *spec, pid_t pid, unsigned clone_flags,
		      struct veil_error **err);
/* The same for the emulate backend, whose namespaces are the sentry's:
 * `ns_id` gives the id of each (0: the host's, read from /proc/PID/ns). */
int status_write_info_ids(const struct spec *spec, pid_t pid, unsigned clone_flags,
			  uint64_t (*ns_id)(void *ctx, const char *name), void *ctx,
			  struct veil_error **err);

/* Closes a status fd veil was handed (--info-fd, --json-status-fd,
 * --sync-fd), unless it is 0, 1 or 2: those are the program's stdio and
 * veil's own messages too, which a status fd given as 2 must not close. */
void status_close_fd(int fd);
/* The program exited: the last status JSON. */
void status_write_exit(const struct spec *spec, int exit_code);

#endif
