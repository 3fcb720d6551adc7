# Exec by fd: execveat with a directory fd and a relative path, fexecve
# (execveat(fd, "", AT_EMPTY_PATH)) of a file in the tmpfs, of one under a
# host bind and through an O_PATH fd, AT_SYMLINK_NOFOLLOW on a symlink
# (ELOOP), a script run by fd (its interpreter gets /dev/fd/N, or
# /dev/fd/N/NAME) and by a close-on-exec fd (ENOENT: the interpreter could
# not open it), a program and a script held in a memfd, and a static
# program made in the tmpfs, run by name and by fd (the kernel loads it
# itself then).
set -u
PATH=/usr/bin:/bin
mkdir bin
cat > bin/script <<'S'
#!/bin/sh
echo "script: \$0 $0, $# args: $*"
S
chmod +x bin/script
cp /usr/bin/echo bin/echo
ln -s echo bin/link
cat > byfd.c <<'C'
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
extern char **environ;
static void run(const char *what, int dirfd, const char *path, int flags)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = {"argv0", "one", "two", NULL};
		syscall(SYS_execveat, dirfd, path, argv, environ, flags);
		printf("%s: %s\n", what, strerror(errno));
		exit(1);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("%s: status %d\n", what, WEXITSTATUS(st));
}
static int memfd_of(const char *src, unsigned flags)
{
	int in = open(src, O_RDONLY);
	struct stat st;
	fstat(in, &st);
	int fd = memfd_create("prog", flags);
	sendfile(fd, in, NULL, st.st_size);
	close(in);
	return fd;
}
int main(void)
{
	int dir = open("bin", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	run("dirfd + echo", dir, "echo", 0);
	run("dirfd + script", dir, "script", 0);
	run("dirfd + link, nofollow", dir, "link", AT_SYMLINK_NOFOLLOW);
	run("dirfd + link", dir, "link", 0);
	run("dirfd + missing", dir, "missing", 0);
	run("dirfd, empty path", dir, "", AT_EMPTY_PATH);
	run("bad flag", dir, "echo", 0x1);
	int fd = open("bin/echo", O_RDONLY | O_CLOEXEC);
	run("fexecve tmpfs echo", fd, "", AT_EMPTY_PATH);
	run("tmpfs fd, empty path without the flag", fd, "", 0);
	run("tmpfs fd as a dirfd", fd, "x", 0);
	close(fd);
	fd = open("/usr/bin/echo", O_PATH | O_CLOEXEC);
	run("O_PATH fd of /usr/bin/echo", fd, "", AT_EMPTY_PATH);
	close(fd);
	fd = open("bin/link", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	run("O_PATH fd of a symlink", fd, "", AT_EMPTY_PATH);
	close(fd);
	fd = open("bin/script", O_RDONLY);
	run("script by fd", fd, "", AT_EMPTY_PATH);
	close(fd);
	fd = open("bin/script", O_RDONLY | O_CLOEXEC);
	run("script by close-on-exec fd", fd, "", AT_EMPTY_PATH);
	close(fd);
	dir = open("bin", O_RDONLY | O_DIRECTORY);
	run("script by dirfd", dir, "script", 0);
	close(dir);
	fd = open("/tmp/w", O_PATH | O_CLOEXEC);
	run("O_PATH dir fd + bin/echo", fd, "bin/echo", 0);
	close(fd);
	fd = memfd_of("bin/script", 0);
	run("memfd script", fd, "", AT_EMPTY_PATH);
	close(fd);
	fd = memfd_of("bin/script", MFD_CLOEXEC);
	run("close-on-exec memfd script", fd, "", AT_EMPTY_PATH);
	close(fd);
	fd = memfd_of("/usr/bin/echo", 0);
	run("memfd echo", fd, "", AT_EMPTY_PATH);
	close(fd);
	int p[2];
	pipe(p);
	run("a pipe", p[0], "", AT_EMPTY_PATH);
	fd = open("static", O_RDONLY | O_CLOEXEC);
	run("fexecve static", fd, "", AT_EMPTY_PATH);
	close(fd);
	fd = memfd_of("static", MFD_CLOEXEC);
	run("close-on-exec memfd static", fd, "", AT_EMPTY_PATH);
	close(fd);
	return 0;
}
C
cat > static.c <<'C'
#include <stdio.h>
int main(int argc, char **argv)
{
	printf("static: argv[0] %s, %d args\n", argv[0], argc);
	return 3;
}
C
gcc -static -o static static.c
./static a
echo "status $?"
gcc -o byfd byfd.c && ./byfd
