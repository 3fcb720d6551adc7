/* Placeholder until the kernel backend lands. */
#include "platform/ns/ns.h"

int ns_available(void)
{
	return 0;
}

int ns_run(const struct spec *spec, struct veil_error **err)
{
	(void)spec;
	return verr_set(err, 0, "the kernel backend is not built yet");
}
