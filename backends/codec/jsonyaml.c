/* jsonyaml.c: JSON to block-style YAML for the "describe as YAML" view. The
 * hard part is strings: YAML reads many plain words as booleans, nulls or
 * numbers, and some characters as syntax, so every string is checked and
 * quoted (or written as a literal block) whenever a plain scalar would not
 * read back as the same string. */
#include "backends/codec/jsonyaml.h"
#include "backends/util/util.h"

#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

/* Deep enough for managedFields; json-c's default of 32 is not. */
#define JSONYAML_MAX_DEPTH 256
/* libyaml refuses implicit keys longer than 1024 characters; longer ones are
 * written as explicit "? key" entries. */
#define JSONYAML_MAX_SIMPLE_KEY 1000
#define JSONYAML_BAD_CP UINT32_MAX

/* ---- characters ---- */

/* Decodes one UTF-8 sequence at s (n bytes left) into *cp and returns its
 * length; an invalid sequence gives JSONYAML_BAD_CP and length 1 so the
 * caller can resynchronise on the next byte. */
static size_t jsonyaml_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t need;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		need = 2, v = c & 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		need = 3, v = c & 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		need = 4, v = c & 0x07, min = 0x10000;
	} else {
		*cp = JSONYAML_BAD_CP;
		return 1;
	}
	if (need > n)
		goto bad;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		v = (v << 6) | (s[i] & 0x3F);
	}
	/* overlong forms, surrogates and values past Unicode are not text */
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		goto bad;
	*cp = v;
	return need;
bad:
	*cp = JSONYAML_BAD_CP;
	return 1;
}

/* Code points that cannot appear raw in a YAML scalar: controls (the YAML
 * reader rejects most of them), the YAML 1.1 line breaks NEL, LS and PS, the
 * byte order mark, the non-characters and undecodable bytes. */
static bool jsonyaml_special(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF || cp == JSONYAML_BAD_CP;
}

/* Whether s has a newline, and whether it has any other special character. */
static void jsonyaml_scan(const char *s, size_t len, bool *newline, bool *other)
{
	*newline = *other = false;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		i += jsonyaml_utf8((const unsigned char *)s + i, len - i, &cp);
		if (cp == '\n')
			*newline = true;
		else if (jsonyaml_special(cp))
			*other = true;
	}
}

/* ---- what a plain scalar would mean ---- */

static bool jsonyaml_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The rest of s (from p) consists of at least one character from set. */
static bool jsonyaml_all_in(const char *p, const char *end, const char *set)
{
	if (p == end)
		return false;
	for (; p < end; p++)
		if (!strchr(set, *p))
			return false;
	return true;
}

/* Would YAML 1.1 or 1.2 resolve this plain text as a number? Deliberately a
 * little broader than either spec (it accepts "1:99" and "1__"), since a
 * needless pair of quotes costs nothing and a missing one changes the value. */
static bool jsonyaml_numeric(const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	if (p < end && (*p == '+' || *p == '-'))
		p++;
	size_t rest = (size_t)(end - p);
	if ((rest == 4 && (!strncasecmp(p, ".inf", 4) || !strncasecmp(p, ".nan", 4))))
		return true;
	if (rest > 2 && p[0] == '0') {
		if (p[1] == 'x' || p[1] == 'X')
			return jsonyaml_all_in(p + 2, end, "0123456789abcdefABCDEF_");
		if (p[1] == 'o' || p[1] == 'O')
			return jsonyaml_all_in(p + 2, end, "01234567_");
		if (p[1] == 'b' || p[1] == 'B')
			return jsonyaml_all_in(p + 2, end, "01_");
	}
	bool digits = false;
	/* integer part, with YAML 1.1 underscores and base-60 colons */
	if (p < end && jsonyaml_is_digit(*p)) {
		while (p < end && (jsonyaml_is_digit(*p) || *p == '_' || *p == ':'))
			p++;
		digits = true;
	}
	if (p < end && *p == '.') {
		p++;
		while (p < end && (jsonyaml_is_digit(*p) || *p == '_')) {
			digits |= jsonyaml_is_digit(*p);
			p++;
		}
	}
	if (!digits)
		return false;
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p == end)
			return false;
		while (p < end && jsonyaml_is_digit(*p))
			p++;
	}
	return p == end;
}

/* Plain words YAML resolves to something other than a string: booleans and
 * nulls of YAML 1.1 in any case, the merge key and the value key. */
static bool jsonyaml_reserved(const char *s, size_t len)
{
	static const char *const words[] = {"true", "false", "yes", "no", "on",  "off", "y",
					    "n",    "null",  "~",   "<<", "=",   NULL};
	for (size_t i = 0; words[i]; i++)
		if (strlen(words[i]) == len && !strncasecmp(s, words[i], len))
			return true;
	return jsonyaml_numeric(s, len);
}

/* Characters that mean something at the start of a plain scalar. */
static bool jsonyaml_indicator(char c)
{
	return c && strchr("-?:,[]{}#&*!|>'\"%@`", c);
}

static bool jsonyaml_has(const char *s, size_t len, const char *pair)
{
	for (size_t i = 0; i + 1 < len; i++)
		if (s[i] == pair[0] && s[i + 1] == pair[1])
			return true;
	return false;
}

/* Can s be written as a plain scalar and read back as the same string? */
static bool jsonyaml_plain_ok(const char *s, size_t len)
{
	bool newline, other;
	if (!len || s[0] == ' ' || s[len - 1] == ' ' || jsonyaml_indicator(s[0]))
		return false;
	jsonyaml_scan(s, len, &newline, &other);
	if (newline || other)
		return false;
	/* ": " and " #" end a plain scalar; a final ':' makes it a key;
	 * "..." at a line start ends the document */
	if (jsonyaml_has(s, len, ": ") || jsonyaml_has(s, len, " #") || s[len - 1] == ':')
		return false;
	if (len >= 3 && !strncmp(s, "...", 3))
		return false;
	return !jsonyaml_reserved(s, len);
}

/* ---- writing ---- */

static void jsonyaml_indent(struct buf *b, int n)
{
	for (int i = 0; i < n; i++)
		buf_putc(b, ' ');
}

/* A double-quoted scalar with JSON-style escapes (YAML's double-quoted style
 * accepts them all). Bytes that are not UTF-8 cannot be expressed in YAML
 * text at all, so they become U+FFFD as a terminal would show them. */
static void jsonyaml_put_quoted(struct buf *b, const char *s, size_t len)
{
	buf_putc(b, '"');
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = jsonyaml_utf8((const unsigned char *)s + i, len - i, &cp);
		if (cp == '"' || cp == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)cp);
		} else if (cp == '\n') {
			buf_puts(b, "\\n");
		} else if (cp == '\t') {
			buf_puts(b, "\\t");
		} else if (cp == '\r') {
			buf_puts(b, "\\r");
		} else if (cp == '\b') {
			buf_puts(b, "\\b");
		} else if (cp == '\f') {
			buf_puts(b, "\\f");
		} else if (cp == JSONYAML_BAD_CP) {
			buf_puts(b, "\\uFFFD");
		} else if (jsonyaml_special(cp)) {
			buf_printf(b, "\\u%04" PRIX32, cp);
		} else {
			buf_append(b, s + i, n);
		}
		i += n;
	}
	buf_putc(b, '"');
}

/* A literal block ("|") for multi-line text whose lines are all printable,
 * content at column indent. The chomping indicator carries the number of
 * trailing newlines; an explicit indentation indicator is needed when the
 * first line starts with a space or is empty, because the reader would
 * otherwise guess the indentation from it. Returns false (writing nothing)
 * when the text does not fit a literal block. */
static bool jsonyaml_put_literal(struct buf *b, const char *s, size_t len, int indent)
{
	bool newline, other;
	jsonyaml_scan(s, len, &newline, &other);
	size_t body = len;
	while (body && s[body - 1] == '\n')
		body--;
	if (!newline || other || !body)
		return false;
	size_t trailing = len - body;
	buf_putc(b, '|');
	if (s[0] == ' ' || s[0] == '\n')
		buf_putc(b, '2'); /* content sits 2 columns in from its parent */
	if (trailing == 0)
		buf_putc(b, '-');
	else if (trailing > 1)
		buf_putc(b, '+');
	buf_putc(b, '\n');
	for (size_t i = 0; i < body;) {
		const char *nl = memchr(s + i, '\n', body - i);
		size_t end = nl ? (size_t)(nl - s) : body;
		if (end > i) {
			jsonyaml_indent(b, indent);
			buf_append(b, s + i, end - i);
		}
		buf_putc(b, '\n');
		i = end + 1;
	}
	for (size_t i = 1; i < trailing; i++)
		buf_putc(b, '\n');
	return true;
}

/* A string value followed by its newline: plain, literal block or quoted. */
static void jsonyaml_put_string(struct buf *b, const char *s, size_t len, int indent)
{
	if (jsonyaml_plain_ok(s, len)) {
		buf_append(b, s, len);
	} else if (jsonyaml_put_literal(b, s, len, indent)) {
		return;
	} else {
		jsonyaml_put_quoted(b, s, len);
	}
	buf_putc(b, '\n');
}

/* The shortest text that reads back as exactly d, always recognisably a
 * float ("1.0", "1.0e+20") so the type survives as in the JSON, and with a
 * '.' whatever LC_NUMERIC says. */
static void jsonyaml_put_double(struct buf *b, double d)
{
	if (isnan(d)) {
		buf_puts(b, ".nan");
		return;
	}
	if (isinf(d)) {
		buf_puts(b, d < 0 ? "-.inf" : ".inf");
		return;
	}
	char text[64];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(text, sizeof(text), "%.*g", prec, d);
		if (strtod(text, NULL) == d)
			break;
	}
	const char *point = localeconv()->decimal_point;
	char out[80];
	size_t o = 0;
	bool fraction = false;
	for (const char *p = text; *p && o + 3 < sizeof(out);) {
		if (point && *point && !strncmp(p, point, strlen(point))) {
			out[o++] = '.';
			p += strlen(point);
			fraction = true;
			continue;
		}
		if (*p == 'e' && !fraction) {
			out[o++] = '.';
			out[o++] = '0';
			fraction = true;
		}
		out[o++] = *p++;
	}
	if (!fraction) {
		out[o++] = '.';
		out[o++] = '0';
	}
	out[o] = '\0';
	buf_puts(b, out);
}

/* A scalar (anything but a non-empty object or array) and its newline;
 * indent is the column for a literal block's content. */
static void jsonyaml_put_scalar(struct buf *b, struct json_object *o, int indent)
{
	switch (json_object_get_type(o)) {
	case json_type_null:
		buf_puts(b, "null");
		break;
	case json_type_boolean:
		buf_puts(b, json_object_get_boolean(o) ? "true" : "false");
		break;
	case json_type_int: {
		/* json-c pins large positive values at INT64_MAX in the signed view */
		int64_t v = json_object_get_int64(o);
		if (v == INT64_MAX)
			buf_printf(b, "%" PRIu64, json_object_get_uint64(o));
		else
			buf_printf(b, "%" PRId64, v);
		break;
	}
	case json_type_double:
		jsonyaml_put_double(b, json_object_get_double(o));
		break;
	case json_type_string:
		jsonyaml_put_string(b, json_object_get_string(o), (size_t)json_object_get_string_len(o), indent);
		return;
	case json_type_object:
		buf_puts(b, "{}");
		break;
	case json_type_array:
		buf_puts(b, "[]");
		break;
	}
	buf_putc(b, '\n');
}

static bool jsonyaml_is_block(struct json_object *o)
{
	return (json_object_is_type(o, json_type_object) && json_object_object_length(o) > 0) ||
	       (json_object_is_type(o, json_type_array) && json_object_array_length(o) > 0);
}

static void jsonyaml_put_block(struct buf *b, struct json_object *o, int indent, bool inline_first);

/* What follows a "key:" or "-" written at column col. List items put a
 * nested collection on the same line (kubectl's compact "- name: x");
 * map values start it on the next line, 2 columns in. */
static void jsonyaml_put_value(struct buf *b, struct json_object *o, int col, bool in_list)
{
	if (!jsonyaml_is_block(o)) {
		buf_putc(b, ' ');
		jsonyaml_put_scalar(b, o, col + 2);
	} else if (in_list) {
		buf_putc(b, ' ');
		jsonyaml_put_block(b, o, col + 2, true);
	} else {
		buf_putc(b, '\n');
		jsonyaml_put_block(b, o, col + 2, false);
	}
}

static void jsonyaml_put_key(struct buf *b, const char *key, int indent, bool inline_first)
{
	size_t len = strlen(key);
	struct buf k;
	buf_init(&k);
	if (jsonyaml_plain_ok(key, len))
		buf_append(&k, key, len);
	else
		jsonyaml_put_quoted(&k, key, len);
	if (!inline_first)
		jsonyaml_indent(b, indent);
	if (k.len > JSONYAML_MAX_SIMPLE_KEY) {
		buf_puts(b, "? ");
		buf_append(b, k.data, k.len);
		buf_putc(b, '\n');
		jsonyaml_indent(b, indent);
	} else {
		buf_append(b, k.data, k.len);
	}
	buf_putc(b, ':');
	buf_cleanup(&k);
}

/* A non-empty object or array with its entries at column indent; with
 * inline_first the first entry continues a line already at that column. */
static void jsonyaml_put_block(struct buf *b, struct json_object *o, int indent, bool inline_first)
{
	bool first = true;
	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, key, val)
		{
			jsonyaml_put_key(b, key, indent, inline_first && first);
			jsonyaml_put_value(b, val, indent, false);
			first = false;
		}
		return;
	}
	size_t n = json_object_array_length(o);
	for (size_t i = 0; i < n; i++) {
		if (!(inline_first && first))
			jsonyaml_indent(b, indent);
		buf_putc(b, '-');
		jsonyaml_put_value(b, json_object_array_get_idx(o, i), indent, true);
		first = false;
	}
}

/* ---- parsing ---- */

/* Parses strictly (engines send plain JSON; anything else is a bug worth
 * showing) into *out, which is NULL for the document "null". */
static int jsonyaml_parse(const char *json, size_t len, struct json_object **out, char *err, size_t errlen)
{
	*out = NULL;
	if (len > INT_MAX)
		return set_err(err, errlen, "The JSON document is too large to show as YAML.");
	struct json_tokener *tok = json_tokener_new_ex(JSONYAML_MAX_DEPTH);
	if (!tok)
		abort();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	struct json_object *root = json_tokener_parse_ex(tok, json, (int)len);
	enum json_tokener_error e = json_tokener_get_error(tok);
	size_t used = json_tokener_get_parse_end(tok);
	/* a bare number at the very end is only complete once the tokener sees
	 * that nothing follows */
	if (!root && e == json_tokener_continue) {
		root = json_tokener_parse_ex(tok, "", 1);
		e = json_tokener_get_error(tok);
		used = len;
	}
	if (e != json_tokener_success) {
		size_t blank = 0;
		while (blank < len && json[blank] && strchr(" \t\r\n", json[blank]))
			blank++;
		if (blank == len)
			set_err(err, errlen, "The JSON document is empty.");
		else if (e == json_tokener_continue || e == json_tokener_error_parse_eof)
			set_err(err, errlen, "The JSON document ends too early.");
		else
			set_err(err, errlen, "The JSON document is malformed: %s near byte %zu.",
				json_tokener_error_desc(e), used);
		json_object_put(root);
		json_tokener_free(tok);
		return -1;
	}
	json_tokener_free(tok);
	for (size_t i = used; i < len; i++)
		if (!strchr(" \t\r\n", json[i]) || (json[i] == '\0' && i + 1 < len)) {
			json_object_put(root);
			return set_err(err, errlen, "The JSON document has extra text after its end at byte %zu.", i);
		}
	*out = root;
	return 0;
}

char *jsonyaml_convert(const char *json, size_t len, char *err, size_t errlen)
{
	struct json_object *root;
	if (jsonyaml_parse(json, len, &root, err, errlen) < 0)
		return NULL;
	struct buf b;
	buf_init(&b);
	/* json-c represents null as a NULL object, which the writers take as null */
	if (jsonyaml_is_block(root))
		jsonyaml_put_block(&b, root, 0, false);
	else
		jsonyaml_put_scalar(&b, root, 2);
	json_object_put(root);
	return buf_steal(&b);
}
