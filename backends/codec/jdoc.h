/* jdoc.h: a fast JSON reader for large API documents (Kubernetes list pages
 * of hundreds of objects, watch events, server-side tables). One pass over a
 * private copy of the text builds a flat array of nodes (strings unescaped in
 * place), freed in one go: no allocation per value and no hash table per
 * object, which is what made json-c most of the CPU time of listing 50,000
 * pods. The accessors read an absent key, a null and a value of the wrong
 * type as "none" (NULL, false or 0), like jsonget.h, so decoders chain them
 * without type checks. Nodes and strings are borrowed from the document. */
#ifndef BINNACLE_JDOC_H
#define BINNACLE_JDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jn_type { JN_NULL, JN_FALSE, JN_TRUE, JN_NUMBER, JN_STRING, JN_ARRAY, JN_OBJECT };

/* One value. An object's members follow it as key (a JN_STRING) then value;
 * an array's items follow it; every subtree is contiguous, so the next
 * sibling of n is n + n->span. */
struct jnode {
	unsigned char type; /* enum jn_type */
	uint32_t len;       /* string: bytes; number: characters; array: items; object: members */
	uint32_t span;      /* nodes in this subtree, this one included */
	const char *s;      /* string (NUL-terminated) or number text (not terminated) */
};

/* Parses len bytes of text (copied; need not be NUL-terminated). Returns the
 * root, owned (jdoc_free), or NULL with a sentence in err. */
struct jnode *jdoc_parse(const char *text, size_t len, char *err, size_t errlen);
/* The same without the copy: text (len bytes and a NUL after them) is
 * modified in place and must outlive the document. */
struct jnode *jdoc_parse_mut(char *text, size_t len, char *err, size_t errlen);
/* Frees a document by its root; NULL is fine. */
void jdoc_free(struct jnode *root);

/* The value of key, of any type; NULL when o is not an object or lacks it. */
const struct jnode *jn_field(const struct jnode *o, const char *key);
const struct jnode *jn_obj(const struct jnode *o, const char *key);
const struct jnode *jn_arr(const struct jnode *o, const char *key);
const char *jn_str(const struct jnode *o, const char *key);
/* The string a node is, or NULL. */
const char *jn_text(const struct jnode *n);
/* An integer field, or a number with a fraction or exponent truncated and
 * saturated to the int64 range. */
bool jn_int(const struct jnode *o, const char *key, int64_t *out);
/* The same for a node itself. */
bool jn_as_int(const struct jnode *n, int64_t *out);
/* True only for a boolean true. */
bool jn_bool(const struct jnode *o, const char *key);
/* Items of an array (or members' values of an object): len, and item i
 * (NULL when n is not an array or is too short). Walking i upwards from 0
 * costs O(1) per step. */
size_t jn_len(const struct jnode *n);
const struct jnode *jn_idx(const struct jnode *arr, size_t i);
/* The first item of an array (or value of an object's first member), and the
 * one after item it (NULL at the end): for loops. */
const struct jnode *jn_first(const struct jnode *n);
const struct jnode *jn_next(const struct jnode *n, const struct jnode *it);
/* The key of an object member whose value is v (members: key then value). */
const char *jn_key_of(const struct jnode *v);
/* Unix seconds of an RFC 3339 string field; false when absent, malformed or <= 0. */
bool jn_time(const struct jnode *o, const char *key, int64_t *out);
/* A map of strings ({"k":"v"}) as "k=v,k=v" sorted by key; owned, NULL
 * when it is empty or not an object. Values that are not strings show as "". */
char *jn_map_text(const struct jnode *map);
/* The JSON text of a subtree (strings escaped again); owned. */
char *jn_to_json(const struct jnode *n);

#endif
