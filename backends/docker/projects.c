/* projects.c: start, stop or restart a compose project: the same request
 * for each of its containers (found by the label compose put on them), one
 * answer when all have answered, naming the first that failed. */
#include "backends/docker/internal.h"
#include "backends/docker/kinds.h"
#include "backends/model/kinds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct project_op {
	action_done_fn done;
	void *arg;
	unsigned pending, failed;
	char first_error[ERRLEN];
};

static void one_done(struct project_op *p, const char *name, const char *error)
{
	if (error && !p->failed++)
		snprintf(p->first_error, sizeof(p->first_error), "%.60s: %.180s", name, error);
	if (--p->pending)
		return;
	char msg[ERRLEN + 64];
	if (p->failed)
		snprintf(msg, sizeof(msg), "%u of its containers failed (%s)", p->failed, p->first_error);
	p->done(p->arg, p->failed ? msg : NULL);
	free(p);
}

static void on_cancel(struct call *c, const char *why)
{
	one_done(c->ctx, c->id, why ? why : "cancelled");
}

static void on_answer(void *arg, const struct http_result *res)
{
	struct call *c = arg;
	char err[ERRLEN];
	/* 304: already in that state, which is what the operator wanted */
	if (docker_ok(res) || res->status == 304) {
		one_done(c->ctx, c->id, NULL);
	} else {
		docker_result_error(res, err, sizeof(err));
		one_done(c->ctx, c->id, err);
	}
}

void docker_project_act(struct docker *d, const char *verb, const char *project, action_done_fn done, void *arg)
{
	struct rtable *t = store_find_table(d->ep->store, KIND_CONTAINERS);
	char sel[400];
	snprintf(sel, sizeof(sel), "%s=%s", COMPOSE_PROJECT_LABEL, project);
	struct project_op *p = xcalloc(1, sizeof(*p));
	p->done = done;
	p->arg = arg;
	p->pending = 1; /* held until every request is sent */
	for (size_t i = 0; t && i < t->len; i++) {
		struct row *r = t->rows[i];
		if (r->gone_ms || !labels_match(sel, row_text(r, CTR_LABELS)))
			continue;
		char *eid = http_escape_str(r->id);
		char *path = xasprintf("/containers/%s/%s%s", eid, verb, strcmp(verb, "start") ? "?t=10" : "");
		struct call *c = docker_call_new(d, "POST", path, 120000, on_answer, row_text(r, CTR_NAME));
		free(path);
		free(eid);
		c->ctx = p;
		c->on_cancel = on_cancel;
		p->pending++;
		docker_call_go(c);
	}
	if (p->pending == 1) {
		p->pending = 0;
		done(arg, "the project has no container here any more");
		free(p);
		return;
	}
	one_done(p, "", NULL);
}
