/* A seeded random differential run for the test suite: the fuzzer's
 * decoder fed by a PRNG, so every build replays the same sequences.
 * Usage: fuzz-random [iterations] [seed] [overlay|overlay-host]
 * (every sequence in the SETUP_OVERLAY world, its upper a tmpfs or a host
 * directory) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs/hostfs/hostfs.h"

#include "tests/differential/diff.h"
#include "tests/differential/fuzz.h"

int main(int argc, char **argv)
{
	if (geteuid() != 0)
		return 77;
	diff_sync_sysctls();
	if (diff_host_init() < 0 || diff_ovl_init() < 0)
		return 1;
	bool overlay = argc > 3 && strncmp(argv[3], "overlay", 7) == 0;
	unsigned world = argc > 3 && strcmp(argv[3], "overlay-host") == 0
				 ? SETUP_OVERLAY | SETUP_OVERLAY_HOSTUP
				 : SETUP_OVERLAY;
	int iters = argc > 1 ? atoi(argv[1]) : 150;
	unsigned seed = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : 0x5eed;
	int bad = 0;
	long steps = 0;
	for (int i = 0; i < iters; i++) {
		uint8_t buf[192];
		for (size_t j = 0; j < sizeof(buf); j++)
			buf[j] = (uint8_t)(rand_r(&seed) >> 7);
		int b = overlay ? fuzz_one_in(world, buf, sizeof(buf), false)
				: fuzz_one(buf, sizeof(buf), false);
		steps += (long)sizeof(buf) / 4;
		if (b) {
			fprintf(stderr, "iteration %d: %d mismatches; replaying verbosely\n", i, b);
			if (overlay)
				fuzz_one_in(world, buf, sizeof(buf), true);
			else
				fuzz_one(buf, sizeof(buf), true);
			bad++;
		}
	}
	printf("random sequences: %d, steps: %ld, failing sequences: %d\n", iters, steps, bad);
	struct hostfs_stats hs;
	hostfs_get_stats(&hs);
	printf("hostfs revalidations: %lu trusted (no host change reported), %lu asked the host\n",
	       hs.trusted, hs.strict);
	return bad ? 1 : 0;
}
