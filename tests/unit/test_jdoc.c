/* test_jdoc.c: the fast JSON reader: values and escapes (surrogate pairs,
 * lone surrogates, \u0000), the accessors' "absent is none" rules, numbers
 * saturated like jsonget, malformed and hostile input refused with a
 * sentence, map text, re-serialisation, and equivalence with json-c on every
 * JSON file of the shared reference folder (skipped when it is absent). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <json-c/json.h>

#include "tests/unit/fixtures.h"
#include "backends/codec/jdoc.h"
#include "backends/util/util.h"

static struct jnode *parse(const char *text)
{
	char err[ERRLEN] = "";
	struct jnode *d = jdoc_parse(text, strlen(text), err, sizeof(err));
	if (!d)
		fail_msg("parse %s: %s", text, err);
	return d;
}

static void test_values(void **state)
{
	(void)state;
	struct jnode *d = parse(" {\"a\": 1, \"b\": [true, false, null, \"x\"], \"c\": {\"d\": -2.5e1}, \"e\": {} , \"f\": []} ");
	assert_int_equal(d->type, JN_OBJECT);
	assert_int_equal(jn_len(d), 5);
	int64_t v = 0;
	assert_true(jn_int(d, "a", &v));
	assert_int_equal(v, 1);
	const struct jnode *b = jn_arr(d, "b");
	assert_int_equal(jn_len(b), 4);
	assert_int_equal(jn_idx(b, 0)->type, JN_TRUE);
	assert_int_equal(jn_idx(b, 1)->type, JN_FALSE);
	assert_int_equal(jn_idx(b, 2)->type, JN_NULL);
	assert_string_equal(jn_text(jn_idx(b, 3)), "x");
	assert_null(jn_idx(b, 4));
	/* going back works too */
	assert_int_equal(jn_idx(b, 1)->type, JN_FALSE);
	assert_true(jn_int(jn_obj(d, "c"), "d", &v));
	assert_int_equal(v, -25);
	assert_int_equal(jn_len(jn_obj(d, "e")), 0);
	assert_null(jn_first(jn_obj(d, "e")));
	assert_int_equal(jn_len(jn_arr(d, "f")), 0);
	/* absent, null and the wrong type all read as none */
	assert_null(jn_str(d, "a"));
	assert_null(jn_obj(d, "b"));
	assert_null(jn_arr(d, "zz"));
	assert_false(jn_bool(d, "a"));
	assert_false(jn_int(d, "b", &v));
	assert_null(jn_field(NULL, "a"));
	assert_int_equal(jn_len(NULL), 0);
	/* siblings after a nested subtree are found */
	assert_non_null(jn_arr(d, "f"));
	/* iteration with keys */
	const char *keys[5];
	size_t n = 0;
	for (const struct jnode *it = jn_first(d); it; it = jn_next(d, it))
		keys[n++] = jn_key_of(it);
	assert_int_equal(n, 5);
	assert_string_equal(keys[0], "a");
	assert_string_equal(keys[4], "f");
	jdoc_free(d);
	jdoc_free(NULL);
}

static void test_escapes(void **state)
{
	(void)state;
	struct jnode *d = parse("[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\", \"\\u00e9\\u20ac\", \"\\ud83d\\ude00\", \"\\ud800x\", "
				"\"nul\\u0000end\", \"\"]");
	assert_string_equal(jn_text(jn_idx(d, 0)), "a\"b\\c/d\b\f\n\r\t");
	assert_string_equal(jn_text(jn_idx(d, 1)), "\xc3\xa9\xe2\x82\xac");
	assert_string_equal(jn_text(jn_idx(d, 2)), "\xf0\x9f\x98\x80");
	/* a lone surrogate and a NUL become U+FFFD: no broken UTF-8, no cut string */
	assert_string_equal(jn_text(jn_idx(d, 3)), "\xef\xbf\xbdx");
	assert_string_equal(jn_text(jn_idx(d, 4)), "nul\xef\xbf\xbd" "end");
	assert_string_equal(jn_text(jn_idx(d, 5)), "");
	assert_int_equal(jn_idx(d, 1)->len, 5);
	jdoc_free(d);
}

static void test_numbers(void **state)
{
	(void)state;
	struct jnode *d = parse("{\"big\": 99999999999999999999, \"neg\": -99999999999999999999, \"max\": 9223372036854775807,"
				"\"min\": -9223372036854775808, \"frac\": 3.99, \"exp\": 1e30, \"nexp\": -1e30}");
	int64_t v;
	assert_true(jn_int(d, "big", &v));
	assert_true(v == INT64_MAX);
	assert_true(jn_int(d, "neg", &v));
	assert_true(v == INT64_MIN);
	assert_true(jn_int(d, "max", &v));
	assert_true(v == INT64_MAX);
	assert_true(jn_int(d, "min", &v));
	assert_true(v == INT64_MIN);
	assert_true(jn_int(d, "frac", &v));
	assert_int_equal(v, 3);
	assert_true(jn_int(d, "exp", &v));
	assert_true(v == INT64_MAX);
	assert_true(jn_int(d, "nexp", &v));
	assert_true(v == INT64_MIN);
	jdoc_free(d);
}

static void test_malformed(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "   ", "{", "[1,", "{\"a\" 1}", "{\"a\":}", "{1:2}", "[1 2]", "\"open", "tru", "nul", "[\"\\x\"]",
		"[\"\\u12\"]", "{\"a\":1,}", "[1]]", "{} {}", "-", "@",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[ERRLEN] = "";
		struct jnode *d = jdoc_parse(bad[i], strlen(bad[i]), err, sizeof(err));
		if (d)
			fail_msg("accepted %s", bad[i]);
		assert_non_null(strstr(err, "malformed JSON"));
	}
	/* nesting past the limit is refused without touching the C stack */
	size_t depth = 100000;
	char *deep = xmalloc(depth * 2 + 1);
	memset(deep, '[', depth);
	memset(deep + depth, ']', depth);
	deep[depth * 2] = '\0';
	char err[ERRLEN] = "";
	assert_null(jdoc_parse(deep, depth * 2, err, sizeof(err)));
	assert_non_null(strstr(err, "nested too deeply"));
	free(deep);
	/* not NUL-terminated: only len bytes are read */
	struct jnode *d = jdoc_parse("[1]garbage", 3, err, sizeof(err));
	assert_non_null(d);
	jdoc_free(d);
}

static void test_map_text_and_json(void **state)
{
	(void)state;
	struct jnode *d = parse("{\"labels\": {\"tier\": \"db\", \"app\": \"web\", \"n\": 3}, \"s\": \"q\\\"\\n\"}");
	char *m = jn_map_text(jn_obj(d, "labels"));
	assert_string_equal(m, "app=web,n=,tier=db");
	free(m);
	assert_null(jn_map_text(jn_obj(d, "nope")));
	char *j = jn_to_json(d);
	assert_string_equal(j, "{\"labels\":{\"tier\":\"db\",\"app\":\"web\",\"n\":3},\"s\":\"q\\\"\\u000a\"}");
	free(j);
	jdoc_free(d);
}

/* ---- equivalence with json-c on real payloads ---- */

static void same(const struct jnode *n, struct json_object *o, const char *file)
{
	switch (json_object_get_type(o)) {
	case json_type_null:
		assert_int_equal(n->type, JN_NULL);
		break;
	case json_type_boolean:
		assert_int_equal(n->type, json_object_get_boolean(o) ? JN_TRUE : JN_FALSE);
		break;
	case json_type_int: {
		int64_t v;
		assert_true(jn_as_int(n, &v));
		if (v != json_object_get_int64(o))
			fail_msg("%s: %lld != %lld", file, (long long)v, (long long)json_object_get_int64(o));
		break;
	}
	case json_type_double:
		assert_int_equal(n->type, JN_NUMBER);
		break;
	case json_type_string:
		assert_int_equal(n->type, JN_STRING);
		assert_int_equal(n->len, json_object_get_string_len(o));
		assert_memory_equal(n->s, json_object_get_string(o), n->len);
		break;
	case json_type_array: {
		assert_int_equal(n->type, JN_ARRAY);
		assert_int_equal(jn_len(n), json_object_array_length(o));
		size_t i = 0;
		for (const struct jnode *it = jn_first(n); it; it = jn_next(n, it))
			same(it, json_object_array_get_idx(o, i++), file);
		assert_int_equal(i, jn_len(n));
		break;
	}
	case json_type_object: {
		assert_int_equal(n->type, JN_OBJECT);
		assert_int_equal(jn_len(n), json_object_object_length(o));
		json_object_object_foreach(o, key, val)
		{
			const struct jnode *v = jn_field(n, key);
			if (!v)
				fail_msg("%s: key %s missing", file, key);
			same(v, val, file);
		}
		break;
	}
	}
}

static void test_reference_equivalence(void **state)
{
	(void)state;
	const char *env = getenv("BINNACLE_REFERENCE_DIR");
	char *top = env && *env ? xstrdup(env) : xasprintf("%s/../shared/reference", fixture_top_srcdir());
	static const char *const dirs[] = {"kubernetes", "docker", "ecs", "registry"};
	size_t checked = 0;
	for (size_t k = 0; k < sizeof(dirs) / sizeof(dirs[0]); k++) {
		char *dir = xasprintf("%s/%s", top, dirs[k]);
		DIR *dp = opendir(dir);
		for (struct dirent *e; dp && (e = readdir(dp));) {
			if (!str_ends(e->d_name, ".json"))
				continue;
			char *path = xasprintf("%s/%s", dir, e->d_name);
			size_t len = 0;
			char *text = fixture_read_path(path, &len);
			struct json_object *o = text ? json_tokener_parse(text) : NULL;
			if (o) {
				char err[ERRLEN] = "";
				struct jnode *d = jdoc_parse(text, len, err, sizeof(err));
				if (!d)
					fail_msg("%s: %s", path, err);
				same(d, o, e->d_name);
				jdoc_free(d);
				checked++;
			}
			json_object_put(o);
			free(text);
			free(path);
		}
		if (dp)
			closedir(dp);
		free(dir);
	}
	free(top);
	if (!checked)
		skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_map_text_and_json),
		cmocka_unit_test(test_reference_equivalence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
