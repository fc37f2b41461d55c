/* http.c: requests on the shared curl multi handle (see http.h). */
#include "backends/net/http.h"
#include "backends/net/loop.h"
#include "backends/net/timer.h"
#include "backends/util/limits.h"
#include "backends/util/log.h"
#include "backends/util/util.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>
#include <strings.h>

struct http_req {
	CURL *easy;
	struct curl_slist *headers;
	struct transport_via *via; /* how it connects (tunnel state, connect-to) */
	char *method, *url, *display;
	char *shown; /* url as logs may show it: credentials redacted */
	char *body;
	struct buf resp, resp_headers;
	http_done_fn done;
	http_data_fn stream;
	void *arg;
	bool started, aborted_by_stream;
	size_t max_body;
	char limit_err[200]; /* the cap it went over, as a sentence; "" = none */
	void (*raw_done)(void *arg, struct http_raw *raw, const char *error); /* connect-only */
	char errbuf[CURL_ERROR_SIZE];
	int64_t t0;
	struct http_req *next; /* list of started requests, for cleanup */
};

static CURLM *multi;
static struct timer *curl_timer; /* when curl wants to be called back without I/O */
static struct http_req *started;
static uint64_t count_total, count_mutating;

/* ---- curl on the loop ---- */

static void process_done(void);

static void on_curl_fd(void *arg, int fd, short revents)
{
	(void)arg;
	int ev = (revents & (POLLIN | POLLHUP) ? CURL_CSELECT_IN : 0) | (revents & POLLOUT ? CURL_CSELECT_OUT : 0) |
		 (revents & (POLLERR | POLLNVAL) ? CURL_CSELECT_ERR : 0);
	int still = 0;
	curl_multi_socket_action(multi, fd, ev, &still);
	process_done();
}

static void on_curl_timer(void *arg)
{
	(void)arg;
	int still = 0;
	curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &still);
	process_done();
}

static int on_curl_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct loop_fd *w = socketp;
	(void)easy;
	(void)userp;
	if (what == CURL_POLL_REMOVE) {
		loop_unwatch(w);
		curl_multi_assign(multi, s, NULL);
		return 0;
	}
	short events = (short)((what & CURL_POLL_IN ? POLLIN : 0) | (what & CURL_POLL_OUT ? POLLOUT : 0));
	if (w) {
		loop_watch_events(w, events);
	} else {
		w = loop_watch((int)s, events, on_curl_fd, NULL);
		curl_multi_assign(multi, s, w);
	}
	return 0;
}

static int on_curl_timeout(CURLM *m, long timeout_ms, void *userp)
{
	(void)m;
	(void)userp;
	/* never call curl from inside its own callback: the loop does it */
	if (timeout_ms < 0)
		timer_disarm(curl_timer);
	else
		timer_arm(curl_timer, timeout_ms);
	return 0;
}

int http_init(char *err, size_t errlen)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		return set_err(err, errlen, "cannot initialise libcurl");
	multi = curl_multi_init();
	if (!multi)
		return set_err(err, errlen, "cannot initialise libcurl's multi interface");
	/* curl's sockets and timeout go to the one loop (loop.h) */
	curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_curl_timeout);
	curl_timer = timer_new(on_curl_timer, NULL);
	return 0;
}

static void req_free(struct http_req *r)
{
	if (!r)
		return;
	if (r->easy)
		curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->headers);
	transport_via_free(r->via);
	free(r->method);
	free(r->url);
	free(r->display);
	free(r->shown);
	free(r->body);
	buf_cleanup(&r->resp);
	buf_cleanup(&r->resp_headers);
	free(r);
}

static void unlink_started(struct http_req *r)
{
	for (struct http_req **p = &started; *p; p = &(*p)->next)
		if (*p == r) {
			*p = r->next;
			return;
		}
}

void http_cleanup(void)
{
	while (started) {
		struct http_req *r = started;
		started = r->next;
		curl_multi_remove_handle(multi, r->easy);
		req_free(r);
	}
	if (multi)
		curl_multi_cleanup(multi);
	multi = NULL;
	timer_free(curl_timer);
	curl_timer = NULL;
	transport_cleanup();
	curl_global_cleanup();
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct http_req *r = arg;
	size_t len = size * n;
	/* a new status line (redirect, 100 Continue) starts a new header block */
	if (len > 5 && !strncmp(data, "HTTP/", 5))
		buf_reset(&r->resp_headers);
	if (!buf_append_max(&r->resp_headers, data, len, LIMIT_HEADERS)) {
		snprintf(r->limit_err, sizeof(r->limit_err), "%s sent more than %u KiB of response headers", r->display,
			 LIMIT_HEADERS >> 10);
		return 0;
	}
	return len;
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct http_req *r = arg;
	size_t len = size * n;
	long status = 0;
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	if (r->stream && status >= 200 && status < 300) {
		if (!r->stream(r->arg, data, len)) {
			r->aborted_by_stream = true;
			return 0;
		}
		return len;
	}
	/* a stream's error body is a sentence: keep its start, drop the rest */
	if (r->stream) {
		if (r->resp.len < LIMIT_ERROR_BODY)
			buf_append(&r->resp, data, len < LIMIT_ERROR_BODY - r->resp.len ? len : LIMIT_ERROR_BODY - r->resp.len);
		return len;
	}
	/* curl hands over decompressed bytes: this counts what is really held */
	if (!buf_append_max(&r->resp, data, len, r->max_body)) {
		snprintf(r->limit_err, sizeof(r->limit_err),
			 "%s sent a response larger than %zu MiB; binnacle stops reading at that size", r->display,
			 r->max_body >> 20);
		return 0;
	}
	return len;
}

static bool is_mutating(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "OPTIONS");
}

struct http_req *http_req_new(const struct http_target *t, const char *method, const char *path)
{
	struct http_req *r = xcalloc(1, sizeof(*r));
	r->easy = curl_easy_init();
	if (!r->easy)
		abort();
	r->method = xstrdup(method);
	r->max_body = LIMIT_BODY;
	r->url = xasprintf("%s%s", t->base_url, path);
	r->display = url_redact(t->display ? t->display : t->base_url);
	r->shown = url_redact(r->url);
	CURL *e = r->easy;
	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "binnacle/" PACKAGE_VERSION);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	/* a stalled stream (dead peer, no FIN) must surface as an error */
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPIDLE, 30L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPINTVL, 10L);
	r->via = transport_apply(e, t);
	if (t->auth_header)
		http_req_header(r, t->auth_header);
	if (!strcmp(method, "HEAD"))
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET"))
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
	return r;
}

void http_req_header(struct http_req *r, const char *line)
{
	r->headers = curl_slist_append(r->headers, line);
}

void http_req_body(struct http_req *r, const char *data, size_t len, const char *content_type)
{
	free(r->body);
	r->body = xstrndup(data, len);
	curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, r->body);
	if (content_type) {
		char *h = xasprintf("Content-Type: %s", content_type);
		http_req_header(r, h);
		free(h);
	}
}

void http_req_stream(struct http_req *r, http_data_fn fn)
{
	r->stream = fn;
}

void http_req_max_body(struct http_req *r, size_t max)
{
	r->max_body = max ? max : LIMIT_BODY;
}

void http_req_timeout(struct http_req *r, long total_ms)
{
	curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS, total_ms);
}

void http_req_callback(struct http_req *r, http_done_fn fn, void *arg)
{
	r->done = fn;
	r->arg = arg;
}

void http_req_start(struct http_req *r)
{
	/* a POST with no body must still say so, or curl waits for stdin-like data */
	if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD") && !r->body)
		http_req_body(r, "", 0, NULL);
	/* suppress curl's "Expect: 100-continue" round trip on bodies */
	r->headers = curl_slist_append(r->headers, "Expect:");
	curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->headers);
	r->started = true;
	r->t0 = mono_ms();
	r->next = started;
	started = r;
	/* a bare connection is not a request: the upgrade sent on it is */
	if (!r->raw_done) {
		count_total++;
		if (is_mutating(r->method))
			count_mutating++;
	}
	log_msg("http %s %s", r->method, r->shown);
	curl_multi_add_handle(multi, r->easy);
}

void http_req_cancel(struct http_req *r)
{
	if (!r)
		return;
	if (r->started) {
		curl_multi_remove_handle(multi, r->easy);
		unlink_started(r);
	}
	req_free(r);
}

char *http_escape(const char *s, size_t len)
{
	char *e = curl_easy_escape(NULL, s, (int)len);
	if (!e)
		abort();
	char *out = xstrdup(e);
	curl_free(e);
	return out;
}

char *http_escape_str(const char *s)
{
	return http_escape(s ? s : "", s ? strlen(s) : 0);
}

/* The value of the n-th header called name: where it starts and its length. */
static const char *header_at(const struct http_result *res, const char *name, unsigned n, size_t *vlen_out)
{
	if (!res->req)
		return NULL; /* a result made up by the caller (calls_renewed) has no headers */
	const struct buf *h = &res->req->resp_headers;
	size_t nlen = strlen(name);
	const char *p = h->data;
	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t linelen = eol ? (size_t)(eol - p) : strlen(p);
		if (linelen > nlen && p[nlen] == ':' && !strncasecmp(p, name, nlen) && n-- == 0) {
			const char *v = p + nlen + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			size_t vlen = (size_t)(p + linelen - v);
			while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == ' '))
				vlen--;
			*vlen_out = vlen;
			return v;
		}
		p = eol ? eol + 1 : NULL;
	}
	return NULL;
}

const char *http_result_header(const struct http_result *res, const char *name)
{
	static char value[512];
	size_t vlen;
	const char *v = header_at(res, name, 0, &vlen);
	if (!v)
		return NULL;
	if (vlen >= sizeof(value))
		vlen = sizeof(value) - 1;
	memcpy(value, v, vlen);
	value[vlen] = '\0';
	return value;
}

char *http_result_header_nth(const struct http_result *res, const char *name, unsigned n)
{
	size_t vlen;
	const char *v = header_at(res, name, n, &vlen);
	return v ? xstrndup(v, vlen) : NULL;
}

static void transport_error(struct http_req *r, CURLcode code, char *out, size_t outlen)
{
	const char *detail = r->errbuf[0] ? r->errbuf : curl_easy_strerror(code);
	const char *tunnel = transport_via_error(r->via);
	if (tunnel && code != CURLE_OPERATION_TIMEDOUT) {
		snprintf(out, outlen, "cannot reach %s through its tunnel: %s", r->display, tunnel);
		return;
	}
	long os_errno = 0;
	curl_easy_getinfo(r->easy, CURLINFO_OS_ERRNO, &os_errno);
	bool sock = !strncmp(r->display, "unix://", 7);
	switch (code) {
	case CURLE_COULDNT_CONNECT:
		/* curl's own words name a made-up host ("docker port 80"): say what happened */
		if (os_errno == ENOENT && sock)
			snprintf(out, outlen, "cannot connect to %s: the socket is not there (is the engine running?)", r->display);
		else if (os_errno == ECONNREFUSED)
			snprintf(out, outlen, "cannot connect to %s: nothing is listening there%s", r->display,
				 sock ? " (is the engine running?)" : " (connection refused)");
		else if (os_errno == EACCES || os_errno == EPERM)
			snprintf(out, outlen, "cannot connect to %s: permission denied%s", r->display,
				 sock ? " (may this user use the socket?)" : "");
		else if (os_errno == EHOSTUNREACH || os_errno == ENETUNREACH)
			snprintf(out, outlen, "cannot connect to %s: the network cannot reach it", r->display);
		else if (os_errno == ETIMEDOUT)
			snprintf(out, outlen, "cannot connect to %s: no answer (a firewall, or the host is down)", r->display);
		else
			snprintf(out, outlen, "cannot connect to %s: %s", r->display,
				 os_errno ? strerror((int)os_errno) : detail);
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		snprintf(out, outlen, "cannot connect to %s: its name does not resolve (DNS)", r->display);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		snprintf(out, outlen, "%s did not answer in time", r->display);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CONNECT_ERROR:
		snprintf(out, outlen, "TLS with %s failed: %s", r->display, detail);
		break;
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
		snprintf(out, outlen, "%s closed the connection: %s", r->display, detail);
		break;
	default:
		snprintf(out, outlen, "request to %s failed: %s", r->display, detail);
	}
}

/* Runs the callbacks of finished transfers; after every curl_multi_socket_action. */
static void process_done(void)
{
	CURLMsg *msg;
	int left;
	while ((msg = curl_multi_info_read(multi, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		struct http_req *r = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		if (!r)
			continue; /* a raw stream's handle: its request is long gone */
		CURLcode code = msg->data.result;
		/* a connect-only handle must stay in the multi or curl drops its socket */
		if (!r->raw_done || code != CURLE_OK)
			curl_multi_remove_handle(multi, r->easy);
		unlink_started(r);
		struct http_result res = {.req = r};
		char errsentence[512];
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &res.status);
		if (r->limit_err[0]) {
			res.error = r->limit_err;
			res.over_limit = true;
		} else if (code != CURLE_OK && !(r->aborted_by_stream && code == CURLE_WRITE_ERROR)) {
			transport_error(r, code, errsentence, sizeof(errsentence));
			res.error = errsentence;
			res.refused = code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST;
			if (code != CURLE_PARTIAL_FILE && code != CURLE_RECV_ERROR)
				res.status = res.status >= 100 ? res.status : 0;
		}
		res.body = r->resp.data ? r->resp.data : "";
		res.len = r->resp.len;
		log_msg("http %s %s -> %ld in %lldms%s%s", r->method, r->shown, res.status,
			(long long)(mono_ms() - r->t0), res.error ? ": " : "", res.error ? res.error : "");
		if (r->done)
			r->done(r->arg, &res);
		req_free(r);
	}
}

unsigned http_active(void)
{
	unsigned n = 0;
	for (struct http_req *r = started; r; r = r->next)
		n++;
	return n;
}

uint64_t http_count_total(void)
{
	return count_total;
}

uint64_t http_count_mutating(void)
{
	return count_mutating;
}

/* ---- raw connections ---- */

struct http_raw {
	CURL *easy;
	curl_socket_t fd;
	bool tls;
	struct transport_via *via; /* curl's handle still points into it */
	char errbuf[CURL_ERROR_SIZE]; /* the handle's error buffer from now on */
};

static void raw_connected(void *arg, const struct http_result *res)
{
	struct http_req *r = res->req;
	void (*done)(void *, struct http_raw *, const char *) = r->raw_done;
	if (res->error) {
		done(arg, NULL, res->error);
		return;
	}
	curl_socket_t fd = CURL_SOCKET_BAD;
	if (curl_easy_getinfo(r->easy, CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK || fd == CURL_SOCKET_BAD) {
		curl_multi_remove_handle(multi, r->easy);
		done(arg, NULL, "the connection closed before it could be used");
		return;
	}
	struct http_raw *raw = xcalloc(1, sizeof(*raw));
	raw->easy = r->easy;
	raw->fd = fd;
	raw->tls = str_starts(r->url, "https://");
	raw->via = r->via;
	/* the handle must not point into the request, which is freed next */
	curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, raw->errbuf);
	curl_easy_setopt(r->easy, CURLOPT_PRIVATE, NULL);
	curl_easy_setopt(r->easy, CURLOPT_HEADERDATA, NULL);
	curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, NULL);
	r->easy = NULL; /* the raw stream owns the handle now */
	r->via = NULL;
	done(arg, raw, NULL);
}

struct http_req *http_raw_connect(const struct http_target *t,
				  void (*done)(void *arg, struct http_raw *raw, const char *error), void *arg)
{
	struct http_req *r = http_req_new(t, "GET", "/");
	curl_easy_setopt(r->easy, CURLOPT_CONNECT_ONLY, 1L);
	r->raw_done = done;
	http_req_callback(r, raw_connected, arg);
	http_req_start(r);
	return r;
}

int http_raw_fd(struct http_raw *r)
{
	return (int)r->fd;
}

long http_raw_send(struct http_raw *r, const void *data, size_t len, char *err, size_t errlen)
{
	size_t n = 0;
	CURLcode rc = curl_easy_send(r->easy, data, len, &n);
	if (rc == CURLE_AGAIN) {
		errno = EAGAIN;
		return -1;
	}
	if (rc != CURLE_OK) {
		set_err(err, errlen, "sending failed: %s", curl_easy_strerror(rc));
		errno = EIO;
		return -1;
	}
	return (long)n;
}

long http_raw_recv(struct http_raw *r, void *buf, size_t len, char *err, size_t errlen)
{
	size_t n = 0;
	CURLcode rc = curl_easy_recv(r->easy, buf, len, &n);
	if (rc == CURLE_AGAIN) {
		errno = EAGAIN;
		return -1;
	}
	if (rc != CURLE_OK) {
		set_err(err, errlen, "the connection failed: %s", curl_easy_strerror(rc));
		errno = EIO;
		return -1;
	}
	return (long)n;
}

const char *http_raw_tunnel_error(const struct http_raw *r)
{
	return transport_via_error(r->via);
}

void http_raw_shutdown_write(struct http_raw *r)
{
	if (!r->tls)
		shutdown(r->fd, SHUT_WR);
}

void http_raw_close(struct http_raw *r)
{
	if (!r)
		return;
	curl_multi_remove_handle(multi, r->easy);
	curl_easy_cleanup(r->easy);
	transport_via_free(r->via);
	free(r);
}
