/* image.h: whether a row names a given container image, by the image
 * cells its view declares (struct image_cells): the digests it is known by
 * (an index's and its platforms'), else — where its backend knows no
 * digest — its reference with docker's defaults made explicit. What "where
 * it runs" narrows the containers of every endpoint to. */
#ifndef BINNACLE_VIEWS_IMAGE_H
#define BINNACLE_VIEWS_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "views/view.h"

/* The image row r of view v names, as a text a drill carries: its digests,
 * space-separated, then '|' and its reference normalised
 * ("docker.io/library/nginx:latest"; empty when it is pinned by digest).
 * "" when v has no image cells. */
void image_want(const struct view *v, const struct row *r, char *out, size_t outlen);
/* Whether row r, by its image cells ic, names the image want describes: a
 * digest in common, or (r knows no digest) the same reference. */
bool image_row_matches(const struct image_cells *ic, const struct row *r, const char *want);
/* How want matches: "by digest", "by reference". */
const char *image_want_how(const char *want);

#endif
