/* custom.h: the user's own commands from the configuration (`commands:`),
 * as k9s plugins and lazydocker custom commands are: a key, the kinds it
 * is for, a shell command line that finds the selected row in its
 * environment ($NAME, $NAMESPACE, $ENDPOINT, $CONTEXT, $KIND, $ID, $IMAGE
 * and every column by its title), run in the terminal or in the background
 * with its output in the viewer, asked first when it says so, and left
 * out in read-only mode when it changes things. */
#ifndef BINNACLE_CUSTOM_H
#define BINNACLE_CUSTOM_H

#include <stdbool.h>

#include "backends/util/util.h"

struct app;
struct config;

/* Takes the configured commands; -1 with "FILE:LINE:COL: ..." in err for a
 * key that is not a key name (the others are still taken). */
int custom_init(const struct config *c, char *err, size_t errlen);
/* Runs the command on key for the selected row; false when none applies here. */
bool custom_key(struct app *a, int key);
/* The commands this view offers, as lines for `?`. */
void custom_help(struct app *a, struct buf *b);

#endif
