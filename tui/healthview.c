/* healthview.c: the health screen (see healthview.h): two tables of the
 * health model drawn one above the other, with the selection kept on the
 * same problem across refreshes. */
#include "tui/healthview.h"
#include "tui/keymap.h"
#include "tui/sanitize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct healthview *healthview_new(struct session *s, bool ascii)
{
	struct healthview *hv = xcalloc(1, sizeof(*hv));
	health_init(&hv->health, s);
	hv->health.ascii = ascii;
	hv->health.trends = true;
	model_init(&hv->endpoints, &health_endpoints_view);
	model_init(&hv->problems, &health_problems_view);
	filter_init(&hv->filter, NULL);
	return hv;
}

void healthview_free(struct healthview *hv)
{
	if (!hv)
		return;
	model_cleanup(&hv->endpoints);
	model_cleanup(&hv->problems);
	filter_cleanup(&hv->filter);
	health_cleanup(&hv->health);
	free(hv->selected_id);
	free(hv);
}

static void rebuild(struct healthview *hv)
{
	struct store *s = hv->health.store;
	model_build(&hv->endpoints, store_find_table(s, HEALTH_ENDPOINTS), NULL);
	struct model_params p = {.scope_cell = -1, .scope_ns_cell = -1, .filter = &hv->filter,
				 .sort_col = health_problems_view.sort_col, .sort_desc = health_problems_view.sort_desc};
	model_build(&hv->problems, store_find_table(s, HEALTH_PROBLEMS), &p);
	long idx = hv->selected_id ? model_find(&hv->problems, hv->selected_id) : -1;
	if (idx < 0)
		idx = hv->selected < (long)hv->problems.len ? hv->selected : (long)hv->problems.len - 1;
	hv->selected = idx < 0 ? 0 : idx;
	free(hv->selected_id);
	hv->selected_id = hv->problems.len ? xstrdup(hv->problems.rows[hv->selected]->id) : NULL;
}

bool healthview_tick(struct healthview *hv, bool force)
{
	if (!hv->watching) {
		health_watch(&hv->health);
		hv->watching = true;
	}
	if (!force && hv->health.refreshed_ms && mono_ms() - hv->health.refreshed_ms < HEALTHVIEW_REFRESH_MS)
		return false;
	uint64_t before = hv->health.store->gen;
	health_refresh(&hv->health);
	rebuild(hv);
	return hv->health.store->gen != before || force;
}

int healthview_next_ms(const struct healthview *hv)
{
	int64_t left = hv->health.refreshed_ms + HEALTHVIEW_REFRESH_MS - mono_ms();
	return left < 0 ? 0 : (int)left;
}

void healthview_draw(WINDOW *w, struct healthview *hv)
{
	int rows = getmaxy(w), cols = getmaxx(w);
	werase(w);
	/* the endpoints take what they need, at most half the screen */
	int top_rows = (int)hv->endpoints.len + 1;
	if (top_rows > rows / 2)
		top_rows = rows / 2;
	if (top_rows < 2)
		top_rows = 2;
	int bottom_rows = rows - top_rows - 1;
	WINDOW *top = derwin(w, top_rows, cols, 0, 0);
	WINDOW *bottom = bottom_rows > 1 ? derwin(w, bottom_rows, cols, top_rows + 1, 0) : NULL;
	table_layout(&health_endpoints_view, &hv->endpoints, cols, false, &hv->lay_endpoints);
	struct table_draw_params pe = {0, -1, -1, false, "no endpoint", false};
	if (top)
		table_draw(top, &health_endpoints_view, &hv->endpoints, &hv->lay_endpoints, &pe);
	wmove(w, top_rows, 0);
	char title[96];
	size_t live = health_problem_count(&hv->health, NULL);
	snprintf(title, sizeof(title), " Problems: %zu%s%s%s", live, live ? ", worst first" : "",
		 filter_active(&hv->filter) ? "; shown: those matching /" : "", filter_active(&hv->filter) ? hv->filter.text : "");
	screen_put(w, title, cols, live ? ST_WARN : ST_OK);
	if (bottom) {
		int visible = bottom_rows - 1;
		if (hv->selected < hv->top)
			hv->top = hv->selected;
		if (visible > 0 && hv->selected >= hv->top + visible)
			hv->top = hv->selected - visible + 1;
		table_layout(&health_problems_view, &hv->problems, cols, false, &hv->lay_problems);
		struct table_draw_params pp = {hv->top, hv->selected, -1, false,
					       "nothing is wrong on any endpoint", false};
		table_draw(bottom, &health_problems_view, &hv->problems, &hv->lay_problems, &pp);
		delwin(bottom);
	}
	if (top)
		delwin(top);
	wnoutrefresh(w);
}

static void select_at(struct healthview *hv, long idx)
{
	long n = (long)hv->problems.len;
	if (idx >= n)
		idx = n - 1;
	if (idx < 0)
		idx = 0;
	hv->selected = idx;
	free(hv->selected_id);
	hv->selected_id = n ? xstrdup(hv->problems.rows[idx]->id) : NULL;
}

enum healthview_result healthview_key(struct healthview *hv, int key, int page)
{
	switch (keymap_lookup(key)) {
	case ACT_UP:
		select_at(hv, hv->selected - 1);
		break;
	case ACT_DOWN:
		select_at(hv, hv->selected + 1);
		break;
	case ACT_PAGE_UP:
		select_at(hv, hv->selected - page);
		break;
	case ACT_PAGE_DOWN:
		select_at(hv, hv->selected + page);
		break;
	case ACT_TOP:
		select_at(hv, 0);
		break;
	case ACT_BOTTOM:
		select_at(hv, (long)hv->problems.len - 1);
		break;
	case ACT_ENTER:
		return healthview_selected(hv) ? HV_GO : HV_STAY;
	case ACT_BACK:
		return HV_CLOSE;
	default:
		break;
	}
	return HV_STAY;
}

const struct row *healthview_selected(const struct healthview *hv)
{
	if (hv->selected < 0 || (size_t)hv->selected >= hv->problems.len)
		return NULL;
	return hv->problems.rows[hv->selected];
}

void healthview_summary(const struct healthview *hv, char *out, size_t outlen)
{
	bool down;
	size_t n = health_problem_count(&hv->health, &down);
	snprintf(out, outlen, "%zu endpoint%s, %zu problem%s", hv->endpoints.len, hv->endpoints.len == 1 ? "" : "s", n,
		 n == 1 ? "" : "s");
}
