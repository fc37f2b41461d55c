/* ecs.c: the Amazon ECS backend's life cycle. An endpoint is one AWS
 * profile and region (found the way the AWS CLI finds them); its scope is
 * one cluster or all of them. Connecting = knowing the region (instance
 * metadata gives it on a bastion that has nothing else) and a first good
 * clusters round; from then on polling rounds keep the followed kinds
 * live (poll.c). Any credential or transport failure makes the data
 * stale and is retried with backoff. */
#include "backends/ecs/ecs.h"
#include "backends/ecs/internal.h"
#include "backends/ecs/kinds.h"
#include "backends/util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 60000
#define HOT_MIN_MS 3000   /* the list on screen: every few seconds */
#define COLD_MS 60000     /* the rest: every minute */
#define ROUND_BACKOFF_MAX_MS 60000 /* a list that keeps failing: at most a minute apart */
#define RATE_DEFAULT 10.0 /* ECS reads: AWS refills 20 a second; we keep to half */
#define RATE_BURST 40

static const char *const aliases[] = {"aws-ecs", "amazon-ecs", NULL};
static const char *const scope_commands[] = {"cluster", "cl", NULL};

static const struct option_def options[] = {
	{"profile", OPT_STRING, "the AWS profile (default: $AWS_PROFILE, else default)"},
	{"region", OPT_STRING, "the AWS region (default: $AWS_REGION, the profile's, or the instance's)"},
	{"cluster", OPT_STRING, "the cluster to show first; \"all\" for every cluster"},
	{"eks", OPT_BOOL, "also show the account's EKS clusters as Kubernetes endpoints (default true)"},
	{"max_rate", OPT_STRING, "ECS requests per second at most (default 10)"},
	{NULL, 0, NULL},
};

bool ecs_split_id(const char *id, char *cluster, size_t clen, const char **rest)
{
	const char *slash = strchr(id, '/');
	if (!slash)
		return false;
	snprintf(cluster, clen, "%.*s", (int)(slash - id), id);
	if (rest)
		*rest = slash + 1;
	return true;
}

/* ---- calls outside the rounds ---- */

struct ecs_xcall {
	struct ecs *e;
	struct aws_call *call;
	aws_done_fn done;
	void *arg;
	bool owns_arg; /* arg is freed with free() when the call is cancelled */
	struct ecs_xcall *next;
};

void ecs_call_owns_arg(struct ecs_xcall *x)
{
	x->owns_arg = true;
}

static void unlink_xcall(struct ecs_xcall *x)
{
	for (struct ecs_xcall **p = &x->e->extra; *p; p = &(*p)->next)
		if (*p == x) {
			*p = x->next;
			return;
		}
}

static void on_xcall(void *arg, const struct aws_response *r)
{
	struct ecs_xcall *x = arg;
	unlink_xcall(x);
	x->done(x->arg, r);
	free(x);
}

static struct ecs_xcall *xcall_new(struct ecs *e, aws_done_fn done, void *arg)
{
	struct ecs_xcall *x = xcalloc(1, sizeof(*x));
	x->e = e;
	x->done = done;
	x->arg = arg;
	x->next = e->extra;
	e->extra = x;
	return x;
}

struct ecs_xcall *ecs_call(struct ecs *e, const struct aws_service *svc, const char *op, const char *body,
			   unsigned flags, aws_done_fn done, void *arg)
{
	struct ecs_xcall *x = xcall_new(e, done, arg);
	x->call = aws_call_json(e->aws, svc, op, body, flags, on_xcall, x);
	return x;
}

struct ecs_xcall *ecs_call_rest(struct ecs *e, const struct aws_service *svc, const char *op, const char *method,
				const char *path, aws_done_fn done, void *arg)
{
	struct ecs_xcall *x = xcall_new(e, done, arg);
	x->call = aws_call_rest(e->aws, svc, op, method, path, NULL, 0, on_xcall, x);
	return x;
}

void ecs_call_cancel(struct ecs_xcall *x)
{
	if (!x)
		return;
	unlink_xcall(x);
	aws_call_cancel(x->call);
	if (x->owns_arg)
		free(x->arg);
	free(x);
}

/* ---- the connection ---- */

static void product(struct ecs *e)
{
	const char *region = e->aws ? aws_client_region(e->aws) : NULL;
	snprintf(e->ep->product, sizeof(e->ep->product), "ECS %s%s%s · cluster %s", region ? region : "?",
		 e->account[0] ? " · " : "", e->account, e->cluster ? e->cluster : "all");
}

void ecs_live(struct ecs *e)
{
	backoff_healthy(&e->backoff);
	product(e);
	endpoint_ready(e->ep);
	if (e->eks && !e->eks_done) {
		e->eks_done = true;
		ecs_eks_discover(e);
	}
}

void ecs_fail(struct ecs *e, const struct aws_response *r)
{
	if (e->phase != EP_LIVE)
		return;
	e->phase = EP_IDLE;
	ecs_poll_abort(e);
	const char *why = r && r->error ? r->error : "the request failed";
	if (r && r->auth)
		endpoint_fail_auth(e->ep, "%s", why);
	else
		endpoint_fail(e->ep, "%s", why);
	int64_t wait = backoff_next(&e->backoff);
	log_msg("ecs %s: %s; again in %lld ms", e->ep->name, why, (long long)wait);
	timer_arm(e->retry, wait);
}

/* Every followed list is due now. */
static void poll_all_now(struct ecs *e)
{
	for (int l = 0; l < EL_COUNT; l++)
		e->due[l] = 0;
	ecs_poll_start(e);
}

static void go_live(struct ecs *e)
{
	e->phase = EP_LIVE;
	int64_t refresh = e->ep->refresh_ms;
	e->hot_ms = refresh > HOT_MIN_MS ? refresh : HOT_MIN_MS;
	poll_all_now(e);
}

static void on_region(void *arg, const char *region, const char *error)
{
	struct ecs *e = arg;
	e->region_fetch = NULL;
	if (!region) {
		e->phase = EP_IDLE;
		endpoint_fail(e->ep, "no AWS region is configured (AWS_REGION, the profile's region) and %s", error);
		timer_arm(e->retry, backoff_next(&e->backoff));
		return;
	}
	log_msg("ecs %s: region %s from instance metadata", e->ep->name, region);
	aws_client_set_region(e->aws, region);
	free(e->ep->address);
	e->ep->address = xstrdup(aws_client_url(e->aws, &aws_svc_ecs));
	product(e);
	go_live(e);
}

static void connect_start(struct ecs *e)
{
	if (e->phase != EP_IDLE || !e->aws)
		return;
	if (!aws_client_region(e->aws)) {
		e->phase = EP_REGION;
		e->region_fetch = aws_imds_region(on_region, e);
		return;
	}
	go_live(e);
}

static void on_retry(void *arg)
{
	connect_start(arg);
}

/* ctrl-r: an endpoint that is down connects now; a live one asks every
 * followed list again at once, whatever its backoff said. */
static void ecs_retry(struct endpoint *ep)
{
	struct ecs *e = ep->priv;
	if (!e || !e->aws)
		return;
	backoff_healthy(&e->backoff);
	for (int l = 0; l < EL_COUNT; l++)
		backoff_healthy(&e->round_backoff[l]);
	if (e->phase == EP_IDLE) {
		timer_disarm(e->retry);
		ep->retry_at_ms = 0;
		connect_start(e);
	} else if (e->phase == EP_LIVE) {
		poll_all_now(e);
	}
}

/* ---- ops ---- */

static int ecs_open(struct endpoint *ep, const struct endpoint_config *cfg, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	struct ecs *e = xcalloc(1, sizeof(*e));
	e->ep = ep;
	ep->priv = e;
	e->profile_opt = xstrdup(endpoint_config_get(cfg, "profile"));
	e->region_opt = xstrdup(endpoint_config_get(cfg, "region"));
	const char *cluster = endpoint_config_get(cfg, "cluster");
	e->cluster = cluster && *cluster && strcmp(cluster, "all") ? xstrdup(cluster) : NULL;
	const char *eks = endpoint_config_get(cfg, "eks");
	e->eks = !eks || strcmp(eks, "false");
	e->hot = EL_COUNT;
	e->hot_ms = HOT_MIN_MS;
	e->cold_ms = COLD_MS;
	strset_init(&e->visible);
	strset_init(&e->events_for);
	backoff_init(&e->backoff, BACKOFF_MIN_MS, BACKOFF_MAX_MS);
	for (int l = 0; l < EL_COUNT; l++)
		backoff_init(&e->round_backoff[l], HOT_MIN_MS, ROUND_BACKOFF_MAX_MS);
	e->retry = timer_new(on_retry, e);
	listguard_init(&e->lists, "the ECS API", ecs_poll_slow, e);
	char why[ERRLEN];
	struct aws_client_opts o = {.profile = e->profile_opt, .explicit_profile = e->profile_opt != NULL,
				    .region = e->region_opt, .label = ep->name, .tunnel = ep->net.tunnel};
	e->aws = aws_client_new(&o, why, sizeof(why));
	if (!e->aws) {
		/* shown on the endpoint, so the rest of the dashboard keeps working */
		ep->address = xstrdup(e->profile_opt ? e->profile_opt : "aws");
		snprintf(ep->error, sizeof(ep->error), "%s", why);
		ep->state = EP_STALE;
		ep->auth_failing = true;
		snprintf(ep->product, sizeof(ep->product), "ECS");
		return 0;
	}
	const char *rate = endpoint_config_get(cfg, "max_rate");
	double per_second = rate ? strtod(rate, NULL) : RATE_DEFAULT;
	aws_client_pace(e->aws, &aws_svc_ecs, per_second > 0 ? per_second : RATE_DEFAULT, RATE_BURST);
	aws_client_pace(e->aws, &aws_svc_logs, 5, 10);
	ep->address = xstrdup(aws_client_url(e->aws, &aws_svc_ecs));
	product(e);
	snprintf(ep->product + strlen(ep->product), sizeof(ep->product) - strlen(ep->product), " · connecting…");
	return 0;
}

static void ecs_close(struct endpoint *ep)
{
	struct ecs *e = ep->priv;
	if (!e)
		return;
	ecs_logs_close_all(e);
	ecs_poll_stop(e);
	while (e->extra)
		ecs_call_cancel(e->extra);
	aws_imds_region_cancel(e->region_fetch);
	listguard_cleanup(&e->lists);
	timer_free(e->tick);
	timer_free(e->retry);
	aws_client_free(e->aws);
	strset_cleanup(&e->visible);
	strset_cleanup(&e->events_for);
	for (size_t i = 0; i < e->neks_seen; i++)
		free(e->eks_seen[i]);
	free(e->eks_seen);
	free(e->clusters);
	free(e->cluster);
	free(e->profile_opt);
	free(e->region_opt);
	free(e);
	ep->priv = NULL;
}

static int ncells_of(const char *kind)
{
	return !strcmp(kind, KIND_ECS_CLUSTERS)	  ? ECL_NCELLS
	       : !strcmp(kind, KIND_ECS_SERVICES) ? ESV_NCELLS
	       : !strcmp(kind, KIND_ECS_TASKS)	  ? ETK_NCELLS
	       : !strcmp(kind, KIND_ECS_TASKDEFS) ? ETD_NCELLS
	       : !strcmp(kind, KIND_ECS_EVENTS)	  ? EEV_NCELLS
	       : !strcmp(kind, KIND_NODES)	  ? NODE_NCELLS
						  : CTR_NCELLS;
}

/* The list on screen comes round soon, then every few seconds. */
static void set_hot(struct ecs *e, enum ecs_list l, const char *kind)
{
	e->hot_containers = !strcmp(kind, KIND_CONTAINERS);
	e->hot_events = !strcmp(kind, KIND_ECS_EVENTS);
	if (e->hot == l)
		return;
	e->hot = l;
	int64_t now = mono_ms();
	if (l < EL_COUNT && e->due[l] > now + e->hot_ms)
		ecs_poll_soon(e, l, false);
}

static void ecs_watch(struct endpoint *ep, const char *kind)
{
	struct ecs *e = ep->priv;
	enum ecs_list l = ecs_list_of(kind);
	if (l == EL_COUNT || !e->aws)
		return;
	store_table(ep->store, kind, ncells_of(kind));
	if (!strcmp(kind, KIND_CONTAINERS) && !e->want_containers) {
		e->want_containers = true;
		ecs_poll_soon(e, EL_TASKS, true); /* the tasks known have no container rows yet */
	}
	if (!strcmp(kind, KIND_ECS_EVENTS) && !e->want_events) {
		e->want_events = true;
		ecs_poll_soon(e, EL_SERVICES, true);
	}
	/* the EC2 instance of each task comes from the container instances */
	if (l == EL_TASKS)
		e->want[EL_NODES] = true;
	e->want[l] = true;
	set_hot(e, l, kind);
	if (e->phase == EP_IDLE && !timer_armed(e->retry))
		connect_start(e);
}

static void ecs_visible_rows(struct endpoint *ep, const char *kind, const char *const *ids, size_t n)
{
	struct ecs *e = ep->priv;
	if (!e->aws)
		return;
	strset_cleanup(&e->visible);
	strset_init(&e->visible);
	if (!ids) { /* the user went to another endpoint */
		e->hot = EL_COUNT;
		return;
	}
	bool containers = !strcmp(kind, KIND_CONTAINERS);
	for (size_t i = 0; i < n; i++) {
		strset_add(&e->visible, ids[i]);
		/* a container on screen is its task on screen: "cluster/task/name" */
		const char *last = containers ? strrchr(ids[i], '/') : NULL;
		if (last) {
			char *task = xstrndup(ids[i], (size_t)(last - ids[i]));
			strset_add(&e->visible, task);
			free(task);
		}
	}
	enum ecs_list l = ecs_list_of(kind);
	set_hot(e, l, kind);
	/* task definitions are described when they come on screen */
	if (l == EL_TASKDEFS) {
		struct rtable *t = store_find_table(ep->store, KIND_ECS_TASKDEFS);
		for (size_t i = 0; t && i < n; i++) {
			struct row *r = rtable_find(t, ids[i]);
			if (r && !*row_text(r, ETD_STATUS)) {
				ecs_poll_soon(e, EL_TASKDEFS, false);
				/* `get` waits for them like for any per-row figure */
				if (!e->taskdef_extras) {
					e->taskdef_extras = true;
					ep->extras_pending++;
				}
				break;
			}
		}
	}
}

/* ---- scope ---- */

static const char *ecs_get_cluster(struct endpoint *ep)
{
	struct ecs *e = ep->priv;
	return e->cluster;
}

static int ecs_set_cluster(struct endpoint *ep, const char *value, char *err, size_t errlen)
{
	struct ecs *e = ep->priv;
	if (!e->aws)
		return set_err(err, errlen, "%s", ep->error);
	if (value && (!*value || !strcmp(value, "all") || !strcmp(value, "-A")))
		value = NULL;
	if (value && e->clusters_known) {
		bool known = false;
		for (size_t i = 0; i < e->nclusters && !known; i++)
			known = !strcmp(e->clusters[i].name, value);
		if (!known)
			return set_err(err, errlen, "there is no cluster \"%s\" in %s", value,
				       aws_client_region(e->aws) ? aws_client_region(e->aws) : "this region");
	}
	if ((!value && !e->cluster) || (value && e->cluster && !strcmp(value, e->cluster)))
		return 0;
	free(e->cluster);
	e->cluster = xstrdup(value);
	product(e);
	ecs_poll_scope_changed(e);
	return 0;
}

static const struct backend_scope scope = {
	.name = "cluster",
	.commands = scope_commands,
	.kind = KIND_ECS_CLUSTERS,
	.get = ecs_get_cluster,
	.set = ecs_set_cluster,
};

/* ---- discovery ---- */

/* With AWS credentials and a region (or an EC2 instance role), the
 * account's clusters are an endpoint with no configuration at all. */
static size_t ecs_discover(struct endpoint_config **cfgs)
{
	*cfgs = NULL;
	struct aws_config cfg;
	char err[ERRLEN];
	if (aws_config_load(&cfg, err, sizeof(err)) < 0)
		return 0;
	const char *profile = aws_profile_name(NULL);
	size_t n = 0;
	if (aws_creds_configured(&cfg, NULL, false)) {
		const char *region = aws_region(&cfg, profile, NULL);
		struct aws_creds_opts o = {.config = &cfg};
		struct aws_creds *c = aws_creds_new(&o, err, sizeof(err));
		bool imds = c && aws_creds_kind(c) == AWS_SRC_IMDS;
		aws_creds_free(c);
		if (region || imds) {
			*cfgs = xcalloc(1, sizeof(**cfgs));
			struct endpoint_config *ec = &(*cfgs)[0];
			bool named = strcmp(profile, "default") != 0;
			ec->name = region ? (named ? xasprintf("ecs/%s/%s", profile, region) : xasprintf("ecs/%s", region))
					  : xstrdup("ecs");
			ec->backend = xstrdup("ecs");
			n = 1;
		}
	}
	aws_config_cleanup(&cfg);
	return n;
}

const struct backend_ops ecs_backend = {
	.abi = BACKEND_ABI_VERSION,
	.name = "ecs",
	.aliases = aliases,
	.description = "Amazon ECS (clusters, services, tasks on EC2 and Fargate), and EKS clusters of the account",
	.views = ecs_views,
	.default_kind = KIND_ECS_CLUSTERS,
	.options = options,
	.scope = &scope,
	.discover = ecs_discover,
	.open = ecs_open,
	.close = ecs_close,
	.watch = ecs_watch,
	.visible = ecs_visible_rows,
	.inspect = ecs_inspect,
	.actions = ecs_actions,
	.act = ecs_act,
	.exec = ecs_exec,
	.logs = ecs_logs,
	.logs_stop = ecs_logs_stop,
	.summary = ecs_summary,
	.drill = ecs_view_drill,
	.events_of = ecs_view_events_of,
	.health_watch = ecs_health_watch,
	.health = ecs_health,
	.retry = ecs_retry,
};
