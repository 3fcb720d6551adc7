#ifndef VEIL_TESTS_FUZZ_H
#define VEIL_TESTS_FUZZ_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
/* Decodes data into operations and replays them on both sides; returns
 * the number of mismatching steps. */
int fuzz_one(const uint8_t *data, size_t size, bool verbose);
/* The same in the world setup (SETUP_*), every byte an operation. */
int fuzz_one_in(unsigned setup, const uint8_t *data, size_t size, bool verbose);
#endif
