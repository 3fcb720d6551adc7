#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/cleanup.h"
#include "base/error.h"

static void set_and_format(void **state)
{
	(void)state;
	struct veil_error *err = NULL;
	assert_int_equal(verr_set(&err, ENOENT, "Can't find source path %s", "/x"), -1);
	assert_non_null(err);
	assert_int_equal(err->errnum, ENOENT);
	assert_int_equal(err->status, 0); /* the CLI chooses by phase */
	char *s = verr_format(err);
	assert_string_equal(s, "Can't find source path /x: No such file or directory");
	free(s);
	verr_free(&err);
	assert_null(err);
}

static void first_error_wins(void **state)
{
	(void)state;
	_cleanup_verr_ struct veil_error *err = NULL;
	verr_set(&err, 0, "first");
	verr_set(&err, EIO, "second");
	assert_string_equal(err->msg, "first");
	assert_int_equal(err->errnum, 0);
}

static void prefix_adds_context(void **state)
{
	(void)state;
	_cleanup_verr_ struct veil_error *err = NULL;
	verr_set(&err, EPERM, "mount");
	verr_prefix(&err, "cannot mount proc on \"%s\"", "/proc");
	char *s = verr_format(err);
	assert_string_equal(s, "cannot mount proc on \"/proc\": mount: Operation not permitted");
	free(s);
}

static void null_err_is_tolerated(void **state)
{
	(void)state;
	assert_int_equal(verr_set(NULL, EIO, "x"), -1);
	verr_prefix(NULL, "y");
	struct veil_error *none = NULL;
	verr_prefix(&none, "z");
	assert_null(none);
	verr_free(&none);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set_and_format),
		cmocka_unit_test(first_error_wins),
		cmocka_unit_test(prefix_adds_context),
		cmocka_unit_test(null_err_is_tolerated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
