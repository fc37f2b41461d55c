/* healthview.h: the health screen: one line per endpoint (state, counts,
 * problems, trends) above the problems of every endpoint, worst first. The
 * selection moves in the problems; Enter goes to the selected one. */
#ifndef BINNACLE_HEALTHVIEW_H
#define BINNACLE_HEALTHVIEW_H

#include "tui/table.h"
#include "views/health.h"

/* How often the screen asks the backends again. */
#define HEALTHVIEW_REFRESH_MS 1000

struct healthview {
	struct health health;
	struct model endpoints, problems;
	struct table_layout lay_endpoints, lay_problems;
	long selected, top;
	char *selected_id;
	bool watching;
	struct filter filter;  /* narrows the problems (/) */
};

enum healthview_result { HV_STAY, HV_GO, HV_CLOSE };

struct healthview *healthview_new(struct session *s, bool ascii);
void healthview_free(struct healthview *hv);
/* Refreshes when due (or now when force); true when something changed. */
bool healthview_tick(struct healthview *hv, bool force);
/* Milliseconds until the next refresh is due. */
int healthview_next_ms(const struct healthview *hv);
void healthview_draw(WINDOW *w, struct healthview *hv);
/* Moves the selection (up, down, pages, ends); HV_GO for Enter. */
enum healthview_result healthview_key(struct healthview *hv, int key, int page);
/* The selected problem's row, or NULL. */
const struct row *healthview_selected(const struct healthview *hv);
/* "3 endpoints, 5 problems" for the breadcrumbs. */
void healthview_summary(const struct healthview *hv, char *out, size_t outlen);

#endif
