/* config.c: loads and validates the configuration file (see config.h).
 * Validation is schema-driven: unknown keys are reported with a suggestion,
 * wrong types with what was expected, always at file:line:column. */
#include "backends/model/config.h"
#include "backends/codec/yamltree.h"
#include "backends/plugins.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const top_keys[] = {"refresh", "theme", "charset", "readonly", "shell", "log_tail",
				       "log_lines", "endpoints", "keys", "confirm", "mouse", "commands", NULL};
static const char *const confirm_names[] = {"all", "destructive", NULL};
static const char *const charset_names[] = {"auto", "utf-8", "ascii", NULL};
static const char *const endpoint_keys[] = {"name", "type", "readonly", "production", NULL};

char *config_default_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	if (xdg && *xdg)
		return xasprintf("%s/binnacle/config.yaml", xdg);
	const char *home = getenv("HOME");
	return xasprintf("%s/.config/binnacle/config.yaml", home ? home : ".");
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 63 || lb > 63)
		return 99;
	size_t d[64][64];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
			d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
	return d[la][lb];
}

/* Appends " (did you mean \"x\"?)" when a known key is close to the typo. */
static void suggest(char *out, size_t outlen, const char *typo, const char *const *known,
		    const struct option_def *opts)
{
	const char *best = NULL;
	size_t bestd = 3;
	for (size_t i = 0; known && known[i]; i++) {
		size_t d = edit_distance(typo, known[i]);
		if (d < bestd)
			bestd = d, best = known[i];
	}
	for (size_t i = 0; opts && opts[i].key; i++) {
		size_t d = edit_distance(typo, opts[i].key);
		if (d < bestd)
			bestd = d, best = opts[i].key;
	}
	if (best)
		snprintf(out, outlen, " (did you mean \"%s\"?)", best);
	else
		out[0] = '\0';
}

static bool in_list(const char *key, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(list[i], key))
			return true;
	return false;
}

static int where(char *err, size_t errlen, const char *name, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static int where(char *err, size_t errlen, const char *name, int line, int col, const char *fmt, ...)
{
	char msg[ERRLEN];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return set_err(err, errlen, "%s:%d:%d: %s", name, line, col, msg);
}

static int expect_type(const struct ynode *n, enum ynode_type t, const char *what, const char *name,
		       char *err, size_t errlen)
{
	if (n->type == t)
		return 0;
	return where(err, errlen, name, n->line, n->col, "%s must be %s", what, ynode_type_name(t));
}

static int parse_bool(const struct ynode *n, const char *what, bool *out, const char *name, char *err,
		      size_t errlen)
{
	int v = n->type == YNODE_SCALAR ? ynode_bool(n) : -1;
	if (v < 0)
		return where(err, errlen, name, n->line, n->col, "%s must be true or false", what);
	*out = v;
	return 0;
}

/* "~/x" is under $HOME; a relative path is relative to the config file. */
static char *expand_path(const char *p, const char *config_file)
{
	if (p[0] == '~' && (p[1] == '/' || !p[1])) {
		const char *home = getenv("HOME");
		return xasprintf("%s%s", home ? home : "", p + 1);
	}
	const char *slash = strrchr(config_file, '/');
	if (p[0] == '/' || !slash)
		return xstrdup(p);
	return xasprintf("%.*s/%s", (int)(slash - config_file), config_file, p);
}

static int parse_endpoint(struct config *c, const struct ynode *n, const char *name, char *err,
			  size_t errlen)
{
	if (expect_type(n, YNODE_MAP, "an endpoint", name, err, errlen) < 0)
		return -1;
	const struct ynode *type = ynode_get(n, "type");
	if (!type || type->type != YNODE_SCALAR)
		return where(err, errlen, name, n->line, n->col,
			     "this endpoint needs a \"type\" (for example \"type: docker\")");
	const struct backend_ops *ops = backend_find(type->value);
	if (!ops) {
		char known[128] = "";
		for (const struct backend_ops *const *b = backends_all(); *b; b++) {
			strncat(known, known[0] ? ", " : "", sizeof(known) - strlen(known) - 1);
			strncat(known, (*b)->name, sizeof(known) - strlen(known) - 1);
		}
		return where(err, errlen, name, type->line, type->col, "unknown endpoint type \"%s\" (known: %s)%s",
			     type->value, known,
			     *plugins_problems() ? "; a backend plugin was refused: binnacle --version says why" : "");
	}
	struct endpoint_config ec = {0};
	ec.backend = xstrdup(ops->name);
	ec.file = xstrdup(name);
	ec.line = n->line;
	ec.readonly = c->readonly;
	for (size_t i = 0; i < n->n; i++) {
		const char *key = n->keys[i];
		const struct ynode *v = n->items[i];
		int kl = n->key_lines[i], kc = n->key_cols[i];
		if (!strcmp(key, "type"))
			continue;
		if (!strcmp(key, "readonly") || !strcmp(key, "production")) {
			bool b = false;
			if (parse_bool(v, key, &b, name, err, errlen) < 0)
				goto fail;
			if (!strcmp(key, "readonly"))
				ec.readonly = b || c->readonly;
			else
				ec.production = b;
			continue;
		}
		const struct option_def *opt = NULL;
		for (size_t j = 0; ops->options && ops->options[j].key; j++)
			if (!strcmp(ops->options[j].key, key))
				opt = &ops->options[j];
		for (size_t j = 0; !opt && endpoint_common_options[j].key; j++)
			if (!strcmp(endpoint_common_options[j].key, key))
				opt = &endpoint_common_options[j];
		if (!opt && strcmp(key, "name")) {
			char hint[96], common[96];
			suggest(hint, sizeof(hint), key, endpoint_keys, ops->options);
			suggest(common, sizeof(common), key, NULL, endpoint_common_options);
			if (!hint[0])
				snprintf(hint, sizeof(hint), "%s", common);
			where(err, errlen, name, kl, kc, "unknown key \"%s\" for a %s endpoint%s", key, ops->name, hint);
			goto fail;
		}
		if (v->type != YNODE_SCALAR) {
			where(err, errlen, name, v->line, v->col, "%s must be a single value", key);
			goto fail;
		}
		if (opt && opt->type == OPT_BOOL && ynode_bool(v) < 0) {
			where(err, errlen, name, v->line, v->col, "%s must be true or false", key);
			goto fail;
		}
		if (!strcmp(key, "name")) {
			free(ec.name);
			ec.name = xstrdup(v->value);
			continue;
		}
		char *value = opt && opt->type == OPT_PATH ? expand_path(v->value, name) : xstrdup(v->value);
		endpoint_config_set(&ec, key, value);
		free(value);
		ec.opts[ec.nopts - 1].line = v->line;
		ec.opts[ec.nopts - 1].col = v->col;
	}
	if (!ec.name)
		ec.name = xasprintf("%s-%zu", ops->name, c->nendpoints + 1);
	for (size_t i = 0; i < c->nendpoints; i++)
		if (!strcmp(c->endpoints[i].name, ec.name)) {
			where(err, errlen, name, n->line, n->col, "two endpoints are named \"%s\"", ec.name);
			goto fail;
		}
	c->endpoints = xrealloc(c->endpoints, (c->nendpoints + 1) * sizeof(*c->endpoints));
	c->endpoints[c->nendpoints++] = ec;
	return 0;
fail:
	endpoint_config_cleanup(&ec);
	return -1;
}

static int parse_keys(struct config *c, const struct ynode *n, const char *name, char *err, size_t errlen)
{
	if (expect_type(n, YNODE_MAP, "keys", name, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *v = n->items[i];
		if (v->type != YNODE_SCALAR)
			return where(err, errlen, name, v->line, v->col, "the key for %s must be a single value",
				     n->keys[i]);
		c->keys = xrealloc(c->keys, (c->nkeys + 1) * sizeof(*c->keys));
		c->keys[c->nkeys++] = (struct keybind){xstrdup(n->keys[i]), xstrdup(v->value), v->line, v->col};
	}
	return 0;
}

static int parse_root(struct config *c, const struct ynode *root, const char *name, char *err,
		      size_t errlen)
{
	if (expect_type(root, YNODE_MAP, "the configuration", name, err, errlen) < 0)
		return -1;
	/* readonly first: endpoints inherit it */
	const struct ynode *ro = ynode_get(root, "readonly");
	if (ro && parse_bool(ro, "readonly", &c->readonly, name, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < root->n; i++) {
		const char *key = root->keys[i];
		const struct ynode *v = root->items[i];
		if (!in_list(key, top_keys)) {
			char hint[96];
			suggest(hint, sizeof(hint), key, top_keys, NULL);
			return where(err, errlen, name, root->key_lines[i], root->key_cols[i], "unknown key \"%s\"%s",
				     key, hint);
		}
		if (!strcmp(key, "refresh")) {
			int64_t ms = v->type == YNODE_SCALAR ? parse_duration_ms(v->value) : -1;
			if (ms < 100)
				return where(err, errlen, name, v->line, v->col,
					     "refresh must be a duration of at least 100ms, like \"2s\" or \"500ms\"");
			c->refresh_ms = ms;
		} else if (!strcmp(key, "shell")) {
			if (v->type != YNODE_SCALAR || !*v->value)
				return where(err, errlen, name, v->line, v->col, "shell must be a program, like /bin/bash");
			free(c->shell);
			c->shell = xstrdup(v->value);
		} else if (!strcmp(key, "log_tail") || !strcmp(key, "log_lines")) {
			char *end = NULL;
			long n = v->type == YNODE_SCALAR ? strtol(v->value, &end, 10) : -1;
			bool lines = !strcmp(key, "log_lines");
			if (!end || *end || n < (lines ? 100 : 0) || n > 10000000)
				return where(err, errlen, name, v->line, v->col, "%s must be a number from %d to 10000000",
					     key, lines ? 100 : 0);
			if (lines)
				c->log_lines = (size_t)n;
			else
				c->log_tail = (int)n;
		} else if (!strcmp(key, "theme")) {
			if (v->type != YNODE_SCALAR)
				return where(err, errlen, name, v->line, v->col, "theme must be a name");
			free(c->theme);
			c->theme = xstrdup(v->value);
		} else if (!strcmp(key, "charset")) {
			int cs = v->type == YNODE_SCALAR ? config_charset_parse(v->value) : -1;
			if (cs < 0) {
				char hint[96] = "";
				if (v->type == YNODE_SCALAR)
					suggest(hint, sizeof(hint), v->value, charset_names, NULL);
				return where(err, errlen, name, v->line, v->col, "charset must be auto, utf-8 or ascii%s",
					     hint);
			}
			c->charset = (enum charset_setting)cs;
		} else if (!strcmp(key, "endpoints")) {
			if (expect_type(v, YNODE_SEQ, "endpoints", name, err, errlen) < 0)
				return -1;
			for (size_t j = 0; j < v->n; j++)
				if (parse_endpoint(c, v->items[j], name, err, errlen) < 0)
					return -1;
		} else if (!strcmp(key, "keys")) {
			if (parse_keys(c, v, name, err, errlen) < 0)
				return -1;
		} else if (!strcmp(key, "confirm")) {
			if (v->type != YNODE_SCALAR || !in_list(v->value, confirm_names)) {
				char hint[96] = "";
				if (v->type == YNODE_SCALAR)
					suggest(hint, sizeof(hint), v->value, confirm_names, NULL);
				return where(err, errlen, name, v->line, v->col,
					     "confirm must be all (every changing action asks) or destructive%s", hint);
			}
			c->confirm = !strcmp(v->value, "all") ? CONFIRM_POLICY_ALL : CONFIRM_POLICY_DESTRUCTIVE;
		} else if (!strcmp(key, "mouse")) {
			if (parse_bool(v, "mouse", &c->mouse, name, err, errlen) < 0)
				return -1;
		} else if (!strcmp(key, "commands")) {
			if (config_parse_commands(c, v, name, err, errlen) < 0)
				return -1;
		}
	}
	return 0;
}

void config_defaults(struct config *c)
{
	c->refresh_ms = 2000;
	c->log_tail = 200;
	c->log_lines = 10000;
}

int config_parse(struct config *c, const char *data, size_t len, const char *name, char *err, size_t errlen)
{
	if (!c->refresh_ms)
		config_defaults(c);
	struct ynode *root = yaml_load_buf(data, len, name, err, errlen);
	if (!root)
		return -1;
	int rc = parse_root(c, root, name, err, errlen);
	ynode_free(root);
	return rc;
}

int config_load(struct config *c, const char *path, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	config_defaults(c);
	char *p = path ? xstrdup(path) : config_default_path();
	struct stat st;
	if (stat(p, &st) < 0) {
		if (!path && errno == ENOENT) {
			free(p);
			return 0;
		}
		set_err(err, errlen, "cannot read configuration %s: %s", p, strerror(errno));
		free(p);
		return -1;
	}
	struct ynode *root = yaml_load_file(p, err, errlen);
	int rc = root ? parse_root(c, root, p, err, errlen) : -1;
	ynode_free(root);
	c->path = p;
	return rc;
}

int config_charset_parse(const char *name)
{
	if (!name)
		return -1;
	if (!strcasecmp(name, "auto"))
		return CHARSET_AUTO;
	if (!strcasecmp(name, "utf-8") || !strcasecmp(name, "utf8"))
		return CHARSET_UTF8;
	if (!strcasecmp(name, "ascii"))
		return CHARSET_ASCII;
	return -1;
}

void config_cleanup(struct config *c)
{
	for (size_t i = 0; i < c->nendpoints; i++)
		endpoint_config_cleanup(&c->endpoints[i]);
	free(c->endpoints);
	for (size_t i = 0; i < c->nkeys; i++) {
		free(c->keys[i].action);
		free(c->keys[i].key);
	}
	free(c->keys);
	config_commands_cleanup(c);
	free(c->theme);
	free(c->shell);
	free(c->path);
	memset(c, 0, sizeof(*c));
}
