/* Printable messages (printable.h). */
#include "base/printable.h"

#include <stdio.h>
#include <string.h>

#include "base/xalloc.h"

/* Writes the escaped form of s[0..n) to out (when not NULL); returns its
 * length. */
static size_t escape(const char *s, size_t n, char *out)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f) {
			if (out)
				snprintf(out + len, 5, "\\x%02x", c);
			len += 4;
		} else {
			if (out)
				out[len] = (char)c;
			len++;
		}
	}
	return len;
}

char *printable(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (max < 64)
		max = 64;
	size_t full = escape(s, n, NULL);
	if (full <= max) {
		char *out = xmalloc(full + 1);
		escape(s, n, out);
		out[full] = '\0';
		return out;
	}
	/* Head and tail of the input, each escaping to at most a share of
	 * max (an escape is 4 bytes for 1). */
	size_t tail_budget = max / 4, head_budget = max - tail_budget - 40;
	size_t head = 0, head_len = 0;
	while (head < n && head_len + escape(s + head, 1, NULL) <= head_budget)
		head_len += escape(s + head++, 1, NULL);
	size_t tail = n, tail_len = 0;
	while (tail > head && tail_len + escape(s + tail - 1, 1, NULL) <= tail_budget)
		tail_len += escape(s + --tail, 1, NULL);
	char mid[48];
	int m = snprintf(mid, sizeof(mid), "[... %zu bytes ...]", tail - head);
	char *out = xmalloc(head_len + (size_t)m + tail_len + 1);
	escape(s, head, out);
	memcpy(out + head_len, mid, (size_t)m);
	escape(s + tail, n - tail, out + head_len + (size_t)m);
	out[head_len + (size_t)m + tail_len] = '\0';
	return out;
}
