/* jsonget.h: field readers over json-c trees, shared by the Docker and
 * Kubernetes decoders. An absent key, a null and a value of the wrong type all
 * read as "none" (NULL, false or 0), so a decoder can chain them without type
 * checks of its own. Returned objects and strings are borrowed from the tree. */
#ifndef BINNACLE_JSONGET_H
#define BINNACLE_JSONGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;

/* The value of key, of any type; NULL when o is not an object or lacks it. */
struct json_object *jsonget_field(struct json_object *o, const char *key);
struct json_object *jsonget_obj(struct json_object *o, const char *key);
struct json_object *jsonget_arr(struct json_object *o, const char *key);
const char *jsonget_str(struct json_object *o, const char *key);
/* An integer, or a double truncated and saturated to the int64 range. */
bool jsonget_int(struct json_object *o, const char *key, int64_t *out);
/* An integer, or a double saturated to [0, UINT64_MAX]: counters are uint64 on
 * the wire and cgroup v2's "unlimited" is 2^64-1. */
bool jsonget_u64(struct json_object *o, const char *key, uint64_t *out);
/* True only for a boolean true. */
bool jsonget_bool(struct json_object *o, const char *key);
/* Element i of an array; NULL when arr is not an array or is too short. */
struct json_object *jsonget_idx(struct json_object *arr, size_t i);
/* The length of an array; 0 when arr is not one (NULL included). */
size_t jsonget_len(struct json_object *arr);

/* What a time field may hold. Kubernetes writes RFC 3339 strings only; Docker
 * lists give Unix seconds and its inspect and libpod bodies RFC 3339. */
enum jsonget_time_form {
	JSONGET_RFC3339,         /* a string; a number reads as "none" */
	JSONGET_RFC3339_OR_UNIX, /* a number of Unix seconds (as jsonget_int), else a string */
};
/* Unix seconds of a time field into *out; false when absent, malformed or
 * <= 0 (*out may have been written even then). */
bool jsonget_time(struct json_object *o, const char *key, enum jsonget_time_form form, int64_t *out);

/* What a map's value that is not a string shows as. Kubernetes label maps are
 * strings only; Docker's Labels may hold anything an engine or tool wrote. */
enum jsonget_value_form {
	JSONGET_STRINGS_ONLY, /* anything but a string shows as "" */
	JSONGET_ANY_AS_JSON,  /* a number, boolean, object or array as its JSON text; null as "" */
};
/* A map ({"k":"v"}) as "k=v,k=v" sorted by key; owned, NULL when it is empty
 * or not an object. */
char *jsonget_map_text(struct json_object *map, enum jsonget_value_form form);

#endif
