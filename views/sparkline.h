/* sparkline.h: a row of samples as a one-line chart, for trends in a table
 * cell: UTF-8 block elements, or ASCII marks where the terminal's locale
 * has no UTF-8. */
#ifndef BINNACLE_SPARKLINE_H
#define BINNACLE_SPARKLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Samples oldest first, scaled to the largest (all zero: a flat line); every
 * SPARKLINE_STEP samples make one mark (the largest of them). */
#define SPARKLINE_STEP 2
void sparkline(const int64_t *v, size_t n, bool ascii, char *out, size_t outlen);

#endif
