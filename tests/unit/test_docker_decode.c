/* test_docker_decode.c: the list and host decoders (containers, images,
 * engine info) against real engine payloads (the shared reference folder,
 * skipped when absent) and hand-made bodies for the relist and partial update
 * edge cases. Events, stats and errors are in test_docker_decode_stream.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/docker/decode.h"
#include "tests/unit/fixtures.h"
#include "backends/model/kinds.h"
#include "views/model.h"
#include "backends/model/store.h"
#include "backends/util/util.h"

/* ---- fixtures ---- */

/* The body of a raw HTTP response (after the blank line). */
static const char *http_body(const char *raw, size_t len, size_t *blen)
{
	const char *p = strstr(raw, "\r\n\r\n");
	size_t skip_n = 4;
	if (!p) {
		p = strstr(raw, "\n\n");
		skip_n = 2;
	}
	assert_non_null(p);
	p += skip_n;
	*blen = len - (size_t)(p - raw);
	return p;
}

/* The STATUS cell as the screen shows it now (a live duration, or text). */
static const char *shown_status(const struct row *r)
{
	static char out[256];
	model_cell_text(&r->cells[CTR_STATUS], wall_s(), out, sizeof(out));
	return out;
}

static int setup(void **state)
{
	clock_pin(1000000, 1800000000);
	*state = store_new();
	return 0;
}

static int teardown(void **state)
{
	store_free(*state);
	clock_pin(0, 0);
	return 0;
}

static struct row *find_by(struct rtable *t, int idx, const char *text)
{
	for (size_t i = 0; t && i < t->len; i++)
		if (!strcmp(row_text(t->rows[i], idx), text))
			return t->rows[i];
	return NULL;
}

static struct rtable *ctrs(struct store *s)
{
	return store_find_table(s, KIND_CONTAINERS);
}

static struct rtable *imgs(struct store *s)
{
	return store_find_table(s, KIND_IMAGES);
}

static int decode_str(struct store *s, const char *json)
{
	char err[ERRLEN] = "";
	int rc = docker_decode_containers(s, json, strlen(json), err, sizeof(err));
	if (rc)
		print_error("decode: %s\n", err);
	return rc;
}

/* ---- containers from the reference payloads ---- */

static void test_containers_api122(void **state)
{
	struct store *s = *state;
	REF(json, len, "containers_json_api1.22_dockerjava.json");
	char err[ERRLEN];
	assert_int_equal(docker_decode_containers(s, json, len, err, sizeof(err)), 0);
	struct rtable *t = ctrs(s);
	assert_int_equal(rtable_live_count(t), 1);
	assert_true(t->synced);
	struct row *r = rtable_find(t, "095351afe7b4995dfb3e965f9cfd3a07b1fe69198c50085a2cb7c2b5a5c9b62f");
	assert_non_null(r);
	assert_string_equal(row_text(r, CTR_NAME), "drunk_golick");
	assert_string_equal(row_text(r, CTR_IMAGE), "busybox");
	/* API 1.22 has no State: derived from "Up Less than a second" */
	assert_string_equal(row_text(r, CTR_STATE), "running");
	assert_string_equal(shown_status(r), "Up Less than a second");
	assert_int_equal(r->cells[CTR_HEALTH].type, CELL_NONE);
	assert_int_equal(r->cells[CTR_PORTS].type, CELL_NONE);
	assert_int_equal(r->cells[CTR_LABELS].type, CELL_NONE);
	assert_int_equal(r->cells[CTR_CREATED].type, CELL_TIME);
	assert_int_equal(r->cells[CTR_CREATED].num, 1455662451);
	assert_string_equal(row_text(r, CTR_ID), "095351afe7b4");
	assert_string_equal(row_text(r, CTR_IMAGEID),
			    "sha256:0cb40641836c461bc97c793971d84d758371ed682042457523e4ae701efe7ec9");
	assert_string_equal(row_text(r, CTR_COMMAND), "echo");
	free(json);
}

static void test_containers_docker_desktop(void **state)
{
	struct store *s = *state;
	REF(json, len, "containers_json_docker_desktop_api1.5x_real.json");
	char err[ERRLEN];
	assert_int_equal(docker_decode_containers(s, json, len, err, sizeof(err)), 0);
	struct row *r = find_by(ctrs(s), CTR_NAME, "test-nginx");
	assert_non_null(r);
	assert_string_equal(r->id, "b40f35de8cbcd844954a936a87fe2d2392ef8b765567d9b30c9caf39602da868");
	assert_string_equal(row_text(r, CTR_IMAGE), "nginx");
	assert_string_equal(row_text(r, CTR_STATE), "running");
	assert_string_equal(shown_status(r), "Up About a minute");
	/* "Health":{"Status":"none"}: no health check, so no health shown */
	assert_int_equal(r->cells[CTR_HEALTH].type, CELL_NONE);
	/* "IP":"" and no PublicPort: exposed, not published */
	assert_string_equal(row_text(r, CTR_PORTS), "80/tcp");
	assert_string_equal(row_text(r, CTR_COMMAND), "/docker-entrypoint.sh nginx -g 'daemon off;'");
	assert_string_equal(row_text(r, CTR_LABELS),
			    "desktop.docker.io/ports.scheme=v2,maintainer=NGINX Docker Maintainers <docker-maint@nginx.com>");
	assert_int_equal(r->cells[CTR_CREATED].num, 1781798399);
	assert_string_equal(row_text(r, CTR_ID), "b40f35de8cbc");
	free(json);
}

static void test_containers_swagger(void **state)
{
	struct store *s = *state;
	REF(json, len, "containers_json_example_api1.47_swagger.json");
	char err[ERRLEN];
	assert_int_equal(docker_decode_containers(s, json, len, err, sizeof(err)), 0);
	struct rtable *t = ctrs(s);
	assert_int_equal(rtable_live_count(t), 4);
	struct row *r = rtable_find(t, "8dfafdbc3a40");
	assert_non_null(r);
	assert_string_equal(row_text(r, CTR_NAME), "boring_feynman");
	assert_string_equal(row_text(r, CTR_STATE), "exited"); /* "Exited" in the example */
	assert_string_equal(shown_status(r), "Exit 0");
	/* a published port without an address keeps its host port */
	assert_string_equal(row_text(r, CTR_PORTS), "3333->2222/tcp");
	assert_string_equal(row_text(r, CTR_LABELS),
			    "com.example.license=GPL,com.example.vendor=Acme,com.example.version=1.0");
	assert_string_equal(row_text(r, CTR_ID), "8dfafdbc3a40");
	assert_non_null(find_by(t, CTR_NAME, "coolName"));
	assert_non_null(find_by(t, CTR_NAME, "sleepy_dog"));
	r = find_by(t, CTR_NAME, "running_cat");
	assert_non_null(r);
	assert_string_equal(row_text(r, CTR_COMMAND), "echo 444444444444444444444444444444444");
	assert_int_equal(r->cells[CTR_CREATED].num, 1367854152);
	free(json);
}

/* ---- images from the reference payloads ---- */

static void test_images_docker_desktop(void **state)
{
	struct store *s = *state;
	REF(cjson, clen, "containers_json_docker_desktop_api1.5x_real.json");
	REF(json, len, "images_json_docker_desktop_descriptor_real.json");
	char err[ERRLEN];
	assert_int_equal(docker_decode_containers(s, cjson, clen, err, sizeof(err)), 0);
	assert_int_equal(docker_decode_images(s, json, len, err, sizeof(err)), 0);
	struct rtable *t = imgs(s);
	assert_int_equal(rtable_live_count(t), 3);
	struct row *r = rtable_find(
		t, "sha256:93b5d01a98de324793eae1d5960bf536402613fd5289eb041bac2c9337bc7666|docker_setup-nginx-php:latest");
	assert_non_null(r);
	assert_string_equal(row_text(r, IMG_NAME), "docker_setup-nginx-php:latest");
	assert_string_equal(row_text(r, IMG_ID), "93b5d01a98de");
	assert_int_equal(r->cells[IMG_SIZE].type, CELL_BYTES);
	assert_int_equal(r->cells[IMG_SIZE].num, 1277167255);
	assert_int_equal(r->cells[IMG_CREATED].type, CELL_TIME);
	assert_int_equal(r->cells[IMG_CREATED].num, 1762794130);
	assert_string_equal(row_text(r, IMG_DIGEST),
			    "sha256:93b5d01a98de324793eae1d5960bf536402613fd5289eb041bac2c9337bc7666");
	/* "Containers":1 in the body, but the nginx container of this host runs
	 * another image: usage comes from the containers table */
	assert_int_equal(r->cells[IMG_INUSE].type, CELL_INT);
	assert_int_equal(r->cells[IMG_INUSE].num, 0);
	assert_string_equal(row_text(r, IMG_INUSE), "no");
	r = find_by(t, IMG_NAME, "alpine:latest");
	assert_non_null(r);
	assert_int_equal(r->cells[IMG_SIZE].num, 12794775);
	assert_string_equal(row_text(r, IMG_FULLID),
			    "sha256:4b7ce07002c69e8f3d704a9c5d6fd3053be500b7f1c69fc0d80990c2ad8dd412");
	r = find_by(t, IMG_NAME, "docker_setup-mariadb:latest");
	assert_non_null(r);
	assert_int_equal(r->cells[IMG_SIZE].num, 454269972);
	free(json);
	free(cjson);
}

static void test_images_http_raw_api139(void **state)
{
	struct store *s = *state;
	REF(raw, rawlen, "http_raw_images_json_api1.39_with_headers.http");
	size_t len;
	const char *body = http_body(raw, rawlen, &len);
	char err[ERRLEN];
	assert_int_equal(docker_decode_images(s, body, len, err, sizeof(err)), 0);
	struct rtable *t = imgs(s);
	assert_int_equal(rtable_live_count(t), 1);
	struct row *r = find_by(t, IMG_NAME, "hello-world:latest");
	assert_non_null(r);
	assert_int_equal(r->cells[IMG_SIZE].num, 1840);
	assert_int_equal(r->cells[IMG_CREATED].num, 1546306167);
	assert_string_equal(row_text(r, IMG_ID), "fce289e99eb9");
	assert_string_equal(row_text(r, IMG_DIGEST),
			    "sha256:2557e3c07ed1e38f26e389462d03ed943586f744621577a99efb77324b0fe535");
	/* "Containers":-1 is ignored, and with no container list yet usage is unknown */
	assert_int_equal(r->cells[IMG_INUSE].type, CELL_NONE);
	assert_int_equal(docker_decode_containers(s, "[]", 2, err, sizeof(err)), 0);
	assert_string_equal(row_text(r, IMG_INUSE), "no");
	free(raw);
}

static void test_images_http_raw_none_tags(void **state)
{
	struct store *s = *state;
	REF(raw, rawlen, "http_raw_images_json_api1.40_none_tags.http");
	size_t len;
	const char *body = http_body(raw, rawlen, &len);
	char err[ERRLEN];
	assert_int_equal(docker_decode_images(s, body, len, err, sizeof(err)), 0);
	struct rtable *t = imgs(s);
	assert_int_equal(rtable_live_count(t), 2);
	struct row *r = find_by(t, IMG_NAME, "sandbox:latest");
	assert_non_null(r);
	assert_int_equal(r->cells[IMG_SIZE].num, 5574537);
	assert_int_equal(r->cells[IMG_DIGEST].type, CELL_NONE); /* RepoDigests null */
	r = rtable_find(t, "sha256:188a2704d8b01d4591334d8b5ed86892f56bfe1c68bee828edc2998fb015b9e9|<none>:<none>");
	assert_non_null(r);
	assert_string_equal(row_text(r, IMG_NAME), "<none>:<none>");
	assert_int_equal(r->cells[IMG_SIZE].num, 1056679100);
	assert_string_equal(row_text(r, IMG_ID), "188a2704d8b0");
	assert_int_equal(r->cells[IMG_DIGEST].type, CELL_NONE); /* "<none>@<none>" */
	free(raw);
}

/* ---- the engine host ---- */

static void test_info_docker_desktop(void **state)
{
	struct store *s = *state;
	REF(json, len, "info_docker_desktop_28.2.2_api1.50_real.json");
	char err[ERRLEN];
	struct docker_engine_info ei;
	assert_int_equal(docker_decode_info(s, json, len, NULL, 0, &ei, err, sizeof(err)), 0);
	assert_string_equal(ei.name, "docker-desktop");
	assert_string_equal(ei.product, "Docker");
	assert_string_equal(ei.version, "28.2.2");
	assert_string_equal(ei.api_version, "");
	assert_string_equal(ei.os, "Docker Desktop");
	struct rtable *t = store_find_table(s, KIND_NODES);
	assert_int_equal(rtable_live_count(t), 1);
	struct row *r = rtable_find(t, "ca1e8893-0016-4da5-83d7-c55d2c041a81");
	assert_non_null(r);
	assert_string_equal(row_text(r, NODE_NAME), "docker-desktop");
	assert_string_equal(row_text(r, NODE_STATUS), "Ready");
	assert_string_equal(row_text(r, NODE_ROLES), "engine");
	assert_string_equal(row_text(r, NODE_VERSION), "Docker 28.2.2");
	assert_string_equal(row_text(r, NODE_OS), "Docker Desktop");
	assert_string_equal(row_text(r, NODE_KERNEL), "6.6.87.2-microsoft-standard-WSL2");
	assert_string_equal(row_text(r, NODE_ARCH), "x86_64");
	assert_int_equal(r->cells[NODE_CPUS].type, CELL_INT);
	assert_int_equal(r->cells[NODE_CPUS].num, 4);
	assert_string_equal(row_text(r, NODE_CPUS), "4");
	assert_int_equal(r->cells[NODE_MEM].type, CELL_BYTES);
	assert_int_equal(r->cells[NODE_MEM].num, 6152237056LL);
	assert_int_equal(r->cells[NODE_WORKLOADS].num, 1);
	assert_string_equal(row_text(r, NODE_WORKLOADS), "1/2");
	free(json);
}

static void test_info_linux_with_version(void **state)
{
	struct store *s = *state;
	REF(info, ilen, "info_linux_api1.22_dockerjava.json");
	REF(ver, vlen, "version_linux_api1.22_dockerjava.json");
	char err[ERRLEN];
	struct docker_engine_info ei;
	assert_int_equal(docker_decode_info(s, info, ilen, ver, vlen, &ei, err, sizeof(err)), 0);
	assert_string_equal(ei.product, "Docker");
	assert_string_equal(ei.version, "1.10.1");
	assert_string_equal(ei.api_version, "1.22");
	struct row *r = rtable_find(store_find_table(s, KIND_NODES), "HLN2:5SBU:SRQR:CQI6:AB52:LZZ2:DED5:REDM:BU73:JFHE:R37A:5HMX");
	assert_non_null(r);
	assert_string_equal(row_text(r, NODE_NAME), "docker-java");
	assert_string_equal(row_text(r, NODE_VERSION), "Docker 1.10.1");
	assert_string_equal(row_text(r, NODE_OS),
			    "Boot2Docker 1.10.1 (TCL 6.4.1); master : b03e158 - Thu Feb 11 22:34:01 UTC 2016");
	assert_string_equal(row_text(r, NODE_KERNEL), "4.1.17-boot2docker");
	assert_string_equal(row_text(r, NODE_CPUS), "1");
	assert_int_equal(r->cells[NODE_MEM].num, 1044574208);
	assert_string_equal(row_text(r, NODE_WORKLOADS), "2/2");
	free(info);
	free(ver);
}

static void test_info_windows(void **state)
{
	struct store *s = *state;
	REF(info, ilen, "info_windows_api1.38_dockerjava.json");
	REF(ver, vlen, "version_windows_api1.38_dockerjava.json");
	char err[ERRLEN];
	struct docker_engine_info ei;
	assert_int_equal(docker_decode_info(s, info, ilen, ver, vlen, &ei, err, sizeof(err)), 0);
	assert_string_equal(ei.version, "18.06.1-ce");
	assert_string_equal(ei.api_version, "1.38");
	struct row *r = find_by(store_find_table(s, KIND_NODES), NODE_NAME, "somename");
	assert_non_null(r);
	assert_string_equal(row_text(r, NODE_VERSION), "Docker 18.06.1-ce");
	assert_string_equal(row_text(r, NODE_OS), "Windows 10 Pro Version 1803 (OS Build 17134.228)");
	assert_string_equal(row_text(r, NODE_CPUS), "8");
	assert_int_equal(r->cells[NODE_MEM].num, 68684476416LL);
	assert_int_equal(r->cells[NODE_WORKLOADS].num, 0);
	assert_string_equal(row_text(r, NODE_WORKLOADS), "0/3");
	free(info);
	free(ver);
}

static void test_info_versions_docker_and_podman(void **state)
{
	struct store *s = *state;
	REF(info, ilen, "info_docker_desktop_28.2.2_api1.50_real.json");
	REF(v27, l27, "version_docker27.4.1_api1.47_real.json");
	REF(v20, l20, "version_docker20.10.20_api1.41_real.json");
	REF(pod, lpod, "version_podman5.7.1_compat_trimmed.json");
	char err[ERRLEN];
	struct docker_engine_info ei;
	struct rtable *t;

	assert_int_equal(docker_decode_info(s, info, ilen, v27, l27, &ei, err, sizeof(err)), 0);
	assert_string_equal(ei.product, "Docker");
	assert_string_equal(ei.version, "27.4.1");
	assert_string_equal(ei.api_version, "1.47");
	t = store_find_table(s, KIND_NODES);
	assert_string_equal(row_text(find_by(t, NODE_NAME, "docker-desktop"), NODE_VERSION), "Docker 27.4.1");

	assert_int_equal(docker_decode_info(s, info, ilen, v20, l20, &ei, err, sizeof(err)), 0);
	assert_string_equal(ei.version, "20.10.20");
	assert_string_equal(ei.api_version, "1.41");

	assert_int_equal(docker_decode_info(s, info, ilen, pod, lpod, &ei, err, sizeof(err)), 0);
	assert_string_equal(ei.product, "Podman");
	assert_string_equal(ei.version, "5.7.1");
	assert_string_equal(ei.api_version, "1.41");
	/* Podman's /info ID is random per call: the row is keyed by host name, and
	 * the previous engine row is swept */
	assert_int_equal(rtable_live_count(t), 1);
	struct row *r = rtable_find(t, "docker-desktop");
	assert_non_null(r);
	assert_int_equal(r->gone_ms, 0);
	assert_string_equal(row_text(r, NODE_VERSION), "Podman 5.7.1");
	free(info);
	free(v27);
	free(v20);
	free(pod);
}

static void test_info_podman_from_info_fields(void **state)
{
	struct store *s = *state;
	const char *info = "{\"ID\":\"0d6f3f8a-1\",\"Name\":\"fedora-box\",\"ServerVersion\":\"4.3.1\","
			   "\"OperatingSystem\":\"fedora\",\"OSVersion\":\"40\",\"NCPU\":2,\"MemTotal\":1024,"
			   "\"Containers\":3,\"ContainersRunning\":1,\"BuildahVersion\":\"1.28.0\",\"Rootless\":true}\n";
	char err[ERRLEN];
	struct docker_engine_info ei;
	assert_int_equal(docker_decode_info(s, info, strlen(info), NULL, 0, &ei, err, sizeof(err)), 0);
	assert_string_equal(ei.product, "Podman");
	assert_string_equal(ei.version, "4.3.1");
	assert_string_equal(ei.os, "fedora 40");
	struct row *r = rtable_find(store_find_table(s, KIND_NODES), "fedora-box");
	assert_non_null(r);
	assert_string_equal(row_text(r, NODE_VERSION), "Podman 4.3.1");
	assert_string_equal(row_text(r, NODE_WORKLOADS), "1/3");
}

/* ---- inline list cases ---- */

#define CTR_A "{\"Id\":\"aaaaaaaaaaaa1111\",\"Names\":[\"/alpha\"],\"Image\":\"nginx:1\",\"ImageID\":\"sha256:1111\"," \
	      "\"Command\":\"nginx\",\"Created\":1700000000,\"State\":\"running\",\"Status\":\"Up 2 minutes (healthy)\"," \
	      "\"Ports\":[],\"Labels\":null}"
#define CTR_B "{\"Id\":\"bbbbbbbbbbbb2222\",\"Names\":[\"/beta\"],\"Image\":\"redis\",\"ImageID\":\"sha256:2222\"," \
	      "\"Command\":\"redis-server\",\"Created\":1700000001,\"State\":\"exited\"," \
	      "\"Status\":\"Exited (0) 5 seconds ago\",\"Labels\":{\"z\":\"1\",\"a\":\"2\"}}"
#define CTR_C "{\"Id\":\"cccccccccccc3333\",\"Names\":[\"/gamma\"],\"Image\":\"nginx:1\",\"ImageID\":\"1111\"," \
	      "\"State\":\"running\",\"Status\":\"Up 1 second (health: starting)\"}"

static void test_relist_marks_gone_and_keeps_stats(void **state)
{
	struct store *s = *state;
	assert_int_equal(decode_str(s, "[" CTR_A "," CTR_B "]"), 0);
	struct rtable *t = ctrs(s);
	struct row *a = rtable_find(t, "aaaaaaaaaaaa1111");
	struct row *b = rtable_find(t, "bbbbbbbbbbbb2222");
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(row_text(a, CTR_HEALTH), "healthy");
	assert_int_equal(a->cells[CTR_LABELS].type, CELL_NONE); /* Labels null */
	assert_string_equal(row_text(b, CTR_LABELS), "a=2,z=1");
	assert_int_equal(b->cells[CTR_HEALTH].type, CELL_NONE);
	assert_string_equal(row_text(a, CTR_ID), "aaaaaaaaaaaa");

	/* the stats poller fills these; a relist must not wipe them */
	row_set_num(s, t, a, CTR_CPU, CELL_PERMILLE, 125, NULL);
	row_set_num(s, t, a, CTR_MEM, CELL_BYTES, 4096, NULL);
	row_set_num(s, t, a, CTR_MEMLIMIT, CELL_BYTES, 8192, NULL);

	assert_int_equal(decode_str(s, "[" CTR_A "]\n"), 0);
	assert_int_equal(a->gone_ms, 0);
	assert_true(b->gone_ms > 0);
	assert_int_equal(rtable_live_count(t), 1);
	assert_int_equal(a->cells[CTR_CPU].type, CELL_PERMILLE);
	assert_int_equal(a->cells[CTR_CPU].num, 125);
	assert_int_equal(a->cells[CTR_MEM].num, 4096);
	assert_int_equal(a->cells[CTR_MEMLIMIT].num, 8192);

	/* an unchanged relist changes nothing the screen would redraw for */
	uint64_t gen = t->gen;
	assert_int_equal(decode_str(s, "[" CTR_A "]"), 0);
	assert_true(t->gen == gen);

	/* the container comes back */
	assert_int_equal(decode_str(s, "[" CTR_A "," CTR_B "]"), 0);
	assert_int_equal(b->gone_ms, 0);
	assert_int_equal(rtable_live_count(t), 2);
}

static void test_partial_upsert(void **state)
{
	struct store *s = *state;
	char err[ERRLEN];
	assert_int_equal(decode_str(s, "[" CTR_A "]"), 0);
	struct rtable *t = ctrs(s);
	const char *one = "[" CTR_B "]";
	assert_int_equal(docker_decode_containers_partial(s, one, strlen(one), "bbbbbbbbbbbb2222", err, sizeof(err)), 0);
	assert_int_equal(rtable_live_count(t), 2); /* alpha was not swept */
	struct row *b = rtable_find(t, "bbbbbbbbbbbb2222");
	assert_string_equal(row_text(b, CTR_NAME), "beta");
	assert_string_equal(row_text(b, CTR_STATE), "exited");

	/* state change of one container */
	const char *upd = "[{\"Id\":\"bbbbbbbbbbbb2222\",\"Names\":[\"/beta\"],\"State\":\"running\",\"Status\":\"Up 1 second\"}]";
	assert_int_equal(docker_decode_containers_partial(s, upd, strlen(upd), "bbbbbbbbbbbb2222", err, sizeof(err)), 0);
	assert_string_equal(row_text(b, CTR_STATE), "running");
	assert_int_equal(b->cells[CTR_LABELS].type, CELL_NONE);

	/* stopped: its last CPU and memory go with it (stats stop coming) */
	row_set_num(s, t, b, CTR_CPU, CELL_PERMILLE, 125, NULL);
	row_set_num(s, t, b, CTR_MEM, CELL_BYTES, 4096, NULL);
	const char *stop = "[{\"Id\":\"bbbbbbbbbbbb2222\",\"Names\":[\"/beta\"],\"State\":\"exited\",\"Status\":\"Exited (0) 1 second ago\"}]";
	assert_int_equal(docker_decode_containers_partial(s, stop, strlen(stop), "bbbbbbbbbbbb2222", err, sizeof(err)), 0);
	assert_int_equal(b->cells[CTR_CPU].type, CELL_NONE);
	assert_int_equal(b->cells[CTR_MEM].type, CELL_NONE);

	/* destroyed: the filtered list comes back empty */
	assert_int_equal(docker_decode_containers_partial(s, "[]\n", 3, "bbbbbbbbbbbb2222", err, sizeof(err)), 0);
	assert_true(b->gone_ms > 0);
	assert_int_equal(rtable_find(t, "aaaaaaaaaaaa1111")->gone_ms, 0);
	/* an empty list without gone_id deletes nothing */
	assert_int_equal(docker_decode_containers_partial(s, "[]", 2, NULL, err, sizeof(err)), 0);
	assert_int_equal(rtable_live_count(t), 1);

	/* a broken body leaves the table as it was */
	uint64_t gen = t->gen;
	err[0] = '\0';
	assert_int_equal(docker_decode_containers_partial(s, "[{\"Id\":", 7, "aaaaaaaaaaaa1111", err, sizeof(err)), -1);
	assert_true(str_starts(err, "the engine sent a container list that is not JSON: "));
	assert_true(t->gen == gen);
	assert_int_equal(rtable_live_count(t), 1);
}

static void test_malformed_leaves_table(void **state)
{
	struct store *s = *state;
	char err[ERRLEN];
	assert_int_equal(decode_str(s, "[" CTR_A "," CTR_B "]"), 0);
	struct rtable *t = ctrs(s);
	uint64_t gen = t->gen, sgen = s->gen;

	static const char *const bad[] = {"[{\"Id\":\"x\"", "", "   \n", "<html>oops</html>", "[] trailing", "{\"Id\":\"x\"}", "42"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(docker_decode_containers(s, bad[i], strlen(bad[i]), err, sizeof(err)), -1);
		assert_true(str_starts(err, "the engine sent a container list that is not "));
		assert_true(t->gen == gen);
		assert_true(s->gen == sgen);
		assert_int_equal(rtable_live_count(t), 2);
		assert_false(t->relisting);
	}
	err[0] = '\0';
	assert_int_equal(docker_decode_images(s, "[{", 2, err, sizeof(err)), -1);
	assert_true(str_starts(err, "the engine sent an image list that is not JSON: "));
	err[0] = '\0';
	assert_int_equal(docker_decode_info(s, "{\"ID\":", 6, NULL, 0, NULL, err, sizeof(err)), -1);
	assert_true(err[0] != '\0');
	assert_int_equal(docker_decode_info(s, "{}", 2, "nope", 4, NULL, err, sizeof(err)), -1);
	assert_null(store_find_table(s, KIND_NODES));
	/* elements that are not containers are skipped, not fatal */
	assert_int_equal(decode_str(s, "[1,null,{\"Names\":[\"/x\"]}," CTR_A "]"), 0);
	assert_int_equal(rtable_live_count(t), 1);
	/* Go's nil slice: an empty list */
	assert_int_equal(decode_str(s, " null\n"), 0);
	assert_int_equal(rtable_live_count(t), 0);
	struct docker_event ev;
	assert_int_equal(docker_decode_event("null", 4, &ev, err, sizeof(err)), -1);
	assert_string_equal(err, "the engine sent an event that is a JSON null");
}

static void test_state_health_and_names(void **state)
{
	struct store *s = *state;
	const char *list =
		"[" CTR_C ","
		"{\"Id\":\"d1\",\"Names\":[\"/web/db\",\"/db\"],\"Status\":\"Up 3 hours (Paused)\"},"
		"{\"Id\":\"d2\",\"Names\":[\"/old\"],\"Status\":\"Exited (137) 2 days ago\"},"
		"{\"Id\":\"d3\",\"Names\":[\"/pod\"],\"State\":\"stopped\",\"Status\":\"Exited (0) 1 minute ago\"},"
		"{\"Id\":\"d4\",\"Names\":[\"/new\"],\"State\":\"configured\",\"Status\":\"Created\"},"
		"{\"Id\":\"d5\",\"Names\":[\"/sick\"],\"State\":\"running\",\"Status\":\"Up 1 hour\","
		"\"Health\":{\"Status\":\"unhealthy\",\"FailingStreak\":3}},"
		"{\"Id\":\"d6\",\"Names\":[\"/bad\"],\"State\":\"running\",\"Status\":\"Up 1 hour (unhealthy)\"},"
		"{\"Id\":\"d7\",\"Names\":[\"/orphan\"],\"Image\":\"sha256:9f38484d220fa527b1fb19747638497179500a1bed8bf0498eb788229229e6e1\","
		"\"Created\":\"2024-01-02T03:04:05.123Z\"}"
		"]";
	assert_int_equal(decode_str(s, list), 0);
	struct rtable *t = ctrs(s);
	assert_string_equal(row_text(rtable_find(t, "cccccccccccc3333"), CTR_HEALTH), "starting");
	struct row *r = rtable_find(t, "d1");
	assert_string_equal(row_text(r, CTR_NAME), "db"); /* not the link alias */
	assert_string_equal(row_text(r, CTR_STATE), "paused");
	assert_string_equal(row_text(rtable_find(t, "d2"), CTR_STATE), "exited");
	assert_string_equal(row_text(rtable_find(t, "d3"), CTR_STATE), "exited");
	assert_string_equal(row_text(rtable_find(t, "d4"), CTR_STATE), "created");
	assert_string_equal(row_text(rtable_find(t, "d5"), CTR_HEALTH), "unhealthy");
	assert_string_equal(row_text(rtable_find(t, "d6"), CTR_HEALTH), "unhealthy");
	r = rtable_find(t, "d7");
	assert_string_equal(row_text(r, CTR_IMAGE), "9f38484d220f");
	assert_int_equal(r->cells[CTR_CREATED].num, 1704164645);
	assert_int_equal(r->cells[CTR_STATE].type, CELL_NONE);

	/* health goes away when the check is removed */
	const char *again = "[{\"Id\":\"d6\",\"Names\":[\"/bad\"],\"State\":\"running\",\"Status\":\"Up 1 hour\"}]";
	assert_int_equal(decode_str(s, again), 0);
	assert_int_equal(rtable_find(t, "d6")->cells[CTR_HEALTH].type, CELL_NONE);
}

static const char *ports_of(struct store *s, const char *ports_json)
{
	char *list = xasprintf("[{\"Id\":\"p1\",\"Names\":[\"/p\"],\"State\":\"running\",\"Ports\":%s}]", ports_json);
	assert_int_equal(decode_str(s, list), 0);
	free(list);
	return row_text(rtable_find(ctrs(s), "p1"), CTR_PORTS);
}

static void test_ports(void **state)
{
	struct store *s = *state;
	/* IPv4 and IPv6 bindings, an exposed port, a duplicate */
	const char *a = "[{\"IP\":\"::\",\"PrivatePort\":80,\"PublicPort\":8080,\"Type\":\"tcp\"},"
			"{\"PrivatePort\":443,\"Type\":\"tcp\"},"
			"{\"IP\":\"0.0.0.0\",\"PrivatePort\":80,\"PublicPort\":8080,\"Type\":\"tcp\"},"
			"{\"IP\":\"0.0.0.0\",\"PrivatePort\":80,\"PublicPort\":8080,\"Type\":\"tcp\"}]";
	assert_string_equal(ports_of(s, a), "443/tcp, 0.0.0.0:8080->80/tcp, :::8080->80/tcp");
	/* same input in another order: same text */
	const char *a2 = "[{\"IP\":\"0.0.0.0\",\"PrivatePort\":80,\"PublicPort\":8080,\"Type\":\"tcp\"},"
			 "{\"IP\":\"::\",\"PrivatePort\":80,\"PublicPort\":8080,\"Type\":\"tcp\"},"
			 "{\"IP\":\"\",\"PrivatePort\":443,\"Type\":\"tcp\"}]";
	assert_string_equal(ports_of(s, a2), "443/tcp, 0.0.0.0:8080->80/tcp, :::8080->80/tcp");
	/* runs of ports published as themselves fold into ranges */
	const char *b = "[{\"IP\":\"0.0.0.0\",\"PrivatePort\":8002,\"PublicPort\":8002,\"Type\":\"tcp\"},"
			"{\"IP\":\"0.0.0.0\",\"PrivatePort\":8000,\"PublicPort\":8000,\"Type\":\"tcp\"},"
			"{\"IP\":\"0.0.0.0\",\"PrivatePort\":8001,\"PublicPort\":8001,\"Type\":\"tcp\"},"
			"{\"IP\":\"0.0.0.0\",\"PrivatePort\":9000,\"PublicPort\":9000,\"Type\":\"tcp\"},"
			"{\"PrivatePort\":53,\"Type\":\"udp\"},{\"PrivatePort\":54,\"Type\":\"udp\"},"
			"{\"PrivatePort\":53,\"Type\":\"tcp\"}]";
	/* docker ps prints a range as soon as a gap closes it, then the open
	 * ranges in the order their address/protocol first appeared */
	assert_string_equal(ports_of(s, b), "0.0.0.0:8000-8002->8000-8002/tcp, 53/tcp, 53-54/udp, 0.0.0.0:9000->9000/tcp");
	/* missing Type reads as tcp; junk entries are ignored */
	assert_string_equal(ports_of(s, "[{\"PrivatePort\":22},{\"IP\":\"1.2.3.4\"},7]"), "22/tcp");
	/* no ports at all: the cell is cleared */
	ports_of(s, "[]");
	assert_int_equal(rtable_find(ctrs(s), "p1")->cells[CTR_PORTS].type, CELL_NONE);
	ports_of(s, "null");
	assert_int_equal(rtable_find(ctrs(s), "p1")->cells[CTR_PORTS].type, CELL_NONE);
}

static void test_images_in_use(void **state)
{
	struct store *s = *state;
	char err[ERRLEN];
	const char *images =
		"[{\"Id\":\"sha256:1111\",\"RepoTags\":[\"nginx:1\",\"nginx:latest\"],\"RepoDigests\":"
		"[\"nginx@sha256:dd\",\"mirror.example/nginx@sha256:d2\",\"other/nginx@sha256:dd\"],\"Created\":1690000000,\"Size\":1000},"
		"{\"Id\":\"sha256:2222\",\"RepoTags\":[\"redis:7\"],\"RepoDigests\":[],\"Size\":2000},"
		"{\"Id\":\"sha256:3333\",\"RepoTags\":null,\"RepoDigests\":[\"alpine@sha256:ee\"],\"Size\":3},"
		"{\"Id\":\"sha256:4444\",\"RepoTags\":[],\"Size\":4}]";
	assert_int_equal(docker_decode_images(s, images, strlen(images), err, sizeof(err)), 0);
	struct rtable *t = imgs(s);
	assert_int_equal(rtable_live_count(t), 5);
	struct row *n1 = rtable_find(t, "sha256:1111|nginx:1");
	struct row *nl = rtable_find(t, "sha256:1111|nginx:latest");
	struct row *rd = rtable_find(t, "sha256:2222|redis:7");
	assert_non_null(n1);
	assert_non_null(nl);
	assert_non_null(rd);
	assert_string_equal(row_text(n1, IMG_DIGEST), "sha256:dd");
	assert_int_equal(n1->cells[IMG_INUSE].type, CELL_NONE); /* containers not listed yet */
	assert_non_null(rtable_find(t, "sha256:3333|alpine:<none>"));
	assert_non_null(rtable_find(t, "sha256:4444|<none>:<none>"));
	assert_string_equal(row_text(rtable_find(t, "sha256:3333|alpine:<none>"), IMG_DIGEST), "sha256:ee");

	/* alpha and gamma use 1111 (gamma without the sha256: prefix), beta 2222 */
	assert_int_equal(decode_str(s, "[" CTR_A "," CTR_B "," CTR_C "]"), 0);
	assert_int_equal(n1->cells[IMG_INUSE].num, 2);
	assert_string_equal(row_text(n1, IMG_INUSE), "yes (2)");
	/* a container's image digests come from its image's RepoDigests, each once */
	assert_string_equal(row_text(n1, IMG_DIGESTS), "sha256:dd sha256:d2");
	assert_string_equal(row_text(rtable_find(ctrs(s), "aaaaaaaaaaaa1111"), CTR_DIGEST), "sha256:dd sha256:d2");
	assert_string_equal(row_text(rtable_find(ctrs(s), "cccccccccccc3333"), CTR_DIGEST), "sha256:dd sha256:d2");
	assert_int_equal(rtable_find(ctrs(s), "bbbbbbbbbbbb2222")->cells[CTR_DIGEST].type, CELL_NONE);
	assert_int_equal(nl->cells[IMG_INUSE].num, 2);
	assert_string_equal(row_text(rd, IMG_INUSE), "yes (1)");
	/* gone containers do not count */
	assert_int_equal(decode_str(s, "[" CTR_A "]"), 0);
	assert_int_equal(n1->cells[IMG_INUSE].num, 1);
	assert_int_equal(rd->cells[IMG_INUSE].num, 0);
	assert_string_equal(row_text(rd, IMG_INUSE), "no");
	/* an explicit refresh after a manual change */
	rtable_delete(s, ctrs(s), "aaaaaaaaaaaa1111");
	docker_decode_refresh_image_usage(s);
	assert_int_equal(n1->cells[IMG_INUSE].num, 0);

	/* the swagger containers (ImageID without prefix) against a prefixed image id */
	size_t len = 0;
	char *json = ref_read("containers_json_example_api1.47_swagger.json", &len);
	if (json) {
		const char *ub = "[{\"Id\":\"sha256:d74508fb6632491cea586a1fd7d748dfc5274cd6fdfedee309ecdcbc2bf5cb82\","
				 "\"RepoTags\":[\"ubuntu:latest\"],\"Size\":77}]";
		assert_int_equal(docker_decode_containers(s, json, len, err, sizeof(err)), 0);
		assert_int_equal(docker_decode_images(s, ub, strlen(ub), err, sizeof(err)), 0);
		struct row *u = find_by(t, IMG_NAME, "ubuntu:latest");
		assert_non_null(u);
		assert_int_equal(u->cells[IMG_INUSE].num, 4);
		assert_string_equal(row_text(u, IMG_INUSE), "yes (4)");
		assert_true(n1->gone_ms > 0);
		free(json);
	}
}

/* The engine's "Up 3 minutes" is true when fetched; the screen keeps it true. */
static void test_status_stays_live(void **state)
{
	struct store *s = *state;
	char err[ERRLEN];
	clock_pin(1000, 1700000000);
	const char *json = "[{\"Id\":\"a1\",\"Names\":[\"/web\"],\"State\":\"running\",\"Status\":\"Up 3 minutes (healthy)\"},"
			   "{\"Id\":\"b2\",\"Names\":[\"/job\"],\"State\":\"exited\",\"Status\":\"Exited (0) 5 minutes ago\"},"
			   "{\"Id\":\"c3\",\"Names\":[\"/new\"],\"State\":\"created\",\"Status\":\"Created\"},"
			   "{\"Id\":\"d4\",\"Names\":[\"/odd\"],\"State\":\"running\",\"Status\":\"Up 2 seconds \\u001f%n\"}]";
	assert_int_equal(docker_decode_containers(s, json, strlen(json), err, sizeof(err)), 0);
	struct rtable *t = store_find_table(s, KIND_CONTAINERS);
	assert_string_equal(shown_status(rtable_find(t, "a1")), "Up 3 minutes (healthy)");
	assert_string_equal(shown_status(rtable_find(t, "b2")), "Exited (0) 5 minutes ago");
	clock_pin(1000, 1700000000 + 2 * 3600);
	assert_string_equal(shown_status(rtable_find(t, "a1")), "Up 2 hours (healthy)");
	assert_string_equal(shown_status(rtable_find(t, "b2")), "Exited (0) 2 hours ago");
	assert_string_equal(shown_status(rtable_find(t, "c3")), "Created");
	/* the engine's own text cannot add a slot of its own */
	assert_string_equal(shown_status(rtable_find(t, "d4")), "Up 2 hours %n");
	/* a refetch that reads the same keeps the row still (no change highlight) */
	int64_t since = rtable_find(t, "a1")->cells[CTR_STATUS].num;
	const char *again = "[{\"Id\":\"a1\",\"Names\":[\"/web\"],\"State\":\"running\",\"Status\":\"Up 2 hours (healthy)\"}]";
	assert_int_equal(docker_decode_containers_partial(s, again, strlen(again), NULL, err, sizeof(err)), 0);
	assert_int_equal(rtable_find(t, "a1")->cells[CTR_STATUS].num, since);
	clock_pin(0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_status_stays_live, setup, teardown),
		cmocka_unit_test_setup_teardown(test_containers_api122, setup, teardown),
		cmocka_unit_test_setup_teardown(test_containers_docker_desktop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_containers_swagger, setup, teardown),
		cmocka_unit_test_setup_teardown(test_images_docker_desktop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_images_http_raw_api139, setup, teardown),
		cmocka_unit_test_setup_teardown(test_images_http_raw_none_tags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_info_docker_desktop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_info_linux_with_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_info_windows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_info_versions_docker_and_podman, setup, teardown),
		cmocka_unit_test_setup_teardown(test_info_podman_from_info_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relist_marks_gone_and_keeps_stats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_upsert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_leaves_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_health_and_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_images_in_use, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
