/* creds.h: AWS credentials found the way the AWS CLI finds them, in its
 * order (botocore's default chain):
 *
 *   1. the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 *      AWS_SESSION_TOKEN (skipped when the profile was named explicitly,
 *      as `--profile` does);
 *   2. the profile's role_arn (without web_identity_token_file): STS
 *      AssumeRole with the credentials of its source_profile (itself
 *      resolved by these rules, chains included) or its credential_source
 *      (Environment, Ec2InstanceMetadata, EcsContainer);
 *   3. web identity: the profile's web_identity_token_file and role_arn, or
 *      AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN: STS
 *      AssumeRoleWithWebIdentity;
 *   4. IAM Identity Center (SSO): sso_session or sso_start_url, the token
 *      `aws sso login` cached in ~/.aws/sso/cache (refreshed through SSO
 *      OIDC when it can be), then the portal's GetRoleCredentials;
 *   5. static keys of the profile in the credentials file;
 *   6. credential_process (run through child.h, its JSON read);
 *   7. static keys of the profile in the config file;
 *   8. the ECS container endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
 *      or _FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]);
 *   9. EC2 instance metadata, IMDSv2 (a session token first), unless
 *      AWS_EC2_METADATA_DISABLED.
 *
 * The source is chosen when the object is made, from the environment and
 * the files, without I/O; fetching is asynchronous on the event loop.
 * Temporary credentials are cached and fetched again before they expire
 * (10 minutes before, or half their lifetime when that is shorter), and
 * after aws_creds_invalidate. No secret, session token or SSO token ever
 * reaches a log line, an error sentence or a file but the SSO cache the
 * CLI shares (written back when an SSO token is refreshed, as the CLI
 * does). */
#ifndef BINNACLE_AWS_CREDS_H
#define BINNACLE_AWS_CREDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/aws/config.h"
#include "backends/aws/sigv4.h"

enum aws_creds_source {
	AWS_SRC_NONE,
	AWS_SRC_ENV,
	AWS_SRC_ASSUME_ROLE,
	AWS_SRC_WEB_IDENTITY,
	AWS_SRC_SSO,
	AWS_SRC_SHARED_FILE, /* static keys in the credentials file */
	AWS_SRC_PROCESS,
	AWS_SRC_CONFIG_FILE, /* static keys in the config file */
	AWS_SRC_CONTAINER,
	AWS_SRC_IMDS,
};

struct aws_creds_opts {
	const struct aws_config *config; /* borrowed for the call */
	const char *profile;             /* NULL: $AWS_PROFILE, else "default" */
	bool explicit_profile;           /* named by the configuration: environment keys are skipped */
	const char *region;              /* for the STS and SSO calls; NULL = the profile's */
};

struct aws_creds;

/* The chain resolved for a profile (no I/O). NULL with a sentence when the
 * configuration is wrong (a source_profile loop, half a key pair, a
 * role_arn without source). */
struct aws_creds *aws_creds_new(const struct aws_creds_opts *o, char *err, size_t errlen);
/* Cancels what is in flight (waiting callbacks are dropped, not called) and
 * wipes the keys. NULL is fine; not from inside a done callback. */
void aws_creds_free(struct aws_creds *c);

/* The keys (borrowed for the call) or one sentence. Cached keys complete
 * at once, inside this call; otherwise every get made while a fetch runs
 * waits for that fetch. */
typedef void (*aws_creds_fn)(void *arg, const struct aws_keys *k, const char *error);
void aws_creds_get(struct aws_creds *c, aws_creds_fn done, void *arg);
/* Forgets a waiting get (its caller went away): it will not be called. */
void aws_creds_forget(struct aws_creds *c, void *arg);
/* The server said the keys expired: the next get fetches new ones (static
 * keys stay what they are). */
void aws_creds_invalidate(struct aws_creds *c);

enum aws_creds_source aws_creds_kind(const struct aws_creds *c);
/* For sentences: "environment keys", "profile lab-sso (IAM Identity
 * Center)", "the instance role (EC2 instance metadata)". */
const char *aws_creds_describe(const struct aws_creds *c);
/* "aws sso login --profile lab-sso" when the keys come (maybe through a
 * role) from an SSO session, else NULL. */
const char *aws_creds_login_hint(const struct aws_creds *c);
/* Wall seconds when the current keys expire; 0 = never or not fetched. */
int64_t aws_creds_expiry(const struct aws_creds *c);
/* Overwrites with '*' every copy of a current secret (secret key, session
 * token, SSO token) found in text: for server messages that echo them. */
void aws_creds_redact(const struct aws_creds *c, char *text);

/* Whether credentials are configured for profile, without I/O, for
 * discovery: the environment, the files (a broken configuration counts: its
 * endpoint then says what is wrong), the container endpoint, or instance
 * metadata when this is an EC2 instance (its DMI says so) or
 * AWS_EC2_METADATA_SERVICE_ENDPOINT is set. */
bool aws_creds_configured(const struct aws_config *cfg, const char *profile, bool explicit_profile);

/* The instance's region from IMDSv2 (for a bastion whose only
 * configuration is its instance role). done gets it or a sentence, once;
 * the handle cancels it (done is then not called). */
struct aws_region_fetch;
struct aws_region_fetch *aws_imds_region(void (*done)(void *arg, const char *region, const char *error), void *arg);
void aws_imds_region_cancel(struct aws_region_fetch *f);

#endif
