/* intern.c: the shared strings (see intern.h): entries with a count and
 * the text inline, found through an open-addressing table of entry
 * pointers, rebuilt when deleted slots pile up. */
#include "backends/model/intern.h"
#include "backends/util/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	uint32_t refs;
	uint32_t hash;
	char text[];
};

static struct entry **slots; /* NULL = empty, GONE = deleted */
static size_t cap, used, live;
static struct entry gone_entry;
#define GONE (&gone_entry)

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

static struct entry *entry_of(const char *s)
{
	return (struct entry *)(s - offsetof(struct entry, text));
}

static void place(struct entry **tab, size_t tcap, struct entry *e)
{
	size_t i = e->hash & (tcap - 1);
	while (tab[i])
		i = (i + 1) & (tcap - 1);
	tab[i] = e;
}

static void rebuild(size_t need)
{
	size_t ncap = 256;
	while (ncap < need * 2 + 16)
		ncap *= 2;
	struct entry **tab = xcalloc(ncap, sizeof(*tab));
	for (size_t i = 0; i < cap; i++)
		if (slots[i] && slots[i] != GONE)
			place(tab, ncap, slots[i]);
	free(slots);
	slots = tab;
	cap = ncap;
	used = live;
}

const char *intern_get(const char *s)
{
	if (!s)
		return NULL;
	if ((used + 1) * 4 > cap * 3)
		rebuild(live + 1);
	uint32_t h = hash_str(s);
	size_t i = h & (cap - 1), free_at = (size_t)-1;
	for (; slots[i]; i = (i + 1) & (cap - 1)) {
		struct entry *e = slots[i];
		if (e == GONE) {
			if (free_at == (size_t)-1)
				free_at = i;
		} else if (e->hash == h && !strcmp(e->text, s)) {
			e->refs++;
			return e->text;
		}
	}
	size_t n = strlen(s);
	struct entry *e = xmalloc(sizeof(*e) + n + 1);
	e->refs = 1;
	e->hash = h;
	memcpy(e->text, s, n + 1);
	if (free_at != (size_t)-1) {
		slots[free_at] = e;
	} else {
		slots[i] = e;
		used++;
	}
	live++;
	return e->text;
}

void intern_put(const char *s)
{
	if (!s)
		return;
	struct entry *e = entry_of(s);
	if (--e->refs)
		return;
	size_t i = e->hash & (cap - 1);
	while (slots[i] != e)
		i = (i + 1) & (cap - 1);
	slots[i] = GONE;
	live--;
	free(e);
	if (!live) {
		/* the last one: give the table back too */
		free(slots);
		slots = NULL;
		cap = used = 0;
	}
}

size_t intern_count(void)
{
	return live;
}
