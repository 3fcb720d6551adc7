/* veil: argv -> spec -> a backend. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/cleanup.h"
#include "base/error.h"
#include "base/log.h"
#include "base/printable.h"
#include "cmd/parse.h"
#include "platform/emulate.h"
#include "platform/ns/ns.h"
#include "spec/spec.h"

/* What a message quotes is the caller's input (an argument, --args data):
 * printed escaped and at most this long. */
#define MAX_MESSAGE 1024

/* Prints the failure and gives the status to exit with: the one the
 * failure chose, else VEIL_EXIT_USAGE for a command line refused as read
 * and VEIL_EXIT_START for a sandbox that could not start — but 1 for
 * both when run as bwrap, whose callers know no other. */
static int fail(struct veil_error *err, bool starting, bool as_bwrap)
{
	_cleanup_free_ char *msg = verr_format(err);
	_cleanup_free_ char *safe = printable(msg, MAX_MESSAGE);
	log_error("%s", safe);
	if (as_bwrap)
		return 1;
	if (err->status)
		return err->status;
	return starting ? VEIL_EXIT_START : VEIL_EXIT_USAGE;
}

/* Why the caller needs namespaces other processes can join, which only
 * the kernel backend makes; NULL if it does not. A status fd hands out
 * the sandbox's pid, and with namespaces asked for, that pid is for
 * entering them (flatpak enter, nsenter, bubblewrap's --userns and
 * --pidns on /proc/PID/ns/...): the sentry's namespaces are its own
 * bookkeeping, and /proc/PID/ns of its program names the host's. */
static const char *needs_joinable(const struct spec *spec)
{
	if (!spec->unshare)
		return NULL;
	if (spec->info_fd >= 0)
		return "--info-fd hands out the sandbox's pid to enter its namespaces, and only the "
		       "kernel backend's can be entered";
	if (spec->json_status_fd >= 0)
		return "--json-status-fd hands out the sandbox's pid to enter its namespaces, and "
		       "only the kernel backend's can be entered";
	return NULL;
}

static int run(struct spec *spec, struct veil_error **err)
{
	switch (spec->backend) {
	case SPEC_BACKEND_EMULATE:
		return emulate_run(spec, err);
	case SPEC_BACKEND_AUTO: {
		/* The emulate backend where it can realise the whole spec (it
		 * needs no privilege and no namespaces), else the kernel's. */
		struct veil_error *why = NULL;
		const char *joinable = needs_joinable(spec);
		if (joinable && ns_works_here()) {
			log_debug("--backend=auto: kernel, because %s", joinable);
			return ns_run(spec, err);
		}
		if (emulate_check(spec, &why) == 0) {
			log_debug("--backend=auto: emulate, because the kernel has what the sentry "
				  "needs and it can realise the whole command line");
			return emulate_run(spec, err);
		}
		log_debug("--backend=auto: kernel, because %s", why->msg);
		verr_free(&why);
		return ns_run(spec, err);
	}
	case SPEC_BACKEND_KERNEL:
		break;
	}
	return ns_run(spec, err);
}

int main(int argc, char **argv)
{
	_cleanup_verr_ struct veil_error *err = NULL;
	struct spec spec;

	log_init(argv[0]);
	spec_init(&spec);

	int r = cli_parse(argc, argv, &spec, stdout, &err);
	bool starting = r == CLI_RUN;
	if (r == CLI_RUN && spec_prepare(&spec, &err) == 0)
		r = run(&spec, &err);
	else if (r == CLI_EXIT)
		r = 0;

	if (err)
		r = fail(err, starting, invoked_as_bwrap(argc, argv));
	spec_free(&spec);
	return r;
}
