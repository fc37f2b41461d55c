/* exec.c: kubectl exec without kubectl: GET pods/{name}/exec upgraded to a
 * WebSocket offering v5.channel.k8s.io and v4.channel.k8s.io. Every message
 * is channel byte + payload: 0 stdin, 1 stdout, 2 stderr, 3 the final
 * Status (exit code), 4 resize {"Width","Height"}. The upgrade is a GET on a
 * raw connection carrying the same TLS and credentials as every request. */
#include "backends/util/bqueue.h"
#include "backends/kube/internal.h"
#include "backends/kube/kinds.h"
#include "backends/util/log.h"
#include "backends/net/websocket.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kexec {
	struct bstream base;
	struct kube *k;
	struct http_raw *raw;
	struct ws ws;
	char *path;
	bool upgraded, b64, ended, finished, tty;
	int rows, cols;
	struct bqueue out;
	struct buf unsent; /* frames the socket could not take yet */
	void (*done)(void *arg, struct bstream *s, const char *error);
	void *arg;
};

/* Sends what is queued; false when the connection failed. */
static bool flush(struct kexec *x)
{
	while (x->unsent.len) {
		long w = http_raw_send(x->raw, x->unsent.data, x->unsent.len, x->base.error, sizeof(x->base.error));
		if (w < 0)
			return errno == EAGAIN;
		buf_consume(&x->unsent, (size_t)w);
	}
	return true;
}

static void send_channel(struct kexec *x, int channel, const char *data, size_t len)
{
	ws_k8s_frame(&x->unsent, channel, data, len, x->b64);
	flush(x);
}

static void send_size(struct kexec *x)
{
	if (!x->tty || !x->upgraded || x->rows <= 0)
		return;
	char json[64];
	/* capitalised keys: the Go struct behind it has no JSON tags */
	int n = snprintf(json, sizeof(json), "{\"Width\":%d,\"Height\":%d}", x->cols, x->rows);
	send_channel(x, WS_K8S_RESIZE, json, (size_t)n);
}

static void on_message(struct kexec *x, int opcode, struct buf *msg)
{
	if (opcode == WS_PING) {
		ws_frame(&x->unsent, WS_PONG, msg->data, msg->len);
		flush(x);
		return;
	}
	if (opcode == WS_CLOSE) {
		x->ended = true;
		x->finished = true;
		return;
	}
	if (opcode == WS_PONG)
		return;
	int channel;
	const char *data;
	size_t len;
	struct buf scratch;
	buf_init(&scratch);
	if (ws_k8s_parse(msg, opcode, x->b64, &channel, &data, &len, &scratch) == 0) {
		if (channel == WS_K8S_STDOUT || channel == WS_K8S_STDERR) {
			bqueue_push(&x->out, channel, data, len);
		} else if (channel == WS_K8S_ERROR && len) {
			char why[ERRLEN] = "";
			x->base.exit_code = ws_k8s_exit_code(data, len, why, sizeof(why));
			if (x->base.exit_code < 0 && why[0])
				snprintf(x->base.error, sizeof(x->base.error), "%s", why);
			x->finished = true;
		}
	}
	buf_cleanup(&scratch);
}

static long k_read(struct bstream *s, char *buf, size_t n, int *stream)
{
	struct kexec *x = (struct kexec *)s;
	long got = bqueue_pop(&x->out, buf, n, stream);
	if (got >= 0)
		return got;
	if (x->ended)
		return 0;
	if (!flush(x))
		return -1;
	char tmp[16384];
	long r = http_raw_recv(x->raw, tmp, sizeof(tmp), s->error, sizeof(s->error));
	if (r < 0)
		return -1;
	if (r == 0) {
		ws_eof(&x->ws);
		/* a refusal whose body ran to the end of the connection */
		if (!x->upgraded && ws_handshake_response(&x->ws, NULL, 0, s->error, sizeof(s->error)) < 0) {
			x->ended = x->finished = true;
			errno = EIO;
			return -1;
		}
		x->ended = true;
		x->finished = true;
		return 0;
	}
	if (!x->upgraded) {
		int h = ws_handshake_response(&x->ws, tmp, (size_t)r, s->error, sizeof(s->error));
		if (h < 0) {
			x->ended = x->finished = true;
			errno = EIO;
			return -1;
		}
		if (h == 0) {
			x->upgraded = true;
			x->b64 = ws_k8s_is_base64(x->ws.protocol);
			log_msg("kube %s: exec upgraded with %s", x->k->ep->name, x->ws.protocol);
			send_size(x);
		}
	} else {
		ws_feed(&x->ws, tmp, (size_t)r);
	}
	struct buf msg;
	buf_init(&msg);
	int opcode, rc;
	while (x->upgraded && (rc = ws_next(&x->ws, &opcode, &msg, s->error, sizeof(s->error))) == 1)
		on_message(x, opcode, &msg);
	buf_cleanup(&msg);
	if (x->upgraded && rc < 0) {
		x->ended = x->finished = true;
		errno = EIO;
		return -1;
	}
	got = bqueue_pop(&x->out, buf, n, stream);
	if (got >= 0)
		return got;
	if (x->ended)
		return 0;
	errno = EAGAIN;
	return -1;
}

static long k_write(struct bstream *s, const char *buf, size_t n)
{
	struct kexec *x = (struct kexec *)s;
	if (!x->upgraded) {
		errno = EAGAIN;
		return 0; /* typed before the upgrade finished: kept by the caller */
	}
	send_channel(x, WS_K8S_STDIN, buf, n);
	return (long)n;
}

static void k_resize(struct bstream *s, int rows, int cols)
{
	struct kexec *x = (struct kexec *)s;
	x->rows = rows;
	x->cols = cols;
	send_size(x);
}

static int k_fd(struct bstream *s)
{
	return http_raw_fd(((struct kexec *)s)->raw);
}

static bool k_finished(struct bstream *s)
{
	return ((struct kexec *)s)->finished;
}

static void kexec_free(struct kexec *x)
{
	if (x->raw && x->upgraded && !x->ended) {
		ws_close_frame(&x->unsent, 1000, "");
		flush(x);
	}
	http_raw_close(x->raw);
	ws_cleanup(&x->ws);
	bqueue_cleanup(&x->out);
	buf_cleanup(&x->unsent);
	free(x->path);
	free(x);
}

static void k_close(struct bstream *s)
{
	kexec_free((struct kexec *)s);
}

static const struct bstream_ops kexec_ops = {
	.fd = k_fd,
	.read = k_read,
	.write = k_write,
	.resize = k_resize,
	.finished = k_finished,
	.close = k_close,
};

static void fail_open(struct kexec *x, const char *error)
{
	x->done(x->arg, NULL, error);
	kexec_free(x);
}

static void on_connected(void *arg, struct http_raw *raw, const char *error)
{
	struct kexec *x = arg;
	if (!raw) {
		fail_open(x, error);
		return;
	}
	x->raw = raw;
	const char *base = x->k->target.base_url;
	const char *host = strstr(base, "://");
	host = host ? host + 3 : base;
	char *extra = x->k->target.auth_header ? xasprintf("%s\r\n", x->k->target.auth_header) : xstrdup("");
	char *req = ws_handshake_request(&x->ws, host, x->path, "v5.channel.k8s.io, v4.channel.k8s.io", extra);
	free(extra);
	int rc = http_raw_send_all(raw, req, strlen(req), 2000, x->base.error, sizeof(x->base.error));
	free(req);
	if (rc < 0) {
		fail_open(x, x->base.error[0] ? x->base.error : "could not send the exec request");
		return;
	}
	x->done(x->arg, &x->base, NULL);
}

static void on_creds(void *arg, const char *error)
{
	struct kexec *x = arg;
	if (error) {
		fail_open(x, error);
		return;
	}
	kube_creds_apply(x->k->creds, &x->k->target);
	http_raw_connect(&x->k->target, on_connected, x);
}

void kube_exec(struct endpoint *ep, const char *kind, const char *id, const struct exec_opts *o,
	       void (*done)(void *arg, struct bstream *s, const char *error), void *arg)
{
	struct kube *k = ep->priv;
	if (ep->readonly) {
		done(arg, NULL, "this endpoint is read-only");
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
	buf_printf(&path, "/api/v1/namespaces/%s/pods/%s/exec?stdin=%s&stdout=true&stderr=true&tty=%s", ns, pod,
		   o->interactive ? "true" : "false", o->tty ? "true" : "false");
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
	x->base.ops = &kexec_ops;
	x->base.exit_code = -1;
	x->k = k;
	x->tty = o->tty;
	x->rows = o->rows;
	x->cols = o->cols;
	x->done = done;
	x->arg = arg;
	x->path = buf_steal(&path);
	ws_init(&x->ws);
	bqueue_init(&x->out);
	buf_init(&x->unsent);
	/* the upgrade is authorized like any request: make sure the token is fresh */
	kube_creds_get(k->creds, on_creds, x);
}
