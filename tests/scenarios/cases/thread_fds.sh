# fd calls from threads other than the main one (npm, rustc, java and
# threaded servers make them): the sentry takes the fd from that thread's
# own table. Then a thread with an fd table of its own (unshare(CLONE_FILES)).
set -u
PATH=/usr/bin:/bin
python3 -c '
import os, threading, stat
os.mkdir("d")
open("d/f", "w").write("hello")
out = []
def work():
    fd = os.open("d/f", os.O_RDWR)
    out.append(("fstat size", os.fstat(fd).st_size))
    os.ftruncate(fd, 2)
    os.fchmod(fd, 0o600)
    out.append(("after ftruncate+fchmod", os.fstat(fd).st_size, oct(stat.S_IMODE(os.fstat(fd).st_mode))))
    os.close(fd)
    dfd = os.open("d", os.O_RDONLY | os.O_DIRECTORY)
    out.append(("listdir(fd)", sorted(os.listdir(dfd))))
    out.append(("stat at dirfd", os.stat("f", dir_fd=dfd).st_size))
    os.close(dfd)
ts = [threading.Thread(target=work) for _ in range(3)]
for t in ts: t.start(); t.join()
for o in out: print(*o)
'
cat > u.c <<'C'
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
static int shared;
static void *own(void *arg)
{
	(void)arg;
	if (unshare(CLONE_FILES) != 0)
		return (void *)1;
	close(shared); /* only in this thread's table */
	int fd = open("d/f", O_RDONLY); /* takes the number back */
	struct stat st;
	int r = fstat(fd, &st);
	printf("thread's own table: fd %s, size %lld\n", fd == shared ? "reused" : "new",
	       r == 0 ? (long long)st.st_size : -1LL);
	return NULL;
}
int main(void)
{
	shared = open("/dev/null", O_RDONLY);
	pthread_t t;
	pthread_create(&t, NULL, own, NULL);
	pthread_join(t, NULL);
	struct stat st;
	printf("main's fd still /dev/null: %d\n", fstat(shared, &st) == 0 && S_ISCHR(st.st_mode));
	return 0;
}
C
gcc -O1 -pthread -o u u.c && ./u
