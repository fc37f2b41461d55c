/* backend.c: the endpoint lifecycle shared by every backend: its options,
 * state changes and notes, and which actions it may offer. */
#include "backends/backend.h"
#include "views/view.h"
#include "backends/net/transport.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct option_def endpoint_common_options[] = {
	{"via", OPT_STRING, "jump hosts every connection goes through over SSH: an ~/.ssh/config Host or "
			    "[user@]host[:port], several separated by commas"},
	{"node_ssh", OPT_STRING, "where node shells go: [user@]host[:port], %i the node's InternalIP, %n its name "
				 "(default %i)"},
	{"node_via", OPT_STRING, "jump hosts for node shells (default: via, else ~/.ssh/config's ProxyJump)"},
	{NULL, 0, NULL},
};

const char *endpoint_config_get(const struct endpoint_config *c, const char *key)
{
	for (size_t i = 0; i < c->nopts; i++)
		if (!strcmp(c->opts[i].key, key))
			return c->opts[i].value;
	return NULL;
}

void endpoint_config_set(struct endpoint_config *c, const char *key, const char *value)
{
	for (size_t i = 0; i < c->nopts; i++)
		if (!strcmp(c->opts[i].key, key)) {
			free(c->opts[i].value);
			c->opts[i].value = xstrdup(value);
			return;
		}
	c->opts = xrealloc(c->opts, (c->nopts + 1) * sizeof(*c->opts));
	c->opts[c->nopts++] = (struct endpoint_option){xstrdup(key), xstrdup(value), 0, 0};
}

void endpoint_config_cleanup(struct endpoint_config *c)
{
	for (size_t i = 0; i < c->nopts; i++) {
		free(c->opts[i].key);
		free(c->opts[i].value);
	}
	free(c->opts);
	free(c->name);
	free(c->backend);
	free(c->file);
	memset(c, 0, sizeof(*c));
}

void endpoint_note(struct endpoint *ep, enum note_level level, const char *fmt, ...)
{
	if (!ep->notify)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	ep->notify(ep, level, s);
	free(s);
}

static void fail(struct endpoint *ep, bool auth, const char *fmt, va_list ap)
{
	char msg[ERRLEN];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	bool repeat = !strcmp(msg, ep->error);
	snprintf(ep->error, sizeof(ep->error), "%s", msg);
	if (ep->state == EP_READY)
		ep->state = EP_STALE;
	if (!ep->down_since)
		ep->down_since = wall_s();
	ep->auth_failing = auth;
	ep->store->gen++;
	/* a retry loop failing the same way must not flood the flash line */
	if (!repeat)
		endpoint_note(ep, NOTE_ERROR, "%s: %s", ep->name, msg);
}

void endpoint_fail(struct endpoint *ep, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fail(ep, false, fmt, ap);
	va_end(ap);
}

void endpoint_fail_auth(struct endpoint *ep, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fail(ep, true, fmt, ap);
	va_end(ap);
}

void endpoint_ready(struct endpoint *ep)
{
	bool was_down = ep->error[0] != '\0';
	ep->state = EP_READY;
	ep->error[0] = '\0';
	ep->down_since = 0;
	ep->retry_at_ms = 0;
	ep->auth_failing = false;
	ep->store->gen++;
	if (was_down)
		endpoint_note(ep, NOTE_INFO, "%s: connected again", ep->name);
}

void endpoint_add_found(struct endpoint *ep, const struct endpoint_config *cfg)
{
	if (ep->add_endpoint)
		ep->add_endpoint(ep, cfg);
}

static void net_cleanup(struct endpoint_net *n)
{
	free(n->via);
	free(n->node_ssh);
	free(n->node_via);
	memset(n, 0, sizeof(*n));
}

void endpoint_route(const struct endpoint *ep, struct http_target *t)
{
	if (!t->tunnel)
		t->tunnel = ep->net.tunnel;
}

struct endpoint *endpoint_new(const struct endpoint_config *cfg, struct tunnel *tunnel, char *err, size_t errlen)
{
	const struct backend_ops *ops = backend_find(cfg->backend);
	if (!ops) {
		set_err(err, errlen, "endpoint %s: unknown type \"%s\"", cfg->name, cfg->backend);
		return NULL;
	}
	struct endpoint *ep = xcalloc(1, sizeof(*ep));
	ep->ops = ops;
	ep->name = xstrdup(cfg->name);
	ep->store = store_new();
	ep->readonly = cfg->readonly;
	ep->production = cfg->production;
	ep->on_demand = cfg->on_demand;
	ep->refresh_ms = 2000;
	ep->net.via = xstrdup(endpoint_config_get(cfg, "via"));
	ep->net.node_ssh = xstrdup(endpoint_config_get(cfg, "node_ssh"));
	ep->net.node_via = xstrdup(endpoint_config_get(cfg, "node_via"));
	ep->net.tunnel = tunnel;
	if (ops->open(ep, cfg, err, errlen) < 0) {
		net_cleanup(&ep->net);
		store_free(ep->store);
		free(ep->name);
		free(ep);
		return NULL;
	}
	return ep;
}

void endpoint_free(struct endpoint *ep)
{
	if (!ep)
		return;
	ep->ops->close(ep);
	net_cleanup(&ep->net);
	store_free(ep->store);
	free(ep->name);
	free(ep->address);
	free(ep);
}

const struct backend_action *backend_action_find(const struct backend_ops *ops, const char *kind, const char *verb)
{
	for (const struct backend_action *a = ops->actions; a && a->name; a++)
		if (!strcmp(a->name, verb) && (!kind || !strcmp(a->kind, kind)))
			return a;
	return NULL;
}

const struct endpoint_catalog *endpoint_catalog(struct endpoint *ep)
{
	return ep->ops->catalog ? ep->ops->catalog(ep) : NULL;
}

const struct backend_action *endpoint_action_find(struct endpoint *ep, const char *kind, const char *verb)
{
	const struct backend_action *a = backend_action_find(ep->ops, kind, verb);
	const struct endpoint_catalog *c = a ? NULL : endpoint_catalog(ep);
	for (const struct backend_action *const *p = c ? c->actions : NULL; p && *p; p++)
		if (!strcmp((*p)->name, verb) && (!kind || !strcmp((*p)->kind, kind)))
			return *p;
	return a;
}

const struct view *endpoint_view(struct endpoint *ep, const char *kind)
{
	const struct view *v = backend_view(ep->ops, kind);
	const struct endpoint_catalog *c = v ? NULL : endpoint_catalog(ep);
	for (const struct view *const *p = c ? c->views : NULL; p && *p; p++)
		if (!strcmp((*p)->kind, kind))
			return *p;
	return v;
}

bool endpoint_serves(struct endpoint *ep, const char *kind)
{
	return endpoint_view(ep, kind) != NULL;
}

bool endpoint_may(const struct endpoint *ep, const struct backend_action *a)
{
	return a && !(ep->readonly && (a->flags & ACTION_MUTATES));
}
