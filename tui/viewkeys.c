/* viewkeys.c: the keys of the screens over the table: the text viewer
 * (describe, YAML, help: search, wrap, y for JSON, c to copy, ? for its
 * keys), the log viewer and the pull panel. */
#include "tui/ops.h"

#include <stdlib.h>

void viewkeys_text(struct app *a, int key)
{
	enum action act = keymap_lookup_in(key, KC_VIEWER), in_table = keymap_lookup(key);
	if (act == ACT_FILTER) {
		prompt_begin(&a->search, '/', a->text->search ? a->text->search : "");
		a->mode = MODE_TEXT_SEARCH;
	} else if (act == ACT_WRAP) {
		a->text->wrap = !a->text->wrap;
	} else if (act == ACT_HELP) {
		app_viewer_help(a);
	} else if (in_table == ACT_YAML && describe_toggle(a)) {
		/* YAML <-> JSON */
	} else if (in_table == ACT_COPY) {
		copy_text(a, a->text);
	} else {
		enum textview_result r = textview_key(a->text, key, app_body_rows(a));
		if (r == TV_CLOSE) {
			textview_free(a->text);
			a->text = NULL;
			describe_forget(a);
			a->mode = a->text_return;
			app_invalidate(a);
		} else if (r == TV_UNHANDLED) {
			navigate_unknown_key(a, key);
		}
	}
	a->dirty = true;
}

void viewkeys_logs(struct app *a, int key)
{
	enum action act = keymap_lookup_in(key, KC_VIEWER);
	if (act == ACT_FILTER) {
		prompt_begin(&a->search, '/', a->logs->search ? a->logs->search : "");
		a->mode = MODE_LOGS_SEARCH;
	} else if (act == ACT_SAVE) {
		ops_key(a, act);
	} else if (act == ACT_HELP) {
		app_viewer_help(a);
	} else if (logview_key(a->logs, key, app_body_rows(a) - 1) == LV_CLOSE) {
		logview_close(a->logs);
		a->logs = NULL;
		a->mode = MODE_TABLE;
		app_invalidate(a);
	}
}

void viewkeys_pull(struct app *a, int key)
{
	enum action act = keymap_lookup(key);
	if (act == ACT_HELP) {
		app_viewer_help(a);
		return;
	}
	if (act == ACT_BACK || act == ACT_QUIT || act == ACT_ENTER) {
		a->mode = MODE_TABLE;
		if (a->pull && a->pull->done) {
			pullview_free(a->pull);
			a->pull = NULL;
		}
		app_invalidate(a);
	}
}
