/* test_transport.c: the transport layer against netlab.py: HTTP requests
 * and raw upgraded streams (a Docker-style hijack, a WebSocket) to a server
 * reached only through a tunnel (the in-process forwarder of netlab.h),
 * plain and with TLS verified against the server's name; the tunnel's
 * refusal and its failure to reach the far end told as sentences; raw
 * sends that the socket cannot take at once queued, never blocking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/net/http.h"
#include "backends/net/rawconn.h"
#include "backends/net/websocket.h"
#include "tests/unit/netlab.h"

struct got {
	bool done;
	long status;
	char *body, *error;
};

static void on_done(void *arg, const struct http_result *res)
{
	struct got *g = arg;
	g->done = true;
	g->status = res->status;
	g->body = xstrndup(res->body, res->len);
	g->error = xstrdup(res->error);
}

static bool got_done(void *arg)
{
	return ((struct got *)arg)->done;
}

static void got_cleanup(struct got *g)
{
	free(g->body);
	free(g->error);
	memset(g, 0, sizeof(*g));
}

static void get(const struct http_target *t, const char *path, struct got *g)
{
	memset(g, 0, sizeof(*g));
	struct http_req *r = http_req_new(t, "GET", path);
	http_req_timeout(r, 20000);
	http_req_callback(r, on_done, g);
	http_req_start(r);
	assert_true(netlab_turn_until(got_done, g));
}

static void test_http_through_tunnel(void **state)
{
	(void)state;
	struct netlab lab;
	if (!netlab_start(&lab, false))
		skip();
	struct fwd_tunnel fwd;
	fwd_init(&fwd, lab.port);
	/* a name nobody resolves: only the tunnel knows where it is */
	struct http_target t = {.base_url = xstrdup("http://backend.invalid:8080"), .tunnel = &fwd.base};
	struct got g;
	get(&t, "/hello", &g);
	assert_null(g.error);
	assert_int_equal(g.status, 200);
	assert_string_equal(g.body, "hello from netlab\n");
	assert_string_equal(fwd.last_dest, "backend.invalid:8080");
	assert_int_equal(fwd.opened, 1);
	got_cleanup(&g);
	/* the next request rides the same connection */
	get(&t, "/hello", &g);
	assert_int_equal(g.status, 200);
	assert_int_equal(fwd.opened, 1);
	got_cleanup(&g);
	/* a unix socket on the far side is the destination when one is named */
	struct fwd_tunnel fwd2;
	fwd_init(&fwd2, lab.port);
	struct http_target u = {.base_url = xstrdup("http://localhost"),
				.unix_socket = xstrdup("/var/run/docker.sock"),
				.tunnel = &fwd2.base};
	get(&u, "/hello", &g);
	assert_int_equal(g.status, 200);
	assert_string_equal(fwd2.last_dest, "unix:/var/run/docker.sock");
	assert_int_equal(fwd.opened, 1); /* not the other tunnel's connection */
	got_cleanup(&g);
	fwd_done(&fwd2);
	fwd_done(&fwd);
	http_target_cleanup(&u);
	http_target_cleanup(&t);
	netlab_stop(&lab);
}

static void test_tls_through_tunnel(void **state)
{
	(void)state;
	struct netlab lab;
	if (!netlab_start(&lab, true))
		skip();
	struct fwd_tunnel fwd;
	fwd_init(&fwd, lab.port);
	/* verified against "localhost", the name in the certificate, while the
	 * bytes go through the tunnel */
	struct http_target t = {.base_url = xstrdup("https://localhost:9443"),
				.ca_file = xstrdup(lab.cert),
				.tunnel = &fwd.base};
	struct got g;
	get(&t, "/hello", &g);
	assert_null(g.error);
	assert_int_equal(g.status, 200);
	assert_string_equal(g.body, "hello from netlab\n");
	assert_string_equal(fwd.last_dest, "localhost:9443");
	got_cleanup(&g);
	/* tls-server-name: the certificate's name in the URL, the real host in
	 * connect_to: the tunnel is asked for the real host */
	struct fwd_tunnel fwd2;
	fwd_init(&fwd2, lab.port);
	struct http_target s = {.base_url = xstrdup("https://localhost:6443"),
				.connect_to = xstrdup("localhost:6443:10.1.2.3:6443"),
				.ca_file = xstrdup(lab.cert),
				.tunnel = &fwd2.base};
	get(&s, "/hello", &g);
	assert_int_equal(g.status, 200);
	assert_string_equal(fwd2.last_dest, "10.1.2.3:6443");
	got_cleanup(&g);
	fwd_done(&fwd2);
	fwd_done(&fwd);
	http_target_cleanup(&s);
	http_target_cleanup(&t);
	netlab_stop(&lab);
}

static void test_tunnel_failures(void **state)
{
	(void)state;
	struct fwd_tunnel fwd;
	fwd_init(&fwd, 1);
	fwd.refuse = true;
	struct http_target t = {.base_url = xstrdup("http://backend.invalid:8080"),
				.display = xstrdup("backend"),
				.tunnel = &fwd.base};
	struct got g;
	get(&t, "/hello", &g);
	assert_int_equal(g.status, 0);
	assert_non_null(g.error);
	assert_non_null(strstr(g.error, "backend"));
	assert_non_null(strstr(g.error, "the test tunnel is closed"));
	got_cleanup(&g);
	fwd.refuse = false;
	fwd.dead_end = true; /* taken, then the far end cannot be reached */
	get(&t, "/hello", &g);
	assert_int_equal(g.status, 0);
	assert_non_null(g.error);
	assert_non_null(strstr(g.error, "the test tunnel cannot reach backend.invalid:8080"));
	got_cleanup(&g);
	fwd_done(&fwd);
	http_target_cleanup(&t);
}

/* ---- raw streams ---- */

struct raw {
	struct rawconn *c;
	bool opened, ended;
	char *open_error, *end_error;
	struct buf in;
	struct ws ws;
	struct buf msg;
};

static void raw_open(void *arg, const char *error)
{
	struct raw *r = arg;
	r->opened = true;
	r->open_error = xstrdup(error);
}

static void raw_data(void *arg, const char *data, size_t len)
{
	struct raw *r = arg;
	buf_append(&r->in, data, len);
}

static void raw_end(void *arg, const char *error)
{
	struct raw *r = arg;
	r->ended = true;
	r->end_error = xstrdup(error);
}

static const struct rawconn_cb raw_cb = {.open = raw_open, .data = raw_data, .end = raw_end};

static void raw_init(struct raw *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->in);
	buf_init(&r->msg);
	ws_init(&r->ws);
}

static void raw_cleanup(struct raw *r)
{
	rawconn_close(r->c);
	buf_cleanup(&r->in);
	buf_cleanup(&r->msg);
	ws_cleanup(&r->ws);
	free(r->open_error);
	free(r->end_error);
}

static bool has_ended(void *arg)
{
	return ((struct raw *)arg)->ended;
}

/* Reads the upgrade response header off the front. */
static void expect_header(struct raw *r, const char *status_line)
{
	int64_t deadline = mono_ms() + 30000;
	while ((!r->in.data || !strstr(r->in.data, "\r\n\r\n")) && !r->ended && mono_ms() < deadline)
		loop_run_once(100);
	assert_non_null(r->in.data);
	char *end = strstr(r->in.data, "\r\n\r\n");
	assert_non_null(end);
	assert_true(str_starts(r->in.data, status_line));
	buf_consume(&r->in, (size_t)(end - r->in.data) + 4);
}

static const char echo_request[] = "POST /echo HTTP/1.1\r\nHost: lab\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
				   "Content-Length: 0\r\n\r\n";

static void hijack_echo(const struct http_target *t)
{
	struct raw r;
	raw_init(&r);
	r.c = rawconn_open(t, &raw_cb, &r);
	/* the upgrade is queued before the connection exists */
	assert_int_equal(rawconn_send(r.c, echo_request, strlen(echo_request)), 0);
	expect_header(&r, "HTTP/1.1 101");
	assert_true(r.opened);
	assert_null(r.open_error);
	/* more than any socket buffer takes at once: queued, sent as it drains */
	size_t total = 3 * 1024 * 1024 / 2, sent = 0;
	char *blob = xmalloc(total);
	for (size_t i = 0; i < total; i++)
		blob[i] = (char)('a' + i % 23);
	int64_t deadline = mono_ms() + 60000;
	while ((sent < total || r.in.len < total) && !r.ended && mono_ms() < deadline) {
		size_t room = rawconn_room(r.c), n = total - sent < room ? total - sent : room;
		if (n) {
			assert_int_equal(rawconn_send(r.c, blob + sent, n), 0);
			sent += n;
		}
		assert_true(rawconn_queued(r.c) <= RAWCONN_SEND_CAP);
		loop_run_once(100);
	}
	assert_int_equal(r.in.len, total);
	assert_memory_equal(r.in.data, blob, total);
	assert_int_equal(rawconn_send(r.c, blob, RAWCONN_SEND_CAP + 1), -1); /* over the cap: refused whole */
	free(blob);
	/* end of input: the server sees it and ends the stream */
	rawconn_shutdown_write(r.c);
	assert_true(netlab_turn_until(has_ended, &r));
	assert_null(r.end_error);
	raw_cleanup(&r);
}

static void test_raw_direct_and_tunnelled(void **state)
{
	(void)state;
	struct netlab lab;
	if (!netlab_start(&lab, false))
		skip();
	struct http_target direct = {.base_url = xasprintf("http://127.0.0.1:%d", lab.port)};
	hijack_echo(&direct);
	struct fwd_tunnel fwd;
	fwd_init(&fwd, lab.port);
	struct http_target via = {.base_url = xstrdup("http://engine.invalid:2375"), .tunnel = &fwd.base};
	hijack_echo(&via);
	assert_string_equal(fwd.last_dest, "engine.invalid:2375");
	fwd_done(&fwd);
	http_target_cleanup(&via);
	http_target_cleanup(&direct);
	netlab_stop(&lab);
}

static void test_websocket_tls_through_tunnel(void **state)
{
	(void)state;
	struct netlab lab;
	if (!netlab_start(&lab, true))
		skip();
	struct fwd_tunnel fwd;
	fwd_init(&fwd, lab.port);
	struct http_target t = {.base_url = xstrdup("https://localhost:6443"),
				.ca_file = xstrdup(lab.cert),
				.tunnel = &fwd.base};
	struct raw r;
	raw_init(&r);
	r.c = rawconn_open(&t, &raw_cb, &r);
	char *req = ws_handshake_request(&r.ws, "localhost:6443", "/ws", "v5.channel.k8s.io, v4.channel.k8s.io", NULL);
	assert_int_equal(rawconn_send(r.c, req, strlen(req)), 0);
	free(req);
	char err[ERRLEN] = "";
	int h = 1;
	int64_t deadline = mono_ms() + 30000;
	while (h == 1 && !r.ended && mono_ms() < deadline) {
		loop_run_once(100);
		if (r.in.len) {
			h = ws_handshake_response(&r.ws, r.in.data, r.in.len, err, sizeof(err));
			buf_reset(&r.in);
		}
	}
	assert_int_equal(h, 0);
	assert_string_equal(r.ws.protocol, "v5.channel.k8s.io");
	struct buf out;
	buf_init(&out);
	ws_frame(&out, WS_TEXT, "hello through the tunnel", 24);
	ws_frame(&out, WS_PING, "p", 1);
	assert_int_equal(rawconn_send(r.c, out.data, out.len), 0);
	buf_cleanup(&out);
	int opcode = 0, got_text = 0, got_pong = 0;
	deadline = mono_ms() + 30000;
	while ((!got_text || !got_pong) && !r.ended && mono_ms() < deadline) {
		loop_run_once(100);
		if (r.in.len) {
			ws_feed(&r.ws, r.in.data, r.in.len);
			buf_reset(&r.in);
		}
		while (ws_next(&r.ws, &opcode, &r.msg, err, sizeof(err)) == 1) {
			if (opcode == WS_TEXT) {
				assert_int_equal(r.msg.len, 24);
				assert_memory_equal(r.msg.data, "hello through the tunnel", 24);
				got_text++;
			} else if (opcode == WS_PONG) {
				got_pong++;
			}
		}
	}
	assert_int_equal(got_text, 1);
	assert_int_equal(got_pong, 1);
	assert_string_equal(fwd.last_dest, "localhost:6443");
	raw_cleanup(&r);
	fwd_done(&fwd);
	http_target_cleanup(&t);
	netlab_stop(&lab);
}

static void test_raw_connect_failure(void **state)
{
	(void)state;
	struct fwd_tunnel fwd;
	fwd_init(&fwd, 1);
	fwd.refuse = true;
	struct http_target t = {.base_url = xstrdup("http://engine.invalid:2375"), .tunnel = &fwd.base};
	struct raw r;
	raw_init(&r);
	r.c = rawconn_open(&t, &raw_cb, &r);
	assert_int_equal(rawconn_send(r.c, "x", 1), 0);
	/* the route takes the connection, then the tunnel refuses it: the
	 * stream ends at once, and says why */
	assert_true(netlab_turn_until(has_ended, &r));
	assert_true(r.opened);
	assert_null(r.open_error);
	assert_non_null(r.end_error);
	assert_non_null(strstr(r.end_error, "the test tunnel is closed"));
	assert_int_equal(rawconn_room(r.c), 0);
	raw_cleanup(&r);
	/* through TLS the handshake itself fails: the open reports it */
	raw_init(&r);
	http_target_cleanup(&t);
	t.base_url = xstrdup("https://engine.invalid:2376");
	t.tunnel = &fwd.base;
	r.c = rawconn_open(&t, &raw_cb, &r);
	int64_t deadline = mono_ms() + 30000;
	while (!r.opened && mono_ms() < deadline)
		loop_run_once(100);
	assert_non_null(r.open_error);
	assert_non_null(strstr(r.open_error, "the test tunnel is closed"));
	assert_false(r.ended); /* a failed open is not also an end */
	assert_int_equal(rawconn_room(r.c), 0);
	raw_cleanup(&r);
	fwd_done(&fwd);
	http_target_cleanup(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_through_tunnel),
		cmocka_unit_test(test_tls_through_tunnel),
		cmocka_unit_test(test_tunnel_failures),
		cmocka_unit_test(test_raw_direct_and_tunnelled),
		cmocka_unit_test(test_websocket_tls_through_tunnel),
		cmocka_unit_test(test_raw_connect_failure),
	};
	return cmocka_run_group_tests(tests, netlab_setup, netlab_teardown);
}
