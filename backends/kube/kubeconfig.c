/* kubeconfig.c: loads and merges kubeconfig files with kubectl's rules and
 * resolves a context into a self-contained connection description. Errors
 * point at file:line:col because users edit these files by hand; they never
 * quote a value, since most values here are secrets. */
#include "backends/kube/kubeconfig.h"
#include "backends/codec/crypto.h"
#include "backends/util/util.h"
#include "backends/codec/yamltree.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The state of loading one file of the list. */
struct loader {
	struct kubeconfig *kc;
	const char *file;
	char *dir; /* absolute directory of file, for relative paths */
	size_t first_context, first_cluster, first_user; /* entries this file added start here */
	char *err;
	size_t errlen;
};

static bool is_null(const struct ynode *n)
{
	if (!n)
		return true;
	if (n->type != YNODE_SCALAR || n->quoted)
		return false;
	return !*n->value || !strcmp(n->value, "null") || !strcmp(n->value, "Null") || !strcmp(n->value, "NULL") ||
	       !strcmp(n->value, "~");
}

static int at_err(struct loader *ld, const struct ynode *n, const char *what, const char *key)
{
	return set_err(ld->err, ld->errlen, "%s:%d:%d: %s %s", ld->file, n ? n->line : 1, n ? n->col : 1, key,
		       what);
}

/* A string member; "" and null count as unset, as in kubectl. */
static int get_str(struct loader *ld, const struct ynode *map, const char *key, char **out)
{
	const struct ynode *v = ynode_get(map, key);
	*out = NULL;
	if (is_null(v))
		return 0;
	if (v->type != YNODE_SCALAR)
		return at_err(ld, v, v->type == YNODE_MAP ? "must be a value, not a mapping" : "must be a value, not a list",
			      key);
	if (*v->value)
		*out = xstrdup(v->value);
	return 0;
}

static int get_bool(struct loader *ld, const struct ynode *map, const char *key, bool *out)
{
	const struct ynode *v = ynode_get(map, key);
	*out = false;
	if (is_null(v))
		return 0;
	int b = ynode_bool(v);
	if (b < 0)
		return at_err(ld, v, "must be true or false", key);
	*out = b == 1;
	return 0;
}

/* "~/x" and paths relative to the kubeconfig's directory, made absolute. */
static char *resolve_path(const char *dir, const char *p)
{
	if (!p || !*p)
		return NULL;
	if (p[0] == '~' && (p[1] == '/' || !p[1])) {
		const char *home = getenv("HOME");
		if (home && *home)
			return xasprintf("%s%s", home, p + 1);
	}
	if (p[0] == '/' || !dir)
		return xstrdup(p);
	return xasprintf("%s/%s", dir, p);
}

static int get_path(struct loader *ld, const struct ynode *map, const char *key, char **out)
{
	char *raw;
	if (get_str(ld, map, key, &raw) < 0)
		return -1;
	*out = resolve_path(ld->dir, raw);
	free(raw);
	return 0;
}

/* A *-data member: base64 of PEM, kept decoded as text. */
static int get_data(struct loader *ld, const struct ynode *map, const char *key, char **out)
{
	char *raw;
	*out = NULL;
	if (get_str(ld, map, key, &raw) < 0)
		return -1;
	if (!raw)
		return 0;
	*out = crypto_base64_decode(raw, strlen(raw), NULL);
	free(raw);
	if (!*out)
		return at_err(ld, ynode_get(map, key), "is not valid base64", key);
	return 0;
}

/* A list member that may be absent or null; anything else must be a list. */
static int get_seq(struct loader *ld, const struct ynode *map, const char *key, const struct ynode **out)
{
	const struct ynode *v = ynode_get(map, key);
	*out = NULL;
	if (is_null(v))
		return 0;
	if (v->type != YNODE_SEQ)
		return at_err(ld, v, "must be a list", key);
	*out = v;
	return 0;
}

/* ---- YAML to JSON, for the exec extension handed to plugins verbatim ---- */

static struct json_object *ynode_json(const struct ynode *n)
{
	if (n->type == YNODE_MAP) {
		struct json_object *o = json_object_new_object();
		for (size_t i = 0; i < n->n; i++)
			json_object_object_add(o, n->keys[i], ynode_json(n->items[i]));
		return o;
	}
	if (n->type == YNODE_SEQ) {
		struct json_object *a = json_object_new_array();
		for (size_t i = 0; i < n->n; i++)
			json_object_array_add(a, ynode_json(n->items[i]));
		return a;
	}
	if (n->quoted)
		return json_object_new_string(n->value);
	if (is_null(n))
		return NULL;
	int b = ynode_bool(n);
	if (b >= 0 && (!strcmp(n->value, "true") || !strcmp(n->value, "false")))
		return json_object_new_boolean(b);
	char *end;
	errno = 0;
	long long ll = strtoll(n->value, &end, 10);
	if (!*end && !errno)
		return json_object_new_int64(ll);
	double d = strtod(n->value, &end);
	if (!*end && *n->value)
		return json_object_new_double(d);
	return json_object_new_string(n->value);
}

/* ---- entries ---- */

static void exec_free(struct kube_exec_cfg *e)
{
	if (!e)
		return;
	free(e->command);
	for (size_t i = 0; i < e->nargs; i++)
		free(e->args[i]);
	free(e->args);
	for (size_t i = 0; i < e->nenv; i++)
		free(e->env[i]);
	free(e->env);
	free(e->api_version);
	free(e->interactive_mode);
	free(e->install_hint);
	free(e->dir);
	free(e);
}

static void cluster_cleanup(struct kube_cluster *c)
{
	free(c->name);
	free(c->server);
	free(c->ca_file);
	free(c->ca_pem);
	free(c->tls_server_name);
	free(c->proxy_url);
	free(c->exec_config);
	memset(c, 0, sizeof(*c));
}

static void user_cleanup(struct kube_user *u)
{
	free(u->name);
	free(u->cert_file);
	free(u->cert_pem);
	free(u->key_file);
	free(u->key_pem);
	free(u->token);
	free(u->token_file);
	free(u->username);
	free(u->password);
	exec_free(u->exec);
	if (u->eks) {
		free(u->eks->cluster);
		free(u->eks->region);
		free(u->eks->profile);
		free(u->eks);
	}
	free(u->auth_provider);
	memset(u, 0, sizeof(*u));
}

static void context_cleanup(struct kube_context *c)
{
	free(c->name);
	free(c->cluster);
	free(c->user);
	free(c->namespace);
	memset(c, 0, sizeof(*c));
}

static int parse_cluster(struct loader *ld, const struct ynode *m, struct kube_cluster *c)
{
	if (get_str(ld, m, "server", &c->server) < 0 || get_path(ld, m, "certificate-authority", &c->ca_file) < 0 ||
	    get_data(ld, m, "certificate-authority-data", &c->ca_pem) < 0 ||
	    get_str(ld, m, "tls-server-name", &c->tls_server_name) < 0 ||
	    get_str(ld, m, "proxy-url", &c->proxy_url) < 0 ||
	    get_bool(ld, m, "insecure-skip-tls-verify", &c->insecure) < 0)
		return -1;
	const struct ynode *ext;
	if (get_seq(ld, m, "extensions", &ext) < 0)
		return -1;
	for (size_t i = 0; ext && i < ext->n; i++) {
		const char *name = ynode_str(ext->items[i], "name");
		const struct ynode *v = ynode_get(ext->items[i], "extension");
		if (name && !strcmp(name, "client.authentication.k8s.io/exec") && v && !c->exec_config) {
			struct json_object *j = ynode_json(v);
			c->exec_config = xstrdup(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
			json_object_put(j);
		}
	}
	return 0;
}

static int parse_exec(struct loader *ld, const struct ynode *m, struct kube_exec_cfg *e)
{
	if (get_str(ld, m, "command", &e->command) < 0 || get_str(ld, m, "apiVersion", &e->api_version) < 0 ||
	    get_str(ld, m, "interactiveMode", &e->interactive_mode) < 0 ||
	    get_str(ld, m, "installHint", &e->install_hint) < 0 ||
	    get_bool(ld, m, "provideClusterInfo", &e->provide_cluster_info) < 0)
		return -1;
	e->dir = xstrdup(ld->dir);
	const struct ynode *args, *env;
	if (get_seq(ld, m, "args", &args) < 0 || get_seq(ld, m, "env", &env) < 0)
		return -1;
	for (size_t i = 0; args && i < args->n; i++) {
		const struct ynode *a = args->items[i];
		if (a->type != YNODE_SCALAR)
			return at_err(ld, a, "must be a list of values", "args");
		e->args = xrealloc(e->args, (e->nargs + 1) * sizeof(*e->args));
		e->args[e->nargs++] = xstrdup(a->value);
	}
	for (size_t i = 0; env && i < env->n; i++) {
		const struct ynode *v = env->items[i];
		const char *name = ynode_str(v, "name"), *value = ynode_str(v, "value");
		if (v->type != YNODE_MAP || !name || !*name || strchr(name, '='))
			return at_err(ld, v, "entries need a name (and a value)", "env");
		e->env = xrealloc(e->env, (e->nenv + 1) * sizeof(*e->env));
		e->env[e->nenv++] = xasprintf("%s=%s", name, value && !is_null(ynode_get(v, "value")) ? value : "");
	}
	return 0;
}

static int parse_user(struct loader *ld, const struct ynode *m, struct kube_user *u)
{
	if (get_path(ld, m, "client-certificate", &u->cert_file) < 0 ||
	    get_data(ld, m, "client-certificate-data", &u->cert_pem) < 0 ||
	    get_path(ld, m, "client-key", &u->key_file) < 0 || get_data(ld, m, "client-key-data", &u->key_pem) < 0 ||
	    get_str(ld, m, "token", &u->token) < 0 || get_path(ld, m, "tokenFile", &u->token_file) < 0 ||
	    get_str(ld, m, "username", &u->username) < 0 || get_str(ld, m, "password", &u->password) < 0)
		return -1;
	const struct ynode *ap = ynode_get(m, "auth-provider");
	if (!is_null(ap)) {
		if (ap->type != YNODE_MAP)
			return at_err(ld, ap, "must be a mapping", "auth-provider");
		const char *name = ynode_str(ap, "name");
		u->auth_provider = xstrdup(name && *name ? name : "unnamed");
	}
	const struct ynode *ex = ynode_get(m, "exec");
	if (!is_null(ex)) {
		if (ex->type != YNODE_MAP)
			return at_err(ld, ex, "must be a mapping", "exec");
		u->exec = xcalloc(1, sizeof(*u->exec));
		return parse_exec(ld, ex, u->exec);
	}
	return 0;
}

static int parse_context(struct loader *ld, const struct ynode *m, struct kube_context *c)
{
	return get_str(ld, m, "cluster", &c->cluster) < 0 || get_str(ld, m, "user", &c->user) < 0 ||
			       get_str(ld, m, "namespace", &c->namespace) < 0
		       ? -1
		       : 0;
}

enum section { SEC_CLUSTERS, SEC_USERS, SEC_CONTEXTS };

/* Looks name up among entries [0, n); the index, or -1. */
static long find_entry(const struct kubeconfig *kc, enum section s, const char *name)
{
	size_t n = s == SEC_CLUSTERS ? kc->nclusters : s == SEC_USERS ? kc->nusers : kc->ncontexts;
	for (size_t i = 0; i < n; i++) {
		const char *have = s == SEC_CLUSTERS ? kc->clusters[i].name
				   : s == SEC_USERS  ? kc->users[i].name
						     : kc->contexts[i].name;
		if (!strcmp(have, name))
			return (long)i;
	}
	return -1;
}

/* One of clusters/users/contexts: a list of {name, <inner>: {...}}. */
static int parse_section(struct loader *ld, const struct ynode *root, enum section s)
{
	static const char *const lists[] = {"clusters", "users", "contexts"};
	static const char *const inners[] = {"cluster", "user", "context"};
	const struct ynode *seq;
	if (get_seq(ld, root, lists[s], &seq) < 0)
		return -1;
	struct kubeconfig *kc = ld->kc;
	size_t first = s == SEC_CLUSTERS ? ld->first_cluster : s == SEC_USERS ? ld->first_user : ld->first_context;
	for (size_t i = 0; seq && i < seq->n; i++) {
		const struct ynode *item = seq->items[i];
		char *name = NULL;
		if (item->type != YNODE_MAP)
			return at_err(ld, item, "entries must be mappings with a name", lists[s]);
		if (get_str(ld, item, "name", &name) < 0)
			return -1;
		if (!name)
			return set_err(ld->err, ld->errlen, "%s:%d:%d: an entry of %s has no name", ld->file, item->line,
				       item->col, lists[s]);
		long have = find_entry(kc, s, name);
		if (have >= (long)first) {
			/* kubectl refuses a name defined twice in one file */
			set_err(ld->err, ld->errlen, "%s:%d:%d: %s \"%s\" is defined twice in this file", ld->file,
				item->line, item->col, inners[s], name);
			free(name);
			return -1;
		}
		const struct ynode *body = ynode_get(item, inners[s]);
		if (!is_null(body) && body->type != YNODE_MAP) {
			free(name);
			return at_err(ld, body, "must be a mapping", inners[s]);
		}
		int rc = 0;
		if (s == SEC_CLUSTERS) {
			struct kube_cluster c = {.name = name};
			rc = parse_cluster(ld, body, &c);
			if (rc == 0 && have < 0) {
				kc->clusters = xrealloc(kc->clusters, (kc->nclusters + 1) * sizeof(c));
				kc->clusters[kc->nclusters++] = c;
			} else
				cluster_cleanup(&c); /* an earlier file defined it: that one wins */
		} else if (s == SEC_USERS) {
			struct kube_user u = {.name = name};
			rc = parse_user(ld, body, &u);
			if (rc == 0 && have < 0) {
				kc->users = xrealloc(kc->users, (kc->nusers + 1) * sizeof(u));
				kc->users[kc->nusers++] = u;
			} else
				user_cleanup(&u);
		} else {
			struct kube_context c = {.name = name};
			rc = parse_context(ld, body, &c);
			if (rc == 0 && have < 0) {
				kc->contexts = xrealloc(kc->contexts, (kc->ncontexts + 1) * sizeof(c));
				kc->contexts[kc->ncontexts++] = c;
			} else
				context_cleanup(&c);
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

static char *dir_of(const char *file)
{
	const char *slash = strrchr(file, '/');
	char *dir = slash ? (slash == file ? xstrdup("/") : xstrndup(file, (size_t)(slash - file))) : xstrdup(".");
	if (dir[0] != '/') {
		char cwd[4096];
		if (getcwd(cwd, sizeof(cwd))) {
			char *abs = !strcmp(dir, ".") ? xstrdup(cwd) : xasprintf("%s/%s", cwd, dir);
			free(dir);
			dir = abs;
		}
	}
	return dir;
}

/* 0 loaded or skipped (missing), -1 with a sentence. */
static int load_file(struct kubeconfig *kc, const char *file, char *err, size_t errlen)
{
	size_t len;
	char *text = read_file(file, &len);
	if (!text) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return set_err(err, errlen, "cannot read the kubeconfig %s: %s", file, strerror(errno));
	}
	struct ynode *root = yaml_load_buf(text, len, file, err, errlen);
	free(text);
	if (!root)
		return -1;
	struct loader ld = {.kc = kc, .file = file, .dir = dir_of(file), .first_context = kc->ncontexts,
			    .first_cluster = kc->nclusters, .first_user = kc->nusers, .err = err, .errlen = errlen};
	int rc = 0;
	if (root->type != YNODE_MAP) {
		rc = set_err(err, errlen, "%s:%d:%d: a kubeconfig is a mapping (clusters, contexts, users), not %s",
			     file, root->line, root->col, ynode_type_name(root->type));
		goto out;
	}
	char *current = NULL;
	if (parse_section(&ld, root, SEC_CLUSTERS) < 0 || parse_section(&ld, root, SEC_USERS) < 0 ||
	    parse_section(&ld, root, SEC_CONTEXTS) < 0 || get_str(&ld, root, "current-context", &current) < 0) {
		rc = -1;
		goto out;
	}
	if (current && !kc->current_context)
		kc->current_context = current;
	else
		free(current);
	kc->files = xrealloc(kc->files, (kc->nfiles + 1) * sizeof(*kc->files));
	kc->files[kc->nfiles++] = xstrdup(file);
out:
	free(ld.dir);
	ynode_free(root);
	return rc;
}

int kubeconfig_load(struct kubeconfig *kc, const char *path_list, char *err, size_t errlen)
{
	memset(kc, 0, sizeof(*kc));
	char **paths = NULL;
	size_t npaths = 0;
	const char *home = getenv("HOME");
	if (!path_list || !*path_list) {
		if (!home || !*home)
			return 0; /* nowhere to look: an empty configuration */
		paths = xmalloc(sizeof(*paths));
		paths[npaths++] = xasprintf("%s/.kube/config", home);
	} else {
		for (const char *p = path_list; *p;) {
			size_t n = strcspn(p, ":");
			if (n) {
				char *one = xstrndup(p, n), *full = resolve_path(NULL, one);
				free(one);
				bool dup = false; /* kubectl reads a file listed twice once */
				for (size_t i = 0; i < npaths && !dup; i++)
					dup = !strcmp(paths[i], full);
				if (dup) {
					free(full);
				} else {
					paths = xrealloc(paths, (npaths + 1) * sizeof(*paths));
					paths[npaths++] = full;
				}
			}
			p += n;
			if (*p == ':')
				p++;
		}
	}
	int rc = 0;
	for (size_t i = 0; i < npaths && rc == 0; i++)
		rc = load_file(kc, paths[i], err, errlen);
	for (size_t i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
	if (rc < 0)
		kubeconfig_cleanup(kc);
	return rc;
}

void kubeconfig_cleanup(struct kubeconfig *kc)
{
	for (size_t i = 0; i < kc->ncontexts; i++)
		context_cleanup(&kc->contexts[i]);
	for (size_t i = 0; i < kc->nclusters; i++)
		cluster_cleanup(&kc->clusters[i]);
	for (size_t i = 0; i < kc->nusers; i++)
		user_cleanup(&kc->users[i]);
	for (size_t i = 0; i < kc->nfiles; i++)
		free(kc->files[i]);
	free(kc->contexts);
	free(kc->clusters);
	free(kc->users);
	free(kc->files);
	free(kc->current_context);
	memset(kc, 0, sizeof(*kc));
}

const struct kube_context *kubeconfig_context(const struct kubeconfig *kc, const char *name)
{
	long i = name ? find_entry(kc, SEC_CONTEXTS, name) : -1;
	return i < 0 ? NULL : &kc->contexts[i];
}

const struct kube_cluster *kubeconfig_cluster(const struct kubeconfig *kc, const char *name)
{
	long i = name ? find_entry(kc, SEC_CLUSTERS, name) : -1;
	return i < 0 ? NULL : &kc->clusters[i];
}

const struct kube_user *kubeconfig_user(const struct kubeconfig *kc, const char *name)
{
	long i = name ? find_entry(kc, SEC_USERS, name) : -1;
	return i < 0 ? NULL : &kc->users[i];
}

/* ---- resolving ---- */

static char **strv_copy(char **v, size_t n)
{
	if (!n)
		return NULL;
	char **out = xmalloc(n * sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

static void cluster_copy(struct kube_cluster *dst, const struct kube_cluster *src)
{
	*dst = (struct kube_cluster){
		.name = xstrdup(src->name),
		.server = xstrdup(src->server),
		.ca_file = xstrdup(src->ca_file),
		.ca_pem = xstrdup(src->ca_pem),
		.tls_server_name = xstrdup(src->tls_server_name),
		.proxy_url = xstrdup(src->proxy_url),
		.insecure = src->insecure,
		.exec_config = xstrdup(src->exec_config),
	};
}

static void user_copy(struct kube_user *dst, const struct kube_user *src)
{
	*dst = (struct kube_user){
		.name = xstrdup(src->name),
		.cert_file = xstrdup(src->cert_file),
		.cert_pem = xstrdup(src->cert_pem),
		.key_file = xstrdup(src->key_file),
		.key_pem = xstrdup(src->key_pem),
		.token = xstrdup(src->token),
		.token_file = xstrdup(src->token_file),
		.username = xstrdup(src->username),
		.password = xstrdup(src->password),
		.auth_provider = xstrdup(src->auth_provider),
		.undefined = src->undefined,
	};
	if (src->eks) {
		dst->eks = xcalloc(1, sizeof(*dst->eks));
		dst->eks->cluster = xstrdup(src->eks->cluster);
		dst->eks->region = xstrdup(src->eks->region);
		dst->eks->profile = xstrdup(src->eks->profile);
	}
	if (src->exec) {
		const struct kube_exec_cfg *s = src->exec;
		struct kube_exec_cfg *e = xcalloc(1, sizeof(*e));
		*e = (struct kube_exec_cfg){
			.command = xstrdup(s->command),
			.args = strv_copy(s->args, s->nargs),
			.nargs = s->nargs,
			.env = strv_copy(s->env, s->nenv),
			.nenv = s->nenv,
			.api_version = xstrdup(s->api_version),
			.interactive_mode = xstrdup(s->interactive_mode),
			.provide_cluster_info = s->provide_cluster_info,
			.install_hint = xstrdup(s->install_hint),
			.dir = xstrdup(s->dir),
		};
		dst->exec = e;
	}
}

int kubeconfig_resolve(const struct kubeconfig *kc, const char *context, struct kube_conn *out, char *err,
		       size_t errlen)
{
	memset(out, 0, sizeof(*out));
	const char *name = context && *context ? context : kc->current_context;
	if (!name) {
		if (!kc->nfiles)
			return set_err(err, errlen, "no kubeconfig was found (set $KUBECONFIG or create ~/.kube/config)");
		if (!kc->ncontexts)
			return set_err(err, errlen, "the kubeconfig defines no context");
		return set_err(err, errlen, "the kubeconfig sets no current-context: name a context, such as \"%s\"",
			       kc->contexts[0].name);
	}
	const struct kube_context *ctx = kubeconfig_context(kc, name);
	if (!ctx)
		return set_err(err, errlen, "context \"%s\" is not defined in any kubeconfig", name);
	if (!ctx->cluster)
		return set_err(err, errlen, "context \"%s\" names no cluster", name);
	const struct kube_cluster *cl = kubeconfig_cluster(kc, ctx->cluster);
	if (!cl)
		return set_err(err, errlen, "context \"%s\" refers to cluster \"%s\", which no kubeconfig defines", name,
			       ctx->cluster);
	if (!cl->server)
		return set_err(err, errlen, "cluster \"%s\" (of context \"%s\") has no server address", cl->name, name);
	const struct kube_user *u = NULL;
	if (ctx->user) {
		u = kubeconfig_user(kc, ctx->user);
	}
	out->context = xstrdup(name);
	out->namespace = xstrdup(ctx->namespace ? ctx->namespace : "default");
	cluster_copy(&out->cluster, cl);
	if (u) {
		user_copy(&out->user, u);
	} else if (ctx->user) {
		out->user.name = xstrdup(ctx->user);
		out->user.undefined = true;
	}
	return 0;
}

void kube_conn_cleanup(struct kube_conn *c)
{
	free(c->context);
	free(c->namespace);
	cluster_cleanup(&c->cluster);
	user_cleanup(&c->user);
	memset(c, 0, sizeof(*c));
}

void kube_conn_copy(struct kube_conn *dst, const struct kube_conn *src)
{
	dst->context = xstrdup(src->context);
	dst->namespace = xstrdup(src->namespace);
	cluster_copy(&dst->cluster, &src->cluster);
	user_copy(&dst->user, &src->user);
}
