/* Per-operation cost of the file syscalls real workloads make, run the
 * same way natively and inside a sandbox (`veil ... -- fileops`): the
 * ratio of the two runs is what a sandbox adds per call. `dir` is the
 * find pattern, what find(1) does per directory: fstatat(parent, name)
 * twice, openat, fstat, getdents64 twice, close.
 *
 * Usage: fileops [ITERATIONS [DIR [SUBDIR [FILE]]]]
 *   default: 5000 /usr/include/x86_64-linux-gnu sys /usr/bin/true
 * With FILEOPS_THREADS=N, N more threads wait (pause) meanwhile: a
 * process whose address space is shared, whose copies veil makes off its
 * loop (platform/copier.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* The directory lock comes last: under veil it turns the fd cache off for
 * the rest of the run, which the fstat after it shows. */
enum op { GETUID, STAT, FSTATAT, FSTAT, OPEN_CLOSE, OPENDIR_CLOSE, GETDENTS, DIR_PATTERN,
	  FLOCK_FILE, FLOCK_DIR, FSTAT_AFTER, N_OPS };
static const char *const names[] = {
	"getuid", "stat (absolute)", "fstatat(dirfd, name)", "fstat(dirfd)",
	"open+close file", "open+close dir", "getdents64 x2", "find's per-directory",
	"flock+unlock file", "flock+unlock dir", "fstat(dirfd) after",
};

static void *idle_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	for (int i = getenv("FILEOPS_THREADS") ? atoi(getenv("FILEOPS_THREADS")) : 0; i > 0; i--) {
		pthread_t t;
		if (pthread_create(&t, NULL, idle_thread, NULL) != 0)
			return 1;
	}
	long iters = argc > 1 && atol(argv[1]) > 0 ? atol(argv[1]) : 5000;
	const char *top = argc > 2 ? argv[2] : "/usr/include/x86_64-linux-gnu";
	const char *name = argc > 3 ? argv[3] : "sys";
	const char *file = argc > 4 ? argv[4] : "/usr/bin/true";
	int parent = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (parent < 0) {
		perror(top);
		return 1;
	}
	int sub = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sub < 0) {
		perror(name);
		return 1;
	}
	int fl = open(file, O_RDONLY | O_CLOEXEC);
	if (fl < 0) {
		perror(file);
		return 1;
	}
	static char buf[32768];
	for (int op = 0; op < N_OPS; op++) {
		double ns = 0;
		for (int pass = 0; pass < 2; pass++) {
			long n = pass ? iters : iters / 10 + 1;
			double t0 = now_ns();
			for (long i = 0; i < n; i++) {
				struct stat st;
				int fd;
				switch (op) {
				case GETUID:
					syscall(SYS_getuid);
					break;
				case STAT:
					stat(file, &st);
					break;
				case FSTATAT:
					fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW);
					break;
				case FSTAT:
				case FSTAT_AFTER:
					fstat(sub, &st);
					break;
				case OPEN_CLOSE:
					close(open(file, O_RDONLY | O_CLOEXEC));
					break;
				case OPENDIR_CLOSE:
					close(openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
					break;
				case GETDENTS:
					lseek(sub, 0, SEEK_SET);
					while (syscall(SYS_getdents64, sub, buf, sizeof(buf)) > 0)
						;
					break;
				case DIR_PATTERN:
					fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW);
					fd = openat(parent, name,
						    O_RDONLY | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
					fstat(fd, &st);
					fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW);
					while (syscall(SYS_getdents64, fd, buf, sizeof(buf)) > 0)
						;
					close(fd);
					break;
				case FLOCK_FILE:
				case FLOCK_DIR:
					fd = op == FLOCK_FILE ? fl : sub;
					flock(fd, LOCK_SH);
					flock(fd, LOCK_UN);
					break;
				}
			}
			ns = (now_ns() - t0) / n;
		}
		printf("%-24s %9.0f ns\n", names[op], ns);
	}
	return 0;
}
