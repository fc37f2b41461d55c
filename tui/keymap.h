/* keymap.h: named actions and the keys bound to them. Defaults are vim-like
 * plus arrows and k9s's keys; the config's `keys:` section rebinds any
 * action. Keys are wide characters, or KEYMAP_FN | a curses KEY_* code for
 * special keys. A key can mean one thing in the tables and another in the
 * viewers (N: sort by name, or the previous match), and several operator
 * verbs can share one (s: shell on a pod, scale on a deployment). */
#ifndef BINNACLE_KEYMAP_H
#define BINNACLE_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/model/config.h"

#define KEYMAP_FN 0x40000000

enum action {
	ACT_NONE,
	ACT_QUIT,
	ACT_HELP,
	ACT_COMMAND,
	ACT_FILTER,
	ACT_BACK,
	ACT_ENTER,
	ACT_UP,
	ACT_DOWN,
	ACT_PAGE_UP,
	ACT_PAGE_DOWN,
	ACT_TOP,
	ACT_BOTTOM,
	ACT_SORT_NEXT,
	ACT_SORT_PREV,
	ACT_SORT_INVERT,
	ACT_WIDE,
	ACT_DESCRIBE,
	ACT_NEXT_ENDPOINT,
	ACT_SEARCH_NEXT,
	ACT_SEARCH_PREV,
	/* operator verbs: their names are the backend actions' names */
	ACT_START,
	ACT_STOP,
	ACT_RESTART,
	ACT_KILL,
	ACT_REMOVE,
	ACT_SHELL,
	ACT_LOGS,
	ACT_PULL,
	ACT_DESCRIBE_JSON,
	/* log viewer */
	ACT_FOLLOW,
	ACT_TIMESTAMPS,
	ACT_WRAP,
	ACT_SAVE,
	ACT_SCALE,
	ACT_CORDON,
	ACT_UNCORDON,
	ACT_DRAIN,
	ACT_EVENTS,
	ACT_PREVIOUS,
	/* k9s's keys and the daily driver's */
	ACT_YAML,
	ACT_EDIT,
	ACT_SET_IMAGE,
	ACT_COPY, /* the clipboard: the row's names, or an image's reference and digest */
	ACT_MARK,
	ACT_SORT_NAME,
	ACT_SORT_AGE,
	ACT_SORT_STATUS,
	ACT_SORT_CPU,
	ACT_SORT_MEM,
	ACT_LAST_VIEW,
	ACT_ALIASES,
	ACT_RETRY,
	ACT_STATS,
	ACT_PRUNE,
	ACT_ROLLBACK,
	ACT_PORT_FORWARD,
	ACT_TRIGGER,
	ACT_SUSPEND,
	ACT_DECODE,
	ACT_ACTIVATE,
	/* what crosses endpoints: rows that name an image */
	ACT_WHERE_RUNS,
	ACT_REGISTRY,
	ACT_COUNT
};

/* Where an action's key works. */
enum key_context {
	KC_ANY,    /* everywhere: moving, quitting, help */
	KC_TABLE,  /* the tables */
	KC_VIEWER, /* the text and log viewers */
};

struct action_info {
	const char *name; /* as written in the config: "quit", "page_down" */
	const char *help; /* one line for the `?` screen */
	bool global;      /* shown in every view's help */
	bool verb;        /* a backend action of the same name */
	enum key_context ctx;
};

const struct action_info *keymap_action_info(enum action a);
/* Actions of the log viewer only (follow, timestamps, wrap, save, previous). */
bool keymap_viewer_action(enum action a);

/* Parses "q", "Q", "ctrl-d", "enter", "esc", "pgdn", "f5", "space"...; -1 if unknown. */
int keymap_parse(const char *name);
/* The display name of a key: "ctrl-d", "PgDn", "q". */
void keymap_name(int key, char *out, size_t outlen);

void keymap_init_defaults(void);
/* Applies the config's keys: section; an unknown action or key name gives
 * "FILE:LINE:COL: ..." in err and leaves the defaults in place. */
int keymap_apply(const struct config *c, char *err, size_t errlen);
/* The action of key in the tables (keymap_lookup_in(key, KC_TABLE)). */
enum action keymap_lookup(int key);
/* The action of key where ctx says. */
enum action keymap_lookup_in(int key, enum key_context ctx);
/* Every action bound to key (verbs can share one), how many. */
size_t keymap_lookup_all(int key, enum action *out, size_t max);
/* The keys bound to a, joined with "," ("j,down"). */
void keymap_keys_for(enum action a, char *out, size_t outlen);

#endif
