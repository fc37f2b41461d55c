/* challenge.h: the WWW-Authenticate header as RFC 7235 defines it: one or
 * more challenges, each a scheme followed by a token68 or by auth-params
 * whose values may be quoted strings holding commas and escapes. The
 * registry reads its Bearer realm, service and scope from it, or learns
 * that Basic is wanted. */
#ifndef BINNACLE_REGISTRY_CHALLENGE_H
#define BINNACLE_REGISTRY_CHALLENGE_H

#include <stddef.h>

#define CHALLENGE_MAX_PARAMS 16

struct auth_param {
	char *name; /* lower-cased */
	char *value; /* unquoted, escapes removed */
};

struct challenge {
	char *scheme;  /* as sent ("Bearer", "basic"); compare without case */
	char *token68; /* NULL unless the challenge carries one */
	struct auth_param params[CHALLENGE_MAX_PARAMS];
	size_t nparams;
};

/* Parses a header value into at most max challenges (out[] zeroed first);
 * returns how many, or -1 when the value is not a challenge list. The
 * challenges are owned: challenge_cleanup each. */
int challenge_parse(const char *value, struct challenge *out, size_t max);
void challenge_cleanup(struct challenge *c);
/* A parameter's value by name (any case), or NULL. */
const char *challenge_param(const struct challenge *c, const char *name);
/* The first challenge of scheme (any case) among n, or NULL. */
const struct challenge *challenge_find(const struct challenge *c, size_t n, const char *scheme);

#endif
