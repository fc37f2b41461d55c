/* across.c: rows of one kind from every endpoint (see across.h). */
#include "views/across.h"
#include "backends/image/imageref.h"
#include "backends/model/kinds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Separates the endpoint's name from the row's id in a gathered row's id. */
#define SEP '\x1f'

void across_init(struct across *a, struct session *s, const struct view *base, across_match_fn match, void *arg)
{
	memset(a, 0, sizeof(*a));
	a->s = s;
	a->base = base;
	a->match = match;
	a->arg = arg;
	a->store = store_new();
	/* ENDPOINT first, in the cell after the kind's own */
	a->columns = xcalloc((size_t)base->ncolumns + 1, sizeof(*a->columns));
	a->columns[0] = (struct column){.title = "ENDPOINT", .cell = base->ncells, .min = 8, .max = 24};
	memcpy(a->columns + 1, base->columns, (size_t)base->ncolumns * sizeof(*a->columns));
	a->view = *base;
	a->view.columns = a->columns;
	a->view.ncolumns = base->ncolumns + 1;
	a->view.ncells = base->ncells + 1;
	a->view.sort_col = 0;
	a->view.sort_desc = false;
	a->view.drill = NULL;
	a->view.version_cells = base->version_cells;
}

void across_cleanup(struct across *a)
{
	store_free(a->store);
	free(a->columns);
	memset(a, 0, sizeof(*a));
}

static bool asked(const struct endpoint *ep, const char *kind)
{
	return !ep->on_demand && backend_serves(ep->ops, kind);
}

struct rtable *across_table(const struct across *a)
{
	return store_table(a->store, a->base->kind, a->view.ncells);
}

static void copy_cell(struct store *s, struct rtable *t, struct row *to, int idx, const struct cell *c)
{
	if (c->type == CELL_NONE)
		row_clear(s, t, to, idx);
	else if (c->type == CELL_TEXT)
		row_set_text(s, t, to, idx, c->text ? c->text : "");
	else
		row_set_num(s, t, to, idx, (enum cell_type)c->type, c->num, c->text);
}

bool across_refresh(struct across *a)
{
	const char *kind = a->base->kind;
	if (!a->watching) {
		a->watching = true;
		for (size_t i = 0; i < a->s->neps; i++)
			if (asked(a->s->eps[i], kind)) {
				a->s->eps[i]->ops->watch(a->s->eps[i], kind);
				a->nendpoints++;
			}
	}
	struct rtable *t = across_table(a);
	uint64_t before = t->gen;
	rtable_relist_begin(t);
	for (size_t i = 0; i < a->s->neps; i++) {
		struct endpoint *ep = a->s->eps[i];
		struct rtable *src = asked(ep, kind) ? store_find_table(ep->store, kind) : NULL;
		for (size_t j = 0; src && j < src->len; j++) {
			const struct row *r = src->rows[j];
			if (r->gone_ms || !a->match(a->arg, ep, r))
				continue;
			char *id = xasprintf("%s%c%s", ep->name, SEP, r->id);
			struct row *to = rtable_upsert(a->store, t, id);
			free(id);
			for (int c = 0; c < r->ncells && c < a->base->ncells; c++)
				copy_cell(a->store, t, to, c, &r->cells[c]);
			row_set_text(a->store, t, to, a->base->ncells, ep->name);
		}
	}
	rtable_relist_end(a->store, t);
	rtable_purge(a->store, t, 0);
	return t->gen != before;
}

struct endpoint *across_origin(const struct across *a, const struct row *r, const char **id)
{
	const char *sep = strchr(r->id, SEP);
	if (!sep)
		return NULL;
	*id = sep + 1;
	for (size_t i = 0; i < a->s->neps; i++)
		if (strlen(a->s->eps[i]->name) == (size_t)(sep - r->id) && !strncmp(a->s->eps[i]->name, r->id, (size_t)(sep - r->id)))
			return a->s->eps[i];
	return NULL;
}

bool across_settled(const struct across *a)
{
	for (size_t i = 0; i < a->s->neps; i++) {
		struct endpoint *ep = a->s->eps[i];
		if (!asked(ep, a->base->kind) || ep->state == EP_STALE || ep->auth_failing)
			continue;
		struct rtable *t = store_find_table(ep->store, a->base->kind);
		if (!t || !t->synced)
			return false;
	}
	return true;
}

/* ---- where an image runs ---- */

/* "host/repo:tag" with Docker's defaults made explicit ("nginx" →
 * "docker.io/library/nginx:latest"); "" when s is no reference or names a digest. */
static void normal_ref(const char *s, char *out, size_t n)
{
	struct image_ref ir;
	out[0] = '\0';
	if (!s || imageref_parse(s, &ir, NULL, 0) < 0 || ir.digest[0])
		return;
	snprintf(out, n, "%.200s/%.200s:%.100s", ir.host, ir.repo, ir.tag[0] ? ir.tag : "latest");
}

static void add_digest(struct image_wanted *w, const char *d, size_t len)
{
	if (!len)
		return;
	w->digests = xrealloc(w->digests, (w->ndigests + 1) * sizeof(*w->digests));
	w->digests[w->ndigests++] = xstrndup(d, len);
}

void image_wanted_init(struct image_wanted *w, const struct view *v, const struct row *r)
{
	memset(w, 0, sizeof(*w));
	if (!v->image)
		return;
	const char *ds = row_text(r, v->image->digests);
	while (*ds) {
		size_t n = strcspn(ds, " ");
		add_digest(w, ds, n);
		ds += n + (ds[n] == ' ');
	}
	const char *ref = row_text(r, v->image->ref);
	normal_ref(ref, w->ref, sizeof(w->ref));
	/* a reference pinned by digest names its digest */
	const char *at = strchr(ref, '@');
	if (at && imageref_is_digest(at + 1))
		add_digest(w, at + 1, strlen(at + 1));
}

void image_wanted_cleanup(struct image_wanted *w)
{
	for (size_t i = 0; i < w->ndigests; i++)
		free(w->digests[i]);
	free(w->digests);
	memset(w, 0, sizeof(*w));
}

bool image_wanted_match(void *arg, const struct endpoint *ep, const struct row *r)
{
	const struct image_wanted *w = arg;
	(void)ep;
	const char *ds = row_text(r, CTR_DIGEST);
	if (*ds) {
		while (*ds) {
			size_t n = strcspn(ds, " ");
			for (size_t i = 0; i < w->ndigests; i++)
				if (strlen(w->digests[i]) == n && !strncmp(w->digests[i], ds, n))
					return true;
			ds += n + (ds[n] == ' ');
		}
		return false;
	}
	if (!w->ref[0])
		return false;
	char mine[512];
	normal_ref(row_text(r, CTR_IMAGE), mine, sizeof(mine));
	return mine[0] && !strcmp(mine, w->ref);
}
