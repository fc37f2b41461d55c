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
	{.title = "REPOSITORY:TAG", .cell = IMG_NAME, .min = 14, .ident = true, .style = name_style},
	{.title = "ID", .cell = IMG_ID, .min = 12, .max = 12, .priority = 2},
	{.title = "SIZE", .cell = IMG_SIZE, .min = 6, .max = 9, .priority = 1, .align = ALIGN_RIGHT},
	{.title = "AGE", .cell = IMG_CREATED, .min = 3, .max = 7, .priority = 3, .align = ALIGN_RIGHT},
	{.title = "IN USE", .cell = IMG_INUSE, .min = 6, .max = 10, .style = usage_style},
	{.title = "DIGEST", .cell = IMG_DIGEST, .min = 10, .max = 80, .wide = true, .flex = true},
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
