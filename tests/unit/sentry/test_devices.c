/* The host devices a sandbox opens: the pass-through list by number, and
 * the console, which only its own node opens. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sentry/dev/devices.h"

static struct stat node(mode_t type, unsigned maj, unsigned min, dev_t dev, ino_t ino)
{
	struct stat st;
	memset(&st, 0, sizeof(st));
	st.st_mode = type | 0666;
	st.st_rdev = makedev(maj, min);
	st.st_dev = dev;
	st.st_ino = ino;
	return st;
}

static void passthrough_by_number(void **state)
{
	(void)state;
	struct stat null = node(S_IFCHR, 1, 3, makedev(0, 1000), 5);
	int fd = device_open(&null, O_WRONLY, getpid());
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_WRONLY);
	struct stat hs;
	assert_int_equal(fstat(fd, &hs), 0);
	assert_int_equal(hs.st_rdev, makedev(1, 3));
	close(fd);
	/* what is not on the list, or not a char device, is not opened */
	struct stat other = node(S_IFCHR, 136, 0, makedev(0, 1000), 6);
	assert_int_equal(device_open(&other, O_RDWR, getpid()), -EOPNOTSUPP);
	struct stat blk = node(S_IFBLK, 1, 3, makedev(0, 1000), 7);
	assert_int_equal(device_open(&blk, O_RDWR, getpid()), -EOPNOTSUPP);
	struct stat ptmx = node(S_IFCHR, 5, 2, makedev(0, 1000), 8);
	assert_int_equal(device_open(&ptmx, O_RDWR, getpid()), -EOPNOTSUPP);
}

static void the_console_is_the_terminal_on_stdout(void **state)
{
	(void)state;
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(m >= 0);
	assert_int_equal(unlockpt(m), 0);
	int s = open(ptsname(m), O_RDWR | O_NOCTTY);
	assert_true(s >= 0);
	int saved = dup(1);
	assert_true(saved >= 0);

	/* stdout no terminal: no console */
	int devnull = open("/dev/null", O_WRONLY);
	assert_int_equal(dup2(devnull, 1), 1);
	struct stat host;
	assert_int_equal(device_console_host(&host), -ENOTTY);

	assert_int_equal(dup2(s, 1), 1);
	assert_int_equal(device_console_host(&host), 0);
	struct stat ss;
	assert_int_equal(fstat(s, &ss), 0);
	assert_int_equal(host.st_rdev, ss.st_rdev);
	assert_int_equal(host.st_ino, ss.st_ino);
	assert_int_equal(dup2(saved, 1), 1);
	close(saved);
	close(devnull);

	/* no node named yet: a node with its number is nothing */
	struct stat cons = node(S_IFCHR, major(host.st_rdev), minor(host.st_rdev), makedev(0, 1001), 9);
	assert_int_equal(device_open(&cons, O_RDWR, getpid()), -EOPNOTSUPP);
	device_console_node(&cons, "/dev/console");
	int fd = device_open(&cons, O_RDWR, getpid());
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(write(fd, "c\n", 2), 2);
	char buf[8];
	assert_true(read(m, buf, sizeof(buf)) >= 1);
	assert_int_equal(buf[0], 'c');
	close(fd);
	/* another node with the same number (a fakeroot's mknod) is not it */
	struct stat copy = cons;
	copy.st_ino = 10;
	assert_int_equal(device_open(&copy, O_RDWR, getpid()), -EOPNOTSUPP);
	close(s);
	close(m);
}

static void reopen_names_exactly_the_inode(void **state)
{
	(void)state;
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(m >= 0);
	int p = open(ptsname(m), O_PATH | O_CLOEXEC);
	assert_true(p >= 0);
	struct stat ps;
	assert_int_equal(fstat(p, &ps), 0);
	/* locked until unlockpt, as the kernel's open */
	assert_int_equal(device_reopen(p, O_RDWR, ps.st_rdev, ps.st_ino), -EIO);
	assert_int_equal(unlockpt(m), 0);
	int fd = device_reopen(p, O_RDWR, ps.st_rdev, ps.st_ino);
	assert_true(fd >= 0);
	close(fd);
	/* not what it was recorded as: refused */
	assert_int_equal(device_reopen(p, O_RDWR, ps.st_rdev, ps.st_ino + 1), -ENXIO);
	close(p);
	close(m);
}

/* /dev/tty of a task whose controlling terminal is no pty of the
 * sandbox's, not the console and not the sentry's: the task's own fd on
 * it, reopened through the task's fd directory. */
static void dev_tty_is_found_among_the_callers_fds(void **state)
{
	(void)state;
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(m >= 0);
	assert_int_equal(unlockpt(m), 0);
	const char *name = ptsname(m);
	assert_non_null(name);
	int ready[2], go[2];
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		char c = 'r';
		int s = setsid() < 0 ? -1 : open(name, O_RDWR | O_NOCTTY);
		if (s < 0 || ioctl(s, TIOCSCTTY, 0) < 0)
			_exit(10);
		if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) < 0)
			_exit(11);
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	char c;
	ssize_t got = read(ready[0], &c, 1);
	struct stat tty = node(S_IFCHR, 5, 0, 0, 0);
	int fd = got == 1 ? device_open(&tty, O_RDWR, pid) : -1;
	close(go[1]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	struct stat fs, ss;
	assert_int_equal(fstat(fd, &fs), 0);
	assert_int_equal(stat(name, &ss), 0);
	assert_int_equal(fs.st_rdev, ss.st_rdev);
	close(fd);
	close(ready[0]);
	close(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(passthrough_by_number),
		/* before the console is set: its pty's number may come again */
		cmocka_unit_test(dev_tty_is_found_among_the_callers_fds),
		cmocka_unit_test(the_console_is_the_terminal_on_stdout),
		cmocka_unit_test(reopen_names_exactly_the_inode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
