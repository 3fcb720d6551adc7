# make -j2 of a small project: parallel compiles, a link, a rerun that
# does nothing.
set -u
for n in 1 2 3 4; do
	printf 'int f%s(void) { return %s; }\n' $n $n > f$n.c
done
cat > main.c <<'C'
#include <stdio.h>
int f1(void); int f2(void); int f3(void); int f4(void);
int main(void) { printf("%d\n", f1() + f2() + f3() + f4()); return 0; }
C
cat > Makefile <<'M'
OBJS = main.o f1.o f2.o f3.o f4.o
prog: $(OBJS)
	@gcc -o $@ $(OBJS)
%.o: %.c
	@gcc -c -o $@ $<
M
make -j2 -s
./prog
make -s && echo "nothing to do"
ls *.o | sort
