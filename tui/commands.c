/* commands.c: `:` command mode: view aliases (:pods, :ctr, :images, :nodes),
 * :q, :sort, :ctx (the endpoints), :ns (the backend's scope), :copy,
 * :prune, :help, with Tab completion of command names and their arguments;
 * and the `?` help text built from the keymap, also inside the viewers. */
#include "tui/app.h"
#include "tui/awaitview.h"
#include "tui/custom.h"
#include "tui/keymap.h"
#include "tui/ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct command {
	const char *name;
	const char *const *aliases;
	const char *args;
	const char *help;
	void (*run)(struct app *a, const char *arg);
};

static void cmd_quit(struct app *a, const char *arg)
{
	(void)arg;
	a->quit = true;
}

static void cmd_help(struct app *a, const char *arg)
{
	(void)arg;
	app_show_help(a);
}

static void cmd_wide(struct app *a, const char *arg)
{
	(void)arg;
	a->wide = !a->wide;
	app_invalidate(a);
}

static void cmd_sort(struct app *a, const char *arg)
{
	struct frame *f = app_frame(a);
	char col[64] = "", dir[16] = "";
	if (sscanf(arg, "%63s %15s", col, dir) < 1) {
		app_flash(a, NOTE_WARN, "usage: :sort COLUMN [asc|desc]");
		return;
	}
	for (int i = 0; i < f->view->ncolumns; i++) {
		char title[64];
		snprintf(title, sizeof(title), "%s", f->view->columns[i].title);
		for (char *p = title; *p; p++)
			if (*p == ' ')
				*p = '_';
		if (!strcasecmp(title, col)) {
			f->sort_col = i;
			f->sort_desc = !strcasecmp(dir, "desc");
			app_invalidate(a);
			return;
		}
	}
	app_flash(a, NOTE_WARN, "%s has no column \"%s\"", f->view->title, col);
}

static void cmd_endpoint(struct app *a, const char *arg)
{
	if (!*arg) {
		/* like k9s's :ctx: a table of them, / filters, Enter switches */
		pickers_endpoints(a);
		return;
	}
	struct endpoint *ep = session_find(a->session, arg);
	if (!ep)
		app_flash(a, NOTE_WARN, "no endpoint is named \"%s\"", arg);
	else
		app_set_endpoint(a, ep);
}

/* :ns, :cluster...: the endpoint's scope, named by its backend. */
static void cmd_scope(struct app *a, const char *arg)
{
	const struct backend_scope *scope = a->ep->ops->scope;
	char err[ERRLEN];
	if (!scope) {
		app_flash(a, NOTE_WARN, "%s cannot be narrowed (it has no namespaces or the like)", a->ep->name);
		return;
	}
	if (!*arg) {
		/* like k9s: the list of values, where Enter switches to one */
		const struct view *v = scope->kind ? endpoint_view(a->ep, scope->kind) : NULL;
		const char *now = scope->get(a->ep);
		if (v) {
			app_switch_view(a, v);
			if (now) { /* the list opens on the current one */
				free(app_frame(a)->selected_id);
				app_frame(a)->selected_id = xstrdup(now);
			}
		}
		app_flash(a, NOTE_INFO, "%s now: %s. / filters, Enter switches; \":%s all\" or 0 shows every one",
			  scope->name, now ? now : "all", scope->commands[0]);
		return;
	}
	if (scope->set(a->ep, arg, err, sizeof(err)) < 0) {
		app_flash(a, NOTE_WARN, "%s", err);
		return;
	}
	if (strcmp(arg, "all") && strcmp(arg, "-A"))
		navigate_scope_used(a, arg);
	app_invalidate(a);
	app_flash(a, NOTE_INFO, "%s %s", scope->name, strcmp(arg, "all") && strcmp(arg, "-A") ? arg : "all");
}

static void cmd_health(struct app *a, const char *arg)
{
	(void)arg;
	app_show_health(a, false);
}

static void cmd_pull(struct app *a, const char *arg)
{
	ops_pull(a, arg);
}

static void cmd_copy(struct app *a, const char *arg)
{
	(void)arg;
	copy_menu(a);
}

static void cmd_prune(struct app *a, const char *arg)
{
	(void)arg;
	if (!ops_key(a, ACT_PRUNE))
		app_flash(a, NOTE_INFO, "%s has nothing to prune in %s", a->ep->name, app_frame(a)->view->title);
}

static void cmd_aliases(struct app *a, const char *arg)
{
	(void)arg;
	pickers_aliases(a);
}

static const char *const quit_aliases[] = {"q", "q!", "exit", NULL};
static const char *const help_aliases[] = {"h", NULL};
static const char *const endpoint_aliases[] = {"endpoint", "ep", "context", "contexts", NULL};
static const char *const aliases_aliases[] = {"aliases", "alias", NULL};
static const char *const none[] = {NULL};

static const struct command commands[] = {
	{"quit", quit_aliases, "", "quit binnacle", cmd_quit},
	{"help", help_aliases, "", "show the keys and commands", cmd_help},
	{"sort", none, "COLUMN [asc|desc]", "sort the table by a column", cmd_sort},
	{"ctx", endpoint_aliases, "[NAME]", "switch to an endpoint or kube context (alone: pick one)", cmd_endpoint},
	{"wide", none, "", "show or hide the wide columns", cmd_wide},
	{"pull", none, "[REF]", "pull an image (asks for the reference without one)", cmd_pull},
	{"health", none, "", "what is wrong on every endpoint (Enter goes to a problem)", cmd_health},
	{"copy", none, "", "copy the name, image or YAML of the row (as c)", cmd_copy},
	{"prune", none, "", "remove what is unused here, after showing it (as P)", cmd_prune},
	{"views", aliases_aliases, "", "every view and its aliases (as Ctrl-A)", cmd_aliases},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* The scope command takes its names from the backends (":ns" for
 * Kubernetes namespaces): any backend's name finds it, so the endpoint in
 * front can say it has no such scope. */
static const struct command scope_command = {"scope", none, "[NAME|all]", "narrow the views to one", cmd_scope};

static bool is_scope_word(const char *word)
{
	for (const struct backend_ops *const *b = backends_all(); *b; b++)
		for (const char *const *c = (*b)->scope ? (*b)->scope->commands : NULL; c && *c; c++)
			if (!strcmp(*c, word))
				return true;
	return !strcmp(word, scope_command.name);
}

static const struct command *find_command(const char *word)
{
	if (is_scope_word(word))
		return &scope_command;
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (!strcmp(commands[i].name, word))
			return &commands[i];
		for (size_t j = 0; commands[i].aliases[j]; j++)
			if (!strcmp(commands[i].aliases[j], word))
				return &commands[i];
	}
	return NULL;
}

void commands_run(struct app *a, const char *line)
{
	while (*line == ' ' || *line == ':')
		line++;
	char word[64];
	size_t n = strcspn(line, " ");
	if (!n)
		return;
	snprintf(word, sizeof(word), "%.*s", (int)n, line);
	const char *arg = line + n;
	while (*arg == ' ')
		arg++;
	const struct command *c = find_command(word);
	if (c) {
		c->run(a, arg);
		return;
	}
	/* this endpoint's view of that name, else any backend's (the screen then
	 * says this endpoint does not serve it) */
	const struct view *v = views_find_on(a->ep, word);
	if (!v)
		v = views_find(word);
	if (v) {
		/* ":pods @all": that kind from every endpoint, in one table */
		bool all = str_starts(arg, "@all") && (!arg[4] || arg[4] == ' ');
		if (all) {
			arg += 4;
			while (*arg == ' ')
				arg++;
			app_switch_view_all(a, v);
		} else {
			app_switch_view(a, v);
		}
		if (*arg) {
			/* ":ctr web" opens the view already filtered */
			struct frame *f = app_frame(a);
			filter_cleanup(&f->filter);
			filter_init(&f->filter, arg);
		}
		return;
	}
	/* a cluster still finding out what it serves may yet serve it */
	if (awaitview_start(a, word, arg))
		return;
	app_flash(a, NOTE_WARN, "unknown command \"%s\" (press ? for help)", word);
}

static void add(char ***list, size_t *n, const char *s, const char *prefix)
{
	if (strncmp(s, prefix, strlen(prefix)))
		return;
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*list)[i], s))
			return;
	*list = xrealloc(*list, (*n + 2) * sizeof(**list));
	(*list)[(*n)++] = xstrdup(s);
	(*list)[*n] = NULL;
}

char **commands_complete(void *arg, const char *line, size_t word_start)
{
	struct app *a = arg;
	char **out = xcalloc(1, sizeof(*out));
	size_t n = 0;
	const char *word = line + word_start;
	while (*line == ' ')
		line++;
	/* the first word is a command or view; later words are its arguments */
	size_t first_len = strcspn(line, " ");
	bool first = word <= line;
	if (first) {
		for (const struct view *const *v = views_all(); *v; v++)
			for (size_t j = 0; (*v)->aliases[j]; j++)
				add(&out, &n, (*v)->aliases[j], word);
		/* and what this endpoint was found to serve (a cluster's resources) */
		const struct endpoint_catalog *cat = endpoint_catalog(a->ep);
		for (const struct view *const *v = cat ? cat->views : NULL; v && *v; v++)
			for (size_t j = 0; (*v)->aliases && (*v)->aliases[j]; j++)
				add(&out, &n, (*v)->aliases[j], word);
		for (size_t i = 0; i < NCOMMANDS; i++) {
			add(&out, &n, commands[i].name, word);
			for (size_t j = 0; commands[i].aliases[j]; j++)
				add(&out, &n, commands[i].aliases[j], word);
		}
		for (const char *const *c = a->ep->ops->scope ? a->ep->ops->scope->commands : NULL; c && *c; c++)
			add(&out, &n, *c, word);
		return out;
	}
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "%.*s", (int)first_len, line);
	const struct command *c = find_command(cmd);
	if (c && c->run == cmd_scope) {
		const struct backend_scope *scope = a->ep->ops->scope;
		struct rtable *t = scope && scope->kind ? store_find_table(a->ep->store, scope->kind) : NULL;
		add(&out, &n, "all", word);
		for (size_t i = 0; t && i < t->len; i++)
			add(&out, &n, t->rows[i]->id, word);
	} else if (c && c->run == cmd_endpoint) {
		for (size_t i = 0; i < a->session->neps; i++)
			add(&out, &n, a->session->eps[i]->name, word);
	} else if (c && c->run == cmd_sort) {
		const struct view *v = app_frame(a)->view;
		for (int i = 0; i < v->ncolumns; i++) {
			char title[64];
			snprintf(title, sizeof(title), "%s", v->columns[i].title);
			for (char *p = title; *p; p++)
				*p = *p == ' ' ? '_' : (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
			add(&out, &n, title, word);
		}
	}
	return out;
}

/* One line of help for act, when it has a key. */
static void help_line(struct buf *b, enum action act, const char *help)
{
	char keys[64];
	keymap_keys_for(act, keys, sizeof(keys));
	if (keys[0])
		buf_printf(b, "  %-18s %s\n", keys, help ? help : keymap_action_info(act)->help);
}

/* The verb's words here: "delete" for remove on a backend that says so. */
static const char *verb_help(struct app *a, enum action act, char *out, size_t outlen)
{
	const struct action_info *info = keymap_action_info(act);
	const struct backend_action *ba = endpoint_action_find(a->ep, app_frame(a)->view->kind, info->name);
	if (!ba)
		return info->help;
	const char *label = backend_action_label(ba);
	snprintf(out, outlen, "%s%s", label,
		 ba->flags & ACTION_CONFIRM ? " (asks first)" : ba->flags & ACTION_MUTATES ? " (asks first, unless confirm: destructive)" : "");
	if (act == ACT_SHELL || act == ACT_LOGS || act == ACT_SCALE || act == ACT_DRAIN)
		snprintf(out, outlen, "%s", info->help);
	return out;
}

static void viewer_keys(struct buf *b, bool logs)
{
	for (int act = 1; act < ACT_COUNT; act++) {
		if (!keymap_viewer_action((enum action)act))
			continue;
		if (!logs && act != ACT_WRAP && act != ACT_SEARCH_NEXT && act != ACT_SEARCH_PREV)
			continue;
		help_line(b, (enum action)act, NULL);
	}
	help_line(b, ACT_FILTER, "search; n and N go to the next and previous match");
	if (logs) {
		help_line(b, ACT_BOTTOM, "go to the end and follow");
		buf_puts(b, "  0-6                since: 0 the last lines, 1 1m, 2 5m, 3 15m, 4 30m, 5 1h, 6 everything\n");
	} else {
		buf_puts(b, "  h, l               scroll sideways\n");
		help_line(b, ACT_YAML, "switch between YAML and JSON (describe y)");
		help_line(b, ACT_COPY, "copy the text to the clipboard (OSC 52)");
	}
	help_line(b, ACT_UP, "scroll");
	help_line(b, ACT_BACK, "close");
}

void app_viewer_help(struct app *a)
{
	struct buf b;
	buf_init(&b);
	if (a->mode == MODE_PULL) {
		buf_puts(&b, "The pull goes on when this panel is closed; its progress stays in the flash line.\n\n");
		help_line(&b, ACT_BACK, "close the panel");
	} else {
		viewer_keys(&b, a->mode == MODE_LOGS);
	}
	a->dialog_return = a->mode;
	dialog_open(&a->dialog, DIALOG_INFO, a->mode == MODE_LOGS ? "keys of the log viewer" : "keys of the viewer",
		    b.data ? b.data : "", NULL, false, NULL, NULL);
	a->mode = MODE_DIALOG;
	buf_cleanup(&b);
}

void app_show_help(struct app *a)
{
	const struct view *v = app_frame(a)->view;
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "Keys in %s\n\n", v->title);
	for (int act = 1; act < ACT_COUNT; act++) {
		const struct action_info *info = keymap_action_info((enum action)act);
		if (act == ACT_SEARCH_NEXT || act == ACT_SEARCH_PREV || keymap_viewer_action((enum action)act))
			continue;
		/* operator verbs only where this endpoint offers them: none in read-only mode */
		if (!info->global && act != ACT_NEXT_ENDPOINT && !ops_offered(a, (enum action)act) &&
		    !(act == ACT_COPY && ops_selected(a)))
			continue;
		char help[160];
		help_line(&b, (enum action)act, info->verb ? verb_help(a, (enum action)act, help, sizeof(help)) : NULL);
	}
	const struct backend_scope *scope = a->ep->ops->scope;
	if (scope) {
		char favs[512];
		navigate_favourites(a, favs, sizeof(favs));
		buf_printf(&b, "  %-18s %s favourites: %s\n", "0-9", scope->name, favs);
	}
	if (a->ep->readonly)
		buf_printf(&b, "\n  %s is read-only: actions that change anything are not offered.\n", a->ep->name);
	custom_help(a, &b);
	if (ops_offered(a, ACT_LOGS)) {
		buf_puts(&b, "\nIn the log viewer\n\n");
		viewer_keys(&b, true);
	}
	buf_puts(&b, "\nIn the text viewer (describe, YAML, help)\n\n");
	viewer_keys(&b, false);
	buf_puts(&b, "\nCommands (type : then the command; Tab completes, Up recalls)\n\n");
	/* the backend's views, then those the endpoint found (a cluster's resources) */
	const struct endpoint_catalog *cat = endpoint_catalog(a->ep);
	for (int pass = 0; pass < 2; pass++)
		for (const struct view *const *vv = pass ? (cat ? cat->views : NULL) : a->ep->ops->views; vv && *vv;
		     vv++) {
			char names[128] = "";
			for (size_t j = 0; (*vv)->aliases && (*vv)->aliases[j]; j++) {
				strncat(names, j ? ", :" : ":", sizeof(names) - strlen(names) - 1);
				strncat(names, (*vv)->aliases[j], sizeof(names) - strlen(names) - 1);
			}
			buf_printf(&b, "  %-34s show %s\n", names, (*vv)->title);
		}
	buf_printf(&b, "  %-34s %s\n", ":VIEW @all [FILTER]", "that kind from every endpoint serving it, one table");
	if (scope) {
		char names[128] = "", help[200];
		for (const char *const *c = scope->commands; *c; c++) {
			strncat(names, c == scope->commands ? ":" : ", :", sizeof(names) - strlen(names) - 1);
			strncat(names, *c, sizeof(names) - strlen(names) - 1);
		}
		strncat(names, " [NAME|all]", sizeof(names) - strlen(names) - 1);
		snprintf(help, sizeof(help), "switch %s (:%s NAME), every one (:%s all), alone: pick one", scope->name,
			 scope->commands[0], scope->commands[0]);
		buf_printf(&b, "  %-34s %s\n", names, help);
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		char names[128];
		snprintf(names, sizeof(names), ":%s %s", commands[i].name, commands[i].args);
		for (size_t j = 0; commands[i].aliases[j] && strlen(names) < 28; j++) {
			strncat(names, j ? ", :" : " (also :", sizeof(names) - strlen(names) - 1);
			strncat(names, commands[i].aliases[j], sizeof(names) - strlen(names) - 1);
			if (!commands[i].aliases[j + 1] || strlen(names) >= 28)
				strncat(names, ")", sizeof(names) - strlen(names) - 1);
		}
		buf_printf(&b, "  %-34s %s\n", names, commands[i].help);
	}
	buf_puts(&b, "\nFilter (/)\n\n"
		     "  text      rows containing text in any column (case-insensitive)\n"
		     "  regex     a regular expression, e.g. ^web-[0-9]+\n"
		     "  !text     rows NOT matching\n"
		     "  Up        the last filters; Esc keeps the filter there was, Enter keeps the new one\n");
	app_open_text(a, "help");
	textview_set_text(a->text, b.data);
	buf_cleanup(&b);
}
