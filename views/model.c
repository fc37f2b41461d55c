/* model.c: turns a store table into what a table shows (see model.h): the
 * user's filter, the drill scope, a total sort order, and cell formatting, so
 * the screen and `binnacle get` agree row for row. */
#include "views/model.h"
#include "views/image.h"
#include "backends/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Anything ERE gives a meaning to: text without these is matched as a plain
 * substring, which is both faster and immune to regex surprises. */
static const char regex_meta[] = ".[]()*+?{}|^$\\";

void filter_init(struct filter *f, const char *text)
{
	memset(f, 0, sizeof(*f));
	if (!text || !*text)
		return;
	f->text = xstrdup(text);
	const char *pat = f->text;
	if (*pat == '!')
		pat++;
	/* a lone '!' is a filter still being typed: show everything meanwhile */
	if (!*pat)
		return;
	f->invert = pat != f->text;
	if (strpbrk(pat, regex_meta) &&
	    regcomp(&f->re, pat, REG_EXTENDED | REG_ICASE | REG_NOSUB) == 0) {
		f->regex = true;
		return;
	}
	/* no metacharacters, or not a valid regex ("[abc"): the user meant the text */
	f->needle = pat;
}

void filter_cleanup(struct filter *f)
{
	if (f->regex)
		regfree(&f->re);
	free(f->text);
	memset(f, 0, sizeof(*f));
}

bool filter_active(const struct filter *f)
{
	return f && (f->regex || (f->needle && *f->needle));
}

static bool text_matches(const struct filter *f, const char *s)
{
	if (f->regex)
		return regexec(&f->re, s, 0, NULL, 0) == 0;
	return str_casestr(s, f->needle) != NULL;
}

/* The display text of a cell, without copying when the cell already holds it. */
static const char *cell_display(const struct cell *c, int64_t now, char *tmp, size_t tmplen)
{
	if (c->type == CELL_TEXT)
		return c->text ? c->text : "";
	if (c->type != CELL_TIME && c->type != CELL_NONE && c->text)
		return c->text;
	model_cell_text(c, now, tmp, tmplen);
	return tmp;
}

static bool filter_match_at(const struct filter *f, const struct view *v, const struct row *r, int64_t now)
{
	if (!filter_active(f))
		return true;
	bool hit = text_matches(f, r->id);
	for (int i = 0; !hit && i < v->ncolumns; i++) {
		int idx = v->columns[i].cell;
		if (idx < 0 || idx >= r->ncells || r->cells[idx].type == CELL_NONE)
			continue;
		char tmp[64];
		hit = text_matches(f, cell_display(&r->cells[idx], now, tmp, sizeof(tmp)));
	}
	return hit != f->invert;
}

bool filter_match(const struct filter *f, const struct view *v, const struct row *r)
{
	return filter_match_at(f, v, r, wall_s());
}

void model_cell_text(const struct cell *c, int64_t now, char *out, size_t outlen)
{
	if (!outlen)
		return;
	switch (c->type) {
	case CELL_TEXT:
		snprintf(out, outlen, "%s", c->text ? c->text : "");
		return;
	case CELL_TIME:
		if (c->text && strchr(c->text, TIME_SLOT)) {
			/* "Up \x1f (healthy)": the phrase for the time since num, in place */
			char dur[48];
			const char *slot = strchr(c->text, TIME_SLOT);
			format_human_duration(now - c->num, dur, sizeof(dur));
			snprintf(out, outlen, "%.*s%s%s", (int)(slot - c->text), c->text, dur, slot + 1);
		} else {
			format_age(now - c->num, out, outlen);
		}
		return;
	case CELL_INT:
	case CELL_BYTES:
	case CELL_PERMILLE:
		break;
	default:
		out[0] = '\0';
		return;
	}
	/* a backend's own rendering ("3.5" CPUs, "yes (3)") wins over ours */
	if (c->text) {
		snprintf(out, outlen, "%s", c->text);
		return;
	}
	if (c->type == CELL_BYTES) {
		format_bytes(c->num, out, outlen);
	} else if (c->type == CELL_PERMILLE) {
		/* integer arithmetic: no float rounding turning 125 into "12.4%" */
		unsigned long long mag = c->num < 0 ? 0ull - (unsigned long long)c->num : (unsigned long long)c->num;
		snprintf(out, outlen, "%s%llu.%llu%%", c->num < 0 ? "-" : "", mag / 10, mag % 10);
	} else {
		snprintf(out, outlen, "%lld", (long long)c->num);
	}
}

static bool is_numeric(unsigned char type)
{
	return type == CELL_INT || type == CELL_BYTES || type == CELL_TIME || type == CELL_PERMILLE;
}

static int fold(unsigned char c)
{
	/* ASCII only: UTF-8 bytes compare as themselves, independent of locale */
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Case-insensitive natural order: digit runs compare as numbers, so "web-2"
 * sorts before "web-10". Written out rather than folding copies for
 * strverscmp so that sorting 50,000 rows allocates nothing per comparison. */
int model_natural_cmp(const char *a, const char *b)
{
	int zeros = 0; /* first difference in leading zeros: "1" before "01" */
	while (*a && *b) {
		if (is_digit(*a) && is_digit(*b)) {
			size_t za = 0, zb = 0, la = 0, lb = 0;
			while (a[za] == '0')
				za++;
			while (b[zb] == '0')
				zb++;
			while (is_digit(a[za + la]))
				la++;
			while (is_digit(b[zb + lb]))
				lb++;
			if (la != lb)
				return la < lb ? -1 : 1;
			int d = memcmp(a + za, b + zb, la);
			if (d)
				return d < 0 ? -1 : 1;
			if (!zeros && za != zb)
				zeros = za < zb ? -1 : 1;
			a += za + la;
			b += zb + lb;
			continue;
		}
		int d = fold((unsigned char)*a) - fold((unsigned char)*b);
		if (d)
			return d < 0 ? -1 : 1;
		a++;
		b++;
	}
	if (*a || *b)
		return *a ? 1 : -1;
	return zeros;
}

static int natural_cmp(const char *a, const char *b)
{
	return model_natural_cmp(a, b);
}

static const char *version_start(const char *s)
{
	if ((*s == 'v' || *s == 'V') && is_digit(s[1]))
		s++;
	return is_digit(*s) ? s : NULL;
}

/* Compares the digit runs at *a and *b as numbers and steps past them. */
static int number_cmp(const char **a, const char **b)
{
	const char *pa = *a, *pb = *b;
	while (*pa == '0' && is_digit(pa[1]))
		pa++;
	while (*pb == '0' && is_digit(pb[1]))
		pb++;
	size_t la = 0, lb = 0;
	while (is_digit(pa[la]))
		la++;
	while (is_digit(pb[lb]))
		lb++;
	*a = pa + la;
	*b = pb + lb;
	if (la != lb)
		return la < lb ? -1 : 1;
	int d = memcmp(pa, pb, la);
	return d < 0 ? -1 : d > 0;
}

int model_version_cmp(const char *a, const char *b)
{
	const char *pa = version_start(a), *pb = version_start(b);
	if (!pa || !pb) {
		if (pa || pb)
			return pa ? -1 : 1; /* versions before words */
		return natural_cmp(a, b);
	}
	for (;;) {
		int d = number_cmp(&pa, &pb);
		if (d)
			return d;
		bool more_a = *pa == '.' && is_digit(pa[1]), more_b = *pb == '.' && is_digit(pb[1]);
		if (more_a && more_b) {
			pa++;
			pb++;
			continue;
		}
		if (more_a != more_b)
			return more_a ? 1 : -1; /* 1.2.1 after 1.2 */
		break;
	}
	/* the same numbers: a release comes after its pre-releases */
	bool pre_a = *pa == '-', pre_b = *pb == '-';
	if (!*pa && pre_b)
		return 1;
	if (!*pb && pre_a)
		return -1;
	int d = natural_cmp(pa, pb);
	return d ? d : natural_cmp(a, b);
}

static int cmp_num(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

/* Never set, then numbers, then text: a column mixing types still sorts totally. */
static int type_rank(unsigned char type)
{
	return type == CELL_NONE ? 0 : is_numeric(type) ? 1 : 2;
}

static const struct cell *row_cell(const struct row *r, int idx)
{
	static const struct cell none;
	return idx >= 0 && idx < r->ncells ? &r->cells[idx] : &none;
}

static int cell_cmp(const struct cell *a, const struct cell *b, bool version)
{
	int ra = type_rank(a->type), rb = type_rank(b->type);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (ra == 0)
		return 0;
	if (ra == 1) {
		/* an AGE column ascending means youngest first: the newest timestamp */
		if (a->type == CELL_TIME || b->type == CELL_TIME)
			return cmp_num(b->num, a->num);
		return cmp_num(a->num, b->num);
	}
	if (version)
		return model_version_cmp(a->text ? a->text : "", b->text ? b->text : "");
	return natural_cmp(a->text ? a->text : "", b->text ? b->text : "");
}

int model_compare(const struct view *v, int col, bool desc, const struct row *a, const struct row *b)
{
	if (col >= 0 && col < v->ncolumns) {
		int idx = v->columns[col].cell;
		bool version = idx >= 0 && idx < 64 && (v->version_cells >> idx & 1);
		int d = cell_cmp(row_cell(a, idx), row_cell(b, idx), version);
		if (d)
			return desc ? -d : d;
	}
	/* ties go by name then id, ascending either way, so equal keys keep the
	 * same order from one refresh to the next and the selection stays put */
	int d = cell_cmp(row_cell(a, 0), row_cell(b, 0), false);
	if (d)
		return d;
	return strcmp(a->id, b->id);
}

void model_init(struct model *m, const struct view *v)
{
	memset(m, 0, sizeof(*m));
	m->view = v;
}

static void release_rows(struct model *m)
{
	for (size_t i = 0; i < m->len; i++)
		row_release(m->rows[i]);
	m->len = 0;
}

void model_cleanup(struct model *m)
{
	release_rows(m);
	free(m->srcs);
	m->srcs = NULL;
	m->nsrcs = 0;
	free(m->rows);
	m->rows = NULL;
	m->len = m->cap = 0;
}

struct sort_ctx {
	const struct view *view;
	int col;
	bool desc;
};

static int sort_cmp(const void *pa, const void *pb, void *arg)
{
	const struct sort_ctx *ctx = arg;
	return model_compare(ctx->view, ctx->col, ctx->desc, *(struct row *const *)pa,
			     *(struct row *const *)pb);
}

static bool in_scope(const struct view *v, const struct row *r, const struct model_params *p, int64_t now)
{
	if (p->scope_ns_cell > 0 && strcmp(row_text(r, p->scope_ns_cell), p->scope_ns ? p->scope_ns : ""))
		return false;
	if (p->scope_image && !(v && v->image && image_row_matches(v->image, r, p->scope_image)))
		return false;
	if (p->scope_cell < 0)
		return true;
	const struct cell *c = row_cell(r, p->scope_cell);
	if (p->scope_selector)
		return labels_match(p->scope_value, c->text);
	if (p->scope_among) {
		size_t n = c->text ? strlen(c->text) : 0;
		for (const char *e = p->scope_value ? p->scope_value : ""; *e;) {
			size_t k = strcspn(e, ",");
			if (k == n && n && !strncmp(e, c->text, k))
				return true;
			e += k + (e[k] == ',');
		}
		return false;
	}
	char tmp[64];
	return !strcmp(cell_display(c, now, tmp, sizeof(tmp)), p->scope_value ? p->scope_value : "");
}

static const struct model_params defaults = {.scope_cell = -1, .scope_ns_cell = -1};

/* Takes the rows of one source that pass the scope and the filter. */
static void take(struct model *m, const struct model_source *src, const struct model_params *p, int64_t now)
{
	const struct rtable *t = src->table;
	bool label_hit = src->label && filter_active(p->filter) && text_matches(p->filter, src->label);
	for (size_t i = 0; t && i < t->len; i++) {
		struct row *r = t->rows[i];
		if (r->gone_ms && !p->include_gone)
			continue;
		if (!in_scope(m->view, r, p, now))
			continue;
		if (m->view && !(label_hit && !p->filter->invert) && !filter_match_at(p->filter, m->view, r, now))
			continue;
		m->rows[m->len++] = row_retain(r);
	}
}

void model_build_many(struct model *m, const struct model_source *srcs, size_t n, const struct model_params *p)
{
	struct model_params d;
	if (!p) {
		/* NULL params: the view's own default order, nothing narrowed */
		d = defaults;
		d.sort_col = m->view ? m->view->sort_col : 0;
		d.sort_desc = m->view && m->view->sort_desc;
		p = &d;
	}
	release_rows(m);
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += srcs[i].table ? srcs[i].table->len : 0;
	if (m->cap < total) {
		free(m->rows);
		m->rows = xmalloc(total * sizeof(*m->rows));
		m->cap = total;
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
	int64_t now = wall_s();
	for (size_t i = 0; i < n; i++)
		take(m, &srcs[i], p, now);
	if (m->view && m->len > 1) {
		struct sort_ctx ctx = {m->view, p->sort_col, p->sort_desc};
		qsort_r(m->rows, m->len, sizeof(*m->rows), sort_cmp, &ctx);
	}
}

void model_build(struct model *m, const struct rtable *t, const struct model_params *p)
{
	struct model_source one = {t, NULL, NULL};
	model_build_many(m, &one, 1, p);
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
	for (size_t i = 0; i < m->len; i++)
		if (!strcmp(m->rows[i]->id, id))
			return (long)i;
	return -1;
}
