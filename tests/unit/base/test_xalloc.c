#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>

#include <cmocka.h>

#include "base/cleanup.h"
#include "base/xalloc.h"

static void strv_push_copy_free(void **state)
{
	(void)state;
	_cleanup_strv_free_ char **v = NULL;
	assert_int_equal(strv_length(v), 0);
	strv_push(&v, "a");
	strv_push(&v, "bc");
	assert_int_equal(strv_length(v), 2);
	assert_string_equal(v[1], "bc");
	assert_null(v[2]);
	_cleanup_strv_free_ char **c = strv_copy(v);
	assert_int_equal(strv_length(c), 2);
	assert_ptr_not_equal(c[0], v[0]);
	assert_string_equal(c[0], "a");
}

/* NAME=VALUE replaces NAME's entry (not one of a longer name), or is
 * appended; a NULL vector works. */
static void strv_setenv_replaces(void **state)
{
	(void)state;
	_cleanup_strv_free_ char **v = NULL;
	strv_setenv(&v, "PWD", "/a");
	assert_int_equal(strv_length(v), 1);
	assert_string_equal(v[0], "PWD=/a");
	strv_push(&v, "PWDX=1");
	strv_setenv(&v, "PWDX", "2");
	strv_setenv(&v, "PWD", "/b");
	assert_int_equal(strv_length(v), 2);
	assert_string_equal(v[0], "PWD=/b");
	assert_string_equal(v[1], "PWDX=2");
}

static void asprintf_formats(void **state)
{
	(void)state;
	_cleanup_free_ char *s = xasprintf("%s=%d", "x", 42);
	assert_string_equal(s, "x=42");
}

static void steal_and_take_empty_the_source(void **state)
{
	(void)state;
	_cleanup_free_ char *p = xstrdup("p");
	_cleanup_free_ char *q = steal_ptr(p);
	assert_null(p);
	assert_string_equal(q, "p");

	_cleanup_close_ int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	_cleanup_close_ int moved = take_fd(fd);
	assert_int_equal(fd, -1);
	assert_true(moved >= 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strv_push_copy_free),
		cmocka_unit_test(strv_setenv_replaces),
		cmocka_unit_test(asprintf_formats),
		cmocka_unit_test(steal_and_take_empty_the_source),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
