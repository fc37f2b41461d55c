/* internal.h: the ECS backend's shared state, seen only by the files of
 * backends/ecs: the AWS client of the endpoint (one profile and region),
 * the scope (one cluster, or all), what is followed and what is on screen,
 * and the polling rounds that keep it live. */
#ifndef BINNACLE_ECS_INTERNAL_H
#define BINNACLE_ECS_INTERNAL_H

#include "backends/aws/client.h"
#include "backends/backend.h"
#include "backends/ecs/decode.h"
#include "backends/ecs/strset.h"
#include "backends/model/listguard.h"
#include "backends/net/backoff.h"
#include "backends/net/timer.h"

/* The lists a round refreshes; a kind on screen maps to one of these. */
enum ecs_list { EL_CLUSTERS, EL_SERVICES, EL_TASKS, EL_NODES, EL_TASKDEFS, EL_COUNT };

enum ecs_phase { EP_IDLE, EP_REGION, EP_LIVE };

struct ecs_round;

struct ecs {
	struct endpoint *ep;
	struct aws_client *aws;
	char *profile_opt, *region_opt; /* as configured (NULL = the chain's) */
	char *cluster;                  /* the scope: NULL = every cluster */
	unsigned scope_gen;             /* bumped when the scope changes: older answers are dropped */
	enum ecs_phase phase;
	bool eks;                       /* look for EKS clusters of the account */
	bool eks_done;
	char account[16];               /* from the ARNs */
	/* what is followed */
	bool want[EL_COUNT];
	bool want_containers, want_events;
	enum ecs_list hot;              /* the list on screen (or EL_COUNT: none) */
	bool hot_containers, hot_events;
	struct strset visible;          /* row ids on screen */
	bool taskdef_extras;            /* on-screen task definitions being described (ep->extras_pending) */
	struct strset events_for;       /* services whose events were asked for (`e`) */
	/* polling */
	int64_t hot_ms, cold_ms;        /* how often the list on screen, and the others, refresh */
	int64_t due[EL_COUNT];          /* mono ms the next round of a list may start; 0 = now */
	int64_t last_full[EL_COUNT];    /* when a round last described everything */
	bool force_full[EL_COUNT];
	struct ecs_round *round[EL_COUNT];
	bool ever_listed[EL_COUNT];
	struct ecs_cluster_info *clusters; /* the last clusters round's, in scope or not */
	size_t nclusters;
	bool clusters_known;
	struct timer *tick, *retry;
	struct backoff backoff;
	/* a list whose rounds keep failing (5xx, throttling that outlasted the
	 * client's tries, a body that is not JSON) is asked again in its own
	 * backoff, not at its polling pace */
	struct backoff round_backoff[EL_COUNT];
	/* round calls on the wire that do not answer make their list stale (poll.c) */
	struct listguard lists;
	/* calls outside the rounds (actions, describe, exec, logs), cancelled at close */
	struct ecs_xcall *extra;
	void *logs;   /* the log streams open (logs.c) */
	struct aws_region_fetch *region_fetch;
	char **eks_seen; /* EKS clusters offered already */
	size_t neks_seen;
};

/* ---- polling (poll.c) ---- */

/* The list a kind is refreshed by (containers: tasks; events: services). */
enum ecs_list ecs_list_of(const char *kind);
void ecs_poll_start(struct ecs *e);
/* Frees every round (at close; not from inside a round's callback). */
void ecs_poll_stop(struct ecs *e);
/* Stops every round after a failure, from anywhere (a round's own answer
 * included): calls cancelled, answers in flight ignored. */
void ecs_poll_abort(struct ecs *e);
/* Something worth seeing soon: the list's next round starts at once (or
 * right after the one in flight). full: it describes everything again. */
void ecs_poll_soon(struct ecs *e, enum ecs_list l, bool full);
/* The scope changed: rounds in flight are dropped, scoped rows of other
 * clusters go. */
void ecs_poll_scope_changed(struct ecs *e);
/* e->lists' report: a round's call has been on the wire unanswered too
 * long; the rows of its list are shown stale until the round ends. */
void ecs_poll_slow(void *owner, void *ctx, const char *why);
/* The clusters the rounds cover: the scope, or every known one. */
size_t ecs_scope_clusters(struct ecs *e, const char ***names);

/* ---- the connection (ecs.c) ---- */

/* A failure that makes the data stale (auth or transport): the rounds
 * stop and the connection is retried with backoff. */
void ecs_fail(struct ecs *e, const struct aws_response *r);
/* The first good answer after a failure. */
void ecs_live(struct ecs *e);

/* ---- calls that are not rounds: actions, inspect, exec, logs ---- */

/* A call the endpoint keeps until it answers (so close cancels it, without
 * its callback). done gets the response. */
struct ecs_xcall;
struct ecs_xcall *ecs_call(struct ecs *e, const struct aws_service *svc, const char *op, const char *body,
			   unsigned flags, aws_done_fn done, void *arg);
/* The REST form (EKS). */
struct ecs_xcall *ecs_call_rest(struct ecs *e, const struct aws_service *svc, const char *op, const char *method,
				const char *path, aws_done_fn done, void *arg);
/* Stops it without its callback; NULL is fine. */
void ecs_call_cancel(struct ecs_xcall *x);
/* The call's arg is a plain allocation its callback frees: a cancelled
 * call (the endpoint closing) frees it instead. */
void ecs_call_owns_arg(struct ecs_xcall *x);

/* ---- actions (actions.c), inspect (inspect.c), health (health.c) ---- */

extern const struct backend_action ecs_actions[];
void ecs_act(struct endpoint *ep, const struct backend_action *a, const char *id, const char *input,
	     action_done_fn done, void *arg);
void ecs_inspect(struct endpoint *ep, const char *kind, const char *id,
		 void (*done)(void *arg, const char *json, const char *error), void *arg);
void ecs_health_watch(struct endpoint *ep);
void ecs_health(struct endpoint *ep, const struct health_sink *sink);

/* ---- exec (exec.c), logs (logs.c), EKS (eks.c) ---- */

void ecs_exec(struct endpoint *ep, const char *kind, const char *id, const struct exec_opts *o,
	      void (*done)(void *arg, struct bstream *s, const char *error), void *arg);
void *ecs_logs(struct endpoint *ep, const char *kind, const char *id, const struct log_opts *o,
	       const struct log_sink *sink);
void ecs_logs_stop(struct endpoint *ep, void *handle);
void ecs_logs_close_all(struct ecs *e);
/* Lists the EKS clusters of the account and region and offers each as a
 * Kubernetes endpoint (endpoint_add_found). */
void ecs_eks_discover(struct ecs *e);

/* ---- views (views/views.c) ---- */

extern const struct view *const ecs_views[];
bool ecs_view_drill(struct endpoint *ep, const struct view *v, const struct row *r, struct drill *d);
bool ecs_view_events_of(struct endpoint *ep, const struct view *v, const struct row *r, struct drill *d);
void ecs_summary(struct endpoint *ep, char *out, size_t outlen);

/* Splits a row id "cluster/rest" into its cluster and the rest (a pointer
 * into id); false when it has no '/'. */
bool ecs_split_id(const char *id, char *cluster, size_t clen, const char **rest);
/* JSON string escaping for request bodies (owned, with the quotes). */
char *ecs_json_str(const char *s);
/* A JSON array of strings ["a","b"] for n items (owned). */
char *ecs_json_array(char *const *items, size_t n);

#endif
