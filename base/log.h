/* Diagnostics to stderr, prefixed with the program name ("veil" or
 * "bwrap", as invoked). Only cmd/ and the parent side of the backends print;
 * library layers return errors instead. VEIL_DEBUG=1 enables log_debug. */
#ifndef VEIL_BASE_LOG_H
#define VEIL_BASE_LOG_H

extern const char *log_progname;
extern int log_debug_enabled;
/* --level-prefix: each line starts with its syslog level, "<3>" for an
 * error, "<4>" for a warning, "<7>" for debug, as bubblewrap's do. */
extern int log_level_prefix;

void log_init(const char *argv0);
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
