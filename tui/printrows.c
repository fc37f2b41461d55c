/* printrows.c: rows printed for scripts (see printrows.h). */
#include "tui/printrows.h"
#include "tui/sanitize.h"
#include "backends/util/util.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static bool column_shown(const struct view *v, int col, bool wide, const struct model *models, size_t nm, int hide)
{
	if ((v->columns[col].wide && !wide) || (hide > 0 && v->columns[col].cell == hide))
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

void printrows_table(FILE *f, const struct printrows *p, bool wide)
{
	const struct view *v = p->view;
	const struct model *models = p->models;
	int64_t now = wall_s();
	bool show_ep = p->show_labels && p->labels;
	int widths[64] = {0}, epw = 8;
	bool shown[64];
	for (int c = 0; c < v->ncolumns; c++) {
		shown[c] = column_shown(v, c, wide, models, p->n, p->hide_cell);
		widths[c] = sanitize_width(v->columns[c].title);
	}
	for (size_t m = 0; m < p->n; m++) {
		int w = show_ep ? sanitize_width(p->labels[m]) : 0;
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
	buf_puts(&line, ""); /* a line with no column left must still print, not pass NULL */
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
	fprintf(f, "%s\n", line.data);
	for (size_t m = 0; m < p->n; m++)
		for (size_t i = 0; i < models[m].len; i++) {
			buf_reset(&line);
			if (show_ep) {
				char *name = sanitize_display(p->labels[m], strlen(p->labels[m]));
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
			fprintf(f, "%s\n", line.data);
		}
	buf_cleanup(&line);
}

/* "k=v,k2=v2" as {"k": "v", "k2": "v2"}; a pair without '=' has "" as its value. */
static json_object *labels_object(const char *text)
{
	json_object *o = json_object_new_object();
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, ",");
		const char *eq = memchr(p, '=', n);
		char *k = xstrndup(p, eq ? (size_t)(eq - p) : n);
		char *val = eq ? xstrndup(eq + 1, n - (size_t)(eq - p) - 1) : xstrdup("");
		if (*k)
			json_object_object_add(o, k, json_object_new_string(val));
		free(k);
		free(val);
		p += n + (p[n] == ',');
	}
	return o;
}

void printrows_json_items(FILE *f, const struct printrows *p, bool *first_out)
{
	const struct view *v = p->view;
	const struct model *models = p->models;
	int64_t now = wall_s();
	/* one object at a time: 50,000 rows must not become one tree in memory */
	bool first = *first_out;
	for (size_t m = 0; m < p->n; m++)
		for (size_t i = 0; i < models[m].len; i++) {
			const struct row *r = models[m].rows[i];
			json_object *o = json_object_new_object();
			if (p->labels)
				json_object_object_add(o, "endpoint", json_object_new_string(p->labels[m]));
			json_object_object_add(o, "key", json_object_new_string(r->id));
			for (int c = 0; c < v->ncolumns; c++) {
				char text[1024];
				const struct cell *cell = &r->cells[v->columns[c].cell];
				model_cell_text(cell, now, text, sizeof(text));
				/* JSON keys are the titles in lower case, with '_' for spaces */
				char key[64];
				size_t k = 0;
				for (const char *t = v->columns[c].title; *t && k < sizeof(key) - 1; t++)
					key[k++] = *t == ' ' || *t == ':' ? '_' : (char)(*t >= 'A' && *t <= 'Z' ? *t + 32 : *t);
				key[k] = '\0';
				if (v->columns[c].labels)
					json_object_object_add(o, key, labels_object(text));
				else
					json_object_object_add(o, key, json_object_new_string(text));
				if (cell->type == CELL_BYTES || cell->type == CELL_INT || cell->type == CELL_PERMILLE ||
				    cell->type == CELL_TIME) {
					char nkey[80];
					snprintf(nkey, sizeof(nkey), "%s_%s", key, cell->type == CELL_TIME ? "unix" : "value");
					json_object_object_add(o, nkey, json_object_new_int64(cell->num));
				}
			}
			/* json-c escapes control characters, so the output is safe as it is */
			fprintf(f, "%s\n  %s", first ? "" : ",",
			       json_object_to_json_string_ext(o, JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
			first = false;
			json_object_put(o);
		}
	*first_out = first;
}

void printrows_json(FILE *f, const struct printrows *p)
{
	bool first = true;
	fputs("[", f);
	printrows_json_items(f, p, &first);
	fputs(first ? "]\n" : "\n]\n", f);
}

