/* copy.c: `c` copies the selected row to the clipboard (OSC 52, see
 * clipboard.h): its name, namespace/name, image (pinned to its registry
 * digest, or the digest alone, where the row knows it), id, or its YAML,
 * picked from a short list of what this row has; in a viewer, `c` copies the text
 * shown. Where `c` is a verb (cordon on a node), `:copy` does the same. */
#include "tui/clipboard.h"
#include "tui/ops.h"
#include "backends/codec/jsonyaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void copy_now(struct app *a, const char *what, const char *text)
{
	char err[ERRLEN];
	if (clipboard_copy(text, err, sizeof(err)) < 0) {
		app_flash(a, NOTE_WARN, "not copied: %s", err);
		return;
	}
	size_t n = strlen(text);
	if (n <= 60 && !strchr(text, '\n'))
		app_flash(a, NOTE_INFO, "copied %s: %s", what, text);
	else
		app_flash(a, NOTE_INFO, "copied %s (%zu bytes)", what, n);
}

/* The row's image: its image cell (views/image.h), or a column that says so. */
static const char *image_of(const struct view *v, const struct row *r)
{
	if (v->image)
		return row_text(r, v->image->ref);
	for (int c = 0; c < v->ncolumns; c++)
		if (!strcasecmp(v->columns[c].title, "IMAGE") || !strcasecmp(v->columns[c].title, "IMAGES"))
			return row_text(r, v->columns[c].cell);
	return "";
}

struct copy_req {
	struct app *a;
	char id[512];
};

static void on_yaml(void *arg, const char *json, const char *error)
{
	struct copy_req *q = arg;
	char err[ERRLEN];
	char *yaml = error ? NULL : jsonyaml_convert(json, strlen(json), err, sizeof(err));
	if (yaml)
		copy_now(q->a, "the YAML", yaml);
	else
		app_flash(q->a, NOTE_WARN, "not copied: %s", error ? error : err);
	free(yaml);
	free(q);
}

static void on_pick(void *ctx, bool accepted, const char *text)
{
	struct copy_req *q = ctx;
	struct app *a = q->a;
	app_close_dialog(a);
	const struct row *r = ops_selected(a);
	if (!accepted || !r || strcmp(r->id, q->id)) {
		free(q);
		return;
	}
	const struct view *v = app_frame(a)->view;
	char buf[1024];
	if (!strncmp(text, "namespace/name", 14)) {
		snprintf(buf, sizeof(buf), "%s/%s", row_text(r, v->scope_cell), row_text(r, 0));
		copy_now(a, "namespace/name", buf);
	} else if (!strncmp(text, "name", 4)) {
		copy_now(a, "the name", row_text(r, 0));
	} else if (!strncmp(text, "image", 5)) {
		copy_now(a, "the image", image_of(v, r));
	} else if (!strncmp(text, "id", 2)) {
		copy_now(a, "the id", r->id);
	} else if (!strncmp(text, "pinned", 6) || !strncmp(text, "digest", 6)) {
		copy_now(a, !strncmp(text, "pinned", 6) ? "the pinned reference" : "the digest", strstr(text, ": ") + 2);
	} else if (!strncmp(text, "YAML", 4)) {
		a->ep->ops->inspect(a->ep, v->kind, r->id, on_yaml, q);
		return;
	}
	free(q);
}

void copy_menu(struct app *a)
{
	const struct row *r = ops_selected(a);
	const struct view *v = app_frame(a)->view;
	if (!r) {
		app_flash(a, NOTE_INFO, "no row to copy");
		return;
	}
	struct buf choices;
	buf_init(&choices);
	buf_printf(&choices, "name: %s", row_text(r, 0));
	if (v->scope_cell >= 0 && *row_text(r, v->scope_cell))
		buf_printf(&choices, ",namespace/name: %s/%s", row_text(r, v->scope_cell), row_text(r, 0));
	const char *image = image_of(v, r);
	if (*image)
		buf_printf(&choices, ",image: %s", image);
	/* an image with a registry digest: pinned to it, or the digest alone */
	const char *ds = v->image ? row_text(r, v->image->digests) : "";
	int dlen = (int)strcspn(ds, " ");
	if (*image && dlen) {
		const char *slash = strrchr(image, '/'), *colon = strrchr(image, ':'), *at = strchr(image, '@');
		size_t repo = at ? (size_t)(at - image) : colon && (!slash || colon > slash) ? (size_t)(colon - image)
											    : strlen(image);
		buf_printf(&choices, ",pinned: %.*s@%.*s,digest: %.*s", (int)repo, image, dlen, ds, dlen, ds);
	}
	if (strcmp(r->id, row_text(r, 0)))
		buf_printf(&choices, ",id: %s", r->id);
	if (a->ep->ops->inspect)
		buf_puts(&choices, ",YAML of the whole object");
	/* commas in values would split the list: they stay out of the labels */
	struct copy_req *q = xcalloc(1, sizeof(*q));
	q->a = a;
	snprintf(q->id, sizeof(q->id), "%s", r->id);
	a->dialog_return = a->mode;
	dialog_open_pick(&a->dialog, "copy", "Copy to the clipboard (OSC 52):", choices.data, on_pick, q);
	a->mode = MODE_DIALOG;
	buf_cleanup(&choices);
}

void copy_text(struct app *a, struct textview *tv)
{
	struct buf b;
	buf_init(&b);
	for (size_t i = 0; i < tv->n; i++)
		buf_printf(&b, "%s\n", tv->lines[i]);
	copy_now(a, "the text", b.data ? b.data : "");
	buf_cleanup(&b);
}
