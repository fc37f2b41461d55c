/* test_websocket.c: the WebSocket upgrade (request, accept key, good and
 * refused responses, split reads), client frames, and server messages
 * (lengths, fragments, control frames, close, every split point, protocol
 * errors, the size bound). The Kubernetes channels and the reference exec
 * sessions are in test_websocket_k8s.c, SHA-1 in test_sha1.c. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/codec/base64.h"
#include "tests/unit/fixtures.h"
#include "backends/util/util.h"
#include "backends/net/websocket.h"
#include "tests/unit/ws_fixtures.h"

/* ---- helpers ---- */

/* A ws with the handshake done (no subprotocol offered), ready for frames. */
static void upgraded(struct ws *w)
{
	char err[ERRLEN];
	assert_int_equal(handshake(w, NULL, H101 ACCEPT "\r\n", false, err), 0);
}

/* Every message ws_next gives as "op:payload;" (payload bytes as they are). */
static void drain(struct ws *w, struct buf *log)
{
	char err[ERRLEN];
	struct buf m;
	buf_init(&m);
	int op, r;
	while ((r = ws_next(w, &op, &m, err, sizeof(err))) == 1) {
		buf_printf(log, "%d:", op);
		buf_append(log, m.data, m.len);
		buf_putc(log, ';');
	}
	assert_int_equal(r, 0);
	buf_cleanup(&m);
}

/* ---- handshake ---- */

static void test_accept_key(void **state)
{
	(void)state;
	char out[29];
	ws_accept_key("dGhlIHNhbXBsZSBub25jZQ==", out);
	assert_string_equal(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="); /* RFC 6455 1.3 */
}

static void test_handshake_request(void **state)
{
	(void)state;
	struct ws w;
	ws_init(&w);
	char *r = ws_handshake_request(&w, "10.0.0.1:6443", "/api/v1/namespaces/default/pods/p/exec?command=sh",
				       "v5.channel.k8s.io, v4.channel.k8s.io", "Authorization: Bearer t\r\n");
	assert_true(str_starts(r, "GET /api/v1/namespaces/default/pods/p/exec?command=sh HTTP/1.1\r\n"));
	assert_non_null(strstr(r, "\r\nHost: 10.0.0.1:6443\r\n"));
	assert_non_null(strstr(r, "\r\nConnection: Upgrade\r\n"));
	assert_non_null(strstr(r, "\r\nUpgrade: websocket\r\n"));
	assert_non_null(strstr(r, "\r\nSec-WebSocket-Version: 13\r\n"));
	assert_non_null(strstr(r, "\r\nSec-WebSocket-Protocol: v5.channel.k8s.io, v4.channel.k8s.io\r\n"));
	assert_non_null(strstr(r, "\r\nAuthorization: Bearer t\r\n\r\n"));
	assert_true(str_ends(r, "\r\n\r\n"));
	/* The key: base64 of 16 bytes, sent as kept, fresh each time. */
	assert_int_equal(strlen(w.key), 24);
	size_t n = 0;
	char *raw = base64_decode(w.key, strlen(w.key), &n);
	assert_non_null(raw);
	assert_int_equal(n, 16);
	free(raw);
	char *line = xasprintf("\r\nSec-WebSocket-Key: %s\r\n", w.key);
	assert_non_null(strstr(r, line));
	free(line);
	char first[32];
	strcpy(first, w.key);
	free(r);
	r = ws_handshake_request(&w, "h", "/", NULL, NULL);
	assert_string_not_equal(first, w.key);
	assert_null(strstr(r, "Sec-WebSocket-Protocol"));
	assert_string_equal(strstr(r, "\r\n\r\n"), "\r\n\r\n"); /* one blank line, at the end */
	free(r);
	ws_cleanup(&w);
}

static const char forbidden_json[] =
	"{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
	"\"message\":\"pods \\\"web-0\\\" is forbidden: User \\\"dev\\\" cannot get resource \\\"pods/exec\\\"\","
	"\"reason\":\"Forbidden\",\"details\":{\"name\":\"web-0\",\"kind\":\"pods\"},\"code\":403}\n";
#define FORBIDDEN_MSG "pods \"web-0\" is forbidden: User \"dev\" cannot get resource \"pods/exec\""

/* Good and refused responses: each case's verdict and its protocol (0) or
 * error sentence (-1). */
static void test_responses(void **state)
{
	(void)state;
	char *cl =
		xasprintf("HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
			  strlen(forbidden_json), forbidden_json);
	char *chunked =
		xasprintf("HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n%.16s\r\n%zx\r\n%s\r\n"
			  "0\r\n\r\n",
			  forbidden_json, strlen(forbidden_json) - 16, forbidden_json + 16);
	char *toeof = xasprintf("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n%s", forbidden_json);
	const struct {
		const char *offer, *resp;
		bool eof;
		int want;
		const char *text; /* the whole of it, or with a leading '~' a part */
	} c[] = {
		{OFFER, H101 ACCEPT "Sec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n", false, 0, "v4.channel.k8s.io"},
		/* Header names and the Upgrade/Connection tokens are case-insensitive. */
		{OFFER,
		 "HTTP/1.1 101 OK\r\nupgrade: WebSocket\r\nconnection: keep-alive, upgrade\r\n"
		 "sec-websocket-accept:@A@\r\nsec-websocket-protocol:  v5.channel.k8s.io \r\n\r\n",
		 false, 0, "v5.channel.k8s.io"},
		{NULL, H101 ACCEPT "\r\n", false, 0, ""}, /* nothing offered, nothing chosen */
		{NULL, H101 "\r\n", false, -1, "~no Sec-WebSocket-Accept"},
		{NULL, H101 "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n", false, -1, "~does not match"},
		{NULL, "HTTP/1.1 101 X\r\nConnection: Upgrade\r\n" ACCEPT "\r\n", false, -1, "~not to WebSocket"},
		{NULL, "HTTP/1.1 101 X\r\nUpgrade: websocket\r\n" ACCEPT "\r\n", false, -1, "~Connection: Upgrade"},
		{NULL, H101 ACCEPT "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n", false, -1, "~extension"},
		/* Subprotocols: not offered, a prefix of an offer, none of the offers. */
		{OFFER, H101 ACCEPT "Sec-WebSocket-Protocol: base64.channel.k8s.io\r\n\r\n", false, -1,
		 "~\"base64.channel.k8s.io\", which was not offered"},
		{OFFER, H101 ACCEPT "Sec-WebSocket-Protocol: v5.channel\r\n\r\n", false, -1, "~not offered"},
		{NULL, H101 ACCEPT "Sec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n", false, -1, "~not offered"},
		{OFFER, H101 ACCEPT "\r\n", false, -1, "~none of the offered"},
		/* Kubernetes Status bodies, however delimited. */
		{NULL, cl, false, -1, "HTTP/1.1 403 Forbidden: " FORBIDDEN_MSG},
		{NULL, chunked, false, -1, "HTTP/1.1 403 Forbidden: " FORBIDDEN_MSG},
		{NULL, toeof, true, -1, "HTTP/1.1 400 Bad Request: " FORBIDDEN_MSG},
		/* Plain text gives its first line; anything else just the status line. */
		{NULL,
		 "HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n\r\nUnauthorized\r\n",
		 false, -1, "HTTP/1.1 401 Unauthorized: Unauthorized"},
		{NULL, "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 6\r\n\r\n<html>", false,
		 -1, "HTTP/1.1 404 Not Found"},
		/* Not HTTP, cut short. */
		{NULL, "SSH-2.0-OpenSSH\r\n\r\n", false, -1, "~did not answer with HTTP"},
		{NULL, "HTTP/1.1 101 Swi", true, -1, "~closed in the upgrade response"},
		{NULL, "", true, -1, "~before any upgrade response"},
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct ws w;
		char err[ERRLEN] = "";
		int r = handshake(&w, c[i].offer, c[i].resp, c[i].eof, err);
		const char *got = r ? err : w.protocol, *t = c[i].text;
		if (r != c[i].want || (t[0] == '~' ? !strstr(got, t + 1) : strcmp(got, t)) || (!r && w.in.len))
			fail_msg("case %zu: %d \"%s\"", i, r, got);
		ws_cleanup(&w);
	}
	free(cl);
	free(chunked);
	free(toeof);
}

static void test_response_split_with_frames(void **state)
{
	(void)state;
	struct ws w;
	char err[ERRLEN], accept[29];
	ws_init(&w);
	free(ws_handshake_request(&w, "h", "/", "v5.channel.k8s.io", NULL));
	ws_accept_key(w.key, accept);
	struct buf all, log;
	buf_init(&all);
	buf_init(&log);
	buf_printf(&all, H101 "Sec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n", accept);
	size_t hl = all.len;
	server_frame(&all, true, WS_BINARY, "\x01", 1);
	server_frame(&all, true, WS_BINARY, "\x01hi\n", 4);
	/* The header arrives a byte at a time, its last byte with a frame and a half. */
	for (size_t i = 0; i + 1 < hl; i++)
		assert_int_equal(ws_handshake_response(&w, all.data + i, 1, err, sizeof(err)), 1);
	assert_int_equal(ws_handshake_response(&w, all.data + hl - 1, 6, err, sizeof(err)), 0);
	assert_string_equal(w.protocol, "v5.channel.k8s.io");
	drain(&w, &log);
	assert_int_equal(log.len, 4);
	assert_memory_equal(log.data, "2:\x01;", 4);
	ws_feed(&w, all.data + hl + 5, all.len - hl - 5);
	drain(&w, &log);
	assert_memory_equal(log.data, "2:\x01;2:\x01hi\n;", 12);
	buf_cleanup(&log);
	buf_cleanup(&all);
	ws_cleanup(&w);
}

/* ---- frames ---- */

/* Every length encoding both ways: our masked frames decode (unmasked here)
 * to the payload, and the server's unmasked ones come out of ws_next. */
static void test_frames(void **state)
{
	(void)state;
	static const size_t sizes[] = {0, 1, 125, 126, 65535, 65536, 70000};
	static const size_t hdrs[] = {6, 6, 6, 8, 8, 14, 14};
	char *data = xmalloc(70000), err[ERRLEN];
	for (size_t i = 0; i < 70000; i++)
		data[i] = (char)(i * 7 + 3);
	struct buf out, pl;
	buf_init(&out);
	buf_init(&pl);
	struct ws w;
	upgraded(&w);
	int op;
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		buf_reset(&out);
		ws_frame(&out, WS_BINARY, data, sizes[k]);
		size_t hl;
		assert_int_equal(client_unframe(out.data, out.len, &op, &pl, &hl), out.len);
		assert_int_equal(hl, hdrs[k]);
		assert_int_equal(op, WS_BINARY);
		assert_int_equal(pl.len, sizes[k]);
		assert_memory_equal(pl.data, data, sizes[k]);
		if (sizes[k] >= 64) /* masked: the wire bytes differ from the payload */
			assert_memory_not_equal(out.data + hl, data, sizes[k]);
		buf_reset(&out);
		server_frame(&out, true, WS_BINARY, data, sizes[k]);
		ws_feed(&w, out.data, out.len);
		assert_int_equal(ws_next(&w, &op, &pl, err, sizeof(err)), 1);
		assert_int_equal(op, WS_BINARY);
		assert_int_equal(pl.len, sizes[k]);
		assert_non_null(pl.data);
		assert_memory_equal(pl.data, data, sizes[k]);
		assert_int_equal(ws_next(&w, &op, &pl, err, sizeof(err)), 0);
	}
	/* A 64-bit length for a small payload is still understood. */
	ws_feed(&w, "\x82\x7f\0\0\0\0\0\0\0\x02hi", 12);
	assert_int_equal(ws_next(&w, &op, &pl, err, sizeof(err)), 1);
	assert_string_equal(pl.data, "hi");
	ws_cleanup(&w);
	/* Each frame has its own mask. */
	buf_reset(&out);
	ws_frame(&out, WS_TEXT, "same", 4);
	ws_frame(&out, WS_TEXT, "same", 4);
	assert_int_equal(out.len, 20);
	assert_memory_not_equal(out.data + 2, out.data + 12, 4);
	/* Appends after what is there; control frames are clipped to 125. */
	buf_reset(&out);
	buf_puts(&out, "x");
	ws_frame(&out, WS_PING, data, 200);
	assert_int_equal(client_unframe(out.data + 1, out.len - 1, &op, &pl, NULL), out.len - 1);
	assert_int_equal(op, WS_PING);
	assert_int_equal(pl.len, 125);
	/* Close with code and reason, clipped at a character boundary. */
	buf_reset(&out);
	ws_close_frame(&out, 1000, "bye");
	client_unframe(out.data, out.len, &op, &pl, NULL);
	assert_int_equal(op, WS_CLOSE);
	assert_int_equal(pl.len, 5);
	assert_memory_equal(pl.data, "\x03\xe8\x62ye", 5); /* 1000, "bye" */
	char longr[200] = "";
	for (int i = 0; i < 62; i++)
		strcat(longr, "\xc3\xa9"); /* 124 bytes of 'é': 122 fit */
	buf_reset(&out);
	ws_close_frame(&out, 1001, longr);
	client_unframe(out.data, out.len, &op, &pl, NULL);
	assert_int_equal(pl.len, 2 + 122);
	buf_cleanup(&out);
	buf_cleanup(&pl);
	free(data);
}

/* The stream the split test cuts up: a text message in three fragments with
 * a ping and a pong between them, a 300-byte binary, an empty binary, a
 * close; and the log drain() makes of it. */
static void mixed_stream(struct buf *in, struct buf *want)
{
	char big[300];
	for (int i = 0; i < 300; i++)
		big[i] = (char)('a' + i % 26);
	server_frame(in, false, WS_TEXT, "Hel", 3);
	server_frame(in, true, WS_PING, "p1", 2);
	server_frame(in, false, WS_CONT, "lo, ", 4);
	server_frame(in, true, WS_PONG, "", 0);
	server_frame(in, true, WS_CONT, "w\xc3\xb6rld", 6);
	server_frame(in, true, WS_BINARY, big, 300);
	server_frame(in, true, WS_BINARY, "", 0);
	server_frame(in, true, WS_CLOSE, "\x03\xe9going away", 12);
	buf_puts(want, "9:p1;10:;1:Hello, w\xc3\xb6rld;2:");
	buf_append(want, big, 300);
	buf_puts(want, ";2:;8:\x03\xe9going away;");
}

/* Cut in two at every byte (the whole stream at once included), then fed a
 * byte at a time: the same messages every way. */
static void test_split_every_boundary(void **state)
{
	(void)state;
	struct buf in, want, log;
	buf_init(&in);
	buf_init(&want);
	buf_init(&log);
	mixed_stream(&in, &want);
	struct ws w;
	for (size_t cut = 0; cut <= in.len + 1; cut++) {
		upgraded(&w);
		buf_reset(&log);
		if (cut <= in.len) {
			ws_feed(&w, in.data, cut);
			drain(&w, &log);
			ws_feed(&w, in.data + cut, in.len - cut);
			drain(&w, &log);
		} else {
			for (size_t i = 0; i < in.len; i++) {
				ws_feed(&w, in.data + i, 1);
				drain(&w, &log);
			}
		}
		assert_int_equal(log.len, want.len);
		assert_memory_equal(log.data, want.data, want.len);
		assert_true(w.closed);
		assert_int_equal(w.close_code, 1001);
		assert_string_equal(w.close_reason, "going away");
		ws_cleanup(&w);
	}
	/* Nothing is read after the close, not even garbage or the end. */
	upgraded(&w);
	ws_feed(&w, in.data, in.len);
	drain(&w, &log);
	ws_feed(&w, "\xff\xff\xff", 3);
	drain(&w, &log);
	ws_eof(&w);
	drain(&w, &log);
	ws_cleanup(&w);
	/* A close without a body has no status. */
	upgraded(&w);
	ws_feed(&w, "\x88\x00", 2);
	buf_reset(&log);
	drain(&w, &log);
	assert_string_equal(log.data, "8:;");
	assert_true(w.closed);
	assert_int_equal(w.close_code, WS_CLOSE_NO_STATUS);
	assert_string_equal(w.close_reason, "");
	ws_cleanup(&w);
	buf_cleanup(&in);
	buf_cleanup(&want);
	buf_cleanup(&log);
}

/* ws_next's verdict on one stream (then end of stream when eof), with err's
 * text when it fails. */
static int verdict(const void *bytes, size_t len, bool eof, char *err)
{
	struct ws w;
	upgraded(&w);
	ws_feed(&w, bytes, len);
	if (eof)
		ws_eof(&w);
	struct buf m;
	buf_init(&m);
	int op, r;
	err[0] = '\0';
	while ((r = ws_next(&w, &op, &m, err, ERRLEN)) == 1)
		;
	buf_cleanup(&m);
	ws_cleanup(&w);
	return r;
}

static void test_protocol_errors(void **state)
{
	(void)state;
	static const struct {
		const char *bytes;
		size_t len;
		bool eof;
		int want;
		const char *err;
	} c[] = {
		{"\x82\x81\x01\x02\x03\x04x", 7, false, -1, "masked"},
		{"\xc2\x00", 2, false, -1, "reserved"},                   /* RSV1 */
		{"\x83\x00", 2, false, -1, "opcode 3"},                   /* reserved data opcode */
		{"\x8b\x00", 2, false, -1, "opcode 11"},                  /* reserved control opcode */
		{"\x80\x01x", 3, false, -1, "continuation"},              /* stray continuation */
		{"\x02\x01x\x82\x01y", 6, false, -1, "before finishing"}, /* new message mid-way */
		{"\x09\x00", 2, false, -1, "control"},                    /* fragmented ping */
		{"\x89\x7e\x00\x7e", 4, false, -1, "control"},            /* 126-byte ping */
		{"\x81\x02\xc3\x28", 4, false, -1, "UTF-8"},              /* bad UTF-8 text */
		{"\x81\x03\xed\xa0\x80", 5, false, -1, "UTF-8"},          /* a surrogate */
		{"\x01\x01\xe2\x80\x02\x82\xac", 7, false, 0, ""},        /* € split over fragments */
		{"\x88\x01\x03", 3, false, -1, "malformed close"},        /* 1-byte close */
		{"\x88\x02\x03\xe7", 4, false, -1, "malformed close"},    /* close 999 */
		{"\x88\x02\x03\xed", 4, false, -1, "malformed close"},    /* close 1005 */
		{"\x88\x04\x0b\xb8\xff\xfe", 6, false, -1, "UTF-8"},      /* close reason */
		{"\x88\x02\x0f\xa0", 4, false, 0, ""},                    /* 4000 is fine */
		{"", 0, true, -1, "without a WebSocket close"},
		{"\x82\x05x", 3, true, -1, "middle"},
		{"\x02\x01x", 3, true, -1, "middle"},
		{"\x82\x05x", 3, false, 0, ""},
		/* Over 16 MiB is refused from the header alone, before buffering. */
		{"\x82\x7f\x00\x00\x00\x00\x01\x00\x00\x01", 10, false, -1, "16 MiB"},
		{"\x82\x7f\x80\x00\x00\x00\x00\x00\x00\x00", 10, false, -1, "16 MiB"},
	};
	char err[ERRLEN];
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int r = verdict(c[i].bytes, c[i].len, c[i].eof, err);
		if (r != c[i].want || !strstr(err, c[i].err))
			fail_msg("case %zu: %d \"%s\"", i, r, err);
	}
	/* Before the handshake there are no frames. */
	struct ws w;
	struct buf m;
	int op;
	ws_init(&w);
	buf_init(&m);
	assert_int_equal(ws_next(&w, &op, &m, err, sizeof(err)), -1);
	ws_cleanup(&w);
	buf_cleanup(&m);
}

/* Exactly 16 MiB in two fragments is fine; one byte more is not. */
static void test_size_bound(void **state)
{
	(void)state;
	size_t half = WS_MAX_MESSAGE / 2;
	char *data = xcalloc(1, half), err[ERRLEN];
	struct buf in, m;
	buf_init(&in);
	buf_init(&m);
	server_frame(&in, false, WS_BINARY, data, half);
	server_frame(&in, true, WS_CONT, data, half);
	struct ws w;
	upgraded(&w);
	ws_feed(&w, in.data, in.len);
	int op;
	assert_int_equal(ws_next(&w, &op, &m, err, sizeof(err)), 1);
	assert_int_equal(m.len, WS_MAX_MESSAGE);
	ws_cleanup(&w);
	buf_reset(&in);
	server_frame(&in, false, WS_BINARY, data, half);
	server_frame(&in, false, WS_CONT, data, half);
	server_frame(&in, true, WS_CONT, "x", 1);
	upgraded(&w);
	ws_feed(&w, in.data, in.len);
	assert_int_equal(ws_next(&w, &op, &m, err, sizeof(err)), -1);
	ws_cleanup(&w);
	buf_cleanup(&in);
	buf_cleanup(&m);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept_key),
		cmocka_unit_test(test_handshake_request),
		cmocka_unit_test(test_responses),
		cmocka_unit_test(test_response_split_with_frames),
		cmocka_unit_test(test_frames),
		cmocka_unit_test(test_split_every_boundary),
		cmocka_unit_test(test_protocol_errors),
		cmocka_unit_test(test_size_bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
