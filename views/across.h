/* across.h: rows of one kind gathered from every endpoint of the session
 * into a store of their own, each with its endpoint's name in an extra
 * ENDPOINT column, narrowed by a test — what no one endpoint can show,
 * such as where an image runs: its containers (pods' included) on every
 * engine and cluster. Refreshed from the endpoints' stores, so it stays
 * live as they do; the screen keeps its selection by row id. */
#ifndef BINNACLE_ACROSS_H
#define BINNACLE_ACROSS_H

#include "backends/model/session.h"
#include "views/view.h"

/* Whether row r of endpoint ep belongs in the gathering. */
typedef bool (*across_match_fn)(void *arg, const struct endpoint *ep, const struct row *r);

struct across {
	struct session *s;
	const struct view *base; /* the kind's view, whose columns follow ENDPOINT */
	struct view view;        /* what the screen draws */
	struct column *columns;
	struct store *store;
	across_match_fn match;
	void *arg;
	bool watching;
	size_t nendpoints;       /* endpoints that serve the kind and were asked */
};

/* Gathers rows of base's kind that match (arg is the match's). */
void across_init(struct across *a, struct session *s, const struct view *base, across_match_fn match, void *arg);
void across_cleanup(struct across *a);
/* Asks the endpoints to keep the kind live (the first time), then
 * rebuilds the rows from their stores; true when something changed. */
bool across_refresh(struct across *a);
/* The table of gathered rows (never NULL once refreshed). */
struct rtable *across_table(const struct across *a);
/* The endpoint a gathered row came from and its id there, or NULL when
 * the endpoint is gone. */
struct endpoint *across_origin(const struct across *a, const struct row *r, const char **id);
/* Whether every endpoint asked has listed the kind at least once. */
bool across_settled(const struct across *a);

/* ---- where an image runs ---- */

/* The image a row names: its digests (an index's and its platforms'),
 * and its reference for rows whose image has none. */
struct image_wanted {
	char **digests;
	size_t ndigests;
	char ref[512]; /* "host/repo:tag" normalised; "" = match by digest only */
};

/* From a row of a view with image cells. */
void image_wanted_init(struct image_wanted *w, const struct view *v, const struct row *r);
void image_wanted_cleanup(struct image_wanted *w);
/* A container runs the image: a digest in common, or (its engine knows no
 * digest) the same reference. arg is a struct image_wanted. */
bool image_wanted_match(void *arg, const struct endpoint *ep, const struct row *r);

#endif
