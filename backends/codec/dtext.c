/* dtext.c: text for a person (see dtext.h). */
#include "backends/codec/dtext.h"
#include "backends/codec/jsonget.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where values start, as kubectl describe puts them. */
#define VALUE_COLUMN 18

void dtext_field(struct buf *b, int indent, const char *key, const char *fmt, ...)
{
	char value[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	int used = indent + (int)strlen(key) + 1;
	buf_printf(b, "%*s%s:", indent, "", key);
	if (value[0])
		buf_printf(b, "%*s%s", used < VALUE_COLUMN ? VALUE_COLUMN - used : 1, "", value);
	buf_putc(b, '\n');
}

void dtext_map(struct buf *b, int indent, const char *key, struct json_object *map)
{
	char *text = jsonget_map_text(map, JSONGET_ANY_AS_JSON);
	if (!text) {
		dtext_field(b, indent, key, "<none>");
		return;
	}
	/* the map text is "k=v,k=v" sorted: one pair per line under the first */
	bool first = true;
	int pad = indent + (int)strlen(key) + 1;
	pad = pad < VALUE_COLUMN ? VALUE_COLUMN : pad + 1;
	for (char *p = text; *p;) {
		size_t n = strcspn(p, ",");
		if (first)
			dtext_field(b, indent, key, "%.*s", (int)n, p);
		else
			buf_printf(b, "%*s%.*s\n", pad, "", (int)n, p);
		first = false;
		p += n + (p[n] == ',');
	}
	free(text);
}

void dtext_pairs(struct buf *b, int indent, struct json_object *map)
{
	if (!json_object_is_type(map, json_type_object))
		return;
	json_object_object_foreach(map, k, v) {
		const char *text = json_object_is_type(v, json_type_string) ? json_object_get_string(v)
										: json_object_to_json_string(v);
		dtext_field(b, indent, k, "%s", text ? text : "");
	}
}

void dtext_age(int64_t s, char *out, size_t outlen)
{
	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(out, outlen, "%llds", (long long)s);
	else if (s < 7200)
		snprintf(out, outlen, "%lldm", (long long)(s / 60));
	else if (s < 172800)
		snprintf(out, outlen, "%lldh", (long long)(s / 3600));
	else
		snprintf(out, outlen, "%lldd", (long long)(s / 86400));
}

void dtable_init(struct dtable *t, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
}

void dtable_row(struct dtable *t, const char *const *cells)
{
	t->cells = xrealloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(*t->cells));
	for (size_t i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] = xstrdup(cells[i] ? cells[i] : "");
	t->nrows++;
}

void dtable_write(struct buf *b, int indent, struct dtable *t)
{
	size_t *w = xcalloc(t->ncols, sizeof(*w));
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t n = strlen(t->cells[r * t->ncols + c]);
			w[c] = n > w[c] ? n : w[c];
		}
	for (size_t r = 0; r < t->nrows; r++) {
		for (int pass = 0; pass < (r == 0 ? 2 : 1); pass++) {
			buf_printf(b, "%*s", indent, "");
			for (size_t c = 0; c < t->ncols; c++) {
				const char *cell = t->cells[r * t->ncols + c];
				bool last = c + 1 == t->ncols;
				if (pass == 0 && last) {
					buf_puts(b, cell);
				} else if (pass == 0) {
					buf_printf(b, "%-*s  ", (int)w[c], cell);
				} else {
					/* dashes under the header, as long as its words */
					size_t n = strlen(cell);
					for (size_t k = 0; k < n; k++)
						buf_putc(b, '-');
					if (!last)
						buf_printf(b, "%*s", (int)(w[c] - n + 2), "");
				}
			}
			buf_putc(b, '\n');
		}
	}
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(w);
	t->cells = NULL;
	t->nrows = 0;
}
