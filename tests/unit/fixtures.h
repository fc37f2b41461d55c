/* fixtures.h: reading fixture files for the unit tests. Static inline so each
 * test program that includes it gets its own copy and no extra object file.
 * Needs <cmocka.h> included first for REF (which skips the test). */
#ifndef BINNACLE_TEST_FIXTURES_H
#define BINNACLE_TEST_FIXTURES_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

/* The whole file at path, NUL-terminated, or NULL when it cannot be opened.
 * The caller frees it. */
static inline char *fixture_read_path(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b;
	buf_init(&b);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	if (!b.data)
		buf_append(&b, "", 0);
	*len = b.len;
	return buf_steal(&b);
}

/* The top source dir: $top_srcdir, else ".". */
static inline const char *fixture_top_srcdir(void)
{
	const char *top = getenv("top_srcdir");
	return top && *top ? top : ".";
}

/* The reference folder: $BINNACLE_REFERENCE_DIR, else ../shared/reference
 * beside the top source dir ($top_srcdir, else "."). */
static inline char *ref_read(const char *name, size_t *len)
{
	const char *dir = getenv("BINNACLE_REFERENCE_DIR");
	char *path;
	if (dir && *dir)
		path = xasprintf("%s/docker/%s", dir, name);
	else
		path = xasprintf("%s/../shared/reference/docker/%s", fixture_top_srcdir(), name);
	char *data = fixture_read_path(path, len);
	free(path);
	return data;
}

/* Declares var/len holding a reference file, or skips the test without it. */
#define REF(var, len, name)                                                                                  \
	size_t len = 0;                                                                                      \
	char *var = ref_read(name, &len);                                                                    \
	if (!var)                                                                                            \
		skip()

#endif
