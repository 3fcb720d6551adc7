#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *log_progname = "veil";
int log_debug_enabled;

void log_init(const char *argv0)
{
	if (argv0) {
		const char *slash = strrchr(argv0, '/');
		log_progname = slash ? slash + 1 : argv0;
	}
	const char *d = getenv("VEIL_DEBUG");
	log_debug_enabled = d && *d && strcmp(d, "0") != 0;
}

static void __attribute__((format(printf, 1, 0))) vlog(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", log_progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	if (!log_debug_enabled)
		return;
	va_list ap;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}
