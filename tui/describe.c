/* describe.c: the selected object in the text viewer, three ways: `d` as
 * the backend describes it for a person (like `kubectl describe`: state,
 * conditions, events), `y` as YAML, and in that viewer `y` again as JSON.
 * A backend without a human description shows its YAML for `d`. */
#include "tui/ops.h"
#include "backends/codec/jsonyaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the viewer shows, to switch it between YAML and JSON. */
static struct {
	struct textview *tv; /* the viewer it fills; another viewer means it is gone */
	struct endpoint *ep;
	char kind[64], id[512], name[256];
	enum describe_mode mode;
} shown;

struct describe_req {
	struct app *a;
	struct textview *tv;
	enum describe_mode mode;
};

static void on_text(void *arg, const char *text, const char *error)
{
	struct describe_req *r = arg;
	struct app *a = r->a;
	char err[ERRLEN];
	char *yaml = NULL;
	if (a->text == r->tv && !error && r->mode == DESCRIBE_YAML &&
	    !(yaml = jsonyaml_convert(text, strlen(text), err, sizeof(err))))
		error = err;
	describe_arrived(a, r->tv, yaml ? yaml : text, error, "describe failed: ");
	free(yaml);
	free(r);
}

void describe_arrived(struct app *a, const struct textview *tv, const char *text, const char *error,
		      const char *failed)
{
	if (a->text != tv)
		return;
	if (error) {
		textview_set_text(a->text, "");
		textview_set_loading(a->text, error);
		app_flash(a, NOTE_ERROR, "%s%s", failed, error);
	} else {
		textview_set_text(a->text, text);
	}
	a->dirty = true;
}

static void fetch(struct app *a, enum describe_mode mode)
{
	char title[400];
	static const char *const how[] = {"describe", "yaml", "json"};
	snprintf(title, sizeof(title), "%s %s %s", how[mode], shown.kind, shown.name);
	app_open_text(a, title);
	textview_set_loading(a->text, "loading…");
	shown.tv = a->text;
	shown.mode = mode;
	struct describe_req *req = xcalloc(1, sizeof(*req));
	req->a = a;
	req->tv = a->text;
	req->mode = mode;
	if (mode == DESCRIBE_TEXT)
		shown.ep->ops->describe(shown.ep, shown.kind, shown.id, on_text, req);
	else
		shown.ep->ops->inspect(shown.ep, shown.kind, shown.id, on_text, req);
}

void describe_open(struct app *a, enum describe_mode mode)
{
	const struct row *r = ops_selected(a);
	if (!r)
		return;
	if (mode == DESCRIBE_TEXT && !a->ep->ops->describe)
		mode = DESCRIBE_YAML;
	if (mode != DESCRIBE_TEXT && !a->ep->ops->inspect)
		return;
	shown.ep = a->ep;
	snprintf(shown.kind, sizeof(shown.kind), "%s", app_frame(a)->view->kind);
	snprintf(shown.id, sizeof(shown.id), "%s", r->id);
	snprintf(shown.name, sizeof(shown.name), "%s", row_text(r, 0));
	fetch(a, mode);
}

bool describe_toggle(struct app *a)
{
	if (!a->text || a->text != shown.tv || shown.mode == DESCRIBE_TEXT || !shown.ep->ops->inspect)
		return false;
	enum app_mode back = a->text_return;
	fetch(a, shown.mode == DESCRIBE_YAML ? DESCRIBE_JSON : DESCRIBE_YAML);
	a->text_return = back;
	return true;
}

void describe_forget(struct app *a)
{
	(void)a;
	shown.tv = NULL;
}
