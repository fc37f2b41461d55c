/* calls.h: an endpoint's requests in flight, for every backend: started,
 * cancelled one by one or all at once when the connection is given up (each
 * owner told why), signed at each send when the backend says how, and,
 * when the backend says how, sent once more with fresh credentials after a
 * 401. A backend's own call struct starts with a
 * struct calls_req, so callbacks get the backend's struct as their arg:
 *
 *	struct mycall { struct calls_req base; struct mystate *m; ... };
 *	struct mycall *c = calls_new(&m->calls, sizeof(*c), "GET", path, 30000, on_done);
 *	c->m = m;
 *	calls_start(&c->base);
 *
 * A call is freed after its done callback returns (or when cancelled);
 * done must not cancel its own call. Every chunk of a stream that arrives
 * counts as a sign of life for the list's liveness (liveness.h), when it
 * has one. */
#ifndef BINNACLE_CALLS_H
#define BINNACLE_CALLS_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/net/http.h"

struct calls;
struct liveness;

/* One request in flight; the first member of a backend's call struct. */
struct calls_req {
	struct calls *list;
	struct http_req *req; /* NULL while credentials are renewed */
	/* the request as asked, kept to send it again */
	char *method, *path, *body, *ctype;
	char *headers;       /* this call's own header lines, '\n'-separated (calls_header), or NULL */
	long timeout_ms;
	http_data_fn stream; /* gets the call as arg */
	http_done_fn done;   /* gets the call as arg */
	bool resent;         /* the one resend after a 401 happened */
	bool orphaned;       /* cancelled while credentials were renewed */
	/* Optional: told instead of the list's cancelled hook when
	 * calls_cancel_all drops this call (a helper's own request among the
	 * backend's); never run by calls_cleanup. */
	void (*on_cancel)(struct calls_req *c, const char *why);
	struct calls_req *next;
};

/* The list of an endpoint (embedded in the backend's state). */
struct calls {
	const struct http_target *target; /* where requests go; read at each send */
	void *owner;                      /* the backend's state, for the hooks */
	const char *header;               /* one header line every request carries, or NULL */
	/* Optional. A 401 came back: renew the credentials (asynchronously or
	 * not), then call calls_renewed(c, NULL or a sentence). Once per call. */
	void (*renew)(void *owner, struct calls_req *c);
	/* Optional. Called at each send of a call (the first and a resend),
	 * once its request is built: adds what depends on the moment, such as
	 * an AWS SigV4 signature over the current time. */
	void (*prepare)(void *owner, struct calls_req *c, struct http_req *r);
	/* Optional. calls_cancel_all tells each call's owner through this,
	 * before the call is freed. */
	void (*cancelled)(struct calls_req *c, const char *why);
	struct liveness *liveness; /* optional: hears of every stream chunk */
	struct calls_req *head;
};

void calls_init(struct calls *l, const struct http_target *t, void *owner);
/* Cancels every call quietly (no hook runs). */
void calls_cleanup(struct calls *l);

/* A zeroed call of size bytes (at least sizeof(struct calls_req)) for
 * method and path (appended to the target's base URL; copied), not started.
 * timeout_ms 0: no limit (streams). */
void *calls_new(struct calls *l, size_t size, const char *method, const char *path, long timeout_ms,
		http_done_fn done);
/* Borrowed data is copied; ctype may be NULL. */
void calls_body(struct calls_req *c, const char *data, size_t len, const char *ctype);
void calls_stream(struct calls_req *c, http_data_fn fn);
/* Adds a header line ("Accept: ...") to this call only, before it starts. */
void calls_header(struct calls_req *c, const char *line);
void calls_start(struct calls_req *c);
/* Stops and frees a started call without its done callback. NULL is fine. */
void calls_cancel(struct calls_req *c);
/* Cancels every call, telling each through the list's cancelled hook. */
void calls_cancel_all(struct calls *l, const char *why);
/* For the renew hook: fresh credentials are in the target (error NULL),
 * and the call goes again; or renewing failed, and done gets a 401 whose
 * error says why. */
void calls_renewed(struct calls_req *c, const char *error);
size_t calls_count(const struct calls *l);
/* Streaming calls in flight (watches, event streams, logs). */
size_t calls_streaming(const struct calls *l);

#endif
