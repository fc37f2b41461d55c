/* decode_misc.c: services, namespaces, events and nodes into rows, the
 * metrics.k8s.io lists (with the resource.Quantity parsers they need), and
 * the pods-per-node count of the nodes view. Cells follow what kubectl get
 * prints, so a user comparing the two sees the same text. */
#include "backends/kube/decode.h"
#include "backends/codec/jsonget.h"
#include "backends/kube/kinds.h"
#include "backends/model/store.h"
#include "backends/util/util.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

static bool has_text(const char *s)
{
	return s && *s;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorts and de-duplicates v[0..n) in place; returns the new count. */
static size_t sort_unique(const char **v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_strp);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!m || strcmp(v[m - 1], v[i]))
			v[m++] = v[i];
	return m;
}

static void set_labels(struct store *s, struct rtable *t, struct row *r, int idx, struct json_object *map)
{
	char *text = jsonget_map_text(map, JSONGET_STRINGS_ONLY);
	row_set_text_or_clear(s, t, r, idx, text);
	free(text);
}

/* ---- services ---- */

/* EXTERNAL-IP as kubectl's getServiceExternalIP (wide form: never clipped). */
static void service_external(struct json_object *spec, struct json_object *st, struct buf *out)
{
	const char *type = jsonget_str(spec, "type");
	struct json_object *ext = jsonget_arr(spec, "externalIPs");
	if (!has_text(type))
		type = "ClusterIP";
	if (!strcmp(type, "ExternalName")) {
		buf_puts(out, jsonget_str(spec, "externalName") ? jsonget_str(spec, "externalName") : "");
		return;
	}
	if (!strcmp(type, "LoadBalancer")) {
		struct json_object *ingress = jsonget_arr(jsonget_obj(st, "loadBalancer"), "ingress");
		size_t n = jsonget_len(ingress), m = 0;
		const char **v = xcalloc(n ? n : 1, sizeof(*v));
		for (size_t i = 0; i < n; i++) {
			struct json_object *in = json_object_array_get_idx(ingress, i);
			const char *a =
				has_text(jsonget_str(in, "ip")) ? jsonget_str(in, "ip") : jsonget_str(in, "hostname");
			if (has_text(a))
				v[m++] = a;
		}
		m = sort_unique(v, m);
		for (size_t i = 0; i < m; i++)
			buf_printf(out, "%s%s", i ? "," : "", v[i]);
		free(v);
	} else if (strcmp(type, "ClusterIP") && strcmp(type, "NodePort")) {
		buf_puts(out, "<unknown>");
		return;
	}
	for (size_t i = 0; i < jsonget_len(ext); i++) {
		const char *a = json_object_get_string(json_object_array_get_idx(ext, i));
		if (has_text(a))
			buf_printf(out, "%s%s", out->len ? "," : "", a);
	}
	if (!out->len)
		buf_puts(out, !strcmp(type, "LoadBalancer") ? "<pending>" : "<none>");
}

/* PORT(S) as kubectl's makePortString: "80/TCP,443:30443/TCP". */
static void service_ports(struct json_object *spec, struct buf *out)
{
	struct json_object *ports = jsonget_arr(spec, "ports");
	for (size_t i = 0; i < jsonget_len(ports); i++) {
		struct json_object *p = json_object_array_get_idx(ports, i);
		int64_t port = 0, node = 0;
		jsonget_int(p, "port", &port);
		jsonget_int(p, "nodePort", &node);
		const char *proto = has_text(jsonget_str(p, "protocol")) ? jsonget_str(p, "protocol") : "TCP";
		if (out->len)
			buf_putc(out, ',');
		if (node > 0)
			buf_printf(out, "%lld:%lld/%s", (long long)port, (long long)node, proto);
		else
			buf_printf(out, "%lld/%s", (long long)port, proto);
	}
	if (!out->len)
		buf_puts(out, "<none>");
}

void kube_decode_service(struct store *s, struct rtable *t, struct json_object *svc, const char *id)
{
	struct row *r = rtable_upsert(s, t, id);
	struct json_object *meta = jsonget_obj(svc, "metadata"), *spec = jsonget_obj(svc, "spec");
	row_set_text_or_clear(s, t, r, SVC_NAME, jsonget_str(meta, "name"));
	row_set_text_or_clear(s, t, r, SVC_NAMESPACE, jsonget_str(meta, "namespace"));
	row_set_text_or_clear(s, t, r, SVC_TYPE,
			      has_text(jsonget_str(spec, "type")) ? jsonget_str(spec, "type") : "ClusterIP");
	/* clusterIPs[0] as kubectl; servers before dual-stack only had clusterIP */
	struct json_object *first = jsonget_idx(jsonget_arr(spec, "clusterIPs"), 0);
	const char *cip = json_object_is_type(first, json_type_string) ? json_object_get_string(first)
									: jsonget_str(spec, "clusterIP");
	row_set_text_or_clear(s, t, r, SVC_CLUSTER_IP, has_text(cip) ? cip : "<none>");
	struct buf b;
	buf_init(&b);
	service_external(spec, jsonget_obj(svc, "status"), &b);
	row_set_text_or_clear(s, t, r, SVC_EXTERNAL_IP, b.data);
	buf_reset(&b);
	service_ports(spec, &b);
	row_set_text_or_clear(s, t, r, SVC_PORTS, b.data);
	buf_cleanup(&b);
	kube_set_time(s, t, r, SVC_AGE, meta, "creationTimestamp");
	set_labels(s, t, r, SVC_SELECTOR, jsonget_obj(spec, "selector"));
}

/* ---- namespaces ---- */

void kube_decode_namespace(struct store *s, struct rtable *t, struct json_object *ns, const char *id)
{
	struct row *r = rtable_upsert(s, t, id);
	struct json_object *meta = jsonget_obj(ns, "metadata");
	row_set_text_or_clear(s, t, r, NS_NAME, jsonget_str(meta, "name"));
	row_set_text_or_clear(s, t, r, NS_STATUS, jsonget_str(jsonget_obj(ns, "status"), "phase"));
	kube_set_time(s, t, r, NS_AGE, meta, "creationTimestamp");
	set_labels(s, t, r, NS_LABELS, jsonget_obj(meta, "labels"));
}

/* ---- events ---- */

/* LAST SEEN as kubectl computes it: the series' last observation for an
 * event series (the new API leaves lastTimestamp unset there), else
 * lastTimestamp, firstTimestamp, eventTime; creation as the last resort. */
static bool event_last(struct json_object *ev, int64_t *out)
{
	return jsonget_time(jsonget_obj(ev, "series"), "lastObservedTime", JSONGET_RFC3339, out) ||
	       jsonget_time(ev, "lastTimestamp", JSONGET_RFC3339, out) ||
	       jsonget_time(ev, "deprecatedLastTimestamp", JSONGET_RFC3339, out) ||
	       jsonget_time(ev, "firstTimestamp", JSONGET_RFC3339, out) ||
	       jsonget_time(ev, "eventTime", JSONGET_RFC3339, out) ||
	       jsonget_time(jsonget_obj(ev, "metadata"), "creationTimestamp", JSONGET_RFC3339, out);
}

void kube_decode_event(struct store *s, struct rtable *t, struct json_object *ev, const char *id)
{
	struct row *r = rtable_upsert(s, t, id);
	struct json_object *meta = jsonget_obj(ev, "metadata");
	row_set_text_or_clear(s, t, r, EV_NAME, jsonget_str(meta, "name"));
	row_set_text_or_clear(s, t, r, EV_NAMESPACE, jsonget_str(meta, "namespace"));
	int64_t last;
	if (event_last(ev, &last))
		row_set_num(s, t, r, EV_LAST, CELL_TIME, last, NULL);
	else
		row_clear(s, t, r, EV_LAST);
	row_set_text_or_clear(s, t, r, EV_TYPE, jsonget_str(ev, "type"));
	row_set_text_or_clear(s, t, r, EV_REASON, jsonget_str(ev, "reason"));

	/* core/v1 says involvedObject; events.k8s.io/v1 says regarding */
	struct json_object *obj = jsonget_obj(ev, "involvedObject");
	if (!obj)
		obj = jsonget_obj(ev, "regarding");
	const char *kind = jsonget_str(obj, "kind"), *name = jsonget_str(obj, "name"),
		   *ns = jsonget_str(obj, "namespace");
	struct buf b;
	buf_init(&b);
	for (const char *p = kind ? kind : ""; *p; p++)
		buf_putc(&b, (char)tolower((unsigned char)*p));
	if (has_text(name))
		buf_printf(&b, "/%s", name);
	row_set_text_or_clear(s, t, r, EV_OBJECT, b.data);
	buf_reset(&b);
	/* "Pod/default/web-1", "Node//minikube": what `e` on an object looks for */
	if (has_text(kind) && has_text(name))
		buf_printf(&b, "%s/%s/%s", kind, ns ? ns : "", name);
	row_set_text_or_clear(s, t, r, EV_INVOLVED, b.data);
	buf_cleanup(&b);

	const char *msg = jsonget_str(ev, "message");
	if (!msg)
		msg = jsonget_str(ev, "note");
	msg = msg ? msg : "";
	while (isspace((unsigned char)*msg))
		msg++;
	size_t n = strlen(msg);
	while (n && isspace((unsigned char)msg[n - 1]))
		n--;
	char *trimmed = xstrndup(msg, n);
	row_set_text_or_clear(s, t, r, EV_MESSAGE, trimmed);
	free(trimmed);

	int64_t count = 0;
	if (!jsonget_int(jsonget_obj(ev, "series"), "count", &count) && !jsonget_int(ev, "count", &count))
		jsonget_int(ev, "deprecatedCount", &count);
	kube_set_count(s, t, r, EV_COUNT, count > 0 ? count : 1, NULL); /* singletons have no count */
}

/* ---- nodes ---- */

void kube_node_status(struct json_object *node, char *out, size_t outlen)
{
	const char *status = "Unknown";
	struct json_object *conds = jsonget_arr(jsonget_obj(node, "status"), "conditions");
	for (size_t i = 0; i < jsonget_len(conds); i++) {
		struct json_object *c = json_object_array_get_idx(conds, i);
		const char *type = jsonget_str(c, "type"), *cs = jsonget_str(c, "status");
		if (type && !strcmp(type, "Ready"))
			status = cs && !strcmp(cs, "True") ? "Ready" : "NotReady";
	}
	bool cordoned = jsonget_bool(jsonget_obj(node, "spec"), "unschedulable");
	snprintf(out, outlen, "%s%s", status, cordoned ? ",SchedulingDisabled" : "");
}

void kube_node_pressure(struct json_object *node, char *out, size_t outlen)
{
	struct json_object *conds = jsonget_arr(jsonget_obj(node, "status"), "conditions");
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < jsonget_len(conds); i++) {
		struct json_object *c = json_object_array_get_idx(conds, i);
		const char *type = jsonget_str(c, "type"), *cs = jsonget_str(c, "status");
		/* every condition but Ready says trouble when True (MemoryPressure,
		 * DiskPressure, PIDPressure, NetworkUnavailable, and custom ones) */
		if (type && strcmp(type, "Ready") && cs && !strcmp(cs, "True"))
			n += (size_t)snprintf(out + n, n < outlen ? outlen - n : 0, "%s%s", n ? "," : "", type);
	}
}

void kube_node_roles(struct json_object *node, char *out, size_t outlen)
{
	static const char prefix[] = "node-role.kubernetes.io/";
	struct json_object *labels = jsonget_obj(jsonget_obj(node, "metadata"), "labels");
	size_t n = labels ? (size_t)json_object_object_length(labels) : 0, m = 0;
	const char **roles = xcalloc(n ? n : 1, sizeof(*roles));
	if (labels) {
		json_object_object_foreach(labels, key, val)
		{
			const char *v = json_object_is_type(val, json_type_string) ? json_object_get_string(val) : "";
			if (str_starts(key, prefix) && key[sizeof(prefix) - 1] && m < n)
				roles[m++] = key + sizeof(prefix) - 1;
			else if (!strcmp(key, "kubernetes.io/role") && *v && m < n)
				roles[m++] = v;
		}
	}
	m = sort_unique(roles, m);
	struct buf b;
	buf_init(&b);
	for (size_t i = 0; i < m; i++)
		buf_printf(&b, "%s%s", i ? "," : "", roles[i]);
	snprintf(out, outlen, "%s", b.len ? b.data : "<none>");
	buf_cleanup(&b);
	free(roles);
}

/* "4", "3.5", "0.25": millicores as CPUs, trailing zeros dropped. */
static void format_cpus(int64_t milli, char *out, size_t outlen)
{
	if (milli % 1000 == 0) {
		snprintf(out, outlen, "%lld", (long long)(milli / 1000));
		return;
	}
	char frac[8];
	snprintf(frac, sizeof(frac), "%03lld", (long long)(milli % 1000));
	for (int i = 2; i > 0 && frac[i] == '0'; i--)
		frac[i] = '\0';
	snprintf(out, outlen, "%lld.%s", (long long)(milli / 1000), frac);
}

void kube_decode_node(struct store *s, struct rtable *t, struct json_object *node, const char *id)
{
	struct row *r = rtable_upsert(s, t, id);
	struct json_object *meta = jsonget_obj(node, "metadata"), *st = jsonget_obj(node, "status");
	struct json_object *info = jsonget_obj(st, "nodeInfo"), *alloc = jsonget_obj(st, "allocatable");
	char text[256];
	row_set_text_or_clear(s, t, r, NODE_NAME, jsonget_str(meta, "name"));
	kube_node_status(node, text, sizeof(text));
	row_set_text_or_clear(s, t, r, NODE_STATUS, text);
	kube_node_roles(node, text, sizeof(text));
	row_set_text_or_clear(s, t, r, NODE_ROLES, text);
	kube_node_pressure(node, text, sizeof(text));
	row_set_text_or_clear(s, t, r, NODE_PRESSURE, text);
	row_set_text_or_clear(s, t, r, NODE_VERSION, jsonget_str(info, "kubeletVersion"));
	row_set_text_or_clear(s, t, r, NODE_OS, jsonget_str(info, "osImage"));
	row_set_text_or_clear(s, t, r, NODE_KERNEL, jsonget_str(info, "kernelVersion"));
	row_set_text_or_clear(s, t, r, NODE_ARCH, jsonget_str(info, "architecture"));

	int64_t cpu = kube_quantity_cpu_milli(jsonget_str(alloc, "cpu"));
	if (cpu >= 0) {
		format_cpus(cpu, text, sizeof(text));
		kube_set_count(s, t, r, NODE_CPUS, cpu, text);
	} else {
		row_clear(s, t, r, NODE_CPUS);
	}
	int64_t mem = kube_quantity_bytes(jsonget_str(alloc, "memory"));
	if (mem >= 0)
		row_set_num(s, t, r, NODE_MEM, CELL_BYTES, mem, NULL);
	else
		row_clear(s, t, r, NODE_MEM);
	kube_set_time(s, t, r, NODE_AGE, meta, "creationTimestamp");

	const char *ip = NULL;
	struct json_object *addrs = jsonget_arr(st, "addresses");
	for (size_t i = 0; i < jsonget_len(addrs) && !ip; i++) {
		struct json_object *a = json_object_array_get_idx(addrs, i);
		const char *type = jsonget_str(a, "type");
		if (type && !strcmp(type, "InternalIP"))
			ip = jsonget_str(a, "address");
	}
	row_set_text_or_clear(s, t, r, NODE_IP, ip);
	set_labels(s, t, r, NODE_LABELS, jsonget_obj(meta, "labels"));
}

/* ---- quantities ---- */

/* The decimal exponent of an SI suffix, or the binary one (*bin) of Ki..Ei. */
static bool quantity_suffix(const char *p, int *exp10, int *bin)
{
	static const struct {
		const char *suffix;
		int exp10, bin;
	} table[] = {
		{"", 0, 0},    {"n", -9, 0},  {"u", -6, 0},  {"m", -3, 0},  {"k", 3, 0},   {"M", 6, 0},
		{"G", 9, 0},   {"T", 12, 0},  {"P", 15, 0},  {"E", 18, 0},  {"Ki", 0, 10}, {"Mi", 0, 20},
		{"Gi", 0, 30}, {"Ti", 0, 40}, {"Pi", 0, 50}, {"Ei", 0, 60},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(p, table[i].suffix)) {
			*exp10 += table[i].exp10;
			*bin = table[i].bin;
			return true;
		}
	/* "1e3", "1E-3": an exponent (a lone "E" was exa, above) */
	if (*p != 'e' && *p != 'E')
		return false;
	p++;
	int sign = 1, e = 0;
	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if (!isdigit((unsigned char)*p))
		return false;
	for (; isdigit((unsigned char)*p); p++)
		if (e < 10000)
			e = e * 10 + (*p - '0');
	if (*p)
		return false;
	*exp10 += sign * e;
	*bin = 0;
	return true;
}

/* The quantity times 10^scale, rounded up; integer arithmetic throughout so
 * "0.1" is exactly 100m. */
static int64_t quantity_scaled(const char *q, int scale)
{
	if (!q)
		return -1;
	const char *p = q;
	if (*p == '+')
		p++;
	uint64_t mant = 0;
	int exp10 = 0, bin = 0;
	bool digits = false, dropped = false;
	for (bool frac = false;; p++) {
		if (*p == '.' && !frac) {
			frac = true;
			continue;
		}
		if (!isdigit((unsigned char)*p))
			break;
		digits = true;
		unsigned d = (unsigned)(*p - '0');
		if (mant <= (UINT64_MAX - 9) / 10) {
			mant = mant * 10 + d;
			exp10 -= frac;
		} else {
			/* beyond 19 digits: keep the magnitude, remember to round up */
			exp10 += !frac;
			dropped |= d != 0;
		}
	}
	if (!digits || !quantity_suffix(p, &exp10, &bin))
		return -1;
	if (dropped)
		mant++;
	if (!mant)
		return 0;
	exp10 += scale;
	/* shed decimal precision (rounding up) until the binary shift fits */
	while (bin && exp10 < 0 && mant > (UINT64_MAX >> bin)) {
		mant = mant / 10 + (mant % 10 != 0);
		exp10++;
	}
	if (bin) {
		if (mant > (UINT64_MAX >> bin))
			return INT64_MAX;
		mant <<= bin;
	}
	for (; exp10 > 0; exp10--) {
		if (mant > UINT64_MAX / 10)
			return INT64_MAX;
		mant *= 10;
	}
	if (exp10 < 0) {
		if (exp10 < -19)
			return 1; /* a positive sliver rounds up to one unit */
		uint64_t div = 1;
		for (; exp10 < 0; exp10++)
			div *= 10;
		mant = mant / div + (mant % div != 0);
	}
	return mant > INT64_MAX ? INT64_MAX : (int64_t)mant;
}

int64_t kube_quantity_cpu_milli(const char *q)
{
	return quantity_scaled(q, 3);
}

int64_t kube_quantity_bytes(const char *q)
{
	return quantity_scaled(q, 0);
}

/* ---- metrics ---- */

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;
	return (x > y) - (x < y);
}

/* Rows updated by this call, to clear the cells of the others afterwards. */
struct rowset {
	struct row **v;
	size_t len, cap;
};

static void rowset_add(struct rowset *rs, struct row *r)
{
	if (rs->len == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 64;
		rs->v = xrealloc(rs->v, rs->cap * sizeof(*rs->v));
	}
	rs->v[rs->len++] = r;
}

/* Clears cells a and b of the live rows of t not in rs (when want(r)). */
static void clear_unlisted(struct store *s, struct rtable *t, struct rowset *rs, int a, int b,
			   bool (*want)(const struct row *))
{
	if (rs->len)
		qsort(rs->v, rs->len, sizeof(*rs->v), cmp_ptr);
	for (size_t i = 0; t && i < t->len; i++) {
		struct row *r = t->rows[i];
		if (r->gone_ms || !want(r) || (rs->len && bsearch(&r, rs->v, rs->len, sizeof(*rs->v), cmp_ptr)))
			continue;
		row_clear(s, t, r, a);
		row_clear(s, t, r, b);
	}
	free(rs->v);
	rs->v = NULL;
	rs->len = rs->cap = 0;
}

static bool kube_container(const struct row *r)
{
	return *row_text(r, CTR_POD) != '\0';
}

static bool any_row(const struct row *r)
{
	(void)r;
	return true;
}

static bool kube_node(const struct row *r)
{
	return strcmp(row_text(r, NODE_ROLES), "engine") != 0;
}

static void set_cpu_mem(struct store *s, struct rtable *t, struct row *r, int cpu_idx, int mem_idx, int64_t cpu,
			int64_t mem, const char *cpu_text)
{
	if (cpu >= 0)
		row_set_num(s, t, r, cpu_idx, CELL_PERMILLE, cpu, cpu_text);
	else
		row_clear(s, t, r, cpu_idx);
	if (mem >= 0)
		row_set_num(s, t, r, mem_idx, CELL_BYTES, mem, NULL);
	else
		row_clear(s, t, r, mem_idx);
}

int kube_decode_pod_metrics(struct store *s, struct json_object *list)
{
	struct json_object *items = jsonget_arr(list, "items");
	if (!items)
		return -1;
	struct rtable *pods = store_find_table(s, KIND_PODS), *ctrs = store_find_table(s, KIND_CONTAINERS);
	struct rowset done_pods = {0}, done_ctrs = {0};
	char id[512], text[32];
	for (size_t i = 0; pods && i < jsonget_len(items); i++) {
		struct json_object *it = json_object_array_get_idx(items, i);
		kube_decode_row_id(KIND_PODS, it, id, sizeof(id));
		struct row *r = *id ? rtable_find(pods, id) : NULL;
		const char *phase = r ? row_text(r, POD_PHASE) : "";
		if (!r || r->gone_ms || !strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"))
			continue;
		int64_t cpu = 0, mem = 0;
		bool any_cpu = false, any_mem = false;
		struct json_object *cs = jsonget_arr(it, "containers");
		for (size_t k = 0; k < jsonget_len(cs); k++) {
			struct json_object *c = json_object_array_get_idx(cs, k), *usage = jsonget_obj(c, "usage");
			int64_t ccpu = kube_quantity_cpu_milli(jsonget_str(usage, "cpu"));
			int64_t cmem = kube_quantity_bytes(jsonget_str(usage, "memory"));
			if (ccpu >= 0) {
				cpu += ccpu;
				any_cpu = true;
			}
			if (cmem >= 0) {
				mem += cmem;
				any_mem = true;
			}
			char *cid = xasprintf("%s/%s", id, jsonget_str(c, "name") ? jsonget_str(c, "name") : "");
			struct row *cr = ctrs ? rtable_find(ctrs, cid) : NULL;
			free(cid);
			/* metrics lag: a container that stopped keeps no last figure */
			bool stopped = cr && (!strcmp(row_text(cr, CTR_STATE), "terminated") ||
					      (!strcmp(row_text(cr, CTR_STATE), "waiting") &&
					       strcmp(row_text(cr, CTR_STATUS), "Pending")));
			if (cr && !cr->gone_ms && !stopped) {
				set_cpu_mem(s, ctrs, cr, CTR_CPU, CTR_MEM, ccpu, cmem, NULL);
				rowset_add(&done_ctrs, cr);
			}
		}
		snprintf(text, sizeof(text), "%lldm", (long long)cpu);
		set_cpu_mem(s, pods, r, POD_CPU, POD_MEM, any_cpu ? cpu : -1, any_mem ? mem : -1, text);
		rowset_add(&done_pods, r);
	}
	int n = (int)done_pods.len;
	clear_unlisted(s, pods, &done_pods, POD_CPU, POD_MEM, any_row);
	clear_unlisted(s, ctrs, &done_ctrs, CTR_CPU, CTR_MEM, kube_container);
	return n;
}

int kube_decode_node_metrics(struct store *s, struct json_object *list)
{
	struct json_object *items = jsonget_arr(list, "items");
	if (!items)
		return -1;
	struct rtable *nodes = store_find_table(s, KIND_NODES);
	struct rowset done = {0};
	for (size_t i = 0; nodes && i < jsonget_len(items); i++) {
		struct json_object *it = json_object_array_get_idx(items, i), *usage = jsonget_obj(it, "usage");
		const char *name = jsonget_str(jsonget_obj(it, "metadata"), "name");
		struct row *r = has_text(name) ? rtable_find(nodes, name) : NULL;
		if (!r || r->gone_ms || !kube_node(r))
			continue;
		int64_t cpu = kube_quantity_cpu_milli(jsonget_str(usage, "cpu"));
		int64_t mem = kube_quantity_bytes(jsonget_str(usage, "memory"));
		const struct cell *ac = &r->cells[NODE_CPUS], *am = &r->cells[NODE_MEM];
		char text[64], size[32];
		if (cpu >= 0) {
			int len = snprintf(text, sizeof(text), "%lldm", (long long)cpu);
			if (ac->type == CELL_INT && ac->num > 0)
				snprintf(text + len, sizeof(text) - (size_t)len, " (%lld%%)",
					 (long long)(cpu * 100 / ac->num));
			row_set_num(s, nodes, r, NODE_CPU_USAGE, CELL_PERMILLE, cpu, text);
		} else {
			row_clear(s, nodes, r, NODE_CPU_USAGE);
		}
		if (mem >= 0) {
			format_bytes(mem, size, sizeof(size));
			if (am->type == CELL_BYTES && am->num > 0)
				snprintf(text, sizeof(text), "%s (%lld%%)", size,
					 (long long)((double)mem * 100 / (double)am->num));
			else
				snprintf(text, sizeof(text), "%s", size);
			row_set_num(s, nodes, r, NODE_MEM_USAGE, CELL_BYTES, mem, text);
		} else {
			row_clear(s, nodes, r, NODE_MEM_USAGE);
		}
		rowset_add(&done, r);
	}
	int n = (int)done.len;
	clear_unlisted(s, nodes, &done, NODE_CPU_USAGE, NODE_MEM_USAGE, kube_node);
	return n;
}

/* ---- pods per node ---- */

struct node_count {
	const char *name;
	struct row *r;
	int64_t running, total;
};

static int cmp_node_count(const void *a, const void *b)
{
	return strcmp(((const struct node_count *)a)->name, ((const struct node_count *)b)->name);
}

void kube_decode_refresh_node_pods(struct store *s)
{
	kube_decode_count_node_pods(s, KIND_PODS);
}

void kube_decode_count_node_pods(struct store *s, const char *pods_table)
{
	struct rtable *nodes = store_find_table(s, KIND_NODES), *pods = store_find_table(s, pods_table);
	if (!nodes || !nodes->len)
		return;
	struct node_count *v = xcalloc(nodes->len, sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < nodes->len; i++) {
		struct row *r = nodes->rows[i];
		if (!r->gone_ms && kube_node(r))
			v[n++] = (struct node_count){row_text(r, NODE_NAME), r, 0, 0};
	}
	qsort(v, n, sizeof(*v), cmp_node_count);
	bool known = pods && pods->synced;
	for (size_t i = 0; known && i < pods->len; i++) {
		struct row *p = pods->rows[i];
		struct node_count key = {.name = row_text(p, POD_NODE)};
		if (p->gone_ms || !*key.name)
			continue;
		struct node_count *nc = bsearch(&key, v, n, sizeof(*v), cmp_node_count);
		if (!nc)
			continue;
		nc->total++;
		nc->running += !strcmp(row_text(p, POD_PHASE), "Running");
	}
	for (size_t i = 0; i < n; i++) {
		if (!known) {
			row_clear(s, nodes, v[i].r, NODE_WORKLOADS);
			continue;
		}
		char text[48];
		snprintf(text, sizeof(text), "%lld/%lld", (long long)v[i].running, (long long)v[i].total);
		kube_set_count(s, nodes, v[i].r, NODE_WORKLOADS, v[i].running, text);
	}
	free(v);
}
