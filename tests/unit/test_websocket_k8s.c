/* test_websocket_k8s.c: the Kubernetes exec channel protocol over WebSocket:
 * channel framing (binary and base64), the exit code on channel 3, and a
 * replay of the reference exec sessions. */

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

/* The kubernetes reference file, or NULL (the test then skips). */
static char *kube_ref(const char *name, size_t *len)
{
	const char *dir = getenv("BINNACLE_REFERENCE_DIR");
	char *path = dir && *dir ? xasprintf("%s/kubernetes/%s", dir, name)
				 : xasprintf("%s/../shared/reference/kubernetes/%s", fixture_top_srcdir(), name);
	char *data = fixture_read_path(path, len);
	free(path);
	return data;
}

static void unhex(const char *hex, struct buf *out)
{
	buf_reset(out);
	buf_append(out, "", 0);
	for (; hex[0] && hex[1] && hex[0] != '\t'; hex += 2) {
		unsigned v;
		char two[3] = {hex[0], hex[1], 0};
		assert_int_equal(sscanf(two, "%2x", &v), 1);
		buf_putc(out, (char)v);
	}
}

/* ---- Kubernetes channels ---- */

/* Frames data on channel, checks the message on the wire is wire[0..wlen),
 * and that it parses back to the same channel and data. */
static void k8s_roundtrip(int channel, const char *data, size_t len, bool base64, const char *wire, size_t wlen)
{
	struct buf out, pl, scratch;
	buf_init(&out);
	buf_init(&pl);
	buf_init(&scratch);
	ws_k8s_frame(&out, channel, data, len, base64);
	int op, ch;
	const char *d;
	size_t n;
	assert_int_equal(client_unframe(out.data, out.len, &op, &pl, NULL), out.len);
	assert_int_equal(op, base64 ? WS_TEXT : WS_BINARY);
	assert_int_equal(pl.len, wlen);
	assert_memory_equal(pl.data, wire, wlen);
	assert_int_equal(ws_k8s_parse(&pl, op, base64, &ch, &d, &n, &scratch), 0);
	assert_int_equal(ch, channel);
	assert_int_equal(n, len);
	assert_non_null(d);
	assert_memory_equal(d, data, len);
	buf_cleanup(&out);
	buf_cleanup(&pl);
	buf_cleanup(&scratch);
}

/* ws_k8s_parse on a message given as text. */
static int k8s_parse(const char *msg, size_t len, int opcode, bool base64, int *ch)
{
	struct buf m, scratch;
	buf_init(&m);
	buf_init(&scratch);
	buf_append(&m, msg, len);
	const char *d;
	size_t n;
	int r = ws_k8s_parse(&m, opcode, base64, ch, &d, &n, &scratch);
	buf_cleanup(&m);
	buf_cleanup(&scratch);
	return r;
}

static void test_k8s_channels(void **state)
{
	(void)state;
	k8s_roundtrip(WS_K8S_STDIN, "ls\n", 3, false, "\0ls\n", 4);
	k8s_roundtrip(WS_K8S_STDOUT, "", 0, false, "\x01", 1);      /* "connected" */
	k8s_roundtrip(WS_K8S_CLOSE, "\0", 1, false, "\xff\x00", 2); /* v5 stdin half-close */
	k8s_roundtrip(WS_K8S_RESIZE, "{\"Width\":80,\"Height\":24}", 24, true, "4eyJXaWR0aCI6ODAsIkhlaWdodCI6MjR9", 33);
	k8s_roundtrip(WS_K8S_STDOUT, "", 0, true, "1", 1);
	assert_true(ws_k8s_is_base64("base64.channel.k8s.io"));
	assert_true(ws_k8s_is_base64("v4.base64.channel.k8s.io"));
	assert_false(ws_k8s_is_base64("v4.channel.k8s.io"));
	assert_false(ws_k8s_is_base64(""));
	assert_false(ws_k8s_is_base64(NULL));
	/* Not channel messages: empty, the wrong frame type, no digit, bad base64. */
	int ch;
	assert_int_equal(k8s_parse("", 0, WS_BINARY, false, &ch), -1);
	assert_int_equal(k8s_parse("\x01x", 2, WS_TEXT, false, &ch), -1);
	assert_int_equal(k8s_parse("1Zm9v", 5, WS_BINARY, true, &ch), -1);
	assert_int_equal(k8s_parse("xZm9v", 5, WS_TEXT, true, &ch), -1);
	assert_int_equal(k8s_parse("1Zm9v!", 6, WS_TEXT, true, &ch), -1);
	assert_int_equal(k8s_parse("2Zm9v", 5, WS_TEXT, true, &ch), 0);
	assert_int_equal(ch, 2);
}

static void test_k8s_exit_code(void **state)
{
	(void)state;
	char msg[ERRLEN];
	const char *ok = "{\"metadata\":{},\"status\":\"Success\"}";
	assert_int_equal(ws_k8s_exit_code(ok, strlen(ok), msg, sizeof(msg)), 0);
	assert_string_equal(msg, "");
	const char *three =
		"{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with non-zero exit "
		"code: exit code 3\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":"
		"\"Other\",\"message\":\"x\"},{\"reason\":\"ExitCode\",\"message\":\"3\"}]}}";
	assert_int_equal(ws_k8s_exit_code(three, strlen(three), msg, sizeof(msg)), 3);
	const char *big = "{\"status\":\"Failure\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":"
			  "[{\"reason\":\"ExitCode\",\"message\":\"137\"}]}}";
	assert_int_equal(ws_k8s_exit_code(big, strlen(big), msg, sizeof(msg)), 137);
	/* Other failures: -1 and the Status message. */
	const char *fail = "{\"status\":\"Failure\",\"message\":\"container not found (\\\"web\\\")\","
			   "\"reason\":\"InternalError\"}";
	assert_int_equal(ws_k8s_exit_code(fail, strlen(fail), msg, sizeof(msg)), -1);
	assert_string_equal(msg, "container not found (\"web\")");
	const char *nocause = "{\"status\":\"Failure\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":"
			      "[{\"reason\":\"ExitCode\",\"message\":\"three\"}]}}";
	assert_int_equal(ws_k8s_exit_code(nocause, strlen(nocause), msg, sizeof(msg)), -1);
	assert_string_equal(msg, "The command failed (NonZeroExitCode).");
	/* channel.k8s.io v1: plain text. */
	const char *text = "exec: \"bash\": executable file not found in $PATH\n";
	assert_int_equal(ws_k8s_exit_code(text, strlen(text), msg, sizeof(msg)), -1);
	assert_string_equal(msg, "exec: \"bash\": executable file not found in $PATH");
	/* Not NUL-terminated, and no message buffer. */
	assert_int_equal(ws_k8s_exit_code(three, 20, NULL, 0), -1);
}

/* ---- the reference sessions ---- */

/* Walks a reference session's message lines ("C->S|S->C, kind, payload as
 * hex or for text as is"): each C->S message must be what ws_k8s_frame makes
 * of its channel and data; the S->C ones are framed as the server would and
 * appended to wire. */
static void replay(char *f, bool base64, struct buf *wire)
{
	struct buf msg, out, pl, scratch;
	buf_init(&msg);
	buf_init(&out);
	buf_init(&pl);
	buf_init(&scratch);
	for (char *line = strtok(f, "\n"); line; line = strtok(NULL, "\n")) {
		bool c2s = str_starts(line, "C->S\t");
		if (!c2s && !str_starts(line, "S->C\t"))
			continue;
		const char *kind = line + 5, *payload = strchr(kind, '\t') + 1;
		int op = str_starts(kind, "text\t") ? WS_TEXT : str_starts(kind, "close\t") ? WS_CLOSE : WS_BINARY;
		if (op == WS_TEXT) {
			buf_reset(&msg);
			buf_append(&msg, payload, strcspn(payload, "\t"));
		} else {
			unhex(payload, &msg);
		}
		if (!c2s) {
			server_frame(wire, true, op, msg.data, msg.len);
			continue;
		}
		int ch, op2;
		const char *d;
		size_t n;
		assert_int_equal(op, base64 ? WS_TEXT : WS_BINARY);
		assert_int_equal(ws_k8s_parse(&msg, op, base64, &ch, &d, &n, &scratch), 0);
		buf_reset(&out);
		ws_k8s_frame(&out, ch, d, n, base64);
		client_unframe(out.data, out.len, &op2, &pl, NULL);
		assert_int_equal(op2, op);
		assert_int_equal(pl.len, msg.len);
		assert_memory_equal(pl.data, msg.data, msg.len);
	}
	buf_cleanup(&msg);
	buf_cleanup(&out);
	buf_cleanup(&pl);
	buf_cleanup(&scratch);
}

/* What an exec client makes of w's messages: "channel:data;" for each, and
 * the exit code from channel 3. */
static int play(struct ws *w, struct buf *log)
{
	char err[ERRLEN];
	struct buf m, scratch;
	buf_init(&m);
	buf_init(&scratch);
	int op, r, exit_code = -2;
	while ((r = ws_next(w, &op, &m, err, sizeof(err))) == 1) {
		if (op == WS_CLOSE)
			continue;
		int ch;
		const char *d;
		size_t n;
		assert_int_equal(ws_k8s_parse(&m, op, ws_k8s_is_base64(w->protocol), &ch, &d, &n, &scratch), 0);
		buf_printf(log, "%d:", ch);
		buf_append(log, d, n);
		buf_putc(log, ';');
		if (ch == WS_K8S_ERROR)
			exit_code = ws_k8s_exit_code(d, n, err, sizeof(err));
	}
	assert_int_equal(r, 0);
	buf_cleanup(&m);
	buf_cleanup(&scratch);
	return exit_code;
}

static void test_fixture_v5_session(void **state)
{
	(void)state;
	size_t len;
	char *f = kube_ref("exec_websocket_v5_session_constructed.txt", &len);
	if (!f)
		skip();
	char err[ERRLEN];
	struct ws w;
	ws_init(&w);
	/* Our request is the fixture's, byte for byte, once the key is the same. */
	const char *req = strstr(f, "## C->S handshake\n"), *res = strstr(f, "## S->C handshake\n");
	assert_non_null(req);
	assert_non_null(res);
	req += strlen("## C->S handshake\n");
	res += strlen("## S->C handshake\n");
	size_t reqlen = (size_t)(strstr(req, "\r\n\r\n") + 4 - req);
	char *path = xstrndup(req + 4, strcspn(req + 4, " "));
	char *r = ws_handshake_request(&w, "127.0.0.1:6443", path, OFFER, "Authorization: Bearer <token>\r\n");
	char *at = strstr(r, w.key);
	assert_non_null(at);
	memcpy(at, "dGhlIHNhbXBsZSBub25jZQ==", 24);
	strcpy(w.key, "dGhlIHNhbXBsZSBub25jZQ==");
	assert_int_equal(strlen(r), reqlen);
	assert_memory_equal(r, req, reqlen);
	free(r);
	free(path);
	/* The fixture's 101 and the server's messages arrive in one read. */
	struct buf wire, log;
	buf_init(&wire);
	buf_init(&log);
	buf_append(&wire, res, (size_t)(strstr(res, "\r\n\r\n") + 4 - res));
	replay(f, false, &wire);
	assert_int_equal(ws_handshake_response(&w, wire.data, wire.len, err, sizeof(err)), 0);
	assert_string_equal(w.protocol, "v5.channel.k8s.io");
	assert_int_equal(play(&w, &log), 3);
	/* "connected" on stdout first, stdout, stderr, the Status on channel 3. */
	assert_true(str_starts(log.data, "1:;1:hi\n;2:warn\n;3:{\"metadata\":{},\"status\":\"Failure\","));
	assert_true(w.closed);
	assert_int_equal(w.close_code, 1000);
	buf_cleanup(&wire);
	buf_cleanup(&log);
	ws_cleanup(&w);
	free(f);
}

static void test_fixture_base64(void **state)
{
	(void)state;
	size_t len;
	char *f = kube_ref("exec_websocket_base64_channel_constructed.txt", &len);
	if (!f)
		skip();
	char err[ERRLEN];
	struct ws w;
	struct buf wire, log;
	buf_init(&wire);
	buf_init(&log);
	buf_puts(&wire, H101 ACCEPT "Sec-WebSocket-Protocol: base64.channel.k8s.io\r\n\r\n");
	replay(f, true, &wire);
	assert_int_equal(handshake(&w, "v4.channel.k8s.io, base64.channel.k8s.io", wire.data, false, err), 0);
	assert_int_equal(play(&w, &log), -2);
	assert_string_equal(log.data, "1:\n;");
	buf_cleanup(&wire);
	buf_cleanup(&log);
	ws_cleanup(&w);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_k8s_channels),
		cmocka_unit_test(test_k8s_exit_code),
		cmocka_unit_test(test_fixture_v5_session),
		cmocka_unit_test(test_fixture_base64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
