/* getcmd.c: `binnacle get` (see getcmd.h). It lists the kind on every
 * endpoint that serves it, waits for the lists (and one round of per-row
 * figures such as CPU), then prints. Server text is sanitised as on screen. */
#include "tui/getcmd.h"
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

static bool column_shown(const struct view *v, int col, bool wide, struct model *models, size_t nm)
{
	if (v->columns[col].wide && !wide)
		return false;
	/* a column no row has data for (CPU of stopped containers) is left out */
	for (size_t m = 0; m < nm; m++)
		for (size_t i = 0; i < models[m].len; i++)
			if (models[m].rows[i]->cells[v->columns[col].cell].type != CELL_NONE)
				return true;
	return false;
}

static char *cell_display(const struct row *r, const struct column *c, int64_t now)
{
	char text[1024];
	model_cell_text(&r->cells[c->cell], now, text, sizeof(text));
	return sanitize_display(text, strlen(text));
}

static void print_table(struct session *s, const struct view *v, struct model *models, bool wide)
{
	int64_t now = wall_s();
	size_t used = 0;
	for (size_t m = 0; m < s->neps; m++)
		used += asked(s->eps[m], v);
	bool show_ep = used > 1;
	int widths[64] = {0}, epw = 8;
	bool shown[64];
	for (int c = 0; c < v->ncolumns; c++) {
		shown[c] = column_shown(v, c, wide, models, s->neps);
		widths[c] = sanitize_width(v->columns[c].title);
	}
	for (size_t m = 0; m < s->neps; m++) {
		int w = sanitize_width(s->eps[m]->name);
		epw = w > epw ? w : epw;
		for (size_t i = 0; i < models[m].len; i++)
			for (int c = 0; c < v->ncolumns; c++) {
				if (!shown[c])
					continue;
				char *t = cell_display(models[m].rows[i], &v->columns[c], now);
				int tw = sanitize_width(t);
				widths[c] = tw > widths[c] ? tw : widths[c];
				free(t);
			}
	}
	struct buf line;
	buf_init(&line);
	if (show_ep) {
		sanitize_pad(&line, "ENDPOINT", epw, false);
		buf_puts(&line, "   ");
	}
	for (int c = 0; c < v->ncolumns; c++)
		if (shown[c]) {
			sanitize_pad(&line, v->columns[c].title, widths[c], v->columns[c].align == ALIGN_RIGHT);
			buf_puts(&line, "   ");
		}
	while (line.len && line.data[line.len - 1] == ' ')
		line.data[--line.len] = '\0';
	puts(line.data);
	for (size_t m = 0; m < s->neps; m++)
		for (size_t i = 0; i < models[m].len; i++) {
			buf_reset(&line);
			if (show_ep) {
				char *name = sanitize_display(s->eps[m]->name, strlen(s->eps[m]->name));
				sanitize_pad(&line, name, epw, false);
				free(name);
				buf_puts(&line, "   ");
			}
			for (int c = 0; c < v->ncolumns; c++) {
				if (!shown[c])
					continue;
				char *t = cell_display(models[m].rows[i], &v->columns[c], now);
				sanitize_pad(&line, t, widths[c], v->columns[c].align == ALIGN_RIGHT);
				free(t);
				buf_puts(&line, "   ");
			}
			while (line.len && line.data[line.len - 1] == ' ')
				line.data[--line.len] = '\0';
			puts(line.data);
		}
	buf_cleanup(&line);
}

static void print_json(struct session *s, const struct view *v, struct model *models)
{
	int64_t now = wall_s();
	/* one object at a time: 50,000 rows must not become one tree in memory */
	bool first = true;
	fputs("[", stdout);
	for (size_t m = 0; m < s->neps; m++)
		for (size_t i = 0; i < models[m].len; i++) {
			const struct row *r = models[m].rows[i];
			json_object *o = json_object_new_object();
			json_object_object_add(o, "endpoint", json_object_new_string(s->eps[m]->name));
			json_object_object_add(o, "key", json_object_new_string(r->id));
			for (int c = 0; c < v->ncolumns; c++) {
				char text[1024];
				const struct cell *cell = &r->cells[v->columns[c].cell];
				model_cell_text(cell, now, text, sizeof(text));
				/* JSON keys are the titles in lower case, with '_' for spaces */
				char key[64];
				size_t k = 0;
				for (const char *p = v->columns[c].title; *p && k < sizeof(key) - 1; p++)
					key[k++] = *p == ' ' || *p == ':' ? '_' : (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
				key[k] = '\0';
				json_object_object_add(o, key, json_object_new_string(text));
				if (cell->type == CELL_BYTES || cell->type == CELL_INT || cell->type == CELL_PERMILLE ||
				    cell->type == CELL_TIME) {
					char nkey[80];
					snprintf(nkey, sizeof(nkey), "%s_%s", key, cell->type == CELL_TIME ? "unix" : "value");
					json_object_object_add(o, nkey, json_object_new_int64(cell->num));
				}
			}
			/* json-c escapes control characters, so the output is safe as it is */
			printf("%s\n  %s", first ? "" : ",",
			       json_object_to_json_string_ext(o, JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
			first = false;
			json_object_put(o);
		}
	puts(first ? "]" : "\n]");
}

int getcmd_run(struct session *s, const struct get_opts *o)
{
	const struct view *v = view_find_alias(o->kind);
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
	int rc = 0;
	for (size_t i = 0; i < s->neps; i++) {
		struct endpoint *ep = s->eps[i];
		struct rtable *t = store_find_table(ep->store, v->kind);
		if (!asked(ep, v))
			continue;
		if (ep->error[0] || (t && t->error[0])) {
			char *e = sanitize_display(ep->error[0] ? ep->error : t->error, strlen(ep->error[0] ? ep->error : t->error));
			fprintf(stderr, "binnacle: %s: %s\n", ep->name, e);
			free(e);
			rc = 1;
		} else if (!t || !t->synced) {
			fprintf(stderr, "binnacle: %s: no answer in time\n", ep->name);
			rc = 1;
		}
	}
	if (rc)
		return rc;
	wait_extras(s, v, deadline);
	struct filter f;
	filter_init(&f, o->filter);
	struct model *models = xcalloc(s->neps, sizeof(*models));
	struct model_params p = {.scope_cell = -1, .scope_ns_cell = -1, .filter = &f, .sort_col = v->sort_col, .sort_desc = v->sort_desc};
	for (size_t i = 0; i < s->neps; i++) {
		model_init(&models[i], v);
		model_build(&models[i], store_find_table(s->eps[i]->store, v->kind), &p);
	}
	if (!strcmp(out, "json"))
		print_json(s, v, models);
	else
		print_table(s, v, models, !strcmp(out, "wide"));
	for (size_t i = 0; i < s->neps; i++)
		model_cleanup(&models[i]);
	free(models);
	filter_cleanup(&f);
	return 0;
}
