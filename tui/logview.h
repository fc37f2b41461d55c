/* logview.h: the log viewer every backend's logs open in: a bounded ring
 * of lines (memory stays fixed however fast a container talks), follow
 * mode that carries on across a container's restart, time windows (the
 * last lines, or since 1m ... 1h), timestamps on/off, wrap on/off, search
 * with / and n/N (the term, the match count, the match highlighted), save
 * to a file; stderr and system lines drawn apart from stdout. */
#ifndef BINNACLE_LOGVIEW_H
#define BINNACLE_LOGVIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "backends/backend.h"
#include "backends/util/logring.h"
#include "tui/screen.h"

struct logview {
	char title[256];
	struct logring ring;
	struct endpoint *ep;
	void *handle;          /* the backend's stream, stopped on close */
	bool follow, timestamps, wrap;
	uint64_t top;          /* absolute number of the first line shown (ring.added counts) */
	char *search;
	uint64_t match;        /* absolute line of the current match; UINT64_MAX = none */
	bool ended;
	char status[256];      /* "following", "stream ended: ..." */
	uint64_t drawn_added;  /* ring.added when last drawn */
	/* what was opened, to open it again (previous instance) */
	char kind[32], id[512], container[128];
	struct log_opts opts;
	int first_tail;        /* the lines asked for first */
	int window;            /* 0: the last lines; 1-5: since 1m, 5m, 15m, 30m, 1h; 6: everything */
	int64_t reopen_at;     /* mono ms: the stream ended while following, open it again then; 0 = no */
	unsigned reopens;      /* times it was opened again since lines last came */
	uint64_t matches;      /* lines holding the search term */
	uint64_t match_index;  /* which of them is the current one, from 1 */
};

/* Opens the stream (ep->ops->logs) into a new viewer. */
struct logview *logview_open(struct endpoint *ep, const char *kind, const char *id, const char *title,
			     const struct log_opts *o, size_t ring_lines);
void logview_close(struct logview *lv);
void logview_draw(WINDOW *w, struct logview *lv);
/* True when new lines arrived since the last draw. */
bool logview_dirty(const struct logview *lv);

enum logview_result { LV_UNHANDLED, LV_HANDLED, LV_CLOSE };
enum logview_result logview_key(struct logview *lv, int key, int page);
bool logview_search(struct logview *lv, const char *text, int dir);
/* Opens the stream again when it ended while following (the container
 * restarted) and the time has come; true when the screen changed. */
bool logview_tick(struct logview *lv);
/* Milliseconds until logview_tick has work, or -1. */
int logview_next_ms(const struct logview *lv);
/* Switches between the current and the previous instance's logs (Kubernetes). */
void logview_toggle_previous(struct logview *lv);
/* Saves the kept lines; the path written (owned) or NULL with err. */
int logview_save(struct logview *lv, const char *path, char *err, size_t errlen);

#endif
