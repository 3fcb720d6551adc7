# A C program compiled in the tmpfs and run from there.
set -u
cat > hello.c <<'C'
#include <stdio.h>
#include <sys/stat.h>
int main(int argc, char **argv)
{
	struct stat st;
	printf("hello from %s, %d args\n", argv[0], argc);
	if (stat("hello.c", &st) == 0)
		printf("hello.c is %lld bytes\n", (long long)st.st_size);
	return 3;
}
C
gcc -O0 -o hello hello.c
./hello one two
echo "status $?"
stat -c '%n %a' hello
