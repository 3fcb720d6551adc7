/* Diagnostics to stderr, prefixed with the program name ("veil" or
 * "bwrap", as invoked). Only cmd/ and the parent side of the backends print;
 * library layers return errors instead. VEIL_DEBUG=1 enables log_debug. */
#ifndef VEIL_BASE_LOG_H
#define VEIL_BASE_LOG_H

extern const char *log_progname;
extern int log_debug_enabled;

void log_init(const char *argv0);
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
