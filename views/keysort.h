/* keysort.h: a stable radix sort of small sort records, for ordering tens
 * of thousands of rows by a column without a comparison per pair. */
#ifndef BINNACLE_KEYSORT_H
#define BINNACLE_KEYSORT_H

#include <stddef.h>
#include <stdint.h>

/* What a row sorts by: top, then k0, then k1, compared as unsigned. idx
 * and whole ride along (the caller's row, and whether the key says all). */
struct keyrec {
	uint64_t k0, k1;
	uint32_t idx;
	uint8_t top;
	uint8_t whole;
};

/* Sorts a[0..n) by (top, k0, k1), ascending; records with equal keys keep
 * their order. tmp: room for n records, the caller's (kept between sorts,
 * as fresh pages for megabytes cost more than the sort). */
void keysort(struct keyrec *a, struct keyrec *tmp, size_t n);

#endif
