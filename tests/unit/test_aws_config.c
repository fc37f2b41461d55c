/* test_aws_config.c: the AWS shared configuration without a network: the
 * INI files as the CLI reads them (profiles, nested keys, the credentials
 * file first), the profile and region in the CLI's order, endpoint URLs
 * (service variable, global variable, services section, endpoint_url, the
 * ignore switch, the default), and which credential source the chain
 * picks in every situation, in the CLI's precedence, with the sentences
 * a broken configuration gets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/aws/config.h"
#include "backends/aws/creds.h"
#include "tests/unit/aws_lab.h"

static const char *config_text =
	"# the CLI's own comments\n"
	"[default]\n"
	"region = eu-west-1\n"
	"output = json\n"
	"\n"
	"[profile dev]\n"
	"region: eu-central-1\n"
	"aws_access_key_id = AKIACONFIGDEV\n"
	"aws_secret_access_key = config-secret\n"
	"services = local\n"
	"s3 =\n"
	"  max_concurrent_requests = 20\n"
	"\n"
	"[profile both]\n"
	"credential_process = /bin/echo both\n"
	"aws_access_key_id = AKIACONFIGBOTH\n"
	"aws_secret_access_key = config-both\n"
	"\n"
	"[profile proc]\n"
	"credential_process = /bin/echo proc\n"
	"\n"
	"[profile role]\n"
	"role_arn = arn:aws:iam::123456789012:role/deployer\n"
	"source_profile = dev\n"
	"\n"
	"[profile chain]\n"
	"role_arn = arn:aws:iam::123456789012:role/second\n"
	"source_profile = role\n"
	"\n"
	"[profile selfish]\n"
	"role_arn = arn:aws:iam::123456789012:role/self\n"
	"source_profile = selfish\n"
	"aws_access_key_id = AKIASELF\n"
	"aws_secret_access_key = self-secret\n"
	"\n"
	"[profile loop-a]\n"
	"role_arn = arn:aws:iam::123456789012:role/a\n"
	"source_profile = loop-b\n"
	"[profile loop-b]\n"
	"role_arn = arn:aws:iam::123456789012:role/b\n"
	"source_profile = loop-a\n"
	"\n"
	"[profile nosource]\n"
	"role_arn = arn:aws:iam::123456789012:role/x\n"
	"\n"
	"[profile boxed]\n"
	"role_arn = arn:aws:iam::123456789012:role/boxed\n"
	"credential_source = EcsContainer\n"
	"\n"
	"[profile web]\n"
	"role_arn = arn:aws:iam::123456789012:role/web\n"
	"web_identity_token_file = /tmp/token\n"
	"\n"
	"[profile sso]\n"
	"sso_session = corp\n"
	"sso_account_id = 123456789012\n"
	"sso_role_name = Admin\n"
	"\n"
	"[profile sso-old]\n"
	"sso_start_url = https://old.awsapps.com/start\n"
	"sso_region = us-west-2\n"
	"sso_account_id = 123456789012\n"
	"sso_role_name = ReadOnly\n"
	"\n"
	"[profile sso-half]\n"
	"sso_session = corp\n"
	"sso_role_name = Admin\n"
	"\n"
	"[profile via-sso]\n"
	"role_arn = arn:aws:iam::123456789012:role/deployer\n"
	"source_profile = sso\n"
	"\n"
	"[profile mfa]\n"
	"role_arn = arn:aws:iam::123456789012:role/mfa\n"
	"source_profile = dev\n"
	"mfa_serial = arn:aws:iam::123456789012:mfa/me\n"
	"\n"
	"[profile half]\n"
	"aws_access_key_id = AKIAHALF\n"
	"\n"
	"[profile ignoring]\n"
	"ignore_configured_endpoint_urls = true\n"
	"endpoint_url = http://ignored:1\n"
	"\n"
	"[profile global-url]\n"
	"endpoint_url = http://global.example:8080/\n"
	"\n"
	"[sso-session corp]\n"
	"sso_start_url = https://corp.awsapps.com/start\n"
	"sso_region = us-east-2\n"
	"\n"
	"[services local]\n"
	"ecs =\n"
	"  endpoint_url = http://localhost:4566\n"
	"sts =\n"
	"  endpoint_url = http://localhost:4567/\n";

static const char *credentials_text =
	"[default]\n"
	"aws_access_key_id = AKIADEFAULT\n"
	"aws_secret_access_key = default-secret\n"
	"\n"
	"[dev]\n"
	"aws_access_key_id = AKIACREDSDEV\n"
	"aws_secret_access_key = creds-secret\n"
	"aws_session_token = creds-token\n"
	"\n"
	"[only-creds]\n"
	"aws_access_key_id = AKIAONLY\n"
	"aws_secret_access_key = only-secret\n";

static struct aws_config cfg;

static int setup(void **state)
{
	(void)state;
	aws_env_clean();
	memset(&cfg, 0, sizeof(cfg));
	char err[ERRLEN];
	assert_int_equal(aws_config_parse(&cfg, config_text, credentials_text, err, sizeof(err)), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	aws_config_cleanup(&cfg);
	return 0;
}

static void test_files(void **state)
{
	(void)state;
	assert_string_equal(aws_config_get(&cfg, "default", "region"), "eu-west-1");
	assert_string_equal(aws_config_get(&cfg, "dev", "region"), "eu-central-1"); /* ':' works too */
	/* the credentials file wins for a profile */
	assert_string_equal(aws_config_get(&cfg, "dev", "aws_access_key_id"), "AKIACREDSDEV");
	assert_string_equal(aws_config_get_in(&cfg, false, "dev", "aws_access_key_id"), "AKIACONFIGDEV");
	assert_string_equal(aws_config_get(&cfg, "dev", "s3.max_concurrent_requests"), "20");
	assert_string_equal(aws_config_section_get(&cfg, "services", "local", "ecs.endpoint_url"), "http://localhost:4566");
	assert_string_equal(aws_config_section_get(&cfg, "sso-session", "corp", "sso_region"), "us-east-2");
	assert_true(aws_config_has_profile(&cfg, "only-creds"));
	assert_false(aws_config_has_profile(&cfg, "nobody"));
	size_t n;
	const char **names = aws_config_profiles(&cfg, &n);
	assert_string_equal(names[0], "default");
	assert_string_equal(names[1], "dev");
	assert_string_equal(names[n - 1], "only-creds");
	free(names);
	/* broken files name file and line */
	struct aws_config bad = {0};
	char err[ERRLEN];
	assert_int_equal(aws_config_parse(&bad, "[default\nregion = x\n", NULL, err, sizeof(err)), -1);
	assert_string_equal(err, "config:1: a section header without its closing ']'");
	assert_int_equal(aws_config_parse(&bad, "region = x\n", NULL, err, sizeof(err)), -1);
	assert_string_equal(err, "config:1: a setting before any [section]");
}

static void test_profile_and_region(void **state)
{
	(void)state;
	assert_string_equal(aws_profile_name(NULL), "default");
	setenv("AWS_PROFILE", "dev", 1);
	assert_string_equal(aws_profile_name(NULL), "dev");
	assert_string_equal(aws_profile_name("sso"), "sso");
	unsetenv("AWS_PROFILE");
	assert_string_equal(aws_region(&cfg, "dev", NULL), "eu-central-1");
	setenv("AWS_DEFAULT_REGION", "ap-south-1", 1);
	assert_string_equal(aws_region(&cfg, "dev", NULL), "ap-south-1");
	setenv("AWS_REGION", "sa-east-1", 1);
	assert_string_equal(aws_region(&cfg, "dev", NULL), "sa-east-1");
	assert_string_equal(aws_region(&cfg, "dev", "us-west-1"), "us-west-1");
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	assert_null(aws_region(&cfg, "proc", NULL));
}

static void expect_url(const char *profile, const struct aws_service *svc, const char *region, const char *want,
		       bool want_configured)
{
	bool configured;
	char *url = aws_endpoint_url(&cfg, profile, svc, region, &configured);
	assert_string_equal(url, want);
	assert_true(configured == want_configured);
	free(url);
}

static void test_endpoints(void **state)
{
	(void)state;
	expect_url("default", &aws_svc_ecs, "eu-west-1", "https://ecs.eu-west-1.amazonaws.com", false);
	expect_url("default", &aws_svc_logs, "eu-west-1", "https://logs.eu-west-1.amazonaws.com", false);
	expect_url("default", &aws_svc_sso, "us-east-2", "https://portal.sso.us-east-2.amazonaws.com", false);
	expect_url("default", &aws_svc_ecs, "cn-north-1", "https://ecs.cn-north-1.amazonaws.com.cn", false);
	/* the profile's services section, then its endpoint_url */
	expect_url("dev", &aws_svc_ecs, "x", "http://localhost:4566", true);
	expect_url("dev", &aws_svc_sts, "x", "http://localhost:4567", true);
	expect_url("dev", &aws_svc_logs, "x", "https://logs.x.amazonaws.com", false);
	expect_url("global-url", &aws_svc_logs, "x", "http://global.example:8080", true);
	/* the environment beats the files; the service's variable beats the global one */
	setenv("AWS_ENDPOINT_URL", "http://env-global:1", 1);
	expect_url("dev", &aws_svc_ecs, "x", "http://env-global:1", true);
	setenv("AWS_ENDPOINT_URL_ECS", "http://env-ecs:2/", 1);
	expect_url("dev", &aws_svc_ecs, "x", "http://env-ecs:2", true);
	expect_url("dev", &aws_svc_logs, "x", "http://env-global:1", true);
	/* and the switch turns them all off */
	expect_url("ignoring", &aws_svc_ecs, "x", "https://ecs.x.amazonaws.com", false);
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
	expect_url("dev", &aws_svc_ecs, "x", "https://ecs.x.amazonaws.com", false);
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_ECS");
}

/* The source the chain picks, or the sentence it refuses with. */
static enum aws_creds_source pick_in(const struct aws_config *in, const char *profile, bool explicit_profile, char *err)
{
	struct aws_creds_opts o = {.config = in, .profile = profile, .explicit_profile = explicit_profile};
	err[0] = '\0';
	struct aws_creds *c = aws_creds_new(&o, err, ERRLEN);
	enum aws_creds_source k = aws_creds_kind(c);
	aws_creds_free(c);
	return c ? k : AWS_SRC_NONE;
}

static enum aws_creds_source pick(const char *profile, bool explicit_profile, char *err)
{
	return pick_in(&cfg, profile, explicit_profile, err);
}

static void test_chain_order(void **state)
{
	(void)state;
	char err[ERRLEN];
	/* the environment first, even over AWS_PROFILE */
	setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
	assert_int_equal(pick(NULL, false, err), AWS_SRC_ENV);
	setenv("AWS_PROFILE", "proc", 1);
	assert_int_equal(pick(NULL, false, err), AWS_SRC_ENV);
	/* but a profile the configuration names ignores it, like --profile */
	assert_int_equal(pick("proc", true, err), AWS_SRC_PROCESS);
	unsetenv("AWS_PROFILE");
	/* half a pair is an error, not a silent fall-through */
	unsetenv("AWS_SECRET_ACCESS_KEY");
	assert_int_equal(pick(NULL, false, err), AWS_SRC_NONE);
	assert_string_equal(err, "the environment's keys (AWS_ACCESS_KEY_ID) has an access key id but not its secret key");
	unsetenv("AWS_ACCESS_KEY_ID");
	/* role_arn before anything of the profile */
	assert_int_equal(pick("role", true, err), AWS_SRC_ASSUME_ROLE);
	assert_int_equal(pick("chain", true, err), AWS_SRC_ASSUME_ROLE);
	assert_int_equal(pick("selfish", true, err), AWS_SRC_ASSUME_ROLE);
	assert_int_equal(pick("boxed", true, err), AWS_SRC_NONE);
	assert_string_equal(err, "profile boxed: its credential_source EcsContainer has no credentials");
	setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x", 1);
	assert_int_equal(pick("boxed", true, err), AWS_SRC_ASSUME_ROLE);
	/* then web identity, SSO, the credentials file, the process, the config file */
	assert_int_equal(pick("web", true, err), AWS_SRC_WEB_IDENTITY);
	assert_int_equal(pick("sso", true, err), AWS_SRC_SSO);
	assert_int_equal(pick("sso-old", true, err), AWS_SRC_SSO);
	assert_int_equal(pick("dev", true, err), AWS_SRC_SHARED_FILE);
	assert_int_equal(pick("both", true, err), AWS_SRC_PROCESS);
	assert_int_equal(pick("only-creds", true, err), AWS_SRC_SHARED_FILE);
	/* then the container endpoint, then instance metadata */
	struct aws_config empty = {0};
	assert_int_equal(pick_in(&empty, NULL, false, err), AWS_SRC_CONTAINER);
	unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	assert_int_equal(pick_in(&empty, NULL, false, err), AWS_SRC_NONE); /* IMDS is off in tests */
	unsetenv("AWS_EC2_METADATA_DISABLED");
	assert_int_equal(pick_in(&empty, NULL, false, err), AWS_SRC_IMDS);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	/* web identity from the environment, unless the profile was named */
	setenv("AWS_WEB_IDENTITY_TOKEN_FILE", "/tmp/t", 1);
	setenv("AWS_ROLE_ARN", "arn:aws:iam::1:role/r", 1);
	assert_int_equal(pick_in(&empty, NULL, false, err), AWS_SRC_WEB_IDENTITY);
	assert_int_equal(pick("proc", true, err), AWS_SRC_PROCESS);
	unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
	unsetenv("AWS_ROLE_ARN");
}

static void test_chain_sentences(void **state)
{
	(void)state;
	char err[ERRLEN];
	struct {
		const char *profile, *want;
	} cases[] = {
		{"loop-a", "the source_profile chain from profile loop-a loops back to loop-a"},
		{"nosource", "profile nosource has a role_arn but no source_profile or credential_source"},
		{"mfa", "profile mfa needs an MFA code (mfa_serial), which binnacle cannot ask for"},
		{"half", "profile half (config file) has an access key id but not its secret key"},
		{"sso-half", "profile sso-half is missing sso_account_id"},
		{"nobody", "the profile nobody is not in the AWS config file or the credentials file"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(pick(cases[i].profile, true, err), AWS_SRC_NONE);
		assert_string_equal(err, cases[i].want);
	}
	/* what the chain tells about itself */
	struct aws_creds_opts o = {.config = &cfg, .profile = "via-sso", .explicit_profile = true};
	struct aws_creds *c = aws_creds_new(&o, err, sizeof(err));
	assert_non_null(c);
	assert_string_equal(aws_creds_describe(c), "profile via-sso (role deployer)");
	assert_string_equal(aws_creds_login_hint(c), "aws sso login --profile sso");
	aws_creds_free(c);
	o.profile = "dev";
	c = aws_creds_new(&o, err, sizeof(err));
	assert_null(aws_creds_login_hint(c));
	/* secrets are blotted out of any text */
	char text[] = "the key creds-secret and creds-token leaked";
	aws_creds_redact(c, text);
	assert_string_equal(text, "the key ************ and *********** leaked");
	aws_creds_free(c);
}

static void test_configured(void **state)
{
	(void)state;
	assert_true(aws_creds_configured(&cfg, "dev", true));
	assert_true(aws_creds_configured(&cfg, "loop-a", true)); /* broken, but there: its endpoint says why */
	struct aws_config empty = {0};
	assert_false(aws_creds_configured(&empty, NULL, false));
	setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
	assert_true(aws_creds_configured(&empty, NULL, false));
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	/* instance metadata counts only where it is announced */
	unsetenv("AWS_EC2_METADATA_DISABLED");
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9/", 1);
	assert_true(aws_creds_configured(&empty, NULL, false));
	unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_profile_and_region),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_chain_order),
		cmocka_unit_test(test_chain_sentences),
		cmocka_unit_test(test_configured),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
