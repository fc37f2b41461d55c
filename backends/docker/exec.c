/* exec.c: interactive exec in a container without the docker binary:
 * POST /containers/{id}/exec creates the session, then a raw connection
 * sends POST /exec/{id}/start with "Upgrade: tcp" and, after the response
 * header, the socket carries the process's terminal both ways (raw bytes
 * with a TTY, the multiplexed framing without). The exit status is read from
 * GET /exec/{id}/json once the stream ends. Only Docker's part is here: the
 * stream itself is execstream.c's. A shell on the engine's host (the
 * nodes kind) is an SSH node shell (nodeshell.h). */
#include "backends/docker/internal.h"
#include "backends/codec/jsonget.h"
#include "backends/docker/mux.h"
#include "backends/model/kinds.h"
#include "backends/net/execstream.h"
#include "backends/ssh/nodeshell.h"
#include "backends/util/log.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Docker's part of the exec stream (the rest is execstream.c). */
struct dexec {
	struct docker *d;
	char exec_id[96];
	bool tty, upgraded, sized, output; /* output: the process has written something */
	struct buf hdr;
	struct mux_decoder mux;
	struct call *pending; /* exit status request, cancelled on close */
	struct execstream *s;
};

static void emit(void *arg, int stream, const char *data, size_t len)
{
	struct dexec *x = arg;
	x->output = true;
	execstream_output(x->s, stream, data, len);
}

static void take(struct dexec *x, const char *data, size_t len)
{
	if (x->tty)
		emit(x, 1, data, len);
	else
		mux_feed(&x->mux, data, len, emit, x);
}

static void on_exit_status(void *arg, const struct http_result *res)
{
	struct call *c = arg;
	struct dexec *x = c->ctx;
	x->pending = NULL;
	json_object *o = docker_ok(res) ? json_tokener_parse(res->body) : NULL;
	int64_t code;
	if (jsonget_int(o, "ExitCode", &code))
		execstream_exit(x->s, (int)code);
	json_object_put(o);
	execstream_finish(x->s);
}

static void exit_cancel(struct call *c, const char *why)
{
	struct dexec *x = c->ctx;
	(void)why;
	x->pending = NULL;
	execstream_finish(x->s);
}

static void resize_now(struct dexec *x, int rows, int cols);

/* Takes the response header off the front; 0 when complete, 1 when more is needed, -1 on refusal. */
static int handshake(struct dexec *x, char *err, size_t errlen)
{
	char *end = x->hdr.data ? strstr(x->hdr.data, "\r\n\r\n") : NULL;
	if (!end)
		return x->hdr.len > 16384 ? set_err(err, errlen, "the engine sent no exec response") : 1;
	int status = 0;
	sscanf(x->hdr.data, "HTTP/%*s %d", &status);
	size_t hlen = (size_t)(end - x->hdr.data) + 4;
	if (status != 101 && status != 200) {
		char why[ERRLEN - 32];
		docker_decode_error(status, x->hdr.data + hlen, x->hdr.len - hlen, why, sizeof(why));
		return set_err(err, errlen, "the engine refused the exec: %s", why);
	}
	x->upgraded = true;
	/* bytes after the header already belong to the stream */
	if (x->hdr.len > hlen)
		take(x, x->hdr.data + hlen, x->hdr.len - hlen);
	buf_reset(&x->hdr);
	return 0;
}

static int x_recv(struct execstream *s, const char *data, size_t len, char *err, size_t errlen)
{
	struct dexec *x = s->priv;
	if (!x->upgraded) {
		buf_append(&x->hdr, data, len);
		if (handshake(x, err, errlen) < 0)
			return -1;
	} else {
		take(x, data, len);
	}
	/* engines refuse a resize until the process runs: its first output says it does */
	if (x->upgraded && !x->sized && x->output) {
		x->sized = true;
		resize_now(x, s->rows, s->cols);
	}
	return 0;
}

static void x_input(struct execstream *s, const char *data, size_t len)
{
	execstream_send(s, data, len); /* the hijacked stream is the process's stdin as is */
}

static void on_resized(void *arg, const struct http_result *res)
{
	(void)arg;
	(void)res;
}

static void resize_now(struct dexec *x, int rows, int cols)
{
	if (!x->tty || rows <= 0 || cols <= 0)
		return;
	char *eid = http_escape_str(x->exec_id);
	char *path = xasprintf("/exec/%s/resize?h=%d&w=%d", eid, rows, cols);
	docker_call_start(x->d, "POST", path, 10000, on_resized, NULL);
	free(path);
	free(eid);
}

static void x_resize(struct execstream *s, int rows, int cols)
{
	resize_now(s->priv, rows, cols);
}

/* The stream ended: the exit status is asked for (a failed connection has none to give). */
static void x_ended(struct execstream *s, const char *error)
{
	struct dexec *x = s->priv;
	if (error || !x->upgraded) {
		execstream_finish(s);
		return;
	}
	char *eid = http_escape_str(x->exec_id);
	char *path = xasprintf("/exec/%s/json", eid);
	x->pending = docker_call_start(x->d, "GET", path, 10000, on_exit_status, NULL);
	free(path);
	free(eid);
	x->pending->ctx = x;
	x->pending->on_cancel = exit_cancel;
}

static void x_free(struct execstream *s)
{
	struct dexec *x = s->priv;
	docker_call_cancel(x->pending);
	buf_cleanup(&x->hdr);
	free(x);
}

static const struct execstream_proto hijack_proto = {
	.name = "docker-hijack",
	.recv = x_recv,
	.input = x_input,
	.resize = x_resize,
	.ended = x_ended,
	.free = x_free,
};

static void on_created(void *arg, const struct http_result *res)
{
	struct call *c = arg;
	struct dexec *x = c->ctx;
	struct docker *d = c->d;
	char err[ERRLEN];
	if (!docker_ok(res)) {
		docker_result_error(res, err, sizeof(err));
		execstream_fail_open(x->s, err);
		return;
	}
	json_object *o = json_tokener_parse(res->body);
	const char *id = jsonget_str(o, "Id");
	snprintf(x->exec_id, sizeof(x->exec_id), "%s", id ? id : "");
	json_object_put(o);
	if (!x->exec_id[0]) {
		execstream_fail_open(x->s, "the engine did not return an exec id");
		return;
	}
	char body[64];
	snprintf(body, sizeof(body), "{\"Detach\":false,\"Tty\":%s}", x->tty ? "true" : "false");
	/* the id comes from the engine: escaped, it cannot add a header line */
	char *eid = http_escape_str(x->exec_id);
	char *req = xasprintf("POST %s/exec/%s/start HTTP/1.1\r\nHost: docker\r\nUser-Agent: binnacle/%s\r\n"
			      "Content-Type: application/json\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
			      "Content-Length: %zu\r\n\r\n%s",
			      d->prefix, eid, PACKAGE_VERSION, strlen(body), body);
	free(eid);
	/* stdin may follow the request at once: the engine reads it after the upgrade */
	execstream_ready(x->s);
	execstream_connect(x->s, &d->target, req, strlen(req));
	free(req);
	log_msg("docker %s: exec %s started", d->ep->name, x->exec_id);
}

static void create_cancel(struct call *c, const char *why)
{
	struct dexec *x = c->ctx;
	execstream_fail_open(x->s, why);
}

void docker_exec(struct endpoint *ep, const char *kind, const char *id, const struct exec_opts *o,
		 void (*done)(void *arg, struct bstream *s, const char *error), void *arg)
{
	struct docker *d = ep->priv;
	if (ep->readonly) {
		done(arg, NULL, "this endpoint is read-only");
		return;
	}
	if (!strcmp(kind, KIND_NODES)) {
		/* the engine's host, over SSH: by default the host of an ssh:// engine */
		nodeshell_open(ep, id, d->ssh_dest, o, done, arg);
		return;
	}
	if (d->phase != PH_LIVE) {
		done(arg, NULL, ep->error[0] ? ep->error : "not connected to the engine");
		return;
	}
	struct dexec *x = xcalloc(1, sizeof(*x));
	x->d = d;
	x->tty = o->tty;
	buf_init(&x->hdr);
	mux_init(&x->mux);
	x->s = execstream_new(&hijack_proto, x, o->rows, o->cols, done, arg);
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
	char *eid = http_escape_str(id);
	char *path = xasprintf("/containers/%s/exec", eid);
	struct call *c = docker_call_new(d, "POST", path, 30000, on_created, id);
	free(path);
	free(eid);
	calls_body(&c->base, text, strlen(text), "application/json");
	c->ctx = x;
	c->on_cancel = create_cancel;
	docker_call_go(c);
	json_object_put(body);
}
