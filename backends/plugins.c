/* plugins.c: loading backend plugins (see plugins.h). Each folder is read in
 * name order so the same plugins load the same way every time; a plugin that
 * cannot be opened, lacks the symbol or is refused by the registry leaves a
 * sentence and is closed again. */
#include "backends/plugins.h"
#include "backends/backend.h"
#include "backends/util/log.h"
#include "backends/util/util.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PLUGIN_DIR
#define PLUGIN_DIR "/usr/local/lib/binnacle/backends"
#endif

static void **handles;
static size_t nhandles;
static struct buf problems, loaded;

static void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void problem(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	buf_printf(&problems, "%s%s", problems.len ? "\n" : "", s);
	log_msg("plugin: %s", s);
	free(s);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static size_t load_one(const char *path)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		problem("cannot load the plugin %s: %s", path, dlerror());
		return 1;
	}
	const struct backend_ops *ops = dlsym(h, BACKEND_PLUGIN_SYMBOL);
	char err[ERRLEN];
	if (!ops) {
		problem("%s is not a binnacle backend plugin (it exports no %s)", path, BACKEND_PLUGIN_SYMBOL);
	} else if (backend_register(ops, path, err, sizeof(err)) < 0) {
		problem("%s", err);
	} else {
		handles = xrealloc(handles, (nhandles + 1) * sizeof(*handles));
		handles[nhandles++] = h;
		buf_printf(&loaded, "%s%s (%s)", loaded.len ? "\n" : "", ops->name, path);
		log_msg("plugin: loaded backend %s from %s", ops->name, path);
		return 0;
	}
	dlclose(h);
	return 1;
}

static size_t load_dir(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, by_name);
	size_t refused = 0;
	for (int i = 0; i < n; i++) {
		if (str_ends(names[i]->d_name, ".so")) {
			char *path = xasprintf("%s/%s", dir, names[i]->d_name);
			refused += load_one(path);
			free(path);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return refused;
}

size_t plugins_load(void)
{
	size_t refused = load_dir(PLUGIN_DIR);
	const char *data = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	char *user = data && *data ? xasprintf("%s/binnacle/backends", data)
		     : home	       ? xasprintf("%s/.local/share/binnacle/backends", home)
				       : NULL;
	if (user && strcmp(user, PLUGIN_DIR))
		refused += load_dir(user);
	free(user);
	return refused;
}

const char *plugins_problems(void)
{
	return problems.data ? problems.data : "";
}

const char *plugins_loaded(void)
{
	return loaded.data ? loaded.data : "";
}

void plugins_unload(void)
{
	for (size_t i = 0; i < nhandles; i++)
		dlclose(handles[i]);
	free(handles);
	handles = NULL;
	nhandles = 0;
	buf_cleanup(&problems);
	buf_cleanup(&loaded);
}
