/* test_ecs_ssm.c: the SSM data channel of ECS Exec without a server: the
 * ClientMessage layout by offset (and byte for byte what the lab's own
 * codec writes, when python3 is there), the decoder's refusals, then the
 * channel against a scripted agent: the handshake (and its absence),
 * acknowledgements, delivery in order from out-of-order and repeated
 * messages, resends after the timeout, terminal sizes, channel_closed; and
 * the WebSocket around it with the agent's bytes split at every byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/codec/crypto.h"
#include "backends/codec/jsonget.h"
#include "backends/ecs/ssm_ws.h"
#include "tests/unit/fixtures.h"

static const unsigned char ID[16] = {0x0e, 0x9e, 0xd0, 0xc7, 0x12, 0x34, 0x45, 0x67,
				     0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67};

static uint32_t u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void test_layout(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b);
	ssm_encode(&b, SSM_OUTPUT, 7, SSM_FLAG_SYN, SSM_PT_OUTPUT, "hi", 2, ID, 1700000000123ull);
	const unsigned char *p = (const unsigned char *)b.data;
	assert_int_equal(b.len, 122);
	assert_int_equal(u32(p), 116);
	assert_memory_equal(p + 4, "output_stream_data              ", 32);
	assert_int_equal(u32(p + 36), 1);
	assert_int_equal(u32(p + 44), 1700000000123ull & 0xffffffff);
	assert_int_equal(u32(p + 52), 7);
	assert_int_equal(u32(p + 60), 1);
	/* the UUID's low half first */
	assert_memory_equal(p + 64, ID + 8, 8);
	assert_memory_equal(p + 72, ID, 8);
	unsigned char digest[32];
	crypto_sha256("hi", 2, digest);
	assert_memory_equal(p + 80, digest, 32);
	assert_int_equal(u32(p + 112), SSM_PT_OUTPUT);
	assert_int_equal(u32(p + 116), 2);
	assert_memory_equal(p + 120, "hi", 2);
	struct ssm_msg m;
	char err[ERRLEN];
	assert_int_equal(ssm_decode(b.data, b.len, &m, err, sizeof(err)), 0);
	assert_string_equal(m.type, SSM_OUTPUT);
	assert_int_equal(m.seq, 7);
	assert_int_equal(m.flags, SSM_FLAG_SYN);
	assert_memory_equal(m.id, ID, 16);
	assert_int_equal(m.len, 2);
	char text[37];
	ssm_uuid_text(ID, text);
	assert_string_equal(text, "0e9ed0c7-1234-4567-89ab-cdef01234567");
	/* refusals */
	assert_int_equal(ssm_decode(b.data, 100, &m, err, sizeof(err)), -1);
	assert_string_equal(err, "a data channel message of 100 bytes is shorter than its header");
	b.data[121] ^= 1;
	assert_int_equal(ssm_decode(b.data, b.len, &m, err, sizeof(err)), -1);
	assert_string_equal(err, "a data channel message's payload does not match its digest");
	b.data[121] ^= 1;
	assert_int_equal(ssm_decode(b.data, b.len - 1, &m, err, sizeof(err)), -1);
	assert_string_equal(err, "a data channel message says 2 payload bytes but has 1");
	buf_reset(&b);
	ssm_encode(&b, SSM_ACK, 0, 3, 0, "{}", 2, ID, 0);
	assert_int_equal(ssm_decode(b.data, b.len, &m, err, sizeof(err)), -1);
	assert_string_equal(err, "a data channel message has no date");
	buf_cleanup(&b);
}

/* The same message from the lab's codec (tests/lab/ecs/labecs), when python3 is there. */
static void test_same_bytes_as_the_lab(void **state)
{
	(void)state;
	if (system("command -v python3 >/dev/null 2>&1") != 0)
		skip();
	char *cmd = xasprintf("cd '%s/tests/lab/ecs' && python3 -c 'import sys, uuid; from labecs import ssm_message as m; "
			      "sys.stdout.buffer.write(m.encode(\"input_stream_data\", 5, 3, b\"{\\\"cols\\\":80,\\\"rows\\\":24}\", "
			      "flags=0, message_id=uuid.UUID(\"0e9ed0c7-1234-4567-89ab-cdef01234567\"), created_ms=1700000000123))'",
			      fixture_top_srcdir());
	FILE *f = popen(cmd, "r");
	free(cmd);
	assert_non_null(f);
	unsigned char lab[512];
	size_t n = fread(lab, 1, sizeof(lab), f);
	pclose(f);
	struct buf b;
	buf_init(&b);
	const char *size = "{\"cols\":80,\"rows\":24}";
	ssm_encode(&b, SSM_INPUT, 5, 0, SSM_PT_SIZE, size, strlen(size), ID, 1700000000123ull);
	assert_int_equal(n, b.len);
	assert_memory_equal(lab, b.data, n);
	buf_cleanup(&b);
}

/* ---- a scripted agent ---- */

struct seen {
	struct buf out;      /* the command's output, as delivered */
	struct ssm_msg msgs[64];
	struct buf frames[64];
	size_t n;
	int started, closed, exit_code;
	char closed_text[128];
};

static struct seen seen;

static void cb_send(void *arg, const void *frame, size_t len)
{
	(void)arg;
	assert_true(seen.n < 64);
	struct buf *b = &seen.frames[seen.n];
	buf_init(b);
	buf_append(b, frame, len);
	char err[ERRLEN];
	assert_int_equal(ssm_decode(b->data, b->len, &seen.msgs[seen.n], err, sizeof(err)), 0);
	seen.n++;
}

static void cb_output(void *arg, int stream, const char *data, size_t len)
{
	(void)arg;
	if (stream == 2)
		buf_puts(&seen.out, "[2]");
	buf_append(&seen.out, data, len);
}

static void cb_started(void *arg)
{
	(void)arg;
	seen.started++;
}

static void cb_exit(void *arg, int code)
{
	(void)arg;
	seen.exit_code = code;
}

static void cb_closed(void *arg, const char *text)
{
	(void)arg;
	seen.closed++;
	snprintf(seen.closed_text, sizeof(seen.closed_text), "%s", text);
}

static void seen_reset(void)
{
	for (size_t i = 0; i < seen.n; i++)
		buf_cleanup(&seen.frames[i]);
	buf_cleanup(&seen.out);
	memset(&seen, 0, sizeof(seen));
	buf_init(&seen.out);
	buf_append(&seen.out, "", 0);
}

static const struct ssm_chan_cb cbs = {cb_send, cb_output, cb_started, cb_exit, cb_closed};

/* The agent's message seq of type with payload, into the channel. */
static void agent(struct ssm_chan *c, const char *type, int64_t seq, uint32_t ptype, const char *payload, int64_t now)
{
	struct buf b;
	buf_init(&b);
	ssm_encode(&b, type, seq, seq == 0 ? SSM_FLAG_SYN : 0, ptype, payload, strlen(payload), NULL, 1700000000000ull);
	char err[ERRLEN];
	assert_int_equal(ssm_chan_receive(c, b.data, b.len, now, err, sizeof(err)), 0);
	buf_cleanup(&b);
}

/* The agent acknowledges the client's message seq. */
static void agent_ack(struct ssm_chan *c, int64_t seq, int64_t now)
{
	char payload[200];
	snprintf(payload, sizeof(payload),
		 "{\"AcknowledgedMessageType\":\"input_stream_data\",\"AcknowledgedMessageId\":\"x\","
		 "\"AcknowledgedMessageSequenceNumber\":%lld,\"IsSequentialMessage\":true}",
		 (long long)seq);
	agent(c, SSM_ACK, 0, 0, payload, now);
}

static int64_t acked_seq(const struct ssm_msg *m)
{
	json_tokener *tok = json_tokener_new();
	json_object *o = json_tokener_parse_ex(tok, m->payload, (int)m->len);
	json_tokener_free(tok);
	int64_t seq = -1;
	jsonget_int(o, "AcknowledgedMessageSequenceNumber", &seq);
	json_object_put(o);
	return seq;
}

static void test_handshake_and_order(void **state)
{
	(void)state;
	seen_reset();
	struct ssm_chan c;
	ssm_chan_init(&c, &cbs, NULL);
	ssm_chan_resize(&c, 24, 80, 0); /* held until the session is up */
	assert_int_equal(seen.n, 0);
	agent(&c, SSM_OUTPUT, 0, SSM_PT_HANDSHAKE_REQUEST,
	      "{\"AgentVersion\":\"3.3.1611.0\",\"RequestedClientActions\":[{\"ActionType\":\"SessionType\","
	      "\"ActionParameters\":{\"SessionType\":\"InteractiveCommands\",\"Properties\":null}}]}",
	      10);
	/* acknowledged first, then answered */
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.msgs[0].type, SSM_ACK);
	assert_int_equal(seen.msgs[0].flags, 3);
	assert_int_equal(acked_seq(&seen.msgs[0]), 0);
	assert_string_equal(seen.msgs[1].type, SSM_INPUT);
	assert_int_equal(seen.msgs[1].seq, 0);
	assert_int_equal(seen.msgs[1].payload_type, SSM_PT_HANDSHAKE_RESPONSE);
	assert_non_null(strstr(seen.msgs[1].payload, "\"ActionType\":\"SessionType\",\"ActionStatus\":1"));
	assert_int_equal(seen.started, 0);
	agent_ack(&c, 0, 20);
	assert_int_equal(ssm_chan_unacked(&c), 0);
	agent(&c, SSM_OUTPUT, 1, SSM_PT_HANDSHAKE_COMPLETE, "{\"HandshakeTimeToComplete\":1000,\"CustomerMessage\":\"\"}", 30);
	assert_int_equal(seen.started, 1);
	/* the size goes now */
	assert_string_equal(seen.msgs[seen.n - 1].type, SSM_INPUT);
	assert_int_equal(seen.msgs[seen.n - 1].payload_type, SSM_PT_SIZE);
	assert_int_equal(seen.msgs[seen.n - 1].seq, 1);
	assert_memory_equal(seen.msgs[seen.n - 1].payload, "{\"cols\":80,\"rows\":24}", 21);
	/* out of order and repeated: delivered once each, in order, every one acknowledged */
	size_t before = seen.n;
	agent(&c, SSM_OUTPUT, 3, SSM_PT_OUTPUT, "C", 40);
	assert_string_equal(seen.out.data, "");
	agent(&c, SSM_OUTPUT, 3, SSM_PT_OUTPUT, "C", 41);
	agent(&c, SSM_OUTPUT, 2, SSM_PT_OUTPUT, "B", 42);
	assert_string_equal(seen.out.data, "BC");
	agent(&c, SSM_OUTPUT, 2, SSM_PT_OUTPUT, "B", 43);
	agent(&c, SSM_OUTPUT, 4, SSM_PT_STDERR, "D", 44);
	assert_string_equal(seen.out.data, "BC[2]D");
	assert_int_equal(seen.n - before, 5); /* five acks */
	assert_int_equal(acked_seq(&seen.msgs[before + 2]), 2);
	assert_int_equal(c.duplicates, 2);
	ssm_chan_cleanup(&c);
}

static void test_resend(void **state)
{
	(void)state;
	seen_reset();
	struct ssm_chan c;
	ssm_chan_init(&c, &cbs, NULL);
	ssm_chan_input(&c, "x", 1, 0); /* not started: nothing goes */
	assert_int_equal(seen.n, 0);
	/* no handshake: the first output starts the session */
	agent(&c, SSM_OUTPUT, 0, SSM_PT_OUTPUT, "$ ", 100);
	assert_int_equal(seen.started, 1);
	assert_string_equal(seen.out.data, "$ ");
	size_t base = seen.n;
	ssm_chan_input(&c, "ls\r", 3, 1000);
	assert_int_equal(seen.n, base + 1);
	assert_int_equal(seen.msgs[base].seq, 0);
	assert_int_equal(seen.msgs[base].payload_type, SSM_PT_OUTPUT);
	/* before the timeout nothing is resent; after it, the same bytes */
	assert_true(ssm_chan_tick(&c, 1100) > 0);
	assert_int_equal(seen.n, base + 1);
	ssm_chan_tick(&c, 1250);
	assert_int_equal(seen.n, base + 2);
	assert_int_equal(seen.frames[base + 1].len, seen.frames[base].len);
	assert_memory_equal(seen.frames[base + 1].data, seen.frames[base].data, seen.frames[base].len);
	assert_int_equal(c.resent, 1);
	agent_ack(&c, 0, 1300);
	assert_int_equal(ssm_chan_unacked(&c), 0);
	assert_int_equal(ssm_chan_tick(&c, 5000), -1);
	/* big input goes in messages of 1024 bytes */
	char big[2500];
	memset(big, 'a', sizeof(big));
	base = seen.n;
	ssm_chan_input(&c, big, sizeof(big), 2000);
	assert_int_equal(seen.n, base + 3);
	assert_int_equal(seen.msgs[base].len, 1024);
	assert_int_equal(seen.msgs[base + 2].len, 2500 - 2048);
	assert_int_equal(seen.msgs[base + 2].seq, 3);
	/* the end: channel_closed with what the agent says */
	agent(&c, SSM_CLOSED, 0, 0,
	      "{\"MessageId\":\"x\",\"CreatedDate\":\"2024-01-02T03:04:05.678Z\",\"DestinationId\":\"c\",\"SessionId\":\"s\","
	      "\"MessageType\":\"channel_closed\",\"SchemaVersion\":1,\"Output\":\"Your session timed out.\"}",
	      3000);
	assert_int_equal(seen.closed, 1);
	assert_string_equal(seen.closed_text, "Your session timed out.");
	ssm_chan_cleanup(&c);
}

static void test_kms_refused_and_exit_code(void **state)
{
	(void)state;
	seen_reset();
	struct ssm_chan c;
	ssm_chan_init(&c, &cbs, NULL);
	agent(&c, SSM_OUTPUT, 0, SSM_PT_HANDSHAKE_REQUEST,
	      "{\"RequestedClientActions\":[{\"ActionType\":\"KMSEncryption\",\"ActionParameters\":{}},"
	      "{\"ActionType\":\"SessionType\",\"ActionParameters\":{}}]}",
	      1);
	assert_non_null(strstr(seen.msgs[1].payload, "\"ActionType\":\"KMSEncryption\",\"ActionStatus\":3"));
	assert_non_null(strstr(seen.msgs[1].payload, "\"ActionType\":\"SessionType\",\"ActionStatus\":1"));
	agent(&c, SSM_OUTPUT, 1, SSM_PT_EXIT_CODE, "EXIT_CODE: 3", 2);
	assert_int_equal(seen.exit_code, 3);
	ssm_chan_cleanup(&c);
}

/* ---- the WebSocket around it, split at every byte ---- */

static struct buf written;

static void ws_write(void *arg, const void *data, size_t len)
{
	(void)arg;
	buf_append(&written, data, len);
}

static void server_frame(struct buf *out, int opcode, const void *payload, size_t len)
{
	unsigned char h[4] = {(unsigned char)(0x80 | opcode)};
	if (len < 126) {
		h[1] = (unsigned char)len;
		buf_append(out, h, 2);
	} else {
		h[1] = 126;
		h[2] = (unsigned char)(len >> 8);
		h[3] = (unsigned char)len;
		buf_append(out, h, 4);
	}
	buf_append(out, payload, len);
}

static void agent_bytes(struct buf *out, struct ssm_ws *x)
{
	char accept[29];
	ws_accept_key(x->ws.key, accept);
	buf_printf(out, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
			"Sec-WebSocket-Accept: %s\r\n\r\n",
		   accept);
	struct buf m;
	buf_init(&m);
	const char *parts[] = {"hel", "lo ", "world"};
	/* out of order on the wire: 0, 2, 1 */
	int order[] = {0, 2, 1};
	for (int i = 0; i < 3; i++) {
		buf_reset(&m);
		ssm_encode(&m, SSM_OUTPUT, order[i], 0, SSM_PT_OUTPUT, parts[order[i]], strlen(parts[order[i]]), NULL,
			   1700000000000ull);
		server_frame(out, WS_BINARY, m.data, m.len);
	}
	buf_reset(&m);
	const char *closed = "{\"MessageType\":\"channel_closed\",\"Output\":\"\"}";
	ssm_encode(&m, SSM_CLOSED, 0, 3, 0, closed, strlen(closed), NULL, 1700000000000ull);
	server_frame(out, WS_BINARY, m.data, m.len);
	buf_cleanup(&m);
}

static void test_ws_split_everywhere(void **state)
{
	(void)state;
	buf_init(&written);
	struct ssm_ws probe;
	ssm_ws_init(&probe, "token-value", ws_write, &cbs, NULL);
	char *base = NULL, *req = ssm_ws_upgrade(&probe, "wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/"
							 "ecs-execute-command-1?role=publish_subscribe&cell-number=AAE+/x==",
						 &base);
	assert_string_equal(base, "https://ssmmessages.us-east-1.amazonaws.com");
	assert_true(str_starts(req, "GET /v1/data-channel/ecs-execute-command-1?role=publish_subscribe&cell-number="
				    "AAE+/x== HTTP/1.1\r\n"));
	assert_non_null(strstr(req, "\r\nHost: ssmmessages.us-east-1.amazonaws.com\r\n"));
	free(req);
	free(base);
	struct buf bytes;
	buf_init(&bytes);
	agent_bytes(&bytes, &probe);
	char key[32];
	memcpy(key, probe.ws.key, sizeof(key));
	ssm_ws_cleanup(&probe);
	for (size_t k = 0; k <= bytes.len; k++) {
		seen_reset();
		buf_reset(&written);
		struct ssm_ws x;
		ssm_ws_init(&x, "token-value", ws_write, &cbs, NULL);
		char *b = NULL, *r = ssm_ws_upgrade(&x, "ws://127.0.0.1:9/v1/data-channel/s", &b);
		free(r);
		free(b);
		memcpy(x.ws.key, key, sizeof(key)); /* the answer was made for this key */
		char err[ERRLEN] = "";
		if (ssm_ws_recv(&x, bytes.data, k, 1, err, sizeof(err)) < 0 ||
		    ssm_ws_recv(&x, bytes.data + k, bytes.len - k, 2, err, sizeof(err)) < 0)
			fail_msg("split at %zu: %s", k, err);
		if (strcmp(seen.out.data, "hello world") || seen.closed != 1)
			fail_msg("split at %zu: got \"%s\", closed %d", k, seen.out.data, seen.closed);
		/* the first frame the client wrote is text, with the token */
		assert_true(written.len > 2);
		assert_int_equal((unsigned char)written.data[0], 0x81);
		ssm_ws_cleanup(&x);
	}
	/* and byte by byte */
	seen_reset();
	struct ssm_ws x;
	ssm_ws_init(&x, "token-value", ws_write, &cbs, NULL);
	char *b = NULL, *r = ssm_ws_upgrade(&x, "ws://127.0.0.1:9/s", &b);
	free(r);
	free(b);
	memcpy(x.ws.key, key, sizeof(key));
	char err[ERRLEN];
	for (size_t i = 0; i < bytes.len; i++)
		assert_int_equal(ssm_ws_recv(&x, bytes.data + i, 1, 3, err, sizeof(err)), 0);
	assert_string_equal(seen.out.data, "hello world");
	ssm_ws_cleanup(&x);
	buf_cleanup(&bytes);
	buf_cleanup(&written);
	seen_reset();
}

/* The service refusing the token closes the socket with a reason. */
static void test_ws_refused(void **state)
{
	(void)state;
	buf_init(&written);
	seen_reset();
	struct ssm_ws x;
	ssm_ws_init(&x, "token-value", ws_write, &cbs, NULL);
	char *b = NULL, *r = ssm_ws_upgrade(&x, "ws://127.0.0.1:9/s", &b);
	free(r);
	free(b);
	char accept[29];
	ws_accept_key(x.ws.key, accept);
	struct buf bytes;
	buf_init(&bytes);
	buf_printf(&bytes, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
			   "Sec-WebSocket-Accept: %s\r\n\r\n",
		   accept);
	unsigned char close[] = {0x88, 15, 0x03, 0xf0, 't', 'o', 'k', 'e', 'n', ' ', 'r', 'e', 'u', 's', 'e', 'd', '!'};
	buf_append(&bytes, close, sizeof(close));
	char err[ERRLEN];
	assert_int_equal(ssm_ws_recv(&x, bytes.data, bytes.len, 1, err, sizeof(err)), -1);
	assert_string_equal(err, "the SSM service closed the session (1008: token reused!)");
	ssm_ws_cleanup(&x);
	buf_cleanup(&bytes);
	buf_cleanup(&written);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_same_bytes_as_the_lab),
		cmocka_unit_test(test_handshake_and_order),
		cmocka_unit_test(test_resend),
		cmocka_unit_test(test_kms_refused_and_exit_code),
		cmocka_unit_test(test_ws_split_everywhere),
		cmocka_unit_test(test_ws_refused),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	seen_reset();
	buf_cleanup(&seen.out);
	return rc;
}
