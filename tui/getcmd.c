/* getcmd.c: `binnacle get` (see getcmd.h). It lists the kind on every
 * endpoint that serves it, waits for the lists (and one round of per-row
 * figures such as CPU), then prints. Server text is sanitised as on screen. */
#include "tui/getcmd.h"
#include "tui/printrows.h"
#include "views/model.h"
#include "tui/sanitize.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The endpoints `get` asks: those serving the kind, other kube contexts only when named. */
static bool asked(const struct endpoint *ep, const struct view *v)
{
	return backend_serves(ep->ops, v->kind) && !ep->on_demand;
}

static bool all_settled(struct session *s, const struct view *v, bool *failed)
{
	bool settled = true;
	for (size_t i = 0; i < s->neps; i++) {
		struct endpoint *ep = s->eps[i];
		if (!asked(ep, v))
			continue;
		struct rtable *t = store_find_table(ep->store, v->kind);
		if (ep->error[0] || (t && t->error[0])) {
			*failed = true;
			continue;
		}
		if (!t || !t->synced)
			settled = false;
	}
	return settled;
}

/* Every endpoint gets its chance: one failing does not cut the others short. */
static void wait_lists(struct session *s, const struct view *v, int64_t deadline, bool *failed)
{
	while (!all_settled(s, v, failed) && mono_ms() < deadline)
		session_turn(s, 100);
}

static bool extras_pending(struct session *s)
{
	for (size_t i = 0; i < s->neps; i++)
		if (s->eps[i]->extras_pending)
			return true;
	return false;
}

/* Per-row figures (CPU, memory) arrive after the list: wait for one round. */
static void wait_extras(struct session *s, const struct view *v, int64_t deadline)
{
	for (size_t i = 0; i < s->neps; i++) {
		struct endpoint *ep = s->eps[i];
		struct rtable *t = store_find_table(ep->store, v->kind);
		if (!t || !ep->ops->visible || !asked(ep, v))
			continue;
		const char **ids = xcalloc(t->len + 1, sizeof(*ids));
		for (size_t j = 0; j < t->len; j++)
			ids[j] = t->rows[j]->id;
		ep->ops->visible(ep, v->kind, ids, t->len);
		free(ids);
	}
	/* the backends start their requests on their next timer: give them a moment */
	int64_t until = mono_ms() + 200;
	while (mono_ms() < deadline && (mono_ms() < until || extras_pending(s)))
		session_turn(s, 50);
}

int getcmd_run(struct session *s, const struct get_opts *o)
{
	const struct view *v = views_find(o->kind);
	if (!v) {
		struct buf known;
		buf_init(&known);
		for (const struct view *const *all = views_all(); *all; all++)
			buf_printf(&known, "%s%s", known.len ? ", " : "", (*all)->kind);
		fprintf(stderr, "binnacle: unknown kind \"%s\" (known: %s)\n", o->kind, known.data);
		buf_cleanup(&known);
		return 1;
	}
	const char *out = o->output ? o->output : "table";
	if (strcmp(out, "table") && strcmp(out, "wide") && strcmp(out, "json")) {
		fprintf(stderr, "binnacle: unknown output format \"%s\" (use table, wide or json)\n", out);
		return 1;
	}
	size_t served = 0;
	for (size_t i = 0; i < s->neps; i++)
		if (asked(s->eps[i], v)) {
			const struct backend_scope *sc = s->eps[i]->ops->scope;
			char err[ERRLEN];
			if (o->scope && !sc) {
				fprintf(stderr, "binnacle: %s cannot be narrowed to \"%s\"\n", s->eps[i]->name, o->scope);
				return 1;
			}
			if (o->scope && sc->set(s->eps[i], o->scope, err, sizeof(err)) < 0) {
				fprintf(stderr, "binnacle: %s: %s\n", s->eps[i]->name, err);
				return 1;
			}
			s->eps[i]->ops->watch(s->eps[i], v->kind);
			served++;
		}
	if (!served) {
		fprintf(stderr, "binnacle: no configured endpoint serves %s\n", v->kind);
		return 1;
	}
	int64_t deadline = mono_ms() + (o->timeout_ms > 0 ? o->timeout_ms : 15000);
	bool failed = false;
	wait_lists(s, v, deadline, &failed);
	/* a dead endpoint is named on stderr; the others' rows still print */
	size_t dead = 0;
	for (size_t i = 0; i < s->neps; i++) {
		struct endpoint *ep = s->eps[i];
		struct rtable *t = store_find_table(ep->store, v->kind);
		if (!asked(ep, v))
			continue;
		if (ep->error[0] || (t && t->error[0])) {
			char *e = sanitize_display(ep->error[0] ? ep->error : t->error, strlen(ep->error[0] ? ep->error : t->error));
			fprintf(stderr, "binnacle: %s: %s\n", ep->name, e);
			free(e);
			dead++;
		} else if (!t || !t->synced) {
			fprintf(stderr, "binnacle: %s: no answer in time\n", ep->name);
			dead++;
		}
	}
	if (dead == served)
		return 1;
	int rc = dead ? 3 : 0;
	wait_extras(s, v, deadline);
	struct filter f;
	filter_init(&f, o->filter);
	struct model *models = xcalloc(s->neps, sizeof(*models));
	struct model_params p = {.scope_cell = -1, .scope_ns_cell = -1, .filter = &f, .sort_col = v->sort_col, .sort_desc = v->sort_desc};
	for (size_t i = 0; i < s->neps; i++) {
		model_init(&models[i], v);
		struct rtable *t = store_find_table(s->eps[i]->store, v->kind);
		/* only what answered: a dead endpoint's half list is not printed as if whole */
		if (asked(s->eps[i], v) && !s->eps[i]->error[0] && t && t->synced && !t->error[0])
			model_build(&models[i], t, &p);
	}
	const char **labels = xcalloc(s->neps, sizeof(*labels));
	size_t used = 0, rows = 0;
	for (size_t i = 0; i < s->neps; i++) {
		labels[i] = s->eps[i]->name;
		used += asked(s->eps[i], v);
		rows += models[i].len;
	}
	struct printrows pr = {.view = v, .models = models, .labels = labels, .n = s->neps, .show_labels = used > 1};
	/* as kubectl: narrowed to one namespace, its column says nothing */
	bool narrowed = v->scope_cell > 0;
	for (size_t i = 0; i < s->neps && narrowed; i++) {
		const struct backend_scope *sc = s->eps[i]->ops->scope;
		if (asked(s->eps[i], v) && (!sc || !sc->get(s->eps[i])))
			narrowed = false;
	}
	pr.hide_cell = narrowed ? v->scope_cell : 0;
	if (!strcmp(out, "json"))
		printrows_json(stdout, &pr);
	else if (!rows) /* as kubectl says it: no header, stdout stays empty for scripts */
		fputs("No resources found\n", stderr);
	else
		printrows_table(stdout, &pr, !strcmp(out, "wide"));
	free(labels);
	for (size_t i = 0; i < s->neps; i++)
		model_cleanup(&models[i]);
	free(models);
	filter_cleanup(&f);
	return rc;
}
