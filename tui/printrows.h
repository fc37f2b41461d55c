/* printrows.h: rows printed once for scripts, as the screen would show them:
 * a plain table (the view's columns, those no row fills left out, an
 * ENDPOINT column first when rows come from several endpoints) or JSON (one
 * object per row: every column as text, plus *_value for numbers and *_unix
 * for times). Server text is sanitised as on screen. */
#ifndef BINNACLE_PRINTROWS_H
#define BINNACLE_PRINTROWS_H

#include <stdio.h>

#include "views/model.h"

/* One set of rows of one view: models[i] came from the endpoint named
 * labels[i]; with labels NULL (or n == 1) there is no ENDPOINT column. */
struct printrows {
	const struct view *view;
	const struct model *models;
	const char *const *labels;
	size_t n;
	bool show_labels;
	int hide_cell; /* a cell left out (the namespace every row shares); 0 = none: cell 0 is the name */
};

void printrows_table(FILE *f, const struct printrows *p, bool wide);
/* The objects only, comma-separated, for a caller that writes the brackets;
 * *first says whether one was written before (and is cleared once one is). */
void printrows_json_items(FILE *f, const struct printrows *p, bool *first);
/* A whole JSON array. */
void printrows_json(FILE *f, const struct printrows *p);

#endif
