/* sigv4.c: AWS Signature Version 4 (see sigv4.h). */
#include "backends/aws/sigv4.h"
#include "backends/codec/crypto.h"
#include "backends/util/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define ALGORITHM "AWS4-HMAC-SHA256"

static bool unreserved(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

char *sigv4_uri_encode(const char *s, size_t len, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b;
	buf_init(&b);
	buf_append(&b, "", 0);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (unreserved(c) || (keep_slash && c == '/')) {
			buf_putc(&b, (char)c);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			buf_append(&b, e, 3);
		}
	}
	return buf_steal(&b);
}

void sigv4_amz_date(int64_t t, char out[17])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

/* Percent-decoding as a server reads a query (no '+' for space, as botocore
 * and the AWS services take it); bad escapes stay as they are. */
static char *uri_decode(const char *s, size_t len)
{
	char *out = xmalloc(len + 1);
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			char h[3] = {s[i + 1], s[i + 2], 0};
			out[n++] = (char)strtol(h, NULL, 16);
			i += 2;
		} else {
			out[n++] = s[i];
		}
	}
	out[n] = '\0';
	return out;
}

/* ---- canonical URI ---- */

/* Dot segments and empty segments removed; a trailing slash is kept. */
static char *normalize_path(const char *path)
{
	if (!path || !*path)
		return xstrdup("/");
	size_t len = strlen(path);
	char **segs = xcalloc(len + 1, sizeof(*segs));
	size_t n = 0;
	const char *p = path;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t seglen = slash ? (size_t)(slash - p) : strlen(p);
		if (seglen == 2 && !strncmp(p, "..", 2)) {
			if (n)
				free(segs[--n]);
		} else if (seglen && !(seglen == 1 && *p == '.')) {
			segs[n++] = xstrndup(p, seglen);
		}
		p += seglen;
		if (*p == '/')
			p++;
	}
	struct buf b;
	buf_init(&b);
	buf_putc(&b, '/');
	for (size_t i = 0; i < n; i++) {
		buf_printf(&b, "%s%s", i ? "/" : "", segs[i]);
		free(segs[i]);
	}
	free(segs);
	if (n && path[len - 1] == '/')
		buf_putc(&b, '/');
	return buf_steal(&b);
}

static char *canonical_uri(const char *path)
{
	char *norm = normalize_path(path);
	char *enc = sigv4_uri_encode(norm, strlen(norm), 1);
	free(norm);
	return enc;
}

/* ---- canonical query ---- */

struct pair {
	char *k, *v; /* encoded */
};

static int pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	int c = strcmp(x->k, y->k);
	return c ? c : strcmp(x->v, y->v);
}

/* Appends the pairs of a raw query string (decoded, then encoded again). */
static void add_query(struct pair **pairs, size_t *n, const char *query)
{
	const char *p = query;
	while (p && *p) {
		const char *amp = strchr(p, '&');
		size_t partlen = amp ? (size_t)(amp - p) : strlen(p);
		if (partlen) {
			const char *eq = memchr(p, '=', partlen);
			size_t klen = eq ? (size_t)(eq - p) : partlen;
			char *k = uri_decode(p, klen);
			char *v = eq ? uri_decode(eq + 1, partlen - klen - 1) : xstrdup("");
			*pairs = xrealloc(*pairs, (*n + 1) * sizeof(**pairs));
			(*pairs)[*n].k = sigv4_uri_encode(k, strlen(k), 0);
			(*pairs)[*n].v = sigv4_uri_encode(v, strlen(v), 0);
			(*n)++;
			free(k);
			free(v);
		}
		p += partlen;
		if (*p == '&')
			p++;
	}
}

static char *canonical_query(const char *query)
{
	struct pair *pairs = NULL;
	size_t n = 0;
	add_query(&pairs, &n, query);
	if (n)
		qsort(pairs, n, sizeof(*pairs), pair_cmp);
	struct buf b;
	buf_init(&b);
	buf_append(&b, "", 0);
	for (size_t i = 0; i < n; i++) {
		buf_printf(&b, "%s%s=%s", i ? "&" : "", pairs[i].k, pairs[i].v);
		free(pairs[i].k);
		free(pairs[i].v);
	}
	free(pairs);
	return buf_steal(&b);
}

/* ---- canonical headers ---- */

struct hdr {
	char *name;  /* lower case */
	char *value; /* trimmed, whitespace runs folded */
	size_t order;
};

static int hdr_cmp(const void *a, const void *b)
{
	const struct hdr *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static char *fold_value(const char *v)
{
	struct buf b;
	buf_init(&b);
	buf_append(&b, "", 0);
	bool space = false;
	for (const char *p = v; *p; p++) {
		if (isspace((unsigned char)*p)) {
			space = b.len > 0;
			continue;
		}
		if (space)
			buf_putc(&b, ' ');
		space = false;
		buf_putc(&b, *p);
	}
	return buf_steal(&b);
}

static void add_header(struct hdr **h, size_t *n, const char *name, size_t namelen, const char *value)
{
	*h = xrealloc(*h, (*n + 1) * sizeof(**h));
	struct hdr *x = &(*h)[*n];
	x->name = xstrndup(name, namelen);
	for (char *p = x->name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	x->value = fold_value(value);
	x->order = *n;
	(*n)++;
}

/* The canonical header block and the signed header list, from every header
 * to sign: in's, Host, X-Amz-Date and the security token. */
static void canonical_headers(const struct sigv4_input *in, const char *amz_date, const char *token,
			      bool token_as_header, struct buf *block, struct buf *names)
{
	struct hdr *h = NULL;
	size_t n = 0;
	add_header(&h, &n, "host", 4, in->host);
	for (size_t i = 0; in->headers && in->headers[i]; i++) {
		const char *line = in->headers[i], *colon = strchr(line, ':');
		if (!colon)
			continue;
		size_t namelen = (size_t)(colon - line);
		if (namelen == 4 && !strncasecmp(line, "host", 4))
			continue;
		add_header(&h, &n, line, namelen, colon + 1);
	}
	if (amz_date)
		add_header(&h, &n, "x-amz-date", 10, amz_date);
	if (token && token_as_header)
		add_header(&h, &n, "x-amz-security-token", 20, token);
	qsort(h, n, sizeof(*h), hdr_cmp);
	for (size_t i = 0; i < n; i++) {
		bool same = i && !strcmp(h[i].name, h[i - 1].name);
		if (same) {
			buf_printf(block, ",%s", h[i].value);
		} else {
			if (i)
				buf_putc(block, '\n');
			buf_printf(block, "%s:%s", h[i].name, h[i].value);
			buf_printf(names, "%s%s", names->len ? ";" : "", h[i].name);
		}
	}
	buf_putc(block, '\n');
	for (size_t i = 0; i < n; i++) {
		free(h[i].name);
		free(h[i].value);
	}
	free(h);
}

/* ---- signing ---- */

static void signing_key(const char *secret, const char *date, const char *region, const char *service,
			unsigned char out[CRYPTO_SHA256_LEN])
{
	unsigned char k[CRYPTO_SHA256_LEN];
	char *seed = xasprintf("AWS4%s", secret);
	crypto_hmac_sha256(seed, strlen(seed), date, strlen(date), k);
	memset(seed, 0, strlen(seed));
	free(seed);
	crypto_hmac_sha256(k, sizeof(k), region, strlen(region), k);
	crypto_hmac_sha256(k, sizeof(k), service, strlen(service), k);
	crypto_hmac_sha256(k, sizeof(k), "aws4_request", 12, out);
	memset(k, 0, sizeof(k));
}

/* Fills out's canonical request, string to sign and signature. */
static void compute(const struct sigv4_input *in, const struct aws_keys *k, const char *query, const char *token,
		    bool token_as_header, struct sigv4_output *out)
{
	char date[9];
	memcpy(date, out->amz_date, 8);
	date[8] = '\0';
	char payload[2 * CRYPTO_SHA256_LEN + 1];
	crypto_sha256_hex(in->body ? in->body : "", in->body ? in->body_len : 0, payload);
	char *uri = canonical_uri(in->path);
	char *cq = canonical_query(query);
	struct buf block, names;
	buf_init(&block);
	buf_init(&names);
	canonical_headers(in, token_as_header ? out->amz_date : NULL, token, token_as_header, &block, &names);
	out->canonical = xasprintf("%s\n%s\n%s\n%s\n%s\n%s", in->method, uri, cq, block.data, names.data, payload);
	char creq_hash[2 * CRYPTO_SHA256_LEN + 1];
	crypto_sha256_hex(out->canonical, strlen(out->canonical), creq_hash);
	out->string_to_sign = xasprintf(ALGORITHM "\n%s\n%s/%s/%s/aws4_request\n%s", out->amz_date, date, in->region,
					in->service, creq_hash);
	unsigned char key[CRYPTO_SHA256_LEN], sig[CRYPTO_SHA256_LEN];
	signing_key(k->secret_access_key, date, in->region, in->service, key);
	crypto_hmac_sha256(key, sizeof(key), out->string_to_sign, strlen(out->string_to_sign), sig);
	memset(key, 0, sizeof(key));
	crypto_hex(sig, sizeof(sig), out->signature);
	out->signed_headers = buf_steal(&names);
	buf_cleanup(&block);
	free(uri);
	free(cq);
}

void sigv4_sign(const struct sigv4_input *in, const struct aws_keys *k, struct sigv4_output *out)
{
	memset(out, 0, sizeof(*out));
	sigv4_amz_date(in->when, out->amz_date);
	const char *token = k->session_token && *k->session_token ? k->session_token : NULL;
	compute(in, k, in->query, token, true, out);
	out->authorization = xasprintf(ALGORITHM " Credential=%s/%.8s/%s/%s/aws4_request, SignedHeaders=%s, Signature=%s",
				       k->access_key_id, out->amz_date, in->region, in->service, out->signed_headers,
				       out->signature);
}

char *sigv4_presign(const struct sigv4_input *in, const struct aws_keys *k, int expires_s, struct sigv4_output *out)
{
	memset(out, 0, sizeof(*out));
	sigv4_amz_date(in->when, out->amz_date);
	/* the signed header names go into the query, so work them out first */
	struct buf block, names;
	buf_init(&block);
	buf_init(&names);
	canonical_headers(in, NULL, NULL, false, &block, &names);
	buf_cleanup(&block);
	struct buf q;
	buf_init(&q);
	if (in->query && *in->query)
		buf_printf(&q, "%s&", in->query);
	char *cred = xasprintf("%s/%.8s/%s/%s/aws4_request", k->access_key_id, out->amz_date, in->region, in->service);
	char *ecred = sigv4_uri_encode(cred, strlen(cred), 0);
	char *enames = sigv4_uri_encode(names.data, names.len, 0);
	buf_printf(&q, "X-Amz-Algorithm=" ALGORITHM "&X-Amz-Credential=%s&X-Amz-Date=%s&X-Amz-Expires=%d"
		       "&X-Amz-SignedHeaders=%s",
		   ecred, out->amz_date, expires_s, enames);
	if (k->session_token && *k->session_token) {
		char *etok = sigv4_uri_encode(k->session_token, strlen(k->session_token), 0);
		buf_printf(&q, "&X-Amz-Security-Token=%s", etok);
		free(etok);
	}
	free(cred);
	free(ecred);
	free(enames);
	buf_cleanup(&names);
	compute(in, k, q.data, NULL, false, out);
	buf_printf(&q, "&X-Amz-Signature=%s", out->signature);
	return buf_steal(&q);
}

void sigv4_output_cleanup(struct sigv4_output *out)
{
	free(out->authorization);
	free(out->signed_headers);
	if (out->canonical) /* it may hold the session token */
		memset(out->canonical, 0, strlen(out->canonical));
	free(out->canonical);
	free(out->string_to_sign);
	memset(out, 0, sizeof(*out));
}
