/* views.c: finding views by kind or command-mode alias. Views belong to the
 * backends that declare them; this only walks what every backend declares,
 * so a backend added (or loaded as a plugin) brings its views along. */
#include "views/view.h"
#include "backends/backend.h"

#include <stdlib.h>
#include <string.h>

static bool view_named(const struct view *v, const char *name)
{
	if (!strcmp(v->kind, name))
		return true;
	for (size_t j = 0; v->aliases && v->aliases[j]; j++)
		if (!strcmp(v->aliases[j], name))
			return true;
	return false;
}

const struct view *const *views_all(void)
{
	static const struct view **all;
	static size_t nbackends = (size_t)-1;
	size_t nb = 0;
	const struct backend_ops *const *b = backends_all();
	while (b[nb])
		nb++;
	if (nb == nbackends)
		return all;
	/* plugins were loaded since: collect again, shared views once */
	size_t n = 0;
	free(all);
	all = NULL;
	for (size_t i = 0; i < nb; i++)
		for (const struct view *const *v = b[i]->views; v && *v; v++) {
			bool seen = false;
			for (size_t k = 0; k < n && !seen; k++)
				seen = all[k] == *v;
			if (seen)
				continue;
			all = xrealloc(all, (n + 2) * sizeof(*all));
			all[n++] = *v;
		}
	if (!all)
		all = xcalloc(1, sizeof(*all));
	all[n] = NULL;
	nbackends = nb;
	return all;
}

const struct view *views_find(const char *name)
{
	for (const struct view *const *v = views_all(); *v; v++)
		if (view_named(*v, name))
			return *v;
	return NULL;
}

const struct view *views_find_for(const struct backend_ops *ops, const char *name)
{
	for (const struct view *const *v = ops->views; v && *v; v++)
		if (view_named(*v, name))
			return *v;
	return NULL;
}
