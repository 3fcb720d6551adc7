/* The error object that carries a message up to the CLI (after crun's
 * libcrun_error_t).
 *
 * Code that can fail for a reason a user must read (the CLI, the spec's host
 * checks, the parent side of the kernel backend) takes a `struct veil_error
 * **err`, fills it once where the failure happens and returns a negative
 * value; callers on the way up may add context with verr_prefix(). The CLI
 * prints it as "PROG: MESSAGE[: strerror(errnum)]".
 *
 * vfs/, fs/ and the sentry's syscall handlers do not use this: their -errno
 * is the program's syscall result. */
#ifndef VEIL_BASE_ERROR_H
#define VEIL_BASE_ERROR_H

#include <stdarg.h>

struct veil_error {
	int errnum; /* errno behind the failure, 0 if none */
	/* exit status the CLI should use; 0 (the default): the CLI's by
	 * where it failed, VEIL_EXIT_USAGE while reading the command line,
	 * VEIL_EXIT_START after */
	int status;
	char *msg;
};

/* veil's own exit statuses (docs/cli.md); the program's are its own. */
enum {
	VEIL_EXIT_USAGE = 1,   /* the command line is refused, as bubblewrap's */
	VEIL_EXIT_START = 125, /* the sandbox could not be set up or the program not started */
};

/* Sets *err (which must be NULL) and returns -1. errnum 0: no strerror. */
int verr_set(struct veil_error **err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int verr_setv(struct veil_error **err, int errnum, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* Prepends "PREFIX: " to the message. */
void verr_prefix(struct veil_error **err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "MESSAGE" or "MESSAGE: strerror". The string belongs to the caller. */
char *verr_format(const struct veil_error *err);
void verr_free(struct veil_error **err);

#define _cleanup_verr_ __attribute__((cleanup(verr_free)))

#endif
