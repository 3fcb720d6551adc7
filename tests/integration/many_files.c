/* Runs inside the emulate backend, under a low RLIMIT_NOFILE (hard limit
 * too): stores far more files on a tmpfs than the limit, watches many of
 * them, then checks that opening, stat, listing, exec and removal all
 * still work. The sentry must hold fds for what is open, never for what
 * is stored (docs/sentry.md, "Resource exhaustion").
 *
 *   many_files DIR NDATA NEMPTY NWATCH EXE
 *   many_files --hold HOSTDIR EXE
 *
 * DIR is made and removed again; NDATA files of 1 KiB and NEMPTY empty
 * ones go in it; NWATCH of the data files get an inotify watch; EXE (a
 * program that exits 0) is copied in and run from there.
 *
 * --hold: opens HOSTDIR/f0, f1... (a bound host directory, where each open
 * file costs the sentry an fd) until an open fails, which must be EMFILE
 * or ENFILE; while it holds them all, a stat of HOSTDIR/sub/x (never
 * looked up before) must still work; once they are closed, an exec must.
 *
 * Prints what failed and exits 1, or exits 0. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *dir;

static void fail(const char *what, int i)
{
	fprintf(stderr, "many_files: %s %d: %s\n", what, i, strerror(errno));
	exit(1);
}

static void name(char *buf, size_t size, char kind, int i)
{
	snprintf(buf, size, "%s/%c%d", dir, kind, i);
}

static int run(const char *path)
{
	pid_t pid = fork();
	if (pid == 0) {
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void copy(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out = open(to, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0755);
	if (in < 0 || out < 0)
		fail("copy open", in < 0 ? 0 : 1);
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			fail("copy write", 0);
	close(in);
	close(out);
}

static int hold(const char *host, const char *exe)
{
	static int fds[65536];
	char path[4096];
	int n = 0;
	for (; n < 65536; n++) {
		snprintf(path, sizeof(path), "%s/f%d", host, n);
		if ((fds[n] = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			break;
	}
	if (n == 65536 || (errno != EMFILE && errno != ENFILE))
		fail("open until the limit", n);
	snprintf(path, sizeof(path), "%s/sub/x", host);
	struct stat st;
	if (stat(path, &st) < 0)
		fail("stat while at the limit, after opens", n);
	while (n > 0)
		close(fds[--n]);
	if (run(exe) != 0)
		fail("exec after closing", 0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--hold") == 0)
		return hold(argv[2], argv[3]);
	if (argc != 6) {
		fprintf(stderr, "usage: many_files DIR NDATA NEMPTY NWATCH EXE\n");
		return 2;
	}
	dir = argv[1];
	int ndata = atoi(argv[2]), nempty = atoi(argv[3]), nwatch = atoi(argv[4]);
	char path[4096], kib[1024];
	memset(kib, 'k', sizeof(kib));
	if (mkdir(dir, 0755) < 0)
		fail("mkdir", 0);
	for (int i = 0; i < ndata; i++) {
		name(path, sizeof(path), 'd', i);
		int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
		if (fd < 0)
			fail("create data file", i);
		if (write(fd, kib, sizeof(kib)) != (ssize_t)sizeof(kib))
			fail("write", i);
		close(fd);
	}
	for (int i = 0; i < nempty; i++) {
		name(path, sizeof(path), 'e', i);
		int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
		if (fd < 0)
			fail("create empty file", i);
		close(fd);
	}
	/* Watches: each must live on with no fd of anyone's on its file. */
	int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (in < 0)
		fail("inotify_init1", 0);
	for (int i = 0; i < nwatch && i < ndata; i++) {
		name(path, sizeof(path), 'd', i);
		if (inotify_add_watch(in, path, IN_MODIFY) < 0)
			fail("inotify_add_watch", i);
	}
	if (nwatch > 0) {
		name(path, sizeof(path), 'd', 0);
		int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd < 0 || write(fd, "+", 1) != 1)
			fail("append to a watched file", 0);
		close(fd);
		struct pollfd p = {.fd = in, .events = POLLIN};
		char ev[4096];
		if (poll(&p, 1, 10000) != 1 || read(in, ev, sizeof(ev)) <= 0)
			fail("no IN_MODIFY from a watched file", 0);
	}
	close(in);
	/* Every file is still there, with its size. */
	for (int i = 0; i < ndata; i++) {
		struct stat st;
		name(path, sizeof(path), 'd', i);
		if (stat(path, &st) < 0)
			fail("stat data file", i);
		if (st.st_size != (i == 0 && nwatch > 0 ? 1025 : 1024)) {
			errno = EIO;
			fail("size of data file", i);
		}
	}
	for (int i = 0; i < nempty; i++) {
		struct stat st;
		name(path, sizeof(path), 'e', i);
		if (stat(path, &st) < 0 || st.st_size != 0)
			fail("stat empty file", i);
	}
	name(path, sizeof(path), 'd', ndata - 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char back[2048];
	if (fd < 0 || read(fd, back, sizeof(back)) != 1024 || memcmp(back, kib, 1024) != 0)
		fail("read back", ndata - 1);
	close(fd);
	DIR *d = opendir(dir);
	if (!d)
		fail("opendir", 0);
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	if (n != ndata + nempty) {
		errno = EIO;
		fail("entries listed", n);
	}
	/* exec, of a host program and of one stored on the tmpfs */
	if (run(argv[5]) != 0)
		fail("exec", 0);
	snprintf(path, sizeof(path), "%s/prog", dir);
	copy(argv[5], path);
	if (run(path) != 0)
		fail("exec from the tmpfs", 0);
	if (unlink(path) < 0)
		fail("unlink prog", 0);
	for (int i = 0; i < ndata; i++) {
		name(path, sizeof(path), 'd', i);
		if (unlink(path) < 0)
			fail("unlink data file", i);
	}
	for (int i = 0; i < nempty; i++) {
		name(path, sizeof(path), 'e', i);
		if (unlink(path) < 0)
			fail("unlink empty file", i);
	}
	if (rmdir(dir) < 0)
		fail("rmdir", 0);
	return 0;
}
