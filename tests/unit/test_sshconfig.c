/* test_sshconfig.c: reading OpenSSH's client configuration as ssh does:
 * Host patterns with negations, the first value winning (IdentityFile
 * adding up), Match host/originalhost/user/all, Include relative to
 * ~/.ssh with globs (and nothing from an Include inside a block that does
 * not apply), Keyword=value and quoted values, tokens and ~ expanded,
 * OpenSSH's defaults, the command line's user and port first, a bad value
 * named by file and line; and the destination forms ssh accepts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "backends/ssh/sshconfig.h"
#include "backends/util/util.h"
#include "tests/unit/fixtures.h"

static char home[64];

static void write_in(const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", home, rel);
	fixture_write_path(path, text);
	free(path);
}

/* The configuration files of the test's home. */
static void use_lab_paths(void)
{
	char *upath = xasprintf("%s/.ssh/config", home), *spath = xasprintf("%s/system_config", home);
	sshconfig_set_paths(upath, spath);
	free(upath);
	free(spath);
}

static int setup(void **state)
{
	(void)state;
	fixture_tmpdir_make(home, sizeof(home), "binnacle-sshconfig");
	setenv("HOME", home, 1);
	unsetenv("SSH_AUTH_SOCK");
	char *dir = xasprintf("%s/.ssh/conf.d", home);
	char *cmd = xasprintf("mkdir -p '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
	write_in(".ssh/config",
		 "# the user's configuration\n"
		 "Host web-* !web-secret\n"
		 "    User deploy\n"
		 "    Port 2200\n"
		 "Host web-1\n"
		 "    Port 9999\n"
		 "    HostName 10.0.0.1\n"
		 "Host bastion\n"
		 "    HostName=bastion.example.com\n"
		 "    User = ops\n"
		 "    IdentityFile ~/.ssh/bastion_key\n"
		 "    IdentityFile \"%d/keys with space/%r@%h\"\n"
		 "    IdentitiesOnly yes\n"
		 "    ServerAliveInterval 15\n"
		 "    StrictHostKeyChecking accept-new\n"
		 "    UserKnownHostsFile ~/kh1 /tmp/kh2\n"
		 "    PasswordAuthentication no\n"
		 "Host *.internal\n"
		 "    ProxyJump bastion,ops@jump2:2022\n"
		 "Host direct.internal\n"
		 "    ProxyJump none\n"
		 "Match host 10.0.0.1\n"
		 "    ServerAliveCountMax 7\n"
		 "Match originalhost web-2 user deploy\n"
		 "    ConnectTimeout 5\n"
		 "Host h-%h\n"
		 "    HostName real-%h\n"
		 "Host nowhere\n"
		 "    Include nothing-here/*.conf\n"
		 "Host *\n"
		 "    Include conf.d/*.conf\n"
		 "Host *\n"
		 "    User fallback\n"
		 "    IdentityFile ~/.ssh/id_common\n"
		 "    KbdInteractiveAuthentication no\n");
	write_in(".ssh/conf.d/10-incl.conf", "Host incl\n    HostName included.example.com\n    Port 2022\n");
	write_in(".ssh/conf.d/20-more.conf", "Host incl\n    Port 3033\n    BatchMode yes\n");
	write_in("system_config", "Host *\n    User system-user\n    HashKnownHosts yes\n    Port 2\n");
	use_lab_paths();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sshconfig_set_paths(NULL, NULL);
	return fixture_tmpdir_remove(home);
}

static void resolve(const char *host, const char *user, int port, struct ssh_host *h)
{
	char err[ERRLEN] = "";
	int rc = sshconfig_resolve(host, user, port, h, err, sizeof(err));
	if (rc < 0)
		fail_msg("%s", err);
}

static void test_first_value_wins(void **state)
{
	(void)state;
	struct ssh_host h;
	resolve("web-1", NULL, 0, &h);
	assert_string_equal(h.alias, "web-1");
	assert_string_equal(h.hostname, "10.0.0.1");
	assert_string_equal(h.user, "deploy");
	assert_int_equal(h.port, 2200); /* web-* came first: Port 9999 of web-1 is ignored */
	assert_int_equal(h.alive_count, 7); /* Match host sees the HostName */
	assert_int_equal(h.connect_timeout, 0);
	assert_null(h.proxy_jump);
	ssh_host_cleanup(&h);
	resolve("web-2", NULL, 0, &h);
	assert_int_equal(h.connect_timeout, 5); /* Match originalhost ... user ... */
	assert_int_equal(h.alive_count, 3);     /* OpenSSH's default */
	ssh_host_cleanup(&h);
}

static void test_negation(void **state)
{
	(void)state;
	struct ssh_host h;
	resolve("web-secret", NULL, 0, &h);
	assert_string_equal(h.user, "fallback");
	assert_int_equal(h.port, 2); /* from the system file, read after the user's */
	assert_string_equal(h.hostname, "web-secret");
	ssh_host_cleanup(&h);
}

static void test_options_and_tokens(void **state)
{
	(void)state;
	struct ssh_host h;
	resolve("bastion", NULL, 0, &h);
	assert_string_equal(h.hostname, "bastion.example.com");
	assert_string_equal(h.user, "ops");
	assert_int_equal(h.nidentity, 3);
	char *k1 = xasprintf("%s/.ssh/bastion_key", home);
	char *k2 = xasprintf("%s/keys with space/ops@bastion.example.com", home);
	char *k3 = xasprintf("%s/.ssh/id_common", home);
	assert_string_equal(h.identity_files[0], k1);
	assert_string_equal(h.identity_files[1], k2);
	assert_string_equal(h.identity_files[2], k3); /* IdentityFile adds up */
	free(k1);
	free(k2);
	free(k3);
	assert_true(h.identities_only);
	assert_int_equal(h.alive_interval, 15);
	assert_int_equal(h.strict, SSH_STRICT_ACCEPT_NEW);
	assert_int_equal(h.nknown, 2);
	char *kh = xasprintf("%s/kh1", home);
	assert_string_equal(h.known_hosts[0], kh);
	free(kh);
	assert_string_equal(h.known_hosts[1], "/tmp/kh2");
	assert_false(h.password);
	assert_false(h.kbd_interactive);
	assert_true(h.hash_known_hosts);
	assert_false(h.batch_mode);
	ssh_host_cleanup(&h);
}

static void test_proxy_jump(void **state)
{
	(void)state;
	struct ssh_host h;
	resolve("db.internal", NULL, 0, &h);
	assert_string_equal(h.proxy_jump, "bastion,ops@jump2:2022");
	ssh_host_cleanup(&h);
	resolve("direct.internal", NULL, 0, &h);
	assert_string_equal(h.proxy_jump, "bastion,ops@jump2:2022"); /* *.internal came first */
	ssh_host_cleanup(&h);
}

static void test_include(void **state)
{
	(void)state;
	struct ssh_host h;
	resolve("incl", NULL, 0, &h);
	assert_string_equal(h.hostname, "included.example.com");
	assert_int_equal(h.port, 2022); /* 10-incl.conf before 20-more.conf */
	assert_true(h.batch_mode);
	assert_string_equal(h.user, "fallback");
	ssh_host_cleanup(&h);
}

static void test_hostname_token(void **state)
{
	(void)state;
	struct ssh_host h;
	resolve("h-%h", NULL, 0, &h);
	assert_string_equal(h.hostname, "real-h-%h");
	ssh_host_cleanup(&h);
}

static void test_command_line_first(void **state)
{
	(void)state;
	struct ssh_host h;
	resolve("web-1", "root", 22022, &h);
	assert_string_equal(h.user, "root");
	assert_int_equal(h.port, 22022);
	assert_string_equal(h.hostname, "10.0.0.1");
	ssh_host_cleanup(&h);
}

static void test_defaults(void **state)
{
	(void)state;
	sshconfig_set_paths("", "");
	setenv("SSH_AUTH_SOCK", "/tmp/agent.sock", 1);
	struct ssh_host h;
	resolve("plain.example.com", NULL, 0, &h);
	assert_int_equal(h.port, 22);
	assert_string_equal(h.hostname, "plain.example.com");
	assert_true(h.user[0] != '\0');
	assert_int_equal(h.strict, SSH_STRICT_ASK);
	assert_true(h.password);
	assert_true(h.kbd_interactive);
	assert_int_equal(h.password_prompts, 3);
	assert_string_equal(h.identity_agent, "/tmp/agent.sock");
	assert_int_equal(h.nknown, 2);
	char *kh = xasprintf("%s/.ssh/known_hosts", home);
	assert_string_equal(h.known_hosts[0], kh);
	free(kh);
	assert_string_equal(h.global_known_hosts[0], "/etc/ssh/ssh_known_hosts");
	assert_true(h.nidentity >= 3);
	ssh_host_cleanup(&h);
	unsetenv("SSH_AUTH_SOCK");
	use_lab_paths();
}

static void test_bad_value(void **state)
{
	(void)state;
	write_in("bad_config", "Host *\n  User x\n  Port twenty-two\n");
	char *bad = xasprintf("%s/bad_config", home);
	sshconfig_set_paths(bad, "");
	struct ssh_host h;
	char err[ERRLEN] = "";
	assert_int_equal(sshconfig_resolve("anything", NULL, 0, &h, err, sizeof(err)), -1);
	char *want = xasprintf("%s:3: Port must be a number", bad);
	assert_string_equal(err, want);
	free(want);
	write_in("bad_config", "Host *\n  StrictHostKeyChecking sometimes\n");
	assert_int_equal(sshconfig_resolve("anything", NULL, 0, &h, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad_config:2: StrictHostKeyChecking must be yes, no, ask or accept-new"));
	free(bad);
	use_lab_paths();
}

static void test_patterns(void **state)
{
	(void)state;
	assert_true(ssh_pattern_match("web-1", "web-*"));
	assert_true(ssh_pattern_match("WEB-1", "web-?"));
	assert_false(ssh_pattern_match("web-10", "web-?"));
	assert_true(ssh_pattern_match("[10.0.0.1]:2222", "[10.0.0.*]:2222"));
	assert_int_equal(ssh_pattern_list_match("a.example.com", "*.example.com,!b.example.com"), 1);
	assert_int_equal(ssh_pattern_list_match("b.example.com", "*.example.com,!b.example.com"), -1);
	assert_int_equal(ssh_pattern_list_match("c.example.org", "*.example.com"), 0);
}

static void spec(const char *s, const char *user, const char *host, int port, const char *path)
{
	char *u, *h, *p;
	int po;
	char err[ERRLEN];
	if (ssh_spec_parse(s, &u, &h, &po, &p, err, sizeof(err)) < 0)
		fail_msg("%s: %s", s, err);
	if (user)
		assert_string_equal(u, user);
	else
		assert_null(u);
	assert_string_equal(h, host);
	assert_int_equal(po, port);
	if (path)
		assert_string_equal(p, path);
	else
		assert_null(p);
	free(u);
	free(h);
	free(p);
}

static void bad_spec(const char *s)
{
	char *u, *h, *p;
	int po;
	char err[ERRLEN] = "";
	assert_int_equal(ssh_spec_parse(s, &u, &h, &po, &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not an SSH destination"));
}

static void test_destinations(void **state)
{
	(void)state;
	spec("bastion", NULL, "bastion", 0, NULL);
	spec("me@bastion", "me", "bastion", 0, NULL);
	spec("me@bastion:2222", "me", "bastion", 2222, NULL);
	spec("ssh://me@host.example.com", "me", "host.example.com", 0, NULL);
	spec("ssh://me@host:2222/run/user/1000/podman/podman.sock", "me", "host", 2222,
	     "/run/user/1000/podman/podman.sock");
	spec("ssh://host/var/run/docker.sock", NULL, "host", 0, "/var/run/docker.sock");
	spec("[::1]:2200", NULL, "::1", 2200, NULL);
	spec("ops@[fe80::1]", "ops", "fe80::1", 0, NULL);
	spec("fe80::1", NULL, "fe80::1", 0, NULL);
	spec("a@b@host", "a@b", "host", 0, NULL);
	bad_spec("");
	bad_spec("me@");
	bad_spec("host:ssh");
	bad_spec("host:0");
	bad_spec("[::1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_value_wins), cmocka_unit_test(test_negation),
		cmocka_unit_test(test_options_and_tokens), cmocka_unit_test(test_proxy_jump),
		cmocka_unit_test(test_include), cmocka_unit_test(test_hostname_token),
		cmocka_unit_test(test_command_line_first), cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_bad_value), cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_destinations),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
