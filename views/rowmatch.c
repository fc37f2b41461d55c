/* rowmatch.c: the folded text of a row the plain filter searches (see
 * rowmatch.h), built at most once per change of the row. */
#include "views/rowmatch.h"
#include "views/model_priv.h"
#include "backends/util/util.h"

#include <stdlib.h>
#include <string.h>

struct row_match {
	const struct column *columns; /* the view's columns it was made for */
	int ncolumns;
	bool timed;
	uint64_t gen; /* the row's gen then */
	char text[];
};

bool rowmatch_timed(const struct cell *c)
{
	return c->type == CELL_TIME && c->text && !c->since;
}

/* Whether the filter reads c as its text, unchanged by time (as
 * model_filter_at does for a filter that is no figure). */
static const char *static_text(const struct cell *c, bool *timed)
{
	if (c->type == CELL_TEXT)
		return c->text ? c->text : "";
	if (rowmatch_timed(c)) {
		*timed = true;
		return NULL;
	}
	if (!c->text || c->since || c->type == CELL_NONE)
		return NULL;
	return c->text;
}

static char *fold_into(char *out, const char *s)
{
	for (; *s; s++)
		*out++ = (char)model_fold((unsigned char)*s);
	return out;
}

const char *rowmatch_text(const struct view *v, const struct row *r, bool *timed)
{
	struct row_match *m = r->match;
	if (m && m->gen == r->gen && m->columns == v->columns && m->ncolumns == v->ncolumns) {
		*timed = m->timed;
		return m->text;
	}
	bool t = false;
	size_t len = strlen(r->id) + 1;
	for (int i = 0; i < v->ncolumns; i++) {
		const char *s = static_text(model_row_cell(r, v->columns[i].cell), &t);
		if (s)
			len += strlen(s) + 1;
	}
	free(m);
	m = xmalloc(sizeof(*m) + len);
	char *p = fold_into(m->text, r->id);
	for (int i = 0; i < v->ncolumns; i++) {
		const char *s = static_text(model_row_cell(r, v->columns[i].cell), &t);
		if (s) {
			*p++ = '\n';
			p = fold_into(p, s);
		}
	}
	*p = '\0';
	m->columns = v->columns;
	m->ncolumns = v->ncolumns;
	m->timed = t;
	m->gen = r->gen;
	/* a cache on the row, which is otherwise read-only here: the row's
	 * holders never see it change */
	((struct row *)r)->match = m;
	*timed = t;
	return m->text;
}
