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

#define T KC_TABLE
#define V KC_VIEWER
static const struct action_info infos[ACT_COUNT] = {
	[ACT_NONE] = {"none", "", false},
	[ACT_QUIT] = {"quit", "quit binnacle", true},
	[ACT_HELP] = {"help", "show the keys of this view", true},
	[ACT_COMMAND] = {"command", "command mode (:pods, :ns NAME, :ctx NAME, :q)", true, .ctx = T},
	[ACT_FILTER] = {"filter", "filter rows (search in a viewer): text, regex, !inverted; Up recalls the last", true},
	[ACT_BACK] = {"back", "go back / clear the marks, then the filter", true},
	[ACT_ENTER] = {"enter", "drill down into the selected row", true},
	[ACT_UP] = {"up", "move up", true},
	[ACT_DOWN] = {"down", "move down", true},
	[ACT_PAGE_UP] = {"page_up", "page up", true},
	[ACT_PAGE_DOWN] = {"page_down", "page down", true},
	[ACT_TOP] = {"top", "first row", true},
	[ACT_BOTTOM] = {"bottom", "last row", true},
	[ACT_SORT_NEXT] = {"sort_next", "sort by the next column", true, .ctx = T},
	[ACT_SORT_PREV] = {"sort_prev", "sort by the previous column", true, .ctx = T},
	[ACT_SORT_INVERT] = {"sort_invert", "reverse the sort order", true, .ctx = T},
	[ACT_WIDE] = {"wide", "show or hide the wide columns", true, .ctx = T},
	[ACT_DESCRIBE] = {"describe", "describe the selected object (like kubectl describe)", false, .ctx = T},
	[ACT_NEXT_ENDPOINT] = {"next_endpoint", "switch to the next endpoint", true, .ctx = T},
	[ACT_SEARCH_NEXT] = {"search_next", "next search match", false, .ctx = V},
	[ACT_SEARCH_PREV] = {"search_prev", "previous search match", false, .ctx = V},
	[ACT_START] = {"start", "start", false, true, T},
	[ACT_STOP] = {"stop", "stop", false, true, T},
	[ACT_RESTART] = {"restart", "restart", false, true, T},
	[ACT_KILL] = {"kill", "kill the container", false, true, T},
	[ACT_REMOVE] = {"remove", "delete / remove", false, true, T},
	[ACT_SHELL] = {"shell", "open a shell inside (exit it to come back; Enter ~ . to cut it)", false, true, T},
	[ACT_LOGS] = {"logs", "follow the logs", false, false, T},
	[ACT_PULL] = {"pull", "pull an image by reference", false, true, T},
	[ACT_DESCRIBE_JSON] = {"describe_json", "the selected object as JSON", false, .ctx = T},
	[ACT_FOLLOW] = {"follow", "follow new lines", false, .ctx = V},
	[ACT_TIMESTAMPS] = {"timestamps", "show or hide timestamps", false, .ctx = V},
	[ACT_WRAP] = {"wrap", "wrap long lines", false, .ctx = V},
	[ACT_SAVE] = {"save", "save the lines to a file", false, .ctx = V},
	[ACT_SCALE] = {"scale", "scale: set the number of replicas", false, true, T},
	[ACT_CORDON] = {"cordon", "cordon the node (no new pods)", false, true, T},
	[ACT_UNCORDON] = {"uncordon", "uncordon the node", false, true, T},
	[ACT_DRAIN] = {"drain", "drain the node through evictions (asks its options)", false, true, T},
	[ACT_EVENTS] = {"events", "the events of the selected object", false, .ctx = T},
	[ACT_PREVIOUS] = {"previous", "the previous instance's logs (after a crash)", false, .ctx = V},
	[ACT_YAML] = {"yaml", "the selected object as YAML (y again: JSON)", false, .ctx = T},
	[ACT_EDIT] = {"edit", "edit the selected object", false, true, T},
	[ACT_COPY] = {"copy", "copy the name, namespace/name, image (pinned, digest) or YAML (OSC 52)", false, .ctx = T},
	[ACT_MARK] = {"mark", "mark or unmark the row: actions then apply to every marked row", true, .ctx = T},
	[ACT_SORT_NAME] = {"sort_name", "sort by name (again: reverse)", true, .ctx = T},
	[ACT_SORT_AGE] = {"sort_age", "sort by age", true, .ctx = T},
	[ACT_SORT_STATUS] = {"sort_status", "sort by status", true, .ctx = T},
	[ACT_SORT_CPU] = {"sort_cpu", "sort by CPU", true, .ctx = T},
	[ACT_SORT_MEM] = {"sort_mem", "sort by memory", true, .ctx = T},
	[ACT_LAST_VIEW] = {"last_view", "back to the previous view", true, .ctx = T},
	[ACT_ALIASES] = {"aliases", "every view and its aliases (Enter opens one)", true, .ctx = T},
	[ACT_RETRY] = {"retry", "retry now: a stale endpoint, or a view whose list failed, is asked again at once", true, .ctx = T},
	[ACT_STATS] = {"stats", "CPU and memory history of the selected row", false, .ctx = T},
	[ACT_PRUNE] = {"prune", "remove what is unused (shows what would go first)", false, true, T},
	[ACT_ROLLBACK] = {"rollback", "roll back to the previous revision (asks first)", false, true, T},
	[ACT_SET_IMAGE] = {"set_image", "set a container's image (CONTAINER=IMAGE)", false, true, T},
	[ACT_PORT_FORWARD] = {"port_forward", "forward a port to this machine's loopback", false, true, T},
	[ACT_TRIGGER] = {"trigger", "run a job of the cronjob now", false, true, T},
	[ACT_SUSPEND] = {"suspend", "suspend the cronjob, or resume it", false, true, T},
	[ACT_DECODE] = {"decode", "show the secret's values decoded", false, true, T},
	[ACT_ACTIVATE] = {"activate", "make the machine take work again (after a drain)", false, true, T},
	[ACT_WHERE_RUNS] = {"where_runs", "where this image runs: its containers and pods on every endpoint", false, .ctx = T},
	[ACT_REGISTRY] = {"registry_tags", "the tags of this image's repository in its registry", false, .ctx = T},
};
#undef T
#undef V

#define MAXB 128
struct binding {
	int key;
	enum action act;
};
static struct binding binds[MAXB];
static size_t nbinds;

bool keymap_viewer_action(enum action a)
{
	return a < ACT_COUNT && infos[a].ctx == KC_VIEWER;
}

/* Two actions may share a key when no screen offers both. */
static bool contexts_meet(enum action a, enum action b)
{
	return infos[a].ctx == KC_ANY || infos[b].ctx == KC_ANY || infos[a].ctx == infos[b].ctx;
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

/* Verbs, and the row actions that stand back for them (c: cordon on a
 * node, copy elsewhere), can share a key. */
static bool shares(enum action a)
{
	return infos[a].verb || a == ACT_COPY;
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
		if (contexts_meet(binds[i].act, a) && (!shares(binds[i].act) || !shares(a))) {
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
	bind('w', ACT_WRAP);
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
	bind('y', ACT_YAML);
	bind('f', ACT_FOLLOW);
	bind('t', ACT_TIMESTAMPS);
	bind('S', ACT_SAVE);
	bind('s', ACT_SCALE);
	bind('c', ACT_CORDON);
	bind('u', ACT_UNCORDON);
	bind('x', ACT_DRAIN);
	bind('E', ACT_EVENTS);
	bind('P', ACT_PREVIOUS);
	bind('e', ACT_EDIT);
	bind('I', ACT_SET_IMAGE);
	bind('c', ACT_COPY);
	bind(' ', ACT_MARK);
	bind('N', ACT_SORT_NAME);
	bind('A', ACT_SORT_AGE);
	bind('S', ACT_SORT_STATUS);
	bind('C', ACT_SORT_CPU);
	bind('M', ACT_SORT_MEM);
	bind('-', ACT_LAST_VIEW);
	bind(1, ACT_ALIASES); /* ctrl-a, as in k9s */
	bind(18, ACT_RETRY);  /* ctrl-r */
	bind('t', ACT_STATS);
	bind('P', ACT_PRUNE);
	/* verbs of particular views: ECS, Kubernetes workloads and cronjobs, secrets, registries */
	bind('R', ACT_ROLLBACK);
	bind('u', ACT_ROLLBACK); /* as well: u undoes */
	bind('F', ACT_PORT_FORWARD);
	bind('J', ACT_TRIGGER); /* a Job now (T is the registry's tags) */
	bind('s', ACT_SUSPEND);
	bind('x', ACT_DECODE);
	bind('u', ACT_ACTIVATE);
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
		if (binds[i].key == key && infos[binds[i].act].ctx != KC_VIEWER)
			out[n++] = binds[i].act;
	return n;
}

enum action keymap_lookup_in(int key, enum key_context ctx)
{
	for (size_t i = 0; i < nbinds; i++)
		if (binds[i].key == key && (infos[binds[i].act].ctx == KC_ANY || infos[binds[i].act].ctx == ctx))
			return binds[i].act;
	return ACT_NONE;
}

enum action keymap_lookup(int key)
{
	return keymap_lookup_in(key, KC_TABLE);
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
