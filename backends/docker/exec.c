/* exec.c: interactive exec in a container without the docker binary:
 * POST /containers/{id}/exec creates the session, then a raw connection
 * sends POST /exec/{id}/start with "Upgrade: tcp" and, after the response
 * header, the socket carries the process's terminal both ways (raw bytes
 * with a TTY, the multiplexed framing without). The exit status is read from
 * GET /exec/{id}/json once the stream ends. */
#include "backends/docker/internal.h"
#include "backends/util/log.h"
#include "backends/util/bqueue.h"
#include "backends/docker/mux.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum xphase { X_HANDSHAKE, X_STREAM, X_EOF };

struct dexec {
	struct bstream base;
	struct docker *d;
	char exec_id[96];
	bool tty;
	int rows, cols;
	struct http_raw *raw;
	enum xphase phase;
	struct buf hdr;
	struct bqueue out;
	struct mux_decoder mux;
	struct call *pending; /* exit status request, cancelled on close */
	bool finished, sized;
	void (*done)(void *arg, struct bstream *s, const char *error);
	void *arg;
};

static void queue(void *arg, int stream, const char *data, size_t len)
{
	struct dexec *x = arg;
	bqueue_push(&x->out, stream, data, len);
}

static void on_exit_status(void *arg, const struct http_result *res)
{
	struct call *c = arg;
	struct dexec *x = c->ctx;
	docker_call_finish(c);
	x->pending = NULL;
	json_object *o = docker_ok(res) ? json_tokener_parse(res->body) : NULL, *v;
	if (o && json_object_object_get_ex(o, "ExitCode", &v) && !json_object_is_type(v, json_type_null))
		x->base.exit_code = json_object_get_int(v);
	json_object_put(o);
	x->finished = true;
}

static void exit_cancel(struct call *c, const char *why)
{
	struct dexec *x = c->ctx;
	(void)why;
	x->pending = NULL;
	x->finished = true;
}

static void ask_exit_status(struct dexec *x)
{
	char path[160];
	snprintf(path, sizeof(path), "/exec/%s/json", x->exec_id);
	x->pending = docker_call_start(x->d, "GET", path, 10000, on_exit_status, NULL);
	x->pending->ctx = x;
	x->pending->on_cancel = exit_cancel;
}

/* Takes the response header off the front; 0 when complete, 1 when more is needed, -1 on refusal. */
static int handshake(struct dexec *x)
{
	char *end = x->hdr.data ? strstr(x->hdr.data, "\r\n\r\n") : NULL;
	if (!end)
		return x->hdr.len > 16384 ? -1 : 1;
	int status = 0;
	sscanf(x->hdr.data, "HTTP/%*s %d", &status);
	size_t hlen = (size_t)(end - x->hdr.data) + 4;
	if (status != 101 && status != 200) {
		char err[ERRLEN - 32];
		struct http_result fake = {.status = status, .body = x->hdr.data + hlen, .len = x->hdr.len - hlen};
		docker_decode_error(status, fake.body, fake.len, err, sizeof(err));
		snprintf(x->base.error, sizeof(x->base.error), "the engine refused the exec: %s", err);
		return -1;
	}
	x->phase = X_STREAM;
	/* bytes after the header already belong to the stream */
	if (x->hdr.len > hlen) {
		if (x->tty)
			queue(x, 1, x->hdr.data + hlen, x->hdr.len - hlen);
		else
			mux_feed(&x->mux, x->hdr.data + hlen, x->hdr.len - hlen, queue, x);
	}
	buf_reset(&x->hdr);
	return 0;
}

static void x_resize(struct bstream *s, int rows, int cols);

static long x_read(struct bstream *s, char *buf, size_t n, int *stream)
{
	struct dexec *x = (struct dexec *)s;
	long got = bqueue_pop(&x->out, buf, n, stream);
	if (got >= 0)
		return got;
	if (x->phase == X_EOF)
		return 0;
	char tmp[16384];
	long r = http_raw_recv(x->raw, tmp, sizeof(tmp), s->error, sizeof(s->error));
	if (r < 0)
		return -1; /* EAGAIN, or error with s->error set */
	if (r == 0) {
		x->phase = X_EOF;
		ask_exit_status(x);
		got = bqueue_pop(&x->out, buf, n, stream);
		return got >= 0 ? got : 0;
	}
	if (x->phase == X_HANDSHAKE) {
		buf_append(&x->hdr, tmp, (size_t)r);
		int h = handshake(x);
		if (h < 0) {
			x->phase = X_EOF;
			x->finished = true;
			errno = EIO;
			return -1;
		}
	} else if (x->tty) {
		queue(x, 1, tmp, (size_t)r);
	} else {
		mux_feed(&x->mux, tmp, (size_t)r, queue, x);
	}
	/* engines refuse a resize until the process runs: its first output says it does */
	if (x->phase == X_STREAM && !x->sized && !bqueue_empty(&x->out)) {
		x->sized = true;
		x_resize(&x->base, x->rows, x->cols);
	}
	got = bqueue_pop(&x->out, buf, n, stream);
	if (got >= 0)
		return got;
	errno = EAGAIN;
	return -1;
}

static long x_write(struct bstream *s, const char *buf, size_t n)
{
	struct dexec *x = (struct dexec *)s;
	long w = http_raw_send(x->raw, buf, n, s->error, sizeof(s->error));
	if (w < 0 && errno == EAGAIN)
		return 0;
	return w;
}

static void on_resized(void *arg, const struct http_result *res)
{
	struct call *c = arg;
	(void)res;
	docker_call_finish(c);
}

static void x_resize(struct bstream *s, int rows, int cols)
{
	struct dexec *x = (struct dexec *)s;
	x->rows = rows;
	x->cols = cols;
	if (!x->tty || rows <= 0 || cols <= 0)
		return;
	char path[200];
	snprintf(path, sizeof(path), "/exec/%s/resize?h=%d&w=%d", x->exec_id, rows, cols);
	docker_call_start(x->d, "POST", path, 10000, on_resized, NULL);
}

static int x_fd(struct bstream *s)
{
	return http_raw_fd(((struct dexec *)s)->raw);
}

static bool x_finished(struct bstream *s)
{
	return ((struct dexec *)s)->finished;
}

static void x_free(struct dexec *x)
{
	if (x->pending) {
		http_req_cancel(x->pending->req);
		docker_call_finish(x->pending);
	}
	http_raw_close(x->raw);
	buf_cleanup(&x->hdr);
	bqueue_cleanup(&x->out);
	free(x);
}

static void x_close(struct bstream *s)
{
	x_free((struct dexec *)s);
}

static const struct bstream_ops dexec_ops = {
	.fd = x_fd,
	.read = x_read,
	.write = x_write,
	.resize = x_resize,
	.finished = x_finished,
	.close = x_close,
};

static void fail_open(struct dexec *x, const char *error)
{
	x->done(x->arg, NULL, error);
	x_free(x);
}

static void on_connected(void *arg, struct http_raw *raw, const char *error)
{
	struct dexec *x = arg;
	if (!raw) {
		fail_open(x, error);
		return;
	}
	x->raw = raw;
	char body[64];
	snprintf(body, sizeof(body), "{\"Detach\":false,\"Tty\":%s}", x->tty ? "true" : "false");
	char *req = xasprintf("POST %s/exec/%s/start HTTP/1.1\r\nHost: docker\r\nUser-Agent: binnacle/%s\r\n"
			      "Content-Type: application/json\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
			      "Content-Length: %zu\r\n\r\n%s",
			      x->d->prefix, x->exec_id, PACKAGE_VERSION, strlen(body), body);
	char err[ERRLEN] = "";
	int rc = http_raw_send_all(raw, req, strlen(req), 2000, err, sizeof(err));
	free(req);
	if (rc < 0) {
		fail_open(x, err[0] ? err : "could not send the exec request");
		return;
	}
	log_msg("docker %s: exec %s started", x->d->ep->name, x->exec_id);
	x->done(x->arg, &x->base, NULL);
}

static void on_created(void *arg, const struct http_result *res)
{
	struct call *c = arg;
	struct dexec *x = c->ctx;
	struct docker *d = c->d;
	docker_call_finish(c);
	char err[ERRLEN];
	if (!docker_ok(res)) {
		docker_result_error(res, err, sizeof(err));
		fail_open(x, err);
		return;
	}
	json_object *o = json_tokener_parse(res->body), *v;
	if (o && json_object_object_get_ex(o, "Id", &v))
		snprintf(x->exec_id, sizeof(x->exec_id), "%s", json_object_get_string(v));
	json_object_put(o);
	if (!x->exec_id[0]) {
		fail_open(x, "the engine did not return an exec id");
		return;
	}
	http_raw_connect(&d->target, on_connected, x);
}

static void create_cancel(struct call *c, const char *why)
{
	fail_open(c->ctx, why);
}

void docker_exec(struct endpoint *ep, const char *kind, const char *id, const struct exec_opts *o,
		 void (*done)(void *arg, struct bstream *s, const char *error), void *arg)
{
	struct docker *d = ep->priv;
	(void)kind;
	if (ep->readonly) {
		done(arg, NULL, "this endpoint is read-only");
		return;
	}
	if (d->phase != PH_LIVE) {
		done(arg, NULL, ep->error[0] ? ep->error : "not connected to the engine");
		return;
	}
	struct dexec *x = xcalloc(1, sizeof(*x));
	x->base.ops = &dexec_ops;
	x->base.exit_code = -1;
	x->d = d;
	x->tty = o->tty;
	x->rows = o->rows;
	x->cols = o->cols;
	x->done = done;
	x->arg = arg;
	buf_init(&x->hdr);
	bqueue_init(&x->out);
	mux_init(&x->mux);
	json_object *body = json_object_new_object(), *cmd = json_object_new_array(), *env = json_object_new_array();
	json_object_object_add(body, "AttachStdin", json_object_new_boolean(o->interactive));
	json_object_object_add(body, "AttachStdout", json_object_new_boolean(1));
	json_object_object_add(body, "AttachStderr", json_object_new_boolean(1));
	json_object_object_add(body, "Tty", json_object_new_boolean(o->tty));
	if (o->argv) {
		for (size_t i = 0; o->argv[i]; i++)
			json_object_array_add(cmd, json_object_new_string(o->argv[i]));
	} else if (o->shell && *o->shell) {
		json_object_array_add(cmd, json_object_new_string(o->shell));
	} else {
		for (size_t i = 0; exec_default_shell[i]; i++)
			json_object_array_add(cmd, json_object_new_string(exec_default_shell[i]));
	}
	json_object_object_add(body, "Cmd", cmd);
	const char *term = getenv("TERM");
	char *t = xasprintf("TERM=%s", term && *term ? term : "xterm-256color");
	json_object_array_add(env, json_object_new_string(t));
	free(t);
	if (o->tty && o->rows > 0) {
		char *s = xasprintf("LINES=%d", o->rows);
		json_object_array_add(env, json_object_new_string(s));
		free(s);
		s = xasprintf("COLUMNS=%d", o->cols);
		json_object_array_add(env, json_object_new_string(s));
		free(s);
	}
	json_object_object_add(body, "Env", env);
	const char *text = json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN);
	char path[160];
	snprintf(path, sizeof(path), "/containers/%s/exec", id);
	struct call *c = docker_call_new(d, "POST", path, 30000, on_created, id);
	http_req_body(c->req, text, strlen(text), "application/json");
	c->ctx = x;
	c->on_cancel = create_cancel;
	docker_call_go(c);
	json_object_put(body);
}
