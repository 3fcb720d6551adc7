/* Capabilities of the process that becomes the sandbox. */
#ifndef VEIL_PLATFORM_CAPS_H
#define VEIL_PLATFORM_CAPS_H

#include "base/error.h"

/* Drops every capability for good: the bounding set (where the process may
 * change it), ambient, effective, permitted and inheritable. An
 * unprivileged caller has none to drop; that is not an error. */
int caps_drop_all(struct veil_error **err);

#endif
