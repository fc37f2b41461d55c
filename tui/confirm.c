/* confirm.c: confirmation rules and questions (see confirm.h). */
#include "tui/confirm.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum confirm_kind confirm_required(const struct backend_action *a, bool production, enum confirm_policy policy)
{
	if (!(a->flags & ACTION_MUTATES))
		return CONFIRM_NONE;
	if (production)
		return a->flags & ACTION_CONFIRM ? CONFIRM_TYPE_NAME : CONFIRM_YES_NO;
	if (a->flags & ACTION_CONFIRM)
		return CONFIRM_YES_NO;
	return policy == CONFIRM_POLICY_ALL ? CONFIRM_YES_NO : CONFIRM_NONE;
}

enum confirm_kind confirm_after_input(const struct backend_action *a, bool production, enum confirm_policy policy)
{
	enum confirm_kind k = confirm_required(a, production, policy);
	/* the dialog that took the value named the target and Enter confirmed it */
	if (k == CONFIRM_YES_NO && !production && !(a->flags & ACTION_CONFIRM))
		return CONFIRM_NONE;
	return k;
}

bool confirm_accepts(enum confirm_kind k, const char *answer, const char *name)
{
	switch (k) {
	case CONFIRM_NONE:
		return true;
	case CONFIRM_YES_NO:
		return answer && (!strcasecmp(answer, "y") || !strcasecmp(answer, "yes"));
	case CONFIRM_TYPE_NAME:
		/* exact, case-sensitive: "web" must not confirm "Web" */
		return answer && name && *name && !strcmp(answer, name);
	}
	return false;
}

void confirm_singular(char *out, size_t outlen, const char *kind)
{
	size_t n = strlen(kind);
	if (n > 3 && !strcmp(kind + n - 3, "ies"))
		snprintf(out, outlen, "%.*sy", (int)(n - 3), kind);
	else if (n > 4 && (!strcmp(kind + n - 4, "sses") || !strcmp(kind + n - 4, "ches")))
		snprintf(out, outlen, "%.*s", (int)(n - 2), kind);
	else if (n > 1 && kind[n - 1] == 's')
		snprintf(out, outlen, "%.*s", (int)(n - 1), kind);
	else
		snprintf(out, outlen, "%s", kind);
}

void confirm_question(char *out, size_t outlen, const struct confirm_target *t)
{
	char verb[64], what[96], where[192] = "";
	snprintf(verb, sizeof(verb), "%s", t->verb);
	verb[0] = (char)toupper((unsigned char)verb[0]);
	if (t->count > 1)
		snprintf(what, sizeof(what), "%zu %s", t->count, t->kind);
	else
		confirm_singular(what, sizeof(what), t->kind);
	if (t->scope_name && t->scope && *t->scope)
		snprintf(where, sizeof(where), " in %s %s", t->scope_name, t->scope);
	char value[96] = "";
	/* "to 3" replicas, "with grace=30 ..." options */
	if (t->value && *t->value)
		snprintf(value, sizeof(value), " %s %s", strchr(t->value, '=') ? "with" : "to", t->value);
	if (t->count > 1)
		snprintf(out, outlen, "%s %s%s on %s%s: %s?", verb, what, where, t->endpoint, value, t->name);
	else
		snprintf(out, outlen, "%s %s %s%s on %s%s?", verb, what, t->name, where, t->endpoint, value);
}
