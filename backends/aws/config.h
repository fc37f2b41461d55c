/* config.h: the AWS shared configuration as the AWS CLI reads it: the
 * config file ($AWS_CONFIG_FILE, else ~/.aws/config: [default],
 * [profile NAME], [sso-session NAME], [services NAME]) and the credentials
 * file ($AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials: [NAME]),
 * whose keys take precedence for a profile; nested keys ("ecs =" followed
 * by indented "endpoint_url = ..." lines) are read as "ecs.endpoint_url".
 * Then what is derived from it: the profile in use, its region, and the
 * endpoint URL of a service, in the AWS CLI's order. Loading reads files,
 * nothing else; nothing here touches the network. */
#ifndef BINNACLE_AWS_CONFIG_H
#define BINNACLE_AWS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct aws_ini_section;

struct aws_config {
	char *config_path, *credentials_path; /* the files read (or that would be) */
	struct aws_ini_section *config;      /* sections of the config file */
	struct aws_ini_section *credentials; /* sections of the credentials file */
};

enum aws_protocol { AWS_JSON, AWS_QUERY, AWS_REST };

/* A service as the shared configuration and the endpoints name it. */
struct aws_service {
	const char *env_id;       /* AWS_ENDPOINT_URL_<env_id>: "ECS", "CLOUDWATCH_LOGS" */
	const char *config_key;   /* in a [services] section: "ecs", "cloudwatch_logs" */
	const char *host_prefix;  /* https://<prefix>.<region>.amazonaws.com: "ecs", "logs", "portal.sso" */
	const char *signing_name; /* SigV4 service: "ecs", "logs", "sts", "eks", "ecr"; NULL = unsigned */
	const char *target_prefix; /* JSON protocols: X-Amz-Target prefix; NULL otherwise */
	const char *json_type;    /* "application/x-amz-json-1.1" (or 1.0); NULL for query and REST */
	const char *name;         /* for sentences: "ECS", "CloudWatch Logs" */
	enum aws_protocol protocol;
};

extern const struct aws_service aws_svc_ecs, aws_svc_logs, aws_svc_sts, aws_svc_eks, aws_svc_ecr, aws_svc_sso,
	aws_svc_sso_oidc;

/* Reads both files; a missing file is an empty one. 0, or -1 with a
 * sentence naming file and line when one cannot be parsed. */
int aws_config_load(struct aws_config *c, char *err, size_t errlen);
/* The same from text (tests); either may be NULL. */
int aws_config_parse(struct aws_config *c, const char *config_text, const char *credentials_text, char *err,
		     size_t errlen);
void aws_config_cleanup(struct aws_config *c);

/* A profile's key: the credentials file first, then the config file's
 * [profile NAME] (or [default] for "default"). NULL when absent. */
const char *aws_config_get(const struct aws_config *c, const char *profile, const char *key);
/* The same from one file only: the credentials file (true) or the config
 * file (false); the AWS CLI looks at them apart for static keys. */
const char *aws_config_get_in(const struct aws_config *c, bool credentials_file, const char *profile,
			      const char *key);
/* Whether either file has the profile. */
bool aws_config_has_profile(const struct aws_config *c, const char *profile);
/* A key of another config-file section: kind "sso-session" or "services". */
const char *aws_config_section_get(const struct aws_config *c, const char *kind, const char *name, const char *key);
/* Every profile name of both files, each once, config file order first;
 * owned array of borrowed names, its count in *n. */
const char **aws_config_profiles(const struct aws_config *c, size_t *n);

/* The profile in use: explicit (the endpoint's `profile`), else
 * $AWS_PROFILE, else "default". Borrowed. */
const char *aws_profile_name(const char *explicit_profile);
/* The region: explicit, else $AWS_REGION, $AWS_DEFAULT_REGION, then the
 * profile's `region`. Borrowed; NULL when none is configured. */
const char *aws_region(const struct aws_config *c, const char *profile, const char *explicit_region);

/* The endpoint URL of svc for profile in region, owned, without a trailing
 * slash: $AWS_ENDPOINT_URL_<SERVICE>, $AWS_ENDPOINT_URL, the profile's
 * services section, the profile's endpoint_url (all ignored when
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS or ignore_configured_endpoint_urls is
 * true), else https://<prefix>.<region>.amazonaws.com (".com.cn" in China).
 * *configured (may be NULL) tells whether it came from the configuration. */
char *aws_endpoint_url(const struct aws_config *c, const char *profile, const struct aws_service *svc,
		       const char *region, bool *configured);
/* The CA bundle to verify AWS endpoints with: $AWS_CA_BUNDLE, else the
 * profile's ca_bundle; borrowed, NULL = the system's. */
const char *aws_ca_bundle(const struct aws_config *c, const char *profile);

/* True for "true" in any case (how the CLI reads boolean settings). */
bool aws_config_true(const char *value);

#endif
