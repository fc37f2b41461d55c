/* audit.h: the audit log of every mutating action, one line each, at
 * $XDG_STATE_HOME/binnacle/audit.log (~/.local/state/binnacle/audit.log):
 * time, endpoint, resource, action, result. It never holds secrets: only
 * names, ids and the engine's one-sentence result. */
#ifndef BINNACLE_AUDIT_H
#define BINNACLE_AUDIT_H

#include <stddef.h>

/* The log's path (owned). */
char *audit_path(void);
/* Appends one record; returns 0, or -1 with a sentence in err. Fields are
 * made single-line and tab-free so every record stays one parsable line. */
int audit_write(const char *endpoint, const char *kind, const char *name, const char *id, const char *action,
		const char *result, char *err, size_t errlen);
/* The same with the value the action was given (scale's replicas), recorded
 * as its own field before the action when there is one. */
int audit_write_value(const char *endpoint, const char *kind, const char *name, const char *id, const char *value,
		      const char *action, const char *result, char *err, size_t errlen);

#endif
