/* config.h: binnacle's configuration file ($XDG_CONFIG_HOME/binnacle/config.yaml
 * or --config): endpoints per backend, refresh interval, theme, charset,
 * read-only, key bindings. Every error names the file, line and column. */
#ifndef BINNACLE_CONFIG_H
#define BINNACLE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/backend.h"

/* What the screen may draw (the `charset` key and --charset): auto follows
 * the locale. */
enum charset_setting { CHARSET_AUTO = 0, CHARSET_UTF8, CHARSET_ASCII };

struct keybind {
	char *action, *key;
	int line, col;
};

/* Which changing actions ask first (the `confirm` key): every one, or only
 * the destructive ones (delete, kill, drain); production endpoints always ask. */
enum confirm_policy { CONFIRM_POLICY_ALL = 0, CONFIRM_POLICY_DESTRUCTIVE };

/* A command of the user's own, on a key, for the rows of some kinds (k9s
 * plugins, lazydocker custom commands): a shell command line that finds
 * the row's fields in its environment ($NAME, $NAMESPACE, $ENDPOINT...). */
struct custom_command {
	char *name;        /* for the help and the flash line */
	char *key;         /* a key name, as in keys: */
	char **kinds;      /* NULL-terminated; NULL = every kind */
	char *command;     /* run by /bin/sh -c */
	bool background;   /* output in a viewer; false: in the terminal */
	bool confirm;      /* asks first */
	bool mutates;      /* changes something: not offered in read-only mode */
	int line, col;
};

struct config {
	char *path;         /* the file read; NULL when there was none */
	int64_t refresh_ms; /* default 2000 */
	char *theme;        /* NULL = default */
	enum charset_setting charset;
	bool readonly;
	char *shell;        /* exec shell; NULL = bash when present, else sh */
	int log_tail;       /* log lines shown first (default 200) */
	size_t log_lines;   /* log lines kept per viewer (default 10000) */
	struct endpoint_config *endpoints;
	size_t nendpoints;
	struct keybind *keys;
	size_t nkeys;
	enum confirm_policy confirm;
	bool mouse;         /* clicks and the wheel (off: the terminal keeps text selection) */
	struct custom_command *commands;
	size_t ncommands;
};

/* Fills the defaults (refresh 2s, log_tail 200, log_lines 10000). */
void config_defaults(struct config *c);
/* The default path: $XDG_CONFIG_HOME/binnacle/config.yaml or ~/.config/... (owned). */
char *config_default_path(void);
/* Loads path (or the default when NULL). A missing default file is not an
 * error; a missing explicit one is. Returns 0 or -1 with a sentence in err. */
int config_load(struct config *c, const char *path, char *err, size_t errlen);
/* Same, from a buffer (name is what errors call it). */
int config_parse(struct config *c, const char *data, size_t len, const char *name, char *err, size_t errlen);
void config_cleanup(struct config *c);
/* commands: (config_commands.c): parses the list into c; -1 with FILE:LINE:COL in err. */
struct ynode;
int config_parse_commands(struct config *c, const struct ynode *n, const char *name, char *err, size_t errlen);
void config_commands_cleanup(struct config *c);
/* "auto", "utf-8" (also "utf8") or "ascii", any case; -1 for anything else. */
int config_charset_parse(const char *name);

#endif
