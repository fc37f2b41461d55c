/* plugins.h: backends built out of tree as shared objects, loaded at start
 * from $(pkglibdir)/backends and $XDG_DATA_HOME/binnacle/backends. A plugin
 * exports `binnacle_backend`, its const struct backend_ops, built against the
 * installed headers (pkg-config binnacle); one built for another interface
 * version is refused with a sentence and the rest of binnacle runs on. */
#ifndef BINNACLE_PLUGINS_H
#define BINNACLE_PLUGINS_H

#include <stddef.h>

/* The symbol every plugin exports. */
#define BACKEND_PLUGIN_SYMBOL "binnacle_backend"

/* Loads every plugin of the plugin folders. Returns how many were refused;
 * their sentences are kept for plugins_problems(). */
size_t plugins_load(void);
/* The sentences of refused plugins, one per line ("" when none); owned by
 * this module, valid until plugins_unload. */
const char *plugins_problems(void);
/* One line per loaded plugin: "NAME (PATH)"; "" when none. */
const char *plugins_loaded(void);
void plugins_unload(void);

#endif
