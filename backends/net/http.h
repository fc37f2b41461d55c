/* http.h: asynchronous HTTP on the one shared curl multi handle. A request
 * is built, started, and completes through a callback; streaming bodies
 * (events, watches, logs) arrive chunk by chunk. Nothing here ever blocks:
 * the event loop calls http_wait and http_process each turn. */
#ifndef BINNACLE_HTTP_H
#define BINNACLE_HTTP_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where an endpoint's requests go and how to authenticate the server/client. */
struct http_target {
	char *base_url;    /* "http://localhost" for unix sockets, "https://h:2376" */
	char *unix_socket; /* path, or NULL */
	char *ca_file, *cert_file, *key_file;
	char *ca_pem, *cert_pem, *key_pem; /* the same as PEM text in memory (kubeconfig *-data) */
	char *proxy;       /* proxy URL, NULL = none (curl's environment rules otherwise) */
	char *auth_header; /* "Authorization: ..." sent with every request, NULL = none */
	char *connect_to;  /* "name:port:host:port": reach base_url's name at another host (tls-server-name) */
	bool insecure;     /* skip server certificate verification */
	char *display;     /* how errors name the endpoint: "unix:///run/docker.sock" */
};

void http_target_cleanup(struct http_target *t);

struct http_req;

struct http_result {
	long status;        /* HTTP status; 0 when no response arrived */
	const char *body;   /* whole body (or, for a stream, the non-2xx error body) */
	size_t len;
	const char *error;  /* transport failure as a sentence; NULL if a response arrived */
	struct http_req *req;
};

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
/* total_ms 0 = no limit (streams). Connect timeout defaults to 10 s. */
void http_req_timeout(struct http_req *r, long total_ms);
void http_req_callback(struct http_req *r, http_done_fn fn, void *arg);
/* Hands the request to the multi handle; it is freed after its callback runs. */
void http_req_start(struct http_req *r);
/* Stops a started request without calling its callback, and frees it. */
void http_req_cancel(struct http_req *r);

/* URL-encodes len bytes of s (owned result). */
char *http_escape(const char *s, size_t len);

/* A response header's value (case-insensitive name), valid during the callback. */
const char *http_result_header(const struct http_result *res, const char *name);

/* A raw connection to the target (TCP, TLS or unix socket) for protocols
 * that take the socket over after an HTTP upgrade: Docker's hijacked exec
 * stream, WebSockets. It is opened through the multi handle (no blocking). */
struct http_raw;
/* done gets the connected raw stream, or NULL and a sentence. */
void http_raw_connect(const struct http_target *t, void (*done)(void *arg, struct http_raw *raw, const char *error),
		      void *arg);
int http_raw_fd(struct http_raw *r);
/* Like send/recv: >0 bytes, 0 at end of stream (recv), -1 with errno EAGAIN
 * when nothing can move now, -1 with err set on failure. */
long http_raw_send(struct http_raw *r, const void *data, size_t len, char *err, size_t errlen);
long http_raw_recv(struct http_raw *r, void *buf, size_t len, char *err, size_t errlen);
/* Half-closes the sending side (end of stdin); only on plain sockets. */
void http_raw_shutdown_write(struct http_raw *r);
/* Sends all of a short request (an upgrade) on a fresh connection, waiting
 * up to timeout_ms while the socket is full; 0, or -1 with a sentence. */
int http_raw_send_all(struct http_raw *r, const void *data, size_t len, int timeout_ms, char *err, size_t errlen);
void http_raw_close(struct http_raw *r);

/* A descriptor watched by the loop next to the network (a credential
 * plugin's output pipe); fn runs when it is ready. */
typedef void (*http_fd_fn)(void *arg, int fd, short revents);
struct http_fdwatch *http_watch_fd(int fd, short events, http_fd_fn fn, void *arg);
void http_unwatch_fd(struct http_fdwatch *w); /* NULL is fine */

/* Waits for network activity, the extra descriptors, or the timeout. */
void http_wait(struct pollfd *extra, unsigned nextra, int timeout_ms);
/* Drives transfers and runs the callbacks of finished requests. */
void http_process(void);
/* Number of transfers in flight. */
unsigned http_active(void);
/* Requests started since the program began, and those whose method mutates. */
uint64_t http_count_total(void);
uint64_t http_count_mutating(void);

#endif
