/* watch.c: keeps a kind live the way the API server wants: a paged list
 * (limit/continue; rows appear as each page arrives and each page is decoded
 * one item at a time, an item that cannot be read skipped and counted), then
 * a watch from the list's resourceVersion with bookmarks. An expired
 * resourceVersion (410, as a status or in the stream) relists; a dropped
 * connection re-watches from the last version seen; every retry of either
 * waits its turn in the watch's backoff, so a server answering 410 to
 * everything is asked a few times a minute, not hundreds of times a second.
 * Nothing relists on a timer. A list page the server has not answered for
 * 15 s shows the rows it would replace as stale (k->lists, the listguard
 * every backend uses). A watch has a deadline of its own a little past the
 * timeoutSeconds it asked for, and one that has carried bookmarks and then
 * goes quiet for longer than a server lets pass between two is silent: its
 * rows show as stale and it is watched again. */
#include "backends/kube/decode.h"
#include "backends/codec/jdoc.h"
#include "backends/codec/jsonget.h"
#include "backends/codec/jsonscan.h"
#include "backends/kube/internal.h"
#include "backends/kube/kinds.h"
#include "backends/util/limits.h"
#include "backends/util/log.h"
#include "backends/kube/watchstream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_SIZE 500
#define LIST_TIMEOUT_MS 60000
#define WATCH_TIMEOUT_S 300
/* The client's own deadline, for a server that forgets timeoutSeconds. */
#define WATCH_DEADLINE_MS ((WATCH_TIMEOUT_S + 30) * 1000L)
/* The API server sends watchers a bookmark about once a minute (and one
 * before the deadline): a watch that had bookmarks and then nothing for
 * this long is not being fed. */
#define BOOKMARK_EXPECT_MS 90000
/* A watch the server ends by itself sooner than this did not work: the next
 * one waits its turn in the backoff instead of following at once. */
#define WATCH_MIN_LIFE_MS 10000
#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 30000

enum wstate { W_IDLE, W_LISTING, W_WATCHING, W_WAITING };

struct kwatch {
	struct kube *k;
	const struct kres *res;
	const char *table;   /* the store table it fills: the kind, or a health feed's own */
	const char *query;   /* a feed's selector, URL-encoded ("fieldSelector=..."); NULL = none */
	char *selector;      /* a label selector the user gave (the filter's -l), or NULL */
	bool cluster_wide;   /* every namespace, whatever the endpoint's scope (health feeds) */
	enum wstate state;
	struct kcall *call;  /* the one request in flight, or NULL */
	struct kube_watch_stream ws; /* ws.rv: the last resourceVersion seen (lists set it too) */
	bool first_page;
	struct backoff backoff;
	struct timer *retry;
	struct timer *guard;  /* a silent watch */
	struct listguard_call listing; /* the list page out, for k->lists: a slow list */
	int64_t started_ms;   /* when the current watch began */
	int64_t heard_ms;     /* when the current watch last carried anything */
	bool bookmarks;       /* the server has sent this watch bookmarks */
	size_t skipped;       /* list items that could not be read, in all */
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
	if (w->selector) {
		char *e = http_escape(w->selector, strlen(w->selector));
		buf_printf(path, "&labelSelector=%s", e);
		free(e);
	}
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

/* Why the kind is not live ("" = it is): its rows stay, shown as stale. */
static void set_error(struct kwatch *w, const char *msg)
{
	rtable_set_error(w->k->ep->store, table(w), msg);
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

/* Waits its turn in the backoff (res: the failed answer, for its
 * Retry-After and whether the connection was refused; may be NULL), then
 * resumes from the last version seen, or lists again when relist is set (or
 * there is none). The server could not be reached (res down): the endpoint
 * is stale too. */
static void retry_later(struct kwatch *w, const char *why, const struct http_result *res, bool relist)
{
	bool transport = res && http_result_down(res);
	w->state = W_WAITING;
	w->call = NULL;
	timer_disarm(w->guard);
	listguard_back(&w->listing);
	if (relist)
		w->ws.rv[0] = '\0';
	if (transport)
		endpoint_fail(w->k->ep, "%s", why);
	else if (w->k->ep->state == EP_STALE && !w->k->ep->auth_failing)
		endpoint_ready(w->k->ep); /* it answered: reachable, whatever this kind's trouble */
	set_error(w, why);
	int64_t wait = backoff_after(&w->backoff, res);
	log_msg("kube %s: %s: %s; again in %lldms", w->k->ep->name, w->res->kind, why, (long long)wait);
	timer_arm(w->retry, wait);
}

static void took(struct kwatch *w, const struct jnode *obj)
{
	char err[ERRLEN];
	struct store *s = w->k->ep->store;
	if (w->res->table) {
		/* a kind without a typed view: a page or an event is a Table */
		if (kube_table_take(w->k, w->res, w->table, obj, err, sizeof(err)) < 0)
			log_msg("kube %s: %s: %s", w->k->ep->name, w->table, err);
	} else if (kube_decode_into(s, w->table, w->res->kind, obj, err, sizeof(err)) < 0)
		log_msg("kube %s: %s: %s", w->k->ep->name, w->table, err);
	else if (view_pods(w))
		kube_watch_pod_seen(w->k, obj);
	if (!w->query && !w->cluster_wide)
		kube_hpa_touched(w->k, w->table);
}

void kube_watch_list_slow(void *owner, void *ctx, const char *why)
{
	struct kwatch *w = ctx;
	(void)owner;
	/* the rows it will replace are as old as the list is slow */
	if (w->state == W_LISTING)
		listguard_mark(w->k->ep->store, table(w), why);
}

static void on_guard(void *arg)
{
	struct kwatch *w = arg;
	char why[ERRLEN];
	if (w->state != W_WATCHING)
		return;
	int64_t quiet = mono_ms() - w->heard_ms;
	int64_t expect = liveness_time(LIVENESS_SILENT, BOOKMARK_EXPECT_MS);
	if (!w->bookmarks || quiet < expect) {
		timer_arm(w->guard, expect - (quiet < expect ? quiet : 0));
		return;
	}
	snprintf(why, sizeof(why), "the watch of %s has carried no event or bookmark for %lld s", w->res->kind,
		 (long long)(quiet / 1000));
	kube_call_cancel(w->call);
	retry_later(w, why, NULL, false);
}

/* ---- list ---- */

/* What a list page holds, found before anything is decoded. */
struct page {
	const char *meta, *items;
	size_t metalen, itemslen;
};

static bool page_member(void *arg, const char *key, size_t klen, const char *v, size_t vlen)
{
	struct page *pg = arg;
	if (klen == 8 && !memcmp(key, "metadata", 8)) {
		pg->meta = v;
		pg->metalen = vlen;
	} else if (klen == 5 && !memcmp(key, "items", 5)) {
		pg->items = v;
		pg->itemslen = vlen;
	}
	return true;
}

struct decoding {
	struct kwatch *w;
	size_t skipped;
};

static bool page_item(void *arg, const char *v, size_t vlen)
{
	struct decoding *d = arg;
	struct jnode *obj = jdoc_parse(v, vlen, NULL, 0);
	if (obj && obj->type == JN_OBJECT)
		took(d->w, obj);
	else
		d->skipped++;
	jdoc_free(obj);
	return true;
}

static void on_page(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct kwatch *w = c->ctx;
	struct kube *k = w->k;
	char err[ERRLEN];
	w->call = NULL;
	listguard_back(&w->listing);
	if (res->status == 410) {
		/* the continue token expired: list from the start, in turn */
		retry_later(w, "the list's continue token expired", res, true);
		return;
	}
	if (!kube_ok(res)) {
		kube_result_error(k, res, NULL, err, sizeof(err));
		if (res->status == 401) {
			set_error(w, err);
			kube_unauthorized(k, err);
			return;
		}
		/* a list cut off half-way starts again from its first page */
		retry_later(w, err, res, true);
		return;
	}
	/* checked whole before the next page is asked for or a row changes, so
	 * a page that cannot be read leaves no second list running. The fast
	 * way reads the page at once (jdoc); one that does not parse whole (an
	 * item nested too deep, or malformed) is split into its items and those
	 * read one by one, the unreadable ones skipped. A server table is one
	 * document: read whole or not at all. */
	struct jnode *root = jdoc_parse(res->body, res->len, NULL, 0);
	const struct jnode *items = jn_arr(root, "items"), *rows = w->res->table ? jn_arr(root, "rows") : NULL;
	struct page pg = {0};
	long n = -1;
	if (items || rows) {
		n = (long)jn_len(items ? items : rows);
	} else {
		jdoc_free(root);
		root = NULL;
		if (!w->res->table && jsonscan_object(res->body, res->len, page_member, &pg) == 0 && pg.items)
			n = jsonscan_array(pg.items, pg.itemslen, NULL, NULL);
	}
	if (n < 0) {
		retry_later(w, "the API server sent a list that is not a Kubernetes list", res, true);
		return;
	}
	if (n > LIMIT_PAGE_ITEMS) {
		snprintf(err, sizeof(err),
			 "the API server sent %ld %s in one page though %d were asked; binnacle takes at most %d", n,
			 w->res->kind, PAGE_SIZE, LIMIT_PAGE_ITEMS);
		jdoc_free(root);
		retry_later(w, err, res, true);
		return;
	}
	json_object *meta = !root && pg.meta ? jsonscan_parse(pg.meta, pg.metalen, LIMIT_JSON_DEPTH) : NULL;
	const struct jnode *jmeta = jn_obj(root, "metadata");
	const char *cont = root ? jn_str(jmeta, "continue") : jsonget_str(meta, "continue");
	const char *rv = root ? jn_str(jmeta, "resourceVersion") : jsonget_str(meta, "resourceVersion");
	if (rv)
		snprintf(w->ws.rv, sizeof(w->ws.rv), "%s", rv);
	bool more = cont && *cont;
	/* ask for the next page first, so the server works while this one is decoded */
	if (more)
		list_page(w, cont);
	json_object_put(meta);
	struct rtable *t = table(w);
	if (w->first_page) {
		rtable_relist_begin(t);
		w->first_page = false;
	}
	struct decoding d = {w, 0};
	if (root && w->res->table)
		took(w, root);
	else if (root)
		for (const struct jnode *it = jn_first(items); it; it = jn_next(items, it))
			took(w, it);
	else
		jsonscan_array(pg.items, pg.itemslen, page_item, &d);
	jdoc_free(root); /* this page's nodes go before the next arrives */
	if (d.skipped) {
		w->skipped += d.skipped;
		log_msg("kube %s: %s: skipped %zu item(s) that cannot be read (%zu in all)", k->ep->name,
			w->res->kind, d.skipped, w->skipped);
		endpoint_note(k->ep, NOTE_WARN, "%s: skipped %zu of the %s the API server sent: nested too deep or not JSON",
			      k->ep->name, d.skipped, w->res->kind);
	}
	endpoint_ready(k->ep);
	set_error(w, "");
	if (more)
		return;
	rtable_relist_end(k->ep->store, t);
	/* once per list, not per page: trimming walks the whole heap */
	release_free_memory();
	if (!strcmp(w->table, kube_node_pods_table(k)) || !strcmp(w->table, KIND_NODES))
		kube_node_pods_listed(k);
	if (view_pods(w)) {
		if (k->want_containers)
			kube_decode_prune_containers(k->ep->store);
	}
	backoff_success(&w->backoff);
	if (w->res->watchable)
		watch_from(w);
	else
		w->state = W_IDLE; /* listed once: the server offers no watch of it */
}

/* The request of a list page or a watch: a table kind asks for tables. */
static struct kcall *get(struct kwatch *w, const char *path, long timeout_ms, http_done_fn done, http_data_fn stream)
{
	if (w->res->table)
		return kube_call_accept(w->k, KUBE_ACCEPT_TABLE, "GET", path, timeout_ms, done, stream, w);
	return kube_call(w->k, "GET", path, NULL, NULL, timeout_ms, done, stream, w);
}

static void list_page(struct kwatch *w, const char *cont)
{
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
	w->call = get(w, path.data, LIST_TIMEOUT_MS, on_page, NULL);
	listguard_out(&w->k->lists, &w->listing, w, "the list of %s", w->res->kind);
	buf_cleanup(&path);
}

/* ---- watch ---- */

/* One event of the stream; ws.rv already holds its version. Returns false
 * when the event ended this watch. */
static bool watch_event(void *arg, enum kube_watch_event type, const struct jnode *obj, int code, const char *msg)
{
	struct kwatch *w = arg;
	if (type == KW_ERROR) {
		log_msg("kube %s: %s watch error %d: %s", w->k->ep->name, w->res->kind, code, msg);
		/* 410 Gone: our version is too old, list again; anything else
		 * ends this watch too. Both wait their turn. Returning false ends
		 * the transfer, and on_watch_end sees the state. */
		if (code == 410)
			w->ws.rv[0] = '\0';
		else
			set_error(w, *msg ? msg : "the watch ended with an error");
		w->state = W_WAITING;
		timer_disarm(w->guard);
		timer_arm(w->retry, backoff_next(&w->backoff));
		return false;
	}
	if (type == KW_ADDED || type == KW_MODIFIED) {
		took(w, obj);
	} else if (type == KW_DELETED) {
		char id[512];
		if (w->res->table)
			kube_table_row_id(w->res, obj, id, sizeof(id));
		else
			kube_decode_row_id(w->res->kind, obj, id, sizeof(id));
		rtable_delete(w->k->ep->store, table(w), id);
		if (!w->query && !w->cluster_wide)
			kube_hpa_touched(w->k, w->table);
		if (view_pods(w) && w->k->want_containers)
			kube_decode_forget_pod(w->k->ep->store, id); /* its containers go with it */
	} else if (type == KW_BOOKMARK) {
		w->bookmarks = true; /* only the version moves; nothing to show */
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
	w->heard_ms = mono_ms();
	/* data flowing again (events or bookmarks) means the server is back */
	if (w->k->ep->error[0])
		endpoint_ready(w->k->ep);
	if (table(w)->error[0])
		set_error(w, "");
	backoff_success(&w->backoff);
	size_t bad = w->ws.malformed;
	bool go = kube_watch_stream_feed(&w->ws, data, len, watch_event, w);
	if (w->ws.malformed != bad)
		log_msg("kube %s: %s: skipped %zu malformed watch line(s) (%zu in all)", w->k->ep->name, w->res->kind,
			w->ws.malformed - bad, w->ws.malformed);
	if (w->ws.too_long && w->state == W_WATCHING) {
		char why[ERRLEN];
		snprintf(why, sizeof(why), "the watch of %s sent a line longer than %u MiB", w->res->kind,
			 LIMIT_WATCH_LINE >> 20);
		set_error(w, why);
		w->state = W_WAITING;
		timer_disarm(w->guard);
		timer_arm(w->retry, backoff_next(&w->backoff));
	}
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
	timer_disarm(w->guard);
	int64_t lived = mono_ms() - w->started_ms;
	if (res->status == 410) {
		retry_later(w, "the watch's resourceVersion expired", res, true);
	} else if (kube_ok(res) || (res->error && lived >= WATCH_DEADLINE_MS - 1000)) {
		/* the server's timeout (or our own deadline past it): carry on from
		 * the last version seen, at once when the watch lived a while */
		if (lived >= WATCH_MIN_LIFE_MS) {
			watch_from(w);
		} else {
			snprintf(err, sizeof(err), "the API server ended the watch of %s after %lld s", w->res->kind,
				 (long long)(lived / 1000));
			retry_later(w, err, res, false);
		}
	} else {
		kube_result_error(w->k, res, NULL, err, sizeof(err));
		if (res->status == 401) {
			set_error(w, err);
			kube_unauthorized(w->k, err);
			return;
		}
		/* the server refused this version (too large after a restart, or any
		 * other error): like client-go's reflector, list again next time;
		 * only a broken connection resumes from the same version */
		retry_later(w, err, res, !res->error);
	}
}

static void watch_from(struct kwatch *w)
{
	struct buf path;
	buf_init(&path);
	start_path(w, &path, "watch=1");
	char *e = http_escape(w->ws.rv, strlen(w->ws.rv));
	buf_printf(&path, "&resourceVersion=%s&allowWatchBookmarks=true&timeoutSeconds=%d", e, WATCH_TIMEOUT_S);
	free(e);
	w->state = W_WATCHING;
	w->started_ms = w->heard_ms = mono_ms();
	kube_watch_stream_reset(&w->ws);
	w->call = get(w, path.data, WATCH_DEADLINE_MS, on_watch_end, on_watch_data);
	timer_arm(w->guard, liveness_time(LIVENESS_SILENT, BOOKMARK_EXPECT_MS));
	buf_cleanup(&path);
}

/* ---- life cycle ---- */

static void stop(struct kwatch *w)
{
	kube_call_cancel(w->call);
	w->call = NULL;
	timer_disarm(w->retry);
	timer_disarm(w->guard);
	listguard_back(&w->listing);
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
		w->guard = timer_new(on_guard, w);
		kube_watch_stream_init(&w->ws);
		w->next = k->watches;
		k->watches = w;
		table(w);
	}
	/* (a kind the server offers no watch of lists again each time it is shown) */
	if (k->phase == K_LIVE && w->state == W_IDLE) {
		if (r->listable)
			list_page(w, NULL);
		else
			set_error(w, "the API server offers no list of it");
	}
}

void kube_watch_start(struct kube *k, const char *kind)
{
	const struct kres *r = kube_res(k, kind);
	if (r)
		begin(k, r, r->kind, NULL, false);
	else
		kube_disc_want(k, kind); /* followed once discovery finds it */
}

void kube_watch_feed(struct kube *k, const struct kube_health_feed *f)
{
	const struct kres *r = kube_res(k, f->kind);
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
		if (k->phase == K_LIVE && w->res->listable)
			list_page(w, NULL);
	}
}

void kube_watch_retry_now(struct kube *k)
{
	for (struct kwatch *w = k->watches; w; w = w->next) {
		/* every series starts over, also of a watch that is running now:
		 * the user says the trouble is over, so its next failure (a 410
		 * a moment from now) waits the shortest, not the outage's step */
		backoff_healthy(&w->backoff);
		if (w->state != W_WAITING && !table(w)->error[0])
			continue;
		/* a list cut off half-way starts again from its first page */
		if (w->state == W_LISTING)
			w->ws.rv[0] = '\0';
		stop(w);
		if (k->phase == K_LIVE)
			on_retry(w);
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
		timer_free(w->guard);
		kube_watch_stream_cleanup(&w->ws);
		free(w->selector);
		free(w);
	}
}

void kube_watch_select(struct kube *k, const char *kind, const char *selector)
{
	struct kwatch *w = find(k, kind);
	if (!w || w->query || w->cluster_wide)
		return;
	if ((!selector && !w->selector) || (selector && w->selector && !strcmp(selector, w->selector)))
		return;
	free(w->selector);
	w->selector = selector && *selector ? xstrdup(selector) : NULL;
	log_msg("kube %s: %s listed again with labelSelector %s", k->ep->name, kind,
		w->selector ? w->selector : "(none)");
	/* a new list: the rows it does not name are swept */
	stop(w);
	w->ws.rv[0] = '\0';
	backoff_healthy(&w->backoff);
	set_error(w, "");
	if (k->phase == K_LIVE && w->res->listable)
		list_page(w, NULL);
}

void kube_watch_pod_seen(struct kube *k, const struct jnode *pod)
{
	if (k->want_containers)
		kube_decode_pod_containers(k->ep->store, pod);
}
