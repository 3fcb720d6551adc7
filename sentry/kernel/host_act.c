#include "sentry/kernel/host_act.h"

#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int caps_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	memset(d, 0, 2 * sizeof(*d));
	return (int)syscall(SYS_capget, &h, d);
}

static int caps_set(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	return (int)syscall(SYS_capset, &h, d);
}

void host_act_begin(struct host_privs *saved)
{
	struct __user_cap_data_struct d[2];
	saved->dropped = 0;
	if (caps_get(d) < 0)
		return;
	saved->effective = d[0].effective | (uint64_t)d[1].effective << 32;
	if (!saved->effective)
		return;
	d[0].effective = d[1].effective = 0;
	saved->dropped = caps_set(d) == 0;
}

void host_act_end(const struct host_privs *saved)
{
	if (!saved->dropped)
		return;
	struct __user_cap_data_struct d[2];
	if (caps_get(d) < 0)
		return;
	d[0].effective = (uint32_t)saved->effective;
	d[1].effective = (uint32_t)(saved->effective >> 32);
	int e = errno;
	caps_set(d);
	errno = e;
}

uint64_t host_permitted_caps(void)
{
	struct __user_cap_data_struct d[2];
	if (caps_get(d) < 0)
		return 0;
	return d[0].permitted | (uint64_t)d[1].permitted << 32;
}
