/* The pty table behind the sandbox's devpts: real ptys from the host's
 * /dev/ptmx, listed while their master lives, slaves opened only for the
 * table's own ptys. */
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include "sentry/dev/pty.h"
#include "tests/unit/vfs/fixture.h"

struct pfx {
	struct fixture fx;
	struct pty_table *t;
};

static int setup(void **state)
{
	void *fxs;
	if (access("/dev/ptmx", R_OK | W_OK) < 0 || fx_setup(&fxs) < 0)
		return -1;
	struct pfx *p = calloc(1, sizeof(*p));
	p->fx = *(struct fixture *)fxs;
	free(fxs);
	p->t = pty_table_new();
	struct devpts_opts o = {
		.uid = 0,
		.gid = 0,
		.mode = 0620,
		.ptmxmode = 0666,
		.dev = pty_host_dev(),
		.provider = &pty_devpts_provider,
		.arg = p->t,
	};
	struct vfs_sb *sb;
	if (!p->t || vfs_mkdirat(&p->fx.ctx, NULL, "/pts", 0755) < 0 || devpts_new(&o, &sb) < 0)
		return -1;
	int r = vfs_mount(&p->fx.ctx, NULL, "/pts", sb, MS_NOSUID | MS_NOEXEC);
	vfs_sb_put(sb);
	*state = p;
	return r;
}

static int teardown(void **state)
{
	struct pfx *p = *state;
	struct fixture *fx = malloc(sizeof(*fx));
	*fx = p->fx;
	free(p);
	void *fxs = fx;
	return fx_teardown(&fxs); /* frees the table with the instance */
}

static struct pty_opener me = {.fsuid = 1234, .fsgid = 5678};

/* Opens `path` as the sentry would: the node as O_PATH, then the pty. */
static int open_node(struct pfx *p, const char *path, int flags, struct pty_opener *who)
{
	struct vfs_file *f;
	int r = vfs_openat(&p->fx.ctx, NULL, path, O_PATH, 0, &f);
	if (r < 0)
		return r;
	r = pty_open_node(vfs_file_inode(f), flags, who);
	vfs_file_put(f);
	return r;
}

static unsigned index_of(int master)
{
	unsigned n;
	assert_int_equal(ioctl(master, TIOCGPTN, &n), 0);
	return n;
}

static void ptmx_allocates_a_listed_pty(void **state)
{
	struct pfx *p = *state;
	int m = open_node(p, "/pts/ptmx", O_RDWR | O_NOCTTY, &me);
	assert_true(m >= 0);
	assert_true(fcntl(m, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(pty_table_live(p->t), 1);
	char path[32];
	snprintf(path, sizeof(path), "/pts/%u", index_of(m));
	struct stat st = fx_stat(&p->fx, path);
	assert_int_equal(st.st_mode, S_IFCHR | 0620);
	assert_int_equal(st.st_uid, 1234);
	assert_int_equal(st.st_gid, 5678);
	assert_int_equal(st.st_ino, index_of(m) + 3);
	/* the node is the real slave: its numbers are what a slave fd shows */
	int s = ioctl(m, _IO('T', 0x41), O_PATH | O_CLOEXEC);
	assert_true(s >= 0);
	struct stat hs;
	assert_int_equal(fstat(s, &hs), 0);
	close(s);
	assert_int_equal(st.st_rdev, hs.st_rdev);
	assert_int_equal(st.st_dev, hs.st_dev);

	/* locked until unlockpt, as the kernel's */
	assert_int_equal(open_node(p, path, O_RDWR | O_NOCTTY, &me), -EIO);
	assert_int_equal(unlockpt(m), 0);
	s = open_node(p, path, O_RDWR | O_NOCTTY, &me);
	assert_true(s >= 0);
	assert_true(isatty(s));
	assert_int_equal(write(m, "hi\n", 3), 3);
	char buf[8];
	assert_int_equal(read(s, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "hi\n", 3);

	/* the master's last close ends it, though a slave is still open */
	close(m);
	struct stat gone;
	assert_int_equal(vfs_fstatat(&p->fx.ctx, NULL, path, &gone, 0), -ENOENT);
	assert_int_equal(pty_table_live(p->t), 0);
	close(s);
}

static void a_pty_the_table_did_not_make_is_not_there(void **state)
{
	struct pfx *p = *state;
	int host = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(host >= 0);
	char path[32];
	snprintf(path, sizeof(path), "/pts/%u", index_of(host));
	struct stat st;
	assert_int_equal(vfs_fstatat(&p->fx.ctx, NULL, path, &st, 0), -ENOENT);
	assert_int_equal(open_node(p, path, O_RDWR | O_NOCTTY, &me), -ENOENT);
	/* nor does a device node with its number open anything */
	char node[32];
	snprintf(node, sizeof(node), "/fake%u", index_of(host));
	struct stat hs;
	assert_int_equal(fstat(host, &hs), 0);
	assert_int_equal(vfs_mknodat(&p->fx.ctx, NULL, node, S_IFCHR | 0666,
				     makedev(136 + index_of(host) / 256, index_of(host) % 256)),
			 0);
	assert_int_equal(open_node(p, node, O_RDWR | O_NOCTTY, &me), -EOPNOTSUPP);
	close(host);
}

static void many_ptys_come_and_go(void **state)
{
	struct pfx *p = *state;
	int m[4];
	for (int i = 0; i < 4; i++) {
		m[i] = open_node(p, "/pts/ptmx", O_RDWR | O_NOCTTY | O_NONBLOCK, &me);
		assert_true(m[i] >= 0);
	}
	assert_true(fcntl(m[0], F_GETFL) & O_NONBLOCK);
	assert_int_equal(pty_table_live(p->t), 4);
	close(m[1]);
	close(m[3]);
	assert_int_equal(pty_table_live(p->t), 2);
	/* a new one may take a freed index; it is listed once */
	int again = open_node(p, "/pts/ptmx", O_RDWR | O_NOCTTY, &me);
	assert_true(again >= 0);
	assert_int_equal(pty_table_live(p->t), 3);
	close(again);
	close(m[0]);
	close(m[2]);
	assert_int_equal(pty_table_live(p->t), 0);
}

/* Ptys opened and closed with nobody looking at /dev/pts: the table does
 * not keep an fd for each. */
static void dead_ptys_do_not_pile_up(void **state)
{
	struct pfx *p = *state;
	for (int i = 0; i < 300; i++) {
		int m = open_node(p, "/pts/ptmx", O_RDWR | O_NOCTTY, &me);
		assert_true(m >= 0);
		close(m);
	}
	assert_true(pty_table_held(p->t) <= 128);
	assert_int_equal(pty_table_live(p->t), 0);
	assert_int_equal(pty_table_held(p->t), 0);
}

/* A session leader without a controlling terminal gets one from an open
 * without O_NOCTTY: the table says so (its caller has the task run
 * TIOCSCTTY); with O_NOCTTY, or from a task that leads no session, not. */
static void controlling_terminal_rules(void **state)
{
	struct pfx *p = *state;
	int m = open_node(p, "/pts/ptmx", O_RDWR | O_NOCTTY, &me);
	assert_true(m >= 0);
	assert_false(me.take_ctty);
	assert_int_equal(unlockpt(m), 0);
	char path[32];
	snprintf(path, sizeof(path), "/pts/%u", index_of(m));
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setsid() < 0)
			_exit(10);
		struct pty_opener leader = me;
		leader.tid = leader.tgid = getpid();
		int s = open_node(p, path, O_RDWR, &leader);
		if (s < 0 || !leader.take_ctty)
			_exit(11);
		/* the sentry's open took no terminal: the leader still has none */
		if (open("/dev/tty", O_RDWR) >= 0 || errno != ENXIO)
			_exit(12);
		/* ... until it runs TIOCSCTTY itself */
		if (ioctl(s, TIOCSCTTY, 0) < 0 || open("/dev/tty", O_RDWR) < 0)
			_exit(13);
		s = open_node(p, path, O_RDWR | O_NOCTTY, &leader);
		if (s < 0 || leader.take_ctty)
			_exit(14);
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct pty_opener plain = me;
		plain.tid = plain.tgid = getpid();
		int s = open_node(p, path, O_RDWR, &plain);
		_exit(s >= 0 && !plain.take_ctty ? 0 : 15);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(ptmx_allocates_a_listed_pty, setup, teardown),
		cmocka_unit_test_setup_teardown(a_pty_the_table_did_not_make_is_not_there, setup,
						teardown),
		cmocka_unit_test_setup_teardown(many_ptys_come_and_go, setup, teardown),
		cmocka_unit_test_setup_teardown(dead_ptys_do_not_pile_up, setup, teardown),
		cmocka_unit_test_setup_teardown(controlling_terminal_rules, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
