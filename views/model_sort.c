/* model_sort.c: a whole table's order by one column (see model_priv.h):
 * keys made once per row (the first bytes of a natural-order encoding of
 * the text, or the number), a radix sort on them, and the rank in the
 * tie-break order for ties; and turning an order round without sorting. */
#include "views/model.h"
#include "views/model_priv.h"
#include "views/keysort.h"
#include "backends/util/util.h"

#include <stdlib.h>
#include <string.h>

#define KEYWORDS 4 /* 32 bytes: past the shared prefix of a ReplicaSet's pod names */

struct skey {
	uint64_t k[KEYWORDS]; /* what decides most comparisons */
	struct row *row;
	uint32_t rank;    /* position in the tie-break order */
	unsigned char trank; /* unset < numbers < text */
	unsigned char exact; /* the keys say everything about the cell (equal keys: equal cells) */
	unsigned char time;  /* a time: newest first */
};

struct sctx {
	const struct view *view;
	int cell;
	bool desc, ranked;
};

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

static uint64_t be64(const unsigned char *b)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

/* The first 32 bytes of an encoding of s whose byte order is the natural
 * order of model_natural_cmp: letters folded, and each run of digits as a
 * marker that sorts where a digit does (0x30), its length without leading
 * zeros, then those digits. Returns whether the bytes hold all of s (and s
 * has no leading zeros, which only break ties). */
static bool natkey(const char *s, uint64_t *k)
{
	unsigned char b[8 * KEYWORDS] = {0};
	size_t n = 0;
	bool exact = true;
#define PUT(x)                                        \
	do {                                          \
		if (n < sizeof(b))                    \
			b[n++] = (unsigned char)(x);  \
		else                                  \
			exact = false;                \
	} while (0)
	while (*s) {
		if (n >= sizeof(b)) {
			exact = false;
			break;
		}
		if (digit(*s)) {
			size_t z = 0, len = 0;
			while (s[z] == '0')
				z++;
			while (digit(s[z + len]))
				len++;
			if (z || len > 255)
				exact = false;
			PUT(0x30);
			PUT(len > 255 ? 255 : len);
			for (size_t i = 0; i < len; i++)
				PUT(s[z + i]);
			s += z + len;
		} else {
			PUT(model_fold((unsigned char)*s));
			s++;
		}
	}
#undef PUT
	for (int i = 0; i < KEYWORDS; i++)
		k[i] = be64(b + 8 * i);
	return exact;
}

/* Walking rows in order reads, for each, its header, the cell (a line or
 * more further on) and the text the cell points to, all cache misses: the
 * rows ahead are asked for early, the header and cell first, the text once
 * the cell has arrived. */
static void prefetch_cells(struct row *const *v, size_t n, size_t i, int cell)
{
	if (i + 16 < n) {
		__builtin_prefetch(v[i + 16]);
		__builtin_prefetch(&v[i + 16]->cells[cell]); /* an address: nothing is read */
	}
	if (i + 8 < n)
		__builtin_prefetch(model_row_cell(v[i + 8], cell)->text);
}

static bool numeric(unsigned char type)
{
	return type == CELL_INT || type == CELL_BYTES || type == CELL_TIME || type == CELL_PERMILLE;
}

static void fill_key(struct skey *e, struct row *r, int cell, uint32_t rank)
{
	const struct cell *c = model_row_cell(r, cell);
	e->row = r;
	e->rank = rank;
	memset(e->k, 0, sizeof(e->k));
	e->exact = 1;
	e->time = 0;
	if (c->type == CELL_NONE) {
		e->trank = 0;
	} else if (numeric(c->type)) {
		uint64_t u = (uint64_t)c->num ^ (1ull << 63);
		e->trank = 1;
		e->time = c->type == CELL_TIME;
		e->k[0] = e->time ? ~u : u;
	} else {
		e->trank = 2;
		e->exact = natkey(c->text ? c->text : "", e->k);
	}
}

static int skey_cmp(const void *pa, const void *pb, void *arg)
{
	const struct skey *a = pa, *b = pb;
	const struct sctx *c = arg;
	int d;
	if (a->trank != b->trank)
		d = a->trank < b->trank ? -1 : 1;
	else if (a->time != b->time)
		d = model_cell_cmp(model_row_cell(a->row, c->cell), model_row_cell(b->row, c->cell));
	else if (a->k[0] != b->k[0])
		d = a->k[0] < b->k[0] ? -1 : 1;
	else if (a->k[1] != b->k[1])
		d = a->k[1] < b->k[1] ? -1 : 1;
	else if (a->k[2] != b->k[2])
		d = a->k[2] < b->k[2] ? -1 : 1;
	else if (a->k[3] != b->k[3])
		d = a->k[3] < b->k[3] ? -1 : 1;
	else if (!a->exact || !b->exact)
		d = model_cell_cmp(model_row_cell(a->row, c->cell), model_row_cell(b->row, c->cell));
	else
		d = 0;
	if (d)
		return c->desc ? -d : d;
	if (c->ranked)
		return a->rank < b->rank ? -1 : a->rank > b->rank;
	return model_compare(c->view, -1, false, a->row, b->row);
}

/* Rows of one name form runs in name order: by name descending, the runs
 * are reversed and the order inside each kept (ties go by id, ascending). */
static void reverse_name_runs(struct row **v, size_t n)
{
	struct row **out = xmalloc(n * sizeof(*out));
	size_t k = 0, end = n;
	while (end > 0) {
		size_t start = end - 1;
		while (start > 0 && !model_cell_cmp(model_row_cell(v[start - 1], 0), model_row_cell(v[start], 0)))
			start--;
		for (size_t i = start; i < end; i++)
			out[k++] = v[i];
		end = start;
	}
	memcpy(v, out, n * sizeof(*v));
	free(out);
}

int model_order_cmp(const void *pa, const void *pb, void *arg)
{
	const struct model_order *o = arg;
	return model_compare(o->view, o->col, o->desc, *(struct row *const *)pa, *(struct row *const *)pb);
}

/* The sorts' working memory, kept from one sort to the next: for 50,000
 * rows about 5 MB, which taken fresh each time (new pages, each a fault)
 * cost more than the sorting. */
static struct {
	struct skey *e;
	struct keyrec *r, *tmp;
	size_t cap;
} scratch;

static void scratch_reserve(size_t n)
{
	if (n <= scratch.cap)
		return;
	scratch.cap = n + n / 4;
	free(scratch.e);
	free(scratch.r);
	free(scratch.tmp);
	scratch.e = xmalloc(scratch.cap * sizeof(*scratch.e));
	scratch.r = xmalloc(scratch.cap * sizeof(*scratch.r));
	scratch.tmp = xmalloc(scratch.cap * sizeof(*scratch.tmp));
}

struct runsort {
	const struct skey *e;
	const struct sctx *c;
};

static int rec_cmp(const void *pa, const void *pb, void *arg)
{
	const struct runsort *o = arg;
	return skey_cmp(&o->e[((const struct keyrec *)pa)->idx], &o->e[((const struct keyrec *)pb)->idx], (void *)o->c);
}

static bool same_key16(const struct keyrec *a, const struct keyrec *b)
{
	return a->top == b->top && a->k0 == b->k0 && a->k1 == b->k1;
}

/* Whether a run of tied records all show one text ("node-007" on 250
 * pods, whose leading zeros keep its key from being whole): then the run
 * is in order already, as ties keep the rank order. */
static bool same_texts(const struct skey *e, const struct keyrec *r, size_t n, int cell)
{
	const char *first = model_row_cell(e[r[0].idx].row, cell)->text;
	for (size_t i = 1; i < n; i++) {
		const char *t = model_row_cell(e[r[i].idx].row, cell)->text;
		if (t != first && (!t || !first || strcmp(t, first)))
			return false;
	}
	return true;
}

/* The order skey_cmp gives e[0..n) (in rank order), by a radix sort on the
 * first 16 bytes of each key, then a comparison sort of only the runs
 * those bytes leave tied (long texts sharing a prefix). A comparison sort
 * of 50,000 rows took ~10 ms a column change; this is a few passes over
 * 24-byte records. Returns false for a column holding both times and
 * other numbers, whose order only the comparison knows. */
static bool radix_sort(struct row **v, const struct skey *e, size_t n, const struct sctx *c)
{
	bool times = false, counts = false;
	for (size_t i = 0; i < n; i++) {
		times |= e[i].trank == 1 && e[i].time;
		counts |= e[i].trank == 1 && !e[i].time;
	}
	if (times && counts)
		return false;
	struct keyrec *r = scratch.r;
	for (size_t i = 0; i < n; i++) {
		/* descending: every byte turned round; ties stay in rank order */
		uint64_t flip = c->desc ? ~UINT64_C(0) : 0;
		r[i] = (struct keyrec){e[i].k[0] ^ flip, e[i].k[1] ^ flip, (uint32_t)i,
				       (uint8_t)(c->desc ? 255 - e[i].trank : e[i].trank),
				       (uint8_t)(e[i].exact && !e[i].k[2] && !e[i].k[3])};
	}
	keysort(r, scratch.tmp, n);
	struct runsort o = {e, c};
	for (size_t s = 0, t; s < n; s = t) {
		bool whole = r[s].whole;
		for (t = s + 1; t < n && same_key16(&r[s], &r[t]); t++)
			whole &= r[t].whole;
		if (t - s > 1 && !whole && !same_texts(e, r + s, t - s, c->cell))
			qsort_r(r + s, t - s, sizeof(*r), rec_cmp, &o);
	}
	for (size_t i = 0; i < n; i++)
		v[i] = e[r[i].idx].row;
	return true;
}

/* (model_priv.h) */
void model_keyed_sort(struct row **v, size_t n, const struct view *view, int col, bool desc, bool ranked)
{
	bool has_col = col >= 0 && col < view->ncolumns;
	if (n < 2 || (ranked && !has_col))
		return;
	int cell = has_col ? view->columns[col].cell : 0;
	if (has_col && cell >= 0 && cell < 64 && (view->version_cells >> cell & 1)) {
		/* versions ("v1.10" after "v1.9", a release after its -rc) have no
		 * keys here: a sort on the comparison itself (a registry's tags,
		 * never 50,000 rows) */
		struct model_order o = {view, col, desc && has_col};
		qsort_r(v, n, sizeof(*v), model_order_cmp, &o);
		return;
	}
	if (ranked && cell == 0) {
		/* by name: the tie-break order is the order, or its runs reversed */
		if (desc)
			reverse_name_runs(v, n);
		return;
	}
	scratch_reserve(n);
	struct skey *e = scratch.e;
	for (size_t i = 0; i < n; i++) {
		prefetch_cells(v, n, i, cell);
		fill_key(&e[i], v[i], cell, (uint32_t)i);
	}
	struct sctx c = {view, cell, has_col && desc, ranked};
	if (ranked && radix_sort(v, e, n, &c))
		return;
	qsort_r(e, n, sizeof(*e), skey_cmp, &c);
	for (size_t i = 0; i < n; i++)
		v[i] = e[i].row;
}

static void reverse(struct row **v, size_t n)
{
	for (size_t i = 0; i < n / 2; i++) {
		struct row *x = v[i];
		v[i] = v[n - 1 - i];
		v[n - 1 - i] = x;
	}
}

/* (model_priv.h) */
void model_invert_order(struct row **v, size_t n, int cell)
{
	reverse(v, n);
	size_t start = 0;
	for (size_t i = 1; i <= n; i++) {
		prefetch_cells(v, n, i, cell);
		if (i == n || model_cell_cmp(model_row_cell(v[i - 1], cell), model_row_cell(v[i], cell))) {
			reverse(v + start, i - start);
			start = i;
		}
	}
}
