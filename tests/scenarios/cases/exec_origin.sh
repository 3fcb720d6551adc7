# How a program is named when it runs: RUNPATH $ORIGIN/../lib found from
# the real file when the program is run through a symlink in another
# directory (java's launcher does that), /proc/self/exe and argv[0], and
# an exec by a bare name from the cwd, which names a file there (ld.so
# would take a bare name for a library to search for).
set -u
PATH=/usr/bin:/bin
mkdir -p app/bin app/lib links other
cat > lib.c <<'C'
int answer(void) { return 42; }
C
cat > prog.c <<'C'
#include <limits.h>
#include <stdio.h>
#include <unistd.h>
int answer(void);
int main(int argc, char **argv)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	printf("argv[0] %s, argc %d, exe %s, answer %d\n", argv[0], argc, exe, answer());
	return 0;
}
C
gcc -shared -fPIC -o app/lib/libanswer.so lib.c
gcc -o app/bin/prog prog.c -Lapp/lib -lanswer -Wl,-rpath,'$ORIGIN/../lib' -Wl,--enable-new-dtags
ln -s ../app/bin/prog links/prog
ln -s /tmp/w/app/bin/prog links/abs
(cd other && ../links/prog a b)
(cd other && /tmp/w/links/abs)
(cd app/bin && ./prog)
(cd links && PATH=/tmp/w/links:$PATH prog x)
cat > bare.c <<'C'
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void)
{
	char *argv[] = {"mytrue-argv0", "from", "bare", NULL};
	execv("mytrue", argv);
	printf("execv mytrue: %s\n", strerror(errno));
	return 1;
}
C
gcc -o bare bare.c
cp app/bin/prog app/bin/mytrue
(cd app/bin && ../../bare)
echo "status $?"
