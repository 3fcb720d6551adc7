/* The emulate backend: the spec realised in the sentry's VFS, the program
 * run under the sentry on the unotify platform. No namespaces, no
 * privilege. */
#ifndef VEIL_PLATFORM_EMULATE_H
#define VEIL_PLATFORM_EMULATE_H

#include "base/error.h"
#include "spec/spec.h"

/* Runs spec->argv in the sandbox spec describes (spec_prepare()d).
 * Returns the program's exit status (128+N when killed by signal N), or -1
 * with *err set when the sandbox could not be set up, or when the spec asks
 * for something this backend cannot do (named in the message). */
int emulate_run(const struct spec *spec, struct veil_error **err);

/* Whether this kernel and emulate_run() can realise all of `spec`: 0, or
 * -1 with the first reason in *err. --backend=auto asks this. */
int emulate_check(const struct spec *spec, struct veil_error **err);

#endif
