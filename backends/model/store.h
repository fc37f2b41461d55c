/* store.h: the resource store. Backends feed it compact rows as deltas
 * (upsert, delete, relist with mark and sweep); views read it. It never holds
 * raw server objects: only an id, a name and the typed cells the views show,
 * with a change time per row and per cell so the screen can highlight them. */
#ifndef BINNACLE_STORE_H
#define BINNACLE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/util/util.h"

enum cell_type {
	CELL_NONE = 0, /* never set: shows empty, sorts first */
	CELL_TEXT,     /* text only */
	CELL_INT,      /* num is a count; text may be a rendering of it */
	CELL_BYTES,    /* num is a size in bytes */
	CELL_TIME,     /* num is Unix seconds; shown as an age */
	CELL_PERMILLE, /* num is a fraction in 1/1000 (CPU 12.5% = 125) */
};

/* 24 bytes: 50,000 pods of 18 cells each hold 7 MB less than at 32. */
struct cell {
	char *text;         /* owned (or shared, see row_set_shared_text); NULL when the cell is numeric-only */
	int64_t num;        /* sort key / value for numeric types */
	/* Unix seconds the text's AGE_SLOT shows the age of ("3 (\x1e ago)":
	 * a pod's restarts), so the text stays true as time passes; 0 = none. */
	uint32_t since;
	uint32_t type : 8;     /* enum cell_type */
	/* when it last changed after the row was added, in tenths of a second
	 * of mono_ms(), modulo 2^24 (19 days); 0 = never. Read it with
	 * cell_changed_within. */
	uint32_t changed : 24;
};

/* Whether c changed less than window_ms before now_ms (mono_ms() time). */
bool cell_changed_within(const struct cell *c, int64_t now_ms, int64_t window_ms);

/* A row is shared by whoever holds it: its table, and every view model that
 * shows it. Purging takes it out of the table, but it is freed only when the
 * last holder lets go (row_release), so a model can never hold freed memory,
 * whatever happens to the store between two rebuilds. */
struct row {
	char *id;          /* stable key within its table (owned) */
	int64_t added_ms;  /* when the row first appeared (0 for rows of the first list) */
	int64_t gone_ms;   /* when it was deleted; 0 = alive. Gone rows linger briefly. */
	uint64_t gen;      /* its table's gen at the row's last visible change (models update from it) */
	size_t pos;        /* index in the table's array (private); ROW_PURGED once out of the table */
	unsigned refs;     /* holders: the table while the row is in it, its journal entry, plus models */
	uint32_t jidx;     /* its latest entry in the table's change journal (private) */
	bool seen;         /* relist mark */
	uint32_t shared;   /* bit i: cells[i].text is a shared string (private to the store) */
	/* the text the filter searches, kept until the row changes
	 * (views/rowmatch.c): one allocation, freed with the row */
	struct row_match *match;
	int ncells;
	struct cell cells[]; /* cells[0] is the name by convention */
};

/* row->pos of a row purged from its table (still held by a model). */
#define ROW_PURGED ((size_t)-1)

struct rtable {
	char *kind;         /* e.g. "containers" */
	uint64_t serial;    /* unique to this table in the process: a model knows a new table by it */
	int ncells;
	struct row **rows;  /* includes gone rows until purged */
	size_t len, cap;
	uint64_t gen;       /* bumped on every visible change */
	bool synced;        /* a full list has arrived at least once */
	bool relisting;
	size_t ngone;       /* rows marked gone and not yet purged */
	int64_t first_gone_ms; /* gone_ms of the oldest of them, or earlier (private: purge waits for it) */
	int64_t purge_after_ms; /* no purge walk before (private) */
	int64_t updated_ms; /* last time data arrived for this table */
	/* Why this kind's rows are not live ("" = they are): the newest reason
	 * its list or watch failed. Rows stay, shown as stale. */
	char error[ERRLEN];
	int64_t stale_since; /* wall seconds since it has not been live; 0 = live or unknown */
	struct rindex *index; /* id -> row (private) */
	struct rjournal *journal; /* the latest changes, for rtable_changes_since (private) */
	struct rtable *next;  /* next table in the store (private) */
};

struct store {
	struct rtable *tables;
	uint64_t gen; /* sum of all table changes: the screen redraws when it moves */
};

struct store *store_new(void);
void store_free(struct store *s);
/* The table for kind, created empty on first use. */
struct rtable *store_table(struct store *s, const char *kind, int ncells);
struct rtable *store_find_table(struct store *s, const char *kind);

struct row *rtable_find(struct rtable *t, const char *id);
/* Takes a reference to a row (a view model keeping it between rebuilds). */
struct row *row_retain(struct row *r);
/* Drops a reference; the row is freed when its table and every other
 * holder have let go. NULL is fine. */
void row_release(struct row *r);
/* The row for id, created if absent; marks it seen and brings a gone row back. */
struct row *rtable_upsert(struct store *s, struct rtable *t, const char *id);
/* Marks a row gone (it stays visible for a moment, then rtable_purge drops it). */
void rtable_delete(struct store *s, struct rtable *t, const char *id);
void rtable_relist_begin(struct rtable *t);
/* Rows not upserted since relist_begin are deleted; the table becomes synced. */
void rtable_relist_end(struct store *s, struct rtable *t);
/* Drops rows gone for longer than linger_ms out of the table (holders keep
 * theirs until they let go); returns how many. */
size_t rtable_purge(struct store *s, struct rtable *t, int64_t linger_ms);
/* Empties the table at once, no lingering (what it held no longer
 * applies: another namespace was chosen); it is unsynced until listed again. */
void rtable_clear(struct store *s, struct rtable *t);

/* The kind is not live, and why (msg "" or NULL: it is live again). The
 * newest reason replaces the last; the since-time is the first failure's. */
void rtable_set_error(struct store *s, struct rtable *t, const char *msg);

/* Count of rows that are not gone. */
size_t rtable_live_count(const struct rtable *t);
/* The rows that changed after the table's gen was `since` (a change, a
 * deletion, a purge: row->pos is then ROW_PURGED), each once, into a new
 * array (*out, freed by the caller; the rows are not retained: use them
 * before the store runs again). Returns false when the table's recent
 * history no longer reaches back that far: the caller then looks at every
 * row's gen. A view model uses it to update without walking the table. */
bool rtable_changes_since(const struct rtable *t, uint64_t since, struct row ***out, size_t *n);

/* Setters compare first: an unchanged value changes nothing. */
void row_set_text(struct store *s, struct rtable *t, struct row *r, int idx, const char *text);
void row_set_num(struct store *s, struct rtable *t, struct row *r, int idx, enum cell_type type,
		 int64_t num, const char *text);
void row_clear(struct store *s, struct rtable *t, struct row *r, int idx);
/* row_set_num with a time for the text's AGE_SLOT (see struct cell). */
void row_set_num_since(struct store *s, struct rtable *t, struct row *r, int idx, enum cell_type type,
		       int64_t num, const char *text, int64_t since);
/* row_set_text, or row_clear when text is NULL or "". */
void row_set_text_or_clear(struct store *s, struct rtable *t, struct row *r, int idx, const char *text);
/* The same for a value many rows repeat (a namespace, a node, a status,
 * labels): one copy is shared by every row that has it. Cells 0 to 31. */
void row_set_shared_text(struct store *s, struct rtable *t, struct row *r, int idx, const char *text);
const char *row_text(const struct row *r, int idx); /* "" when unset */

/* A label selector "k=v,k2=v2" matches labels "a=b,k=v,k2=v2" (as the store
 * keeps them) when every pair of the selector is among the labels; an empty
 * selector matches nothing, as for a Service without one. */
bool labels_match(const char *selector, const char *labels);

#endif
