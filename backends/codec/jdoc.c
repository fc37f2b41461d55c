/* jdoc.c: the fast JSON reader (see jdoc.h): an iterative parser writing
 * nodes in document order into one growing array, with an explicit stack of
 * open containers so hostile nesting cannot exhaust the C stack. */
#include "backends/codec/jdoc.h"
#include "backends/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Nesting deeper than any API object, shallow enough to refuse abuse. */
#define JDOC_MAX_DEPTH 512

struct jdoc {
	char *copy;   /* the private copy of the text, or NULL when parsed in place */
	size_t n, cap;
	struct jnode nodes[];
};

struct parser {
	struct jdoc *doc;
	char *start, *p, *end;
	char *err;
	size_t errlen;
};

static struct jdoc *doc_of(const struct jnode *root)
{
	return (struct jdoc *)((char *)root - offsetof(struct jdoc, nodes));
}

static struct jnode *push(struct parser *ps, unsigned char type, const char *s, uint32_t len)
{
	struct jdoc *d = ps->doc;
	if (d->n == d->cap) {
		d->cap *= 2;
		d = xrealloc(d, sizeof(*d) + d->cap * sizeof(struct jnode));
		ps->doc = d;
	}
	struct jnode *n = &d->nodes[d->n++];
	n->type = type;
	n->len = len;
	n->span = 1;
	n->s = s;
	return n;
}

static int fail(struct parser *ps, const char *what)
{
	/* the offset tells where, without echoing server text into a sentence */
	set_err(ps->err, ps->errlen, "malformed JSON at byte %zu: %s", (size_t)(ps->p - ps->start), what);
	return -1;
}

static void skip_ws(struct parser *ps)
{
	char *p = ps->p;
	while (p < ps->end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	ps->p = p;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static long hex4(const char *p, const char *end)
{
	if (end - p < 4)
		return -1;
	long v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval(p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static char *put_utf8(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xC0 | (cp >> 6));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xE0 | (cp >> 12));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*o++ = (char)(0xF0 | (cp >> 18));
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	}
	return o;
}

/* ps->p is just past the opening quote. Unescapes in place (the output never
 * outruns the input) and NUL-terminates over the closing quote. */
static int string(struct parser *ps, const char **out, uint32_t *outlen)
{
	char *start = ps->p, *p = start, *end = ps->end;
	/* the common case: no escape at all */
	while (p < end && *p != '"' && *p != '\\')
		p++;
	char *o = p;
	while (p < end && *p != '"') {
		if (*p != '\\') {
			*o++ = *p++;
			continue;
		}
		if (++p >= end)
			break;
		char c = *p++;
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			long cp = hex4(p, end);
			if (cp < 0) {
				ps->p = p;
				return fail(ps, "bad \\u escape");
			}
			p += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
				long lo = hex4(p + 2, end);
				if (lo >= 0xDC00 && lo <= 0xDFFF) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					p += 6;
				}
			}
			/* a lone surrogate, or a NUL that would cut the C string: U+FFFD */
			if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0)
				cp = 0xFFFD;
			/* six escaped bytes become at most four: still behind the reader */
			o = put_utf8(o, (unsigned long)cp);
			break;
		}
		default:
			ps->p = p;
			return fail(ps, "bad escape");
		}
	}
	if (p >= end) {
		ps->p = p;
		return fail(ps, "unterminated string");
	}
	*o = '\0';
	*out = start;
	*outlen = (uint32_t)(o - start);
	ps->p = p + 1;
	return 0;
}

static int number(struct parser *ps)
{
	char *s = ps->p, *p = s;
	if (p < ps->end && *p == '-')
		p++;
	char *digits = p;
	while (p < ps->end && ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E' || *p == '+' ||
			       *p == '-'))
		p++;
	if (p == digits)
		return fail(ps, "unexpected character");
	ps->p = p;
	push(ps, JN_NUMBER, s, (uint32_t)(p - s));
	return 0;
}

static int literal(struct parser *ps, const char *word, unsigned char type)
{
	size_t n = strlen(word);
	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n))
		return fail(ps, "unexpected character");
	ps->p += n;
	push(ps, type, NULL, 0);
	return 0;
}

static int parse(struct parser *ps)
{
	size_t stack[JDOC_MAX_DEPTH];
	int depth = 0;
	for (;;) {
		skip_ws(ps);
		if (ps->p >= ps->end)
			return fail(ps, "unexpected end");
		/* a value */
		char c = *ps->p;
		const char *s;
		uint32_t len;
		if (c == '{' || c == '[') {
			if (depth == JDOC_MAX_DEPTH)
				return fail(ps, "nested too deeply");
			ps->p++;
			stack[depth++] = ps->doc->n;
			push(ps, c == '{' ? JN_OBJECT : JN_ARRAY, NULL, 0);
			skip_ws(ps);
			if (ps->p < ps->end && *ps->p == (c == '{' ? '}' : ']')) {
				ps->p++;
				depth--;
			} else if (c == '{') {
				/* the first key */
				if (ps->p >= ps->end || *ps->p != '"')
					return fail(ps, "expected a key");
				ps->p++;
				if (string(ps, &s, &len) < 0)
					return -1;
				push(ps, JN_STRING, s, len);
				skip_ws(ps);
				if (ps->p >= ps->end || *ps->p != ':')
					return fail(ps, "expected ':'");
				ps->p++;
				continue;
			} else {
				continue;
			}
		} else if (c == '"') {
			ps->p++;
			if (string(ps, &s, &len) < 0)
				return -1;
			push(ps, JN_STRING, s, len);
		} else if (c == 't') {
			if (literal(ps, "true", JN_TRUE) < 0)
				return -1;
		} else if (c == 'f') {
			if (literal(ps, "false", JN_FALSE) < 0)
				return -1;
		} else if (c == 'n') {
			if (literal(ps, "null", JN_NULL) < 0)
				return -1;
		} else if (number(ps) < 0) {
			return -1;
		}
		/* after a value: the containers it completes, then ',' or the end */
		for (;;) {
			if (!depth)
				return 0;
			struct jnode *top = &ps->doc->nodes[stack[depth - 1]];
			top->len++;
			skip_ws(ps);
			if (ps->p >= ps->end)
				return fail(ps, "unexpected end");
			char close = top->type == JN_OBJECT ? '}' : ']';
			if (*ps->p == ',') {
				ps->p++;
				if (top->type == JN_OBJECT) {
					skip_ws(ps);
					if (ps->p >= ps->end || *ps->p != '"')
						return fail(ps, "expected a key");
					ps->p++;
					if (string(ps, &s, &len) < 0)
						return -1;
					push(ps, JN_STRING, s, len);
					skip_ws(ps);
					if (ps->p >= ps->end || *ps->p != ':')
						return fail(ps, "expected ':'");
					ps->p++;
				}
				break;
			}
			if (*ps->p != close)
				return fail(ps, top->type == JN_OBJECT ? "expected ',' or '}'" : "expected ',' or ']'");
			ps->p++;
			size_t at = stack[--depth];
			ps->doc->nodes[at].span = (uint32_t)(ps->doc->n - at);
		}
	}
}

static struct jnode *run(char *text, size_t len, char *copy, char *err, size_t errlen)
{
	/* a list page averages one node per 20-odd bytes */
	size_t cap = len / 16 + 16;
	struct jdoc *d = xmalloc(sizeof(*d) + cap * sizeof(struct jnode));
	d->copy = copy;
	d->n = 0;
	d->cap = cap;
	struct parser ps = {d, text, text, text + len, err, errlen};
	int rc = parse(&ps);
	if (rc == 0) {
		skip_ws(&ps);
		if (ps.p != ps.end)
			rc = fail(&ps, "text after the document");
	}
	if (rc < 0) {
		free(ps.doc->copy);
		free(ps.doc);
		return NULL;
	}
	/* containers closed at depth 0 never had their span set by the loop */
	struct jnode *root = &ps.doc->nodes[0];
	if (root->type == JN_OBJECT || root->type == JN_ARRAY)
		root->span = (uint32_t)ps.doc->n;
	return root;
}

struct jnode *jdoc_parse(const char *text, size_t len, char *err, size_t errlen)
{
	if (!text)
		len = 0;
	char *copy = xmalloc(len + 1);
	if (len)
		memcpy(copy, text, len);
	copy[len] = '\0';
	return run(copy, len, copy, err, errlen);
}

struct jnode *jdoc_parse_mut(char *text, size_t len, char *err, size_t errlen)
{
	return run(text, len, NULL, err, errlen);
}

void jdoc_free(struct jnode *root)
{
	if (!root)
		return;
	struct jdoc *d = doc_of(root);
	free(d->copy);
	free(d);
}

/* ---- accessors ---- */

const struct jnode *jn_field(const struct jnode *o, const char *key)
{
	if (!o || o->type != JN_OBJECT)
		return NULL;
	const struct jnode *k = o + 1;
	size_t klen = strlen(key);
	for (uint32_t i = 0; i < o->len; i++) {
		const struct jnode *v = k + 1;
		if (k->len == klen && !memcmp(k->s, key, klen))
			return v;
		k = v + v->span;
	}
	return NULL;
}

const struct jnode *jn_obj(const struct jnode *o, const char *key)
{
	const struct jnode *v = jn_field(o, key);
	return v && v->type == JN_OBJECT ? v : NULL;
}

const struct jnode *jn_arr(const struct jnode *o, const char *key)
{
	const struct jnode *v = jn_field(o, key);
	return v && v->type == JN_ARRAY ? v : NULL;
}

const char *jn_text(const struct jnode *n)
{
	return n && n->type == JN_STRING ? n->s : NULL;
}

const char *jn_str(const struct jnode *o, const char *key)
{
	return jn_text(jn_field(o, key));
}

bool jn_as_int(const struct jnode *n, int64_t *out)
{
	if (!n || n->type != JN_NUMBER)
		return false;
	const char *p = n->s, *end = n->s + n->len;
	bool neg = p < end && *p == '-';
	p += neg;
	uint64_t v = 0;
	bool over = false;
	while (p < end && *p >= '0' && *p <= '9') {
		unsigned d = (unsigned)(*p++ - '0');
		if (v > (UINT64_MAX - d) / 10)
			over = true;
		else
			v = v * 10 + d;
	}
	if (p < end) {
		/* a fraction or an exponent: as a double, truncated and saturated */
		char tmp[64];
		snprintf(tmp, sizeof(tmp), "%.*s", (int)(n->len < 63 ? n->len : 63), n->s);
		double d = strtod(tmp, NULL);
		if (d >= 9.2233720368547758e18)
			*out = INT64_MAX;
		else if (d <= -9.2233720368547758e18)
			*out = INT64_MIN;
		else
			*out = (int64_t)d;
		return true;
	}
	if (over || v > (uint64_t)INT64_MAX + neg)
		*out = neg ? INT64_MIN : INT64_MAX;
	else
		*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

bool jn_int(const struct jnode *o, const char *key, int64_t *out)
{
	return jn_as_int(jn_field(o, key), out);
}

bool jn_bool(const struct jnode *o, const char *key)
{
	const struct jnode *v = jn_field(o, key);
	return v && v->type == JN_TRUE;
}

size_t jn_len(const struct jnode *n)
{
	return n && (n->type == JN_ARRAY || n->type == JN_OBJECT) ? n->len : 0;
}

const struct jnode *jn_first(const struct jnode *n)
{
	if (!n || !n->len || (n->type != JN_ARRAY && n->type != JN_OBJECT))
		return NULL;
	return n->type == JN_OBJECT ? n + 2 : n + 1;
}

const struct jnode *jn_next(const struct jnode *n, const struct jnode *it)
{
	if (!n || !it)
		return NULL;
	const struct jnode *next = it + it->span;
	if (n->type == JN_OBJECT)
		next++; /* over the next key */
	return next < n + n->span ? next : NULL;
}

const char *jn_key_of(const struct jnode *v)
{
	return v ? (v - 1)->s : NULL;
}

const struct jnode *jn_idx(const struct jnode *arr, size_t i)
{
	/* loops ask for 0, 1, 2...: remember where the last answer was */
	static const struct jnode *last_arr, *last_node;
	static size_t last_i;
	if (!arr || (arr->type != JN_ARRAY && arr->type != JN_OBJECT) || i >= arr->len)
		return NULL;
	const struct jnode *it;
	size_t at;
	if (last_arr == arr && last_node && last_i <= i) {
		it = last_node;
		at = last_i;
	} else {
		it = jn_first(arr);
		at = 0;
	}
	for (; at < i; at++)
		it = jn_next(arr, it);
	last_arr = arr;
	last_node = it;
	last_i = i;
	return it;
}

bool jn_time(const struct jnode *o, const char *key, int64_t *out)
{
	const char *s = jn_str(o, key);
	if (!s)
		return false;
	*out = parse_rfc3339(s);
	return *out > 0;
}

struct kv {
	const char *k, *v;
};

static int cmp_kv(const void *a, const void *b)
{
	return strcmp(((const struct kv *)a)->k, ((const struct kv *)b)->k);
}

char *jn_map_text(const struct jnode *map)
{
	if (!map || map->type != JN_OBJECT || !map->len)
		return NULL;
	struct kv small[32], *kv = map->len <= 32 ? small : xmalloc(map->len * sizeof(*kv));
	size_t n = 0, total = 0;
	for (const struct jnode *v = jn_first(map); v; v = jn_next(map, v)) {
		kv[n].k = jn_key_of(v);
		kv[n].v = jn_text(v) ? v->s : "";
		total += strlen(kv[n].k) + strlen(kv[n].v) + 2;
		n++;
	}
	qsort(kv, n, sizeof(*kv), cmp_kv);
	char *out = xmalloc(total + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (i)
			*o++ = ',';
		size_t kl = strlen(kv[i].k), vl = strlen(kv[i].v);
		memcpy(o, kv[i].k, kl);
		o += kl;
		*o++ = '=';
		memcpy(o, kv[i].v, vl);
		o += vl;
	}
	*o = '\0';
	if (kv != small)
		free(kv);
	return out;
}

static void quote(struct buf *b, const char *s, size_t len)
{
	buf_putc(b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)c);
		} else if (c < 0x20) {
			buf_printf(b, "\\u%04x", c);
		} else {
			buf_putc(b, (char)c);
		}
	}
	buf_putc(b, '"');
}

static void to_json(struct buf *b, const struct jnode *n)
{
	switch (n->type) {
	case JN_NULL: buf_puts(b, "null"); break;
	case JN_TRUE: buf_puts(b, "true"); break;
	case JN_FALSE: buf_puts(b, "false"); break;
	case JN_NUMBER: buf_append(b, n->s, n->len); break;
	case JN_STRING: quote(b, n->s, n->len); break;
	case JN_ARRAY:
	case JN_OBJECT: {
		bool obj = n->type == JN_OBJECT;
		buf_putc(b, obj ? '{' : '[');
		bool first = true;
		for (const struct jnode *v = jn_first(n); v; v = jn_next(n, v)) {
			if (!first)
				buf_putc(b, ',');
			first = false;
			if (obj) {
				quote(b, (v - 1)->s, (v - 1)->len);
				buf_putc(b, ':');
			}
			to_json(b, v);
		}
		buf_putc(b, obj ? '}' : ']');
		break;
	}
	}
}

char *jn_to_json(const struct jnode *n)
{
	struct buf b;
	buf_init(&b);
	if (n)
		to_json(&b, n);
	else
		buf_puts(&b, "null");
	return buf_steal(&b);
}
