/* creds.c: the credential chain (see creds.h): which source applies, in
 * the AWS CLI's order and with its rules for source_profile chains, then
 * the cache of what the source gave, refreshed before it expires, and the
 * callers waiting for a fetch. The fetches are creds_fetch.c's and
 * creds_sso.c's. */
#include "backends/aws/internal.h"
#include "backends/util/log.h"
#include "backends/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Keys are fetched again this long before they expire (botocore: 10 min
 * mandatory), or half their lifetime before when that is shorter. */
#define REFRESH_MARGIN_S 600

struct waiter {
	aws_creds_fn done;
	void *arg;
};

struct aws_creds {
	enum aws_creds_source kind;
	char *profile;
	char what[192];
	char hint[160];
	/* static keys (environment, files) */
	char *akid, *secret, *token;
	/* what the source last gave */
	struct aws_fetched cur;
	bool have;
	int64_t fetched_at;
	/* the source's parameters */
	char *command;                              /* credential_process */
	char *url, *auth_token, *auth_token_file;   /* container */
	char *imds;                                 /* IMDS endpoint */
	char *sts_url, *ca, *region, *role_arn, *session_name, *external_id, *duration, *token_file;
	struct aws_sso_params sso;
	struct aws_creds *source; /* assume role: where the keys to sign it come from */
	/* in flight */
	struct aws_fetcher *run;
	bool source_pending;
	struct waiter *waiters;
	size_t nwaiters;
};

/* What resolving needs: the files, and the top profile's region and
 * endpoints (the CLI makes its STS client from the session's profile). */
struct ctx {
	const struct aws_config *cfg;
	const char *top, *region;
	char *visited[16];
	size_t nvisited;
};

static void wipe(char **p)
{
	if (*p) {
		memset(*p, 0, strlen(*p));
		free(*p);
		*p = NULL;
	}
}

static struct aws_creds *creds_alloc(enum aws_creds_source kind, const char *profile)
{
	struct aws_creds *c = xcalloc(1, sizeof(*c));
	c->kind = kind;
	c->profile = xstrdup(profile);
	return c;
}

void aws_creds_free(struct aws_creds *c)
{
	if (!c)
		return;
	aws_fetcher_cancel(c->run);
	if (c->source_pending)
		aws_creds_forget(c->source, c);
	aws_creds_free(c->source);
	aws_fetched_wipe(&c->cur);
	wipe(&c->akid);
	wipe(&c->secret);
	wipe(&c->token);
	wipe(&c->auth_token);
	char **owned[] = {&c->profile, &c->command, &c->url, &c->auth_token_file, &c->imds, &c->sts_url, &c->ca,
			  &c->region, &c->role_arn, &c->session_name, &c->external_id, &c->duration, &c->token_file};
	for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		free(*owned[i]);
	const char **sso[] = {&c->sso.cache_key, &c->sso.start_url, &c->sso.sso_region, &c->sso.account_id,
			      &c->sso.role_name, &c->sso.portal_url, &c->sso.oidc_url, &c->sso.ca_bundle,
			      &c->sso.profile};
	for (size_t i = 0; i < sizeof(sso) / sizeof(sso[0]); i++)
		free((char *)*sso[i]);
	free(c->waiters);
	free(c);
}

/* ---- choosing the source ---- */

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

static struct aws_creds *static_keys(enum aws_creds_source kind, const char *profile, const char *akid,
				     const char *secret, const char *token, const char *where, char *err, size_t errlen)
{
	if (!akid != !secret) {
		set_err(err, errlen, "%s has %s but not %s", where, akid ? "an access key id" : "a secret key",
			akid ? "its secret key" : "its access key id");
		return NULL;
	}
	if (!akid)
		return NULL;
	struct aws_creds *c = creds_alloc(kind, profile);
	c->akid = xstrdup(akid);
	c->secret = xstrdup(secret);
	c->token = token && *token ? xstrdup(token) : NULL;
	snprintf(c->what, sizeof(c->what), "%s", where);
	return c;
}

static struct aws_creds *env_keys(char *err, size_t errlen)
{
	const char *token = env("AWS_SESSION_TOKEN");
	if (!token)
		token = env("AWS_SECURITY_TOKEN");
	return static_keys(AWS_SRC_ENV, NULL, env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), token,
			   "the environment's keys (AWS_ACCESS_KEY_ID)", err, errlen);
}

static struct aws_creds *container(char *err, size_t errlen)
{
	const char *rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"), *full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	if (!rel && !full)
		return NULL;
	struct aws_creds *c = creds_alloc(AWS_SRC_CONTAINER, NULL);
	if (rel) {
		c->url = xasprintf("http://169.254.170.2%s%s", rel[0] == '/' ? "" : "/", rel);
	} else {
		/* plain http only to the container agent or this machine, as the CLI allows */
		static const char *const ok_hosts[] = {"http://127.", "http://localhost", "http://[::1]",
						       "http://169.254.170.2", "http://169.254.170.23",
						       "http://[fd00:ec2::23]", "https://", NULL};
		bool ok = false;
		for (size_t i = 0; ok_hosts[i]; i++)
			ok = ok || str_starts(full, ok_hosts[i]);
		if (!ok) {
			aws_creds_free(c);
			set_err(err, errlen, "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https, or http to the "
					     "container agent or this machine");
			return NULL;
		}
		c->url = xstrdup(full);
	}
	c->auth_token = xstrdup(env("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
	c->auth_token_file = xstrdup(env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"));
	snprintf(c->what, sizeof(c->what), "the task role (container credentials endpoint)");
	return c;
}

static struct aws_creds *imds(struct ctx *x, const char *profile)
{
	if (aws_config_true(env("AWS_EC2_METADATA_DISABLED")))
		return NULL;
	struct aws_creds *c = creds_alloc(AWS_SRC_IMDS, NULL);
	c->imds = aws_imds_endpoint(x->cfg, profile);
	snprintf(c->what, sizeof(c->what), "the EC2 instance role (instance metadata)");
	return c;
}

static char *sts_url(struct ctx *x)
{
	return aws_endpoint_url(x->cfg, x->top, &aws_svc_sts, x->region, NULL);
}

static struct aws_creds *web_identity(struct ctx *x, const char *profile, bool disable_env, char *err, size_t errlen)
{
	const char *file = aws_config_get(x->cfg, profile, "web_identity_token_file");
	const char *role = aws_config_get(x->cfg, profile, "role_arn");
	const char *session = aws_config_get(x->cfg, profile, "role_session_name");
	bool from_env = false;
	if (!file && !disable_env) {
		file = env("AWS_WEB_IDENTITY_TOKEN_FILE");
		role = env("AWS_ROLE_ARN");
		session = env("AWS_ROLE_SESSION_NAME");
		from_env = true;
	}
	if (!file)
		return NULL;
	if (!role) {
		set_err(err, errlen, "%s has a web identity token file but no role ARN to assume",
			from_env ? "the environment" : profile);
		return NULL;
	}
	struct aws_creds *c = creds_alloc(AWS_SRC_WEB_IDENTITY, profile);
	c->token_file = xstrdup(file);
	c->role_arn = xstrdup(role);
	c->session_name = xstrdup(session);
	c->sts_url = sts_url(x);
	c->ca = xstrdup(aws_ca_bundle(x->cfg, x->top));
	c->region = xstrdup(x->region ? x->region : "us-east-1");
	if (from_env)
		snprintf(c->what, sizeof(c->what), "web identity (AWS_ROLE_ARN %s)", role);
	else
		snprintf(c->what, sizeof(c->what), "profile %s (web identity)", profile);
	return c;
}

static struct aws_creds *sso(struct ctx *x, const char *profile, char *err, size_t errlen)
{
	const char *session = aws_config_get(x->cfg, profile, "sso_session");
	const char *start = aws_config_get(x->cfg, profile, "sso_start_url");
	const char *region = aws_config_get(x->cfg, profile, "sso_region");
	if (!session && !start)
		return NULL;
	if (session) {
		start = aws_config_section_get(x->cfg, "sso-session", session, "sso_start_url");
		region = aws_config_section_get(x->cfg, "sso-session", session, "sso_region");
		if (!start || !region) {
			set_err(err, errlen, "profile %s names sso_session %s, whose section lacks sso_start_url or "
					     "sso_region",
				profile, session);
			return NULL;
		}
	}
	const char *account = aws_config_get(x->cfg, profile, "sso_account_id");
	const char *role = aws_config_get(x->cfg, profile, "sso_role_name");
	if (!start || !region || !account || !role) {
		set_err(err, errlen, "profile %s is missing %s", profile,
			!account ? "sso_account_id" : !role ? "sso_role_name" : !region ? "sso_region" : "sso_start_url");
		return NULL;
	}
	struct aws_creds *c = creds_alloc(AWS_SRC_SSO, profile);
	c->sso.cache_key = xstrdup(session ? session : start);
	c->sso.start_url = xstrdup(start);
	c->sso.sso_region = xstrdup(region);
	c->sso.account_id = xstrdup(account);
	c->sso.role_name = xstrdup(role);
	c->sso.portal_url = aws_endpoint_url(x->cfg, profile, &aws_svc_sso, region, NULL);
	c->sso.oidc_url = aws_endpoint_url(x->cfg, profile, &aws_svc_sso_oidc, region, NULL);
	c->sso.ca_bundle = xstrdup(aws_ca_bundle(x->cfg, x->top));
	c->sso.refreshable = session != NULL;
	c->sso.profile = xstrdup(profile);
	snprintf(c->what, sizeof(c->what), "profile %s (IAM Identity Center)", profile);
	snprintf(c->hint, sizeof(c->hint), "aws sso login --profile %s", profile);
	return c;
}

/* The providers that read one profile, in the CLI's order (after the
 * environment and role_arn): NULL with err "" when none applies. */
static struct aws_creds *profile_providers(struct ctx *x, const char *profile, bool disable_env, char *err,
					   size_t errlen)
{
	struct aws_creds *c;
	char where[160];
	err[0] = '\0';
	if ((c = web_identity(x, profile, disable_env, err, errlen)) || err[0])
		return c;
	if ((c = sso(x, profile, err, errlen)) || err[0])
		return c;
	snprintf(where, sizeof(where), "profile %s (credentials file)", profile);
	if ((c = static_keys(AWS_SRC_SHARED_FILE, profile, aws_config_get_in(x->cfg, true, profile, "aws_access_key_id"),
			     aws_config_get_in(x->cfg, true, profile, "aws_secret_access_key"),
			     aws_config_get_in(x->cfg, true, profile, "aws_session_token"), where, err, errlen)) ||
	    err[0])
		return c;
	const char *cmd = aws_config_get(x->cfg, profile, "credential_process");
	if (cmd && *cmd) {
		c = creds_alloc(AWS_SRC_PROCESS, profile);
		c->command = xstrdup(cmd);
		snprintf(c->what, sizeof(c->what), "profile %s (credential_process)", profile);
		return c;
	}
	snprintf(where, sizeof(where), "profile %s (config file)", profile);
	return static_keys(AWS_SRC_CONFIG_FILE, profile, aws_config_get_in(x->cfg, false, profile, "aws_access_key_id"),
			   aws_config_get_in(x->cfg, false, profile, "aws_secret_access_key"),
			   aws_config_get_in(x->cfg, false, profile, "aws_session_token"), where, err, errlen);
}

static bool has_static(struct ctx *x, const char *profile)
{
	return aws_config_get(x->cfg, profile, "aws_access_key_id") ||
	       aws_config_get(x->cfg, profile, "aws_secret_access_key");
}

static bool visited(struct ctx *x, const char *profile)
{
	for (size_t i = 0; i < x->nvisited; i++)
		if (!strcmp(x->visited[i], profile))
			return true;
	return false;
}

static struct aws_creds *assume_role(struct ctx *x, const char *profile, char *err, size_t errlen);

static struct aws_creds *role_source(struct ctx *x, const char *profile, char *err, size_t errlen)
{
	const char *src = aws_config_get(x->cfg, profile, "source_profile");
	const char *csrc = aws_config_get(x->cfg, profile, "credential_source");
	if (src && csrc) {
		set_err(err, errlen, "profile %s has both source_profile and credential_source", profile);
		return NULL;
	}
	if (!src && !csrc) {
		set_err(err, errlen, "profile %s has a role_arn but no source_profile or credential_source", profile);
		return NULL;
	}
	struct aws_creds *s = NULL;
	if (csrc) {
		if (!strcmp(csrc, "Environment"))
			s = env_keys(err, errlen);
		else if (!strcmp(csrc, "EcsContainer"))
			s = container(err, errlen);
		else if (!strcmp(csrc, "Ec2InstanceMetadata"))
			s = imds(x, profile);
		else {
			set_err(err, errlen, "profile %s: credential_source \"%s\" is not Environment, EcsContainer or "
					     "Ec2InstanceMetadata",
				profile, csrc);
			return NULL;
		}
		if (!s && !err[0])
			set_err(err, errlen, "profile %s: its credential_source %s has no credentials", profile, csrc);
		return s;
	}
	if (!aws_config_has_profile(x->cfg, src)) {
		set_err(err, errlen, "profile %s names source_profile %s, which is not configured", profile, src);
		return NULL;
	}
	/* a profile may name itself when it holds the keys to assume its role with */
	bool self = !strcmp(src, profile);
	if ((visited(x, src) && !self) || (self && !has_static(x, src)) || x->nvisited >= 16) {
		set_err(err, errlen, "the source_profile chain from profile %s loops back to %s", x->top, src);
		return NULL;
	}
	if (!self)
		x->visited[x->nvisited++] = xstrdup(src);
	if (self || has_static(x, src) || !aws_config_get(x->cfg, src, "role_arn")) {
		s = profile_providers(x, src, true, err, errlen);
		if (!s && !err[0])
			set_err(err, errlen, "the source profile %s has no credentials", src);
		return s;
	}
	return assume_role(x, src, err, errlen);
}

static struct aws_creds *assume_role(struct ctx *x, const char *profile, char *err, size_t errlen)
{
	if (aws_config_get(x->cfg, profile, "mfa_serial")) {
		set_err(err, errlen, "profile %s needs an MFA code (mfa_serial), which binnacle cannot ask for", profile);
		return NULL;
	}
	struct aws_creds *source = role_source(x, profile, err, errlen);
	if (!source)
		return NULL;
	struct aws_creds *c = creds_alloc(AWS_SRC_ASSUME_ROLE, profile);
	c->source = source;
	c->role_arn = xstrdup(aws_config_get(x->cfg, profile, "role_arn"));
	c->session_name = xstrdup(aws_config_get(x->cfg, profile, "role_session_name"));
	c->external_id = xstrdup(aws_config_get(x->cfg, profile, "external_id"));
	c->duration = xstrdup(aws_config_get(x->cfg, profile, "duration_seconds"));
	c->sts_url = sts_url(x);
	c->ca = xstrdup(aws_ca_bundle(x->cfg, x->top));
	c->region = xstrdup(x->region ? x->region : "us-east-1");
	const char *slash = strrchr(c->role_arn, '/');
	snprintf(c->what, sizeof(c->what), "profile %s (role %s)", profile, slash ? slash + 1 : c->role_arn);
	if (source->hint[0])
		snprintf(c->hint, sizeof(c->hint), "%s", source->hint);
	return c;
}

struct aws_creds *aws_creds_new(const struct aws_creds_opts *o, char *err, size_t errlen)
{
	const char *profile = aws_profile_name(o->profile);
	struct ctx x = {.cfg = o->config, .top = profile};
	x.region = aws_region(o->config, profile, o->region);
	x.visited[x.nvisited++] = xstrdup(profile);
	char why[ERRLEN] = "";
	struct aws_creds *c = NULL;
	bool named = o->explicit_profile || (o->profile && *o->profile) || env("AWS_PROFILE");
	/* a profile asked for by name must exist, as the CLI insists */
	if (named && strcmp(profile, "default") && !aws_config_has_profile(o->config, profile))
		snprintf(why, sizeof(why), "the profile %s is not in %s or %s", profile,
			 o->config->config_path ? o->config->config_path : "the AWS config file",
			 o->config->credentials_path ? o->config->credentials_path : "the credentials file");
	if (!why[0] && !o->explicit_profile)
		c = env_keys(why, sizeof(why));
	if (!c && !why[0] && aws_config_get(o->config, profile, "role_arn") &&
	    !aws_config_get(o->config, profile, "web_identity_token_file"))
		c = assume_role(&x, profile, why, sizeof(why));
	if (!c && !why[0])
		c = profile_providers(&x, profile, o->explicit_profile, why, sizeof(why));
	if (!c && !why[0])
		c = container(why, sizeof(why));
	if (!c && !why[0])
		c = imds(&x, profile);
	for (size_t i = 0; i < x.nvisited; i++)
		free(x.visited[i]);
	if (!c) {
		set_err(err, errlen, "%s", why[0] ? why : "no AWS credentials: none in the environment, the profile, a "
						       "container endpoint or instance metadata");
		return NULL;
	}
	log_msg("aws: credentials for profile %s from %s", profile, c->what);
	return c;
}

/* ---- fetching ---- */

static bool is_static(const struct aws_creds *c)
{
	return c->kind == AWS_SRC_ENV || c->kind == AWS_SRC_SHARED_FILE || c->kind == AWS_SRC_CONFIG_FILE;
}

static bool fresh(const struct aws_creds *c)
{
	if (!c->have)
		return false;
	if (!c->cur.expiry)
		return true;
	int64_t life = c->cur.expiry - c->fetched_at, margin = REFRESH_MARGIN_S;
	if (life > 0 && life / 2 < margin)
		margin = life / 2;
	return wall_s() < c->cur.expiry - margin;
}

static void keys_of(const struct aws_creds *c, struct aws_keys *k)
{
	if (is_static(c)) {
		*k = (struct aws_keys){c->akid, c->secret, c->token};
	} else {
		*k = (struct aws_keys){c->cur.akid, c->cur.secret, c->cur.token};
	}
}

/* Tells every waiter: the keys, or the error. A waiter may get() again. */
static void notify(struct aws_creds *c, const char *error)
{
	struct waiter *w = c->waiters;
	size_t n = c->nwaiters;
	c->waiters = NULL;
	c->nwaiters = 0;
	struct aws_keys k;
	keys_of(c, &k);
	for (size_t i = 0; i < n; i++)
		w[i].done(w[i].arg, error ? NULL : &k, error);
	free(w);
}

static void on_fetched(void *arg, struct aws_fetched *got, const char *error)
{
	struct aws_creds *c = arg;
	c->run = NULL;
	if (error) {
		/* keys not yet expired are still good while the source is down */
		if (c->have && c->cur.expiry > wall_s() + 30) {
			log_msg("aws: refreshing %s failed, the current keys last a while: %s", c->what, error);
			notify(c, NULL);
			return;
		}
		c->have = false;
		aws_fetched_wipe(&c->cur);
		notify(c, error);
		return;
	}
	aws_fetched_wipe(&c->cur);
	c->cur = *got;
	memset(got, 0, sizeof(*got)); /* now ours */
	c->have = true;
	c->fetched_at = wall_s();
	if (c->cur.expiry)
		log_msg("aws: new keys from %s, valid %lld s", c->what, (long long)(c->cur.expiry - c->fetched_at));
	else
		log_msg("aws: new keys from %s", c->what);
	notify(c, NULL);
}

static void on_source(void *arg, const struct aws_keys *k, const char *error)
{
	struct aws_creds *c = arg;
	c->source_pending = false;
	if (error) {
		char why[ERRLEN];
		snprintf(why, sizeof(why), "%s", error);
		c->have = false;
		notify(c, why);
		return;
	}
	char session[64];
	if (!c->session_name)
		snprintf(session, sizeof(session), "botocore-session-%lld", (long long)wall_s());
	struct aws_sts_params p = {.url = c->sts_url, .ca_bundle = c->ca, .region = c->region, .role_arn = c->role_arn,
				   .session_name = c->session_name ? c->session_name : session,
				   .external_id = c->external_id, .duration = c->duration, .source = k};
	c->run = aws_fetch_sts(&p, on_fetched, c);
}

static void start_fetch(struct aws_creds *c)
{
	char session[64];
	switch (c->kind) {
	case AWS_SRC_PROCESS:
		c->run = aws_fetch_process(c->command, c->profile, on_fetched, c);
		break;
	case AWS_SRC_CONTAINER:
		c->run = aws_fetch_container(c->url, c->auth_token, c->auth_token_file, on_fetched, c);
		break;
	case AWS_SRC_IMDS:
		c->run = aws_fetch_imds(c->imds, on_fetched, c);
		break;
	case AWS_SRC_SSO:
		c->run = aws_fetch_sso(&c->sso, on_fetched, c);
		break;
	case AWS_SRC_WEB_IDENTITY: {
		if (!c->session_name)
			snprintf(session, sizeof(session), "botocore-session-%lld", (long long)wall_s());
		struct aws_sts_params p = {.url = c->sts_url, .ca_bundle = c->ca, .region = c->region,
					   .role_arn = c->role_arn,
					   .session_name = c->session_name ? c->session_name : session,
					   .web_identity_token_file = c->token_file};
		c->run = aws_fetch_sts(&p, on_fetched, c);
		break;
	}
	case AWS_SRC_ASSUME_ROLE:
		c->source_pending = true;
		aws_creds_get(c->source, on_source, c);
		break;
	default:
		break;
	}
}

void aws_creds_get(struct aws_creds *c, aws_creds_fn done, void *arg)
{
	struct aws_keys k;
	if (is_static(c) || fresh(c)) {
		keys_of(c, &k);
		done(arg, &k, NULL);
		return;
	}
	c->waiters = xrealloc(c->waiters, (c->nwaiters + 1) * sizeof(*c->waiters));
	c->waiters[c->nwaiters++] = (struct waiter){done, arg};
	if (!c->run && !c->source_pending)
		start_fetch(c);
}

void aws_creds_forget(struct aws_creds *c, void *arg)
{
	if (!c)
		return;
	size_t kept = 0;
	for (size_t i = 0; i < c->nwaiters; i++)
		if (c->waiters[i].arg != arg)
			c->waiters[kept++] = c->waiters[i];
	c->nwaiters = kept;
}

void aws_creds_invalidate(struct aws_creds *c)
{
	if (!c || is_static(c))
		return;
	c->have = false;
	if (c->source)
		aws_creds_invalidate(c->source);
}

enum aws_creds_source aws_creds_kind(const struct aws_creds *c)
{
	return c ? c->kind : AWS_SRC_NONE;
}

const char *aws_creds_describe(const struct aws_creds *c)
{
	return c ? c->what : "no credentials";
}

const char *aws_creds_login_hint(const struct aws_creds *c)
{
	return c && c->hint[0] ? c->hint : NULL;
}

int64_t aws_creds_expiry(const struct aws_creds *c)
{
	return c && c->have ? c->cur.expiry : 0;
}

static void redact_one(char *text, const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;
	if (n < 8) /* too short to be a secret, and would blot out words */
		return;
	for (char *p = strstr(text, secret); p; p = strstr(p + n, secret))
		memset(p, '*', n);
}

void aws_creds_redact(const struct aws_creds *c, char *text)
{
	for (; c && text; c = c->source) {
		redact_one(text, c->secret);
		redact_one(text, c->token);
		redact_one(text, c->cur.secret);
		redact_one(text, c->cur.token);
		redact_one(text, c->auth_token);
	}
}

/* An EC2 instance says so in its DMI tables (Nitro and Xen alike). */
static bool on_ec2(void)
{
	static const char *const files[] = {"/sys/devices/virtual/dmi/id/sys_vendor",
					    "/sys/devices/virtual/dmi/id/bios_vendor", "/sys/hypervisor/uuid", NULL};
	for (size_t i = 0; files[i]; i++) {
		char *t = read_file(files[i], NULL);
		bool yes = t && (strstr(t, "Amazon EC2") || !strncasecmp(t, "ec2", 3));
		free(t);
		if (yes)
			return true;
	}
	return false;
}

bool aws_creds_configured(const struct aws_config *cfg, const char *profile, bool explicit_profile)
{
	char err[ERRLEN];
	struct aws_creds_opts o = {.config = cfg, .profile = profile, .explicit_profile = explicit_profile};
	struct aws_creds *c = aws_creds_new(&o, err, sizeof(err));
	if (!c) /* configured, wrongly: the endpoint will say how */
		return aws_config_has_profile(cfg, aws_profile_name(profile)) || env("AWS_ACCESS_KEY_ID");
	bool yes = c->kind != AWS_SRC_IMDS || env("AWS_EC2_METADATA_SERVICE_ENDPOINT") || on_ec2();
	aws_creds_free(c);
	return yes;
}
