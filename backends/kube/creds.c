/* creds.c: credentials for one Kubernetes connection: static ones from the
 * kubeconfig (token, tokenFile, basic auth, client certificate), the cache
 * of what the exec plugin (creds_exec.c) gave, filling an http_target, and
 * who we are for sentences. Tokens, keys and passwords never reach the log
 * or an error sentence. */
#include "backends/kube/creds_internal.h"
#include "backends/codec/crypto.h"
#include "backends/util/log.h"
#include "backends/util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPIRY_MARGIN_S 30
#define TOKEN_FILE_REREAD_MS 60000 /* client-go re-reads token files every minute too */

/* ---- helpers ---- */

void creds_clear_secret(char **p)
{
	if (*p) {
		/* keep tokens from lingering in freed heap memory */
		volatile char *v = *p;
		for (size_t i = 0; v[i]; i++)
			v[i] = 0;
		free(*p);
		*p = NULL;
	}
}

void creds_clear_cached(struct kube_creds *c)
{
	creds_clear_secret(&c->token);
	creds_clear_secret(&c->cert_pem);
	creds_clear_secret(&c->key_pem);
	c->have = false;
	c->expiry = 0;
}

static bool fresh(const struct kube_creds *c)
{
	return c->have && (!c->expiry || wall_s() < c->expiry - EXPIRY_MARGIN_S);
}

/* ---- lifecycle ---- */

struct kube_creds *kube_creds_new(const struct kube_conn *conn)
{
	struct kube_creds *c = xcalloc(1, sizeof(*c));
	kube_conn_copy(&c->conn, conn);
	if (c->conn.user.exec && c->conn.user.exec->command) {
		const char *cmd = c->conn.user.exec->command, *slash = strrchr(cmd, '/');
		snprintf(c->plugin, sizeof(c->plugin), "%s", slash ? slash + 1 : cmd);
	}
	c->token_file_stale = true;
	creds_update_who(c);
	return c;
}

void kube_creds_cancel(struct kube_creds *c)
{
	if (c->run)
		creds_run_abort(c);
	creds_eks_abort(c);
	free(c->waiters);
	c->waiters = NULL;
	c->nwaiters = 0;
}

void kube_creds_free(struct kube_creds *c)
{
	if (!c)
		return;
	kube_creds_cancel(c);
	if (c->calling) {
		c->dying = true;
		return;
	}
	creds_clear_cached(c);
	creds_eks_free(c);
	kube_conn_cleanup(&c->conn);
	free(c);
}

/* Calls every waiter with c->err (or NULL); they may get() again or free c. */
void creds_notify(struct kube_creds *c, const char *error)
{
	char msg[ERRLEN]; /* a callback's own get() may rewrite c->err */
	if (error) {
		snprintf(msg, sizeof(msg), "%s", error);
		error = msg;
	}
	struct waiter *w = c->waiters;
	size_t n = c->nwaiters;
	c->waiters = NULL;
	c->nwaiters = 0;
	c->calling++;
	for (size_t i = 0; i < n && !c->dying; i++)
		w[i].done(w[i].arg, error);
	free(w);
	if (--c->calling == 0 && c->dying) {
		c->dying = false;
		kube_creds_free(c);
	}
}

/* ---- static credentials ---- */

static int read_token_file(struct kube_creds *c)
{
	const struct kube_user *u = &c->conn.user;
	size_t len;
	char *text = read_file(u->token_file, &len);
	if (!text) {
		int e = errno;
		if (u->token) { /* client-go falls back to the inline token */
			creds_clear_secret(&c->token);
			c->token = xstrdup(u->token);
			return 0;
		}
		return set_err(c->err, sizeof(c->err), "cannot read the token file %s of user \"%s\": %s",
			       u->token_file, u->name, strerror(e));
	}
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
		text[--len] = '\0';
	creds_clear_secret(&c->token);
	c->token = text;
	c->token_file_stale = false;
	c->token_read_ms = mono_ms();
	if (!len)
		return set_err(c->err, sizeof(c->err), "the token file %s of user \"%s\" is empty", u->token_file,
			       u->name);
	return 0;
}

static const char *legacy_replacement(const char *provider)
{
	if (!strcmp(provider, "gcp"))
		return "gke-gcloud-auth-plugin";
	if (!strcmp(provider, "azure"))
		return "kubelogin";
	if (!strcmp(provider, "oidc"))
		return "kubelogin (kubectl oidc-login)";
	return NULL;
}

void kube_creds_get(struct kube_creds *c, void (*done)(void *arg, const char *error), void *arg)
{
	const struct kube_user *u = &c->conn.user;
	int rc = 0;
	if (u->eks) {
		if (fresh(c) && !c->eks_running) {
			done(arg, NULL);
			return;
		}
		c->waiters = xrealloc(c->waiters, (c->nwaiters + 1) * sizeof(*c->waiters));
		c->waiters[c->nwaiters++] = (struct waiter){done, arg};
		if (c->eks_running || creds_eks_start(c) == 0)
			return;
		creds_notify(c, c->err);
		return;
	}
	if (u->exec) {
		if (fresh(c) && !c->run) {
			done(arg, NULL);
			return;
		}
		c->waiters = xrealloc(c->waiters, (c->nwaiters + 1) * sizeof(*c->waiters));
		c->waiters[c->nwaiters++] = (struct waiter){done, arg};
		if (c->run || creds_run_start(c) == 0)
			return;
		creds_notify(c, c->err);
		return;
	}
	if (u->auth_provider) {
		const char *alt = legacy_replacement(u->auth_provider);
		set_err(c->err, sizeof(c->err),
			"user \"%s\" uses the legacy auth-provider \"%.40s\", which binnacle does not support: use an "
			"exec credential plugin%s%s instead",
			u->name, u->auth_provider, alt ? " such as " : "", alt ? alt : "");
		rc = -1;
	} else if (u->token_file &&
		   (c->token_file_stale || !c->token || mono_ms() - c->token_read_ms > TOKEN_FILE_REREAD_MS)) {
		rc = read_token_file(c);
	}
	creds_update_who(c);
	done(arg, rc < 0 ? c->err : NULL);
}

void kube_creds_invalidate(struct kube_creds *c)
{
	if (c->conn.user.eks) {
		if (c->have)
			log_msg("kube %s: EKS token dropped after a 401", c->conn.context);
		creds_clear_cached(c);
	}
	if (c->conn.user.exec) {
		if (c->have)
			log_msg("kube %s: credentials from plugin %s dropped after a 401", c->conn.context, c->plugin);
		creds_clear_cached(c);
	}
	c->token_file_stale = true;
}

/* ---- applying ---- */

static void replace(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
}

void kube_creds_apply(struct kube_creds *c, struct http_target *t)
{
	const struct kube_cluster *cl = &c->conn.cluster;
	const struct kube_user *u = &c->conn.user;
	replace(&t->ca_file, cl->ca_pem ? NULL : cl->ca_file); /* kubectl: -data wins over the file */
	replace(&t->ca_pem, cl->ca_pem);
	replace(&t->proxy, cl->proxy_url);
	t->insecure = cl->insecure;
	if (c->cert_pem) { /* the plugin's certificate replaces the kubeconfig's */
		replace(&t->cert_file, NULL);
		replace(&t->key_file, NULL);
		replace(&t->cert_pem, c->cert_pem);
		replace(&t->key_pem, c->key_pem);
	} else {
		replace(&t->cert_file, u->cert_pem ? NULL : u->cert_file);
		replace(&t->key_file, u->key_pem ? NULL : u->key_file);
		replace(&t->cert_pem, u->cert_pem);
		replace(&t->key_pem, u->key_pem);
	}
	creds_clear_secret(&t->auth_header);
	const char *bearer = c->token ? c->token : u->exec || u->eks || u->token_file ? NULL : u->token;
	if (bearer) {
		t->auth_header = xasprintf("Authorization: Bearer %s", bearer);
	} else if (u->username && u->password && !u->exec) {
		char *pair = xasprintf("%s:%s", u->username, u->password);
		char *b64 = crypto_base64_encode(pair, strlen(pair));
		t->auth_header = xasprintf("Authorization: Basic %s", b64);
		creds_clear_secret(&pair);
		creds_clear_secret(&b64);
	}
	creds_update_who(c);
}

/* ---- who ---- */

void creds_update_who(struct kube_creds *c)
{
	const struct kube_user *u = &c->conn.user;
	const char *name = u->name;
	if (!name) {
		snprintf(c->who, sizeof(c->who), "an anonymous user");
		return;
	}
	char how[128];
	if (u->eks)
		snprintf(how, sizeof(how), "EKS token from %.90s", creds_eks_who(c));
	else if (u->undefined)
		snprintf(how, sizeof(how), "defined in no kubeconfig, so no credentials");
	else if (u->exec && c->have && c->token)
		snprintf(how, sizeof(how), "token from the %s plugin", c->plugin);
	else if (u->exec && c->have)
		snprintf(how, sizeof(how), "client certificate from the %s plugin", c->plugin);
	else if (u->exec)
		snprintf(how, sizeof(how), "the %s credential plugin", c->plugin);
	else if (u->auth_provider)
		snprintf(how, sizeof(how), "legacy auth-provider %.40s", u->auth_provider);
	else if (u->token_file)
		snprintf(how, sizeof(how), "token from %.100s", u->token_file);
	else if (u->token)
		snprintf(how, sizeof(how), "bearer token");
	else if (u->username && u->password)
		snprintf(how, sizeof(how), "basic auth as \"%.60s\"", u->username);
	else if (u->cert_pem || u->cert_file)
		snprintf(how, sizeof(how), "client certificate");
	else
		snprintf(how, sizeof(how), "no credentials");
	if ((u->token || u->token_file) && !u->exec && (u->cert_pem || u->cert_file))
		snprintf(how + strlen(how), sizeof(how) - strlen(how), " and client certificate");
	snprintf(c->who, sizeof(c->who), "user \"%.60s\" (%s)", name, how);
}

const char *kube_creds_who(const struct kube_creds *c)
{
	return c->who;
}
