/* http.h: asynchronous HTTP on the one shared curl multi handle. A request
 * is built, started, and completes through a callback; streaming bodies
 * (events, watches, logs) arrive chunk by chunk. Nothing here ever blocks:
 * curl's sockets and timeout are registered with the one loop (loop.h). */
#ifndef BINNACLE_HTTP_H
#define BINNACLE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/net/transport.h"

struct http_req;

struct http_result {
	long status;        /* HTTP status; 0 when no response arrived */
	const char *body;   /* whole body (or, for a stream, the non-2xx error body) */
	size_t len;
	const char *error;  /* transport failure as a sentence; NULL if a response arrived */
	/* the response went over a cap of limits.h (body, headers): error says
	 * which; the server answered, so this is no sign the connection is down */
	bool over_limit;
	/* nothing listens there (connection refused, no such host): a server
	 * that is down costs nothing to ask again soon (backoff.h) */
	bool refused;
	struct http_req *req;
};

/* The server could not be reached or broke off the exchange (as opposed to
 * answering with an error status, or with more than a cap allows). */
static inline bool http_result_down(const struct http_result *res)
{
	return res->error && !res->over_limit;
}

typedef void (*http_done_fn)(void *arg, const struct http_result *res);
/* Streaming body chunk of a 2xx response; return false to abort the transfer. */
typedef bool (*http_data_fn)(void *arg, const char *data, size_t len);

int http_init(char *err, size_t errlen);
void http_cleanup(void);

/* path is appended to the target's base_url. */
struct http_req *http_req_new(const struct http_target *t, const char *method, const char *path);
void http_req_header(struct http_req *r, const char *header_line);
/* Borrowed data is copied. */
void http_req_body(struct http_req *r, const char *data, size_t len, const char *content_type);
void http_req_stream(struct http_req *r, http_data_fn fn);
/* The most body bytes (decompressed) kept for the done callback; more fails
 * the request with over_limit. Default LIMIT_BODY (limits.h). A streaming
 * request's 2xx body goes to its data callback, which sets its own caps. */
void http_req_max_body(struct http_req *r, size_t max);
/* total_ms 0 = no limit (streams). Connect timeout defaults to 10 s. */
void http_req_timeout(struct http_req *r, long total_ms);
void http_req_callback(struct http_req *r, http_done_fn fn, void *arg);
/* Hands the request to the multi handle; it is freed after its callback runs. */
void http_req_start(struct http_req *r);
/* Stops a started request without calling its callback, and frees it. */
void http_req_cancel(struct http_req *r);

/* URL-encodes len bytes of s (owned result): every byte but letters, digits
 * and "-._~", so a path segment or query value from a server (a name with
 * '/', '?', '&' or a line break) stays one segment or one value. */
char *http_escape(const char *s, size_t len);
/* The same for a whole string; NULL gives "". */
char *http_escape_str(const char *s);

/* A response header's value (case-insensitive name), valid during the callback. */
const char *http_result_header(const struct http_result *res, const char *name);
/* The n-th (from 0) header of that name, whole and owned (a Link or
 * WWW-Authenticate line can be long, and a server may send several);
 * NULL when there are fewer. */
char *http_result_header_nth(const struct http_result *res, const char *name, unsigned n);

/* A raw connection to the target (through its transport) for protocols
 * that take the socket over after an HTTP upgrade: Docker's hijacked exec
 * stream, WebSockets. These are the primitives under rawconn.h, which is
 * what backends use: it queues sends and reads on the loop. */
struct http_raw;
/* Opens it through the multi handle (no blocking); done gets the connected
 * raw stream, or NULL and a sentence. The returned request may be cancelled
 * (http_req_cancel) until done runs. */
struct http_req *http_raw_connect(const struct http_target *t,
				  void (*done)(void *arg, struct http_raw *raw, const char *error), void *arg);
int http_raw_fd(struct http_raw *r);
/* Like send/recv: >0 bytes, 0 at end of stream (recv), -1 with errno EAGAIN
 * when nothing can move now, -1 with err set on failure. */
long http_raw_send(struct http_raw *r, const void *data, size_t len, char *err, size_t errlen);
long http_raw_recv(struct http_raw *r, void *buf, size_t len, char *err, size_t errlen);
/* Why the tunnel could not carry the connection, or NULL (no tunnel, or no failure). */
const char *http_raw_tunnel_error(const struct http_raw *r);
/* Half-closes the sending side (end of stdin); only on plain sockets. */
void http_raw_shutdown_write(struct http_raw *r);
void http_raw_close(struct http_raw *r);

/* Number of transfers in flight. */
unsigned http_active(void);
/* Requests started since the program began, and those whose method mutates. */
uint64_t http_count_total(void);
uint64_t http_count_mutating(void);

#endif
