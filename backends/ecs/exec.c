/* exec.c: ECS Exec without the AWS CLI or session-manager-plugin: the
 * checks AWS would make (the task started with exec on, the container's
 * ExecuteCommandAgent running) said in one sentence before anything is
 * asked, then ExecuteCommand, then the session's stream URL opened as a
 * WebSocket and the SSM data channel spoken on it (ssm_ws.h) as an
 * execstream protocol, with resends on a timer. An interactive session
 * has no exit code to report (AWS sends none): the shell's end is the
 * channel closing. */
#include "backends/ecs/internal.h"
#include "backends/codec/jsonget.h"
#include "backends/ecs/kinds.h"
#include "backends/ecs/ssm_ws.h"
#include "backends/net/execstream.h"
#include "backends/util/log.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Input unacknowledged this long: the agent is gone. */
#define GIVE_UP_MS 60000

struct sexec {
	struct ecs *e;
	struct ssm_ws w;
	struct execstream *s;
	struct timer *resend;
	char session[128];
};

static void arm_resend(struct sexec *x)
{
	if (ssm_chan_unacked(&x->w.chan) && !timer_armed(x->resend))
		timer_arm(x->resend, 100);
}

static void on_resend(void *arg)
{
	struct sexec *x = arg;
	int64_t now = mono_ms();
	if (ssm_chan_oldest_ms(&x->w.chan, now) > GIVE_UP_MS) {
		execstream_stop(x->s, "the SSM agent stopped acknowledging what was sent");
		execstream_finish(x->s);
		return;
	}
	int64_t next = ssm_ws_tick(&x->w, now);
	if (next >= 0)
		timer_arm(x->resend, next);
}

/* ---- the channel's callbacks ---- */

static void w_write(void *arg, const void *data, size_t len)
{
	struct sexec *x = arg;
	execstream_send(x->s, data, len);
}

static void w_output(void *arg, int stream, const char *data, size_t len)
{
	struct sexec *x = arg;
	execstream_output(x->s, stream, data, len);
}

static void w_started(void *arg)
{
	struct sexec *x = arg;
	log_msg("ecs %s: exec session %s started", x->e->ep->name, x->session);
	execstream_ready(x->s);
}

static void w_exit(void *arg, int code)
{
	struct sexec *x = arg;
	execstream_exit(x->s, code);
}

static void w_closed(void *arg, const char *text)
{
	struct sexec *x = arg;
	log_msg("ecs %s: exec session %s closed by the agent (%zu resent, %lu duplicates)", x->e->ep->name, x->session,
		(size_t)x->w.chan.resent, x->w.chan.duplicates);
	if (*text) {
		/* "Unable to start command: ...", "Your session timed out ..." */
		execstream_output(x->s, 2, "\r\n", 2);
		execstream_output(x->s, 2, text, strlen(text));
		execstream_output(x->s, 2, "\r\n", 2);
		if (!x->w.chan.started)
			snprintf(x->s->base.error, sizeof(x->s->base.error), "%.*s", (int)strcspn(text, "\r\n"), text);
	}
	execstream_stop(x->s, NULL);
	execstream_finish(x->s);
}

/* ---- the execstream protocol ---- */

static int p_recv(struct execstream *s, const char *data, size_t len, char *err, size_t errlen)
{
	struct sexec *x = s->priv;
	if (ssm_ws_recv(&x->w, data, len, mono_ms(), err, errlen) < 0)
		return -1;
	arm_resend(x);
	return 0;
}

static void p_input(struct execstream *s, const char *data, size_t len)
{
	struct sexec *x = s->priv;
	ssm_ws_input(&x->w, data, len, mono_ms());
	arm_resend(x);
}

/* Each message of SSM_INPUT_CHUNK bytes costs a header and a frame. */
static size_t p_fit(struct execstream *s, size_t room)
{
	(void)s;
	const size_t cost = SSM_MIN_MESSAGE + 14, whole = SSM_INPUT_CHUNK + cost;
	size_t n = room / whole * SSM_INPUT_CHUNK, rest = room % whole;
	return n + (rest > cost ? rest - cost : 0);
}

static void p_resize(struct execstream *s, int rows, int cols)
{
	struct sexec *x = s->priv;
	ssm_ws_resize(&x->w, rows, cols, mono_ms());
	arm_resend(x);
}

static void p_ended(struct execstream *s, const char *error)
{
	struct sexec *x = s->priv;
	char err[ERRLEN] = "";
	ws_eof(&x->w.ws);
	if (!error && !x->w.upgraded && ws_handshake_response(&x->w.ws, NULL, 0, err, sizeof(err)) < 0)
		execstream_stop(s, err);
	else if (!error && !x->w.chan.closed && !x->w.chan.started)
		execstream_stop(s, "the SSM service closed the connection before the session began");
	execstream_finish(s);
}

static void p_closing(struct execstream *s)
{
	ssm_ws_close(&((struct sexec *)s->priv)->w);
}

static void p_free(struct execstream *s)
{
	struct sexec *x = s->priv;
	timer_free(x->resend);
	ssm_ws_cleanup(&x->w);
	free(x);
}

static const struct execstream_proto ssm_proto = {
	.name = "ssm-data-channel",
	.recv = p_recv,
	.input = p_input,
	.fit = p_fit,
	.resize = p_resize,
	.ended = p_ended,
	.closing = p_closing,
	.free = p_free,
};

/* ---- ExecuteCommand ---- */

struct start {
	struct ecs *e;
	int rows, cols;
	void (*done)(void *arg, struct bstream *s, const char *error);
	void *arg;
};

static void on_session(void *arg, const struct aws_response *r)
{
	struct start *st = arg;
	struct ecs *e = st->e;
	if (r->error) {
		char why[ERRLEN];
		if (r->code && !strcmp(r->code, "TargetNotConnectedException"))
			snprintf(why, sizeof(why), "the task's SSM agent cannot be reached (TargetNotConnectedException): "
						   "wait a moment, or start a new task");
		else
			snprintf(why, sizeof(why), "%s", r->error);
		st->done(st->arg, NULL, why);
		free(st);
		return;
	}
	json_object *session = jsonget_obj(r->json, "session");
	const char *url = jsonget_str(session, "streamUrl"), *token = jsonget_str(session, "tokenValue");
	const char *id = jsonget_str(session, "sessionId");
	if (!url || !token) {
		st->done(st->arg, NULL, "ECS answered ExecuteCommand without a session");
		free(st);
		return;
	}
	struct sexec *x = xcalloc(1, sizeof(*x));
	x->e = e;
	snprintf(x->session, sizeof(x->session), "%s", id ? id : "?");
	x->resend = timer_new(on_resend, x);
	struct ssm_chan_cb cb = {.output = w_output, .started = w_started, .exit_code = w_exit, .closed = w_closed};
	ssm_ws_init(&x->w, token, w_write, &cb, x);
	char *base = NULL, *upgrade = ssm_ws_upgrade(&x->w, url, &base);
	x->s = execstream_new(&ssm_proto, x, st->rows, st->cols, st->done, st->arg);
	free(st);
	if (!upgrade) {
		execstream_fail_open(x->s, "ECS gave a stream URL that is not a WebSocket URL");
		return;
	}
	struct http_target t = {.base_url = xstrdup(base), .ca_file = xstrdup(aws_client_ca_bundle(e->aws)),
				.display = xstrdup(base)};
	endpoint_route(e->ep, &t); /* `via:`: the session's stream goes the endpoint's way */
	log_msg("ecs %s: exec session %s at %s", e->ep->name, x->session, base);
	/* the first size goes with the session, once it is up */
	ssm_ws_resize(&x->w, x->s->rows, x->s->cols, mono_ms());
	execstream_connect(x->s, &t, upgrade, strlen(upgrade));
	http_target_cleanup(&t);
	free(upgrade);
	free(base);
}

/* The command as the agent splits it (shell words, no shell around it). */
static char *command_line(const struct exec_opts *o)
{
	const char *const *argv = o->argv;
	const char *one[2] = {o->shell, NULL};
	if (!argv)
		argv = o->shell && *o->shell ? one : exec_default_shell;
	if (argv == one)
		return xstrdup(o->shell); /* a configured shell is a command line already */
	struct buf b;
	buf_init(&b);
	for (size_t i = 0; argv[i]; i++) {
		buf_puts(&b, i ? " '" : "'");
		for (const char *p = argv[i]; *p; p++)
			if (*p == '\'')
				buf_puts(&b, "'\\''");
			else
				buf_putc(&b, *p);
		buf_putc(&b, '\'');
	}
	return buf_steal(&b);
}

/* The sentence for a container that cannot take an exec, from its task's
 * row; NULL when it can. */
static const char *cannot_exec(const struct row *task, const char *container)
{
	if (!task)
		return NULL; /* not known yet: AWS will say */
	if (strcmp(row_text(task, ETK_LAST), "RUNNING"))
		return "the task is not running";
	if (strcmp(row_text(task, ETK_EXEC), "yes"))
		return "the task was started without ECS Exec: enable it on the service (enableExecuteCommand) and start "
		       "new tasks";
	char want[300];
	snprintf(want, sizeof(want), "%s=RUNNING", container);
	const char *agents = row_text(task, ETK_AGENTS), *p = strstr(agents, want);
	if (!p || (p != agents && p[-1] != ','))
		return "the container's ExecuteCommandAgent is not running: wait for it to start, or start a new task";
	return NULL;
}

void ecs_exec(struct endpoint *ep, const char *kind, const char *id, const struct exec_opts *o,
	      void (*done)(void *arg, struct bstream *s, const char *error), void *arg)
{
	struct ecs *e = ep->priv;
	if (ep->readonly) {
		done(arg, NULL, "this endpoint is read-only");
		return;
	}
	if (!e->aws || e->phase != EP_LIVE) {
		done(arg, NULL, ep->error[0] ? ep->error : "not connected to ECS yet");
		return;
	}
	char cluster[256], task[256], container[256] = "";
	const char *rest;
	if (!ecs_split_id(id, cluster, sizeof(cluster), &rest)) {
		done(arg, NULL, "this row names no task");
		return;
	}
	snprintf(task, sizeof(task), "%.*s", (int)strcspn(rest, "/"), rest);
	if (!strcmp(kind, KIND_CONTAINERS) && strchr(rest, '/'))
		snprintf(container, sizeof(container), "%s", strchr(rest, '/') + 1);
	else if (o->container && *o->container)
		snprintf(container, sizeof(container), "%s", o->container);
	char tid[600];
	snprintf(tid, sizeof(tid), "%s/%s", cluster, task);
	struct rtable *t = store_find_table(ep->store, KIND_ECS_TASKS);
	const struct row *r = t ? rtable_find(t, tid) : NULL;
	if (!container[0] && r && !strchr(row_text(r, ETK_CONTAINERS), ','))
		snprintf(container, sizeof(container), "%s", row_text(r, ETK_CONTAINERS));
	const char *why = cannot_exec(r, container);
	if (why) {
		done(arg, NULL, why);
		return;
	}
	char *cmd = command_line(o), *jc = ecs_json_str(cluster), *jt = ecs_json_str(task), *jcmd = ecs_json_str(cmd);
	char *jn = container[0] ? ecs_json_str(container) : NULL;
	char *body = xasprintf("{\"cluster\":%s,\"task\":%s%s%s,\"command\":%s,\"interactive\":true}", jc, jt,
			       jn ? ",\"container\":" : "", jn ? jn : "", jcmd);
	struct start *st = xcalloc(1, sizeof(*st));
	st->e = e;
	st->rows = o->rows;
	st->cols = o->cols;
	st->done = done;
	st->arg = arg;
	log_msg("ecs %s: ExecuteCommand in %s/%s%s%s: %s", ep->name, cluster, task, container[0] ? " container " : "",
		container, cmd);
	ecs_call_owns_arg(ecs_call(e, &aws_svc_ecs, "ExecuteCommand", body, AWS_CALL_MUTATES | AWS_CALL_URGENT, on_session, st));
	free(body);
	free(cmd);
	free(jc);
	free(jt);
	free(jcmd);
	free(jn);
}
