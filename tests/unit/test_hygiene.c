/* test_hygiene.c: the small guards against hostile or careless input that
 * live in the shared helpers: credentials redacted from URLs before they are
 * shown or logged, capped buffer appends, durations too large to be meant
 * (no float-to-int overflow), YAML nested deeper than the builder will go,
 * path segments and field-selector values escaped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/codec/yamltree.h"
#include "backends/net/http.h"
#include "backends/util/util.h"

static void redacted(const char *in, const char *want)
{
	char *out = url_redact(in);
	assert_string_equal(out, want);
	free(out);
}

static void test_url_redact(void **state)
{
	(void)state;
	redacted("https://admin:PASS@example.com:6443/api", "https://***@example.com:6443/api");
	redacted("https://token@example.com", "https://***@example.com");
	/* an '@' inside the password: everything up to the last one goes */
	redacted("https://u:p@ss@host/x", "https://***@host/x");
	/* an '@' in the path or query is not a credential */
	redacted("https://host/a@b?c=d@e", "https://host/a@b?c=d@e");
	redacted("unix:///run/podman/podman.sock", "unix:///run/podman/podman.sock");
	redacted("tcp://user:pw@build:2376", "tcp://***@build:2376");
	redacted("not a url", "not a url");
	assert_null(url_redact(NULL));
}

static void test_buf_append_max(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b);
	assert_true(buf_append_max(&b, "abcd", 4, 8));
	assert_true(buf_append_max(&b, "efgh", 4, 8));
	assert_false(buf_append_max(&b, "i", 1, 8));
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "abcdefgh");
	/* a length that would wrap around size_t is refused too */
	assert_false(buf_append_max(&b, "x", SIZE_MAX, SIZE_MAX - 2));
	buf_cleanup(&b);
}

static void test_durations(void **state)
{
	(void)state;
	assert_int_equal(parse_duration_ms("2s"), 2000);
	assert_int_equal(parse_duration_ms("500ms"), 500);
	assert_int_equal(parse_duration_ms("1.5m"), 90000);
	assert_int_equal(parse_duration_ms("3"), 3000);
	assert_int_equal(parse_duration_ms("1e3ms"), 1000);
	/* past a hundred years, or not a decimal number: refused, not converted */
	assert_int_equal(parse_duration_ms("1e300s"), -1);
	assert_int_equal(parse_duration_ms("1e400"), -1);
	assert_int_equal(parse_duration_ms("101y"), -1);
	assert_int_equal(parse_duration_ms("inf"), -1);
	assert_int_equal(parse_duration_ms("nan"), -1);
	assert_int_equal(parse_duration_ms("0x10s"), -1);
	assert_int_equal(parse_duration_ms("-1s"), -1);
	assert_int_equal(parse_duration_ms(""), -1);
}

static void test_yaml_depth(void **state)
{
	(void)state;
	char err[ERRLEN];
	struct buf y;
	buf_init(&y);
	/* 60,000 levels of flow lists: a sentence, not a stack overflow */
	for (int i = 0; i < 60000; i++)
		buf_putc(&y, '[');
	struct ynode *n = yaml_load_buf(y.data, y.len, "deep.yaml", err, sizeof(err));
	assert_null(n);
	assert_non_null(strstr(err, "deep.yaml:"));
	assert_non_null(strstr(err, "nested more than 64 levels deep"));
	/* block mappings the same */
	buf_reset(&y);
	for (int i = 0; i < 100; i++)
		buf_printf(&y, "%*sk%d:\n", i, "", i);
	n = yaml_load_buf(y.data, y.len, "deep.yaml", err, sizeof(err));
	assert_null(n);
	assert_non_null(strstr(err, "nested more than 64 levels deep"));
	/* as deep as allowed still loads */
	buf_reset(&y);
	for (int i = 0; i < YAML_MAX_DEPTH; i++)
		buf_putc(&y, '[');
	for (int i = 0; i < YAML_MAX_DEPTH; i++)
		buf_putc(&y, ']');
	n = yaml_load_buf(y.data, y.len, "ok.yaml", err, sizeof(err));
	assert_non_null(n);
	ynode_free(n);
	buf_cleanup(&y);
}

static void test_escape(void **state)
{
	(void)state;
	char *e = http_escape_str("web/../x?y=1&z#\r\n");
	assert_string_equal(e, "web%2F..%2Fx%3Fy%3D1%26z%23%0D%0A");
	free(e);
	e = http_escape_str(NULL);
	assert_string_equal(e, "");
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_redact),   cmocka_unit_test(test_buf_append_max),
		cmocka_unit_test(test_durations),    cmocka_unit_test(test_yaml_depth),
		cmocka_unit_test(test_escape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
