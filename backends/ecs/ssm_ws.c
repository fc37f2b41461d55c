/* ssm_ws.c: the SSM data channel over its WebSocket (see ssm_ws.h). */
#include "backends/ecs/ssm_ws.h"
#include "backends/aws/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void chan_send(void *arg, const void *frame, size_t len)
{
	struct ssm_ws *x = arg;
	buf_reset(&x->frame);
	ws_frame(&x->frame, WS_BINARY, frame, len);
	x->write(x->arg, x->frame.data, x->frame.len);
}

static void chan_output(void *arg, int stream, const char *data, size_t len)
{
	struct ssm_ws *x = arg;
	x->user.output(x->arg, stream, data, len);
}

static void chan_started(void *arg)
{
	struct ssm_ws *x = arg;
	if (x->user.started)
		x->user.started(x->arg);
}

static void chan_exit(void *arg, int code)
{
	struct ssm_ws *x = arg;
	if (x->user.exit_code)
		x->user.exit_code(x->arg, code);
}

static void chan_closed(void *arg, const char *text)
{
	struct ssm_ws *x = arg;
	x->user.closed(x->arg, text);
}

void ssm_ws_init(struct ssm_ws *x, const char *token, void (*write)(void *arg, const void *data, size_t len),
		 const struct ssm_chan_cb *cb, void *arg)
{
	memset(x, 0, sizeof(*x));
	ws_init(&x->ws);
	buf_init(&x->msg);
	buf_init(&x->frame);
	x->token = xstrdup(token);
	x->write = write;
	x->user = *cb;
	x->arg = arg;
	unsigned char id[16];
	ssm_uuid_new(id);
	ssm_uuid_text(id, x->client_id);
	struct ssm_chan_cb mine = {.send = chan_send, .output = chan_output, .started = chan_started,
				   .exit_code = chan_exit, .closed = chan_closed};
	ssm_chan_init(&x->chan, &mine, x);
}

void ssm_ws_cleanup(struct ssm_ws *x)
{
	ssm_chan_cleanup(&x->chan);
	ws_cleanup(&x->ws);
	buf_cleanup(&x->msg);
	buf_cleanup(&x->frame);
	if (x->token) {
		memset(x->token, 0, strlen(x->token));
		free(x->token);
	}
	memset(x, 0, sizeof(*x));
}

char *ssm_ws_upgrade(struct ssm_ws *x, const char *url, char **base)
{
	bool tls = str_starts(url, "wss://");
	if (!tls && !str_starts(url, "ws://"))
		return NULL;
	char *host = NULL, *rest = NULL;
	if (aws_url_split(url, NULL, &host, &rest) < 0)
		return NULL;
	const char *hp = url + (tls ? 6 : 5);
	*base = xasprintf("%s://%.*s", tls ? "https" : "http", (int)strcspn(hp, "/?"), hp);
	char *req = ws_handshake_request(&x->ws, host, rest, NULL, NULL);
	free(host);
	free(rest);
	return req;
}

static int on_message(struct ssm_ws *x, int opcode, struct buf *msg, char *err, size_t errlen)
{
	struct buf out;
	switch (opcode) {
	case WS_PING:
		buf_init(&out);
		ws_frame(&out, WS_PONG, msg->data, msg->len);
		x->write(x->arg, out.data, out.len);
		buf_cleanup(&out);
		return 0;
	case WS_PONG:
	case WS_TEXT: /* the service sends nothing as text */
		return 0;
	case WS_CLOSE:
		if (!x->chan.closed) {
			/* refused before the session began (a used or expired token) */
			if (x->ws.close_code != 1000 && x->ws.close_code != WS_CLOSE_NO_STATUS)
				return set_err(err, errlen, "the SSM service closed the session (%d%s%s)", x->ws.close_code,
					       x->ws.close_reason[0] ? ": " : "", x->ws.close_reason);
			x->chan.closed = true;
			x->user.closed(x->arg, "");
		}
		return 0;
	default:
		return ssm_chan_receive(&x->chan, msg->data ? msg->data : "", msg->len, x->now_ms, err, errlen);
	}
}

int ssm_ws_recv(struct ssm_ws *x, const char *data, size_t len, int64_t now_ms, char *err, size_t errlen)
{
	x->now_ms = now_ms;
	if (!x->upgraded) {
		int h = ws_handshake_response(&x->ws, data, len, err, errlen);
		if (h < 0)
			return -1;
		if (h == 1)
			return 0;
		x->upgraded = true;
		/* the first frame is text: who we are and the session's token */
		char *open = ssm_open_input(x->token, x->client_id);
		struct buf f;
		buf_init(&f);
		ws_frame(&f, WS_TEXT, open, strlen(open));
		x->write(x->arg, f.data, f.len);
		memset(f.data, 0, f.len);
		buf_cleanup(&f);
		memset(open, 0, strlen(open));
		free(open);
	} else {
		ws_feed(&x->ws, data, len);
	}
	int opcode, rc;
	while ((rc = ws_next(&x->ws, &opcode, &x->msg, err, errlen)) == 1)
		if (on_message(x, opcode, &x->msg, err, errlen) < 0)
			return -1;
	return rc < 0 ? -1 : 0;
}

void ssm_ws_input(struct ssm_ws *x, const void *data, size_t len, int64_t now_ms)
{
	ssm_chan_input(&x->chan, data, len, now_ms);
}

void ssm_ws_resize(struct ssm_ws *x, int rows, int cols, int64_t now_ms)
{
	ssm_chan_resize(&x->chan, rows, cols, now_ms);
}

int64_t ssm_ws_tick(struct ssm_ws *x, int64_t now_ms)
{
	return ssm_chan_tick(&x->chan, now_ms);
}

void ssm_ws_close(struct ssm_ws *x)
{
	if (!x->upgraded)
		return;
	struct buf f;
	buf_init(&f);
	ws_close_frame(&f, 1000, "");
	x->write(x->arg, f.data, f.len);
	buf_cleanup(&f);
}
