/* strset.h: a set of strings (open addressing, owned copies), for the ids
 * a polling round has seen: tens of thousands of task ids looked up in
 * constant time. */
#ifndef BINNACLE_ECS_STRSET_H
#define BINNACLE_ECS_STRSET_H

#include <stdbool.h>
#include <stddef.h>

struct strset {
	char **slots;
	size_t cap, len;
};

void strset_init(struct strset *s);
void strset_cleanup(struct strset *s);
/* Adds a copy of key; false when it was there already. */
bool strset_add(struct strset *s, const char *key);
bool strset_has(const struct strset *s, const char *key);

#endif
