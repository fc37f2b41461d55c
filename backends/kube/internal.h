/* internal.h: the Kubernetes backend's shared state, seen only by the files
 * of backends/kube: the connection, the resources it knows, requests that
 * survive a token expiry, and the per-kind list+watch machinery. */
#ifndef BINNACLE_KUBE_INTERNAL_H
#define BINNACLE_KUBE_INTERNAL_H

#include "backends/backend.h"
#include "backends/kube/creds.h"
#include "backends/net/backoff.h"
#include "backends/net/calls.h"
#include "backends/net/http.h"
#include "backends/net/liveness.h"
#include "backends/kube/kubeconfig.h"
#include "backends/model/listguard.h"
#include "backends/net/timer.h"

#include <json-c/json.h>

struct jnode;

/* A resource kind as the API serves it. */
struct kres {
	const char *kind;     /* store kind: "pods", "jobs", "widgets.lab.example" */
	const char *prefix;   /* "/api/v1" or "/apis/apps/v1" */
	const char *plural;   /* "pods" */
	const char *singular; /* "Pod" (the Kind): for messages and events' involvedObject */
	bool namespaced;
	int ncells;
	/* found by discovery: listed as the server's Table, into its own view */
	bool table;
	bool listable, watchable; /* the server offers list, watch */
	const char *group;        /* "" for the core group */
	struct kview *view;       /* table kinds: the view their rows fill */
};

extern const struct kres kube_resources[];
struct kube;
/* The resource of a store kind: a typed one, else one found by discovery. */
const struct kres *kube_res(struct kube *k, const char *kind);
/* The typed resource of (group, plural), or NULL. */
const struct kres *kube_res_typed(const char *group, const char *plural);

enum kphase { K_IDLE, K_AUTH, K_LIVE };

struct kwatch;
struct kdisc;
struct kube_hpa;
struct kube_forwards;

struct kube {
	struct endpoint *ep;
	struct kube_conn conn;
	struct kube_creds *creds;
	struct http_target target;
	char *ns;              /* namespace listed; NULL = all namespaces */
	enum kphase phase;
	struct backoff backoff; /* reconnects */
	struct timer *retry, *metrics_tick;
	struct timer *node_pods; /* recounts pods per node, at most once a second */
	struct kwatch *watches;
	struct calls calls;
	struct liveness live;  /* quiet watches: is the API server still there? */
	struct listguard lists; /* list pages that do not answer (watch.c) */
	bool metrics;          /* metrics.k8s.io is served */
	bool node_metrics_pending, pod_metrics_pending; /* never a second round on top of a slow one */
	bool want_containers;  /* the pod -> containers drill is open */
	char version[48];
	struct kube_probes *probes; /* health's look at single pods (health.c) */
	struct kdisc *disc;         /* what discovery found (discovery.c) */
	struct kube_hpa *hpa;       /* autoscalers and the workloads they scale (hpa.c) */
	struct kube_forwards *forwards; /* port-forwards running (portforward.c) */
	bool node_pods_waiting; /* the nodes' pod counts are on their way (an extra `get` waits for) */
};

/* ---- requests ---- */

/* A request that is re-sent once with fresh credentials after a 401 (the
 * shared list of calls.h does it, asking kube.c to renew). */
struct kcall {
	struct calls_req base; /* first: the shared in-flight entry */
	struct kube *k;
	void *ctx;
};

/* Builds and starts a request (path includes the query); body may be NULL.
 * done and stream get the kcall as arg. The kcall is freed after done
 * returns, or by kube_call_cancel. */
struct kcall *kube_call(struct kube *k, const char *method, const char *path, const char *body, const char *ctype,
			long timeout_ms, http_done_fn done, http_data_fn stream, void *ctx);
/* The same with an Accept header of its own (a server-side Table, discovery). */
struct kcall *kube_call_accept(struct kube *k, const char *accept, const char *method, const char *path,
			       long timeout_ms, http_done_fn done, http_data_fn stream, void *ctx);
#define KUBE_ACCEPT_TABLE "application/json;as=Table;v=v1;g=meta.k8s.io, application/json"
void kube_call_cancel(struct kcall *c);
bool kube_ok(const struct http_result *res);
/* One sentence for a failed request: transport error, the Status message
 * (401/403 with who we are), or the HTTP status. */
void kube_result_error(struct kube *k, const struct http_result *res, const char *what, char *err, size_t errlen);

/* Connects when idle and not waiting to retry (watches start once live). */
void kube_connect(struct kube *k);
/* A 401 that renewing the credentials did not cure: the whole endpoint is
 * refused, so it is dropped (data kept, stale) and connected again with
 * backoff, the sentence in the header. */
void kube_unauthorized(struct kube *k, const char *why);

/* ---- health (health.c) ---- */
void kube_health_watch(struct endpoint *ep);
void kube_health(struct endpoint *ep, const struct health_sink *sink);
void kube_health_free(struct kube *k);

/* ---- discovery (discovery.c) ---- */

/* Asks the server what it serves (aggregated discovery where offered); the
 * kinds asked for meanwhile are followed once it answers. */
void kube_disc_start(struct kube *k);
/* The catalog slot: NULL until the first answer. */
const struct endpoint_catalog *kube_catalog(struct endpoint *ep);
const struct kres *kube_disc_res(struct kube *k, const char *kind);
/* Every resource found, for walks (namespace switch); NULL-terminated. */
const struct kres *const *kube_disc_all(struct kube *k);
/* A kind not known yet: followed once discovery has answered (and asked
 * again when it is not among what the server served last time). */
void kube_disc_want(struct kube *k, const char *kind);
bool kube_disc_known(struct kube *k);
void kube_disc_free(struct kube *k);

/* ---- server-side tables (gentable.c) ---- */

/* A Table (a list page, or a watch event's object) of resource r into the
 * store table tname: rows upserted, the view's columns set from its column
 * definitions the first time they come. A plain list or object (a server
 * that does not print tables) fills the common cells only. 0, or -1 and a
 * sentence. */
int kube_table_take(struct kube *k, const struct kres *r, const char *tname, const struct jnode *doc, char *err,
		    size_t errlen);
/* The row id of the first object a Table (or plain object) names. */
void kube_table_row_id(const struct kres *r, const struct jnode *doc, char *out, size_t outlen);

/* ---- list + watch (watch.c) ---- */

void kube_watch_start(struct kube *k, const char *kind);
/* A table health follows apart from the views: a kind, cluster-wide whatever
 * the endpoint's namespace, into its own store table, maybe with a selector. */
struct kube_health_feed {
	const char *table; /* the store table it fills */
	const char *kind;  /* the resource */
	const char *query; /* URL-encoded selector, or NULL */
};
#define KUBE_HEALTH_NODES "health:nodes"
#define KUBE_HEALTH_DEPLOYMENTS "health:deployments"
#define KUBE_HEALTH_STATEFULSETS "health:statefulsets"
#define KUBE_HEALTH_DAEMONSETS "health:daemonsets"
#define KUBE_HEALTH_EVENTS "health:warnings"
#define KUBE_HEALTH_PODS "health:pods-not-running"
#define KUBE_HEALTH_PROBED "health:pods-probed"
extern const struct kube_health_feed kube_health_feeds[];
/* Every pod, whatever the namespace, for the nodes' RUNNING counts while
 * the views are narrowed to one namespace. */
#define KUBE_NODE_PODS "nodes:pods"
extern const struct kube_health_feed kube_node_pods_feed;
/* The table the nodes' pod counts come from: the views' pods, or the feed. */
const char *kube_node_pods_table(const struct kube *k);
/* Nodes are followed: their pod counts need every pod (kube.c). */
void kube_watch_node_pods(struct kube *k);
/* The nodes or their pods were listed: counted once both are. */
void kube_node_pods_listed(struct kube *k);
void kube_watch_feed(struct kube *k, const struct kube_health_feed *f);
bool kube_watching(struct kube *k, const char *kind);
/* The view's list of kind narrowed by a label selector (NULL: all again);
 * listed again when it changes. */
void kube_watch_select(struct kube *k, const char *kind, const char *selector);
/* Reconnected: every watch lists again; the namespace changed (scoped_only):
 * those that follow the endpoint's namespace. */
void kube_watch_restart_all(struct kube *k, bool scoped_only);
void kube_watch_stop_all(struct kube *k);
/* The user asked to retry: every watch that is waiting or not live goes again now. */
void kube_watch_retry_now(struct kube *k);
void kube_watch_free_all(struct kube *k); /* at close */
/* k->lists' report: a list page has not answered (its rows are shown stale). */
void kube_watch_list_slow(void *owner, void *ctx, const char *why);
/* Pods changed: the pods-per-node counts are recomputed soon (batched). */
void kube_pods_changed(struct kube *k);
/* Called for every pod the store takes in (containers drill, node counts). */
void kube_watch_pod_seen(struct kube *k, const struct jnode *pod);

/* A value for a field selector (owned): '\\', ',' and '=' escaped as the API
 * server reads them, so a name cannot add a term of its own. */
char *kube_selector_value(const char *v);

/* The path of a kind's collection in the current namespace scope. */
char *kube_collection_path(struct kube *k, const struct kres *r, const char *ns);

/* ---- actions (actions.c), exec (exec.c), logs (logs.c) ---- */

extern const struct backend_action kube_actions[];
void kube_act(struct endpoint *ep, const struct backend_action *a, const char *id, const char *input,
	      action_done_fn done, void *arg);
void kube_exec(struct endpoint *ep, const char *kind, const char *id, const struct exec_opts *o,
	       void (*done)(void *arg, struct bstream *s, const char *error), void *arg);
void *kube_logs(struct endpoint *ep, const char *kind, const char *id, const struct log_opts *o,
		const struct log_sink *sink);
void kube_logs_stop(struct endpoint *ep, void *handle);
/* batch.c: cronjobs run now and suspended, secrets decoded; true when the
 * verb was theirs (done is called then) */
bool kube_batch_act(struct kube *k, const struct backend_action *a, const char *id, const char *input,
		    action_done_fn done, void *arg);
void kube_act_text(struct endpoint *ep, const struct backend_action *a, const char *id, const char *input,
		   edit_text_fn done, void *arg);
/* rollout.c: set image and roll back; the dialogs' values and notes */
bool kube_rollout_act(struct kube *k, const struct backend_action *a, const char *id, const char *input,
		      action_done_fn done, void *arg);
void kube_image_now(const struct row *r, char *out, size_t outlen);
void kube_image_note(const struct row *r, char *out, size_t outlen);
void kube_revision_now(const struct row *r, char *out, size_t outlen);
void kube_revision_note(const struct row *r, char *out, size_t outlen);
/* hpa.c: a scalable kind is followed: its autoscalers are too */
void kube_hpa_follow(struct kube *k, const char *kind);
/* A table changed: the workloads' autoscalers are looked at again soon. */
void kube_hpa_touched(struct kube *k, const char *kind);
void kube_hpa_free(struct kube *k);
void kube_scale_note(const struct row *r, char *out, size_t outlen);
/* portforward.c: forwards to pods' ports on the loopback; stop one */
bool kube_forward_act(struct kube *k, const struct backend_action *a, const char *id, const char *input,
		      action_done_fn done, void *arg);
void kube_forward_free_all(struct kube *k);
/* The forwards' table exists (and is listed: it is local). */
void kube_forward_table(struct kube *k);
/* A forward as JSON for describe (malloc'd); NULL when it is not running. */
char *kube_forward_describe(struct kube *k, const char *id);
void kube_forward_pod_now(const struct row *r, char *out, size_t outlen);
void kube_forward_svc_now(const struct row *r, char *out, size_t outlen);
void kube_forward_note(const struct row *r, char *out, size_t outlen);
/* edit.c */
void kube_edit_get(struct endpoint *ep, const char *kind, const char *id, edit_text_fn done, void *arg);
void kube_edit_apply(struct endpoint *ep, const char *kind, const char *id, const char *text, edit_done_fn done,
		     void *arg);
/* drain.c: kubectl drain's options, as the drain dialog takes them:
 * "grace=-1 timeout=60 delete-emptydir-data=no force=no". */
struct kube_drain_opts {
	long grace;           /* seconds; -1 = each pod's own */
	long timeout_s;       /* how long protected pods are asked again; 0 = no limit */
	bool delete_emptydir; /* pods with emptyDir volumes may go (their data with them) */
	bool force;           /* pods no controller would recreate may go */
};
int kube_drain_parse(const char *text, struct kube_drain_opts *o, char *err, size_t errlen);
/* Cordons node, then evicts its pods as o says; done once at the end. */
void kube_drain(struct kube *k, const char *node, const char *options, action_done_fn done, void *arg);

/* inspect.c: the object as the server has it (JSON), its events after it. */
void kube_inspect(struct endpoint *ep, const char *kind, const char *id,
		  void (*done)(void *arg, const char *json, const char *error), void *arg);

/* describe.c: the object as `kubectl describe` shows it. */
void kube_describe(struct endpoint *ep, const char *kind, const char *id,
		   void (*done)(void *arg, const char *text, const char *error), void *arg);

/* Splits a row id "ns/name" (or "name") into its parts. A container row's id
 * "ns/pod/container" leaves the pod in name and returns the container (a
 * pointer into name); otherwise NULL. */
const char *kube_split_id(const char *id, char *ns, size_t nslen, char *name, size_t namelen);

#endif
