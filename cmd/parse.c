/* Placeholder until the bubblewrap-compatible parser lands. */
#include "cmd/parse.h"

void cli_usage(FILE *out, const char *prog)
{
	fprintf(out, "usage: %s [OPTIONS...] [--] COMMAND [ARGS...]\n", prog);
}

int cli_parse(int argc, char **argv, struct spec *spec, FILE *out,
	      struct veil_error **err)
{
	(void)argc; (void)argv; (void)spec; (void)out;
	return verr_set(err, 0, "the command line parser is not built yet");
}
