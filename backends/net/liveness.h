/* liveness.h: proof that a server still answers while its streams are
 * quiet. A watch or an event stream can stay open with nothing arriving for
 * minutes, and a partitioned server (no FIN, no RST: a dead VPN, a pulled
 * cable, a silent load balancer) looks exactly like a quiet one, so the
 * screen would show frozen data as live. An endpoint's liveness hears of
 * every stream chunk that arrives through its request list (calls.h; other
 * answers do not vouch for the streams); once the endpoint has had a stream
 * open and nothing on it for quiet_ms, it sends one cheap request
 * (Kubernetes: GET /version; Docker: the events its stream should have
 * carried) and, when that gets no answer within timeout_ms (or one that
 * shows the data cannot be trusted), tells the backend, which marks the
 * data stale and reconnects; an answer proves the quiet is only quiet, until
 * the next quiet_ms. So a server that stops answering shows as stale within
 * quiet_ms + timeout_ms.
 *
 *	static const struct liveness_ops ops = {.probe_path = ..., .gone = ...};
 *	liveness_init(&m->live, &ops, &m->calls, m, LIVENESS_QUIET_MS, LIVENESS_TIMEOUT_MS);
 *	liveness_start(&m->live);   once connected
 *	liveness_stop(&m->live);    when the connection is given up
 *
 * Every backend gets it from its request list: ECS, registries and SSH
 * tunnels included. */
#ifndef BINNACLE_LIVENESS_H
#define BINNACLE_LIVENESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct calls;
struct calls_req;
struct http_result;
struct timer;

/* The defaults: quiet for 20 s, then 10 s for the probe's answer, so a server
 * that stops answering is shown stale within 30 s (the README's bound). */
#define LIVENESS_QUIET_MS 20000
#define LIVENESS_TIMEOUT_MS 10000

/* A list (a Kubernetes list page, an ECS List or Describe call, a registry's
 * catalog or tag list) that has not answered in this long shows the rows it
 * would replace as stale (the README's 15 s; listguard.h does it for every
 * backend). Requests themselves time out later (30 s, 60 s). */
#define LIVENESS_LIST_SLOW_MS 15000

/* The times above, a watch's bookmark expectation (LIVENESS_SILENT) and
 * the slow list's (LIVENESS_LIST_SLOW), as this run uses them: the fault
 * scenarios shorten them with
 * BINNACLE_TEST_LIVENESS="QUIET_MS,TIMEOUT_MS,SILENT_MS[,LIST_SLOW_MS]" so
 * they need not wait minutes (one scenario keeps the defaults to check the
 * stated bound). */
enum liveness_time { LIVENESS_QUIET, LIVENESS_TIMEOUT, LIVENESS_SILENT, LIVENESS_LIST_SLOW };
int64_t liveness_time(enum liveness_time which, int64_t dflt);

struct liveness_ops {
	/* The cheap request proving the server answers: its path (query
	 * included, appended to the list's target) into buf. */
	void (*probe_path)(void *owner, char *buf, size_t len);
	/* Optional: when an answer can say more than "alive" (Docker: events
	 * the stream should have carried but did not), false with a sentence
	 * when the data on screen cannot be trusted although the server answered. */
	bool (*check)(void *owner, const struct http_result *res, char *why, size_t whylen);
	/* The server did not answer in time (or check said no): liveness has
	 * stopped itself; the backend marks its data stale and reconnects. */
	void (*gone)(void *owner, const char *why);
};

struct liveness {
	const struct liveness_ops *ops;
	struct calls *calls;
	void *owner;
	int64_t quiet_ms, timeout_ms;
	int64_t heard_ms;         /* last sign of life */
	struct timer *timer;
	struct calls_req *probe;  /* in flight, or NULL */
	bool running;
	unsigned long probes;     /* sent since init (the log, tests) */
};

/* Hooks itself into calls (calls->liveness); nothing runs until started.
 * quiet_ms and timeout_ms go through liveness_time. */
void liveness_init(struct liveness *lv, const struct liveness_ops *ops, struct calls *calls, void *owner,
		   int64_t quiet_ms, int64_t timeout_ms);
/* Cancels its probe; call before the list's calls_cleanup. */
void liveness_cleanup(struct liveness *lv);
/* Connected: the quiet time counts from now. */
void liveness_start(struct liveness *lv);
/* The connection is given up (or about to be replaced): no probe, none in flight. */
void liveness_stop(struct liveness *lv);
/* Something arrived from the server (calls.c calls it). */
void liveness_heard(struct liveness *lv);

#endif
