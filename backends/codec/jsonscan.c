/* jsonscan.c: span-finding over JSON text (see jsonscan.h). */
#include "backends/codec/jsonscan.h"

#include <json-c/json.h>
#include <string.h>

static const char *ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* p at a '"': the byte after the closing quote, or NULL. */
static const char *string_end(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\') {
			p++;
			continue;
		}
		if (*p == '"')
			return p + 1;
	}
	return NULL;
}

const char *jsonscan_skip(const char *s, const char *end)
{
	const char *p = ws(s, end);
	if (p >= end)
		return NULL;
	if (*p == '"')
		return string_end(p, end);
	if (*p != '{' && *p != '[') {
		/* a number, true, false or null: up to the next delimiter */
		const char *q = p;
		while (q < end && !strchr(",]} \t\r\n", *q))
			q++;
		return q > p ? q : NULL;
	}
	/* nesting counted, not checked: the parser of the span checks it */
	size_t depth = 0;
	for (; p < end; p++) {
		switch (*p) {
		case '"':
			p = string_end(p, end);
			if (!p)
				return NULL;
			p--;
			break;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (--depth == 0)
				return p + 1;
			break;
		default:
			break;
		}
	}
	return NULL;
}

int jsonscan_object(const char *s, size_t len, jsonscan_member_fn fn, void *arg)
{
	const char *end = s + len, *p = ws(s, end);
	if (p >= end || *p != '{')
		return -1;
	p = ws(p + 1, end);
	if (p < end && *p == '}')
		return 0;
	while (p < end) {
		if (*p != '"')
			return -1;
		const char *kend = string_end(p, end);
		if (!kend)
			return -1;
		const char *key = p + 1;
		size_t klen = (size_t)(kend - 1 - key);
		p = ws(kend, end);
		if (p >= end || *p != ':')
			return -1;
		const char *v = ws(p + 1, end), *vend = jsonscan_skip(v, end);
		if (!vend)
			return -1;
		if (!fn(arg, key, klen, v, (size_t)(vend - v)))
			return 0;
		p = ws(vend, end);
		if (p < end && *p == '}')
			return 0;
		if (p >= end || *p != ',')
			return -1;
		p = ws(p + 1, end);
	}
	return -1;
}

long jsonscan_array(const char *s, size_t len, jsonscan_elem_fn fn, void *arg)
{
	const char *end = s + len, *p = ws(s, end);
	long n = 0;
	if (p >= end || *p != '[')
		return -1;
	p = ws(p + 1, end);
	if (p < end && *p == ']')
		return 0;
	while (p < end) {
		const char *vend = jsonscan_skip(p, end);
		if (!vend)
			return -1;
		n++;
		if (fn && !fn(arg, p, (size_t)(vend - p)))
			fn = NULL; /* keep counting */
		p = ws(vend, end);
		if (p < end && *p == ']')
			return n;
		if (p >= end || *p != ',')
			return -1;
		p = ws(p + 1, end);
	}
	return -1;
}

struct json_object *jsonscan_parse(const char *s, size_t len, int depth)
{
	if (len > 0x7fffffff)
		return NULL;
	struct json_tokener *tok = json_tokener_new_ex(depth);
	if (!tok)
		return NULL;
	struct json_object *o = json_tokener_parse_ex(tok, s, (int)len);
	enum json_tokener_error e = json_tokener_get_error(tok);
	size_t used = json_tokener_get_parse_end(tok);
	/* a bare number is only complete once the tokener sees its end */
	if (!o && e == json_tokener_continue) {
		o = json_tokener_parse_ex(tok, "", 1);
		e = json_tokener_get_error(tok);
		used = len;
	}
	json_tokener_free(tok);
	if (!o || e != json_tokener_success)
		return o ? (json_object_put(o), NULL) : NULL;
	for (size_t i = used; i < len; i++)
		if (!strchr(" \t\r\n", s[i])) {
			json_object_put(o);
			return NULL;
		}
	return o;
}
