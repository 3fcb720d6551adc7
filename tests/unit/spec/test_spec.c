#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <limits.h>

#include <cmocka.h>

#include "base/cleanup.h"
#include "base/xalloc.h"
#include "spec/spec.h"

static int setup(void **state)
{
	struct spec *s = xcalloc(1, sizeof(*s));
	spec_init(s);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	spec_free(*state);
	free(*state);
	return 0;
}

static struct mount_op *add_bind(struct spec *s, const char *src, const char *dst,
				 unsigned flags)
{
	struct mount_op *op = spec_add_op(s, MOUNT_OP_BIND);
	op->source = xstrdup(src);
	op->dest = xstrdup(dst);
	op->flags = flags;
	return op;
}

static void init_defaults(void **state)
{
	struct spec *s = *state;
	assert_int_equal(s->n_ops, 0);
	assert_int_equal(s->uid, getuid());
	assert_int_equal(s->gid, getgid());
	assert_int_equal(s->info_fd, -1);
	assert_int_equal(s->json_status_fd, -1);
	assert_int_equal(s->backend, SPEC_BACKEND_AUTO);
}

static void describe_names_the_op(void **state)
{
	struct spec *s = *state;
	add_bind(s, "/usr", "/usr", 0);
	_cleanup_free_ char *d = spec_op_describe(&s->ops[0]);
	assert_string_equal(d, "bind \"/usr\" on \"/usr\" flags 0x0");

	struct mount_op *t = spec_add_op(s, MOUNT_OP_TMPFS);
	t->dest = xstrdup("/tmp");
	t->perms = 01777;
	_cleanup_free_ char *dt = spec_op_describe(t);
	assert_string_equal(dt, "tmpfs on \"/tmp\" perms 1777 size 0 flags 0x0");

	struct mount_op *l = spec_add_op(s, MOUNT_OP_SYMLINK);
	l->source = xstrdup("usr/bin");
	l->dest = xstrdup("/bin");
	_cleanup_free_ char *dl = spec_op_describe(l);
	assert_string_equal(dl, "symlink \"/bin\" -> \"usr/bin\"");
}

static void ops_compare_by_value(void **state)
{
	struct spec *s = *state;
	add_bind(s, "/usr", "/usr", MOUNT_OP_WRITABLE);
	add_bind(s, "/usr", "/usr", MOUNT_OP_WRITABLE);
	add_bind(s, "/usr", "/usr", 0);
	assert_true(spec_op_equal(&s->ops[0], &s->ops[1]));
	assert_false(spec_op_equal(&s->ops[0], &s->ops[2]));

	struct mount_op *a = spec_add_op(s, MOUNT_OP_FILE);
	a->dest = xstrdup("/f");
	a->data = xstrdup("abc");
	a->data_len = 3;
	struct mount_op *b = spec_add_op(s, MOUNT_OP_FILE);
	b->dest = xstrdup("/f");
	b->data = xstrdup("abd");
	b->data_len = 3;
	assert_false(spec_op_equal(&s->ops[3], &s->ops[4]));
}

static void prepare_resolves_and_skips(void **state)
{
	struct spec *s = *state;
	char tmpl[] = "/tmp/veil-spec-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	_cleanup_free_ char *link = xasprintf("%s/link", tmpl);
	assert_int_equal(symlink(tmpl, link), 0);

	add_bind(s, link, "/a", 0);
	add_bind(s, "/nonexistent/veil", "/b", MOUNT_OP_OPTIONAL);
	struct veil_error *err = NULL;
	assert_int_equal(spec_prepare(s, &err), 0);
	assert_null(err);
	assert_string_equal(s->ops[0].source, tmpl);
	assert_true(s->ops[1].flags & MOUNT_OP_SKIPPED);

	unlink(link);
	rmdir(tmpl);
}

static void prepare_fails_on_missing_source(void **state)
{
	struct spec *s = *state;
	add_bind(s, "/nonexistent/veil", "/b", 0);
	struct veil_error *err = NULL;
	assert_int_equal(spec_prepare(s, &err), -1);
	assert_non_null(err);
	_cleanup_free_ char *m = verr_format(err);
	assert_string_equal(m, "Can't find source path /nonexistent/veil: No such file or directory");
	verr_free(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(init_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(describe_names_the_op, setup, teardown),
		cmocka_unit_test_setup_teardown(ops_compare_by_value, setup, teardown),
		cmocka_unit_test_setup_teardown(prepare_resolves_and_skips, setup, teardown),
		cmocka_unit_test_setup_teardown(prepare_fails_on_missing_source, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
