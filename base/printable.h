/* Text from the command line or a data fd, made safe to print in a
 * message: what veil quotes is the caller's input, which may hold control
 * bytes (an escape sequence repaints the terminal) or be megabytes long. */
#ifndef VEIL_BASE_PRINTABLE_H
#define VEIL_BASE_PRINTABLE_H

#include <stddef.h>

/* A new string: s with bytes below 0x20 and 0x7f written as \xNN (bytes
 * of 0x80 and over are kept: UTF-8 names stay readable), and, when the
 * result would exceed `max` bytes (>= 64), its middle replaced by
 * "[... N bytes ...]" so that the start and the end (where a message
 * puts the errno) both remain. */
char *printable(const char *s, size_t max);

#endif
