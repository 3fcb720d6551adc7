/* Shared by the cmd/parse tests: a fresh spec per test, helpers that run
 * cli_parse() on a NULL-terminated argument list, and data fds (memfds the
 * parser reads and closes). */
#ifndef VEIL_TESTS_UNIT_CMD_PARSE_FIXTURE_H
#define VEIL_TESTS_UNIT_CMD_PARSE_FIXTURE_H

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/cleanup.h"
#include "base/error.h"
#include "base/xalloc.h"
#include "cmd/parse.h"
#include "cmd/parse_internal.h"

extern char **environ;

#define CLOSED_FD "987" /* an fd number no test opens */

struct fx {
	struct spec spec;
	struct veil_error *err;
	FILE *out;
	char *outbuf;
	size_t outlen;
};

static inline int setup(void **state)
{
	struct fx *fx = xcalloc(1, sizeof(*fx));
	spec_init(&fx->spec);
	fx->out = open_memstream(&fx->outbuf, &fx->outlen);
	assert_non_null(fx->out);
	*state = fx;
	return 0;
}

static inline int teardown(void **state)
{
	struct fx *fx = *state;
	spec_free(&fx->spec);
	verr_free(&fx->err);
	fclose(fx->out);
	free(fx->outbuf);
	free(fx);
	return 0;
}

/* Parses PROG ARGS... (NULL-terminated) into a fresh spec. */
static inline int vparse_as(struct fx *fx, const char *prog, va_list ap)
{
	char *argv[10000];
	int argc = 0;
	const char *a;

	spec_free(&fx->spec);
	spec_init(&fx->spec);
	verr_free(&fx->err);
	argv[argc++] = (char *)prog;
	while ((a = va_arg(ap, const char *)) != NULL)
		argv[argc++] = (char *)a;
	argv[argc] = NULL;
	int r = cli_parse(argc, argv, &fx->spec, fx->out, &fx->err);
	fflush(fx->out);
	if (r < 0)
		assert_non_null(fx->err);
	else
		assert_null(fx->err);
	return r;
}

static inline int parse(struct fx *fx, ...)
{
	va_list ap;
	va_start(ap, fx);
	int r = vparse_as(fx, "veil", ap);
	va_end(ap);
	return r;
}

static inline int parse_as(struct fx *fx, const char *prog, ...)
{
	va_list ap;
	va_start(ap, prog);
	int r = vparse_as(fx, prog, ap);
	va_end(ap);
	return r;
}

/* A fresh, empty `out`. */
static inline void reset_out(struct fx *fx)
{
	fclose(fx->out);
	free(fx->outbuf);
	fx->outbuf = NULL;
	fx->outlen = 0;
	fx->out = open_memstream(&fx->outbuf, &fx->outlen);
	assert_non_null(fx->out);
}

/* The whole message as the CLI prints it after "PROG: ". */
static inline char *errmsg(struct fx *fx)
{
	assert_non_null(fx->err);
	return verr_format(fx->err);
}

static inline void assert_err(struct fx *fx, const char *want)
{
	_cleanup_free_ char *got = errmsg(fx);
	assert_string_equal(got, want);
	assert_int_equal(fx->err->status, 0); /* the CLI exits VEIL_EXIT_USAGE */
}

/* An fd holding `len` bytes, positioned at the start; the parser closes it. */
static inline int data_fd(const void *buf, size_t len)
{
	int fd = memfd_create("test", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static inline bool fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static inline const char *fdstr(int fd)
{
	static char bufs[8][16];
	static int next;
	char *b = bufs[next++ % 8];
	snprintf(b, 16, "%d", fd);
	return b;
}

static inline const struct mount_op *op_at(struct fx *fx, size_t i, enum mount_op_type type)
{
	assert_true(i < fx->spec.n_ops);
	assert_int_equal(fx->spec.ops[i].type, type);
	return &fx->spec.ops[i];
}

#endif
