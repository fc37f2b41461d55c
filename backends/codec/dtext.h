/* dtext.h: text written for a person, the way `kubectl describe` lays it
 * out: "Key:  value" lines aligned at one column, nested sections indented,
 * maps one pair per line, and small tables with a header and dashes. The
 * backends' describe slots (Kubernetes, Docker) build their text with it. */
#ifndef BINNACLE_DTEXT_H
#define BINNACLE_DTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "backends/util/util.h"

struct json_object;

/* "Key:" padded to the value column at this indent, then the value ("" = nothing after the key). */
void dtext_field(struct buf *b, int indent, const char *key, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A map ({"k":"v"}) as "k=v", the first pair on the key's line, one per line; "<none>" when empty. */
void dtext_map(struct buf *b, int indent, const char *key, struct json_object *map);
/* Every pair of a map as its own "key:  value" line at indent. */
void dtext_pairs(struct buf *b, int indent, struct json_object *map);
/* A duration for "Age" and "Since": 5s, 3m, 2h, 4d. */
void dtext_age(int64_t seconds, char *out, size_t outlen);

/* A table: cells row by row, ncols each; the first row is the header. */
struct dtable {
	size_t ncols, nrows;
	char **cells; /* owned */
};
void dtable_init(struct dtable *t, size_t ncols);
/* Adds a row of ncols strings (copied; NULL shows as ""). */
void dtable_row(struct dtable *t, const char *const *cells);
/* Writes it at indent, the header underlined with dashes, then frees it. */
void dtable_write(struct buf *b, int indent, struct dtable *t);

#endif
