/* pickers.c: tables to pick from, as k9s has them: `:ctx` alone lists the
 * endpoints (kube contexts, engines) and Ctrl-A the views with their
 * aliases; `/` filters them like any table and Enter goes there. Their rows
 * live in a table of the current endpoint's store that no backend fills. */
#include "tui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PK_NAME, PK_WHAT, PK_STATE, PK_WHERE, PK_EXTRA, PK_NCELLS };

static const struct column endpoint_columns[] = {
	{.title = "NAME", .cell = PK_NAME, .min = 4, .ident = true},
	{.title = "BACKEND", .cell = PK_WHAT, .min = 7, .max = 16, .priority = 2},
	{.title = "STATE", .cell = PK_STATE, .min = 8, .max = 60, .flex = true},
	{.title = "ADDRESS", .cell = PK_WHERE, .min = 10, .max = 60, .priority = 1, .flex = true},
	{.title = "ENGINE", .cell = PK_EXTRA, .min = 6, .max = 40, .priority = 3, .flex = true},
};

static const struct column alias_columns[] = {
	{.title = "VIEW", .cell = PK_NAME, .min = 4, .ident = true},
	{.title = "COMMAND", .cell = PK_WHAT, .min = 7, .max = 24},
	{.title = "ALIASES", .cell = PK_STATE, .min = 7, .max = 60, .flex = true},
	{.title = "HERE", .cell = PK_WHERE, .min = 4, .max = 12, .priority = 1},
};

static const char *const no_aliases[] = {NULL};

static const struct view endpoints_view = {
	.kind = "ui:pick-endpoint",
	.title = "Endpoints",
	.aliases = no_aliases,
	.columns = endpoint_columns,
	.ncolumns = sizeof(endpoint_columns) / sizeof(endpoint_columns[0]),
	.ncells = PK_NCELLS,
	.scope_cell = -1,
};

static const struct view aliases_view = {
	.kind = "ui:pick-view",
	.title = "Views",
	.aliases = no_aliases,
	.columns = alias_columns,
	.ncolumns = sizeof(alias_columns) / sizeof(alias_columns[0]),
	.ncells = PK_NCELLS,
	.scope_cell = -1,
};

static struct rtable *fresh_table(struct app *a, const struct view *v)
{
	struct rtable *t = store_table(a->ep->store, v->kind, PK_NCELLS);
	rtable_relist_begin(t);
	return t;
}

static void done_table(struct app *a, struct rtable *t)
{
	rtable_relist_end(a->ep->store, t);
	rtable_purge(a->ep->store, t, 0);
}

static void set(struct app *a, struct rtable *t, struct row *r, int cell, const char *text)
{
	row_set_text_or_clear(a->ep->store, t, r, cell, text);
}

void pickers_endpoints(struct app *a)
{
	struct rtable *t = fresh_table(a, &endpoints_view);
	for (size_t i = 0; i < a->session->neps; i++) {
		struct endpoint *ep = a->session->eps[i];
		struct row *r = rtable_upsert(a->ep->store, t, ep->name);
		char state[ERRLEN + 32];
		if (ep->state == EP_READY)
			snprintf(state, sizeof(state), "%s", ep == a->ep ? "live (current)" : "live");
		else if (ep->error[0])
			snprintf(state, sizeof(state), "%s: %s", ep->state == EP_STALE ? "stale" : "offline", ep->error);
		else if (ep->on_demand)
			snprintf(state, sizeof(state), "connects when chosen");
		else
			snprintf(state, sizeof(state), "connecting");
		set(a, t, r, PK_NAME, ep->name);
		set(a, t, r, PK_WHAT, ep->ops->name);
		set(a, t, r, PK_STATE, state);
		set(a, t, r, PK_WHERE, ep->address);
		set(a, t, r, PK_EXTRA, ep->product);
	}
	done_table(a, t);
	navigate_leaving(a);
	app_switch_view(a, &endpoints_view);
	free(app_frame(a)->selected_id);
	app_frame(a)->selected_id = xstrdup(a->ep->name);
	app_flash(a, NOTE_INFO, "the endpoints: / filters, Enter switches to the selected one");
}

void pickers_aliases(struct app *a)
{
	struct rtable *t = fresh_table(a, &aliases_view);
	for (const struct view *const *v = views_all(); *v; v++) {
		struct row *r = rtable_upsert(a->ep->store, t, (*v)->kind);
		struct buf all;
		buf_init(&all);
		for (size_t j = 0; (*v)->aliases && (*v)->aliases[j]; j++)
			buf_printf(&all, "%s:%s", j ? " " : "", (*v)->aliases[j]);
		char cmd[64];
		snprintf(cmd, sizeof(cmd), ":%s", (*v)->aliases && (*v)->aliases[0] ? (*v)->aliases[0] : (*v)->kind);
		set(a, t, r, PK_NAME, (*v)->title);
		set(a, t, r, PK_WHAT, cmd);
		set(a, t, r, PK_STATE, all.data ? all.data : "");
		set(a, t, r, PK_WHERE, endpoint_serves(a->ep, (*v)->kind) ? "yes" : "no");
		buf_cleanup(&all);
	}
	done_table(a, t);
	navigate_leaving(a);
	app_switch_view(a, &aliases_view);
	app_flash(a, NOTE_INFO, "every view: / filters, Enter opens the selected one");
}

bool pickers_key(struct app *a, enum action act)
{
	const struct view *v = app_frame(a)->view;
	if ((v != &endpoints_view && v != &aliases_view) || act != ACT_ENTER)
		return false;
	struct frame *f = app_frame(a);
	if (!a->model.len || f->selected < 0 || (size_t)f->selected >= a->model.len)
		return true;
	const struct row *r = a->model.rows[f->selected];
	char id[256];
	snprintf(id, sizeof(id), "%s", r->id);
	if (v == &endpoints_view) {
		struct endpoint *ep = session_find(a->session, id);
		if (ep)
			app_set_endpoint(a, ep);
	} else {
		const struct view *to = views_find_for(a->ep->ops, id);
		if (!to)
			to = views_find(id);
		if (to)
			app_switch_view(a, to);
	}
	return true;
}
