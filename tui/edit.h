/* edit.h: the edit action, as kubectl edit: the backend's text of the
 * object in the user's editor, applied when saved changed; a refusal of
 * its content opens the editor again with the reasons on top. */
#ifndef BINNACLE_EDIT_H
#define BINNACLE_EDIT_H

#include "tui/app.h"

/* Fetches the selected object's text (the editor opens on a later turn). */
void edit_start(struct app *a, const struct backend_action *act, const struct row *r);
/* Called by the loop outside any callback: runs the editor waiting, if any. */
void edit_run_pending(struct app *a);

#endif
