/* challenge.c: the RFC 7235 challenge parser (see challenge.h). The grammar
 * is ambiguous only at commas: after one, a token followed by '=' continues
 * the current challenge's parameters, anything else starts a new challenge. */
#include "backends/registry/challenge.h"
#include "backends/util/util.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool is_tchar(char c)
{
	return isalnum((unsigned char)c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_t68char(char c)
{
	return isalnum((unsigned char)c) || (c && strchr("-._~+/", c));
}

static const char *skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static const char *skip_list_sep(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == ',')
		p++;
	return p;
}

/* Whether p starts "name BWS = BWS (token | quoted-string)". */
static bool starts_param(const char *p)
{
	const char *q = p;
	while (is_tchar(*q))
		q++;
	if (q == p)
		return false;
	q = skip_ows(q);
	if (*q != '=')
		return false;
	q = skip_ows(q + 1);
	return *q == '"' || is_tchar(*q);
}

/* Whether p starts a token68 that ends the challenge (end or comma next). */
static const char *token68_end(const char *p)
{
	const char *q = p;
	while (is_t68char(*q))
		q++;
	if (q == p)
		return NULL;
	while (*q == '=')
		q++;
	const char *r = skip_ows(q);
	return *r == '\0' || *r == ',' ? q : NULL;
}

/* Reads a quoted string at p (on the opening quote) into an owned value;
 * returns the position after the closing quote, NULL when unterminated. */
static const char *read_quoted(const char *p, char **out)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "");
	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1])
			p++;
		buf_putc(&b, *p);
	}
	if (*p != '"') {
		buf_cleanup(&b);
		return NULL;
	}
	*out = buf_steal(&b);
	return p + 1;
}

static const char *read_param(const char *p, struct challenge *c)
{
	const char *name = p;
	while (is_tchar(*p))
		p++;
	size_t nlen = (size_t)(p - name);
	p = skip_ows(skip_ows(p) + 1);
	char *value = NULL;
	if (*p == '"') {
		p = read_quoted(p, &value);
		if (!p)
			return NULL;
	} else {
		const char *v = p;
		while (is_tchar(*p))
			p++;
		value = xstrndup(v, (size_t)(p - v));
	}
	if (c->nparams < CHALLENGE_MAX_PARAMS) {
		struct auth_param *ap = &c->params[c->nparams++];
		ap->name = xstrndup(name, nlen);
		for (char *s = ap->name; *s; s++)
			*s = (char)tolower((unsigned char)*s);
		ap->value = value;
	} else {
		free(value);
	}
	return p;
}

/* One challenge from p (on its scheme); returns where the next one starts,
 * or NULL when the text is malformed. */
static const char *read_challenge(const char *p, struct challenge *c)
{
	const char *s = p;
	while (is_tchar(*p))
		p++;
	c->scheme = xstrndup(s, (size_t)(p - s));
	if (*p != ' ' && *p != '\t')
		return *p == '\0' || *p == ',' ? p : NULL;
	p = skip_ows(p);
	const char *end;
	if (!starts_param(p) && (end = token68_end(p))) {
		c->token68 = xstrndup(p, (size_t)(end - p));
		return end;
	}
	for (;;) {
		p = skip_ows(p);
		if (!*p)
			return p;
		if (*p == ',') {
			const char *next = skip_list_sep(p);
			if (!starts_param(next))
				return next;
			p = next;
		}
		if (!starts_param(p))
			return *p && (is_tchar(*p) || *p == ',') ? p : NULL;
		p = read_param(p, c);
		if (!p)
			return NULL;
	}
}

int challenge_parse(const char *value, struct challenge *out, size_t max)
{
	memset(out, 0, max * sizeof(*out));
	if (!value)
		return -1;
	size_t n = 0;
	const char *p = skip_list_sep(value);
	while (*p && n < max) {
		if (!is_tchar(*p))
			goto bad;
		p = read_challenge(p, &out[n++]);
		if (!p)
			goto bad;
		p = skip_list_sep(p);
	}
	return n ? (int)n : -1;
bad:
	for (size_t i = 0; i < n; i++)
		challenge_cleanup(&out[i]);
	return -1;
}

void challenge_cleanup(struct challenge *c)
{
	if (!c)
		return;
	free(c->scheme);
	free(c->token68);
	for (size_t i = 0; i < c->nparams; i++) {
		free(c->params[i].name);
		free(c->params[i].value);
	}
	memset(c, 0, sizeof(*c));
}

const char *challenge_param(const struct challenge *c, const char *name)
{
	for (size_t i = 0; c && i < c->nparams; i++)
		if (!strcasecmp(c->params[i].name, name))
			return c->params[i].value;
	return NULL;
}

const struct challenge *challenge_find(const struct challenge *c, size_t n, const char *scheme)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].scheme && !strcasecmp(c[i].scheme, scheme))
			return &c[i];
	return NULL;
}
