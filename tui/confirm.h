/* confirm.h: the rules for asking before an action runs, and the question.
 * By default every changing action asks yes/no, naming the target's kind,
 * namespace and endpoint (`confirm: destructive` in the configuration asks
 * only for the destructive ones: delete, kill, drain). On an endpoint
 * marked production every changing action asks, and destructive ones need
 * the resource's name typed. A value typed for the action (scale's
 * replicas) was the question already, except on production. */
#ifndef BINNACLE_CONFIRM_H
#define BINNACLE_CONFIRM_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/backend.h"
#include "backends/model/config.h"

enum confirm_kind {
	CONFIRM_NONE,      /* runs at once */
	CONFIRM_YES_NO,    /* y/yes confirms, anything else cancels */
	CONFIRM_TYPE_NAME, /* the resource's exact name must be typed */
};

enum confirm_kind confirm_required(const struct backend_action *a, bool production, enum confirm_policy policy);
/* The same after the action's value was typed in a dialog that named the target. */
enum confirm_kind confirm_after_input(const struct backend_action *a, bool production, enum confirm_policy policy);
/* Whether answer confirms (name: the resource's name for CONFIRM_TYPE_NAME). */
bool confirm_accepts(enum confirm_kind k, const char *answer, const char *name);

/* What an action is about, for the question. */
struct confirm_target {
	const char *verb;       /* "restart", "delete" */
	const char *kind;       /* the view's kind, plural: "deployments" */
	const char *name;       /* "web"; for several rows, their names comma-separated */
	size_t count;           /* rows (1 for one) */
	const char *scope_name; /* "namespace"; NULL when the kind has none */
	const char *scope;      /* "shop"; NULL when unknown */
	const char *endpoint;   /* "lab" */
	const char *value;      /* the value typed (scale: "3"), or NULL */
};

/* "Restart deployment web in namespace shop on lab?" or, for several rows,
 * "Delete 3 pods in namespace shop on lab: a, b, c?" */
void confirm_question(char *out, size_t outlen, const struct confirm_target *t);
/* A kind's singular for sentences: "deployments" -> "deployment". */
void confirm_singular(char *out, size_t outlen, const char *kind);

#endif
