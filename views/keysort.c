/* keysort.c: least significant byte first radix sort of struct keyrec (see
 * keysort.h). Counting every byte position in one pass lets the positions
 * where all records agree (a number's high bytes, the padding of a short
 * name) be skipped, so a column of small numbers or a few distinct texts
 * takes two or three passes over the records, not seventeen. */
#include "views/keysort.h"
#include <string.h>

#define DIGITS 17 /* k1's 8 bytes, k0's 8, then top: least significant first */

static unsigned digit(const struct keyrec *r, int d)
{
	if (d < 8)
		return (unsigned)(r->k1 >> (8 * d)) & 0xff;
	if (d < 16)
		return (unsigned)(r->k0 >> (8 * (d - 8))) & 0xff;
	return r->top;
}

void keysort(struct keyrec *a, struct keyrec *tmp, size_t n)
{
	if (n < 2)
		return;
	static uint32_t count[DIGITS][256];
	memset(count, 0, sizeof(count));
	for (size_t i = 0; i < n; i++)
		for (int d = 0; d < DIGITS; d++)
			count[d][digit(&a[i], d)]++;
	struct keyrec *src = a, *dst = tmp;
	for (int d = 0; d < DIGITS; d++) {
		if (count[d][digit(&a[0], d)] == n)
			continue; /* every record has this byte: nothing to order */
		uint32_t at[256], sum = 0;
		for (int b = 0; b < 256; b++) {
			at[b] = sum;
			sum += count[d][b];
		}
		for (size_t i = 0; i < n; i++)
			dst[at[digit(&src[i], d)]++] = src[i];
		struct keyrec *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
}
