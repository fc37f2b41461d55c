/* yamltree.h: a YAML document loaded into a small tree that remembers the
 * line and column of every node, so configuration errors can point at the
 * exact place. Used for the config file, themes and kubeconfigs. */
#ifndef BINNACLE_YAMLTREE_H
#define BINNACLE_YAMLTREE_H

#include <stdbool.h>
#include <stddef.h>

enum ynode_type { YNODE_SCALAR, YNODE_MAP, YNODE_SEQ };

/* Deeper documents are refused with a sentence (configs, themes and
 * kubeconfigs are a handful of levels deep; the builder recurses per level). */
#define YAML_MAX_DEPTH 64

struct ynode {
	enum ynode_type type;
	int line, col;        /* 1-based position of the node */
	char *value;          /* scalar text (owned) */
	bool quoted;          /* scalar was quoted: "true" is then a string */
	size_t n;             /* children */
	struct ynode **items; /* map values or sequence items */
	char **keys;          /* map keys (NULL for sequences) */
	int *key_lines, *key_cols;
};

/* Parses the first document; NULL with "FILE:LINE:COL: what is wrong" in err.
 * An empty document gives an empty map. */
struct ynode *yaml_load_file(const char *path, char *err, size_t errlen);
struct ynode *yaml_load_buf(const char *data, size_t len, const char *name, char *err, size_t errlen);
void ynode_free(struct ynode *n);

/* Map lookup; NULL when n is not a map or has no such key. */
struct ynode *ynode_get(const struct ynode *n, const char *key);
/* Scalar text of map member key, or NULL. */
const char *ynode_str(const struct ynode *n, const char *key);
/* Parses a YAML boolean scalar (true/false/yes/no/on/off); -1 if not one. */
int ynode_bool(const struct ynode *n);
const char *ynode_type_name(enum ynode_type t);

#endif
