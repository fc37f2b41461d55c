/* portforward.c: kubectl port-forward without kubectl. A forward listens on
 * the bastion's loopback (127.0.0.1, the local port asked, or a free one);
 * each connection accepted there opens a WebSocket to pods/NAME/portforward
 * ?ports=P with subprotocol v4.channel.k8s.io (the kubelet's streaming
 * protocol, proxied by the API server): channel 0 carries the bytes, channel
 * 1 an error, and each starts with the port as two bytes, skipped. A
 * service is resolved to one of its running pods first, and its port to the
 * pod's, as kubectl does. Everything runs on the loop; a side that cannot
 * take more stops the other from reading. Forwards are rows of
 * KIND_PORTFORWARDS, stopped with the stop action. */
#include "backends/codec/jdoc.h"
#include "backends/kube/internal.h"
#include "backends/kube/kinds.h"
#include "backends/net/loop.h"
#include "backends/net/rawconn.h"
#include "backends/net/websocket.h"
#include "backends/util/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Bytes from the pod waiting for the local side before the pod is not read. */
#define PENDING_CAP (1024u * 1024)
#define READ_CHUNK 16384

struct kforward;

struct kpfconn {
	struct kforward *f;
	int fd;                 /* the local connection */
	struct loop_fd *watch;
	struct rawconn *conn;   /* to the API server */
	struct ws ws;
	struct buf msg, pending; /* a message from the pod; bytes not yet written locally */
	bool upgraded, ending;
	int skip[2];            /* port bytes still to skip on the data and error channels */
	struct kpfconn *next;
};

struct kforward {
	struct kube *k;
	char id[300];           /* the row id: "127.0.0.1:PORT" */
	char ns[256], pod[256];
	int local, remote;
	int lfd;
	struct loop_fd *lwatch;
	struct kpfconn *conns;
	int64_t in, out;
	unsigned nconns, total;
	bool failed;            /* STATUS shows the last refusal, until bytes flow again */
	struct kforward *next;
};

struct kube_forwards {
	struct kforward *list;
};

static struct kube_forwards *forwards(struct kube *k)
{
	if (!k->forwards)
		k->forwards = xcalloc(1, sizeof(*k->forwards));
	return k->forwards;
}

static struct rtable *table(struct kube *k)
{
	struct rtable *t = store_table(k->ep->store, KIND_PORTFORWARDS, FWD_NCELLS);
	if (!t->synced) {
		rtable_relist_begin(t);
		rtable_relist_end(k->ep->store, t);
	}
	return t;
}

static void show(struct kforward *f, const char *status)
{
	struct store *s = f->k->ep->store;
	struct rtable *t = table(f->k);
	struct row *r = rtable_upsert(s, t, f->id);
	if (status)
		row_set_text(s, t, r, FWD_STATUS, status);
	row_set_num(s, t, r, FWD_CONNS, CELL_INT, f->nconns, NULL);
	row_set_num(s, t, r, FWD_TOTAL, CELL_INT, f->total, NULL);
	row_set_num(s, t, r, FWD_IN, CELL_BYTES, f->in, NULL);
	row_set_num(s, t, r, FWD_OUT, CELL_BYTES, f->out, NULL);
}

/* ---- one connection ---- */

static void conn_watch(struct kpfconn *c);

static void conn_free(struct kpfconn *c)
{
	struct kforward *f = c->f;
	for (struct kpfconn **p = &f->conns; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	loop_unwatch(c->watch);
	if (c->fd >= 0)
		close(c->fd);
	rawconn_close(c->conn);
	ws_cleanup(&c->ws);
	buf_cleanup(&c->msg);
	buf_cleanup(&c->pending);
	free(c);
	f->nconns--;
	show(f, NULL);
}

/* The end of one connection; the forward goes on. */
static void conn_end(struct kpfconn *c, const char *why)
{
	if (why)
		log_msg("kube %s: port-forward %s: %s", c->f->k->ep->name, c->f->id, why);
	if (c->pending.len && c->fd >= 0 && !why) {
		/* what the pod said is written out first */
		c->ending = true;
		rawconn_close(c->conn);
		c->conn = NULL;
		conn_watch(c);
		return;
	}
	conn_free(c);
}

/* Writes what the pod said to the local side; false when c is gone. */
static bool flush_local(struct kpfconn *c)
{
	while (c->pending.len) {
		ssize_t n = write(c->fd, c->pending.data, c->pending.len);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			break;
		if (n <= 0) {
			conn_free(c);
			return false;
		}
		buf_consume(&c->pending, (size_t)n);
	}
	if (c->ending && !c->pending.len) {
		conn_free(c);
		return false;
	}
	if (c->conn)
		rawconn_pause(c->conn, c->pending.len >= PENDING_CAP);
	conn_watch(c);
	return true;
}

static void send_frame(struct kpfconn *c, int opcode, const void *data, size_t len)
{
	struct buf frame;
	buf_init(&frame);
	ws_frame(&frame, opcode, data, len);
	if (rawconn_send(c->conn, frame.data, frame.len) < 0)
		log_msg("kube %s: port-forward %s: the connection to the API server is full", c->f->k->ep->name,
			c->f->id);
	buf_cleanup(&frame);
}

static void on_local(void *arg, int fd, short revents)
{
	struct kpfconn *c = arg;
	if (revents & POLLOUT) {
		flush_local(c);
		return; /* c may be gone: the next turn reads */
	}
	(void)fd;
	if (!(revents & (POLLIN | POLLHUP | POLLERR)) || !c->upgraded || !c->conn)
		return;
	char data[READ_CHUNK + 1];
	size_t room = rawconn_room(c->conn);
	if (room <= 64)
		return;
	size_t want = room - 64 < READ_CHUNK ? room - 64 : READ_CHUNK;
	ssize_t n = read(fd, data + 1, want);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* the local client is done: so is the forwarded connection */
		struct buf frame;
		buf_init(&frame);
		ws_close_frame(&frame, 1000, "");
		rawconn_send(c->conn, frame.data, frame.len);
		buf_cleanup(&frame);
		conn_end(c, NULL);
		return;
	}
	data[0] = 0; /* the data channel */
	send_frame(c, WS_BINARY, data, (size_t)n + 1);
	c->f->out += n;
	show(c->f, NULL);
}

static void conn_watch(struct kpfconn *c)
{
	short ev = 0;
	if (c->pending.len)
		ev |= POLLOUT;
	if (c->upgraded && !c->ending && c->conn && rawconn_room(c->conn) > 64)
		ev |= POLLIN;
	if (!c->watch)
		c->watch = loop_watch(c->fd, ev, on_local, c);
	else
		loop_watch_events(c->watch, ev);
}

/* A message from the pod's side. */
static bool on_message(struct kpfconn *c, int opcode)
{
	if (opcode == WS_PING) {
		send_frame(c, WS_PONG, c->msg.data, c->msg.len);
		return true;
	}
	if (opcode == WS_CLOSE) {
		conn_end(c, NULL);
		return false;
	}
	if (opcode != WS_BINARY || !c->msg.len)
		return true;
	int ch = (unsigned char)c->msg.data[0];
	const char *data = c->msg.data + 1;
	size_t len = c->msg.len - 1;
	if (ch > 1)
		return true;
	/* each channel starts with the port, two bytes */
	size_t skip = (size_t)c->skip[ch] < len ? (size_t)c->skip[ch] : len;
	c->skip[ch] -= (int)skip;
	data += skip;
	len -= skip;
	if (!len)
		return true;
	if (ch == 1) {
		char why[ERRLEN];
		snprintf(why, sizeof(why), "%.*s", (int)len, data);
		endpoint_note(c->f->k->ep, NOTE_WARN, "port-forward %s -> %s:%d: %s", c->f->id, c->f->pod,
			      c->f->remote, why);
		c->f->failed = true;
		show(c->f, why);
		conn_end(c, why);
		return false;
	}
	buf_append(&c->pending, data, len);
	c->f->in += (int64_t)len;
	show(c->f, c->f->failed ? "listening" : NULL);
	c->f->failed = false;
	return flush_local(c);
}

static void on_data(void *arg, const char *data, size_t len)
{
	struct kpfconn *c = arg;
	char err[ERRLEN];
	if (!c->upgraded) {
		int h = ws_handshake_response(&c->ws, data, len, err, sizeof(err));
		if (h < 0) {
			endpoint_note(c->f->k->ep, NOTE_WARN, "port-forward %s: %s", c->f->id, err);
			conn_end(c, err);
			return;
		}
		if (h == 1)
			return;
		c->upgraded = true;
		conn_watch(c);
	} else {
		ws_feed(&c->ws, data, len);
	}
	int opcode, rc;
	while ((rc = ws_next(&c->ws, &opcode, &c->msg, err, sizeof(err))) == 1)
		if (!on_message(c, opcode))
			return;
	if (rc < 0)
		conn_end(c, err);
}

static void on_open(void *arg, const char *error)
{
	struct kpfconn *c = arg;
	if (error) {
		endpoint_note(c->f->k->ep, NOTE_WARN, "port-forward %s: %s", c->f->id, error);
		conn_end(c, error);
	}
}

static void on_end(void *arg, const char *error)
{
	struct kpfconn *c = arg;
	ws_eof(&c->ws);
	conn_end(c, error);
}

static void on_creds(void *arg, const char *error)
{
	struct kpfconn *c = arg;
	struct kube *k = c->f->k;
	if (error) {
		conn_end(c, error);
		return;
	}
	kube_creds_apply(k->creds, &k->target);
	const char *host = strstr(k->target.base_url, "://");
	host = host ? host + 3 : k->target.base_url;
	char *path = xasprintf("/api/v1/namespaces/%s/pods/%s/portforward?ports=%d", c->f->ns, c->f->pod, c->f->remote);
	char *extra = k->target.auth_header ? xasprintf("%s\r\n", k->target.auth_header) : xstrdup("");
	char *req = ws_handshake_request(&c->ws, host, path, "v4.channel.k8s.io", extra);
	log_msg("kube %s: port-forward %s: GET %s (WebSocket v4.channel.k8s.io)", k->ep->name, c->f->id, path);
	static const struct rawconn_cb cb = {on_open, on_data, on_end};
	c->conn = rawconn_open(&k->target, &cb, c);
	rawconn_send(c->conn, req, strlen(req));
	free(req);
	free(extra);
	free(path);
}

static void on_accept(void *arg, int fd, short revents)
{
	struct kforward *f = arg;
	(void)revents;
	int cfd = accept(fd, NULL, NULL);
	if (cfd < 0)
		return;
	fcntl(cfd, F_SETFL, fcntl(cfd, F_GETFL) | O_NONBLOCK);
	fcntl(cfd, F_SETFD, FD_CLOEXEC);
	struct kpfconn *c = xcalloc(1, sizeof(*c));
	c->f = f;
	c->fd = cfd;
	c->skip[0] = c->skip[1] = 2;
	ws_init(&c->ws);
	buf_init(&c->msg);
	buf_init(&c->pending);
	c->next = f->conns;
	f->conns = c;
	f->nconns++;
	f->total++;
	show(f, NULL);
	log_msg("kube %s: port-forward %s: a connection for %s/%s:%d", f->k->ep->name, f->id, f->ns, f->pod, f->remote);
	kube_creds_get(f->k->creds, on_creds, c);
}

/* ---- forwards ---- */

static int listen_on(int port, int *bound, char *err, size_t errlen)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return set_err(err, errlen, "cannot open a socket: %s", strerror(errno));
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(sa);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		int e = errno;
		close(fd);
		if (e == EADDRINUSE)
			return set_err(err, errlen, "127.0.0.1:%d is in use on this machine: give another local port (LOCAL:PORT)", port);
		return set_err(err, errlen, "cannot listen on 127.0.0.1:%d: %s", port, strerror(e));
	}
	*bound = ntohs(sa.sin_port);
	return fd;
}

static void forward_free(struct kforward *f)
{
	while (f->conns)
		conn_free(f->conns);
	loop_unwatch(f->lwatch);
	if (f->lfd >= 0)
		close(f->lfd);
	free(f);
}

/* Starts forwarding local (0: a free port) to pod:remote; 0, or -1 and a sentence. */
static int start(struct kube *k, const char *ns, const char *pod, const char *target, int local, int remote,
		 char *err, size_t errlen)
{
	int bound = 0;
	int fd = listen_on(local, &bound, err, errlen);
	if (fd < 0)
		return -1;
	struct kforward *f = xcalloc(1, sizeof(*f));
	f->k = k;
	f->lfd = fd;
	f->local = bound;
	f->remote = remote;
	snprintf(f->id, sizeof(f->id), "127.0.0.1:%d", bound);
	snprintf(f->ns, sizeof(f->ns), "%s", ns);
	snprintf(f->pod, sizeof(f->pod), "%s", pod);
	f->lwatch = loop_watch(fd, POLLIN, on_accept, f);
	struct kube_forwards *all = forwards(k);
	f->next = all->list;
	all->list = f;
	struct store *s = k->ep->store;
	struct rtable *t = table(k);
	struct row *r = rtable_upsert(s, t, f->id);
	row_set_text(s, t, r, FWD_LOCAL, f->id);
	row_set_text(s, t, r, FWD_NAMESPACE, ns);
	row_set_text(s, t, r, FWD_TARGET, target);
	row_set_num(s, t, r, FWD_PORT, CELL_INT, remote, NULL);
	row_set_num(s, t, r, FWD_AGE, CELL_TIME, wall_s(), NULL);
	show(f, "listening");
	endpoint_note(k->ep, NOTE_INFO, "forwarding %s to %s port %d (:pf lists the forwards)", f->id, target, remote);
	log_msg("kube %s: port-forward %s -> %s/%s:%d", k->ep->name, f->id, ns, pod, remote);
	return 0;
}

static bool stop(struct kube *k, const char *id)
{
	struct kube_forwards *all = forwards(k);
	for (struct kforward **p = &all->list; *p; p = &(*p)->next)
		if (!strcmp((*p)->id, id)) {
			struct kforward *f = *p;
			*p = f->next;
			forward_free(f);
			rtable_delete(k->ep->store, table(k), id);
			return true;
		}
	return false;
}

void kube_forward_free_all(struct kube *k)
{
	struct kube_forwards *all = k->forwards;
	if (!all)
		return;
	while (all->list) {
		struct kforward *f = all->list;
		all->list = f->next;
		forward_free(f);
	}
	free(all);
	k->forwards = NULL;
}

void kube_forward_table(struct kube *k)
{
	table(k);
}

char *kube_forward_describe(struct kube *k, const char *id)
{
	struct kube_forwards *all = forwards(k);
	for (struct kforward *f = all->list; f; f = f->next) {
		if (strcmp(f->id, id))
			continue;
		const struct row *r = rtable_find(table(k), id);
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "local", json_object_new_string(f->id));
		json_object_object_add(o, "namespace", json_object_new_string(f->ns));
		json_object_object_add(o, "target", json_object_new_string(r ? row_text(r, FWD_TARGET) : ""));
		json_object_object_add(o, "pod", json_object_new_string(f->pod));
		json_object_object_add(o, "port", json_object_new_int(f->remote));
		json_object_object_add(o, "status", json_object_new_string(r ? row_text(r, FWD_STATUS) : ""));
		json_object_object_add(o, "connectionsOpen", json_object_new_int((int)f->nconns));
		json_object_object_add(o, "connectionsTotal", json_object_new_int((int)f->total));
		json_object_object_add(o, "bytesFromPod", json_object_new_int64(f->in));
		json_object_object_add(o, "bytesToPod", json_object_new_int64(f->out));
		char *text = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
		json_object_put(o);
		return text;
	}
	return NULL;
}

/* ---- the action ---- */

struct fwd_ctx {
	struct kube *k;
	action_done_fn done;
	void *arg;
	char ns[256], name[256];
	int local;
	char port[64]; /* a service's port: a number or a name */
	const char *target_port_name;
	struct jnode *svc;
};

static void finish(struct fwd_ctx *x, const char *error)
{
	x->done(x->arg, error);
	jdoc_free(x->svc);
	free(x);
}

/* "8080" (the same port here), "18080:80", ":80" (a free port here). */
static int parse_ports(const char *input, int *local, char *remote, size_t rlen)
{
	const char *colon = input ? strchr(input, ':') : NULL;
	char *end = NULL;
	if (!input || !*input)
		return -1;
	if (colon) {
		*local = colon == input ? 0 : (int)strtol(input, &end, 10);
		/* 0:PORT, as kubectl takes it, is a free local port too */
		if (colon != input && (end != colon || *local < 0 || *local > 65535))
			return -1;
		snprintf(remote, rlen, "%s", colon + 1);
	} else {
		snprintf(remote, rlen, "%s", input);
		*local = -1; /* the same as the remote, once known */
	}
	return *remote ? 0 : -1;
}

/* A port of the pod's containers by number or by name; 0 when not found. */
static int pod_port(const struct jnode *pod, const char *want)
{
	char *end = NULL;
	long n = strtol(want, &end, 10);
	if (end && !*end)
		return n > 0 && n <= 65535 ? (int)n : 0;
	const struct jnode *ctrs = jn_arr(jn_obj(pod, "spec"), "containers");
	for (const struct jnode *c = jn_first(ctrs); c; c = jn_next(ctrs, c)) {
		const struct jnode *ports = jn_arr(c, "ports");
		for (const struct jnode *p = jn_first(ports); p; p = jn_next(ports, p)) {
			int64_t v;
			const char *name = jn_str(p, "name");
			if (name && !strcmp(name, want) && jn_int(p, "containerPort", &v))
				return (int)v;
		}
	}
	return 0;
}

static void begin(struct fwd_ctx *x, const char *pod, const char *target, int remote)
{
	char err[ERRLEN];
	int local = x->local < 0 ? remote : x->local;
	if (start(x->k, x->ns, pod, target, local, remote, err, sizeof(err)) < 0)
		finish(x, err);
	else
		finish(x, NULL);
}

static void on_pods(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct fwd_ctx *x = c->ctx;
	char err[ERRLEN + 300];
	if (!kube_ok(res)) {
		kube_result_error(c->k, res, NULL, err, sizeof(err));
		finish(x, err);
		return;
	}
	struct jnode *list = jdoc_parse(res->body, res->len, NULL, 0);
	const struct jnode *items = jn_arr(list, "items"), *pick = NULL;
	/* as kubectl: a running pod the service selects */
	for (const struct jnode *p = jn_first(items); p && !pick; p = jn_next(items, p)) {
		const char *phase = jn_str(jn_obj(p, "status"), "phase");
		if (phase && !strcmp(phase, "Running") && !jn_str(jn_obj(p, "metadata"), "deletionTimestamp"))
			pick = p;
	}
	int remote = pick ? pod_port(pick, x->port) : 0;
	if (!pick) {
		snprintf(err, sizeof(err), "service %s has no running pod to forward to", x->name);
		finish(x, err);
	} else if (!remote) {
		snprintf(err, sizeof(err), "no container of pod %s has the port %s", jn_str(jn_obj(pick, "metadata"), "name"),
			 x->port);
		finish(x, err);
	} else {
		char pod[256], target[600];
		snprintf(pod, sizeof(pod), "%s", jn_str(jn_obj(pick, "metadata"), "name"));
		snprintf(target, sizeof(target), "svc/%s -> pod/%s", x->name, pod);
		begin(x, pod, target, remote);
	}
	jdoc_free(list);
}

static void on_service(void *arg, const struct http_result *res)
{
	struct kcall *c = arg;
	struct fwd_ctx *x = c->ctx;
	char err[ERRLEN + 300];
	if (!kube_ok(res)) {
		kube_result_error(c->k, res, NULL, err, sizeof(err));
		finish(x, err);
		return;
	}
	x->svc = jdoc_parse(res->body, res->len, NULL, 0);
	const struct jnode *spec = jn_obj(x->svc, "spec");
	char *sel = jn_map_text(jn_obj(spec, "selector"));
	if (!sel) {
		finish(x, "the service selects no pods: nothing to forward to");
		return;
	}
	/* the service port asked (or its first), then the pod's port it targets */
	const struct jnode *ports = jn_arr(spec, "ports"), *pick = NULL;
	for (const struct jnode *p = jn_first(ports); p && !pick; p = jn_next(ports, p)) {
		int64_t n = 0;
		jn_int(p, "port", &n);
		const char *name = jn_str(p, "name");
		char num[32];
		snprintf(num, sizeof(num), "%lld", (long long)n);
		if (!strcmp(num, x->port) || (name && !strcmp(name, x->port)))
			pick = p;
	}
	if (!pick) {
		snprintf(err, sizeof(err), "service %s has no port %s", x->name, x->port);
		free(sel);
		finish(x, err);
		return;
	}
	int64_t port = 0;
	jn_int(pick, "port", &port);
	if (x->local < 0)
		x->local = (int)port; /* "80" on a service: 80 here, as kubectl */
	const struct jnode *tp = jn_field(pick, "targetPort");
	if (jn_text(tp))
		snprintf(x->port, sizeof(x->port), "%s", jn_text(tp));
	else if (jn_as_int(tp, &port) || jn_int(pick, "port", &port))
		snprintf(x->port, sizeof(x->port), "%lld", (long long)port);
	char *esel = http_escape(sel, strlen(sel));
	char *path = xasprintf("/api/v1/namespaces/%s/pods?labelSelector=%s", x->ns, esel);
	kube_call(c->k, "GET", path, NULL, NULL, 30000, on_pods, NULL, x);
	free(path);
	free(esel);
	free(sel);
}

bool kube_forward_act(struct kube *k, const struct backend_action *a, const char *id, const char *input,
		      action_done_fn done, void *arg)
{
	if (!strcmp(a->name, "stop") && !strcmp(a->kind, KIND_PORTFORWARDS)) {
		done(arg, stop(k, id) ? NULL : "this forward is no longer running");
		return true;
	}
	if (strcmp(a->name, "port_forward"))
		return false;
	struct fwd_ctx *x = xcalloc(1, sizeof(*x));
	x->k = k;
	x->done = done;
	x->arg = arg;
	kube_split_id(id, x->ns, sizeof(x->ns), x->name, sizeof(x->name));
	if (parse_ports(input, &x->local, x->port, sizeof(x->port)) < 0) {
		finish(x, "give the pod's port, LOCAL:PORT, or :PORT (0:PORT) for a free local port");
		return true;
	}
	if (!strcmp(a->kind, KIND_SERVICES)) {
		char *path = xasprintf("/api/v1/namespaces/%s/services/%s", x->ns, x->name);
		kube_call(k, "GET", path, NULL, NULL, 30000, on_service, NULL, x);
		free(path);
		return true;
	}
	char *end = NULL;
	long remote = strtol(x->port, &end, 10);
	if (!end || *end || remote <= 0 || remote > 65535) {
		finish(x, "the pod's port must be a number");
		return true;
	}
	char target[300];
	snprintf(target, sizeof(target), "pod/%s", x->name);
	begin(x, x->name, target, (int)remote);
	return true;
}

/* ---- what the dialog starts from ---- */

void kube_forward_pod_now(const struct row *r, char *out, size_t outlen)
{
	const char *ports = row_text(r, POD_PORTS);
	snprintf(out, outlen, "%.*s", (int)strcspn(ports, ","), ports);
}

void kube_forward_svc_now(const struct row *r, char *out, size_t outlen)
{
	const char *ports = row_text(r, SVC_PORTS);
	snprintf(out, outlen, "%.*s", (int)strcspn(ports, "/:,"), ports);
}

void kube_forward_note(const struct row *r, char *out, size_t outlen)
{
	(void)r;
	snprintf(out, outlen, "listens on 127.0.0.1 here; LOCAL:PORT picks the local port, :PORT a free one");
}
