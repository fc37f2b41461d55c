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
/* Natural order: digit runs compare as numbers ("web-2" < "web-10"), case
 * folded; and version order, for columns that hold versions: numeric
 * dotted parts compared as numbers, a leading 'v' ignored, a pre-release
 * ("-rc.1") before its release, versions before words ("latest"). */
int model_natural_cmp(const char *a, const char *b);
int model_version_cmp(const char *a, const char *b);
/* Orders two rows by a column of v (ties broken by name, then id). */
int model_compare(const struct view *v, int col, bool desc, const struct row *a, const struct row *b);

/* Where a model's rows come from: one table, or the same kind's table on
 * several endpoints (an @all view), each with the owner and the label the
 * ENDPOINT column shows. Labels are borrowed. */
struct model_source {
	const struct rtable *table;
	void *owner;
	const char *label;
};

struct model {
	const struct view *view;
	struct model_source *srcs; /* several sources: rows from every one, labelled; NULL for one */
	size_t nsrcs;
	struct row **rows; /* references (row_retain) to the store's rows: a row purged
			    * from its table stays readable here until the next build */
	size_t len, cap;
};

struct model_params {
	int scope_cell;          /* -1 = no drill scope */
	const char *scope_value;
	bool scope_selector;     /* scope_value is a label selector matched against the cell */
	bool scope_among;        /* scope_value is a comma-separated list the cell is one of */
	const char *scope_image; /* only rows whose image (the view's image cells) is this one (views/image.h); NULL = any */
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
/* Rebuilds m from the same kind's tables of several endpoints, as one
 * table: the filter also matches the source's label. */
void model_build_many(struct model *m, const struct model_source *srcs, size_t n, const struct model_params *p);
/* The source row idx came from (several sources only), or NULL. */
const struct model_source *model_row_source(const struct model *m, size_t idx);
/* Index of the row with id, or -1. */
long model_find(const struct model *m, const char *id);

#endif
