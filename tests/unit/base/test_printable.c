/* base/printable: control bytes escaped, long text elided in the middle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/cleanup.h"
#include "base/printable.h"

static void escapes_control_bytes(void **state)
{
	(void)state;
	_cleanup_free_ char *a = printable("--x\033[31mred\n\x7f", 1024);
	assert_string_equal(a, "--x\\x1b[31mred\\x0a\\x7f");
	/* UTF-8 is text, not control. */
	_cleanup_free_ char *b = printable("caf\xc3\xa9", 1024);
	assert_string_equal(b, "caf\xc3\xa9");
}

static void elides_the_middle(void **state)
{
	(void)state;
	size_t n = 1 << 20;
	char *big = malloc(n + 32);
	assert_non_null(big);
	memset(big, 'a', n);
	strcpy(big + n, ": Invalid argument");
	_cleanup_free_ char *p = printable(big, 1024);
	free(big);
	assert_true(strlen(p) <= 1024);
	assert_non_null(strstr(p, "[... "));
	/* The end, where the errno is, survives. */
	size_t l = strlen(p);
	assert_string_equal(p + l - strlen(": Invalid argument"), ": Invalid argument");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escapes_control_bytes),
		cmocka_unit_test(elides_the_middle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
