/* test_registry_parse.c: the registry's parsers: RFC 7235 challenges (quoted
 * commas and escapes, several challenges, token68, malformed text), Link
 * headers and RFC 3986 reference resolution (RFC 3986's own examples and
 * the variants registries send), image references, manifests, indexes and
 * lists from ../shared/reference/registry with their platforms and the
 * digest of the exact bytes, image configs, error bodies, scopes compared
 * as sets and the token cache (expiry, renewal margin, the spec's 60 s
 * default), and the OSC 52 sequence the clipboard gets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/codec/crypto.h"
#include "backends/image/imageref.h"
#include "backends/registry/challenge.h"
#include "backends/registry/link.h"
#include "backends/registry/manifest.h"
#include "backends/registry/regerr.h"
#include "backends/registry/token.h"
#include "tui/clipboard.h"
#include "tests/unit/fixtures.h"

/* ---- challenges ---- */

static void test_challenge_dockerhub(void **state)
{
	(void)state;
	struct challenge c[4];
	int n = challenge_parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\"", c, 4);
	assert_int_equal(n, 1);
	assert_string_equal(c[0].scheme, "Bearer");
	assert_string_equal(challenge_param(&c[0], "realm"), "https://auth.docker.io/token");
	assert_string_equal(challenge_param(&c[0], "SERVICE"), "registry.docker.io");
	assert_null(challenge_param(&c[0], "scope"));
	challenge_cleanup(&c[0]);
}

static void test_challenge_quoted_commas(void **state)
{
	(void)state;
	struct challenge c[4];
	int n = challenge_parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
				"scope=\"repository:samalba/my-app:pull,push\",error=\"insufficient_scope\"",
				c, 4);
	assert_int_equal(n, 1);
	assert_string_equal(challenge_param(&c[0], "scope"), "repository:samalba/my-app:pull,push");
	assert_string_equal(challenge_param(&c[0], "error"), "insufficient_scope");
	assert_int_equal(c[0].nparams, 4);
	challenge_cleanup(&c[0]);
}

static void test_challenge_several(void **state)
{
	(void)state;
	struct challenge c[4];
	/* two challenges, spaces around '=', a token value, an escaped quote */
	int n = challenge_parse("Basic realm=\"a \\\"quoted\\\" realm\", Bearer realm = \"https://t/token\" , "
				"service=reg.example, Negotiate",
				c, 4);
	assert_int_equal(n, 3);
	assert_string_equal(c[0].scheme, "Basic");
	assert_string_equal(challenge_param(&c[0], "realm"), "a \"quoted\" realm");
	assert_string_equal(c[1].scheme, "Bearer");
	assert_string_equal(challenge_param(&c[1], "realm"), "https://t/token");
	assert_string_equal(challenge_param(&c[1], "service"), "reg.example");
	assert_string_equal(c[2].scheme, "Negotiate");
	assert_int_equal(c[2].nparams, 0);
	assert_ptr_equal(challenge_find(c, 3, "bearer"), &c[1]);
	assert_null(challenge_find(c, 3, "Digest"));
	for (int i = 0; i < n; i++)
		challenge_cleanup(&c[i]);
	/* ECR's */
	n = challenge_parse("Basic realm=\"https://123456789012.dkr.ecr.us-east-1.amazonaws.com/\",service=\"ecr.amazonaws.com\"",
			    c, 4);
	assert_int_equal(n, 1);
	assert_string_equal(challenge_param(&c[0], "service"), "ecr.amazonaws.com");
	challenge_cleanup(&c[0]);
}

static void test_challenge_token68(void **state)
{
	(void)state;
	struct challenge c[4];
	int n = challenge_parse("Negotiate YIIB/9gY+Rw==, Basic realm=\"r\"", c, 4);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].token68, "YIIB/9gY+Rw==");
	assert_string_equal(challenge_param(&c[1], "realm"), "r");
	for (int i = 0; i < n; i++)
		challenge_cleanup(&c[i]);
}

static void test_challenge_malformed(void **state)
{
	(void)state;
	struct challenge c[2];
	assert_int_equal(challenge_parse("", c, 2), -1);
	assert_int_equal(challenge_parse(NULL, c, 2), -1);
	assert_int_equal(challenge_parse("=\"x\"", c, 2), -1);
	assert_int_equal(challenge_parse("Bearer realm=\"unterminated", c, 2), -1);
	/* more challenges than room: the first ones */
	assert_int_equal(challenge_parse("A, B, C", c, 2), 2);
	challenge_cleanup(&c[0]);
	challenge_cleanup(&c[1]);
}

/* ---- links and references ---- */

static void check_next(const char *header, const char *want)
{
	char *got = link_next(header);
	if (!want)
		assert_null(got);
	else
		assert_string_equal(got, want);
	free(got);
}

static void test_link_next(void **state)
{
	(void)state;
	check_next("</v2/_catalog?last=b&n=2>; rel=\"next\"", "/v2/_catalog?last=b&n=2");
	check_next("<https://ghcr.io/v2/openclaw/openclaw/tags/list?last=v1.0.0>; rel=\"next\"",
		   "https://ghcr.io/v2/openclaw/openclaw/tags/list?last=v1.0.0");
	check_next("<?last=v4.0.0-cuda13>; rel=\"next\"", "?last=v4.0.0-cuda13");
	check_next("<https://a>; rel=\"prev\", </v2/n>; rel=\"next\"", "/v2/n");
	check_next("</v2/a,b>; title=\"x, y; z\"; rel=next", "/v2/a,b");
	check_next("</x>; rel=\"prev NEXT\"", "/x");
	check_next("</x>; rel=\"prev\"", NULL);
	check_next("", NULL);
	check_next("garbage", NULL);
	check_next("</x; rel=\"next\"", NULL);
}

static void check_resolve(const char *base, const char *ref, const char *want)
{
	char *got = url_resolve(base, ref);
	assert_string_equal(got, want);
	free(got);
}

static void test_url_resolve(void **state)
{
	(void)state;
	const char *b = "http://a/b/c/d;p?q";
	/* RFC 3986 section 5.4.1 */
	check_resolve(b, "g", "http://a/b/c/g");
	check_resolve(b, "./g", "http://a/b/c/g");
	check_resolve(b, "g/", "http://a/b/c/g/");
	check_resolve(b, "/g", "http://a/g");
	check_resolve(b, "//g", "http://g");
	check_resolve(b, "?y", "http://a/b/c/d;p?y");
	check_resolve(b, "g?y", "http://a/b/c/g?y");
	check_resolve(b, "#s", "http://a/b/c/d;p?q#s");
	check_resolve(b, "../g", "http://a/b/g");
	check_resolve(b, "../../g", "http://a/g");
	check_resolve(b, "../..", "http://a/");
	check_resolve(b, "g?y/./x", "http://a/b/c/g?y/./x");
	check_resolve(b, "https://other/x", "https://other/x");
	/* what registries send */
	const char *req = "http://127.0.0.1:5000/v2/_catalog?n=2";
	check_resolve(req, "/v2/_catalog?last=lab%2Fbusybox&n=2", "http://127.0.0.1:5000/v2/_catalog?last=lab%2Fbusybox&n=2");
	check_resolve("https://r.io/v2/x/tags/list?n=100", "?last=v4.0.0-cuda13", "https://r.io/v2/x/tags/list?last=v4.0.0-cuda13");
	check_resolve("https://r.io/v2/x/tags/list", "/v2/x/tags/list?last=2.0.0-beta.9&n=100",
		      "https://r.io/v2/x/tags/list?last=2.0.0-beta.9&n=100");
	char *o = url_origin("https://r.io:8443/v2/x?y");
	assert_string_equal(o, "https://r.io:8443");
	free(o);
	assert_null(url_origin("/v2/x"));
}

static void check_ref(const char *s, const char *host, const char *repo, const char *tag, const char *digest)
{
	struct image_ref r;
	char err[ERRLEN];
	assert_int_equal(imageref_parse(s, &r, err, sizeof(err)), 0);
	assert_string_equal(r.host, host);
	assert_string_equal(r.repo, repo);
	assert_string_equal(r.tag, tag);
	assert_string_equal(r.digest, digest);
}

static void test_imageref(void **state)
{
	(void)state;
	const char *d = "sha256:6457d53fb065d6f250e1504b9bc42d5b6c65941d57532c072d929dd0628977d0";
	char withd[200];
	check_ref("alpine", "docker.io", "library/alpine", "", "");
	check_ref("alpine:3.19", "docker.io", "library/alpine", "3.19", "");
	check_ref("user/repo:tag", "docker.io", "user/repo", "tag", "");
	check_ref("index.docker.io/library/x", "docker.io", "library/x", "", "");
	check_ref("127.0.0.1:5000/lab/app:1.0.0", "127.0.0.1:5000", "lab/app", "1.0.0", "");
	check_ref("localhost/busybox:lab", "localhost", "busybox", "lab", "");
	snprintf(withd, sizeof(withd), "ghcr.io/o/r@%s", d);
	check_ref(withd, "ghcr.io", "o/r", "", d);
	snprintf(withd, sizeof(withd), "ghcr.io/o/r:v1@%s", d);
	check_ref(withd, "ghcr.io", "o/r", "v1", d);
	check_ref("[::1]:5000/a/b", "[::1]:5000", "a/b", "", "");
	struct image_ref r;
	char err[ERRLEN];
	assert_int_equal(imageref_parse("UPPER/x", &r, err, sizeof(err)), -1);
	assert_int_equal(imageref_parse("x@sha256:123", &r, err, sizeof(err)), -1);
	assert_int_equal(imageref_parse("x:", &r, err, sizeof(err)), -1);
	assert_int_equal(imageref_parse("a//b", &r, err, sizeof(err)), -1);
	char h[64];
	imageref_host("https://index.docker.io/v1/", h, sizeof(h));
	assert_string_equal(h, "docker.io");
	imageref_host("http://Registry.Example.com:5000/v2/", h, sizeof(h));
	assert_string_equal(h, "registry.example.com:5000");
	assert_true(imageref_same_host("registry-1.docker.io", "docker.io"));
	assert_false(imageref_same_host("127.0.0.1:5000", "127.0.0.1:5001"));
	assert_string_equal(imageref_api_host("docker.io"), "registry-1.docker.io");
	assert_true(imageref_loopback("127.0.0.1:5000"));
	assert_true(imageref_loopback("localhost"));
	assert_true(imageref_loopback("[::1]:5000"));
	assert_false(imageref_loopback("registry.example.com"));
	assert_false(imageref_loopback("localhost.example.com:5000"));
	assert_true(imageref_is_digest(d));
	assert_false(imageref_is_digest("sha256:abc"));
}

/* ---- manifests ---- */

static void test_oci_index(void **state)
{
	(void)state;
	REF_IN(body, len, "registry", "oci_image-index_example_0.json");
	struct manifest m;
	char err[ERRLEN];
	assert_int_equal(manifest_decode(body, len, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.kind, MF_OCI_INDEX);
	assert_true(manifest_is_index(&m));
	assert_string_equal(manifest_kind_text(m.kind), "OCI index");
	assert_int_equal(m.nmanifests, 2);
	char *p = manifest_platforms(&m);
	assert_string_equal(p, "linux/ppc64le,linux/amd64");
	free(p);
	const struct mf_desc *d = manifest_pick(&m, "linux", "amd64", "");
	assert_string_equal(d->digest, "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270");
	assert_int_equal(d->size, 7682);
	/* no such platform: linux/amd64, as docker falls back */
	assert_ptr_equal(manifest_pick(&m, "linux", "s390x", ""), d);
	assert_int_equal(manifest_image_size(&m), -1);
	manifest_cleanup(&m);
	free(body);
}

static void test_docker_list(void **state)
{
	(void)state;
	REF_IN(body, len, "registry", "dockerhub_alpine_manifest_list_REFORMATTED_by_logger.json");
	struct manifest m;
	char err[ERRLEN];
	assert_int_equal(manifest_decode(body, len, "application/vnd.docker.distribution.manifest.list.v2+json", &m, err,
					 sizeof(err)),
			 0);
	assert_int_equal(m.kind, MF_DOCKER_LIST);
	assert_string_equal(manifest_kind_text(m.kind), "Docker list");
	char *p = manifest_platforms(&m);
	assert_non_null(strstr(p, "linux/arm/v6"));
	assert_non_null(strstr(p, "linux/amd64"));
	free(p);
	const struct mf_desc *d = manifest_pick(&m, "linux", "arm", "v7");
	assert_string_equal(d->platform.variant, "v7");
	d = manifest_pick(&m, "linux", "amd64", NULL);
	assert_string_equal(d->digest, "sha256:6457d53fb065d6f250e1504b9bc42d5b6c65941d57532c072d929dd0628977d0");
	/* the logger re-indented it: its bytes no longer hash to the digest the registry gave */
	char hex[65];
	crypto_sha256_hex(body, len, hex);
	assert_string_not_equal(hex, "c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b");
	manifest_cleanup(&m);
	free(body);
}

static void test_docker_v2_digest(void **state)
{
	(void)state;
	REF_IN(body, len, "registry", "dockerhub_alpine_amd64_manifest_v2.json");
	struct manifest m;
	char err[ERRLEN], hex[65];
	assert_int_equal(manifest_decode(body, len, "application/vnd.docker.distribution.manifest.v2+json; charset=utf-8",
					 &m, err, sizeof(err)),
			 0);
	assert_int_equal(m.kind, MF_DOCKER_V2);
	assert_string_equal(m.media_type, MT_DOCKER_V2);
	assert_int_equal(m.config.size, 1472);
	assert_int_equal(m.nlayers, 1);
	assert_true(manifest_image_size(&m) > 1472);
	/* the digest is the hash of the bytes as they came, 528 of them */
	assert_int_equal(len, 528);
	crypto_sha256_hex(body, len, hex);
	assert_string_equal(hex, "6457d53fb065d6f250e1504b9bc42d5b6c65941d57532c072d929dd0628977d0");
	manifest_cleanup(&m);
	free(body);
}

static void test_oci_manifest(void **state)
{
	(void)state;
	REF_IN(body, len, "registry", "oci_manifest_example_0.json");
	struct manifest m;
	char err[ERRLEN];
	assert_int_equal(manifest_decode(body, len, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m.kind, MF_OCI_MANIFEST);
	assert_int_equal(m.nlayers, 3);
	assert_int_equal(manifest_image_size(&m), 7023 + 32654 + 16724 + 73109);
	char *p = manifest_platforms(&m);
	assert_string_equal(p, "");
	free(p);
	manifest_cleanup(&m);
	free(body);
	/* every OCI example of the reference decodes */
	for (int i = 1; i <= 4; i++) {
		char name[64];
		snprintf(name, sizeof(name), "oci_manifest_example_%d.json", i);
		size_t n = 0;
		char *b = ref_read_in("registry", name, &n);
		if (!b)
			continue;
		assert_int_equal(manifest_decode(b, n, MT_OCI_MANIFEST, &m, err, sizeof(err)), 0);
		manifest_cleanup(&m);
		free(b);
	}
}

static void test_manifest_refused(void **state)
{
	(void)state;
	struct manifest m;
	char err[ERRLEN];
	assert_int_equal(manifest_decode("[1]", 3, NULL, &m, err, sizeof(err)), -1);
	assert_int_equal(manifest_decode("{\"a\":1}", 7, "application/json", &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "application/json"));
	const char *v1 = "{\"schemaVersion\":1,\"architecture\":\"amd64\",\"fsLayers\":[{\"blobSum\":\"sha256:aa\"}]}";
	assert_int_equal(manifest_decode(v1, strlen(v1), MT_DOCKER_V1_SIGNED, &m, err, sizeof(err)), 0);
	assert_int_equal(m.kind, MF_DOCKER_V1);
	assert_int_equal(m.nlayers, 1);
	assert_int_equal(manifest_image_size(&m), -1);
	manifest_cleanup(&m);
}

static void test_image_config(void **state)
{
	(void)state;
	const char *cfg = "{\"created\":\"2024-05-06T07:08:09.5Z\",\"architecture\":\"arm\",\"variant\":\"v7\",\"os\":\"linux\","
			  "\"config\":{\"Cmd\":[\"/bin/sh\"]},\"history\":[]}";
	struct image_config c;
	char err[ERRLEN];
	assert_int_equal(image_config_decode(cfg, strlen(cfg), &c, err, sizeof(err)), 0);
	assert_int_equal(c.created, 1714979289);
	assert_string_equal(c.platform.arch, "arm");
	assert_string_equal(c.platform.variant, "v7");
	assert_int_equal(image_config_decode("nope", 4, &c, err, sizeof(err)), -1);
}

/* ---- errors ---- */

static void check_err(const char *sub, const char *name, long status, const char *code, const char *msg)
{
	size_t len = 0;
	char *body = ref_read_in(sub, name, &len);
	if (!body)
		return;
	char c[32], m[256];
	regerr_decode(status, body, len, c, sizeof(c), m, sizeof(m));
	assert_string_equal(c, code);
	assert_string_equal(m, msg);
	free(body);
}

static void test_errors(void **state)
{
	(void)state;
	check_err("registry", "error_denied_403.json", 403, "DENIED", "requested access to the resource is denied");
	check_err("registry", "error_unauthorized_dockerhub_real.json", 401, "UNAUTHORIZED", "authentication required");
	check_err("registry", "error_manifest_unknown_accept_header_oci.json", 404, "MANIFEST_UNKNOWN",
		  "OCI manifest found, but accept header does not support OCI manifests");
	check_err("registry", "error_name_unknown_distribution_shape.json", 404, "NAME_UNKNOWN",
		  "repository name not known to registry");
	char c[32], m[256];
	regerr_decode(401, "Not Authorized\n", 15, c, sizeof(c), m, sizeof(m));
	assert_string_equal(c, "");
	assert_string_equal(m, "Not Authorized");
	regerr_decode(502, "<html>bad gateway</html>", 24, c, sizeof(c), m, sizeof(m));
	assert_string_equal(m, "HTTP 502");
	const char *odd = "{\"errors\":[{\"code\":\"SOMETHING_NEW\",\"message\":\"a\"},{\"code\":\"DENIED\",\"message\":\"b\"}]}";
	regerr_decode(400, odd, strlen(odd), c, sizeof(c), m, sizeof(m));
	assert_string_equal(c, "UNKNOWN");
	assert_string_equal(m, "a; b");
	regerr_ratelimit_text("100;w=21600", "87;w=21600", m, sizeof(m));
	assert_string_equal(m, "87 of 100 pulls left per 6h");
	regerr_ratelimit_text(NULL, "87", m, sizeof(m));
	assert_string_equal(m, "");
}

/* ---- tokens ---- */

static void test_scopes(void **state)
{
	(void)state;
	char *n = scope_normalize("repository:lab/many:push,pull");
	assert_string_equal(n, "repository:lab/many:pull,push");
	free(n);
	/* distribution 2.8 writes the actions in any order: the same scope */
	char *a = scope_normalize("repository:b:pull repository:a:push,pull,pull");
	char *b = scope_normalize("repository:a:pull,push  repository:b:pull");
	assert_string_equal(a, b);
	assert_string_equal(a, "repository:a:pull,push repository:b:pull");
	free(a);
	free(b);
	/* a name may hold ':' (a registry's port): the actions start after the last */
	n = scope_normalize("repository:host:5000/x:pull");
	assert_string_equal(n, "repository:host:5000/x:pull");
	free(n);
	n = scope_normalize("");
	assert_string_equal(n, "");
	free(n);
	assert_true(scope_covers("repository:a:pull,push", "repository:a:pull"));
	assert_false(scope_covers("repository:a:pull", "repository:a:push"));
	assert_true(scope_covers("registry:catalog:*", "registry:catalog:*"));
	assert_true(scope_covers("repository:a:*", "repository:a:delete"));
	assert_false(scope_covers("repository:a:pull", "repository:b:pull"));
}

static void test_token_cache(void **state)
{
	(void)state;
	struct reg_tokens ts = {0};
	clock_pin(1000000, 1700000000);
	tokens_put(&ts, "repository:a:push,pull", "tok-a", 300);
	assert_string_equal(tokens_get(&ts, "repository:a:pull,push"), "tok-a");
	assert_null(tokens_get(&ts, "repository:b:pull"));
	/* renewed before the end: 300 s minus 10% (30 s) */
	clock_pin(1000000 + 269000, 1700000269);
	assert_non_null(tokens_get(&ts, "repository:a:pull,push"));
	clock_pin(1000000 + 271000, 1700000271);
	assert_null(tokens_get(&ts, "repository:a:pull,push"));
	/* no expires_in: the spec's 60 s; a 5 s token is kept 4 s */
	tokens_put(&ts, "x:y:pull", "t60", 0);
	tokens_put(&ts, "x:z:pull", "t5", 5);
	clock_pin(1000000 + 271000 + 4500, 1700000275);
	assert_string_equal(tokens_get(&ts, "x:y:pull"), "t60");
	assert_null(tokens_get(&ts, "x:z:pull"));
	/* a refused token is forgotten; a new one replaces the old */
	tokens_put(&ts, "x:y:pull", "t60b", 60);
	assert_string_equal(tokens_get(&ts, "x:y:pull"), "t60b");
	tokens_forget(&ts, "x:y:pull");
	assert_null(tokens_get(&ts, "x:y:pull"));
	tokens_clear(&ts);
	clock_pin(0, 0);
	int64_t exp;
	REF_IN(body, len, "registry", "token_response_dockerhub_real_redacted.json");
	char *t = token_response_decode(body, len, &exp);
	assert_non_null(t);
	assert_int_equal(exp, 300);
	free(t);
	free(body);
	t = token_response_decode("{\"access_token\":\"only\"}", 24, &exp);
	assert_string_equal(t, "only");
	assert_int_equal(exp, 0);
	free(t);
	assert_null(token_response_decode("{}", 2, &exp));
}

/* ---- the clipboard (OSC 52) ---- */

static void test_clipboard(void **state)
{
	(void)state;
	char *s = clipboard_sequence("reg:5000/lab/app@sha256:ab", false);
	assert_string_equal(s, "\033]52;c;cmVnOjUwMDAvbGFiL2FwcEBzaGEyNTY6YWI=\a");
	free(s);
	/* GNU screen passes it on inside a DCS */
	s = clipboard_sequence("x", true);
	assert_string_equal(s, "\033P\033]52;c;eA==\a\033\\");
	free(s);
	/* whatever the text holds, the terminal sees only base64 */
	s = clipboard_sequence("\033]0;evil\a", false);
	assert_null(strchr(s + 2, '\033'));
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_challenge_dockerhub), cmocka_unit_test(test_challenge_quoted_commas),
		cmocka_unit_test(test_challenge_several),   cmocka_unit_test(test_challenge_token68),
		cmocka_unit_test(test_challenge_malformed), cmocka_unit_test(test_link_next),
		cmocka_unit_test(test_url_resolve),	    cmocka_unit_test(test_imageref),
		cmocka_unit_test(test_oci_index),	    cmocka_unit_test(test_docker_list),
		cmocka_unit_test(test_docker_v2_digest),    cmocka_unit_test(test_oci_manifest),
		cmocka_unit_test(test_manifest_refused),    cmocka_unit_test(test_image_config),
		cmocka_unit_test(test_errors),		    cmocka_unit_test(test_scopes),
		cmocka_unit_test(test_token_cache),	    cmocka_unit_test(test_clipboard),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
