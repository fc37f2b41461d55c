/* strset.c: the string set of strset.h (FNV-1a, linear probing, half full
 * at most). */
#include "backends/ecs/strset.h"
#include "backends/util/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

void strset_init(struct strset *s)
{
	memset(s, 0, sizeof(*s));
}

void strset_cleanup(struct strset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slots[i]);
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

static size_t find(const struct strset *s, const char *key)
{
	size_t i = (size_t)(hash(key) & (s->cap - 1));
	while (s->slots[i] && strcmp(s->slots[i], key))
		i = (i + 1) & (s->cap - 1);
	return i;
}

static void grow(struct strset *s)
{
	struct strset bigger = {.cap = s->cap ? s->cap * 2 : 64};
	bigger.slots = xcalloc(bigger.cap, sizeof(*bigger.slots));
	for (size_t i = 0; i < s->cap; i++)
		if (s->slots[i]) {
			bigger.slots[find(&bigger, s->slots[i])] = s->slots[i];
			bigger.len++;
		}
	free(s->slots);
	*s = bigger;
}

bool strset_add(struct strset *s, const char *key)
{
	if ((s->len + 1) * 2 > s->cap)
		grow(s);
	size_t i = find(s, key);
	if (s->slots[i])
		return false;
	s->slots[i] = xstrdup(key);
	s->len++;
	return true;
}

bool strset_has(const struct strset *s, const char *key)
{
	return s->cap && s->slots[find(s, key)] != NULL;
}
