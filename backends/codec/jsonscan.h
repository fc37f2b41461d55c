/* jsonscan.h: the pieces of a large JSON document found without parsing it:
 * the members of its top-level object and the elements of an array, as
 * spans of the text. A list page is then decoded one item at a time, so an
 * item that cannot be read (100,000 levels deep, malformed) is skipped and
 * counted instead of rejecting the page, the tree in memory is one item
 * large, and the items are counted before any is decoded. Iterative, so any
 * depth is fine; the spans are only as well-formed as a parser later finds
 * them. */
#ifndef BINNACLE_JSONSCAN_H
#define BINNACLE_JSONSCAN_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

/* The end of the JSON value starting at s (leading whitespace skipped), or
 * NULL when the text ends first or it is not a value. Strings and nesting
 * are followed; scalars end at the next delimiter. */
const char *jsonscan_skip(const char *s, const char *end);

/* Calls fn for each member of the top-level object of s: the key as written
 * between its quotes (escapes left alone) and the value's span. fn returns
 * false to stop. -1 when s is not an object or is cut short, else 0. */
typedef bool (*jsonscan_member_fn)(void *arg, const char *key, size_t klen, const char *v, size_t vlen);
int jsonscan_object(const char *s, size_t len, jsonscan_member_fn fn, void *arg);

/* Calls fn (when not NULL) for each element of the array s; returns how many
 * there are, or -1 when s is not an array or is cut short. */
typedef bool (*jsonscan_elem_fn)(void *arg, const char *v, size_t vlen);
long jsonscan_array(const char *s, size_t len, jsonscan_elem_fn fn, void *arg);

/* Parses len bytes of one JSON value, nested at most depth levels; NULL when
 * it is deeper, malformed or followed by anything but whitespace. */
struct json_object *jsonscan_parse(const char *s, size_t len, int depth);

#endif
