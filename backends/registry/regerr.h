/* regerr.h: a registry's error answer in one sentence: the distribution
 * spec's {"errors":[{"code","message","detail"}]} (unknown codes read as
 * UNKNOWN, several errors joined), a body that is not JSON (ECR's "Not
 * Authorized"), or only the status. Also Docker Hub's RateLimit headers
 * in words. */
#ifndef BINNACLE_REGISTRY_REGERR_H
#define BINNACLE_REGISTRY_REGERR_H

#include <stddef.h>

/* The first error's code (UNKNOWN when it has none, "" when the body is
 * not the spec's) into code, and every message joined into msg. */
void regerr_decode(long status, const char *body, size_t len, char *code, size_t codelen, char *msg, size_t msglen);

/* "87 of 100 pulls left per 6h" from RateLimit-Limit "100;w=21600" and
 * RateLimit-Remaining "87;w=21600"; "" when either is absent. */
void regerr_ratelimit_text(const char *limit, const char *remaining, char *out, size_t outlen);

#endif
