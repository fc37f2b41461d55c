/* creds_exec.c: the exec credential plugin runner. Plugins (aws eks
 * get-token, gke-gcloud-auth-plugin, kubelogin) run as child processes
 * watched by the single-threaded event loop, never waited for: fork/exec
 * with pipes, fd watches and a timer fallback, a timeout, reaping of
 * cancelled runs, and parsing the ExecCredential they print into the
 * cache of creds.c. Tokens and keys never reach the log or a sentence. */
#include "backends/kube/creds_internal.h"
#include "backends/codec/base64.h"
#include "backends/util/log.h"
#include "backends/net/timer.h"
#include "backends/util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define PLUGIN_TIMEOUT_MS 60000
#define PLUGIN_TICK_MS 100
#define PLUGIN_TICK_SOON_MS 10
#define PLUGIN_MAX_OUT (1024 * 1024) /* certificates and keys fit easily */
#define PLUGIN_MAX_ERR 8192

/* One run of the exec plugin. */
struct plugin_run {
	pid_t pid;
	int out_fd, err_fd, status_fd; /* status_fd carries errno when exec fails */
	struct http_fdwatch *wout, *werr;
	struct buf out, errtxt;
	bool out_overflow;
	struct timer *tick;
	int64_t started_ms;
	bool timed_out;
};

/* ---- orphans: plugins cancelled while running, reaped in the background ---- */

static pid_t *orphans;
static size_t norphans;
static struct timer *reaper;

static void reap_orphans(void *arg)
{
	(void)arg;
	size_t keep = 0;
	for (size_t i = 0; i < norphans; i++)
		if (waitpid(orphans[i], NULL, WNOHANG) == 0)
			orphans[keep++] = orphans[i];
	norphans = keep;
	if (norphans) {
		timer_arm(reaper, PLUGIN_TICK_MS);
		return;
	}
	free(orphans);
	orphans = NULL;
	timer_free(reaper);
	reaper = NULL;
}

static void orphan_add(pid_t pid)
{
	if (waitpid(pid, NULL, WNOHANG) != 0)
		return;
	orphans = xrealloc(orphans, (norphans + 1) * sizeof(*orphans));
	orphans[norphans++] = pid;
	if (!reaper)
		reaper = timer_new(reap_orphans, NULL);
	if (!timer_armed(reaper))
		timer_arm(reaper, PLUGIN_TICK_MS);
}

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

static void run_close(struct plugin_run *r)
{
	http_unwatch_fd(r->wout);
	http_unwatch_fd(r->werr);
	if (r->out_fd >= 0)
		close(r->out_fd);
	if (r->err_fd >= 0)
		close(r->err_fd);
	if (r->status_fd >= 0)
		close(r->status_fd);
	timer_free(r->tick);
	if (r->out.data)
		memset(r->out.data, 0, r->out.len); /* it holds the credential */
	buf_cleanup(&r->out);
	buf_cleanup(&r->errtxt);
	free(r);
}

void creds_run_abort(struct kube_creds *c)
{
	kill(-c->run->pid, SIGKILL);
	kill(c->run->pid, SIGKILL);
	orphan_add(c->run->pid);
	log_msg("kube %s: credential plugin %s cancelled", c->conn.context, c->plugin);
	run_close(c->run);
	c->run = NULL;
}

/* ---- the plugin's answer ---- */

/* A non-empty string member of the ExecCredential's status, or NULL. */
static const char *status_str(struct json_object *status, const char *key)
{
	struct json_object *v;
	if (!status || !json_object_object_get_ex(status, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return *json_object_get_string(v) ? json_object_get_string(v) : NULL;
}

static int parse_output(struct kube_creds *c, struct plugin_run *r)
{
	const char *want = c->conn.user.exec->api_version;
	if (!r->out.len)
		return set_err(c->err, sizeof(c->err), "the credential plugin %s printed no credential", c->plugin);
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = json_tokener_parse_ex(tok, r->out.data, (int)r->out.len);
	json_tokener_free(tok);
	int rc = -1;
	struct json_object *v, *status = NULL;
	if (!o || !json_object_is_type(o, json_type_object)) {
		set_err(c->err, sizeof(c->err), "the credential plugin %s printed something that is not an ExecCredential",
			c->plugin);
		goto out;
	}
	const char *kind = json_object_object_get_ex(o, "kind", &v) ? json_object_get_string(v) : NULL;
	const char *api = json_object_object_get_ex(o, "apiVersion", &v) ? json_object_get_string(v) : NULL;
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
	json_object_object_get_ex(o, "status", &status);
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

/* The child is gone: read what is left, judge, tell the waiters. */
static void run_finish(struct kube_creds *c, int wstatus)
{
	struct plugin_run *r = c->run;
	int exec_errno = 0;
	if (read(r->status_fd, &exec_errno, sizeof(exec_errno)) != (ssize_t)sizeof(exec_errno))
		exec_errno = 0;
	char line[160];
	first_line(r->errtxt.data, line, sizeof(line));
	int rc = -1;
	if (exec_errno == ENOENT)
		not_installed(c);
	else if (exec_errno)
		set_err(c->err, sizeof(c->err), "the credential plugin %s could not be started: %s", c->plugin,
			strerror(exec_errno));
	else if (r->timed_out)
		set_err(c->err, sizeof(c->err), "the credential plugin %s did not finish within %d s", c->plugin,
			PLUGIN_TIMEOUT_MS / 1000);
	else if (r->out_overflow)
		set_err(c->err, sizeof(c->err), "the credential plugin %s printed more than %d KiB", c->plugin,
			PLUGIN_MAX_OUT / 1024);
	else if (WIFSIGNALED(wstatus))
		set_err(c->err, sizeof(c->err), "the credential plugin %s was killed by signal %d%s%s", c->plugin,
			WTERMSIG(wstatus), *line ? ": " : "", line);
	else if (WEXITSTATUS(wstatus))
		set_err(c->err, sizeof(c->err), "the credential plugin %s failed (exit %d)%s%s", c->plugin,
			WEXITSTATUS(wstatus), *line ? ": " : "", line);
	else
		rc = parse_output(c, r);
	if (rc < 0)
		log_msg("kube %s: %s", c->conn.context, c->err);
	run_close(r);
	c->run = NULL;
	creds_update_who(c);
	creds_notify(c, rc < 0 ? c->err : NULL);
}

/* Reads what a pipe holds now; false at end of file or on error. */
static bool drain(int fd, struct buf *into, size_t max, bool *overflow)
{
	char chunk[4096];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n > 0) {
			size_t room = into->len < max ? max - into->len : 0;
			buf_append(into, chunk, (size_t)n < room ? (size_t)n : room);
			if ((size_t)n > room && overflow)
				*overflow = true;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
	}
}

/* Drains both pipes, stops watching a pipe at its end, and reaps the child. */
static void run_poll(struct kube_creds *c)
{
	struct plugin_run *r = c->run;
	size_t had = r->out.len + r->errtxt.len;
	if (r->wout && !drain(r->out_fd, &r->out, PLUGIN_MAX_OUT, &r->out_overflow)) {
		http_unwatch_fd(r->wout); /* an ended pipe polls ready forever */
		r->wout = NULL;
	}
	if (r->werr && !drain(r->err_fd, &r->errtxt, PLUGIN_MAX_ERR, NULL)) {
		http_unwatch_fd(r->werr);
		r->werr = NULL;
	}
	if ((r->out_overflow || mono_ms() - r->started_ms > PLUGIN_TIMEOUT_MS) && !r->timed_out) {
		r->timed_out = !r->out_overflow;
		kill(-r->pid, SIGKILL);
		kill(r->pid, SIGKILL);
	}
	/* output usually means the exit is near, and the closed pipe may keep
	 * the loop's poll waking (POLLHUP) until we notice: look again soon */
	if (r->out.len + r->errtxt.len > had)
		timer_arm(r->tick, PLUGIN_TICK_SOON_MS);
	int wstatus = 0;
	pid_t got = waitpid(r->pid, &wstatus, WNOHANG);
	if (got == r->pid || (got < 0 && errno == ECHILD)) {
		/* everything the child wrote is in the pipes by now; a grandchild
		 * holding them open must not keep us waiting */
		if (r->wout)
			drain(r->out_fd, &r->out, PLUGIN_MAX_OUT, &r->out_overflow);
		if (r->werr)
			drain(r->err_fd, &r->errtxt, PLUGIN_MAX_ERR, NULL);
		run_finish(c, got == r->pid ? wstatus : 0);
	}
}

static void on_pipe(void *arg, int fd, short revents)
{
	(void)fd;
	(void)revents;
	run_poll(arg);
}

static void on_tick(void *arg)
{
	struct kube_creds *c = arg;
	/* before run_poll, which may free the run */
	timer_arm(c->run->tick, c->run->out.len ? PLUGIN_TICK_SOON_MS : PLUGIN_TICK_MS);
	run_poll(c);
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
			char *b64 = base64_encode(ca, strlen(ca));
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

/* The program to run: absolute, relative to the kubeconfig's directory when
 * it has a '/', else looked up in PATH. Owned, or NULL when not found. */
static char *find_command(const struct kube_exec_cfg *e)
{
	const char *cmd = e->command;
	if (strchr(cmd, '/')) {
		char *p = cmd[0] == '/' || !e->dir ? xstrdup(cmd) : xasprintf("%s/%s", e->dir, cmd);
		if (access(p, F_OK) == 0)
			return p;
		free(p);
		return NULL;
	}
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		char *full = n ? xasprintf("%.*s/%s", (int)n, p, cmd) : xasprintf("./%s", cmd);
		if (access(full, X_OK) == 0)
			return full;
		free(full);
		p += n;
		if (*p == ':')
			p++;
	}
	return NULL;
}

static bool env_overridden(const char *entry, char **ours, size_t n)
{
	size_t len = strcspn(entry, "=");
	for (size_t i = 0; i < n; i++)
		if (!strncmp(ours[i], entry, len) && ours[i][len] == '=')
			return true;
	return !strncmp(entry, "KUBERNETES_EXEC_INFO=", 21);
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

static void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

int creds_run_start(struct kube_creds *c)
{
	const struct kube_exec_cfg *e = c->conn.user.exec;
	if (exec_check(c) < 0)
		return -1;
	char *path = find_command(e);
	if (!path) {
		not_installed(c);
		return -1;
	}
	/* everything the child needs is built before fork: after it, only
	 * async-signal-safe calls are allowed */
	char **argv = xcalloc(e->nargs + 2, sizeof(*argv));
	argv[0] = e->command;
	for (size_t i = 0; i < e->nargs; i++)
		argv[i + 1] = e->args[i];
	size_t nenv = 0;
	while (environ && environ[nenv])
		nenv++;
	char **envp = xcalloc(nenv + e->nenv + 2, sizeof(*envp));
	size_t k = 0;
	for (size_t i = 0; i < nenv; i++)
		if (!env_overridden(environ[i], e->env, e->nenv))
			envp[k++] = environ[i];
	for (size_t i = 0; i < e->nenv; i++)
		envp[k++] = e->env[i];
	char *info = exec_info(c), *info_env = xasprintf("KUBERNETES_EXEC_INFO=%s", info);
	free(info);
	envp[k++] = info_env;

	int out[2] = {-1, -1}, err[2] = {-1, -1}, st[2] = {-1, -1};
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	pid_t pid = -1;
	if (devnull >= 0 && pipe2(out, O_CLOEXEC) == 0 && pipe2(err, O_CLOEXEC) == 0 && pipe2(st, O_CLOEXEC) == 0)
		pid = fork();
	if (pid == 0) {
		setpgid(0, 0); /* a timeout kills the plugin's own children too */
		signal(SIGPIPE, SIG_DFL);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (dup2(devnull, 0) < 0 || dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0)
			_exit(126);
		execve(path, argv, envp);
		int e_no = errno;
		if (write(st[1], &e_no, sizeof(e_no)) < 0)
			_exit(127);
		_exit(127);
	}
	int fork_errno = errno;
	free(argv);
	free(envp);
	memset(info_env, 0, strlen(info_env));
	free(info_env);
	free(path);
	if (devnull >= 0)
		close(devnull);
	if (pid > 0) {
		setpgid(pid, pid); /* also here: a kill may come before the child's own call */
		close(out[1]);
		close(err[1]);
		close(st[1]);
	} else {
		for (int i = 0; i < 2; i++) {
			if (out[i] >= 0)
				close(out[i]);
			if (err[i] >= 0)
				close(err[i]);
			if (st[i] >= 0)
				close(st[i]);
		}
		return set_err(c->err, sizeof(c->err), "the credential plugin %s could not be started: %s", c->plugin,
			       strerror(fork_errno));
	}
	struct plugin_run *r = xcalloc(1, sizeof(*r));
	r->pid = pid;
	r->out_fd = out[0];
	r->err_fd = err[0];
	r->status_fd = st[0];
	set_nonblock(r->out_fd);
	set_nonblock(r->err_fd);
	set_nonblock(r->status_fd);
	r->started_ms = mono_ms();
	r->wout = http_watch_fd(r->out_fd, POLLIN, on_pipe, c);
	r->werr = http_watch_fd(r->err_fd, POLLIN, on_pipe, c);
	/* poll may report a finished pipe as POLLHUP alone, which the loop does
	 * not pass on, and the child's exit has no descriptor: tick as well */
	r->tick = timer_new(on_tick, c);
	timer_arm(r->tick, PLUGIN_TICK_MS);
	c->run = r;
	log_msg("kube %s: running credential plugin %s (pid %ld)", c->conn.context, c->plugin, (long)pid);
	return 0;
}
