/* decode_misc.c: services, namespaces, events and nodes into rows, the
 * metrics.k8s.io lists (with the resource.Quantity parsers they need), and
 * the pods-per-node count of the nodes view. Cells follow what kubectl get
 * prints, so a user comparing the two sees the same text. */
#include "backends/kube/decode.h"
#include "backends/codec/jdoc.h"
#include "backends/kube/kinds.h"
#include "backends/model/store.h"
#include "backends/util/util.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


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

static void set_labels(struct store *s, struct rtable *t, struct row *r, int idx, const struct jnode *map)
{
	char *text = jn_map_text(map);
	row_set_text_or_clear(s, t, r, idx, text);
	free(text);
}

/* ---- services ---- */

/* EXTERNAL-IP as kubectl's getServiceExternalIP (wide form: never clipped). */
static void service_external(const struct jnode *spec, const struct jnode *st, struct buf *out)
{
	const char *type = jn_str(spec, "type");
	const struct jnode *ext = jn_arr(spec, "externalIPs");
	if (!has_text(type))
		type = "ClusterIP";
	if (!strcmp(type, "ExternalName")) {
		buf_puts(out, jn_str(spec, "externalName") ? jn_str(spec, "externalName") : "");
		return;
	}
	if (!strcmp(type, "LoadBalancer")) {
		const struct jnode *ingress = jn_arr(jn_obj(st, "loadBalancer"), "ingress");
		size_t n = jn_len(ingress), m = 0;
		const char **v = xcalloc(n ? n : 1, sizeof(*v));
		for (size_t i = 0; i < n; i++) {
			const struct jnode *in = jn_idx(ingress, i);
			const char *a =
				has_text(jn_str(in, "ip")) ? jn_str(in, "ip") : jn_str(in, "hostname");
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
	for (size_t i = 0; i < jn_len(ext); i++) {
		const char *a = jn_text(jn_idx(ext, i));
		if (has_text(a))
			buf_printf(out, "%s%s", out->len ? "," : "", a);
	}
	if (!out->len)
		buf_puts(out, !strcmp(type, "LoadBalancer") ? "<pending>" : "<none>");
}

/* PORT(S) as kubectl's makePortString: "80/TCP,443:30443/TCP". */
static void service_ports(const struct jnode *spec, struct buf *out)
{
	const struct jnode *ports = jn_arr(spec, "ports");
	for (size_t i = 0; i < jn_len(ports); i++) {
		const struct jnode *p = jn_idx(ports, i);
		int64_t port = 0, node = 0;
		jn_int(p, "port", &port);
		jn_int(p, "nodePort", &node);
		const char *proto = has_text(jn_str(p, "protocol")) ? jn_str(p, "protocol") : "TCP";
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

void kube_decode_service(struct store *s, struct rtable *t, const struct jnode *svc, const char *id)
{
	struct row *r = rtable_upsert(s, t, id);
	const struct jnode *meta = jn_obj(svc, "metadata"), *spec = jn_obj(svc, "spec");
	row_set_text_or_clear(s, t, r, SVC_NAME, jn_str(meta, "name"));
	row_set_text_or_clear(s, t, r, SVC_NAMESPACE, jn_str(meta, "namespace"));
	row_set_text_or_clear(s, t, r, SVC_TYPE,
			      has_text(jn_str(spec, "type")) ? jn_str(spec, "type") : "ClusterIP");
	/* clusterIPs[0] as kubectl; servers before dual-stack only had clusterIP */
	const struct jnode *first = jn_idx(jn_arr(spec, "clusterIPs"), 0);
	const char *cip = jn_text(first) ? jn_text(first) : jn_str(spec, "clusterIP");
	row_set_text_or_clear(s, t, r, SVC_CLUSTER_IP, has_text(cip) ? cip : "<none>");
	struct buf b;
	buf_init(&b);
	service_external(spec, jn_obj(svc, "status"), &b);
	row_set_text_or_clear(s, t, r, SVC_EXTERNAL_IP, b.data);
	buf_reset(&b);
	service_ports(spec, &b);
	row_set_text_or_clear(s, t, r, SVC_PORTS, b.data);
	buf_cleanup(&b);
	kube_set_time(s, t, r, SVC_AGE, meta, "creationTimestamp");
	set_labels(s, t, r, SVC_SELECTOR, jn_obj(spec, "selector"));
}

/* ---- namespaces ---- */

void kube_decode_namespace(struct store *s, struct rtable *t, const struct jnode *ns, const char *id)
{
	struct row *r = rtable_upsert(s, t, id);
	const struct jnode *meta = jn_obj(ns, "metadata");
	row_set_text_or_clear(s, t, r, NS_NAME, jn_str(meta, "name"));
	row_set_text_or_clear(s, t, r, NS_STATUS, jn_str(jn_obj(ns, "status"), "phase"));
	kube_set_time(s, t, r, NS_AGE, meta, "creationTimestamp");
	set_labels(s, t, r, NS_LABELS, jn_obj(meta, "labels"));
}

/* ---- events ---- */

/* LAST SEEN as kubectl computes it: the series' last observation for an
 * event series (the new API leaves lastTimestamp unset there), else
 * lastTimestamp, firstTimestamp, eventTime; creation as the last resort. */
static bool event_last(const struct jnode *ev, int64_t *out)
{
	return jn_time(jn_obj(ev, "series"), "lastObservedTime", out) ||
	       jn_time(ev, "lastTimestamp", out) ||
	       jn_time(ev, "deprecatedLastTimestamp", out) ||
	       jn_time(ev, "firstTimestamp", out) ||
	       jn_time(ev, "eventTime", out) ||
	       jn_time(jn_obj(ev, "metadata"), "creationTimestamp", out);
}

void kube_decode_event(struct store *s, struct rtable *t, const struct jnode *ev, const char *id)
{
	struct row *r = rtable_upsert(s, t, id);
	const struct jnode *meta = jn_obj(ev, "metadata");
	row_set_text_or_clear(s, t, r, EV_NAME, jn_str(meta, "name"));
	row_set_text_or_clear(s, t, r, EV_NAMESPACE, jn_str(meta, "namespace"));
	int64_t last;
	if (event_last(ev, &last))
		row_set_num(s, t, r, EV_LAST, CELL_TIME, last, NULL);
	else
		row_clear(s, t, r, EV_LAST);
	row_set_text_or_clear(s, t, r, EV_TYPE, jn_str(ev, "type"));
	row_set_text_or_clear(s, t, r, EV_REASON, jn_str(ev, "reason"));

	/* core/v1 says involvedObject; events.k8s.io/v1 says regarding */
	const struct jnode *obj = jn_obj(ev, "involvedObject");
	if (!obj)
		obj = jn_obj(ev, "regarding");
	const char *kind = jn_str(obj, "kind"), *name = jn_str(obj, "name"),
		   *ns = jn_str(obj, "namespace");
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

	const char *msg = jn_str(ev, "message");
	if (!msg)
		msg = jn_str(ev, "note");
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
	if (!jn_int(jn_obj(ev, "series"), "count", &count) && !jn_int(ev, "count", &count))
		jn_int(ev, "deprecatedCount", &count);
	kube_set_count(s, t, r, EV_COUNT, count > 0 ? count : 1, NULL); /* singletons have no count */
}

/* ---- nodes ---- */

void kube_node_status(const struct jnode *node, char *out, size_t outlen)
{
	const char *status = "Unknown";
	const struct jnode *conds = jn_arr(jn_obj(node, "status"), "conditions");
	for (size_t i = 0; i < jn_len(conds); i++) {
		const struct jnode *c = jn_idx(conds, i);
		const char *type = jn_str(c, "type"), *cs = jn_str(c, "status");
		if (type && !strcmp(type, "Ready"))
			status = cs && !strcmp(cs, "True") ? "Ready" : "NotReady";
	}
	bool cordoned = jn_bool(jn_obj(node, "spec"), "unschedulable");
	snprintf(out, outlen, "%s%s", status, cordoned ? ",SchedulingDisabled" : "");
}

void kube_node_pressure(const struct jnode *node, char *out, size_t outlen)
{
	const struct jnode *conds = jn_arr(jn_obj(node, "status"), "conditions");
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < jn_len(conds); i++) {
		const struct jnode *c = jn_idx(conds, i);
		const char *type = jn_str(c, "type"), *cs = jn_str(c, "status");
		/* every condition but Ready says trouble when True (MemoryPressure,
		 * DiskPressure, PIDPressure, NetworkUnavailable, and custom ones) */
		if (type && strcmp(type, "Ready") && cs && !strcmp(cs, "True"))
			n += (size_t)snprintf(out + n, n < outlen ? outlen - n : 0, "%s%s", n ? "," : "", type);
	}
}

void kube_node_roles(const struct jnode *node, char *out, size_t outlen)
{
	static const char prefix[] = "node-role.kubernetes.io/";
	const struct jnode *labels = jn_obj(jn_obj(node, "metadata"), "labels");
	size_t n = jn_len(labels), m = 0;
	const char **roles = xcalloc(n ? n : 1, sizeof(*roles));
	if (labels) {
		for (const struct jnode *val = jn_first(labels); val; val = jn_next(labels, val)) {
			const char *key = jn_key_of(val);
			const char *v = jn_text(val) ? jn_text(val) : "";
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

void kube_decode_node(struct store *s, struct rtable *t, const struct jnode *node, const char *id)
{
	struct row *r = rtable_upsert(s, t, id);
	const struct jnode *meta = jn_obj(node, "metadata"), *st = jn_obj(node, "status");
	const struct jnode *info = jn_obj(st, "nodeInfo"), *alloc = jn_obj(st, "allocatable");
	char text[256];
	row_set_text_or_clear(s, t, r, NODE_NAME, jn_str(meta, "name"));
	kube_node_status(node, text, sizeof(text));
	row_set_text_or_clear(s, t, r, NODE_STATUS, text);
	kube_node_roles(node, text, sizeof(text));
	row_set_text_or_clear(s, t, r, NODE_ROLES, text);
	kube_node_pressure(node, text, sizeof(text));
	row_set_text_or_clear(s, t, r, NODE_PRESSURE, text);
	row_set_text_or_clear(s, t, r, NODE_VERSION, jn_str(info, "kubeletVersion"));
	row_set_text_or_clear(s, t, r, NODE_OS, jn_str(info, "osImage"));
	row_set_text_or_clear(s, t, r, NODE_KERNEL, jn_str(info, "kernelVersion"));
	row_set_text_or_clear(s, t, r, NODE_ARCH, jn_str(info, "architecture"));

	int64_t cpu = kube_quantity_cpu_milli(jn_str(alloc, "cpu"));
	if (cpu >= 0) {
		format_cpus(cpu, text, sizeof(text));
		kube_set_count(s, t, r, NODE_CPUS, cpu, text);
	} else {
		row_clear(s, t, r, NODE_CPUS);
	}
	int64_t mem = kube_quantity_bytes(jn_str(alloc, "memory"));
	if (mem >= 0)
		row_set_num(s, t, r, NODE_MEM, CELL_BYTES, mem, NULL);
	else
		row_clear(s, t, r, NODE_MEM);
	kube_set_time(s, t, r, NODE_AGE, meta, "creationTimestamp");

	const char *ip = NULL;
	const struct jnode *addrs = jn_arr(st, "addresses");
	for (size_t i = 0; i < jn_len(addrs) && !ip; i++) {
		const struct jnode *a = jn_idx(addrs, i);
		const char *type = jn_str(a, "type");
		if (type && !strcmp(type, "InternalIP"))
			ip = jn_str(a, "address");
	}
	row_set_text_or_clear(s, t, r, NODE_IP, ip);
	set_labels(s, t, r, NODE_LABELS, jn_obj(meta, "labels"));
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

int kube_decode_pod_metrics(struct store *s, const struct jnode *list)
{
	const struct jnode *items = jn_arr(list, "items");
	if (!items)
		return -1;
	struct rtable *pods = store_find_table(s, KIND_PODS), *ctrs = store_find_table(s, KIND_CONTAINERS);
	struct rowset done_pods = {0}, done_ctrs = {0};
	char id[512], text[32];
	for (size_t i = 0; pods && i < jn_len(items); i++) {
		const struct jnode *it = jn_idx(items, i);
		kube_decode_row_id(KIND_PODS, it, id, sizeof(id));
		struct row *r = *id ? rtable_find(pods, id) : NULL;
		const char *phase = r ? row_text(r, POD_PHASE) : "";
		if (!r || r->gone_ms || !strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"))
			continue;
		int64_t cpu = 0, mem = 0;
		bool any_cpu = false, any_mem = false;
		const struct jnode *cs = jn_arr(it, "containers");
		for (size_t k = 0; k < jn_len(cs); k++) {
			const struct jnode *c = jn_idx(cs, k), *usage = jn_obj(c, "usage");
			int64_t ccpu = kube_quantity_cpu_milli(jn_str(usage, "cpu"));
			int64_t cmem = kube_quantity_bytes(jn_str(usage, "memory"));
			if (ccpu >= 0) {
				cpu += ccpu;
				any_cpu = true;
			}
			if (cmem >= 0) {
				mem += cmem;
				any_mem = true;
			}
			char *cid = xasprintf("%s/%s", id, jn_str(c, "name") ? jn_str(c, "name") : "");
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

int kube_decode_node_metrics(struct store *s, const struct jnode *list)
{
	const struct jnode *items = jn_arr(list, "items");
	if (!items)
		return -1;
	struct rtable *nodes = store_find_table(s, KIND_NODES);
	struct rowset done = {0};
	for (size_t i = 0; nodes && i < jn_len(items); i++) {
		const struct jnode *it = jn_idx(items, i), *usage = jn_obj(it, "usage");
		const char *name = jn_str(jn_obj(it, "metadata"), "name");
		struct row *r = has_text(name) ? rtable_find(nodes, name) : NULL;
		if (!r || r->gone_ms || !kube_node(r))
			continue;
		int64_t cpu = kube_quantity_cpu_milli(jn_str(usage, "cpu"));
		int64_t mem = kube_quantity_bytes(jn_str(usage, "memory"));
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
