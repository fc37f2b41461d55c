/* client.h: AWS API requests for every part of binnacle that talks to AWS
 * (the ECS backend, the registry backend's ECR, EKS discovery and tokens).
 * A client is one account and region as the AWS CLI would see them with
 * one profile: the shared configuration (config.h), the credential chain
 * (creds.h) and, per service, the endpoint URL, the in-flight list
 * (calls.h, cancelled all at once when the client is freed) and a token
 * bucket that paces requests. Three protocols:
 *
 *   JSON 1.0/1.1  POST / with X-Amz-Target: PREFIX.Operation (ECS, Logs, ECR)
 *   query         POST / form Action=...&Version=... (STS), XML answers
 *   REST-JSON     METHOD /path (EKS)
 *
 * Every request is signed (SigV4) at each send with the current keys.
 * Answers come back as one struct: the parsed JSON on success, or AWS's
 * error shapes (__type or x-amzn-ErrorType with a coral namespace, message
 * or Message, XML <Code>/<Message>) normalised into a code and one
 * sentence that never holds a secret:
 *
 *   throttling      retried with exponential backoff and jitter (never a
 *                   busy loop), up to AWS_CALL_TRIES tries, then "ECS kept
 *                   throttling the requests (Rate exceeded)"
 *   expired keys    the keys fetched again and the call sent once more;
 *                   then "the credentials of profile X have expired", with
 *                   "run `aws sso login --profile X`" for SSO profiles
 *   access denied   "not allowed to call ecs:UpdateService: <AWS's words>"
 *   unknown key, bad signature, clock skew, a region without the service
 *                   each its own sentence
 *   transient       (5xx, a connection that failed) retried for reads only
 *
 * The debug log gets one line per request (service, operation, status,
 * time) and, each minute requests flowed, the rate per service. */
#ifndef BINNACLE_AWS_CLIENT_H
#define BINNACLE_AWS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/aws/config.h"
#include "backends/aws/creds.h"

/* Tries of one call against throttling before it fails. */
#define AWS_CALL_TRIES 6

struct json_object;
struct aws_client;
struct aws_call;

struct aws_client_opts {
	const char *profile;   /* NULL: $AWS_PROFILE, else "default" */
	bool explicit_profile; /* the configuration named it: environment keys are skipped */
	const char *region;    /* NULL: $AWS_REGION, $AWS_DEFAULT_REGION, the profile's */
	const char *label;     /* for the debug log: the endpoint's name */
	struct tunnel *tunnel; /* the endpoint's route (via: SSH jump hosts); NULL = direct. Borrowed */
};

/* Reads the configuration and resolves the credential chain (no I/O).
 * NULL with a sentence when the configuration cannot be used. */
struct aws_client *aws_client_new(const struct aws_client_opts *o, char *err, size_t errlen);
/* Cancels every call quietly (no callback runs). NULL is fine. */
void aws_client_free(struct aws_client *c);

/* NULL while no region is known (see aws_client_set_region). */
const char *aws_client_region(const struct aws_client *c);
/* Sets the region (found later, from instance metadata): endpoints follow. */
void aws_client_set_region(struct aws_client *c, const char *region);
const char *aws_client_profile(const struct aws_client *c);
struct aws_creds *aws_client_creds(struct aws_client *c);
const struct aws_config *aws_client_config(const struct aws_client *c);
/* The endpoint URL svc's requests go to (for the header and sentences). */
const char *aws_client_url(struct aws_client *c, const struct aws_service *svc);
/* The CA bundle (NULL = the system's), for connections made elsewhere
 * (the SSM data channel). */
const char *aws_client_ca_bundle(const struct aws_client *c);

/* Paces svc's requests to per_second on average with bursts of burst
 * (a token bucket); 0 = unpaced (the default). */
void aws_client_pace(struct aws_client *c, const struct aws_service *svc, double per_second, int burst);
/* Requests sent and refused for throttling so far, and waiting now. */
void aws_client_stats(struct aws_client *c, const struct aws_service *svc, uint64_t *sent, uint64_t *throttled,
		      size_t *queued);

struct aws_response {
	long status;                /* HTTP status; 0 when no answer came */
	const char *body;           /* the raw body (borrowed) */
	size_t len;
	struct json_object *json;   /* JSON and REST protocols: the parsed body (borrowed), else NULL */
	const char *code;           /* the error code ("ClusterNotFoundException"), NULL on success */
	const char *error;          /* one sentence, NULL on success */
	bool throttled;             /* it failed because AWS kept throttling */
	bool auth;                  /* it failed on the credentials (expired, unknown, denied, signature) */
};
typedef void (*aws_done_fn)(void *arg, const struct aws_response *r);

enum aws_call_flags {
	AWS_CALL_MUTATES = 1, /* changes something: retried only when it was throttled (not executed) */
	AWS_CALL_URGENT = 2,  /* the user waits: goes ahead of paced background requests */
};

/* body: the JSON text ("{}" for an empty input). */
struct aws_call *aws_call_json(struct aws_client *c, const struct aws_service *svc, const char *op, const char *body,
			       unsigned flags, aws_done_fn done, void *arg);
/* params: "Name=value&..." already URL-encoded, after Action and Version. */
struct aws_call *aws_call_query(struct aws_client *c, const struct aws_service *svc, const char *action,
				const char *version, const char *params, unsigned flags, aws_done_fn done, void *arg);
/* op names the call in sentences ("DescribeCluster"); path with its query. */
struct aws_call *aws_call_rest(struct aws_client *c, const struct aws_service *svc, const char *op, const char *method,
			       const char *path, const char *body, unsigned flags, aws_done_fn done, void *arg);
/* Stops a call without its callback; NULL is fine; not from its own done. */
void aws_call_cancel(struct aws_call *call);
/* Optional: fn hears when a try of the call goes on the wire (out true)
 * and when its answer is back (out false), so a caller can tell a server
 * that does not answer from the time a call waits for the pace, for keys
 * or for its next try. Set right after the call is made. */
void aws_call_on_wire(struct aws_call *call, void (*fn)(void *arg, bool out), void *arg);

/* The code of an error answer: __type, the x-amzn-ErrorType value, or an
 * XML <Code>, with a namespace ("...#") and anything after ':' dropped,
 * into out; "" when there is none. Exposed for the decoders' tests. */
void aws_error_code(const char *raw, char *out, size_t outlen);

#endif
