/* The spec's own seccomp programs (spec_filter.h). */
#include "platform/spec_filter.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>

int spec_filter_load(const struct spec *spec, struct veil_error **err)
{
	for (size_t i = 0; i < spec->n_seccomp; i++) {
		struct sock_fprog prog = {
			.len = (unsigned short)(spec->seccomp[i].len / 8),
			.filter = spec->seccomp[i].insns,
		};
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
			if (errno == EINVAL)
				return verr_set(err, 0, "Unable to set up system call filtering as "
						"requested: prctl(PR_SET_SECCOMP) reported EINVAL. "
						"(Hint: this requires a kernel configured with "
						"CONFIG_SECCOMP and CONFIG_SECCOMP_FILTER.)");
			return verr_set(err, errno, "prctl(PR_SET_SECCOMP)");
		}
	}
	return 0;
}
