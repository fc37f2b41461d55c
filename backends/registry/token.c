/* token.c: scopes in normal form and the token cache (see token.h). */
#include "backends/registry/token.h"
#include "backends/codec/jsonget.h"
#include "backends/util/util.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_EXPIRES_S 60
#define MAX_ITEMS 64

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Splits s at sep into at most MAX_ITEMS owned pieces (empty ones dropped). */
static size_t split(const char *s, char sep, char **out)
{
	size_t n = 0;
	while (s && *s && n < MAX_ITEMS) {
		const char *e = strchr(s, sep);
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len)
			out[n++] = xstrndup(s, len);
		s = e ? e + 1 : NULL;
	}
	return n;
}

static void free_items(char **items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(items[i]);
}

/* "type:name:b,a,a" → "type:name:a,b" (owned). */
static char *normalize_one(const char *s)
{
	const char *first = strchr(s, ':'), *last = strrchr(s, ':');
	if (!first || first == last)
		return xstrdup(s);
	char *actions[MAX_ITEMS];
	size_t n = split(last + 1, ',', actions);
	qsort(actions, n, sizeof(*actions), cmp_str);
	struct buf b;
	buf_init(&b);
	buf_append(&b, s, (size_t)(last - s + 1));
	for (size_t i = 0, w = 0; i < n; i++) {
		if (i && !strcmp(actions[i], actions[i - 1]))
			continue;
		buf_printf(&b, "%s%s", w++ ? "," : "", actions[i]);
	}
	free_items(actions, n);
	return buf_steal(&b);
}

char *scope_normalize(const char *scope)
{
	char *items[MAX_ITEMS];
	size_t n = split(scope, ' ', items);
	for (size_t i = 0; i < n; i++) {
		char *norm = normalize_one(items[i]);
		free(items[i]);
		items[i] = norm;
	}
	qsort(items, n, sizeof(*items), cmp_str);
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "");
	for (size_t i = 0; i < n; i++)
		if (!i || strcmp(items[i], items[i - 1]))
			buf_printf(&b, "%s%s", b.len ? " " : "", items[i]);
	free_items(items, n);
	return buf_steal(&b);
}

/* Whether the one scope g ("type:name:actions") grants every action of w. */
static bool grants(const char *g, const char *w)
{
	const char *gl = strrchr(g, ':'), *wl = strrchr(w, ':');
	if (!gl || !wl || gl - g != wl - w || strncmp(g, w, (size_t)(gl - g)))
		return false;
	char *ga[MAX_ITEMS], *wa[MAX_ITEMS];
	size_t gn = split(gl + 1, ',', ga), wn = split(wl + 1, ',', wa);
	bool all = true;
	for (size_t i = 0; all && i < wn; i++) {
		bool found = false;
		for (size_t j = 0; !found && j < gn; j++)
			found = !strcmp(ga[j], wa[i]) || !strcmp(ga[j], "*");
		all = found;
	}
	free_items(ga, gn);
	free_items(wa, wn);
	return all;
}

int scope_covers(const char *b, const char *a)
{
	char *bi[MAX_ITEMS], *ai[MAX_ITEMS];
	size_t bn = split(b, ' ', bi), an = split(a, ' ', ai);
	bool all = true;
	for (size_t i = 0; all && i < an; i++) {
		bool found = false;
		for (size_t j = 0; !found && j < bn; j++)
			found = grants(bi[j], ai[i]);
		all = found;
	}
	free_items(bi, bn);
	free_items(ai, an);
	return all;
}

static struct reg_token *find(struct reg_tokens *ts, const char *norm)
{
	for (size_t i = 0; i < ts->n; i++)
		if (!strcmp(ts->t[i].scope, norm))
			return &ts->t[i];
	return NULL;
}

static void drop(struct reg_tokens *ts, struct reg_token *t)
{
	free(t->scope);
	if (t->token)
		memset(t->token, 0, strlen(t->token));
	free(t->token);
	*t = ts->t[--ts->n];
}

const char *tokens_get(struct reg_tokens *ts, const char *scope)
{
	char *norm = scope_normalize(scope);
	struct reg_token *t = find(ts, norm);
	free(norm);
	if (t && t->expires_ms <= mono_ms()) {
		drop(ts, t);
		return NULL;
	}
	return t ? t->token : NULL;
}

void tokens_put(struct reg_tokens *ts, const char *scope, const char *token, int64_t expires_in_s)
{
	char *norm = scope_normalize(scope);
	struct reg_token *t = find(ts, norm);
	if (t)
		drop(ts, t);
	if (expires_in_s <= 0)
		expires_in_s = DEFAULT_EXPIRES_S;
	/* renew before the end: 10% early, at most 30 s and at least 1 s */
	int64_t margin = expires_in_s * 100;
	if (margin > 30000)
		margin = 30000;
	if (margin < 1000)
		margin = 1000;
	ts->t = xrealloc(ts->t, (ts->n + 1) * sizeof(*ts->t));
	t = &ts->t[ts->n++];
	t->scope = norm;
	t->token = xstrdup(token);
	t->expires_ms = mono_ms() + expires_in_s * 1000 - margin;
}

void tokens_forget(struct reg_tokens *ts, const char *scope)
{
	char *norm = scope_normalize(scope);
	struct reg_token *t = find(ts, norm);
	if (t)
		drop(ts, t);
	free(norm);
}

void tokens_clear(struct reg_tokens *ts)
{
	while (ts->n)
		drop(ts, &ts->t[0]);
	free(ts->t);
	ts->t = NULL;
}

char *token_response_decode(const char *body, size_t len, int64_t *expires_in)
{
	*expires_in = 0;
	struct json_tokener *tok = json_tokener_new();
	json_object *o = json_tokener_parse_ex(tok, body, (int)len);
	json_tokener_free(tok);
	const char *t = jsonget_str(o, "token");
	if (!t || !*t)
		t = jsonget_str(o, "access_token");
	char *out = t && *t ? xstrdup(t) : NULL;
	jsonget_int(o, "expires_in", expires_in);
	if (t)
		memset((char *)t, 0, strlen(t));
	json_object_put(o);
	return out;
}
