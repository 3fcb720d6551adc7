/* cmd/parse_ops: every mount-op flag's op, field by field: types, flags,
 * sources, normalised destinations, resolved perms and sizes, data read
 * from fds. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "tests/unit/cmd/parse_fixture.h"

static void binds(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(parse(fx, "--bind", "/a", "/b", "--bind-try", "/a", "/b",
			       "--ro-bind", "/usr", "/usr", "--ro-bind-try", "rel", "/x/./y/",
			       "--dev-bind", "/dev", "/dev", "--dev-bind-try", "/d", "d", "x", NULL),
			 CLI_RUN);
	static const unsigned want[] = {
		MOUNT_OP_WRITABLE,
		MOUNT_OP_WRITABLE | MOUNT_OP_OPTIONAL,
		0,
		MOUNT_OP_OPTIONAL,
		MOUNT_OP_WRITABLE | MOUNT_OP_DEVICES,
		MOUNT_OP_WRITABLE | MOUNT_OP_DEVICES | MOUNT_OP_OPTIONAL,
	};
	assert_int_equal(fx->spec.n_ops, 6);
	for (size_t i = 0; i < 6; i++) {
		const struct mount_op *op = op_at(fx, i, MOUNT_OP_BIND);
		assert_int_equal(op->flags, want[i]);
		assert_int_equal(op->source_fd, -1);
	}
	assert_string_equal(fx->spec.ops[0].source, "/a");
	assert_string_equal(fx->spec.ops[0].dest, "/b");
	/* Host sources stay as given (spec_prepare() resolves them); sandbox
	 * destinations are absolute and normalised. */
	assert_string_equal(fx->spec.ops[3].source, "rel");
	assert_string_equal(fx->spec.ops[3].dest, "/x/y");
	assert_string_equal(fx->spec.ops[5].dest, "/d");
}

static void bind_fds(void **state)
{
	struct fx *fx = *state;
	int fd = open("/", O_PATH | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(parse(fx, "--bind-fd", fdstr(fd), "/w", "--ro-bind-fd", fdstr(fd), "/r", "x", NULL),
			 CLI_RUN);
	const struct mount_op *op = op_at(fx, 0, MOUNT_OP_BIND);
	assert_int_equal(op->source_fd, fd);
	assert_null(op->source);
	assert_int_equal(op->flags, MOUNT_OP_WRITABLE);
	assert_string_equal(op->dest, "/w");
	op = op_at(fx, 1, MOUNT_OP_BIND);
	assert_int_equal(op->source_fd, fd);
	assert_int_equal(op->flags, 0);
	assert_string_equal(op->dest, "/r");
	assert_true(fd_is_open(fd));
	close(fd);
}

static void simple_dest_ops(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(parse(fx, "--proc", "/proc", "--dev", "/dev", "--mqueue", "/dev/mqueue",
			       "--remount-ro", "/usr/", "x", NULL),
			 CLI_RUN);
	assert_int_equal(fx->spec.n_ops, 4);
	assert_string_equal(op_at(fx, 0, MOUNT_OP_PROC)->dest, "/proc");
	assert_string_equal(op_at(fx, 1, MOUNT_OP_DEV)->dest, "/dev");
	assert_string_equal(op_at(fx, 2, MOUNT_OP_MQUEUE)->dest, "/dev/mqueue");
	assert_string_equal(op_at(fx, 3, MOUNT_OP_REMOUNT_RO)->dest, "/usr");
}

static void tmpfs_dir_perms_size(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(parse(fx, "--tmpfs", "/t0", "--perms", "01777", "--size", "0x1000", "--tmpfs", "/t1",
			       "--size", "010", "--perms", "700", "--tmpfs", "/t2", "--tmpfs", "/t3",
			       "--dir", "/d0", "--perms", "0", "--dir", "/d1", "--dir", "/d2", "x", NULL),
			 CLI_RUN);
	const struct mount_op *op = op_at(fx, 0, MOUNT_OP_TMPFS);
	assert_int_equal(op->perms, 0755);
	assert_int_equal(op->size, 0);
	assert_int_equal(op->flags, 0);
	op = op_at(fx, 1, MOUNT_OP_TMPFS);
	assert_int_equal(op->perms, 01777);
	assert_int_equal(op->size, 4096);
	op = op_at(fx, 2, MOUNT_OP_TMPFS);
	assert_int_equal(op->perms, 0700);
	assert_int_equal(op->size, 8); /* base 0, as bubblewrap: 010 is octal */
	op = op_at(fx, 3, MOUNT_OP_TMPFS); /* modifiers were consumed */
	assert_int_equal(op->perms, 0755);
	assert_int_equal(op->size, 0);
	assert_string_equal(op->dest, "/t3");
	assert_int_equal(op_at(fx, 4, MOUNT_OP_DIR)->perms, 0755);
	assert_int_equal(op_at(fx, 5, MOUNT_OP_DIR)->perms, 0);
	assert_int_equal(op_at(fx, 6, MOUNT_OP_DIR)->perms, 0755);
	assert_string_equal(op_at(fx, 6, MOUNT_OP_DIR)->dest, "/d2");

	/* The largest size bubblewrap allows. */
	char max[32];
	snprintf(max, sizeof(max), "%zu", (size_t)SIZE_MAX >> 1);
	assert_int_equal(parse(fx, "--size", max, "--tmpfs", "/t", "x", NULL), CLI_RUN);
	assert_int_equal(op_at(fx, 0, MOUNT_OP_TMPFS)->size, (uint64_t)(SIZE_MAX >> 1));
}

static void data_ops(void **state)
{
	struct fx *fx = *state;
	int f1 = data_fd("hello", 5), f2 = data_fd("", 0), f3 = data_fd("a\0b", 3);
	int f4 = data_fd("ro", 2), f5 = data_fd("p", 1);
	assert_int_equal(parse(fx, "--file", fdstr(f1), "/etc/hello", "--perms", "0400", "--file", fdstr(f2), "/e",
			       "--bind-data", fdstr(f3), "/bd", "--ro-bind-data", fdstr(f4), "/rbd",
			       "--perms", "0644", "--ro-bind-data", fdstr(f5), "/p", "x", NULL),
			 CLI_RUN);
	const struct mount_op *op = op_at(fx, 0, MOUNT_OP_FILE);
	assert_string_equal(op->dest, "/etc/hello");
	assert_int_equal(op->data_len, 5);
	assert_memory_equal(op->data, "hello", 5);
	assert_int_equal(op->perms, 0666);
	assert_int_equal(op->flags, 0);
	op = op_at(fx, 1, MOUNT_OP_FILE);
	assert_int_equal(op->data_len, 0);
	assert_int_equal(op->perms, 0400);
	op = op_at(fx, 2, MOUNT_OP_BIND_DATA);
	assert_int_equal(op->data_len, 3);
	assert_memory_equal(op->data, "a\0b", 3);
	assert_int_equal(op->perms, 0600);
	assert_int_equal(op->flags, MOUNT_OP_WRITABLE);
	op = op_at(fx, 3, MOUNT_OP_BIND_DATA);
	assert_memory_equal(op->data, "ro", 2);
	assert_int_equal(op->perms, 0600);
	assert_int_equal(op->flags, 0);
	op = op_at(fx, 4, MOUNT_OP_BIND_DATA);
	assert_int_equal(op->perms, 0644);
	/* Consumed fds are closed, as bubblewrap does. */
	assert_false(fd_is_open(f1) || fd_is_open(f2) || fd_is_open(f3) ||
		     fd_is_open(f4) || fd_is_open(f5));

	/* One fd named twice: the second op finds it at its end, as in
	 * bubblewrap, and it is closed once. */
	f1 = data_fd("once", 4);
	assert_int_equal(parse(fx, "--file", fdstr(f1), "/a", "--ro-bind-data", fdstr(f1), "/b", "x", NULL),
			 CLI_RUN);
	assert_int_equal(op_at(fx, 0, MOUNT_OP_FILE)->data_len, 4);
	assert_int_equal(op_at(fx, 1, MOUNT_OP_BIND_DATA)->data_len, 0);
	assert_false(fd_is_open(f1));

	/* Closed on failure too. */
	f1 = data_fd("x", 1);
	assert_int_equal(parse(fx, "--file", fdstr(f1), "/a", "--frob", "x", NULL), -1);
	assert_false(fd_is_open(f1));
}

static void large_file_data(void **state)
{
	struct fx *fx = *state;
	size_t n = 1 << 20;
	_cleanup_free_ char *buf = xmalloc(n);
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)(i * 7);
	int fd = data_fd(buf, n);
	assert_int_equal(parse(fx, "--file", fdstr(fd), "/big", "x", NULL), CLI_RUN);
	assert_int_equal(fx->spec.ops[0].data_len, n);
	assert_memory_equal(fx->spec.ops[0].data, buf, n);
}

static void symlink_chmod(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(parse(fx, "--symlink", "../usr/lib", "/lib", "--symlink", "usr/bin", "bin",
			       "--chmod", "1777", "/tmp", "--chmod", "0", "/x", "x", NULL),
			 CLI_RUN);
	const struct mount_op *op = op_at(fx, 0, MOUNT_OP_SYMLINK);
	assert_string_equal(op->source, "../usr/lib"); /* link text, verbatim */
	assert_string_equal(op->dest, "/lib");
	op = op_at(fx, 1, MOUNT_OP_SYMLINK);
	assert_string_equal(op->dest, "/bin");
	op = op_at(fx, 2, MOUNT_OP_CHMOD);
	assert_int_equal(op->perms, 01777);
	assert_string_equal(op->dest, "/tmp");
	assert_int_equal(op_at(fx, 3, MOUNT_OP_CHMOD)->perms, 0);
}

static void overlays(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(parse(fx, "--overlay-src", "/l1", "--overlay-src", "/l2", "--overlay", "/rw", "/work", "/o",
			       "--overlay-src", "/l3", "--tmp-overlay", "/t",
			       "--overlay-src", "/a", "--overlay-src", "/b", "--ro-overlay", "/r/", "x", NULL),
			 CLI_RUN);
	const struct mount_op *op = op_at(fx, 0, MOUNT_OP_OVERLAY);
	assert_int_equal(op->overlay.upper_kind, OVERLAY_UPPER_HOST);
	assert_int_equal(strv_length(op->overlay.lowers), 2);
	assert_string_equal(op->overlay.lowers[0], "/l1"); /* lowest first */
	assert_string_equal(op->overlay.lowers[1], "/l2");
	assert_string_equal(op->overlay.upper, "/rw");
	assert_string_equal(op->overlay.workdir, "/work");
	assert_string_equal(op->dest, "/o");
	op = op_at(fx, 1, MOUNT_OP_OVERLAY);
	assert_int_equal(op->overlay.upper_kind, OVERLAY_UPPER_TMPFS);
	assert_int_equal(strv_length(op->overlay.lowers), 1);
	assert_string_equal(op->overlay.lowers[0], "/l3");
	assert_null(op->overlay.upper);
	assert_null(op->overlay.workdir);
	op = op_at(fx, 2, MOUNT_OP_OVERLAY);
	assert_int_equal(op->overlay.upper_kind, OVERLAY_UPPER_NONE);
	assert_int_equal(strv_length(op->overlay.lowers), 2);
	assert_string_equal(op->overlay.lowers[1], "/b");
	assert_string_equal(op->dest, "/r");
}

static void ops_keep_argument_order(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(parse(fx, "--ro-bind", "/", "/", "--tmpfs", "/tmp", "--proc", "/proc", "--dir", "/tmp/x",
			       "--bind", "/a", "/tmp/x", "x", NULL),
			 CLI_RUN);
	static const enum mount_op_type want[] = { MOUNT_OP_BIND, MOUNT_OP_TMPFS, MOUNT_OP_PROC,
						   MOUNT_OP_DIR, MOUNT_OP_BIND };
	assert_int_equal(fx->spec.n_ops, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(fx->spec.ops[i].type, want[i]);
}

static void normalize_dest(void **state)
{
	(void)state;
	static const char *const rows[][2] = {
		{ "/", "/" },
		{ "", "/" },
		{ "usr", "/usr" },
		{ "//usr//lib//", "/usr/lib" },
		{ "/a/./b/.", "/a/b" },
		{ "/a/b/../c", "/a/c" },
		{ "/../../etc", "/etc" },
		{ "a/..", "/" },
		{ "..", "/" },
		{ "/a/..b/.c", "/a/..b/.c" },
		{ "/a/b/../../..", "/" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		char *got = cli_normalize_dest(rows[i][0]);
		assert_string_equal(got, rows[i][1]);
		free(got);
	}
}

/* ---- seccomp -------------------------------------------------------------- */

static void huge_and_odd_values(void **state)
{
	struct fx *fx = *state;
	char want[96];
	snprintf(want, sizeof(want), "--size (for tmpfs) is limited to %zu", (size_t)SIZE_MAX >> 1);
	assert_int_equal(parse(fx, "--size", "18446744073709551615", "--tmpfs", "/t", "x", NULL), -1);
	assert_err(fx, want);
	char over[32];
	snprintf(over, sizeof(over), "%zu", ((size_t)SIZE_MAX >> 1) + 1);
	assert_int_equal(parse(fx, "--size", over, "--tmpfs", "/t", "x", NULL), -1);
	assert_err(fx, want);

	/* Empty strings where paths go: bubblewrap treats "" as the root. */
	assert_int_equal(parse(fx, "--tmpfs", "", "--bind", "", "", "--symlink", "", "/s", "", NULL), CLI_RUN);
	assert_string_equal(fx->spec.ops[0].dest, "/");
	assert_string_equal(fx->spec.ops[1].source, "");
	assert_string_equal(fx->spec.ops[2].source, "");
	assert_string_equal(fx->spec.argv[0], "");
}

/* ---- the live oracle: bubblewrap's own words, where it has the flag ---- */

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(binds, setup, teardown),
		cmocka_unit_test_setup_teardown(bind_fds, setup, teardown),
		cmocka_unit_test_setup_teardown(simple_dest_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(tmpfs_dir_perms_size, setup, teardown),
		cmocka_unit_test_setup_teardown(data_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(large_file_data, setup, teardown),
		cmocka_unit_test_setup_teardown(symlink_chmod, setup, teardown),
		cmocka_unit_test_setup_teardown(overlays, setup, teardown),
		cmocka_unit_test_setup_teardown(ops_keep_argument_order, setup, teardown),
		cmocka_unit_test(normalize_dest),
		cmocka_unit_test_setup_teardown(huge_and_odd_values, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
