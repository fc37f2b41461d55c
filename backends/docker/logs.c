/* logs.c: container logs: GET /containers/{id}/logs with timestamps, the
 * last N lines and follow. The body is the multiplexed framing unless the
 * container has a TTY, which only its configuration says (Config.Tty), so
 * the container is inspected first. The handle lives until logs_stop. */
#include "backends/docker/internal.h"
#include "backends/codec/jsonget.h"
#include "backends/docker/mux.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dlogs {
	struct docker *d;
	struct call *call;
	struct log_sink sink;
	struct log_opts opts;
	char id[96];
	bool tty, ended;
	struct mux_decoder mux;
};

static void end(struct dlogs *l, const char *error)
{
	l->call = NULL;
	if (!l->ended) {
		l->ended = true;
		l->sink.end(l->sink.arg, error);
	}
}

static void on_cancel(struct call *c, const char *why)
{
	end(c->ctx, why);
}

static void emit(void *arg, int stream, const char *data, size_t len)
{
	struct dlogs *l = arg;
	l->sink.data(l->sink.arg, stream, data, len);
}

static bool on_data(void *arg, const char *data, size_t len)
{
	struct call *c = arg;
	struct dlogs *l = c->ctx;
	if (l->tty)
		emit(l, 1, data, len);
	else
		mux_feed(&l->mux, data, len, emit, l);
	return true;
}

static void on_end(void *arg, const struct http_result *res)
{
	struct call *c = arg;
	struct dlogs *l = c->ctx;
	char err[ERRLEN];
	if (!docker_ok(res)) {
		docker_result_error(res, err, sizeof(err));
		end(l, err);
	} else {
		end(l, NULL);
	}
}

static void on_inspected(void *arg, const struct http_result *res)
{
	struct call *c = arg;
	struct dlogs *l = c->ctx;
	struct docker *d = c->d;
	char err[ERRLEN];
	if (!docker_ok(res)) {
		docker_result_error(res, err, sizeof(err));
		end(l, err);
		return;
	}
	json_object *o = json_tokener_parse(res->body);
	l->tty = jsonget_bool(jsonget_obj(o, "Config"), "Tty");
	json_object_put(o);
	char tail[24];
	if (l->opts.tail >= 0)
		snprintf(tail, sizeof(tail), "%d", l->opts.tail);
	else
		snprintf(tail, sizeof(tail), "all");
	char since[40] = "";
	if (l->opts.since > 0)
		snprintf(since, sizeof(since), "&since=%lld", (long long)l->opts.since);
	char *eid = http_escape_str(l->id);
	char *path = xasprintf("/containers/%s/logs?stdout=1&stderr=1&timestamps=1&tail=%s%s%s", eid, tail,
			       l->opts.follow ? "&follow=1" : "", since);
	l->call = docker_call_new(d, "GET", path, 0, on_end, NULL);
	free(path);
	free(eid);
	l->call->ctx = l;
	l->call->on_cancel = on_cancel;
	calls_stream(&l->call->base, on_data);
	docker_call_go(l->call);
}

void *docker_logs(struct endpoint *ep, const char *kind, const char *id, const struct log_opts *o,
		  const struct log_sink *sink)
{
	struct docker *d = ep->priv;
	(void)kind;
	struct dlogs *l = xcalloc(1, sizeof(*l));
	l->d = d;
	l->sink = *sink;
	l->opts = *o;
	l->opts.container = NULL;
	snprintf(l->id, sizeof(l->id), "%s", id);
	mux_init(&l->mux);
	if (d->phase != PH_LIVE) {
		end(l, ep->error[0] ? ep->error : "not connected to the engine");
		return l;
	}
	char *eid = http_escape_str(id);
	char *path = xasprintf("/containers/%s/json", eid);
	l->call = docker_call_start(d, "GET", path, 30000, on_inspected, NULL);
	free(path);
	free(eid);
	l->call->ctx = l;
	l->call->on_cancel = on_cancel;
	return l;
}

void docker_logs_stop(struct endpoint *ep, void *handle)
{
	struct dlogs *l = handle;
	(void)ep;
	if (!l)
		return;
	docker_call_cancel(l->call);
	free(l);
}
