/* test_yamljson.c: YAML back to JSON, as kubectl edit's text is read:
 * YAML 1.1 scalars (yes/no/on/off, ~), quoted and block scalars as
 * strings, comments and an empty document, line and column in errors; and
 * every JSON file of the reference folder through jsonyaml and back again
 * gives the same JSON (skipped when the folder is absent). */
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
#include "backends/codec/jsonyaml.h"
#include "backends/codec/yamljson.h"
#include "backends/util/util.h"

static void expect(const char *yaml, const char *json)
{
	char err[ERRLEN] = "";
	char *out = yamljson_convert(yaml, strlen(yaml), err, sizeof(err));
	if (!out)
		fail_msg("%s: %s", yaml, err);
	assert_string_equal(out, json);
	free(out);
}

static void test_scalars(void **state)
{
	(void)state;
	expect("a: yes\nb: Off\nc: \"yes\"\nd: ~\ne: null\nf: 12\ng: -1.5e3\nh: 012\ni: '7'\nj: x y\nk:\n",
	       "{\"a\":true,\"b\":false,\"c\":\"yes\",\"d\":null,\"e\":null,\"f\":12,\"g\":-1.5e3,\"h\":\"012\","
	       "\"i\":\"7\",\"j\":\"x y\",\"k\":null}");
	/* block scalars are strings, whatever they say */
	expect("a: |\n  true\nb: >-\n  12\n", "{\"a\":\"true\\n\",\"b\":\"12\"}");
	expect("# the edit's header\n- 1\n- [a, {b: c}]\n", "[1,[\"a\",{\"b\":\"c\"}]]");
	expect("s: \"tab\\there \\\"q\\\"\"\n", "{\"s\":\"tab\\there \\\"q\\\"\"}");
}

static void test_empty_and_errors(void **state)
{
	(void)state;
	char err[ERRLEN] = "x";
	const char *comments = "# nothing\n   \n# at all\n";
	assert_null(yamljson_convert(comments, strlen(comments), err, sizeof(err)));
	assert_string_equal(err, "");
	assert_null(yamljson_convert("", 0, err, sizeof(err)));
	assert_string_equal(err, "");
	const char *bad = "a: 1\nb: [unclosed\n";
	assert_null(yamljson_convert(bad, strlen(bad), err, sizeof(err)));
	assert_non_null(strstr(err, "the edited text:"));
}

/* json-c equality, numbers by value. */
static bool same(struct json_object *a, struct json_object *b)
{
	if (json_object_get_type(a) != json_object_get_type(b)) {
		bool na = json_object_is_type(a, json_type_int) || json_object_is_type(a, json_type_double);
		bool nb = json_object_is_type(b, json_type_int) || json_object_is_type(b, json_type_double);
		return na && nb && json_object_get_double(a) == json_object_get_double(b);
	}
	switch (json_object_get_type(a)) {
	case json_type_object: {
		if (json_object_object_length(a) != json_object_object_length(b))
			return false;
		json_object_object_foreach(a, k, v)
		{
			struct json_object *w;
			if (!json_object_object_get_ex(b, k, &w) || !same(v, w))
				return false;
		}
		return true;
	}
	case json_type_array:
		if (json_object_array_length(a) != json_object_array_length(b))
			return false;
		for (size_t i = 0; i < json_object_array_length(a); i++)
			if (!same(json_object_array_get_idx(a, i), json_object_array_get_idx(b, i)))
				return false;
		return true;
	case json_type_string:
		return !strcmp(json_object_get_string(a), json_object_get_string(b));
	case json_type_int:
		return json_object_get_int64(a) == json_object_get_int64(b);
	case json_type_double:
		return json_object_get_double(a) == json_object_get_double(b);
	case json_type_boolean:
		return json_object_get_boolean(a) == json_object_get_boolean(b);
	default:
		return true;
	}
}

static void test_reference_round_trip(void **state)
{
	(void)state;
	const char *env = getenv("BINNACLE_REFERENCE_DIR");
	char *dir = env && *env ? xasprintf("%s/kubernetes", env)
				: xasprintf("%s/../shared/reference/kubernetes", fixture_top_srcdir());
	DIR *dp = opendir(dir);
	size_t checked = 0;
	for (struct dirent *e; dp && (e = readdir(dp));) {
		if (!str_ends(e->d_name, ".json"))
			continue;
		char *path = xasprintf("%s/%s", dir, e->d_name);
		size_t len = 0;
		char *text = fixture_read_path(path, &len);
		struct json_object *orig = text ? json_tokener_parse(text) : NULL;
		if (orig) {
			char err[ERRLEN] = "";
			char *yaml = jsonyaml_convert(text, len, err, sizeof(err));
			assert_non_null(yaml);
			char *back = yamljson_convert(yaml, strlen(yaml), err, sizeof(err));
			if (!back)
				fail_msg("%s: %s", e->d_name, err);
			struct json_object *again = json_tokener_parse(back);
			if (!again || !same(orig, again))
				fail_msg("%s does not come back the same", e->d_name);
			json_object_put(again);
			free(back);
			free(yaml);
			checked++;
		}
		json_object_put(orig);
		free(text);
		free(path);
	}
	if (dp)
		closedir(dp);
	free(dir);
	if (!checked)
		skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_empty_and_errors),
		cmocka_unit_test(test_reference_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
