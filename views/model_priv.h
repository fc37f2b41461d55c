/* model_priv.h: what model.c (filter, cells, comparison) shares with
 * model_build.c (the incremental order), model_sort.c (a whole order) and
 * rowmatch.c (the filter's row text), and nothing else. */
#ifndef BINNACLE_MODEL_PRIV_H
#define BINNACLE_MODEL_PRIV_H

#include "views/model.h"

#include <stdint.h>

/* A byte in lower case, ASCII only: UTF-8 bytes compare as themselves,
 * independent of locale (the filter, the natural order, their keys). */
static inline unsigned char model_fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* The filter on r (any column's display text, or the id) as of now. */
bool model_filter_at(const struct filter *f, const struct view *v, const struct row *r, int64_t now);
/* A pass of model_filter_at over many rows with one filter, between begin
 * and end: within it, a text rows share (interned) is matched once. keep:
 * a plain filter makes and keeps each row's folded text (views/rowmatch.h),
 * the screen's choice once a filter is typed (model_warm); without it only
 * rows that have one use it, so `binnacle get` holds no more than before. */
void model_filter_pass_begin(bool keep);
void model_filter_pass_end(void);
/* Whether r is in the drill scope of p (v: for the image scope). */
bool model_in_scope(const struct view *v, const struct row *r, const struct model_params *p, int64_t now);
/* Whether an active filter matches a source's label (an @all view's ENDPOINT). */
bool model_label_matches(const struct filter *f, const char *label);
/* Cell idx of r; an empty cell when r has no such cell. */
const struct cell *model_row_cell(const struct row *r, int idx);
/* Unset < numbers < text; numbers by value (times newest first), text in
 * natural order (model_natural_cmp). */
int model_cell_cmp(const struct cell *a, const struct cell *b);
/* Case-insensitive natural order: "web-2" before "web-10". */
int model_natural_cmp(const char *a, const char *b);

/* An order of rows by a column of a view, for qsort_r over struct row *:
 * model_order_cmp(&a, &b, &order) is model_compare(view, col, desc, a, b). */
struct model_order {
	const struct view *view;
	int col;
	bool desc;
};
int model_order_cmp(const void *pa, const void *pb, void *arg);
/* Sorts v by column col of view (out of range: no column, name then id).
 * ranked: v is in the tie-break order now, so ties keep their relative
 * order. The result is the order of model_compare(view, col, desc). */
void model_keyed_sort(struct row **v, size_t n, const struct view *view, int col, bool desc, bool ranked);
/* The same column the other way round (`i`): v reversed, each run of equal
 * cells turned back, as ties keep the tie-break order. One pass, no sort. */
void model_invert_order(struct row **v, size_t n, int cell);

#endif
