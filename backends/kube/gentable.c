/* gentable.c: the server's own tables (meta.k8s.io/v1 Table, what kubectl
 * get prints) into rows of the generic layout (kinds.h, enum table_cell).
 * Each row's object comes as PartialObjectMetadata, which gives the id
 * (namespace/name), the labels and the creation time (so Age stays live);
 * the cells are the server's, by column. A server that cannot print tables
 * for a resource (an aggregated API) answers with the plain list or
 * object: those rows get the common cells only. */
#include "backends/codec/jdoc.h"
#include "backends/kube/decode.h"
#include "backends/kube/internal.h"
#include "backends/kube/kinds.h"
#include "backends/kube/views/generic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void row_id(const struct kres *r, const struct jnode *meta, const char *fallback, char *out, size_t outlen)
{
	const char *name = jn_str(meta, "name"), *ns = jn_str(meta, "namespace");
	if (!name || !*name)
		name = fallback;
	if (!name || !*name)
		out[0] = '\0';
	else if (r->namespaced && ns && *ns)
		snprintf(out, outlen, "%s/%s", ns, name);
	else
		snprintf(out, outlen, "%s", name);
}

/* The cells every object has, from its metadata. */
static void common_cells(struct store *s, struct rtable *t, struct row *row, const struct jnode *meta,
			 const char *name)
{
	row_set_text_or_clear(s, t, row, GT_NAME, jn_str(meta, "name") ? jn_str(meta, "name") : name);
	row_set_shared_text(s, t, row, GT_NAMESPACE, jn_str(meta, "namespace"));
	char *labels = jn_map_text(jn_obj(meta, "labels"));
	row_set_text_or_clear(s, t, row, GT_LABELS, labels);
	free(labels);
	kube_set_time(s, t, row, GT_AGE, meta, "creationTimestamp");
}

/* A table cell as the column's type says: integers sort as numbers. As
 * kubectl prints them, a null is empty (the column stays), and text stops
 * at its first line break, followed by "...". */
static void set_cell(struct store *s, struct rtable *t, struct row *row, int idx, const struct jnode *v)
{
	int64_t n;
	switch (v ? v->type : JN_NULL) {
	case JN_NULL:
		row_set_text(s, t, row, idx, "");
		return;
	case JN_TRUE:
	case JN_FALSE:
		row_set_shared_text(s, t, row, idx, v->type == JN_TRUE ? "true" : "false");
		return;
	case JN_STRING: {
		const char *nl = memchr(v->s, '\n', v->len);
		if (nl) {
			char *cut = xasprintf("%.*s...", (int)(nl - v->s), v->s);
			row_set_text(s, t, row, idx, cut);
			free(cut);
		} else {
			row_set_text(s, t, row, idx, v->s);
		}
		return;
	}
	case JN_NUMBER:
		if (jn_as_int(v, &n) && !memchr(v->s, '.', v->len) && !memchr(v->s, 'e', v->len)) {
			row_set_num(s, t, row, idx, CELL_INT, n, NULL);
		} else {
			char num[64];
			snprintf(num, sizeof(num), "%.*s", (int)(v->len < 63 ? v->len : 63), v->s);
			row_set_text(s, t, row, idx, num);
		}
		return;
	default: {
		char *json = jn_to_json(v);
		row_set_text(s, t, row, idx, json);
		free(json);
	}
	}
}

static void take_row(struct kube *k, const struct kres *r, struct rtable *t, const struct jnode *trow)
{
	struct store *s = k->ep->store;
	struct kview *kv = r->view;
	const struct jnode *cells = jn_arr(trow, "cells");
	const struct jnode *meta = jn_obj(jn_obj(trow, "object"), "metadata");
	/* the Name column, for a table whose rows carry no object */
	const char *name = NULL;
	int i = 0;
	for (const struct jnode *c = jn_first(cells); c && i < kv->nmap; c = jn_next(cells, c), i++)
		if (kv->map[i] == GT_NAME)
			name = jn_text(c);
	char id[512];
	row_id(r, meta, name, id, sizeof(id));
	if (!*id)
		return;
	struct row *row = rtable_upsert(s, t, id);
	common_cells(s, t, row, meta, name);
	i = 0;
	for (const struct jnode *c = jn_first(cells); c && i < kv->nmap; c = jn_next(cells, c), i++) {
		int idx = kv->map[i];
		if (idx == GT_AGE && jn_str(meta, "creationTimestamp"))
			; /* live from the object's creation, set above */
		else if (idx == GT_NAME && !jn_text(c))
			; /* the object's name, set above */
		else if (idx >= 0)
			set_cell(s, t, row, idx, c);
		if (kv->aux[i] >= 0)
			set_cell(s, t, row, kv->aux[i], c);
	}
}

/* A plain object (no table): the common cells only. */
static void take_object(struct kube *k, const struct kres *r, struct rtable *t, const struct jnode *obj)
{
	const struct jnode *meta = jn_obj(obj, "metadata");
	char id[512];
	row_id(r, meta, NULL, id, sizeof(id));
	if (!*id)
		return;
	struct store *s = k->ep->store;
	common_cells(s, t, rtable_upsert(s, t, id), meta, NULL);
}

int kube_table_take(struct kube *k, const struct kres *r, const char *tname, const struct jnode *doc, char *err,
		    size_t errlen)
{
	struct rtable *t = store_table(k->ep->store, tname, r->ncells);
	const char *kind = jn_str(doc, "kind");
	if (kind && !strcmp(kind, "Table")) {
		/* column definitions: every list page, the first watch event */
		if (kview_set_columns(r->view, jn_arr(doc, "columnDefinitions")))
			k->ep->store->gen++;
		const struct jnode *rows = jn_arr(doc, "rows");
		for (const struct jnode *row = jn_first(rows); row; row = jn_next(rows, row))
			take_row(k, r, t, row);
		return 0;
	}
	const struct jnode *items = jn_arr(doc, "items");
	if (items) {
		for (const struct jnode *it = jn_first(items); it; it = jn_next(items, it))
			take_object(k, r, t, it);
		return 0;
	}
	if (jn_obj(doc, "metadata") && jn_str(jn_obj(doc, "metadata"), "name")) {
		take_object(k, r, t, doc);
		return 0;
	}
	return set_err(err, errlen, "the API server sent %s that is neither a table nor a list", r->kind);
}

void kube_table_row_id(const struct kres *r, const struct jnode *doc, char *out, size_t outlen)
{
	const char *kind = jn_str(doc, "kind");
	const struct jnode *meta = kind && !strcmp(kind, "Table")
					   ? jn_obj(jn_obj(jn_first(jn_arr(doc, "rows")), "object"), "metadata")
					   : jn_obj(doc, "metadata");
	row_id(r, meta, NULL, out, outlen);
}
