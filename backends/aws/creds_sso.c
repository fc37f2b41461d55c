/* creds_sso.c: IAM Identity Center (SSO) credentials as the AWS CLI gets
 * them: the access token `aws sso login` cached in
 * ~/.aws/sso/cache/<SHA-1 of the sso-session name, or of the start URL
 * for the legacy form>.json; when it expires within 15 minutes and the
 * cache holds a refresh token (sso-session form), SSO OIDC CreateToken
 * refreshes it and the cache is written back (atomically, mode 0600) so
 * the CLI keeps working too; then the portal's GetRoleCredentials
 * (GET /federation/credentials, the token in x-amz-sso_bearer_token). An
 * expired session says to run `aws sso login`. */
#include "backends/aws/internal.h"
#include "backends/codec/crypto.h"
#include "backends/codec/jsonget.h"
#include "backends/util/log.h"
#include "backends/util/util.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define REFRESH_WINDOW_S (15 * 60) /* botocore's SSO token refresh window */
#define SSO_TIMEOUT_MS 15000

static void secret_free(char **p)
{
	if (*p) {
		memset(*p, 0, strlen(*p));
		free(*p);
		*p = NULL;
	}
}

static char *cache_path(const char *key)
{
	char hex[2 * CRYPTO_SHA1_LEN + 1];
	crypto_sha1_hex(key, strlen(key), hex);
	const char *home = getenv("HOME");
	return xasprintf("%s/.aws/sso/cache/%s.json", home ? home : ".", hex);
}

static void expired(struct aws_fetcher *f)
{
	char err[ERRLEN];
	snprintf(err, sizeof(err),
		 "the IAM Identity Center session of profile %s has expired: run `aws sso login --profile %s`",
		 f->sso->profile, f->sso->profile);
	aws_fetcher_finish(f, NULL, err);
}

static bool portal(struct aws_fetcher *f);

static void on_portal(void *arg, long status, const char *body, size_t len, const char *error)
{
	struct aws_fetcher *f = arg;
	char err[ERRLEN];
	f->http = NULL;
	if (error) {
		snprintf(err, sizeof(err), "the IAM Identity Center portal did not answer: %s", error);
		aws_fetcher_finish(f, NULL, err);
		return;
	}
	if (status == 401) {
		expired(f);
		return;
	}
	json_tokener *tok = json_tokener_new();
	json_object *o = json_tokener_parse_ex(tok, body, (int)len);
	json_tokener_free(tok);
	if (status != 200) {
		const char *m = jsonget_str(o, "message");
		if (!m)
			m = jsonget_str(o, "Message");
		snprintf(err, sizeof(err), "the IAM Identity Center portal refused role %s of account %s: %s",
			 f->sso->role_name, f->sso->account_id, m && *m ? m : "HTTP error");
		json_object_put(o);
		aws_fetcher_finish(f, NULL, err);
		return;
	}
	json_object *rc = jsonget_obj(o, "roleCredentials");
	struct aws_fetched got = {0};
	const char *akid = jsonget_str(rc, "accessKeyId"), *secret = jsonget_str(rc, "secretAccessKey");
	const char *token = jsonget_str(rc, "sessionToken");
	int64_t ms = 0;
	if (!akid || !secret) {
		json_object_put(o);
		aws_fetcher_finish(f, NULL, "the IAM Identity Center portal answered without credentials");
		return;
	}
	got.akid = xstrdup(akid);
	got.secret = xstrdup(secret);
	got.token = token ? xstrdup(token) : NULL;
	if (jsonget_int(rc, "expiration", &ms) && ms > 0)
		got.expiry = ms / 1000;
	json_object *s = jsonget_field(rc, "secretAccessKey");
	memset((char *)json_object_get_string(s), 0, strlen(json_object_get_string(s)));
	json_object_put(o);
	aws_fetcher_finish(f, &got, NULL);
}

/* false when it could not start (f is then finished and freed) */
static bool portal(struct aws_fetcher *f)
{
	char *ra = sigv4_uri_encode(f->sso->role_name, strlen(f->sso->role_name), 0);
	char *aa = sigv4_uri_encode(f->sso->account_id, strlen(f->sso->account_id), 0);
	char *url = xasprintf("%s/federation/credentials?role_name=%s&account_id=%s", f->sso->portal_url, ra, aa);
	char *line = xasprintf("x-amz-sso_bearer_token: %s", f->sso_token);
	const char *headers[] = {line, NULL};
	f->step = 2;
	f->http = aws_fetch_start(url, f->sso->ca_bundle, "GET", headers, NULL, NULL, SSO_TIMEOUT_MS, NULL, on_portal, f);
	secret_free(&line);
	free(url);
	free(ra);
	free(aa);
	if (!f->http) {
		aws_fetcher_finish(f, NULL, "the IAM Identity Center portal URL is not a URL");
		return false;
	}
	return true;
}

/* Writes the refreshed token into the cache file the way botocore does:
 * the same JSON with accessToken, expiresAt and refreshToken replaced. */
static void write_back(struct aws_fetcher *f, json_object *cache, const char *access, int64_t expires_in,
		       const char *refresh)
{
	char stamp[32];
	time_t t = (time_t)(wall_s() + expires_in);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_object_add(cache, "accessToken", json_object_new_string(access));
	json_object_object_add(cache, "expiresAt", json_object_new_string(stamp));
	if (refresh && *refresh)
		json_object_object_add(cache, "refreshToken", json_object_new_string(refresh));
	char *path = cache_path(f->sso->cache_key), *tmp = xasprintf("%s.binnacle-%d", path, (int)getpid());
	const char *text = json_object_to_json_string_ext(cache, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	if (fd >= 0 && close(fd) < 0)
		ok = false;
	if (!ok || rename(tmp, path) < 0) {
		unlink(tmp);
		log_msg("aws: cannot write the refreshed SSO token back to %s", path);
	}
	free(tmp);
	free(path);
}

static void on_refresh(void *arg, long status, const char *body, size_t len, const char *error)
{
	struct aws_fetcher *f = arg;
	json_object *cache = f->sso_cache;
	f->sso_cache = NULL;
	f->http = NULL;
	json_tokener *tok = json_tokener_new();
	json_object *o = error ? NULL : json_tokener_parse_ex(tok, body, (int)len);
	json_tokener_free(tok);
	const char *access = jsonget_str(o, "accessToken");
	int64_t expires_in = 0;
	if (error || status != 200 || !access || !jsonget_int(o, "expiresIn", &expires_in)) {
		log_msg("aws: refreshing the SSO token of profile %s failed (%s)", f->sso->profile,
			error ? error : "refused");
		json_object_put(o);
		/* a token still valid a while is used as it is */
		const char *exp = jsonget_str(cache, "expiresAt");
		int64_t until = exp ? parse_rfc3339(exp) : -1;
		json_object_put(cache);
		if (f->sso_token && until > wall_s() + 60)
			portal(f);
		else
			expired(f);
		return;
	}
	secret_free(&f->sso_token);
	f->sso_token = xstrdup(access);
	write_back(f, cache, access, expires_in, jsonget_str(o, "refreshToken"));
	json_object_put(o);
	json_object_put(cache);
	portal(f);
}

/* false when it could not start (f is then finished and freed) */
static bool start_refresh(struct aws_fetcher *f, json_object *cache)
{
	json_object *body = json_object_new_object();
	json_object_object_add(body, "grantType", json_object_new_string("refresh_token"));
	static const char *const keys[] = {"clientId", "clientSecret", "refreshToken"};
	for (size_t i = 0; i < 3; i++) {
		const char *v = jsonget_str(cache, keys[i]);
		json_object_object_add(body, keys[i], json_object_new_string(v ? v : ""));
	}
	char *text = xstrdup(json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN));
	json_object_put(body);
	char *url = xasprintf("%s/token", f->sso->oidc_url);
	f->step = 1;
	f->sso_cache = cache;
	f->http = aws_fetch_start(url, f->sso->ca_bundle, "POST", NULL, text, "application/json", SSO_TIMEOUT_MS, NULL,
				  on_refresh, f);
	memset(text, 0, strlen(text));
	free(text);
	free(url);
	if (!f->http) {
		aws_fetcher_finish(f, NULL, "the IAM Identity Center OIDC URL is not a URL");
		return false;
	}
	return true;
}

static struct aws_sso_params *copy_params(const struct aws_sso_params *p)
{
	struct aws_sso_params *c = xcalloc(1, sizeof(*c));
	c->cache_key = xstrdup(p->cache_key);
	c->start_url = xstrdup(p->start_url);
	c->sso_region = xstrdup(p->sso_region);
	c->account_id = xstrdup(p->account_id);
	c->role_name = xstrdup(p->role_name);
	c->portal_url = xstrdup(p->portal_url);
	c->oidc_url = xstrdup(p->oidc_url);
	c->ca_bundle = xstrdup(p->ca_bundle);
	c->profile = xstrdup(p->profile);
	c->refreshable = p->refreshable;
	return c;
}

struct aws_fetcher *aws_fetch_sso(const struct aws_sso_params *p, aws_fetched_fn done, void *arg)
{
	struct aws_fetcher *f = xcalloc(1, sizeof(*f));
	f->done = done;
	f->arg = arg;
	f->sso = copy_params(p);
	char *path = cache_path(p->cache_key);
	char *text = read_file(path, NULL);
	free(path);
	json_object *cache = text ? json_tokener_parse(text) : NULL;
	if (text)
		memset(text, 0, strlen(text));
	free(text);
	const char *access = jsonget_str(cache, "accessToken"), *exp = jsonget_str(cache, "expiresAt");
	int64_t until = exp ? parse_rfc3339(exp) : -1;
	if (!access || until < 0) {
		json_object_put(cache);
		expired(f);
		return NULL;
	}
	f->sso_token = xstrdup(access);
	int64_t now = wall_s();
	bool can_refresh = p->refreshable && jsonget_str(cache, "refreshToken") && jsonget_str(cache, "clientId");
	if (until - now < REFRESH_WINDOW_S && can_refresh)
		return start_refresh(f, cache) ? f : NULL;
	json_object_put(cache);
	if (until <= now) {
		expired(f);
		return NULL;
	}
	return portal(f) ? f : NULL;
}
