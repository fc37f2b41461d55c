/* sigv4.h: AWS Signature Version 4 (HMAC-SHA256 from libcrypto), the way
 * botocore computes it for every service but S3: the canonical request
 * (path with dot segments and repeated slashes removed, then each byte
 * URI-encoded again; query pairs decoded, re-encoded and sorted; header
 * names lower-cased and sorted, values trimmed with inner runs of spaces
 * folded, repeated headers joined with commas), the string to sign, the
 * signing key and the signature. Two forms: an Authorization header for a
 * request, and a presigned URL (the EKS token). No I/O, no clock: the
 * caller gives the time, so tests can use AWS's own vectors.
 *
 * Secrets: the secret key only ever enters the signing key; the session
 * token is part of the canonical request (so out->canonical must never be
 * logged) and of the header lines the caller sends. */
#ifndef BINNACLE_AWS_SIGV4_H
#define BINNACLE_AWS_SIGV4_H

#include <stddef.h>
#include <stdint.h>

/* A set of AWS credentials, borrowed for the call. */
struct aws_keys {
	const char *access_key_id;
	const char *secret_access_key;
	const char *session_token; /* NULL for long-term keys */
};

struct sigv4_input {
	const char *method;         /* "POST" */
	const char *host;           /* the Host header as sent: "ecs.us-east-1.amazonaws.com", "127.0.0.1:8080" */
	const char *path;           /* as on the wire, without the query; NULL or "" = "/" */
	const char *query;          /* as on the wire, without '?'; NULL = none */
	/* other headers to sign, "Name: value" (Content-Type, X-Amz-Target...),
	 * NULL-terminated or NULL; a value may hold folded lines */
	const char *const *headers;
	const void *body;           /* the exact bytes sent; NULL = empty */
	size_t body_len;
	const char *region;         /* "us-east-1" */
	const char *service;        /* the signing name: "ecs", "logs", "sts", "eks" */
	int64_t when;               /* Unix seconds of the signature */
};

struct sigv4_output {
	char amz_date[17];      /* "20150830T123600Z": the X-Amz-Date header's value */
	char *authorization;    /* owned: the Authorization header's value */
	char *signed_headers;   /* owned: "content-type;host;x-amz-date;x-amz-target" */
	char *canonical;        /* owned: the canonical request (holds the session token: tests only) */
	char *string_to_sign;   /* owned */
	char signature[65];
};

/* Signs a request sent with an Authorization header. The headers the
 * caller must add are X-Amz-Date (amz_date), X-Amz-Security-Token when the
 * keys carry a session token, and Authorization; all three are signed. */
void sigv4_sign(const struct sigv4_input *in, const struct aws_keys *k, struct sigv4_output *out);
/* The query string of a presigned URL (without '?'): in->query's own
 * parameters, then X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date,
 * X-Amz-Expires, X-Amz-SignedHeaders and X-Amz-Security-Token, then
 * X-Amz-Signature last, as botocore orders them. in->headers (with Host)
 * are the signed headers; the payload is in->body (empty for a GET).
 * Owned; out is filled as for sigv4_sign (authorization NULL). */
char *sigv4_presign(const struct sigv4_input *in, const struct aws_keys *k, int expires_s,
		    struct sigv4_output *out);
void sigv4_output_cleanup(struct sigv4_output *out);

/* URI-encodes len bytes as SigV4 wants it: every byte but A-Z a-z 0-9 - _ . ~
 * as %XX (upper-case hex), and '/' too unless keep_slash. Owned. */
char *sigv4_uri_encode(const char *s, size_t len, int keep_slash);
/* "20150830T123600Z" for Unix seconds t. */
void sigv4_amz_date(int64_t t, char out[17]);

#endif
