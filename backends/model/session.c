/* session.c: configuration to live endpoints, and one loop turn (see
 * session.h). The options every endpoint takes are applied here: `via`
 * becomes the SSH tunnel its backend's connections go through. */
#include "backends/model/session.h"
#include "backends/net/loop.h"
#include "backends/util/log.h"
#include "backends/ssh/ssh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void note(struct endpoint *ep, enum note_level level, const char *text)
{
	struct session *s = ep->app;
	if (s->on_note)
		s->on_note(s, ep, level, text);
}

static void found(struct endpoint *finder, const struct endpoint_config *cfg);

static void add_endpoint(struct session *s, struct endpoint *ep, struct tunnel *t)
{
	ep->app = s;
	ep->notify = note;
	ep->add_endpoint = found;
	ep->refresh_ms = s->cfg.refresh_ms;
	s->eps = xrealloc(s->eps, (s->neps + 1) * sizeof(*s->eps));
	s->tunnels = xrealloc(s->tunnels, (s->neps + 1) * sizeof(*s->tunnels));
	s->tunnels[s->neps] = t;
	s->eps[s->neps++] = ep;
}

/* Without configured endpoints, each backend looks for what runs locally;
 * if nothing is found the Docker default socket is used, so the screen
 * explains what is missing and connects as soon as an engine appears. */
static void discover(struct session *s)
{
	for (const struct backend_ops *const *b = backends_all(); *b; b++) {
		if (!(*b)->discover)
			continue;
		struct endpoint_config *found = NULL;
		size_t n = (*b)->discover(&found);
		for (size_t i = 0; i < n; i++) {
			s->cfg.endpoints = xrealloc(s->cfg.endpoints, (s->cfg.nendpoints + 1) * sizeof(*s->cfg.endpoints));
			s->cfg.endpoints[s->cfg.nendpoints++] = found[i];
		}
		free(found);
	}
	if (!s->cfg.nendpoints) {
		struct endpoint_config c = {0};
		c.name = xstrdup("docker");
		c.backend = xstrdup("docker");
		endpoint_config_set(&c, "host", "unix:///var/run/docker.sock");
		s->cfg.endpoints = xcalloc(1, sizeof(c));
		s->cfg.endpoints[0] = c;
		s->cfg.nendpoints = 1;
	}
}

int session_open(struct session *s, const struct session_opts *o, char *err, size_t errlen)
{
	if (o->ignore_config) {
		memset(&s->cfg, 0, sizeof(s->cfg));
		config_defaults(&s->cfg);
	} else if (config_load(&s->cfg, o->config_path, err, errlen) < 0) {
		return -1;
	}
	if (o->refresh_ms > 0)
		s->cfg.refresh_ms = o->refresh_ms;
	if (!s->cfg.nendpoints)
		discover(s);
	s->forced_readonly = o->readonly;
	s->single = o->endpoint != NULL;
	for (size_t i = 0; i < s->cfg.nendpoints; i++) {
		struct endpoint_config *c = &s->cfg.endpoints[i];
		if (o->endpoint && strcmp(o->endpoint, c->name))
			continue;
		if (o->endpoint)
			c->on_demand = false; /* named on the command line: it is the one wanted */
		if (o->readonly || s->cfg.readonly)
			c->readonly = true;
		struct tunnel *t = NULL;
		const char *via = endpoint_config_get(c, "via");
		if (via && *via) {
			char why[ERRLEN];
			t = ssh_tunnel_via(via, why, sizeof(why));
			if (!t)
				return c->file ? set_err(err, errlen, "%s:%d: via of %s: %s", c->file, c->line, c->name, why)
					       : set_err(err, errlen, "via of %s: %s", c->name, why);
		}
		struct endpoint *ep = endpoint_new(c, t, err, errlen);
		if (!ep) {
			ssh_tunnel_free(t);
			if (c->file) {
				char why[ERRLEN];
				snprintf(why, sizeof(why), "%s", err);
				return set_err(err, errlen, "%s:%d: %s", c->file, c->line, why);
			}
			return -1;
		}
		add_endpoint(s, ep, t);
	}
	if (!s->neps)
		return set_err(err, errlen, "no endpoint is named \"%s\"", o->endpoint);
	s->nopened = s->neps;
	return 0;
}

void session_close(struct session *s)
{
	for (size_t i = 0; i < s->neps; i++) {
		endpoint_free(s->eps[i]);
		ssh_tunnel_free(s->tunnels[i]); /* after: the endpoint's requests used it */
	}
	free(s->eps);
	free(s->tunnels);
	config_cleanup(&s->cfg);
	memset(s, 0, sizeof(*s));
}

void session_turn(struct session *s, int timeout_ms)
{
	loop_run_once(timeout_ms);
	for (size_t i = 0; i < s->neps; i++)
		for (struct rtable *t = s->eps[i]->store->tables; t; t = t->next)
			rtable_purge(s->eps[i]->store, t, GONE_LINGER_MS);
}

uint64_t session_gen(const struct session *s)
{
	uint64_t g = 0;
	for (size_t i = 0; i < s->neps; i++)
		g += s->eps[i]->store->gen;
	return g;
}

struct endpoint *const *endpoint_peers(const struct endpoint *ep, size_t *n)
{
	const struct session *s = ep->app;
	*n = s ? s->neps : 0;
	return s ? s->eps : NULL;
}

struct endpoint *session_find(const struct session *s, const char *name)
{
	for (size_t i = 0; i < s->neps; i++)
		if (!strcmp(s->eps[i]->name, name))
			return s->eps[i];
	return NULL;
}

struct endpoint *session_add(struct session *s, const struct endpoint_config *cfg, const struct endpoint *finder)
{
	if (s->single || session_find(s, cfg->name))
		return NULL;
	struct endpoint_config c = *cfg;
	if (finder) {
		c.readonly = c.readonly || finder->readonly;
		c.production = c.production || finder->production;
	}
	if (s->forced_readonly || s->cfg.readonly)
		c.readonly = true;
	char err[ERRLEN];
	/* found through its finder: reached the same way (the finder owns the tunnel) */
	struct endpoint *ep = endpoint_new(&c, finder ? finder->net.tunnel : NULL, err, sizeof(err));
	if (!ep) {
		log_msg("session: endpoint %s found at run time cannot open: %s", cfg->name, err);
		return NULL;
	}
	/* the same server under another name: a kubeconfig context for the cluster found */
	for (size_t i = 0; i < s->nopened; i++)
		if (s->eps[i]->ops == ep->ops && s->eps[i]->address && ep->address &&
		    !strcmp(s->eps[i]->address, ep->address)) {
			endpoint_free(ep);
			return NULL;
		}
	add_endpoint(s, ep, NULL);
	log_msg("session: endpoint %s (%s) found by %s", ep->name, ep->address ? ep->address : "",
		finder ? finder->name : "discovery");
	return ep;
}

static void found(struct endpoint *finder, const struct endpoint_config *cfg)
{
	session_add(finder->app, cfg, finder);
}
