/* registry.c: every backend binnacle knows, the compiled-in ones followed by
 * those loaded from plugins, found by name, alias or the kinds they serve. */
#include "backends/backend.h"
#include "views/view.h"

#include <stdio.h>
#include <string.h>

extern const struct backend_ops *const backends_builtin[];

static const struct backend_ops **table;
static size_t ntable;

static void fill_builtin(void)
{
	if (table)
		return;
	while (backends_builtin[ntable])
		ntable++;
	table = xcalloc(ntable + 1, sizeof(*table));
	for (size_t i = 0; i < ntable; i++)
		table[i] = backends_builtin[i];
}

const struct backend_ops *const *backends_all(void)
{
	fill_builtin();
	return table;
}

int backend_register(const struct backend_ops *ops, const char *from, char *err, size_t errlen)
{
	fill_builtin();
	if (ops->abi != BACKEND_ABI_VERSION)
		return set_err(err, errlen,
			       "%s was built for backend interface version %d, but this binnacle speaks version %d: "
			       "rebuild it against this binnacle's headers",
			       from, ops->abi, BACKEND_ABI_VERSION);
	if (!ops->name || !ops->open || !ops->close || !ops->watch || !ops->views || !ops->views[0])
		return set_err(err, errlen, "%s does not declare a name, views and the open, close and watch slots",
			       from);
	const struct backend_ops *clash = backend_find(ops->name);
	for (const char *const *a = ops->aliases; !clash && a && *a; a++)
		clash = backend_find(*a);
	if (clash)
		return set_err(err, errlen, "%s declares a backend named like the %s backend already loaded", from,
			       clash->name);
	table = xrealloc(table, (ntable + 2) * sizeof(*table));
	table[ntable++] = ops;
	table[ntable] = NULL;
	return 0;
}

const struct backend_ops *backend_find(const char *name)
{
	for (const struct backend_ops *const *b = backends_all(); *b; b++) {
		if (!strcmp((*b)->name, name))
			return *b;
		for (const char *const *a = (*b)->aliases; a && *a; a++)
			if (!strcmp(*a, name))
				return *b;
	}
	return NULL;
}

const struct view *backend_view(const struct backend_ops *ops, const char *kind)
{
	for (const struct view *const *v = ops->views; v && *v; v++)
		if (!strcmp((*v)->kind, kind))
			return *v;
	return NULL;
}

bool backend_serves(const struct backend_ops *ops, const char *kind)
{
	return backend_view(ops, kind) != NULL;
}
