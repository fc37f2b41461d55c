/* test_kube_creds.c: Kubernetes credentials on a real event loop: exec
 * plugins (shell scripts in a temporary directory) run asynchronously,
 * cached until expiry, rerun after a 401, fed KUBERNETES_EXEC_INFO and their
 * env entries, and every failure told in a sentence; token files re-read
 * after a 401; static credentials applied to an http_target. Credentials
 * are compared with strcmp, never printed (assert_string_equal would show
 * them on failure). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "backends/codec/base64.h"
#include "tests/unit/fixtures.h"
#include "backends/net/http.h"
#include "backends/kube/creds.h"
#include "backends/kube/kubeconfig.h"
#include "backends/net/timer.h"
#include "backends/util/util.h"

#define V1 "client.authentication.k8s.io/v1"
#define V1BETA1 "client.authentication.k8s.io/v1beta1"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	return fixture_tmpdir_make(tmpdir, sizeof(tmpdir), "binnacle-creds");
}

static int teardown(void **state)
{
	(void)state;
	return fixture_tmpdir_remove(tmpdir);
}

/* ---- helpers ---- */

static char *tmp_path(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static void write_file(const char *name, const char *text, mode_t mode)
{
	char *path = tmp_path(name);
	fixture_write_path(path, text);
	assert_int_equal(chmod(path, mode), 0);
	free(path);
}

static char *slurp(const char *name)
{
	char *path = tmp_path(name);
	char *text = read_file(path, NULL);
	free(path);
	return text;
}

/* Lines in tmpdir/name: how many times a plugin ran. */
static int count_lines(const char *name)
{
	char *text = slurp(name);
	int n = 0;
	for (const char *p = text; p && *p; p++)
		n += *p == '\n';
	free(text);
	return n;
}

/* RFC 3339 for now + delta seconds. */
static void stamp(int64_t delta, char *out, size_t outlen)
{
	time_t t = (time_t)(wall_s() + delta);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A token plugin: counts its runs, keeps its arguments and environment, and
 * prints token "tok-N" for run N, with the expiry from $EXP when set. */
static void token_plugin(const char *name, const char *api)
{
	char *script = xasprintf("#!/bin/sh\n"
				 "d=$(dirname \"$0\")\n"
				 "echo run >> \"$d/runs\"\n"
				 "n=$(wc -l < \"$d/runs\" | tr -d ' ')\n"
				 "printf '%%s' \"$KUBERNETES_EXEC_INFO\" > \"$d/info\"\n"
				 "echo \"$@\" > \"$d/args\"\n"
				 "env > \"$d/env\"\n"
				 "exp=\n"
				 "[ -n \"$EXP\" ] && exp=\",\\\"expirationTimestamp\\\":\\\"$EXP\\\"\"\n"
				 "echo '{\"kind\":\"ExecCredential\",\"apiVersion\":\"%s\",'\n"
				 "echo \"\\\"status\\\":{\\\"token\\\":\\\"tok-$n\\\"$exp}}\"\n",
				 api);
	write_file(name, script, 0755);
	free(script);
}

struct conn_spec {
	const char *command, *api, *mode, *hint;
	const char *env[3];
	const char *args[6];
	bool cluster_info;
};

/* A connection whose user runs the plugin described by s. */
static void exec_conn(struct kube_conn *c, const struct conn_spec *s)
{
	memset(c, 0, sizeof(*c));
	c->context = xstrdup("test");
	c->namespace = xstrdup("default");
	c->cluster.name = xstrdup("k");
	c->cluster.server = xstrdup("https://k.example:6443");
	c->user.name = xstrdup("eks-user");
	struct kube_exec_cfg *e = xcalloc(1, sizeof(*e));
	e->command = xstrdup(s->command);
	e->api_version = xstrdup(s->api ? s->api : V1);
	e->interactive_mode = xstrdup(s->mode ? s->mode : "Never");
	e->install_hint = xstrdup(s->hint);
	e->provide_cluster_info = s->cluster_info;
	e->dir = xstrdup(tmpdir);
	for (size_t i = 0; i < 3 && s->env[i]; i++) {
		e->env = xrealloc(e->env, (e->nenv + 1) * sizeof(*e->env));
		e->env[e->nenv++] = xstrdup(s->env[i]);
	}
	for (size_t i = 0; i < 6 && s->args[i]; i++) {
		e->args = xrealloc(e->args, (e->nargs + 1) * sizeof(*e->args));
		e->args[e->nargs++] = xstrdup(s->args[i]);
	}
	c->user.exec = e;
}

static struct kube_creds *exec_creds(const struct conn_spec *s)
{
	struct kube_conn c;
	exec_conn(&c, s);
	struct kube_creds *k = kube_creds_new(&c);
	kube_conn_cleanup(&c);
	return k;
}

struct result {
	int calls;
	char *err;
};

static void on_done(void *arg, const char *error)
{
	struct result *r = arg;
	r->calls++;
	free(r->err);
	r->err = error ? xstrdup(error) : NULL;
}

static void loop_once(int ms)
{
	http_wait(NULL, 0, ms);
	http_process();
	timers_run_due();
}

/* Turns the loop until r has been called (or 10 s pass). */
static void wait_for(struct result *r, int calls)
{
	int64_t deadline = mono_ms() + 10000;
	while (r->calls < calls && mono_ms() < deadline)
		loop_once(50);
	assert_int_equal(r->calls, calls);
	loop_once(0); /* lets the loop free the watches the run dropped */
}

/* One get, waited for; the error (owned) or NULL. */
static char *get(struct kube_creds *k)
{
	struct result r = {0};
	kube_creds_get(k, on_done, &r);
	wait_for(&r, 1);
	return r.err;
}

static void get_ok(struct kube_creds *k)
{
	char *err = get(k);
	if (err)
		fail_msg("%s", err);
}

static void expect_error(struct kube_creds *k, const char *want)
{
	char *err = get(k);
	assert_non_null(err);
	assert_string_equal(err, want);
	free(err);
}

static bool header_is(const struct http_target *t, const char *want)
{
	return t->auth_header && !strcmp(t->auth_header, want);
}

/* ---- exec plugins ---- */

static void test_token_cached_and_invalidated(void **state)
{
	(void)state;
	token_plugin("plug", V1);
	char exp[40], env_exp[64];
	stamp(3600, exp, sizeof(exp));
	snprintf(env_exp, sizeof(env_exp), "EXP=%s", exp);
	struct conn_spec s = {.command = "./plug", .env = {env_exp}};
	struct kube_creds *k = exec_creds(&s); /* "./plug": relative to the kubeconfig's directory */
	assert_string_equal(kube_creds_who(k), "user \"eks-user\" (the plug credential plugin)");
	get_ok(k);
	assert_int_equal(count_lines("runs"), 1);
	struct http_target t = {0};
	kube_creds_apply(k, &t);
	assert_true(header_is(&t, "Authorization: Bearer tok-1"));
	assert_string_equal(kube_creds_who(k), "user \"eks-user\" (token from the plug plugin)");

	/* cached: completes inside the call, without a second run */
	struct result r = {0};
	kube_creds_get(k, on_done, &r);
	assert_int_equal(r.calls, 1);
	assert_null(r.err);
	assert_int_equal(count_lines("runs"), 1);

	/* a 401: the next get runs the plugin again */
	kube_creds_invalidate(k);
	get_ok(k);
	assert_int_equal(count_lines("runs"), 2);
	kube_creds_apply(k, &t);
	assert_true(header_is(&t, "Authorization: Bearer tok-2"));
	assert_null(t.cert_pem);
	http_target_cleanup(&t);
	kube_creds_free(k);
}

/* The lab's own plugin (tests/lab/kube/execcred.py) against its tokens file. */
static void test_lab_plugin(void **state)
{
	(void)state;
	const char *top = getenv("top_srcdir");
	char *script = xasprintf("%s/tests/lab/kube/execcred.py", top && *top ? top : ".");
	if (access(script, R_OK) != 0 || system("python3 -c pass 2>/dev/null") != 0) {
		free(script);
		skip();
	}
	struct conn_spec s = {.command = "python3", .args = {script, "--state-dir", tmpdir, "--ttl", "600"}};
	struct kube_creds *k = exec_creds(&s);
	get_ok(k);
	struct http_target t = {0};
	kube_creds_apply(k, &t);
	char *tokens = slurp("tokens.csv");
	assert_non_null(tokens);
	assert_int_equal(count_lines("tokens.csv"), 1);
	/* the header carries the token the lab server was told about */
	size_t n = strcspn(tokens, ",");
	assert_true(t.auth_header && str_starts(t.auth_header, "Authorization: Bearer ") &&
		    strlen(t.auth_header) == 22 + n && !strncmp(t.auth_header + 22, tokens, n));
	get_ok(k); /* 600 s of life: cached */
	assert_int_equal(count_lines("tokens.csv"), 1);
	assert_string_equal(kube_creds_who(k), "user \"eks-user\" (token from the python3 plugin)");
	free(tokens);
	http_target_cleanup(&t);
	kube_creds_free(k);
	free(script);
}

static void test_concurrent_gets_share_a_run(void **state)
{
	(void)state;
	/* slow enough that all three gets come while it runs */
	write_file("slow", "#!/bin/sh\nsleep 0.3\nexec \"$(dirname \"$0\")/plug\"\n", 0755);
	token_plugin("plug", V1);
	struct conn_spec s = {.command = "./slow"};
	struct kube_creds *k = exec_creds(&s);
	struct result r = {0};
	for (int i = 0; i < 3; i++)
		kube_creds_get(k, on_done, &r);
	assert_int_equal(r.calls, 0);
	wait_for(&r, 3);
	assert_null(r.err);
	assert_int_equal(count_lines("runs"), 1);
	kube_creds_free(k);
}

static void test_expired_token_reruns(void **state)
{
	(void)state;
	token_plugin("plug", V1);
	char exp[40], env_exp[64];
	stamp(-60, exp, sizeof(exp));
	snprintf(env_exp, sizeof(env_exp), "EXP=%s", exp);
	struct conn_spec s = {.command = "./plug", .env = {env_exp}};
	struct kube_creds *k = exec_creds(&s);
	get_ok(k);
	get_ok(k);
	assert_int_equal(count_lines("runs"), 2);
	/* within the 30 s margin counts as expired too */
	stamp(20, exp, sizeof(exp));
	kube_creds_free(k);
	snprintf(env_exp, sizeof(env_exp), "EXP=%s", exp);
	k = exec_creds(&s);
	get_ok(k);
	get_ok(k);
	assert_int_equal(count_lines("runs"), 4);
	kube_creds_free(k);
}

static void test_exec_info_and_env(void **state)
{
	(void)state;
	token_plugin("plug", V1BETA1);
	setenv("BINNACLE_TEST_OUTER", "outer", 1);
	setenv("BINNACLE_TEST_OVERRIDE", "outer", 1);
	char *path = tmp_path("plug");
	struct conn_spec s = {.command = path,
			      .api = V1BETA1,
			      .mode = "IfAvailable",
			      .env = {"FOO=bar", "BINNACLE_TEST_OVERRIDE=inner", "EMPTY="},
			      .args = {"--region", "us-east-2", "eks"},
			      .cluster_info = true};
	struct kube_conn c;
	exec_conn(&c, &s);
	c.cluster.ca_pem = xstrdup("-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n");
	c.cluster.exec_config = xstrdup("{\"arbitrary\":\"config\"}");
	struct kube_creds *k = kube_creds_new(&c);
	get_ok(k);

	char *info = slurp("info");
	struct json_object *o = json_tokener_parse(info), *v;
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "kind", &v));
	assert_string_equal(json_object_get_string(v), "ExecCredential");
	assert_true(json_object_object_get_ex(o, "apiVersion", &v));
	assert_string_equal(json_object_get_string(v), V1BETA1);
	struct json_object *spec, *cluster;
	assert_true(json_object_object_get_ex(o, "spec", &spec));
	assert_true(json_object_object_get_ex(spec, "interactive", &v));
	assert_false(json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(spec, "cluster", &cluster));
	assert_true(json_object_object_get_ex(cluster, "server", &v));
	assert_string_equal(json_object_get_string(v), "https://k.example:6443");
	assert_true(json_object_object_get_ex(cluster, "certificate-authority-data", &v));
	char *ca = base64_decode(json_object_get_string(v), json_object_get_string_len(v), NULL);
	assert_string_equal(ca, c.cluster.ca_pem);
	free(ca);
	assert_true(json_object_object_get_ex(cluster, "config", &v));
	assert_string_equal(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN), "{\"arbitrary\":\"config\"}");
	json_object_put(o);
	free(info);

	char *env = slurp("env");
	assert_non_null(strstr(env, "\nFOO=bar\n"));
	assert_non_null(strstr(env, "\nBINNACLE_TEST_OVERRIDE=inner\n"));
	assert_null(strstr(env, "BINNACLE_TEST_OVERRIDE=outer"));
	assert_non_null(strstr(env, "\nBINNACLE_TEST_OUTER=outer\n"));
	assert_non_null(strstr(env, "\nEMPTY=\n"));
	free(env);
	char *args = slurp("args");
	assert_string_equal(args, "--region us-east-2 eks\n");
	free(args);
	kube_creds_free(k);
	kube_conn_cleanup(&c);

	/* without provideClusterInfo the plugin learns nothing of the cluster */
	s.cluster_info = false;
	s.api = V1;
	token_plugin("plug", V1);
	k = exec_creds(&s);
	get_ok(k);
	info = slurp("info");
	assert_string_equal(info, "{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1 "\",\"spec\":{\"interactive\":false}}");
	free(info);
	kube_creds_free(k);
	free(path);
	unsetenv("BINNACLE_TEST_OUTER");
	unsetenv("BINNACLE_TEST_OVERRIDE");
}

static void test_client_certificate_plugin(void **state)
{
	(void)state;
	write_file("certplug",
		   "#!/bin/sh\n"
		   "cat <<'EOF'\n"
		   "{\"apiVersion\": \"client.authentication.k8s.io/v1beta1\", \"kind\": \"ExecCredential\",\n"
		   " \"status\": {\"clientCertificateData\": \"-----BEGIN CERTIFICATE-----\\nC\\n-----END "
		   "CERTIFICATE-----\",\n"
		   "  \"clientKeyData\": \"-----BEGIN RSA PRIVATE KEY-----\\nK\\n-----END RSA PRIVATE KEY-----\"}}\n"
		   "EOF\n",
		   0755);
	struct conn_spec s = {.command = "./certplug", .api = V1BETA1, .mode = NULL};
	struct kube_conn c;
	exec_conn(&c, &s);
	free(c.user.exec->interactive_mode); /* optional in v1beta1 */
	c.user.exec->interactive_mode = NULL;
	c.user.cert_file = xstrdup("/static/client.crt"); /* replaced by the plugin's */
	struct kube_creds *k = kube_creds_new(&c);
	kube_conn_cleanup(&c);
	get_ok(k);
	struct http_target t = {.cert_file = xstrdup("/old"), .auth_header = xstrdup("Authorization: Bearer old")};
	kube_creds_apply(k, &t);
	assert_true(str_starts(t.cert_pem, "-----BEGIN CERTIFICATE-----\nC\n"));
	assert_true(str_starts(t.key_pem, "-----BEGIN RSA PRIVATE KEY-----\n"));
	assert_null(t.cert_file);
	assert_null(t.key_file);
	assert_null(t.auth_header);
	assert_string_equal(kube_creds_who(k), "user \"eks-user\" (client certificate from the certplug plugin)");
	http_target_cleanup(&t);
	kube_creds_free(k);
}

static void test_plugin_failures(void **state)
{
	(void)state;
	write_file("aws", "#!/bin/sh\necho >&2\necho 'An error occurred (ExpiredToken): token expired' >&2\n"
			  "echo second line >&2\nexit 255\n",
		   0755);
	struct conn_spec s = {.command = "./aws"};
	struct kube_creds *k = exec_creds(&s);
	expect_error(k, "the credential plugin aws failed (exit 255): An error occurred (ExpiredToken): token expired");
	kube_creds_free(k);

	write_file("quiet", "#!/bin/sh\nexit 3\n", 0755);
	s.command = "./quiet";
	k = exec_creds(&s);
	expect_error(k, "the credential plugin quiet failed (exit 3)");
	kube_creds_free(k);

	write_file("empty", "#!/bin/sh\necho '{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1
			    "\",\"status\":{}}'\n",
		   0755);
	s.command = "./empty";
	k = exec_creds(&s);
	expect_error(k, "the credential plugin empty printed no credential");
	kube_creds_free(k);

	write_file("silent", "#!/bin/sh\nexit 0\n", 0755);
	s.command = "./silent";
	k = exec_creds(&s);
	expect_error(k, "the credential plugin silent printed no credential");
	kube_creds_free(k);

	token_plugin("oldplug", V1BETA1);
	s.command = "./oldplug";
	k = exec_creds(&s);
	expect_error(k, "the credential plugin oldplug answered with apiVersion \"" V1BETA1
			"\" but the kubeconfig asks for \"" V1 "\"");
	kube_creds_free(k);

	write_file("garbage", "#!/bin/sh\necho 'hello: secret-ish'\n", 0755);
	s.command = "./garbage";
	k = exec_creds(&s);
	expect_error(k, "the credential plugin garbage printed something that is not an ExecCredential");
	kube_creds_free(k);

	write_file("badexp", "#!/bin/sh\necho '{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1
			     "\",\"status\":{\"token\":\"x\",\"expirationTimestamp\":\"tomorrow\"}}'\n",
		   0755);
	s.command = "./badexp";
	k = exec_creds(&s);
	expect_error(k, "the credential plugin badexp printed an expirationTimestamp that is not an RFC 3339 time");
	kube_creds_free(k);

	write_file("noexec", "#!/bin/sh\n", 0644);
	s.command = "./noexec";
	k = exec_creds(&s);
	expect_error(k, "the credential plugin noexec could not be started: Permission denied");
	kube_creds_free(k);
}

static void test_missing_plugin(void **state)
{
	(void)state;
	struct conn_spec s = {.command = "binnacle-no-such-plugin",
			      .hint = "binnacle-no-such-plugin is required to authenticate\nto the current cluster.\n"};
	struct kube_creds *k = exec_creds(&s);
	expect_error(k, "the credential plugin binnacle-no-such-plugin is not installed: binnacle-no-such-plugin is "
			"required to authenticate");
	kube_creds_free(k);
	s.hint = NULL;
	k = exec_creds(&s);
	expect_error(k, "the credential plugin binnacle-no-such-plugin is not installed (no binnacle-no-such-plugin "
			"in PATH)");
	kube_creds_free(k);
	s.command = "bin/missing"; /* relative to the kubeconfig's directory, which lacks it */
	k = exec_creds(&s);
	char *want = xasprintf("the credential plugin missing is not installed (no %s/bin/missing)", tmpdir);
	expect_error(k, want);
	free(want);
	kube_creds_free(k);
}

static void test_exec_section_checks(void **state)
{
	(void)state;
	token_plugin("plug", V1);
	struct conn_spec s = {.command = "./plug", .mode = "Always"};
	struct kube_creds *k = exec_creds(&s);
	expect_error(k, "the credential plugin plug needs a terminal (interactiveMode: Always), which a dashboard "
			"cannot lend it: log in with it in a shell first");
	kube_creds_free(k);
	struct kube_conn c;
	s.mode = NULL;
	exec_conn(&c, &s);
	free(c.user.exec->interactive_mode);
	c.user.exec->interactive_mode = NULL;
	k = kube_creds_new(&c);
	kube_conn_cleanup(&c);
	expect_error(k, "the exec section of user \"eks-user\" needs interactiveMode (Never or IfAvailable)");
	kube_creds_free(k);
	s.api = "client.authentication.k8s.io/v1alpha1";
	k = exec_creds(&s);
	expect_error(k, "user \"eks-user\" asks for exec apiVersion \"client.authentication.k8s.io/v1alpha1\", which "
			"binnacle does not support (use client.authentication.k8s.io/v1)");
	kube_creds_free(k);
	assert_int_equal(count_lines("runs"), 0);
}

static void on_done_free(void *arg, const char *error)
{
	struct kube_creds **k = arg;
	(void)error;
	kube_creds_free(*k);
	*k = NULL;
}

static void test_cancel_and_free_in_callback(void **state)
{
	(void)state;
	write_file("sleepy", "#!/bin/sh\nsleep 30\n", 0755);
	struct conn_spec s = {.command = "./sleepy"};
	struct kube_creds *k = exec_creds(&s);
	struct result r = {0};
	kube_creds_get(k, on_done, &r);
	for (int i = 0; i < 4; i++)
		loop_once(20);
	kube_creds_free(k); /* kills the plugin; the callback never comes */
	int64_t deadline = mono_ms() + 5000;
	while (timers_next_ms() >= 0 && mono_ms() < deadline)
		loop_once(50);
	assert_int_equal(timers_next_ms(), -1); /* the killed plugin was reaped */
	assert_int_equal(r.calls, 0);

	/* a callback may free the creds it was called for */
	token_plugin("plug", V1);
	s.command = "./plug";
	k = exec_creds(&s);
	kube_creds_get(k, on_done_free, &k);
	kube_creds_get(k, on_done_free, &k); /* the second waiter is dropped */
	deadline = mono_ms() + 5000;
	while (k && mono_ms() < deadline)
		loop_once(50);
	assert_null(k);
	loop_once(0);
}

/* ---- static credentials ---- */

static struct kube_creds *static_creds(void (*fill)(struct kube_conn *c))
{
	struct kube_conn c = {.context = xstrdup("test"), .namespace = xstrdup("default")};
	c.cluster.server = xstrdup("https://k");
	c.user.name = xstrdup("alice");
	fill(&c);
	struct kube_creds *k = kube_creds_new(&c);
	kube_conn_cleanup(&c);
	return k;
}

static char *token_file_path;

static void fill_token_file(struct kube_conn *c)
{
	c->user.token_file = xstrdup(token_file_path);
}

static void test_token_file(void **state)
{
	(void)state;
	token_file_path = tmp_path("token");
	write_file("token", "file-token-1\n", 0600);
	struct kube_creds *k = static_creds(fill_token_file);
	char *who = xasprintf("user \"alice\" (token from %s)", token_file_path);
	assert_string_equal(kube_creds_who(k), who);
	free(who);
	struct result r = {0};
	kube_creds_get(k, on_done, &r); /* static: done inside the call */
	assert_int_equal(r.calls, 1);
	assert_null(r.err);
	struct http_target t = {0};
	kube_creds_apply(k, &t);
	assert_true(header_is(&t, "Authorization: Bearer file-token-1"));
	write_file("token", "file-token-2", 0600);
	get_ok(k);
	kube_creds_apply(k, &t);
	assert_true(header_is(&t, "Authorization: Bearer file-token-1")); /* not re-read without cause */
	kube_creds_invalidate(k);
	get_ok(k);
	kube_creds_apply(k, &t);
	assert_true(header_is(&t, "Authorization: Bearer file-token-2"));
	unlink(token_file_path);
	kube_creds_invalidate(k);
	char *err = get(k);
	char *want = xasprintf("cannot read the token file %s of user \"alice\": No such file or directory",
			       token_file_path);
	assert_string_equal(err, want);
	free(want);
	free(err);
	http_target_cleanup(&t);
	kube_creds_free(k);
	free(token_file_path);
}

static void fill_token(struct kube_conn *c)
{
	c->user.token = xstrdup("static-token");
	c->cluster.ca_pem = xstrdup("-----BEGIN CERTIFICATE-----\nCA\n");
	c->cluster.ca_file = xstrdup("/ignored/because/data/wins");
	c->cluster.proxy_url = xstrdup("socks5://localhost:1181");
}

static void fill_basic(struct kube_conn *c)
{
	c->user.username = xstrdup("foo");
	c->user.password = xstrdup("bar");
	c->cluster.insecure = true;
}

static void fill_cert(struct kube_conn *c)
{
	c->user.cert_pem = xstrdup("-----BEGIN CERTIFICATE-----\nU\n");
	c->user.key_pem = xstrdup("-----BEGIN EC PRIVATE KEY-----\nK\n");
	c->cluster.ca_file = xstrdup("/etc/kubernetes/ca.pem");
}

static void fill_cert_files(struct kube_conn *c)
{
	c->user.cert_file = xstrdup("/x/client.crt");
	c->user.key_file = xstrdup("/x/client.key");
}

static void fill_legacy(struct kube_conn *c)
{
	c->user.auth_provider = xstrdup("gcp");
}

static void fill_undefined(struct kube_conn *c)
{
	c->user.undefined = true;
}

static void test_static_apply(void **state)
{
	(void)state;
	struct http_target t = {.proxy = xstrdup("http://old"), .insecure = true};

	struct kube_creds *k = static_creds(fill_token);
	get_ok(k);
	kube_creds_apply(k, &t);
	assert_true(header_is(&t, "Authorization: Bearer static-token"));
	assert_string_equal(t.ca_pem, "-----BEGIN CERTIFICATE-----\nCA\n");
	assert_null(t.ca_file);
	assert_string_equal(t.proxy, "socks5://localhost:1181");
	assert_false(t.insecure);
	assert_string_equal(kube_creds_who(k), "user \"alice\" (bearer token)");
	kube_creds_free(k);

	k = static_creds(fill_basic);
	get_ok(k);
	kube_creds_apply(k, &t);
	assert_true(header_is(&t, "Authorization: Basic Zm9vOmJhcg==")); /* foo:bar */
	assert_true(t.insecure);
	assert_null(t.proxy);
	assert_null(t.ca_pem);
	assert_string_equal(kube_creds_who(k), "user \"alice\" (basic auth as \"foo\")");
	kube_creds_free(k);

	k = static_creds(fill_cert);
	get_ok(k);
	kube_creds_apply(k, &t);
	assert_null(t.auth_header);
	assert_string_equal(t.cert_pem, "-----BEGIN CERTIFICATE-----\nU\n");
	assert_true(str_starts(t.key_pem, "-----BEGIN EC PRIVATE KEY-----"));
	assert_string_equal(t.ca_file, "/etc/kubernetes/ca.pem");
	assert_string_equal(kube_creds_who(k), "user \"alice\" (client certificate)");
	kube_creds_free(k);

	k = static_creds(fill_cert_files);
	kube_creds_apply(k, &t);
	assert_string_equal(t.cert_file, "/x/client.crt");
	assert_string_equal(t.key_file, "/x/client.key");
	assert_null(t.cert_pem);
	assert_null(t.key_pem);
	kube_creds_free(k);

	k = static_creds(fill_legacy);
	expect_error(k, "user \"alice\" uses the legacy auth-provider \"gcp\", which binnacle does not support: use an "
			"exec credential plugin such as gke-gcloud-auth-plugin instead");
	kube_creds_free(k);

	k = static_creds(fill_undefined);
	get_ok(k);
	kube_creds_apply(k, &t);
	assert_null(t.auth_header);
	assert_string_equal(kube_creds_who(k), "user \"alice\" (defined in no kubeconfig, so no credentials)");
	kube_creds_free(k);
	http_target_cleanup(&t);
}

static int group_setup(void **state)
{
	(void)state;
	char err[ERRLEN];
	return http_init(err, sizeof(err));
}

static int group_teardown(void **state)
{
	(void)state;
	loop_once(0);
	http_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_token_cached_and_invalidated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lab_plugin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_gets_share_a_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expired_token_reruns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_info_and_env, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_certificate_plugin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plugin_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_plugin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_section_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_and_free_in_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_token_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_static_apply, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
