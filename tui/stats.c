/* stats.c: the stats panel (`t`, as lazydocker's): the selected row's CPU
 * and memory over the last minutes, as two bar charts under the table,
 * from the samples its backend keeps (the history slot). The table gives
 * up the panel's lines while it is open. */
#include "tui/ops.h"
#include "tui/charset.h"
#include "tui/sanitize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATS_ROWS 7   /* title, chart lines, scale */
#define CHART_LINES 5
#define MAX_SAMPLES 512

void stats_toggle(struct app *a)
{
	a->stats = !a->stats;
	app_resize(a);
	if (a->stats)
		app_flash(a, NOTE_INFO, "stats of the selected row: t closes them");
}

int stats_rows(const struct app *a)
{
	return a->stats ? STATS_ROWS : 0;
}

/* One chart of v[0..n) in w at (y, x), width cells wide, scaled to top. */
static void chart(WINDOW *w, int y, int x, int width, const int64_t *v, size_t n, int64_t top)
{
	const char *bar = charset_glyph(GLYPH_BAR_DONE);
	size_t first = n > (size_t)width ? n - (size_t)width : 0;
	for (int line = 0; line < CHART_LINES; line++) {
		wmove(w, y + line, x);
		wattrset(w, screen_attr(ST_DIM));
		for (int c = 0; c < width; c++) {
			size_t i = first + (size_t)c;
			/* the cell is filled when the sample reaches above this line's floor */
			int64_t floor = top * (CHART_LINES - 1 - line) / CHART_LINES;
			bool on = i < n && v[i] > 0 && top > 0 && v[i] > floor;
			if (on) {
				wattrset(w, screen_attr(ST_OK));
				waddstr(w, bar);
			} else {
				wattrset(w, screen_attr(ST_DIM));
				waddch(w, ' ');
			}
		}
	}
}

static void fmt_cpu(int64_t permille, char *out, size_t outlen)
{
	snprintf(out, outlen, "%lld.%lld%%", (long long)(permille / 10), (long long)(permille % 10));
}

void stats_draw(struct app *a, WINDOW *w)
{
	if (!a->stats)
		return;
	int rows = getmaxy(w), cols = getmaxx(w);
	int top = rows - STATS_ROWS;
	if (top < 1)
		return;
	for (int y = top; y < rows; y++) {
		wmove(w, y, 0);
		screen_fill(w, ST_NORMAL);
	}
	wmove(w, top, 0);
	const struct row *r = ops_selected(a);
	const char *kind = app_frame(a)->view->kind;
	if (!r || !a->ep->ops->history) {
		screen_put(w, " Stats: no row is selected", cols, ST_CRUMBS);
		screen_fill(w, ST_CRUMBS);
		return;
	}
	struct figure_sample *s = xcalloc(MAX_SAMPLES, sizeof(*s));
	size_t n = a->ep->ops->history(a->ep, kind, r->id, s, MAX_SAMPLES);
	int64_t *cpu = xcalloc(n + 1, sizeof(*cpu)), *mem = xcalloc(n + 1, sizeof(*mem));
	int64_t cpu_top = 0, mem_top = 0, limit = 0;
	for (size_t i = 0; i < n; i++) {
		cpu[i] = s[i].cpu > 0 ? s[i].cpu : 0;
		mem[i] = s[i].mem > 0 ? s[i].mem : 0;
		cpu_top = cpu[i] > cpu_top ? cpu[i] : cpu_top;
		mem_top = mem[i] > mem_top ? mem[i] : mem_top;
		limit = s[i].mem_limit > 0 ? s[i].mem_limit : limit;
	}
	char title[400], c_now[32] = "-", c_max[32] = "-", m_now[32] = "-", m_max[32] = "-", m_lim[32] = "";
	if (n) {
		fmt_cpu(cpu[n - 1], c_now, sizeof(c_now));
		fmt_cpu(cpu_top, c_max, sizeof(c_max));
		format_bytes(mem[n - 1], m_now, sizeof(m_now));
		format_bytes(mem_top, m_max, sizeof(m_max));
	}
	if (limit)
		format_bytes(limit, m_lim, sizeof(m_lim));
	char span[32] = "";
	if (n > 1)
		format_age(s[n - 1].at - s[0].at, span, sizeof(span));
	snprintf(title, sizeof(title), " Stats %s: CPU %s (top %s)  MEM %s%s%s (top %s)  %zu samples%s%s ", row_text(r, 0),
		 c_now, c_max, m_now, limit ? " of " : "", m_lim, m_max, n, n > 1 ? " over " : "", span);
	char *safe = sanitize_display(title, strlen(title));
	screen_put(w, safe, cols, ST_CRUMBS);
	free(safe);
	screen_fill(w, ST_CRUMBS);
	int half = (cols - 3) / 2;
	if (!n) {
		wmove(w, top + 2, 2);
		screen_put(w, "no figures yet: they come every refresh interval while the row is running", cols - 4, ST_DIM);
	} else {
		chart(w, top + 1, 1, half, cpu, n, cpu_top);
		/* memory against its limit when there is one, so a leak shows as it nears it */
		chart(w, top + 1, half + 2, half, mem, n, limit && limit < mem_top * 4 ? limit : mem_top);
	}
	wmove(w, top + 1 + CHART_LINES, 1);
	char left[64], right[96];
	snprintf(left, sizeof(left), "CPU, top %s", c_max);
	snprintf(right, sizeof(right), "MEM, top %s%s%s", limit && limit < mem_top * 4 ? m_lim : m_max,
		 limit && limit < mem_top * 4 ? " (limit)" : "", "");
	screen_put(w, left, half, ST_DIM);
	wmove(w, top + 1 + CHART_LINES, half + 2);
	screen_put(w, right, half, ST_DIM);
	free(cpu);
	free(mem);
	free(s);
}
