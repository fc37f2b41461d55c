/* test_limits.c: the shared guards against servers that send too much or
 * nothing at all, against netlab.py where a server is needed: a body over
 * its cap fails with a sentence (decompressed bytes counted, so a gzip bomb
 * stops at the cap), so do oversized headers; liveness probes a quiet stream
 * and keeps quiet when the server answers, declares the server gone when
 * the probe hangs or its check says no; capped line splitting; the JSON
 * scanner that lets a list page be decoded item by item; a backoff that
 * starts over only after a healthy stretch; a table's stale state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "backends/codec/jsonget.h"
#include "backends/codec/jsonscan.h"
#include "backends/model/store.h"
#include "backends/net/backoff.h"
#include "backends/net/calls.h"
#include "backends/net/liveness.h"
#include "backends/net/loop.h"
#include "backends/net/timer.h"
#include "backends/util/limits.h"
#include "backends/util/lines.h"
#include "tests/unit/netlab.h"

/* ---- caps on what a response may hold ---- */

struct got {
	int done;
	long status;
	bool over;
	size_t len;
	char error[ERRLEN];
};

static void got_it(void *arg, const struct http_result *res)
{
	struct got *g = arg;
	g->done++;
	g->status = res->status;
	g->over = res->over_limit;
	g->len = res->len;
	snprintf(g->error, sizeof(g->error), "%s", res->error ? res->error : "");
}

static bool is_done(void *arg)
{
	return ((struct got *)arg)->done > 0;
}

static void fetch(int port, const char *path, size_t max, struct got *g)
{
	char base[64];
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
	struct http_target t = {.base_url = base};
	struct http_req *r = http_req_new(&t, "GET", path);
	if (max)
		http_req_max_body(r, max);
	http_req_timeout(r, 20000);
	http_req_callback(r, got_it, g);
	memset(g, 0, sizeof(*g));
	http_req_start(r);
	assert_true(netlab_turn_until(is_done, g));
}

static void test_body_caps(void **state)
{
	(void)state;
	struct netlab lab;
	if (!netlab_start(&lab, false))
		skip();
	struct got g;
	fetch(lab.port, "/big?n=1000", 0, &g);
	assert_int_equal(g.status, 200);
	assert_false(g.over);
	assert_int_equal(g.len, 1000);
	/* one byte over the cap: a failed request with a sentence, not a partial body */
	fetch(lab.port, "/big?n=1048577", 1 << 20, &g);
	assert_true(g.over);
	assert_int_equal(g.status, 200);
	assert_non_null(strstr(g.error, "sent a response larger than 1 MiB"));
	/* 16 MiB of zeros in a few KiB of gzip: the inflated bytes are what count */
	fetch(lab.port, "/bomb?n=16777216", 1 << 20, &g);
	assert_true(g.over);
	assert_non_null(strstr(g.error, "larger than 1 MiB"));
	fetch(lab.port, "/bomb?n=1000", 1 << 20, &g);
	assert_false(g.over);
	assert_int_equal(g.len, 1000);
	/* 300 KiB of headers */
	fetch(lab.port, "/headers?n=3000", 0, &g);
	assert_true(g.over);
	assert_non_null(strstr(g.error, "KiB of response headers"));
	netlab_stop(&lab);
}

/* ---- liveness ---- */

struct watcher {
	struct http_target target;
	struct calls calls;
	struct liveness live;
	const char *probe;   /* the probe's path */
	bool check_ok;       /* what the check hook answers */
	int checks, gone;
	char why[ERRLEN];
	char base[64];
};

static void w_probe_path(void *owner, char *buf, size_t len)
{
	struct watcher *w = owner;
	snprintf(buf, len, "%s", w->probe);
}

static bool w_check(void *owner, const struct http_result *res, char *why, size_t whylen)
{
	struct watcher *w = owner;
	(void)res;
	w->checks++;
	if (!w->check_ok)
		snprintf(why, whylen, "the check found events the stream missed");
	return w->check_ok;
}

static void w_gone(void *owner, const char *why)
{
	struct watcher *w = owner;
	w->gone++;
	snprintf(w->why, sizeof(w->why), "%s", why);
	calls_cancel_all(&w->calls, why);
}

static const struct liveness_ops w_ops = {.probe_path = w_probe_path, .check = w_check, .gone = w_gone};

static bool w_stream(void *arg, const char *data, size_t len)
{
	(void)arg;
	(void)data;
	(void)len;
	return true;
}

static void w_ended(void *arg, const struct http_result *res)
{
	(void)arg;
	(void)res;
}

static void watcher_start(struct watcher *w, int port, const char *probe)
{
	memset(w, 0, sizeof(*w));
	snprintf(w->base, sizeof(w->base), "http://127.0.0.1:%d", port);
	w->target.base_url = w->base;
	w->probe = probe;
	w->check_ok = true;
	calls_init(&w->calls, &w->target, w);
	liveness_init(&w->live, &w_ops, &w->calls, w, 300, 500);
	struct calls_req *c = calls_new(&w->calls, sizeof(*c), "GET", "/silent", 0, w_ended);
	calls_stream(c, w_stream);
	calls_start(c);
	liveness_start(&w->live);
}

static void watcher_stop(struct watcher *w)
{
	liveness_cleanup(&w->live);
	calls_cleanup(&w->calls);
}

static bool probed_thrice(void *arg)
{
	return ((struct watcher *)arg)->live.probes >= 3;
}

static bool went(void *arg)
{
	return ((struct watcher *)arg)->gone > 0;
}

static void test_liveness(void **state)
{
	(void)state;
	struct netlab lab;
	if (!netlab_start(&lab, false))
		skip();
	struct watcher w;
	/* a quiet stream on a server that answers: probed now and again, never gone */
	watcher_start(&w, lab.port, "/hello");
	assert_true(netlab_turn_until(probed_thrice, &w));
	assert_int_equal(w.gone, 0);
	assert_true(w.checks >= 2);
	watcher_stop(&w);
	/* the probe gets no answer in time: gone, with the transport's sentence */
	watcher_start(&w, lab.port, "/silent");
	assert_true(netlab_turn_until(went, &w));
	assert_int_equal(w.gone, 1);
	assert_non_null(strstr(w.why, "did not answer in time"));
	assert_false(w.live.running);
	watcher_stop(&w);
	/* an answer that shows the data cannot be trusted: gone too */
	watcher_start(&w, lab.port, "/hello");
	w.check_ok = false;
	assert_true(netlab_turn_until(went, &w));
	assert_string_equal(w.why, "the check found events the stream missed");
	watcher_stop(&w);
	/* a server error is no proof of life */
	watcher_start(&w, lab.port, "/busy");
	assert_true(netlab_turn_until(went, &w));
	assert_non_null(strstr(w.why, "HTTP 503"));
	watcher_stop(&w);
	netlab_stop(&lab);
}

/* ---- capped lines ---- */

struct collected {
	char text[512];
	int n;
};

static bool collect(void *arg, char *line, size_t len)
{
	struct collected *c = arg;
	size_t used = strlen(c->text);
	snprintf(c->text + used, sizeof(c->text) - used, "[%.*s]", (int)len, line);
	c->n++;
	return c->n < 100;
}

static void test_lines(void **state)
{
	(void)state;
	struct lines l;
	struct collected c = {"", 0};
	lines_init(&l, 8);
	assert_int_equal(lines_feed(&l, "ab\r\ncd", 6, collect, &c), LINES_OK);
	assert_int_equal(lines_feed(&l, "ef\n\nghij", 8, collect, &c), LINES_OK);
	assert_int_equal(lines_flush(&l, collect, &c), LINES_OK);
	assert_string_equal(c.text, "[ab][cdef][][ghij]");
	/* eight bytes fit, nine do not, however they arrive */
	c.text[0] = '\0';
	assert_int_equal(lines_feed(&l, "12345678\n", 9, collect, &c), LINES_OK);
	assert_int_equal(lines_feed(&l, "12345", 5, collect, &c), LINES_OK);
	assert_int_equal(lines_feed(&l, "6789", 4, collect, &c), LINES_TOO_LONG);
	assert_int_equal(l.line.len, 0);
	assert_string_equal(c.text, "[12345678]");
	lines_cleanup(&l);
}

/* ---- a list page, item by item ---- */

struct members {
	char keys[128];
	const char *items;
	size_t itemslen;
};

static bool member(void *arg, const char *key, size_t klen, const char *v, size_t vlen)
{
	struct members *m = arg;
	size_t used = strlen(m->keys);
	snprintf(m->keys + used, sizeof(m->keys) - used, "%.*s;", (int)klen, key);
	if (klen == 5 && !memcmp(key, "items", 5)) {
		m->items = v;
		m->itemslen = vlen;
	}
	return true;
}

struct parsed {
	int ok, bad;
};

static bool parse_item(void *arg, const char *v, size_t vlen)
{
	struct parsed *p = arg;
	json_object *o = jsonscan_parse(v, vlen, LIMIT_JSON_DEPTH);
	if (o)
		p->ok++;
	else
		p->bad++;
	json_object_put(o);
	return true;
}

static void test_jsonscan(void **state)
{
	(void)state;
	const char *page = " {\"kind\":\"PodList\",\"metadata\":{\"continue\":\"x\\\"y\"},"
			   "\"items\":[{\"a\":\"]}\"},[1,2],3,\"s\",null]} ";
	struct members m = {"", NULL, 0};
	assert_int_equal(jsonscan_object(page, strlen(page), member, &m), 0);
	assert_string_equal(m.keys, "kind;metadata;items;");
	assert_int_equal(jsonscan_array(m.items, m.itemslen, NULL, NULL), 5);
	assert_int_equal(jsonscan_array("[]", 2, NULL, NULL), 0);
	assert_int_equal(jsonscan_array("[1,", 3, NULL, NULL), -1);
	assert_int_equal(jsonscan_object("[]", 2, member, &m), -1);
	assert_int_equal(jsonscan_object("{\"a\":1", 6, member, &m), -1);
	/* one item 100,000 levels deep among good ones: skipped, the rest kept */
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "[{\"ok\":1},");
	for (int i = 0; i < 100000; i++)
		buf_puts(&b, "{\"a\":");
	buf_puts(&b, "1");
	for (int i = 0; i < 100000; i++)
		buf_putc(&b, '}');
	buf_puts(&b, ",{\"ok\":2},{\"broken\":}]");
	struct parsed p = {0, 0};
	assert_int_equal(jsonscan_array(b.data, b.len, parse_item, &p), 4);
	assert_int_equal(p.ok, 2);
	assert_int_equal(p.bad, 2);
	buf_cleanup(&b);
	/* trailing garbage after a value is not that value */
	assert_null(jsonscan_parse("{} x", 4, 8));
	json_object *o = jsonscan_parse("42", 2, 8);
	assert_non_null(o);
	json_object_put(o);
}

/* ---- backoff: a healthy stretch before it starts over ---- */

static uint64_t lowest(void *arg)
{
	(void)arg;
	return 0;
}

static void test_backoff_healthy_stretch(void **state)
{
	(void)state;
	struct backoff b;
	backoff_set_random(lowest, NULL);
	clock_pin(1000000, 0);
	backoff_init(&b, 500, 30000);
	assert_int_equal(backoff_next(&b), 500);
	assert_int_equal(backoff_next(&b), 1000);
	assert_int_equal(backoff_next(&b), 2000);
	/* a first byte, then a failure soon after: the series goes on */
	backoff_success(&b);
	clock_pin(1000000 + 5000, 0);
	assert_int_equal(backoff_next(&b), 4000);
	/* a minute of success with no failure: it starts over */
	backoff_success(&b);
	backoff_success(&b);
	clock_pin(1000000 + 5000 + BACKOFF_HEALTHY_MS, 0);
	assert_int_equal(backoff_next(&b), 500);
	/* far into an outage, a refused connection is asked again within 5 s;
	 * one answered with an error waits the whole series */
	for (int i = 0; i < 10; i++)
		backoff_next(&b);
	struct http_result refused = {.error = "cannot connect", .refused = true};
	struct http_result failed = {.error = "did not answer in time"};
	assert_int_equal(backoff_after(&b, &refused), BACKOFF_REFUSED_MAX_MS);
	assert_int_equal(backoff_after(&b, &failed), 15000);
	assert_int_equal(backoff_after(&b, NULL), 15000);
	clock_pin(0, 0);
	backoff_set_random(NULL, NULL);
}

/* ---- a table that is not live ---- */

static void test_table_stale(void **state)
{
	(void)state;
	struct store *s = store_new();
	struct rtable *t = store_table(s, "pods", 2);
	clock_pin(5000, 1700000000);
	uint64_t gen = s->gen;
	rtable_set_error(s, t, "HTTP 503");
	assert_string_equal(t->error, "HTTP 503");
	assert_int_equal(t->stale_since, 1700000000);
	assert_true(s->gen > gen);
	/* the newest reason replaces the old; the since-time stays */
	clock_pin(6000, 1700000030);
	rtable_set_error(s, t, "the list did not answer");
	assert_string_equal(t->error, "the list did not answer");
	assert_int_equal(t->stale_since, 1700000000);
	rtable_set_error(s, t, "");
	assert_int_equal(t->stale_since, 0);
	assert_string_equal(t->error, "");
	clock_pin(0, 0);
	store_free(s);
}

static int setup(void **state)
{
	(void)state;
	char err[ERRLEN];
	return http_init(err, sizeof(err));
}

static int teardown(void **state)
{
	(void)state;
	netlab_stop_all();
	http_cleanup();
	loop_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_body_caps),
		cmocka_unit_test(test_liveness),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_jsonscan),
		cmocka_unit_test(test_backoff_healthy_stretch),
		cmocka_unit_test(test_table_stale),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
