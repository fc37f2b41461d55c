/* decode_stream.c: the one-message Docker bodies: lines of the /events stream,
 * stats samples (CPU and memory figured the way `docker stats` does) and the
 * {"message":...} error bodies. */
#include "backends/docker/decode.h"
#include "backends/codec/jsonget.h"
#include "backends/util/util.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

/* ---- events ---- */

/* Events from API < 1.22 carry no Type: container events name their image in
 * "from"; image events have verbs no container has. */
static const char *legacy_type(struct json_object *o, const char *status)
{
	static const char *const image_verbs[] = {"untag", "tag", "delete", "pull", "push", "import", "load", "save"};
	if (jsonget_str(o, "from"))
		return "container";
	for (size_t i = 0; status && i < sizeof(image_verbs) / sizeof(image_verbs[0]); i++)
		if (!strcmp(status, image_verbs[i]))
			return "image";
	return "container";
}

int docker_decode_event(const char *line, size_t len, struct docker_event *ev, char *err, size_t errlen)
{
	memset(ev, 0, sizeof(*ev));
	size_t i = 0;
	if (!line)
		len = 0;
	/* 0x1E: an RFC 7464 record separator, should json-seq ever be negotiated */
	while (i < len && (isspace((unsigned char)line[i]) || line[i] == 0x1E))
		i++;
	if (i == len)
		return 1;
	struct json_object *o = docker_decode_parse(line + i, len - i, "an event", err, errlen);
	if (!o)
		return -1;
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return set_err(err, errlen, "the engine sent an event that is not a JSON object");
	}
	struct json_object *actor = jsonget_obj(o, "Actor");
	const char *action = jsonget_str(o, "Action");
	if (!action || !*action)
		action = jsonget_str(o, "status"); /* legacy shape, gone in API 1.52 */
	const char *type = jsonget_str(o, "Type");
	if (!type || !*type)
		type = legacy_type(o, action);
	const char *id = jsonget_str(actor, "ID");
	if (!id || !*id)
		id = jsonget_str(o, "id");
	const char *name = jsonget_str(jsonget_obj(actor, "Attributes"), "name");

	docker_decode_copy(ev->type, sizeof(ev->type), type);
	docker_decode_copy(ev->id, sizeof(ev->id), id);
	docker_decode_copy(ev->name, sizeof(ev->name), name);
	if (action) {
		/* "health_status: unhealthy", "exec_start: sh -c 'echo hi'" */
		const char *colon = strchr(action, ':');
		size_t vlen = colon ? (size_t)(colon - action) : strlen(action);
		while (vlen && isspace((unsigned char)action[vlen - 1]))
			vlen--;
		if (vlen >= sizeof(ev->action))
			vlen = sizeof(ev->action) - 1;
		memcpy(ev->action, action, vlen);
		ev->action[vlen] = '\0';
		if (colon) {
			const char *d = colon + 1;
			while (isspace((unsigned char)*d))
				d++;
			docker_decode_copy(ev->detail, sizeof(ev->detail), d);
		}
	}
	int64_t t;
	if (jsonget_int(o, "timeNano", &t) && t > 0)
		ev->time_ns = t;
	else if (jsonget_int(o, "time", &t) && t > 0 && t < INT64_MAX / 1000000000)
		ev->time_ns = t * 1000000000;
	json_object_put(o);
	return 0;
}

/* ---- stats ---- */

/* RFC 3339 with nanoseconds; -1 for absent or Go's zero time. */
static int64_t rfc3339_ns(const char *s)
{
	int64_t sec = s ? parse_rfc3339(s) : -1;
	/* past 2262 nanoseconds overflow 64 bits: no engine's clock is there */
	if (sec <= 0 || sec >= INT64_MAX / 1000000000 - 1)
		return -1;
	int64_t frac = 0;
	const char *dot = strchr(s, '.');
	if (dot) {
		int digits = 0;
		for (const char *p = dot + 1; isdigit((unsigned char)*p) && digits < 9; p++, digits++)
			frac = frac * 10 + (*p - '0');
		while (digits++ < 9)
			frac *= 10;
	}
	return sec * 1000000000 + frac;
}

struct cpu_read {
	uint64_t total, system;
	uint32_t online;
	bool has_total;
};

static struct cpu_read cpu_read(struct json_object *cs)
{
	struct cpu_read c = {0};
	struct json_object *usage = jsonget_obj(cs, "cpu_usage");
	c.has_total = jsonget_u64(usage, "total_usage", &c.total);
	if (!jsonget_u64(cs, "system_cpu_usage", &c.system))
		c.system = 0;
	int64_t online;
	if (jsonget_int(cs, "online_cpus", &online) && online > 0 && online < 1 << 20)
		c.online = (uint32_t)online;
	struct json_object *percpu = jsonget_field(usage, "percpu_usage");
	if (!c.online && json_object_is_type(percpu, json_type_array))
		c.online = (uint32_t)json_object_array_length(percpu); /* pre-1.27 engines */
	return c;
}

static int64_t permille(uint64_t used, uint64_t possible, double scale)
{
	if (!possible)
		return -1;
	double v = (double)used / (double)possible * scale * 1000.0;
	return v >= 9e18 ? INT64_MAX : (int64_t)(v + 0.5); /* v >= 0: round half up */
}

static int64_t stats_cpu(struct json_object *root, const struct docker_cpu_sample *prev, struct cpu_read cur)
{
	struct cpu_read pre = cpu_read(jsonget_obj(root, "precpu_stats"));
	if (!cur.has_total)
		return -1;
	if (!cur.system) {
		/* Windows: no system counter; 100 ns intervals over read - preread */
		int64_t nprocs, read = rfc3339_ns(jsonget_str(root, "read")),
				preread = rfc3339_ns(jsonget_str(root, "preread"));
		if (!jsonget_int(root, "num_procs", &nprocs) || nprocs <= 0 || read <= 0 || preread <= 0 ||
		    read <= preread || !pre.has_total || cur.total < pre.total)
			return -1;
		uint64_t possible = (uint64_t)(read - preread) / 100 * (uint64_t)nprocs;
		return permille(cur.total - pre.total, possible, (double)nprocs);
	}
	uint64_t base_total, base_system;
	uint32_t online = cur.online;
	if (pre.system) {
		base_total = pre.total;
		base_system = pre.system;
	} else if (prev && prev->valid) {
		/* Podman and one-shot answers leave precpu_stats empty. Between two
		 * samples of our own, CPU time over wall-clock time is what `podman
		 * stats` shows, and it does not depend on the host's system counter
		 * (which some VMs advance far slower than real time). */
		int64_t read = rfc3339_ns(jsonget_str(root, "read"));
		if (read > 0 && prev->read_ns > 0 && read > prev->read_ns && cur.total >= prev->total)
			return permille(cur.total - prev->total, (uint64_t)(read - prev->read_ns), 1.0);
		base_total = prev->total;
		base_system = prev->system;
		if (!online)
			online = prev->online_cpus;
	} else {
		return -1;
	}
	if (!online)
		online = pre.online;
	/* a restart resets the counters: wait for the next sample */
	if (!online || cur.system <= base_system || cur.total < base_total)
		return -1;
	return permille(cur.total - base_total, cur.system - base_system, (double)online);
}

static int64_t stats_mem(struct json_object *ms)
{
	uint64_t usage, v;
	if (!jsonget_u64(ms, "usage", &usage)) {
		if (jsonget_u64(ms, "privateworkingset", &v) && v > 0) /* Windows */
			return v > INT64_MAX ? INT64_MAX : (int64_t)v;
		return -1;
	}
	/* what `docker stats` shows: usage less the page cache it could drop */
	struct json_object *st = jsonget_obj(ms, "stats");
	if (jsonget_u64(st, "total_inactive_file", &v) && v < usage) /* cgroup v1 */
		usage -= v;
	else if (jsonget_u64(st, "inactive_file", &v) && v < usage) /* cgroup v2 */
		usage -= v;
	else if (!jsonget_field(st, "total_inactive_file") && !jsonget_field(st, "inactive_file") &&
		 jsonget_u64(st, "cache", &v) && v < usage)
		usage -= v;
	return usage > INT64_MAX ? INT64_MAX : (int64_t)usage;
}

int docker_decode_stats(const char *json, size_t len, const struct docker_cpu_sample *prev,
			struct docker_cpu_sample *next, int64_t *cpu_permille, int64_t *mem_bytes,
			int64_t *mem_limit, char *err, size_t errlen)
{
	struct json_object *root = docker_decode_parse(json, len, "a stats sample", err, errlen);
	if (!root)
		return -1;
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return set_err(err, errlen, "the engine sent a stats sample that is not a JSON object");
	}
	struct cpu_read cur = cpu_read(jsonget_obj(root, "cpu_stats"));
	int64_t cpu = stats_cpu(root, prev, cur); /* reads prev before next may overwrite it */
	struct json_object *ms = jsonget_obj(root, "memory_stats");
	int64_t mem = stats_mem(ms);
	uint64_t limit = 0;
	/* 2^63-ish (cgroup v1) and 2^64-1 (v2) both mean "no limit" */
	if (!jsonget_u64(ms, "limit", &limit) || limit >= (UINT64_C(1) << 62))
		limit = 0;
	if (next) {
		next->total = cur.total;
		next->system = cur.system;
		next->online_cpus = cur.online;
		next->read_ns = rfc3339_ns(jsonget_str(root, "read"));
		if (next->read_ns < 0)
			next->read_ns = 0;
		next->valid = cur.has_total && cur.system > 0;
	}
	if (cpu_permille)
		*cpu_permille = cpu;
	if (mem_bytes)
		*mem_bytes = mem;
	if (mem_limit)
		*mem_limit = (int64_t)limit;
	json_object_put(root);
	return 0;
}

/* ---- errors ---- */

/* One line for the flash line: control characters become spaces, runs of
 * spaces collapse, the ends are trimmed. */
static void flatten(const char *in, size_t n, char *out, size_t outlen)
{
	struct buf b;
	buf_init(&b);
	bool space = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c < 0x20 || c == 0x7f || c == ' ') {
			space = b.len > 0;
			continue;
		}
		if (space)
			buf_putc(&b, ' ');
		space = false;
		buf_putc(&b, (char)c);
	}
	docker_decode_copy(out, outlen, b.data ? b.data : "");
	buf_cleanup(&b);
}

static const char *reason_phrase(long status)
{
	switch (status) {
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 406: return "Not Acceptable";
	case 409: return "Conflict";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return NULL;
	}
}

void docker_decode_error(long http_status, const char *body, size_t len, char *err, size_t errlen)
{
	if (!err || !errlen)
		return;
	if (!body)
		len = 0;
	size_t i = 0;
	while (i < len && isspace((unsigned char)body[i]))
		i++;
	if (i < len && body[i] == '{') {
		struct json_object *o = docker_decode_parse(body + i, len - i, "an error", NULL, 0);
		const char *msg = jsonget_str(o, "message");
		if (!msg || !*msg)
			msg = jsonget_str(o, "error"); /* pull-stream and some proxies */
		if (!msg || !*msg)
			msg = jsonget_str(jsonget_obj(o, "errorDetail"), "message");
		if (msg && *msg) {
			flatten(msg, strlen(msg), err, errlen);
			json_object_put(o);
			if (*err)
				return;
		} else {
			json_object_put(o);
		}
	} else if (i < len && body[i] != '<' && len - i <= 300) {
		/* old engines and proxies answer in plain text; HTML pages are noise */
		const char *nl = memchr(body + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (body + i)) : len - i;
		if (!memchr(body + i, '\0', n)) {
			flatten(body + i, n, err, errlen);
			if (*err)
				return;
		}
	}
	const char *why = reason_phrase(http_status);
	if (http_status == 304)
		set_err(err, errlen, "nothing to do: it is already in that state");
	else if (why)
		set_err(err, errlen, "the engine answered HTTP %ld (%s) without an explanation", http_status, why);
	else
		set_err(err, errlen, "the engine answered HTTP %ld without an explanation", http_status);
}
