/* internal.h: the Docker backend's shared state, seen only by the files of
 * backends/docker (connection life cycle, actions, exec, logs, pull). */
#ifndef BINNACLE_DOCKER_INTERNAL_H
#define BINNACLE_DOCKER_INTERNAL_H

#include "backends/docker/decode.h"
#include "backends/docker/docker.h"
#include "backends/net/backoff.h"
#include "backends/model/listguard.h"
#include "backends/net/calls.h"
#include "backends/net/http.h"
#include "backends/net/liveness.h"
#include "backends/net/timer.h"
#include "backends/util/lines.h"

enum docker_phase { PH_IDLE, PH_PINGING, PH_LIVE };

/* Samples kept per container for the stats panel: 4 minutes at 2 s. */
#define DOCKER_HISTORY 120

struct stats_slot {
	char id[80];
	struct docker_cpu_sample sample;
	struct figure_sample hist[DOCKER_HISTORY]; /* a ring, oldest at hstart */
	size_t hstart, hn;
};

/* the kinds listed by the engine itself, each with its own list retry */
#define DOCKER_NKINDS 5

struct docker {
	struct endpoint *ep;
	struct http_target target;
	bool own_tunnel;  /* ssh://: the target's tunnel is ours to free */
	char *ssh_dest;   /* ssh://: [user@]host[:port], where node shells go by default */
	char prefix[24]; /* "/v1.41" */
	enum docker_phase phase;
	struct backoff backoff; /* reconnects */
	bool watch_containers, watch_images, watch_nodes;
	bool watch_volumes, watch_networks, watch_projects;
	bool extras_dirty; /* volumes or networks changed, or who uses them */
	struct timer *retry, *flush, *stats_tick;
	/* a list that failed (an error answer, a body that does not decode) is
	 * asked again in its own backoff: containers, images, the engine host,
	 * volumes, networks (the order of docker.c's kinds) */
	struct backoff list_backoff[DOCKER_NKINDS];
	struct timer *list_retry[DOCKER_NKINDS];
	/* a full list unanswered 15 s shows its rows stale (listguard.h) */
	struct listguard lists;
	struct listguard_call list_out[DOCKER_NKINDS];
	struct call *list_call[DOCKER_NKINDS]; /* the full list in flight: a newer one replaces it */
	struct call *ping, *events; /* the connection itself: in the list like the rest */
	struct lines evlines; /* the /events stream, line by line */
	char events_why[ERRLEN]; /* why binnacle ended the stream itself; "" = it did not */
	struct calls calls; /* in-flight requests other than ping and events */
	struct liveness live; /* a quiet event stream: still fed? */
	/* the engine's clock: engine_s seconds (from an event or the ping's
	 * Date) at mono_ms() engine_mono; 0 = unknown */
	int64_t engine_s, engine_mono;
	int64_t seen_ns;         /* engine time up to which the stream has carried everything it should */
	/* the events since seen_ns, asked for again by the liveness check (eventcheck.c) */
	struct call *replay;
	struct timer *replay_timer;
	struct lines replay_lines;
	int64_t replay_before_ns;
	unsigned replay_missed;
	/* container ids changed by events, fetched together after a short debounce */
	char **dirty;
	size_t ndirty;
	bool images_dirty, info_dirty;
	char *info_body; /* last /info, paired with /version when both arrived */
	char *version_body;
	/* stats of visible rows */
	char **visible;
	size_t nvisible;
	struct stats_slot *samples;
	size_t nsamples;
	unsigned stats_pending;
	struct docker_engine_info info;
};

/* One request in flight with what its callback needs to know. Calls are
 * cancelled together when the connection fails; a call is freed after its
 * callback returns. */
struct call {
	struct calls_req base; /* first: the shared in-flight entry (calls.h) */
	struct docker *d;
	char id[80];
	const char *kind; /* for list calls */
	void (*done)(void *arg, const char *json, const char *error); /* inspect */
	void *arg;
	/* a feature's own context, and how to tell it the connection failed */
	void *ctx;
	void (*on_cancel)(struct call *c, const char *why);
};

/* filters={"type":["container","image","volume","network"]}, URL-encoded: what the event stream follows */
#define DOCKER_EVENT_FILTERS                                                                                   \
	"filters=%7B%22type%22%3A%5B%22container%22%2C%22image%22%2C%22volume%22%2C%22network%22%5D%7D"

/* Asks for the full list of containers or images (docker_on_list decodes it). */
void docker_list_start(struct docker *d, const char *kind);

/* Drops the connection, keeps the data (now stale), and reconnects with backoff. */
void docker_fail(struct docker *d, const char *why);

/* eventcheck.c: the event stream's liveness */
void docker_eventcheck_init(struct docker *d);
void docker_eventcheck_stop(struct docker *d);
void docker_eventcheck_cleanup(struct docker *d);

/* Starts a request on the negotiated API version; the call is freed after
 * its callback returns, or when the connection fails (on_cancel). */
struct call *docker_call_start(struct docker *d, const char *method, const char *path, long timeout_ms,
			       http_done_fn fn, const char *id);
/* The same in two steps, to add a body (calls_body) or a stream handler
 * (calls_stream) before it goes. */
struct call *docker_call_new(struct docker *d, const char *method, const char *path, long timeout_ms,
			     http_done_fn fn, const char *id);
struct call *docker_call_go(struct call *c);
/* Stops a call without its callbacks and frees it; NULL is fine. */
void docker_call_cancel(struct call *c);
bool docker_ok(const struct http_result *res);
/* The sentence for a failed request: transport error or the engine's message. */
void docker_result_error(const struct http_result *res, char *err, size_t errlen);

/* The callback of a full list call (c->kind says which table). */
void docker_on_list(void *arg, const struct http_result *res);

/* stats.c: per-row figures of the visible containers, and their history */
void docker_stats_round(void *arg);
void docker_visible(struct endpoint *ep, const char *kind, const char *const *ids, size_t n);
size_t docker_history(struct endpoint *ep, const char *kind, const char *id, struct figure_sample *out, size_t max);
/* describe.c */
void docker_describe(struct endpoint *ep, const char *kind, const char *id,
		     void (*done)(void *arg, const char *text, const char *error), void *arg);

/* extras.c: volumes, networks, compose projects, prune previews */
int docker_decode_volumes(struct store *s, const char *json, size_t len, const char *containers, size_t clen,
			  char *err, size_t errlen);
int docker_decode_networks(struct store *s, const char *json, size_t len, const char *containers, size_t clen,
			   char *err, size_t errlen);
/* The compose projects table from the containers table's labels. */
void docker_projects_refresh(struct store *s);
/* Lists volumes or networks (with their users), or refreshes the projects. */
void docker_extras_list(struct docker *d, const char *kind);
/* What a prune of kind would remove, names comma-separated ("" = nothing). */
void docker_prune_preview(struct endpoint *ep, const char *kind, char *out, size_t outlen);

/* actions.c */
extern const struct backend_action docker_actions[];

/* views.c */
extern const struct view *const docker_views[];
bool docker_view_drill(struct endpoint *ep, const struct view *v, const struct row *r, struct drill *d);
void docker_summary(struct endpoint *ep, char *out, size_t outlen);
/* health.c */
void docker_health_watch(struct endpoint *ep);
void docker_health(struct endpoint *ep, const struct health_sink *sink);
void docker_act(struct endpoint *ep, const struct backend_action *a, const char *id, const char *input,
		action_done_fn done, void *arg);
/* projects.c: a verb (start, stop, restart) on every container of a compose project. */
void docker_project_act(struct docker *d, const char *verb, const char *project, action_done_fn done, void *arg);
void docker_pull(struct endpoint *ep, const char *ref, const char *auth, const struct pull_sink *sink);
/* Pulls of d still looking up their credentials are dropped (it closes). */
void docker_pull_forget(struct docker *d);
/* exec.c */
void docker_exec(struct endpoint *ep, const char *kind, const char *id, const struct exec_opts *o,
		 void (*done)(void *arg, struct bstream *s, const char *error), void *arg);
/* logs.c */
void *docker_logs(struct endpoint *ep, const char *kind, const char *id, const struct log_opts *o,
		  const struct log_sink *sink);
void docker_logs_stop(struct endpoint *ep, void *handle);

#endif
