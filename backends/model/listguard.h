/* listguard.h: a list that does not answer makes the rows it would replace
 * stale, the same way for every backend. A list call (a Kubernetes list
 * page, an ECS List or Describe call, a registry's catalog or tag list)
 * that the server has accepted and not answered has no error to show until
 * its request times out (30 s, 60 s), and meanwhile the rows it would
 * replace look live. So the backend tells its guard when each list call
 * goes out and when it is back; one still out LIVENESS_LIST_SLOW_MS (15 s,
 * liveness.h) later is reported to the backend, once, with the sentence
 * "<who> has not answered <what> for 15 s", and the backend marks the
 * tables that call feeds (listguard_mark). The mark stays until the
 * backend's list answers and clears the table's error, as any other.
 *
 *	listguard_init(&g, "the ECS API", on_slow, owner);
 *	listguard_out(&g, &call->lg, call, "ListTasks of cluster %s", name);
 *	listguard_back(&call->lg);      answered, failed, cancelled or freed
 *	listguard_cleanup(&g);          after every call is back
 */
#ifndef BINNACLE_LISTGUARD_H
#define BINNACLE_LISTGUARD_H

#include <stdbool.h>
#include <stdint.h>

struct listguard;
struct rtable;
struct store;
struct timer;

/* The guard's report: ctx is the one given to listguard_out, why the sentence. */
typedef void (*listguard_fn)(void *owner, void *ctx, const char *why);

/* One list call, embedded in the backend's own call (zeroed: not out). */
struct listguard_call {
	struct listguard *g;  /* the guard it is out with; NULL when back */
	void *ctx;
	int64_t since;        /* mono_ms() it went out */
	bool told;
	char what[160];
	struct listguard_call *next;
};

struct listguard {
	char who[96];
	int64_t slow_ms;      /* LIVENESS_LIST_SLOW_MS, as this run uses it (liveness_time) */
	listguard_fn slow;
	void *owner;
	struct timer *timer;
	struct listguard_call *out;
};

void listguard_init(struct listguard *g, const char *who, listguard_fn slow, void *owner);
/* Calls still out are forgotten (not reported). */
void listguard_cleanup(struct listguard *g);
/* Who answers, as sentences name it (a registry's host once it is known). */
void listguard_who(struct listguard *g, const char *who);
/* The call went out (again: the count starts over), what it asks for in
 * words ("the list of pods"). */
void listguard_out(struct listguard *g, struct listguard_call *c, void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* It is back, or given up; a call that is not out is fine. */
void listguard_back(struct listguard_call *c);
/* The rows of t shown stale with why, when t was listed before (an empty
 * table that was never listed has nothing stale to show). NULL t is fine. */
void listguard_mark(struct store *s, struct rtable *t, const char *why);

#endif
