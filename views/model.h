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
 * substring when the text is not a valid one; a leading '!' inverts it.
 * It may start with "-l SELECTOR", a label selector the server applies
 * ("-l app=web,tier!=db nginx": the selector, then the text). */
struct filter {
	char *text;   /* as typed, including any '!' and -l */
	char *selector; /* the label selector after -l, or NULL (the model ignores it) */
	bool invert;
	bool regex;   /* compiled as a regex */
	regex_t re;
	const char *needle; /* substring when not a regex (points into text, or literal) */
	bool anchor_start, anchor_end; /* needle from "^text", "text$" or both: no regex needed */
	char *literal;      /* owned: the needle without its anchors */
	/* private: the needle in lower case, and whether it could be part of a
	 * number, size or age as displayed (else those cells are not formatted) */
	char *lower;
	bool figures;
	bool joined; /* a plain needle no number could hold: searched in the row's one folded text (views/rowmatch.h) */
};

/* Compiles text; an empty or NULL text matches everything. */
void filter_init(struct filter *f, const char *text);
/* The label selector at the start of a filter text ("-l app=web x"), owned;
 * NULL when there is none. */
char *filter_selector(const char *text);
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
	/* labelled sources (an @all view), for the ENDPOINT column; NULL for one */
	struct model_source *srcs;
	size_t nsrcs;
	/* What is shown, in order: rows in scope that match the filter. Every one
	 * is held (row_retain): a row purged from its table stays readable here
	 * until the next build. */
	struct row **rows;
	size_t len, cap;
	/* private, kept between builds so that a change re-places only the rows
	 * it touched and a filter keystroke never sorts (model_build.c) */
	struct row **all;  /* every row in scope, in shown order (the holders) */
	size_t nall, capall;
	struct row **base; /* the same rows by name then id: the tie-break order */
	size_t nbase, capbase;
	uint64_t serial, gen; /* the table built from (0 = none yet) and its gen then */
	size_t found;         /* where model_find found its last answer */
	size_t warmed;        /* rows of all whose filter text model_warm has made */
	bool keep_match;      /* model_warm was called: filter passes keep what they make */
	const struct column *columns; /* the view's columns built with (a view found at run time gets its own later) */
	int ncolumns;
	char *scope_value, *scope_ns, *scope_image, *filter_text;
	int scope_cell, scope_ns_cell, sort_col;
	bool scope_selector, sort_desc, include_gone, filtered;
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
/* Brings m up to date with table t (t may be NULL: empty) and p. Only what
 * changed is redone: rows the store touched since the last build are
 * re-placed, a new filter scans the sorted rows (only those still shown
 * when it narrows the last one), a new sort order sorts once on precomputed
 * keys; a new table, scope or view builds from scratch. A filter that
 * matches an age ("3d") sees it as of the row's last change or the filter's
 * typing: time passing alone moves no row in or out. */
void model_build(struct model *m, const struct rtable *t, const struct model_params *p);
/* Rebuilds m from the same kind's tables of several endpoints, as one
 * table: the filter also matches the source's label. One unlabelled
 * source is model_build; several are built from scratch each time. */
void model_build_many(struct model *m, const struct model_source *srcs, size_t n, const struct model_params *p);
/* The source row idx came from (several sources only), or NULL. */
const struct model_source *model_row_source(const struct model *m, size_t idx);
/* Index of the row with id, or -1. */
long model_find(const struct model *m, const char *id);
/* Index of row r itself, or -1 (not shown). Right after a build from its
 * table, rtable_find there and this answer what model_find does without
 * reading every row's id (a filter typed over 50,000 rows, the selected
 * row gone from it, made model_find compare them all). */
long model_find_row(const struct model *m, const struct row *r);
/* Prepares up to budget more rows for a plain filter (their folded text,
 * views/rowmatch.h), so that the first keystroke over 50,000 rows does not
 * pay for it; the screen calls it between keys while the filter is typed.
 * Returns whether rows are left (rows that change later are prepared as
 * the filter meets them). */
bool model_warm(struct model *m, size_t budget);

#endif
