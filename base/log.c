#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *log_progname = "veil";
int log_debug_enabled;
int log_level_prefix;

void log_init(const char *argv0)
{
	if (argv0) {
		const char *slash = strrchr(argv0, '/');
		log_progname = slash ? slash + 1 : argv0;
	}
	const char *d = getenv("VEIL_DEBUG");
	log_debug_enabled = d && *d && strcmp(d, "0") != 0;
}

/* Syslog levels, spelt out: <syslog.h> would bring its LOG_ names in. */
enum { LEVEL_ERR = 3, LEVEL_WARNING = 4, LEVEL_DEBUG = 7 };

static void __attribute__((format(printf, 2, 0))) vlog(int level, const char *fmt, va_list ap)
{
	if (log_level_prefix)
		fprintf(stderr, "<%d>", level);
	fprintf(stderr, "%s: ", log_progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(LEVEL_ERR, fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(LEVEL_WARNING, fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	if (!log_debug_enabled)
		return;
	va_list ap;
	va_start(ap, fmt);
	vlog(LEVEL_DEBUG, fmt, ap);
	va_end(ap);
}
