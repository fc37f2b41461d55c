/* pullview.c: pull progress (see pullview.h). */
#include "tui/pullview.h"
#include "tui/charset.h"
#include "tui/sanitize.h"
#include "backends/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct pullview *pullview_new(const char *endpoint, const char *ref)
{
	struct pullview *p = xcalloc(1, sizeof(*p));
	snprintf(p->ref, sizeof(p->ref), "%s", ref);
	snprintf(p->endpoint, sizeof(p->endpoint), "%s", endpoint);
	snprintf(p->status, sizeof(p->status), "asking the engine…");
	return p;
}

void pullview_free(struct pullview *p)
{
	if (!p)
		return;
	free(p->layers);
	free(p);
}

static bool layer_done(const struct pull_layer *l)
{
	return !strcasecmp(l->status, "Pull complete") || !strcasecmp(l->status, "Already exists") ||
	       !strcasecmp(l->status, "Download complete") || !strncasecmp(l->status, "Copying config", 14);
}

void pullview_progress(struct pullview *p, const char *id, const char *status, int64_t current, int64_t total)
{
	p->updates++;
	/* Podman and Docker use "id" both for layers (hex) and for status lines
	 * about the reference itself; only a short hex id is a layer */
	bool layer = id && *id && strlen(id) <= 64 && strspn(id, "0123456789abcdef") == strlen(id);
	if (!layer) {
		snprintf(p->status, sizeof(p->status), "%s%s%s", status, id && *id ? " " : "", id ? id : "");
		return;
	}
	struct pull_layer *l = NULL;
	for (size_t i = 0; i < p->nlayers; i++)
		if (!strcmp(p->layers[i].id, id))
			l = &p->layers[i];
	if (!l) {
		p->layers = xrealloc(p->layers, (p->nlayers + 1) * sizeof(*p->layers));
		l = &p->layers[p->nlayers++];
		memset(l, 0, sizeof(*l));
		snprintf(l->id, sizeof(l->id), "%s", id);
		l->current = l->total = -1;
	}
	snprintf(l->status, sizeof(l->status), "%s", status);
	if (current >= 0)
		l->current = current;
	if (total > 0)
		l->total = total;
}

void pullview_finish(struct pullview *p, const char *error)
{
	p->done = true;
	p->updates++;
	if (error)
		snprintf(p->error, sizeof(p->error), "%s", error);
	else if (!strcmp(p->status, "asking the engine…") || !p->status[0])
		snprintf(p->status, sizeof(p->status), "pulled %s", p->ref);
}

void pullview_summary(const struct pullview *p, char *out, size_t outlen)
{
	size_t done = 0;
	int64_t cur = 0, total = 0;
	for (size_t i = 0; i < p->nlayers; i++) {
		done += layer_done(&p->layers[i]);
		if (p->layers[i].total > 0) {
			total += p->layers[i].total;
			cur += layer_done(&p->layers[i]) ? p->layers[i].total
							 : p->layers[i].current > 0 ? p->layers[i].current : 0;
		}
	}
	char size[32];
	format_bytes(total, size, sizeof(size));
	if (total > 0)
		snprintf(out, outlen, "%zu/%zu layers, %lld%% of %s", done, p->nlayers,
			 (long long)(cur * 100 / total), size);
	else if (p->nlayers)
		snprintf(out, outlen, "%zu/%zu layers", done, p->nlayers);
	else
		snprintf(out, outlen, "%s", p->status);
}

static void bar(WINDOW *w, int width, int64_t cur, int64_t total, bool complete)
{
	int fill = complete ? width : total > 0 && cur > 0 ? (int)(cur * width / total) : 0;
	if (fill > width)
		fill = width;
	wattrset(w, screen_attr(complete ? ST_OK : ST_CHANGED));
	for (int i = 0; i < width; i++)
		waddstr(w, charset_glyph(i < fill ? GLYPH_BAR_DONE : GLYPH_BAR_TODO));
}

void pullview_draw(WINDOW *w, const struct pullview *p)
{
	int rows, cols;
	getmaxyx(w, rows, cols);
	werase(w);
	char line[512];
	snprintf(line, sizeof(line), "Pulling %s on %s", p->ref, p->endpoint);
	char *safe = sanitize_display(line, strlen(line));
	wmove(w, 0, 1);
	screen_put(w, safe, cols - 2, ST_TABLE_HEAD);
	free(safe);
	int y = 2;
	int barw = cols - 12 - 24 - 22;
	if (barw < 10)
		barw = 10;
	for (size_t i = 0; i < p->nlayers && y < rows - 3; i++, y++) {
		const struct pull_layer *l = &p->layers[i];
		wmove(w, y, 1);
		char id[16];
		snprintf(id, sizeof(id), "%.12s", l->id);
		screen_put(w, id, 12, ST_NORMAL);
		waddstr(w, " ");
		/* the engine's words: made inert, and cut by cells, not bytes */
		char *st = sanitize_display(l->status, strlen(l->status));
		struct buf cell;
		buf_init(&cell);
		sanitize_pad(&cell, st, 22, false);
		screen_put(w, cell.data, 22, layer_done(l) ? ST_OK : ST_NORMAL);
		buf_cleanup(&cell);
		free(st);
		waddstr(w, " ");
		if (getmaxx(w) - getcurx(w) > barw + 2)
			bar(w, barw, l->current, l->total, layer_done(l));
		if (l->total > 0 && !layer_done(l)) {
			char a[16], b[16], t[40];
			format_bytes(l->current > 0 ? l->current : 0, a, sizeof(a));
			format_bytes(l->total, b, sizeof(b));
			snprintf(t, sizeof(t), " %s/%s", a, b);
			screen_put(w, t, getmaxx(w) - getcurx(w), ST_DIM);
		}
	}
	wmove(w, y + 1, 1);
	char sum[256];
	pullview_summary(p, sum, sizeof(sum));
	if (p->done && p->error[0]) {
		snprintf(line, sizeof(line), "Failed: %s", p->error);
		safe = sanitize_display(line, strlen(line));
		screen_put(w, safe, cols - 2, ST_ERROR);
		free(safe);
	} else {
		snprintf(line, sizeof(line), "%s%s — %s", p->done ? "Done" : "In progress", p->done ? "" : "…", p->done ? p->status : sum);
		safe = sanitize_display(line, strlen(line));
		screen_put(w, safe, cols - 2, p->done ? ST_OK : ST_NORMAL);
		free(safe);
	}
	wmove(w, rows - 1, 1);
	screen_put(w, p->done ? "Esc closes this panel" : "Esc closes this panel; the pull goes on and the flash line shows its progress",
		   cols - 2, ST_DIM);
	wattrset(w, A_NORMAL);
	wnoutrefresh(w);
}
