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
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
			return spec_filter_error(spec, i, errno, err);
	}
	return 0;
}

int spec_filter_error(const struct spec *spec, size_t i, int errnum, struct veil_error **err)
{
	/* The backend's own filter went in before, so the kernel has
	 * seccomp filters: EINVAL is this program's fault (a bad opcode, a
	 * jump out of range, a load outside struct seccomp_data, no return
	 * at the end), not a missing CONFIG_SECCOMP. */
	if (errnum == EINVAL)
		return verr_set(err, 0, "Unable to set up system call filtering as "
				"requested: the kernel refused seccomp program %zu of %zu "
				"(--seccomp / --add-seccomp-fd, in the order given) as "
				"invalid classic BPF (EINVAL)", i + 1, spec->n_seccomp);
	return verr_set(err, errnum, "Unable to load seccomp program %zu of %zu "
			"(--seccomp / --add-seccomp-fd)", i + 1, spec->n_seccomp);
}
