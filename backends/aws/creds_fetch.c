/* creds_fetch.c: the credential sources that need a process or a request:
 * credential_process, STS AssumeRole and AssumeRoleWithWebIdentity, the ECS
 * container endpoint and EC2 instance metadata (IMDSv2), each as the AWS
 * CLI speaks to it (timeouts, headers, answers). SSO is creds_sso.c's.
 * What they return is secret: wiped before it is freed, never logged. */
#include "backends/aws/internal.h"
#include "backends/codec/jsonget.h"
#include "backends/net/child.h"
#include "backends/util/log.h"
#include "backends/util/util.h"

#include <ctype.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMDS_TIMEOUT_MS 1000 /* botocore's metadata_service_timeout */
#define CONTAINER_TIMEOUT_MS 2000
#define STS_TIMEOUT_MS 15000
#define PROCESS_TIMEOUT_MS 60000

void aws_fetched_wipe(struct aws_fetched *got)
{
	char **fields[] = {&got->akid, &got->secret, &got->token};
	for (size_t i = 0; i < 3; i++)
		if (*fields[i]) {
			memset(*fields[i], 0, strlen(*fields[i]));
			free(*fields[i]);
			*fields[i] = NULL;
		}
	got->expiry = 0;
}

static void secret_free(char **p)
{
	if (*p) {
		memset(*p, 0, strlen(*p));
		free(*p);
		*p = NULL;
	}
}

static void fetcher_free(struct aws_fetcher *f)
{
	free(f->endpoint);
	secret_free(&f->imds_token);
	secret_free(&f->sso_token);
	free(f->label);
	json_object_put(f->sso_cache);
	if (f->sso) {
		struct aws_sso_params *p = f->sso;
		free((char *)p->cache_key);
		free((char *)p->start_url);
		free((char *)p->sso_region);
		free((char *)p->account_id);
		free((char *)p->role_name);
		free((char *)p->portal_url);
		free((char *)p->oidc_url);
		free((char *)p->ca_bundle);
		free((char *)p->profile);
		free(p);
	}
	free(f);
}

void aws_fetcher_cancel(struct aws_fetcher *f)
{
	if (!f)
		return;
	aws_fetch_cancel(f->http);
	child_cancel(f->child);
	fetcher_free(f);
}

void aws_fetcher_finish(struct aws_fetcher *f, struct aws_fetched *got, const char *error)
{
	f->http = NULL;
	f->child = NULL;
	f->done(f->arg, error ? NULL : got, error);
	if (got)
		aws_fetched_wipe(got);
	fetcher_free(f);
}

static struct aws_fetcher *fetcher_new(aws_fetched_fn done, void *arg)
{
	struct aws_fetcher *f = xcalloc(1, sizeof(*f));
	f->done = done;
	f->arg = arg;
	return f;
}

int aws_parse_json_creds(const char *body, size_t len, struct aws_fetched *got, char *err, size_t errlen)
{
	memset(got, 0, sizeof(*got));
	json_tokener *tok = json_tokener_new();
	json_object *o = json_tokener_parse_ex(tok, body, (int)len);
	json_tokener_free(tok);
	const char *akid = jsonget_str(o, "AccessKeyId"), *secret = jsonget_str(o, "SecretAccessKey");
	const char *token = jsonget_str(o, "Token");
	if (!token)
		token = jsonget_str(o, "SessionToken");
	if (!akid || !secret || !*akid || !*secret) {
		json_object_put(o);
		return set_err(err, errlen, "%s", o ? "the answer has no AccessKeyId and SecretAccessKey"
						      : "the answer is not JSON");
	}
	got->akid = xstrdup(akid);
	got->secret = xstrdup(secret);
	got->token = token && *token ? xstrdup(token) : NULL;
	const char *exp = jsonget_str(o, "Expiration");
	if (exp && *exp) {
		got->expiry = parse_rfc3339(exp);
		if (got->expiry < 0)
			got->expiry = 0;
	}
	/* the parsed tree holds the secret too */
	json_object *s = jsonget_field(o, "SecretAccessKey");
	if (s)
		memset((char *)json_object_get_string(s), 0, strlen(json_object_get_string(s)));
	json_object_put(o);
	return 0;
}

/* ---- credential_process ---- */

/* Splits a command line as a POSIX shell would its words (quotes and
 * backslashes; no expansion), like the shlex.split the CLI uses. */
static char **split_words(const char *s, size_t *n)
{
	char **words = NULL;
	*n = 0;
	struct buf w;
	buf_init(&w);
	bool inword = false;
	char quote = 0;
	for (const char *p = s;; p++) {
		char c = *p;
		if (!c || (!quote && isspace((unsigned char)c))) {
			if (inword) {
				buf_append(&w, "", 0);
				words = xrealloc(words, (*n + 2) * sizeof(*words));
				words[(*n)++] = buf_steal(&w);
				words[*n] = NULL;
			}
			inword = false;
			if (!c)
				break;
			continue;
		}
		inword = true;
		if (quote == '\'') {
			if (c == '\'')
				quote = 0;
			else
				buf_putc(&w, c);
		} else if (c == '\\' && p[1] && (quote != '"' || strchr("\\\"$`\n", p[1]))) {
			buf_putc(&w, *++p);
		} else if (quote == '"') {
			if (c == '"')
				quote = 0;
			else
				buf_putc(&w, c);
		} else if (c == '\'' || c == '"') {
			quote = c;
		} else {
			buf_putc(&w, c);
		}
	}
	buf_cleanup(&w);
	return words;
}

static void on_process(void *arg, const struct child_result *r)
{
	struct aws_fetcher *f = arg;
	char err[ERRLEN];
	struct aws_fetched got = {0};
	f->child = NULL;
	if (r->exec_errno || r->timed_out || r->signal || r->exit_code != 0) {
		char first[160] = "";
		size_t n = r->err_len ? strcspn(r->err, "\n") : 0;
		snprintf(first, sizeof(first), "%.*s", (int)(n < 150 ? n : 150), r->err ? r->err : "");
		if (r->exec_errno)
			snprintf(err, sizeof(err), "the credential_process of %s could not be started: %s", f->label,
				 strerror(r->exec_errno));
		else if (r->timed_out)
			snprintf(err, sizeof(err), "the credential_process of %s did not answer within %d s", f->label,
				 PROCESS_TIMEOUT_MS / 1000);
		else
			snprintf(err, sizeof(err), "the credential_process of %s failed (exit %d)%s%s", f->label,
				 r->exit_code, first[0] ? ": " : "", first);
		aws_fetcher_finish(f, NULL, err);
		return;
	}
	json_object *o = json_tokener_parse(r->out);
	int64_t version = 0;
	bool v1 = jsonget_int(o, "Version", &version) && version == 1;
	json_object_put(o);
	char why[ERRLEN];
	if (!v1) {
		snprintf(err, sizeof(err), "the credential_process of %s printed no credentials of Version 1", f->label);
		aws_fetcher_finish(f, NULL, err);
	} else if (aws_parse_json_creds(r->out, r->out_len, &got, why, sizeof(why)) < 0) {
		snprintf(err, sizeof(err), "the credential_process of %.60s: %.160s", f->label, why);
		aws_fetcher_finish(f, NULL, err);
	} else {
		aws_fetcher_finish(f, &got, NULL);
	}
}

struct aws_fetcher *aws_fetch_process(const char *command, const char *profile, aws_fetched_fn done, void *arg)
{
	struct aws_fetcher *f = fetcher_new(done, arg);
	f->label = xasprintf("profile %s", profile);
	size_t n;
	char **argv = split_words(command, &n);
	char err[ERRLEN] = "";
	char *path = n ? child_which(argv[0], NULL) : NULL;
	if (!n) {
		snprintf(err, sizeof(err), "the credential_process of %s is empty", f->label);
	} else if (!path) {
		snprintf(err, sizeof(err), "the credential_process of %s names %s, which is not found", f->label, argv[0]);
	} else {
		struct child_spec spec = {.path = path, .argv = (const char *const *)argv,
					  .timeout_ms = PROCESS_TIMEOUT_MS};
		char why[ERRLEN];
		f->child = child_run(&spec, on_process, f, why, sizeof(why));
		if (!f->child)
			snprintf(err, sizeof(err), "the credential_process of %.60s: %.160s", f->label, why);
	}
	for (size_t i = 0; i < n; i++)
		free(argv[i]);
	free(argv);
	free(path);
	if (err[0]) {
		/* told at once: the caller takes a NULL handle as "already told" */
		log_msg("aws: %s", err);
		aws_fetcher_finish(f, NULL, err);
		return NULL;
	}
	return f;
}

/* ---- the ECS container endpoint ---- */

static void on_container(void *arg, long status, const char *body, size_t len, const char *error)
{
	struct aws_fetcher *f = arg;
	char err[ERRLEN], why[ERRLEN];
	struct aws_fetched got;
	f->http = NULL;
	if (error || status != 200) {
		if (error)
			snprintf(err, sizeof(err), "the container credentials endpoint did not answer: %s", error);
		else
			snprintf(err, sizeof(err), "the container credentials endpoint answered HTTP %ld", status);
		aws_fetcher_finish(f, NULL, err);
	} else if (aws_parse_json_creds(body, len, &got, why, sizeof(why)) < 0) {
		snprintf(err, sizeof(err), "the container credentials endpoint: %.200s", why);
		aws_fetcher_finish(f, NULL, err);
	} else {
		aws_fetcher_finish(f, &got, NULL);
	}
}

struct aws_fetcher *aws_fetch_container(const char *url, const char *auth_token, const char *auth_token_file,
					aws_fetched_fn done, void *arg)
{
	struct aws_fetcher *f = fetcher_new(done, arg);
	char *token = NULL;
	if (auth_token_file && *auth_token_file) {
		token = read_file(auth_token_file, NULL);
		if (!token) {
			char err[ERRLEN];
			snprintf(err, sizeof(err), "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s", auth_token_file);
			aws_fetcher_finish(f, NULL, err);
			return NULL;
		}
	} else if (auth_token && *auth_token) {
		token = xstrdup(auth_token);
	}
	char *line = token ? xasprintf("Authorization: %.*s", (int)strcspn(token, "\r\n"), token) : NULL;
	const char *headers[] = {line, NULL};
	f->http = aws_fetch_start(url, NULL, "GET", line ? headers : NULL, NULL, NULL, CONTAINER_TIMEOUT_MS, NULL,
				  on_container, f);
	secret_free(&line);
	secret_free(&token);
	if (!f->http) {
		aws_fetcher_finish(f, NULL, "the container credentials URL is not a URL");
		return NULL;
	}
	return f;
}

/* ---- EC2 instance metadata (IMDSv2) ---- */

char *aws_imds_endpoint(const struct aws_config *cfg, const char *profile)
{
	const char *e = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	if (!e || !*e)
		e = cfg ? aws_config_get(cfg, profile, "ec2_metadata_service_endpoint") : NULL;
	if (!e || !*e) {
		const char *mode = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
		if (!mode && cfg)
			mode = aws_config_get(cfg, profile, "ec2_metadata_service_endpoint_mode");
		e = mode && !strcasecmp(mode, "IPv6") ? "http://[fd00:ec2::254]" : "http://169.254.169.254";
	}
	size_t n = strlen(e);
	while (n && e[n - 1] == '/')
		n--;
	return xstrndup(e, n);
}

static void imds_step(struct aws_fetcher *f);

static void on_imds(void *arg, long status, const char *body, size_t len, const char *error)
{
	struct aws_fetcher *f = arg;
	char err[ERRLEN], why[ERRLEN];
	f->http = NULL;
	if (f->step == 0) {
		/* no token service (IMDSv1 only): go on without one, as botocore does */
		if (!error && status == 200 && len) {
			f->imds_token = xstrndup(body, len);
		} else if (error || (status != 403 && status != 404 && status != 405)) {
			snprintf(err, sizeof(err), "the EC2 instance metadata service at %s %s", f->endpoint,
				 error ? "did not answer (not on an EC2 instance?)" : "refused a session token");
			aws_fetcher_finish(f, NULL, err);
			return;
		}
	} else if (error || status != 200) {
		if (status == 404 && f->step == 1)
			snprintf(err, sizeof(err), "this EC2 instance has no instance role");
		else if (error)
			snprintf(err, sizeof(err), "the EC2 instance metadata service did not answer: %s", error);
		else
			snprintf(err, sizeof(err), "the EC2 instance metadata service answered HTTP %ld", status);
		aws_fetcher_finish(f, NULL, err);
		return;
	} else if (f->step == 1) {
		free(f->label);
		f->label = xstrndup(body, strcspn(body, "\r\n"));
		if (!f->label[0] || len == 0) {
			aws_fetcher_finish(f, NULL, "this EC2 instance has no instance role");
			return;
		}
	} else {
		struct aws_fetched got;
		if (aws_parse_json_creds(body, len, &got, why, sizeof(why)) < 0) {
			snprintf(err, sizeof(err), "the instance role's credentials: %.200s", why);
			aws_fetcher_finish(f, NULL, err);
		} else {
			aws_fetcher_finish(f, &got, NULL);
		}
		return;
	}
	f->step++;
	imds_step(f);
}

static void imds_step(struct aws_fetcher *f)
{
	char *url, *tokline = f->imds_token ? xasprintf("X-aws-ec2-metadata-token: %s", f->imds_token) : NULL;
	const char *headers[2] = {tokline, NULL};
	if (f->step == 0) {
		url = xasprintf("%s/latest/api/token", f->endpoint);
		const char *ttl[] = {"X-aws-ec2-metadata-token-ttl-seconds: 21600", NULL};
		f->http = aws_fetch_start(url, NULL, "PUT", ttl, NULL, NULL, IMDS_TIMEOUT_MS, NULL, on_imds, f);
	} else {
		url = f->step == 1 ? xasprintf("%s/latest/meta-data/iam/security-credentials/", f->endpoint)
				   : xasprintf("%s/latest/meta-data/iam/security-credentials/%s", f->endpoint, f->label);
		f->http = aws_fetch_start(url, NULL, "GET", tokline ? headers : NULL, NULL, NULL, IMDS_TIMEOUT_MS, NULL,
					  on_imds, f);
	}
	free(url);
	secret_free(&tokline);
	if (!f->http)
		aws_fetcher_finish(f, NULL, "the EC2 instance metadata endpoint is not a URL");
}

struct aws_fetcher *aws_fetch_imds(const char *endpoint, aws_fetched_fn done, void *arg)
{
	struct aws_fetcher *f = fetcher_new(done, arg);
	f->endpoint = xstrdup(endpoint);
	imds_step(f);
	return f;
}

/* The region: a token, then placement/region. */
struct aws_region_fetch {
	char *endpoint, *token;
	struct aws_fetch *http;
	void (*done)(void *arg, const char *region, const char *error);
	void *arg;
};

static void region_end(struct aws_region_fetch *r, const char *region, const char *error)
{
	r->done(r->arg, region, error);
	free(r->endpoint);
	secret_free(&r->token);
	free(r);
}

static void on_region(void *arg, long status, const char *body, size_t len, const char *error)
{
	struct aws_region_fetch *r = arg;
	r->http = NULL;
	if (error || status != 200 || !len) {
		region_end(r, NULL, "the EC2 instance metadata service did not give the region");
		return;
	}
	char *region = xstrndup(body, strcspn(body, "\r\n"));
	region_end(r, region, NULL);
	free(region);
}

static void on_region_token(void *arg, long status, const char *body, size_t len, const char *error)
{
	struct aws_region_fetch *r = arg;
	r->http = NULL;
	if (error) {
		region_end(r, NULL, "no region is configured and no EC2 instance metadata service answered");
		return;
	}
	if (status == 200 && len)
		r->token = xstrndup(body, len);
	char *url = xasprintf("%s/latest/meta-data/placement/region", r->endpoint);
	char *line = r->token ? xasprintf("X-aws-ec2-metadata-token: %s", r->token) : NULL;
	const char *headers[] = {line, NULL};
	r->http = aws_fetch_start(url, NULL, "GET", line ? headers : NULL, NULL, NULL, IMDS_TIMEOUT_MS, NULL, on_region, r);
	free(url);
	secret_free(&line);
}

void aws_imds_region_cancel(struct aws_region_fetch *r)
{
	if (!r)
		return;
	aws_fetch_cancel(r->http);
	free(r->endpoint);
	secret_free(&r->token);
	free(r);
}

struct aws_region_fetch *aws_imds_region(void (*done)(void *arg, const char *region, const char *error), void *arg)
{
	struct aws_region_fetch *r = xcalloc(1, sizeof(*r));
	r->endpoint = aws_imds_endpoint(NULL, NULL);
	r->done = done;
	r->arg = arg;
	char *url = xasprintf("%s/latest/api/token", r->endpoint);
	const char *ttl[] = {"X-aws-ec2-metadata-token-ttl-seconds: 21600", NULL};
	r->http = aws_fetch_start(url, NULL, "PUT", ttl, NULL, NULL, IMDS_TIMEOUT_MS, NULL, on_region_token, r);
	free(url);
	return r;
}

/* ---- STS ---- */

static void on_sts(void *arg, long status, const char *body, size_t len, const char *error)
{
	struct aws_fetcher *f = arg;
	char err[ERRLEN];
	f->http = NULL;
	if (error) {
		snprintf(err, sizeof(err), "STS did not answer %s: %s", f->label, error);
		aws_fetcher_finish(f, NULL, err);
		return;
	}
	if (status != 200) {
		char *code = aws_xml_text(body, len, "Code"), *msg = aws_xml_text(body, len, "Message");
		if (msg)
			msg[strcspn(msg, "\n")] = '\0';
		snprintf(err, sizeof(err), "STS refused %s: %s%s%s", f->label, code ? code : "HTTP error",
			 msg ? ": " : "", msg ? msg : "");
		free(code);
		free(msg);
		aws_fetcher_finish(f, NULL, err);
		return;
	}
	struct aws_fetched got = {0};
	got.akid = aws_xml_text(body, len, "AccessKeyId");
	got.secret = aws_xml_text(body, len, "SecretAccessKey");
	got.token = aws_xml_text(body, len, "SessionToken");
	char *exp = aws_xml_text(body, len, "Expiration");
	got.expiry = exp ? parse_rfc3339(exp) : 0;
	if (got.expiry < 0)
		got.expiry = 0;
	free(exp);
	if (!got.akid || !got.secret) {
		aws_fetched_wipe(&got);
		snprintf(err, sizeof(err), "STS answered %s without credentials", f->label);
		aws_fetcher_finish(f, NULL, err);
		return;
	}
	aws_fetcher_finish(f, &got, NULL);
}

static void form_add(struct buf *b, const char *key, const char *value)
{
	if (!value || !*value)
		return;
	char *e = sigv4_uri_encode(value, strlen(value), 0);
	buf_printf(b, "&%s=%s", key, e);
	memset(e, 0, strlen(e)); /* a web identity token */
	free(e);
}

struct aws_fetcher *aws_fetch_sts(const struct aws_sts_params *p, aws_fetched_fn done, void *arg)
{
	struct aws_fetcher *f = fetcher_new(done, arg);
	f->label = xasprintf("the role %s", p->role_arn);
	struct buf body;
	buf_init(&body);
	char *jwt = NULL;
	if (p->web_identity_token_file) {
		jwt = read_file(p->web_identity_token_file, NULL);
		if (!jwt) {
			char err[ERRLEN];
			snprintf(err, sizeof(err), "cannot read the web identity token file %s", p->web_identity_token_file);
			aws_fetcher_finish(f, NULL, err);
			return NULL;
		}
		jwt[strcspn(jwt, "\r\n")] = '\0';
		buf_puts(&body, "Action=AssumeRoleWithWebIdentity&Version=2011-06-15");
	} else {
		buf_puts(&body, "Action=AssumeRole&Version=2011-06-15");
	}
	form_add(&body, "RoleArn", p->role_arn);
	form_add(&body, "RoleSessionName", p->session_name);
	form_add(&body, "ExternalId", p->external_id);
	form_add(&body, "DurationSeconds", p->duration);
	form_add(&body, "WebIdentityToken", jwt);
	secret_free(&jwt);
	struct aws_sign sign = {p->source, p->region, "sts"};
	char *url = xasprintf("%s/", p->url);
	f->http = aws_fetch_start(url, p->ca_bundle, "POST", NULL, body.data,
				  "application/x-www-form-urlencoded; charset=utf-8", STS_TIMEOUT_MS,
				  p->web_identity_token_file ? NULL : &sign, on_sts, f);
	free(url);
	memset(body.data, 0, body.len);
	buf_cleanup(&body);
	if (!f->http) {
		aws_fetcher_finish(f, NULL, "the STS endpoint is not a URL");
		return NULL;
	}
	return f;
}
