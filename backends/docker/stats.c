/* stats.c: CPU and memory of the containers on screen, the way `docker
 * stats` figures them, fetched every refresh interval for the visible
 * running rows only; and the recent history of each, for the stats panel
 * (the history slot): a small ring per container, kept while it is shown. */
#include "backends/docker/internal.h"
#include "backends/model/kinds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATS_MAX_ROWS 64

static struct stats_slot *sample_for(struct docker *d, const char *id)
{
	for (size_t i = 0; i < d->nsamples; i++)
		if (!strcmp(d->samples[i].id, id))
			return &d->samples[i];
	if (d->nsamples >= STATS_MAX_ROWS * 2) /* forget them all: the rows on screen come back soon */
		d->nsamples = 0;
	d->samples = xrealloc(d->samples, (d->nsamples + 1) * sizeof(*d->samples));
	struct stats_slot *s = &d->samples[d->nsamples++];
	memset(s, 0, sizeof(*s));
	snprintf(s->id, sizeof(s->id), "%s", id);
	return s;
}

static void remember(struct stats_slot *slot, int64_t cpu, int64_t mem, int64_t limit)
{
	struct figure_sample *f = &slot->hist[(slot->hstart + slot->hn) % DOCKER_HISTORY];
	if (slot->hn == DOCKER_HISTORY)
		slot->hstart = (slot->hstart + 1) % DOCKER_HISTORY;
	else
		slot->hn++;
	*f = (struct figure_sample){.at = wall_s(), .cpu = cpu, .mem = mem, .mem_limit = limit > 0 ? limit : 0};
}

static void on_stats(void *arg, const struct http_result *res)
{
	struct call *c = arg;
	struct docker *d = c->d;
	if (d->stats_pending)
		d->stats_pending--;
	d->ep->extras_pending = d->stats_pending;
	struct rtable *t = store_find_table(d->ep->store, KIND_CONTAINERS);
	struct row *row = t ? rtable_find(t, c->id) : NULL;
	/* a container that just stopped has no stats: not worth a flash */
	if (!docker_ok(res) || !row || strcmp(row_text(row, CTR_STATE), "running"))
		return;
	struct stats_slot *slot = sample_for(d, c->id);
	struct docker_cpu_sample next;
	int64_t cpu = -1, mem = -1, limit = -1;
	char err[ERRLEN], text[32];
	if (docker_decode_stats(res->body, res->len, &slot->sample, &next, &cpu, &mem, &limit, err,
				sizeof(err)) < 0)
		return;
	slot->sample = next;
	if (cpu >= 0) {
		snprintf(text, sizeof(text), "%lld.%lld%%", (long long)(cpu / 10), (long long)(cpu % 10));
		row_set_num(d->ep->store, t, row, CTR_CPU, CELL_PERMILLE, cpu, text);
	}
	if (mem >= 0) {
		format_bytes(mem, text, sizeof(text));
		row_set_num(d->ep->store, t, row, CTR_MEM, CELL_BYTES, mem, text);
	}
	if (limit > 0) {
		format_bytes(limit, text, sizeof(text));
		row_set_num(d->ep->store, t, row, CTR_MEMLIMIT, CELL_BYTES, limit, text);
	}
	remember(slot, cpu, mem, limit);
}

void docker_stats_round(void *arg)
{
	struct docker *d = arg;
	timer_arm(d->stats_tick, d->ep->refresh_ms);
	if (d->phase != PH_LIVE || d->stats_pending)
		return;
	struct rtable *t = store_find_table(d->ep->store, KIND_CONTAINERS);
	for (size_t i = 0; t && i < d->nvisible; i++) {
		struct row *r = rtable_find(t, d->visible[i]);
		if (!r || r->gone_ms || strcmp(row_text(r, CTR_STATE), "running"))
			continue;
		char *eid = http_escape_str(r->id);
		char *path = xasprintf("/containers/%s/stats?stream=false", eid);
		docker_call_start(d, "GET", path, 20000, on_stats, r->id);
		free(path);
		free(eid);
		d->stats_pending++;
		d->ep->extras_pending = d->stats_pending;
	}
}

void docker_visible(struct endpoint *ep, const char *kind, const char *const *ids, size_t n)
{
	struct docker *d = ep->priv;
	if (strcmp(kind, KIND_CONTAINERS))
		n = 0;
	if (n > STATS_MAX_ROWS)
		n = STATS_MAX_ROWS;
	bool same = n == d->nvisible;
	for (size_t i = 0; same && i < n; i++)
		same = !strcmp(ids[i], d->visible[i]);
	if (same)
		return;
	for (size_t i = 0; i < d->nvisible; i++)
		free(d->visible[i]);
	d->visible = xrealloc(d->visible, (n ? n : 1) * sizeof(*d->visible));
	for (size_t i = 0; i < n; i++)
		d->visible[i] = xstrdup(ids[i]);
	d->nvisible = n;
	/* new rows on screen get numbers soon, not after a full interval */
	if (n && (!timer_armed(d->stats_tick) || !d->stats_pending))
		timer_arm(d->stats_tick, 100);
}

size_t docker_history(struct endpoint *ep, const char *kind, const char *id, struct figure_sample *out, size_t max)
{
	struct docker *d = ep->priv;
	if (strcmp(kind, KIND_CONTAINERS))
		return 0;
	if (!id)
		return 1; /* containers keep a history */
	for (size_t i = 0; i < d->nsamples; i++) {
		struct stats_slot *s = &d->samples[i];
		if (strcmp(s->id, id))
			continue;
		size_t n = s->hn < max ? s->hn : max;
		for (size_t k = 0; k < n; k++)
			out[k] = s->hist[(s->hstart + s->hn - n + k) % DOCKER_HISTORY];
		return n;
	}
	return 0;
}
