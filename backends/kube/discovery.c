/* discovery.c: what a cluster serves beyond the typed kinds, every built-in
 * resource and CRD, asked the way kubectl 1.32 asks: aggregated discovery
 * (one APIGroupDiscoveryList for /api and one for /apis), else the legacy
 * documents (/api/v1 and each group's preferred version). Each resource
 * becomes a kind named as the server names it (its plural; "plural.group"
 * when an earlier group or a view binnacle declares already has the name),
 * with the server's singular, Kind, short names and the categories only it
 * is in as aliases, and a view of its own, listed as the server's Table
 * (views/generic.c). What was
 * found stays for the endpoint's life; a new round (on reconnect, or for a
 * kind asked for that was not served last time) only adds. */
#include "backends/codec/jdoc.h"
#include "backends/kube/internal.h"
#include "backends/kube/kinds.h"
#include "backends/kube/views/generic.h"
#include "backends/net/timer.h"
#include "backends/util/log.h"
#include "views/view.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACCEPT_AGGREGATED                                                                                     \
	"application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"                             \
	"application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
/* A kind asked for that the last round did not find asks again, at most this often. */
#define REDISCOVER_MS 2000

/* A resource as one discovery document describes it. */
struct found {
	int order;       /* core first, then the groups in the server's order */
	char *group, *version, *plural, *kind, *singular, *shorts, *cats; /* shorts, cats: comma-separated */
	bool namespaced, list, watch;
};

struct kdisc {
	struct kres **res; /* found, kept for the endpoint's life; NULL-terminated */
	size_t nres;
	const struct view **views;
	const struct backend_action **acts;
	struct endpoint_catalog cat;
	bool known;      /* a round has finished */
	unsigned pending; /* requests of the round in flight */
	int64_t began_ms;
	struct found *round;
	size_t nround;
	char **want;     /* kinds asked for before they were known */
	size_t nwant;
	struct timer *again; /* a kind asked for too soon after a round: the next one */
};

static struct kdisc *disc(struct kube *k)
{
	if (!k->disc)
		k->disc = xcalloc(1, sizeof(*k->disc));
	return k->disc;
}

static void found_cleanup(struct found *f)
{
	free(f->group);
	free(f->version);
	free(f->plural);
	free(f->kind);
	free(f->singular);
	free(f->shorts);
	free(f->cats);
}

static char *joined(const struct jnode *arr)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "");
	for (const struct jnode *s = jn_first(arr); s; s = jn_next(arr, s))
		if (jn_text(s) && !strchr(jn_text(s), ','))
			buf_printf(&b, "%s%s", b.len ? "," : "", jn_text(s));
	return buf_steal(&b);
}

static void add_found(struct kdisc *d, int order, const char *group, const char *version, const char *plural,
		      const char *kind, const char *singular, const struct jnode *shorts, const struct jnode *cats,
		      bool namespaced, const struct jnode *verbs)
{
	if (!plural || !*plural || strchr(plural, '/') || !kind)
		return;
	d->round = xrealloc(d->round, (d->nround + 1) * sizeof(*d->round));
	struct found *f = &d->round[d->nround++];
	memset(f, 0, sizeof(*f));
	f->order = order;
	f->group = xstrdup(group ? group : "");
	f->version = xstrdup(version);
	f->plural = xstrdup(plural);
	f->kind = xstrdup(kind);
	f->singular = xstrdup(singular && *singular ? singular : "");
	f->shorts = joined(shorts);
	f->cats = joined(cats);
	f->namespaced = namespaced;
	for (const struct jnode *v = jn_first(verbs); v; v = jn_next(verbs, v)) {
		const char *verb = jn_text(v);
		f->list = f->list || (verb && !strcmp(verb, "list"));
		f->watch = f->watch || (verb && !strcmp(verb, "watch"));
	}
}

/* ---- naming ---- */

/* A name a view binnacle declares, or an earlier found one, already has. */
static bool taken(struct kdisc *d, const char *name)
{
	if (views_find(name))
		return true;
	for (size_t i = 0; i < d->nres; i++)
		if (view_named(&d->res[i]->view->view, name))
			return true;
	return false;
}

static bool has(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

static void alias(struct kdisc *d, char ***v, size_t *n, const char *name, bool first)
{
	if (!name || !*name || has(*v, *n, name) || (!first && taken(d, name)))
		return;
	*v = xrealloc(*v, (*n + 2) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(name);
	(*v)[*n] = NULL;
}

static struct kres *find_res(struct kdisc *d, const char *group, const char *plural)
{
	for (size_t i = 0; i < d->nres; i++)
		if (!strcmp(d->res[i]->group, group) && !strcmp(d->res[i]->plural, plural))
			return d->res[i];
	return NULL;
}

/* The item of a comma-separated list at *s (advanced past it), into one. */
static bool next_item(const char **s, char *one, size_t len)
{
	if (!**s)
		return false;
	size_t n = strcspn(*s, ",");
	snprintf(one, len, "%.*s", (int)n, *s);
	*s += n + ((*s)[n] == ',');
	return true;
}

static bool in_list(const char *list, const char *item)
{
	char one[64];
	while (next_item(&list, one, sizeof(one)))
		if (!strcmp(one, item))
			return true;
	return false;
}

/* A category only this resource of the round is in names it too ("all",
 * which many share, names none: a view is one resource). */
static bool own_category(const struct found *round, size_t nround, const char *cat)
{
	size_t n = 0;
	for (size_t i = 0; i < nround; i++)
		n += in_list(round[i].cats, cat);
	return n == 1;
}

static void adopt(struct kube *k, struct kdisc *d, const struct found *f, const struct found *round, size_t nround)
{
	if (kube_res_typed(f->group, f->plural) || find_res(d, f->group, f->plural))
		return;
	char *qualified = *f->group ? xasprintf("%s.%s", f->plural, f->group) : xstrdup(f->plural);
	char *kind = taken(d, f->plural) ? xstrdup(qualified) : xstrdup(f->plural);
	if (taken(d, kind)) {
		/* a name no view may share: leave the resource out rather than mix two up */
		log_msg("kube %s: discovery: %s is named like a view already known; left out", k->ep->name, qualified);
		free(kind);
		free(qualified);
		return;
	}
	struct kres *r = xcalloc(1, sizeof(*r));
	r->kind = kind;
	r->prefix = *f->group ? xasprintf("/apis/%s/%s", f->group, f->version) : xasprintf("/api/%s", f->version);
	r->plural = xstrdup(f->plural);
	r->singular = xstrdup(f->kind);
	r->namespaced = f->namespaced;
	r->ncells = GT_NCELLS;
	r->table = true;
	r->listable = f->list;
	r->watchable = f->watch;
	r->group = xstrdup(f->group);
	char **aliases = NULL;
	size_t n = 0;
	alias(d, &aliases, &n, kind, true);
	alias(d, &aliases, &n, f->plural, false);
	alias(d, &aliases, &n, qualified, false);
	alias(d, &aliases, &n, f->singular, false);
	char lower[128];
	snprintf(lower, sizeof(lower), "%s", f->kind);
	for (char *c = lower; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
	alias(d, &aliases, &n, lower, false);
	char one[64];
	for (const char *s = f->shorts; next_item(&s, one, sizeof(one));)
		alias(d, &aliases, &n, one, false);
	for (const char *s = f->cats; next_item(&s, one, sizeof(one));)
		if (own_category(round, nround, one))
			alias(d, &aliases, &n, one, false);
	free(qualified);
	r->view = kview_new(r, aliases); /* takes the aliases */
	d->res = xrealloc(d->res, (d->nres + 2) * sizeof(*d->res));
	d->res[d->nres++] = r;
	d->res[d->nres] = NULL;
}

static int by_order(const void *a, const void *b)
{
	const struct found *x = a, *y = b;
	return (x->order > y->order) - (x->order < y->order);
}

static void rebuild_catalog(struct kdisc *d)
{
	free(d->views);
	free(d->acts);
	d->views = xcalloc(d->nres + 1, sizeof(*d->views));
	size_t nacts = 0;
	for (size_t i = 0; i < d->nres; i++) {
		d->views[i] = &d->res[i]->view->view;
		nacts += kview_action_count(d->res[i]->view);
	}
	d->acts = xcalloc(nacts + 1, sizeof(*d->acts));
	size_t a = 0;
	for (size_t i = 0; i < d->nres; i++)
		a += kview_actions(d->res[i]->view, d->acts + a);
	d->cat.views = d->views;
	d->cat.actions = d->acts;
	d->cat.gen++;
}

/* The round is over: what it found joins what was known. */
static void finish_round(struct kube *k)
{
	struct kdisc *d = k->disc;
	/* qsort is not stable: the order key includes the position in the round */
	for (size_t i = 0; i < d->nround; i++)
		d->round[i].order = d->round[i].order * 100000 + (int)i;
	if (d->nround > 1) /* a round that found nothing has no array, and qsort must never see NULL */
		qsort(d->round, d->nround, sizeof(*d->round), by_order);
	size_t before = d->nres;
	for (size_t i = 0; i < d->nround; i++)
		adopt(k, d, &d->round[i], d->round, d->nround);
	for (size_t i = 0; i < d->nround; i++)
		found_cleanup(&d->round[i]);
	free(d->round);
	d->round = NULL;
	d->nround = 0;
	d->known = true;
	if (d->nres != before || !d->cat.gen)
		rebuild_catalog(d);
	else
		d->cat.gen++; /* looked, found nothing new: the UI waiting for a name is told */
	log_msg("kube %s: discovery: %zu resources besides the typed ones (%zu new)", k->ep->name, d->nres,
		d->nres - before);
	k->ep->store->gen++;
	/* the kinds asked for meanwhile */
	char **want = d->want;
	size_t nwant = d->nwant;
	d->want = NULL;
	d->nwant = 0;
	for (size_t i = 0; i < nwant; i++) {
		if (kube_res(k, want[i]))
			kube_watch_start(k, want[i]);
		free(want[i]);
	}
	free(want);
}

static void done_one(struct kube *k)
{
	struct kdisc *d = k->disc;
	if (d->pending && !--d->pending)
		finish_round(k);
}

/* ---- the documents ---- */

static void take_resource_list(struct kdisc *d, int order, const struct jnode *doc)
{
	const char *gv = jn_str(doc, "groupVersion");
	if (!gv)
		return;
	const char *slash = strchr(gv, '/');
	char group[256];
	snprintf(group, sizeof(group), "%.*s", slash ? (int)(slash - gv) : 0, gv);
	const char *version = slash ? slash + 1 : gv;
	const struct jnode *list = jn_arr(doc, "resources");
	for (const struct jnode *r = jn_first(list); r; r = jn_next(list, r))
		add_found(d, order, group, version, jn_str(r, "name"), jn_str(r, "kind"), jn_str(r, "singularName"),
			  jn_arr(r, "shortNames"), jn_arr(r, "categories"), jn_bool(r, "namespaced"), jn_arr(r, "verbs"));
}

static void take_aggregated(struct kdisc *d, int first_order, const struct jnode *doc)
{
	const struct jnode *items = jn_arr(doc, "items");
	int order = first_order;
	for (const struct jnode *g = jn_first(items); g; g = jn_next(items, g), order++) {
		const char *group = jn_str(jn_obj(g, "metadata"), "name");
		/* versions come in the server's order of preference */
		const struct jnode *v = jn_first(jn_arr(g, "versions"));
		const struct jnode *res = jn_arr(v, "resources");
		for (const struct jnode *r = jn_first(res); r; r = jn_next(res, r)) {
			const char *scope = jn_str(r, "scope");
			add_found(d, order, group, jn_str(v, "version"), jn_str(r, "resource"),
				  jn_str(jn_obj(r, "responseKind"), "kind"), jn_str(r, "singularResource"),
				  jn_arr(r, "shortNames"), jn_arr(r, "categories"), scope && !strcmp(scope, "Namespaced"),
				  jn_arr(r, "verbs"));
		}
	}
}

/* What a discovery call is for travels in its ctx as a number (the list's
 * order, or whether it is the core group): nothing to free when an endpoint
 * closes with the call unanswered. */
#define CTX_OF(n) ((void *)(intptr_t)(n))
#define CTX_NUM(c) ((int)(intptr_t)(c)->ctx)

static void on_resource_list(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	if (kube_ok(res)) {
		struct jnode *doc = jdoc_parse(res->body, res->len, NULL, 0);
		take_resource_list(c->k->disc, CTX_NUM(c), doc);
		jdoc_free(doc);
	} else {
		log_msg("kube %s: discovery: %s answered %ld", c->k->ep->name, c->base.path, res->status);
	}
	done_one(c->k);
}

static void ask_list(struct kube *k, int order, const char *path)
{
	k->disc->pending++;
	kube_call(k, "GET", path, NULL, NULL, 30000, on_resource_list, NULL, CTX_OF(order));
}

static void on_root(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct kube *k = c->k;
	bool core = CTX_NUM(c) != 0;
	struct jnode *doc = kube_ok(res) ? jdoc_parse(res->body, res->len, NULL, 0) : NULL;
	const char *kind = jn_str(doc, "kind");
	if (kind && !strcmp(kind, "APIGroupDiscoveryList")) {
		take_aggregated(k->disc, core ? 0 : 1, doc);
	} else if (kind && !strcmp(kind, "APIVersions")) {
		/* the legacy documents: /api/v1 ... */
		for (const struct jnode *v = jn_first(jn_arr(doc, "versions")); v; v = jn_next(jn_arr(doc, "versions"), v))
			if (jn_text(v) && !strcmp(jn_text(v), "v1"))
				ask_list(k, 0, "/api/v1");
	} else if (kind && !strcmp(kind, "APIGroupList")) {
		/* ... and each group's preferred version */
		const struct jnode *groups = jn_arr(doc, "groups");
		int order = 1;
		for (const struct jnode *g = jn_first(groups); g; g = jn_next(groups, g), order++) {
			const char *gv = jn_str(jn_obj(g, "preferredVersion"), "groupVersion");
			if (gv && strlen(gv) < 200) {
				char path[256];
				snprintf(path, sizeof(path), "/apis/%s", gv);
				ask_list(k, order, path);
			}
		}
	} else {
		char err[ERRLEN];
		kube_result_error(k, res, "discovery", err, sizeof(err));
		log_msg("kube %s: discovery of %s failed: %s", k->ep->name, c->base.path, err);
	}
	jdoc_free(doc);
	done_one(k);
}

void kube_disc_start(struct kube *k)
{
	struct kdisc *d = disc(k);
	if (d->pending)
		return;
	d->began_ms = mono_ms();
	d->pending = 2;
	for (int core = 1; core >= 0; core--) {
		kube_call_accept(k, ACCEPT_AGGREGATED, "GET", core ? "/api" : "/apis", 30000, on_root, NULL, CTX_OF(core));
	}
}

/* ---- what the rest of the backend asks ---- */

const struct endpoint_catalog *kube_catalog(struct endpoint *ep)
{
	struct kube *k = ep->priv;
	return k && k->disc && k->disc->known ? &k->disc->cat : NULL;
}

bool kube_disc_known(struct kube *k)
{
	return k->disc && k->disc->known;
}

const struct kres *kube_disc_res(struct kube *k, const char *kind)
{
	struct kdisc *d = k->disc;
	for (size_t i = 0; d && i < d->nres; i++)
		if (!strcmp(d->res[i]->kind, kind))
			return d->res[i];
	return NULL;
}

const struct kres *const *kube_disc_all(struct kube *k)
{
	return k->disc && k->disc->nres ? (const struct kres *const *)k->disc->res : NULL;
}

static void look_again(void *arg)
{
	struct kube *k = arg;
	if (k->phase == K_LIVE && k->disc->nwant)
		kube_disc_start(k);
}

void kube_disc_want(struct kube *k, const char *kind)
{
	struct kdisc *d = disc(k);
	for (size_t i = 0; i < d->nwant; i++)
		if (!strcmp(d->want[i], kind))
			return;
	d->want = xrealloc(d->want, (d->nwant + 1) * sizeof(*d->want));
	d->want[d->nwant++] = xstrdup(kind);
	/* not among what was found last time: maybe a CRD created since (asked
	 * again too soon after a round, it comes as soon as it may) */
	if (!d->known || d->pending || k->phase != K_LIVE)
		return;
	int64_t wait = d->began_ms + REDISCOVER_MS - mono_ms();
	if (wait <= 0) {
		kube_disc_start(k);
	} else {
		if (!d->again)
			d->again = timer_new(look_again, k);
		if (!timer_armed(d->again))
			timer_arm(d->again, wait);
	}
}

void kube_disc_free(struct kube *k)
{
	struct kdisc *d = k->disc;
	if (!d)
		return;
	for (size_t i = 0; i < d->nres; i++) {
		struct kres *r = d->res[i];
		kview_free(r->view);
		free((char *)r->kind);
		free((char *)r->prefix);
		free((char *)r->plural);
		free((char *)r->singular);
		free((char *)r->group);
		free(r);
	}
	for (size_t i = 0; i < d->nround; i++)
		found_cleanup(&d->round[i]);
	for (size_t i = 0; i < d->nwant; i++)
		free(d->want[i]);
	free(d->want);
	free(d->round);
	free(d->res);
	free(d->views);
	free(d->acts);
	timer_free(d->again);
	free(d);
	k->disc = NULL;
}
