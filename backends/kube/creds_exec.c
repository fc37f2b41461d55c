/* creds_exec.c: the exec credential plugin. Plugins (aws eks get-token,
 * gke-gcloud-auth-plugin, kubelogin) run through the shared child-process
 * runner (child.h): this file checks the kubeconfig's exec section the way
 * client-go does, builds the plugin's environment (KUBERNETES_EXEC_INFO),
 * turns how it ended into one sentence, and parses the ExecCredential it
 * prints into the cache of creds.c. Tokens and keys never reach the log or
 * a sentence. */
#include "backends/kube/creds_internal.h"
#include "backends/codec/jsonget.h"
#include "backends/codec/crypto.h"
#include "backends/net/child.h"
#include "backends/util/log.h"
#include "backends/util/util.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLUGIN_TIMEOUT_MS 60000
#define PLUGIN_MAX_OUT (1024 * 1024) /* certificates and keys fit easily */
#define PLUGIN_MAX_ERR 8192

/* The first non-blank line of a plugin's stderr, cut to fit a sentence. */
static void first_line(const char *text, char *out, size_t outlen)
{
	out[0] = '\0';
	if (!text)
		return;
	while (*text == '\n' || *text == '\r' || *text == ' ' || *text == '\t')
		text++;
	size_t n = strcspn(text, "\r\n");
	if (n > 150) {
		n = 150;
		while (n && ((unsigned char)text[n] & 0xc0) == 0x80) /* not inside a UTF-8 character */
			n--;
	}
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, text, n);
	out[n] = '\0';
}

/* ---- runs ---- */

void creds_run_abort(struct kube_creds *c)
{
	child_cancel(c->run);
	c->run = NULL;
	log_msg("kube %s: credential plugin %s cancelled", c->conn.context, c->plugin);
}

/* ---- the plugin's answer ---- */

/* A non-empty string member of the ExecCredential's status, or NULL. */
static const char *status_str(struct json_object *status, const char *key)
{
	const char *v = jsonget_str(status, key);
	return v && *v ? v : NULL;
}

static int parse_output(struct kube_creds *c, const struct child_result *r)
{
	const char *want = c->conn.user.exec->api_version;
	if (!r->out_len)
		return set_err(c->err, sizeof(c->err), "the credential plugin %s printed no credential", c->plugin);
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = json_tokener_parse_ex(tok, r->out, (int)r->out_len);
	json_tokener_free(tok);
	int rc = -1;
	struct json_object *status;
	if (!o || !json_object_is_type(o, json_type_object)) {
		set_err(c->err, sizeof(c->err), "the credential plugin %s printed something that is not an ExecCredential",
			c->plugin);
		goto out;
	}
	const char *kind = jsonget_str(o, "kind"), *api = jsonget_str(o, "apiVersion");
	if (!api || strcmp(api, want)) {
		set_err(c->err, sizeof(c->err),
			"the credential plugin %s answered with apiVersion \"%.60s\" but the kubeconfig asks for \"%s\"",
			c->plugin, api ? api : "", want);
		goto out;
	}
	if (kind && strcmp(kind, "ExecCredential")) {
		set_err(c->err, sizeof(c->err), "the credential plugin %s printed a \"%.40s\", not an ExecCredential",
			c->plugin, kind);
		goto out;
	}
	status = jsonget_obj(o, "status");
	const char *token = status_str(status, "token"), *cert = status_str(status, "clientCertificateData"),
		   *key = status_str(status, "clientKeyData"), *exp = status_str(status, "expirationTimestamp");
	if (!token && !cert && !key) {
		set_err(c->err, sizeof(c->err), "the credential plugin %s printed no credential", c->plugin);
		goto out;
	}
	if (!cert != !key) {
		set_err(c->err, sizeof(c->err), "the credential plugin %s printed a client %s without its %s",
			c->plugin, cert ? "certificate" : "key", cert ? "key" : "certificate");
		goto out;
	}
	int64_t expiry = 0;
	if (exp && (expiry = parse_rfc3339(exp)) < 0) {
		set_err(c->err, sizeof(c->err),
			"the credential plugin %s printed an expirationTimestamp that is not an RFC 3339 time", c->plugin);
		goto out;
	}
	creds_clear_cached(c);
	c->token = xstrdup(token);
	c->cert_pem = xstrdup(cert);
	c->key_pem = xstrdup(key);
	c->expiry = expiry;
	c->have = true;
	log_msg("kube %s: credential plugin %s gave a %s%s", c->conn.context, c->plugin,
		token ? "token" : "client certificate", expiry ? " with an expiry" : "");
	rc = 0;
out:
	json_object_put(o);
	return rc;
}

static void not_installed(struct kube_creds *c)
{
	const struct kube_exec_cfg *e = c->conn.user.exec;
	char hint[160];
	first_line(e->install_hint, hint, sizeof(hint));
	if (*hint)
		set_err(c->err, sizeof(c->err), "the credential plugin %s is not installed: %s", c->plugin, hint);
	else if (!strchr(e->command, '/'))
		set_err(c->err, sizeof(c->err), "the credential plugin %s is not installed (no %s in PATH)", c->plugin,
			e->command);
	else if (e->command[0] == '/' || !e->dir)
		set_err(c->err, sizeof(c->err), "the credential plugin %s is not installed (no %s)", c->plugin,
			e->command);
	else
		set_err(c->err, sizeof(c->err), "the credential plugin %s is not installed (no %s/%s)", c->plugin,
			e->dir, e->command);
}

/* The plugin has ended: judge how, tell the waiters. */
static void run_finish(void *arg, const struct child_result *r)
{
	struct kube_creds *c = arg;
	char line[160], *errtxt = xstrndup(r->err, r->err_len);
	first_line(errtxt, line, sizeof(line));
	free(errtxt);
	c->run = NULL; /* freed by the runner after this returns */
	int rc = -1;
	if (r->exec_errno == ENOENT)
		not_installed(c);
	else if (r->exec_errno)
		set_err(c->err, sizeof(c->err), "the credential plugin %s could not be started: %s", c->plugin,
			strerror(r->exec_errno));
	else if (r->timed_out)
		set_err(c->err, sizeof(c->err), "the credential plugin %s did not finish within %d s", c->plugin,
			PLUGIN_TIMEOUT_MS / 1000);
	else if (r->out_overflow)
		set_err(c->err, sizeof(c->err), "the credential plugin %s printed more than %d KiB", c->plugin,
			PLUGIN_MAX_OUT / 1024);
	else if (r->signal)
		set_err(c->err, sizeof(c->err), "the credential plugin %s was killed by signal %d%s%s", c->plugin,
			r->signal, *line ? ": " : "", line);
	else if (r->exit_code)
		set_err(c->err, sizeof(c->err), "the credential plugin %s failed (exit %d)%s%s", c->plugin,
			r->exit_code, *line ? ": " : "", line);
	else
		rc = parse_output(c, r);
	if (rc < 0)
		log_msg("kube %s: %s", c->conn.context, c->err);
	creds_update_who(c);
	creds_notify(c, rc < 0 ? c->err : NULL);
}

/* ---- starting the plugin ---- */

/* The ExecCredential handed to the plugin in KUBERNETES_EXEC_INFO. */
static char *exec_info(const struct kube_creds *c)
{
	const struct kube_exec_cfg *e = c->conn.user.exec;
	const struct kube_cluster *cl = &c->conn.cluster;
	struct json_object *o = json_object_new_object(), *spec = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_string("ExecCredential"));
	json_object_object_add(o, "apiVersion", json_object_new_string(e->api_version));
	json_object_object_add(o, "spec", spec);
	if (e->provide_cluster_info) {
		struct json_object *j = json_object_new_object();
		json_object_object_add(j, "server", json_object_new_string(cl->server ? cl->server : ""));
		if (cl->tls_server_name)
			json_object_object_add(j, "tls-server-name", json_object_new_string(cl->tls_server_name));
		if (cl->insecure)
			json_object_object_add(j, "insecure-skip-tls-verify", json_object_new_boolean(1));
		size_t calen = 0;
		char *ca = cl->ca_pem ? xstrdup(cl->ca_pem) : cl->ca_file ? read_file(cl->ca_file, &calen) : NULL;
		if (ca) {
			char *b64 = crypto_base64_encode(ca, strlen(ca));
			json_object_object_add(j, "certificate-authority-data", json_object_new_string(b64));
			free(b64);
			free(ca);
		}
		if (cl->proxy_url)
			json_object_object_add(j, "proxy-url", json_object_new_string(cl->proxy_url));
		if (cl->exec_config) {
			struct json_object *cfg = json_tokener_parse(cl->exec_config);
			if (cfg)
				json_object_object_add(j, "config", cfg);
		}
		json_object_object_add(spec, "cluster", j);
	}
	json_object_object_add(spec, "interactive", json_object_new_boolean(0));
	char *s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

/* Checks the exec section the way client-go does before running anything. */
static int exec_check(struct kube_creds *c)
{
	const struct kube_exec_cfg *e = c->conn.user.exec;
	const char *user = c->conn.user.name;
	if (!e->command)
		return set_err(c->err, sizeof(c->err), "the exec section of user \"%s\" has no command", user);
	if (!e->api_version)
		return set_err(c->err, sizeof(c->err), "the exec section of user \"%s\" has no apiVersion", user);
	bool v1 = !strcmp(e->api_version, "client.authentication.k8s.io/v1");
	if (!v1 && strcmp(e->api_version, "client.authentication.k8s.io/v1beta1"))
		return set_err(c->err, sizeof(c->err),
			       "user \"%s\" asks for exec apiVersion \"%.60s\", which binnacle does not support (use "
			       "client.authentication.k8s.io/v1)",
			       user, e->api_version);
	const char *mode = e->interactive_mode;
	if (!mode && v1)
		return set_err(c->err, sizeof(c->err),
			       "the exec section of user \"%s\" needs interactiveMode (Never or IfAvailable)", user);
	if (mode && strcmp(mode, "Never") && strcmp(mode, "IfAvailable") && strcmp(mode, "Always"))
		return set_err(c->err, sizeof(c->err), "user \"%s\" has an invalid interactiveMode \"%.20s\"", user,
			       mode);
	if (mode && !strcmp(mode, "Always"))
		return set_err(c->err, sizeof(c->err),
			       "the credential plugin %s needs a terminal (interactiveMode: Always), which a dashboard "
			       "cannot lend it: log in with it in a shell first",
			       c->plugin);
	return 0;
}

int creds_run_start(struct kube_creds *c)
{
	const struct kube_exec_cfg *e = c->conn.user.exec;
	if (exec_check(c) < 0)
		return -1;
	/* absolute, relative to the kubeconfig's directory when it has a '/', else from PATH */
	char *path = child_which(e->command, e->dir);
	if (!path) {
		not_installed(c);
		return -1;
	}
	const char **argv = xcalloc(e->nargs + 2, sizeof(*argv));
	argv[0] = e->command;
	for (size_t i = 0; i < e->nargs; i++)
		argv[i + 1] = e->args[i];
	const char **env = xcalloc(e->nenv + 2, sizeof(*env));
	for (size_t i = 0; i < e->nenv; i++)
		env[i] = e->env[i];
	char *info = exec_info(c), *info_env = xasprintf("KUBERNETES_EXEC_INFO=%s", info);
	free(info);
	env[e->nenv] = info_env;
	struct child_spec spec = {
		.path = path,
		.argv = argv,
		.env_add = env,
		.out_max = PLUGIN_MAX_OUT,
		.err_max = PLUGIN_MAX_ERR,
		.timeout_ms = PLUGIN_TIMEOUT_MS,
	};
	char why[ERRLEN];
	c->run = child_run(&spec, run_finish, c, why, sizeof(why));
	free(argv);
	free(env);
	memset(info_env, 0, strlen(info_env));
	free(info_env);
	free(path);
	if (!c->run)
		return set_err(c->err, sizeof(c->err), "the credential plugin %s could not be started: %s", c->plugin,
			       why);
	log_msg("kube %s: running credential plugin %s (pid %ld)", c->conn.context, c->plugin,
		(long)child_pid(c->run));
	return 0;
}
