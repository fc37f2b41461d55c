/* yamltree.c: builds the tree of yamltree.h with libyaml's event parser. */
#include "backends/codec/yamltree.h"
#include "backends/util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

static struct ynode *node_new(enum ynode_type type, const yaml_mark_t *m)
{
	struct ynode *n = xcalloc(1, sizeof(*n));
	n->type = type;
	n->line = (int)m->line + 1;
	n->col = (int)m->column + 1;
	return n;
}

void ynode_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++) {
		ynode_free(n->items[i]);
		if (n->keys)
			free(n->keys[i]);
	}
	free(n->items);
	free(n->keys);
	free(n->key_lines);
	free(n->key_cols);
	free(n->value);
	free(n);
}

static void add_child(struct ynode *parent, char *key, int kline, int kcol, struct ynode *child)
{
	parent->items = xrealloc(parent->items, (parent->n + 1) * sizeof(*parent->items));
	if (parent->type == YNODE_MAP) {
		parent->keys = xrealloc(parent->keys, (parent->n + 1) * sizeof(*parent->keys));
		parent->key_lines = xrealloc(parent->key_lines, (parent->n + 1) * sizeof(int));
		parent->key_cols = xrealloc(parent->key_cols, (parent->n + 1) * sizeof(int));
		parent->keys[parent->n] = key;
		parent->key_lines[parent->n] = kline;
		parent->key_cols[parent->n] = kcol;
	}
	parent->items[parent->n++] = child;
}

struct builder {
	yaml_parser_t parser;
	const char *name;
	char *err;
	size_t errlen;
	int depth; /* collections open around the node being parsed */
};

static int parse_error(struct builder *b)
{
	yaml_parser_t *p = &b->parser;
	const yaml_mark_t *m = &p->problem_mark;
	/* something left open (a quote, a flow list) is only noticed at the end
	 * of the file: point at where it was opened, not past the last line */
	if (p->context && p->problem && strstr(p->problem, "end of stream"))
		m = &p->context_mark;
	else if (!p->problem_mark.line && !p->problem_mark.column && p->context)
		m = &p->context_mark;
	return set_err(b->err, b->errlen, "%s:%zu:%zu: %s%s%s", b->name, m->line + 1, m->column + 1,
		       p->problem ? p->problem : "syntax error", p->context ? " " : "",
		       p->context ? p->context : "");
}

/* Parses one node whose first event is ev (ownership of ev passes here). */
static struct ynode *parse_node(struct builder *b, yaml_event_t *ev);

static int next_event(struct builder *b, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&b->parser, ev))
		return parse_error(b);
	return 0;
}

static struct ynode *parse_collection(struct builder *b, struct ynode *n, yaml_event_type_t end)
{
	/* the builder recurses once per level: a hostile file must not take the stack */
	if (++b->depth > YAML_MAX_DEPTH) {
		set_err(b->err, b->errlen, "%s:%d:%d: nested more than %d levels deep", b->name, n->line, n->col,
			YAML_MAX_DEPTH);
		goto fail;
	}
	for (;;) {
		yaml_event_t ev;
		if (next_event(b, &ev) < 0)
			goto fail;
		if (ev.type == end) {
			yaml_event_delete(&ev);
			b->depth--;
			return n;
		}
		char *key = NULL;
		int kline = 0, kcol = 0;
		if (n->type == YNODE_MAP) {
			if (ev.type != YAML_SCALAR_EVENT) {
				set_err(b->err, b->errlen, "%s:%zu:%zu: a mapping key must be a plain value",
					b->name, ev.start_mark.line + 1, ev.start_mark.column + 1);
				yaml_event_delete(&ev);
				goto fail;
			}
			key = xstrdup((const char *)ev.data.scalar.value);
			kline = (int)ev.start_mark.line + 1;
			kcol = (int)ev.start_mark.column + 1;
			for (size_t i = 0; i < n->n; i++)
				if (!strcmp(n->keys[i], key)) {
					set_err(b->err, b->errlen, "%s:%d:%d: duplicate key \"%s\"", b->name, kline,
						kcol, key);
					free(key);
					yaml_event_delete(&ev);
					goto fail;
				}
			yaml_event_delete(&ev);
			if (next_event(b, &ev) < 0) {
				free(key);
				goto fail;
			}
		}
		struct ynode *child = parse_node(b, &ev);
		if (!child) {
			free(key);
			goto fail;
		}
		add_child(n, key, kline, kcol, child);
	}
fail:
	ynode_free(n);
	return NULL;
}

static struct ynode *parse_node(struct builder *b, yaml_event_t *ev)
{
	struct ynode *n = NULL;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n = node_new(YNODE_SCALAR, &ev->start_mark);
		n->value = xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		n->quoted = ev->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
			    ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
		yaml_event_delete(ev);
		return n;
	case YAML_MAPPING_START_EVENT:
		n = node_new(YNODE_MAP, &ev->start_mark);
		yaml_event_delete(ev);
		return parse_collection(b, n, YAML_MAPPING_END_EVENT);
	case YAML_SEQUENCE_START_EVENT:
		n = node_new(YNODE_SEQ, &ev->start_mark);
		yaml_event_delete(ev);
		return parse_collection(b, n, YAML_SEQUENCE_END_EVENT);
	case YAML_ALIAS_EVENT:
		set_err(b->err, b->errlen, "%s:%zu:%zu: YAML aliases (*name) are not supported here", b->name,
			ev->start_mark.line + 1, ev->start_mark.column + 1);
		break;
	default:
		set_err(b->err, b->errlen, "%s:%zu:%zu: unexpected YAML structure", b->name,
			ev->start_mark.line + 1, ev->start_mark.column + 1);
	}
	yaml_event_delete(ev);
	return NULL;
}

struct ynode *yaml_load_buf(const char *data, size_t len, const char *name, char *err, size_t errlen)
{
	struct builder b = {.name = name, .err = err, .errlen = errlen};
	yaml_parser_initialize(&b.parser);
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)data, len);
	struct ynode *root = NULL;
	yaml_event_t ev;
	/* stream start, document start (or stream end for an empty file) */
	for (;;) {
		if (next_event(&b, &ev) < 0)
			goto out;
		if (ev.type == YAML_STREAM_START_EVENT || ev.type == YAML_DOCUMENT_START_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		break;
	}
	if (ev.type == YAML_STREAM_END_EVENT || ev.type == YAML_DOCUMENT_END_EVENT) {
		yaml_mark_t m = {0};
		yaml_event_delete(&ev);
		root = node_new(YNODE_MAP, &m);
		goto out;
	}
	root = parse_node(&b, &ev);
out:
	yaml_parser_delete(&b.parser);
	return root;
}

struct ynode *yaml_load_file(const char *path, char *err, size_t errlen)
{
	size_t len;
	char *text = read_file(path, &len);
	if (!text) {
		set_err(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	struct ynode *root = yaml_load_buf(text, len, path, err, errlen);
	free(text);
	return root;
}

struct ynode *ynode_get(const struct ynode *n, const char *key)
{
	if (!n || n->type != YNODE_MAP)
		return NULL;
	for (size_t i = 0; i < n->n; i++)
		if (!strcmp(n->keys[i], key))
			return n->items[i];
	return NULL;
}

const char *ynode_str(const struct ynode *n, const char *key)
{
	struct ynode *v = ynode_get(n, key);
	return v && v->type == YNODE_SCALAR ? v->value : NULL;
}

int ynode_bool(const struct ynode *n)
{
	if (!n || n->type != YNODE_SCALAR)
		return -1;
	static const char *yes[] = {"true", "yes", "on", "y"}, *no[] = {"false", "no", "off", "n"};
	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(n->value, yes[i]))
			return 1;
		if (!strcasecmp(n->value, no[i]))
			return 0;
	}
	return -1;
}

const char *ynode_type_name(enum ynode_type t)
{
	return t == YNODE_MAP ? "a mapping" : t == YNODE_SEQ ? "a list" : "a value";
}
