/* client_internal.h: the client's state, shared by client.c (life cycle,
 * pacing, sending, retries) and client_error.c (error answers). */
#ifndef BINNACLE_AWS_CLIENT_INTERNAL_H
#define BINNACLE_AWS_CLIENT_INTERNAL_H

#include "backends/aws/client.h"
#include "backends/aws/internal.h"
#include "backends/net/backoff.h"
#include "backends/net/calls.h"
#include "backends/net/timer.h"

/* One service of a client: where its requests go and how fast. */
struct svc_state {
	struct aws_client *client;
	const struct aws_service *svc;
	char *url;       /* endpoint URL, no trailing slash */
	bool configured; /* the URL came from the configuration or the environment */
	char *host;      /* the Host header value, as signed */
	char *prefix;    /* a path the endpoint URL carries ("" usually) */
	struct http_target target;
	struct calls calls;
	/* pacing: a token bucket; rate 0 = none */
	double rate, burst, tokens;
	int64_t refilled_ms;
	struct aws_call *queue, *queue_tail;
	struct timer *pace;
	/* figures for the log */
	uint64_t sent, throttled, window_sent, window_throttled;
	struct svc_state *next;
};

struct aws_client {
	struct aws_config cfg;
	char *profile, *region, *label, *ca;
	struct aws_creds *creds;
	struct svc_state *svcs;
	struct aws_call *calls; /* every call alive */
	struct timer *stats;
	int64_t born_ms;
	struct tunnel *tunnel; /* borrowed: every service call goes through it */
};

/* client_error.c */
bool aws_code_throttling(const char *code, long status);
bool aws_code_expired(const char *code);
/* The code and message of an error answer, from whichever shape it has. */
void aws_parse_error(const struct aws_service *svc, long status, const char *body, size_t len,
		     const char *header_type, struct json_object *json, char *code, size_t codelen, char *msg,
		     size_t msglen);
/* The one sentence for a failed call; *auth when the credentials are at fault. */
void aws_error_sentence(struct aws_client *c, const struct aws_service *svc, const char *op, long status,
			const char *code, const char *msg, const char *transport, bool configured_url, char *out,
			size_t outlen, bool *auth);

#endif
