/* config.c: the AWS shared configuration files, the profile, the region and
 * service endpoints (see config.h). The files are INI as Python's
 * configparser reads them for botocore: '#' and ';' comment lines, "key =
 * value" or "key: value", and a key with no value followed by indented
 * lines holding its sub-keys. */
#include "backends/aws/config.h"
#include "backends/util/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct aws_service aws_svc_ecs = {"ECS", "ecs", "ecs", "ecs", "AmazonEC2ContainerServiceV20141113",
					"application/x-amz-json-1.1", "ECS", AWS_JSON};
const struct aws_service aws_svc_logs = {"CLOUDWATCH_LOGS", "cloudwatch_logs", "logs", "logs", "Logs_20140328",
					 "application/x-amz-json-1.1", "CloudWatch Logs", AWS_JSON};
const struct aws_service aws_svc_ecr = {"ECR", "ecr", "api.ecr", "ecr", "AmazonEC2ContainerRegistry_V20150921",
					"application/x-amz-json-1.1", "ECR", AWS_JSON};
const struct aws_service aws_svc_sts = {"STS", "sts", "sts", "sts", NULL, NULL, "STS", AWS_QUERY};
const struct aws_service aws_svc_eks = {"EKS", "eks", "eks", "eks", NULL, NULL, "EKS", AWS_REST};
const struct aws_service aws_svc_sso = {"SSO", "sso", "portal.sso", NULL, NULL, NULL, "IAM Identity Center", AWS_REST};
const struct aws_service aws_svc_sso_oidc = {"SSO_OIDC", "sso_oidc", "oidc", NULL, NULL, NULL,
					     "IAM Identity Center OIDC", AWS_REST};

struct aws_ini_entry {
	char *key, *value;
};

struct aws_ini_section {
	char *name; /* as written between the brackets, trimmed */
	struct aws_ini_entry *entries;
	size_t n;
	struct aws_ini_section *next;
};

static void free_sections(struct aws_ini_section *s)
{
	while (s) {
		struct aws_ini_section *next = s->next;
		for (size_t i = 0; i < s->n; i++) {
			free(s->entries[i].key);
			/* values may be secrets (aws_secret_access_key) */
			memset(s->entries[i].value, 0, strlen(s->entries[i].value));
			free(s->entries[i].value);
		}
		free(s->entries);
		free(s->name);
		free(s);
		s = next;
	}
}

static char *trim(const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

static void set_entry(struct aws_ini_section *s, const char *key, const char *value)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->entries[i].key, key)) {
			free(s->entries[i].value);
			s->entries[i].value = xstrdup(value);
			return;
		}
	s->entries = xrealloc(s->entries, (s->n + 1) * sizeof(*s->entries));
	s->entries[s->n].key = xstrdup(key);
	s->entries[s->n].value = xstrdup(value);
	s->n++;
}

static int parse_ini(const char *text, const char *name, struct aws_ini_section **out, char *err, size_t errlen)
{
	struct aws_ini_section *head = NULL, **tail = &head, *cur = NULL;
	char parent[128] = ""; /* a key with no value: indented lines are its sub-keys */
	int lineno = 0;
	const char *p = text;
	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		lineno++;
		char *line = xstrndup(p, len);
		p = eol ? eol + 1 : p + len;
		size_t cr = strlen(line);
		if (cr && line[cr - 1] == '\r')
			line[cr - 1] = '\0';
		bool indented = line[0] == ' ' || line[0] == '\t';
		char *t = trim(line, strlen(line));
		free(line);
		if (!*t || *t == '#' || *t == ';') {
			free(t);
			continue;
		}
		if (*t == '[' && !indented) {
			char *close = strrchr(t, ']');
			if (!close) {
				free(t);
				free_sections(head);
				return set_err(err, errlen, "%s:%d: a section header without its closing ']'", name, lineno);
			}
			struct aws_ini_section *s = xcalloc(1, sizeof(*s));
			s->name = trim(t + 1, (size_t)(close - t - 1));
			*tail = s;
			tail = &s->next;
			cur = s;
			parent[0] = '\0';
			free(t);
			continue;
		}
		if (!cur) {
			free(t);
			free_sections(head);
			return set_err(err, errlen, "%s:%d: a setting before any [section]", name, lineno);
		}
		size_t klen = strcspn(t, "=:");
		if (!t[klen]) {
			free(t);
			free_sections(head);
			return set_err(err, errlen, "%s:%d: expected \"key = value\"", name, lineno);
		}
		char *key = trim(t, klen), *value = trim(t + klen + 1, strlen(t + klen + 1));
		if (indented && parent[0]) {
			char *full = xasprintf("%s.%s", parent, key);
			set_entry(cur, full, value);
			free(full);
		} else {
			set_entry(cur, key, value);
			if (!*value)
				snprintf(parent, sizeof(parent), "%s", key);
			else
				parent[0] = '\0';
		}
		free(key);
		memset(value, 0, strlen(value));
		free(value);
		free(t);
	}
	*out = head;
	return 0;
}

static char *home_path(const char *env, const char *rel)
{
	const char *v = getenv(env);
	if (v && *v) {
		if (v[0] == '~' && v[1] == '/') {
			const char *home = getenv("HOME");
			return xasprintf("%s%s", home ? home : "", v + 1);
		}
		return xstrdup(v);
	}
	const char *home = getenv("HOME");
	return xasprintf("%s/%s", home ? home : ".", rel);
}

int aws_config_parse(struct aws_config *c, const char *config_text, const char *credentials_text, char *err,
		     size_t errlen)
{
	if (config_text &&
	    parse_ini(config_text, c->config_path ? c->config_path : "config", &c->config, err, errlen) < 0)
		return -1;
	if (credentials_text && parse_ini(credentials_text, c->credentials_path ? c->credentials_path : "credentials",
					  &c->credentials, err, errlen) < 0) {
		free_sections(c->config);
		c->config = NULL;
		return -1;
	}
	return 0;
}

int aws_config_load(struct aws_config *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->config_path = home_path("AWS_CONFIG_FILE", ".aws/config");
	c->credentials_path = home_path("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
	char *ctext = read_file(c->config_path, NULL), *ktext = read_file(c->credentials_path, NULL);
	int rc = aws_config_parse(c, ctext, ktext, err, errlen);
	free(ctext);
	if (ktext)
		memset(ktext, 0, strlen(ktext));
	free(ktext);
	if (rc < 0) {
		free(c->config_path);
		free(c->credentials_path);
		memset(c, 0, sizeof(*c));
	}
	return rc;
}

void aws_config_cleanup(struct aws_config *c)
{
	free_sections(c->config);
	free_sections(c->credentials);
	free(c->config_path);
	free(c->credentials_path);
	memset(c, 0, sizeof(*c));
}

static const struct aws_ini_section *find_section(const struct aws_ini_section *s, const char *name)
{
	/* the last definition wins, as configparser merges duplicates */
	const struct aws_ini_section *found = NULL;
	for (; s; s = s->next)
		if (!strcmp(s->name, name))
			found = s;
	return found;
}

static const char *section_get(const struct aws_ini_section *s, const char *key)
{
	for (size_t i = 0; s && i < s->n; i++)
		if (!strcmp(s->entries[i].key, key))
			return s->entries[i].value;
	return NULL;
}

/* The config file's section of a profile: [profile NAME], or [default]. */
static const struct aws_ini_section *config_profile(const struct aws_config *c, const char *profile)
{
	char *name = xasprintf("profile %s", profile);
	const struct aws_ini_section *s = find_section(c->config, name);
	free(name);
	if (!s && !strcmp(profile, "default"))
		s = find_section(c->config, "default");
	return s;
}

const char *aws_config_get(const struct aws_config *c, const char *profile, const char *key)
{
	const char *v = section_get(find_section(c->credentials, profile), key);
	return v ? v : section_get(config_profile(c, profile), key);
}

const char *aws_config_get_in(const struct aws_config *c, bool credentials_file, const char *profile,
			      const char *key)
{
	return credentials_file ? section_get(find_section(c->credentials, profile), key)
				: section_get(config_profile(c, profile), key);
}

bool aws_config_has_profile(const struct aws_config *c, const char *profile)
{
	return find_section(c->credentials, profile) || config_profile(c, profile);
}

const char *aws_config_section_get(const struct aws_config *c, const char *kind, const char *name, const char *key)
{
	char *full = xasprintf("%s %s", kind, name);
	const char *v = section_get(find_section(c->config, full), key);
	free(full);
	return v;
}

static void add_name(const char ***names, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*names)[i], name))
			return;
	*names = xrealloc(*names, (*n + 2) * sizeof(**names));
	(*names)[(*n)++] = name;
	(*names)[*n] = NULL;
}

const char **aws_config_profiles(const struct aws_config *c, size_t *n)
{
	const char **names = xcalloc(1, sizeof(*names));
	*n = 0;
	for (const struct aws_ini_section *s = c->config; s; s = s->next) {
		if (!strcmp(s->name, "default"))
			add_name(&names, n, "default");
		else if (str_starts(s->name, "profile "))
			add_name(&names, n, s->name + 8);
	}
	for (const struct aws_ini_section *s = c->credentials; s; s = s->next)
		add_name(&names, n, s->name);
	return names;
}

bool aws_config_true(const char *value)
{
	return value && !strcasecmp(value, "true");
}

const char *aws_profile_name(const char *explicit_profile)
{
	if (explicit_profile && *explicit_profile)
		return explicit_profile;
	const char *env = getenv("AWS_PROFILE");
	if (env && *env)
		return env;
	env = getenv("AWS_DEFAULT_PROFILE"); /* the AWS CLI v1 still reads it */
	return env && *env ? env : "default";
}

const char *aws_region(const struct aws_config *c, const char *profile, const char *explicit_region)
{
	if (explicit_region && *explicit_region)
		return explicit_region;
	const char *env = getenv("AWS_REGION");
	if (env && *env)
		return env;
	env = getenv("AWS_DEFAULT_REGION");
	if (env && *env)
		return env;
	const char *r = aws_config_get(c, profile, "region");
	return r && *r ? r : NULL;
}

static char *strip_slash(const char *url)
{
	size_t n = strlen(url);
	while (n && url[n - 1] == '/')
		n--;
	return xstrndup(url, n);
}

char *aws_endpoint_url(const struct aws_config *c, const char *profile, const struct aws_service *svc,
		       const char *region, bool *configured)
{
	if (configured)
		*configured = true;
	bool ignore = aws_config_true(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) ||
		      aws_config_true(aws_config_get(c, profile, "ignore_configured_endpoint_urls"));
	if (!ignore) {
		char env[64];
		snprintf(env, sizeof(env), "AWS_ENDPOINT_URL_%s", svc->env_id);
		const char *v = getenv(env);
		if (v && *v)
			return strip_slash(v);
		v = getenv("AWS_ENDPOINT_URL");
		if (v && *v)
			return strip_slash(v);
		const char *services = aws_config_get(c, profile, "services");
		if (services && *services) {
			char key[64];
			snprintf(key, sizeof(key), "%s.endpoint_url", svc->config_key);
			v = aws_config_section_get(c, "services", services, key);
			if (v && *v)
				return strip_slash(v);
		}
		v = aws_config_get(c, profile, "endpoint_url");
		if (v && *v)
			return strip_slash(v);
	}
	if (configured)
		*configured = false;
	if (!region || !*region)
		region = "us-east-1";
	return xasprintf("https://%s.%s.amazonaws.com%s", svc->host_prefix, region,
			 str_starts(region, "cn-") ? ".cn" : "");
}

const char *aws_ca_bundle(const struct aws_config *c, const char *profile)
{
	const char *v = getenv("AWS_CA_BUNDLE");
	if (v && *v)
		return v;
	v = aws_config_get(c, profile, "ca_bundle");
	return v && *v ? v : NULL;
}
