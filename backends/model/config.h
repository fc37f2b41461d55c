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
/* "auto", "utf-8" (also "utf8") or "ascii", any case; -1 for anything else. */
int config_charset_parse(const char *name);

#endif
