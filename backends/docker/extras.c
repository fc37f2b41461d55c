/* extras.c: what lazydocker shows besides containers and images: volumes
 * and networks (with the containers that use them, from the containers'
 * own mounts and networks, which Docker and Podman both report), the
 * compose projects their containers' labels group them into, and what a
 * prune would remove. Decoders are pure: store in, store out. */
#include "backends/codec/jsonget.h"
#include "backends/docker/internal.h"
#include "backends/docker/kinds.h"
#include "backends/model/kinds.h"
#include "backends/util/log.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- who uses what ---- */

struct users {
	char *key;      /* a volume's or network's name (or id) */
	struct buf names;
	size_t n;
};

struct usage {
	struct users *u;
	size_t n;
};

static struct users *users_of(struct usage *g, const char *key)
{
	for (size_t i = 0; i < g->n; i++)
		if (!strcmp(g->u[i].key, key))
			return &g->u[i];
	g->u = xrealloc(g->u, (g->n + 1) * sizeof(*g->u));
	struct users *u = &g->u[g->n++];
	u->key = xstrdup(key);
	buf_init(&u->names);
	u->n = 0;
	return u;
}

static void usage_free(struct usage *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->u[i].key);
		buf_cleanup(&g->u[i].names);
	}
	free(g->u);
}

static void add_user(struct usage *g, const char *key, const char *container)
{
	if (!key || !*key)
		return;
	struct users *u = users_of(g, key);
	buf_printf(&u->names, "%s%s", u->n ? "," : "", container);
	u->n++;
}

/* From a GET /containers/json?all=1 body: which volumes (mode 'v') or
 * networks ('n') each container uses. */
static void usage_from(const char *containers, size_t len, char mode, struct usage *g)
{
	json_object *list = containers ? json_tokener_parse(containers) : NULL;
	(void)len;
	for (size_t i = 0; i < jsonget_len(list); i++) {
		json_object *c = jsonget_idx(list, i);
		const char *name = json_object_get_string(jsonget_idx(jsonget_arr(c, "Names"), 0));
		name = name ? name + (*name == '/') : "";
		if (mode == 'v') {
			json_object *mounts = jsonget_arr(c, "Mounts");
			for (size_t m = 0; m < jsonget_len(mounts); m++) {
				json_object *mt = jsonget_idx(mounts, m);
				const char *type = jsonget_str(mt, "Type");
				if (!type || !strcmp(type, "volume"))
					add_user(g, jsonget_str(mt, "Name"), name);
			}
		} else {
			json_object *nets = jsonget_obj(jsonget_obj(c, "NetworkSettings"), "Networks");
			if (json_object_is_type(nets, json_type_object)) {
				json_object_object_foreach(nets, net, v) {
					add_user(g, net, name);
					/* a network is also named by its id */
					add_user(g, jsonget_str(v, "NetworkID"), name);
				}
			}
		}
	}
	json_object_put(list);
}

static void set_used(struct store *s, struct rtable *t, struct row *r, int used_cell, int users_cell,
		     struct usage *g, const char *key, const char *other_key)
{
	struct users *u = NULL;
	for (size_t i = 0; i < g->n && !u; i++)
		if (!strcmp(g->u[i].key, key) || (other_key && !strcmp(g->u[i].key, other_key)))
			u = &g->u[i];
	char text[48];
	snprintf(text, sizeof(text), u ? "yes (%zu)" : "no", u ? u->n : (size_t)0);
	row_set_num(s, t, r, used_cell, CELL_INT, u ? (int64_t)u->n : 0, text);
	row_set_text_or_clear(s, t, r, users_cell, u ? u->names.data : NULL);
}

int docker_decode_volumes(struct store *s, const char *json, size_t len, const char *containers, size_t clen,
			  char *err, size_t errlen)
{
	json_object *root = json ? json_tokener_parse(json) : NULL;
	(void)len;
	json_object *vols = jsonget_arr(root, "Volumes");
	if (!root || (!vols && !json_object_is_type(jsonget_field(root, "Volumes"), json_type_null))) {
		json_object_put(root);
		return set_err(err, errlen, "the engine sent a volume list that is not one");
	}
	struct usage g = {0};
	usage_from(containers, clen, 'v', &g);
	struct rtable *t = store_table(s, KIND_VOLUMES, VOL_NCELLS);
	rtable_relist_begin(t);
	for (size_t i = 0; i < jsonget_len(vols); i++) {
		json_object *v = jsonget_idx(vols, i);
		const char *name = jsonget_str(v, "Name");
		if (!name || !*name)
			continue;
		struct row *r = rtable_upsert(s, t, name);
		row_set_text(s, t, r, VOL_NAME, name);
		row_set_text_or_clear(s, t, r, VOL_DRIVER, jsonget_str(v, "Driver"));
		row_set_text_or_clear(s, t, r, VOL_SCOPE, jsonget_str(v, "Scope"));
		row_set_text_or_clear(s, t, r, VOL_MOUNTPOINT, jsonget_str(v, "Mountpoint"));
		int64_t created = 0;
		if (jsonget_time(v, "CreatedAt", JSONGET_RFC3339_OR_UNIX, &created))
			row_set_num(s, t, r, VOL_CREATED, CELL_TIME, created, NULL);
		char *labels = jsonget_map_text(jsonget_obj(v, "Labels"), JSONGET_ANY_AS_JSON);
		row_set_text_or_clear(s, t, r, VOL_LABELS, labels);
		free(labels);
		set_used(s, t, r, VOL_USED, VOL_USERS, &g, name, NULL);
	}
	rtable_relist_end(s, t);
	usage_free(&g);
	json_object_put(root);
	return 0;
}

int docker_decode_networks(struct store *s, const char *json, size_t len, const char *containers, size_t clen,
			   char *err, size_t errlen)
{
	json_object *list = json ? json_tokener_parse(json) : NULL;
	(void)len;
	if (!json_object_is_type(list, json_type_array) && !json_object_is_type(list, json_type_null)) {
		json_object_put(list);
		return set_err(err, errlen, "the engine sent a network list that is not one");
	}
	struct usage g = {0};
	usage_from(containers, clen, 'n', &g);
	struct rtable *t = store_table(s, KIND_NETWORKS, NET_NCELLS);
	rtable_relist_begin(t);
	for (size_t i = 0; i < jsonget_len(list); i++) {
		json_object *n = jsonget_idx(list, i);
		const char *name = jsonget_str(n, "Name"), *id = jsonget_str(n, "Id");
		if (!name || !*name)
			continue;
		struct row *r = rtable_upsert(s, t, id && *id ? id : name);
		row_set_text(s, t, r, NET_NAME, name);
		row_set_text_or_clear(s, t, r, NET_DRIVER, jsonget_str(n, "Driver"));
		row_set_text_or_clear(s, t, r, NET_SCOPE, jsonget_str(n, "Scope"));
		char shortid[13] = "";
		snprintf(shortid, sizeof(shortid), "%s", id ? id : "");
		row_set_text_or_clear(s, t, r, NET_ID, shortid);
		row_set_text_or_clear(s, t, r, NET_SUBNET,
				      jsonget_str(jsonget_idx(jsonget_arr(jsonget_obj(n, "IPAM"), "Config"), 0), "Subnet"));
		int64_t created = 0;
		if (jsonget_time(n, "Created", JSONGET_RFC3339_OR_UNIX, &created))
			row_set_num(s, t, r, NET_CREATED, CELL_TIME, created, NULL);
		/* Podman names its networks apart from what containers call them,
		 * but lists who is attached with each network: that wins */
		json_object *attached = jsonget_obj(n, "Containers");
		if (attached && json_object_object_length(attached)) {
			struct usage own = {0};
			json_object_object_foreach(attached, cid, info) {
				const char *cname = jsonget_str(info, "Name");
				add_user(&own, name, cname && *cname ? cname : cid);
			}
			set_used(s, t, r, NET_USED, NET_USERS, &own, name, NULL);
			usage_free(&own);
		} else {
			set_used(s, t, r, NET_USED, NET_USERS, &g, name, id);
		}
	}
	rtable_relist_end(s, t);
	usage_free(&g);
	json_object_put(list);
	return 0;
}

/* ---- compose projects, from the containers' labels ---- */

/* The value of label key in "k=v,k=v" text, into out ("" when absent). */
static void label_value(const char *labels, const char *key, char *out, size_t outlen)
{
	size_t kl = strlen(key);
	out[0] = '\0';
	for (const char *p = labels; p && *p;) {
		size_t n = strcspn(p, ",");
		if (n > kl && !strncmp(p, key, kl) && p[kl] == '=') {
			snprintf(out, outlen, "%.*s", (int)(n - kl - 1), p + kl + 1);
			return;
		}
		p += n + (p[n] == ',');
	}
}

static void add_word(struct buf *b, const char *word)
{
	if (!*word)
		return;
	for (const char *p = b->data; p && *p;) {
		size_t n = strcspn(p, ",");
		if (n == strlen(word) && !strncmp(p, word, n))
			return;
		p += n + (p[n] == ',');
	}
	buf_printf(b, "%s%s", b->len ? "," : "", word);
}

void docker_projects_refresh(struct store *s)
{
	struct rtable *c = store_find_table(s, KIND_CONTAINERS);
	struct rtable *t = store_table(s, KIND_PROJECTS, PRJ_NCELLS);
	if (!c || !c->synced)
		return;
	struct project {
		char name[256];
		size_t total, running;
		struct buf services;
		char config[512], dir[512];
		int64_t created;
	} *p = NULL;
	size_t np = 0;
	for (size_t i = 0; i < c->len; i++) {
		struct row *r = c->rows[i];
		char name[256], svc[256];
		if (r->gone_ms)
			continue;
		label_value(row_text(r, CTR_LABELS), COMPOSE_PROJECT_LABEL, name, sizeof(name));
		if (!name[0])
			continue;
		size_t k = 0;
		while (k < np && strcmp(p[k].name, name))
			k++;
		if (k == np) {
			p = xrealloc(p, (np + 1) * sizeof(*p));
			memset(&p[np], 0, sizeof(*p));
			snprintf(p[np].name, sizeof(p[np].name), "%s", name);
			buf_init(&p[np].services);
			np++;
		}
		p[k].total++;
		p[k].running += !strcmp(row_text(r, CTR_STATE), "running");
		label_value(row_text(r, CTR_LABELS), "com.docker.compose.service", svc, sizeof(svc));
		add_word(&p[k].services, svc);
		if (!p[k].config[0])
			label_value(row_text(r, CTR_LABELS), "com.docker.compose.project.config_files", p[k].config,
				    sizeof(p[k].config));
		if (!p[k].dir[0])
			label_value(row_text(r, CTR_LABELS), "com.docker.compose.project.working_dir", p[k].dir,
				    sizeof(p[k].dir));
		int64_t created = r->cells[CTR_CREATED].num;
		if (created && (!p[k].created || created < p[k].created))
			p[k].created = created;
	}
	rtable_relist_begin(t);
	for (size_t k = 0; k < np; k++) {
		struct row *r = rtable_upsert(s, t, p[k].name);
		char status[64], sel[400];
		snprintf(status, sizeof(status), "%s %zu/%zu",
			 p[k].running == p[k].total ? "running" : p[k].running ? "partly running" : "stopped",
			 p[k].running, p[k].total);
		snprintf(sel, sizeof(sel), "%s=%s", COMPOSE_PROJECT_LABEL, p[k].name);
		row_set_text(s, t, r, PRJ_NAME, p[k].name);
		row_set_text(s, t, r, PRJ_STATUS, status);
		row_set_num(s, t, r, PRJ_RUNNING, CELL_INT, (int64_t)p[k].running, NULL);
		row_set_text_or_clear(s, t, r, PRJ_SERVICES, p[k].services.data);
		row_set_text_or_clear(s, t, r, PRJ_CONFIG, p[k].config);
		row_set_text_or_clear(s, t, r, PRJ_DIR, p[k].dir);
		row_set_text(s, t, r, PRJ_SELECTOR, sel);
		if (p[k].created)
			row_set_num(s, t, r, PRJ_CREATED, CELL_TIME, p[k].created, NULL);
		buf_cleanup(&p[k].services);
	}
	rtable_relist_end(s, t);
	free(p);
}

/* ---- listing ---- */

struct pair {
	struct docker *d;
	const char *kind;
	char *first;  /* the volumes or networks body, waiting for the containers */
	size_t first_len;
	char *containers;
	size_t containers_len;
	unsigned left;
	bool failed;
};

static void pair_done(struct pair *p)
{
	char err[ERRLEN];
	struct docker *d = p->d;
	if (!p->failed) {
		int rc = !strcmp(p->kind, KIND_VOLUMES)
				 ? docker_decode_volumes(d->ep->store, p->first, p->first_len, p->containers, p->containers_len,
							 err, sizeof(err))
				 : docker_decode_networks(d->ep->store, p->first, p->first_len, p->containers,
							  p->containers_len, err, sizeof(err));
		struct rtable *t = store_find_table(d->ep->store, p->kind);
		if (t)
			rtable_set_error(d->ep->store, t, rc < 0 ? err : "");
	}
	free(p->first);
	free(p->containers);
	free(p);
}

static void pair_cancel(struct call *c, const char *why)
{
	struct pair *p = c->ctx;
	(void)why;
	p->failed = true;
	if (!--p->left)
		pair_done(p);
}

static void on_part(void *arg, const struct http_result *res)
{
	struct call *c = arg;
	struct pair *p = c->ctx;
	char err[ERRLEN];
	if (!docker_ok(res)) {
		docker_result_error(res, err, sizeof(err));
		struct rtable *t = store_find_table(p->d->ep->store, p->kind);
		if (t)
			rtable_set_error(p->d->ep->store, t, err);
		p->failed = true;
	} else if (c->id[0] == 'c') {
		p->containers = xstrndup(res->body, res->len);
		p->containers_len = res->len;
	} else {
		p->first = xstrndup(res->body, res->len);
		p->first_len = res->len;
	}
	if (!--p->left)
		pair_done(p);
}

void docker_extras_list(struct docker *d, const char *kind)
{
	if (!strcmp(kind, KIND_PROJECTS)) {
		docker_projects_refresh(d->ep->store);
		return;
	}
	struct pair *p = xcalloc(1, sizeof(*p));
	p->d = d;
	p->kind = !strcmp(kind, KIND_VOLUMES) ? KIND_VOLUMES : KIND_NETWORKS;
	p->left = 2;
	struct call *a = docker_call_new(d, "GET", !strcmp(p->kind, KIND_VOLUMES) ? "/volumes" : "/networks", 60000, on_part, "l");
	a->ctx = p;
	a->on_cancel = pair_cancel;
	struct call *b = docker_call_new(d, "GET", "/containers/json?all=1", 60000, on_part, "c");
	b->ctx = p;
	b->on_cancel = pair_cancel;
	docker_call_go(a);
	docker_call_go(b);
}

/* ---- what a prune would remove ---- */

static void list_rows(struct endpoint *ep, const char *kind, int cell, bool (*goes)(const struct row *r), char *out,
		      size_t outlen)
{
	struct rtable *t = store_find_table(ep->store, kind);
	size_t n = 0, used = 0;
	out[0] = '\0';
	for (size_t i = 0; t && i < t->len; i++) {
		const struct row *r = t->rows[i];
		if (r->gone_ms || !goes(r))
			continue;
		if (used + 80 < outlen)
			used += (size_t)snprintf(out + used, outlen - used, "%s%s", n ? ", " : "", row_text(r, cell));
		else if (used + 24 < outlen && !strstr(out, " and more"))
			used += (size_t)snprintf(out + used, outlen - used, " and more");
		n++;
	}
}

static bool stopped_container(const struct row *r)
{
	const char *st = row_text(r, CTR_STATE);
	return !strcmp(st, "exited") || !strcmp(st, "created") || !strcmp(st, "dead");
}

static bool dangling_image(const struct row *r)
{
	return !strcmp(row_text(r, IMG_NAME), "<none>:<none>") && r->cells[IMG_INUSE].num == 0;
}

static bool unused_volume(const struct row *r)
{
	return r->cells[VOL_USED].type != CELL_NONE && r->cells[VOL_USED].num == 0;
}

static bool unused_network(const struct row *r)
{
	/* the engines' own networks are never pruned */
	static const char *const builtin[] = {"bridge", "host", "none", "podman", NULL};
	for (const char *const *b = builtin; *b; b++)
		if (!strcmp(row_text(r, NET_NAME), *b))
			return false;
	return r->cells[NET_USED].type != CELL_NONE && r->cells[NET_USED].num == 0;
}

void docker_prune_preview(struct endpoint *ep, const char *kind, char *out, size_t outlen)
{
	if (!strcmp(kind, KIND_CONTAINERS))
		list_rows(ep, kind, CTR_NAME, stopped_container, out, outlen);
	else if (!strcmp(kind, KIND_IMAGES))
		list_rows(ep, kind, IMG_ID, dangling_image, out, outlen);
	else if (!strcmp(kind, KIND_VOLUMES))
		list_rows(ep, kind, VOL_NAME, unused_volume, out, outlen);
	else if (!strcmp(kind, KIND_NETWORKS))
		list_rows(ep, kind, NET_NAME, unused_network, out, outlen);
	else
		out[0] = '\0';
}
