/* test_kube_watch.c: the Kubernetes watch stream decoder against the real
 * watch streams of the reference folder (skipped when it is absent), fed
 * whole, a byte at a time and split in two at every byte, plus the edges a
 * live stream has: bookmarks, in-stream 410s, a callback ending the watch
 * mid-chunk, blank lines, CRLF, malformed lines and split UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "tests/unit/fixtures.h"
#include "backends/kube/watchstream.h"
#include "backends/util/util.h"

/* ---- recording what the decoder reports ---- */

struct seen {
	enum kube_watch_event type;
	char name[256]; /* object.metadata.name; "" when it has none */
	char rv[128];   /* ws->rv as fn saw it */
	int code;
	char msg[256];
	bool initial_end; /* a bookmark carrying k8s.io/initial-events-end */
};

struct rec {
	struct kube_watch_stream *ws;
	struct seen *ev;
	size_t n, cap;
	size_t stop_after; /* fn returns false on this event (1-based); 0 never */
};

static const char *meta_str(struct json_object *obj, const char *key)
{
	struct json_object *meta, *v;
	if (json_object_object_get_ex(obj, "metadata", &meta) && json_object_object_get_ex(meta, key, &v))
		return json_object_get_string(v);
	return "";
}

static bool record(void *arg, enum kube_watch_event type, struct json_object *obj, int code, const char *msg)
{
	struct rec *r = arg;
	assert_non_null(obj);
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->ev = xrealloc(r->ev, r->cap * sizeof(*r->ev));
	}
	struct seen *s = &r->ev[r->n++];
	memset(s, 0, sizeof(*s));
	s->type = type;
	snprintf(s->name, sizeof(s->name), "%s", meta_str(obj, "name"));
	snprintf(s->rv, sizeof(s->rv), "%s", r->ws->rv);
	s->code = code;
	if (type == KW_ERROR) {
		assert_non_null(msg);
		snprintf(s->msg, sizeof(s->msg), "%s", msg);
	} else {
		assert_null(msg);
		assert_int_equal(code, 0);
	}
	struct json_object *meta, *ann, *v;
	s->initial_end = json_object_object_get_ex(obj, "metadata", &meta) &&
			 json_object_object_get_ex(meta, "annotations", &ann) &&
			 json_object_object_get_ex(ann, "k8s.io/initial-events-end", &v) &&
			 !strcmp(json_object_get_string(v), "true");
	return r->n != r->stop_after;
}

static void rec_init(struct rec *r, struct kube_watch_stream *ws)
{
	memset(r, 0, sizeof(*r));
	r->ws = ws;
	kube_watch_stream_init(ws);
}

static void rec_cleanup(struct rec *r)
{
	kube_watch_stream_cleanup(r->ws);
	free(r->ev);
}

static void assert_same(const struct rec *want, const struct rec *got, const char *how)
{
	if (got->n != want->n)
		fail_msg("%s: %zu events, want %zu", how, got->n, want->n);
	for (size_t i = 0; i < want->n; i++) {
		const struct seen *a = &want->ev[i], *b = &got->ev[i];
		if (a->type != b->type || strcmp(a->name, b->name) || strcmp(a->rv, b->rv) || a->code != b->code ||
		    strcmp(a->msg, b->msg) || a->initial_end != b->initial_end)
			fail_msg("%s: event %zu is (%d, %s, %s), want (%d, %s, %s)", how, i, b->type, b->name, b->rv,
				 a->type, a->name, a->rv);
	}
}

/* Feeds text as the given chunks (cuts: ascending offsets where a chunk ends). */
static void feed_cut(struct rec *r, const char *text, size_t len, const size_t *cuts, size_t ncuts)
{
	size_t at = 0;
	for (size_t i = 0; i <= ncuts; i++) {
		size_t end = i < ncuts ? cuts[i] : len;
		assert_true(kube_watch_stream_feed(r->ws, text + at, end - at, record, r));
		at = end;
	}
}

static void feed_str(struct rec *r, const char *text)
{
	assert_true(kube_watch_stream_feed(r->ws, text, strlen(text), record, r));
}

/* ---- fixtures ---- */

/* A file of the reference folder's kubernetes/ directory, or NULL. */
static char *kref_read(const char *name, size_t *len)
{
	const char *dir = getenv("BINNACLE_REFERENCE_DIR");
	char *path = dir && *dir ? xasprintf("%s/kubernetes/%s", dir, name)
				 : xasprintf("%s/../shared/reference/kubernetes/%s", fixture_top_srcdir(), name);
	char *text = fixture_read_path(path, len);
	free(path);
	return text;
}

#define KREF(var, len, name)                                                                                 \
	size_t len = 0;                                                                                      \
	char *var = kref_read(name, &len);                                                                   \
	if (!var)                                                                                            \
	skip()

/* What the file says, line by line, read without the decoder. */
static void oracle(const char *text, struct rec *want)
{
	char *copy = xstrdup(text);
	static struct kube_watch_stream none; /* only its rv is read */
	none.rv[0] = '\0';
	want->ws = &none;
	for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
		struct json_object *ev = json_tokener_parse(line), *type, *obj;
		assert_non_null(ev);
		assert_true(json_object_object_get_ex(ev, "type", &type));
		assert_true(json_object_object_get_ex(ev, "object", &obj));
		const char *t = json_object_get_string(type);
		enum kube_watch_event et = !strcmp(t, "ADDED")	  ? KW_ADDED
					   : !strcmp(t, "MODIFIED") ? KW_MODIFIED
					   : !strcmp(t, "DELETED")  ? KW_DELETED
					   : !strcmp(t, "BOOKMARK") ? KW_BOOKMARK
								    : KW_ERROR;
		struct json_object *v;
		int code = 0;
		const char *msg = NULL;
		if (et == KW_ERROR) {
			code = json_object_object_get_ex(obj, "code", &v) ? json_object_get_int(v) : 0;
			msg = json_object_object_get_ex(obj, "message", &v) ? json_object_get_string(v) : "";
		} else if (*meta_str(obj, "resourceVersion")) {
			snprintf(none.rv, sizeof(none.rv), "%s", meta_str(obj, "resourceVersion"));
		}
		record(want, et, obj, code, msg);
		json_object_put(ev);
	}
	free(copy);
}

static const char *const streams[] = {
	"watch_crd_foobars_v1.36.ndjson",
	"watch_error_410_expired.ndjson",
	"watch_pods_added_modified_deleted_real.ndjson",
	"watch_pods_sendInitialEvents_bookmark_v1.36.ndjson",
	"watch_pods_stream_v1.36.ndjson",
};

/* Every reference stream gives the same (type, name, rv) sequence whole, a
 * byte at a time, and cut in two at any byte. Two-piece cuts are tried at
 * every byte of the small streams; on the large ones (each full decode parses
 * tens of KB) at every byte near a line end, where framing bugs live, and on
 * a stride elsewhere, so the test stays quick under valgrind. The byte at a
 * time feed already puts a chunk boundary at every byte of every stream. */
static void test_reference_streams_any_split(void **state)
{
	(void)state;
	int found = 0;
	for (size_t f = 0; f < sizeof(streams) / sizeof(streams[0]); f++) {
		size_t len = 0;
		char *text = kref_read(streams[f], &len);
		if (!text)
			continue;
		found++;
		struct rec want = {0};
		oracle(text, &want);
		assert_true(want.n > 0);

		struct kube_watch_stream ws;
		struct rec got;
		rec_init(&got, &ws);
		feed_cut(&got, text, len, NULL, 0);
		assert_same(&want, &got, streams[f]);
		assert_int_equal(ws.malformed, 0);
		assert_int_equal(ws.line.len, 0);
		rec_cleanup(&got);

		rec_init(&got, &ws);
		for (size_t i = 0; i < len; i++)
			assert_true(kube_watch_stream_feed(&ws, text + i, 1, record, &got));
		assert_same(&want, &got, "a byte at a time");
		assert_int_equal(ws.line.len, 0);
		rec_cleanup(&got);

		size_t stride = len <= 4096 ? 1 : len / 64;
		for (size_t cut = 0; cut <= len; cut++) {
			bool near_nl = false;
			for (size_t d = cut >= 3 ? cut - 3 : 0; d < cut + 3 && d < len; d++)
				near_nl |= text[d] == '\n';
			if (!near_nl && cut % stride)
				continue;
			rec_init(&got, &ws);
			feed_cut(&got, text, len, &cut, 1);
			char how[128];
			snprintf(how, sizeof(how), "%s cut at %zu", streams[f], cut);
			assert_same(&want, &got, how);
			rec_cleanup(&got);
		}
		free(want.ev);
		free(text);
	}
	if (!found)
		skip();
}

/* ADDED, MODIFIED (graceful delete) and DELETED, each with its own version. */
static void test_added_modified_deleted(void **state)
{
	(void)state;
	KREF(text, len, "watch_pods_added_modified_deleted_real.ndjson");
	struct kube_watch_stream ws;
	struct rec r;
	rec_init(&r, &ws);
	feed_cut(&r, text, len, NULL, 0);
	static const enum kube_watch_event types[] = {KW_ADDED,	   KW_ADDED,	KW_MODIFIED,
						      KW_MODIFIED, KW_MODIFIED, KW_DELETED};
	static const char *const rvs[] = {"744176", "744186", "759935", "760008", "760031", "760032"};
	assert_int_equal(r.n, 6);
	for (size_t i = 0; i < r.n; i++) {
		assert_int_equal(r.ev[i].type, types[i]);
		assert_string_equal(r.ev[i].rv, rvs[i]);
		assert_string_equal(r.ev[i].name, i ? "network-tool" : "network-tool1");
	}
	assert_string_equal(ws.rv, "760032");
	rec_cleanup(&r);
	free(text);
}

/* The initial events end with a bookmark: it has no object to show, only a
 * version, which it moves. */
static void test_bookmark_moves_only_rv(void **state)
{
	(void)state;
	KREF(text, len, "watch_pods_sendInitialEvents_bookmark_v1.36.ndjson");
	struct kube_watch_stream ws;
	struct rec r;
	rec_init(&r, &ws);
	feed_cut(&r, text, len, NULL, 0);
	assert_true(r.n >= 2);
	for (size_t i = 0; i + 1 < r.n; i++) {
		assert_int_equal(r.ev[i].type, KW_ADDED);
		assert_true(r.ev[i].name[0]);
		assert_false(r.ev[i].initial_end);
	}
	const struct seen *b = &r.ev[r.n - 1];
	assert_int_equal(b->type, KW_BOOKMARK);
	assert_string_equal(b->name, "");
	assert_true(b->initial_end);
	assert_string_equal(b->rv, "550");
	assert_string_equal(ws.rv, "550");
	rec_cleanup(&r);
	free(text);

	/* by hand: the bookmark's version replaces the last event's */
	rec_init(&r, &ws);
	feed_str(&r, "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"7\"}}}\n"
		     "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"resourceVersion\":\"12\"},"
		     "\"spec\":{\"containers\":null},\"status\":{}}}\n");
	assert_int_equal(r.n, 2);
	assert_string_equal(r.ev[0].rv, "7");
	assert_int_equal(r.ev[1].type, KW_BOOKMARK);
	assert_string_equal(r.ev[1].rv, "12");
	assert_string_equal(ws.rv, "12");
	rec_cleanup(&r);
}

/* An in-stream 410 is a KW_ERROR with the Status's code and message; it does
 * not touch the version (the caller decides to relist). */
static void test_error_410(void **state)
{
	(void)state;
	KREF(text, len, "watch_error_410_expired.ndjson");
	struct kube_watch_stream ws;
	struct rec r;
	rec_init(&r, &ws);
	snprintf(ws.rv, sizeof(ws.rv), "%s", "1");
	r.stop_after = 1; /* as watch.c does: an ERROR ends the watch */
	assert_false(kube_watch_stream_feed(&ws, text, len, record, &r));
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].type, KW_ERROR);
	assert_int_equal(r.ev[0].code, 410);
	assert_string_equal(r.ev[0].msg, "too old resource version: 1 (3171407)");
	assert_non_null(strstr(r.ev[0].msg, "too old resource version"));
	assert_string_equal(ws.rv, "1");
	assert_int_equal(ws.line.len, 0); /* the second error went with the watch */
	rec_cleanup(&r);
	free(text);

	/* a non-410 error, and one without code or message */
	rec_init(&r, &ws);
	feed_str(&r, "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":"
		     "\"etcdserver: request timed out\",\"reason\":\"InternalError\",\"code\":500}}\n"
		     "{\"type\":\"ERROR\",\"object\":{}}\n");
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[0].code, 500);
	assert_string_equal(r.ev[0].msg, "etcdserver: request timed out");
	assert_int_equal(r.ev[1].code, 0);
	assert_string_equal(r.ev[1].msg, "");
	rec_cleanup(&r);
}

#define EV(type, name, rv)                                                                                   \
	"{\"type\":\"" type "\",\"object\":{\"metadata\":{\"name\":\"" name "\",\"resourceVersion\":\"" rv "\"}}}"

/* fn returning false stops at once: later events of the same chunk are not
 * delivered and the partial line is dropped; the next watch starts clean. */
static void test_stop_mid_chunk(void **state)
{
	(void)state;
	struct kube_watch_stream ws;
	struct rec r;
	rec_init(&r, &ws);
	r.stop_after = 2;
	const char *chunk = EV("ADDED", "a", "1") "\n" EV("MODIFIED", "a", "2") "\n" EV("DELETED", "a",
											   "3") "\n{\"type\":\"AD";
	assert_false(kube_watch_stream_feed(&ws, chunk, strlen(chunk), record, &r));
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[1].type, KW_MODIFIED);
	assert_string_equal(ws.rv, "2");
	assert_int_equal(ws.line.len, 0);
	r.stop_after = 0;
	feed_str(&r, EV("DELETED", "a", "3") "\n");
	assert_int_equal(r.n, 3);
	assert_int_equal(r.ev[2].type, KW_DELETED);
	assert_string_equal(ws.rv, "3");
	rec_cleanup(&r);
}

/* Reset forgets a partial line but keeps the version to resume from. */
static void test_reset_keeps_rv(void **state)
{
	(void)state;
	struct kube_watch_stream ws;
	struct rec r;
	rec_init(&r, &ws);
	feed_str(&r, EV("ADDED", "a", "41") "\n{\"type\":\"MODIFIED\",\"obj");
	kube_watch_stream_reset(&ws);
	assert_int_equal(ws.line.len, 0);
	assert_string_equal(ws.rv, "41");
	feed_str(&r, EV("MODIFIED", "a", "42") "\n");
	assert_int_equal(r.n, 2);
	assert_string_equal(r.ev[1].rv, "42");
	assert_int_equal(ws.malformed, 0);
	rec_cleanup(&r);
}

static void test_blank_lines_and_crlf(void **state)
{
	(void)state;
	struct kube_watch_stream ws;
	struct rec r;
	rec_init(&r, &ws);
	feed_str(&r, "\n\r\n" EV("ADDED", "a", "1") "\r\n\n" EV("MODIFIED", "a", "2") "\r");
	assert_int_equal(r.n, 1);
	feed_str(&r, "\n\r\n\n");
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[0].type, KW_ADDED);
	assert_int_equal(r.ev[1].type, KW_MODIFIED);
	assert_string_equal(r.ev[1].rv, "2");
	assert_int_equal(ws.malformed, 0);
	rec_cleanup(&r);
}

/* Bad lines are skipped and counted; the events around them still arrive. */
static void test_malformed_skipped(void **state)
{
	(void)state;
	struct kube_watch_stream ws;
	struct rec r;
	rec_init(&r, &ws);
	feed_str(&r, EV("ADDED", "a", "1") "\n"
				       "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"b\",\n" /* cut short */
				       "not json at all\n"
				       "{\"object\":{}}\n"				     /* no type */
				       "{\"type\":\"ADDED\"}\n"				     /* no object */
				       "{\"type\":7,\"object\":{}}\n"			     /* type not a string */
				       "{\"type\":\"ADDED\",\"object\":null}\n"		     /* object not an object */
				       "{\"type\":\"SURPRISE\",\"object\":{\"metadata\":{\"resourceVersion\":\"5\"}}}\n"
				       "[1,2,3]\n" EV("DELETED", "a", "9") "\n");
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[0].type, KW_ADDED);
	assert_int_equal(r.ev[1].type, KW_DELETED);
	assert_string_equal(r.ev[1].rv, "9");
	assert_int_equal(ws.malformed, 8);
	rec_cleanup(&r);
}

/* A chunk boundary inside a multi-byte UTF-8 character (and inside a \u
 * escape) does not corrupt the name. */
static void test_utf8_split(void **state)
{
	(void)state;
	const char *line = "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"caf\xc3\xa9-\xe2\x9c\x93-\xf0\x9f\x9a\xa2"
			   "\\u00e9\",\"resourceVersion\":\"3\"}}}\n";
	size_t len = strlen(line);
	const char *want = "caf\xc3\xa9-\xe2\x9c\x93-\xf0\x9f\x9a\xa2\xc3\xa9";
	for (size_t cut = 0; cut <= len; cut++) {
		struct kube_watch_stream ws;
		struct rec r;
		rec_init(&r, &ws);
		feed_cut(&r, line, len, &cut, 1);
		assert_int_equal(r.n, 1);
		assert_string_equal(r.ev[0].name, want);
		assert_string_equal(r.ev[0].rv, "3");
		rec_cleanup(&r);
	}
	/* the cut that matters, by name: inside the four-byte ship */
	const char *ship = strstr(line, "\xf0\x9f");
	size_t cut = (size_t)(ship - line) + 2;
	struct kube_watch_stream ws;
	struct rec r;
	rec_init(&r, &ws);
	assert_true(kube_watch_stream_feed(&ws, line, cut, record, &r));
	assert_int_equal(r.n, 0);
	assert_true(kube_watch_stream_feed(&ws, line + cut, len - cut, record, &r));
	assert_int_equal(r.n, 1);
	assert_string_equal(r.ev[0].name, want);
	rec_cleanup(&r);
}

/* A large object in many small chunks: nothing arrives until its '\n'. */
static void test_partial_until_newline(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"big\",\"resourceVersion\":\"77\"},\"data\":\"");
	for (int i = 0; i < 100000; i++)
		buf_putc(&b, (char)('a' + i % 26));
	buf_puts(&b, "\"}}\n");
	struct kube_watch_stream ws;
	struct rec r;
	rec_init(&r, &ws);
	for (size_t at = 0; at < b.len; at += 1000) {
		size_t n = b.len - at < 1000 ? b.len - at : 1000;
		assert_true(kube_watch_stream_feed(&ws, b.data + at, n, record, &r));
		assert_int_equal(r.n, at + n == b.len ? 1 : 0);
	}
	assert_string_equal(r.ev[0].name, "big");
	assert_string_equal(ws.rv, "77");
	rec_cleanup(&r);
	buf_cleanup(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_streams_any_split),
		cmocka_unit_test(test_added_modified_deleted),
		cmocka_unit_test(test_bookmark_moves_only_rv),
		cmocka_unit_test(test_error_410),
		cmocka_unit_test(test_stop_mid_chunk),
		cmocka_unit_test(test_reset_keeps_rv),
		cmocka_unit_test(test_blank_lines_and_crlf),
		cmocka_unit_test(test_malformed_skipped),
		cmocka_unit_test(test_utf8_split),
		cmocka_unit_test(test_partial_until_newline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
