/* docker.c: the Docker backend's life cycle. Connect = ping and negotiate
 * the API version, open the /events stream, then list what is watched.
 * Afterwards only events drive updates (one small per-container fetch per
 * change); per-row stats are fetched for the rows on screen only. Any failure
 * marks the data stale and reconnects with exponential backoff. */
#include "backends/docker/docker.h"
#include "backends/docker/internal.h"
#include "backends/docker/kinds.h"
#include "backends/docker/decode.h"
#include "backends/model/kinds.h"
#include "backends/util/limits.h"
#include "backends/util/log.h"
#include "backends/docker/target.h"
#include "backends/net/timer.h"
#include "backends/ssh/ssh.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 30000
#define LOCAL_BACKOFF_MAX_MS 4000

static const char *const kinds[] = {KIND_CONTAINERS, KIND_IMAGES, KIND_NODES, KIND_VOLUMES, KIND_NETWORKS, NULL};
static const char *const aliases[] = {"podman", NULL};

static const struct option_def options[] = {
	{"host", OPT_STRING, "engine address: unix:///path, tcp://host:port or ssh://[user@]host[:port][/path]"},
	{"tls", OPT_BOOL, "use TLS without verifying the server"},
	{"tls_verify", OPT_BOOL, "use TLS and verify the server against cert_path/ca.pem"},
	{"cert_path", OPT_PATH, "directory holding ca.pem, cert.pem and key.pem"},
	{NULL, 0, NULL},
};

static void connect_start(struct docker *d);

/* ---- request bookkeeping ---- */

struct call *docker_call_new(struct docker *d, const char *method, const char *path, long timeout_ms,
			     http_done_fn fn, const char *id)
{
	char *full = xasprintf("%s%s", d->prefix, path);
	struct call *c = calls_new(&d->calls, sizeof(*c), method, full, timeout_ms, fn);
	free(full);
	c->d = d;
	if (id)
		snprintf(c->id, sizeof(c->id), "%s", id);
	return c;
}

struct call *docker_call_go(struct call *c)
{
	calls_start(&c->base);
	return c;
}

struct call *docker_call_start(struct docker *d, const char *method, const char *path, long timeout_ms,
			       http_done_fn fn, const char *id)
{
	return docker_call_go(docker_call_new(d, method, path, timeout_ms, fn, id));
}

void docker_call_cancel(struct call *c)
{
	if (c)
		calls_cancel(&c->base);
}

/* The connection failed: each call's owner hears why (NULL: the endpoint closes). */
static void on_call_cancelled(struct calls_req *base, const char *why)
{
	struct call *c = (struct call *)base;
	if (c->on_cancel)
		c->on_cancel(c, why);
	else if (c->done && why)
		c->done(c->arg, NULL, why);
}

static void cancel_all(struct docker *d, const char *why)
{
	liveness_stop(&d->live);
	docker_eventcheck_stop(d);
	/* the reconnect lists everything again */
	for (size_t i = 0; i < DOCKER_NKINDS; i++) {
		timer_disarm(d->list_retry[i]);
		listguard_back(&d->list_out[i]);
		d->list_call[i] = NULL; /* freed with the rest below */
	}
	calls_cancel_all(&d->calls, why);
	d->ping = d->events = NULL;
	d->stats_pending = 0;
	d->ep->extras_pending = 0;
	lines_reset(&d->evlines);
}

/* Drops the connection, keeps the data (now stale), and retries later. */
static void fail_after(struct docker *d, const char *what, const struct http_result *res)
{
	cancel_all(d, what);
	d->phase = PH_IDLE;
	endpoint_fail(d->ep, "%s", what);
	int64_t wait = backoff_after(&d->backoff, res);
	log_msg("docker %s: %s; retrying in %lldms", d->ep->name, what, (long long)wait);
	timer_arm(d->retry, wait);
	d->ep->retry_at_ms = mono_ms() + wait; /* the header counts down to it */
}

void docker_fail(struct docker *d, const char *what)
{
	fail_after(d, what, NULL);
}

/* The sentence for a failed request, from transport error or error body. */
void docker_result_error(const struct http_result *res, char *err, size_t errlen)
{
	if (res->error)
		snprintf(err, errlen, "%s", res->error);
	else
		docker_decode_error(res->status, res->body, res->len, err, errlen);
}

bool docker_ok(const struct http_result *res)
{
	return !res->error && res->status >= 200 && res->status < 300;
}

/* ---- lists ---- */

static size_t kind_index(const char *kind)
{
	for (size_t i = 0; kinds[i]; i++)
		if (!strcmp(kinds[i], kind))
			return i;
	return 2;
}

/* The kind's list failed (res: the answer, may be NULL) or, msg "",
 * succeeded: the table says so, and a failed list is asked again in turn. */
static void list_result(struct docker *d, const char *kind, const char *msg, const struct http_result *res)
{
	struct rtable *t = store_find_table(d->ep->store, kind);
	size_t i = kind_index(kind);
	if (t)
		rtable_set_error(d->ep->store, t, msg);
	if (!*msg) {
		backoff_success(&d->list_backoff[i]);
	} else if (!timer_armed(d->list_retry[i])) {
		int64_t wait = backoff_after(&d->list_backoff[i], res);
		log_msg("docker %s: %s: %s; listing again in %lldms", d->ep->name, kind, msg, (long long)wait);
		timer_arm(d->list_retry[i], wait);
	}
}

static void table_error(struct docker *d, const char *kind, const char *msg)
{
	list_result(d, kind, msg, NULL);
}

/* Full lists: containers and images decode the same way into their table. */
void docker_on_list(void *arg, const struct http_result *res)
{
	struct call *c = arg;
	struct docker *d = c->d;
	const char *kind = c->kind;
	char err[ERRLEN];
	size_t i = kind_index(kind);
	listguard_back(&d->list_out[i]);
	if (d->list_call[i] == c)
		d->list_call[i] = NULL;
	if (!docker_ok(res)) {
		docker_result_error(res, err, sizeof(err));
		return http_result_down(res) ? docker_fail(d, err) : list_result(d, kind, err, res);
	}
	int rc = !strcmp(kind, KIND_CONTAINERS)
			 ? docker_decode_containers(d->ep->store, res->body, res->len, err, sizeof(err))
			 : docker_decode_images(d->ep->store, res->body, res->len, err, sizeof(err));
	table_error(d, kind, rc < 0 ? err : "");
	if (d->watch_projects && !strcmp(kind, KIND_CONTAINERS))
		docker_projects_refresh(d->ep->store);
}

static void node_try_decode(struct docker *d)
{
	char err[ERRLEN];
	if (!d->info_body || !d->version_body)
		return;
	if (docker_decode_info(d->ep->store, d->info_body, strlen(d->info_body), d->version_body,
			       strlen(d->version_body), &d->info, err, sizeof(err)) < 0) {
		table_error(d, KIND_NODES, err);
		return;
	}
	table_error(d, KIND_NODES, "");
	snprintf(d->ep->product, sizeof(d->ep->product), "%s %s · API %s", d->info.product, d->info.version,
		 d->prefix[0] ? d->prefix + 2 : "?");
	d->ep->store->gen++;
}

static void on_info(void *arg, const struct http_result *res)
{
	struct call *c = arg;
	struct docker *d = c->d;
	char err[ERRLEN];
	if (!docker_ok(res)) {
		docker_result_error(res, err, sizeof(err));
		return http_result_down(res) ? docker_fail(d, err) : list_result(d, KIND_NODES, err, res);
	}
	free(d->info_body);
	d->info_body = xstrndup(res->body, res->len);
	node_try_decode(d);
}

static void on_version(void *arg, const struct http_result *res)
{
	struct call *c = arg;
	struct docker *d = c->d;
	free(d->version_body);
	/* /version is cosmetic: without it the node row still shows /info */
	d->version_body = xstrdup(docker_ok(res) ? res->body : "{}");
	node_try_decode(d);
}

void docker_list_start(struct docker *d, const char *kind)
{
	bool ctrs = !strcmp(kind, KIND_CONTAINERS);
	const char *k = ctrs ? KIND_CONTAINERS : KIND_IMAGES;
	size_t i = kind_index(k);
	/* an older list still out (hanging, slow) would land after this one
	 * and put its failure, or older rows, over the newer answer */
	docker_call_cancel(d->list_call[i]);
	listguard_out(&d->lists, &d->list_out[i], (void *)k, "the list of %s", k);
	d->list_call[i] = docker_call_start(d, "GET", ctrs ? "/containers/json?all=1" : "/images/json", 60000,
					    docker_on_list, NULL);
	d->list_call[i]->kind = k;
}

/* The guard's report: a list still out 15 s. */
static void on_list_slow(void *owner, void *ctx, const char *why)
{
	struct docker *d = owner;
	log_msg("docker %s: %s", d->ep->name, why);
	listguard_mark(d->ep->store, store_find_table(d->ep->store, ctx), why);
}

static void list_kind(struct docker *d, const char *kind)
{
	if (!strcmp(kind, KIND_VOLUMES) || !strcmp(kind, KIND_NETWORKS) || !strcmp(kind, KIND_PROJECTS))
		docker_extras_list(d, kind);
	else if (!strcmp(kind, KIND_CONTAINERS) || !strcmp(kind, KIND_IMAGES))
		docker_list_start(d, kind);
	else {
		docker_call_start(d, "GET", "/version", 30000, on_version, NULL);
		docker_call_start(d, "GET", "/info", 30000, on_info, NULL);
	}
}

static bool want(struct docker *d, const char *kind)
{
	return !strcmp(kind, KIND_CONTAINERS) ? d->watch_containers
	       : !strcmp(kind, KIND_IMAGES)   ? d->watch_images
	       : !strcmp(kind, KIND_VOLUMES)  ? d->watch_volumes
	       : !strcmp(kind, KIND_NETWORKS) ? d->watch_networks
	       : !strcmp(kind, KIND_PROJECTS) ? d->watch_projects
					      : d->watch_nodes;
}

static void relist(struct docker *d, size_t i)
{
	if (d->phase == PH_LIVE && want(d, kinds[i]))
		list_kind(d, kinds[i]);
}

static void on_relist_containers(void *arg)
{
	relist(arg, 0);
}

static void on_relist_images(void *arg)
{
	relist(arg, 1);
}

static void on_relist_nodes(void *arg)
{
	relist(arg, 2);
}

static void on_relist_volumes(void *arg)
{
	relist(arg, 3);
}

static void on_relist_networks(void *arg)
{
	relist(arg, 4);
}

static void list_watched(struct docker *d)
{
	/* image usage counts and projects need the containers even when they are not shown */
	if (d->watch_containers || d->watch_images || d->watch_projects)
		list_kind(d, KIND_CONTAINERS);
	for (size_t i = 1; kinds[i]; i++)
		if (want(d, kinds[i]))
			list_kind(d, kinds[i]);
}

/* ---- events ---- */

static void on_container_fetch(void *arg, const struct http_result *res)
{
	struct call *c = arg;
	struct docker *d = c->d;
	char err[ERRLEN];
	if (!docker_ok(res)) {
		docker_result_error(res, err, sizeof(err));
		if (http_result_down(res))
			docker_fail(d, err);
		else
			table_error(d, KIND_CONTAINERS, err);
	} else if (docker_decode_containers_partial(d->ep->store, res->body, res->len, c->id, err,
						    sizeof(err)) < 0) {
		log_msg("docker %s: %s", d->ep->name, err);
	} else if (d->watch_projects) {
		docker_projects_refresh(d->ep->store);
	}
}

static void flush_dirty(void *arg)
{
	struct docker *d = arg;
	if (d->phase != PH_LIVE)
		return;
	for (size_t i = 0; i < d->ndirty; i++) {
		/* filters={"id":["ID"]}: the id came from an event, so it is
		 * JSON-quoted, then the whole value URL-encoded */
		json_object *f = json_object_new_object(), *ids = json_object_new_array();
		json_object_array_add(ids, json_object_new_string(d->dirty[i]));
		json_object_object_add(f, "id", ids);
		char *ef = http_escape_str(json_object_to_json_string_ext(f, JSON_C_TO_STRING_PLAIN));
		char *path = xasprintf("/containers/json?all=1&filters=%s", ef);
		docker_call_start(d, "GET", path, 30000, on_container_fetch, d->dirty[i]);
		free(path);
		free(ef);
		json_object_put(f);
		free(d->dirty[i]);
	}
	d->ndirty = 0;
	if (d->images_dirty && d->watch_images)
		list_kind(d, KIND_IMAGES);
	if (d->info_dirty && d->watch_nodes)
		list_kind(d, KIND_NODES);
	if (d->extras_dirty && d->watch_volumes)
		list_kind(d, KIND_VOLUMES);
	if (d->extras_dirty && d->watch_networks)
		list_kind(d, KIND_NETWORKS);
	d->images_dirty = d->info_dirty = d->extras_dirty = false;
}

static void mark_dirty(struct docker *d, const char *id)
{
	for (size_t i = 0; i < d->ndirty; i++)
		if (!strcmp(d->dirty[i], id))
			return;
	d->dirty = xrealloc(d->dirty, (d->ndirty + 1) * sizeof(*d->dirty));
	d->dirty[d->ndirty++] = xstrdup(id);
	if (!timer_armed(d->flush))
		timer_arm(d->flush, 50);
}

static void on_event(struct docker *d, const struct docker_event *ev)
{
	struct store *s = d->ep->store;
	if (!strcmp(ev->type, "container") && ev->id[0]) {
		if (!strcmp(ev->action, "destroy") || !strcmp(ev->action, "remove")) {
			struct rtable *t = store_table(s, KIND_CONTAINERS, CTR_NCELLS);
			rtable_delete(s, t, ev->id);
			docker_decode_refresh_image_usage(s);
			if (d->watch_projects)
				docker_projects_refresh(s);
		} else if (strcmp(ev->action, "exec_create") && strcmp(ev->action, "exec_start") &&
			   strcmp(ev->action, "exec_die") && strcmp(ev->action, "attach") &&
			   strcmp(ev->action, "resize") && strcmp(ev->action, "top") &&
			   strcmp(ev->action, "archive-path") && strcmp(ev->action, "extract-to-dir")) {
			mark_dirty(d, ev->id);
		}
		if (!strcmp(ev->action, "create") || !strcmp(ev->action, "start") || !strcmp(ev->action, "die") ||
		    !strcmp(ev->action, "destroy") || !strcmp(ev->action, "remove")) {
			d->info_dirty = true;
			/* who uses which volume and network changes with them */
			d->extras_dirty = d->watch_volumes || d->watch_networks;
		}
	} else if (!strcmp(ev->type, "image")) {
		d->images_dirty = true;
	} else if (!strcmp(ev->type, "volume") || !strcmp(ev->type, "network")) {
		d->extras_dirty = d->watch_volumes || d->watch_networks;
	}
	if ((d->info_dirty || d->images_dirty || d->extras_dirty) && !timer_armed(d->flush))
		timer_arm(d->flush, 300);
}

static bool event_line(void *arg, char *line, size_t len)
{
	struct docker *d = arg;
	struct docker_event ev;
	char err[ERRLEN];
	int rc = docker_decode_event(line, len, &ev, err, sizeof(err));
	if (rc == 0 && ev.time_ns > d->seen_ns) {
		d->seen_ns = ev.time_ns;
		d->engine_s = ev.time_ns / 1000000000;
		d->engine_mono = mono_ms();
	}
	if (rc == 0)
		on_event(d, &ev);
	else if (rc < 0)
		log_msg("docker %s: bad event: %s", d->ep->name, err);
	return true;
}

static bool on_events_data(void *arg, const char *data, size_t len)
{
	struct call *c = arg;
	struct docker *d = c->d;
	/* one event is small; a runaway line means the stream is not what we think */
	if (lines_feed(&d->evlines, data, len, event_line, d) == LINES_TOO_LONG) {
		snprintf(d->events_why, sizeof(d->events_why), "the engine sent an event longer than %u KiB",
			 LIMIT_EVENT_LINE >> 10);
		return false;
	}
	return true;
}

static void on_events_end(void *arg, const struct http_result *res)
{
	struct call *c = arg;
	struct docker *d = c->d;
	char err[ERRLEN];
	d->events = NULL;
	if (d->events_why[0])
		snprintf(err, sizeof(err), "%s", d->events_why);
	else if (res->error || res->status != 200)
		docker_result_error(res, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "the engine closed its event stream");
	d->events_why[0] = '\0';
	fail_after(d, err, res);
}

static void start_events(struct docker *d)
{
	struct call *c = docker_call_new(d, "GET", "/events?" DOCKER_EVENT_FILTERS, 0, on_events_end, NULL);
	calls_stream(&c->base, on_events_data);
	d->events = docker_call_go(c);
	/* the stream carries what happens from now on: from the next second, to be safe */
	d->seen_ns = d->engine_s ? (d->engine_s + 1) * 1000000000 - 1 : 0;
	liveness_start(&d->live);
}

/* ---- connecting ---- */

static int version_cmp(const char *a, const char *b)
{
	int amaj = 0, amin = 0, bmaj = 0, bmin = 0;
	sscanf(a, "%d.%d", &amaj, &amin);
	sscanf(b, "%d.%d", &bmaj, &bmin);
	return amaj != bmaj ? amaj - bmaj : amin - bmin;
}

static void on_ping(void *arg, const struct http_result *res)
{
	struct call *c = arg;
	struct docker *d = c->d;
	char err[ERRLEN];
	d->ping = NULL;
	if (!docker_ok(res)) {
		docker_result_error(res, err, sizeof(err));
		return fail_after(d, err, res);
	}
	const char *api = http_result_header(res, "Api-Version");
	char v[16];
	snprintf(v, sizeof(v), "%s", api && *api ? api : DOCKER_API_MIN);
	if (version_cmp(v, DOCKER_API_MIN) < 0) {
		snprintf(err, sizeof(err), "the engine speaks API %s, older than the %s binnacle needs", v,
			 DOCKER_API_MIN);
		return docker_fail(d, err);
	}
	if (version_cmp(v, DOCKER_API_MAX) > 0)
		snprintf(v, sizeof(v), "%s", DOCKER_API_MAX);
	snprintf(d->prefix, sizeof(d->prefix), "/v%s", v);
	/* the engine's clock, for the event stream's liveness check */
	int64_t date = backoff_http_date(http_result_header(res, "Date"));
	if (date > 0) {
		d->engine_s = date;
		d->engine_mono = mono_ms();
	}
	d->phase = PH_LIVE;
	backoff_success(&d->backoff);
	endpoint_ready(d->ep);
	/* events first, so nothing that happens during the lists is missed */
	start_events(d);
	list_watched(d);
}

static void connect_start(struct docker *d)
{
	if (d->phase != PH_IDLE)
		return;
	d->phase = PH_PINGING;
	d->prefix[0] = '\0';
	d->ping = docker_call_start(d, "GET", "/_ping", 10000, on_ping, NULL);
}

static void on_retry(void *arg)
{
	struct docker *d = arg;
	d->ep->retry_at_ms = 0;
	connect_start(d);
}

/* ---- ops ---- */

static int docker_open(struct endpoint *ep, const struct endpoint_config *cfg, char *err, size_t errlen)
{
	struct docker *d = xcalloc(1, sizeof(*d));
	if (docker_target_from_config(cfg, &d->target, err, errlen) < 0) {
		free(d);
		return -1;
	}
	d->own_tunnel = d->target.tunnel != NULL;
	d->ssh_dest = docker_ssh_dest(endpoint_config_get(cfg, "host"));
	endpoint_route(ep, &d->target);
	d->ep = ep;
	/* a local engine costs nothing to ask: back within seconds of coming back */
	backoff_init(&d->backoff, BACKOFF_MIN_MS, d->target.unix_socket ? LOCAL_BACKOFF_MAX_MS : BACKOFF_MAX_MS);
	calls_init(&d->calls, &d->target, d);
	d->calls.cancelled = on_call_cancelled;
	listguard_init(&d->lists, "the engine", on_list_slow, d);
	docker_eventcheck_init(d);
	/* the engine host row also names the product and version for the header */
	d->watch_nodes = true;
	d->retry = timer_new(on_retry, d);
	d->flush = timer_new(flush_dirty, d);
	d->stats_tick = timer_new(docker_stats_round, d);
	void (*relists[DOCKER_NKINDS])(void *) = {on_relist_containers, on_relist_images, on_relist_nodes,
						  on_relist_volumes, on_relist_networks};
	for (size_t i = 0; i < DOCKER_NKINDS; i++) {
		backoff_init(&d->list_backoff[i], BACKOFF_MIN_MS, BACKOFF_MAX_MS);
		d->list_retry[i] = timer_new(relists[i], d);
	}
	lines_init(&d->evlines, LIMIT_EVENT_LINE);
	ep->priv = d;
	ep->address = xstrdup(d->target.display);
	snprintf(ep->product, sizeof(ep->product), "connecting…");
	return 0;
}

static void docker_close(struct endpoint *ep)
{
	struct docker *d = ep->priv;
	if (!d)
		return;
	cancel_all(d, NULL);
	docker_eventcheck_cleanup(d);
	docker_pull_forget(d);
	timer_free(d->retry);
	timer_free(d->flush);
	timer_free(d->stats_tick);
	for (size_t i = 0; i < DOCKER_NKINDS; i++)
		timer_free(d->list_retry[i]);
	listguard_cleanup(&d->lists);
	for (size_t i = 0; i < d->ndirty; i++)
		free(d->dirty[i]);
	free(d->dirty);
	for (size_t i = 0; i < d->nvisible; i++)
		free(d->visible[i]);
	free(d->visible);
	free(d->samples);
	free(d->info_body);
	free(d->version_body);
	lines_cleanup(&d->evlines);
	if (d->own_tunnel)
		ssh_tunnel_free(d->target.tunnel);
	http_target_cleanup(&d->target);
	free(d->ssh_dest);
	free(d);
	ep->priv = NULL;
}

static void docker_watch(struct endpoint *ep, const char *kind)
{
	struct docker *d = ep->priv;
	bool *flag = !strcmp(kind, KIND_CONTAINERS) ? &d->watch_containers
		     : !strcmp(kind, KIND_IMAGES)   ? &d->watch_images
		     : !strcmp(kind, KIND_NODES)    ? &d->watch_nodes
		     : !strcmp(kind, KIND_VOLUMES)  ? &d->watch_volumes
		     : !strcmp(kind, KIND_NETWORKS) ? &d->watch_networks
		     : !strcmp(kind, KIND_PROJECTS) ? &d->watch_projects
						    : NULL;
	if (!flag)
		return;
	/* make the table exist now so the view can show "loading" */
	store_table(ep->store, kind, !strcmp(kind, KIND_CONTAINERS) ? CTR_NCELLS
				     : !strcmp(kind, KIND_IMAGES)   ? IMG_NCELLS
				     : !strcmp(kind, KIND_VOLUMES)  ? VOL_NCELLS
				     : !strcmp(kind, KIND_NETWORKS) ? NET_NCELLS
				     : !strcmp(kind, KIND_PROJECTS) ? PRJ_NCELLS
								    : NODE_NCELLS);
	bool was = *flag;
	*flag = true;
	/* the projects come from the containers' labels */
	if (flag == &d->watch_projects && !d->watch_containers) {
		d->watch_containers = true;
		if (d->phase == PH_LIVE)
			list_kind(d, KIND_CONTAINERS);
	}
	/* a container's image digests (where it runs) come with the images */
	bool images_too = (flag == &d->watch_containers || flag == &d->watch_projects) && !d->watch_images;
	if (images_too) {
		store_table(ep->store, KIND_IMAGES, IMG_NCELLS);
		d->watch_images = true;
	}
	if (d->phase == PH_IDLE && !timer_armed(d->retry))
		connect_start(d);
	else if (d->phase == PH_LIVE && !was)
		list_kind(d, kind);
	if (d->phase == PH_LIVE && images_too)
		list_kind(d, KIND_IMAGES);
}

static void on_inspect(void *arg, const struct http_result *res)
{
	struct call *c = arg;
	char err[ERRLEN];
	json_object *root = docker_ok(res) ? json_tokener_parse(res->body) : NULL;
	if (!docker_ok(res)) {
		docker_result_error(res, err, sizeof(err));
		c->done(c->arg, NULL, err);
	} else if (!root) {
		c->done(c->arg, NULL, "the engine sent an inspect result that is not JSON");
	} else {
		c->done(c->arg,
			json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
								     JSON_C_TO_STRING_NOSLASHESCAPE),
			NULL);
	}
	json_object_put(root);
}

static void docker_inspect(struct endpoint *ep, const char *kind, const char *id,
			   void (*done)(void *arg, const char *json, const char *error), void *arg)
{
	struct docker *d = ep->priv;
	if (d->phase != PH_LIVE) {
		done(arg, NULL, ep->error[0] ? ep->error : "not connected to the engine yet");
		return;
	}
	if (!strcmp(kind, KIND_PROJECTS)) {
		/* a project is its containers: described from what the store holds */
		json_object *o = json_object_new_object(), *list = json_object_new_array();
		struct rtable *t = store_find_table(ep->store, KIND_CONTAINERS);
		char sel[400];
		snprintf(sel, sizeof(sel), "%s=%s", COMPOSE_PROJECT_LABEL, id);
		json_object_object_add(o, "Project", json_object_new_string(id));
		for (size_t i = 0; t && i < t->len; i++) {
			struct row *r = t->rows[i];
			if (r->gone_ms || !labels_match(sel, row_text(r, CTR_LABELS)))
				continue;
			json_object *c = json_object_new_object();
			json_object_object_add(c, "Name", json_object_new_string(row_text(r, CTR_NAME)));
			json_object_object_add(c, "State", json_object_new_string(row_text(r, CTR_STATE)));
			json_object_object_add(c, "Status", json_object_new_string(row_text(r, CTR_STATUS)));
			json_object_object_add(c, "Image", json_object_new_string(row_text(r, CTR_IMAGE)));
			json_object_array_add(list, c);
		}
		json_object_object_add(o, "Containers", list);
		done(arg, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED), NULL);
		json_object_put(o);
		return;
	}
	char *path;
	if (!strcmp(kind, KIND_VOLUMES) || !strcmp(kind, KIND_NETWORKS) || !strcmp(kind, KIND_CONTAINERS) ||
	    !strcmp(kind, KIND_IMAGES)) {
		/* image row ids are "fullid|repo:tag" */
		char *eid = http_escape(id, strcmp(kind, KIND_IMAGES) ? strlen(id) : strcspn(id, "|"));
		if (!strcmp(kind, KIND_VOLUMES) || !strcmp(kind, KIND_NETWORKS))
			path = xasprintf("/%s/%s", !strcmp(kind, KIND_VOLUMES) ? "volumes" : "networks", eid);
		else
			path = xasprintf("/%s/%s/json", !strcmp(kind, KIND_IMAGES) ? "images" : "containers", eid);
		free(eid);
	} else {
		path = xstrdup("/info");
	}
	struct call *c = docker_call_start(d, "GET", path, 30000, on_inspect, NULL);
	free(path);
	c->done = done;
	c->arg = arg;
}

static void docker_retry(struct endpoint *ep)
{
	struct docker *d = ep->priv;
	backoff_healthy(&d->backoff);
	if (d->phase == PH_IDLE) {
		timer_disarm(d->retry);
		ep->retry_at_ms = 0;
		connect_start(d);
		return;
	}
	/* connected: the kinds whose last list failed are listed again */
	for (size_t i = 0; d->phase == PH_LIVE && kinds[i]; i++) {
		struct rtable *t = store_find_table(ep->store, kinds[i]);
		backoff_healthy(&d->list_backoff[i]); /* every series starts over, as the user asks */
		if (t && t->error[0] && want(d, kinds[i])) {
			timer_disarm(d->list_retry[i]);
			list_kind(d, kinds[i]);
		}
	}
}

const struct backend_ops docker_backend = {
	.abi = BACKEND_ABI_VERSION,
	.name = "docker",
	.aliases = aliases,
	.description = "Docker Engine or Podman (Docker-compatible API)",
	.views = docker_views,
	.default_kind = KIND_CONTAINERS,
	.caps = BACKEND_EAGER,
	.options = options,
	.discover = docker_discover,
	.open = docker_open,
	.close = docker_close,
	.watch = docker_watch,
	.visible = docker_visible,
	.history = docker_history,
	.describe = docker_describe,
	.inspect = docker_inspect,
	.actions = docker_actions,
	.act = docker_act,
	.exec = docker_exec,
	.logs = docker_logs,
	.logs_stop = docker_logs_stop,
	.pull = docker_pull,
	.summary = docker_summary,
	.drill = docker_view_drill,
	.health_watch = docker_health_watch,
	.health = docker_health,
	.retry = docker_retry,
};
