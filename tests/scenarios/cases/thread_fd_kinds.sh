# Calls on an fd made by a thread that leads no thread group: the sentry
# takes the fd from that thread (fstat of a pipe, a socket and a file,
# getsockname). A wrong PIDFD_THREAD once made every one fail with ESRCH.
set -u
cat > t.c <<'C'
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
static int p[2], s, f;
static void *work(void *arg)
{
	(void)arg;
	struct stat st;
	printf("pipe: %s\n", fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode) ? "fifo" : strerror(errno));
	printf("socket: %s\n", fstat(s, &st) == 0 && S_ISSOCK(st.st_mode) ? "socket" : strerror(errno));
	printf("file: %s\n", fstat(f, &st) == 0 && st.st_size == 3 ? "3 bytes" : strerror(errno));
	struct sockaddr_un a;
	socklen_t l = sizeof(a);
	printf("getsockname: %s\n", getsockname(s, (struct sockaddr *)&a, &l) == 0 ? "ok" : strerror(errno));
	return NULL;
}
int main(void)
{
	if (pipe(p) < 0 || (s = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
	    (f = open("three", O_RDWR | O_CREAT | O_TRUNC, 0644)) < 0 || write(f, "abc", 3) != 3)
		return 1;
	pthread_t t;
	pthread_create(&t, NULL, work, NULL);
	pthread_join(t, NULL);
	return 0;
}
C
gcc -O1 -pthread -o t t.c
./t
