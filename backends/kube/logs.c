/* logs.c: pod logs (pods/log with follow, tailLines, sinceSeconds,
 * timestamps, previous, container), every container of a pod at once, and
 * the merged logs of every pod of a workload or service (its main
 * container, or the one asked for), each line prefixed with where it came
 * from, into one sink. */
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
	if (o->since > 0)
		buf_printf(&path, "&sinceSeconds=%lld", (long long)(wall_s() - o->since > 0 ? wall_s() - o->since : 1));
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
	struct rtable *pods = store_find_table(ep->store, KIND_PODS);
	l->src = xcalloc(MAX_SOURCES, sizeof(*l->src));
	/* each source: a pod, a container (NULL = the pod's default), a prefix */
	char *src_pod[MAX_SOURCES] = {0}, *src_ctr[MAX_SOURCES] = {0};
	if (!strcmp(kind, KIND_PODS) || !strcmp(kind, KIND_CONTAINERS)) {
		struct row *p = pods ? rtable_find(pods, id) : NULL;
		const char *names = p ? row_text(p, POD_CONTAINERS) : "";
		if (o->all_containers && !container && strchr(names, ',')) {
			/* every container of the pod, each line named by its container */
			for (const char *c = names; *c && l->n < MAX_SOURCES;) {
				size_t n = strcspn(c, ",");
				struct ksource *s = &l->src[l->n];
				src_pod[l->n] = xstrdup(name);
				src_ctr[l->n] = xstrndup(c, n);
				snprintf(s->prefix, sizeof(s->prefix), "[%s] ", src_ctr[l->n]);
				l->n++;
				c += n + (c[n] == ',');
			}
		} else {
			src_pod[0] = xstrdup(name);
			src_ctr[0] = container ? xstrdup(container) : o->container ? xstrdup(o->container) : NULL;
			l->n = 1;
		}
	} else {
		/* a workload or service: every pod its selector picks, merged; with a
		 * sidecar, the container asked for, else the first of the template
		 * (the main one: a pod with several needs one named) */
		struct rtable *owner = store_find_table(ep->store, kind);
		struct row *r = owner ? rtable_find(owner, id) : NULL;
		char job[600];
		/* a job's pods carry its name in the job-name label */
		snprintf(job, sizeof(job), "job-name=%s", name);
		const char *selector = !r					  ? ""
				       : !strcmp(kind, KIND_SERVICES)		  ? row_text(r, SVC_SELECTOR)
				       : kube_res(k, kind) && kube_res(k, kind)->table ? job
										  : row_text(r, WL_SELECTOR);
		for (size_t i = 0; pods && i < pods->len && l->n < MAX_SOURCES; i++) {
			struct row *p = pods->rows[i];
			if (p->gone_ms || strcmp(row_text(p, POD_NAMESPACE), ns) ||
			    !labels_match(selector, row_text(p, POD_LABELS)))
				continue;
			const char *names = row_text(p, POD_CONTAINERS);
			bool several = strchr(names, ',') != NULL;
			for (const char *c = names; (*c || c == names) && l->n < MAX_SOURCES;) {
				size_t n = strcspn(c, ",");
				struct ksource *s = &l->src[l->n];
				src_pod[l->n] = xstrdup(row_text(p, POD_NAME));
				if (o->all_containers && several) {
					src_ctr[l->n] = xstrndup(c, n);
					snprintf(s->prefix, sizeof(s->prefix), "[%s/%s] ", row_text(p, POD_NAME), src_ctr[l->n]);
				} else {
					size_t first = strcspn(names, ",");
					src_ctr[l->n] = o->container ? xstrdup(o->container)
						      : several ? xstrndup(names, first) : NULL;
					snprintf(s->prefix, sizeof(s->prefix), "[%s] ", row_text(p, POD_NAME));
				}
				l->n++;
				if (!(o->all_containers && several) || !c[n])
					break;
				c += n + 1;
			}
		}
	}
	if (!l->n) {
		l->n = 1;
		l->src[0].l = l;
		buf_init(&l->src[0].line);
		source_end(&l->src[0], "no pod of it is known yet (open :pods once, or wait for the list)");
		return l;
	}
	int tail = o->tail < 0 ? -1 : l->n == 1 ? o->tail : o->tail / (int)l->n < 10 ? 10 : o->tail / (int)l->n;
	/* sources are all counted before the first starts: one that ends at once
	 * must not look like the last */
	size_t n = l->n;
	for (size_t i = 0; i < n; i++) {
		struct log_opts one = *o;
		one.container = src_ctr[i];
		start_source(l, &l->src[i], ns, src_pod[i], &one, tail);
		free(src_pod[i]);
		free(src_ctr[i]);
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
