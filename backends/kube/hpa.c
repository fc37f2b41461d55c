/* hpa.c: which workloads a HorizontalPodAutoscaler sets the replicas of,
 * so that scaling one says so and shows its bounds (the autoscaler would
 * undo a count outside them). While deployments, statefulsets or
 * replicasets are followed, the autoscalers are too (a small table), and
 * each workload row's WL_HPA is kept as "NAME MIN MAX" from the
 * autoscaler's Reference, MinPods and MaxPods columns, as soon as either
 * side changes (changes close together once a moment later). */
#include "backends/kube/internal.h"
#include "backends/kube/kinds.h"
#include "backends/net/timer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HPA_KIND "horizontalpodautoscalers"
#define JOIN_DELAY_MS 300

struct kube_hpa {
	struct timer *join;
	int64_t joined_ms; /* the last join */
	bool following;
};

static const struct {
	const char *ref;  /* the Reference column's kind */
	const char *kind; /* the store kind */
} targets[] = {
	{"Deployment", KIND_DEPLOYMENTS},
	{"StatefulSet", KIND_STATEFULSETS},
	{"ReplicaSet", KIND_REPLICASETS},
};

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;
	return (x > y) - (x < y);
}

static void join(void *arg)
{
	struct kube *k = arg;
	k->hpa->joined_ms = mono_ms();
	struct store *s = k->ep->store;
	struct rtable *hpas = store_find_table(s, HPA_KIND);
	struct row **set = NULL;
	size_t nset = 0;
	for (size_t i = 0; hpas && i < hpas->len; i++) {
		struct row *h = hpas->rows[i];
		const char *ref = row_text(h, GT_AUX0), *slash = strchr(ref, '/');
		if (h->gone_ms || !slash)
			continue;
		for (size_t t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
			if (strncmp(ref, targets[t].ref, (size_t)(slash - ref)) || strlen(targets[t].ref) != (size_t)(slash - ref))
				continue;
			struct rtable *wt = store_find_table(s, targets[t].kind);
			char id[600];
			snprintf(id, sizeof(id), "%s/%s", row_text(h, GT_NAMESPACE), slash + 1);
			struct row *w = wt ? rtable_find(wt, id) : NULL;
			if (!w)
				continue;
			char text[400];
			snprintf(text, sizeof(text), "%s %lld %lld", row_text(h, GT_NAME), (long long)h->cells[GT_AUX1].num,
				 (long long)h->cells[GT_AUX2].num);
			row_set_text(s, wt, w, WL_HPA, text);
			set = xrealloc(set, (nset + 1) * sizeof(*set));
			set[nset++] = w;
		}
	}
	/* rows an autoscaler no longer names */
	if (nset > 1)
		qsort(set, nset, sizeof(*set), cmp_ptr); /* never with NULL: undefined even for 0 rows */
	for (size_t t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
		struct rtable *wt = store_find_table(s, targets[t].kind);
		for (size_t i = 0; wt && i < wt->len; i++) {
			struct row *w = wt->rows[i];
			if (w->cells[WL_HPA].type != CELL_NONE && (!nset || !bsearch(&w, set, nset, sizeof(*set), cmp_ptr)))
				row_clear(s, wt, w, WL_HPA);
		}
	}
	free(set);
}

static struct kube_hpa *state(struct kube *k)
{
	if (!k->hpa) {
		k->hpa = xcalloc(1, sizeof(*k->hpa));
		k->hpa->join = timer_new(join, k);
	}
	return k->hpa;
}

void kube_hpa_follow(struct kube *k, const char *kind)
{
	for (size_t t = 0; t < sizeof(targets) / sizeof(targets[0]); t++)
		if (!strcmp(kind, targets[t].kind) && !state(k)->following) {
			k->hpa->following = true;
			kube_watch_start(k, HPA_KIND);
		}
}

void kube_hpa_touched(struct kube *k, const char *kind)
{
	if (!k->hpa || !k->hpa->following)
		return;
	bool ours = !strcmp(kind, HPA_KIND);
	for (size_t t = 0; t < sizeof(targets) / sizeof(targets[0]) && !ours; t++)
		ours = !strcmp(kind, targets[t].kind);
	/* the first change joins at once (a scale right after the list has its
	 * note), the ones that follow it closely together a moment later */
	if (ours && !timer_armed(k->hpa->join)) {
		int64_t wait = k->hpa->joined_ms + JOIN_DELAY_MS - mono_ms();
		timer_arm(k->hpa->join, wait > 0 ? wait : 0);
	}
}

void kube_hpa_free(struct kube *k)
{
	if (!k->hpa)
		return;
	timer_free(k->hpa->join);
	free(k->hpa);
	k->hpa = NULL;
}

/* The scale dialog's note: the autoscaler's bounds. */
void kube_scale_note(const struct row *r, char *out, size_t outlen)
{
	char name[256];
	long long min = 0, max = 0;
	out[0] = '\0';
	if (sscanf(row_text(r, WL_HPA), "%255s %lld %lld", name, &min, &max) == 3)
		snprintf(out, outlen, "the autoscaler %s keeps it between %lld and %lld, and will change it back", name,
			 min, max);
}
