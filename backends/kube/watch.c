/* watch.c: keeps a kind live the way the API server wants: a paged list
 * (limit/continue; rows appear as each page arrives and each page's JSON is
 * freed once its rows are out), then a watch from the list's resourceVersion
 * with bookmarks. An expired resourceVersion (410, as a status or in the
 * stream) relists; a dropped connection re-watches from the last version
 * seen, with backoff. Nothing ever relists on a timer. */
#include "backends/kube/decode.h"
#include "backends/codec/jsonget.h"
#include "backends/kube/internal.h"
#include "backends/kube/kinds.h"
#include "backends/util/log.h"
#include "backends/kube/watchstream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_SIZE 500
#define WATCH_TIMEOUT_S 300
#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 30000

enum wstate { W_IDLE, W_LISTING, W_WATCHING, W_WAITING };

struct kwatch {
	struct kube *k;
	const struct kres *res;
	const char *table;   /* the store table it fills: the kind, or a health feed's own */
	const char *query;   /* a feed's selector, URL-encoded ("fieldSelector=..."); NULL = none */
	bool cluster_wide;   /* every namespace, whatever the endpoint's scope (health feeds) */
	enum wstate state;
	struct kcall *call;
	struct kube_watch_stream ws; /* ws.rv: the last resourceVersion seen (lists set it too) */
	bool first_page;
	struct backoff backoff;
	struct timer *retry;
	struct kwatch *next;
};

static void list_page(struct kwatch *w, const char *cont);
static void watch_from(struct kwatch *w);

static struct kwatch *find(struct kube *k, const char *table)
{
	for (struct kwatch *w = k->watches; w; w = w->next)
		if (!strcmp(w->table, table))
			return w;
	return NULL;
}

/* The views' own pods table (not a health feed): what containers and node counts follow. */
static bool view_pods(const struct kwatch *w)
{
	return !strcmp(w->table, KIND_PODS);
}

/* The collection's path and query start: "...?limit=500" or "...?watch=1". */
static void start_path(struct kwatch *w, struct buf *path, const char *first)
{
	char *coll = kube_collection_path(w->k, w->res, w->cluster_wide ? "" : NULL);
	buf_printf(path, "%s?%s", coll, first);
	if (w->query)
		buf_printf(path, "&%s", w->query);
	free(coll);
}

bool kube_watching(struct kube *k, const char *kind)
{
	return find(k, kind) != NULL;
}

static struct rtable *table(struct kwatch *w)
{
	return store_table(w->k->ep->store, w->table, w->res->ncells);
}

static void set_error(struct kwatch *w, const char *msg)
{
	struct rtable *t = table(w);
	if (strcmp(t->error, msg)) {
		snprintf(t->error, sizeof(t->error), "%s", msg);
		w->k->ep->store->gen++;
	}
}

static void on_retry(void *arg)
{
	struct kwatch *w = arg;
	if (w->k->phase != K_LIVE)
		return;
	if (w->ws.rv[0])
		watch_from(w);
	else
		list_page(w, NULL);
}

/* Waits, then resumes from the last version (or relists when there is none). */
static void backoff(struct kwatch *w, const char *why, bool transport)
{
	w->state = W_WAITING;
	w->call = NULL;
	if (transport)
		endpoint_fail(w->k->ep, "%s", why);
	else
		set_error(w, why);
	int64_t wait = backoff_next(&w->backoff);
	log_msg("kube %s: %s: %s; again in %lldms", w->k->ep->name, w->res->kind, why, (long long)wait);
	timer_arm(w->retry, wait);
}

static void took(struct kwatch *w, json_object *obj)
{
	char err[ERRLEN];
	struct store *s = w->k->ep->store;
	if (kube_decode_into(s, w->table, w->res->kind, obj, err, sizeof(err)) < 0)
		log_msg("kube %s: %s: %s", w->k->ep->name, w->table, err);
	else if (view_pods(w))
		kube_watch_pod_seen(w->k, obj);
}

/* ---- list ---- */

/* The continue token of a list page without parsing the page: real servers
 * (and json.Marshal) write metadata before items. NULL when it is not in
 * the first few hundred bytes; the caller then reads it after parsing. */
static char *peek_continue(const char *body, size_t len)
{
	size_t lim = len < 1024 ? len : 1024;
	const char *items = memmem(body, lim, "\"items\"", 7);
	const char *key = memmem(body, items ? (size_t)(items - body) : lim, "\"continue\":\"", 12);
	if (!key)
		return NULL;
	key += 12;
	const char *end = memchr(key, '"', lim - (size_t)(key - body));
	/* tokens are base64: a backslash would need unescaping, leave it to the parser */
	if (!end || end == key || memchr(key, '\\', (size_t)(end - key)))
		return NULL;
	return xstrndup(key, (size_t)(end - key));
}

static void on_page(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct kwatch *w = c->ctx;
	struct kube *k = w->k;
	char err[ERRLEN];
	w->call = NULL;
	if (res->status == 410) {
		/* the continue token expired: start the list again */
		log_msg("kube %s: %s: continue token expired, listing again", k->ep->name, w->res->kind);
		list_page(w, NULL);
		return;
	}
	if (!kube_ok(res)) {
		kube_result_error(k, res, NULL, err, sizeof(err));
		backoff_from_result(&w->backoff, res);
		char full[ERRLEN + 32];
		snprintf(full, sizeof(full), "%s", err);
		backoff(w, full, res->error != NULL);
		return;
	}
	/* ask for the next page first, so the server works while this one is
	 * decoded; the token sits in the metadata before the items */
	char *early = peek_continue(res->body, res->len);
	if (early)
		list_page(w, early);
	json_object *root = json_tokener_parse(res->body), *items = jsonget_arr(root, "items");
	if (!items) {
		json_object_put(root);
		backoff(w, "the API server sent a list that is not a Kubernetes list", false);
		return;
	}
	struct rtable *t = table(w);
	if (w->first_page) {
		rtable_relist_begin(t);
		w->first_page = false;
	}
	size_t n = json_object_array_length(items);
	for (size_t i = 0; i < n; i++)
		took(w, json_object_array_get_idx(items, i));
	json_object *meta = jsonget_obj(root, "metadata");
	const char *cont = jsonget_str(meta, "continue"), *rv = jsonget_str(meta, "resourceVersion");
	if (rv)
		snprintf(w->ws.rv, sizeof(w->ws.rv), "%s", rv);
	endpoint_ready(k->ep);
	set_error(w, "");
	if (cont && *cont) {
		char *next = xstrdup(cont);
		json_object_put(root); /* this page's tree goes before the next arrives */
		release_free_memory();
		if (!early)
			list_page(w, next);
		free(next);
		free(early);
		return;
	}
	json_object_put(root);
	release_free_memory();
	free(early);
	rtable_relist_end(k->ep->store, t);
	if (!strcmp(w->table, kube_node_pods_table(k)) || !strcmp(w->table, KIND_NODES))
		kube_node_pods_listed(k);
	if (view_pods(w)) {
		if (k->want_containers)
			kube_decode_prune_containers(k->ep->store);
	}
	backoff_healthy(&w->backoff);
	watch_from(w);
}

static void list_page(struct kwatch *w, const char *cont)
{
	struct kube *k = w->k;
	if (!cont) {
		w->first_page = true;
		w->ws.rv[0] = '\0';
	}
	struct buf path;
	buf_init(&path);
	char first[32];
	snprintf(first, sizeof(first), "limit=%d", PAGE_SIZE);
	start_path(w, &path, first);
	if (cont) {
		char *e = http_escape(cont, strlen(cont));
		buf_printf(&path, "&continue=%s", e);
		free(e);
	}
	w->state = W_LISTING;
	w->call = kube_call(k, "GET", path.data, NULL, NULL, 120000, on_page, NULL, w);
	buf_cleanup(&path);
}

/* ---- watch ---- */

/* One event of the stream; ws.rv already holds its version. Returns false
 * when the event ended this watch. */
static bool watch_event(void *arg, enum kube_watch_event type, json_object *obj, int code, const char *msg)
{
	struct kwatch *w = arg;
	if (type == KW_ERROR) {
		log_msg("kube %s: %s watch error %d: %s", w->k->ep->name, w->res->kind, code, msg);
		/* 410 Gone: our version is too old; anything else ends this watch too */
		if (code == 410)
			w->ws.rv[0] = '\0';
		/* returning false ends the transfer, and on_watch_end sees the state */
		w->state = W_WAITING;
		timer_arm(w->retry, code == 410 ? 0 : backoff_next(&w->backoff));
		return false;
	}
	if (type == KW_ADDED || type == KW_MODIFIED) {
		took(w, obj);
	} else if (type == KW_DELETED) {
		char id[512];
		kube_decode_row_id(w->res->kind, obj, id, sizeof(id));
		rtable_delete(w->k->ep->store, table(w), id);
		if (view_pods(w) && w->k->want_containers)
			kube_decode_forget_pod(w->k->ep->store, id); /* its containers go with it */
	}
	/* KW_BOOKMARK: only the version moves; nothing to show */
	if (!strcmp(w->table, kube_node_pods_table(w->k)) && type != KW_BOOKMARK)
		kube_pods_changed(w->k);
	return w->state == W_WATCHING;
}

static bool on_watch_data(void *arg, const char *data, size_t len)
{
	struct kcall *c = arg;
	struct kwatch *w = c->ctx;
	/* data flowing again (events or bookmarks) means the server is back */
	if (w->k->ep->error[0])
		endpoint_ready(w->k->ep);
	backoff_healthy(&w->backoff);
	size_t bad = w->ws.malformed;
	bool go = kube_watch_stream_feed(&w->ws, data, len, watch_event, w);
	if (w->ws.malformed != bad)
		log_msg("kube %s: %s: skipped %zu malformed watch line(s) (%zu in all)", w->k->ep->name, w->res->kind,
			w->ws.malformed - bad, w->ws.malformed);
	return go;
}

static void on_watch_end(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct kwatch *w = c->ctx;
	char err[ERRLEN];
	w->call = NULL;
	kube_watch_stream_reset(&w->ws);
	if (w->state != W_WATCHING)
		return; /* ended by an in-stream event, which chose what next */
	if (res->status == 410) {
		w->ws.rv[0] = '\0';
		list_page(w, NULL);
	} else if (kube_ok(res)) {
		/* the server's timeout: carry on from the last version seen */
		watch_from(w);
	} else {
		kube_result_error(w->k, res, NULL, err, sizeof(err));
		/* the server refused this version (too large after a restart, or any
		 * other error): like client-go's reflector, list again next time;
		 * only a broken connection resumes from the same version */
		if (!res->error)
			w->ws.rv[0] = '\0';
		backoff_from_result(&w->backoff, res);
		backoff(w, err, res->error != NULL);
	}
}

static void watch_from(struct kwatch *w)
{
	struct kube *k = w->k;
	struct buf path;
	buf_init(&path);
	start_path(w, &path, "watch=1");
	char *e = http_escape(w->ws.rv, strlen(w->ws.rv));
	buf_printf(&path, "&resourceVersion=%s&allowWatchBookmarks=true&timeoutSeconds=%d", e, WATCH_TIMEOUT_S);
	free(e);
	w->state = W_WATCHING;
	kube_watch_stream_reset(&w->ws);
	w->call = kube_call(k, "GET", path.data, NULL, NULL, 0, on_watch_end, on_watch_data, w);
	buf_cleanup(&path);
}

/* ---- life cycle ---- */

static void stop(struct kwatch *w)
{
	kube_call_cancel(w->call);
	w->call = NULL;
	timer_disarm(w->retry);
	w->state = W_IDLE;
	kube_watch_stream_reset(&w->ws);
}

static void begin(struct kube *k, const struct kres *r, const char *tbl, const char *query, bool cluster_wide)
{
	struct kwatch *w = find(k, tbl);
	if (!w) {
		w = xcalloc(1, sizeof(*w));
		w->k = k;
		w->res = r;
		w->table = tbl;
		w->query = query;
		w->cluster_wide = cluster_wide;
		backoff_init(&w->backoff, BACKOFF_MIN_MS, BACKOFF_MAX_MS);
		w->retry = timer_new(on_retry, w);
		kube_watch_stream_init(&w->ws);
		w->next = k->watches;
		k->watches = w;
		table(w);
	}
	if (k->phase == K_LIVE && w->state == W_IDLE)
		list_page(w, NULL);
}

void kube_watch_start(struct kube *k, const char *kind)
{
	const struct kres *r = kube_res(kind);
	if (r)
		begin(k, r, r->kind, NULL, false);
}

void kube_watch_feed(struct kube *k, const struct kube_health_feed *f)
{
	const struct kres *r = kube_res(f->kind);
	if (r)
		begin(k, r, f->table, f->query, true);
}

void kube_watch_restart_all(struct kube *k, bool scoped_only)
{
	for (struct kwatch *w = k->watches; w; w = w->next) {
		if (scoped_only && w->cluster_wide)
			continue;
		stop(w);
		w->ws.rv[0] = '\0';
		backoff_healthy(&w->backoff);
		if (k->phase == K_LIVE)
			list_page(w, NULL);
	}
}

void kube_watch_stop_all(struct kube *k)
{
	for (struct kwatch *w = k->watches; w; w = w->next)
		stop(w);
}

void kube_watch_free_all(struct kube *k)
{
	while (k->watches) {
		struct kwatch *w = k->watches;
		k->watches = w->next;
		stop(w);
		timer_free(w->retry);
		kube_watch_stream_cleanup(&w->ws);
		free(w);
	}
}

void kube_watch_pod_seen(struct kube *k, struct json_object *pod)
{
	if (k->want_containers)
		kube_decode_pod_containers(k->ep->store, pod);
}
