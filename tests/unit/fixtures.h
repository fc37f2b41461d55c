/* fixtures.h: reading fixture files and scratch directories for the unit
 * tests. Static inline so each test program that includes it gets its own copy
 * and no extra object file. Needs <cmocka.h> included first (REF skips the
 * test; the scratch helpers assert). */
#ifndef BINNACLE_TEST_FIXTURES_H
#define BINNACLE_TEST_FIXTURES_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "backends/util/util.h"

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

/* A file of the reference folder's subdirectory sub: $BINNACLE_REFERENCE_DIR,
 * else ../shared/reference beside the top source dir ($top_srcdir, else "."). */
static inline char *ref_read_in(const char *sub, const char *name, size_t *len)
{
	const char *dir = getenv("BINNACLE_REFERENCE_DIR");
	char *path;
	if (dir && *dir)
		path = xasprintf("%s/%s/%s", dir, sub, name);
	else
		path = xasprintf("%s/../shared/reference/%s/%s", fixture_top_srcdir(), sub, name);
	char *data = fixture_read_path(path, len);
	free(path);
	return data;
}

static inline char *ref_read(const char *name, size_t *len)
{
	return ref_read_in("docker", name, len);
}

/* Declares var/len holding a reference file, or skips the test without it. */
#define REF(var, len, name)                                                                                  \
	size_t len = 0;                                                                                      \
	char *var = ref_read(name, &len);                                                                    \
	if (!var)                                                                                            \
		skip()

/* The same from a subdirectory of the reference folder ("registry"). */
#define REF_IN(var, len, sub, name)                                                                          \
	size_t len = 0;                                                                                      \
	char *var = ref_read_in(sub, name, &len);                                                            \
	if (!var)                                                                                            \
		skip()

/* ---- scratch directories ---- */

/* Makes a new empty directory /tmp/<prefix>-XXXXXX into dir; returns 0 (for a
 * cmocka setup). */
static inline int fixture_tmpdir_make(char *dir, size_t dirlen, const char *prefix)
{
	snprintf(dir, dirlen, "/tmp/%s-XXXXXX", prefix);
	assert_non_null(mkdtemp(dir));
	return 0;
}

/* Removes dir and all it holds; returns 0 (for a cmocka teardown). */
static inline int fixture_tmpdir_remove(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

/* Writes text to the file at path, created or truncated. */
static inline void fixture_write_path(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

#endif
