/* test_dockerauth.c: registry logins as docker and podman keep them: inline
 * auths (docker's base64 user:password, podman's per-repository keys),
 * credHelpers and credsStore naming a helper and what it is asked for,
 * Docker Hub's many names, unreadable files as a sentence, the list of
 * hosts logged into, a real helper run on the loop (found, "credentials
 * not found" as anonymous, failing, missing, an identity token), and
 * docker's X-Registry-Auth value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "backends/codec/crypto.h"
#include "backends/image/dockerauth.h"
#include "backends/net/loop.h"
#include "tests/unit/fixtures.h"

static char dir[64];

static void write_in(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	fixture_write_path(path, text);
	free(path);
}

static int setup(void **state)
{
	(void)state;
	fixture_tmpdir_make(dir, sizeof(dir), "binnacle-dockerauth");
	char *d = xasprintf("%s/docker", dir);
	mkdir(d, 0700);
	setenv("DOCKER_CONFIG", d, 1);
	free(d);
	d = xasprintf("%s/run", dir);
	mkdir(d, 0700);
	char *c = xasprintf("%s/run/containers", dir);
	mkdir(c, 0700);
	setenv("XDG_RUNTIME_DIR", d, 1);
	free(c);
	free(d);
	d = xasprintf("%s/cfg", dir);
	setenv("XDG_CONFIG_HOME", d, 1);
	free(d);
	unsetenv("REGISTRY_AUTH_FILE");
	/* helpers are found in PATH, as docker finds them */
	char *path = xasprintf("%s:%s", dir, getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	setenv("PATH", path, 1);
	free(path);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	loop_cleanup();
	return fixture_tmpdir_remove(dir);
}

static void find(const char *host, const char *repo, struct dockerauth_hit *hit)
{
	char err[ERRLEN];
	assert_int_equal(dockerauth_find(host, repo, hit, err, sizeof(err)), 0);
}

static void test_inline(void **state)
{
	(void)state;
	/* bGFiOmxhYnBhc3M= is lab:labpass, aHViOnNlY3JldDp3aXRoOmNvbG9ucw== hub:secret:with:colons */
	write_in("docker/config.json", "{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"bGFiOmxhYnBhc3M=\"},"
				       "\"https://index.docker.io/v1/\":{\"auth\":\"aHViOnNlY3JldDp3aXRoOmNvbG9ucw==\"},"
				       "\"https://tok.example\":{\"auth\":\"\",\"identitytoken\":\"refresh-me\"}}}");
	struct dockerauth_hit hit;
	find("127.0.0.1:5000", "lab/app", &hit);
	assert_int_equal(hit.found, DOCKERAUTH_INLINE);
	assert_string_equal(hit.cred.username, "lab");
	assert_string_equal(hit.cred.secret, "labpass");
	assert_non_null(strstr(hit.cred.source, "docker/config.json"));
	dockerauth_hit_cleanup(&hit);
	/* Docker Hub by any of its names; passwords may hold colons */
	find("registry-1.docker.io", NULL, &hit);
	assert_int_equal(hit.found, DOCKERAUTH_INLINE);
	assert_string_equal(hit.cred.username, "hub");
	assert_string_equal(hit.cred.secret, "secret:with:colons");
	dockerauth_hit_cleanup(&hit);
	find("tok.example", NULL, &hit);
	assert_int_equal(hit.found, DOCKERAUTH_INLINE);
	assert_string_equal(hit.cred.identity_token, "refresh-me");
	dockerauth_hit_cleanup(&hit);
	find("127.0.0.1:5001", NULL, &hit);
	assert_int_equal(hit.found, DOCKERAUTH_NONE);
}

static void test_helpers(void **state)
{
	(void)state;
	write_in("docker/config.json", "{\"auths\":{\"ghcr.io\":{},\"https://index.docker.io/v1/\":{}},"
				       "\"credsStore\":\"desktop\",\"credHelpers\":{\"127.0.0.1:6000\":\"lab\"}}");
	struct dockerauth_hit hit;
	find("127.0.0.1:6000", NULL, &hit);
	assert_int_equal(hit.found, DOCKERAUTH_HELPER);
	assert_string_equal(hit.helper, "lab");
	assert_string_equal(hit.server, "127.0.0.1:6000");
	find("ghcr.io", NULL, &hit);
	assert_string_equal(hit.helper, "desktop");
	assert_string_equal(hit.server, "ghcr.io");
	/* Docker Hub is asked for by the address docker logs in to */
	find("docker.io", NULL, &hit);
	assert_string_equal(hit.server, "https://index.docker.io/v1/");
	find("quay.io", NULL, &hit);
	assert_int_equal(hit.found, DOCKERAUTH_HELPER);
	assert_string_equal(hit.server, "quay.io");
	char **hosts = dockerauth_hosts();
	assert_string_equal(hosts[0], "ghcr.io");
	assert_string_equal(hosts[1], "docker.io");
	assert_string_equal(hosts[2], "127.0.0.1:6000");
	assert_null(hosts[3]);
	for (size_t i = 0; hosts[i]; i++)
		free(hosts[i]);
	free(hosts);
}

static void test_podman(void **state)
{
	(void)state;
	write_in("docker/config.json", "{}");
	/* dGVhbTp0ZWFtcGFzcw== team:teampass, YW55OmFueXBhc3M= any:anypass */
	write_in("run/containers/auth.json", "{\"auths\":{\"quay.io/team\":{\"auth\":\"dGVhbTp0ZWFtcGFzcw==\"},"
					     "\"quay.io\":{\"auth\":\"YW55OmFueXBhc3M=\"},"
					     "\"r.example\":{\"username\":\"u\",\"password\":\"p\"}}}");
	struct dockerauth_hit hit;
	find("quay.io", "team/api", &hit);
	assert_string_equal(hit.cred.username, "team");
	dockerauth_hit_cleanup(&hit);
	find("quay.io", "teamx/api", &hit);
	assert_string_equal(hit.cred.username, "any");
	dockerauth_hit_cleanup(&hit);
	find("r.example", "x", &hit);
	assert_string_equal(hit.cred.secret, "p");
	dockerauth_hit_cleanup(&hit);
	/* REGISTRY_AUTH_FILE comes first */
	write_in("other.json", "{\"auths\":{\"r.example\":{\"auth\":\"YW55OmFueXBhc3M=\"}}}");
	char *f = xasprintf("%s/other.json", dir);
	setenv("REGISTRY_AUTH_FILE", f, 1);
	free(f);
	find("r.example", "x", &hit);
	assert_string_equal(hit.cred.username, "any");
	dockerauth_hit_cleanup(&hit);
	unsetenv("REGISTRY_AUTH_FILE");
	/* a broken file is a sentence naming it */
	write_in("docker/config.json", "{not json");
	char err[ERRLEN];
	assert_int_equal(dockerauth_find("quay.io", NULL, &hit, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "config.json is not a JSON object"));
	write_in("docker/config.json", "{}");
}

struct lookup {
	bool done;
	char user[64], secret[64], token[64], source[128], error[ERRLEN];
	bool none;
};

static void on_lookup(void *arg, const struct registry_cred *c, const char *error)
{
	struct lookup *l = arg;
	l->done = true;
	l->none = !c;
	snprintf(l->error, sizeof(l->error), "%s", error ? error : "");
	if (c) {
		snprintf(l->user, sizeof(l->user), "%s", c->username ? c->username : "");
		snprintf(l->secret, sizeof(l->secret), "%s", c->secret ? c->secret : "");
		snprintf(l->token, sizeof(l->token), "%s", c->identity_token ? c->identity_token : "");
		snprintf(l->source, sizeof(l->source), "%s", c->source);
	}
}

static void run_lookup(const char *host, struct lookup *l)
{
	memset(l, 0, sizeof(*l));
	dockerauth_lookup(host, NULL, on_lookup, l);
	int64_t until = mono_ms() + 20000;
	while (!l->done && mono_ms() < until)
		loop_run_once(50);
	assert_true(l->done);
}

static void test_lookup(void **state)
{
	(void)state;
	/* a helper answering by server, as docker-credential-* do */
	write_in("docker-credential-fake",
		 "#!/bin/sh\n[ \"$1\" = get ] || exit 2\nread s\ncase $s in\n"
		 "h1) echo '{\"ServerURL\":\"h1\",\"Username\":\"u1\",\"Secret\":\"s1\"}';;\n"
		 "h2) echo '{\"ServerURL\":\"h2\",\"Username\":\"<token>\",\"Secret\":\"idt\"}';;\n"
		 "h3) echo 'credentials not found in native keychain'; exit 1;;\n"
		 "*) echo 'the keychain is locked'; exit 1;;\nesac\n");
	char *p = xasprintf("%s/docker-credential-fake", dir);
	chmod(p, 0755);
	free(p);
	write_in("docker/config.json", "{\"credHelpers\":{\"h1\":\"fake\",\"h2\":\"fake\",\"h3\":\"fake\",\"h4\":\"fake\","
				       "\"h5\":\"missing\"},\"auths\":{\"h6\":{\"auth\":\"bGFiOmxhYnBhc3M=\"}}}");
	struct lookup l;
	run_lookup("h1", &l);
	assert_string_equal(l.error, "");
	assert_string_equal(l.user, "u1");
	assert_string_equal(l.secret, "s1");
	assert_string_equal(l.source, "docker-credential-fake");
	run_lookup("h2", &l);
	assert_string_equal(l.token, "idt");
	assert_string_equal(l.user, "");
	run_lookup("h3", &l);
	assert_true(l.none);
	assert_string_equal(l.error, "");
	run_lookup("h4", &l);
	assert_true(l.none);
	assert_string_equal(l.error, "docker-credential-fake get h4 failed: the keychain is locked");
	run_lookup("h5", &l);
	assert_non_null(strstr(l.error, "docker-credential-missing"));
	/* from the file: answered from the loop too */
	run_lookup("h6", &l);
	assert_string_equal(l.user, "lab");
	run_lookup("h7", &l);
	assert_true(l.none);
	/* a lookup cancelled before its answer never calls back */
	memset(&l, 0, sizeof(l));
	dockerauth_cancel(dockerauth_lookup("h1", NULL, on_lookup, &l));
	int64_t until = mono_ms() + 300;
	while (mono_ms() < until)
		loop_run_once(50);
	assert_false(l.done);
}

static void test_engine_header(void **state)
{
	(void)state;
	struct registry_cred c = {.username = "lab", .secret = "p\"w/d"};
	char *h = dockerauth_engine_header(&c, "127.0.0.1:5000");
	assert_null(strchr(h, '+'));
	assert_null(strchr(h, '/'));
	size_t n;
	char *json = crypto_base64_decode(h, strlen(h), &n);
	assert_string_equal(json, "{\"username\":\"lab\",\"password\":\"p\\\"w/d\",\"serveraddress\":\"127.0.0.1:5000\"}");
	free(json);
	free(h);
	struct registry_cred t = {.identity_token = "idt"};
	h = dockerauth_engine_header(&t, "r");
	json = crypto_base64_decode(h, strlen(h), &n);
	assert_string_equal(json, "{\"identitytoken\":\"idt\",\"serveraddress\":\"r\"}");
	free(json);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inline), cmocka_unit_test(test_helpers),	    cmocka_unit_test(test_podman),
		cmocka_unit_test(test_lookup), cmocka_unit_test(test_engine_header),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
