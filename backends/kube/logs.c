/* logs.c: pod logs (pods/log with follow, tailLines, timestamps, previous,
 * container), and the merged logs of every pod of a workload or service,
 * each line prefixed with its pod's name, into one sink. */
#include "backends/kube/internal.h"
#include "backends/kube/kinds.h"
#include "backends/util/logring.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SOURCES 20

struct klogs;

struct ksource {
	struct klogs *l;
	struct kcall *call;
	char prefix[160]; /* "[pod] " for merged logs, "" for one pod */
	struct buf line;
	bool ended;
};

struct klogs {
	struct kube *k;
	struct log_sink sink;
	struct ksource *src;
	size_t n, ended;
	char error[ERRLEN];
};

static void source_end(struct ksource *s, const char *error)
{
	struct klogs *l = s->l;
	if (s->ended)
		return;
	s->ended = true;
	s->call = NULL;
	if (s->line.len) {
		buf_putc(&s->line, '\n');
		l->sink.data(l->sink.arg, 1, s->line.data, s->line.len);
		buf_reset(&s->line);
	}
	if (error && !l->error[0])
		snprintf(l->error, sizeof(l->error), "%s%s", s->prefix, error);
	if (++l->ended == l->n)
		l->sink.end(l->sink.arg, l->error[0] ? l->error : NULL);
}

/* "TS text" becomes "TS [pod] text" so timestamps still lead the line. */
static void emit_line(struct ksource *s, const char *line, size_t len)
{
	struct klogs *l = s->l;
	if (!s->prefix[0]) {
		l->sink.data(l->sink.arg, 1, line, len);
		return;
	}
	const char *sp = memchr(line, ' ', len);
	size_t tslen = sp ? (size_t)(sp - line) + 1 : 0;
	struct buf b;
	buf_init(&b);
	buf_append(&b, line, tslen);
	buf_puts(&b, s->prefix);
	buf_append(&b, line + tslen, len - tslen);
	l->sink.data(l->sink.arg, 1, b.data, b.len);
	buf_cleanup(&b);
}

static bool on_data(void *arg, const char *data, size_t len)
{
	struct kcall *c = arg;
	struct ksource *s = c->ctx;
	if (!s->prefix[0]) {
		s->l->sink.data(s->l->sink.arg, 1, data, len);
		return true;
	}
	buf_append(&s->line, data, len);
	char *nl;
	while (s->line.len && (nl = memchr(s->line.data, '\n', s->line.len))) {
		size_t n = (size_t)(nl - s->line.data) + 1;
		emit_line(s, s->line.data, n);
		buf_consume(&s->line, n);
	}
	/* a line without its end is cut where the viewer would cut it anyway */
	if (s->line.len > LOGRING_MAX_LINE) {
		buf_putc(&s->line, '\n');
		emit_line(s, s->line.data, s->line.len);
		buf_reset(&s->line);
	}
	return true;
}

static void on_end(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct ksource *s = c->ctx;
	char err[ERRLEN];
	if (kube_ok(res)) {
		source_end(s, NULL);
	} else {
		kube_result_error(c->k, res, "the log request", err, sizeof(err));
		source_end(s, err);
	}
}

static void start_source(struct klogs *l, struct ksource *s, const char *ns, const char *pod, const struct log_opts *o,
			 int tail)
{
	struct buf path;
	buf_init(&path);
	char *ens = http_escape_str(ns), *epod = http_escape_str(pod);
	buf_printf(&path, "/api/v1/namespaces/%s/pods/%s/log?timestamps=true", ens, epod);
	free(ens);
	free(epod);
	if (o->follow && !o->previous)
		buf_puts(&path, "&follow=true");
	if (o->previous)
		buf_puts(&path, "&previous=true");
	if (tail >= 0)
		buf_printf(&path, "&tailLines=%d", tail);
	if (o->container && *o->container) {
		char *e = http_escape(o->container, strlen(o->container));
		buf_printf(&path, "&container=%s", e);
		free(e);
	}
	s->l = l;
	buf_init(&s->line);
	s->call = kube_call(l->k, "GET", path.data, NULL, NULL, 0, on_end, on_data, s);
	buf_cleanup(&path);
}

void *kube_logs(struct endpoint *ep, const char *kind, const char *id, const struct log_opts *o,
		const struct log_sink *sink)
{
	struct kube *k = ep->priv;
	struct klogs *l = xcalloc(1, sizeof(*l));
	l->k = k;
	l->sink = *sink;
	if (!k->creds || k->phase != K_LIVE) {
		l->n = 1;
		l->src = xcalloc(1, sizeof(*l->src));
		l->src->l = l;
		buf_init(&l->src->line);
		source_end(l->src, ep->error[0] ? ep->error : "not connected to the API server");
		return l;
	}
	char ns[256], name[512];
	const char *container = kube_split_id(id, ns, sizeof(ns), name, sizeof(name));
	if (!strcmp(kind, KIND_PODS) || !strcmp(kind, KIND_CONTAINERS)) {
		struct log_opts one = *o;
		if (container)
			one.container = container;
		l->n = 1;
		l->src = xcalloc(1, sizeof(*l->src));
		start_source(l, l->src, ns, name, &one, o->tail);
		return l;
	}
	/* a workload or service: every pod its selector picks, merged */
	struct rtable *owner = store_find_table(ep->store, kind);
	struct row *r = owner ? rtable_find(owner, id) : NULL;
	char job[600];
	/* a job's pods carry its name in the job-name label */
	snprintf(job, sizeof(job), "job-name=%s", name);
	const char *selector = !r				  ? ""
			       : !strcmp(kind, KIND_SERVICES)	  ? row_text(r, SVC_SELECTOR)
			       : kube_res(k, kind) && kube_res(k, kind)->table ? job
									  : row_text(r, WL_SELECTOR);
	struct rtable *pods = store_find_table(ep->store, KIND_PODS);
	l->src = xcalloc(MAX_SOURCES, sizeof(*l->src));
	for (size_t i = 0; pods && i < pods->len && l->n < MAX_SOURCES; i++) {
		struct row *p = pods->rows[i];
		if (p->gone_ms || strcmp(row_text(p, POD_NAMESPACE), ns) || !labels_match(selector, row_text(p, POD_LABELS)))
			continue;
		struct ksource *s = &l->src[l->n++];
		snprintf(s->prefix, sizeof(s->prefix), "[%s] ", row_text(p, POD_NAME));
	}
	if (!l->n) {
		l->n = 1;
		l->src[0].l = l;
		buf_init(&l->src[0].line);
		source_end(&l->src[0], "no pod of it is known yet (open :pods once, or wait for the list)");
		return l;
	}
	int tail = o->tail < 0 ? -1 : o->tail / (int)l->n < 10 ? 10 : o->tail / (int)l->n;
	for (size_t i = 0; i < l->n; i++) {
		char pod[160];
		snprintf(pod, sizeof(pod), "%.*s", (int)strlen(l->src[i].prefix) - 3, l->src[i].prefix + 1);
		start_source(l, &l->src[i], ns, pod, o, tail);
	}
	return l;
}

void kube_logs_stop(struct endpoint *ep, void *handle)
{
	struct klogs *l = handle;
	(void)ep;
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		if (!l->src[i].ended)
			kube_call_cancel(l->src[i].call);
		buf_cleanup(&l->src[i].line);
	}
	free(l->src);
	free(l);
}
