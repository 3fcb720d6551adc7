# A multi-threaded program: four threads create, write and rename files.
set -u
cat > t.c <<'C'
#include <pthread.h>
#include <stdio.h>
static void *work(void *arg)
{
	long n = (long)arg;
	char a[32], b[32];
	for (int i = 0; i < 50; i++) {
		snprintf(a, sizeof(a), "t%ld-%d.tmp", n, i);
		snprintf(b, sizeof(b), "t%ld-%d", n, i);
		FILE *f = fopen(a, "w");
		if (!f)
			return (void *)1;
		fprintf(f, "%ld %d\n", n, i);
		fclose(f);
		if (rename(a, b) != 0)
			return (void *)1;
	}
	return NULL;
}
int main(void)
{
	pthread_t t[4];
	void *r;
	int bad = 0;
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, work, (void *)i);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], &r);
		bad += r != NULL;
	}
	printf("failed threads: %d\n", bad);
	return bad;
}
C
gcc -O1 -pthread -o t t.c
./t
ls | grep -c '^t[0-9]-[0-9]*$'
cat t3-49
