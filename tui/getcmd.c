/* getcmd.c: `binnacle get` (see getcmd.h). It lists the kind on every
 * endpoint that serves it, waits for the lists (and one round of per-row
 * figures such as CPU), then prints. A kind no backend declares (a
 * cluster's jobs, a CRD) is looked for in what the endpoints find at run
 * time, once they have answered; each endpoint uses its own view of it, and
 * endpoints whose columns differ print one table each. Server text is
 * sanitised as on screen. */
#include "tui/getcmd.h"
#include "tui/printrows.h"
#include "views/model.h"
#include "tui/sanitize.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each endpoint's view of the kind, NULL when it does not serve it (or
 * is another kube context nobody named). */
struct target {
	const struct view **v;
	size_t n;
};

static bool asked(const struct target *tg, size_t i)
{
	return tg->v[i] != NULL;
}

static bool all_settled(struct session *s, const struct target *tg, bool *failed)
{
	bool settled = true;
	for (size_t i = 0; i < s->neps; i++) {
		struct endpoint *ep = s->eps[i];
		if (!asked(tg, i))
			continue;
		struct rtable *t = store_find_table(ep->store, tg->v[i]->kind);
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
static void wait_lists(struct session *s, const struct target *tg, int64_t deadline, bool *failed)
{
	while (!all_settled(s, tg, failed) && mono_ms() < deadline)
		session_turn(s, 100);
}

static bool extras_pending(struct session *s)
{
	for (size_t i = 0; i < s->neps; i++)
		if (s->eps[i]->extras_pending)
			return true;
	return false;
}

static void report(struct endpoint *ep, const char *why)
{
	char *e = sanitize_display(why, strlen(why));
	fprintf(stderr, "binnacle: %s: %s\n", ep->name, e);
	free(e);
}

/* Per-row figures (CPU, memory) arrive after the list: wait for one round. */
static void wait_extras(struct session *s, const struct target *tg, int64_t deadline)
{
	for (size_t i = 0; i < s->neps; i++) {
		struct endpoint *ep = s->eps[i];
		struct rtable *t = asked(tg, i) ? store_find_table(ep->store, tg->v[i]->kind) : NULL;
		if (!t || !ep->ops->visible)
			continue;
		const char **ids = xcalloc(t->len + 1, sizeof(*ids));
		for (size_t j = 0; j < t->len; j++)
			ids[j] = t->rows[j]->id;
		ep->ops->visible(ep, tg->v[i]->kind, ids, t->len);
		free(ids);
	}
	/* the backends start their requests on their next timer: give them a moment */
	int64_t until = mono_ms() + 200;
	while (mono_ms() < deadline && (mono_ms() < until || extras_pending(s)))
		session_turn(s, 50);
}

/* The endpoints that can find kinds at run time, asked to (connecting for
 * it); waits until each has answered, failed or the time is up. */
static bool find_at_run_time(struct session *s, const char *kind, int64_t deadline)
{
	size_t asking = 0;
	for (size_t i = 0; i < s->neps; i++)
		if (s->eps[i]->ops->catalog && !s->eps[i]->on_demand) {
			s->eps[i]->ops->watch(s->eps[i], kind);
			asking++;
		}
	for (bool waiting = asking > 0; waiting && mono_ms() < deadline;) {
		session_turn(s, 50);
		waiting = false;
		for (size_t i = 0; i < s->neps; i++) {
			struct endpoint *ep = s->eps[i];
			if (ep->ops->catalog && !ep->on_demand && !ep->error[0] && !endpoint_catalog(ep))
				waiting = true;
		}
	}
	return asking > 0;
}

static void unknown_kind(struct session *s, const char *kind)
{
	struct buf known;
	buf_init(&known);
	for (const struct view *const *all = views_all(); *all; all++)
		buf_printf(&known, "%s%s", known.len ? ", " : "", (*all)->kind);
	for (size_t i = 0; i < s->neps; i++) {
		const struct endpoint_catalog *c = endpoint_catalog(s->eps[i]);
		for (const struct view *const *v = c ? c->views : NULL; v && *v; v++)
			if (!strstr(known.data, (*v)->kind))
				buf_printf(&known, ", %s", (*v)->kind);
	}
	fprintf(stderr, "binnacle: unknown kind \"%s\" (known: %s)\n", kind, known.data);
	buf_cleanup(&known);
}

/* Two views print as one table when their columns are the same. */
static bool same_columns(const struct view *a, const struct view *b)
{
	if (a == b)
		return true;
	if (a->ncolumns != b->ncolumns)
		return false;
	for (int c = 0; c < a->ncolumns; c++)
		if (strcmp(a->columns[c].title, b->columns[c].title) || a->columns[c].cell != b->columns[c].cell)
			return false;
	return true;
}

static void print(const struct target *tg, struct session *s, struct model *models, const char *out)
{
	const char **labels = xcalloc(s->neps, sizeof(*labels));
	size_t used = 0, rows = 0;
	for (size_t i = 0; i < s->neps; i++) {
		labels[i] = s->eps[i]->name;
		used += asked(tg, i);
		rows += models[i].len;
	}
	bool json = !strcmp(out, "json"), first = true, printed = false;
	if (json)
		fputs("[", stdout);
	else if (!rows) /* as kubectl says it: no header, stdout stays empty for scripts */
		fputs("No resources found\n", stderr);
	/* endpoints with the same columns share a table; others get their own */
	bool *done = xcalloc(s->neps, sizeof(*done));
	for (size_t i = 0; i < s->neps && (json || rows); i++) {
		if (!asked(tg, i) || done[i])
			continue;
		struct model *group = xcalloc(s->neps, sizeof(*group));
		const char **glabels = xcalloc(s->neps, sizeof(*glabels));
		size_t n = 0;
		for (size_t j = i; j < s->neps; j++)
			if (asked(tg, j) && !done[j] && same_columns(tg->v[i], tg->v[j])) {
				done[j] = true;
				group[n] = models[j];
				glabels[n++] = labels[j];
			}
		struct printrows pr = {.view = tg->v[i], .models = group, .labels = glabels, .n = n, .show_labels = used > 1};
		/* as kubectl: narrowed to one namespace, its column says nothing */
		bool narrowed = tg->v[i]->scope_cell > 0;
		for (size_t j = i; j < s->neps && narrowed; j++) {
			const struct backend_scope *sc = s->eps[j]->ops->scope;
			if (asked(tg, j) && same_columns(tg->v[i], tg->v[j]) && (!sc || !sc->get(s->eps[j])))
				narrowed = false;
		}
		pr.hide_cell = narrowed ? tg->v[i]->scope_cell : 0;
		if (json) {
			printrows_json_items(stdout, &pr, &first);
		} else {
			if (printed)
				fputs("\n", stdout);
			printrows_table(stdout, &pr, !strcmp(out, "wide"));
			printed = true;
		}
		free(group);
		free(glabels);
	}
	if (json)
		fputs(first ? "]\n" : "\n]\n", stdout);
	free(done);
	free(labels);
}

int getcmd_run(struct session *s, const struct get_opts *o)
{
	const char *out = o->output ? o->output : "table";
	if (strcmp(out, "table") && strcmp(out, "wide") && strcmp(out, "json")) {
		fprintf(stderr, "binnacle: unknown output format \"%s\" (use table, wide or json)\n", out);
		return 1;
	}
	int64_t deadline = mono_ms() + (o->timeout_ms > 0 ? o->timeout_ms : 15000);
	struct target tg = {xcalloc(s->neps, sizeof(*tg.v)), s->neps};
	/* a kind some backend declares, else one the endpoints find when asked */
	const struct view *declared = views_find(o->kind);
	if (!declared && !find_at_run_time(s, o->kind, deadline)) {
		unknown_kind(s, o->kind);
		free(tg.v);
		return 1;
	}
	size_t served = 0;
	for (size_t i = 0; i < s->neps; i++) {
		struct endpoint *ep = s->eps[i];
		const struct view *v = declared && endpoint_serves(ep, declared->kind) ? endpoint_view(ep, declared->kind)
				     : declared					  ? NULL
										  : views_find_on(ep, o->kind);
		tg.v[i] = ep->on_demand ? NULL : v;
		if (tg.v[i]) {
			const struct backend_scope *sc = ep->ops->scope;
			char err[ERRLEN];
			if (o->scope && !sc) {
				fprintf(stderr, "binnacle: %s cannot be narrowed to \"%s\"\n", ep->name, o->scope);
				free(tg.v);
				return 1;
			}
			if (o->scope && sc->set(ep, o->scope, err, sizeof(err)) < 0) {
				fprintf(stderr, "binnacle: %s: %s\n", ep->name, err);
				free(tg.v);
				return 1;
			}
			ep->ops->watch(ep, tg.v[i]->kind);
			/* --filter '-l app=web': the server selects */
			char *sel = filter_selector(o->filter);
			if (sel && ep->ops->select)
				ep->ops->select(ep, tg.v[i]->kind, sel);
			free(sel);
			served++;
		}
	}
	if (!served) {
		if (declared)
			fprintf(stderr, "binnacle: no configured endpoint serves %s\n", declared->kind);
		else
			unknown_kind(s, o->kind);
		free(tg.v);
		return 1;
	}
	bool failed = false;
	wait_lists(s, &tg, deadline, &failed);
	/* a dead endpoint is named on stderr; the others' rows still print */
	size_t dead = 0;
	bool *whole = xcalloc(s->neps + 1, sizeof(*whole));
	for (size_t i = 0; i < s->neps; i++) {
		struct endpoint *ep = s->eps[i];
		if (!asked(&tg, i))
			continue;
		struct rtable *t = store_find_table(ep->store, tg.v[i]->kind);
		if (ep->error[0] || (t && t->error[0])) {
			report(ep, ep->error[0] ? ep->error : t->error);
			dead++;
		} else if (!t || !t->synced) {
			fprintf(stderr, "binnacle: %s: no answer in time\n", ep->name);
			dead++;
		} else {
			whole[i] = true;
		}
	}
	if (dead == served) {
		free(whole);
		free(tg.v);
		return 1;
	}
	int rc = dead ? 3 : 0;
	wait_extras(s, &tg, deadline);
	/* a list that was whole and then failed on what only the rows' figures
	 * need (a registry's tag counts): its rows print, and why is said */
	for (size_t i = 0; i < s->neps; i++) {
		struct endpoint *ep = s->eps[i];
		struct rtable *t = whole[i] ? store_find_table(ep->store, tg.v[i]->kind) : NULL;
		if (t && (ep->error[0] || t->error[0])) {
			report(ep, ep->error[0] ? ep->error : t->error);
			rc = 3;
		}
	}
	struct filter f;
	filter_init(&f, o->filter);
	struct model *models = xcalloc(s->neps, sizeof(*models));
	for (size_t i = 0; i < s->neps; i++) {
		model_init(&models[i], tg.v[i]);
		if (!asked(&tg, i))
			continue;
		struct endpoint *ep = s->eps[i];
		struct rtable *t = store_find_table(ep->store, tg.v[i]->kind);
		/* only what answered: a dead endpoint's half list is not printed as if whole */
		if (!whole[i] || !t)
			continue;
		struct model_params p = {.scope_cell = -1, .scope_ns_cell = -1, .filter = &f,
					 .sort_col = tg.v[i]->sort_col, .sort_desc = tg.v[i]->sort_desc};
		model_build(&models[i], t, &p);
	}
	print(&tg, s, models, out);
	for (size_t i = 0; i < s->neps; i++)
		model_cleanup(&models[i]);
	free(models);
	filter_cleanup(&f);
	free(whole);
	free(tg.v);
	return rc;
}
