/* libFuzzer entry: command lines through the parser (tests/fuzz/run.sh). */
#include <stdbool.h>

#include "tests/fuzz/argv_one.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	if (!ready) {
		argv_one_init();
		ready = true;
	}
	argv_one(data, size);
	return 0;
}
