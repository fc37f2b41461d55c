/* test_jsonyaml.c: the JSON to YAML converter behind "describe as YAML":
 * exact output for a nested document, the quoting of strings YAML would
 * misread, malformed input, and a round-trip property checked with libyaml
 * (through yamltree) on random troublesome strings and on every JSON file
 * of the shared reference folder (skipped when absent). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <dirent.h>
#include <inttypes.h>
#include <math.h>
#include <regex.h>

#include <json-c/json.h>

#include "tests/unit/fixtures.h"
#include "backends/codec/jsonyaml.h"
#include "backends/util/util.h"
#include "backends/codec/yamltree.h"

/* ---- helpers ---- */

static char *convert(const char *json)
{
	char err[ERRLEN] = "";
	char *y = jsonyaml_convert(json, strlen(json), err, sizeof(err));
	if (!y)
		fail_msg("convert %s: %s", json, err);
	return y;
}

static void expect_yaml(const char *json, const char *yaml)
{
	char *y = convert(json);
	if (strcmp(y, yaml))
		fail_msg("JSON %s\nwant:\n%s\ngot:\n%s", json, yaml, y);
	free(y);
}

/* The value line for {"k": s}: what a string looks like after "k: ". */
static void expect_scalar(const char *s, const char *yaml_value)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "k", json_object_new_string_len(s, (int)strlen(s)));
	char *want = xasprintf("k: %s\n", yaml_value);
	expect_yaml(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), want);
	free(want);
	json_object_put(o);
}

/* ---- an independent idea of what a plain scalar means ---- */

/* YAML 1.1 as PyYAML resolves it, and YAML 1.2's core schema: a plain
 * scalar matching one of these is not read as a string. */
static const char *const non_string_patterns[] = {
	"^(y|yes|n|no|true|false|on|off|null|~)$",
	"^$",
	"^[-+]?(0b[01_]+|0[0-7_]+|(0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(:[0-5]?[0-9])+)$",
	"^([-+]?[0-9][0-9_]*\\.[0-9_]*([eE][-+][0-9]+)?|\\.[0-9][0-9_]*([eE][-+][0-9]+)?"
	"|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN))$",
	"^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$",
	"^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$",
	"^<<$",
};
#define N_PATTERNS (sizeof(non_string_patterns) / sizeof(non_string_patterns[0]))
static regex_t patterns[N_PATTERNS];

static int group_setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_PATTERNS; i++)
		if (regcomp(&patterns[i], non_string_patterns[i], REG_EXTENDED | REG_NOSUB | (i == 0 ? REG_ICASE : 0)))
			return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_PATTERNS; i++)
		regfree(&patterns[i]);
	return 0;
}

static bool plain_means_string(const char *s)
{
	for (size_t i = 0; i < N_PATTERNS; i++)
		if (!regexec(&patterns[i], s, 0, NULL, 0))
			return false;
	return true;
}

/* ---- structural comparison ---- */

/* Checks that y is what j became, failing with the path otherwise. Maps
 * must have the same keys in the same order; strings must be identical and
 * either quoted or not readable as anything else; numbers equal in value. */
static void same_tree(json_object *j, const struct ynode *y, const char *path)
{
	assert_non_null(y);
	enum json_type t = json_object_get_type(j);
	if (t == json_type_object) {
		if (y->type != YNODE_MAP)
			fail_msg("%s: want a map, got %s", path, ynode_type_name(y->type));
		if ((size_t)json_object_object_length(j) != y->n)
			fail_msg("%s: want %d keys, got %zu", path, json_object_object_length(j), y->n);
		size_t i = 0;
		json_object_object_foreach(j, key, val)
		{
			if (strcmp(key, y->keys[i]))
				fail_msg("%s: key %zu: want \"%s\", got \"%s\"", path, i, key, y->keys[i]);
			char *sub = xasprintf("%s.%s", path, key);
			same_tree(val, y->items[i], sub);
			free(sub);
			i++;
		}
		return;
	}
	if (t == json_type_array) {
		if (y->type != YNODE_SEQ)
			fail_msg("%s: want a list, got %s", path, ynode_type_name(y->type));
		if (json_object_array_length(j) != y->n)
			fail_msg("%s: want %zu items, got %zu", path, json_object_array_length(j), y->n);
		for (size_t i = 0; i < y->n; i++) {
			char *sub = xasprintf("%s[%zu]", path, i);
			same_tree(json_object_array_get_idx(j, i), y->items[i], sub);
			free(sub);
		}
		return;
	}
	if (y->type != YNODE_SCALAR)
		fail_msg("%s: want a scalar, got %s", path, ynode_type_name(y->type));
	const char *v = y->value;
	if (t == json_type_string) {
		const char *s = json_object_get_string(j);
		if (strcmp(s, v))
			fail_msg("%s: want string \"%s\", got \"%s\"", path, s, v);
		if (!y->quoted && !plain_means_string(v))
			fail_msg("%s: \"%s\" is unquoted but YAML reads it as a non-string", path, v);
		return;
	}
	if (y->quoted)
		fail_msg("%s: non-string %s came out quoted", path, v);
	char *end;
	switch (t) {
	case json_type_null:
		assert_string_equal(v, "null");
		break;
	case json_type_boolean:
		assert_string_equal(v, json_object_get_boolean(j) ? "true" : "false");
		break;
	case json_type_int:
		if (json_object_get_int64(j) == INT64_MAX) {
			uint64_t u = strtoull(v, &end, 10);
			if (*end || u != json_object_get_uint64(j))
				fail_msg("%s: want %" PRIu64 ", got %s", path, json_object_get_uint64(j), v);
		} else {
			int64_t n = strtoll(v, &end, 10);
			if (*end || n != json_object_get_int64(j))
				fail_msg("%s: want %" PRId64 ", got %s", path, json_object_get_int64(j), v);
		}
		if (plain_means_string(v))
			fail_msg("%s: integer %s would read as a string", path, v);
		break;
	case json_type_double: {
		double d = strtod(v, &end);
		if (*end || d != json_object_get_double(j))
			fail_msg("%s: want %.17g, got %s", path, json_object_get_double(j), v);
		if (plain_means_string(v))
			fail_msg("%s: number %s would read as a string", path, v);
		break;
	}
	default:
		fail_msg("%s: unexpected JSON type", path);
	}
}

/* Converts json, reads the YAML back and compares the trees. */
static void round_trip(const char *json, size_t len, const char *name)
{
	char err[ERRLEN] = "";
	json_object *j = json_tokener_parse(json);
	assert_non_null(j);
	char *y = jsonyaml_convert(json, len, err, sizeof(err));
	if (!y)
		fail_msg("%s: %s", name, err);
	struct ynode *root = yaml_load_buf(y, strlen(y), name, err, sizeof(err));
	if (!root)
		fail_msg("%s: the YAML does not parse: %s\n%s", name, err, y);
	same_tree(j, root, name);
	ynode_free(root);
	free(y);
	json_object_put(j);
}

/* ---- exact output ---- */

static void test_nested(void **state)
{
	(void)state;
	expect_yaml("{\"apiVersion\": \"v1\", \"kind\": \"Pod\","
	       " \"metadata\": {\"name\": \"web-0\", \"labels\": {\"app\": \"web\", \"tier\": \"1\"},"
	       "   \"annotations\": {}, \"finalizers\": []},"
	       " \"spec\": {\"containers\": [{\"name\": \"nginx\", \"image\": \"nginx:1.25\","
	       "   \"args\": [\"-g\", \"daemon off;\"], \"ports\": [{\"containerPort\": 80}],"
	       "   \"env\": [{\"name\": \"DEBUG\", \"value\": \"true\"}, {\"name\": \"EMPTY\", \"value\": \"\"}]}],"
	       "   \"matrix\": [[1, 2], [], [{}]], \"replicas\": 3, \"ratio\": 0.25, \"paused\": false,"
	       "   \"nodeName\": null},"
	       " \"status\": {\"startTime\": \"2024-01-02T03:04:05Z\", \"message\": \"line one\\nline two\\n\"}}",
	       "apiVersion: v1\n"
	       "kind: Pod\n"
	       "metadata:\n"
	       "  name: web-0\n"
	       "  labels:\n"
	       "    app: web\n"
	       "    tier: \"1\"\n"
	       "  annotations: {}\n"
	       "  finalizers: []\n"
	       "spec:\n"
	       "  containers:\n"
	       "    - name: nginx\n"
	       "      image: nginx:1.25\n"
	       "      args:\n"
	       "        - \"-g\"\n"
	       "        - daemon off;\n"
	       "      ports:\n"
	       "        - containerPort: 80\n"
	       "      env:\n"
	       "        - name: DEBUG\n"
	       "          value: \"true\"\n"
	       "        - name: EMPTY\n"
	       "          value: \"\"\n"
	       "  matrix:\n"
	       "    - - 1\n"
	       "      - 2\n"
	       "    - []\n"
	       "    - - {}\n"
	       "  replicas: 3\n"
	       "  ratio: 0.25\n"
	       "  paused: false\n"
	       "  nodeName: null\n"
	       "status:\n"
	       "  startTime: 2024-01-02T03:04:05Z\n"
	       "  message: |\n"
	       "    line one\n"
	       "    line two\n");
}

static void test_top_level(void **state)
{
	(void)state;
	expect_yaml("null", "null\n");
	expect_yaml(" true ", "true\n");
	expect_yaml("42", "42\n");
	expect_yaml("\"true\"", "\"true\"\n");
	expect_yaml("\"plain\"", "plain\n");
	expect_yaml("\"two\\nlines\"", "|-\n  two\n  lines\n");
	expect_yaml("{}", "{}\n");
	expect_yaml("[]", "[]\n");
	expect_yaml("[1, \"a\", [], {}, null]", "- 1\n- a\n- []\n- {}\n- null\n");
	expect_yaml("[{\"a\": 1, \"b\": [2]}]", "- a: 1\n  b:\n    - 2\n");
	expect_yaml("[[[\"x\"]]]", "- - - x\n");
}

static void test_numbers(void **state)
{
	(void)state;
	expect_yaml("[0, -7, 9223372036854775807, -9223372036854775808, 18446744073709551615]",
	       "- 0\n- -7\n- 9223372036854775807\n- -9223372036854775808\n- 18446744073709551615\n");
	/* shortest text that reads back exactly, and still visibly a float */
	expect_yaml("[1.0, 0.1, 1.5, -0.0, 1e20, 2.5e-7, 0.30000000000000004, 1.7976931348623157e308, 5e-324]",
	       "- 1.0\n- 0.1\n- 1.5\n- -0.0\n- 1.0e+20\n- 2.5e-07\n- 0.30000000000000004\n"
	       "- 1.7976931348623157e+308\n- 5.0e-324\n");
	expect_yaml("[1e400, -1e400]", "- .inf\n- -.inf\n");
}

static void test_quoting(void **state)
{
	(void)state;
	/* empty and surrounding spaces */
	expect_scalar("", "\"\"");
	expect_scalar(" x", "\" x\"");
	expect_scalar("x ", "\"x \"");
	expect_scalar(" ", "\" \"");
	/* words YAML reads as booleans or null, in any case */
	static const char *const words[] = {"true", "False", "TRUE", "yes", "Yes", "NO", "no", "on", "On",
					    "OFF", "off", "y", "Y", "n", "N", "null", "Null", "NULL",
					    "~", "<<"};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		char *q = xasprintf("\"%s\"", words[i]);
		expect_scalar(words[i], q);
		free(q);
	}
	/* numbers of every YAML flavour */
	static const char *const numbers[] = {"0", "123", "-1", "+1", "0x1F", "0XfF", "0o17", "0755", "0b101",
					      "089", "1_000", "1e5", "1E5", "1e-5", "1.0e+3", "1.5", ".5",
					      "1.", "-2.5", ".inf", "-.Inf", "+.INF", ".nan", ".NaN",
					      "12:30", "1:20:30.5"};
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		char *q = xasprintf("\"%s\"", numbers[i]);
		expect_scalar(numbers[i], q);
		free(q);
	}
	/* every indicator at the start */
	const char *ind = "-?:,[]{}#&*!|>'%@`";
	for (const char *p = ind; *p; p++) {
		char s[4] = {*p, 'x', 0}, q[8];
		snprintf(q, sizeof(q), "\"%s\"", s);
		expect_scalar(s, q);
	}
	expect_scalar("\"x", "\"\\\"x\"");
	expect_scalar("- x", "\"- x\"");
	expect_scalar("---", "\"---\"");
	expect_scalar("...", "\"...\"");
	/* what ends a plain scalar inside it */
	expect_scalar("a: b", "\"a: b\"");
	expect_scalar("a #b", "\"a #b\"");
	expect_scalar("key:", "\"key:\"");
	/* control and non-printable characters, escaped JSON-style */
	expect_scalar("a\tb", "\"a\\tb\"");
	expect_scalar("a\rb", "\"a\\rb\"");
	expect_scalar("a\rb\nc", "\"a\\rb\\nc\"");
	expect_scalar("tab\t\nline", "\"tab\\t\\nline\"");
	expect_scalar("\b\f\x01\x1f", "\"\\b\\f\\u0001\\u001F\"");
	expect_scalar("del\x7f", "\"del\\u007F\"");
	expect_scalar("nel\xc2\x85", "\"nel\\u0085\"");
	expect_scalar("ls\xe2\x80\xa8ps\xe2\x80\xa9", "\"ls\\u2028ps\\u2029\"");
	expect_scalar("\xef\xbb\xbf" "bom", "\"\\uFEFFbom\"");
	expect_scalar("bad\xff", "\"bad\\uFFFD\"");
	expect_scalar("quote\" and \\ \t", "\"quote\\\" and \\\\ \\t\"");
	/* fine as they are */
	expect_scalar("2024-01-02T03:04:05Z", "2024-01-02T03:04:05Z");
	expect_scalar("2024-01-02", "2024-01-02");
	expect_scalar("1.2.3", "1.2.3");
	expect_scalar("v1", "v1");
	expect_scalar("a:b", "a:b");
	expect_scalar("http://x:80/p?q=1#frag", "http://x:80/p?q=1#frag");
	expect_scalar("a#b", "a#b");
	expect_scalar("say \"hi\"", "say \"hi\"");
	expect_scalar("C:\\dir", "C:\\dir");
	expect_scalar("x-y", "x-y");
	expect_scalar("yes sir", "yes sir");
	expect_scalar("nullable", "nullable");
	expect_scalar("inf", "inf");
	expect_scalar("h\xc3\xa9llo \xe2\x9c\x93", "h\xc3\xa9llo \xe2\x9c\x93");
	expect_scalar("8080:80/tcp", "8080:80/tcp");
	expect_scalar("0x", "0x");
	expect_scalar(".", ".");
	expect_scalar("e5", "e5");
}

static void test_literal_blocks(void **state)
{
	(void)state;
	expect_scalar("a\nb", "|-\n  a\n  b");
	expect_scalar("a\nb\n", "|\n  a\n  b");
	expect_scalar("a\n\n", "|+\n  a\n");
	expect_scalar("a\n\nb", "|-\n  a\n\n  b");
	expect_scalar(" a\nb", "|2-\n   a\n  b");
	expect_scalar("\na", "|2-\n\n  a");
	expect_scalar("a: b\n# c\n- d", "|-\n  a: b\n  # c\n  - d");
	expect_scalar("trail \n", "|\n  trail ");
	/* only newlines: nothing for a literal block to hold */
	expect_scalar("\n", "\"\\n\"");
	expect_scalar("\n\n", "\"\\n\\n\"");
	/* nested content moves in with its parent */
	expect_yaml("{\"a\": {\"b\": [\"x\\ny\", {\"c\": \" p\\nq\\n\"}]}}",
	       "a:\n  b:\n    - |-\n      x\n      y\n    - c: |2\n         p\n        q\n");
}

static void test_keys(void **state)
{
	(void)state;
	expect_yaml("{\"yes\": 1, \"\": 2, \"a b\": 3, \"-k\": 4, \"k\\n\": 5, \"1\": 6, \"a: b\": 7, \"ok\": 8}",
	       "\"yes\": 1\n\"\": 2\na b: 3\n\"-k\": 4\n\"k\\n\": 5\n\"1\": 6\n\"a: b\": 7\nok: 8\n");
	/* duplicate JSON keys: the last value, where the key first appeared */
	expect_yaml("{\"a\": 1, \"b\": 2, \"a\": 3}", "a: 3\nb: 2\n");
	/* keys too long for an implicit key become explicit */
	char key[1201];
	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	char *json = xasprintf("[{\"%s\": {\"x\": 1}, \"s\": 2}]", key);
	char *want = xasprintf("- ? %s\n  :\n    x: 1\n  s: 2\n", key);
	expect_yaml(json, want);
	round_trip(json, strlen(json), "long key");
	free(json);
	free(want);
}

static void test_malformed(void **state)
{
	(void)state;
	static const char *const bad[] = {"", "   ", "{", "{\"a\" 1}", "[1,]", "{} x", "nul", "'a'",
					  "[1] [2]", "\"open", "{\"a\": tru}"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[ERRLEN] = "";
		char *y = jsonyaml_convert(bad[i], strlen(bad[i]), err, sizeof(err));
		if (y)
			fail_msg("accepted %s as:\n%s", bad[i], y);
		size_t n = strlen(err);
		if (n < 10 || err[n - 1] != '.')
			fail_msg("%s: no sentence: \"%s\"", bad[i], err);
	}
	char err[ERRLEN] = "";
	assert_null(jsonyaml_convert("", 0, err, sizeof(err)));
	assert_string_equal(err, "The JSON document is empty.");
	assert_null(jsonyaml_convert("{\"a\": [1,", 9, err, sizeof(err)));
	assert_string_equal(err, "The JSON document ends too early.");
	/* only the first len bytes count, and a trailing NUL is harmless */
	char *y = jsonyaml_convert("[1]garbage", 3, err, sizeof(err));
	assert_string_equal(y, "- 1\n");
	free(y);
	y = jsonyaml_convert("[1]\n", 5, err, sizeof(err));
	assert_string_equal(y, "- 1\n");
	free(y);
	assert_null(jsonyaml_convert("[1]\0x", 5, NULL, 0));
}

/* ---- round trips ---- */

static void test_round_trip_tricky(void **state)
{
	(void)state;
	static const char *const strs[] = {
		"", " ", "x ", " x", "true", "Yes", "~", "null", "0x1F", "0755", "1e5", ".inf", "12:30",
		"-", "- x", "-x", "?", "? x", ":", ": x", "a:", "a: b", "a #b", "#", "[a]", "{a}", "&a", "*a",
		"!a", "|", ">", "'a'", "\"a\"", "%a", "@a", "`a", "...", "---", "a\nb", "a\nb\n", "a\n\n",
		"a\n\n\n", " a\n b", "\na", "\n\n a", "a\n ", "a\n \n", "\t", "a\rb", "\x01", "\x7f",
		"\xc2\x85", "\xe2\x80\xa8", "\xef\xbb\xbf", "h\xc3\xa9", "<<", "=", "a,b", "a]b", "C:\\x",
	};
	json_object *doc = json_object_new_object(), *list = json_object_new_array();
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		json_object_array_add(list, json_object_new_string(strs[i]));
		json_object *m = json_object_new_object();
		json_object_object_add(m, strs[i], json_object_new_string(strs[i]));
		json_object_object_add(m, "nested", json_object_new_string(strs[i]));
		json_object_array_add(list, m);
		json_object_object_add(doc, strs[i], json_object_new_string(strs[i]));
	}
	json_object_object_add(doc, "list", list);
	const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
	round_trip(text, strlen(text), "tricky");
	json_object_put(doc);
}

/* Many short random strings from an alphabet of YAML's troublemakers, as
 * keys, values and list items; a fixed seed keeps failures reproducible. */
static void test_round_trip_random(void **state)
{
	(void)state;
	static const char *const alphabet[] = {" ",  "\n", "-", ":", "#", "?", "a", "1", ".", "e", "x",
					       "0",  "\"", "'", "\\", "\t", "|", ">", "!", "&", "*", "{",
					       "[",  ",",  "~", "%", "@", "`", "\xc3\xa9", "\r", "Y",
					       "n",  "o",  "+", "_", "<", "\xe2\x80\xa8"};
	size_t nalpha = sizeof(alphabet) / sizeof(alphabet[0]);
	uint32_t seed = 12345;
	for (int round = 0; round < 40; round++) {
		json_object *doc = json_object_new_object(), *list = json_object_new_array();
		for (int i = 0; i < 250; i++) {
			char s[64] = "";
			seed = seed * 1103515245u + 12345u;
			int n = (int)((seed >> 16) % 7);
			for (int k = 0; k < n; k++) {
				seed = seed * 1103515245u + 12345u;
				strcat(s, alphabet[(seed >> 16) % nalpha]);
			}
			json_object_object_add(doc, s, json_object_new_string(s));
			json_object_array_add(list, json_object_new_string(s));
		}
		json_object_object_add(doc, "~list~", list);
		const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
		round_trip(text, strlen(text), "random");
		json_object_put(doc);
	}
}

/* The reference folder, found as fixtures.h finds it. */
static char *reference_dir(const char *sub)
{
	const char *dir = getenv("BINNACLE_REFERENCE_DIR");
	if (dir && *dir)
		return xasprintf("%s/%s", dir, sub);
	return xasprintf("%s/../shared/reference/%s", fixture_top_srcdir(), sub);
}

static void test_round_trip_reference(void **state)
{
	(void)state;
	static const char *const subs[] = {"docker", "kubernetes"};
	int files = 0;
	for (size_t s = 0; s < 2; s++) {
		char *dir = reference_dir(subs[s]);
		DIR *d = opendir(dir);
		if (!d) {
			free(dir);
			continue;
		}
		struct dirent *e;
		while ((e = readdir(d))) {
			if (!str_ends(e->d_name, ".json"))
				continue;
			char *path = xasprintf("%s/%s", dir, e->d_name);
			size_t len = 0;
			char *text = fixture_read_path(path, &len);
			assert_non_null(text);
			round_trip(text, len, e->d_name);
			free(text);
			free(path);
			files++;
		}
		closedir(d);
		free(dir);
	}
	if (!files)
		skip();
	print_message("round-tripped %d reference files\n", files);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_top_level),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_literal_blocks),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_round_trip_tricky),
		cmocka_unit_test(test_round_trip_random),
		cmocka_unit_test(test_round_trip_reference),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
