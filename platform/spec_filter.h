/* The spec's own seccomp programs (--seccomp, --add-seccomp-fd), loaded
 * as bubblewrap loads them, for both backends. */
#ifndef VEIL_PLATFORM_SPEC_FILTER_H
#define VEIL_PLATFORM_SPEC_FILTER_H

#include "base/error.h"
#include "spec/spec.h"

/* Installs spec's programs in order, after the backend's own filter (a
 * program forbidding seccomp() must not keep veil's out). 0, or -1 with
 * *err set in bubblewrap's words. */
int spec_filter_load(const struct spec *spec, struct veil_error **err);

/* The message for program i (0-based) refused with errnum; returns -1. */
int spec_filter_error(const struct spec *spec, size_t i, int errnum, struct veil_error **err);

#endif
