/* argv -> struct spec, with bubblewrap's flags and bubblewrap's meaning.
 *
 * Every check that needs nothing but the arguments (and the fds they name)
 * happens here, so bad input fails before anything is set up: the message
 * names the flag and the value, worded as bubblewrap words it. */
#ifndef VEIL_CMD_PARSE_H
#define VEIL_CMD_PARSE_H

#include <stdbool.h>
#include <stdio.h>

#include "base/error.h"
#include "spec/spec.h"

enum cli_result {
	CLI_RUN = 0,  /* spec is complete: run it */
	CLI_EXIT = 1, /* --help or --version was printed: exit 0 */
};

/* Parses argv[1..argc-1] into spec (which spec_init() prepared). `out` gets
 * --help and --version text. Returns enum cli_result, or -1 with *err set
 * (exit status 1). */
/* Whether argv[0] names bwrap: veil then speaks as bubblewrap does. */
bool invoked_as_bwrap(int argc, char **argv);
int cli_parse(int argc, char **argv, struct spec *spec, FILE *out,
	      struct veil_error **err);

/* The usage text: "usage: ARGV0 ..." with argv[0] as invoked, as
 * bubblewrap prints it; veil's own options unless invoked as bwrap. */
void cli_usage(FILE *out, const char *argv0, bool bwrap);

#endif
