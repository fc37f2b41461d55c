/* token.h: Bearer tokens of one registry, by scope. A scope is a set
 * ("repository:lab/app:pull repository:lab/x:pull,push"), and servers
 * write its actions in any order (distribution 2.8 draws them from a Go
 * map), so scopes are compared in a normal form: scopes sorted, actions
 * sorted and unique. A token serves until its expires_in runs out (60 s
 * when the server says nothing), a little early so it never expires in
 * flight. */
#ifndef BINNACLE_REGISTRY_TOKEN_H
#define BINNACLE_REGISTRY_TOKEN_H

#include <stddef.h>
#include <stdint.h>

/* The normal form of a scope string (owned); "" for none. A resource name
 * may hold ':' (the type ends at the first one, the actions start after
 * the last). */
char *scope_normalize(const char *scope);

/* Whether every action a needs in its scopes is granted by b's. */
int scope_covers(const char *b, const char *a);

struct reg_token {
	char *scope; /* normal form */
	char *token;
	int64_t expires_ms; /* mono_ms() */
};

struct reg_tokens {
	struct reg_token *t;
	size_t n;
};

/* A token still valid for scope (any form), or NULL. */
const char *tokens_get(struct reg_tokens *ts, const char *scope);
/* Keeps a token for scope, replacing an older one; expires_in_s <= 0
 * means the spec's 60 s. */
void tokens_put(struct reg_tokens *ts, const char *scope, const char *token, int64_t expires_in_s);
/* Forgets the token of scope (a registry refused it). */
void tokens_forget(struct reg_tokens *ts, const char *scope);
void tokens_clear(struct reg_tokens *ts);

/* A token endpoint's answer: token, else access_token (owned, NULL when
 * neither), and expires_in (0 when absent). */
char *token_response_decode(const char *body, size_t len, int64_t *expires_in);

#endif
