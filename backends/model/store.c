/* store.c: the resource store (see store.h). Rows live in one array per
 * table, found by id through an open-addressing hash index so that upserts stay
 * O(1) at tens of thousands of rows. */
#include "backends/model/store.h"
#include "backends/model/intern.h"
#include "backends/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rindex {
	struct row **slots; /* NULL = empty; TOMBSTONE = deleted */
	size_t cap, used;   /* used counts live entries and tombstones */
};

static struct row tombstone_row;
#define TOMBSTONE (&tombstone_row)

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

static void index_insert_raw(struct rindex *ix, struct row *r)
{
	size_t mask = ix->cap - 1, i = hash_str(r->id) & mask;
	while (ix->slots[i] && ix->slots[i] != TOMBSTONE)
		i = (i + 1) & mask;
	if (!ix->slots[i])
		ix->used++;
	ix->slots[i] = r;
}

static void index_grow(struct rindex *ix, size_t live)
{
	size_t cap = 64;
	while (cap < live * 2 + 16)
		cap *= 2;
	struct row **old = ix->slots;
	size_t oldcap = ix->cap;
	ix->slots = xcalloc(cap, sizeof(*ix->slots));
	ix->cap = cap;
	ix->used = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i] && old[i] != TOMBSTONE)
			index_insert_raw(ix, old[i]);
	free(old);
}

static size_t index_slot(const struct rindex *ix, const char *id)
{
	size_t mask = ix->cap - 1, i = hash_str(id) & mask;
	while (ix->slots[i]) {
		if (ix->slots[i] != TOMBSTONE && !strcmp(ix->slots[i]->id, id))
			return i;
		i = (i + 1) & mask;
	}
	return (size_t)-1;
}

struct store *store_new(void)
{
	return xcalloc(1, sizeof(struct store));
}

struct row *row_retain(struct row *r)
{
	r->refs++;
	return r;
}

static bool shared(const struct row *r, int idx)
{
	return idx < 32 && (r->shared >> idx & 1u);
}

/* Lets go of a cell's text, however it is held. */
static void drop_text(struct row *r, int idx)
{
	if (shared(r, idx)) {
		intern_put(r->cells[idx].text);
		r->shared &= ~(1u << idx);
	} else {
		free(r->cells[idx].text);
	}
	r->cells[idx].text = NULL;
}

void row_release(struct row *r)
{
	if (!r || --r->refs)
		return;
	for (int i = 0; i < r->ncells; i++)
		drop_text(r, i);
	free(r->match);
	free(r->id);
	free(r);
}

/* ---- the change journal ----
 *
 * The rows each change touched, in order, with the gen it gave them: a model
 * finds what changed since its last build in the tail instead of looking at
 * every row (50,000 of them: a cache miss each). A row has one entry, its
 * latest change (an earlier one is emptied), and the entry holds a
 * reference, so a purged row stays readable while a model may still have
 * to drop it; a row purged that no model holds is let go at once. The
 * journal keeps the latest eighth of the table's size (at least 1,024
 * entries); older entries go, and `floor` says how far back it reaches. */
struct rjentry {
	struct row *row; /* NULL: emptied */
	uint64_t gen;
};

struct rjournal {
	struct rjentry *e;
	size_t len, cap;
	uint64_t base;  /* the absolute index of e[0] (row->jidx counts from the start) */
	uint64_t floor; /* every change after this gen is listed */
};

/* The row's entry, or NULL when it has none. */
static struct rjentry *entry_of(struct rjournal *j, const struct row *r)
{
	uint32_t rel = r->jidx - (uint32_t)j->base; /* wraps as jidx does */
	return rel < j->len && j->e[rel].row == r ? &j->e[rel] : NULL;
}

static size_t journal_limit(const struct rtable *t)
{
	return t->len / 8 > 1024 ? t->len / 8 : 1024;
}

static void journal_add(struct rtable *t, struct row *r)
{
	struct rjournal *j = t->journal;
	if (!j) {
		j = t->journal = xcalloc(1, sizeof(*j));
		j->floor = t->gen - 1;
	}
	struct rjentry *old = entry_of(j, r);
	if (old && old == &j->e[j->len - 1]) {
		old->gen = r->gen;
		return;
	}
	if (old) {
		old->row = NULL;
		row_release(r); /* the table still holds it */
	}
	if (j->len >= journal_limit(t)) {
		/* the older half goes */
		size_t drop = j->len / 2;
		for (size_t i = 0; i < drop; i++)
			row_release(j->e[i].row);
		j->floor = j->e[drop - 1].gen;
		memmove(j->e, j->e + drop, (j->len - drop) * sizeof(*j->e));
		j->len -= drop;
		j->base += drop;
	}
	if (j->len == j->cap) {
		j->cap = j->cap ? j->cap * 2 : 256;
		j->e = xrealloc(j->e, j->cap * sizeof(*j->e));
	}
	r->jidx = (uint32_t)(j->base + j->len);
	j->e[j->len++] = (struct rjentry){row_retain(r), r->gen};
}

/* A row leaving the table that no model holds (only the table and its entry
 * do): nobody needs to hear of it, and its memory goes now. */
static void journal_forget(struct rtable *t, struct row *r)
{
	struct rjentry *e = t->journal ? entry_of(t->journal, r) : NULL;
	if (e && r->refs == 2) {
		e->row = NULL;
		row_release(r);
	}
}

static void journal_free(struct rjournal *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->len; i++)
		row_release(j->e[i].row);
	free(j->e);
	free(j);
}

bool rtable_changes_since(const struct rtable *t, uint64_t since, struct row ***out, size_t *n)
{
	const struct rjournal *j = t->journal;
	*out = NULL;
	*n = 0;
	if (since >= t->gen)
		return true;
	if (!j || since < j->floor)
		return false;
	/* the first entry after since: entries are in gen order */
	size_t lo = 0, hi = j->len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (j->e[mid].gen <= since)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == j->len)
		return true;
	struct row **v = xmalloc((j->len - lo) * sizeof(*v));
	size_t k = 0;
	for (size_t i = lo; i < j->len; i++)
		if (j->e[i].row)
			v[k++] = j->e[i].row;
	*out = v;
	*n = k;
	return true;
}

static void rtable_free(struct rtable *t)
{
	journal_free(t->journal);
	for (size_t i = 0; i < t->len; i++)
		row_release(t->rows[i]);
	free(t->rows);
	if (t->index)
		free(t->index->slots);
	free(t->index);
	free(t->kind);
	free(t);
}

void store_free(struct store *s)
{
	if (!s)
		return;
	while (s->tables) {
		struct rtable *t = s->tables;
		s->tables = t->next;
		rtable_free(t);
	}
	free(s);
}

struct rtable *store_find_table(struct store *s, const char *kind)
{
	for (struct rtable *t = s->tables; t; t = t->next)
		if (!strcmp(t->kind, kind))
			return t;
	return NULL;
}

struct rtable *store_table(struct store *s, const char *kind, int ncells)
{
	struct rtable *t = store_find_table(s, kind);
	if (t)
		return t;
	static uint64_t serials;
	t = xcalloc(1, sizeof(*t));
	t->kind = xstrdup(kind);
	t->serial = ++serials;
	t->ncells = ncells;
	t->index = xcalloc(1, sizeof(*t->index));
	index_grow(t->index, 0);
	t->next = s->tables;
	s->tables = t;
	return t;
}

struct row *rtable_find(struct rtable *t, const char *id)
{
	size_t i = index_slot(t->index, id);
	return i == (size_t)-1 ? NULL : t->index->slots[i];
}

static void touch(struct store *s, struct rtable *t)
{
	t->gen++;
	s->gen++;
}

/* A change to one row: models find the rows to re-place by their gen. */
static void touch_row(struct store *s, struct rtable *t, struct row *r)
{
	touch(s, t);
	r->gen = t->gen;
	journal_add(t, r);
}

struct row *rtable_upsert(struct store *s, struct rtable *t, const char *id)
{
	struct row *r = rtable_find(t, id);
	if (r) {
		r->seen = true;
		if (r->gone_ms) {
			r->gone_ms = 0;
			t->ngone--;
			touch_row(s, t, r);
		}
		return r;
	}
	r = xcalloc(1, sizeof(*r) + (size_t)t->ncells * sizeof(struct cell));
	r->id = xstrdup(id);
	r->ncells = t->ncells;
	r->refs = 1; /* the table's */
	r->seen = true;
	/* rows of the first list are not "new": only later arrivals flash */
	r->added_ms = t->synced ? mono_ms() : 0;
	if (t->len == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->rows = xrealloc(t->rows, t->cap * sizeof(*t->rows));
	}
	r->pos = t->len;
	t->rows[t->len++] = r;
	if ((t->index->used + 1) * 4 > t->index->cap * 3)
		index_grow(t->index, t->len);
	index_insert_raw(t->index, r);
	touch_row(s, t, r);
	return r;
}

void rtable_delete(struct store *s, struct rtable *t, const char *id)
{
	struct row *r = rtable_find(t, id);
	if (r && !r->gone_ms) {
		r->gone_ms = mono_ms();
		if (!t->ngone++)
			t->first_gone_ms = r->gone_ms;
		touch_row(s, t, r);
	}
}

void rtable_relist_begin(struct rtable *t)
{
	for (size_t i = 0; i < t->len; i++)
		t->rows[i]->seen = false;
	t->relisting = true;
}

void rtable_relist_end(struct store *s, struct rtable *t)
{
	int64_t now = mono_ms();
	for (size_t i = 0; i < t->len; i++) {
		struct row *r = t->rows[i];
		if (!r->seen && !r->gone_ms) {
			r->gone_ms = now;
			if (!t->ngone++)
				t->first_gone_ms = now;
			touch_row(s, t, r);
		}
	}
	t->relisting = false;
	if (!t->synced) {
		t->synced = true;
		touch(s, t);
	}
	t->updated_ms = now;
}

static void remove_at(struct store *s, struct rtable *t, size_t pos)
{
	struct row *r = t->rows[pos];
	/* a purge is a change the models holding the row must see: it leaves them */
	touch_row(s, t, r);
	journal_forget(t, r);
	size_t slot = index_slot(t->index, r->id);
	if (slot != (size_t)-1)
		t->index->slots[slot] = TOMBSTONE;
	t->rows[pos] = t->rows[--t->len];
	t->rows[pos]->pos = pos;
	r->pos = ROW_PURGED;
	row_release(r);
}

size_t rtable_purge(struct store *s, struct rtable *t, int64_t linger_ms)
{
	int64_t now = mono_ms();
	size_t n = 0;
	/* called every loop turn: the walk waits until the oldest may go, and
	 * under churn (rows deleted all the time) for a quarter of the linger
	 * after the last walk, so a deleted row lingers up to 1.25 times it */
	if (!t->ngone || now - t->first_gone_ms < linger_ms || now < t->purge_after_ms)
		return 0;
	t->purge_after_ms = now + linger_ms / 4;
	int64_t first = 0;
	for (size_t i = t->len; i-- > 0;) {
		struct row *r = t->rows[i];
		if (r->gone_ms && now - r->gone_ms >= linger_ms) {
			remove_at(s, t, i);
			t->ngone--;
			n++;
		} else if (r->gone_ms && (!first || r->gone_ms < first)) {
			first = r->gone_ms;
		}
	}
	t->first_gone_ms = first;
	if (n) {
		/* tombstones pile up under churn: rebuild when they dominate */
		if (t->index->used > t->len * 2 + 64)
			index_grow(t->index, t->len);
	}
	return n;
}

void rtable_clear(struct store *s, struct rtable *t)
{
	int64_t now = mono_ms();
	for (size_t i = 0; i < t->len; i++)
		if (!t->rows[i]->gone_ms) {
			t->rows[i]->gone_ms = now;
			t->ngone++;
		}
	rtable_purge(s, t, 0);
	t->synced = false;
	t->relisting = false;
	t->error[0] = '\0';
	t->stale_since = 0;
	touch(s, t);
}

void rtable_set_error(struct store *s, struct rtable *t, const char *msg)
{
	if (!msg)
		msg = "";
	if (!strcmp(t->error, msg))
		return;
	snprintf(t->error, sizeof(t->error), "%s", msg);
	if (!*msg)
		t->stale_since = 0;
	else if (!t->stale_since)
		t->stale_since = wall_s();
	touch(s, t);
}

size_t rtable_live_count(const struct rtable *t)
{
	return t->len - t->ngone;
}

_Static_assert(sizeof(struct cell) == 24, "a cell stays 24 bytes");

#define CHANGE_TICK_MS 100
#define CHANGE_MASK 0xffffffu /* struct cell's 24 bits */

static uint32_t change_stamp(int64_t ms)
{
	uint32_t t = (uint32_t)(ms / CHANGE_TICK_MS) & CHANGE_MASK;
	return t ? t : 1; /* 0 is never */
}

bool cell_changed_within(const struct cell *c, int64_t now_ms, int64_t window_ms)
{
	if (!c->changed)
		return false;
	/* modulo 2^24: right for any change less than 19 days old */
	uint32_t age = ((uint32_t)(now_ms / CHANGE_TICK_MS) - c->changed) & CHANGE_MASK;
	return (int64_t)age * CHANGE_TICK_MS < window_ms;
}

static void cell_changed(struct store *s, struct rtable *t, struct row *r, struct cell *c)
{
	/* a cell filled for the first time is not a change the user should notice */
	if (c->type != CELL_NONE && !r->gone_ms)
		c->changed = change_stamp(mono_ms());
	touch_row(s, t, r);
}

void row_set_text(struct store *s, struct rtable *t, struct row *r, int idx, const char *text)
{
	if (idx < 0 || idx >= r->ncells)
		return;
	struct cell *c = &r->cells[idx];
	if (!text)
		text = "";
	if (c->type == CELL_TEXT && c->text && !strcmp(c->text, text))
		return;
	cell_changed(s, t, r, c);
	drop_text(r, idx);
	c->text = xstrdup(text);
	c->num = 0;
	c->since = 0;
	c->type = CELL_TEXT;
}

void row_set_shared_text(struct store *s, struct rtable *t, struct row *r, int idx, const char *text)
{
	if (idx < 0 || idx >= r->ncells)
		return;
	if (!text || !*text) {
		row_clear(s, t, r, idx);
		return;
	}
	if (idx >= 32) {
		row_set_text(s, t, r, idx, text);
		return;
	}
	struct cell *c = &r->cells[idx];
	if (c->type == CELL_TEXT && c->text && !strcmp(c->text, text))
		return;
	cell_changed(s, t, r, c);
	drop_text(r, idx);
	c->text = (char *)intern_get(text);
	r->shared |= 1u << idx;
	c->num = 0;
	c->since = 0;
	c->type = CELL_TEXT;
}

void row_set_num_since(struct store *s, struct rtable *t, struct row *r, int idx, enum cell_type type,
		       int64_t num, const char *text, int64_t since)
{
	if (idx < 0 || idx >= r->ncells)
		return;
	struct cell *c = &r->cells[idx];
	bool same_text = (!text && !c->text) || (text && c->text && !strcmp(text, c->text));
	uint32_t at = since > 0 && since <= UINT32_MAX ? (uint32_t)since : 0;
	if (c->type == type && c->num == num && same_text) {
		if (c->since != at) {
			/* only the age moved: the text shown changes, nothing to flash */
			c->since = at;
			touch_row(s, t, r);
		}
		return;
	}
	cell_changed(s, t, r, c);
	drop_text(r, idx);
	c->text = xstrdup(text);
	c->num = num;
	c->since = at;
	c->type = (unsigned char)type;
}

void row_set_num(struct store *s, struct rtable *t, struct row *r, int idx, enum cell_type type,
		 int64_t num, const char *text)
{
	row_set_num_since(s, t, r, idx, type, num, text, 0);
}

void row_clear(struct store *s, struct rtable *t, struct row *r, int idx)
{
	if (idx < 0 || idx >= r->ncells || r->cells[idx].type == CELL_NONE)
		return;
	drop_text(r, idx);
	r->cells[idx] = (struct cell){0};
	touch_row(s, t, r);
}

void row_set_text_or_clear(struct store *s, struct rtable *t, struct row *r, int idx, const char *text)
{
	if (text && *text)
		row_set_text(s, t, r, idx, text);
	else
		row_clear(s, t, r, idx);
}

const char *row_text(const struct row *r, int idx)
{
	if (idx < 0 || idx >= r->ncells || !r->cells[idx].text)
		return "";
	return r->cells[idx].text;
}

bool labels_match(const char *selector, const char *labels)
{
	if (!selector || !*selector)
		return false;
	const char *p = selector;
	while (*p) {
		size_t n = strcspn(p, ",");
		bool found = false;
		for (const char *l = labels; l && *l;) {
			size_t m = strcspn(l, ",");
			if (m == n && !strncmp(l, p, n)) {
				found = true;
				break;
			}
			l += m + (l[m] == ',');
		}
		if (!found)
			return false;
		p += n + (p[n] == ',');
	}
	return true;
}
