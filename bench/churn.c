/* One kind of churn, looped, to watch the sentry's memory under it
 * (bench/soak.sh, tests/integration/sentry_churn.sh).
 *
 *   churn KIND LIMIT [DIR]
 *
 * KIND: files (create, write, close, unlink), dirs (mkdir, open, getdents,
 * close, rmdir), stat, forkexec (fork, exec /bin/true, wait), threads
 * (create, join), sockets (unix bind, listen, connect, accept, close,
 * unlink), sendfd (open a file, pass it over a socketpair, close both
 * copies, unlink), inotify (create a file, watch it, write, close, delete
 * it, read the events; a new instance watching DIR every 1000), proc (read /proc/self/status and maps, list
 * /proc/self/fd), copyup (change a file of an overlay's lower layer:
 * copy-up, then delete it again, which whites it out; a new lower file
 * for each iteration, made beforehand). LIMIT: "10s" runs for ten
 * seconds, "50000" for that many iterations. DIR: where the files go
 * (/tmp).
 *
 * With VEIL_RSS_FD set to an fd open on the sentry's /proc/<pid>/status
 * (the shell's `3</proc/self/status` before it execs veil), it prints the
 * sentry's VmRSS after the first quarter of the iterations (warm-up) and
 * at the end: "warm <kB>" and "end <kB>". Always prints "iterations <n>". */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *dir = "/tmp";
static char path_a[512];

static void die(const char *what)
{
	fprintf(stderr, "churn: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void files(unsigned long i)
{
	(void)i;
	int fd = open(path_a, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die("open");
	if (write(fd, "churn\n", 6) != 6)
		die("write");
	close(fd);
	if (unlink(path_a) < 0)
		die("unlink");
}

static void dirs(unsigned long i)
{
	(void)i;
	if (mkdir(path_a, 0755) < 0)
		die("mkdir");
	DIR *d = opendir(path_a);
	if (!d)
		die("opendir");
	while (readdir(d))
		;
	closedir(d);
	if (rmdir(path_a) < 0)
		die("rmdir");
}

static void stats(unsigned long i)
{
	(void)i;
	struct stat st;
	if (stat(dir, &st) < 0 || lstat("/", &st) < 0)
		die("stat");
}

static void forkexec(unsigned long i)
{
	(void)i;
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	int status;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		die("exec /bin/true");
}

static void *thread_main(void *arg)
{
	return arg;
}

static void threads(unsigned long i)
{
	(void)i;
	pthread_t t;
	if ((errno = pthread_create(&t, NULL, thread_main, NULL)) != 0)
		die("pthread_create");
	pthread_join(t, NULL);
}

static void sockets(unsigned long i)
{
	(void)i;
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path_a) >= sizeof(a.sun_path))
		die("a socket path that long");
	memcpy(a.sun_path, path_a, strlen(path_a) + 1);
	int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int cli = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (srv < 0 || cli < 0)
		die("socket");
	if (bind(srv, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(srv, 1) < 0)
		die("bind");
	if (connect(cli, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("connect");
	int acc = accept4(srv, NULL, NULL, SOCK_CLOEXEC);
	if (acc < 0)
		die("accept");
	close(acc);
	close(cli);
	close(srv);
	if (unlink(path_a) < 0)
		die("unlink");
}

static void sendfd(unsigned long i)
{
	(void)i;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0)
		die("socketpair");
	int fd = open(path_a, O_CREAT | O_RDWR | O_CLOEXEC, 0644);
	if (fd < 0)
		die("open");
	char c = 'x';
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov = {.iov_base = &c, .iov_len = 1};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			   .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &fd, sizeof(int));
	if (sendmsg(sv[0], &m, 0) != 1)
		die("sendmsg");
	close(fd);
	m.msg_controllen = sizeof(u.buf);
	if (recvmsg(sv[1], &m, MSG_CMSG_CLOEXEC) != 1)
		die("recvmsg");
	h = CMSG_FIRSTHDR(&m);
	if (h && h->cmsg_type == SCM_RIGHTS) {
		memcpy(&fd, CMSG_DATA(h), sizeof(int));
		struct stat st;
		if (fstat(fd, &st) < 0)
			die("fstat of the passed fd");
		close(fd);
	}
	close(sv[0]);
	close(sv[1]);
	if (unlink(path_a) < 0)
		die("unlink");
}

/* One instance for many rounds: closing one that holds watches waits for
 * the kernel's grace period (milliseconds), which would be all we measure. */
static void watch(unsigned long i)
{
	static int in = -1;
	if (i % 1000 == 0) {
		if (in >= 0)
			close(in);
		in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		if (in < 0)
			die("inotify_init1");
		/* A directory of the sandbox's tmpfs cannot be watched
		 * (EOPNOTSUPP, sentry/sys/sys_inotify.c); a bound host one can. */
		if (inotify_add_watch(in, dir, IN_CREATE | IN_DELETE) < 0 && errno != EOPNOTSUPP)
			die("inotify_add_watch of the directory");
	}
	int fd = open(path_a, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0)
		die("open");
	if (inotify_add_watch(in, path_a, IN_MODIFY | IN_CLOSE_WRITE) < 0)
		die("inotify_add_watch of the file");
	if (write(fd, "x", 1) != 1)
		die("write");
	close(fd);
	if (unlink(path_a) < 0)
		die("unlink");
	char buf[4096];
	while (read(in, buf, sizeof(buf)) > 0)
		;
}

static void readall(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(path);
	char buf[8192];
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
}

static void proc(unsigned long i)
{
	(void)i;
	readall("/proc/self/status");
	readall("/proc/self/maps");
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		die("/proc/self/fd");
	while (readdir(d))
		;
	closedir(d);
}

static unsigned long copyup_n;

/* The lower files are made beforehand (soak.sh): dir/c<i>. */
static void copyup(unsigned long i)
{
	char p[600];
	snprintf(p, sizeof(p), "%s/c%lu", dir, i % copyup_n);
	int fd = open(p, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		die("open a lower file for writing");
	if (write(fd, "u", 1) != 1)
		die("write");
	close(fd);
	/* Deleting it whites it out; make it again so the next round finds a
	 * name (an upper file now, opaque to the lower one). */
	if (unlink(p) < 0)
		die("unlink");
	fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0)
		die("recreate");
	close(fd);
}

static const struct {
	const char *name;
	void (*fn)(unsigned long i);
} kinds[] = {
	{"files", files},     {"dirs", dirs},	  {"stat", stats},   {"forkexec", forkexec},
	{"threads", threads}, {"sockets", sockets}, {"sendfd", sendfd}, {"inotify", watch},
	{"proc", proc},	      {"copyup", copyup},
};

static long rss_kb(int fd)
{
	char buf[4096];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	const char *p = strstr(buf, "VmRSS:");
	return p ? strtol(p + 6, NULL, 10) : -1;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: churn KIND LIMIT(Ns|N) [DIR]\n");
		return 2;
	}
	void (*fn)(unsigned long) = NULL;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (strcmp(argv[1], kinds[k].name) == 0)
			fn = kinds[k].fn;
	if (!fn) {
		fprintf(stderr, "churn: no kind %s\n", argv[1]);
		return 2;
	}
	char *end;
	double limit = strtod(argv[2], &end);
	bool timed = *end == 's';
	if (argc > 3)
		dir = argv[3];
	snprintf(path_a, sizeof(path_a), "%s/churn-%d", dir, (int)getpid());
	const char *e = getenv("CHURN_LOWER_FILES");
	copyup_n = e ? strtoul(e, NULL, 10) : 100;
	if (!copyup_n)
		copyup_n = 1;
	e = getenv("VEIL_RSS_FD");
	int rss_fd = e ? atoi(e) : -1;
	double t0 = now();
	unsigned long i = 0;
	bool warm = false;
	for (;; i++) {
		if (timed ? (i % 64 == 0 && now() - t0 >= limit) : i >= (unsigned long)limit)
			break;
		if (!warm && rss_fd >= 0 &&
		    (timed ? (i % 64 == 0 && now() - t0 >= limit / 4) : i >= (unsigned long)limit / 4)) {
			printf("warm %ld\n", rss_kb(rss_fd));
			fflush(stdout);
			warm = true;
		}
		fn(i);
	}
	if (rss_fd >= 0)
		printf("end %ld\n", rss_kb(rss_fd));
	printf("iterations %lu\n", i);
	return 0;
}
