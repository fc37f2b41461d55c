/* model.h: what a table shows of a store table: rows narrowed by a drill
 * scope and the user's filter, sorted by a column, with every cell formatted
 * as text. Shared by the screen and `binnacle get`, so both show the same. */
#ifndef BINNACLE_MODEL_H
#define BINNACLE_MODEL_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "views/view.h"

/* The `/` filter: a regular expression (case-insensitive), or a plain
 * substring when the text is not a valid one; a leading '!' inverts it. */
struct filter {
	char *text;   /* as typed, including any '!' */
	bool invert;
	bool regex;   /* compiled as a regex */
	regex_t re;
	const char *needle; /* substring when not a regex (points into text) */
};

/* Compiles text; an empty or NULL text matches everything. */
void filter_init(struct filter *f, const char *text);
void filter_cleanup(struct filter *f);
bool filter_active(const struct filter *f);
/* True when any of the view's column cells (display text) matches. */
bool filter_match(const struct filter *f, const struct view *v, const struct row *r);

/* Formats a cell for display into out (CELL_TIME as an age against now). */
void model_cell_text(const struct cell *c, int64_t now, char *out, size_t outlen);
/* Orders two rows by a column of v (ties broken by name, then id). */
int model_compare(const struct view *v, int col, bool desc, const struct row *a, const struct row *b);

struct model {
	const struct view *view;
	struct row **rows; /* references (row_retain) to the store's rows: a row purged
			    * from its table stays readable here until the next build */
	size_t len, cap;
};

struct model_params {
	int scope_cell;          /* -1 = no drill scope */
	const char *scope_value;
	bool scope_selector;     /* scope_value is a label selector matched against the cell */
	bool scope_among;        /* scope_value is a comma-separated list the cell is one of */
	int scope_ns_cell;       /* -1, or a second narrowing: this cell equals scope_ns */
	const char *scope_ns;
	const struct filter *filter; /* may be NULL */
	int sort_col;
	bool sort_desc;
	bool include_gone;       /* the screen shows deleted rows briefly; get does not */
};

void model_init(struct model *m, const struct view *v);
void model_cleanup(struct model *m);
/* Rebuilds m from table t (t may be NULL: empty). */
void model_build(struct model *m, const struct rtable *t, const struct model_params *p);
/* Index of the row with id, or -1. */
long model_find(const struct model *m, const char *id);

#endif
