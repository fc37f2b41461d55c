/* target.c: Docker host URLs, TLS material and local runtime discovery,
 * following the Docker CLI's rules: $DOCKER_HOST (with DOCKER_TLS_VERIFY and
 * DOCKER_CERT_PATH), then $DOCKER_CONTEXT or the current context of
 * ~/.docker/config.json, then the well-known Docker and Podman sockets.
 * ssh://[user@]host[:port][/socket] reaches the engine's socket over SSH
 * (direct-streamlocal), through the endpoint's `via` hosts when it has
 * some. */
#include "backends/docker/target.h"
#include "backends/codec/jsonget.h"
#include "backends/codec/crypto.h"
#include "backends/ssh/sshconfig.h"
#include "backends/ssh/ssh.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool truthy(const char *v)
{
	return v && *v && strcmp(v, "0") && strcasecmp(v, "false") && strcasecmp(v, "no");
}

static bool is_socket(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

static char *cert_file(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	if (access(p, R_OK) == 0)
		return p;
	free(p);
	return NULL;
}

/* The engine's socket on the SSH host: the path in the URL, else the one
 * the host has (ssh.h, ssh_tunnel_find_engine). */
static int ssh_target(const struct endpoint_config *cfg, const char *host, struct http_target *t, char *err,
		      size_t errlen)
{
	char *user = NULL, *name = NULL, *path = NULL, why[ERRLEN];
	int port = 0;
	if (ssh_spec_parse(host, &user, &name, &port, &path, why, sizeof(why)) < 0)
		return set_err(err, errlen, "endpoint %s: %s", cfg->name, why);
	free(user);
	free(name);
	char *dest = docker_ssh_dest(host);
	t->tunnel = ssh_tunnel_to(dest, endpoint_config_get(cfg, "via"), why, sizeof(why));
	free(dest);
	if (!t->tunnel) {
		free(path);
		return set_err(err, errlen, "endpoint %s: %s", cfg->name, why);
	}
	t->unix_socket = path ? path : xstrdup(DOCKER_DEFAULT_SOCKET);
	if (!path)
		ssh_tunnel_find_engine(t->tunnel, DOCKER_DEFAULT_SOCKET);
	t->base_url = xstrdup("http://docker");
	t->display = xstrdup(host);
	return 0;
}

char *docker_ssh_dest(const char *host)
{
	char *user = NULL, *name = NULL;
	int port = 0;
	if (!host || !str_starts(host, "ssh://") || ssh_spec_parse(host, &user, &name, &port, NULL, NULL, 0) < 0)
		return NULL;
	char *dest = port ? xasprintf("%s%s%s:%d", user ? user : "", user ? "@" : "", name, port)
			  : xasprintf("%s%s%s", user ? user : "", user ? "@" : "", name);
	free(user);
	free(name);
	return dest;
}

int docker_target_from_config(const struct endpoint_config *cfg, struct http_target *t, char *err,
			      size_t errlen)
{
	const char *host = endpoint_config_get(cfg, "host");
	const char *certs = endpoint_config_get(cfg, "cert_path");
	bool verify = truthy(endpoint_config_get(cfg, "tls_verify"));
	bool tls = verify || truthy(endpoint_config_get(cfg, "tls"));
	memset(t, 0, sizeof(*t));
	if (!host || !*host)
		host = "unix:///var/run/docker.sock";
	if (host[0] == '/' || str_starts(host, "unix://")) {
		t->display = xstrdup(host);
		t->unix_socket = xstrdup(host[0] == '/' ? host : host + 7);
		/* the Docker CLI sends Host: docker; Podman and Docker accept any */
		t->base_url = xstrdup("http://docker");
		return 0;
	}
	const char *hp;
	if (str_starts(host, "tcp://"))
		hp = host + 6;
	else if (str_starts(host, "http://"))
		hp = host + 7, tls = false;
	else if (str_starts(host, "https://"))
		hp = host + 8, tls = true;
	else if (str_starts(host, "ssh://"))
		return ssh_target(cfg, host, t, err, errlen);
	else if (str_starts(host, "npipe://") || str_starts(host, "fd://"))
		return set_err(err, errlen,
			       "endpoint %s: host %s uses a transport binnacle does not speak; use unix://, tcp:// or ssh://",
			       cfg->name, host);
	else
		return set_err(err, errlen, "endpoint %s: host \"%s\" is not a unix://, tcp:// or ssh:// address",
			       cfg->name, host);
	size_t hlen = strcspn(hp, "/");
	if (!hlen)
		return set_err(err, errlen, "endpoint %s: host \"%s\" has no host name", cfg->name, host);
	t->display = url_redact(host); /* only now: the refusals above leave t empty */
	char *hostport = xstrndup(hp, hlen);
	bool has_port = strchr(hostport, ']') ? strstr(hostport, "]:") != NULL : strchr(hostport, ':') != NULL;
	t->base_url = xasprintf("%s://%s%s", tls ? "https" : "http", hostport,
				has_port ? "" : (tls ? ":2376" : ":2375"));
	free(hostport);
	if (tls) {
		char *dir = certs ? xstrdup(certs) : NULL;
		if (!dir) {
			const char *home = getenv("HOME");
			dir = xasprintf("%s/.docker", home ? home : ".");
		}
		t->ca_file = cert_file(dir, "ca.pem");
		t->cert_file = cert_file(dir, "cert.pem");
		t->key_file = cert_file(dir, "key.pem");
		if (verify && !t->ca_file) {
			set_err(err, errlen, "endpoint %s: TLS verification needs %s/ca.pem, which cannot be read",
				cfg->name, dir);
			free(dir);
			http_target_cleanup(t);
			return -1;
		}
		free(dir);
		t->insecure = !verify;
	}
	return 0;
}

static struct endpoint_config *add(struct endpoint_config **cfgs, size_t *n, const char *name,
				   const char *host)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(endpoint_config_get(&(*cfgs)[i], "host"), host))
			return NULL;
	*cfgs = xrealloc(*cfgs, (*n + 1) * sizeof(**cfgs));
	struct endpoint_config *c = &(*cfgs)[(*n)++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(name);
	c->backend = xstrdup("docker");
	endpoint_config_set(c, "host", host);
	return c;
}

/* The current Docker context's endpoint, as `docker context use` left it. */
static bool discover_context(struct endpoint_config **cfgs, size_t *n)
{
	const char *home = getenv("HOME");
	const char *cfgdir = getenv("DOCKER_CONFIG");
	char *dir = cfgdir && *cfgdir ? xstrdup(cfgdir) : xasprintf("%s/.docker", home ? home : ".");
	char *ctx = getenv("DOCKER_CONTEXT") && *getenv("DOCKER_CONTEXT") ? xstrdup(getenv("DOCKER_CONTEXT")) : NULL;
	if (!ctx) {
		char *path = xasprintf("%s/config.json", dir);
		char *text = read_file(path, NULL);
		free(path);
		json_object *root = text ? json_tokener_parse(text) : NULL;
		const char *cur = jsonget_str(root, "currentContext");
		ctx = xstrdup(cur);
		json_object_put(root);
		free(text);
	}
	bool found = false;
	if (ctx && strcmp(ctx, "default")) {
		char hash[65];
		crypto_sha256_hex(ctx, strlen(ctx), hash);
		char *path = xasprintf("%s/contexts/meta/%s/meta.json", dir, hash);
		char *text = read_file(path, NULL);
		free(path);
		json_object *root = text ? json_tokener_parse(text) : NULL;
		json_object *dk = jsonget_obj(jsonget_obj(root, "Endpoints"), "docker");
		if (jsonget_str(dk, "Host")) {
			struct endpoint_config *c = add(cfgs, n, ctx, jsonget_str(dk, "Host"));
			if (c) {
				char *tlsdir = xasprintf("%s/contexts/tls/%s/docker", dir, hash);
				bool insecure = jsonget_bool(dk, "SkipTLSVerify");
				if (access(tlsdir, R_OK) == 0) {
					endpoint_config_set(c, "cert_path", tlsdir);
					endpoint_config_set(c, insecure ? "tls" : "tls_verify", "true");
				}
				free(tlsdir);
				found = true;
			}
		}
		json_object_put(root);
		free(text);
	}
	free(ctx);
	free(dir);
	return found;
}

size_t docker_discover(struct endpoint_config **cfgs)
{
	size_t n = 0;
	*cfgs = NULL;
	const char *env = getenv("DOCKER_HOST");
	if (env && *env) {
		struct endpoint_config *c = add(cfgs, &n, "docker", env);
		if (truthy(getenv("DOCKER_TLS_VERIFY")))
			endpoint_config_set(c, "tls_verify", "true");
		else if (truthy(getenv("DOCKER_TLS")))
			endpoint_config_set(c, "tls", "true");
		if (getenv("DOCKER_CERT_PATH") && *getenv("DOCKER_CERT_PATH"))
			endpoint_config_set(c, "cert_path", getenv("DOCKER_CERT_PATH"));
		return n;
	}
	if (discover_context(cfgs, &n))
		return n;
	if (is_socket("/var/run/docker.sock"))
		add(cfgs, &n, "docker", "unix:///var/run/docker.sock");
	if (is_socket("/run/podman/podman.sock"))
		add(cfgs, &n, "podman", "unix:///run/podman/podman.sock");
	char *rootless = NULL;
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (xdg && *xdg)
		rootless = xasprintf("%s/podman/podman.sock", xdg);
	else
		rootless = xasprintf("/run/user/%u/podman/podman.sock", (unsigned)getuid());
	if (is_socket(rootless)) {
		char *host = xasprintf("unix://%s", rootless);
		add(cfgs, &n, n ? "podman-user" : "podman", host);
		free(host);
	}
	free(rootless);
	return n;
}
