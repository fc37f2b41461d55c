/* poll.c: how the ECS backend stays live without an event stream: rounds
 * of List and Describe calls, one list at a time per kind, the list on
 * screen every few seconds and the rest rarely (a minute), each round
 * describing only what is new, changing, on screen, or due for its full
 * refresh; the clusters round, which every other round builds on, is
 * here too (see poll.h). The request rate is the AWS client's to pace.
 * A round that fails, or whose call has been on the wire 15 s without an
 * answer (listguard.h), shows its list's rows stale until a round ends
 * well. */
#include "backends/ecs/poll.h"
#include "backends/codec/jsonget.h"
#include "backends/ecs/kinds.h"
#include "backends/util/log.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TICK_MAX_MS 1000

static const char *const list_kinds[EL_COUNT] = {KIND_ECS_CLUSTERS, KIND_ECS_SERVICES, KIND_ECS_TASKS, KIND_NODES,
						 KIND_ECS_TASKDEFS};
static const int list_cells[EL_COUNT] = {ECL_NCELLS, ESV_NCELLS, ETK_NCELLS, NODE_NCELLS, ETD_NCELLS};

enum ecs_list ecs_list_of(const char *kind)
{
	if (!strcmp(kind, KIND_CONTAINERS))
		return EL_TASKS;
	if (!strcmp(kind, KIND_ECS_EVENTS))
		return EL_SERVICES;
	for (int l = 0; l < EL_COUNT; l++)
		if (!strcmp(kind, list_kinds[l]))
			return (enum ecs_list)l;
	return EL_COUNT;
}

/* The tables a list's rounds fill: its own, and the kinds it feeds when
 * they are followed (containers come with the tasks, events with the
 * services). Returns how many, into out[3]. */
static size_t list_tables(struct ecs *e, enum ecs_list l, struct rtable **out)
{
	struct store *s = e->ep->store;
	size_t n = 0;
	out[n++] = store_table(s, list_kinds[l], list_cells[l]);
	if (l == EL_TASKS && e->want_containers)
		out[n++] = store_table(s, KIND_CONTAINERS, CTR_NCELLS);
	if (l == EL_SERVICES && e->want_events)
		out[n++] = store_table(s, KIND_ECS_EVENTS, EEV_NCELLS);
	return n;
}

/* Why list l is not live ("" = it is), on every table it fills; slow: only
 * tables listed before (the rows an unanswered call would replace). */
static void list_error(struct ecs *e, enum ecs_list l, const char *why, bool slow)
{
	struct rtable *t[3];
	size_t n = list_tables(e, l, t);
	for (size_t i = 0; i < n; i++) {
		if (slow)
			listguard_mark(e->ep->store, t[i], why);
		else
			rtable_set_error(e->ep->store, t[i], why);
	}
}

bool ecs_visible(const struct ecs *e, const char *id)
{
	return strset_has(&e->visible, id);
}

size_t ecs_scope_clusters(struct ecs *e, const char ***names)
{
	size_t n = e->cluster ? 1 : e->nclusters;
	*names = xcalloc(n + 1, sizeof(**names));
	if (e->cluster)
		(*names)[0] = e->cluster;
	else
		for (size_t i = 0; i < e->nclusters; i++)
			(*names)[i] = e->clusters[i].name;
	return n;
}

char *ecs_json_str(const char *s)
{
	json_object *o = json_object_new_string(s ? s : "");
	char *out = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return out;
}

char *ecs_json_array(char *const *items, size_t n)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(items[i]));
	char *out = xstrdup(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(a);
	return out;
}

const char *ecs_next_token(const struct aws_response *r)
{
	const char *t = jsonget_str(r->json, "nextToken");
	return t && *t ? t : NULL;
}

/* ---- round calls ---- */

static void round_end(struct ecs_round *r);
static void clusters_end(struct ecs *e, struct ecs_round *r, bool current);

static void on_rcall(void *arg, const struct aws_response *resp)
{
	struct rcall *rc = arg;
	struct ecs_round *r = rc->round;
	rc->call = NULL;
	listguard_back(&rc->lg);
	for (struct rcall **p = &r->calls; *p; p = &(*p)->next)
		if (*p == rc) {
			*p = rc->next;
			break;
		}
	r->outstanding++; /* held while the answer is read: the round may send more */
	if (r->gen == r->e->scope_gen)
		rc->done(rc, resp);
	free(rc);
	r->outstanding -= 2;
	if (r->outstanding == 0)
		round_end(r);
}

static void on_wire(void *arg, bool out)
{
	struct rcall *rc = arg;
	if (!out) {
		listguard_back(&rc->lg);
		return;
	}
	if (rc->cluster[0])
		listguard_out(&rc->round->e->lists, &rc->lg, rc, "%s of cluster %s", rc->op, rc->cluster);
	else
		listguard_out(&rc->round->e->lists, &rc->lg, rc, "%s", rc->op);
}

void ecs_poll_slow(void *owner, void *ctx, const char *why)
{
	struct ecs *e = owner;
	struct rcall *rc = ctx;
	struct ecs_round *r = rc->round;
	if (r->gen != e->scope_gen || e->phase != EP_LIVE)
		return;
	log_msg("ecs %s: %s round: %s", e->ep->name, list_kinds[r->list], why);
	list_error(e, r->list, why, true);
}

struct rcall *ecs_rcall(struct ecs_round *r, const char *cluster, int stage, const char *op, const char *body,
			rcall_fn done)
{
	/* a round the endpoint gave up on (failure, new scope) sends nothing more */
	if (r->gen != r->e->scope_gen || r->e->phase != EP_LIVE)
		return NULL;
	struct rcall *rc = xcalloc(1, sizeof(*rc));
	rc->round = r;
	rc->done = done;
	rc->stage = stage;
	snprintf(rc->cluster, sizeof(rc->cluster), "%s", cluster ? cluster : "");
	snprintf(rc->op, sizeof(rc->op), "%s", op);
	rc->next = r->calls;
	r->calls = rc;
	r->outstanding++;
	rc->call = aws_call_json(r->e->aws, &aws_svc_ecs, op, body, 0, on_rcall, rc);
	aws_call_on_wire(rc->call, on_wire, rc);
	return rc;
}

void ecs_rcall_failed(struct rcall *rc, const struct aws_response *resp)
{
	struct ecs_round *r = rc->round;
	/* a cluster deleted while the round ran is not a failure of the endpoint */
	if (resp->code && !strcmp(resp->code, "ClusterNotFoundException"))
		return;
	r->failed = true;
	snprintf(r->error, sizeof(r->error), "%s", resp->error ? resp->error : "the request failed");
	if (resp->auth || !resp->status)
		ecs_fail(r->e, resp);
}

/* ---- a round's life ---- */

static struct ecs_round *round_new(struct ecs *e, enum ecs_list l)
{
	struct ecs_round *r = xcalloc(1, sizeof(*r));
	r->e = e;
	r->list = l;
	r->gen = e->scope_gen;
	int64_t now = mono_ms();
	r->full = e->force_full[l] || !e->ever_listed[l] || now - e->last_full[l] >= e->cold_ms;
	e->force_full[l] = false;
	strset_init(&r->listed);
	const char **names;
	r->nclusters = ecs_scope_clusters(e, &names);
	r->clusters = xcalloc(r->nclusters + 1, sizeof(*r->clusters));
	for (size_t i = 0; i < r->nclusters; i++)
		r->clusters[i] = xstrdup(names[i]);
	free(names);
	return r;
}

static void round_free(struct ecs_round *r)
{
	while (r->calls) {
		struct rcall *rc = r->calls;
		r->calls = rc->next;
		aws_call_cancel(rc->call);
		listguard_back(&rc->lg);
		free(rc);
	}
	for (size_t i = 0; i < r->nclusters; i++)
		free((char *)r->clusters[i]);
	free(r->clusters);
	for (size_t i = 0; i < r->npending; i++)
		free(r->pending[i]);
	free(r->pending);
	strset_cleanup(&r->listed);
	free(r);
}

static void arm_tick(struct ecs *e);

/* Rows nothing listed are dropped; the table is synced. */
static void relist(struct ecs *e, const char *kind, int ncells, const struct strset *listed)
{
	struct store *s = e->ep->store;
	struct rtable *t = store_table(s, kind, ncells);
	rtable_relist_begin(t);
	for (size_t i = 0; i < t->len; i++) {
		struct row *row = t->rows[i];
		if (!row->gone_ms && strset_has(listed, row->id))
			rtable_upsert(s, t, row->id);
	}
	rtable_relist_end(s, t);
	t->updated_ms = mono_ms();
}

static void round_end(struct ecs_round *r)
{
	struct ecs *e = r->e;
	enum ecs_list l = r->list;
	int64_t now = mono_ms();
	e->round[l] = NULL;
	bool current = r->gen == e->scope_gen && e->phase == EP_LIVE;
	if (current) {
		if (r->failed) {
			list_error(e, l, r->error, false);
		} else {
			relist(e, list_kinds[l], list_cells[l], &r->listed);
			if (l == EL_SERVICES && e->want_events) {
				struct rtable *ev = store_table(e->ep->store, KIND_ECS_EVENTS, EEV_NCELLS);
				ev->synced = true;
			}
			if (l == EL_TASKS)
				ecs_round_tasks_end(r);
			if (l == EL_NODES)
				ecs_round_nodes_end(r);
			list_error(e, l, "", false);
			e->ever_listed[l] = true;
			if (r->full)
				e->last_full[l] = now;
		}
		log_msg("ecs %s: %s round done (%s, %zu listed%s)", e->ep->name, list_kinds[l], r->full ? "full" : "changes",
			r->listed.len, r->failed ? ", failed" : "");
	}
	if (l == EL_CLUSTERS)
		clusters_end(e, r, current);
	if (l == EL_TASKDEFS && e->taskdef_extras) {
		/* the task definitions on screen are described, or another round comes */
		bool pending = false;
		struct rtable *t = store_find_table(e->ep->store, KIND_ECS_TASKDEFS);
		for (size_t i = 0; t && i < t->len && !pending; i++)
			pending = !t->rows[i]->gone_ms && !*row_text(t->rows[i], ETD_STATUS) && ecs_visible(e, t->rows[i]->id);
		if (!pending || !current) {
			e->taskdef_extras = false;
			if (e->ep->extras_pending)
				e->ep->extras_pending--;
		} else {
			e->force_full[l] = false;
			e->due[l] = 0;
			round_free(r);
			arm_tick(e);
			return;
		}
	}
	int64_t pace = l == e->hot ? e->hot_ms : e->cold_ms;
	if (current && r->failed) {
		/* a struggling control plane is not asked at the polling pace */
		int64_t wait = backoff_next(&e->round_backoff[l]);
		if (wait > pace)
			pace = wait;
		log_msg("ecs %s: %s round failed; again in %lld ms", e->ep->name, list_kinds[l], (long long)pace);
	} else if (current) {
		backoff_success(&e->round_backoff[l]);
	}
	e->due[l] = now + pace;
	round_free(r);
	arm_tick(e);
}

/* ---- clusters ---- */

struct clusters_ctx {
	char **names;
	size_t n;
	struct ecs_cluster_info *infos;
	size_t ninfos;
};

static struct clusters_ctx *cctx(struct ecs_round *r)
{
	return (struct clusters_ctx *)r->pending; /* the clusters round keeps its context there */
}

static void on_describe_clusters(struct rcall *rc, const struct aws_response *resp)
{
	struct ecs_round *r = rc->round;
	struct ecs *e = r->e;
	struct clusters_ctx *x = cctx(r);
	if (resp->error) {
		ecs_rcall_failed(rc, resp);
		return;
	}
	json_object *cs = jsonget_arr(resp->json, "clusters");
	for (size_t i = 0; i < jsonget_len(cs); i++) {
		struct ecs_cluster_info info;
		json_object *c = jsonget_idx(cs, i);
		if (!ecs_decode_cluster(e->ep->store, c, &info))
			continue;
		strset_add(&r->listed, info.name);
		x->infos = xrealloc(x->infos, (x->ninfos + 1) * sizeof(*x->infos));
		x->infos[x->ninfos++] = info;
		if (!e->account[0]) {
			/* arn:aws:ecs:REGION:ACCOUNT:cluster/NAME */
			const char *arn = jsonget_str(c, "clusterArn"), *p = arn;
			for (int k = 0; p && k < 4; k++)
				p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL;
			if (p)
				snprintf(e->account, sizeof(e->account), "%.*s", (int)strcspn(p, ":"), p);
		}
	}
}

static void describe_clusters(struct ecs_round *r)
{
	struct clusters_ctx *x = cctx(r);
	for (size_t i = 0; i < x->n; i += 100) {
		size_t n = x->n - i < 100 ? x->n - i : 100;
		char *arr = ecs_json_array(x->names + i, n);
		char *body = xasprintf("{\"clusters\":%s,\"include\":[\"STATISTICS\"]}", arr);
		ecs_rcall(r, NULL, 0, "DescribeClusters", body, on_describe_clusters);
		free(arr);
		free(body);
	}
}

static void list_clusters(struct ecs_round *r, const char *token);

static void on_list_clusters(struct rcall *rc, const struct aws_response *resp)
{
	struct ecs_round *r = rc->round;
	struct clusters_ctx *x = cctx(r);
	if (resp->error) {
		ecs_rcall_failed(rc, resp);
		return;
	}
	json_object *arns = jsonget_arr(resp->json, "clusterArns");
	for (size_t i = 0; i < jsonget_len(arns); i++) {
		const char *arn = json_object_get_string(jsonget_idx(arns, i));
		x->names = xrealloc(x->names, (x->n + 1) * sizeof(*x->names));
		x->names[x->n++] = xstrdup(arn);
	}
	/* a short page does not mean the last one: only the token does */
	const char *token = ecs_next_token(resp);
	if (token)
		list_clusters(r, token);
	else
		describe_clusters(r);
}

static void list_clusters(struct ecs_round *r, const char *token)
{
	char *tok = token ? ecs_json_str(token) : NULL;
	char *body = tok ? xasprintf("{\"maxResults\":100,\"nextToken\":%s}", tok) : xstrdup("{\"maxResults\":100}");
	ecs_rcall(r, NULL, 0, "ListClusters", body, on_list_clusters);
	free(tok);
	free(body);
}

/* At the clusters round's end its findings become the endpoint's. */
static void clusters_end(struct ecs *e, struct ecs_round *r, bool current)
{
	struct clusters_ctx *x = cctx(r);
	if (!x)
		return;
	if (!r->failed && current) {
		free(e->clusters);
		e->clusters = x->infos;
		e->nclusters = x->ninfos;
		x->infos = NULL;
		bool first = !e->clusters_known;
		e->clusters_known = true;
		if (first) {
			ecs_live(e);
			/* the other lists waited for the clusters */
			for (int l = 0; l < EL_COUNT; l++)
				e->due[l] = 0;
		}
		if (e->ep->state != EP_READY)
			ecs_live(e);
	}
	for (size_t i = 0; i < x->n; i++)
		free(x->names[i]);
	free(x->names);
	free(x->infos);
	free(x);
	r->pending = NULL;
}

/* ---- scheduling ---- */

static void start_round(struct ecs *e, enum ecs_list l)
{
	struct ecs_round *r = round_new(e, l);
	e->round[l] = r;
	/* held until the first calls are out, so an answer in between cannot end it */
	r->outstanding++;
	switch (l) {
	case EL_CLUSTERS:
		r->pending = (char **)xcalloc(1, sizeof(struct clusters_ctx));
		list_clusters(r, NULL);
		break;
	case EL_SERVICES:
		ecs_round_services(r);
		break;
	case EL_TASKS:
		ecs_round_tasks(r);
		break;
	case EL_NODES:
		ecs_round_nodes(r);
		break;
	case EL_TASKDEFS:
		ecs_round_taskdefs(r);
		break;
	default:
		break;
	}
	if (--r->outstanding == 0)
		round_end(r);
}

static bool any_instances(struct ecs *e)
{
	for (size_t i = 0; i < e->nclusters; i++)
		if ((!e->cluster || !strcmp(e->cluster, e->clusters[i].name)) && e->clusters[i].instances > 0)
			return true;
	return false;
}

static void tick(void *arg)
{
	struct ecs *e = arg;
	if (e->phase != EP_LIVE)
		return;
	int64_t now = mono_ms();
	for (int l = 0; l < EL_COUNT; l++) {
		bool wanted = e->want[l] || l == EL_CLUSTERS;
		if (!wanted || e->round[l] || now < e->due[l])
			continue;
		if (l != EL_CLUSTERS && !e->clusters_known)
			continue;
		/* tasks name their EC2 instance: know the instances first */
		if (l == EL_TASKS && e->want[EL_NODES] && !e->ever_listed[EL_NODES] && any_instances(e))
			continue;
		start_round(e, (enum ecs_list)l);
		if (e->phase != EP_LIVE) /* it failed at once */
			return;
	}
	arm_tick(e);
}

static void arm_tick(struct ecs *e)
{
	if (e->phase != EP_LIVE)
		return;
	int64_t now = mono_ms(), next = TICK_MAX_MS;
	for (int l = 0; l < EL_COUNT; l++) {
		bool wanted = e->want[l] || l == EL_CLUSTERS;
		/* the other lists wait for the clusters: the end of that round ticks */
		if (!wanted || e->round[l] || (l != EL_CLUSTERS && !e->clusters_known))
			continue;
		if (l == EL_TASKS && e->want[EL_NODES] && !e->ever_listed[EL_NODES] && any_instances(e))
			continue; /* the end of the instances round ticks */
		int64_t wait = e->due[l] - now;
		if (wait < next)
			next = wait < 0 ? 0 : wait;
	}
	timer_arm(e->tick, next);
}

void ecs_poll_start(struct ecs *e)
{
	if (!e->tick)
		e->tick = timer_new(tick, e);
	timer_arm(e->tick, 0);
}

void ecs_poll_stop(struct ecs *e)
{
	for (int l = 0; l < EL_COUNT; l++)
		if (e->round[l]) {
			struct ecs_round *r = e->round[l];
			e->round[l] = NULL;
			if (l == EL_CLUSTERS)
				clusters_end(e, r, false);
			round_free(r);
		}
	timer_disarm(e->tick);
}

void ecs_poll_abort(struct ecs *e)
{
	/* answers still on their way are read by nobody: their round is over */
	e->scope_gen++;
	timer_disarm(e->tick);
	for (int l = 0; l < EL_COUNT; l++) {
		struct ecs_round *r = e->round[l];
		if (!r)
			continue;
		while (r->calls) {
			struct rcall *rc = r->calls;
			r->calls = rc->next;
			aws_call_cancel(rc->call);
			listguard_back(&rc->lg);
			free(rc);
			r->outstanding--;
		}
		/* the round whose answer is being read holds itself until it returns */
		if (r->outstanding == 0)
			round_end(r);
	}
}

void ecs_poll_soon(struct ecs *e, enum ecs_list l, bool full)
{
	if (l >= EL_COUNT)
		return;
	if (full)
		e->force_full[l] = true;
	e->due[l] = 0;
	if (e->phase == EP_LIVE && !e->round[l])
		timer_arm(e->tick, 0);
}

void ecs_poll_scope_changed(struct ecs *e)
{
	e->scope_gen++;
	/* rows of other clusters go from the scoped kinds at once */
	static const struct {
		const char *kind;
		int cell;
	} scoped[] = {{KIND_ECS_SERVICES, ESV_CLUSTER}, {KIND_ECS_TASKS, ETK_CLUSTER}, {KIND_ECS_EVENTS, EEV_CLUSTER},
		      {KIND_NODES, -1}, {KIND_CONTAINERS, -1}};
	struct store *s = e->ep->store;
	for (size_t k = 0; k < sizeof(scoped) / sizeof(scoped[0]); k++) {
		struct rtable *t = store_find_table(s, scoped[k].kind);
		for (size_t i = 0; t && e->cluster && i < t->len; i++) {
			struct row *row = t->rows[i];
			char cluster[256];
			const char *rest;
			bool mine = scoped[k].cell >= 0 ? !strcmp(row_text(row, scoped[k].cell), e->cluster)
							: ecs_split_id(row->id, cluster, sizeof(cluster), &rest) &&
								  !strcmp(cluster, e->cluster);
			if (!row->gone_ms && !mine)
				rtable_delete(s, t, row->id);
		}
	}
	for (int l = EL_SERVICES; l < EL_COUNT; l++)
		if (l != EL_TASKDEFS) {
			e->due[l] = 0;
			e->force_full[l] = true;
		}
	if (e->phase == EP_LIVE)
		timer_arm(e->tick, 0);
}
