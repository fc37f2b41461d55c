/* kube.c: the Kubernetes backend's life cycle: one endpoint per kubeconfig
 * context (resolved lazily, so a broken context is one sentence on screen,
 * not a crash), credentials before the first request and again after a 401,
 * the API server's version for the header, whether metrics.k8s.io is served,
 * and requests that carry the current credentials. */
#include "backends/kube/decode.h"
#include "backends/codec/jdoc.h"
#include "backends/codec/crypto.h"
#include "backends/codec/jsonget.h"
#include "backends/kube/internal.h"
#include "backends/kube/kinds.h"
#include "backends/kube/kube.h"
#include "backends/kube/views/views.h"
#include "backends/util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 30000
/* Above this many pods, pod metrics are fetched for a chosen namespace only. */
#define POD_METRICS_CLUSTER_MAX 5000

#define TYPED(kind, prefix, plural, singular, ns, ncells, grp)                                               \
	{kind, prefix, plural, singular, ns, ncells, .listable = true, .watchable = true, .group = grp}

/* The kinds with a typed view; everything else the server serves is found
 * by discovery and shown as its own tables. */
const struct kres kube_resources[] = {
	TYPED(KIND_PODS, "/api/v1", "pods", "Pod", true, POD_NCELLS, ""),
	TYPED(KIND_NODES, "/api/v1", "nodes", "Node", false, NODE_NCELLS, ""),
	TYPED(KIND_NAMESPACES, "/api/v1", "namespaces", "Namespace", false, NS_NCELLS, ""),
	TYPED(KIND_SERVICES, "/api/v1", "services", "Service", true, SVC_NCELLS, ""),
	TYPED(KIND_EVENTS, "/api/v1", "events", "Event", true, EV_NCELLS, ""),
	TYPED(KIND_DEPLOYMENTS, "/apis/apps/v1", "deployments", "Deployment", true, WL_NCELLS, "apps"),
	TYPED(KIND_STATEFULSETS, "/apis/apps/v1", "statefulsets", "StatefulSet", true, WL_NCELLS, "apps"),
	TYPED(KIND_DAEMONSETS, "/apis/apps/v1", "daemonsets", "DaemonSet", true, WL_NCELLS, "apps"),
	TYPED(KIND_REPLICASETS, "/apis/apps/v1", "replicasets", "ReplicaSet", true, WL_NCELLS, "apps"),
	{NULL, NULL, NULL, NULL, false, 0, .group = NULL},
};

static const char *const aliases[] = {"kube", "k8s", "eks", NULL};
static const char *const scope_commands[] = {"ns", "namespace", NULL};

static const struct option_def options[] = {
	{"context", OPT_STRING, "the kubeconfig context (default: the current one)"},
	{"kubeconfig", OPT_STRING, "kubeconfig files, ':'-separated (default: $KUBECONFIG or ~/.kube/config)"},
	{"namespace", OPT_STRING, "namespace to show first; \"all\" for every namespace"},
	{"eks_cluster", OPT_STRING, "an EKS cluster reached with AWS credentials, no kubeconfig (needs server)"},
	{"server", OPT_STRING, "with eks_cluster: the API server URL (DescribeCluster's endpoint)"},
	{"certificate_authority_data", OPT_STRING, "with eks_cluster: the cluster's CA, base64 of PEM"},
	{"aws_profile", OPT_STRING, "with eks_cluster: the AWS profile whose credentials sign the token"},
	{"aws_region", OPT_STRING, "with eks_cluster: the cluster's region"},
	{NULL, 0, NULL},
};

const struct kres *kube_res_typed(const char *group, const char *plural)
{
	for (const struct kres *r = kube_resources; r->kind; r++)
		if (!strcmp(r->plural, plural) && !strcmp(r->group, group))
			return r;
	return NULL;
}

const struct kres *kube_res(struct kube *k, const char *kind)
{
	for (const struct kres *r = kube_resources; r->kind; r++)
		if (!strcmp(r->kind, kind))
			return r;
	return k ? kube_disc_res(k, kind) : NULL;
}

const char *kube_split_id(const char *id, char *ns, size_t nslen, char *name, size_t namelen)
{
	const char *slash = strchr(id, '/');
	if (slash) {
		snprintf(ns, nslen, "%.*s", (int)(slash - id), id);
		snprintf(name, namelen, "%s", slash + 1);
	} else {
		snprintf(ns, nslen, "%s", "");
		snprintf(name, namelen, "%s", id);
	}
	char *container = strchr(name, '/');
	if (!container)
		return NULL;
	*container = '\0';
	return container + 1;
}

char *kube_selector_value(const char *v)
{
	struct buf b;
	buf_init(&b);
	for (const char *p = v ? v : ""; *p; p++) {
		if (*p == '\\' || *p == ',' || *p == '=')
			buf_putc(&b, '\\');
		buf_putc(&b, *p);
	}
	return buf_steal(&b);
}

char *kube_collection_path(struct kube *k, const struct kres *r, const char *ns)
{
	if (!ns)
		ns = k->ns;
	if (r->namespaced && ns && *ns) {
		char *ens = http_escape_str(ns);
		char *path = xasprintf("%s/namespaces/%s/%s", r->prefix, ens, r->plural);
		free(ens);
		return path;
	}
	return xasprintf("%s/%s", r->prefix, r->plural);
}

/* ---- requests ---- */

static void on_fresh_creds(void *arg, const char *error)
{
	struct kcall *c = arg;
	if (!error && !c->base.orphaned)
		kube_creds_apply(c->k->creds, &c->k->target);
	calls_renewed(&c->base, error);
}

/* The list's renew hook: an expired token is renewed once, then the same request goes again. */
static void renew(void *owner, struct calls_req *base)
{
	struct kube *k = owner;
	log_msg("kube %s: 401 on %s %s, renewing credentials", k->ep->name, base->method, base->path);
	kube_creds_invalidate(k->creds);
	kube_creds_get(k->creds, on_fresh_creds, base);
}

static struct kcall *call(struct kube *k, const char *accept, const char *method, const char *path, const char *body,
			  const char *ctype, long timeout_ms, http_done_fn done, http_data_fn stream, void *ctx)
{
	struct kcall *c = calls_new(&k->calls, sizeof(*c), method, path, timeout_ms, done);
	c->k = k;
	c->ctx = ctx;
	if (body)
		calls_body(&c->base, body, strlen(body), ctype);
	if (accept) {
		char *line = xasprintf("Accept: %s", accept);
		calls_header(&c->base, line);
		free(line);
	}
	calls_stream(&c->base, stream);
	calls_start(&c->base);
	return c;
}

struct kcall *kube_call(struct kube *k, const char *method, const char *path, const char *body, const char *ctype,
			long timeout_ms, http_done_fn done, http_data_fn stream, void *ctx)
{
	return call(k, NULL, method, path, body, ctype, timeout_ms, done, stream, ctx);
}

struct kcall *kube_call_accept(struct kube *k, const char *accept, const char *method, const char *path,
			       long timeout_ms, http_done_fn done, http_data_fn stream, void *ctx)
{
	return call(k, accept, method, path, NULL, NULL, timeout_ms, done, stream, ctx);
}

void kube_call_cancel(struct kcall *c)
{
	if (c)
		calls_cancel(&c->base);
}

bool kube_ok(const struct http_result *res)
{
	return !res->error && res->status >= 200 && res->status < 300;
}

void kube_result_error(struct kube *k, const struct http_result *res, const char *what, char *err, size_t errlen)
{
	if (res->error) {
		snprintf(err, errlen, "%s", res->error);
		return;
	}
	char msg[ERRLEN] = "";
	json_object *o = res->len ? json_tokener_parse(res->body) : NULL;
	const char *m = jsonget_str(o, "message");
	if (m)
		snprintf(msg, sizeof(msg), "%s", m);
	json_object_put(o);
	if (res->status == 401)
		snprintf(err, errlen, "the API server rejected %s as unauthorized%s%s", kube_creds_who(k->creds),
			 msg[0] ? ": " : "", msg);
	else if (res->status == 403)
		/* the Status message names user, verb and resource, as kubectl shows it */
		snprintf(err, errlen, "%s", msg[0] ? msg : "forbidden");
	else if (msg[0])
		snprintf(err, errlen, "%s", msg);
	else
		snprintf(err, errlen, "%s failed with HTTP %ld", what ? what : "the request", res->status);
}

/* ---- connection ---- */

/* Drops the connection, keeps the data (now stale), and retries later;
 * auth: the server (or the credential plugin) refused our credentials. */
static void fail_after(struct kube *k, bool auth, const char *what, const struct http_result *res)
{
	liveness_stop(&k->live);
	kube_watch_stop_all(k);
	k->phase = K_IDLE;
	if (auth)
		endpoint_fail_auth(k->ep, "%s", what);
	else
		endpoint_fail(k->ep, "%s", what);
	int64_t wait = backoff_after(&k->backoff, res);
	timer_arm(k->retry, wait);
	k->ep->retry_at_ms = mono_ms() + wait; /* the header counts down to it */
}

static void fail(struct kube *k, bool auth, const char *what)
{
	fail_after(k, auth, what, NULL);
}

void kube_unauthorized(struct kube *k, const char *why)
{
	if (k->phase == K_LIVE)
		fail(k, true, why);
}

static void on_metrics_discovery(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	if (c->k->ep->extras_pending)
		c->k->ep->extras_pending--;
	c->k->metrics = kube_ok(res);
	log_msg("kube %s: metrics.k8s.io %s", c->k->ep->name, c->k->metrics ? "served" : "not served");
	if (c->k->metrics)
		timer_arm(c->k->metrics_tick, 100);
}

static void on_version(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct kube *k = c->k;
	char err[ERRLEN];
	if (!kube_ok(res)) {
		kube_result_error(k, res, "GET /version", err, sizeof(err));
		fail_after(k, res->status == 401, err, res);
		return;
	}
	json_object *o = json_tokener_parse(res->body);
	const char *git = jsonget_str(o, "gitVersion");
	if (git)
		snprintf(k->version, sizeof(k->version), "%s", git);
	json_object_put(o);
	snprintf(k->ep->product, sizeof(k->ep->product), "Kubernetes %s · ns %s", k->version[0] ? k->version : "?",
		 k->ns ? k->ns : "all");
	k->phase = K_LIVE;
	backoff_success(&k->backoff);
	endpoint_ready(k->ep);
	liveness_start(&k->live);
	/* figures are coming: `get` waits for the first round of them */
	k->ep->extras_pending++;
	kube_call(k, "GET", "/apis/metrics.k8s.io/v1beta1", NULL, NULL, 15000, on_metrics_discovery, NULL, NULL);
	/* what else the server serves: its resources, CRDs included */
	kube_disc_start(k);
	kube_watch_restart_all(k, false);
}

static void on_creds(void *arg, const char *error)
{
	struct kube *k = arg;
	if (k->phase != K_AUTH)
		return;
	if (error) {
		fail(k, true, error);
		return;
	}
	kube_creds_apply(k->creds, &k->target);
	kube_call(k, "GET", "/version", NULL, NULL, 15000, on_version, NULL, NULL);
}

void kube_connect(struct kube *k)
{
	if (k->phase != K_IDLE || !k->creds || timer_armed(k->retry))
		return;
	k->phase = K_AUTH;
	kube_creds_get(k->creds, on_creds, k);
}

static void on_retry(void *arg)
{
	struct kube *k = arg;
	k->ep->retry_at_ms = 0;
	if (k->phase == K_IDLE) {
		k->phase = K_AUTH;
		kube_creds_get(k->creds, on_creds, k);
	}
}

/* ---- metrics ---- */

static void take_metrics(struct kcall *c, const struct http_result *res,
			 int (*decode)(struct store *s, const struct jnode *list))
{
	struct kube *k = c->k;
	if (k->ep->extras_pending)
		k->ep->extras_pending--;
	if (decode == kube_decode_node_metrics)
		k->node_metrics_pending = false;
	else
		k->pod_metrics_pending = false;
	if (!kube_ok(res))
		return; /* figures are a bonus: their absence is not worth a flash */
	struct jnode *o = jdoc_parse(res->body, res->len, NULL, 0);
	if (o)
		decode(k->ep->store, o);
	jdoc_free(o);
}

static void on_node_metrics(void *arg, const struct http_result *res)
{
	take_metrics(arg, res, kube_decode_node_metrics);
}

static void on_pod_metrics(void *arg, const struct http_result *res)
{
	take_metrics(arg, res, kube_decode_pod_metrics);
}

static void metrics_round(void *arg)
{
	struct kube *k = arg;
	int64_t every = k->ep->refresh_ms < 5000 ? 5000 : k->ep->refresh_ms;
	timer_arm(k->metrics_tick, every);
	if (k->phase != K_LIVE || !k->metrics)
		return;
	if (kube_watching(k, KIND_NODES) && !k->node_metrics_pending) {
		k->node_metrics_pending = true;
		k->ep->extras_pending++;
		kube_call(k, "GET", "/apis/metrics.k8s.io/v1beta1/nodes", NULL, NULL, 20000, on_node_metrics, NULL, NULL);
	}
	struct rtable *pods = store_find_table(k->ep->store, KIND_PODS);
	/* every pod's metrics of a large cluster is a document of tens of MB every
	 * few seconds: at that scale pod figures come per namespace only */
	bool affordable = k->ns || (pods && pods->synced && pods->len <= POD_METRICS_CLUSTER_MAX);
	if (kube_watching(k, KIND_PODS) && affordable && !k->pod_metrics_pending) {
		k->pod_metrics_pending = true;
		char *ens = http_escape_str(k->ns);
		char *path = k->ns ? xasprintf("/apis/metrics.k8s.io/v1beta1/namespaces/%s/pods", ens)
				   : xstrdup("/apis/metrics.k8s.io/v1beta1/pods");
		free(ens);
		k->ep->extras_pending++;
		kube_call(k, "GET", path, NULL, NULL, 20000, on_pod_metrics, NULL, NULL);
		free(path);
	}
}

/* ---- pods per node ---- */

const struct kube_health_feed kube_node_pods_feed = {KUBE_NODE_PODS, KIND_PODS, NULL};

const char *kube_node_pods_table(const struct kube *k)
{
	return k->ns ? KUBE_NODE_PODS : KIND_PODS;
}

void kube_watch_node_pods(struct kube *k)
{
	struct rtable *t = store_find_table(k->ep->store, kube_node_pods_table(k));
	if ((!t || !t->synced) && !k->node_pods_waiting) {
		k->node_pods_waiting = true;
		k->ep->extras_pending++;
	}
	if (k->ns)
		kube_watch_feed(k, &kube_node_pods_feed);
	else
		kube_watch_start(k, KIND_PODS);
}

void kube_node_pods_listed(struct kube *k)
{
	struct rtable *nodes = store_find_table(k->ep->store, KIND_NODES),
		      *pods = store_find_table(k->ep->store, kube_node_pods_table(k));
	if (!nodes || !nodes->synced || !pods || !pods->synced)
		return;
	kube_decode_count_node_pods(k->ep->store, kube_node_pods_table(k));
	if (k->node_pods_waiting) {
		k->node_pods_waiting = false;
		if (k->ep->extras_pending)
			k->ep->extras_pending--;
	}
}

static void recount_node_pods(void *arg)
{
	struct kube *k = arg;
	kube_decode_count_node_pods(k->ep->store, kube_node_pods_table(k));
}

void kube_pods_changed(struct kube *k)
{
	/* a walk over every pod: once a second under churn, not once per event */
	if (!timer_armed(k->node_pods))
		timer_arm(k->node_pods, 1000);
}

/* ---- ops ---- */

/* tls-server-name: ask for the certificate's name, connect to the server's
 * address. curl verifies (and sends SNI for) the URL's host, so the URL gets
 * the name and CONNECT_TO maps it to the real host. */
static void use_server_name(struct http_target *t, const char *name)
{
	const char *hp = strstr(t->base_url, "://");
	if (!hp)
		return;
	hp += 3;
	const char *colon = strrchr(hp, ':');
	bool bracket = strchr(hp, ']') != NULL;
	char host[256], port[16] = "443";
	if (colon && (!bracket || colon > strchr(hp, ']'))) {
		snprintf(host, sizeof(host), "%.*s", (int)(colon - hp), hp);
		snprintf(port, sizeof(port), "%s", colon + 1);
	} else {
		snprintf(host, sizeof(host), "%s", hp);
	}
	t->connect_to = xasprintf("%s:%s:%s:%s", name, port, host, port);
	char *url = xasprintf("%.*s%s:%s", (int)(hp - t->base_url), t->base_url, name, port);
	free(t->base_url);
	t->base_url = url;
}

/* ---- liveness ---- */

static void probe_path(void *owner, char *buf, size_t len)
{
	(void)owner;
	snprintf(buf, len, "/version"); /* the cheapest request there is, and any user may make it */
}

static void gone(void *owner, const char *why)
{
	struct kube *k = owner;
	if (k->phase == K_LIVE)
		fail(k, false, why);
}

static const struct liveness_ops liveness_ops = {.probe_path = probe_path, .gone = gone};

/* An EKS cluster found from AWS credentials (or configured by name): the
 * connection comes from its DescribeCluster, the token from the account. */
static void eks_conn(const struct endpoint_config *cfg, struct kube_conn *c, char *why, size_t whylen)
{
	const char *server = endpoint_config_get(cfg, "server"), *ca = endpoint_config_get(cfg, "certificate_authority_data");
	const char *cluster = endpoint_config_get(cfg, "eks_cluster");
	memset(c, 0, sizeof(*c));
	if (!server || !*server) {
		snprintf(why, whylen, "the EKS cluster %s needs its server (the endpoint DescribeCluster gives)", cluster);
		return;
	}
	c->context = xstrdup(cfg->name);
	c->namespace = xstrdup("default");
	c->cluster.name = xstrdup(cluster);
	c->cluster.server = xstrdup(server);
	if (ca && *ca) {
		size_t len;
		c->cluster.ca_pem = crypto_base64_decode(ca, strlen(ca), &len);
		if (!c->cluster.ca_pem)
			snprintf(why, whylen, "the certificate authority data of EKS cluster %s is not base64", cluster);
	}
	c->user.name = xasprintf("eks:%s", cluster);
	c->user.eks = xcalloc(1, sizeof(*c->user.eks));
	c->user.eks->cluster = xstrdup(cluster);
	c->user.eks->region = xstrdup(endpoint_config_get(cfg, "aws_region"));
	c->user.eks->profile = xstrdup(endpoint_config_get(cfg, "aws_profile"));
}

static int kube_open(struct endpoint *ep, const struct endpoint_config *cfg, char *err, size_t errlen)
{
	struct kube *k = xcalloc(1, sizeof(*k));
	k->ep = ep;
	ep->priv = k;
	backoff_init(&k->backoff, BACKOFF_MIN_MS, BACKOFF_MAX_MS);
	calls_init(&k->calls, &k->target, k);
	k->calls.header = "Accept: application/json";
	k->calls.renew = renew;
	liveness_init(&k->live, &liveness_ops, &k->calls, k, LIVENESS_QUIET_MS, LIVENESS_TIMEOUT_MS);
	listguard_init(&k->lists, "the API server", kube_watch_list_slow, k);
	k->retry = timer_new(on_retry, k);
	k->metrics_tick = timer_new(metrics_round, k);
	k->node_pods = timer_new(recount_node_pods, k);
	struct kubeconfig kc;
	const char *paths = endpoint_config_get(cfg, "kubeconfig");
	char why[ERRLEN] = "";
	if (endpoint_config_get(cfg, "eks_cluster")) {
		eks_conn(cfg, &k->conn, why, sizeof(why));
	} else if (kubeconfig_load(&kc, paths ? paths : getenv("KUBECONFIG"), why, sizeof(why)) == 0) {
		const char *ctx = endpoint_config_get(cfg, "context");
		if (!ctx)
			ctx = kc.current_context;
		if (!ctx || !*ctx)
			snprintf(why, sizeof(why), "the kubeconfig names no current context; set \"context\"");
		else if (kubeconfig_resolve(&kc, ctx, &k->conn, why, sizeof(why)) == 0)
			why[0] = '\0';
		kubeconfig_cleanup(&kc);
	}
	(void)err;
	(void)errlen;
	if (why[0]) {
		/* shown on the endpoint, so the rest of the dashboard keeps working */
		ep->address = xstrdup(endpoint_config_get(cfg, "context") ? endpoint_config_get(cfg, "context") : "kube");
		snprintf(ep->error, sizeof(ep->error), "%s", why);
		ep->state = EP_STALE;
		return 0;
	}
	/* the configured namespace, else the context's, as kubectl does */
	const char *ns = endpoint_config_get(cfg, "namespace");
	if (!ns)
		ns = k->conn.namespace && *k->conn.namespace ? k->conn.namespace : NULL;
	k->ns = ns && strcmp(ns, "all") ? xstrdup(ns) : NULL;
	k->creds = kube_creds_new(&k->conn);
	size_t n = strlen(k->conn.cluster.server);
	while (n && k->conn.cluster.server[n - 1] == '/')
		n--;
	k->target.base_url = xstrndup(k->conn.cluster.server, n);
	k->target.display = url_redact(k->target.base_url); /* what errors and the log show */
	if (k->conn.cluster.tls_server_name && *k->conn.cluster.tls_server_name)
		use_server_name(&k->target, k->conn.cluster.tls_server_name);
	endpoint_route(ep, &k->target); /* `via:`: through SSH jump hosts */
	ep->address = url_redact(k->conn.cluster.server);
	snprintf(ep->product, sizeof(ep->product), "connecting…");
	return 0;
}

static void kube_close(struct endpoint *ep)
{
	struct kube *k = ep->priv;
	if (!k)
		return;
	kube_forward_free_all(k);
	kube_watch_free_all(k);
	listguard_cleanup(&k->lists);
	liveness_cleanup(&k->live);
	kube_creds_cancel(k->creds); /* no renewal calls back now: calls_cleanup frees what they held */
	calls_cleanup(&k->calls);
	kube_health_free(k);
	kube_hpa_free(k);
	kube_disc_free(k);
	timer_free(k->retry);
	timer_free(k->metrics_tick);
	timer_free(k->node_pods);
	kube_creds_free(k->creds);
	kube_conn_cleanup(&k->conn);
	http_target_cleanup(&k->target);
	free(k->ns);
	free(k);
	ep->priv = NULL;
}

static void kube_watch(struct endpoint *ep, const char *kind)
{
	struct kube *k = ep->priv;
	if (!k->creds)
		return; /* the context did not resolve: ep->error says why */
	if (!strcmp(kind, KIND_PORTFORWARDS)) {
		kube_forward_table(k); /* ours, not the server's */
		return;
	}
	if (!strcmp(kind, KIND_CONTAINERS)) {
		/* containers come from the pods: make sure they are followed */
		store_table(ep->store, KIND_CONTAINERS, CTR_NCELLS);
		if (!k->want_containers) {
			k->want_containers = true;
			kube_watch_start(k, KIND_PODS);
			if (k->phase == K_LIVE)
				kube_watch_restart_all(k, true);
		}
		kind = KIND_PODS;
	}
	kube_watch_start(k, kind);
	kube_hpa_follow(k, kind);
	if (!strcmp(kind, KIND_NODES))
		kube_watch_node_pods(k);
	/* few and small: known before anyone types :ns NAME */
	kube_watch_start(k, KIND_NAMESPACES);
	kube_connect(k);
}

static void kube_select(struct endpoint *ep, const char *kind, const char *selector)
{
	struct kube *k = ep->priv;
	if (!k->creds)
		return;
	kube_watch_start(k, kind);
	kube_watch_select(k, kind, selector);
}

static const char *kube_get_namespace(struct endpoint *ep)
{
	struct kube *k = ep->priv;
	return k->ns;
}

/* The rows of a namespaced kind go when the namespace changes. */
static void forget_rows(struct endpoint *ep, const struct kres *r)
{
	struct rtable *t = r->namespaced ? store_find_table(ep->store, r->kind) : NULL;
	if (t)
		rtable_clear(ep->store, t);
}

static int kube_set_namespace(struct endpoint *ep, const char *ns, char *err, size_t errlen)
{
	struct kube *k = ep->priv;
	if (!k->creds)
		return set_err(err, errlen, "%s", ep->error);
	if (ns && (!*ns || !strcmp(ns, "all") || !strcmp(ns, "-A")))
		ns = NULL;
	if (ns && strspn(ns, "abcdefghijklmnopqrstuvwxyz0123456789-.") != strlen(ns))
		return set_err(err, errlen, "\"%s\" is not a namespace name", ns);
	/* the namespaces are followed from the start: a typo is caught here */
	struct rtable *known = store_find_table(ep->store, KIND_NAMESPACES);
	if (ns && known && known->synced && !known->error[0] && !rtable_find(known, ns))
		return set_err(err, errlen, "there is no namespace \"%s\" on %s (:ns lists them)", ns, ep->name);
	if ((!ns && !k->ns) || (ns && k->ns && !strcmp(ns, k->ns)))
		return 0;
	free(k->ns);
	k->ns = xstrdup(ns);
	snprintf(ep->product, sizeof(ep->product), "Kubernetes %s · ns %s", k->version[0] ? k->version : "?",
		 k->ns ? k->ns : "all");
	/* cluster-scoped kinds keep their rows; the namespaced ones are emptied
	 * at once (the old namespace's rows must not stand under the new name)
	 * and list again */
	for (const struct kres *r = kube_resources; r->kind; r++)
		forget_rows(ep, r);
	for (const struct kres *const *r = kube_disc_all(k); r && *r; r++)
		forget_rows(ep, *r);
	struct rtable *ctrs = store_find_table(ep->store, KIND_CONTAINERS);
	if (ctrs)
		rtable_clear(ep->store, ctrs);
	kube_watch_restart_all(k, true);
	if (kube_watching(k, KIND_NODES))
		kube_watch_node_pods(k);
	return 0;
}

/* Every context of the kubeconfig is an endpoint; the current one first. */
static size_t kube_discover(struct endpoint_config **cfgs)
{
	struct kubeconfig kc;
	char err[ERRLEN] = ""; /* a load that finds no file says nothing */
	*cfgs = NULL;
	if (kubeconfig_load(&kc, getenv("KUBECONFIG"), err, sizeof(err)) < 0 || !kc.ncontexts) {
		if (!err[0])
			kubeconfig_cleanup(&kc);
		return 0;
	}
	size_t n = 0;
	*cfgs = xcalloc(kc.ncontexts, sizeof(**cfgs));
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < kc.ncontexts; i++) {
			bool current = kc.current_context && !strcmp(kc.contexts[i].name, kc.current_context);
			if (current != (pass == 0))
				continue;
			struct endpoint_config *c = &(*cfgs)[n++];
			c->name = xstrdup(kc.contexts[i].name);
			c->backend = xstrdup("kubernetes");
			c->on_demand = !current;
			endpoint_config_set(c, "context", kc.contexts[i].name);
		}
	kubeconfig_cleanup(&kc);
	return n;
}

static void kube_retry(struct endpoint *ep)
{
	struct kube *k = ep->priv;
	if (!k || !k->creds)
		return;
	backoff_healthy(&k->backoff);
	if (k->phase == K_IDLE) {
		timer_disarm(k->retry);
		ep->retry_at_ms = 0;
		kube_connect(k);
	} else if (k->phase == K_LIVE) {
		kube_watch_retry_now(k);
	}
}

static const struct backend_scope scope = {
	.name = "namespace",
	.commands = scope_commands,
	.kind = KIND_NAMESPACES,
	.get = kube_get_namespace,
	.set = kube_set_namespace,
};

const struct backend_ops kube_backend = {
	.abi = BACKEND_ABI_VERSION,
	.name = "kubernetes",
	.aliases = aliases,
	.description = "Kubernetes API server (any conformant cluster, EKS included)",
	.views = kube_views,
	.default_kind = KIND_PODS,
	.caps = BACKEND_LOGS_PREVIOUS,
	.options = options,
	.scope = &scope,
	.discover = kube_discover,
	.open = kube_open,
	.close = kube_close,
	.watch = kube_watch,
	.inspect = kube_inspect,
	.describe = kube_describe,
	.actions = kube_actions,
	.act = kube_act,
	.exec = kube_exec,
	.logs = kube_logs,
	.logs_stop = kube_logs_stop,
	.drill = kube_view_drill,
	.events_of = kube_view_events_of,
	.health_watch = kube_health_watch,
	.health = kube_health,
	.catalog = kube_catalog,
	.select = kube_select,
	.edit_get = kube_edit_get,
	.edit_apply = kube_edit_apply,
	.act_text = kube_act_text,
	.retry = kube_retry,
};
