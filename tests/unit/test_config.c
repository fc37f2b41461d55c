/* test_config.c: the configuration file must load every documented setting
 * and, for every mistake a user makes, say where (file:line:column) and what
 * in a sentence, suggesting the key they probably meant. */
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

#include "backends/model/config.h"
#include "backends/util/util.h"

static struct config cfg;
static char err[ERRLEN];

static int parse(const char *yaml)
{
	config_cleanup(&cfg);
	err[0] = '\0';
	return config_parse(&cfg, yaml, strlen(yaml), "test.yaml", err, sizeof(err));
}

static int teardown(void **state)
{
	(void)state;
	config_cleanup(&cfg);
	return 0;
}

/* The error must be exactly this; keeps the wording from drifting unseen. */
static void expect_error(const char *yaml, const char *want)
{
	assert_int_equal(parse(yaml), -1);
	assert_string_equal(err, want);
}

/* For libyaml's own sentences: the position is ours to get right, the words are not. */
static void expect_error_at(const char *yaml, const char *prefix)
{
	assert_int_equal(parse(yaml), -1);
	if (!str_starts(err, prefix))
		fail_msg("error \"%s\" does not start with \"%s\"", err, prefix);
	/* a position and then a sentence, not just a position */
	assert_true(strlen(err) > strlen(prefix) + 5);
}

static const char full[] = "# binnacle configuration\n"
			   "refresh: 500ms\n"
			   "theme: solarized-dark\n"
			   "readonly: true\n"
			   "endpoints:\n"
			   "  - name: local\n"
			   "    type: docker\n"
			   "    host: unix:///run/docker.sock\n"
			   "  - name: prod\n"
			   "    type: podman\n"
			   "    host: tcp://10.0.0.5:2376\n"
			   "    tls_verify: true\n"
			   "    cert_path: /etc/binnacle/certs\n"
			   "    production: yes\n"
			   "keys:\n"
			   "  quit: q\n"
			   "  describe: d\n";

static void test_full(void **state)
{
	(void)state;
	assert_int_equal(parse(full), 0);
	assert_string_equal(err, "");
	assert_int_equal(cfg.refresh_ms, 500);
	assert_string_equal(cfg.theme, "solarized-dark");
	assert_true(cfg.readonly);
	assert_null(cfg.path);
	assert_int_equal(cfg.nendpoints, 2);

	const struct endpoint_config *a = &cfg.endpoints[0], *b = &cfg.endpoints[1];
	assert_string_equal(a->name, "local");
	assert_string_equal(a->backend, "docker");
	assert_string_equal(a->file, "test.yaml");
	assert_int_equal(a->line, 6);
	assert_true(a->readonly); /* inherited from the top level */
	assert_false(a->production);
	assert_string_equal(endpoint_config_get(a, "host"), "unix:///run/docker.sock");
	assert_null(endpoint_config_get(a, "tls_verify"));
	assert_null(endpoint_config_get(a, "name")); /* not an option */
	assert_null(endpoint_config_get(a, "type"));

	assert_string_equal(b->name, "prod");
	assert_string_equal(b->backend, "docker"); /* podman speaks the Docker API */
	assert_int_equal(b->line, 9);
	assert_true(b->readonly);
	assert_true(b->production);
	assert_string_equal(endpoint_config_get(b, "host"), "tcp://10.0.0.5:2376");
	assert_string_equal(endpoint_config_get(b, "tls_verify"), "true");
	assert_string_equal(endpoint_config_get(b, "cert_path"), "/etc/binnacle/certs");
	assert_int_equal(b->nopts, 3);
	/* options remember where they were written, for errors found later */
	assert_string_equal(b->opts[0].key, "host");
	assert_int_equal(b->opts[0].line, 11);
	assert_int_equal(b->opts[0].col, 11);

	assert_int_equal(cfg.nkeys, 2);
	assert_string_equal(cfg.keys[0].action, "quit");
	assert_string_equal(cfg.keys[0].key, "q");
	assert_int_equal(cfg.keys[0].line, 16);
	assert_int_equal(cfg.keys[0].col, 9);
	assert_string_equal(cfg.keys[1].action, "describe");
	assert_string_equal(cfg.keys[1].key, "d");
}

static void test_defaults(void **state)
{
	(void)state;
	assert_int_equal(parse(""), 0);
	assert_int_equal(cfg.refresh_ms, 2000);
	assert_null(cfg.theme);
	assert_false(cfg.readonly);
	assert_int_equal(cfg.nendpoints, 0);
	assert_int_equal(cfg.nkeys, 0);

	assert_int_equal(parse("# nothing but a comment\n"), 0);
	assert_int_equal(cfg.refresh_ms, 2000);

	/* unnamed endpoints get distinct names; endpoint readonly without a global one */
	assert_int_equal(parse("refresh: 2\nendpoints:\n  - type: docker\n  - type: docker\n    readonly: on\n"), 0);
	assert_int_equal(cfg.refresh_ms, 2000);
	assert_int_equal(cfg.nendpoints, 2);
	assert_string_equal(cfg.endpoints[0].name, "docker-1");
	assert_string_equal(cfg.endpoints[1].name, "docker-2");
	assert_false(cfg.endpoints[0].readonly);
	assert_true(cfg.endpoints[1].readonly);

	/* a global readonly cannot be undone per endpoint */
	assert_int_equal(parse("readonly: true\nendpoints:\n  - type: docker\n    readonly: false\n"), 0);
	assert_true(cfg.endpoints[0].readonly);
}

static void test_yaml_syntax(void **state)
{
	(void)state;
	/* a list item indented one space too far */
	expect_error_at("refresh: 2s\n"
			"endpoints:\n"
			"  - name: a\n"
			"   type: docker\n",
			"test.yaml:4:");
	/* a key indented under a scalar */
	expect_error_at("refresh: 2s\n"
			"  theme: x\n",
			"test.yaml:2:8:");
	/* a tab where YAML wants spaces */
	expect_error_at("refresh: 2s\nendpoints:\n\t- type: docker\n", "test.yaml:3:");
}

static void test_yaml_unclosed_quote(void **state)
{
	(void)state;
	/* the scanner only notices at the end of the file: point at the quote
	 * that was never closed, not at a line past the end */
	expect_error_at("theme: \"dark\n"
			"refresh: 2s\n",
			"test.yaml:1:8:");
}

static void test_duplicate_yaml_key(void **state)
{
	(void)state;
	expect_error("refresh: 2s\ntheme: a\nrefresh: 3s\n", "test.yaml:3:1: duplicate key \"refresh\"");
	expect_error("endpoints:\n  - type: docker\n    host: a\n    host: b\n",
		     "test.yaml:4:5: duplicate key \"host\"");
}

static void test_unknown_top_key(void **state)
{
	(void)state;
	expect_error("theme: x\nrefrsh: 2s\n", "test.yaml:2:1: unknown key \"refrsh\" (did you mean \"refresh\"?)");
	expect_error("endpoint:\n  - type: docker\n",
		     "test.yaml:1:1: unknown key \"endpoint\" (did you mean \"endpoints\"?)");
	/* nothing close: no guess */
	expect_error("colour_scheme: dark\n", "test.yaml:1:1: unknown key \"colour_scheme\"");
}

static void test_unknown_endpoint_key(void **state)
{
	(void)state;
	expect_error("endpoints:\n  - type: docker\n    hots: unix:///x\n",
		     "test.yaml:3:5: unknown key \"hots\" for a docker endpoint (did you mean \"host\"?)");
	expect_error("endpoints:\n  - type: docker\n    nmae: x\n",
		     "test.yaml:3:5: unknown key \"nmae\" for a docker endpoint (did you mean \"name\"?)");
	expect_error("endpoints:\n  - type: docker\n    tls-verify: true\n",
		     "test.yaml:3:5: unknown key \"tls-verify\" for a docker endpoint (did you mean \"tls_verify\"?)");
	expect_error("endpoints:\n  - type: docker\n    kubeconfig: ~/.kube/config\n",
		     "test.yaml:3:5: unknown key \"kubeconfig\" for a docker endpoint");
}

static void test_endpoint_type(void **state)
{
	(void)state;
	expect_error("endpoints:\n  - name: a\n    type: dokker\n",
		     "test.yaml:3:11: unknown endpoint type \"dokker\" (known: kubernetes, docker, ecs, registry, ecr)");
	expect_error("endpoints:\n  - name: a\n    host: unix:///x\n",
		     "test.yaml:2:5: this endpoint needs a \"type\" (for example \"type: docker\")");
	expect_error("endpoints:\n  - docker\n", "test.yaml:2:5: an endpoint must be a mapping");
}

static void test_wrong_types(void **state)
{
	(void)state;
	expect_error("readonly: maybe\n", "test.yaml:1:11: readonly must be true or false");
	expect_error("readonly: [true]\n", "test.yaml:1:11: readonly must be true or false");
	expect_error("refresh: soon\n",
		     "test.yaml:1:10: refresh must be a duration of at least 100ms, like \"2s\" or \"500ms\"");
	expect_error("refresh: 10ms\n",
		     "test.yaml:1:10: refresh must be a duration of at least 100ms, like \"2s\" or \"500ms\"");
	expect_error("endpoints: docker\n", "test.yaml:1:12: endpoints must be a list");
	expect_error("endpoints:\n  type: docker\n", "test.yaml:2:3: endpoints must be a list");
	expect_error("theme: [a, b]\n", "test.yaml:1:8: theme must be a name");
	expect_error("endpoints:\n  - type: docker\n    tls_verify: maybe\n",
		     "test.yaml:3:17: tls_verify must be true or false");
	expect_error("endpoints:\n  - type: docker\n    production: 1\n",
		     "test.yaml:3:17: production must be true or false");
	expect_error("endpoints:\n  - type: docker\n    host: [a, b]\n", "test.yaml:3:11: host must be a single value");
	expect_error("keys:\n  quit: [q, x]\n", "test.yaml:2:9: the key for quit must be a single value");
	expect_error("keys: q\n", "test.yaml:1:7: keys must be a mapping");
	expect_error("- a\n- b\n", "test.yaml:1:1: the configuration must be a mapping");
}

static void test_charset(void **state)
{
	(void)state;
	assert_int_equal(parse(""), 0);
	assert_int_equal(cfg.charset, CHARSET_AUTO);
	assert_int_equal(parse("charset: ascii\n"), 0);
	assert_int_equal(cfg.charset, CHARSET_ASCII);
	assert_int_equal(parse("charset: UTF-8\n"), 0);
	assert_int_equal(cfg.charset, CHARSET_UTF8);
	assert_int_equal(parse("charset: utf8\n"), 0);
	assert_int_equal(cfg.charset, CHARSET_UTF8);
	assert_int_equal(parse("charset: auto\n"), 0);
	assert_int_equal(cfg.charset, CHARSET_AUTO);
	expect_error("charset: asci\n", "test.yaml:1:10: charset must be auto, utf-8 or ascii (did you mean \"ascii\"?)");
	expect_error("charset: latin1\n", "test.yaml:1:10: charset must be auto, utf-8 or ascii");
	expect_error("charset: [ascii]\n", "test.yaml:1:10: charset must be auto, utf-8 or ascii");
	expect_error("charst: ascii\n", "test.yaml:1:1: unknown key \"charst\" (did you mean \"charset\"?)");
	assert_int_equal(config_charset_parse("ASCII"), CHARSET_ASCII);
	assert_int_equal(config_charset_parse(NULL), -1);
	assert_int_equal(config_charset_parse(""), -1);
}

static void test_duplicate_endpoint_names(void **state)
{
	(void)state;
	expect_error("endpoints:\n"
		     "  - name: a\n"
		     "    type: docker\n"
		     "  - name: b\n"
		     "    type: docker\n"
		     "  - type: podman\n"
		     "    name: a\n",
		     "test.yaml:6:5: two endpoints are named \"a\"");
}

static char *tmpdir;

static int setup_tmp(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/binnacle-test-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	tmpdir = xstrdup(tmpl);
	return 0;
}

static int teardown_tmp(void **state)
{
	config_cleanup(&cfg);
	char *p = xasprintf("%s/binnacle/config.yaml", tmpdir);
	unlink(p);
	free(p);
	p = xasprintf("%s/binnacle", tmpdir);
	rmdir(p);
	free(p);
	rmdir(tmpdir);
	free(tmpdir);
	tmpdir = NULL;
	unsetenv("XDG_CONFIG_HOME");
	(void)state;
	return 0;
}

static void test_load_missing_explicit(void **state)
{
	(void)state;
	char *p = xasprintf("%s/missing.yaml", tmpdir);
	assert_int_equal(config_load(&cfg, p, err, sizeof(err)), -1);
	char *want = xasprintf("cannot read configuration %s: No such file or directory", p);
	assert_string_equal(err, want);
	free(want);
	free(p);
}

static void test_load_default(void **state)
{
	(void)state;
	setenv("XDG_CONFIG_HOME", tmpdir, 1);
	char *def = config_default_path();
	char *want = xasprintf("%s/binnacle/config.yaml", tmpdir);
	assert_string_equal(def, want);
	free(def);

	/* no file at the default place is the normal first run */
	err[0] = '\0';
	assert_int_equal(config_load(&cfg, NULL, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(cfg.nendpoints, 0);
	assert_int_equal(cfg.refresh_ms, 2000);
	assert_null(cfg.path);
	config_cleanup(&cfg);

	/* once there is one, it is read and errors carry its path */
	char *dir = xasprintf("%s/binnacle", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	free(dir);
	FILE *f = fopen(want, "w");
	assert_non_null(f);
	fputs("refresh: 1s\nendpoints:\n  - type: docker\n    name: here\n", f);
	fclose(f);
	assert_int_equal(config_load(&cfg, NULL, err, sizeof(err)), 0);
	assert_string_equal(cfg.path, want);
	assert_int_equal(cfg.refresh_ms, 1000);
	assert_int_equal(cfg.nendpoints, 1);
	assert_string_equal(cfg.endpoints[0].name, "here");
	assert_string_equal(cfg.endpoints[0].file, want);
	config_cleanup(&cfg);

	f = fopen(want, "w");
	assert_non_null(f);
	fputs("refresh: 1s\nthem: x\n", f);
	fclose(f);
	assert_int_equal(config_load(&cfg, NULL, err, sizeof(err)), -1);
	char *msg = xasprintf("%s:2:1: unknown key \"them\" (did you mean \"theme\"?)", want);
	assert_string_equal(err, msg);
	free(msg);
	free(want);
}

/* confirm, mouse and the user's own commands */
static void test_daily_keys(void **state)
{
	(void)state;
	assert_int_equal(parse("confirm: destructive\nmouse: true\n"
			       "commands:\n"
			       "  - name: trace\n"
			       "    key: ctrl-t\n"
			       "    kinds: [pods, ctr]\n"
			       "    command: echo $NAME\n"
			       "    background: true\n"
			       "  - key: X\n"
			       "    command: docker rm -f $NAME\n"
			       "    kinds: all\n"
			       "    mutates: yes\n"
			       "    confirm: true\n"),
			 0);
	assert_int_equal(cfg.confirm, CONFIRM_POLICY_DESTRUCTIVE);
	assert_true(cfg.mouse);
	assert_int_equal(cfg.ncommands, 2);
	assert_string_equal(cfg.commands[0].name, "trace");
	assert_string_equal(cfg.commands[0].kinds[1], "ctr");
	assert_null(cfg.commands[0].kinds[2]);
	assert_true(cfg.commands[0].background);
	assert_false(cfg.commands[0].mutates);
	/* no name: the command line names it; "all": every kind */
	assert_string_equal(cfg.commands[1].name, "docker rm -f $NAME");
	assert_null(cfg.commands[1].kinds);
	assert_true(cfg.commands[1].mutates && cfg.commands[1].confirm);
	/* the defaults: every changing action asks, the mouse is the terminal's */
	assert_int_equal(parse("refresh: 1s\n"), 0);
	assert_int_equal(cfg.confirm, CONFIRM_POLICY_ALL);
	assert_false(cfg.mouse);
	expect_error("confirm: sometimes\n", "test.yaml:1:10: confirm must be all (every changing action asks) or destructive");
	expect_error("commands:\n  - key: t\n", "test.yaml:2:5: a command needs a key and a command line");
	expect_error("commands:\n  - key: t\n    comand: ls\n",
		     "test.yaml:3:5: unknown key \"comand\" for a command (known: name, key, kinds, command, background, "
		     "confirm, mutates)");
	expect_error("commands:\n  - key: t\n    command: ls\n    background: maybe\n",
		     "test.yaml:4:17: background must be true or false");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_full, teardown),
		cmocka_unit_test_teardown(test_defaults, teardown),
		cmocka_unit_test_teardown(test_yaml_syntax, teardown),
		cmocka_unit_test_teardown(test_yaml_unclosed_quote, teardown),
		cmocka_unit_test_teardown(test_duplicate_yaml_key, teardown),
		cmocka_unit_test_teardown(test_unknown_top_key, teardown),
		cmocka_unit_test_teardown(test_unknown_endpoint_key, teardown),
		cmocka_unit_test_teardown(test_endpoint_type, teardown),
		cmocka_unit_test_teardown(test_wrong_types, teardown),
		cmocka_unit_test_teardown(test_charset, teardown),
		cmocka_unit_test_teardown(test_duplicate_endpoint_names, teardown),
		cmocka_unit_test_teardown(test_daily_keys, teardown),
		cmocka_unit_test_setup_teardown(test_load_missing_explicit, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_load_default, setup_tmp, teardown_tmp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
