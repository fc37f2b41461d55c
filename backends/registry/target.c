/* target.c: where a registry endpoint's requests go and how they are
 * secured, from its options (url, ca_file, insecure, plain_http) and, as
 * docker does, the CA files and client certificates of
 * /etc/docker/certs.d/HOST/ and /etc/containers/certs.d/HOST/ (the roots
 * can be replaced with $BINNACLE_CERTS_D, a colon-separated list, for
 * tests); plain HTTP only when asked, or for a loopback registry given
 * without a scheme, after HTTPS failed (as docker treats them). Also the
 * discovery of the registries the user logged into. */
#include "backends/registry/internal.h"
#include "backends/image/imageref.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static bool truthy(const char *v)
{
	return v && *v && strcmp(v, "0") && strcasecmp(v, "false") && strcasecmp(v, "no");
}

/* The CAs (every *.crt, concatenated) and client certificate of a certs.d
 * directory for host, into t; true when the directory exists. */
static bool certs_d(const char *root, const char *host, struct http_target *t)
{
	char *dir = xasprintf("%s/%s", root, host);
	DIR *d = opendir(dir);
	if (!d) {
		free(dir);
		return false;
	}
	struct buf pem;
	buf_init(&pem);
	struct dirent *e;
	while ((e = readdir(d))) {
		char *path = xasprintf("%s/%s", dir, e->d_name);
		if (str_ends(e->d_name, ".crt")) {
			size_t len = 0;
			char *text = read_file(path, &len);
			if (text) {
				buf_append(&pem, text, len);
				buf_puts(&pem, "\n");
				free(text);
			}
		} else if (str_ends(e->d_name, ".cert") && !t->cert_file) {
			char *key = xasprintf("%s/%.*s.key", dir, (int)(strlen(e->d_name) - 5), e->d_name);
			if (access(key, R_OK) == 0) {
				t->cert_file = xstrdup(path);
				t->key_file = key;
				key = NULL;
			}
			free(key);
		}
		free(path);
	}
	closedir(d);
	free(dir);
	if (pem.len && !t->ca_file && !t->ca_pem)
		t->ca_pem = buf_steal(&pem);
	buf_cleanup(&pem);
	return true;
}

static void certs_for(const char *host, struct http_target *t)
{
	const char *roots = getenv("BINNACLE_CERTS_D");
	if (!roots || !*roots)
		roots = "/etc/docker/certs.d:/etc/containers/certs.d";
	char *copy = xstrdup(roots);
	for (char *save = NULL, *root = strtok_r(copy, ":", &save); root; root = strtok_r(NULL, ":", &save))
		if (certs_d(root, host, t))
			break;
	free(copy);
}

/* "a, b,c" → owned list. */
static char **split_list(const char *s, size_t *n)
{
	char **out = NULL;
	*n = 0;
	while (s && *s) {
		s += strspn(s, " ,\t");
		size_t len = strcspn(s, ",");
		size_t trim = len;
		while (trim && (s[trim - 1] == ' ' || s[trim - 1] == '\t'))
			trim--;
		if (trim) {
			out = xrealloc(out, (*n + 1) * sizeof(*out));
			out[(*n)++] = xstrndup(s, trim);
		}
		s += len;
	}
	return out;
}

int reg_target_from_config(const struct endpoint_config *cfg, struct reg *r, char *err, size_t errlen)
{
	const char *url = endpoint_config_get(cfg, "url");
	if (!url || !*url)
		return set_err(err, errlen, "endpoint %s: a registry needs its url (https://host[:port], or host[:port])",
			       cfg->name);
	const char *hp = url;
	bool plain = truthy(endpoint_config_get(cfg, "plain_http"));
	r->scheme_given = true;
	if (str_starts(url, "https://"))
		hp = url + 8;
	else if (str_starts(url, "http://"))
		hp = url + 7, plain = true;
	else if (strstr(url, "://"))
		return set_err(err, errlen, "endpoint %s: url \"%s\" is neither http:// nor https://", cfg->name, url);
	else
		r->scheme_given = plain;
	size_t hlen = strcspn(hp, "/");
	if (!hlen)
		return set_err(err, errlen, "endpoint %s: url \"%s\" has no host", cfg->name, url);
	char hostport[256];
	snprintf(hostport, sizeof(hostport), "%.*s", (int)hlen, hp);
	imageref_host(hostport, r->host, sizeof(r->host));
	memset(&r->target, 0, sizeof(r->target));
	r->target.base_url = xasprintf("%s://%s", plain ? "http" : "https", imageref_api_host(r->host));
	r->target.display = xstrdup(r->target.base_url);
	const char *ca = endpoint_config_get(cfg, "ca_file");
	if (ca && *ca) {
		if (access(ca, R_OK) != 0) {
			set_err(err, errlen, "endpoint %s: ca_file %s cannot be read", cfg->name, ca);
			http_target_cleanup(&r->target);
			return -1;
		}
		r->target.ca_file = xstrdup(ca);
	}
	certs_for(r->host, &r->target);
	r->target.insecure = truthy(endpoint_config_get(cfg, "insecure"));
	const char *user = endpoint_config_get(cfg, "username");
	if (user && *user) {
		r->cred.username = xstrdup(user);
		r->cred.secret = xstrdup(endpoint_config_get(cfg, "password"));
		snprintf(r->cred.source, sizeof(r->cred.source), "the configuration of %s", cfg->name);
		r->cred_configured = true;
	}
	r->config_repos = split_list(endpoint_config_get(cfg, "repositories"), &r->nconfig_repos);
	return 0;
}

/* Every registry the user logged into (docker's config.json, podman's
 * auth.json) is an endpoint; it connects only when it is shown. */
size_t reg_discover(struct endpoint_config **cfgs)
{
	char **hosts = dockerauth_hosts();
	size_t n = 0;
	*cfgs = NULL;
	for (size_t i = 0; hosts[i]; i++) {
		*cfgs = xrealloc(*cfgs, (n + 1) * sizeof(**cfgs));
		struct endpoint_config *c = &(*cfgs)[n++];
		memset(c, 0, sizeof(*c));
		c->name = xstrdup(hosts[i]);
		c->backend = xstrdup("registry");
		endpoint_config_set(c, "url", hosts[i]);
		free(hosts[i]);
	}
	free(hosts);
	return n;
}
