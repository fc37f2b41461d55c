/* test_aws_creds.c: every credential source fetching real keys from the ECS
 * lab (tests/lab/ecs), each proved by the identity STS GetCallerIdentity
 * answers with them: environment keys, the files, AssumeRole (source
 * profile), credential_process, web identity (profile and environment),
 * SSO (session and legacy forms, a refresh through SSO OIDC written back
 * to the cache, an expired session with its `aws sso login` hint), the
 * container endpoint (token and token file), IMDSv2 (keys and region);
 * keys fetched again before they expire, and after the server says they
 * expired. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/aws/client.h"
#include "backends/aws/internal.h"
#include "backends/net/http.h"
#include "tests/unit/aws_lab.h"

static struct aws_lab lab;

struct answer {
	int done;
	char arn[256];
	char error[ERRLEN];
	bool auth;
};

static void on_identity(void *arg, const struct aws_response *r)
{
	struct answer *a = arg;
	a->done = 1;
	snprintf(a->error, sizeof(a->error), "%s", r->error ? r->error : "");
	a->auth = r->auth;
	char *arn = r->error ? NULL : aws_xml_text(r->body, r->len, "Arn");
	snprintf(a->arn, sizeof(a->arn), "%s", arn ? arn : "");
	free(arn);
}

/* The ARN STS sees for the client's keys, or "" and the error. */
static void whoami(struct aws_client *c, struct answer *a)
{
	memset(a, 0, sizeof(*a));
	aws_call_query(c, &aws_svc_sts, "GetCallerIdentity", "2011-06-15", NULL, 0, on_identity, a);
	assert_true(aws_turn_until(&a->done));
}

static struct aws_client *client(const char *profile)
{
	char err[ERRLEN];
	struct aws_client_opts o = {.profile = profile, .explicit_profile = profile != NULL, .label = "test"};
	struct aws_client *c = aws_client_new(&o, err, sizeof(err));
	if (!c)
		fail_msg("no client for %s: %s", profile ? profile : "(default)", err);
	return c;
}

static void expect_arn(const char *profile, const char *want_prefix)
{
	struct aws_client *c = client(profile);
	struct answer a;
	whoami(c, &a);
	if (!str_starts(a.arn, want_prefix))
		fail_msg("%s: got \"%s\" (%s), want %s...", profile ? profile : "(default)", a.arn, a.error, want_prefix);
	aws_client_free(c);
}

/* How many requests of service and operation the lab logged. */
static int lab_count(const char *service, const char *op)
{
	char *path = aws_lab_path(&lab, "requests.log");
	size_t len;
	char *text = fixture_read_path(path, &len);
	free(path);
	int n = 0;
	char *pat = xasprintf(" %s %s ", service, op);
	for (char *p = text ? strstr(text, pat) : NULL; p; p = strstr(p + 1, pat))
		n++;
	free(pat);
	free(text);
	return n;
}

static int setup(void **state)
{
	(void)state;
	char err[ERRLEN];
	aws_env_clean();
	if (http_init(err, sizeof(err)) < 0)
		return -1;
	/* short sessions: refreshes happen within the test */
	if (!aws_lab_start(&lab, "--session-duration 6"))
		return 0;
	setenv("HOME", lab.dir, 1); /* the SSO cache is DIR/.aws/sso/cache */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	aws_lab_stop(&lab);
	http_cleanup();
	loop_cleanup();
	return 0;
}

#define NEED_LAB()           \
	do {                 \
		if (!lab.up) \
			skip(); \
	} while (0)

static void test_static_sources(void **state)
{
	(void)state;
	NEED_LAB();
	expect_arn(NULL, "arn:aws:iam::123456789012:user/lab-admin"); /* the environment */
	char *akid = xstrdup(getenv("AWS_ACCESS_KEY_ID"));
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	expect_arn(NULL, "arn:aws:iam::123456789012:user/lab-admin"); /* [default] of the credentials file */
	expect_arn("lab-viewer", "arn:aws:iam::123456789012:user/lab-viewer");
	/* a named profile wins over environment keys */
	setenv("AWS_ACCESS_KEY_ID", akid, 1);
	expect_arn("lab-viewer", "arn:aws:iam::123456789012:user/lab-viewer");
	unsetenv("AWS_ACCESS_KEY_ID");
	free(akid);
}

static void test_role_and_process(void **state)
{
	(void)state;
	NEED_LAB();
	expect_arn("lab-assume", "arn:aws:sts::123456789012:assumed-role/lab-deployer/lab-assume-session");
	expect_arn("lab-process", "arn:aws:sts::123456789012:assumed-role/lab-process-role/lab-process-");
	expect_arn("lab-web-identity", "arn:aws:sts::123456789012:assumed-role/lab-web-identity/lab-web-session");
	/* web identity from the environment, as in an EKS pod */
	char *tok = aws_lab_path(&lab, "web-identity-token");
	setenv("AWS_WEB_IDENTITY_TOKEN_FILE", tok, 1);
	setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/lab-web-identity", 1);
	setenv("AWS_ROLE_SESSION_NAME", "pod-session", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent", 1);
	expect_arn(NULL, "arn:aws:sts::123456789012:assumed-role/lab-web-identity/pod-session");
	unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
	unsetenv("AWS_ROLE_ARN");
	unsetenv("AWS_ROLE_SESSION_NAME");
	char *creds = aws_lab_path(&lab, "credentials");
	setenv("AWS_SHARED_CREDENTIALS_FILE", creds, 1);
	free(creds);
	free(tok);
}

static void test_sso(void **state)
{
	(void)state;
	NEED_LAB();
	expect_arn("lab-sso", "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_LabAdmin_0123456789abcdef/lab-user");
	expect_arn("lab-sso-legacy",
		   "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_LabReadOnly_0123456789abcdef/lab-user");
	/* the access token expired, its refresh token works: refreshed and written back */
	aws_lab_control(&lab, "expire-sso?refresh=keep");
	int before = lab_count("sso-oidc", "CreateToken");
	expect_arn("lab-sso", "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_LabAdmin_");
	assert_int_equal(lab_count("sso-oidc", "CreateToken"), before + 1);
	/* and the next client reads the fresh token: no second refresh */
	expect_arn("lab-sso", "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_LabAdmin_");
	assert_int_equal(lab_count("sso-oidc", "CreateToken"), before + 1);
	/* the session is over: one sentence with what to run */
	aws_lab_control(&lab, "expire-sso");
	struct aws_client *c = client("lab-sso");
	struct answer a;
	whoami(c, &a);
	assert_string_equal(a.arn, "");
	assert_string_equal(a.error, "the IAM Identity Center session of profile lab-sso has expired: run `aws sso login "
				     "--profile lab-sso`");
	assert_true(a.auth);
	aws_client_free(c);
}

struct region_answer {
	int done;
	char region[64];
};

static void on_region(void *arg, const char *region, const char *error)
{
	struct region_answer *r = arg;
	r->done = 1;
	snprintf(r->region, sizeof(r->region), "%s", region ? region : error);
}

static void test_container_and_imds(void **state)
{
	(void)state;
	NEED_LAB();
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent", 1);
	setenv("AWS_CONFIG_FILE", "/nonexistent", 1);
	char *uri = xasprintf("%s/v2/credentials/lab-task", lab.url);
	char *tokfile = aws_lab_path(&lab, "container-token");
	size_t len;
	char *tok = fixture_read_path(tokfile, &len);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri, 1);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", tok, 1);
	expect_arn(NULL, "arn:aws:sts::123456789012:assumed-role/lab-task-role/lab-task");
	unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokfile, 1);
	expect_arn(NULL, "arn:aws:sts::123456789012:assumed-role/lab-task-role/lab-task");
	/* a wrong token is refused in one sentence */
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/dev/null", 1);
	struct aws_client *c = client(NULL);
	struct answer a;
	whoami(c, &a);
	assert_true(str_starts(a.error, "the container credentials endpoint answered HTTP 40"));
	aws_client_free(c);
	unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	/* the instance role through IMDSv2 */
	char *imds = xasprintf("%s/", lab.url);
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds, 1);
	unsetenv("AWS_EC2_METADATA_DISABLED");
	expect_arn(NULL, "arn:aws:sts::123456789012:assumed-role/lab-instance-role/i-");
	assert_true(lab_count("imds", "/latest/api/token") >= 1);
	struct region_answer r = {0};
	aws_imds_region(on_region, &r);
	assert_true(aws_turn_until(&r.done));
	assert_string_equal(r.region, "us-east-1");
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	char *creds = aws_lab_path(&lab, "credentials"), *config = aws_lab_path(&lab, "config");
	setenv("AWS_SHARED_CREDENTIALS_FILE", creds, 1);
	setenv("AWS_CONFIG_FILE", config, 1);
	free(creds);
	free(config);
	free(imds);
	free(uri);
	free(tok);
	free(tokfile);
}

static bool waited(int64_t ms)
{
	int64_t until = mono_ms() + ms;
	while (mono_ms() < until)
		loop_run_once(50);
	return true;
}

static void test_refresh(void **state)
{
	(void)state;
	NEED_LAB();
	/* one client, so the cache is what is tested */
	struct aws_client *c = client("lab-assume");
	struct answer a;
	int assumed = lab_count("sts", "AssumeRole");
	whoami(c, &a);
	assert_true(str_starts(a.arn, "arn:aws:sts::123456789012:assumed-role/lab-deployer/"));
	whoami(c, &a);
	assert_int_equal(lab_count("sts", "AssumeRole"), assumed + 1); /* cached */
	int64_t expiry = aws_creds_expiry(aws_client_creds(c));
	assert_true(expiry > wall_s());
	/* 6 s sessions are fetched again in their second half, before they expire */
	waited(3500);
	whoami(c, &a);
	assert_true(str_starts(a.arn, "arn:aws:sts::123456789012:assumed-role/lab-deployer/"));
	assert_int_equal(lab_count("sts", "AssumeRole"), assumed + 2);
	assert_true(aws_creds_expiry(aws_client_creds(c)) > expiry);
	/* the server expires them early: the call is sent again with new keys */
	aws_lab_control(&lab, "expire-credentials");
	whoami(c, &a);
	assert_true(str_starts(a.arn, "arn:aws:sts::123456789012:assumed-role/lab-deployer/"));
	assert_int_equal(lab_count("sts", "AssumeRole"), assumed + 3);
	aws_client_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_static_sources),
		cmocka_unit_test(test_role_and_process),
		cmocka_unit_test(test_sso),
		cmocka_unit_test(test_container_and_imds),
		cmocka_unit_test(test_refresh),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
