/* backoff.h: how long to wait before trying a server again: exponential
 * with jitter between a floor and a cap, so two hundred endpoints that lost
 * their server together do not come back in step; a server's Retry-After
 * (seconds or an HTTP-date) is honoured as the least the next wait may be.
 * The series starts over only once the server has done well for a while
 * (backoff_success, BACKOFF_HEALTHY_MS), not on the first byte: a stream
 * that fails just after its first chunk keeps backing off. Used by every
 * retry: reconnects, Kubernetes relists (410 included) and re-watches. */
#ifndef BINNACLE_BACKOFF_H
#define BINNACLE_BACKOFF_H

#include <stdint.h>

struct http_result;

/* The longest Retry-After honoured: a server asking more is asked again then. */
#define BACKOFF_RETRY_AFTER_MAX_MS (10 * 60 * 1000)
/* How long a server must do well, with no failure in between, before the
 * next failure waits the shortest again. */
#define BACKOFF_HEALTHY_MS 60000
/* The longest wait after a connection was refused: nothing listens, so
 * there is no struggling server to spare, and a server that comes back is
 * found within this (one that answers with errors waits the whole series). */
#define BACKOFF_REFUSED_MAX_MS 5000

struct backoff {
	int64_t floor_ms, cap_ms;
	int64_t step_ms;        /* the longest the next wait may be (before Retry-After) */
	int64_t retry_after_ms; /* the least the next wait may be, 0 = no such wish */
	unsigned failures;      /* waits handed out since the last healthy */
	int64_t ok_since_ms;    /* mono_ms() of the first success since the last failure; 0 = none */
};

/* Waits will be at least floor_ms and at most cap_ms (a Retry-After aside). */
void backoff_init(struct backoff *b, int64_t floor_ms, int64_t cap_ms);
/* The wait before the next attempt: uniformly between half the current step
 * (never under the floor) and the step, which then doubles up to the cap. */
int64_t backoff_next(struct backoff *b);
/* backoff_next for a request that failed as res did: at most
 * BACKOFF_REFUSED_MAX_MS when the connection was refused, and at least the
 * server's Retry-After when it sent one. */
int64_t backoff_after(struct backoff *b, const struct http_result *res);
/* The server asked for ms (< 0: it did not ask): the next wait is at least that. */
void backoff_retry_after(struct backoff *b, int64_t ms);
/* The same from a response's Retry-After header, when it has one. */
void backoff_from_result(struct backoff *b, const struct http_result *res);
/* A request or stream went well. Once successes have gone on for
 * BACKOFF_HEALTHY_MS with no failure in between, the next wait is the
 * shortest again; until then the series goes on where it was. */
void backoff_success(struct backoff *b);
/* Starts the series over now (the user asked to retry, or the whole
 * connection was set up again from scratch). */
void backoff_healthy(struct backoff *b);

/* A Retry-After value (delay-seconds, or an HTTP-date measured against
 * wall_s()) in milliseconds, clamped to [0, BACKOFF_RETRY_AFTER_MAX_MS];
 * -1 when it is neither. */
int64_t backoff_parse_retry_after(const char *value);

/* Unix seconds of an HTTP-date in any of RFC 9110's three forms, or -1
 * (a server's Date header: its clock, for requests in its own time). */
int64_t backoff_http_date(const char *value);

/* Replaces the random source (tests): fn returns uniformly random 64 bits.
 * NULL restores the built-in one. */
void backoff_set_random(uint64_t (*fn)(void *arg), void *arg);

#endif
