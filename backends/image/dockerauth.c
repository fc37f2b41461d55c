/* dockerauth.c: registry logins of docker and podman (see dockerauth.h). */
#include "backends/image/dockerauth.h"
#include "backends/image/imageref.h"
#include "backends/codec/crypto.h"
#include "backends/codec/jsonget.h"
#include "backends/net/child.h"
#include "backends/net/timer.h"
#include "backends/util/log.h"
#include "backends/util/util.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HELPER_TIMEOUT_MS 30000
#define DOCKER_HUB_SERVER "https://index.docker.io/v1/"

static void wipe_free(char *s)
{
	if (s) {
		memset(s, 0, strlen(s));
		free(s);
	}
}

void registry_cred_cleanup(struct registry_cred *c)
{
	if (!c)
		return;
	wipe_free(c->username);
	wipe_free(c->secret);
	wipe_free(c->identity_token);
	memset(c, 0, sizeof(*c));
}

void registry_cred_copy(struct registry_cred *dst, const struct registry_cred *src)
{
	memset(dst, 0, sizeof(*dst));
	if (!src)
		return;
	dst->username = xstrdup(src->username);
	dst->secret = xstrdup(src->secret);
	dst->identity_token = xstrdup(src->identity_token);
	snprintf(dst->source, sizeof(dst->source), "%s", src->source);
}

bool registry_cred_present(const struct registry_cred *c)
{
	return c && ((c->username && *c->username) || (c->identity_token && *c->identity_token));
}

void dockerauth_hit_cleanup(struct dockerauth_hit *hit)
{
	registry_cred_cleanup(&hit->cred);
	memset(hit, 0, sizeof(*hit));
}

/* ---- the files ---- */

static char *docker_config_path(void)
{
	const char *dir = getenv("DOCKER_CONFIG");
	if (dir && *dir)
		return xasprintf("%s/config.json", dir);
	const char *home = getenv("HOME");
	return xasprintf("%s/.docker/config.json", home && *home ? home : ".");
}

/* Podman's auth files in the order it reads them; owned, NULL-terminated. */
static char **podman_auth_paths(void)
{
	char **out = xcalloc(4, sizeof(*out));
	size_t n = 0;
	const char *f = getenv("REGISTRY_AUTH_FILE");
	if (f && *f)
		out[n++] = xstrdup(f);
	const char *run = getenv("XDG_RUNTIME_DIR");
	if (run && *run)
		out[n++] = xasprintf("%s/containers/auth.json", run);
	const char *cfg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (cfg && *cfg)
		out[n++] = xasprintf("%s/containers/auth.json", cfg);
	else if (home && *home)
		out[n++] = xasprintf("%s/.config/containers/auth.json", home);
	return out;
}

static void free_list(char **l)
{
	for (size_t i = 0; l && l[i]; i++)
		free(l[i]);
	free(l);
}

/* The parsed file, NULL when it does not exist; -1 in *rc when it cannot be read. */
static json_object *load(const char *path, int *rc, char *err, size_t errlen)
{
	size_t len = 0;
	char *text = read_file(path, &len);
	*rc = 0;
	if (!text) {
		if (errno != ENOENT && errno != ENOTDIR)
			*rc = set_err(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	json_object *root = json_tokener_parse(text);
	memset(text, 0, len);
	free(text);
	if (!root || !json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		*rc = set_err(err, errlen, "%s is not a JSON object", path);
		return NULL;
	}
	return root;
}

/* How well a config key names host (and repo): -1 not at all, 0 the host,
 * more for a key naming a namespace or repository (podman), the longer
 * the better. Keys with a scheme are docker's: their path is an API
 * version, not a namespace. */
static int key_match(const char *key, const char *host, const char *repo)
{
	char khost[256];
	imageref_host(key, khost, sizeof(khost));
	if (strcmp(khost, host))
		return -1;
	if (strstr(key, "://"))
		return 0;
	const char *path = strchr(key, '/');
	if (!path || !path[1])
		return 0;
	path++;
	size_t plen = strlen(path);
	while (plen && path[plen - 1] == '/')
		plen--;
	if (!repo || strncmp(repo, path, plen) || (repo[plen] && repo[plen] != '/'))
		return -1;
	return (int)plen;
}

/* The key of obj that best names host/repo, or NULL. */
static const char *best_key(json_object *obj, const char *host, const char *repo)
{
	const char *best = NULL;
	int score = -1;
	if (!json_object_is_type(obj, json_type_object))
		return NULL;
	json_object_object_foreach(obj, key, val)
	{
		(void)val;
		int s = key_match(key, host, repo);
		if (s > score) {
			score = s;
			best = key;
		}
	}
	return best;
}

/* An auths entry into credentials: "auth" is base64 of user:password;
 * podman may write username and password instead. */
static bool inline_cred(json_object *entry, struct registry_cred *c, const char *source)
{
	const char *auth = jsonget_str(entry, "auth");
	const char *idt = jsonget_str(entry, "identitytoken");
	memset(c, 0, sizeof(*c));
	if (auth && *auth) {
		size_t n = 0;
		char *plain = crypto_base64_decode(auth, strlen(auth), &n);
		char *colon = plain ? strchr(plain, ':') : NULL;
		if (colon) {
			*colon = '\0';
			c->username = xstrdup(plain);
			c->secret = xstrdup(colon + 1);
		}
		if (plain) {
			memset(plain, 0, n);
			free(plain);
		}
	} else if (jsonget_str(entry, "username")) {
		c->username = xstrdup(jsonget_str(entry, "username"));
		c->secret = xstrdup(jsonget_str(entry, "password"));
	}
	if (idt && *idt)
		c->identity_token = xstrdup(idt);
	snprintf(c->source, sizeof(c->source), "%s", source);
	if (registry_cred_present(c))
		return true;
	registry_cred_cleanup(c);
	return false;
}

/* What the helper is asked for: the auths key that names the host when
 * there is one (docker asks with the key as written), else the host, and
 * for Docker Hub the address docker logs in to. */
static void helper_server(json_object *auths, const char *key, const char *host, char *out, size_t outlen)
{
	(void)auths;
	if (key)
		snprintf(out, outlen, "%s", key);
	else
		snprintf(out, outlen, "%s", !strcmp(host, IMAGEREF_DOCKER_HUB) ? DOCKER_HUB_SERVER : host);
}

/* One file's answer: 1 found (hit filled), 0 nothing there. */
static int find_in(json_object *root, const char *path, bool docker, const char *host, const char *repo,
		   struct dockerauth_hit *hit)
{
	json_object *auths = jsonget_obj(root, "auths");
	json_object *helpers = jsonget_obj(root, "credHelpers");
	const char *hkey = best_key(helpers, host, repo);
	const char *akey = best_key(auths, host, repo);
	if (hkey && jsonget_str(helpers, hkey) && *jsonget_str(helpers, hkey)) {
		hit->found = DOCKERAUTH_HELPER;
		snprintf(hit->helper, sizeof(hit->helper), "%s", jsonget_str(helpers, hkey));
		helper_server(auths, hkey, host, hit->server, sizeof(hit->server));
		return 1;
	}
	/* with a credential store, auths entries are only the list of logins */
	const char *store = docker ? jsonget_str(root, "credsStore") : NULL;
	if (store && *store) {
		hit->found = DOCKERAUTH_HELPER;
		snprintf(hit->helper, sizeof(hit->helper), "%s", store);
		helper_server(auths, akey, host, hit->server, sizeof(hit->server));
		return 1;
	}
	if (akey && inline_cred(jsonget_obj(auths, akey), &hit->cred, path)) {
		hit->found = DOCKERAUTH_INLINE;
		return 1;
	}
	return 0;
}

int dockerauth_find(const char *host_in, const char *repo, struct dockerauth_hit *hit, char *err, size_t errlen)
{
	char host[256];
	imageref_host(host_in, host, sizeof(host));
	memset(hit, 0, sizeof(*hit));
	char *dpath = docker_config_path();
	char **ppaths = podman_auth_paths();
	int rc = 0, found = 0;
	json_object *root = load(dpath, &rc, err, errlen);
	if (root)
		found = find_in(root, dpath, true, host, repo, hit);
	json_object_put(root);
	/* podman reads the first auth file that exists */
	for (size_t i = 0; !found && rc == 0 && ppaths[i]; i++) {
		root = load(ppaths[i], &rc, err, errlen);
		if (!root)
			continue;
		found = find_in(root, ppaths[i], false, host, repo, hit);
		json_object_put(root);
		break;
	}
	free(dpath);
	free_list(ppaths);
	return rc;
}

static void add_host(char ***list, size_t *n, const char *key)
{
	char host[256];
	imageref_host(key, host, sizeof(host));
	if (!*host)
		return;
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*list)[i], host))
			return;
	*list = xrealloc(*list, (*n + 2) * sizeof(**list));
	(*list)[(*n)++] = xstrdup(host);
	(*list)[*n] = NULL;
}

static void hosts_of(json_object *root, char ***list, size_t *n)
{
	const char *sections[] = {"auths", "credHelpers"};
	for (size_t s = 0; s < 2; s++) {
		json_object *o = jsonget_obj(root, sections[s]);
		if (!o)
			continue;
		json_object_object_foreach(o, key, val)
		{
			(void)val;
			add_host(list, n, key);
		}
	}
}

char **dockerauth_hosts(void)
{
	char **list = xcalloc(1, sizeof(*list));
	size_t n = 0;
	char err[ERRLEN];
	int rc;
	char *dpath = docker_config_path();
	json_object *root = load(dpath, &rc, err, sizeof(err));
	hosts_of(root, &list, &n);
	json_object_put(root);
	free(dpath);
	char **ppaths = podman_auth_paths();
	for (size_t i = 0; ppaths[i]; i++) {
		root = load(ppaths[i], &rc, err, sizeof(err));
		if (!root)
			continue;
		hosts_of(root, &list, &n);
		json_object_put(root);
		break;
	}
	free_list(ppaths);
	return list;
}

/* ---- the helpers ---- */

struct dockerauth_req {
	struct child *child;
	struct timer *now; /* answers found in the files go out from the loop */
	struct dockerauth_hit hit;
	char error[ERRLEN];
	dockerauth_done_fn done;
	void *arg;
};

static void req_free(struct dockerauth_req *r)
{
	timer_free(r->now);
	dockerauth_hit_cleanup(&r->hit);
	free(r);
}

static void on_helper(void *arg, const struct child_result *res)
{
	struct dockerauth_req *r = arg;
	char prog[128];
	r->child = NULL;
	snprintf(prog, sizeof(prog), "docker-credential-%s", r->hit.helper);
	json_object *o = res->exit_code == 0 ? json_tokener_parse(res->out) : NULL;
	if (res->exec_errno) {
		snprintf(r->error, sizeof(r->error), "%s is not installed (%s)", prog, strerror(res->exec_errno));
		r->done(r->arg, NULL, r->error);
	} else if (res->exit_code != 0) {
		/* the protocol's way of saying "no login here": anonymous, not an error */
		if (res->out_len && strstr(res->out, "credentials not found")) {
			r->done(r->arg, NULL, NULL);
		} else {
			const char *why = res->out_len ? res->out : res->err_len ? res->err : "";
			char line[64];
			snprintf(line, sizeof(line), "%.*s", (int)strcspn(why, "\n"), why);
			snprintf(r->error, sizeof(r->error), "%.60s get %.80s failed%s%s", prog, r->hit.server,
				 res->timed_out ? ": it did not answer in time" : *line ? ": " : "", res->timed_out ? "" : line);
			r->done(r->arg, NULL, r->error);
		}
	} else if (!o) {
		snprintf(r->error, sizeof(r->error), "%.60s get %.100s printed something that is not JSON", prog, r->hit.server);
		r->done(r->arg, NULL, r->error);
	} else {
		struct registry_cred c = {0};
		const char *user = jsonget_str(o, "Username"), *secret = jsonget_str(o, "Secret");
		if (user && !strcmp(user, "<token>"))
			c.identity_token = xstrdup(secret);
		else {
			c.username = xstrdup(user);
			c.secret = xstrdup(secret);
		}
		snprintf(c.source, sizeof(c.source), "%s", prog);
		r->done(r->arg, registry_cred_present(&c) ? &c : NULL, NULL);
		registry_cred_cleanup(&c);
		/* the parsed copy holds the secret too */
		const char *s = jsonget_str(o, "Secret");
		if (s)
			memset((char *)s, 0, strlen(s));
	}
	json_object_put(o);
	req_free(r);
}

static void on_now(void *arg)
{
	struct dockerauth_req *r = arg;
	if (r->error[0])
		r->done(r->arg, NULL, r->error);
	else
		r->done(r->arg, r->hit.found == DOCKERAUTH_INLINE ? &r->hit.cred : NULL, NULL);
	req_free(r);
}

struct dockerauth_req *dockerauth_lookup(const char *host, const char *repo, dockerauth_done_fn done, void *arg)
{
	struct dockerauth_req *r = xcalloc(1, sizeof(*r));
	r->done = done;
	r->arg = arg;
	if (dockerauth_find(host, repo, &r->hit, r->error, sizeof(r->error)) < 0 || r->hit.found != DOCKERAUTH_HELPER) {
		r->now = timer_new(on_now, r);
		timer_arm(r->now, 0);
		return r;
	}
	char *prog = xasprintf("docker-credential-%s", r->hit.helper);
	char *path = child_which(prog, NULL);
	if (!path) {
		snprintf(r->error, sizeof(r->error), "%s, named in the docker configuration, is not in PATH", prog);
		free(prog);
		r->now = timer_new(on_now, r);
		timer_arm(r->now, 0);
		return r;
	}
	const char *argv[] = {prog, "get", NULL};
	struct child_spec spec = {.path = path, .argv = argv, .input = r->hit.server, .input_len = strlen(r->hit.server),
				  .out_max = 64 * 1024, .timeout_ms = HELPER_TIMEOUT_MS};
	log_msg("registry credentials for %s: running %s get", host, prog);
	r->child = child_run(&spec, on_helper, r, r->error, sizeof(r->error));
	free(path);
	free(prog);
	if (!r->child) {
		r->now = timer_new(on_now, r);
		timer_arm(r->now, 0);
	}
	return r;
}

void dockerauth_cancel(struct dockerauth_req *r)
{
	if (!r)
		return;
	child_cancel(r->child);
	req_free(r);
}

char *dockerauth_engine_header(const struct registry_cred *cred, const char *server)
{
	json_object *o = json_object_new_object();
	if (cred && cred->identity_token && *cred->identity_token) {
		json_object_object_add(o, "identitytoken", json_object_new_string(cred->identity_token));
	} else if (cred) {
		json_object_object_add(o, "username", json_object_new_string(cred->username ? cred->username : ""));
		json_object_object_add(o, "password", json_object_new_string(cred->secret ? cred->secret : ""));
	}
	json_object_object_add(o, "serveraddress", json_object_new_string(server ? server : ""));
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	char *out = crypto_base64url_encode(text, strlen(text));
	memset((char *)text, 0, strlen(text));
	json_object_put(o);
	return out;
}
