/* yamljson.c: YAML to JSON (see yamljson.h), over the yamltree parser. */
#include "backends/codec/yamljson.h"
#include "backends/codec/yamltree.h"
#include "backends/util/util.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool word(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (!strcasecmp(s, *set))
			return true;
	return false;
}

static bool digits(const char **p)
{
	const char *s = *p;
	while (**p >= '0' && **p <= '9')
		(*p)++;
	return *p > s;
}

/* A plain scalar JSON can carry as a number: an integer without leading
 * zeros, or a decimal fraction with an optional exponent. */
static bool json_number(const char *s)
{
	const char *p = s + (*s == '-' || *s == '+');
	const char *start = p;
	bool ok = digits(&p);
	if (ok && p - start > 1 && *start == '0')
		return false;
	if (*p == '.') {
		p++;
		if (!digits(&p))
			return false;
		ok = true;
	}
	if (ok && (*p == 'e' || *p == 'E')) {
		p++;
		p += *p == '-' || *p == '+';
		if (!digits(&p))
			return false;
	}
	return ok && !*p;
}

static void put_string(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c == '\n')
			buf_puts(b, "\\n");
		else if (c == '\t')
			buf_puts(b, "\\t");
		else if (c == '\r')
			buf_puts(b, "\\r");
		else if (c < 0x20)
			buf_printf(b, "\\u%04x", c);
		else
			buf_putc(b, (char)c);
	}
	buf_putc(b, '"');
}

static void scalar(struct buf *b, const struct ynode *n)
{
	static const char *const yes[] = {"true", "yes", "on", "y", NULL};
	static const char *const no[] = {"false", "no", "off", "n", NULL};
	static const char *const nul[] = {"null", "~", "", NULL};
	const char *v = n->value ? n->value : "";
	if (n->quoted)
		put_string(b, v);
	else if (word(v, nul))
		buf_puts(b, "null");
	else if (word(v, yes))
		buf_puts(b, "true");
	else if (word(v, no))
		buf_puts(b, "false");
	else if (json_number(v))
		buf_puts(b, v + (*v == '+'));
	else
		put_string(b, v);
}

static void node(struct buf *b, const struct ynode *n)
{
	switch (n->type) {
	case YNODE_SCALAR:
		scalar(b, n);
		break;
	case YNODE_SEQ:
		buf_putc(b, '[');
		for (size_t i = 0; i < n->n; i++) {
			if (i)
				buf_putc(b, ',');
			node(b, n->items[i]);
		}
		buf_putc(b, ']');
		break;
	case YNODE_MAP:
		buf_putc(b, '{');
		for (size_t i = 0; i < n->n; i++) {
			if (i)
				buf_putc(b, ',');
			put_string(b, n->keys[i]);
			buf_putc(b, ':');
			node(b, n->items[i]);
		}
		buf_putc(b, '}');
		break;
	}
}

char *yamljson_convert(const char *yaml, size_t len, char *err, size_t errlen)
{
	/* a document of comments alone is empty: the edit was abandoned */
	bool any = false;
	for (const char *p = yaml, *end = yaml + len; p < end && !any;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		const char *q = p;
		while (q < e && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		any = q < e && *q != '#';
		p = nl ? nl + 1 : end;
	}
	if (!any) {
		set_err(err, errlen, "%s", "");
		return NULL;
	}
	struct ynode *root = yaml_load_buf(yaml, len, "the edited text", err, errlen);
	if (!root)
		return NULL;
	struct buf b;
	buf_init(&b);
	node(&b, root);
	ynode_free(root);
	return buf_steal(&b);
}
