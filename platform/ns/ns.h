/* The kernel backend: the spec realised with real namespaces and mounts,
 * as bubblewrap does. docs/ns.md describes what it does per op and flag,
 * and where it differs from bubblewrap. */
#ifndef VEIL_PLATFORM_NS_H
#define VEIL_PLATFORM_NS_H

#include "base/error.h"
#include "spec/spec.h"

/* Runs spec->argv in a sandbox built from spec (already spec_prepare()d).
 * Returns the program's exit status (128+N when killed by signal N), or -1
 * with *err set when the sandbox could not be set up (err->status 1, as
 * bubblewrap exits); then nothing is left mounted or running.
 *
 * While it runs, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
 * SIGWINCH and SIGCONT sent to the caller are forwarded to the program
 * (those a terminal sent to its whole foreground group are not sent twice);
 * the caller's handlers are restored on return.
 *
 * The fds the spec names belong to the process: ns_run() closes info_fd,
 * json_status_fd, sync_fd, block_fd and userns_block_fd once the sandbox
 * holds what it needs of them, as bubblewrap does. With die_with_parent
 * the caller itself gets PR_SET_PDEATHSIG(SIGKILL), as bubblewrap's
 * monitor process does. */
int ns_run(const struct spec *spec, struct veil_error **err);

/* Whether this kernel and caller can build a sandbox at all (root, or
 * unprivileged user namespaces allowed). */
int ns_available(void);
/* ns_available, and the kernel lets this process make the namespaces a
 * sandbox starts with (forks to try). */
int ns_works_here(void);

#endif
