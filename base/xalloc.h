/* Allocation that cannot fail, for the CLI and the parent side of the
 * backends only: there, running out of memory ends veil with a message.
 * vfs/, fs/ and the sentry's syscall handlers must not use these: they
 * return -ENOMEM to the caller instead. */
#ifndef VEIL_BASE_XALLOC_H
#define VEIL_BASE_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array to hold at least `want` elements of `size` bytes. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* NULL-terminated string vectors. */
size_t strv_length(char *const *v);
char **strv_copy(char *const *v);
/* Appends a copy of s; *v may be NULL. */
void strv_push(char ***v, const char *s);
/* An environment vector: NAME=VALUE replaces the first NAME= entry, or is
 * appended. */
void strv_setenv(char ***v, const char *name, const char *value);

#endif
