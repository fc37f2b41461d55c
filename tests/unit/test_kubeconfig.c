/* test_kubeconfig.c: kubeconfig loading and merging must follow kubectl's
 * rules (first definition wins, current-context from the first file that
 * sets it, paths relative to their own file, missing files skipped), point
 * at file:line:col for broken files, and resolve every reference fixture's
 * contexts (skipped when the reference folder is absent). No test prints a
 * credential: secrets are compared with strcmp, never with
 * assert_string_equal, whose failure message would show them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <dirent.h>

#include "backends/codec/base64.h"
#include "tests/unit/fixtures.h"
#include "backends/kube/kubeconfig.h"
#include "backends/util/util.h"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	return fixture_tmpdir_make(tmpdir, sizeof(tmpdir), "binnacle-kc");
}

static int teardown(void **state)
{
	(void)state;
	return fixture_tmpdir_remove(tmpdir);
}

/* Writes text to tmpdir/name (creating one level of directory); owned path. */
static char *put(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	mkdir(path, 0700);
	*slash = '/';
	fixture_write_path(path, text);
	return path;
}

static char *ref_kube_dir(void)
{
	const char *dir = getenv("BINNACLE_REFERENCE_DIR");
	if (dir && *dir)
		return xasprintf("%s/kubernetes", dir);
	return xasprintf("%s/../shared/reference/kubernetes", fixture_top_srcdir());
}

/* Loads one reference fixture, or skips the test without it. */
static void load_ref(struct kubeconfig *kc, const char *name)
{
	char *dir = ref_kube_dir(), *path = xasprintf("%s/%s", dir, name);
	free(dir);
	if (access(path, R_OK) != 0) {
		free(path);
		skip();
	}
	char err[ERRLEN] = "";
	int rc = kubeconfig_load(kc, path, err, sizeof(err));
	if (rc != 0)
		fail_msg("%s: %s", path, err);
	free(path);
}

static void resolve_ok(const struct kubeconfig *kc, const char *ctx, struct kube_conn *conn)
{
	char err[ERRLEN] = "";
	if (kubeconfig_resolve(kc, ctx, conn, err, sizeof(err)) != 0)
		fail_msg("context %s: %s", ctx ? ctx : "(current)", err);
}

static void resolve_fails(const struct kubeconfig *kc, const char *ctx, const char *want)
{
	struct kube_conn conn;
	char err[ERRLEN] = "";
	assert_int_equal(kubeconfig_resolve(kc, ctx, &conn, err, sizeof(err)), -1);
	assert_string_equal(err, want);
}

static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* ---- the reference fixtures ---- */

/* Whatever fixtures appear later: each loads, and each context resolves or
 * fails with a sentence about a dangling reference. */
static void test_every_fixture(void **state)
{
	(void)state;
	char *dir = ref_kube_dir();
	DIR *d = opendir(dir);
	if (!d) {
		free(dir);
		skip();
	}
	int seen = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!str_starts(e->d_name, "kubeconfig_") || !str_ends(e->d_name, ".yaml"))
			continue;
		char *path = xasprintf("%s/%s", dir, e->d_name);
		char err[ERRLEN] = "";
		struct kubeconfig kc;
		if (kubeconfig_load(&kc, path, err, sizeof(err)) != 0) {
			/* the EKS sample holds only a users[] list: a fragment, not a file */
			assert_non_null(strstr(e->d_name, "eks"));
			assert_true(str_starts(err, path));
			assert_non_null(strstr(err, "not a list"));
			free(path);
			continue;
		}
		for (size_t i = 0; i < kc.ncontexts; i++) {
			struct kube_conn conn;
			if (kubeconfig_resolve(&kc, kc.contexts[i].name, &conn, err, sizeof(err)) == 0) {
				assert_true(str_starts(conn.cluster.server, "http"));
				assert_non_null(conn.namespace);
				kube_conn_cleanup(&conn);
			} else if (!strstr(err, "which no kubeconfig defines")) {
				fail_msg("%s: context %s: %s", e->d_name, kc.contexts[i].name, err);
			}
		}
		kubeconfig_cleanup(&kc);
		free(path);
		seen++;
	}
	closedir(d);
	free(dir);
	assert_true(seen >= 6);
}

static void test_docker_desktop(void **state)
{
	(void)state;
	struct kubeconfig kc;
	load_ref(&kc, "kubeconfig_docker_desktop_real_pem_b64.yaml");
	assert_string_equal(kc.current_context, "docker-for-desktop");
	struct kube_conn c;
	resolve_ok(&kc, NULL, &c);
	assert_string_equal(c.cluster.server, "https://localhost:6443");
	assert_true(c.cluster.insecure);
	assert_string_equal(c.namespace, "default");
	assert_true(str_starts(c.user.cert_pem, "-----BEGIN CERTIFICATE-----\n"));
	assert_true(str_starts(c.user.key_pem, "-----BEGIN RSA PRIVATE KEY-----\n"));
	assert_non_null(strstr(c.user.key_pem, "-----END RSA PRIVATE KEY-----"));
	assert_null(c.user.token);
	assert_null(c.user.exec);
	kube_conn_cleanup(&c);
	kubeconfig_cleanup(&kc);
}

static void test_missing_cluster_fixture(void **state)
{
	(void)state;
	struct kubeconfig kc;
	load_ref(&kc, "kubeconfig_edgecase_context_refs_missing_cluster.yaml");
	struct kube_conn c;
	resolve_ok(&kc, NULL, &c); /* fred: cluster zorg, user fred */
	assert_string_equal(c.context, "fred");
	assert_string_equal(c.cluster.server, "https://localhost:3002");
	assert_string_equal(c.user.cert_pem, "fred");
	kube_conn_cleanup(&c);
	resolve_ok(&kc, "blee", &c);
	assert_string_equal(c.namespace, "zorg");
	assert_string_equal(c.cluster.server, "https://localhost:3001");
	kube_conn_cleanup(&c);
	resolve_fails(&kc, "duh", "context \"duh\" refers to cluster \"duh\", which no kubeconfig defines");
	resolve_fails(&kc, "nope", "context \"nope\" is not defined in any kubeconfig");
	kubeconfig_cleanup(&kc);
}

static void test_users_null_fixture(void **state)
{
	(void)state;
	struct kubeconfig kc;
	load_ref(&kc, "kubeconfig_edgecase_users_null.yaml");
	assert_int_equal(kc.nusers, 0);
	assert_int_equal(kc.nclusters, 2);
	struct kube_conn c;
	resolve_ok(&kc, NULL, &c);
	/* like kubectl: an undefined user means no credentials, not an error */
	assert_string_equal(c.cluster.server, "https://localhost:3001");
	assert_string_equal(c.user.name, "blee");
	assert_true(c.user.undefined);
	assert_null(c.user.cert_pem);
	kube_conn_cleanup(&c);
	kubeconfig_cleanup(&kc);
}

static void test_eks_fixture(void **state)
{
	(void)state;
	char *dir = ref_kube_dir(), *path = xasprintf("%s/kubeconfig_eks_exec_aws_cli_output.yaml", dir);
	size_t len;
	char *users = fixture_read_path(path, &len);
	free(dir);
	free(path);
	if (!users)
		skip();
	/* the fixture is the users[] list alone: make it a file */
	char *text = xasprintf("apiVersion: v1\nkind: Config\nusers:\n%s", users);
	char *file = put("eks.yaml", text);
	struct kubeconfig kc;
	char err[ERRLEN] = "";
	assert_int_equal(kubeconfig_load(&kc, file, err, sizeof(err)), 0);
	assert_int_equal(kc.nusers, 1);
	const struct kube_user *u = kubeconfig_user(&kc, "arn:aws:eks:us-east-2:891612555415:cluster/eks-cluster");
	assert_non_null(u);
	assert_non_null(u->exec);
	assert_string_equal(u->exec->command, "aws");
	assert_string_equal(u->exec->api_version, "client.authentication.k8s.io/v1");
	assert_string_equal(u->exec->interactive_mode, "Never");
	assert_int_equal(u->exec->nargs, 6);
	assert_string_equal(u->exec->args[0], "--region");
	assert_string_equal(u->exec->args[5], "eks-cluster");
	assert_string_equal(u->exec->dir, tmpdir);
	kubeconfig_cleanup(&kc);
	free(file);
	free(text);
	free(users);
}

static void test_exec_plugin_fixture(void **state)
{
	(void)state;
	struct kubeconfig kc;
	load_ref(&kc, "kubeconfig_exec_plugin_v1_k8sdocs.yaml");
	struct kube_conn c;
	resolve_ok(&kc, NULL, &c);
	assert_string_equal(c.cluster.server, "https://172.17.4.100:6443");
	assert_string_equal(c.cluster.ca_file, "/etc/kubernetes/ca.pem");
	const struct kube_exec_cfg *e = c.user.exec;
	assert_non_null(e);
	assert_string_equal(e->command, "example-client-go-exec-plugin");
	assert_int_equal(e->nargs, 2);
	assert_string_equal(e->args[1], "arg2");
	assert_int_equal(e->nenv, 1);
	assert_string_equal(e->env[0], "FOO=bar");
	assert_true(e->provide_cluster_info);
	assert_string_equal(e->interactive_mode, "Never");
	assert_true(str_starts(e->install_hint, "example-client-go-exec-plugin is required to authenticate\n"));
	/* the per-cluster exec extension, handed to the plugin as spec.cluster.config */
	assert_non_null(c.cluster.exec_config);
	assert_non_null(strstr(c.cluster.exec_config, "\"arbitrary\":\"config\""));
	assert_non_null(strstr(c.cluster.exec_config, "\"you\":[\"can\",\"put\",\"anything\",\"here\"]"));
	kube_conn_cleanup(&c);
	kubeconfig_cleanup(&kc);
}

static void test_file_paths_fixture(void **state)
{
	(void)state;
	struct kubeconfig kc;
	load_ref(&kc, "kubeconfig_file_paths_ca_cert_key.yaml");
	struct kube_conn c;
	resolve_ok(&kc, NULL, &c);
	assert_string_equal(c.context, "ct-1-1");
	assert_string_equal(c.namespace, "ns-1");
	assert_string_equal(c.cluster.server, "https://1.2.3.4:8443");
	assert_string_equal(c.cluster.ca_file, "/Users/test/ca.crt");
	assert_string_equal(c.user.cert_file, "/Users/test/client.crt");
	assert_string_equal(c.user.key_file, "/Users/test/client.key");
	kube_conn_cleanup(&c);
	resolve_ok(&kc, "ct-2-1", &c);
	assert_string_equal(c.cluster.server, "https://5.6.7.8:8443");
	assert_string_equal(c.user.name, "user2");
	kube_conn_cleanup(&c);
	kubeconfig_cleanup(&kc);
}

static void check_certdata_contexts(const struct kubeconfig *kc)
{
	struct kube_conn c;
	resolve_ok(kc, NULL, &c);
	assert_string_equal(c.context, "context2");
	assert_string_equal(c.namespace, "namespace2");
	assert_true(c.cluster.insecure);
	assert_string_equal(c.cluster.ca_pem, "CADATA2");
	assert_true(same(c.user.cert_pem, "USER2_CADATA"));
	kube_conn_cleanup(&c);
	resolve_ok(kc, "context1", &c);
	assert_string_equal(c.cluster.proxy_url, "socks5://localhost:1181");
	assert_string_equal(c.cluster.ca_pem, "CADATA");
	assert_true(same(c.user.key_pem, "USER_CKDATA"));
	assert_false(c.cluster.insecure);
	kube_conn_cleanup(&c);
	resolve_ok(kc, "passwd", &c);
	assert_string_equal(c.user.username, "foo");
	assert_true(same(c.user.password, "bar"));
	kube_conn_cleanup(&c);
}

static void test_certdata_fixture(void **state)
{
	(void)state;
	struct kubeconfig kc;
	load_ref(&kc, "kubeconfig_multi_context_certdata_basicauth_proxy.yaml");
	check_certdata_contexts(&kc);
	kubeconfig_cleanup(&kc);
}

static void test_composite_fixture(void **state)
{
	(void)state;
	struct kubeconfig kc;
	load_ref(&kc, "kubeconfig_multi_context_composite.yaml");
	check_certdata_contexts(&kc);
	struct kube_conn c;
	resolve_ok(&kc, "exec-ctx", &c);
	assert_string_equal(c.namespace, "kube-system");
	assert_non_null(c.user.exec);
	assert_string_equal(c.user.exec->api_version, "client.authentication.k8s.io/v1");
	kube_conn_cleanup(&c);
	resolve_ok(&kc, "token-ctx", &c);
	assert_true(same(c.user.token, "bearer_token"));
	assert_null(c.user.exec);
	kube_conn_cleanup(&c);
	kubeconfig_cleanup(&kc);
}

/* ---- merging ---- */

static const char file_a[] = "apiVersion: v1\n"
			     "clusters:\n"
			     "- name: shared\n"
			     "  cluster:\n"
			     "    server: https://a.example:6443\n"
			     "    certificate-authority: certs/ca.crt\n"
			     "contexts:\n"
			     "- name: shared\n"
			     "  context: {cluster: shared, user: alice, namespace: from-a}\n"
			     "users:\n"
			     "- name: alice\n"
			     "  user:\n"
			     "    client-certificate: alice.crt\n"
			     "    client-key: /abs/alice.key\n";

static const char file_b[] = "current-context: b-only\n"
			     "clusters:\n"
			     "- name: shared\n"
			     "  cluster: {server: https://b.example:6443}\n"
			     "- name: bcluster\n"
			     "  cluster:\n"
			     "    server: https://b2.example\n"
			     "    certificate-authority: ca-b.crt\n"
			     "contexts:\n"
			     "- name: shared\n"
			     "  context: {cluster: bcluster, user: bob}\n"
			     "- name: b-only\n"
			     "  context: {cluster: bcluster, user: bob}\n"
			     "users:\n"
			     "- name: bob\n"
			     "  user: {tokenFile: secrets/token}\n"
			     "- name: alice\n"
			     "  user: {token: overridden}\n";

static const char file_c[] = "current-context: c-ctx\n"
			     "contexts:\n"
			     "- name: c-ctx\n"
			     "  context: {cluster: shared, user: bob}\n";

static void test_merge(void **state)
{
	(void)state;
	char *a = put("a/config", file_a), *b = put("b/config", file_b), *c3 = put("c/config", file_c);
	char *list = xasprintf("%s/missing/config:%s::%s:%s:%s", tmpdir, a, b, c3, a);
	struct kubeconfig kc;
	char err[ERRLEN] = "";
	assert_int_equal(kubeconfig_load(&kc, list, err, sizeof(err)), 0);
	/* the missing file is skipped, the repeated one read once */
	assert_int_equal(kc.nfiles, 3);
	assert_string_equal(kc.files[0], a);
	/* a sets none, b sets b-only, c's c-ctx comes too late */
	assert_string_equal(kc.current_context, "b-only");
	assert_int_equal(kc.ncontexts, 3);
	assert_int_equal(kc.nclusters, 2);
	assert_int_equal(kc.nusers, 2);

	struct kube_conn c;
	resolve_ok(&kc, "shared", &c); /* a's definitions win everywhere */
	assert_string_equal(c.cluster.server, "https://a.example:6443");
	char *want = xasprintf("%s/a/certs/ca.crt", tmpdir);
	assert_string_equal(c.cluster.ca_file, want);
	free(want);
	want = xasprintf("%s/a/alice.crt", tmpdir);
	assert_string_equal(c.user.cert_file, want);
	free(want);
	assert_string_equal(c.user.key_file, "/abs/alice.key");
	assert_null(c.user.token);
	assert_string_equal(c.namespace, "from-a");
	kube_conn_cleanup(&c);

	resolve_ok(&kc, NULL, &c); /* b-only: paths relative to b's directory */
	want = xasprintf("%s/b/ca-b.crt", tmpdir);
	assert_string_equal(c.cluster.ca_file, want);
	free(want);
	want = xasprintf("%s/b/secrets/token", tmpdir);
	assert_string_equal(c.user.token_file, want);
	free(want);
	kube_conn_cleanup(&c);

	resolve_ok(&kc, "c-ctx", &c); /* c's context uses a's cluster and b's user */
	assert_string_equal(c.cluster.server, "https://a.example:6443");
	assert_string_equal(c.user.name, "bob");
	kube_conn_cleanup(&c);

	kubeconfig_cleanup(&kc);
	free(list);
	free(a);
	free(b);
	free(c3);
}

static void test_broken_file(void **state)
{
	(void)state;
	char *good = put("good", file_a);
	char *bad = put("bad", "clusters:\n- name: x\n  cluster: {server: [unclosed\nusers: []\n");
	char *list = xasprintf("%s:%s", good, bad);
	struct kubeconfig kc;
	char err[ERRLEN] = "";
	assert_int_equal(kubeconfig_load(&kc, list, err, sizeof(err)), -1);
	char *prefix = xasprintf("%s:", bad);
	if (!str_starts(err, prefix))
		fail_msg("error \"%s\" does not name %s", err, bad);
	/* a line and a column, then words */
	int line = 0, col = 0;
	assert_int_equal(sscanf(err + strlen(prefix), "%d:%d:", &line, &col), 2);
	assert_true(line >= 3 && col >= 1);
	assert_int_equal(kc.ncontexts + kc.nclusters + kc.nusers + kc.nfiles, 0);
	free(prefix);
	free(list);

	/* well-formed YAML of the wrong shape points at the value */
	char *shape = put("shape", "apiVersion: v1\nclusters:\n  name: x\n");
	assert_int_equal(kubeconfig_load(&kc, shape, err, sizeof(err)), -1);
	char *want = xasprintf("%s:3:3: clusters must be a list", shape);
	assert_string_equal(err, want);
	free(want);

	char *dup = put("dup", "users:\n- name: u\n  user: {}\n- name: u\n  user: {token: x}\n");
	assert_int_equal(kubeconfig_load(&kc, dup, err, sizeof(err)), -1);
	want = xasprintf("%s:4:3: user \"u\" is defined twice in this file", dup);
	assert_string_equal(err, want);
	free(want);

	char *b64 = put("b64", "users:\n- name: u\n  user:\n    client-key-data: not*base64!\n");
	assert_int_equal(kubeconfig_load(&kc, b64, err, sizeof(err)), -1);
	want = xasprintf("%s:4:22: client-key-data is not valid base64", b64);
	assert_string_equal(err, want);
	free(want);

	char *noname = put("noname", "contexts:\n- context: {cluster: x}\n");
	assert_int_equal(kubeconfig_load(&kc, noname, err, sizeof(err)), -1);
	want = xasprintf("%s:2:3: an entry of contexts has no name", noname);
	assert_string_equal(err, want);
	free(want);

	free(good);
	free(bad);
	free(shape);
	free(dup);
	free(b64);
	free(noname);
}

static void test_dangling_and_nulls(void **state)
{
	(void)state;
	char *f = put("config", "apiVersion: v1\n"
				"users: null\n"
				"clusters:\n"
				"- name: noserver\n"
				"  cluster: {insecure-skip-tls-verify: true}\n"
				"- name: ok\n"
				"  cluster: {server: https://ok}\n"
				"contexts:\n"
				"- name: duh\n"
				"  context: {cluster: duh, user: duh}\n"
				"- name: empty\n"
				"  context: {cluster: noserver}\n"
				"- name: nocluster\n"
				"  context: {user: x}\n"
				"- name: anon\n"
				"  context:\n"
				"    cluster: ok\n"
				"    namespace: ''\n"
				"- name: nullbody\n"
				"  context: ~\n"
				"preferences: {}\n");
	struct kubeconfig kc;
	char err[ERRLEN] = "";
	assert_int_equal(kubeconfig_load(&kc, f, err, sizeof(err)), 0);
	assert_null(kc.current_context);
	assert_int_equal(kc.nusers, 0);
	resolve_fails(&kc, NULL, "the kubeconfig sets no current-context: name a context, such as \"duh\"");
	resolve_fails(&kc, "duh", "context \"duh\" refers to cluster \"duh\", which no kubeconfig defines");
	resolve_fails(&kc, "empty", "cluster \"noserver\" (of context \"empty\") has no server address");
	resolve_fails(&kc, "nocluster", "context \"nocluster\" names no cluster");
	resolve_fails(&kc, "nullbody", "context \"nullbody\" names no cluster");
	struct kube_conn c;
	resolve_ok(&kc, "anon", &c);
	assert_string_equal(c.namespace, "default");
	assert_null(c.user.name);
	assert_false(c.user.undefined);
	kube_conn_cleanup(&c);
	kubeconfig_cleanup(&kc);
	free(f);
}

static void test_no_files(void **state)
{
	(void)state;
	struct kubeconfig kc;
	char err[ERRLEN] = "";
	char *list = xasprintf("%s/nope:%s/nope2", tmpdir, tmpdir);
	assert_int_equal(kubeconfig_load(&kc, list, err, sizeof(err)), 0);
	assert_int_equal(kc.nfiles + kc.ncontexts, 0);
	resolve_fails(&kc, NULL, "no kubeconfig was found (set $KUBECONFIG or create ~/.kube/config)");
	kubeconfig_cleanup(&kc);
	free(list);

	/* no list: ~/.kube/config, and "~/" in paths, under a pinned HOME */
	char *old = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;
	setenv("HOME", tmpdir, 1);
	assert_int_equal(kubeconfig_load(&kc, NULL, err, sizeof(err)), 0);
	assert_int_equal(kc.nfiles, 0);
	kubeconfig_cleanup(&kc);
	char *f = put(".kube/config", "clusters:\n- name: k\n  cluster:\n    server: https://k\n"
				      "    certificate-authority: ~/ca.pem\n"
				      "contexts:\n- name: k\n  context: {cluster: k}\ncurrent-context: k\n");
	assert_int_equal(kubeconfig_load(&kc, NULL, err, sizeof(err)), 0);
	assert_int_equal(kc.nfiles, 1);
	assert_string_equal(kc.files[0], f);
	char *want = xasprintf("%s/ca.pem", tmpdir);
	assert_string_equal(kc.clusters[0].ca_file, want);
	free(want);
	kubeconfig_cleanup(&kc);
	list = xasprintf("~/.kube/config");
	assert_int_equal(kubeconfig_load(&kc, list, err, sizeof(err)), 0);
	assert_int_equal(kc.nfiles, 1);
	kubeconfig_cleanup(&kc);
	free(list);
	free(f);
	if (old)
		setenv("HOME", old, 1);
	else
		unsetenv("HOME");
	free(old);
}

static void test_data_decoded(void **state)
{
	(void)state;
	const char pem[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
	char *b64 = base64_encode(pem, strlen(pem));
	/* kubeconfigs written by hand sometimes wrap long base64 */
	char *text = xasprintf("clusters:\n- name: k\n  cluster:\n    server: https://k\n"
			       "    certificate-authority-data: >-\n      %.20s\n      %s\n",
			       b64, b64 + 20);
	char *f = put("config", text);
	struct kubeconfig kc;
	char err[ERRLEN] = "";
	assert_int_equal(kubeconfig_load(&kc, f, err, sizeof(err)), 0);
	assert_string_equal(kc.clusters[0].ca_pem, pem);
	assert_true(str_starts(kc.clusters[0].ca_pem, "-----BEGIN"));
	kubeconfig_cleanup(&kc);
	free(f);
	free(text);
	free(b64);
}

static void test_base64(void **state)
{
	(void)state;
	static const struct {
		const char *plain, *b64;
	} v[] = {{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="},
		 {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char *e = base64_encode(v[i].plain, strlen(v[i].plain));
		assert_string_equal(e, v[i].b64);
		size_t n;
		char *d = base64_decode(e, strlen(e), &n);
		assert_int_equal(n, strlen(v[i].plain));
		assert_memory_equal(d, v[i].plain, n);
		free(d);
		free(e);
	}
	unsigned char bin[] = {0xfb, 0xff, 0xfe};
	char *u = base64url_encode(bin, 3), *s = base64_encode(bin, 3);
	assert_string_equal(u, "-__-");
	assert_string_equal(s, "+//+");
	size_t n;
	char *d = base64_decode(u, 4, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(d, bin, 3);
	free(d);
	free(u);
	free(s);
	d = base64_decode("Zm9v\nYmE", 8, &n); /* no padding, a line break */
	assert_string_equal(d, "fooba");
	free(d);
	assert_null(base64_decode("Zm9vY", 5, NULL));
	assert_null(base64_decode("Zg==Zg==", 8, NULL));
	assert_null(base64_decode("Zm9v*", 5, NULL));
	assert_null(base64_decode("Zg=", 3, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_fixture),
		cmocka_unit_test(test_docker_desktop),
		cmocka_unit_test(test_missing_cluster_fixture),
		cmocka_unit_test(test_users_null_fixture),
		cmocka_unit_test_setup_teardown(test_eks_fixture, setup, teardown),
		cmocka_unit_test(test_exec_plugin_fixture),
		cmocka_unit_test(test_file_paths_fixture),
		cmocka_unit_test(test_certdata_fixture),
		cmocka_unit_test(test_composite_fixture),
		cmocka_unit_test_setup_teardown(test_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broken_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dangling_and_nulls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_decoded, setup, teardown),
		cmocka_unit_test(test_base64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
