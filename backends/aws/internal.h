/* internal.h: what the files of backends/aws share and nobody else sees:
 * one-shot HTTP fetches for the credential sources (signed or not, each
 * to a URL of its own), the pieces of a URL a signature needs, the tiny
 * XML reader the query protocol (STS) answers need, and the credential
 * fetchers the chain (creds.c) calls. */
#ifndef BINNACLE_AWS_INTERNAL_H
#define BINNACLE_AWS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/aws/creds.h"
#include "backends/aws/sigv4.h"
#include "backends/net/transport.h"

/* ---- URLs (fetch.c) ---- */

/* Splits "https://host:port/base/path?q" into the origin
 * ("https://host:port"), the Host header value ("host:port" as written,
 * the default port left out as curl leaves it out) and the rest ("/base/
 * path?q", "/" when empty). Owned strings; -1 when url has no scheme. */
int aws_url_split(const char *url, char **origin, char **host, char **rest);
/* A target for an AWS endpoint: base_url, CA bundle (NULL = the system's),
 * display. */
void aws_target_init(struct http_target *t, const char *base_url, const char *ca_bundle);
/* The SigV4 header lines ("X-Amz-Date: ...", the token, "Authorization:
 * ...") for a request, appended to out as NULL-terminated owned strings
 * (free with aws_lines_free). path_and_query is what follows the host. */
void aws_sign_lines(const char *method, const char *host, const char *path_and_query, const char *const *headers,
		    const char *body, size_t body_len, const struct aws_keys *k, const char *region,
		    const char *service, char ***out);
void aws_lines_free(char **lines);

/* ---- one-shot fetches (fetch.c) ---- */

struct aws_sign {
	const struct aws_keys *keys; /* borrowed until the fetch starts (it signs at once) */
	const char *region, *service;
};

struct aws_fetch;
/* status 0 and error set when no answer came; body borrowed for the call. */
typedef void (*aws_fetch_fn)(void *arg, long status, const char *body, size_t len, const char *error);
/* A request to url (full), headers "Name: value" (NULL-terminated or
 * NULL), body with content type (NULL for none), signed when sign is not
 * NULL; done runs once from the loop, then the fetch is freed. */
struct aws_fetch *aws_fetch_start(const char *url, const char *ca_bundle, const char *method,
				  const char *const *headers, const char *body, const char *ctype, long timeout_ms,
				  const struct aws_sign *sign, aws_fetch_fn done, void *arg);
/* Stops it without calling done; NULL is fine. */
void aws_fetch_cancel(struct aws_fetch *f);

/* ---- the query protocol's XML (xml.c) ---- */

/* The text of the first <tag>...</tag> in xml, entities decoded; owned,
 * NULL when absent. */
char *aws_xml_text(const char *xml, size_t len, const char *tag);

/* ---- credential fetchers (creds_fetch.c, creds_sso.c) ---- */

/* What a fetcher found: owned strings (creds.c wipes them). */
struct aws_fetched {
	char *akid, *secret, *token;
	int64_t expiry; /* wall seconds, 0 = none */
};
typedef void (*aws_fetched_fn)(void *arg, struct aws_fetched *got, const char *error);

struct child;

/* One credential fetch in flight, whichever its source; each aws_fetch_*
 * returns one, aws_fetcher_cancel stops it without calling done. */
struct aws_fetcher {
	aws_fetched_fn done;
	void *arg;
	struct aws_fetch *http; /* the request in flight, if any */
	struct child *child;    /* the credential_process, if any */
	int step;               /* IMDS: token, role, keys; SSO: refresh, portal */
	char *endpoint, *imds_token, *label;
	struct aws_sso_params *sso; /* deep copy */
	char *sso_token;
	struct json_object *sso_cache; /* the SSO cache file, while its token is refreshed */
};
void aws_fetcher_cancel(struct aws_fetcher *f);
/* Ends a fetch: done gets got (or error), then f is freed. */
void aws_fetcher_finish(struct aws_fetcher *f, struct aws_fetched *got, const char *error);

struct aws_fetcher *aws_fetch_process(const char *command, const char *profile, aws_fetched_fn done, void *arg);
struct aws_fetcher *aws_fetch_container(const char *url, const char *auth_token, const char *auth_token_file,
					aws_fetched_fn done, void *arg);
struct aws_fetcher *aws_fetch_imds(const char *endpoint, aws_fetched_fn done, void *arg);
struct aws_sso_params;
struct aws_sts_params {
	const char *url, *ca_bundle, *region;
	const char *role_arn, *session_name, *external_id, *duration;
	const char *web_identity_token_file; /* set: AssumeRoleWithWebIdentity, unsigned */
	const struct aws_keys *source;       /* AssumeRole: signed with these */
};
struct aws_fetcher *aws_fetch_sts(const struct aws_sts_params *p, aws_fetched_fn done, void *arg);
struct aws_sso_params {
	const char *cache_key;   /* the sso-session name, or the start URL (legacy) */
	const char *start_url, *sso_region, *account_id, *role_name;
	const char *portal_url, *oidc_url, *ca_bundle;
	bool refreshable;        /* the sso-session form: the token may be refreshed */
	const char *profile;     /* for the `aws sso login` hint */
};
struct aws_fetcher *aws_fetch_sso(const struct aws_sso_params *p, aws_fetched_fn done, void *arg);

/* The IMDS endpoint: $AWS_EC2_METADATA_SERVICE_ENDPOINT, else the profile's
 * ec2_metadata_service_endpoint, else http://169.254.169.254 (or
 * http://[fd00:ec2::254] in IPv6 mode). Owned, no trailing slash. */
char *aws_imds_endpoint(const struct aws_config *cfg, const char *profile);

/* Frees the strings of got after wiping them. */
void aws_fetched_wipe(struct aws_fetched *got);
/* A JSON document of credentials as credential_process, the container
 * endpoint and IMDS write them (AccessKeyId, SecretAccessKey, Token or
 * SessionToken, Expiration in RFC 3339): 0, or -1 with a sentence. */
int aws_parse_json_creds(const char *body, size_t len, struct aws_fetched *got, char *err, size_t errlen);

#endif
