/* navigate.c: the table keys a k9s user's fingers expect: Shift-N/A/S/C/M
 * sort by name, age, status, CPU and memory (again: the other way), `-`
 * back to the previous view, Space marks rows, 0-9 switch to a favourite
 * namespace (0: all of them; 1-9: the last ones used), Ctrl-A the views
 * and their aliases, Ctrl-R retries now; and a key
 * that does nothing here says so briefly instead of nothing at all. */
#include "tui/ops.h"
#include "tui/sanitize.h"
#include "tui/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- sorting by meaning ---- */

/* The view's column for what the key means, by its title; -1 when none. */
static int column_for(const struct view *v, enum action act)
{
	static const char *const age[] = {"AGE", "CREATED", "LAST SEEN", NULL};
	static const char *const status[] = {"STATUS", "STATE", "PHASE", NULL};
	static const char *const cpu[] = {"CPU", "CPU USE", "CPU%", NULL};
	static const char *const mem[] = {"MEM", "MEM USE", "MEMORY", NULL};
	const char *const *titles = act == ACT_SORT_AGE ? age : act == ACT_SORT_STATUS ? status
						  : act == ACT_SORT_CPU ? cpu : mem;
	if (act == ACT_SORT_NAME)
		return table_ident_column(v);
	for (const char *const *t = titles; *t; t++)
		for (int c = 0; c < v->ncolumns; c++)
			if (!strcasecmp(v->columns[c].title, *t))
				return c;
	return -1;
}

static void sort_by(struct app *a, enum action act)
{
	struct frame *f = app_frame(a);
	static const char *const what[] = {"name", "age", "status", "CPU", "memory"};
	int c = column_for(f->view, act);
	if (c < 0) {
		app_flash(a, NOTE_INFO, "%s has no %s column to sort by", f->view->title, what[act - ACT_SORT_NAME]);
		return;
	}
	if (f->sort_col == c) {
		f->sort_desc = !f->sort_desc;
	} else {
		f->sort_col = c;
		/* the biggest users first, as top does */
		f->sort_desc = act == ACT_SORT_CPU || act == ACT_SORT_MEM;
	}
	app_invalidate(a);
}

/* ---- the previous view ---- */

void navigate_leaving(struct app *a)
{
	if (a->depth < 1)
		return;
	a->last_view = app_frame(a)->view;
	a->last_ep = a->ep;
}

static void last_view(struct app *a)
{
	if (!a->last_view) {
		app_flash(a, NOTE_INFO, "no previous view yet");
		return;
	}
	const struct view *v = a->last_view;
	struct endpoint *ep = a->last_ep;
	if (ep && ep != a->ep) {
		app_set_endpoint(a, ep);
		if (!endpoint_serves(ep, v->kind))
			return;
	}
	app_switch_view(a, v);
}

/* ---- namespace favourites ---- */

#define FAVOURITES 9
#define MAX_ENDPOINTS 64
static struct {
	const struct endpoint *ep;
	char *values[FAVOURITES]; /* most recent first */
} favs[MAX_ENDPOINTS];

static char **favourites_of(const struct endpoint *ep)
{
	for (size_t i = 0; i < MAX_ENDPOINTS; i++)
		if (favs[i].ep == ep)
			return favs[i].values;
	for (size_t i = 0; i < MAX_ENDPOINTS; i++)
		if (!favs[i].ep) {
			favs[i].ep = ep;
			return favs[i].values;
		}
	return NULL;
}

void navigate_scope_used(struct app *a, const char *value)
{
	char **v = favourites_of(a->ep);
	if (!v || !value || !*value)
		return;
	size_t at = FAVOURITES - 1; /* not there: the oldest goes */
	bool found = false;
	for (size_t i = 0; i < FAVOURITES && !found; i++)
		if (v[i] && !strcmp(v[i], value)) {
			at = i;
			found = true;
		}
	char *keep = found ? v[at] : xstrdup(value);
	if (!found)
		free(v[at]);
	memmove(v + 1, v, at * sizeof(*v));
	v[0] = keep;
}

void navigate_favourites(struct app *a, char *out, size_t outlen)
{
	const struct backend_scope *sc = a->ep->ops->scope;
	char **v = favourites_of(a->ep);
	size_t n = 0;
	out[0] = '\0';
	if (!sc || !v)
		return;
	/* the endpoint's first namespace is a favourite from the start */
	const char *now = sc->get(a->ep);
	if (now && !v[0])
		navigate_scope_used(a, now);
	n += (size_t)snprintf(out + n, outlen > n ? outlen - n : 0, "0 all");
	for (int i = 0; i < FAVOURITES && v[i]; i++)
		n += (size_t)snprintf(out + n, outlen > n ? outlen - n : 0, "  %d %s", i + 1, v[i]);
}

static void favourite(struct app *a, int digit)
{
	const struct backend_scope *sc = a->ep->ops->scope;
	if (!sc) {
		app_flash(a, NOTE_INFO, "%s has no namespaces (or the like) to switch", a->ep->name);
		return;
	}
	char list[512];
	navigate_favourites(a, list, sizeof(list));
	char **v = favourites_of(a->ep);
	const char *value = digit == 0 ? NULL : v && v[digit - 1] ? v[digit - 1] : NULL;
	if (digit && !value) {
		app_flash(a, NOTE_INFO, "no %s favourite %d yet (%s)", sc->name, digit, list);
		return;
	}
	char err[ERRLEN], keep[256] = "";
	snprintf(keep, sizeof(keep), "%s", value ? value : "");
	if (sc->set(a->ep, value, err, sizeof(err)) < 0) {
		app_flash(a, NOTE_WARN, "%s", err);
		return;
	}
	if (keep[0])
		navigate_scope_used(a, keep);
	app_invalidate(a);
	app_flash(a, NOTE_INFO, "%s %s", sc->name, keep[0] ? keep : "all");
}

/* ---- the rest ---- */

static void mark(struct app *a)
{
	struct frame *f = app_frame(a);
	const struct row *r = ops_selected(a);
	if (!r || r->gone_ms)
		return;
	marks_toggle(&f->marks, r->id);
	app_flash(a, NOTE_INFO, "%zu marked: delete, restart, stop or scale now act on all of them (Esc unmarks)",
		  f->marks.n);
	/* like k9s: the next row is selected, so Space Space marks two */
	if (f->selected + 1 < (long)a->model.len) {
		f->selected++;
		free(f->selected_id);
		f->selected_id = xstrdup(a->model.rows[f->selected]->id);
	}
	app_invalidate(a);
}

/* The ctrl-r key: the endpoint on screen tries again now (on the health
 * screen, every endpoint that is not live). */
void app_retry(struct app *a)
{
	bool health = a->mode == MODE_HEALTH;
	size_t n = 0;
	for (size_t i = 0; i < a->session->neps; i++) {
		struct endpoint *ep = a->session->eps[i];
		if ((health ? ep->state == EP_READY && !ep->error[0] : ep != a->ep) || !ep->ops->retry)
			continue;
		ep->ops->retry(ep);
		n++;
	}
	if (!n)
		app_flash(a, NOTE_INFO, health ? "every endpoint is live: nothing to retry" : "%s has nothing to retry",
			  a->ep->name);
	else if (health)
		app_flash(a, NOTE_INFO, "retrying %zu endpoint(s) now", n);
	else
		app_flash(a, NOTE_INFO, "retrying %s now", a->ep->name);
}

bool navigate_key(struct app *a, enum action act, int key)
{
	if (key >= '0' && key <= '9' && act == ACT_NONE) {
		favourite(a, key - '0');
		return true;
	}
	switch (act) {
	case ACT_SORT_NAME:
	case ACT_SORT_AGE:
	case ACT_SORT_STATUS:
	case ACT_SORT_CPU:
	case ACT_SORT_MEM:
		sort_by(a, act);
		return true;
	case ACT_LAST_VIEW:
		last_view(a);
		return true;
	case ACT_MARK:
		mark(a);
		return true;
	case ACT_ALIASES:
		pickers_aliases(a);
		return true;
	case ACT_RETRY:
		app_retry(a);
		return true;
	default:
		return false;
	}
}

void navigate_unknown_key(struct app *a, int key)
{
	char name[32];
	keymap_name(key, name, sizeof(name));
	enum action acts[8];
	size_t n = keymap_lookup_all(key, acts, 8);
	/* a verb of another kind: say where it works instead of nothing */
	for (size_t i = 0; i < n; i++) {
		const struct action_info *info = keymap_action_info(acts[i]);
		if (info->verb) {
			app_flash(a, NOTE_INFO, "%s (%s) does nothing on %s here; ? lists the keys", name, info->name,
				  app_frame(a)->view->title);
			return;
		}
	}
	char *safe = sanitize_display(name, strlen(name));
	app_flash(a, NOTE_INFO, "%s: no such key here; ? lists the keys", safe);
	free(safe);
}
