/* Tricks a program can play to make the sentry wait, and a second process
 * that measures meanwhile how long its trapped calls take.
 *
 *   stall_tricks TRICK SECONDS [PATH]
 *
 * The process forks B, which stat()s a path (a trapped call) in a loop for
 * SECONDS and prints "max N ms" (its slowest call), or "stall" as soon as
 * one call has taken over a second (a thread of its own watches). The
 * parent, A, plays TRICK until B is done, prints "done", and waits to be
 * killed (the test then checks that veil still answers SIGTERM).
 *
 *   linger-fstat, linger-getsockname
 *     A loopback TCP connection whose peer never reads, the send buffer
 *     full, SO_LINGER {1, 30}: its last close waits 30 s. One thread makes
 *     the trapped call on the socket in a loop (the sentry takes a copy of
 *     the fd for it), another closes the fd: when the sentry's copy is the
 *     last reference, its close is the one that waits.
 *   fifo PATH
 *     Opens PATH (a named pipe on a bind) for reading and for writing, no
 *     partner: the kernel would make the opener wait, never the sentry.
 *   lease PATH
 *     Makes PATH, opens it for reading and takes a read lease on it
 *     (F_SETLEASE, run natively; SIGIO ignored, so it never lets go), then
 *     opens it for writing and truncates it, in a loop: each would wait
 *     for the lease to break, 45 s (lease-break-time), and the sentry
 *     makes those calls (a tmpfs file's memfd, a bound file).
 *   sweep
 *     Many threads and many fds (dups of stdin), then 300 files opened and
 *     kept, in /tmp: the fd map's sweep (at 256 entries) reads the fd
 *     tables; once per thread, it took threads x fds fstatat()s.
 *   mmap-lock
 *     One thread holds the process's mmap_lock for reading for seconds
 *     (MADV_POPULATE_READ of 32 GB of zero pages, without huge pages:
 *     2-3 s here), another queues for it in write mode (mprotect), the
 *     main thread makes trapped calls: the sentry's copy of their
 *     arguments waits for the lock (on a copier thread, platform/copier.h:
 *     before, on the loop). "done" counts those calls and the ones that
 *     came back wrong (after "closes that did not wait").
 *   mmap-lock-stops
 *     The same, with only the calls served at a ptrace stop (chdir,
 *     execve, a thread's creation).
 *   mmap-lock-proc
 *     The same lock play, but the process makes no trapped call: a third
 *     process reads its /proc/<pid>/cmdline, environ and smaps_rollup,
 *     which the sentry copies from the host's, whose read takes that
 *     lock. Needs --proc /proc. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void say(const char *s)
{
	if (write(1, s, strlen(s)) < 0)
		_exit(2);
}

/* ---- B ---- */

static _Atomic long call_start; /* when B's current call began, 0 between */

static void *watchdog(void *arg)
{
	(void)arg;
	for (;;) {
		struct timespec t = {0, 50 * 1000000};
		nanosleep(&t, NULL);
		long s = atomic_load(&call_start);
		if (s && now_ms() - s > 1000) {
			say("stall\n");
			_exit(1);
		}
	}
	return NULL;
}

static void __attribute__((noreturn)) measure(int seconds)
{
	pthread_t t;
	if (pthread_create(&t, NULL, watchdog, NULL) != 0)
		_exit(2);
	long end = now_ms() + seconds * 1000L, worst = 0;
	while (now_ms() < end) {
		struct stat st;
		long s = now_ms();
		atomic_store(&call_start, s);
		stat("/", &st);
		atomic_store(&call_start, 0);
		if (now_ms() - s > worst)
			worst = now_ms() - s;
	}
	char buf[64];
	snprintf(buf, sizeof(buf), "max %ld ms\n", worst);
	say(buf);
	_exit(0);
}

/* ---- A: the linger trick ---- */

struct race {
	int fd;
	bool getsockname;
	atomic_bool stop;
};

static void *caller(void *arg)
{
	struct race *r = arg;
	while (!atomic_load(&r->stop)) {
		long e;
		if (r->getsockname) {
			struct sockaddr_in a;
			socklen_t l = sizeof(a);
			e = syscall(SYS_getsockname, r->fd, &a, &l);
		} else {
			struct stat st;
			e = syscall(SYS_fstat, r->fd, &st);
		}
		if (e < 0 && errno == EBADF)
			break;
	}
	return NULL;
}

static atomic_int attempts, quick; /* closes that did not wait: the sentry's was last */

static void *closer(void *arg)
{
	struct race *r = arg;
	struct timespec t = {0, (rand() % 2000) * 1000};
	nanosleep(&t, NULL);
	long s = now_ms();
	close(r->fd); /* waits 30 s when this close is the last */
	if (now_ms() - s < 500)
		atomic_fetch_add(&quick, 1);
	atomic_store(&r->stop, true);
	return NULL;
}

/* A connected socket whose peer (kept open, never read) has a full
 * window and whose own send buffer is full, set to linger 30 s. */
static int lingering(int listener, const struct sockaddr_in *to)
{
	int c = socket(AF_INET, SOCK_STREAM, 0);
	int small = 4096;
	setsockopt(c, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	if (c < 0 || connect(c, (const struct sockaddr *)to, sizeof(*to)) < 0) {
		perror("connect");
		return -1;
	}
	if (accept(listener, NULL, NULL) < 0) { /* the peer: left open, unread */
		perror("accept");
		return -1;
	}
	fcntl(c, F_SETFL, O_NONBLOCK);
	static char junk[65536];
	while (write(c, junk, sizeof(junk)) > 0)
		;
	fcntl(c, F_SETFL, 0);
	struct linger l = {.l_onoff = 1, .l_linger = 30};
	setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	return c;
}

static void play_linger(pid_t b, bool by_name)
{
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	int small = 2048;
	setsockopt(listener, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	if (listener < 0 || bind(listener, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(listener, 64) < 0 || getsockname(listener, (struct sockaddr *)&a, &al) < 0) {
		perror("listener");
		return;
	}
	srand((unsigned)getpid());
	for (int n = 0; n < 60 && waitpid(b, NULL, WNOHANG) == 0; n++) {
		struct race *r = calloc(1, sizeof(*r)); /* a stuck closer keeps it */
		r->fd = lingering(listener, &a);
		r->getsockname = by_name;
		if (r->fd < 0) {
			perror("lingering socket");
			return;
		}
		/* The main thread makes the calls: the sentry takes any
		 * thread's fds, but a thread group's leader is the one whose
		 * pidfd every kernel gives. */
		pthread_t t;
		pthread_create(&t, NULL, closer, r);
		pthread_detach(t);
		caller(r);
		atomic_fetch_add(&attempts, 1);
	}
}

/* ---- A: the FIFO trick ---- */

static void *open_fifo(void *arg)
{
	const char *path = arg;
	int fd = open(path, O_WRONLY); /* natively: waits for a reader */
	if (fd >= 0)
		close(fd);
	return NULL;
}

static void play_fifo(pid_t b, const char *path)
{
	for (int n = 0; n < 200 && waitpid(b, NULL, WNOHANG) == 0; n++) {
		pthread_t t;
		pthread_create(&t, NULL, open_fifo, (void *)path);
		pthread_detach(t);
		int fd = open(path, O_RDONLY); /* natively: waits for a writer */
		if (fd >= 0)
			close(fd);
		struct timespec ts = {0, 10 * 1000000};
		nanosleep(&ts, NULL);
	}
}

/* ---- A: the lease trick ---- */

static void play_lease(pid_t b, const char *path)
{
	signal(SIGIO, SIG_IGN);
	int w = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (w < 0 || write(w, "x", 1) != 1) {
		perror("lease file");
		return;
	}
	close(w);
	int r = open(path, O_RDONLY);
	if (r < 0 || fcntl(r, F_SETLEASE, F_RDLCK) < 0) {
		perror("F_SETLEASE");
		return;
	}
	while (waitpid(b, NULL, WNOHANG) == 0) {
		int fd = open(path, O_WRONLY); /* natively: waits for the break */
		if (fd >= 0)
			close(fd);
		if (truncate(path, 0) < 0 && errno != EINTR && errno != EWOULDBLOCK) {
			perror("truncate");
			return;
		}
	}
}

/* ---- A: the sweep trick ---- */

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void play_sweep(pid_t b)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	long fds = 0, room = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? (long)rl.rlim_cur - 400 : 600;
	while (fds < 5000 && fds < room && dup(0) >= 0)
		fds++;
	long threads = 1500000 / (fds ? fds : 1);
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 65536);
	for (long i = 0; i < threads && i < 1000; i++) {
		pthread_t t;
		if (pthread_create(&t, &a, sleeper, NULL) != 0)
			break;
	}
	for (int i = 0; i < 300 && waitpid(b, NULL, WNOHANG) == 0; i++) {
		char name[32];
		snprintf(name, sizeof(name), "/tmp/sweep%d", i);
		if (open(name, O_CREAT | O_RDWR, 0644) < 0) {
			perror("open");
			return;
		}
	}
}

/* ---- A: the mmap_lock trick ---- */

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

#ifndef MADV_NOHUGEPAGE
#define MADV_NOHUGEPAGE 15
#endif

/* 32 GB of PROT_READ private anonymous memory populated with the zero
 * page: 64 MB of page tables, which MADV_POPULATE_READ fills (2-3 s here,
 * the lock held all along) and munmap frees; huge pages (THP's huge zero
 * page) would make it quick. MAP_NORESERVE: no memory is committed. */
static void *populate(void *arg)
{
	(void)arg;
	size_t len = (size_t)32 << 30;
	for (;;) {
		void *p =
		    mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		madvise(p, len, MADV_NOHUGEPAGE);
		madvise(p, len, MADV_POPULATE_READ);
		munmap(p, len);
	}
	return NULL;
}

static void *queue_writer(void *arg)
{
	(void)arg;
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (;;) {
		mprotect(p, 4096, PROT_READ);
		mprotect(p, 4096, PROT_READ | PROT_WRITE);
	}
	return NULL;
}

/* The writer first: the populating thread's creation is the last event
 * of this process the sentry handles (it reads clone3's arguments). */
static void hold_mmap_lock(void)
{
	pthread_t t;
	pthread_create(&t, NULL, queue_writer, NULL);
	pthread_create(&t, NULL, populate, NULL);
}

static void *nothing(void *arg)
{
	return arg;
}

/* Its own trapped calls meanwhile: each waits for the lock as it would
 * natively (the sentry keeps the call and runs it again), and each must
 * come back with the right answer, never an error of the sentry's own:
 * a path read, a result written (stat, getcwd), a file handed over (open),
 * the ptrace-stopped ones (chdir and execve, the TRACE class) and a
 * thread's creation (clone3, whose flags the sentry reads at the event).
 * The counts go in "done"'s line: attempts, and quick = the wrong ones. */
static void play_mmap_lock(pid_t b, bool stops_only)
{
	struct stat root;
	if (stat("/", &root) < 0)
		_exit(2);
	hold_mmap_lock();
	for (unsigned i = 0; waitpid(b, NULL, WNOHANG) == 0; i++) {
		struct stat st;
		char cwd[64];
		bool right = true;
		switch (stops_only ? 3 + i % 3 : i % 6) {
		case 0:
			right = stat("/", &st) == 0 && st.st_ino == root.st_ino;
			break;
		case 1:
			right = getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/") == 0;
			break;
		case 2: {
			int fd = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			right = fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
			if (fd >= 0)
				close(fd);
			break;
		}
		case 3:
			right = chdir("/") == 0;
			break;
		case 4: {
			char *const argv[] = {"none", NULL};
			right = execve("/none/such", argv, argv + 1) < 0 && errno == ENOENT;
			break;
		}
		case 5: {
			pthread_t t;
			void *back = NULL;
			right = pthread_create(&t, NULL, nothing, &root) == 0 &&
				pthread_join(t, &back) == 0 && back == &root;
			break;
		}
		}
		atomic_fetch_add(&attempts, 1);
		if (!right)
			atomic_fetch_add(&quick, 1);
	}
}

/* A third process reads this one's /proc files that take its mmap_lock;
 * this one only waits (wait4 and nanosleep are not trapped). */
static void play_mmap_lock_proc(pid_t b)
{
	pid_t me = getpid();
	pid_t c = fork();
	if (c < 0)
		_exit(2);
	if (c == 0) {
		static const char *const names[] = {"cmdline", "environ", "smaps_rollup"};
		char path[64], buf[4096];
		for (unsigned i = 0; getppid() == me; i++) {
			snprintf(path, sizeof(path), "/proc/%d/%s", (int)me, names[i % 3]);
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue; /* EAGAIN: the lock was held too long */
			while (read(fd, buf, sizeof(buf)) > 0)
				;
			close(fd);
		}
		_exit(0);
	}
	hold_mmap_lock();
	waitpid(b, NULL, 0);
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr,
			"usage: %s "
			"linger-fstat|linger-getsockname|fifo|lease|sweep|mmap-lock|mmap-lock-stops|"
			"mmap-lock-proc "
			"SECONDS [PATH]\n",
			argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	pid_t b = fork();
	if (b < 0)
		return 2;
	if (b == 0)
		measure(atoi(argv[2]));
	if (strcmp(argv[1], "linger-fstat") == 0)
		play_linger(b, false);
	else if (strcmp(argv[1], "linger-getsockname") == 0)
		play_linger(b, true);
	else if (strcmp(argv[1], "lease") == 0 && argc > 3)
		play_lease(b, argv[3]);
	else if (strcmp(argv[1], "sweep") == 0)
		play_sweep(b);
	else if (strcmp(argv[1], "mmap-lock") == 0)
		play_mmap_lock(b, false);
	else if (strcmp(argv[1], "mmap-lock-stops") == 0)
		play_mmap_lock(b, true);
	else if (strcmp(argv[1], "mmap-lock-proc") == 0)
		play_mmap_lock_proc(b);
	else if (strcmp(argv[1], "fifo") == 0 && argc > 3)
		play_fifo(b, argv[3]);
	else
		return 2;
	waitpid(b, NULL, 0);
	char buf[64];
	snprintf(buf, sizeof(buf), "done: %d tries, %d closes that did not wait\n",
		 atomic_load(&attempts), atomic_load(&quick));
	say(buf);
	for (;;)
		pause();
}
