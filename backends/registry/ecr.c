/* ecr.c: Amazon ECR as a registry endpoint. Its login comes from the AWS
 * credential chain of a profile (backends/aws, as the AWS CLI finds it):
 * GetAuthorizationToken gives the Basic credential of the v2 API
 * ("AWS:<token>", valid 12 hours, renewed an hour before it ends) and the
 * registry's address (proxyEndpoint); the ECR API then lists what the v2
 * API cannot say: repositories (DescribeRepositories: ECR has no catalog),
 * and images with their push time, size and scan findings
 * (DescribeImages); deletes go through BatchDeleteImage, which removes a
 * tag alone. Manifests, platforms, describe and pulls use the v2 API with
 * the token, as for any registry. */
#include "backends/registry/internal.h"
#include "backends/aws/client.h"
#include "backends/codec/crypto.h"
#include "backends/codec/jsonget.h"
#include "backends/image/imageref.h"
#include "backends/registry/manifest.h"
#include "backends/util/log.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The token lasts 12 hours: it is renewed an hour before its end. */
#define RENEW_BEFORE_S 3600
#define RENEW_RETRY_MS 60000

/* A call in flight and what its answer is for, so a connection that drops
 * can cancel it and free its context (AWS calls cancelled say nothing). */
struct ecr_call {
	struct reg *r;
	struct aws_call *call;
	struct page *page;
	void (*del_done)(struct reg *r, void *ctx, const char *error);
	void *del_ctx;
	struct ecr_call *next;
};

struct ecr {
	struct aws_client *aws;
	char *profile, *region;
	bool url_given;
	struct ecr_call *calls;
	struct ecr_call *token, *repos; /* the token and repository calls in flight */
	struct timer *renew;
	int64_t expires;        /* wall seconds the token ends */
	char renew_error[ERRLEN];
	bool live_once;
};

/* ---- calls ---- */

static struct ecr_call *call_new(struct reg *r)
{
	struct ecr_call *c = xcalloc(1, sizeof(*c));
	c->r = r;
	c->next = r->ecr->calls;
	r->ecr->calls = c;
	return c;
}

static void call_forget(struct reg *r, struct ecr_call *c)
{
	for (struct ecr_call **p = &r->ecr->calls; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	if (r->ecr->token == c)
		r->ecr->token = NULL;
	if (r->ecr->repos == c)
		r->ecr->repos = NULL;
	free(c);
}

void ecr_stop(struct reg *r)
{
	if (!r->ecr)
		return;
	while (r->ecr->calls) {
		struct ecr_call *c = r->ecr->calls;
		aws_call_cancel(c->call);
		reg_page_free(c->page);
		if (c->del_done)
			c->del_done(r, c->del_ctx, "the connection to the registry was lost");
		call_forget(r, c);
	}
	timer_disarm(r->ecr->renew);
}

/* ---- the token ---- */

static void get_token(struct reg *r);

static void on_renew(void *arg)
{
	struct reg *r = arg;
	if (!r->ecr->token)
		get_token(r);
}

static void on_token(void *arg, const struct aws_response *resp)
{
	struct ecr_call *c = arg;
	struct reg *r = c->r;
	struct ecr *e = r->ecr;
	call_forget(r, c);
	bool first = r->phase == RP_CREDS;
	json_object *data = jsonget_idx(jsonget_arr(resp->json, "authorizationData"), 0);
	const char *tok = jsonget_str(data, "authorizationToken"), *proxy = jsonget_str(data, "proxyEndpoint");
	size_t n = 0;
	char *plain = !resp->error && tok ? crypto_base64_decode(tok, strlen(tok), &n) : NULL;
	char *colon = plain ? strchr(plain, ':') : NULL;
	if (resp->error || !colon || (!proxy && !e->url_given)) {
		const char *why = resp->error ? resp->error : "its answer holds no token";
		if (plain) {
			memset(plain, 0, n);
			free(plain);
		}
		if (!first) {
			/* the old token serves until it ends: a problem, not yet an outage */
			snprintf(e->renew_error, sizeof(e->renew_error), "%s", why);
			timer_arm(e->renew, RENEW_RETRY_MS);
			return;
		}
		char msg[ERRLEN * 2];
		snprintf(msg, sizeof(msg), "ECR GetAuthorizationToken (%.60s, %.30s) failed: %.300s", e->profile,
			 e->region ? e->region : "?", why);
		if (resp->auth) {
			endpoint_fail_auth(r->ep, "%s", msg);
			r->phase = RP_IDLE;
			timer_arm(r->retry, 60000);
		} else {
			reg_fail(r, "%s", msg);
		}
		return;
	}
	*colon = '\0';
	registry_cred_cleanup(&r->cred);
	r->cred.username = xstrdup(plain);
	r->cred.secret = xstrdup(colon + 1);
	snprintf(r->cred.source, sizeof(r->cred.source), "ECR GetAuthorizationToken of profile %.100s", e->profile);
	memset(plain, 0, n);
	free(plain);
	e->renew_error[0] = '\0';
	int64_t expires = 0;
	jsonget_int(data, "expiresAt", &expires);
	e->expires = expires > 0 ? expires : wall_s() + 12 * 3600;
	int64_t in = e->expires - RENEW_BEFORE_S - wall_s();
	timer_arm(e->renew, (in > 60 ? in : (e->expires - wall_s()) / 2 > 30 ? (e->expires - wall_s()) / 2 : 30) * 1000);
	if (!e->url_given && proxy) {
		/* the registry's address is the account's: known now */
		size_t len = strlen(proxy);
		while (len && proxy[len - 1] == '/')
			len--;
		free(r->target.base_url);
		r->target.base_url = xstrndup(proxy, len);
		free(r->target.display);
		r->target.display = xstrdup(r->target.base_url);
		free(r->ep->address);
		r->ep->address = xstrdup(r->target.base_url);
		imageref_host(r->target.base_url, r->host, sizeof(r->host));
	}
	snprintf(r->auth_kind, sizeof(r->auth_kind), "Basic");
	reg_set_basic(r);
	log_msg("registry %s: ECR token until %lld", r->ep->name, (long long)e->expires);
	if (first)
		reg_ping(r);
}

static void get_token(struct reg *r)
{
	struct ecr_call *c = call_new(r);
	r->ecr->token = c;
	c->call = aws_call_json(r->ecr->aws, &aws_svc_ecr, "GetAuthorizationToken", "{}", 0, on_token, c);
}

void ecr_connect(struct reg *r)
{
	if (!r->ecr->token)
		get_token(r);
}

/* ---- repositories ---- */

static void describe_repos(struct reg *r, const char *token);

static void on_repos(void *arg, const struct aws_response *resp)
{
	struct ecr_call *c = arg;
	struct reg *r = c->r;
	call_forget(r, c);
	listguard_back(&r->catalog_lg);
	struct rtable *t = store_table(r->ep->store, KIND_REPOSITORIES, REPO_NCELLS);
	if (resp->error) {
		if (!resp->status)
			reg_fail(r, "%s", resp->error);
		else
			reg_stale_catalog(r, resp->error);
		return;
	}
	json_object *repos = jsonget_arr(resp->json, "repositories");
	for (size_t i = 0; i < jsonget_len(repos); i++) {
		json_object *o = jsonget_idx(repos, i);
		const char *name = jsonget_str(o, "repositoryName");
		if (!name || !*name)
			continue;
		const char *mut = jsonget_str(o, "imageTagMutability");
		struct row *row = reg_repo_add(r, t, name, mut && str_starts(mut, "IMMUTABLE") ? "ECR, tags immutable" : "ECR");
		const char *uri = jsonget_str(o, "repositoryUri");
		if (uri && *uri)
			row_set_text(r->ep->store, t, row, REPO_REF, uri);
	}
	const char *next = jsonget_str(resp->json, "nextToken");
	if (next && *next) {
		describe_repos(r, next);
		return;
	}
	reg_repos_done(r, t);
}

static void describe_repos(struct reg *r, const char *token)
{
	json_object *in = json_object_new_object();
	json_object_object_add(in, "maxResults", json_object_new_int(1000));
	if (token)
		json_object_object_add(in, "nextToken", json_object_new_string(token));
	struct ecr_call *c = call_new(r);
	r->ecr->repos = c;
	c->call = aws_call_json(r->ecr->aws, &aws_svc_ecr, "DescribeRepositories", json_object_to_json_string(in), 0,
				on_repos, c);
	reg_stale_out(r, NULL);
	json_object_put(in);
}

void ecr_list_repos(struct reg *r)
{
	if (r->ecr->repos)
		return;
	rtable_relist_begin(store_table(r->ep->store, KIND_REPOSITORIES, REPO_NCELLS));
	describe_repos(r, NULL);
}

/* ---- images ---- */

/* "CRITICAL 1, HIGH 2" from the findings, "clean" without any, or the scan's state. */
static void scan_text(json_object *img, char *out, size_t n)
{
	const char *status = jsonget_str(jsonget_obj(img, "imageScanStatus"), "status");
	json_object *counts = jsonget_obj(jsonget_obj(img, "imageScanFindingsSummary"), "findingSeverityCounts");
	static const char *const order[] = {"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED"};
	out[0] = '\0';
	size_t used = 0;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int64_t v = 0;
		if (jsonget_int(counts, order[i], &v) && v > 0 && used < n)
			used += (size_t)snprintf(out + used, n - used, "%s%s %lld", used ? ", " : "", order[i], (long long)v);
	}
	if (out[0] || !status)
		return;
	if (!strcmp(status, "COMPLETE"))
		snprintf(out, n, "clean");
	else {
		snprintf(out, n, "%s", status);
		for (char *p = out; *p; p++)
			*p = (char)(*p == '_' ? ' ' : *p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	}
}

static void describe_images(struct reg *r, struct page *p);

static void on_images(void *arg, const struct aws_response *resp)
{
	struct ecr_call *c = arg;
	struct reg *r = c->r;
	struct page *p = c->page;
	c->page = NULL;
	call_forget(r, c);
	listguard_back(&p->lg);
	if (!p->count_only && p->gen != r->tags_gen) {
		reg_page_free(p);
		return;
	}
	if (resp->error) {
		reg_tags_done(r, p, resp->error, !resp->status);
		return;
	}
	json_object *imgs = jsonget_arr(resp->json, "imageDetails");
	for (size_t i = 0; i < jsonget_len(imgs); i++) {
		json_object *img = jsonget_idx(imgs, i);
		json_object *tags = jsonget_arr(img, "imageTags");
		char scan[128];
		scan_text(img, scan, sizeof(scan));
		struct tag_info ti = {.digest = jsonget_str(img, "imageDigest"), .scan = scan[0] ? scan : NULL};
		const char *mt = jsonget_str(img, "imageManifestMediaType");
		ti.type = mt ? manifest_kind_text(manifest_kind_of(mt)) : NULL;
		jsonget_int(img, "imageSizeInBytes", &ti.size);
		jsonget_int(img, "imagePushedAt", &ti.pushed);
		for (size_t j = 0; j < jsonget_len(tags); j++) {
			ti.tag = json_object_get_string(jsonget_idx(tags, j));
			ti.size_counted = j > 0;
			if (ti.tag && *ti.tag)
				reg_tags_add(r, p, &ti);
		}
	}
	const char *next = jsonget_str(resp->json, "nextToken");
	if (next && *next) {
		free(p->token);
		p->token = xstrdup(next);
		describe_images(r, p);
		return;
	}
	reg_tags_done(r, p, NULL, false);
}

static void describe_images(struct reg *r, struct page *p)
{
	json_object *in = json_object_new_object();
	json_object_object_add(in, "repositoryName", json_object_new_string(p->repo));
	json_object_object_add(in, "maxResults", json_object_new_int(1000));
	json_object *filter = json_object_new_object();
	json_object_object_add(filter, "tagStatus", json_object_new_string("TAGGED"));
	json_object_object_add(in, "filter", filter);
	if (p->token)
		json_object_object_add(in, "nextToken", json_object_new_string(p->token));
	struct ecr_call *c = call_new(r);
	c->page = p;
	c->call = aws_call_json(r->ecr->aws, &aws_svc_ecr, "DescribeImages", json_object_to_json_string(in), 0,
				on_images, c);
	reg_stale_out(r, p);
	json_object_put(in);
}

void ecr_list_images(struct reg *r, struct page *p)
{
	describe_images(r, p);
}

/* ---- deleting ---- */

static void on_delete(void *arg, const struct aws_response *resp)
{
	struct ecr_call *c = arg;
	struct reg *r = c->r;
	void (*done)(struct reg *, void *, const char *) = c->del_done;
	void *ctx = c->del_ctx;
	c->del_done = NULL;
	call_forget(r, c);
	json_object *fail = jsonget_idx(jsonget_arr(resp->json, "failures"), 0);
	char msg[ERRLEN];
	if (resp->error)
		done(r, ctx, resp->error);
	else if (fail) {
		snprintf(msg, sizeof(msg), "ECR did not delete it: %.80s (%.140s)", jsonget_str(fail, "failureCode"),
			 jsonget_str(fail, "failureReason") ? jsonget_str(fail, "failureReason") : "");
		done(r, ctx, msg);
	} else {
		done(r, ctx, NULL);
	}
}

void ecr_delete(struct reg *r, const char *repo, const char *tag, const char *digest,
		void (*done)(struct reg *r, void *ctx, const char *error), void *ctx)
{
	json_object *in = json_object_new_object(), *ids = json_object_new_array(), *id = json_object_new_object();
	json_object_object_add(in, "repositoryName", json_object_new_string(repo));
	if (tag)
		json_object_object_add(id, "imageTag", json_object_new_string(tag));
	else
		json_object_object_add(id, "imageDigest", json_object_new_string(digest));
	json_object_array_add(ids, id);
	json_object_object_add(in, "imageIds", ids);
	struct ecr_call *c = call_new(r);
	c->del_done = done;
	c->del_ctx = ctx;
	log_msg("registry %s: ECR BatchDeleteImage %s %s", r->ep->name, repo, tag ? tag : digest);
	c->call = aws_call_json(r->ecr->aws, &aws_svc_ecr, "BatchDeleteImage", json_object_to_json_string(in),
				AWS_CALL_MUTATES | AWS_CALL_URGENT, on_delete, c);
	json_object_put(in);
}

/* ---- health ---- */

void ecr_health(struct reg *r, const struct health_sink *sink)
{
	struct ecr *e = r->ecr;
	if (!e || !e->renew_error[0])
		return;
	char what[ERRLEN + 96], when[32];
	time_t t = (time_t)e->expires;
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%H:%M", &tm);
	bool gone = e->expires <= wall_s();
	snprintf(what, sizeof(what), "the ECR login %s %s and cannot be renewed: %s", gone ? "ended at" : "ends at", when,
		 e->renew_error);
	struct problem p = {.level = gone ? PROBLEM_CRITICAL : PROBLEM_WARNING, .code = "ecr-token",
			    .kind = KIND_REPOSITORIES, .id = "", .name = "", .what = what};
	sink->problem(sink->arg, &p);
}

/* ---- the endpoint ---- */

const struct option_def ecr_options[] = {
	{"profile", OPT_STRING, "the AWS profile (default: $AWS_PROFILE, else default)"},
	{"region", OPT_STRING, "the region (default: the profile's, $AWS_REGION)"},
	{"url", OPT_STRING, "the registry's address, when not the account's own (a proxy, a mirror)"},
	{"ca_file", OPT_PATH, "a CA certificate (PEM) for the registry"},
	{NULL, 0, NULL},
};

int ecr_open(struct endpoint *ep, const struct endpoint_config *cfg, char *err, size_t errlen)
{
	struct reg *r = xcalloc(1, sizeof(*r));
	const char *profile = endpoint_config_get(cfg, "profile"), *region = endpoint_config_get(cfg, "region");
	struct aws_client_opts o = {.profile = profile && *profile ? profile : NULL,
				    .explicit_profile = profile && *profile,
				    .region = region && *region ? region : NULL,
				    .label = cfg->name};
	struct aws_client *aws = aws_client_new(&o, err, errlen);
	if (!aws) {
		free(r);
		return -1;
	}
	if (!aws_client_region(aws)) {
		aws_client_free(aws);
		free(r);
		return set_err(err, errlen, "endpoint %s: no region for ECR (set region, or the profile's, or $AWS_REGION)",
			       cfg->name);
	}
	const char *url = endpoint_config_get(cfg, "url");
	if (url && *url && reg_target_from_config(cfg, r, err, errlen) < 0) {
		aws_client_free(aws);
		free(r);
		return -1;
	}
	r->ecr = xcalloc(1, sizeof(*r->ecr));
	r->ecr->aws = aws;
	r->ecr->url_given = url && *url;
	r->ecr->profile = xstrdup(aws_client_profile(aws));
	r->ecr->region = xstrdup(aws_client_region(aws));
	r->ecr->renew = timer_new(on_renew, r);
	if (!r->ecr->url_given) {
		/* until the token says where the registry is */
		r->target.base_url = xasprintf("https://ecr.%s.invalid", r->ecr->region);
		r->target.display = xasprintf("ECR %s %s", r->ecr->profile, r->ecr->region);
		r->scheme_given = true;
		snprintf(r->host, sizeof(r->host), "ecr.%s", r->ecr->region);
		const char *ca = endpoint_config_get(cfg, "ca_file");
		if (ca && *ca)
			r->target.ca_file = xstrdup(ca);
	}
	r->cred_configured = true; /* the token is the login */
	reg_setup(ep, r);
	free(ep->address);
	ep->address = xstrdup(r->target.display);
	return 0;
}

void ecr_free(struct reg *r)
{
	if (!r->ecr)
		return;
	ecr_stop(r);
	timer_free(r->ecr->renew);
	aws_client_free(r->ecr->aws);
	free(r->ecr->profile);
	free(r->ecr->region);
	free(r->ecr);
	r->ecr = NULL;
}

/* The profile the AWS CLI would use, when it has credentials and a
 * region: its account's registry, connected when chosen. */
size_t ecr_discover(struct endpoint_config **cfgs)
{
	struct aws_config cfg;
	char err[ERRLEN];
	*cfgs = NULL;
	if (aws_config_load(&cfg, err, sizeof(err)) < 0)
		return 0;
	const char *profile = aws_profile_name(NULL);
	const char *region = aws_region(&cfg, profile, NULL);
	size_t n = 0;
	if (region && aws_creds_configured(&cfg, profile, false)) {
		*cfgs = xcalloc(1, sizeof(**cfgs));
		struct endpoint_config *c = &(*cfgs)[n++];
		c->name = xasprintf("ecr-%s-%s", profile, region);
		c->backend = xstrdup("ecr");
		c->on_demand = true;
		endpoint_config_set(c, "region", region);
	}
	aws_config_cleanup(&cfg);
	return n;
}
