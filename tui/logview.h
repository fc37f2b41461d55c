/* logview.h: the log viewer every backend's logs open in: a bounded ring
 * of lines (memory stays fixed however fast a container talks), follow
 * mode, timestamps on/off, wrap on/off, search with / and n/N, save to a
 * file; stderr and system lines drawn apart from stdout. */
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
/* Switches between the current and the previous instance's logs (Kubernetes). */
void logview_toggle_previous(struct logview *lv);
/* Saves the kept lines; the path written (owned) or NULL with err. */
int logview_save(struct logview *lv, const char *path, char *err, size_t errlen);

#endif
