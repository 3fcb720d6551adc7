/* The kernel backend, end to end: specs built in C, run with ns_run(), and
 * checked from inside (a shell script writes what it sees to a pipe) and
 * from outside (exit status, error message, nothing left behind).
 *
 * Runs as root and, through run_unpriv.sh, as an unprivileged user; the
 * few checks that need one or the other say so. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <seccomp.h>
#include <sys/mman.h>

#include "base/cleanup.h"
#include "base/xalloc.h"
#include "platform/ns/ns.h"
#include "spec/spec.h"

struct fixture {
	struct spec spec;
	char tmp[64];  /* a host dir, writable, bound at /out by with_out() */
	char *out;     /* what the script wrote to stdout */
	struct veil_error *err;
};

static struct mount_op *add(struct spec *s, enum mount_op_type t, const char *src,
			    const char *dest)
{
	struct mount_op *op = spec_add_op(s, t);
	op->source = src ? xstrdup(src) : NULL;
	op->dest = xstrdup(dest);
	return op;
}

/* /usr read-only and the merged-usr links: enough for /bin/sh. */
static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	spec_init(&f->spec);
	f->spec.unshare = SPEC_NS_USER | SPEC_NS_PID | SPEC_NS_IPC | SPEC_NS_UTS;
	add(&f->spec, MOUNT_OP_BIND, "/usr", "/usr");
	add(&f->spec, MOUNT_OP_SYMLINK, "usr/bin", "/bin");
	add(&f->spec, MOUNT_OP_SYMLINK, "usr/lib", "/lib");
	add(&f->spec, MOUNT_OP_SYMLINK, "usr/lib64", "/lib64");
	add(&f->spec, MOUNT_OP_SYMLINK, "usr/sbin", "/sbin");
	add(&f->spec, MOUNT_OP_DEV, NULL, "/dev");
	strv_push(&f->spec.envp, "PATH=/usr/bin:/usr/sbin");
	snprintf(f->tmp, sizeof(f->tmp), "/tmp/veil-test-ns-XXXXXX");
	assert_non_null(mkdtemp(f->tmp));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", f->tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", f->tmp);
	spec_free(&f->spec);
	free(f->out);
	verr_free(&f->err);
	free(f);
	return 0;
}

static void with_out(struct fixture *f)
{
	struct mount_op *op = add(&f->spec, MOUNT_OP_BIND, f->tmp, "/out");
	op->flags |= MOUNT_OP_WRITABLE;
}

static void with_proc(struct fixture *f)
{
	add(&f->spec, MOUNT_OP_PROC, NULL, "/proc");
}

/* Runs `script` with sh -c, stdout into f->out; returns ns_run's result. */
static int run(struct fixture *f, const char *script)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	_cleanup_free_ char *full = xasprintf("exec 1>&%d; %s", p[1], script);
	strv_free(f->spec.argv);
	f->spec.argv = NULL;
	strv_push(&f->spec.argv, "/bin/sh");
	strv_push(&f->spec.argv, "-c");
	strv_push(&f->spec.argv, full);
	verr_free(&f->err);
	assert_int_equal(spec_prepare(&f->spec, &f->err), 0);
	int r = ns_run(&f->spec, &f->err);
	close(p[1]);
	char buf[65536];
	size_t len = 0;
	ssize_t n;
	while ((n = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(p[0]);
	free(f->out);
	f->out = xstrdup(buf);
	if (r < 0 && f->err) {
		_cleanup_free_ char *m = verr_format(f->err);
		fprintf(stderr, "ns_run: %s\n", m);
	}
	return r;
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle)) {
		fprintf(stderr, "expected \"%s\" in:\n%s\n", needle, hay);
		fail();
	}
}

static void assert_no_children(void)
{
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* ---- process ------------------------------------------------------ */

static void runs_and_reports_output(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(run(f, "echo hello"), 0);
	assert_string_equal(f->out, "hello\n");
	assert_no_children();
}

static void exit_status_and_signals(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(run(f, "exit 7"), 7);
	assert_int_equal(run(f, "kill -TERM $$"), 128 + SIGTERM);
	f->spec.as_pid_1 = true;
	assert_int_equal(run(f, "exit 9"), 9);
	assert_no_children();
}

static void pid_namespace_and_init(void **state)
{
	struct fixture *f = *state;
	with_proc(f);
	assert_int_equal(run(f, "echo $$; cat /proc/1/comm; ls /proc | grep -c '^[0-9]'"), 0);
	/* pid 1 is veil's reaper; the program is 2; a third: ls, grep. */
	assert_contains(f->out, "2\n");
	f->spec.as_pid_1 = true;
	assert_int_equal(run(f, "echo $$"), 0);
	assert_string_equal(f->out, "1\n");
}

static void init_reaps_orphans(void **state)
{
	struct fixture *f = *state;
	with_proc(f);
	/* The background sleep outlives the program: pid 1 reaps or ends it. */
	assert_int_equal(run(f, "(sleep 0.1; exit 3) & exit 4"), 4);
	assert_no_children();
}

static void env_argv0_and_chdir(void **state)
{
	struct fixture *f = *state;
	strv_push(&f->spec.envp, "FOO=bar baz");
	f->spec.chdir = xstrdup("/usr/lib");
	assert_int_equal(run(f, "echo \"$FOO\"; pwd; echo $PWD"), 0);
	assert_string_equal(f->out, "bar baz\n/usr/lib\n/usr/lib\n");

	/* No --chdir: the caller's cwd when it exists inside, else $HOME. */
	free(f->spec.chdir);
	f->spec.chdir = NULL;
	_cleanup_free_ char *old = getcwd(NULL, 0);
	assert_int_equal(chdir("/usr/share"), 0);
	assert_int_equal(run(f, "pwd"), 0);
	assert_string_equal(f->out, "/usr/share\n");
	assert_int_equal(chdir(f->tmp), 0);
	strv_push(&f->spec.envp, "HOME=/usr/include");
	assert_int_equal(run(f, "pwd"), 0);
	assert_string_equal(f->out, "/usr/include\n");
	assert_int_equal(chdir(old), 0);

	f->spec.argv0 = xstrdup("renamed");
	assert_int_equal(run(f, "echo $0"), 0);
	assert_string_equal(f->out, "renamed\n");
}

static void uid_gid_and_maps(void **state)
{
	struct fixture *f = *state;
	with_proc(f);
	f->spec.uid = 1234;
	f->spec.gid = 5678;
	f->spec.uid_set = f->spec.gid_set = true;
	/* With /dev, uid 0 is mapped first for devpts, then the asked ids in
	 * a nested user namespace: its map reads relative to the first one. */
	assert_int_equal(run(f, "id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map"), 0);
	_cleanup_free_ char *nested = xasprintf("1234\n5678\n%10u %10u %10u\n%10u %10u %10u\n",
						1234u, 0u, 1u, 5678u, 0u, 1u);
	assert_string_equal(f->out, nested);

	/* Without /dev, one namespace maps the asked ids to the caller's. */
	for (size_t i = 0; i < f->spec.n_ops; i++)
		if (f->spec.ops[i].type == MOUNT_OP_DEV)
			f->spec.ops[i].flags |= MOUNT_OP_SKIPPED;
	assert_int_equal(run(f, "id -u; id -g; cat /proc/self/uid_map"), 0);
	_cleanup_free_ char *host = xasprintf("1234\n5678\n%10u %10u %10u\n", 1234u,
					      (unsigned)getuid(), 1u);
	assert_string_equal(f->out, host);
}

static void hostname_needs_uts(void **state)
{
	struct fixture *f = *state;
	f->spec.hostname = xstrdup("sandbox");
	assert_int_equal(run(f, "uname -n"), 0);
	assert_string_equal(f->out, "sandbox\n");
	f->spec.unshare &= ~(unsigned)SPEC_NS_UTS;
	assert_int_equal(run(f, "true"), -1);
	assert_string_equal(f->err->msg, "Specifying --hostname requires --unshare-uts");
}

static void caps_default_and_uid0(void **state)
{
	struct fixture *f = *state;
	with_proc(f);
	f->spec.uid = 1000;
	f->spec.uid_set = true;
	assert_int_equal(run(f, "grep -E '^Cap(Eff|Bnd|Amb)' /proc/self/status; "
			     "grep NoNewPrivs /proc/self/status"), 0);
	assert_contains(f->out, "CapEff:\t0000000000000000");
	assert_contains(f->out, "CapBnd:\t0000000000000000");
	assert_contains(f->out, "NoNewPrivs:\t1");
	/* All, but only for root on the host running as uid 0 inside
	 * (bubblewrap: an unprivileged --uid 0 gets none). */
	f->spec.uid = 0;
	f->spec.uid_set = true;
	f->spec.gid = 0;
	assert_int_equal(run(f, "grep CapEff /proc/self/status"), 0);
	assert_true((strstr(f->out, "CapEff:\t0000000000000000") == NULL) == (getuid() == 0));
	/* Asked caps only, kept across exec for a non-root uid (ambient). */
	f->spec.uid = 1000;
	f->spec.caps_set = true;
	f->spec.caps = 1ULL << 13; /* CAP_NET_RAW */
	assert_int_equal(run(f, "grep CapEff /proc/self/status"), 0);
	assert_contains(f->out, "CapEff:\t0000000000002000");
}

static void info_and_json_status(void **state)
{
	struct fixture *f = *state;
	int info[2], js[2];
	assert_int_equal(pipe(info), 0);
	assert_int_equal(pipe(js), 0);
	f->spec.info_fd = info[1];
	f->spec.json_status_fd = js[1];
	assert_int_equal(run(f, "exit 3"), 3);
	char buf[4096];
	ssize_t n = read(info[0], buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_true(strncmp(buf, "{\n    \"child-pid\": ", 18) == 0);
	assert_contains(buf, ",\n    \"ipc-namespace\": ");
	assert_contains(buf, ",\n    \"mnt-namespace\": ");
	assert_contains(buf, ",\n    \"pid-namespace\": ");
	assert_true(strstr(buf, "net-namespace") == NULL);
	assert_contains(buf, "\n}\n");
	n = read(js[0], buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_true(strncmp(buf, "{ \"child-pid\": ", 15) == 0);
	assert_contains(buf, ", \"mnt-namespace\": ");
	assert_contains(buf, " }\n{ \"exit-code\": 3 }\n");
	close(info[0]);
	close(js[0]);
	f->spec.info_fd = f->spec.json_status_fd = -1;
}

static void sync_fd_and_block_fd(void **state)
{
	struct fixture *f = *state;
	int sync[2], block[2];
	assert_int_equal(pipe(sync), 0);
	assert_int_equal(pipe(block), 0);
	f->spec.sync_fd = sync[1];
	f->spec.block_fd = block[0];
	assert_int_equal(write(block[1], "x", 1), 1);
	assert_int_equal(run(f, "echo ran"), 0);
	assert_string_equal(f->out, "ran\n");
	char b;
	assert_int_equal(read(sync[0], &b, 1), 0); /* EOF: the sandbox is gone */
	close(sync[0]);
	close(block[1]);
	f->spec.sync_fd = f->spec.block_fd = -1;
}

/* Waits (at most 10 s) until the sandbox created `marker` in the host
 * dir bound at /out: no test depends on how fast a sandbox starts. */
static int wait_marker(const struct fixture *f, const char *marker)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", f->tmp, marker);
	for (int i = 0; i < 1000; i++) {
		if (access(path, F_OK) == 0)
			return 0;
		usleep(10000);
	}
	return -1;
}

/* Forks a process that sends `sig` to `target` (0: us) once the sandbox
 * is ready. */
static pid_t signal_when_ready(const struct fixture *f, pid_t target, int sig)
{
	pid_t me = getpid();
	pid_t p = fork();
	if (p == 0) {
		if (wait_marker(f, "ready") != 0)
			_exit(1);
		_exit(kill(target ? target : me, sig) == 0 ? 0 : 2);
	}
	return p;
}

static void signals_are_forwarded(void **state)
{
	struct fixture *f = *state;
	with_out(f);
	pid_t sender = signal_when_ready(f, 0, SIGTERM);
	assert_int_equal(run(f, "trap 'echo got TERM; exit 5' TERM; touch /out/ready; "
			     "sleep 10 & wait"),
			 5);
	assert_string_equal(f->out, "got TERM\n");
	int ws;
	assert_int_equal(waitpid(sender, &ws, 0), sender);
	assert_int_equal(WEXITSTATUS(ws), 0);
}

static void pid1_ignores_stray_signals(void **state)
{
	struct fixture *f = *state;
	/* No pid namespace: the kernel does not shield this pid 1 (a sync fd
	 * is why it exists), so ignoring is its own job. */
	int info[2], sync[2];
	assert_int_equal(pipe(info), 0);
	assert_int_equal(pipe(sync), 0);
	f->spec.unshare &= ~(unsigned)SPEC_NS_PID;
	f->spec.sync_fd = sync[1];
	f->spec.info_fd = info[1];
	with_out(f);
	pid_t helper = fork();
	if (helper == 0) {
		close(info[1]);
		char buf[512] = "";
		size_t len = 0;
		ssize_t got;
		while ((got = read(info[0], buf + len, sizeof(buf) - 1 - len)) > 0)
			len += (size_t)got;
		int pid = atoi(strstr(buf, "child-pid\": ") + 12);
		if (wait_marker(f, "ready") != 0)
			_exit(1);
		_exit(kill(pid, SIGALRM) == 0 && kill(pid, SIGPIPE) == 0 ? 0 : 2);
	}
	close(info[0]);
	assert_int_equal(run(f, "touch /out/ready; sleep 0.3; echo survived"), 0);
	f->spec.info_fd = f->spec.sync_fd = -1;
	close(sync[0]);
	assert_string_equal(f->out, "survived\n");
	int ws;
	assert_int_equal(waitpid(helper, &ws, 0), helper);
	assert_int_equal(WEXITSTATUS(ws), 0);
}

static void net_namespace_has_loopback(void **state)
{
	struct fixture *f = *state;
	with_proc(f);
	f->spec.unshare |= SPEC_NS_NET;
	assert_int_equal(run(f, "grep -c : /proc/net/dev; python3 -c \"import socket; "
			     "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(); "
			     "socket.create_connection(s.getsockname()); print('lo up')\""),
			 0);
	assert_string_equal(f->out, "1\nlo up\n");
}

static void lock_files_held_by_pid1(void **state)
{
	struct fixture *f = *state;
	with_out(f);
	_cleanup_free_ char *lock = xasprintf("%s/lock", f->tmp);
	int fd = open(lock, O_CREAT | O_RDWR, 0644);
	assert_true(fd >= 0);
	strv_push(&f->spec.lock_files, "/out/lock");
	/* Mid-run, another process cannot take a write lock: pid 1 holds a
	 * read lock. After the run it can. */
	pid_t probe = fork();
	if (probe == 0) {
		if (wait_marker(f, "ready") != 0)
			_exit(2);
		struct flock w = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		int pfd = open(lock, O_RDWR);
		int lr = fcntl(pfd, F_SETLK, &w);
		int held = lr != 0 && (errno == EAGAIN || errno == EACCES);
		_cleanup_free_ char *done = xasprintf("%s/probed", f->tmp);
		close(open(done, O_CREAT | O_WRONLY, 0644));
		_exit(held ? 0 : 1);
	}
	assert_int_equal(run(f, "touch /out/ready; while [ ! -e /out/probed ]; do sleep 0.02; "
			     "done; echo done"),
			 0);
	assert_string_equal(f->out, "done\n");
	int ws;
	assert_int_equal(waitpid(probe, &ws, 0), probe);
	assert_int_equal(WEXITSTATUS(ws), 0);
	struct flock w = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	assert_int_equal(fcntl(fd, F_SETLK, &w), 0);
	close(fd);
}

static void failure_leaves_nothing_behind(void **state)
{
	struct fixture *f = *state;
	char before[65536], after[65536];
	int fd = open("/proc/self/mountinfo", O_RDONLY);
	ssize_t nb = read(fd, before, sizeof(before) - 1);
	close(fd);
	assert_true(nb > 0);
	before[nb] = '\0';
	add(&f->spec, MOUNT_OP_TMPFS, NULL, "/late")->perms = 0755;
	add(&f->spec, MOUNT_OP_CHMOD, NULL, "/does/not/exist")->perms = 0755;
	assert_int_equal(run(f, "true"), -1);
	assert_string_equal(f->err->msg, "Can't chmod 0755 /does/not/exist");
	assert_int_equal(f->err->errnum, ENOENT);
	assert_no_children();
	fd = open("/proc/self/mountinfo", O_RDONLY);
	ssize_t na = read(fd, after, sizeof(after) - 1);
	close(fd);
	after[na > 0 ? na : 0] = '\0';
	assert_string_equal(before, after);
}

static void die_with_parent_kills_sandbox(void **state)
{
	struct fixture *f = *state;
	int info[2];
	assert_int_equal(pipe(info), 0);
	f->spec.info_fd = info[1];
	f->spec.die_with_parent = true;
	strv_push(&f->spec.argv, "/bin/sleep");
	strv_push(&f->spec.argv, "30");
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	pid_t helper = fork();
	if (helper == 0) {
		struct veil_error *e = NULL;
		_exit(ns_run(&f->spec, &e) == -1 ? 100 : 0);
	}
	close(info[1]);
	f->spec.info_fd = -1;
	char buf[512] = "";
	size_t len = 0;
	ssize_t got;
	while ((got = read(info[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)got;
	assert_true(len > 0);
	close(info[0]);
	int sandbox = atoi(strstr(buf, "child-pid\": ") + 12);
	assert_true(sandbox > 0);
	usleep(100000);
	kill(helper, SIGKILL);
	assert_int_equal(waitpid(helper, NULL, 0), helper);
	/* The sandbox's pid 1 is reparented to us (subreaper) and dies. */
	int ws;
	assert_int_equal(waitpid(sandbox, &ws, 0), sandbox);
	assert_true(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL);
	prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
	assert_no_children();
}

static void userns_block_fd_lets_caller_map(void **state)
{
	struct fixture *f = *state;
	int info[2], block[2];
	assert_int_equal(pipe(info), 0);
	assert_int_equal(pipe(block), 0);
	f->spec.unshare |= SPEC_NS_USER;
	f->spec.info_fd = info[1];
	f->spec.userns_block_fd = block[0];
	f->spec.uid = 0; /* devpts needs 0 mapped; the caller maps just that */
	f->spec.gid = 0;
	f->spec.uid_set = f->spec.gid_set = true;
	uid_t uid = getuid();
	gid_t gid = getgid();
	pid_t mapper = fork();
	if (mapper == 0) {
		close(info[1]);
		close(block[0]);
		char buf[512] = "";
		size_t len = 0;
		ssize_t got;
		/* To EOF: leaving early would SIGPIPE the writer, as bwrap. */
		while ((got = read(info[0], buf + len, sizeof(buf) - 1 - len)) > 0)
			len += (size_t)got;
		if (len == 0)
			_exit(1);
		int pid = atoi(strstr(buf, "child-pid\": ") + 12);
		char path[64], map[64];
		snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
		snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
		int fd = open(path, O_WRONLY);
		if (fd < 0 || write(fd, map, strlen(map)) < 0)
			_exit(2);
		close(fd);
		snprintf(path, sizeof(path), "/proc/%d/setgroups", pid);
		fd = open(path, O_WRONLY);
		if (fd < 0 || write(fd, "deny", 4) < 0)
			_exit(3);
		close(fd);
		snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
		snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
		fd = open(path, O_WRONLY);
		if (fd < 0 || write(fd, map, strlen(map)) < 0)
			_exit(4);
		close(fd);
		if (write(block[1], "x", 1) != 1)
			_exit(5);
		_exit(0);
	}
	close(info[0]);
	close(block[1]);
	int r = run(f, "id -u");
	f->spec.info_fd = f->spec.userns_block_fd = -1; /* ns_run closed them */
	if (r != 0)
		kill(mapper, SIGKILL);
	assert_int_equal(r, 0);
	assert_string_equal(f->out, "0\n");
	int ws;
	assert_int_equal(waitpid(mapper, &ws, 0), mapper);
	assert_int_equal(WEXITSTATUS(ws), 0);
}

/* ---- mount ops ---------------------------------------------------- */

static void bind_ro_nodev_nosuid(void **state)
{
	struct fixture *f = *state;
	with_proc(f);
	with_out(f);
	assert_int_equal(run(f, "grep ' /usr ' /proc/self/mountinfo; "
			     "touch /usr/x 2>/dev/null || echo EROFS; echo hi > /out/w"), 0);
	assert_contains(f->out, " /usr ro,nosuid,nodev");
	assert_contains(f->out, "EROFS\n");
	_cleanup_free_ char *w = xasprintf("%s/w", f->tmp);
	assert_int_equal(access(w, F_OK), 0);
}

static void bind_file_optional_and_fd(void **state)
{
	struct fixture *f = *state;
	add(&f->spec, MOUNT_OP_BIND, "/etc/hostname", "/etc/name");
	add(&f->spec, MOUNT_OP_BIND, "/nonexistent", "/nope")->flags |= MOUNT_OP_OPTIONAL;
	int fd = open("/usr/share", O_PATH | O_DIRECTORY);
	assert_true(fd >= 0);
	struct mount_op *op = add(&f->spec, MOUNT_OP_BIND, NULL, "/fdshare");
	op->source_fd = fd;
	assert_int_equal(run(f, "test -f /etc/name && echo file; test -e /nope || echo skipped; "
			     "test -d /fdshare/man && echo fd"), 0);
	assert_string_equal(f->out, "file\nskipped\nfd\n");
	close(fd);
}

static void bind_missing_source_fails(void **state)
{
	struct fixture *f = *state;
	add(&f->spec, MOUNT_OP_BIND, "/usr/nonexistent", "/x");
	strv_push(&f->spec.argv, "/bin/true");
	/* Past spec_prepare (it would catch it): the backend names it too. */
	assert_int_equal(ns_run(&f->spec, &f->err), -1);
	assert_string_equal(f->err->msg, "Can't get type of source /usr/nonexistent");
	assert_int_equal(f->err->errnum, ENOENT);
	assert_no_children();
}

static void tmpfs_perms_size_ro(void **state)
{
	struct fixture *f = *state;
	with_proc(f);
	struct mount_op *t = add(&f->spec, MOUNT_OP_TMPFS, NULL, "/scratch");
	t->perms = 01777;
	t->size = 1 << 20;
	t = add(&f->spec, MOUNT_OP_TMPFS, NULL, "/empty");
	t->perms = 0755;
	t->flags = MOUNT_OP_READONLY;
	assert_int_equal(run(f, "stat -c %a /scratch; grep ' /scratch ' /proc/self/mountinfo; "
			     "touch /scratch/a && echo ok; touch /empty/a 2>/dev/null || echo ro"),
			 0);
	assert_contains(f->out, "1777\n");
	assert_contains(f->out, "rw,nosuid,nodev");
	assert_contains(f->out, "size=1024k");
	assert_contains(f->out, "ok\nro\n");
}

static void dir_file_symlink_chmod_bind_data(void **state)
{
	struct fixture *f = *state;
	add(&f->spec, MOUNT_OP_DIR, NULL, "/a/b/c")->perms = 0700;
	struct mount_op *op = add(&f->spec, MOUNT_OP_FILE, NULL, "/etc/motd");
	op->data = xstrdup("hello file\n");
	op->data_len = strlen(op->data);
	op->perms = 0640;
	op = add(&f->spec, MOUNT_OP_BIND_DATA, NULL, "/etc/ro");
	op->data = xstrdup("bound\n");
	op->data_len = strlen(op->data);
	op->perms = 0600;
	op = add(&f->spec, MOUNT_OP_BIND_DATA, NULL, "/etc/rw");
	op->data = xstrdup("rw\n");
	op->data_len = 3;
	op->perms = 0644;
	op->flags = MOUNT_OP_WRITABLE;
	add(&f->spec, MOUNT_OP_SYMLINK, "/etc/motd", "/motd");
	add(&f->spec, MOUNT_OP_SYMLINK, "/etc/motd", "/motd"); /* same target: fine */
	add(&f->spec, MOUNT_OP_CHMOD, NULL, "/a")->perms = 0711;
	assert_int_equal(run(f, "stat -c %a /a /a/b /a/b/c /etc/motd /etc/ro; cat /motd /etc/ro; "
			     "echo x >> /etc/ro 2>/dev/null || echo ro; echo y >> /etc/rw && cat /etc/rw"),
			 0);
	assert_string_equal(f->out, "711\n700\n700\n640\n600\nhello file\nbound\nro\nrw\ny\n");
}

static void symlink_conflict_fails(void **state)
{
	struct fixture *f = *state;
	add(&f->spec, MOUNT_OP_SYMLINK, "/elsewhere", "/bin");
	assert_int_equal(run(f, "true"), -1);
	assert_string_equal(f->err->msg,
			    "Can't make symlink at /bin: existing destination is usr/bin");
}

static void remount_ro_parent_after_children(void **state)
{
	struct fixture *f = *state;
	with_proc(f);
	struct mount_op *t = add(&f->spec, MOUNT_OP_TMPFS, NULL, "/data");
	t->perms = 0755;
	t = add(&f->spec, MOUNT_OP_TMPFS, NULL, "/data/sub");
	t->perms = 0755;
	add(&f->spec, MOUNT_OP_BIND, "/usr/share", "/data/share");
	add(&f->spec, MOUNT_OP_REMOUNT_RO, NULL, "/data");
	assert_int_equal(run(f, "touch /data/x 2>/dev/null || echo parent-ro; "
			     "touch /data/sub/x && echo child-rw; grep -c ' /data/share ro' "
			     "/proc/self/mountinfo"),
			 0);
	assert_string_equal(f->out, "parent-ro\nchild-rw\n1\n");
}

static void planted_symlinks_stay_inside(void **state)
{
	struct fixture *f = *state;
	/* A bound host dir holds links an earlier run could have planted: one
	 * aiming at the host through the setup's /oldroot, one absolute. */
	_cleanup_free_ char *home = xasprintf("%s/home", f->tmp);
	_cleanup_free_ char *victim = xasprintf("%s/victim", f->tmp);
	_cleanup_free_ char *evil = xasprintf("%s/evil", home);
	_cleanup_free_ char *evil_target = xasprintf("/oldroot%s", victim);
	_cleanup_free_ char *abs = xasprintf("%s/abs", home);
	assert_int_equal(mkdir(home, 0755), 0);
	assert_int_equal(mkdir(victim, 0755), 0);
	assert_int_equal(symlink(evil_target, evil), 0);
	assert_int_equal(symlink("/data", abs), 0);
	add(&f->spec, MOUNT_OP_BIND, home, "/home")->flags |= MOUNT_OP_WRITABLE;
	add(&f->spec, MOUNT_OP_TMPFS, NULL, "/data")->perms = 0755;
	struct mount_op *op = add(&f->spec, MOUNT_OP_FILE, NULL, "/home/abs/file");
	op->data = xstrdup("inside\n");
	op->data_len = 7;
	op->perms = 0644;
	assert_int_equal(run(f, "cat /data/file"), 0);
	assert_string_equal(f->out, "inside\n");

	op = add(&f->spec, MOUNT_OP_FILE, NULL, "/home/evil/pwned");
	op->data = xstrdup("x");
	op->data_len = 1;
	op->perms = 0644;
	add(&f->spec, MOUNT_OP_CHMOD, NULL, "/home/evil")->perms = 0777;
	run(f, "true"); /* fails or lands inside; never on the host */
	_cleanup_free_ char *pwned = xasprintf("%s/pwned", victim);
	assert_int_equal(access(pwned, F_OK), -1);
	struct stat st;
	assert_int_equal(stat(victim, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
}

static void ro_bind_under_tmpfs(void **state)
{
	struct fixture *f = *state;
	struct mount_op *t = add(&f->spec, MOUNT_OP_TMPFS, NULL, "/opt");
	t->perms = 0755;
	add(&f->spec, MOUNT_OP_BIND, "/usr/share", "/opt/share");
	assert_int_equal(run(f, "touch /opt/x && echo tmpfs-rw; "
			     "touch /opt/share/x 2>/dev/null || echo bind-ro; ls /opt"),
			 0);
	assert_string_equal(f->out, "tmpfs-rw\nbind-ro\nshare\nx\n");
}

static void remount_ro_not_a_mount_fails(void **state)
{
	struct fixture *f = *state;
	add(&f->spec, MOUNT_OP_REMOUNT_RO, NULL, "/usr/share");
	assert_int_equal(run(f, "true"), -1);
	assert_string_equal(f->err->msg, "Can't remount readonly on /usr/share");
}

static void overlays(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *lower1 = xasprintf("%s/l1", f->tmp);
	_cleanup_free_ char *lower2 = xasprintf("%s/l,2:x", f->tmp); /* needs escaping */
	_cleanup_free_ char *upper = xasprintf("%s/up", f->tmp);
	_cleanup_free_ char *work = xasprintf("%s/work", f->tmp);
	assert_int_equal(mkdir(lower1, 0755), 0);
	assert_int_equal(mkdir(lower2, 0755), 0);
	assert_int_equal(mkdir(upper, 0755), 0);
	assert_int_equal(mkdir(work, 0755), 0);
	_cleanup_free_ char *a = xasprintf("%s/f", lower1);
	_cleanup_free_ char *b = xasprintf("%s/f", lower2);
	FILE *fp = fopen(a, "w");
	fputs("low\n", fp);
	fclose(fp);
	fp = fopen(b, "w");
	fputs("high\n", fp);
	fclose(fp);

	struct mount_op *op = add(&f->spec, MOUNT_OP_OVERLAY, NULL, "/tmpov");
	strv_push(&op->overlay.lowers, lower1);
	op->overlay.upper_kind = OVERLAY_UPPER_TMPFS;
	op = add(&f->spec, MOUNT_OP_OVERLAY, NULL, "/roov");
	strv_push(&op->overlay.lowers, lower1);
	strv_push(&op->overlay.lowers, lower2);
	op->overlay.upper_kind = OVERLAY_UPPER_NONE;
	op = add(&f->spec, MOUNT_OP_OVERLAY, NULL, "/rwov");
	strv_push(&op->overlay.lowers, lower1);
	op->overlay.upper_kind = OVERLAY_UPPER_HOST;
	op->overlay.upper = xstrdup(upper);
	op->overlay.workdir = xstrdup(work);
	assert_int_equal(run(f, "echo new > /tmpov/f && cat /tmpov/f; cat /roov/f; "
			     "touch /roov/g 2>/dev/null || echo ro; echo persisted > /rwov/n"),
			 0);
	assert_string_equal(f->out, "new\nhigh\nro\n");
	/* tmp-overlay changes vanished; the host upper holds the rw ones. */
	fp = fopen(a, "r");
	char line[64] = "";
	assert_non_null(fgets(line, sizeof(line), fp));
	fclose(fp);
	assert_string_equal(line, "low\n");
	_cleanup_free_ char *n = xasprintf("%s/n", upper);
	assert_int_equal(access(n, F_OK), 0);
}

static void proc_hardening(void **state)
{
	struct fixture *f = *state;
	with_proc(f);
	assert_int_equal(run(f, "grep -E ' /proc/(sys|sysrq-trigger|kcore|keys|timer_list) ' "
			     "/proc/self/mountinfo | cut -d' ' -f5,6 | cut -d, -f1; "
			     "wc -c < /proc/keys; test -e /proc/kcore || echo no-kcore"),
			 0);
	assert_contains(f->out, "/proc/sys ro\n");
	if (access("/proc/sysrq-trigger", F_OK) == 0)
		assert_contains(f->out, "/proc/sysrq-trigger ro\n");
	assert_contains(f->out, "/proc/keys ro\n");
	assert_contains(f->out, "/proc/timer_list ro\n");
	assert_contains(f->out, "0\n");
}

static void dev_nodes_pts_and_links(void **state)
{
	struct fixture *f = *state;
	with_proc(f);
	add(&f->spec, MOUNT_OP_DEV, NULL, "/dev");
	assert_int_equal(run(f, "ls /dev | tr '\\n' ' '; echo; readlink /dev/ptmx /dev/stdout; "
			     "head -c 4 /dev/zero | wc -c; echo x > /dev/null && echo null-ok; "
			     "grep ' /dev/pts ' /proc/self/mountinfo"),
			 0);
	assert_contains(f->out, "core fd full null ptmx pts random shm stderr stdin stdout tty "
				"urandom zero");
	assert_contains(f->out, "pts/ptmx\n/proc/self/fd/1\n4\nnull-ok\n");
	assert_contains(f->out, "mode=620,ptmxmode=666");
}

static void mqueue_needs_ipc_namespace(void **state)
{
	struct fixture *f = *state;
	add(&f->spec, MOUNT_OP_MQUEUE, NULL, "/dev/mqueue");
	assert_int_equal(run(f, "test -d /dev/mqueue && echo ok"), 0);
	assert_string_equal(f->out, "ok\n");
	if (getuid() == 0)
		return; /* root on the host may mount it in the host's ipc ns */
	f->spec.unshare &= ~(unsigned)SPEC_NS_IPC;
	assert_int_equal(run(f, "true"), -1);
	assert_string_equal(f->err->msg, "Can't mount mqueue on /dev/mqueue");
	assert_int_equal(f->err->errnum, EPERM);
	assert_no_children();
}

/* ---- hardening ---------------------------------------------------- */

/* The mount family is the program's when it holds CAP_SYS_ADMIN (in its
 * own mount namespace, as under bubblewrap: nested sandboxes), and
 * denied without it, the filter on either way. */
static void mount_family_for_sys_admin_only(void **state)
{
	struct fixture *f = *state;
	with_proc(f);
	f->spec.uid = 0;
	f->spec.gid = 0;
	f->spec.uid_set = f->spec.gid_set = true;
	f->spec.caps_set = true;
	f->spec.caps = 1ULL << 21; /* CAP_SYS_ADMIN */
	assert_int_equal(run(f, "grep Seccomp: /proc/self/status; "
			     "mount -t tmpfs none /usr && echo mounted"),
			 0);
	assert_contains(f->out, "Seccomp:\t2\nmounted\n");
	f->spec.caps = 0;
	assert_int_equal(run(f, "grep Seccomp: /proc/self/status; "
			     "mount -t tmpfs none /usr 2>/dev/null || echo denied"),
			 0);
	assert_contains(f->out, "Seccomp:\t2\ndenied\n");
}

static void spec_seccomp_programs_apply(void **state)
{
	struct fixture *f = *state;
	/* A program that refuses uname(2) with EACCES, exported by libseccomp. */
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	assert_non_null(ctx);
	assert_int_equal(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(uname), 0), 0);
	int mfd = memfd_create("bpf", 0);
	assert_int_equal(seccomp_export_bpf(ctx, mfd), 0);
	seccomp_release(ctx);
	off_t len = lseek(mfd, 0, SEEK_END);
	f->spec.seccomp = xcalloc(1, sizeof(*f->spec.seccomp));
	f->spec.seccomp[0].insns = xmalloc((size_t)len);
	f->spec.seccomp[0].len = (size_t)len;
	assert_int_equal(pread(mfd, f->spec.seccomp[0].insns, (size_t)len, 0), len);
	f->spec.n_seccomp = 1;
	close(mfd);
	assert_int_equal(run(f, "uname -n 2>/dev/null || echo refused; echo still-runs"), 0);
	assert_string_equal(f->out, "refused\nstill-runs\n");
}

static void new_session(void **state)
{
	struct fixture *f = *state;
	with_proc(f);
	/* Field 6 of /proc/self/stat is the session id. */
	const char *script = "read pid comm state ppid pgrp sid rest </proc/self/stat; "
			     "test $sid = $pid && echo leader || echo member";
	assert_int_equal(run(f, script), 0);
	assert_string_equal(f->out, "member\n");
	f->spec.new_session = true;
	f->spec.as_pid_1 = true; /* the shell itself is then the setsid() caller */
	assert_int_equal(run(f, "exec /bin/sh -c 'read pid comm state ppid pgrp sid rest "
			     "</proc/self/stat; test $sid = 1 && echo leader || echo member'"),
			 0);
	assert_string_equal(f->out, "leader\n");
}

static void userns_disabled(void **state)
{
	struct fixture *f = *state;
	f->spec.unshare |= SPEC_NS_USER;
	assert_int_equal(run(f, "unshare -U true 2>/dev/null && echo allowed || echo denied"), 0);
	assert_string_equal(f->out, "allowed\n");
	f->spec.disable_userns = true;
	assert_int_equal(run(f, "unshare -U true 2>/dev/null && echo allowed || echo denied"), 0);
	assert_string_equal(f->out, "denied\n");
	f->spec.disable_userns = false;
	f->spec.assert_userns_disabled = true;
	assert_int_equal(run(f, "true"), -1);
	assert_string_equal(f->err->msg,
			    "creation of new user namespaces was not disabled as requested");
}

static void landlock_scopes_signals(void **state)
{
	struct fixture *f = *state;
	with_proc(f);
	/* pid 1 (veil's init) is outside the program's Landlock domain. */
	assert_int_equal(run(f, "kill -0 1 2>/dev/null && echo reached || echo scoped"), 0);
	assert_string_equal(f->out, "scoped\n");
}

static void exec_failure_is_reported(void **state)
{
	struct fixture *f = *state;
	strv_push(&f->spec.argv, "/nonexistent");
	assert_int_equal(ns_run(&f->spec, &f->err), -1);
	assert_string_equal(f->err->msg, "execvp /nonexistent");
	assert_int_equal(f->err->errnum, ENOENT);
	assert_no_children();
}

static void root_without_userns(void **state)
{
	struct fixture *f = *state;
	if (getuid() != 0)
		skip();
	with_proc(f);
	f->spec.unshare = SPEC_NS_PID;
	assert_int_equal(run(f, "id -u; cat /proc/self/uid_map"), 0);
	/* The host's user namespace: the identity map. */
	assert_contains(f->out, "0\n         0          0 4294967295\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(runs_and_reports_output),
		T(exit_status_and_signals),
		T(pid_namespace_and_init),
		T(init_reaps_orphans),
		T(env_argv0_and_chdir),
		T(uid_gid_and_maps),
		T(hostname_needs_uts),
		T(caps_default_and_uid0),
		T(info_and_json_status),
		T(sync_fd_and_block_fd),
		T(signals_are_forwarded),
		T(pid1_ignores_stray_signals),
		T(net_namespace_has_loopback),
		T(lock_files_held_by_pid1),
		T(failure_leaves_nothing_behind),
		T(die_with_parent_kills_sandbox),
		T(userns_block_fd_lets_caller_map),
		T(bind_ro_nodev_nosuid),
		T(bind_file_optional_and_fd),
		T(bind_missing_source_fails),
		T(tmpfs_perms_size_ro),
		T(dir_file_symlink_chmod_bind_data),
		T(symlink_conflict_fails),
		T(remount_ro_parent_after_children),
		T(planted_symlinks_stay_inside),
		T(ro_bind_under_tmpfs),
		T(remount_ro_not_a_mount_fails),
		T(overlays),
		T(proc_hardening),
		T(dev_nodes_pts_and_links),
		T(mqueue_needs_ipc_namespace),
		T(mount_family_for_sys_admin_only),
		T(spec_seccomp_programs_apply),
		T(new_session),
		T(userns_disabled),
		T(landlock_scopes_signals),
		T(exec_failure_is_reported),
		T(root_without_userns),
	};
	if (!ns_available()) {
		fprintf(stderr, "user namespaces unavailable: skipping\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
