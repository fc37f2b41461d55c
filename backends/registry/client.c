/* client.c: the registry's request layer. A request is sent with the
 * credentials its scope needs: Basic once the registry asked for it, else
 * the Bearer token of its scope when one is held. A 401 is answered as the
 * distribution spec says: its WWW-Authenticate challenge names the realm,
 * service and scope, a token is fetched (once per scope however many
 * requests wait for it, with the login's Basic credentials when there
 * are), and the request goes again, once. Redirects are followed, without
 * credentials when they leave the registry's host (blob stores). Whatever
 * fails reaches the caller as one sentence naming the registry. */
#include "backends/registry/internal.h"
#include "backends/codec/crypto.h"
#include "backends/registry/challenge.h"
#include "backends/registry/link.h"
#include "backends/registry/regerr.h"
#include "backends/util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_TIMEOUT_MS 30000
#define MAX_REDIRECTS 5

char *reg_scope_pull(const char *repo)
{
	return xasprintf("repository:%s:pull", repo);
}

/* "pull lab/app", "list the catalog": a scope for sentences. */
static void scope_words(const char *scope, char *out, size_t n)
{
	if (!scope || !*scope) {
		snprintf(out, n, "access");
		return;
	}
	char first[256];
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(scope, " "), scope);
	char *a = strchr(first, ':'), *b = strrchr(first, ':');
	if (!a || a == b) {
		snprintf(out, n, "%.150s", first);
		return;
	}
	*a = '\0';
	*b = '\0';
	if (!strcmp(first, "registry") && !strcmp(a + 1, "catalog"))
		snprintf(out, n, "list the catalog");
	else {
		for (char *p = b + 1; *p; p++)
			if (*p == ',')
				*p = '/';
		snprintf(out, n, "%s %s", b + 1, a + 1);
	}
}

/* ---- origins other than the registry ---- */

/* "host" of an origin without scheme and port, for comparing hosts. */
static void origin_host(const char *origin, char *out, size_t n)
{
	const char *p = strstr(origin, "://");
	p = p ? p + 3 : origin;
	size_t len = p[0] == '[' ? strcspn(p, "]") + 1 : strcspn(p, ":/");
	snprintf(out, n, "%.*s", (int)len, p);
}

static struct reg_origin *origin_for(struct reg *r, const char *origin)
{
	for (struct reg_origin *o = r->origins; o; o = o->next)
		if (!strcmp(o->origin, origin))
			return o;
	struct reg_origin *o = xcalloc(1, sizeof(*o));
	o->origin = xstrdup(origin);
	o->target.base_url = xstrdup(origin);
	o->target.display = xstrdup(origin);
	o->target.proxy = xstrdup(r->target.proxy);
	/* the registry's own host (another port: its token server) trusts the same CA */
	char a[256], b[256];
	origin_host(origin, a, sizeof(a));
	origin_host(r->target.base_url, b, sizeof(b));
	if (!strcmp(a, b)) {
		o->target.ca_file = xstrdup(r->target.ca_file);
		o->target.ca_pem = xstrdup(r->target.ca_pem);
		o->target.insecure = r->target.insecure;
	}
	calls_init(&o->calls, &o->target, r);
	o->next = r->origins;
	r->origins = o;
	return o;
}

void reg_origins_free(struct reg *r)
{
	while (r->origins) {
		struct reg_origin *o = r->origins;
		r->origins = o->next;
		calls_cleanup(&o->calls);
		http_target_cleanup(&o->target);
		free(o->origin);
		free(o);
	}
}

/* ---- requests ---- */

static void rq_free(struct rq *q)
{
	free(q->method);
	free(q->url);
	free(q->accept);
	free(q->scope);
	if (q->auth)
		memset(q->auth, 0, strlen(q->auth));
	free(q->auth);
	if (q->body)
		memset(q->body, 0, strlen(q->body));
	free(q->body);
	free(q->waiting_scope);
	free(q);
}

static void rq_unlink(struct rq *q)
{
	for (struct rq **p = &q->r->rqs; *p; p = &(*p)->next)
		if (*p == q) {
			*p = q->next;
			return;
		}
}

static void on_call_done(void *arg, const struct http_result *res);

static void add_header(struct rqcall *c, const char *name, const char *value)
{
	char *h = xasprintf("%s: %s", name, value);
	calls_header(&c->base, h);
	memset(h, 0, strlen(h));
	free(h);
}

static void rq_send(struct rq *q)
{
	struct reg *r = q->r;
	struct calls *list = &r->calls;
	const char *path = q->url;
	bool registry = true;
	char *origin = url_origin(q->url);
	if (origin) {
		char *own = url_origin(r->target.base_url);
		if (own && !strcmp(own, origin)) {
			path = q->url + strlen(origin);
		} else {
			list = &origin_for(r, origin)->calls;
			path = q->url + strlen(origin);
			registry = false;
		}
		free(own);
		free(origin);
	}
	struct rqcall *c = calls_new(list, sizeof(*c), q->method, *path ? path : "/", q->timeout_ms, on_call_done);
	c->rq = q;
	q->call = c;
	if (q->accept)
		add_header(c, "Accept", q->accept);
	if (q->body)
		calls_body(&c->base, q->body, strlen(q->body), "application/x-www-form-urlencoded");
	if (q->auth) {
		calls_header(&c->base, q->auth);
	} else if (registry && !(q->flags & RQ_NO_AUTH)) {
		const char *tok = r->realm && q->scope ? tokens_get(&r->tokens, q->scope) : NULL;
		if (tok) {
			char *h = xasprintf("Bearer %s", tok);
			add_header(c, "Authorization", h);
			memset(h, 0, strlen(h));
			free(h);
		} else if (r->basic) {
			calls_header(&c->base, r->basic);
		}
	}
	calls_start(&c->base);
}

static struct rq *rq_new(struct reg *r, const char *method, const char *url, const char *accept, const char *scope,
			 unsigned flags, reg_done_fn done, void *ctx)
{
	struct rq *q = xcalloc(1, sizeof(*q));
	q->r = r;
	q->method = xstrdup(method);
	q->url = xstrdup(url);
	q->accept = xstrdup(accept);
	q->scope = xstrdup(scope);
	q->flags = flags;
	q->timeout_ms = DEFAULT_TIMEOUT_MS;
	q->done = done;
	q->ctx = ctx;
	q->next = r->rqs;
	r->rqs = q;
	return q;
}

struct rq *reg_request(struct reg *r, const char *method, const char *url, const char *accept, const char *scope,
		       unsigned flags, reg_done_fn done, void *ctx)
{
	struct rq *q = rq_new(r, method, url, accept, scope, flags, done, ctx);
	rq_send(q);
	return q;
}

struct rq *reg_request_auth(struct reg *r, const char *method, const char *url, const char *auth, unsigned flags,
			    reg_done_fn done, void *ctx)
{
	struct rq *q = rq_new(r, method, url, NULL, NULL, flags, done, ctx);
	q->auth = xstrdup(auth);
	rq_send(q);
	return q;
}

void reg_cancel(struct rq *q)
{
	if (!q)
		return;
	rq_unlink(q);
	if (q->call)
		calls_cancel(&q->call->base);
	rq_free(q);
}

void reg_cancel_all(struct reg *r)
{
	while (r->rqs) {
		struct rq *q = r->rqs;
		r->rqs = q->next;
		if (q->call)
			calls_cancel(&q->call->base);
		q->call = NULL;
		struct reg_answer a = {.cancelled = true, .error = "cancelled", .url = q->url};
		q->done(r, q->ctx, &a);
		rq_free(q);
	}
}

/* The sentence for an answer that is not a success. */
static void answer_error(struct rq *q, const struct http_result *res, struct reg_answer *a, char *err, size_t n)
{
	struct reg *r = q->r;
	char msg[ERRLEN], what[160];
	if (res->error) {
		snprintf(err, n, "%s", res->error);
		return;
	}
	regerr_decode(res->status, res->body, res->len, a->code, sizeof(a->code), msg, sizeof(msg));
	scope_words(q->scope, what, sizeof(what));
	switch (res->status) {
	case 401:
		snprintf(err, n, "%.80s refused to let %.60s %.100s: %.200s", r->host, r->cred.username ? r->cred.username : "an anonymous user",
			 what, msg);
		break;
	case 403:
		snprintf(err, n, "%.80s denied %.100s%s%.60s: %.200s", r->host, what, r->cred.username ? " to " : "",
			 r->cred.username ? r->cred.username : "", msg);
		break;
	case 429: {
		const char *after = http_result_header(res, "Retry-After");
		char limit[96];
		regerr_ratelimit_text(http_result_header(res, "RateLimit-Limit"),
				      http_result_header(res, "RateLimit-Remaining"), limit, sizeof(limit));
		snprintf(err, n, "%.80s is rate limiting us%s%.20s%s%s%.90s: %.200s", r->host, after ? " (retry after " : "",
			 after ? after : "", after ? " s)" : "", limit[0] ? "; " : "", limit, msg);
		break;
	}
	default:
		snprintf(err, n, "%.80s: %.200s", r->host, msg);
	}
}

static void deliver(struct rq *q, const struct http_result *res)
{
	struct reg *r = q->r;
	struct reg_answer a = {.res = res, .status = res->status, .body = res->body, .len = res->len, .url = q->url};
	char err[ERRLEN * 2];
	if (res->error || res->status < 200 || res->status >= 300) {
		answer_error(q, res, &a, err, sizeof(err));
		a.error = err;
	}
	rq_unlink(q);
	reg_note_answer(r, &a);
	q->done(r, q->ctx, &a);
	rq_free(q);
}

/* ---- tokens ---- */

static void on_token(struct reg *r, void *ctx, const struct reg_answer *a);

static void wait_token(struct rq *q, const char *scope)
{
	struct reg *r = q->r;
	free(q->waiting_scope);
	q->waiting_scope = scope_normalize(scope);
	for (struct token_fetch *f = r->fetches; f; f = f->next)
		if (!strcmp(f->scope, q->waiting_scope))
			return;
	struct token_fetch *f = xcalloc(1, sizeof(*f));
	f->scope = xstrdup(q->waiting_scope);
	f->next = r->fetches;
	r->fetches = f;
	f->fetch = reg_fetch_token(r, f->scope, on_token, f);
}

static void on_token(struct reg *r, void *ctx, const struct reg_answer *a)
{
	struct token_fetch *f = ctx;
	for (struct token_fetch **p = &r->fetches; *p; p = &(*p)->next)
		if (*p == f) {
			*p = f->next;
			break;
		}
	if (a->cancelled) {
		free(f->scope);
		free(f);
		return;
	}
	char *token = NULL;
	int64_t expires = 0;
	if (!a->error)
		token = token_response_decode(a->body, a->len, &expires);
	if (token)
		tokens_put(&r->tokens, f->scope, token, expires);
	else
		log_msg("registry %s: no token for %s: %s", r->ep->name, f->scope, a->error ? a->error : "no token in the answer");
	/* the waiters go again with the token, or fail with why there is none */
	for (;;) {
		struct rq *q = r->rqs;
		while (q && !(q->waiting_scope && !strcmp(q->waiting_scope, f->scope) && !q->call))
			q = q->next;
		if (!q)
			break;
		free(q->waiting_scope);
		q->waiting_scope = NULL;
		if (token) {
			rq_send(q);
			continue;
		}
		char msg[ERRLEN * 2], what[160];
		scope_words(q->scope, what, sizeof(what));
		snprintf(msg, sizeof(msg), "the token server of %s refused to let %s %s: %s", r->host,
			 r->cred.username ? r->cred.username : "an anonymous user", what,
			 a->error ? a->error : "its answer holds no token");
		/* not a transport failure: the caller sees the status */
		struct reg_answer ans = {.status = a->status ? a->status : 401, .body = "", .error = msg, .url = q->url};
		snprintf(ans.code, sizeof(ans.code), "UNAUTHORIZED");
		rq_unlink(q);
		q->done(r, q->ctx, &ans);
		rq_free(q);
	}
	if (token) {
		memset(token, 0, strlen(token));
		free(token);
	}
	free(f->scope);
	free(f);
}

static struct rq *fetch_token_get(struct reg *r, const char *scope, reg_done_fn done, void *ctx);

/* An identity token (docker login with OAuth) is a refresh token: POSTed as
 * the OAuth2 form; a realm without POST (404, 405) is asked with GET, as
 * docker's client does. */
struct oauth {
	reg_done_fn done;
	void *ctx;
	char *scope;
};

static void on_oauth(struct reg *r, void *ctx, const struct reg_answer *a)
{
	struct oauth *o = ctx;
	if (!a->cancelled && (a->status == 404 || a->status == 405)) {
		log_msg("registry %s: the token realm takes no OAuth2 POST (%ld); asking with GET", r->ep->name, a->status);
		fetch_token_get(r, o->scope, o->done, o->ctx);
	} else {
		o->done(r, o->ctx, a);
	}
	free(o->scope);
	free(o);
}

static char *form_escape(const char *s)
{
	return http_escape(s ? s : "", s ? strlen(s) : 0);
}

struct rq *reg_fetch_token(struct reg *r, const char *scope, reg_done_fn done, void *ctx)
{
	if (!r->cred.identity_token || !*r->cred.identity_token)
		return fetch_token_get(r, scope, done, ctx);
	struct oauth *o = xcalloc(1, sizeof(*o));
	o->done = done;
	o->ctx = ctx;
	o->scope = xstrdup(scope);
	char *tok = form_escape(r->cred.identity_token), *svc = form_escape(r->service), *sc = form_escape(scope);
	struct rq *q = rq_new(r, "POST", r->realm, NULL, NULL, RQ_RAW, on_oauth, o);
	q->body = xasprintf("grant_type=refresh_token&refresh_token=%s&service=%s&client_id=binnacle%s%s", tok, svc,
			    scope && *scope ? "&scope=" : "", scope && *scope ? sc : "");
	memset(tok, 0, strlen(tok));
	free(tok);
	free(svc);
	free(sc);
	rq_send(q);
	return q;
}

static struct rq *fetch_token_get(struct reg *r, const char *scope, reg_done_fn done, void *ctx)
{
	struct buf url;
	buf_init(&url);
	char *svc = http_escape(r->service ? r->service : "", r->service ? strlen(r->service) : 0);
	buf_printf(&url, "%s%sservice=%s", r->realm, strchr(r->realm, '?') ? "&" : "?", svc);
	free(svc);
	/* several scopes go as several parameters */
	for (const char *s = scope; s && *s;) {
		size_t n = strcspn(s, " ");
		if (n) {
			char *e = http_escape(s, n);
			buf_printf(&url, "&scope=%s", e);
			free(e);
		}
		s += n + (s[n] == ' ');
	}
	char *auth = NULL;
	if (r->cred.username && *r->cred.username) {
		char *acct = http_escape(r->cred.username, strlen(r->cred.username));
		buf_printf(&url, "&account=%s", acct);
		free(acct);
		char *plain = xasprintf("%s:%s", r->cred.username, r->cred.secret ? r->cred.secret : "");
		char *b64 = crypto_base64_encode(plain, strlen(plain));
		auth = xasprintf("Authorization: Basic %s", b64);
		memset(plain, 0, strlen(plain));
		memset(b64, 0, strlen(b64));
		free(plain);
		free(b64);
	}
	buf_puts(&url, "&client_id=binnacle");
	struct rq *q = rq_new(r, "GET", url.data, NULL, NULL, RQ_RAW, done, ctx);
	q->auth = auth;
	buf_cleanup(&url);
	rq_send(q);
	return q;
}

/* ---- answers ---- */

static bool is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static void on_call_done(void *arg, const struct http_result *res)
{
	struct rqcall *c = arg;
	struct rq *q = c->rq;
	struct reg *r = q->r;
	bool had_token = q->scope && r->realm && tokens_get(&r->tokens, q->scope);
	q->call = NULL;
	if (q->flags & RQ_RAW || res->error) {
		deliver(q, res);
		return;
	}
	if (res->status == 401 && !q->auth_retried) {
		struct challenge ch[4];
		int n = 0;
		char *line;
		for (unsigned i = 0; n < 4 && (line = http_result_header_nth(res, "WWW-Authenticate", i)); i++) {
			int got = challenge_parse(line, ch + n, (size_t)(4 - n));
			free(line);
			if (got > 0)
				n += got;
		}
		const struct challenge *bearer = challenge_find(ch, (size_t)n, "bearer");
		const struct challenge *basic = challenge_find(ch, (size_t)n, "basic");
		bool again = false;
		if (bearer && challenge_param(bearer, "realm")) {
			const char *realm = challenge_param(bearer, "realm"), *service = challenge_param(bearer, "service");
			const char *scope = challenge_param(bearer, "scope");
			if (!r->realm || strcmp(r->realm, realm)) {
				free(r->realm);
				r->realm = xstrdup(realm);
			}
			free(r->service);
			r->service = xstrdup(service);
			snprintf(r->auth_kind, sizeof(r->auth_kind), "Bearer");
			/* the challenge's scope is what the registry wants; ours only named the cache slot */
			if (scope && *scope) {
				free(q->scope);
				q->scope = xstrdup(scope);
			}
			if (had_token)
				tokens_forget(&r->tokens, q->scope ? q->scope : "");
			q->auth_retried = true;
			wait_token(q, q->scope ? q->scope : "");
			for (int i = 0; i < n; i++)
				challenge_cleanup(&ch[i]);
			return;
		} else if (basic && registry_cred_present(&r->cred) && !r->basic && r->cred.username) {
			char *plain = xasprintf("%s:%s", r->cred.username, r->cred.secret ? r->cred.secret : "");
			char *b64 = crypto_base64_encode(plain, strlen(plain));
			r->basic = xasprintf("Authorization: Basic %s", b64);
			memset(plain, 0, strlen(plain));
			memset(b64, 0, strlen(b64));
			free(plain);
			free(b64);
			snprintf(r->auth_kind, sizeof(r->auth_kind), "Basic");
			again = true;
		}
		for (int i = 0; i < n; i++)
			challenge_cleanup(&ch[i]);
		if (again) {
			q->auth_retried = true;
			rq_send(q);
			return;
		}
	}
	const char *loc = is_redirect(res->status) ? http_result_header(res, "Location") : NULL;
	if (loc && q->redirects < MAX_REDIRECTS && (!strcmp(q->method, "GET") || !strcmp(q->method, "HEAD"))) {
		char *own = url_origin(q->url);
		char *base = own ? xstrdup(q->url) : xasprintf("%s%s", r->target.base_url, q->url);
		free(own);
		char *next = url_resolve(base, loc);
		char *from = url_origin(base), *to = url_origin(next);
		/* credentials stay with the registry: a blob store elsewhere gets none */
		if (!from || !to || strcmp(from, to))
			q->flags |= RQ_NO_AUTH;
		free(from);
		free(to);
		free(base);
		free(q->url);
		q->url = next;
		q->redirects++;
		rq_send(q);
		return;
	}
	deliver(q, res);
}
