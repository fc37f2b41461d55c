/* exec.c: kubectl exec without kubectl: GET pods/{name}/exec upgraded to a
 * WebSocket offering v5.channel.k8s.io and v4.channel.k8s.io. Every message
 * is channel byte + payload: 0 stdin, 1 stdout, 2 stderr, 3 the final
 * Status (exit code), 4 resize {"Width","Height"}. The upgrade is a GET on a
 * raw connection carrying the same TLS and credentials as every request.
 * Only the Kubernetes part is here: the stream itself is execstream.c's.
 * A shell on a node is an SSH node shell (nodeshell.h). */
#include "backends/kube/internal.h"
#include "backends/kube/kinds.h"
#include "backends/model/kinds.h"
#include "backends/net/execstream.h"
#include "backends/ssh/nodeshell.h"
#include "backends/net/websocket.h"
#include "backends/util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Kubernetes' part of the exec stream (the rest is execstream.c). */
struct kexec {
	struct kube *k;
	struct ws ws;
	char *path;
	bool upgraded, b64, tty;
	struct buf msg, scratch;
	struct execstream *s;
};

static void send_channel(struct kexec *x, int channel, const char *data, size_t len)
{
	struct buf frame;
	buf_init(&frame);
	ws_k8s_frame(&frame, channel, data, len, x->b64);
	execstream_send(x->s, frame.data, frame.len);
	buf_cleanup(&frame);
}

static void send_size(struct kexec *x)
{
	if (!x->tty || !x->upgraded || x->s->rows <= 0)
		return;
	char json[64];
	/* capitalised keys: the Go struct behind it has no JSON tags */
	int n = snprintf(json, sizeof(json), "{\"Width\":%d,\"Height\":%d}", x->s->cols, x->s->rows);
	send_channel(x, WS_K8S_RESIZE, json, (size_t)n);
}

static void on_message(struct kexec *x, int opcode, struct buf *msg)
{
	if (opcode == WS_PING) {
		struct buf pong;
		buf_init(&pong);
		ws_frame(&pong, WS_PONG, msg->data, msg->len);
		execstream_send(x->s, pong.data, pong.len);
		buf_cleanup(&pong);
		return;
	}
	if (opcode == WS_CLOSE) {
		execstream_stop(x->s, NULL);
		execstream_finish(x->s);
		return;
	}
	if (opcode == WS_PONG)
		return;
	int channel;
	const char *data;
	size_t len;
	if (ws_k8s_parse(msg, opcode, x->b64, &channel, &data, &len, &x->scratch) < 0)
		return;
	if (channel == WS_K8S_STDOUT || channel == WS_K8S_STDERR) {
		execstream_output(x->s, channel, data, len);
	} else if (channel == WS_K8S_ERROR && len) {
		char why[ERRLEN] = "";
		int code = ws_k8s_exit_code(data, len, why, sizeof(why));
		execstream_exit(x->s, code);
		if (code < 0 && why[0])
			snprintf(x->s->base.error, sizeof(x->s->base.error), "%s", why);
		execstream_finish(x->s);
	}
}

static int k_recv(struct execstream *s, const char *data, size_t len, char *err, size_t errlen)
{
	struct kexec *x = s->priv;
	if (!x->upgraded) {
		int h = ws_handshake_response(&x->ws, data, len, err, errlen);
		if (h < 0)
			return -1;
		if (h == 1)
			return 0;
		x->upgraded = true;
		x->b64 = ws_k8s_is_base64(x->ws.protocol);
		log_msg("kube %s: exec upgraded with %s", x->k->ep->name, x->ws.protocol);
		execstream_ready(s);
		send_size(x);
	} else {
		ws_feed(&x->ws, data, len);
	}
	int opcode, rc;
	while ((rc = ws_next(&x->ws, &opcode, &x->msg, err, errlen)) == 1)
		on_message(x, opcode, &x->msg);
	return rc < 0 ? -1 : 0;
}

static void k_input(struct execstream *s, const char *data, size_t len)
{
	send_channel(s->priv, WS_K8S_STDIN, data, len);
}

/* A frame adds at most 14 bytes and the channel byte; base64 grows by 4/3. */
static size_t k_fit(struct execstream *s, size_t room)
{
	struct kexec *x = s->priv;
	if (room <= 32)
		return 0;
	return x->b64 ? (room - 32) / 4 * 3 : room - 32;
}

static void k_resize(struct execstream *s, int rows, int cols)
{
	(void)rows;
	(void)cols;
	send_size(s->priv);
}

static void k_ended(struct execstream *s, const char *error)
{
	struct kexec *x = s->priv;
	char err[ERRLEN] = "";
	ws_eof(&x->ws);
	/* a refusal whose body ran to the end of the connection */
	if (!error && !x->upgraded && ws_handshake_response(&x->ws, NULL, 0, err, sizeof(err)) < 0)
		execstream_stop(s, err);
	execstream_finish(s);
}

static void k_closing(struct execstream *s)
{
	struct kexec *x = s->priv;
	if (!x->upgraded)
		return;
	struct buf frame;
	buf_init(&frame);
	ws_close_frame(&frame, 1000, "");
	execstream_send(s, frame.data, frame.len);
	buf_cleanup(&frame);
}

static void k_free(struct execstream *s)
{
	struct kexec *x = s->priv;
	ws_cleanup(&x->ws);
	buf_cleanup(&x->msg);
	buf_cleanup(&x->scratch);
	free(x->path);
	free(x);
}

static const struct execstream_proto websocket_proto = {
	.name = "k8s-websocket",
	.recv = k_recv,
	.input = k_input,
	.fit = k_fit,
	.resize = k_resize,
	.ended = k_ended,
	.closing = k_closing,
	.free = k_free,
};

static void on_creds(void *arg, const char *error)
{
	struct kexec *x = arg;
	if (error) {
		execstream_fail_open(x->s, error);
		return;
	}
	kube_creds_apply(x->k->creds, &x->k->target);
	const char *base = x->k->target.base_url;
	const char *host = strstr(base, "://");
	host = host ? host + 3 : base;
	char *extra = x->k->target.auth_header ? xasprintf("%s\r\n", x->k->target.auth_header) : xstrdup("");
	char *req = ws_handshake_request(&x->ws, host, x->path, "v5.channel.k8s.io, v4.channel.k8s.io", extra);
	free(extra);
	execstream_connect(x->s, &x->k->target, req, strlen(req));
	free(req);
}

void kube_exec(struct endpoint *ep, const char *kind, const char *id, const struct exec_opts *o,
	       void (*done)(void *arg, struct bstream *s, const char *error), void *arg)
{
	struct kube *k = ep->priv;
	if (ep->readonly) {
		done(arg, NULL, "this endpoint is read-only");
		return;
	}
	if (!strcmp(kind, KIND_NODES)) {
		/* a node is a machine: an SSH shell on it, not an exec */
		nodeshell_open(ep, id, NULL, o, done, arg);
		return;
	}
	if (!k->creds || k->phase != K_LIVE) {
		done(arg, NULL, ep->error[0] ? ep->error : "not connected to the API server");
		return;
	}
	char ns[256], pod[512];
	const char *container = kube_split_id(id, ns, sizeof(ns), pod, sizeof(pod));
	(void)kind; /* a container row's id names its container; a pod's does not */
	if (!container)
		container = o->container;
	struct buf path;
	buf_init(&path);
	char *ens = http_escape_str(ns), *epod = http_escape_str(pod);
	buf_printf(&path, "/api/v1/namespaces/%s/pods/%s/exec?stdin=%s&stdout=true&stderr=true&tty=%s", ens, epod,
		   o->interactive ? "true" : "false", o->tty ? "true" : "false");
	free(ens);
	free(epod);
	const char *const *argv = o->argv;
	const char *one[2] = {o->shell, NULL};
	if (!argv)
		argv = o->shell && *o->shell ? one : exec_default_shell;
	/* each argument is its own command= parameter */
	for (size_t i = 0; argv[i]; i++) {
		char *e = http_escape(argv[i], strlen(argv[i]));
		buf_printf(&path, "&command=%s", e);
		free(e);
	}
	if (container && *container) {
		char *e = http_escape(container, strlen(container));
		buf_printf(&path, "&container=%s", e);
		free(e);
	}
	struct kexec *x = xcalloc(1, sizeof(*x));
	x->k = k;
	x->tty = o->tty;
	x->path = buf_steal(&path);
	ws_init(&x->ws);
	buf_init(&x->msg);
	buf_init(&x->scratch);
	x->s = execstream_new(&websocket_proto, x, o->rows, o->cols, done, arg);
	/* the upgrade is authorized like any request: make sure the token is fresh */
	kube_creds_get(k->creds, on_creds, x);
}
