/* healthkeys.c: the health screen inside the dashboard (see app.h): opening
 * it, its keys, and Enter on a problem, which goes to the problem's object
 * in its own view. */
#include "tui/app.h"
#include "tui/charset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void app_show_health(struct app *a, bool home)
{
	if (!a->health)
		a->health = healthview_new(a->session, charset_ascii());
	a->health_home = a->health_home || home;
	healthview_tick(a->health, true);
	a->mode = MODE_HEALTH;
	a->dirty = true;
}

/* Enter on a problem: its endpoint, the view of its kind, narrowed to it and
 * with it selected; Esc from there comes back here. */
static void go_to_problem(struct app *a, const struct row *p)
{
	struct endpoint *ep = health_problem_endpoint(&a->health->health, p);
	if (!ep) {
		app_flash(a, NOTE_WARN, "that endpoint is no longer open");
		return;
	}
	char kind[64], id[512], name[256], scope[256];
	snprintf(kind, sizeof(kind), "%s", row_text(p, HP_KIND));
	snprintf(id, sizeof(id), "%s", row_text(p, HP_ID));
	snprintf(name, sizeof(name), "%s", row_text(p, HP_NAME));
	snprintf(scope, sizeof(scope), "%s", row_text(p, HP_SCOPE));
	a->health_home = true;
	a->mode = MODE_TABLE;
	if (a->ep != ep)
		app_set_endpoint(a, ep);
	const struct view *v = endpoint_view(ep, kind);
	if (!v) {
		/* the endpoint itself: its own first view */
		app_switch_view(a, app_default_view(ep));
		return;
	}
	const struct backend_scope *sc = ep->ops->scope;
	const char *now = sc ? sc->get(ep) : NULL;
	char err[ERRLEN];
	if (sc && *scope && now && strcmp(now, scope) && sc->set(ep, scope, err, sizeof(err)) < 0)
		app_flash(a, NOTE_WARN, "%s", err);
	app_switch_view(a, v);
	struct frame *f = app_frame(a);
	char *pattern = xasprintf("^%s$", *name ? name : id);
	filter_cleanup(&f->filter);
	filter_init(&f->filter, pattern);
	free(pattern);
	free(f->selected_id);
	f->selected_id = xstrdup(id);
	app_invalidate(a);
}

bool app_health_key(struct app *a, int key)
{
	enum action act = keymap_lookup(key);
	if (act == ACT_FILTER) {
		/* narrows the problems, as / narrows a table */
		free(a->filter_before);
		a->filter_before = xstrdup(a->health->filter.text ? a->health->filter.text : "");
		prompt_begin(&a->filt, '/', a->filter_before);
		a->filter_health = true;
		a->mode = MODE_FILTER;
		return true;
	}
	if (act == ACT_BACK && filter_active(&a->health->filter)) {
		filter_cleanup(&a->health->filter);
		filter_init(&a->health->filter, NULL);
		healthview_tick(a->health, true);
		app_invalidate(a);
		return true;
	}
	if (act == ACT_QUIT || act == ACT_COMMAND || act == ACT_HELP || act == ACT_NEXT_ENDPOINT ||
	    act == ACT_RETRY)
		return false; /* as in the tables */
	switch (healthview_key(a->health, key, app_body_rows(a) / 2)) {
	case HV_GO:
		go_to_problem(a, healthview_selected(a->health));
		break;
	case HV_CLOSE:
		if (a->health_home)
			app_flash(a, NOTE_INFO, "the health screen: Enter goes to a problem, : opens any view");
		else
			a->mode = MODE_TABLE;
		break;
	case HV_STAY:
		break;
	}
	app_invalidate(a);
	return true;
}
