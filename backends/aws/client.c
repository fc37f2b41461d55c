/* client.c: AWS API requests (see client.h): a call waits for a token of
 * its service's bucket, then for the current keys, then goes out through
 * the service's in-flight list, signed by the list's prepare hook at each
 * send; its answer is retried (throttling, expired keys, transient
 * failures) or handed over with the error made one sentence. */
#include "backends/aws/client_internal.h"
#include "backends/codec/jsonget.h"
#include "backends/net/http.h"
#include "backends/util/log.h"
#include "backends/util/util.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CALL_TIMEOUT_MS 30000
#define TRANSIENT_TRIES 3
#define STATS_EVERY_MS 60000
/* throttling backoff: botocore's standard mode caps at 20 s */
#define RETRY_FLOOR_MS 300
#define RETRY_CAP_MS 20000

enum call_state { CALL_QUEUED, CALL_KEYS, CALL_SENT, CALL_WAITING };

/* The in-flight entry of one send. */
struct wire {
	struct calls_req base;
	struct aws_call *call;
};

struct aws_call {
	struct aws_client *client;
	struct svc_state *s;
	char *op, *method, *path, *body, *ctype;
	unsigned flags;
	aws_done_fn done;
	void *arg;
	enum call_state state;
	int tries;
	bool renewed;
	struct backoff backoff;
	struct timer *retry;
	struct wire *wire;
	char *akid, *secret, *token; /* the keys of this send */
	int64_t t0;
	void (*on_wire)(void *arg, bool out); /* aws_call_on_wire */
	void *wire_arg;
	struct aws_call *qnext;      /* the pacing queue */
	struct aws_call *next, *prev; /* every call of the client */
};

static void wipe(char **p)
{
	if (*p) {
		memset(*p, 0, strlen(*p));
		free(*p);
		*p = NULL;
	}
}

/* ---- services ---- */

static void pump(void *arg);

static void svc_endpoint(struct svc_state *s)
{
	struct aws_client *c = s->client;
	free(s->url);
	free(s->host);
	free(s->prefix);
	http_target_cleanup(&s->target);
	s->url = aws_endpoint_url(&c->cfg, c->profile, s->svc, c->region, &s->configured);
	char *origin = NULL;
	if (aws_url_split(s->url, &origin, &s->host, &s->prefix) < 0) {
		origin = xstrdup(s->url);
		s->host = xstrdup("");
		s->prefix = xstrdup("");
	}
	if (!strcmp(s->prefix, "/"))
		s->prefix[0] = '\0';
	aws_target_init(&s->target, origin, c->ca);
	s->target.tunnel = c->tunnel;
	free(origin);
}

static void prepare(void *owner, struct calls_req *base, struct http_req *r);

static struct svc_state *svc(struct aws_client *c, const struct aws_service *svc)
{
	for (struct svc_state *s = c->svcs; s; s = s->next)
		if (s->svc == svc)
			return s;
	struct svc_state *s = xcalloc(1, sizeof(*s));
	s->client = c;
	s->svc = svc;
	svc_endpoint(s);
	calls_init(&s->calls, &s->target, s);
	s->calls.prepare = prepare;
	s->pace = timer_new(pump, s);
	s->next = c->svcs;
	c->svcs = s;
	return s;
}

/* ---- the client ---- */

static void stats_round(void *arg)
{
	struct aws_client *c = arg;
	for (struct svc_state *s = c->svcs; s; s = s->next) {
		if (!s->window_sent && !s->queue)
			continue;
		size_t queued = 0;
		for (struct aws_call *q = s->queue; q; q = q->qnext)
			queued++;
		log_msg("aws %s %s: %llu requests in the last %d s (%.1f/s), %llu throttled, %zu waiting; %llu in all",
			c->label, s->svc->signing_name ? s->svc->signing_name : s->svc->config_key,
			(unsigned long long)s->window_sent, STATS_EVERY_MS / 1000,
			(double)s->window_sent * 1000.0 / STATS_EVERY_MS, (unsigned long long)s->window_throttled,
			queued, (unsigned long long)s->sent);
		s->window_sent = s->window_throttled = 0;
	}
	timer_arm(c->stats, STATS_EVERY_MS);
}

struct aws_client *aws_client_new(const struct aws_client_opts *o, char *err, size_t errlen)
{
	struct aws_client *c = xcalloc(1, sizeof(*c));
	if (aws_config_load(&c->cfg, err, errlen) < 0) {
		free(c);
		return NULL;
	}
	c->profile = xstrdup(aws_profile_name(o->profile));
	c->region = xstrdup(aws_region(&c->cfg, c->profile, o->region));
	c->label = xstrdup(o->label ? o->label : c->profile);
	c->tunnel = o->tunnel;
	c->ca = xstrdup(aws_ca_bundle(&c->cfg, c->profile));
	struct aws_creds_opts co = {.config = &c->cfg, .profile = o->profile, .explicit_profile = o->explicit_profile,
				    .region = c->region};
	c->creds = aws_creds_new(&co, err, errlen);
	if (!c->creds) {
		aws_config_cleanup(&c->cfg);
		free(c->profile);
		free(c->region);
		free(c->label);
		free(c->ca);
		free(c);
		return NULL;
	}
	c->stats = timer_new(stats_round, c);
	timer_arm(c->stats, STATS_EVERY_MS);
	c->born_ms = mono_ms();
	return c;
}

static void call_free(struct aws_call *call);

void aws_client_free(struct aws_client *c)
{
	if (!c)
		return;
	while (c->calls)
		aws_call_cancel(c->calls);
	int64_t life = mono_ms() - c->born_ms;
	while (c->svcs) {
		struct svc_state *s = c->svcs;
		c->svcs = s->next;
		if (s->sent)
			log_msg("aws %s %s: %llu requests in %lld s (%.1f/s), %llu throttled", c->label,
				s->svc->signing_name ? s->svc->signing_name : s->svc->config_key, (unsigned long long)s->sent,
				(long long)(life / 1000), life > 0 ? (double)s->sent * 1000.0 / (double)life : 0.0,
				(unsigned long long)s->throttled);
		calls_cleanup(&s->calls);
		timer_free(s->pace);
		http_target_cleanup(&s->target);
		free(s->url);
		free(s->host);
		free(s->prefix);
		free(s);
	}
	timer_free(c->stats);
	aws_creds_free(c->creds);
	aws_config_cleanup(&c->cfg);
	free(c->profile);
	free(c->region);
	free(c->label);
	free(c->ca);
	free(c);
}

const char *aws_client_region(const struct aws_client *c)
{
	return c->region;
}

void aws_client_set_region(struct aws_client *c, const char *region)
{
	free(c->region);
	c->region = xstrdup(region);
	for (struct svc_state *s = c->svcs; s; s = s->next)
		svc_endpoint(s);
}

const char *aws_client_profile(const struct aws_client *c)
{
	return c->profile;
}

struct aws_creds *aws_client_creds(struct aws_client *c)
{
	return c->creds;
}

const struct aws_config *aws_client_config(const struct aws_client *c)
{
	return &c->cfg;
}

const char *aws_client_url(struct aws_client *c, const struct aws_service *sv)
{
	return svc(c, sv)->url;
}

const char *aws_client_ca_bundle(const struct aws_client *c)
{
	return c->ca;
}

void aws_client_pace(struct aws_client *c, const struct aws_service *sv, double per_second, int burst)
{
	struct svc_state *s = svc(c, sv);
	s->rate = per_second > 0 ? per_second : 0;
	s->burst = burst > 0 ? burst : 1;
	s->tokens = s->burst;
	s->refilled_ms = mono_ms();
}

void aws_client_stats(struct aws_client *c, const struct aws_service *sv, uint64_t *sent, uint64_t *throttled,
		      size_t *queued)
{
	struct svc_state *s = svc(c, sv);
	if (sent)
		*sent = s->sent;
	if (throttled)
		*throttled = s->throttled;
	if (queued) {
		*queued = 0;
		for (struct aws_call *q = s->queue; q; q = q->qnext)
			(*queued)++;
	}
}

/* ---- a call's life ---- */

static void call_free(struct aws_call *call)
{
	struct aws_client *c = call->client;
	if (call->prev)
		call->prev->next = call->next;
	else
		c->calls = call->next;
	if (call->next)
		call->next->prev = call->prev;
	timer_free(call->retry);
	wipe(&call->akid);
	wipe(&call->secret);
	wipe(&call->token);
	free(call->op);
	free(call->method);
	free(call->path);
	free(call->body);
	free(call->ctype);
	free(call);
}

static void unqueue(struct aws_call *call)
{
	struct svc_state *s = call->s;
	struct aws_call *prev = NULL;
	for (struct aws_call *q = s->queue; q; prev = q, q = q->qnext)
		if (q == call) {
			if (prev)
				prev->qnext = q->qnext;
			else
				s->queue = q->qnext;
			if (s->queue_tail == q)
				s->queue_tail = prev;
			break;
		}
	call->qnext = NULL;
}

static void enqueue(struct aws_call *call)
{
	struct svc_state *s = call->s;
	call->state = CALL_QUEUED;
	call->qnext = NULL;
	if (call->flags & AWS_CALL_URGENT) {
		/* ahead of the background work, behind other urgent calls */
		struct aws_call **p = &s->queue, *prev = NULL;
		while (*p && ((*p)->flags & AWS_CALL_URGENT)) {
			prev = *p;
			p = &(*p)->qnext;
		}
		call->qnext = *p;
		*p = call;
		if (!call->qnext)
			s->queue_tail = call;
		(void)prev;
	} else {
		if (s->queue_tail)
			s->queue_tail->qnext = call;
		else
			s->queue = call;
		s->queue_tail = call;
	}
	if (!timer_armed(s->pace))
		timer_arm(s->pace, 0);
}

static void deliver(struct aws_call *call, const struct aws_response *r)
{
	call->done(call->arg, r);
	call_free(call);
}

static void on_wire_done(void *arg, const struct http_result *res);

static void on_keys(void *arg, const struct aws_keys *k, const char *error)
{
	struct aws_call *call = arg;
	struct svc_state *s = call->s;
	if (error) {
		char msg[ERRLEN];
		snprintf(msg, sizeof(msg), "%s", error);
		aws_creds_redact(call->client->creds, msg);
		struct aws_response r = {.code = "CredentialsError", .error = msg, .auth = true};
		deliver(call, &r);
		return;
	}
	wipe(&call->akid);
	wipe(&call->secret);
	wipe(&call->token);
	call->akid = xstrdup(k->access_key_id);
	call->secret = xstrdup(k->secret_access_key);
	call->token = xstrdup(k->session_token);
	char *path = xasprintf("%s%s", s->prefix, call->path);
	struct wire *w = calls_new(&s->calls, sizeof(*w), call->method, path, CALL_TIMEOUT_MS, on_wire_done);
	free(path);
	w->call = call;
	if (call->body)
		calls_body(&w->base, call->body, strlen(call->body), call->ctype);
	call->wire = w;
	call->state = CALL_SENT;
	call->t0 = mono_ms();
	call->tries++;
	s->sent++;
	s->window_sent++;
	if (call->on_wire)
		call->on_wire(call->wire_arg, true);
	calls_start(&w->base);
}

/* The list's prepare hook: the target header and the signature, now. */
static void prepare(void *owner, struct calls_req *base, struct http_req *r)
{
	struct svc_state *s = owner;
	struct aws_call *call = ((struct wire *)base)->call;
	const char *headers[4];
	size_t n = 0;
	char *ct = call->ctype ? xasprintf("Content-Type: %s", call->ctype) : NULL;
	char *target = NULL;
	if (ct)
		headers[n++] = ct;
	if (s->svc->target_prefix) {
		target = xasprintf("X-Amz-Target: %s.%s", s->svc->target_prefix, call->op);
		headers[n++] = target;
		http_req_header(r, target);
	}
	if (s->svc->protocol == AWS_REST) {
		http_req_header(r, "Accept: application/json");
		headers[n++] = "Accept: application/json";
	}
	headers[n] = NULL;
	if (s->svc->signing_name) {
		struct aws_keys k = {call->akid, call->secret, call->token};
		char **lines;
		aws_sign_lines(base->method, s->host, base->path, headers, call->body,
			       call->body ? strlen(call->body) : 0, &k, s->client->region ? s->client->region : "us-east-1",
			       s->svc->signing_name, &lines);
		for (size_t i = 0; lines[i]; i++)
			http_req_header(r, lines[i]);
		aws_lines_free(lines);
	}
	free(ct);
	free(target);
}

/* The bucket's tokens now; takes one when there is one. */
static bool take_token(struct svc_state *s, int64_t *wait_ms)
{
	if (s->rate <= 0)
		return true;
	int64_t now = mono_ms();
	s->tokens += (double)(now - s->refilled_ms) * s->rate / 1000.0;
	if (s->tokens > s->burst)
		s->tokens = s->burst;
	s->refilled_ms = now;
	if (s->tokens >= 1.0) {
		s->tokens -= 1.0;
		return true;
	}
	*wait_ms = (int64_t)((1.0 - s->tokens) * 1000.0 / s->rate) + 1;
	return false;
}

static void pump(void *arg)
{
	struct svc_state *s = arg;
	while (s->queue) {
		int64_t wait = 0;
		if (!take_token(s, &wait)) {
			timer_arm(s->pace, wait);
			return;
		}
		struct aws_call *call = s->queue;
		unqueue(call);
		call->state = CALL_KEYS;
		/* may answer at once (cached keys) and even deliver an error */
		aws_creds_get(call->client->creds, on_keys, call);
	}
}

static void on_retry(void *arg)
{
	enqueue(arg);
}

static void retry_later(struct aws_call *call, int64_t ms)
{
	call->state = CALL_WAITING;
	if (!call->retry)
		call->retry = timer_new(on_retry, call);
	timer_arm(call->retry, ms);
}

static void on_wire_done(void *arg, const struct http_result *res)
{
	struct wire *w = arg;
	struct aws_call *call = w->call;
	struct svc_state *s = call->s;
	struct aws_client *c = call->client;
	call->wire = NULL;
	if (call->on_wire)
		call->on_wire(call->wire_arg, false);
	wipe(&call->akid);
	wipe(&call->secret);
	wipe(&call->token);
	bool ok = !res->error && res->status >= 200 && res->status < 300;
	json_object *json = NULL;
	if (res->len && s->svc->protocol != AWS_QUERY) {
		json_tokener *tok = json_tokener_new();
		json = json_tokener_parse_ex(tok, res->body, (int)res->len);
		json_tokener_free(tok);
	}
	char code[96] = "", msg[ERRLEN] = "";
	if (!ok && !res->error)
		aws_parse_error(s->svc, res->status, res->body, res->len, http_result_header(res, "x-amzn-ErrorType"),
				json, code, sizeof(code), msg, sizeof(msg));
	log_msg("aws %s %s.%s -> %ld%s%s in %lldms (try %d)", c->label, s->svc->config_key, call->op, res->status,
		code[0] ? " " : "", code, (long long)(mono_ms() - call->t0), call->tries);
	if (!ok) {
		bool throttled = !res->error && aws_code_throttling(code, res->status);
		bool transient = res->error || (res->status >= 500 && !throttled);
		if (throttled) {
			s->throttled++;
			s->window_throttled++;
		}
		if (throttled && call->tries < AWS_CALL_TRIES) {
			backoff_from_result(&call->backoff, res);
			retry_later(call, backoff_next(&call->backoff));
			json_object_put(json);
			return;
		}
		if (aws_code_expired(code) && !call->renewed) {
			/* fetch the keys again and send it once more */
			call->renewed = true;
			aws_creds_invalidate(c->creds);
			json_object_put(json);
			enqueue(call);
			return;
		}
		if (transient && !(call->flags & AWS_CALL_MUTATES) && call->tries < TRANSIENT_TRIES) {
			retry_later(call, backoff_next(&call->backoff));
			json_object_put(json);
			return;
		}
		char sentence[ERRLEN];
		bool auth = false;
		aws_error_sentence(c, s->svc, call->op, res->status, code, msg, res->error, s->configured, sentence,
				   sizeof(sentence), &auth);
		struct aws_response r = {.status = res->status, .body = res->body, .len = res->len, .json = json,
					 .code = code[0] ? code : "TransportError", .error = sentence,
					 .throttled = throttled, .auth = auth};
		deliver(call, &r);
		json_object_put(json);
		return;
	}
	if (!json && s->svc->protocol != AWS_QUERY && res->len) {
		/* a proxy's error page with a 200: no answer, not an empty one, or
		 * the lists it should have filled would look emptied and live */
		char sentence[ERRLEN];
		snprintf(sentence, sizeof(sentence), "%s answered %s with a body that is not JSON", s->svc->name,
			 call->op);
		log_msg("aws %s %s.%s: %s", c->label, s->svc->config_key, call->op, sentence);
		struct aws_response r = {.status = res->status, .body = res->body, .len = res->len,
					 .code = "NotJSON", .error = sentence};
		deliver(call, &r);
		return;
	}
	struct aws_response r = {.status = res->status, .body = res->body, .len = res->len, .json = json};
	deliver(call, &r);
	json_object_put(json);
}

static struct aws_call *call_new(struct aws_client *c, const struct aws_service *sv, const char *op,
				 const char *method, const char *path, unsigned flags, aws_done_fn done, void *arg)
{
	struct aws_call *call = xcalloc(1, sizeof(*call));
	call->client = c;
	call->s = svc(c, sv);
	call->op = xstrdup(op);
	call->method = xstrdup(method);
	call->path = xstrdup(path);
	call->flags = flags;
	call->done = done;
	call->arg = arg;
	backoff_init(&call->backoff, RETRY_FLOOR_MS, RETRY_CAP_MS);
	call->next = c->calls;
	if (c->calls)
		c->calls->prev = call;
	c->calls = call;
	return call;
}

struct aws_call *aws_call_json(struct aws_client *c, const struct aws_service *sv, const char *op, const char *body,
			       unsigned flags, aws_done_fn done, void *arg)
{
	struct aws_call *call = call_new(c, sv, op, "POST", "/", flags, done, arg);
	call->body = xstrdup(body && *body ? body : "{}");
	call->ctype = xstrdup(sv->json_type);
	enqueue(call);
	return call;
}

struct aws_call *aws_call_query(struct aws_client *c, const struct aws_service *sv, const char *action,
				const char *version, const char *params, unsigned flags, aws_done_fn done, void *arg)
{
	struct aws_call *call = call_new(c, sv, action, "POST", "/", flags, done, arg);
	call->body = xasprintf("Action=%s&Version=%s%s%s", action, version, params && *params ? "&" : "",
			       params ? params : "");
	call->ctype = xstrdup("application/x-www-form-urlencoded; charset=utf-8");
	enqueue(call);
	return call;
}

struct aws_call *aws_call_rest(struct aws_client *c, const struct aws_service *sv, const char *op, const char *method,
			       const char *path, const char *body, unsigned flags, aws_done_fn done, void *arg)
{
	struct aws_call *call = call_new(c, sv, op, method, path, flags, done, arg);
	if (body) {
		call->body = xstrdup(body);
		call->ctype = xstrdup("application/json");
	}
	enqueue(call);
	return call;
}

void aws_call_on_wire(struct aws_call *call, void (*fn)(void *arg, bool out), void *arg)
{
	call->on_wire = fn;
	call->wire_arg = arg;
}

void aws_call_cancel(struct aws_call *call)
{
	if (!call)
		return;
	switch (call->state) {
	case CALL_QUEUED:
		unqueue(call);
		break;
	case CALL_KEYS:
		aws_creds_forget(call->client->creds, call);
		break;
	case CALL_SENT:
		if (call->wire)
			calls_cancel(&call->wire->base);
		call->wire = NULL;
		break;
	case CALL_WAITING:
		break;
	}
	call_free(call);
}
