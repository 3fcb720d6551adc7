/* The kernel backend: the spec realised with real namespaces and mounts,
 * as bubblewrap does. */
#ifndef VEIL_PLATFORM_NS_H
#define VEIL_PLATFORM_NS_H

#include "base/error.h"
#include "sentry/spec.h"

/* Runs spec->argv in a sandbox built from spec (already spec_prepare()d).
 * Returns the program's exit status (128+N when killed by signal N), or -1
 * with *err set when the sandbox could not be set up; then nothing is left
 * mounted or running. */
int ns_run(const struct spec *spec, struct veil_error **err);

/* Whether this kernel and caller can build the sandbox spec asks for
 * (unprivileged user namespaces, or root). */
int ns_available(void);

#endif
