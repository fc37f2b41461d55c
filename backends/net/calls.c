/* calls.c: the in-flight request list (see calls.h). */
#include "backends/net/calls.h"
#include "backends/net/liveness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void calls_init(struct calls *l, const struct http_target *t, void *owner)
{
	memset(l, 0, sizeof(*l));
	l->target = t;
	l->owner = owner;
}

static void unlink_call(struct calls_req *c)
{
	for (struct calls_req **p = &c->list->head; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			return;
		}
}

static void free_call(struct calls_req *c)
{
	free(c->method);
	free(c->path);
	free(c->body);
	free(c->ctype);
	free(c->headers);
	free(c);
}

static void send_call(struct calls_req *c);

static void on_done(void *arg, const struct http_result *res)
{
	struct calls_req *c = arg;
	struct calls *l = c->list;
	c->req = NULL;
	/* an expired token: renew it once and send the same request again */
	if (res->status == 401 && !c->resent && l->renew) {
		c->resent = true;
		l->renew(l->owner, c);
		return;
	}
	unlink_call(c);
	c->done(c, res);
	free_call(c);
}

static bool on_stream(void *arg, const char *data, size_t len)
{
	struct calls_req *c = arg;
	if (c->list->liveness)
		liveness_heard(c->list->liveness);
	return c->stream(c, data, len);
}

static void send_call(struct calls_req *c)
{
	struct calls *l = c->list;
	c->req = http_req_new(l->target, c->method, c->path);
	if (l->header)
		http_req_header(c->req, l->header);
	for (const char *h = c->headers; h && *h;) {
		size_t n = strcspn(h, "\n");
		char *line = xstrndup(h, n);
		http_req_header(c->req, line);
		free(line);
		h += n + (h[n] == '\n');
	}
	if (c->body)
		http_req_body(c->req, c->body, strlen(c->body), c->ctype);
	if (c->stream)
		http_req_stream(c->req, on_stream);
	http_req_timeout(c->req, c->timeout_ms);
	if (l->prepare)
		l->prepare(l->owner, c, c->req);
	http_req_callback(c->req, on_done, c);
	http_req_start(c->req);
}

void *calls_new(struct calls *l, size_t size, const char *method, const char *path, long timeout_ms,
		http_done_fn done)
{
	struct calls_req *c = xcalloc(1, size < sizeof(*c) ? sizeof(*c) : size);
	c->list = l;
	c->method = xstrdup(method);
	c->path = xstrdup(path);
	c->timeout_ms = timeout_ms;
	c->done = done;
	return c;
}

void calls_body(struct calls_req *c, const char *data, size_t len, const char *ctype)
{
	free(c->body);
	free(c->ctype);
	c->body = xstrndup(data, len);
	c->ctype = xstrdup(ctype);
}

void calls_stream(struct calls_req *c, http_data_fn fn)
{
	c->stream = fn;
}

void calls_header(struct calls_req *c, const char *line)
{
	char *h = c->headers ? xasprintf("%s\n%s", c->headers, line) : xstrdup(line);
	free(c->headers);
	c->headers = h;
}

void calls_start(struct calls_req *c)
{
	c->next = c->list->head;
	c->list->head = c;
	send_call(c);
}

void calls_cancel(struct calls_req *c)
{
	if (!c)
		return;
	unlink_call(c);
	if (c->req) {
		http_req_cancel(c->req);
		free_call(c);
	} else {
		c->orphaned = true; /* the renew hook still holds it: freed when it calls back */
	}
}

void calls_cancel_all(struct calls *l, const char *why)
{
	while (l->head) {
		struct calls_req *c = l->head;
		bool renewing = !c->req;
		l->head = c->next;
		c->next = NULL;
		http_req_cancel(c->req);
		c->req = NULL;
		if (c->on_cancel)
			c->on_cancel(c, why);
		else if (l->cancelled)
			l->cancelled(c, why);
		if (renewing)
			c->orphaned = true; /* the renew hook still holds it: freed when it calls back */
		else
			free_call(c);
	}
}

void calls_cleanup(struct calls *l)
{
	void (*hook)(struct calls_req *, const char *) = l->cancelled;
	l->cancelled = NULL;
	for (struct calls_req *c = l->head; c; c = c->next)
		c->on_cancel = NULL;
	calls_cancel_all(l, NULL);
	l->cancelled = hook;
}

void calls_renewed(struct calls_req *c, const char *error)
{
	if (c->orphaned) {
		free_call(c);
		return;
	}
	if (!error) {
		send_call(c);
		return;
	}
	char msg[ERRLEN];
	snprintf(msg, sizeof(msg), "renewing credentials failed: %s", error);
	struct http_result res = {.status = 401, .body = "", .error = msg};
	unlink_call(c);
	c->done(c, &res);
	free_call(c);
}

size_t calls_streaming(const struct calls *l)
{
	size_t n = 0;
	for (const struct calls_req *c = l->head; c; c = c->next)
		n += c->stream && c->req;
	return n;
}

size_t calls_count(const struct calls *l)
{
	size_t n = 0;
	for (const struct calls_req *c = l->head; c; c = c->next)
		n++;
	return n;
}
