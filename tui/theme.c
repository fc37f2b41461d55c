/* theme.c: finds and parses theme files (see theme.h). No curses here:
 * screen.c turns the result into colour pairs. */
#include "tui/theme.h"
#include "backends/util/util.h"
#include "backends/codec/yamltree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#ifndef THEMES_DIR
#define THEMES_DIR "themes"
#endif
/* the source tree's themes, so an uninstalled build finds them too */
#ifndef SRC_THEMES_DIR
#define SRC_THEMES_DIR "themes"
#endif

const char *theme_dir(void)
{
	return THEMES_DIR;
}

void theme_mono(struct theme *t)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "mono");
	t->mono = true;
	for (int i = 0; i < ST_COUNT; i++)
		t->styles[i] = (struct theme_style){-1, -1, 0};
	t->styles[ST_HEADER].attrs = THEME_REVERSE;
	t->styles[ST_HEADER_KEY].attrs = THEME_REVERSE | THEME_BOLD;
	t->styles[ST_DANGER].attrs = THEME_REVERSE | THEME_BOLD | THEME_UNDERLINE;
	t->styles[ST_CRUMB_ACTIVE].attrs = THEME_REVERSE;
	t->styles[ST_TABLE_HEAD].attrs = THEME_BOLD;
	t->styles[ST_SORTED_HEAD].attrs = THEME_BOLD | THEME_UNDERLINE;
	t->styles[ST_SELECTED].attrs = THEME_REVERSE;
	t->styles[ST_CHANGED].attrs = THEME_BOLD;
	t->styles[ST_ADDED].attrs = THEME_BOLD;
	t->styles[ST_GONE].attrs = THEME_DIM;
	t->styles[ST_ERROR].attrs = THEME_BOLD;
	t->styles[ST_DIM].attrs = THEME_DIM;
	t->styles[ST_FLASH_WARN].attrs = THEME_BOLD;
	t->styles[ST_FLASH_ERROR].attrs = THEME_BOLD | THEME_REVERSE;
	t->styles[ST_STALE].attrs = THEME_BOLD | THEME_REVERSE;
	t->styles[ST_MATCH].attrs = THEME_REVERSE;
	t->styles[ST_MARKED].attrs = THEME_BOLD | THEME_UNDERLINE;
}

static int parse_colour(const char *s, short *out)
{
	static const char *names[] = {"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"};
	if (!strcasecmp(s, "default") || !strcasecmp(s, "none")) {
		*out = -1;
		return 0;
	}
	bool bright = !strncasecmp(s, "bright-", 7) || !strncasecmp(s, "bright_", 7);
	const char *base = bright ? s + 7 : s;
	for (short i = 0; i < 8; i++)
		if (!strcasecmp(base, names[i])) {
			*out = (short)(i + (bright ? 8 : 0));
			return 0;
		}
	char *end;
	long n = strtol(s, &end, 10);
	if (*s && !*end && n >= 0 && n < 256) {
		*out = (short)n;
		return 0;
	}
	return -1;
}

static int parse_attr(const char *s, unsigned *out)
{
	static const struct { const char *name; unsigned bit; } attrs[] = {
		{"bold", THEME_BOLD}, {"dim", THEME_DIM}, {"reverse", THEME_REVERSE},
		{"underline", THEME_UNDERLINE}, {"italic", THEME_ITALIC},
	};
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		if (!strcasecmp(s, attrs[i].name)) {
			*out |= attrs[i].bit;
			return 0;
		}
	return -1;
}

static int parse_style(struct theme_style *st, const struct ynode *n, const char *name, char *err, size_t errlen)
{
	if (n->type != YNODE_MAP)
		return set_err(err, errlen, "%s:%d:%d: a style must be a mapping like {fg: white, bg: blue, attrs: [bold]}",
			       name, n->line, n->col);
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *v = n->items[i];
		const char *k = n->keys[i];
		if (!strcmp(k, "fg") || !strcmp(k, "bg")) {
			short c;
			if (v->type != YNODE_SCALAR || parse_colour(v->value, &c) < 0)
				return set_err(err, errlen, "%s:%d:%d: \"%s\" is not a colour (use a name like \"cyan\", \"bright-red\", \"default\" or 0-255)",
					       name, v->line, v->col, v->type == YNODE_SCALAR ? v->value : "?");
			if (!strcmp(k, "fg"))
				st->fg = c;
			else
				st->bg = c;
		} else if (!strcmp(k, "attrs")) {
			st->attrs = 0;
			size_t cnt = v->type == YNODE_SEQ ? v->n : 1;
			for (size_t j = 0; j < cnt; j++) {
				const struct ynode *a = v->type == YNODE_SEQ ? v->items[j] : v;
				if (a->type != YNODE_SCALAR || parse_attr(a->value, &st->attrs) < 0)
					return set_err(err, errlen, "%s:%d:%d: unknown attribute (use bold, dim, reverse, underline, italic)",
						       name, a->line, a->col);
			}
		} else {
			return set_err(err, errlen, "%s:%d:%d: unknown style key \"%s\" (use fg, bg, attrs)", name,
				       n->key_lines[i], n->key_cols[i], k);
		}
	}
	return 0;
}

int theme_parse(struct theme *t, const char *data, size_t len, const char *name, char *err, size_t errlen)
{
	struct theme tmp;
	theme_mono(&tmp);
	tmp.mono = false;
	struct ynode *root = yaml_load_buf(data, len, name, err, errlen);
	if (!root)
		return -1;
	int rc = 0;
	const struct ynode *styles = ynode_get(root, "styles");
	const char *tname = ynode_str(root, "name");
	struct ynode *mono = ynode_get(root, "monochrome");
	if (root->type != YNODE_MAP || !styles || styles->type != YNODE_MAP) {
		rc = set_err(err, errlen, "%s:%d:%d: a theme needs a \"styles\" mapping", name, root->line, root->col);
		goto out;
	}
	if (mono && ynode_bool(mono) == 1)
		tmp.mono = true;
	snprintf(tmp.name, sizeof(tmp.name), "%s", tname ? tname : name);
	for (size_t i = 0; i < styles->n; i++) {
		int st = style_from_name(styles->keys[i]);
		if (st < 0) {
			rc = set_err(err, errlen, "%s:%d:%d: unknown style \"%s\"", name, styles->key_lines[i],
				     styles->key_cols[i], styles->keys[i]);
			goto out;
		}
		tmp.styles[st] = (struct theme_style){-1, -1, 0};
		if ((rc = parse_style(&tmp.styles[st], styles->items[i], name, err, errlen)) < 0)
			goto out;
	}
	*t = tmp;
out:
	ynode_free(root);
	return rc;
}

static char *find_theme(const char *name)
{
	if (strchr(name, '/') || str_ends(name, ".yaml"))
		return access(name, R_OK) == 0 ? xstrdup(name) : NULL;
	const char *dirs[4] = {getenv("BINNACLE_THEMES_DIR"), NULL, THEMES_DIR, SRC_THEMES_DIR};
	char *user = NULL;
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (xdg && *xdg)
		user = xasprintf("%s/binnacle/themes", xdg);
	else if (home)
		user = xasprintf("%s/.config/binnacle/themes", home);
	dirs[1] = user;
	char *found = NULL;
	for (int i = 0; i < 4 && !found; i++) {
		if (!dirs[i] || !*dirs[i])
			continue;
		char *p = xasprintf("%s/%s.yaml", dirs[i], name);
		if (access(p, R_OK) == 0)
			found = p;
		else
			free(p);
	}
	free(user);
	return found;
}

int theme_load(struct theme *t, const char *name, char *err, size_t errlen)
{
	theme_mono(t);
	if (!strcmp(name, "monochrome"))
		name = "mono";
	char *path = find_theme(name);
	if (!path)
		return set_err(err, errlen, "theme \"%s\" not found (looked in ~/.config/binnacle/themes and %s)", name,
			       THEMES_DIR);
	size_t len = 0;
	char *text = read_file(path, &len);
	int rc = text ? theme_parse(t, text, len, path, err, errlen)
		      : set_err(err, errlen, "cannot read theme %s: %s", path, strerror(errno));
	if (rc < 0)
		theme_mono(t);
	free(text);
	free(path);
	return rc;
}
