/* Command lines drawn from the flag vocabulary (argv.dict) with odd
 * values, and the saved inputs of earlier finds, through argv_one: the
 * fuzzer's checks in every build, sanitizers included, without libFuzzer.
 *
 *   argv_storm DICT COUNT SEED [INPUT|DIR...]
 *
 * Prints the seed and count; a failed check aborts (under ASan, with the
 * report). Rerun with the same SEED to reproduce. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "tests/fuzz/argv_one.h"

#define MAX_WORDS 256

struct word {
	char *s;
	size_t len; /* with the NUL the dictionary entry ends in */
};

static uint64_t rng;
static unsigned long inputs, seen[3];

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A dictionary line "...": its bytes, \xNN unescaped. */
static int parse_entry(const char *line, struct word *w)
{
	const char *q = strchr(line, '"'), *end = strrchr(line, '"');
	if (!q || end == q)
		return -1;
	w->s = malloc((size_t)(end - q));
	w->len = 0;
	for (const char *p = q + 1; p < end; p++) {
		unsigned v;
		if (p[0] == '\\' && p[1] == 'x' && sscanf(p + 2, "%2x", &v) == 1) {
			w->s[w->len++] = (char)v;
			p += 3;
		} else {
			w->s[w->len++] = *p;
		}
	}
	return 0;
}

static size_t load_dict(const char *path, struct word *words, size_t max)
{
	FILE *f = fopen(path, "re");
	char line[512];
	size_t n = 0;
	if (!f) {
		perror(path);
		exit(2);
	}
	while (n < max && fgets(line, sizeof(line), f))
		if (line[0] == '"' && parse_entry(line, &words[n]) == 0)
			n++;
	fclose(f);
	return n;
}

/* One command line: up to 12 words, a flag (a word starting "--") most
 * often followed by values; sometimes a long value, sometimes raw bytes. */
static size_t make_line(const struct word *words, size_t n, uint8_t *out, size_t cap)
{
	size_t len = 0, k = 1 + next() % 12;
	for (size_t i = 0; i < k; i++) {
		uint64_t pick = next() % 100;
		if (pick < 4) { /* a long value */
			size_t l = 1 + next() % 3000;
			if (len + l + 1 > cap)
				break;
			memset(out + len, 'a' + (int)(next() % 26), l);
			out[len + l] = '\0';
			len += l + 1;
			continue;
		}
		if (pick < 8) { /* raw bytes */
			size_t l = 1 + next() % 16;
			if (len + l > cap)
				break;
			for (size_t j = 0; j < l; j++)
				out[len + j] = (uint8_t)next();
			len += l;
			continue;
		}
		const struct word *w = &words[next() % n];
		if (len + w->len > cap)
			break;
		memcpy(out + len, w->s, w->len);
		len += w->len;
	}
	return len;
}

static void run_file(const char *path)
{
	static uint8_t in[1 << 16];
	FILE *f = fopen(path, "re");
	if (!f) {
		perror(path);
		exit(2);
	}
	size_t len = fread(in, 1, sizeof(in), f);
	fclose(f);
	seen[argv_one(in, len)]++;
	inputs++;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s DICT COUNT SEED [INPUT...]\n", argv[0]);
		return 2;
	}
	static struct word words[MAX_WORDS];
	size_t n = load_dict(argv[1], words, MAX_WORDS);
	unsigned long count = strtoul(argv[2], NULL, 0);
	rng = strtoull(argv[3], NULL, 0) | 1;
	if (n == 0) {
		fprintf(stderr, "%s: no words\n", argv[1]);
		return 2;
	}
	printf("argv_storm: %zu words, %lu lines, seed %s\n", n, count, argv[3]);
	fflush(stdout);
	argv_one_init();
	/* What the parser prints (usage, warnings) is not under test here. */
	int quiet = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (quiet < 0 || dup2(quiet, 2) < 0)
		return 2;
	for (int i = 4; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		if (!d) {
			run_file(argv[i]);
			continue;
		}
		for (struct dirent *e; (e = readdir(d));) {
			if (e->d_name[0] == '.')
				continue;
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			run_file(path);
		}
		closedir(d);
	}
	static uint8_t line[1 << 15];
	for (unsigned long i = 0; i < count; i++)
		seen[argv_one(line, make_line(words, n, line, sizeof(line)))]++;
	printf("argv_storm: done, and %lu saved inputs: %lu would run, %lu refused, %lu "
	       "--help/--version\n", inputs, seen[ARGV_RUNS], seen[ARGV_REFUSED], seen[ARGV_EXIT]);
	return 0;
}
