/* model_build.c: keeps a table model in order as the store changes (see
 * model.h). Measured at 50,000 pods, sorting the whole table on every
 * change was what the dashboard spent its time on, idle or typing a
 * filter. So the model keeps, between builds, every row in scope in shown
 * order (`all`) and by name (`base`, the tie-break order): a change
 * re-places only the rows the store touched since (the store's journal
 * names them, so no pass reads every row), a
 * filter keystroke scans `all` without sorting (only the rows still shown
 * when the filter narrows, each row's folded text kept with it), and a
 * new sort column sorts once on keys precomputed per row with the rank in
 * `base` for ties (model_sort.c). */
#include "views/model.h"
#include "views/model_priv.h"
#include "views/rowmatch.h"
#include "backends/util/util.h"

#include <stdlib.h>
#include <string.h>

void model_init(struct model *m, const struct view *v)
{
	memset(m, 0, sizeof(*m));
	m->view = v;
}

static void release_all(struct model *m)
{
	for (size_t i = 0; i < m->nall; i++)
		row_release(m->all[i]);
	m->nall = m->nbase = m->len = m->warmed = 0;
}

void model_cleanup(struct model *m)
{
	release_all(m);
	free(m->rows);
	free(m->all);
	free(m->base);
	free(m->scope_value);
	free(m->scope_ns);
	free(m->scope_image);
	free(m->filter_text);
	free(m->srcs);
	const struct view *v = m->view;
	memset(m, 0, sizeof(*m));
	m->view = v;
}

static void reserve(struct row ***v, size_t *cap, size_t n)
{
	if (*cap >= n)
		return;
	size_t c = *cap ? *cap : 64;
	while (c < n)
		c *= 2;
	*v = xrealloc(*v, c * sizeof(**v));
	*cap = c;
}

/* ---- re-placing changed rows ---- */

/* Inserts add[0..k) (sorted the same way) into the sorted v[0..*n). */
static void merge_in(struct row ***v, size_t *n, size_t *cap, struct row **add, size_t k, const struct model_order *o)
{
	if (!k)
		return;
	size_t *pos = xmalloc(k * sizeof(*pos));
	for (size_t j = 0; j < k; j++) {
		size_t lo = j ? pos[j - 1] : 0, hi = *n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (model_compare(o->view, o->col, o->desc, (*v)[mid], add[j]) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		pos[j] = lo;
	}
	reserve(v, cap, *n + k);
	size_t i = *n, out = *n + k;
	for (size_t j = k; j-- > 0;) {
		while (i > pos[j])
			(*v)[--out] = (*v)[--i];
		(*v)[--out] = add[j];
	}
	*n += k;
	free(pos);
}

static bool stale(const struct model *m, const struct row *r)
{
	return r->gen > m->gen || r->pos == ROW_PURGED;
}

/* The rows that changed, by address: the passes that take them out of the
 * model's arrays then read no row, only pointers (a cache miss per row is
 * what a pass over 50,000 rows costs otherwise). */
struct ptrset {
	const struct row **slot;
	size_t mask;
};

static size_t ptr_hash(const struct row *r)
{
	return (size_t)(((uintptr_t)r >> 4) * UINT64_C(0x9E3779B97F4A7C15) >> 20);
}

static void ptrset_init(struct ptrset *s, struct row *const *v, size_t n)
{
	size_t cap = 16;
	while (cap < n * 2)
		cap *= 2;
	s->slot = xcalloc(cap, sizeof(*s->slot));
	s->mask = cap - 1;
	for (size_t i = 0; i < n; i++) {
		size_t h = ptr_hash(v[i]) & s->mask;
		while (s->slot[h] && s->slot[h] != v[i])
			h = (h + 1) & s->mask;
		s->slot[h] = v[i];
	}
}

static bool ptrset_has(const struct ptrset *s, const struct row *r)
{
	for (size_t h = ptr_hash(r) & s->mask; s->slot[h]; h = (h + 1) & s->mask)
		if (s->slot[h] == r)
			return true;
	return false;
}

/* Takes out the rows that changed: those in set, or (set NULL) those whose
 * gen is newer than the model's. */
static size_t drop_stale(const struct model *m, const struct ptrset *set, struct row **v, size_t n, bool release)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (set ? !ptrset_has(set, v[i]) : !stale(m, v[i]))
			v[k++] = v[i];
		else if (release)
			row_release(v[i]);
	}
	return k;
}

static bool wanted(const struct view *v, const struct row *r, const struct model_params *p, int64_t now)
{
	return (!r->gone_ms || p->include_gone) && model_in_scope(v, r, p, now);
}

/* Rows the store touched since the last build leave and come back in their
 * new place; rows purged from the table just leave. The store's journal
 * names them; when it no longer reaches back to the last build, every row's
 * gen says. */
static void apply_changes(struct model *m, const struct rtable *t, const struct model_params *p, bool refilter,
			  int64_t now)
{
	struct row **add = NULL, **changed = NULL;
	size_t k = 0, nchanged = 0;
	struct ptrset set = {0};
	bool journal = rtable_changes_since(t, m->gen, &changed, &nchanged);
	if (journal) {
		ptrset_init(&set, changed, nchanged);
		add = changed; /* filled in place: never ahead of the reading */
		for (size_t i = 0; i < nchanged; i++)
			if (changed[i]->pos != ROW_PURGED && wanted(m->view, changed[i], p, now))
				add[k++] = changed[i];
	} else {
		for (size_t i = 0; i < t->len; i++) {
			struct row *r = t->rows[i];
			if (r->gen > m->gen && wanted(m->view, r, p, now)) {
				if (!add)
					add = xmalloc((t->len - i) * sizeof(*add));
				add[k++] = r;
			}
		}
	}
	m->nbase = drop_stale(m, journal ? &set : NULL, m->base, m->nbase, false);
	m->len = drop_stale(m, journal ? &set : NULL, m->rows, m->len, false);
	m->nall = drop_stale(m, journal ? &set : NULL, m->all, m->nall, true);
	free(set.slot);
	for (size_t j = 0; j < k; j++)
		row_retain(add[j]);
	if (!k) {
		/* nothing joins (and add may be NULL, which qsort must never see) */
		free(add);
		return;
	}
	struct model_order by_name = {m->view, -1, false}, shown = {m->view, m->sort_col, m->sort_desc};
	qsort_r(add, k, sizeof(*add), model_order_cmp, &by_name);
	merge_in(&m->base, &m->nbase, &m->capbase, add, k, &by_name);
	qsort_r(add, k, sizeof(*add), model_order_cmp, &shown);
	merge_in(&m->all, &m->nall, &m->capall, add, k, &shown);
	if (!refilter && m->filtered) {
		/* the same filter (or one narrowing it, applied next): the new
		 * rows that match join the shown ones */
		size_t n = 0;
		model_filter_pass_begin(m->keep_match);
		for (size_t j = 0; j < k; j++)
			if (model_filter_at(p->filter, m->view, add[j], now))
				add[n++] = add[j];
		model_filter_pass_end();
		merge_in(&m->rows, &m->len, &m->cap, add, n, &shown);
	}
	free(add);
}

/* ---- the shown rows ---- */

static void show_all(struct model *m)
{
	reserve(&m->rows, &m->cap, m->nall);
	if (m->nall)
		memcpy(m->rows, m->all, m->nall * sizeof(*m->rows));
	m->len = m->nall;
}

/* from: the rows to look at, in shown order (all, or the shown ones when
 * the filter narrows); may be m->rows itself. */
static void filter_from(struct model *m, struct row **from, size_t n, const struct filter *f, int64_t now)
{
	reserve(&m->rows, &m->cap, n);
	size_t k = 0;
	model_filter_pass_begin(m->keep_match);
	for (size_t i = 0; i < n; i++) {
		/* rows and their texts are all over the heap: ask ahead */
		if (i + 16 < n)
			__builtin_prefetch(from[i + 16]);
		if (i + 8 < n) {
			__builtin_prefetch(from[i + 8]->id);
			__builtin_prefetch(from[i + 8]->cells[0].text);
		}
		if (model_filter_at(f, m->view, from[i], now))
			m->rows[k++] = from[i];
	}
	model_filter_pass_end();
	m->len = k;
}

/* Whatever matches the new filter matched the old one: a plain text
 * filter typed further ("we" then "web"). */
static bool narrows(const char *old_text, const struct filter *f)
{
	if (!old_text || !filter_active(f) || f->regex || f->invert)
		return false;
	struct filter old;
	filter_init(&old, old_text);
	bool yes = filter_active(&old) && !old.regex && !old.invert;
	if (yes && old.anchor_start)
		/* "^we" then "^web": the start must stay anchored and extended */
		yes = f->anchor_start && !old.anchor_end && !strncmp(f->lower, old.lower, strlen(old.lower));
	else if (yes && old.anchor_end)
		yes = false;
	else if (yes)
		yes = strstr(f->lower, old.lower) != NULL;
	filter_cleanup(&old);
	return yes;
}

/* ---- building ---- */

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool same_scope(const struct model *m, const struct model_params *p)
{
	return m->scope_cell == p->scope_cell && m->scope_ns_cell == p->scope_ns_cell &&
	       m->scope_selector == p->scope_selector && m->include_gone == p->include_gone &&
	       same_str(m->scope_value, p->scope_cell >= 0 ? p->scope_value : NULL) &&
	       same_str(m->scope_ns, p->scope_ns_cell > 0 ? p->scope_ns : NULL) && same_str(m->scope_image, p->scope_image);
}

static void remember(struct model *m, const struct rtable *t, const struct model_params *p)
{
	m->serial = t->serial;
	m->columns = m->view->columns;
	m->ncolumns = m->view->ncolumns;
	m->gen = t->gen;
	m->scope_cell = p->scope_cell;
	m->scope_ns_cell = p->scope_ns_cell;
	m->scope_selector = p->scope_selector;
	m->include_gone = p->include_gone;
	m->sort_col = p->sort_col;
	m->sort_desc = p->sort_desc;
	free(m->scope_value);
	free(m->scope_ns);
	free(m->scope_image);
	free(m->filter_text);
	m->scope_value = xstrdup(p->scope_cell >= 0 ? p->scope_value : NULL);
	m->scope_ns = xstrdup(p->scope_ns_cell > 0 ? p->scope_ns : NULL);
	m->scope_image = xstrdup(p->scope_image);
	m->filtered = filter_active(p->filter);
	m->filter_text = m->filtered ? xstrdup(p->filter->text) : NULL;
}

static void full_build(struct model *m, const struct rtable *t, const struct model_params *p, int64_t now)
{
	release_all(m);
	reserve(&m->all, &m->capall, t->len);
	reserve(&m->base, &m->capbase, t->len);
	for (size_t i = 0; i < t->len; i++)
		if (wanted(m->view, t->rows[i], p, now))
			m->all[m->nall++] = row_retain(t->rows[i]);
	if (m->nall)
		memcpy(m->base, m->all, m->nall * sizeof(*m->base));
	m->nbase = m->nall;
	model_keyed_sort(m->base, m->nbase, m->view, -1, false, false);
	if (m->nall)
		memcpy(m->all, m->base, m->nall * sizeof(*m->all));
	model_keyed_sort(m->all, m->nall, m->view, p->sort_col, p->sort_desc, true);
	if (filter_active(p->filter))
		filter_from(m, m->all, m->nall, p->filter, now);
	else
		show_all(m);
}

void model_build(struct model *m, const struct rtable *t, const struct model_params *p)
{
	static const struct model_params defaults = {.scope_cell = -1, .scope_ns_cell = -1};
	struct model_params d;
	if (!p) {
		/* NULL params: the view's own default order, nothing narrowed */
		d = defaults;
		d.sort_col = m->view ? m->view->sort_col : 0;
		d.sort_desc = m->view && m->view->sort_desc;
		p = &d;
	}
	if (m->srcs) {
		/* one table now, after several: nothing to label */
		free(m->srcs);
		m->srcs = NULL;
		m->nsrcs = 0;
		m->serial = 0;
	}
	if (!t || !m->view) {
		release_all(m);
		m->serial = 0;
		for (size_t i = 0; t && i < t->len; i++)
			if (wanted(m->view, t->rows[i], p, wall_s())) {
				reserve(&m->all, &m->capall, m->nall + 1);
				m->all[m->nall++] = row_retain(t->rows[i]);
			}
		show_all(m);
		return;
	}
	int64_t now = wall_s();
	if (m->serial != t->serial || !same_scope(m, p) || m->columns != m->view->columns ||
	    m->ncolumns != m->view->ncolumns) {
		full_build(m, t, p, now);
		remember(m, t, p);
		return;
	}
	bool sorted = m->sort_col == p->sort_col && m->sort_desc == p->sort_desc;
	const char *ft = filter_active(p->filter) ? p->filter->text : NULL;
	bool same_filter = same_str(m->filter_text, ft), changed = t->gen != m->gen;
	/* typed further: only the rows still shown can match */
	bool narrowing = sorted && !same_filter && ft && narrows(m->filter_text, p->filter);
	bool inverted = !sorted && m->sort_col == p->sort_col && p->sort_col >= 0 && p->sort_col < m->view->ncolumns;
	/* turned round with the same filter: the rows shown stay the ones to turn */
	bool keep_shown = inverted && ft && same_filter;
	if (changed)
		apply_changes(m, t, p, (!sorted && !keep_shown) || (!same_filter && !narrowing), now);
	if (inverted) {
		int cell = m->view->columns[p->sort_col].cell;
		model_invert_order(m->all, m->nall, cell);
		if (keep_shown) {
			/* the rows shown are in the same order as all: the same turn */
			model_invert_order(m->rows, m->len, cell);
			remember(m, t, p);
			return;
		}
	} else if (!sorted) {
		memcpy(m->all, m->base, m->nbase * sizeof(*m->all));
		model_keyed_sort(m->all, m->nall, m->view, p->sort_col, p->sort_desc, true);
	}
	if (!ft)
		show_all(m);
	else if (narrowing)
		/* the changed rows that match joined them above */
		filter_from(m, m->rows, m->len, p->filter, now);
	else if (!sorted || !same_filter)
		filter_from(m, m->all, m->nall, p->filter, now);
	remember(m, t, p);
}

/* Several sources (an @all view) are built from scratch each time: every
 * endpoint's table of the kind, labelled, which is never 50,000 rows on
 * each; the next build of one table starts over (serial 0). */
void model_build_many(struct model *m, const struct model_source *srcs, size_t n, const struct model_params *p)
{
	if (n == 1 && !srcs[0].label) {
		model_build(m, srcs[0].table, p);
		return;
	}
	static const struct model_params defaults = {.scope_cell = -1, .scope_ns_cell = -1};
	struct model_params d;
	if (!p) {
		d = defaults;
		d.sort_col = m->view ? m->view->sort_col : 0;
		d.sort_desc = m->view && m->view->sort_desc;
		p = &d;
	}
	/* labelled sources are kept: the table shows whose each row is */
	if (m->srcs != srcs) {
		free(m->srcs);
		m->srcs = NULL;
		m->nsrcs = 0;
		if (n && srcs[0].label) {
			m->srcs = xmalloc(n * sizeof(*m->srcs));
			memcpy(m->srcs, srcs, n * sizeof(*m->srcs));
			m->nsrcs = n;
		}
	}
	release_all(m);
	m->serial = 0;
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += srcs[i].table ? srcs[i].table->len : 0;
	reserve(&m->all, &m->capall, total);
	reserve(&m->rows, &m->cap, total);
	int64_t now = wall_s();
	bool active = filter_active(p->filter);
	for (size_t i = 0; i < n; i++) {
		const struct rtable *t = srcs[i].table;
		bool label_hit = model_label_matches(p->filter, srcs[i].label) && !p->filter->invert;
		for (size_t j = 0; t && j < t->len; j++) {
			struct row *r = t->rows[j];
			if (!wanted(m->view, r, p, now))
				continue;
			m->all[m->nall++] = row_retain(r);
			if (!m->view || !active || label_hit || model_filter_at(p->filter, m->view, r, now))
				m->rows[m->len++] = r;
		}
	}
	if (m->view)
		model_keyed_sort(m->rows, m->len, m->view, p->sort_col, p->sort_desc, false);
}

/* A row belongs to the source whose table finds it by id (a row purged
 * since the build is in none). */
const struct model_source *model_row_source(const struct model *m, size_t idx)
{
	if (!m->srcs || idx >= m->len)
		return NULL;
	const struct row *r = m->rows[idx];
	for (size_t i = 0; i < m->nsrcs; i++)
		if (m->srcs[i].table && rtable_find((struct rtable *)m->srcs[i].table, r->id) == r)
			return &m->srcs[i];
	return NULL;
}

long model_find(const struct model *m, const char *id)
{
	if (!id)
		return -1;
	/* the row found last time, or one near it, is the usual answer */
	struct model *mm = (struct model *)m;
	size_t h = m->found < m->len ? m->found : 0;
	for (size_t d = 0; d < 4 && d < m->len; d++) {
		size_t i = (h + d) % m->len;
		if (!strcmp(m->rows[i]->id, id))
			return (long)(mm->found = i);
		if (d && h >= d && !strcmp(m->rows[h - d]->id, id))
			return (long)(mm->found = h - d);
	}
	for (size_t i = 0; i < m->len; i++)
		if (!strcmp(m->rows[i]->id, id))
			return (long)(mm->found = i);
	return -1;
}

long model_find_row(const struct model *m, const struct row *r)
{
	if (!r)
		return -1;
	/* pointers only: no row is read, so 50,000 of them cost no cache misses */
	struct model *mm = (struct model *)m;
	if (m->found < m->len && m->rows[m->found] == r)
		return (long)m->found;
	for (size_t i = 0; i < m->len; i++)
		if (m->rows[i] == r)
			return (long)(mm->found = i);
	return -1;
}

bool model_warm(struct model *m, size_t budget)
{
	if (!m->view)
		return false;
	if (m->warmed > m->nall)
		m->warmed = m->nall; /* rows left since: the ones before are done */
	size_t end = m->nall - m->warmed > budget ? m->warmed + budget : m->nall;
	bool timed;
	for (size_t i = m->warmed; i < end; i++) {
		/* every row is a cache miss: ask for the ones ahead early */
		if (i + 8 < end)
			__builtin_prefetch(m->all[i + 8]);
		rowmatch_text(m->view, m->all[i], &timed);
	}
	m->warmed = end;
	m->keep_match = true;
	return m->warmed < m->nall;
}
