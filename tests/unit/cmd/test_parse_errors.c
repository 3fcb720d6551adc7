/* cmd/parse: every message, word for word, as a table (argv -> message),
 * and the same failures compared with the installed bubblewrap's own
 * words where it has the flag. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "tests/unit/cmd/parse_fixture.h"

struct err_row {
	const char *argv[12];
	const char *msg;
};

static const struct err_row error_rows[] = {
	{ { "--foo" }, "Unknown option --foo" },
	{ { "-" }, "Unknown option -" },
	{ { "-x", "y" }, "Unknown option -x" },
	{ { "--bind=/a" }, "Unknown option --bind=/a" },
	{ { "--backend=" }, "Invalid --backend value:  (expected emulate, kernel or auto)" },
	{ { "--backend", "gvisor", "x" }, "Invalid --backend value: gvisor (expected emulate, kernel or auto)" },
	{ { "--platform=kvm", "x" }, "Invalid --platform value: kvm (expected unotify, ptrace or auto)" },
	/* arity */
	{ { "--bind", "/" }, "--bind takes two arguments" },
	{ { "--bind-try", "/" }, "--bind-try takes two arguments" },
	{ { "--ro-bind", "/" }, "--ro-bind takes two arguments" },
	{ { "--ro-bind-try" }, "--ro-bind-try takes two arguments" },
	{ { "--dev-bind", "/" }, "--dev-bind takes two arguments" },
	{ { "--dev-bind-try", "/" }, "--dev-bind-try takes two arguments" },
	{ { "--bind-fd", "3" }, "--bind-fd takes two arguments" },
	{ { "--ro-bind-fd", "3" }, "--bind-fd takes two arguments" },
	{ { "--file", "3" }, "--file takes two arguments" },
	{ { "--bind-data", "3" }, "--bind-data takes two arguments" },
	{ { "--ro-bind-data", "3" }, "--ro-bind-data takes two arguments" },
	{ { "--symlink", "a" }, "--symlink takes two arguments" },
	{ { "--setenv", "A" }, "--setenv takes two arguments" },
	{ { "--chmod", "0755" }, "--chmod takes two arguments" },
	{ { "--overlay", "a", "b" }, "--overlay takes three arguments" },
	{ { "--chdir" }, "--chdir takes one argument" },
	{ { "--argv0" }, "--argv0 takes one argument" },
	{ { "--remount-ro" }, "--remount-ro takes one argument" },
	{ { "--args" }, "--args takes an argument" },
	{ { "--proc" }, "--proc takes an argument" },
	{ { "--dev" }, "--dev takes an argument" },
	{ { "--tmpfs" }, "--tmpfs takes an argument" },
	{ { "--mqueue" }, "--mqueue takes an argument" },
	{ { "--dir" }, "--dir takes an argument" },
	{ { "--lock-file" }, "--lock-file takes an argument" },
	{ { "--sync-fd" }, "--sync-fd takes an argument" },
	{ { "--block-fd" }, "--block-fd takes an argument" },
	{ { "--userns-block-fd" }, "--userns-block-fd takes an argument" },
	{ { "--info-fd" }, "--info-fd takes an argument" },
	{ { "--json-status-fd" }, "--json-status-fd takes an argument" },
	{ { "--seccomp" }, "--seccomp takes an argument" },
	{ { "--add-seccomp-fd" }, "--add-seccomp-fd takes an argument" },
	{ { "--userns" }, "--userns takes an argument" },
	{ { "--userns2" }, "--userns2 takes an argument" },
	{ { "--pidns" }, "--pidns takes an argument" },
	{ { "--unsetenv" }, "--unsetenv takes an argument" },
	{ { "--uid" }, "--uid takes an argument" },
	{ { "--gid" }, "--gid takes an argument" },
	{ { "--hostname" }, "--hostname takes an argument" },
	{ { "--cap-add" }, "--cap-add takes an argument" },
	{ { "--cap-drop" }, "--cap-drop takes an argument" },
	{ { "--perms" }, "--perms takes an argument" },
	{ { "--perms", "0755", "--perms" }, "--perms takes an argument" },
	{ { "--size" }, "--size takes an argument" },
	{ { "--exec-label" }, "--exec-label takes an argument" },
	{ { "--file-label" }, "--file-label takes an argument" },
	{ { "--tmp-overlay" }, "--tmp-overlay takes an argument" },
	{ { "--ro-overlay" }, "--ro-overlay takes an argument" },
	{ { "--overlay-src" }, "--overlay-src takes an argument" },
	{ { "--backend" }, "--backend takes an argument" },
	{ { "--platform" }, "--platform takes an argument" },
	/* numbers */
	{ { "--sync-fd", "x", "y" }, "Invalid fd: x" },
	{ { "--info-fd", "-1", "y" }, "Invalid fd: -1" },
	{ { "--block-fd", "", "y" }, "Invalid fd: " },
	{ { "--json-status-fd", "0x1", "y" }, "Invalid fd: 0x1" },
	{ { "--userns-block-fd", "99999999999999999999", "y" }, "Invalid fd: 99999999999999999999" },
	{ { "--sync-fd", "2147483648", "y" }, "Invalid fd: 2147483648" },
	{ { "--bind-fd", "x", "/a", "y" }, "Invalid fd: x" },
	{ { "--ro-bind-fd", "-1", "/a", "y" }, "Invalid fd: -1" },
	{ { "--file", "1x", "/a", "y" }, "Invalid fd: 1x" },
	{ { "--bind-data", "", "/a", "y" }, "Invalid fd: " },
	{ { "--ro-bind-data", "-3", "/a", "y" }, "Invalid fd: -3" },
	{ { "--args", "z", "y" }, "Invalid fd: z" },
	{ { "--seccomp", "z", "y" }, "Invalid fd: z" },
	{ { "--add-seccomp-fd", "-2", "y" }, "Invalid fd: -2" },
	{ { "--userns", "q", "y" }, "Invalid fd: q" },
	{ { "--uid", "x", "y" }, "Invalid uid: x" },
	{ { "--uid", "-1", "y" }, "Invalid uid: -1" },
	{ { "--uid", "4294967296", "y" }, "Invalid uid: 4294967296" },
	{ { "--gid", "", "y" }, "Invalid gid: " },
	{ { "--gid", "12a", "y" }, "Invalid gid: 12a" },
	/* fds that are not open */
	{ { "--sync-fd", CLOSED_FD, "y" }, "Invalid fd for --sync-fd: " CLOSED_FD ": Bad file descriptor" },
	{ { "--block-fd", CLOSED_FD, "y" }, "Invalid fd for --block-fd: " CLOSED_FD ": Bad file descriptor" },
	{ { "--userns-block-fd", CLOSED_FD, "y" }, "Invalid fd for --userns-block-fd: " CLOSED_FD ": Bad file descriptor" },
	{ { "--info-fd", CLOSED_FD, "y" }, "Invalid fd for --info-fd: " CLOSED_FD ": Bad file descriptor" },
	{ { "--json-status-fd", CLOSED_FD, "y" }, "Invalid fd for --json-status-fd: " CLOSED_FD ": Bad file descriptor" },
	{ { "--bind-fd", CLOSED_FD, "/a", "y" }, "Invalid fd for --bind-fd: " CLOSED_FD ": Bad file descriptor" },
	{ { "--ro-bind-fd", CLOSED_FD, "/a", "y" }, "Invalid fd for --ro-bind-fd: " CLOSED_FD ": Bad file descriptor" },
	{ { "--file", CLOSED_FD, "/a", "y" }, "Can't read --file data from fd " CLOSED_FD ": Bad file descriptor" },
	{ { "--bind-data", CLOSED_FD, "/a", "y" }, "Can't read --bind-data data from fd " CLOSED_FD ": Bad file descriptor" },
	{ { "--ro-bind-data", CLOSED_FD, "/a", "y" }, "Can't read --ro-bind-data data from fd " CLOSED_FD ": Bad file descriptor" },
	/* --perms, --size, --chmod */
	{ { "--perms", "9", "--dir", "/a", "y" }, "--perms takes an octal argument <= 07777" },
	{ { "--perms", "", "--dir", "/a", "y" }, "--perms takes an octal argument <= 07777" },
	{ { "--perms", "010000", "--dir", "/a", "y" }, "--perms takes an octal argument <= 07777" },
	{ { "--perms", "0755x", "--dir", "/a", "y" }, "--perms takes an octal argument <= 07777" },
	{ { "--perms", "-1", "--dir", "/a", "y" }, "--perms takes an octal argument <= 07777" },
	{ { "--perms", "77777777777777777777777777", "y" }, "--perms takes an octal argument <= 07777" },
	{ { "--perms", "1", "--perms", "2", "--dir", "/x", "y" }, "--perms given twice for the same action" },
	{ { "--perms", "0755", "--ro-bind", "/", "/", "y" }, "--perms must be followed by an option that creates a file" },
	{ { "--perms", "0755", "--chmod", "0755", "/x", "y" }, "--perms must be followed by an option that creates a file" },
	{ { "--perms", "0755", "--size", "1", "--proc", "/p", "y" }, "--perms must be followed by an option that creates a file" },
	{ { "--perms", "0755", "y" }, "--perms must be followed by an option that creates a file" },
	{ { "--perms", "0755", "--", "y" }, "--perms must be followed by an option that creates a file" },
	{ { "--size", "0", "--tmpfs", "/a", "y" }, "--size takes a non-zero number of bytes" },
	{ { "--size", "-5", "--tmpfs", "/a", "y" }, "--size takes a non-zero number of bytes" },
	{ { "--size", " 5", "--tmpfs", "/a", "y" }, "--size takes a non-zero number of bytes" },
	{ { "--size", "1k", "--tmpfs", "/a", "y" }, "--size takes a non-zero number of bytes" },
	{ { "--size", "", "--tmpfs", "/a", "y" }, "--size takes a non-zero number of bytes" },
	{ { "--size", "0x", "--tmpfs", "/a", "y" }, "--size takes a non-zero number of bytes" },
	{ { "--size", "99999999999999999999999", "--tmpfs", "/a", "y" }, "--size takes a non-zero number of bytes" },
	{ { "--size", "1", "--size", "2", "--tmpfs", "/x", "y" }, "--size given twice for the same action" },
	{ { "--size", "10", "--dir", "/x", "y" }, "--size must be followed by --tmpfs" },
	{ { "--size", "10", "--file", "0", "/x", "y" }, "--size must be followed by --tmpfs" },
	{ { "--size", "10", "y" }, "--size must be followed by --tmpfs" },
	{ { "--chmod", "0x", "/a", "y" }, "--chmod takes an octal argument <= 07777" },
	{ { "--chmod", "", "/a", "y" }, "--chmod takes an octal argument <= 07777" },
	{ { "--chmod", "17777", "/a", "y" }, "--chmod takes an octal argument <= 07777" },
	/* overlays */
	{ { "--overlay", "/rw", "/w", "/o", "y" }, "--overlay requires at least one --overlay-src" },
	{ { "--tmp-overlay", "/o", "y" }, "--tmp-overlay requires at least one --overlay-src" },
	{ { "--ro-overlay", "/o", "y" }, "--ro-overlay requires at least two --overlay-src" },
	{ { "--overlay-src", "/a", "--ro-overlay", "/o", "y" }, "--ro-overlay requires at least two --overlay-src" },
	{ { "--overlay-src", "/a", "--dir", "/x", "y" },
	  "--overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay" },
	{ { "--overlay-src", "/a", "y" },
	  "--overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay" },
	{ { "--overlay-src", "/a", "--tmp-overlay", "/o", "--tmp-overlay", "/p", "y" },
	  "--tmp-overlay requires at least one --overlay-src" },
	/* others */
	{ { "--argv0", "a", "--argv0", "b", "y" }, "--argv0 used multiple times" },
	{ { "--cap-add", "FOO", "y" }, "unknown cap: FOO" },
	{ { "--cap-drop", "CAP_NOPE", "y" }, "unknown cap: CAP_NOPE" },
	{ { "--cap-add", "64", "y" }, "unknown cap: 64" },
	{ { "--cap-add", "", "y" }, "unknown cap: " },
	{ { "--exec-label", "system_u:foo", "y" }, "labeling not supported on this system" },
	{ { "--file-label", "x", "y" }, "labeling not supported on this system" },
	{ { "--userns", "2", "--unshare-user", "y" }, "--userns not compatible --unshare-user" },
	{ { "--unshare-user-try", "--userns", "2", "y" }, "--userns not compatible --unshare-user-try" },
	{ { "--userns", CLOSED_FD, "y" }, "Invalid fd for --userns: " CLOSED_FD ": Bad file descriptor" },
	{ { "--pidns", CLOSED_FD, "y" }, "Invalid fd for --pidns: " CLOSED_FD ": Bad file descriptor" },
	{ { "--userns2", "3", "y" }, "--userns2 is not supported by veil yet" },
	{ { "--setenv", "A=B", "v", "y" }, "setenv failed" },
	{ { "--setenv", "", "v", "y" }, "setenv failed" },
	{ { "--unsetenv", "A=B", "y" }, "unsetenv failed" },
	{ { "--unsetenv", "", "y" }, "unsetenv failed" },
	{ { "--hostname", "h", "y" }, "Specifying --hostname requires --unshare-uts" },
	{ { "--unshare-all", "--hostname", "h", "y" }, NULL /* fine: --unshare-all has uts */ },
	{ { "--as-pid-1", "y" }, "Specifying --as-pid-1 requires --unshare-pid" },
	{ { "--unshare-pid", "--as-pid-1", "--lock-file", "/l", "y" },
	  "Specifying --as-pid-1 and --lock-file is not permitted" },
	{ { "--unshare-user", "--userns-block-fd", "2", "y" }, "--userns-block-fd requires --info-fd" },
	{ { "--unshare-user", "--disable-userns", "--userns-block-fd", "2", "--info-fd", "2", "y" },
	  "--disable-userns is not compatible with  --userns-block-fd" },
	/* checks made before the missing command is noticed, as bubblewrap */
	{ { "--unshare-user", "--userns-block-fd", "2" }, "--userns-block-fd requires --info-fd" },
	{ { "--hostname", "h" }, "No command specified" },
};

static void error_table(void **state)
{
	struct fx *fx = *state;
	for (size_t i = 0; i < ARRAY_SIZE(error_rows); i++) {
		const struct err_row *row = &error_rows[i];
		char *argv[14] = { (char *)"veil" };
		int argc = 1;
		for (size_t j = 0; j < ARRAY_SIZE(row->argv) && row->argv[j]; j++)
			argv[argc++] = (char *)row->argv[j];
		argv[argc] = NULL;
		spec_free(&fx->spec);
		spec_init(&fx->spec);
		verr_free(&fx->err);
		int saved = -1;
		if (row->msg && strcmp(row->msg, "No command specified") == 0) {
			/* keep the usage text out of the test log */
			fflush(stderr);
			saved = dup(2);
			int null = open("/dev/null", O_WRONLY);
			dup2(null, 2);
			close(null);
		}
		int r = cli_parse(argc, argv, &fx->spec, fx->out, &fx->err);
		if (saved >= 0) {
			fflush(stderr);
			dup2(saved, 2);
			close(saved);
		}
		if (!row->msg) {
			assert_int_equal(r, CLI_RUN);
			continue;
		}
		if (r != -1 || !fx->err)
			fail_msg("row %zu (%s): parsed, expected \"%s\"", i, row->argv[0], row->msg);
		_cleanup_free_ char *got = verr_format(fx->err);
		if (strcmp(got, row->msg) != 0)
			fail_msg("row %zu (%s): got \"%s\", expected \"%s\"", i, row->argv[0], got, row->msg);
		assert_int_equal(fx->err->status, 0); /* VEIL_EXIT_USAGE */
	}
}

/* Runs `bwrap ARGS` and returns its first stderr line without "bwrap: ". */
static char *bwrap_says(const char *const *args)
{
	int p[2];
	if (pipe(p) != 0)
		return NULL;
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[16] = { (char *)"bwrap" };
		int n = 1;
		for (; args[n - 1]; n++)
			argv[n] = (char *)args[n - 1];
		argv[n] = NULL;
		dup2(p[1], 2);
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		execv("/usr/bin/bwrap", argv);
		_exit(127);
	}
	close(p[1]);
	char buf[512];
	size_t len = 0;
	ssize_t r;
	while (len < sizeof(buf) - 1 && (r = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)r;
	close(p[0]);
	waitpid(pid, NULL, 0);
	buf[len] = '\0';
	char *nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	if (strncmp(buf, "bwrap: ", 7) != 0)
		return NULL;
	return xstrdup(buf + 7);
}

static void same_words_as_bwrap(void **state)
{
	struct fx *fx = *state;
	if (access("/usr/bin/bwrap", X_OK) != 0)
		skip();
	/* Failures bubblewrap 0.8.0 reports while parsing, before any setup. */
	static const char *const cases[][8] = {
		{ "--frob", NULL },
		{ "--bind", "/", NULL },
		{ "--bind-fd", "3", NULL },
		{ "--overlay", "a", NULL },
		{ "--chdir", NULL },
		{ "--tmpfs", NULL },
		{ "--sync-fd", "x", "true", NULL },
		{ "--bind-data", "-1", "/a", "true", NULL },
		{ "--uid", "x", "true", NULL },
		{ "--gid", "-1", "true", NULL },
		{ "--perms", "9", "--dir", "/a", "true", NULL },
		{ "--perms", "1", "--perms", "2", "--dir", "/a", "true", NULL },
		{ "--perms", "0755", "--ro-bind", "/", "/", "true", NULL },
		{ "--size", "0", "--tmpfs", "/a", "true", NULL },
		{ "--size", "1k", "--tmpfs", "/a", "true", NULL },
		{ "--size", "1", "--size", "2", "--tmpfs", "/a", "true", NULL },
		{ "--size", "10", "--dir", "/x", "true", NULL },
		{ "--chmod", "0x", "/a", "true", NULL },
		{ "--seccomp", "3", "--add-seccomp-fd", "4", NULL },
		{ "--cap-add", "FOO", "true", NULL },
		{ "--hostname", "h", "true", NULL },
		{ "--as-pid-1", "true", NULL },
		{ "--userns", "2", "--unshare-user", "true", NULL },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *theirs = bwrap_says(cases[i]);
		/* this bwrap does not fail that way, or predates the flag */
		if (!theirs || (strncmp(theirs, "Unknown option ", 15) == 0 &&
				strcmp(cases[i][0], "--frob") != 0))
			continue;
		char *argv[10] = { (char *)"bwrap" };
		int argc = 1;
		for (size_t j = 0; cases[i][j]; j++)
			argv[argc++] = (char *)cases[i][j];
		argv[argc] = NULL;
		spec_free(&fx->spec);
		spec_init(&fx->spec);
		verr_free(&fx->err);
		assert_int_equal(cli_parse(argc, argv, &fx->spec, fx->out, &fx->err), -1);
		_cleanup_free_ char *ours = verr_format(fx->err);
		if (strcmp(ours, theirs) != 0)
			fail_msg("%s: bwrap says \"%s\", veil says \"%s\"", cases[i][0], theirs, ours);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(error_table, setup, teardown),
		cmocka_unit_test_setup_teardown(same_words_as_bwrap, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
