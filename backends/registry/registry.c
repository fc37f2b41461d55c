/* registry.c: the registry backend's life cycle (Docker Registry HTTP API
 * v2 / OCI distribution). Connect = find the credentials (the endpoint's
 * own, else docker's and podman's logins, a credential helper run when
 * they say so), then GET /v2/: its answer says whether the registry is
 * open, wants Basic, or hands out Bearer tokens, and a login is checked
 * there once. Then the watched kinds are listed: repositories from the
 * catalog (or, where the catalog is off, from the configuration and the
 * images the other endpoints use), tags of the repository in scope (or of
 * every one), and manifests only for the rows on screen. Registries have
 * no event stream: lists are looked at again on a slow timer. Any failure
 * reaching the registry marks the data stale and reconnects with
 * backoff. */
#include "backends/registry/internal.h"
#include "backends/codec/crypto.h"
#include "backends/image/imageref.h"
#include "backends/registry/challenge.h"
#include "backends/registry/regerr.h"
#include "backends/util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 60000
/* how often lists are looked at again: the repository in scope, the rest */
#define POLL_SCOPED_MS 60000
#define POLL_ALL_MS 600000

static const char *const aliases[] = {"oci", "docker-registry", NULL};
static const char *const scope_commands[] = {"repo", "repository", NULL};

static const struct option_def options[] = {
	{"url", OPT_STRING, "the registry: https://host[:port], http://host:port, or host[:port]"},
	{"username", OPT_STRING, "the user to log in as (else docker's and podman's logins are used)"},
	{"password", OPT_STRING, "its password or token"},
	{"ca_file", OPT_PATH, "a CA certificate (PEM) the registry's certificate is checked against"},
	{"insecure", OPT_BOOL, "do not verify the registry's TLS certificate"},
	{"plain_http", OPT_BOOL, "speak plain HTTP to it"},
	{"repositories", OPT_STRING, "repositories to show when the registry has no catalog (comma-separated)"},
	{NULL, 0, NULL},
};

static void connect_start(struct reg *r);

/* ---- failures ---- */

static void drop_connection(struct reg *r)
{
	r->phase = RP_IDLE;
	reg_lists_stop(r);
	reg_cancel_all(r);
	dockerauth_cancel(r->cred_req);
	r->cred_req = NULL;
	reg_fetches_reset(r);
	ecr_stop(r);
	if (r->basic)
		memset(r->basic, 0, strlen(r->basic));
	free(r->basic);
	r->basic = NULL;
	tokens_clear(&r->tokens);
}

void reg_fail(struct reg *r, const char *fmt, ...)
{
	char msg[ERRLEN];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	drop_connection(r);
	endpoint_fail(r->ep, "%s", msg);
	int64_t wait = backoff_next(&r->backoff);
	log_msg("registry %s: %s; retrying in %lldms", r->ep->name, msg, (long long)wait);
	timer_arm(r->retry, wait);
}

static void fail_auth(struct reg *r, const char *msg)
{
	drop_connection(r);
	endpoint_fail_auth(r->ep, "%s", msg);
	/* credentials do not mend themselves quickly: a slow retry picks up a new login */
	timer_arm(r->retry, BACKOFF_MAX_MS);
}

void reg_note_answer(struct reg *r, const struct reg_answer *a)
{
	if (!a->res || !a->res->req)
		return;
	const char *limit = http_result_header(a->res, "RateLimit-Limit");
	char lim[64] = "";
	snprintf(lim, sizeof(lim), "%s", limit ? limit : "");
	const char *left = http_result_header(a->res, "RateLimit-Remaining");
	if (lim[0] && left) {
		regerr_ratelimit_text(lim, left, r->ratelimit, sizeof(r->ratelimit));
		r->ratelimit_total = strtol(lim, NULL, 10);
		r->ratelimit_left = strtol(left, NULL, 10);
	}
	if (!a->res->error)
		r->last_ok_ms = mono_ms();
	const char *after = http_result_header(a->res, "Retry-After");
	int64_t wait = after && (a->res->status == 429 || a->res->status == 503) ? backoff_parse_retry_after(after) : -1;
	if (wait > 0)
		r->not_before_ms = mono_ms() + wait;
}

char *reg_tag_repo(const char *id)
{
	const char *colon = strrchr(id, ':');
	return colon ? xstrndup(id, (size_t)(colon - id)) : xstrdup(id);
}

/* ---- connecting ---- */

void reg_set_product(struct reg *r)
{
	const char *who = r->cred.username && *r->cred.username ? r->cred.username : r->cred.identity_token ? "token" : "";
	snprintf(r->ep->product, sizeof(r->ep->product), "Registry v2 · %s%s%s%s%s%.40s", r->auth_kind[0] ? r->auth_kind : "open",
		 *who ? " " : "", who, r->catalog_off ? " · no catalog" : "", r->scope ? " · repo " : "",
		 r->scope ? r->scope : "");
}

static void go_live(struct reg *r)
{
	r->phase = RP_LIVE;
	r->http_worked = r->tried_http;
	backoff_healthy(&r->backoff);
	reg_set_product(r);
	listguard_who(&r->lists, r->host);
	endpoint_ready(r->ep);
	if (r->watch_repos || r->watch_tags)
		reg_list_repos(r);
	if (r->watch_tags)
		reg_list_tags(r);
	timer_arm(r->poll, r->scope ? POLL_SCOPED_MS : POLL_ALL_MS);
	if (r->nvisible)
		timer_arm(r->fetch_tick, 0);
}

static void on_login_check(struct reg *r, void *ctx, const struct reg_answer *a)
{
	(void)ctx;
	if (a->cancelled)
		return;
	if (a->status == 200) {
		go_live(r);
		return;
	}
	if (a->res && a->res->error) {
		reg_fail(r, "the token server of %s cannot be reached: %s", r->host, a->res->error);
		return;
	}
	char code[32], msg[ERRLEN], sentence[ERRLEN * 2];
	regerr_decode(a->status, a->body, a->len, code, sizeof(code), msg, sizeof(msg));
	snprintf(sentence, sizeof(sentence), "the token server of %.80s refused the login of %.60s (from %.100s): %.200s", r->host,
		 r->cred.username ? r->cred.username : "the identity token", r->cred.source, msg);
	if (a->status == 401 || a->status == 403)
		fail_auth(r, sentence);
	else
		reg_fail(r, "%s", sentence);
}

static void ping(struct reg *r);

static void on_ping(struct reg *r, void *ctx, const struct reg_answer *a)
{
	bool with_basic = ctx != NULL;
	if (a->cancelled)
		return;
	if (a->res && a->res->error) {
		/* docker's rule for a loopback registry given without a scheme: HTTP after HTTPS */
		if (!r->scheme_given && !r->tried_http && imageref_loopback(r->host) &&
		    str_starts(r->target.base_url, "https://")) {
			r->tried_http = true;
			snprintf(r->https_error, sizeof(r->https_error), "%s", a->res->error);
			char *plain = xasprintf("http://%s", r->target.base_url + 8);
			free(r->target.base_url);
			r->target.base_url = plain;
			free(r->target.display);
			r->target.display = xstrdup(plain);
			free(r->ep->address);
			r->ep->address = xstrdup(plain);
			log_msg("registry %s: HTTPS failed (%s); trying HTTP", r->ep->name, a->res->error);
			ping(r);
			return;
		}
		backoff_from_result(&r->backoff, a->res);
		if (r->tried_http && r->https_error[0])
			reg_fail(r, "%s (and over plain HTTP: %s)", r->https_error, a->res->error);
		else
			reg_fail(r, "%s", a->res->error);
		return;
	}
	if (a->status == 200) {
		if (!with_basic && !r->realm)
			snprintf(r->auth_kind, sizeof(r->auth_kind), "%s", "");
		go_live(r);
		return;
	}
	char code[32], msg[ERRLEN];
	regerr_decode(a->status, a->body, a->len, code, sizeof(code), msg, sizeof(msg));
	if (a->status == 401 && !with_basic) {
		struct challenge ch[4];
		int n = 0;
		char *line;
		for (unsigned i = 0; n < 4 && (line = http_result_header_nth(a->res, "WWW-Authenticate", i)); i++) {
			int got = challenge_parse(line, ch + n, (size_t)(4 - n));
			free(line);
			if (got > 0)
				n += got;
		}
		const struct challenge *bearer = challenge_find(ch, (size_t)n, "bearer");
		const struct challenge *basic = challenge_find(ch, (size_t)n, "basic");
		if (bearer && challenge_param(bearer, "realm")) {
			free(r->realm);
			free(r->service);
			r->realm = xstrdup(challenge_param(bearer, "realm"));
			r->service = xstrdup(challenge_param(bearer, "service"));
			snprintf(r->auth_kind, sizeof(r->auth_kind), "Bearer");
		} else if (basic) {
			snprintf(r->auth_kind, sizeof(r->auth_kind), "Basic");
		}
		for (int i = 0; i < n; i++)
			challenge_cleanup(&ch[i]);
		if (bearer && r->realm) {
			/* a login is checked now, as docker login does: a token for no scope */
			if (registry_cred_present(&r->cred))
				reg_fetch_token(r, "", on_login_check, NULL);
			else
				go_live(r);
			return;
		}
		if (basic && r->cred.username) {
			ping(r); /* again, with the password */
			return;
		}
		if (basic) {
			char s[ERRLEN * 2];
			snprintf(s, sizeof(s), "%.80s asks for a user and password, and none is configured or in docker's or podman's logins%s%.200s",
				 r->host, r->cred_error[0] ? " (" : "", r->cred_error);
			if (r->cred_error[0])
				strncat(s, ")", sizeof(s) - strlen(s) - 1);
			fail_auth(r, s);
			return;
		}
		reg_fail(r, "%s answers 401 without a challenge binnacle knows: %s", r->host, msg);
		return;
	}
	if (a->status == 401 || a->status == 403) {
		char s[ERRLEN * 2];
		snprintf(s, sizeof(s), "%.80s refused the login of %.60s (from %.100s): %.200s", r->host,
			 r->cred.username ? r->cred.username : "?", r->cred.source, msg);
		fail_auth(r, s);
		return;
	}
	if (a->status == 404) {
		reg_fail(r, "%s does not serve the registry API (GET /v2/ is 404)", r->target.base_url);
		return;
	}
	backoff_from_result(&r->backoff, a->res);
	if (r->tried_http && r->https_error[0] && a->status == 400)
		/* an HTTPS server answering plain HTTP: the TLS failure is the news */
		reg_fail(r, "%s", r->https_error);
	else
		reg_fail(r, "%s", a->error ? a->error : msg);
}

void reg_set_basic(struct reg *r)
{
	char *plain = xasprintf("%s:%s", r->cred.username ? r->cred.username : "", r->cred.secret ? r->cred.secret : "");
	char *b64 = crypto_base64_encode(plain, strlen(plain));
	if (r->basic)
		memset(r->basic, 0, strlen(r->basic));
	free(r->basic);
	r->basic = xasprintf("Authorization: Basic %s", b64);
	memset(plain, 0, strlen(plain));
	memset(b64, 0, strlen(b64));
	free(plain);
	free(b64);
}

static void ping(struct reg *r)
{
	r->phase = RP_PINGING;
	if (strcmp(r->auth_kind, "Basic") || !r->cred.username) {
		reg_request(r, "GET", "/v2/", NULL, NULL, RQ_RAW, on_ping, NULL);
		return;
	}
	/* the registry asked for Basic: every request carries it from now on */
	reg_set_basic(r);
	reg_request_auth(r, "GET", "/v2/", r->basic, RQ_RAW, on_ping, r);
}

void reg_ping(struct reg *r)
{
	ping(r);
}

static void on_creds(void *arg, const struct registry_cred *cred, const char *error)
{
	struct reg *r = arg;
	r->cred_req = NULL;
	registry_cred_cleanup(&r->cred);
	registry_cred_copy(&r->cred, cred);
	snprintf(r->cred_error, sizeof(r->cred_error), "%s", error ? error : "");
	if (error)
		endpoint_note(r->ep, NOTE_WARN, "%s: no login for %s, going anonymous: %s", r->ep->name, r->host, error);
	ping(r);
}

static void connect_start(struct reg *r)
{
	if (r->phase != RP_IDLE)
		return;
	if (r->tried_http && !r->http_worked && str_starts(r->target.base_url, "http://")) {
		/* neither worked last time: HTTPS first again, as docker does */
		char *tls = xasprintf("https://%s", r->target.base_url + 7);
		free(r->target.base_url);
		r->target.base_url = tls;
		free(r->target.display);
		r->target.display = xstrdup(tls);
		r->tried_http = false;
	}
	r->phase = RP_CREDS;
	r->auth_kind[0] = '\0';
	free(r->realm);
	free(r->service);
	r->realm = r->service = NULL;
	if (r->ecr) {
		ecr_connect(r);
		return;
	}
	if (r->cred_configured) {
		ping(r);
		return;
	}
	r->cred_req = dockerauth_lookup(r->host, NULL, on_creds, r);
}

static void on_retry(void *arg)
{
	connect_start(arg);
}

static void on_poll(void *arg)
{
	struct reg *r = arg;
	if (r->phase != RP_LIVE)
		return;
	timer_arm(r->poll, r->scope ? POLL_SCOPED_MS : POLL_ALL_MS);
	if (r->watch_repos)
		reg_list_repos(r);
	if (r->watch_tags)
		reg_list_tags(r);
	/* the counts on screen are as old as their last look */
	reg_recount_visible(r);
}

static void on_fetch_tick(void *arg)
{
	struct reg *r = arg;
	if (r->phase == RP_LIVE)
		reg_fetch_visible(r);
}

/* ---- ops ---- */

static int reg_open(struct endpoint *ep, const struct endpoint_config *cfg, char *err, size_t errlen)
{
	struct reg *r = xcalloc(1, sizeof(*r));
	if (reg_target_from_config(cfg, r, err, errlen) < 0) {
		registry_cred_cleanup(&r->cred);
		free(r);
		return -1;
	}
	reg_setup(ep, r);
	return 0;
}

void reg_setup(struct endpoint *ep, struct reg *r)
{
	r->ep = ep;
	backoff_init(&r->backoff, BACKOFF_MIN_MS, BACKOFF_MAX_MS);
	calls_init(&r->calls, &r->target, r);
	r->retry = timer_new(on_retry, r);
	r->poll = timer_new(on_poll, r);
	r->fetch_tick = timer_new(on_fetch_tick, r);
	reg_stale_init(r);
	ep->priv = r;
	ep->address = xstrdup(r->target.base_url);
	snprintf(ep->product, sizeof(ep->product), "connecting…");
}

static void reg_close(struct endpoint *ep)
{
	struct reg *r = ep->priv;
	if (!r)
		return;
	drop_connection(r);
	reg_stale_free(r);
	ecr_free(r);
	calls_cleanup(&r->calls);
	reg_origins_free(r);
	timer_free(r->retry);
	timer_free(r->poll);
	timer_free(r->fetch_tick);
	timer_free(r->health_tick);
	registry_cred_cleanup(&r->cred);
	free(r->realm);
	free(r->service);
	free(r->scope);
	for (size_t i = 0; i < r->nconfig_repos; i++)
		free(r->config_repos[i]);
	free(r->config_repos);
	for (size_t i = 0; i < r->nvisible; i++)
		free(r->visible[i]);
	free(r->visible);
	free(r->visible_kind);
	reg_cache_free(r);
	http_target_cleanup(&r->target);
	free(r);
	ep->priv = NULL;
}

/* ctrl-r: connected, the lists are looked at again now (registries have no
 * event stream, so this is the only way to see a push before the slow
 * timer), or once a Retry-After the registry gave has passed; not
 * connected, it connects now. */
static void reg_retry(struct endpoint *ep)
{
	struct reg *r = ep->priv;
	if (r->phase == RP_IDLE) {
		backoff_healthy(&r->backoff);
		timer_disarm(r->retry);
		connect_start(r);
		return;
	}
	if (r->phase != RP_LIVE)
		return;
	int64_t wait = r->not_before_ms - mono_ms();
	if (wait > 0) {
		endpoint_note(ep, NOTE_INFO, "%s asked to wait: listing again in %lld s", r->host,
			      (long long)(wait + 999) / 1000);
		timer_arm(r->poll, wait);
		return;
	}
	on_poll(r);
}

static void reg_watch(struct endpoint *ep, const char *kind)
{
	struct reg *r = ep->priv;
	bool repos = !strcmp(kind, KIND_REPOSITORIES), tags = !strcmp(kind, KIND_TAGS);
	if (!repos && !tags)
		return;
	store_table(ep->store, kind, repos ? REPO_NCELLS : TAG_NCELLS);
	bool was = repos ? r->watch_repos : r->watch_tags;
	if (repos)
		r->watch_repos = true;
	else
		r->watch_tags = true;
	if (r->phase == RP_IDLE && !timer_armed(r->retry))
		connect_start(r);
	else if (r->phase == RP_LIVE && !was) {
		if (repos)
			reg_list_repos(r);
		else
			reg_list_tags(r);
	}
}

static void reg_visible(struct endpoint *ep, const char *kind, const char *const *ids, size_t n)
{
	struct reg *r = ep->priv;
	if (strcmp(kind, KIND_TAGS) && strcmp(kind, KIND_REPOSITORIES))
		n = 0;
	bool same = n == r->nvisible && r->visible_kind && !strcmp(r->visible_kind, kind);
	for (size_t i = 0; same && i < n; i++)
		same = !strcmp(ids[i], r->visible[i]);
	if (same)
		return;
	for (size_t i = 0; i < r->nvisible; i++)
		free(r->visible[i]);
	r->visible = xrealloc(r->visible, (n ? n : 1) * sizeof(*r->visible));
	for (size_t i = 0; i < n; i++)
		r->visible[i] = xstrdup(ids[i]);
	r->nvisible = n;
	free(r->visible_kind);
	r->visible_kind = xstrdup(kind);
	/* scrolling fast sends many lists: the last one wins */
	if (n)
		timer_arm(r->fetch_tick, 50);
}

static const char *reg_get_scope(struct endpoint *ep)
{
	struct reg *r = ep->priv;
	return r->scope;
}

static int reg_set_scope(struct endpoint *ep, const char *value, char *err, size_t errlen)
{
	struct reg *r = ep->priv;
	if (value && (!*value || !strcmp(value, "all") || !strcmp(value, "-A")))
		value = NULL;
	if (value && strspn(value, "abcdefghijklmnopqrstuvwxyz0123456789._-/") != strlen(value))
		return set_err(err, errlen, "\"%s\" is not a repository name", value);
	if ((!value && !r->scope) || (value && r->scope && !strcmp(value, r->scope)))
		return 0;
	free(r->scope);
	r->scope = xstrdup(value);
	struct rtable *t = store_find_table(ep->store, KIND_TAGS);
	if (t) {
		/* the tags of the old scope go; the new ones are listed */
		rtable_relist_begin(t);
		rtable_relist_end(ep->store, t);
		t->synced = false;
	}
	reg_stale_scope_changed(r);
	if (r->phase == RP_LIVE && r->watch_tags)
		reg_list_tags(r);
	if (r->phase == RP_LIVE) {
		timer_arm(r->poll, r->scope ? POLL_SCOPED_MS : POLL_ALL_MS);
		reg_set_product(r);
	}
	return 0;
}

static const struct backend_scope scope = {
	.name = "repository",
	.commands = scope_commands,
	.kind = KIND_REPOSITORIES,
	.get = reg_get_scope,
	.set = reg_set_scope,
};

static const char *const ecr_aliases[] = {"aws-ecr", NULL};

/* Amazon ECR: the same registry, its login and lists from the ECR API. */
const struct backend_ops ecr_backend = {
	.abi = BACKEND_ABI_VERSION,
	.name = "ecr",
	.aliases = ecr_aliases,
	.description = "Amazon ECR private registry of an AWS account and region (AWS CLI profiles)",
	.views = reg_views,
	.default_kind = KIND_REPOSITORIES,
	.options = ecr_options,
	.scope = &scope,
	.discover = ecr_discover,
	.open = ecr_open,
	.close = reg_close,
	.watch = reg_watch,
	.retry = reg_retry,
	.visible = reg_visible,
	.inspect = reg_inspect,
	.actions = reg_actions,
	.act = reg_act,
	.pull_source = reg_pull_source,
	.image_home = reg_image_home,
	.summary = reg_summary,
	.health_watch = reg_health_watch,
	.health = reg_health,
};

const struct backend_ops registry_backend = {
	.abi = BACKEND_ABI_VERSION,
	.name = "registry",
	.aliases = aliases,
	.description = "container registry (Docker Registry HTTP API v2 / OCI distribution)",
	.views = reg_views,
	.default_kind = KIND_REPOSITORIES,
	.options = options,
	.scope = &scope,
	.discover = reg_discover,
	.open = reg_open,
	.close = reg_close,
	.watch = reg_watch,
	.retry = reg_retry,
	.visible = reg_visible,
	.inspect = reg_inspect,
	.actions = reg_actions,
	.act = reg_act,
	.pull_source = reg_pull_source,
	.image_home = reg_image_home,
	.summary = reg_summary,
	.health_watch = reg_health_watch,
	.health = reg_health,
};
