/* test_docker_decode_stream.c: the one-message Docker decoders (lines of the
 * /events stream, stats samples and error bodies) against real engine
 * payloads (the shared reference folder, skipped when absent) and hand-made
 * bodies for the edge cases. The list decoders are in test_docker_decode.c. */
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
#include "backends/util/util.h"

/* ---- events ---- */

static void for_each_line(const char *data, size_t len, void (*fn)(int lineno, const char *line, size_t n, void *),
			  void *arg)
{
	int lineno = 0;
	for (const char *p = data, *end = data + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		fn(++lineno, p, n, arg);
		p += n + (nl != NULL);
	}
}

static void check_modern(int lineno, const char *line, size_t n, void *arg)
{
	struct docker_event ev;
	char err[ERRLEN];
	int *count = arg;
	assert_int_equal(docker_decode_event(line, n, &ev, err, sizeof(err)), 0);
	(*count)++;
	assert_string_equal(ev.type, "container");
	assert_string_equal(ev.id, "abc");
	switch (lineno) {
	case 1:
		assert_string_equal(ev.action, "create");
		assert_string_equal(ev.name, "wolfstack-notify-probe");
		assert_true(ev.time_ns == 1786039802LL * 1000000000LL);
		break;
	case 3:
		assert_string_equal(ev.action, "die");
		assert_string_equal(ev.detail, "");
		break;
	case 4:
		assert_string_equal(ev.action, "exec_die");
		assert_string_equal(ev.name, "wolfstack-browser");
		break;
	case 5:
		assert_string_equal(ev.action, "health_status");
		assert_string_equal(ev.detail, "unhealthy");
		assert_string_equal(ev.name, "web");
		assert_true(ev.time_ns == 1786039900LL * 1000000000LL);
		break;
	}
}

static void test_events_modern(void **state)
{
	(void)state;
	REF(data, len, "events_modern_docker29_real.ndjson");
	int count = 0;
	for_each_line(data, len, check_modern, &count);
	assert_int_equal(count, 5);
	free(data);
}

static void check_legacy(int lineno, const char *line, size_t n, void *arg)
{
	struct docker_event ev;
	char err[ERRLEN];
	int *count = arg;
	int rc = docker_decode_event(line, n, &ev, err, sizeof(err));
	if (rc == 1)
		return;
	assert_int_equal(rc, 0);
	(*count)++;
	switch (lineno) {
	case 1:
		assert_string_equal(ev.type, "image");
		assert_string_equal(ev.action, "pull");
		assert_string_equal(ev.id, "runseb/flask:latest");
		assert_string_equal(ev.name, "runseb/flask");
		assert_true(ev.time_ns == 1595821525326709684LL);
		break;
	case 2:
		assert_string_equal(ev.type, "container");
		assert_string_equal(ev.action, "create");
		assert_string_equal(ev.id, "a384d69f4ff4fc7a202032d461789da982c3d8d30611326f47e49fa38706ab86");
		assert_string_equal(ev.name, "priceless_napier");
		break;
	case 3:
		assert_string_equal(ev.type, "network");
		assert_string_equal(ev.action, "connect");
		assert_string_equal(ev.name, "bridge");
		break;
	case 4:
		assert_string_equal(ev.type, "container");
		assert_string_equal(ev.action, "start");
		assert_true(ev.time_ns == 1595821527040308734LL);
		break;
	}
}

static void test_events_api140(void **state)
{
	(void)state;
	REF(data, len, "events_stream_api1.40_real.ndjson");
	int count = 0;
	for_each_line(data, len, check_legacy, &count);
	assert_int_equal(count, 4);
	free(data);
}

static void test_event_pretty_printed(void **state)
{
	(void)state;
	REF(data, len, "event_container_create_api1.24_dockerjava.json");
	struct docker_event ev;
	char err[ERRLEN];
	assert_int_equal(docker_decode_event(data, len, &ev, err, sizeof(err)), 0);
	assert_string_equal(ev.type, "container");
	assert_string_equal(ev.action, "create");
	assert_string_equal(ev.name, "my-container");
	assert_string_equal(ev.id, "ede54ee1afda366ab42f824e8a5ffd195155d853ceaec74a927f249ea270c743");
	assert_true(ev.time_ns == 1461943101381709551LL);
	free(data);
}

static void test_event_inline_shapes(void **state)
{
	(void)state;
	struct docker_event ev;
	char err[ERRLEN];
	const char *exec = "{\"Type\":\"container\",\"Action\":\"exec_start: sh -c 'echo a:b'\",\"Actor\":{\"ID\":"
			   "\"f00\",\"Attributes\":{\"name\":\"web\"}},\"time\":1700000000,\"timeNano\":1700000000123}\r\n";
	assert_int_equal(docker_decode_event(exec, strlen(exec), &ev, err, sizeof(err)), 0);
	assert_string_equal(ev.action, "exec_start");
	assert_string_equal(ev.detail, "sh -c 'echo a:b'");
	assert_string_equal(ev.id, "f00");
	assert_string_equal(ev.name, "web");
	assert_true(ev.time_ns == 1700000000123LL);

	/* the pre-1.22 shape: status/id/from only */
	const char *legacy = "{\"status\":\"die\",\"id\":\"dfdf82bd3881\",\"from\":\"base:latest\",\"time\":1374067970}";
	assert_int_equal(docker_decode_event(legacy, strlen(legacy), &ev, err, sizeof(err)), 0);
	assert_string_equal(ev.type, "container");
	assert_string_equal(ev.action, "die");
	assert_string_equal(ev.id, "dfdf82bd3881");
	assert_string_equal(ev.name, "");
	const char *untag = "{\"status\":\"untag\",\"id\":\"sha256:abc\",\"time\":1374067970}";
	assert_int_equal(docker_decode_event(untag, strlen(untag), &ev, err, sizeof(err)), 0);
	assert_string_equal(ev.type, "image");

	/* an over-long detail is cut, never mid-character */
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "{\"Type\":\"container\",\"Action\":\"exec_start: ");
	for (int i = 0; i < 100; i++)
		buf_puts(&b, "\xc3\xa9"); /* é */
	buf_puts(&b, "\",\"Actor\":{\"ID\":\"x\"}}");
	assert_int_equal(docker_decode_event(b.data, b.len, &ev, err, sizeof(err)), 0);
	assert_int_equal(strlen(ev.detail), 126);
	buf_cleanup(&b);

	assert_int_equal(docker_decode_event("", 0, &ev, err, sizeof(err)), 1);
	assert_int_equal(docker_decode_event(" \r\n", 3, &ev, err, sizeof(err)), 1);
	assert_int_equal(docker_decode_event("\x1e\n", 2, &ev, err, sizeof(err)), 1);
	err[0] = '\0';
	assert_int_equal(docker_decode_event("{\"Type\":\"contai", 15, &ev, err, sizeof(err)), -1);
	assert_true(str_starts(err, "the engine sent an event that is not JSON"));
	assert_int_equal(docker_decode_event("[1,2]", 5, &ev, err, sizeof(err)), -1);
	assert_int_equal(docker_decode_event("{} {}", 5, &ev, err, sizeof(err)), -1);
}

/* ---- stats ---- */

static void test_stats_reference(void **state)
{
	(void)state;
	REF(json, len, "container_stats_api1.27_dockerjava.json");
	char err[ERRLEN];
	int64_t cpu, mem, limit;
	struct docker_cpu_sample next;
	assert_int_equal(docker_decode_stats(json, len, NULL, &next, &cpu, &mem, &limit, err, sizeof(err)), 0);
	/* (212198028-211307214)/(545941980000000-545937990000000)*4*1000 = 0.893 */
	assert_int_equal(cpu, 1);
	assert_int_equal(mem, 647168); /* total_inactive_file is 0 */
	assert_int_equal(limit, 2095874048);
	assert_true(next.valid);
	assert_true(next.total == 212198028);
	assert_true(next.system == 545941980000000ULL);
	assert_int_equal(next.online_cpus, 4);
	free(json);
}

static void test_stats_two_samples(void **state)
{
	(void)state;
	char err[ERRLEN];
	int64_t cpu, mem, limit;
	struct docker_cpu_sample prev = {0}, next;
	/* Podman's stream=false answer: precpu_stats all zero, cgroup v2 memory */
	const char *a = "{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":1000000000},\"system_cpu_usage\":100000000000,"
			"\"online_cpus\":2},\"precpu_stats\":{\"cpu_usage\":{\"total_usage\":0},\"system_cpu_usage\":0},"
			"\"memory_stats\":{\"usage\":104857600,\"stats\":{\"inactive_file\":31457280},"
			"\"limit\":18446744073709551615}}\n";
	const char *b = "{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":1500000000},\"system_cpu_usage\":102000000000,"
			"\"online_cpus\":2},\"precpu_stats\":{},\"memory_stats\":{\"usage\":1000,\"stats\":null,"
			"\"limit\":536870912}}";
	assert_int_equal(docker_decode_stats(a, strlen(a), &prev, &next, &cpu, &mem, &limit, err, sizeof(err)), 0);
	assert_int_equal(cpu, -1); /* nothing to compare with yet */
	assert_int_equal(mem, 73400320); /* 100 MiB - 30 MiB inactive_file */
	assert_int_equal(limit, 0);      /* 2^64-1: unlimited */
	assert_true(next.valid);
	prev = next;
	/* next may alias prev */
	assert_int_equal(docker_decode_stats(b, strlen(b), &prev, &prev, &cpu, &mem, &limit, err, sizeof(err)), 0);
	/* 0.5e9 / 2e9 * 2 CPUs = 0.5 CPU */
	assert_int_equal(cpu, 500);
	assert_int_equal(mem, 1000);
	assert_int_equal(limit, 536870912);
	assert_true(prev.total == 1500000000ULL);

	/* Docker's answer carries precpu_stats: prev is not needed */
	const char *c = "{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":2600,\"percpu_usage\":[1,1,1,1]},"
			"\"system_cpu_usage\":20000},\"precpu_stats\":{\"cpu_usage\":{\"total_usage\":2000},"
			"\"system_cpu_usage\":12000},\"memory_stats\":{\"usage\":5000,\"stats\":{\"total_inactive_file\":"
			"1000,\"inactive_file\":9,\"cache\":3000},\"limit\":9223372036854771712}}";
	assert_int_equal(docker_decode_stats(c, strlen(c), NULL, NULL, &cpu, &mem, &limit, err, sizeof(err)), 0);
	/* 600/8000 * 4 (from percpu_usage) = 0.3 */
	assert_int_equal(cpu, 300);
	assert_int_equal(mem, 4000); /* cgroup v1: total_inactive_file wins */
	assert_int_equal(limit, 0);

	/* a stopped container: zero counters, empty memory */
	const char *d = "{\"read\":\"0001-01-01T00:00:00Z\",\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":0},"
			"\"throttling_data\":{}},\"precpu_stats\":{\"cpu_usage\":{\"total_usage\":0}},\"memory_stats\":{}}";
	assert_int_equal(docker_decode_stats(d, strlen(d), &prev, &next, &cpu, &mem, &limit, err, sizeof(err)), 0);
	assert_int_equal(cpu, -1);
	assert_int_equal(mem, -1);
	assert_int_equal(limit, 0);
	assert_false(next.valid);

	/* Windows: 100 ns intervals over read - preread, 2 processors */
	const char *w = "{\"read\":\"2018-09-14T09:40:06.0000000Z\",\"preread\":\"2018-09-14T09:40:05.0000000Z\","
			"\"num_procs\":2,\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":15000000}},"
			"\"precpu_stats\":{\"cpu_usage\":{\"total_usage\":10000000}},"
			"\"memory_stats\":{\"commitbytes\":1,\"privateworkingset\":4096}}";
	assert_int_equal(docker_decode_stats(w, strlen(w), NULL, NULL, &cpu, &mem, &limit, err, sizeof(err)), 0);
	/* 5e6 of 2e7 possible intervals = 25% of the host = 0.5 CPU */
	assert_int_equal(cpu, 500);
	assert_int_equal(mem, 4096);

	err[0] = '\0';
	assert_int_equal(docker_decode_stats("{\"cpu_stats\":", 13, NULL, NULL, &cpu, &mem, &limit, err, sizeof(err)),
			 -1);
	assert_true(str_starts(err, "the engine sent a stats sample that is not JSON"));
}

/* ---- errors ---- */

static void check_error_file(const char *name, long status, const char *want)
{
	size_t len = 0;
	char *body = ref_read(name, &len);
	if (!body)
		skip();
	char err[ERRLEN];
	docker_decode_error(status, body, len, err, sizeof(err));
	assert_string_equal(err, want);
	free(body);
}

static void test_errors_reference(void **state)
{
	(void)state;
	check_error_file("error_404_no_such_container_api1.47_swagger.json", 404, "No such container: c2ada9df5af8");
	check_error_file("error_401_distribution_api1.47_swagger.json", 401, "No such image: someimage (tag: latest)");
	check_error_file("error_409_delete_running_api1.47_swagger.json", 409,
			 "You cannot remove a running container: c2ada9df5af8. Stop the container before "
			 "attempting removal or force remove");
	check_error_file(
		"error_409_kill_not_running_api1.47_swagger.json", 409,
		"Container d37cde0fe4ad63c3a7252023b2f9800282894247d145cb5933ddf6e52cc03a28 is not running");
}

static void test_errors_generic(void **state)
{
	(void)state;
	char err[ERRLEN];
	docker_decode_error(500, "", 0, err, sizeof(err));
	assert_string_equal(err, "the engine answered HTTP 500 (Internal Server Error) without an explanation");
	docker_decode_error(500, NULL, 0, err, sizeof(err));
	assert_string_equal(err, "the engine answered HTTP 500 (Internal Server Error) without an explanation");
	docker_decode_error(418, "{\"message\":\"\"}", 14, err, sizeof(err));
	assert_string_equal(err, "the engine answered HTTP 418 without an explanation");
	docker_decode_error(304, "", 0, err, sizeof(err));
	assert_string_equal(err, "nothing to do: it is already in that state");
	docker_decode_error(404, "page not found\n", 15, err, sizeof(err));
	assert_string_equal(err, "page not found");
	const char *html = "<html><body>502 Bad Gateway</body></html>";
	docker_decode_error(502, html, strlen(html), err, sizeof(err));
	assert_string_equal(err, "the engine answered HTTP 502 (Bad Gateway) without an explanation");
	const char *broken = "{\"message\":\"oops";
	docker_decode_error(500, broken, strlen(broken), err, sizeof(err));
	assert_string_equal(err, "the engine answered HTTP 500 (Internal Server Error) without an explanation");
	char tiny[8];
	docker_decode_error(404, "{\"message\":\"No such container: x\"}", 34, tiny, sizeof(tiny));
	assert_string_equal(tiny, "No such");
}

/* ---- CPU from wall-clock time (Podman) ---- */

/* Podman fills "read" (in local time with an offset) but leaves precpu_stats
 * empty; its system counter is given a slow VM's pace (1 s of system time
 * over 2 s of wall clock) so the two ways of computing CPU disagree. */
#define PODMAN_A                                                                                                  \
	"{\"read\":\"2024-05-01T12:00:00.25+02:00\",\"preread\":\"0001-01-01T00:00:00Z\","                        \
	"\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":1000000000},\"system_cpu_usage\":100000000000,"             \
	"\"online_cpus\":4},\"precpu_stats\":{\"cpu_usage\":{\"total_usage\":0},\"system_cpu_usage\":0},"           \
	"\"memory_stats\":{\"usage\":4096}}"
#define PODMAN_B                                                                                                  \
	"{\"read\":\"2024-05-01T10:00:02.250000000Z\",\"preread\":\"0001-01-01T00:00:00Z\","                       \
	"\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":1500000000},\"system_cpu_usage\":101000000000,"             \
	"\"online_cpus\":4},\"precpu_stats\":{},\"memory_stats\":{\"usage\":4096}}"

static void test_stats_wall_clock_without_precpu(void **state)
{
	(void)state;
	char err[ERRLEN];
	int64_t cpu;
	struct docker_cpu_sample prev = {0}, next;
	const char *a = PODMAN_A, *b = PODMAN_B;
	assert_int_equal(docker_decode_stats(a, strlen(a), &prev, &next, &cpu, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(cpu, -1); /* nothing to compare with yet */
	assert_true(next.valid);
	/* 2024-05-01T10:00:00.25Z */
	assert_true(next.read_ns == 1714557600LL * 1000000000LL + 250000000LL);
	prev = next;
	assert_int_equal(docker_decode_stats(b, strlen(b), &prev, &prev, &cpu, NULL, NULL, err, sizeof(err)), 0);
	/* 0.5e9 ns of CPU over 2e9 ns of wall clock = 0.25 CPU; the system
	 * counter would have said 0.5e9 / 1e9 * 4 CPUs = 2 CPUs */
	assert_int_equal(cpu, 250);
	assert_true(prev.read_ns == 1714557602LL * 1000000000LL + 250000000LL);
	assert_true(prev.total == 1500000000ULL);

	/* without a "read" in the new sample, the system counter is all there is */
	const char *noread = "{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":1500000000},\"system_cpu_usage\":"
			     "101000000000,\"online_cpus\":4},\"precpu_stats\":{},\"memory_stats\":{}}";
	assert_int_equal(docker_decode_stats(a, strlen(a), NULL, &prev, NULL, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(docker_decode_stats(noread, strlen(noread), &prev, &next, &cpu, NULL, NULL, err,
					     sizeof(err)), 0);
	assert_int_equal(cpu, 2000);
	assert_true(next.read_ns == 0);

	/* time going backwards (a clock step) also falls back to the counter */
	assert_int_equal(docker_decode_stats(b, strlen(b), NULL, &prev, NULL, NULL, NULL, err, sizeof(err)), 0);
	const char *earlier = "{\"read\":\"2024-05-01T10:00:01Z\",\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":"
			      "2000000000},\"system_cpu_usage\":102000000000,\"online_cpus\":4},\"precpu_stats\":{}}";
	assert_int_equal(docker_decode_stats(earlier, strlen(earlier), &prev, NULL, &cpu, NULL, NULL, err,
					     sizeof(err)), 0);
	assert_int_equal(cpu, 2000);
}

static void test_stats_precpu_uses_system_counter(void **state)
{
	(void)state;
	char err[ERRLEN];
	int64_t cpu;
	/* a previous sample of our own 2 s earlier, which the wall-clock path
	 * would turn into 0.5e9 / 2e9 = 250 */
	struct docker_cpu_sample prev = {
		.total = 1000000000, .system = 100000000000ULL, .online_cpus = 2,
		.read_ns = 1714557600LL * 1000000000LL, .valid = true,
	};
	/* Docker fills precpu_stats: CPU comes from the system counters there */
	const char *c = "{\"read\":\"2024-05-01T10:00:02Z\",\"preread\":\"2024-05-01T10:00:01Z\","
			"\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":1500000000},\"system_cpu_usage\":102000000000,"
			"\"online_cpus\":2},\"precpu_stats\":{\"cpu_usage\":{\"total_usage\":1000000000},"
			"\"system_cpu_usage\":100000000000,\"online_cpus\":2},\"memory_stats\":{}}";
	assert_int_equal(docker_decode_stats(c, strlen(c), &prev, NULL, &cpu, NULL, NULL, err, sizeof(err)), 0);
	/* 0.5e9 / 2e9 * 2 CPUs = 0.5 CPU */
	assert_int_equal(cpu, 500);
	assert_int_equal(docker_decode_stats(c, strlen(c), NULL, NULL, &cpu, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(cpu, 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_modern),
		cmocka_unit_test(test_events_api140),
		cmocka_unit_test(test_event_pretty_printed),
		cmocka_unit_test(test_event_inline_shapes),
		cmocka_unit_test(test_stats_reference),
		cmocka_unit_test(test_stats_two_samples),
		cmocka_unit_test(test_stats_wall_clock_without_precpu),
		cmocka_unit_test(test_stats_precpu_uses_system_counter),
		cmocka_unit_test(test_errors_reference),
		cmocka_unit_test(test_errors_generic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
