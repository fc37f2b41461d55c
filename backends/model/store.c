/* store.c: the resource store (see store.h). Rows live in one array per
 * table, found by id through an open-addressing hash index so that upserts stay
 * O(1) at tens of thousands of rows. */
#include "backends/model/store.h"
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

void row_release(struct row *r)
{
	if (!r || --r->refs)
		return;
	for (int i = 0; i < r->ncells; i++)
		free(r->cells[i].text);
	free(r->id);
	free(r);
}

static void rtable_free(struct rtable *t)
{
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
	t = xcalloc(1, sizeof(*t));
	t->kind = xstrdup(kind);
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

struct row *rtable_upsert(struct store *s, struct rtable *t, const char *id)
{
	struct row *r = rtable_find(t, id);
	if (r) {
		r->seen = true;
		if (r->gone_ms) {
			r->gone_ms = 0;
			t->ngone--;
			touch(s, t);
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
	touch(s, t);
	return r;
}

void rtable_delete(struct store *s, struct rtable *t, const char *id)
{
	struct row *r = rtable_find(t, id);
	if (r && !r->gone_ms) {
		r->gone_ms = mono_ms();
		t->ngone++;
		touch(s, t);
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
			t->ngone++;
			touch(s, t);
		}
	}
	t->relisting = false;
	if (!t->synced) {
		t->synced = true;
		touch(s, t);
	}
	t->updated_ms = now;
}

static void remove_at(struct rtable *t, size_t pos)
{
	struct row *r = t->rows[pos];
	size_t slot = index_slot(t->index, r->id);
	if (slot != (size_t)-1)
		t->index->slots[slot] = TOMBSTONE;
	t->rows[pos] = t->rows[--t->len];
	t->rows[pos]->pos = pos;
	row_release(r);
}

size_t rtable_purge(struct store *s, struct rtable *t, int64_t linger_ms)
{
	int64_t now = mono_ms();
	size_t n = 0;
	if (!t->ngone)
		return 0;
	for (size_t i = t->len; i-- > 0;) {
		struct row *r = t->rows[i];
		if (r->gone_ms && now - r->gone_ms >= linger_ms) {
			remove_at(t, i);
			t->ngone--;
			n++;
		}
	}
	if (n) {
		touch(s, t);
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

static void cell_changed(struct store *s, struct rtable *t, struct row *r, struct cell *c)
{
	/* a cell filled for the first time is not a change the user should notice */
	if (c->type != CELL_NONE && !r->gone_ms)
		c->changed_ms = mono_ms();
	touch(s, t);
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
	free(c->text);
	c->text = xstrdup(text);
	c->num = 0;
	c->type = CELL_TEXT;
}

void row_set_num(struct store *s, struct rtable *t, struct row *r, int idx, enum cell_type type,
		 int64_t num, const char *text)
{
	if (idx < 0 || idx >= r->ncells)
		return;
	struct cell *c = &r->cells[idx];
	bool same_text = (!text && !c->text) || (text && c->text && !strcmp(text, c->text));
	if (c->type == type && c->num == num && same_text)
		return;
	cell_changed(s, t, r, c);
	free(c->text);
	c->text = xstrdup(text);
	c->num = num;
	c->type = (unsigned char)type;
}

void row_clear(struct store *s, struct rtable *t, struct row *r, int idx)
{
	if (idx < 0 || idx >= r->ncells || r->cells[idx].type == CELL_NONE)
		return;
	free(r->cells[idx].text);
	r->cells[idx] = (struct cell){0};
	touch(s, t);
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
