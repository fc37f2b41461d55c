/* test_aws_client.c: AWS requests against the ECS lab: the JSON 1.1 and
 * query protocols signed as AWS checks them, the error shapes turned into
 * one sentence each (a missing cluster, access denied naming the action,
 * expired keys, an unknown key, a wrong secret, a region without the
 * service), throttling retried with backoff until it passes or given up
 * with a sentence, pacing by a token bucket, urgent calls first,
 * cancellation, each try's time on the wire told to the caller (so a slow
 * list is not mistaken for a throttled one), and no secret in a sentence
 * or the debug log. The error
 * decoding is also checked on the reference payloads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/aws/client_internal.h"
#include "backends/codec/jsonget.h"
#include "backends/net/http.h"
#include "backends/util/log.h"
#include "tests/unit/aws_lab.h"

static struct aws_lab lab;

struct answer {
	int done;
	long status;
	char code[96];
	char error[ERRLEN];
	char body[512];
	bool throttled, auth, json;
	int order;
};

static int finished;

static void on_answer(void *arg, const struct aws_response *r)
{
	struct answer *a = arg;
	a->done = 1;
	a->order = ++finished;
	a->status = r->status;
	a->throttled = r->throttled;
	a->auth = r->auth;
	a->json = r->json != NULL;
	snprintf(a->code, sizeof(a->code), "%s", r->code ? r->code : "");
	snprintf(a->error, sizeof(a->error), "%s", r->error ? r->error : "");
	snprintf(a->body, sizeof(a->body), "%.*s", (int)r->len, r->body ? r->body : "");
}

static struct aws_client *client(const char *profile)
{
	char err[ERRLEN];
	struct aws_client_opts o = {.profile = profile, .explicit_profile = profile != NULL, .label = "test"};
	struct aws_client *c = aws_client_new(&o, err, sizeof(err));
	if (!c)
		fail_msg("no client: %s", err);
	return c;
}

static void ecs(struct aws_client *c, const char *op, const char *body, unsigned flags, struct answer *a)
{
	memset(a, 0, sizeof(*a));
	aws_call_json(c, &aws_svc_ecs, op, body, flags, on_answer, a);
	assert_true(aws_turn_until(&a->done));
}

static char *log_path;

static int setup(void **state)
{
	(void)state;
	char err[ERRLEN];
	aws_env_clean();
	if (http_init(err, sizeof(err)) < 0)
		return -1;
	if (!aws_lab_start(&lab, ""))
		return 0;
	log_path = aws_lab_path(&lab, "binnacle-debug.log");
	assert_int_equal(log_open(log_path, err, sizeof(err)), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	log_close();
	free(log_path);
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

static void test_json_and_errors(void **state)
{
	(void)state;
	NEED_LAB();
	struct aws_client *c = client(NULL);
	struct answer a;
	ecs(c, "ListClusters", "{}", 0, &a);
	assert_int_equal(a.status, 200);
	assert_true(a.json);
	assert_non_null(strstr(a.body, "cluster/lab-ec2"));
	/* an ECS error keeps its code, and its words */
	ecs(c, "DescribeServices", "{\"cluster\":\"nope\",\"services\":[\"web\"]}", 0, &a);
	assert_int_equal(a.status, 400);
	assert_string_equal(a.code, "ClusterNotFoundException");
	assert_string_equal(a.error, "ClusterNotFoundException: Cluster not found.");
	assert_false(a.auth);
	/* a region without the service (no endpoint override) */
	char *url = xstrdup(getenv("AWS_ENDPOINT_URL"));
	unsetenv("AWS_ENDPOINT_URL");
	struct aws_client_opts o = {.region = "xx-nowhere-1", .label = "test"};
	char err[ERRLEN];
	struct aws_client *far = aws_client_new(&o, err, sizeof(err));
	assert_non_null(far);
	ecs(far, "ListClusters", "{}", 0, &a);
	assert_string_equal(a.error, "there is no ECS endpoint for region xx-nowhere-1 (https://ecs.xx-nowhere-1.amazonaws.com "
				     "does not resolve): is the region right?");
	aws_client_free(far);
	setenv("AWS_ENDPOINT_URL", url, 1);
	free(url);
	aws_client_free(c);
}

static void test_auth_sentences(void **state)
{
	(void)state;
	NEED_LAB();
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	struct answer a;
	struct aws_client *c = client("lab-viewer");
	ecs(c, "UpdateService", "{\"cluster\":\"lab-ec2\",\"service\":\"web\",\"desiredCount\":3}", AWS_CALL_MUTATES, &a);
	assert_string_equal(a.code, "AccessDeniedException");
	assert_true(str_starts(a.error, "not allowed to call ecs:UpdateService with profile lab-viewer (credentials file): "
					"User: arn:aws:iam::123456789012:user/lab-viewer is not authorized to perform: "
					"ecs:UpdateService"));
	assert_true(a.auth);
	aws_client_free(c);
	c = client("lab-expired");
	ecs(c, "ListClusters", "{}", 0, &a);
	assert_string_equal(a.code, "ExpiredTokenException");
	assert_string_equal(a.error, "the credentials of profile lab-expired (credentials file) have expired (The security "
				     "token included in the request is expired)");
	aws_client_free(c);
	c = client("lab-wrong-secret");
	ecs(c, "ListClusters", "{}", 0, &a);
	assert_string_equal(a.code, "InvalidSignatureException");
	assert_string_equal(a.error, "AWS refused the request signature: the secret key of profile lab-wrong-secret "
				     "(credentials file) does not match its access key");
	aws_client_free(c);
	/* an unknown key, in the query protocol's XML */
	setenv("AWS_ACCESS_KEY_ID", "AKIANOBODYKNOWSTHIS", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "whatever-secret-key-of-nobody", 1);
	c = client(NULL);
	memset(&a, 0, sizeof(a));
	aws_call_query(c, &aws_svc_sts, "GetCallerIdentity", "2011-06-15", NULL, 0, on_answer, &a);
	assert_true(aws_turn_until(&a.done));
	assert_string_equal(a.code, "InvalidClientTokenId");
	if (!str_starts(a.error, "AWS does not recognise the access key of the environment's keys"))
		fail_msg("got: %s", a.error);
	aws_client_free(c);
	/* the lab's own keys again */
	char *env = aws_lab_path(&lab, "env");
	size_t len;
	char *text = fixture_read_path(env, &len);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		if (str_starts(line, "AWS_ACCESS_KEY_ID=") || str_starts(line, "AWS_SECRET_ACCESS_KEY=")) {
			char *eq = strchr(line, '=');
			*eq = '\0';
			setenv(line, eq + 1, 1);
		}
	free(text);
	free(env);
}

static void test_throttling(void **state)
{
	(void)state;
	NEED_LAB();
	struct aws_client *c = client(NULL);
	struct answer a;
	/* half the requests refused: every call still gets through, by retrying */
	aws_lab_control(&lab, "throttle?rate=0.5");
	for (int i = 0; i < 4; i++) {
		ecs(c, "ListClusters", "{}", 0, &a);
		assert_int_equal(a.status, 200);
	}
	uint64_t sent, throttled;
	aws_client_stats(c, &aws_svc_ecs, &sent, &throttled, NULL);
	assert_true(throttled >= 2);
	assert_int_equal(sent, 4 + throttled);
	/* every one refused: given up after AWS_CALL_TRIES, with a sentence */
	aws_lab_control(&lab, "throttle?rate=1");
	ecs(c, "ListServices", "{\"cluster\":\"lab-ec2\"}", 0, &a);
	assert_true(a.throttled);
	assert_string_equal(a.code, "ThrottlingException");
	assert_string_equal(a.error, "ECS kept throttling the requests (Rate exceeded); binnacle gave up after 6 tries");
	aws_lab_control(&lab, "throttle?rate=0");
	aws_client_free(c);
}

/* What aws_call_on_wire tells, as a backend's guard would count it. */
struct wire_seen {
	int outs, backs;
	bool out;          /* a try is on the wire now */
	bool out_at_done;  /* one still was when the answer came */
	struct answer a;
};

static void on_wire_told(void *arg, bool out)
{
	struct wire_seen *w = arg;
	if (out) {
		assert_false(w->out);
		w->outs++;
	} else {
		assert_true(w->out);
		w->backs++;
	}
	w->out = out;
}

static void on_wire_answer(void *arg, const struct aws_response *r)
{
	struct wire_seen *w = (struct wire_seen *)((char *)arg - offsetof(struct wire_seen, a));
	w->out_at_done = w->out;
	on_answer(arg, r);
}

static void test_wire_told(void **state)
{
	(void)state;
	NEED_LAB();
	struct aws_client *c = client(NULL);
	/* every try refused: each goes out and comes back, and the waits
	 * between the tries are not time on the wire */
	aws_lab_control(&lab, "throttle?rate=1");
	struct wire_seen w = {0};
	struct aws_call *call = aws_call_json(c, &aws_svc_ecs, "ListClusters", "{}", 0, on_wire_answer, &w.a);
	aws_call_on_wire(call, on_wire_told, &w);
	assert_true(aws_turn_until(&w.a.done));
	assert_true(w.a.throttled);
	assert_int_equal(w.outs, AWS_CALL_TRIES);
	assert_int_equal(w.backs, AWS_CALL_TRIES);
	assert_false(w.out_at_done);
	aws_lab_control(&lab, "throttle?rate=0");
	/* answered at once: one try */
	memset(&w, 0, sizeof(w));
	call = aws_call_json(c, &aws_svc_ecs, "ListClusters", "{}", 0, on_wire_answer, &w.a);
	aws_call_on_wire(call, on_wire_told, &w);
	assert_true(aws_turn_until(&w.a.done));
	assert_int_equal(w.a.status, 200);
	assert_int_equal(w.outs, 1);
	assert_int_equal(w.backs, 1);
	aws_client_free(c);
}

static void test_pacing(void **state)
{
	(void)state;
	NEED_LAB();
	struct aws_client *c = client(NULL);
	aws_client_pace(c, &aws_svc_ecs, 4, 2);
	struct answer a[6], urgent;
	finished = 0;
	for (int i = 0; i < 6; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		aws_call_json(c, &aws_svc_ecs, "ListClusters", "{}", 0, on_answer, &a[i]);
	}
	memset(&urgent, 0, sizeof(urgent));
	aws_call_json(c, &aws_svc_ecs, "ListClusters", "{}", AWS_CALL_URGENT, on_answer, &urgent);
	/* the burst went out; the rest wait for tokens */
	loop_run_once(0);
	size_t queued;
	aws_client_stats(c, &aws_svc_ecs, NULL, NULL, &queued);
	assert_true(queued >= 4);
	assert_true(aws_turn_until(&a[5].done));
	for (int i = 0; i < 6; i++)
		assert_int_equal(a[i].status, 200);
	/* the urgent one jumped the queue: it is not among the last */
	assert_true(urgent.order < 5);
	/* cancelled while queued: never told */
	struct answer gone = {0};
	struct aws_call *call = aws_call_json(c, &aws_svc_ecs, "ListClusters", "{}", 0, on_answer, &gone);
	aws_call_cancel(call);
	int64_t until = mono_ms() + 800;
	while (mono_ms() < until)
		loop_run_once(50);
	assert_int_equal(gone.done, 0);
	aws_client_free(c);
}

struct keep {
	char s[2][512];
	int done;
};

static void grab(void *arg, const struct aws_keys *k, const char *error)
{
	struct keep *keep = arg;
	assert_null(error);
	snprintf(keep->s[0], 512, "%s", k->secret_access_key);
	snprintf(keep->s[1], 512, "%s", k->session_token ? k->session_token : "");
	keep->done = 1;
}

static void test_no_secret_anywhere(void **state)
{
	(void)state;
	NEED_LAB();
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	struct aws_client *c = client("lab-assume");
	struct answer a;
	ecs(c, "ListClusters", "{}", 0, &a);
	assert_int_equal(a.status, 200);
	ecs(c, "DescribeTasks", "{\"cluster\":\"nope\",\"tasks\":[\"x\"]}", 0, &a);
	/* the keys of the role, as they are now */
	struct aws_creds *cr = aws_client_creds(c);
	struct keep keep = {0};
	aws_creds_get(cr, grab, &keep);
	assert_true(aws_turn_until(&keep.done));
	char (*secrets)[512] = keep.s;
	assert_true(strlen(secrets[0]) > 8 && strlen(secrets[1]) > 8);
	assert_null(strstr(a.error, secrets[0]));
	assert_null(strstr(a.error, secrets[1]));
	log_close();
	size_t len;
	char *logtext = fixture_read_path(log_path, &len);
	assert_non_null(logtext);
	assert_non_null(strstr(logtext, "ecs.ListClusters -> 200"));
	assert_null(strstr(logtext, secrets[0]));
	assert_null(strstr(logtext, secrets[1]));
	/* nor the lab's long-term secret */
	char *keys = aws_lab_path(&lab, "credentials");
	char *ktext = fixture_read_path(keys, &len);
	char *sec = strstr(ktext, "aws_secret_access_key = ");
	sec += strlen("aws_secret_access_key = ");
	sec[strcspn(sec, "\n")] = '\0';
	assert_null(strstr(logtext, sec));
	free(ktext);
	free(keys);
	free(logtext);
	char err[ERRLEN];
	log_open(log_path, err, sizeof(err));
	aws_client_free(c);
}

/* The error shapes of the reference payloads, without a server. */
static void test_error_shapes(void **state)
{
	(void)state;
	char code[96], msg[ERRLEN];
	aws_error_code("com.amazon.coral.service#InvalidSignatureException", code, sizeof(code));
	assert_string_equal(code, "InvalidSignatureException");
	aws_error_code("ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.eks/", code,
		       sizeof(code));
	assert_string_equal(code, "ResourceNotFoundException");
	const char *dir = getenv("BINNACLE_REFERENCE_DIR");
	char *path = dir && *dir ? xasprintf("%s/ecs/error_shape_variants_awsjson.json", dir)
				 : xasprintf("%s/../shared/reference/ecs/error_shape_variants_awsjson.json",
					     fixture_top_srcdir());
	size_t len;
	char *text = fixture_read_path(path, &len);
	free(path);
	if (!text)
		skip();
	json_object *root = json_tokener_parse(text), *vs = jsonget_arr(root, "variants");
	const char *want[][2] = {{"ClusterNotFoundException", "Cluster not found."},
				 {"ProvisionedThroughputExceededException", "The error message."},
				 {"InvalidSignatureException", "The request signature we calculated does not match the "
							       "signature you provided."},
				 {"ConnectClientException", "The error message."}};
	assert_int_equal(jsonget_len(vs), 4);
	for (size_t i = 0; i < 4; i++) {
		aws_parse_error(&aws_svc_ecs, 400, NULL, 0, NULL, jsonget_idx(vs, i), code, sizeof(code), msg, sizeof(msg));
		assert_string_equal(code, want[i][0]);
		assert_string_equal(msg, want[i][1]);
	}
	assert_true(aws_code_throttling("ProvisionedThroughputExceededException", 400));
	json_object_put(root);
	free(text);
	/* a signature error's canonical request (which may hold a token) is cut off */
	path = dir && *dir ? xasprintf("%s/ecs/http_raw_awsjson_InvalidSignatureException_dynamodb_real.http", dir)
			   : xasprintf("%s/../shared/reference/ecs/http_raw_awsjson_InvalidSignatureException_dynamodb_real.http",
				       fixture_top_srcdir());
	text = fixture_read_path(path, &len);
	free(path);
	assert_non_null(text);
	const char *body = strstr(text, "\r\n\r\n");
	body = body ? body + 4 : strstr(text, "\n\n") + 2;
	json_object *o = json_tokener_parse(body);
	aws_parse_error(&aws_svc_ecs, 400, body, strlen(body), NULL, o, code, sizeof(code), msg, sizeof(msg));
	assert_string_equal(code, "InvalidSignatureException");
	assert_null(strchr(msg, '\n'));
	assert_null(strstr(msg, "Canonical String"));
	json_object_put(o);
	free(text);
	/* STS's XML */
	const char *xml = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
			  "<Code>AccessDenied</Code><Message>User: a &amp; b is not authorized</Message></Error>"
			  "</ErrorResponse>";
	aws_parse_error(&aws_svc_sts, 403, xml, strlen(xml), NULL, NULL, code, sizeof(code), msg, sizeof(msg));
	assert_string_equal(code, "AccessDenied");
	assert_string_equal(msg, "User: a & b is not authorized");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_and_errors),
		cmocka_unit_test(test_auth_sentences),
		cmocka_unit_test(test_throttling),
		cmocka_unit_test(test_wire_told),
		cmocka_unit_test(test_pacing),
		cmocka_unit_test(test_no_secret_anywhere),
		cmocka_unit_test(test_error_shapes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
