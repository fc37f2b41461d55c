/* test_aws_sigv4.c: the SigV4 signer against AWS's own test suite (every
 * vector: canonical request, string to sign, Authorization) and the ECS
 * JSON 1.1 vectors botocore computed, plus presigned URLs as `aws eks
 * get-token` builds them. The vectors live in ../shared/reference/ecs;
 * without them those tests skip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backends/aws/sigv4.h"
#include "backends/codec/jsonget.h"
#include "tests/unit/fixtures.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define T20150830 1440938160 /* 2015-08-30T12:36:00Z */

static char *ecs_ref_path(const char *name)
{
	const char *dir = getenv("BINNACLE_REFERENCE_DIR");
	if (dir && *dir)
		return xasprintf("%s/ecs/%s", dir, name);
	return xasprintf("%s/../shared/reference/ecs/%s", fixture_top_srcdir(), name);
}

static char *slurp(const char *path)
{
	size_t len;
	return fixture_read_path(path, &len);
}

/* One vector of the suite, parsed from its .req (and the token from .sreq). */
struct vector {
	char method[16];
	char *path, *query, *host, *token, *body;
	char *headers[32];
	size_t nheaders;
};

static void vector_cleanup(struct vector *v)
{
	free(v->path);
	free(v->query);
	free(v->host);
	free(v->token);
	free(v->body);
	for (size_t i = 0; i < v->nheaders; i++)
		free(v->headers[i]);
}

static char *header_of(const char *text, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncasecmp(p, name, n) && p[n] == ':') {
			const char *end = strchr(p, '\n');
			return xstrndup(p + n + 1, end ? (size_t)(end - p - n - 1) : strlen(p + n + 1));
		}
	return NULL;
}

static void parse_req(const char *req, const char *sreq, struct vector *v)
{
	memset(v, 0, sizeof(*v));
	const char *eol = strchr(req, '\n');
	size_t linelen = eol ? (size_t)(eol - req) : strlen(req);
	char *line = xstrndup(req, linelen);
	char *sp = strchr(line, ' '), *proto = strstr(line, " HTTP/");
	assert_non_null(sp);
	assert_non_null(proto);
	snprintf(v->method, sizeof(v->method), "%.*s", (int)(sp - line), line);
	*proto = '\0';
	char *target = sp + 1, *q = strchr(target, '?');
	if (q) {
		*q = '\0';
		v->query = xstrdup(q + 1);
	}
	v->path = xstrdup(target);
	free(line);
	/* headers, with folded continuation lines, up to a blank line */
	const char *p = eol ? eol + 1 : "";
	while (*p && *p != '\n') {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if ((*p == ' ' || *p == '\t') && v->nheaders) {
			char *joined = xasprintf("%s\n%.*s", v->headers[v->nheaders - 1], (int)len, p);
			free(v->headers[v->nheaders - 1]);
			v->headers[v->nheaders - 1] = joined;
		} else {
			v->headers[v->nheaders++] = xstrndup(p, len);
		}
		p = end ? end + 1 : p + len;
	}
	v->body = xstrdup(*p == '\n' ? p + 1 : "");
	/* Host, X-Amz-Date and the token are the signer's to add */
	size_t kept = 0;
	for (size_t i = 0; i < v->nheaders; i++) {
		char *h = v->headers[i];
		if (!strncasecmp(h, "host:", 5)) {
			v->host = xstrdup(h + 5);
			free(h);
		} else if (!strncasecmp(h, "x-amz-date:", 11)) {
			free(h);
		} else if (!strncasecmp(h, "x-amz-security-token:", 21)) {
			v->token = xstrdup(h + 21);
			free(h);
		} else {
			v->headers[kept++] = h;
		}
	}
	v->nheaders = kept;
	v->headers[kept] = NULL;
	if (!v->token && sreq)
		v->token = header_of(sreq, "X-Amz-Security-Token");
}

static int checked;

static void check_vector(const char *dir, const char *name)
{
	char *base = xasprintf("%s/%s/%s", dir, name, name);
	char *req_path = xasprintf("%s.req", base), *creq_path = xasprintf("%s.creq", base);
	char *sts_path = xasprintf("%s.sts", base), *authz_path = xasprintf("%s.authz", base);
	char *sreq_path = xasprintf("%s.sreq", base);
	char *req = slurp(req_path), *creq = slurp(creq_path), *sts = slurp(sts_path), *authz = slurp(authz_path);
	char *sreq = slurp(sreq_path);
	if (req && creq && sts && authz) {
		struct vector v;
		parse_req(req, sreq, &v);
		struct sigv4_input in = {.method = v.method, .host = v.host, .path = v.path, .query = v.query,
					 .headers = (const char *const *)v.headers, .body = v.body,
					 .body_len = strlen(v.body), .region = "us-east-1", .service = "service",
					 .when = T20150830};
		struct aws_keys k = {"AKIDEXAMPLE", SECRET, v.token};
		struct sigv4_output out;
		sigv4_sign(&in, &k, &out);
		if (strcmp(out.canonical, creq))
			fail_msg("%s: canonical request\n--- got\n%s\n--- want\n%s", name, out.canonical, creq);
		assert_string_equal(out.string_to_sign, sts);
		assert_string_equal(out.authorization, authz);
		sigv4_output_cleanup(&out);
		vector_cleanup(&v);
		checked++;
	}
	free(req);
	free(creq);
	free(sts);
	free(authz);
	free(sreq);
	free(base);
	free(req_path);
	free(creq_path);
	free(sts_path);
	free(authz_path);
	free(sreq_path);
}

/* Every folder holding NAME/NAME.req, one level of nesting deep too. */
static void walk(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *sub = xasprintf("%s/%s", dir, e->d_name);
		char *req = xasprintf("%s/%s.req", sub, e->d_name);
		FILE *f = fopen(req, "r");
		if (f) {
			fclose(f);
			/* the token added after signing is another protocol's habit */
			if (strcmp(e->d_name, "post-sts-header-after"))
				check_vector(dir, e->d_name);
		} else {
			walk(sub);
		}
		free(req);
		free(sub);
	}
	closedir(d);
}

static void test_aws_suite(void **state)
{
	(void)state;
	char *dir = ecs_ref_path("sigv4_testsuite");
	DIR *d = opendir(dir);
	if (!d) {
		free(dir);
		skip();
	}
	closedir(d);
	checked = 0;
	walk(dir);
	free(dir);
	/* 25 vectors at the top, 8 path normalisations, the token one */
	assert_true(checked >= 30);
}

static void test_ecs_vectors(void **state)
{
	(void)state;
	char *path = ecs_ref_path("sigv4_ecs_generated_vectors.json");
	char *text = slurp(path);
	free(path);
	if (!text)
		skip();
	json_object *root = json_tokener_parse(text);
	json_object *vs = jsonget_arr(root, "vectors");
	assert_true(jsonget_len(vs) >= 4);
	for (size_t i = 0; i < jsonget_len(vs); i++) {
		json_object *v = jsonget_idx(vs, i), *hs = jsonget_obj(v, "request_headers_after_signing");
		const char *url = jsonget_str(v, "url"), *body = jsonget_str(v, "body");
		const char *host = strstr(url, "://") + 3;
		char *h = xstrndup(host, strcspn(host, "/"));
		char *ct = xasprintf("Content-Type: %s", jsonget_str(hs, "Content-Type"));
		char *target = xasprintf("X-Amz-Target: %s", jsonget_str(hs, "X-Amz-Target"));
		const char *headers[] = {ct, target, NULL};
		struct sigv4_input in = {.method = jsonget_str(v, "method"), .host = h, .path = "/", .headers = headers,
					 .body = body, .body_len = strlen(body), .region = jsonget_str(v, "region"),
					 .service = jsonget_str(v, "service"), .when = T20150830};
		struct aws_keys k = {jsonget_str(v, "access_key"), jsonget_str(v, "secret_key"),
				     jsonget_str(v, "session_token")};
		struct sigv4_output out;
		sigv4_sign(&in, &k, &out);
		assert_string_equal(out.amz_date, jsonget_str(v, "amz_date"));
		assert_string_equal(out.canonical, jsonget_str(v, "canonical_request"));
		assert_string_equal(out.string_to_sign, jsonget_str(v, "string_to_sign"));
		assert_string_equal(out.authorization, jsonget_str(v, "authorization"));
		sigv4_output_cleanup(&out);
		free(h);
		free(ct);
		free(target);
	}
	json_object_put(root);
	free(text);
}

/* The presigned GetCallerIdentity of an EKS token, recomputed by hand from
 * the parts the canonical request must have. */
static void test_presign(void **state)
{
	(void)state;
	const char *headers[] = {"x-k8s-aws-id: lab-eks", NULL};
	struct sigv4_input in = {.method = "GET", .host = "sts.us-east-1.amazonaws.com", .path = "/",
				 .query = "Action=GetCallerIdentity&Version=2011-06-15", .headers = headers,
				 .region = "us-east-1", .service = "sts", .when = T20150830};
	struct aws_keys k = {"AKIDEXAMPLE", SECRET, "tok/en+="};
	struct sigv4_output out;
	char *q = sigv4_presign(&in, &k, 60, &out);
	assert_true(str_starts(q, "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&"
				  "X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fsts%2Faws4_request&"
				  "X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&"
				  "X-Amz-Security-Token=tok%2Fen%2B%3D&X-Amz-Signature="));
	assert_string_equal(strstr(q, "X-Amz-Signature=") + 16, out.signature);
	/* the token is in the signed query, not among the headers */
	assert_string_equal(out.canonical,
			    "GET\n/\nAction=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&"
			    "X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fsts%2Faws4_request&"
			    "X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-Security-Token=tok%2Fen%2B%3D&"
			    "X-Amz-SignedHeaders=host%3Bx-k8s-aws-id\n"
			    "host:sts.us-east-1.amazonaws.com\nx-k8s-aws-id:lab-eks\n\nhost;x-k8s-aws-id\n"
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_null(out.authorization);
	sigv4_output_cleanup(&out);
	free(q);
}

static void test_helpers(void **state)
{
	(void)state;
	char d[17];
	sigv4_amz_date(T20150830, d);
	assert_string_equal(d, "20150830T123600Z");
	char *e = sigv4_uri_encode("a b/~c%", 7, 1);
	assert_string_equal(e, "a%20b/~c%25");
	free(e);
	e = sigv4_uri_encode("a/b", 3, 0);
	assert_string_equal(e, "a%2Fb");
	free(e);
	/* a port is part of the host signed, as it is sent */
	const char *headers[] = {"Content-Type: application/x-amz-json-1.1", NULL};
	struct sigv4_input in = {.method = "POST", .host = "127.0.0.1:8080", .headers = headers, .body = "{}",
				 .body_len = 2, .region = "us-east-1", .service = "ecs", .when = T20150830};
	struct aws_keys k = {"AKIDEXAMPLE", SECRET, NULL};
	struct sigv4_output out;
	sigv4_sign(&in, &k, &out);
	assert_non_null(strstr(out.canonical, "\nhost:127.0.0.1:8080\n"));
	assert_string_equal(out.signed_headers, "content-type;host;x-amz-date");
	assert_null(strstr(out.authorization, SECRET));
	sigv4_output_cleanup(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aws_suite),
		cmocka_unit_test(test_ecs_vectors),
		cmocka_unit_test(test_presign),
		cmocka_unit_test(test_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
