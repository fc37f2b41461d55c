/* acrossview.c: the gathered rows' screen (see acrossview.h). */
#include "tui/acrossview.h"
#include "backends/model/kinds.h"
#include "tui/keymap.h"
#include "tui/sanitize.h"
#include "views/kinds/shared.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct acrossview *acrossview_where_runs(struct session *s, const struct view *v, const struct row *r)
{
	struct acrossview *av = xcalloc(1, sizeof(*av));
	image_wanted_init(&av->wanted, v, r);
	across_init(&av->across, s, &view_containers, image_wanted_match, &av->wanted);
	model_init(&av->model, &av->across.view);
	const char *ref = row_text(r, v->image->ref);
	snprintf(av->title, sizeof(av->title), "where %s runs", *ref ? ref : row_text(r, 0));
	if (av->wanted.ndigests)
		snprintf(av->how, sizeof(av->how), "by digest%s", av->wanted.ref[0] ? ", else by reference" : "");
	else
		snprintf(av->how, sizeof(av->how), "by reference (no digest known)");
	return av;
}

void acrossview_free(struct acrossview *av)
{
	if (!av)
		return;
	model_cleanup(&av->model);
	across_cleanup(&av->across);
	image_wanted_cleanup(&av->wanted);
	free(av->selected_id);
	free(av);
}

static void rebuild(struct acrossview *av)
{
	model_build(&av->model, across_table(&av->across), NULL);
	long idx = av->selected_id ? model_find(&av->model, av->selected_id) : -1;
	if (idx < 0)
		idx = av->selected < (long)av->model.len ? av->selected : (long)av->model.len - 1;
	av->selected = idx < 0 ? 0 : idx;
	free(av->selected_id);
	av->selected_id = av->model.len ? xstrdup(av->model.rows[av->selected]->id) : NULL;
}

bool acrossview_tick(struct acrossview *av, bool force)
{
	if (!force && av->refreshed_ms && mono_ms() - av->refreshed_ms < ACROSSVIEW_REFRESH_MS)
		return false;
	av->refreshed_ms = mono_ms();
	bool changed = across_refresh(&av->across);
	rebuild(av);
	return changed || force;
}

int acrossview_next_ms(const struct acrossview *av)
{
	int64_t left = av->refreshed_ms + ACROSSVIEW_REFRESH_MS - mono_ms();
	return left < 0 ? 0 : (int)left;
}

void acrossview_draw(WINDOW *w, struct acrossview *av, bool wide)
{
	int rows = getmaxy(w), cols = getmaxx(w);
	werase(w);
	char line[800];
	snprintf(line, sizeof(line), " %s: %zu container%s, %s", av->title, av->model.len, av->model.len == 1 ? "" : "s",
		 av->how);
	char *safe = sanitize_display(line, strlen(line));
	wmove(w, 0, 0);
	screen_put(w, safe, cols, av->model.len ? ST_OK : ST_DIM);
	free(safe);
	WINDOW *body = rows > 2 ? derwin(w, rows - 1, cols, 1, 0) : NULL;
	if (body) {
		int visible = rows - 2;
		if (av->selected < av->top)
			av->top = av->selected;
		if (visible > 0 && av->selected >= av->top + visible)
			av->top = av->selected - visible + 1;
		table_layout(&av->across.view, &av->model, cols, wide, &av->layout);
		const char *empty = across_settled(&av->across)
					    ? "no container on any open endpoint runs it"
					    : "looking at every endpoint's containers…";
		struct table_draw_params p = {av->top, av->selected, 0, false, empty};
		table_draw(body, &av->across.view, &av->model, &av->layout, &p);
		delwin(body);
	}
	wnoutrefresh(w);
}

static void select_at(struct acrossview *av, long idx)
{
	long n = (long)av->model.len;
	if (idx >= n)
		idx = n - 1;
	if (idx < 0)
		idx = 0;
	av->selected = idx;
	free(av->selected_id);
	av->selected_id = n ? xstrdup(av->model.rows[idx]->id) : NULL;
}

enum acrossview_result acrossview_key(struct acrossview *av, int key, int page)
{
	switch (keymap_lookup(key)) {
	case ACT_UP:
		select_at(av, av->selected - 1);
		break;
	case ACT_DOWN:
		select_at(av, av->selected + 1);
		break;
	case ACT_PAGE_UP:
		select_at(av, av->selected - page);
		break;
	case ACT_PAGE_DOWN:
		select_at(av, av->selected + page);
		break;
	case ACT_TOP:
		select_at(av, 0);
		break;
	case ACT_BOTTOM:
		select_at(av, (long)av->model.len - 1);
		break;
	case ACT_ENTER:
		return acrossview_selected(av) ? AV_GO : AV_STAY;
	case ACT_BACK:
		return AV_CLOSE;
	default:
		break;
	}
	return AV_STAY;
}

const struct row *acrossview_selected(const struct acrossview *av)
{
	if (av->selected < 0 || (size_t)av->selected >= av->model.len)
		return NULL;
	return av->model.rows[av->selected];
}

void acrossview_summary(const struct acrossview *av, char *out, size_t outlen)
{
	size_t eps = 0;
	for (size_t i = 0; i < av->model.len; i++) {
		bool seen = false;
		const char *e = row_text(av->model.rows[i], av->across.base->ncells);
		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(row_text(av->model.rows[j], av->across.base->ncells), e);
		eps += !seen;
	}
	snprintf(out, outlen, "%zu container%s on %zu endpoint%s", av->model.len, av->model.len == 1 ? "" : "s", eps,
		 eps == 1 ? "" : "s");
}
