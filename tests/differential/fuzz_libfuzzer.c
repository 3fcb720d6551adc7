/* libFuzzer entry: random op sequences, VFS vs kernel (root needed).
 * Build and run: tests/differential/run-fuzz.sh [seconds] */
#include <stdlib.h>

#include "tests/differential/diff.h"
#include "tests/differential/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool synced;
	if (!synced) {
		diff_sync_sysctls();
		if (diff_host_init() < 0)
			abort();
		synced = true;
	}
	if (fuzz_one(data, size, false) > 0)
		abort(); /* printed the mismatching steps to stderr */
	return 0;
}
