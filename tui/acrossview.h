/* acrossview.h: the screen of rows gathered from every endpoint (where an
 * image runs): a title line saying what was looked for and how, then the
 * table with its ENDPOINT column; Enter goes to the row on its endpoint. */
#ifndef BINNACLE_ACROSSVIEW_H
#define BINNACLE_ACROSSVIEW_H

#include "tui/table.h"
#include "views/across.h"

#define ACROSSVIEW_REFRESH_MS 1000

struct acrossview {
	struct across across;
	struct image_wanted wanted;
	char title[512];      /* "where 127.0.0.1:5000/lab/app:1.1.0 runs" */
	char how[64];         /* "by digest" */
	struct model model;
	struct table_layout layout;
	long selected, top;
	char *selected_id;
	int64_t refreshed_ms;
};

enum acrossview_result { AV_STAY, AV_GO, AV_CLOSE };

/* Where the image of row r (of view v, which has image cells) runs. */
struct acrossview *acrossview_where_runs(struct session *s, const struct view *v, const struct row *r);
void acrossview_free(struct acrossview *av);
bool acrossview_tick(struct acrossview *av, bool force);
int acrossview_next_ms(const struct acrossview *av);
void acrossview_draw(WINDOW *w, struct acrossview *av, bool wide);
enum acrossview_result acrossview_key(struct acrossview *av, int key, int page);
const struct row *acrossview_selected(const struct acrossview *av);
/* "2 containers on 2 endpoints" for the breadcrumbs. */
void acrossview_summary(const struct acrossview *av, char *out, size_t outlen);

#endif
