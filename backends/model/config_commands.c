/* config_commands.c: the `commands:` section of the configuration: the
 * user's own commands on a key, as k9s plugins and lazydocker custom
 * commands are. Each entry is checked here, at file:line:column, so a typo
 * is reported when binnacle starts, not when the key is pressed. */
#include "backends/model/config.h"
#include "backends/codec/yamltree.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const command_keys[] = {"name", "key", "kinds", "command", "background", "confirm", "mutates",
					   NULL};

static int at(char *err, size_t errlen, const char *file, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static int at(char *err, size_t errlen, const char *file, int line, int col, const char *fmt, ...)
{
	char msg[ERRLEN];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return set_err(err, errlen, "%s:%d:%d: %s", file, line, col, msg);
}

static void command_cleanup(struct custom_command *cc)
{
	free(cc->name);
	free(cc->key);
	free(cc->command);
	for (size_t i = 0; cc->kinds && cc->kinds[i]; i++)
		free(cc->kinds[i]);
	free(cc->kinds);
	memset(cc, 0, sizeof(*cc));
}

/* kinds: a list of names, one name, or "all". */
static int parse_kinds(struct custom_command *cc, const struct ynode *v, const char *file, char *err, size_t errlen)
{
	if (v->type == YNODE_SCALAR) {
		if (!strcmp(v->value, "all") || !strcmp(v->value, "*"))
			return 0;
		cc->kinds = xcalloc(2, sizeof(*cc->kinds));
		cc->kinds[0] = xstrdup(v->value);
		return 0;
	}
	if (v->type != YNODE_SEQ || !v->n)
		return at(err, errlen, file, v->line, v->col, "kinds must be a list of kinds, like [pods, containers]");
	cc->kinds = xcalloc(v->n + 1, sizeof(*cc->kinds));
	for (size_t i = 0; i < v->n; i++) {
		if (v->items[i]->type != YNODE_SCALAR)
			return at(err, errlen, file, v->items[i]->line, v->items[i]->col, "a kind must be a name");
		cc->kinds[i] = xstrdup(v->items[i]->value);
	}
	return 0;
}

static int parse_one(struct custom_command *cc, const struct ynode *n, const char *file, char *err, size_t errlen)
{
	if (n->type != YNODE_MAP)
		return at(err, errlen, file, n->line, n->col, "a command must be a map with key, command and kinds");
	cc->line = n->line;
	cc->col = n->col;
	for (size_t i = 0; i < n->n; i++) {
		const char *key = n->keys[i];
		const struct ynode *v = n->items[i];
		bool known = false;
		for (size_t j = 0; command_keys[j]; j++)
			known = known || !strcmp(command_keys[j], key);
		if (!known)
			return at(err, errlen, file, n->key_lines[i], n->key_cols[i],
				  "unknown key \"%s\" for a command (known: name, key, kinds, command, background, "
				  "confirm, mutates)",
				  key);
		if (!strcmp(key, "kinds")) {
			if (parse_kinds(cc, v, file, err, errlen) < 0)
				return -1;
			continue;
		}
		if (v->type != YNODE_SCALAR)
			return at(err, errlen, file, v->line, v->col, "%s must be a single value", key);
		if (!strcmp(key, "background") || !strcmp(key, "confirm") || !strcmp(key, "mutates")) {
			int b = ynode_bool(v);
			if (b < 0)
				return at(err, errlen, file, v->line, v->col, "%s must be true or false", key);
			if (!strcmp(key, "background"))
				cc->background = b;
			else if (!strcmp(key, "confirm"))
				cc->confirm = b;
			else
				cc->mutates = b;
			continue;
		}
		char **dst = !strcmp(key, "name") ? &cc->name : !strcmp(key, "key") ? &cc->key : &cc->command;
		if (!*v->value)
			return at(err, errlen, file, v->line, v->col, "%s must not be empty", key);
		free(*dst);
		*dst = xstrdup(v->value);
	}
	if (!cc->key || !cc->command)
		return at(err, errlen, file, n->line, n->col, "a command needs a key and a command line");
	if (!cc->name)
		cc->name = xstrdup(cc->command);
	return 0;
}

int config_parse_commands(struct config *c, const struct ynode *n, const char *name, char *err, size_t errlen)
{
	if (n->type != YNODE_SEQ)
		return at(err, errlen, name, n->line, n->col, "commands must be a list");
	for (size_t i = 0; i < n->n; i++) {
		struct custom_command cc = {0};
		if (parse_one(&cc, n->items[i], name, err, errlen) < 0) {
			command_cleanup(&cc);
			return -1;
		}
		c->commands = xrealloc(c->commands, (c->ncommands + 1) * sizeof(*c->commands));
		c->commands[c->ncommands++] = cc;
	}
	return 0;
}

void config_commands_cleanup(struct config *c)
{
	for (size_t i = 0; i < c->ncommands; i++)
		command_cleanup(&c->commands[i]);
	free(c->commands);
	c->commands = NULL;
	c->ncommands = 0;
}
