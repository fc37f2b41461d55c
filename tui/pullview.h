/* pullview.h: the progress of an image pull: one bar per layer, the
 * overall status, and the result; the flash line carries a one-line summary
 * when the panel is closed while the pull goes on. */
#ifndef BINNACLE_PULLVIEW_H
#define BINNACLE_PULLVIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "tui/screen.h"

struct pull_layer {
	char id[80];
	char status[64];
	int64_t current, total;
};

struct pullview {
	char ref[256];
	char endpoint[128];
	struct pull_layer *layers;
	size_t nlayers;
	char status[400];   /* the latest overall status line */
	bool done;
	char error[256];
	unsigned updates;   /* bumped on every progress message */
};

struct pullview *pullview_new(const char *endpoint, const char *ref);
void pullview_free(struct pullview *p);
void pullview_progress(struct pullview *p, const char *id, const char *status, int64_t current, int64_t total);
void pullview_finish(struct pullview *p, const char *error);
/* "3/5 layers, 41% of 12MiB" */
void pullview_summary(const struct pullview *p, char *out, size_t outlen);
void pullview_draw(WINDOW *w, const struct pullview *p);

#endif
