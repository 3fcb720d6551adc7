/* One command line through veil's front end, as the fuzzers give it: the
 * parser, the host-path checks and the emulate backend's refusals, with
 * nothing set up or run. */
#ifndef VEIL_TESTS_FUZZ_ARGV_ONE_H
#define VEIL_TESTS_FUZZ_ARGV_ONE_H

#include <stddef.h>
#include <stdint.h>

/* Makes every fd the process has that a read could wait on write-only,
 * so that a command line naming one (`--file 0 /x` in --args data) fails
 * at once. Once, before the first argv_one. */
void argv_one_init(void);

/* `data` is the arguments after argv[0], each ended by a NUL (a last
 * one without is taken whole). A number after a flag that takes an fd
 * becomes one of a few memfds holding pieces of `data`, so that data fds
 * (--file, --args, --seccomp) have something to read. Aborts on what no
 * input may cause: a failure without a message, a message that is not
 * printable or runs past its cap, a status other than the parser's, an
 * fd of the harness's closed or left open. Returns what became of it:
 * ARGV_RUNS (the backend would start it), ARGV_REFUSED or ARGV_EXIT
 * (--help, --version). */
enum { ARGV_RUNS, ARGV_REFUSED, ARGV_EXIT };
int argv_one(const uint8_t *data, size_t size);

#endif
