/* internal.h: the registry backend's shared state, seen only by the files
 * of backends/registry: the endpoint's connection and credentials, the
 * request layer that handles authentication, redirects and errors, and
 * the listing and manifest work on top of it. */
#ifndef BINNACLE_REGISTRY_INTERNAL_H
#define BINNACLE_REGISTRY_INTERNAL_H

#include "backends/backend.h"
#include "backends/image/dockerauth.h"
#include "backends/model/listguard.h"
#include "backends/net/backoff.h"
#include "backends/net/calls.h"
#include "backends/net/http.h"
#include "backends/net/timer.h"
#include "backends/registry/kinds.h"
#include "backends/registry/token.h"

extern const struct backend_ops registry_backend, ecr_backend;

enum reg_phase { RP_IDLE, RP_CREDS, RP_PINGING, RP_LIVE };

/* Another server the registry sends requests to: its token realm, or the
 * store a blob redirects to. */
struct reg_origin {
	char *origin; /* "https://auth.example.com" */
	struct http_target target;
	struct calls calls;
	struct reg_origin *next;
};

/* An answer as the request layer hands it on: after authentication and
 * redirects were dealt with. */
struct reg_answer {
	const struct http_result *res; /* for headers; NULL when cancelled */
	long status;
	const char *body;
	size_t len;
	const char *error;  /* one sentence naming the registry; NULL for a 2xx */
	char code[32];      /* the spec's error code, "" when none */
	const char *url;    /* the URL that answered, for relative links */
	bool cancelled;     /* the endpoint closed or its connection failed: only clean up */
};

struct reg;
typedef void (*reg_done_fn)(struct reg *r, void *ctx, const struct reg_answer *a);

enum rq_flags {
	RQ_RAW = 1,      /* no authentication handling: the answer as it comes (ping, token) */
	RQ_NO_AUTH = 2,  /* send no credentials (a blob store on another host) */
};

/* One request as asked, through its token fetch, retries and redirects. */
struct rq {
	struct reg *r;
	char *method, *url; /* url: a path on the registry, or an absolute URL */
	char *accept, *scope, *auth; /* auth: an Authorization line of its own, or NULL */
	char *body;          /* a form body (an OAuth2 token request), or NULL */
	unsigned flags;
	bool auth_retried;
	int redirects;
	long timeout_ms;
	reg_done_fn done;
	void *ctx;
	struct rqcall *call;   /* in flight, NULL while it waits for a token */
	char *waiting_scope;   /* the scope whose token it waits for */
	struct rq *next;
};

struct rqcall {
	struct calls_req base;
	struct rq *rq;
};

/* A token being fetched for a scope; the requests that wait for it. */
struct token_fetch {
	char *scope; /* normal form */
	struct rq *fetch;
	struct token_fetch *next;
};

struct checked {
	char *id;
	int64_t at;    /* mono_ms() of the last fetch */
	bool failed;
	bool busy;     /* a fetch is in flight */
};

struct mcache_entry {
	char digest[96];
	char type[24];
	char *platforms;  /* owned */
	char *digests;    /* owned: itself and its children */
	int64_t size;     /* -1 unknown */
	int64_t created;  /* 0 unknown */
};

struct ecr;
struct reg_failing;

/* One repository's tag listing (or counting) in progress. */
struct page {
	unsigned gen;
	char *repo;
	size_t count;
	int64_t pushed, size; /* the newest push and the sum of sizes, where the registry says */
	bool count_only;
	char *token;          /* ECR's nextToken */
	struct listguard_call lg; /* its request out (stale.c) */
};

/* One tag as a listing gives it; all but the tag may be unknown. */
struct tag_info {
	const char *tag, *digest, *type, *scan;
	int64_t size, pushed;
	bool size_counted; /* another tag of the same image brought its size to the total already */
};

struct reg {
	struct endpoint *ep;
	struct ecr *ecr;         /* an ECR registry (ecr.c), NULL for any other */
	struct http_target target;
	char host[256];          /* as image references name it: "127.0.0.1:5000", "docker.io" */
	bool scheme_given;       /* the URL said http:// or https:// */
	bool tried_http;         /* a loopback registry without a scheme, after HTTPS failed */
	char https_error[ERRLEN]; /* why HTTPS failed then */
	bool http_worked;        /* and plain HTTP did */
	enum reg_phase phase;
	struct backoff backoff;
	struct timer *retry, *poll, *fetch_tick, *health_tick;
	struct calls calls;      /* requests to the registry itself */
	struct reg_origin *origins;
	struct rq *rqs;          /* every request alive */
	struct token_fetch *fetches;
	/* credentials */
	struct registry_cred cred;
	bool cred_configured;    /* from the endpoint's options, not looked up */
	struct dockerauth_req *cred_req;
	char cred_error[ERRLEN]; /* a helper that failed: anonymous meanwhile */
	char *basic;             /* "Authorization: Basic ..." once the registry asked for Basic */
	char *realm, *service;   /* Bearer, from the challenge on /v2/ or a resource */
	struct reg_tokens tokens;
	char auth_kind[16];      /* anonymous, Basic, Bearer: for the header */
	/* what is watched, and the scope */
	bool watch_repos, watch_tags, health_on;
	char *scope;             /* repository; NULL = all */
	char **config_repos;     /* the `repositories` option */
	size_t nconfig_repos;
	bool catalog_off;        /* the catalog is disabled or refused */
	char catalog_why[ERRLEN];
	bool catalog_noted;
	/* listing */
	struct rq *catalog_rq;
	unsigned catalog_gen;    /* a newer listing makes older pages stale */
	unsigned tags_gen;
	char **tag_queue;        /* repositories whose tags are to be listed */
	size_t ntag_queue, tag_queue_pos;
	unsigned tags_running;
	bool tags_pending;       /* a listing waits for the repositories */
	/* manifests of the rows on screen, and tag counts of repositories on screen */
	char **visible;
	size_t nvisible;
	char *visible_kind;
	unsigned fetching;
	struct checked *checked; /* tag rows fetched (or failed) and when */
	size_t nchecked;
	char **counting;         /* repositories whose tags are being counted */
	size_t ncounting;
	struct mcache_entry *cache;
	size_t ncache, cache_next;
	char **configs;          /* config digest → created, as "digest created" */
	size_t nconfigs;
	/* health */
	char ratelimit[96];
	long ratelimit_left, ratelimit_total;
	int64_t last_ok_ms;
	int64_t not_before_ms; /* a 429's or 503's Retry-After: ctrl-r lists no sooner */
	char health_error[ERRLEN];
	/* what is not live and why (stale.c) */
	struct listguard lists;       /* catalog and tag requests that do not answer */
	struct listguard_call catalog_lg;
	char catalog_err[ERRLEN];
	uint64_t catalog_seq, stale_seq;
	struct reg_failing *failing;  /* repositories whose tags failed to list or count */
	size_t nfailing;
};

/* client.c: requests. done runs once: with the answer, or cancelled. */
struct rq *reg_request(struct reg *r, const char *method, const char *url, const char *accept, const char *scope,
		       unsigned flags, reg_done_fn done, void *ctx);
/* The same with an Authorization line of its own (a token fetch with Basic). */
struct rq *reg_request_auth(struct reg *r, const char *method, const char *url, const char *auth, unsigned flags,
			    reg_done_fn done, void *ctx);
/* Stops one request quietly (its done does not run). NULL is fine. */
void reg_cancel(struct rq *q);
/* Every request is told it was cancelled, then dropped. */
void reg_cancel_all(struct reg *r);
/* Sends the Bearer flow's token request for scope ("" for none, as a login
 * check does); done gets the token endpoint's answer. */
struct rq *reg_fetch_token(struct reg *r, const char *scope, reg_done_fn done, void *ctx);
void reg_origins_free(struct reg *r);
/* "repository:NAME:pull" */
char *reg_scope_pull(const char *repo);

/* ecr.c: Amazon ECR (backends/aws) */
extern const struct option_def ecr_options[];
int ecr_open(struct endpoint *ep, const struct endpoint_config *cfg, char *err, size_t errlen);
void ecr_free(struct reg *r);
size_t ecr_discover(struct endpoint_config **cfgs);
void ecr_connect(struct reg *r);
void ecr_stop(struct reg *r);
void ecr_list_repos(struct reg *r);
void ecr_list_images(struct reg *r, struct page *p);
void ecr_delete(struct reg *r, const char *repo, const char *tag, const char *digest,
		void (*done)(struct reg *r, void *ctx, const char *error), void *ctx);
void ecr_health(struct reg *r, const struct health_sink *sink);

/* registry.c */
/* The endpoint's state once its target is known (reg_open, ecr_open). */
void reg_setup(struct endpoint *ep, struct reg *r);
/* GET /v2/ with the credentials held: the connection's last step. */
void reg_ping(struct reg *r);
/* The Basic header of the credentials held (r->basic). */
void reg_set_basic(struct reg *r);
void reg_fail(struct reg *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The header's words: API, authentication, user, catalog, scope. */
void reg_set_product(struct reg *r);
/* A request answered: remember the registry's rate-limit headers. */
void reg_note_answer(struct reg *r, const struct reg_answer *a);
/* The repository part of a tag row id ("lab/app" of "lab/app:1.0"), owned. */
char *reg_tag_repo(const char *id);

/* lists.c: the catalog, the tags of the repositories in scope, tag counts */
void reg_list_repos(struct reg *r);
void reg_page_free(struct page *p);
/* A repository row (the registry's own word on where it comes from wins
 * over "in use"), and the end of a listing of them. */
struct row *reg_repo_add(struct reg *r, struct rtable *t, const char *name, const char *origin);
void reg_repos_done(struct reg *r, struct rtable *t);
/* Tags as they arrive, and the end of the repository's listing (error:
 * a sentence; transport: the registry could not be reached). */
void reg_tags_add(struct reg *r, struct page *p, const struct tag_info *t);
void reg_tags_done(struct reg *r, struct page *p, const char *error, bool transport);
void reg_list_tags(struct reg *r);
void reg_count_tags(struct reg *r, const char *repo);
void reg_lists_stop(struct reg *r);

/* stale.c: which tables are not live, and why. why "" or NULL: it answered. */
void reg_stale_init(struct reg *r);
void reg_stale_free(struct reg *r);
void reg_stale_catalog(struct reg *r, const char *why);
/* A repository's tags: listed (listing), or only counted. */
void reg_stale_tags(struct reg *r, const char *repo, bool listing, const char *why);
/* Its count is old: worth counting again. */
bool reg_stale_count(struct reg *r, const char *repo);
/* The tag rows went (a new scope): the reasons they were old too. */
void reg_stale_scope_changed(struct reg *r);
/* After a catalog listing: repositories no longer there are forgotten. */
void reg_stale_prune(struct reg *r);
/* A request of p (NULL: of the catalog) goes out: one that has not
 * answered in 15 s makes what it would refresh stale. */
void reg_stale_out(struct reg *r, struct page *p);

/* manifests.c: what the rows on screen need from their manifests */
void reg_fetch_visible(struct reg *r);
/* ctrl-r and the slow timer: the repositories on screen are counted again. */
void reg_recount_visible(struct reg *r);
/* lists.c tells when a repository's tags were counted (or could not be). */
void reg_counted(struct reg *r, const char *repo, bool ok);
void reg_cache_free(struct reg *r);
/* The connection dropped: nothing is in flight any more. */
void reg_fetches_reset(struct reg *r);

/* inspect.c */
void reg_inspect(struct endpoint *ep, const char *kind, const char *id,
		 void (*done)(void *arg, const char *json, const char *error), void *arg);

/* actions.c */
extern const struct backend_action reg_actions[];
void reg_act(struct endpoint *ep, const struct backend_action *a, const char *id, const char *input,
	     action_done_fn done, void *arg);
int reg_pull_source(struct endpoint *ep, const char *kind, const char *id, char *ref, size_t reflen, char **auth,
		    char *err, size_t errlen);

/* views.c */
extern const struct view *const reg_views[];
void reg_summary(struct endpoint *ep, char *out, size_t outlen);
bool reg_image_home(struct endpoint *ep, const char *ref, struct drill *d);

/* health.c */
void reg_health_watch(struct endpoint *ep);
void reg_health(struct endpoint *ep, const struct health_sink *sink);

/* target.c: the registry's address, TLS material and discovery */
int reg_target_from_config(const struct endpoint_config *cfg, struct reg *r, char *err, size_t errlen);
size_t reg_discover(struct endpoint_config **cfgs);

#endif
