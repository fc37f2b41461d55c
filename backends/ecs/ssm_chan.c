/* ssm_chan.c: the SSM data channel's reliable delivery on top of the
 * codec (see ssm.h): what the plugin and the agent do, minus the plugin's
 * quirks SSM.md warns about (a message is acknowledged only once it is
 * delivered or safely buffered, and a buffered one is never dropped). */
#include "backends/ecs/ssm.h"
#include "backends/codec/jsonget.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RTO_START_MS 200
#define RTO_MAX_MS 1000
#define RTO_MIN_VAR_MS 10
#define RESEND_CHECK_MS 100
#define AHEAD_MAX 10000 /* messages buffered ahead of their turn */

struct ssm_out {
	int64_t seq;
	struct buf bytes;   /* the whole message, resent as it was */
	int64_t sent_ms;
	struct ssm_out *next;
};

struct ssm_in {
	int64_t seq;
	uint32_t payload_type;
	char type[33];
	struct buf payload;
};

void ssm_chan_init(struct ssm_chan *c, const struct ssm_chan_cb *cb, void *arg)
{
	memset(c, 0, sizeof(*c));
	c->cb = *cb;
	c->arg = arg;
	c->rtt_ms = 100;
	c->rto_ms = RTO_START_MS;
}

void ssm_chan_cleanup(struct ssm_chan *c)
{
	while (c->unacked) {
		struct ssm_out *o = c->unacked;
		c->unacked = o->next;
		buf_cleanup(&o->bytes);
		free(o);
	}
	for (size_t i = 0; i < c->nahead; i++)
		buf_cleanup(&c->ahead[i].payload);
	free(c->ahead);
	c->ahead = NULL;
	c->nahead = 0;
}

/* ---- sending ---- */

static void send_data(struct ssm_chan *c, uint32_t payload_type, const void *data, size_t len, int64_t now)
{
	struct ssm_out *o = xcalloc(1, sizeof(*o));
	o->seq = c->next_seq++;
	buf_init(&o->bytes);
	ssm_encode(&o->bytes, SSM_INPUT, o->seq, 0, payload_type, data, len, NULL, (uint64_t)(now > 0 ? now : 1));
	o->sent_ms = now;
	struct ssm_out **p = &c->unacked;
	while (*p)
		p = &(*p)->next;
	*p = o;
	c->cb.send(c->arg, o->bytes.data, o->bytes.len);
}

static void send_size(struct ssm_chan *c, int64_t now)
{
	if (!c->started || c->rows <= 0 || c->cols <= 0)
		return;
	char json[64];
	int n = snprintf(json, sizeof(json), "{\"cols\":%d,\"rows\":%d}", c->cols, c->rows);
	send_data(c, SSM_PT_SIZE, json, (size_t)n, now);
}

void ssm_chan_input(struct ssm_chan *c, const void *data, size_t len, int64_t now_ms)
{
	const char *p = data;
	while (c->started && !c->closed && len) {
		size_t n = len < SSM_INPUT_CHUNK ? len : SSM_INPUT_CHUNK;
		send_data(c, SSM_PT_OUTPUT, p, n, now_ms);
		p += n;
		len -= n;
	}
}

void ssm_chan_resize(struct ssm_chan *c, int rows, int cols, int64_t now_ms)
{
	if (rows == c->rows && cols == c->cols)
		return;
	c->rows = rows;
	c->cols = cols;
	send_size(c, now_ms);
}

int64_t ssm_chan_tick(struct ssm_chan *c, int64_t now_ms)
{
	struct ssm_out *o = c->unacked;
	if (!o)
		return -1;
	/* only the oldest is looked at, as the agent and the plugin do */
	if (now_ms - o->sent_ms >= c->rto_ms) {
		c->cb.send(c->arg, o->bytes.data, o->bytes.len);
		o->sent_ms = now_ms;
		c->resent++;
	}
	return RESEND_CHECK_MS;
}

size_t ssm_chan_unacked(const struct ssm_chan *c)
{
	size_t n = 0;
	for (const struct ssm_out *o = c->unacked; o; o = o->next)
		n++;
	return n;
}

int64_t ssm_chan_oldest_ms(const struct ssm_chan *c, int64_t now_ms)
{
	return c->unacked ? now_ms - c->unacked->sent_ms : 0;
}

/* An acknowledgement: the message it names (by sequence number, as both
 * ends match them) is delivered; its round trip tunes the timeout. */
static void acknowledged(struct ssm_chan *c, const struct ssm_msg *m, int64_t now)
{
	json_tokener *tok = json_tokener_new();
	json_object *o = json_tokener_parse_ex(tok, m->payload, (int)m->len);
	json_tokener_free(tok);
	int64_t seq = -1;
	bool have = jsonget_int(o, "AcknowledgedMessageSequenceNumber", &seq);
	json_object_put(o);
	if (!have)
		return;
	for (struct ssm_out **p = &c->unacked; *p; p = &(*p)->next) {
		struct ssm_out *x = *p;
		if (x->seq != seq)
			continue;
		int64_t sample = now - x->sent_ms;
		if (sample < 0)
			sample = 0;
		int64_t diff = c->rtt_ms > sample ? c->rtt_ms - sample : sample - c->rtt_ms;
		c->rttvar_ms = (3 * c->rttvar_ms + diff) / 4;
		c->rtt_ms = (7 * c->rtt_ms + sample) / 8;
		int64_t var = 4 * c->rttvar_ms > RTO_MIN_VAR_MS ? 4 * c->rttvar_ms : RTO_MIN_VAR_MS;
		c->rto_ms = c->rtt_ms + var > RTO_MAX_MS ? RTO_MAX_MS : c->rtt_ms + var;
		*p = x->next;
		buf_cleanup(&x->bytes);
		free(x);
		c->acked++;
		return;
	}
}

/* ---- receiving ---- */

static void ack(struct ssm_chan *c, const struct ssm_msg *m, int64_t now)
{
	char id[37], payload[256];
	ssm_uuid_text(m->id, id);
	int n = snprintf(payload, sizeof(payload),
			 "{\"AcknowledgedMessageType\":\"%s\",\"AcknowledgedMessageId\":\"%s\","
			 "\"AcknowledgedMessageSequenceNumber\":%lld,\"IsSequentialMessage\":true}",
			 m->type, id, (long long)m->seq);
	struct buf out;
	buf_init(&out);
	ssm_encode(&out, SSM_ACK, 0, SSM_FLAG_SYN | SSM_FLAG_FIN, 0, payload, (size_t)n, NULL,
		   (uint64_t)(now > 0 ? now : 1));
	c->cb.send(c->arg, out.data, out.len);
	buf_cleanup(&out);
}

static void start(struct ssm_chan *c, int64_t now)
{
	if (c->started)
		return;
	c->started = true;
	if (c->cb.started)
		c->cb.started(c->arg);
	send_size(c, now);
}

/* The agent asks for the session type (and maybe KMS encryption, which
 * binnacle does not do: it says so, and the agent ends the session). */
static void handshake(struct ssm_chan *c, const char *payload, size_t len, int64_t now)
{
	json_tokener *tok = json_tokener_new();
	json_object *req = json_tokener_parse_ex(tok, payload, (int)len);
	json_tokener_free(tok);
	json_object *actions = jsonget_arr(req, "RequestedClientActions");
	json_object *resp = json_object_new_object(), *done = json_object_new_array();
	for (size_t i = 0; i < jsonget_len(actions); i++) {
		const char *type = jsonget_str(jsonget_idx(actions, i), "ActionType");
		json_object *a = json_object_new_object();
		bool ok = type && !strcmp(type, "SessionType");
		json_object_object_add(a, "ActionType", json_object_new_string(type ? type : ""));
		json_object_object_add(a, "ActionStatus", json_object_new_int(ok ? 1 : 3)); /* 3: unsupported */
		json_object_object_add(a, "ActionResult", NULL);
		json_object_object_add(a, "Error", json_object_new_string(ok ? "" : "binnacle does not support this action"));
		json_object_array_add(done, a);
	}
	json_object_object_add(resp, "ClientVersion", json_object_new_string("1.2.0.0"));
	json_object_object_add(resp, "ProcessedClientActions", done);
	json_object_object_add(resp, "Errors", NULL);
	const char *text = json_object_to_json_string_ext(resp, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	send_data(c, SSM_PT_HANDSHAKE_RESPONSE, text, strlen(text), now);
	json_object_put(resp);
	json_object_put(req);
}

static void deliver(struct ssm_chan *c, uint32_t type, const char *payload, size_t len, int64_t now)
{
	switch (type) {
	case SSM_PT_OUTPUT:
		/* without a handshake, the first output is the session being up */
		start(c, now);
		c->cb.output(c->arg, 1, payload, len);
		break;
	case SSM_PT_STDERR:
		start(c, now);
		c->cb.output(c->arg, 2, payload, len);
		break;
	case SSM_PT_HANDSHAKE_REQUEST:
		handshake(c, payload, len, now);
		break;
	case SSM_PT_HANDSHAKE_COMPLETE: {
		json_tokener *tok = json_tokener_new();
		json_object *o = json_tokener_parse_ex(tok, payload, (int)len);
		json_tokener_free(tok);
		const char *msg = jsonget_str(o, "CustomerMessage");
		if (msg && *msg) {
			c->cb.output(c->arg, 1, msg, strlen(msg));
			c->cb.output(c->arg, 1, "\r\n", 2);
		}
		json_object_put(o);
		start(c, now);
		break;
	}
	case SSM_PT_EXIT_CODE: {
		/* "EXIT_CODE: 3" (non-interactive commands only) */
		char text[64];
		snprintf(text, sizeof(text), "%.*s", (int)(len < 63 ? len : 63), payload);
		const char *colon = strchr(text, ':');
		if (c->cb.exit_code)
			c->cb.exit_code(c->arg, (int)strtol(colon ? colon + 1 : text, NULL, 10));
		break;
	}
	default:
		break; /* Size, Flag and the encryption challenge are not for a shell client */
	}
}

/* The index where seq is, or would go, in the sorted ahead buffer. */
static size_t ahead_pos(const struct ssm_chan *c, int64_t seq, bool *found)
{
	size_t lo = 0, hi = c->nahead;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c->ahead[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < c->nahead && c->ahead[lo].seq == seq;
	return lo;
}

static void stream_message(struct ssm_chan *c, const struct ssm_msg *m, int64_t now)
{
	if (m->seq < c->expected) {
		/* a resend of what was delivered: the ack must have been lost */
		c->duplicates++;
		ack(c, m, now);
		return;
	}
	if (m->seq > c->expected) {
		bool found;
		size_t at = ahead_pos(c, m->seq, &found);
		if (found) {
			c->duplicates++;
		} else {
			if (c->nahead >= AHEAD_MAX)
				return; /* not acknowledged: it comes again when there is room */
			c->ahead = xrealloc(c->ahead, (c->nahead + 1) * sizeof(*c->ahead));
			memmove(c->ahead + at + 1, c->ahead + at, (c->nahead - at) * sizeof(*c->ahead));
			struct ssm_in *in = &c->ahead[at];
			memset(in, 0, sizeof(*in));
			in->seq = m->seq;
			in->payload_type = m->payload_type;
			snprintf(in->type, sizeof(in->type), "%s", m->type);
			buf_init(&in->payload);
			buf_append(&in->payload, m->payload, m->len);
			c->nahead++;
		}
		ack(c, m, now);
		return;
	}
	ack(c, m, now);
	c->expected++;
	deliver(c, m->payload_type, m->payload, m->len, now);
	/* then whatever was waiting for it */
	while (c->nahead && c->ahead[0].seq <= c->expected) {
		struct ssm_in in = c->ahead[0];
		memmove(c->ahead, c->ahead + 1, (c->nahead - 1) * sizeof(*c->ahead));
		c->nahead--;
		if (in.seq == c->expected) {
			c->expected++;
			deliver(c, in.payload_type, in.payload.data ? in.payload.data : "", in.payload.len, now);
		}
		buf_cleanup(&in.payload);
	}
}

int ssm_chan_receive(struct ssm_chan *c, const void *frame, size_t len, int64_t now_ms, char *err, size_t errlen)
{
	struct ssm_msg m;
	char why[ERRLEN];
	if (ssm_decode(frame, len, &m, why, sizeof(why)) < 0) {
		/* a corrupted payload comes again; a message that is no message is an error */
		if (strstr(why, "digest"))
			return 0;
		return set_err(err, errlen, "%s", why);
	}
	if (!strcmp(m.type, SSM_ACK)) {
		acknowledged(c, &m, now_ms);
	} else if (!strcmp(m.type, SSM_OUTPUT)) {
		stream_message(c, &m, now_ms);
	} else if (!strcmp(m.type, SSM_CLOSED)) {
		if (c->closed)
			return 0;
		c->closed = true;
		json_tokener *tok = json_tokener_new();
		json_object *o = json_tokener_parse_ex(tok, m.payload, (int)m.len);
		json_tokener_free(tok);
		const char *text = jsonget_str(o, "Output");
		c->cb.closed(c->arg, text ? text : "");
		json_object_put(o);
	}
	/* start_publication, pause_publication: nothing to do */
	return 0;
}
