/* Replays every scenario table against the VFS and the kernel.
 * Usage: differential [-v] [scenario-name...] */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fs/hostfs/hostfs.h"

#include "tests/differential/steps.h"

int main(int argc, char **argv)
{
	bool verbose = false;
	int first = 1;
	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		verbose = true;
		first = 2;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "differential: needs root (mount namespaces, chroot); skipped\n");
		return 77;
	}
	diff_sync_sysctls();
	if (diff_host_init() < 0) {
		perror("differential: host trees");
		return 1;
	}
	long steps = 0;
	int bad = 0;
	if (diff_ovl_init() < 0) {
		perror("differential: overlay trees");
		return 1;
	}
	const struct {
		const struct diff_scenario *v;
		int n;
	} tables[] = {
		{diff_scenarios, diff_nscenarios},
		{diff_host_scenarios, diff_nhost_scenarios},
		{diff_overlay_scenarios, diff_noverlay_scenarios},
	};
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		for (int i = 0; i < tables[t].n; i++) {
			const struct diff_scenario *sc = &tables[t].v[i];
			bool want = first >= argc;
			for (int j = first; j < argc; j++)
				want |= strcmp(argv[j], sc->name) == 0;
			if (!want)
				continue;
			int b = diff_run(sc, true, verbose, &steps);
			printf("%-16s %3d steps, %d mismatches\n", sc->name, sc->nsteps, b);
			bad += b;
		}
	}
	printf("scenario steps: %ld\n", steps);
	printf("mismatches: %d\n", bad);
	struct hostfs_stats hs;
	hostfs_get_stats(&hs);
	printf("hostfs revalidations: %lu trusted (no host change reported), %lu asked the host\n",
	       hs.trusted, hs.strict);
	return bad ? 1 : 0;
}
