/* internal.h: the Kubernetes backend's shared state, seen only by the files
 * of backends/kube: the connection, the resources it knows, requests that
 * survive a token expiry, and the per-kind list+watch machinery. */
#ifndef BINNACLE_KUBE_INTERNAL_H
#define BINNACLE_KUBE_INTERNAL_H

#include "backends/backend.h"
#include "backends/kube/creds.h"
#include "backends/net/http.h"
#include "backends/kube/kubeconfig.h"
#include "backends/net/timer.h"

#include <json-c/json.h>

/* A resource kind as the API serves it. */
struct kres {
	const char *kind;     /* store kind: "pods" */
	const char *prefix;   /* "/api/v1" or "/apis/apps/v1" */
	const char *plural;   /* "pods" */
	const char *singular; /* "Pod": for messages and events' involvedObject */
	bool namespaced;
	int ncells;
};

const struct kres *kube_res(const char *kind);
extern const struct kres kube_resources[];

enum kphase { K_IDLE, K_AUTH, K_LIVE };

struct kwatch;

struct kube {
	struct endpoint *ep;
	struct kube_conn conn;
	struct kube_creds *creds;
	struct http_target target;
	char *ns;              /* namespace listed; NULL = all namespaces */
	enum kphase phase;
	int64_t backoff_ms;
	struct timer *retry, *metrics_tick;
	struct timer *node_pods; /* recounts pods per node, at most once a second */
	struct kwatch *watches;
	struct kcall *calls;
	bool metrics;          /* metrics.k8s.io is served */
	bool want_containers;  /* the pod -> containers drill is open */
	char version[48];
};

/* ---- requests ---- */

/* A request that is re-sent once with fresh credentials after a 401. */
struct kcall {
	struct kube *k;
	struct http_req *req;
	char *method, *path, *body, *ctype;
	long timeout_ms;
	http_done_fn done;   /* gets the kcall as arg */
	http_data_fn stream; /* streaming body (watches, logs), gets the kcall */
	void *ctx;
	bool retried;
	void (*on_cancel)(struct kcall *c, const char *why);
	struct kcall *next;
};

/* Builds and starts a request (path includes the query); body may be NULL.
 * The kcall is freed after done returns, or by kube_call_cancel. */
struct kcall *kube_call(struct kube *k, const char *method, const char *path, const char *body, const char *ctype,
			long timeout_ms, http_done_fn done, http_data_fn stream, void *ctx);
void kube_call_cancel(struct kcall *c);
bool kube_ok(const struct http_result *res);
/* One sentence for a failed request: transport error, the Status message
 * (401/403 with who we are), or the HTTP status. */
void kube_result_error(struct kube *k, const struct http_result *res, const char *what, char *err, size_t errlen);

/* ---- list + watch (watch.c) ---- */

void kube_watch_start(struct kube *k, const char *kind);
bool kube_watching(struct kube *k, const char *kind);
void kube_watch_restart_all(struct kube *k); /* namespace changed or reconnected */
void kube_watch_stop_all(struct kube *k);
void kube_watch_free_all(struct kube *k); /* at close */
/* Pods changed: the pods-per-node counts are recomputed soon (batched). */
void kube_pods_changed(struct kube *k);
/* Called for every pod the store takes in (containers drill, node counts). */
void kube_watch_pod_seen(struct kube *k, struct json_object *pod);

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

/* Splits a row id "ns/name" (or "name") into its parts. A container row's id
 * "ns/pod/container" leaves the pod in name and returns the container (a
 * pointer into name); otherwise NULL. */
const char *kube_split_id(const char *id, char *ns, size_t nslen, char *name, size_t namelen);

#endif
