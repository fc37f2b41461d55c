/* images.c: the images view. Enter lists the containers using the image. */
#include "backends/model/kinds.h"
#include "views/view.h"

#include <stdio.h>
#include <string.h>

static enum style usage_style(const struct row *r)
{
	return r->cells[IMG_INUSE].num > 0 ? ST_OK : ST_DIM;
}

static enum style name_style(const struct row *r)
{
	return strstr(row_text(r, IMG_NAME), "<none>") ? ST_DIM : ST_NORMAL;
}

static const struct column columns[] = {
	{"REPOSITORY:TAG", IMG_NAME, 14, 60, 0, ALIGN_LEFT, false, name_style},
	{"ID", IMG_ID, 12, 12, 2, ALIGN_LEFT, false, NULL},
	{"SIZE", IMG_SIZE, 6, 9, 1, ALIGN_RIGHT, false, NULL},
	{"AGE", IMG_CREATED, 3, 7, 3, ALIGN_RIGHT, false, NULL},
	{"IN USE", IMG_INUSE, 6, 10, 0, ALIGN_LEFT, false, usage_style},
	{"DIGEST", IMG_DIGEST, 10, 80, 0, ALIGN_LEFT, true, NULL},
};

static bool drill(const struct row *r, struct drill *d)
{
	memset(d, 0, sizeof(*d));
	d->kind = KIND_CONTAINERS;
	d->cell = CTR_IMAGEID;
	snprintf(d->value, sizeof(d->value), "%s", row_text(r, IMG_FULLID));
	snprintf(d->label, sizeof(d->label), "image %s", row_text(r, IMG_NAME));
	return true;
}

static const char *const aliases[] = {"images", "image", "img", "im", NULL};
static const struct image_cells image = {.ref = IMG_NAME, .digests = IMG_DIGESTS};

const struct view view_images = {
	.kind = KIND_IMAGES,
	.title = "Images",
	.aliases = aliases,
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.sort_col = 0,
	.ncells = IMG_NCELLS,
	.scope_cell = -1,
	.drill = drill,
	.image = &image,
};
