/* healthcmd.c: `binnacle health` (see healthcmd.h). Every endpoint is asked to
 * follow what its health needs; once each has answered (its lists arrived)
 * or failed, or the timeout passed, the model is built once and printed. */
#include "tui/healthcmd.h"
#include "tui/printrows.h"
#include "views/health.h"

#include <stdio.h>
#include <string.h>

/* An endpoint has said what it has to say: it failed, or everything it
 * lists has arrived (or failed on its own). */
static bool settled(const struct endpoint *ep)
{
	if (ep->error[0])
		return true;
	if (ep->state != EP_READY)
		return false;
	for (const struct rtable *t = ep->store->tables; t; t = t->next)
		if (!t->synced && !t->error[0])
			return false;
	return true;
}

static void wait_settled(struct session *s, int64_t deadline)
{
	for (;;) {
		bool all = true;
		for (size_t i = 0; i < s->neps && all; i++)
			all = settled(s->eps[i]);
		if (all || mono_ms() >= deadline)
			return;
		session_turn(s, 100);
	}
}

static bool extras_pending(const struct session *s)
{
	for (size_t i = 0; i < s->neps; i++)
		if (s->eps[i]->extras_pending)
			return true;
	return false;
}

static void print(const struct health *h, const char *out)
{
	struct model eps, problems;
	model_init(&eps, &health_endpoints_view);
	model_init(&problems, &health_problems_view);
	model_build(&eps, store_find_table(h->store, HEALTH_ENDPOINTS), NULL);
	model_build(&problems, store_find_table(h->store, HEALTH_PROBLEMS), NULL);
	struct printrows pe = {.view = &health_endpoints_view, .models = &eps, .n = 1};
	struct printrows pp = {.view = &health_problems_view, .models = &problems, .n = 1};
	if (!strcmp(out, "json")) {
		bool first = true;
		fputs("{\"endpoints\": [", stdout);
		printrows_json_items(stdout, &pe, &first);
		first = true;
		fputs("\n],\n\"problems\": [", stdout);
		printrows_json_items(stdout, &pp, &first);
		fputs("\n]}\n", stdout);
	} else {
		bool wide = !strcmp(out, "wide");
		printrows_table(stdout, &pe, wide);
		fputs("\n", stdout);
		if (problems.len)
			printrows_table(stdout, &pp, wide);
		else
			fputs("No problems.\n", stdout);
	}
	model_cleanup(&eps);
	model_cleanup(&problems);
}

int healthcmd_run(struct session *s, const struct get_opts *o)
{
	const char *out = o->output ? o->output : "table";
	if (strcmp(out, "table") && strcmp(out, "wide") && strcmp(out, "json")) {
		fprintf(stderr, "binnacle: unknown output format \"%s\" (use table, wide or json)\n", out);
		return 2;
	}
	struct health h;
	health_init(&h, s);
	h.ascii = true; /* scripts and mail get plain text */
	health_watch(&h);
	int64_t deadline = mono_ms() + (o->timeout_ms > 0 ? o->timeout_ms : 15000);
	wait_settled(s, deadline);
	health_refresh(&h);
	/* a first look may send for details (the pods a warning names): once
	 * they are in, look again */
	if (extras_pending(s)) {
		while (extras_pending(s) && mono_ms() < deadline)
			session_turn(s, 100);
		health_refresh(&h);
	}
	print(&h, out);
	bool down;
	size_t n = health_problem_count(&h, &down);
	health_cleanup(&h);
	return n || down ? 1 : 0;
}
