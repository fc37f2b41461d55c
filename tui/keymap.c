/* keymap.c: key names, default bindings and config rebinding (see keymap.h). */
#define _XOPEN_SOURCE_EXTENDED 1
#include "tui/keymap.h"

#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <strings.h>
#include <wchar.h>
#include <wctype.h>

static const struct action_info infos[ACT_COUNT] = {
	[ACT_NONE] = {"none", "", false},
	[ACT_QUIT] = {"quit", "quit binnacle", true},
	[ACT_HELP] = {"help", "show the keys of this view", true},
	[ACT_COMMAND] = {"command", "command mode (:containers, :images, :nodes, :q)", true},
	[ACT_FILTER] = {"filter", "filter rows: text, regex, !inverted", true},
	[ACT_BACK] = {"back", "go back / clear the filter", true},
	[ACT_ENTER] = {"enter", "drill down into the selected row", true},
	[ACT_UP] = {"up", "move up", true},
	[ACT_DOWN] = {"down", "move down", true},
	[ACT_PAGE_UP] = {"page_up", "page up", true},
	[ACT_PAGE_DOWN] = {"page_down", "page down", true},
	[ACT_TOP] = {"top", "first row", true},
	[ACT_BOTTOM] = {"bottom", "last row", true},
	[ACT_SORT_NEXT] = {"sort_next", "sort by the next column", true},
	[ACT_SORT_PREV] = {"sort_prev", "sort by the previous column", true},
	[ACT_SORT_INVERT] = {"sort_invert", "reverse the sort order", true},
	[ACT_WIDE] = {"wide", "show or hide the wide columns", true},
	[ACT_DESCRIBE] = {"describe", "describe the selected object as YAML", false},
	[ACT_NEXT_ENDPOINT] = {"next_endpoint", "switch to the next endpoint", true},
	[ACT_SEARCH_NEXT] = {"search_next", "next search match (text viewer)", false},
	[ACT_SEARCH_PREV] = {"search_prev", "previous search match (text viewer)", false},
	[ACT_START] = {"start", "start the container", false, true},
	[ACT_STOP] = {"stop", "stop the container", false, true},
	[ACT_RESTART] = {"restart", "restart", false, true},
	[ACT_KILL] = {"kill", "kill the container (asks first)", false, true},
	[ACT_REMOVE] = {"remove", "remove (asks first)", false, true},
	[ACT_SHELL] = {"shell", "open a shell inside (exit it to come back; Enter ~ . to cut it)", false, true},
	[ACT_LOGS] = {"logs", "follow the logs", false, false},
	[ACT_PULL] = {"pull", "pull an image by reference", false, true},
	[ACT_DESCRIBE_JSON] = {"describe_json", "describe as JSON", false},
	[ACT_FOLLOW] = {"follow", "follow new lines (log viewer)", false},
	[ACT_TIMESTAMPS] = {"timestamps", "show or hide timestamps (log viewer)", false},
	[ACT_WRAP] = {"wrap", "wrap long lines (text and log viewer)", false},
	[ACT_SAVE] = {"save", "save the lines to a file (log viewer)", false},
	[ACT_SCALE] = {"scale", "scale: set the number of replicas", false, true},
	[ACT_CORDON] = {"cordon", "cordon the node (no new pods)", false, true},
	[ACT_UNCORDON] = {"uncordon", "uncordon the node", false, true},
	[ACT_DRAIN] = {"drain", "drain the node through evictions (asks first)", false, true},
	[ACT_EVENTS] = {"events", "the events of the selected object", false},
	[ACT_PREVIOUS] = {"previous", "logs of the previous instance (log viewer)", false},
	[ACT_EDIT] = {"edit", "edit the object in $EDITOR (YAML)", false, true},
	[ACT_SET_IMAGE] = {"set_image", "set a container's image (CONTAINER=IMAGE)", false, true},
	[ACT_RETRY] = {"retry", "try the endpoint again now instead of waiting for its next retry", true},
	[ACT_ROLLBACK] = {"rollback", "roll back to a previous revision (asks first)", false, true},
	[ACT_PORT_FORWARD] = {"port_forward", "forward a port to this machine's loopback", false, true},
	[ACT_TRIGGER] = {"trigger", "run a job of the cronjob now", false, true},
	[ACT_SUSPEND] = {"suspend", "suspend the cronjob, or resume it", false, true},
	[ACT_DECODE] = {"decode", "show the secret's values decoded", false, true},
	[ACT_ACTIVATE] = {"activate", "make the machine take work again (after a drain)", false, true},
	[ACT_COPY] = {"copy", "copy the name, image reference or digest to the clipboard (OSC 52)", false},
	[ACT_WHERE_RUNS] = {"where_runs", "where this image runs: its containers and pods on every endpoint", false},
	[ACT_REGISTRY] = {"registry_tags", "the tags of this image's repository in its registry", false},
};

#define MAXB 128
struct binding {
	int key;
	enum action act;
};
static struct binding binds[MAXB];
static size_t nbinds;

bool keymap_viewer_action(enum action a)
{
	return a == ACT_FOLLOW || a == ACT_TIMESTAMPS || a == ACT_WRAP || a == ACT_SAVE || a == ACT_PREVIOUS;
}

const struct action_info *keymap_action_info(enum action a)
{
	return &infos[a < ACT_COUNT ? a : ACT_NONE];
}

static const struct {
	const char *name;
	int key;
} specials[] = {
	{"enter", '\n'},       {"return", '\n'},      {"esc", 27},
	{"escape", 27},        {"tab", '\t'},         {"space", ' '},
	{"backspace", KEYMAP_FN | KEY_BACKSPACE},     {"up", KEYMAP_FN | KEY_UP},
	{"down", KEYMAP_FN | KEY_DOWN},               {"left", KEYMAP_FN | KEY_LEFT},
	{"right", KEYMAP_FN | KEY_RIGHT},             {"pgup", KEYMAP_FN | KEY_PPAGE},
	{"pageup", KEYMAP_FN | KEY_PPAGE},            {"pgdn", KEYMAP_FN | KEY_NPAGE},
	{"pagedown", KEYMAP_FN | KEY_NPAGE},          {"home", KEYMAP_FN | KEY_HOME},
	{"end", KEYMAP_FN | KEY_END},                 {"delete", KEYMAP_FN | KEY_DC},
	{"insert", KEYMAP_FN | KEY_IC},               {"btab", KEYMAP_FN | KEY_BTAB},
};

int keymap_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(specials) / sizeof(specials[0]); i++)
		if (!strcasecmp(name, specials[i].name))
			return specials[i].key;
	if (!strncasecmp(name, "ctrl-", 5) && strlen(name) == 6 && isalpha((unsigned char)name[5]))
		return tolower((unsigned char)name[5]) - 'a' + 1;
	if ((name[0] == 'f' || name[0] == 'F') && isdigit((unsigned char)name[1])) {
		int n = atoi(name + 1);
		if (n >= 1 && n <= 12)
			return KEYMAP_FN | KEY_F(n);
	}
	wchar_t wc;
	mbstate_t st = {0};
	size_t n = mbrtowc(&wc, name, strlen(name), &st);
	if (n != (size_t)-1 && n != (size_t)-2 && n > 0 && name[n] == '\0' && iswprint((wint_t)wc))
		return (int)wc;
	return -1;
}

void keymap_name(int key, char *out, size_t outlen)
{
	for (size_t i = 0; i < sizeof(specials) / sizeof(specials[0]); i++)
		if (specials[i].key == key) {
			snprintf(out, outlen, "%s", specials[i].name);
			return;
		}
	if (key & KEYMAP_FN) {
		int code = key & ~KEYMAP_FN;
		if (code >= KEY_F(1) && code <= KEY_F(12))
			snprintf(out, outlen, "f%d", code - KEY_F0);
		else
			snprintf(out, outlen, "key%d", code);
	} else if (key > 0 && key < 27) {
		snprintf(out, outlen, "ctrl-%c", 'a' + key - 1);
	} else {
		char mb[8] = "";
		mbstate_t st = {0};
		size_t n = wcrtomb(mb, (wchar_t)key, &st);
		snprintf(out, outlen, "%.*s", n == (size_t)-1 ? 0 : (int)n, mb);
	}
}

/* A key can carry several operator verbs ('s': shell for pods, scale for
 * deployments); the view's kind decides which one applies. Other actions
 * own their key alone. */
static void bind(int key, enum action a)
{
	for (size_t i = 0; i < nbinds; i++) {
		if (binds[i].key != key)
			continue;
		if (binds[i].act == a)
			return;
		if (!infos[binds[i].act].verb || !infos[a].verb) {
			binds[i].act = a;
			return;
		}
	}
	if (nbinds < MAXB)
		binds[nbinds++] = (struct binding){key, a};
}

void keymap_init_defaults(void)
{
	nbinds = 0;
	bind('q', ACT_QUIT);
	bind(3, ACT_QUIT); /* ctrl-c */
	bind('?', ACT_HELP);
	bind(':', ACT_COMMAND);
	bind('/', ACT_FILTER);
	bind(27, ACT_BACK);
	bind('\n', ACT_ENTER);
	bind('\r', ACT_ENTER);
	bind(KEYMAP_FN | KEY_ENTER, ACT_ENTER);
	bind('k', ACT_UP);
	bind(KEYMAP_FN | KEY_UP, ACT_UP);
	bind('j', ACT_DOWN);
	bind(KEYMAP_FN | KEY_DOWN, ACT_DOWN);
	bind(KEYMAP_FN | KEY_PPAGE, ACT_PAGE_UP);
	bind(2, ACT_PAGE_UP); /* ctrl-b */
	bind(KEYMAP_FN | KEY_NPAGE, ACT_PAGE_DOWN);
	bind(6, ACT_PAGE_DOWN); /* ctrl-f */
	bind('g', ACT_TOP);
	bind(KEYMAP_FN | KEY_HOME, ACT_TOP);
	bind('G', ACT_BOTTOM);
	bind(KEYMAP_FN | KEY_END, ACT_BOTTOM);
	bind('>', ACT_SORT_NEXT);
	bind('<', ACT_SORT_PREV);
	bind('i', ACT_SORT_INVERT);
	bind('w', ACT_WIDE);
	bind('d', ACT_DESCRIBE);
	bind('\t', ACT_NEXT_ENDPOINT);
	bind('n', ACT_SEARCH_NEXT);
	bind('N', ACT_SEARCH_PREV);
	bind('u', ACT_START);
	bind('x', ACT_STOP);
	bind('r', ACT_RESTART);
	bind(11, ACT_KILL);   /* ctrl-k, as in k9s */
	bind(4, ACT_REMOVE);  /* ctrl-d, as in k9s */
	bind('s', ACT_SHELL);
	bind('l', ACT_LOGS);
	bind('p', ACT_PULL);
	bind('y', ACT_DESCRIBE_JSON);
	bind('f', ACT_FOLLOW);
	bind('t', ACT_TIMESTAMPS);
	bind('W', ACT_WRAP);
	bind('S', ACT_SAVE);
	bind('s', ACT_SCALE);
	bind('c', ACT_CORDON);
	bind('u', ACT_UNCORDON);
	bind('x', ACT_DRAIN);
	bind('e', ACT_EVENTS);
	bind('P', ACT_PREVIOUS);
	bind('E', ACT_EDIT);
	bind('I', ACT_SET_IMAGE);
	bind(18, ACT_RETRY);  /* ctrl-r, as k9s reloads; R is a view's verb (roll back) */
	bind('R', ACT_ROLLBACK);
	bind('u', ACT_ROLLBACK); /* as well: u undoes */
	bind('F', ACT_PORT_FORWARD);
	bind('J', ACT_TRIGGER); /* a Job now (T is the registry's tags) */
	bind('s', ACT_SUSPEND);
	bind('x', ACT_DECODE);
	bind('u', ACT_ACTIVATE);
	bind('C', ACT_COPY);
	bind('U', ACT_WHERE_RUNS);
	bind('T', ACT_REGISTRY);
}

int keymap_apply(const struct config *c, char *err, size_t errlen)
{
	for (size_t i = 0; i < c->nkeys; i++) {
		const struct keybind *kb = &c->keys[i];
		enum action a = ACT_NONE;
		for (int j = 1; j < ACT_COUNT; j++)
			if (!strcmp(infos[j].name, kb->action))
				a = (enum action)j;
		if (a == ACT_NONE)
			return set_err(err, errlen, "%s:%d:%d: unknown action \"%s\" in keys", c->path ? c->path : "config",
				       kb->line, kb->col, kb->action);
		int key = keymap_parse(kb->key);
		if (key < 0)
			return set_err(err, errlen, "%s:%d:%d: \"%s\" is not a key name (examples: q, ctrl-d, f5, pgdn)",
				       c->path ? c->path : "config", kb->line, kb->col, kb->key);
		bind(key, a);
	}
	return 0;
}

size_t keymap_lookup_all(int key, enum action *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < nbinds && n < max; i++)
		if (binds[i].key == key)
			out[n++] = binds[i].act;
	return n;
}

enum action keymap_lookup(int key)
{
	for (size_t i = 0; i < nbinds; i++)
		if (binds[i].key == key)
			return binds[i].act;
	return ACT_NONE;
}

void keymap_keys_for(enum action a, char *out, size_t outlen)
{
	out[0] = '\0';
	for (size_t i = 0; i < nbinds; i++) {
		if (binds[i].act != a || binds[i].key == '\r' || binds[i].key == (KEYMAP_FN | KEY_ENTER))
			continue;
		char name[32];
		keymap_name(binds[i].key, name, sizeof(name));
		if (out[0])
			strncat(out, ",", outlen - strlen(out) - 1);
		strncat(out, name, outlen - strlen(out) - 1);
	}
}
