/* stale.c: which of the registry's tables are not live, and why. The
 * repositories are stale while the catalog's last listing failed (or has
 * not answered for 15 s), and while a repository's tag count is old: its
 * last tag listing or count failed or hangs. The tags are stale while a
 * repository whose tags they show failed to list them again. Each table
 * shows the newest reason of what still fails; a reason goes when that
 * list answers (or the catalog no longer has the repository, unless it is
 * the one in scope), so one repository of many that the registry refuses
 * keeps the view stale, not only the one in scope. */
#include "backends/registry/internal.h"
#include "backends/util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A repository whose tags could not be listed or counted. */
struct reg_failing {
	char *repo;
	bool tags;           /* its tag rows are old (a listing failed) */
	bool count;          /* its count is old (a listing or a count failed) */
	uint64_t seq;        /* when, for the newest reason */
	char why[ERRLEN];
};

static void set(struct reg *r, const char *kind, const char *why)
{
	struct rtable *t = store_find_table(r->ep->store, kind);
	if (t)
		rtable_set_error(r->ep->store, t, why);
}

/* Each table's error: the newest reason among what feeds it. */
static void update(struct reg *r)
{
	const char *repos = r->catalog_err, *tags = "";
	uint64_t rseq = r->catalog_err[0] ? r->catalog_seq : 0, tseq = 0;
	for (size_t i = 0; i < r->nfailing; i++) {
		struct reg_failing *f = &r->failing[i];
		if (f->count && f->seq > rseq) {
			rseq = f->seq;
			repos = f->why;
		}
		if (f->tags && f->seq > tseq) {
			tseq = f->seq;
			tags = f->why;
		}
	}
	set(r, KIND_REPOSITORIES, repos);
	set(r, KIND_TAGS, tags);
}

static struct reg_failing *find(struct reg *r, const char *repo)
{
	for (size_t i = 0; i < r->nfailing; i++)
		if (!strcmp(r->failing[i].repo, repo))
			return &r->failing[i];
	return NULL;
}

static void drop(struct reg *r, struct reg_failing *f)
{
	free(f->repo);
	*f = r->failing[--r->nfailing];
}

void reg_stale_catalog(struct reg *r, const char *why)
{
	if (why && *why) {
		snprintf(r->catalog_err, sizeof(r->catalog_err), "%s", why);
		r->catalog_seq = ++r->stale_seq;
	} else {
		r->catalog_err[0] = '\0';
	}
	update(r);
}

void reg_stale_tags(struct reg *r, const char *repo, bool listing, const char *why)
{
	struct reg_failing *f = find(r, repo);
	if (!why || !*why) {
		if (!f)
			return;
		/* a listing brings the count too; a count says nothing of the tag rows */
		f->count = false;
		if (listing)
			f->tags = false;
		if (!f->tags)
			drop(r, f);
		update(r);
		return;
	}
	if (!f) {
		r->failing = xrealloc(r->failing, (r->nfailing + 1) * sizeof(*r->failing));
		f = &r->failing[r->nfailing++];
		memset(f, 0, sizeof(*f));
		f->repo = xstrdup(repo);
	}
	f->count = true;
	f->tags = f->tags || listing;
	f->seq = ++r->stale_seq;
	snprintf(f->why, sizeof(f->why), "%s", why);
	update(r);
}

bool reg_stale_count(struct reg *r, const char *repo)
{
	struct reg_failing *f = find(r, repo);
	return f && f->count;
}

void reg_stale_scope_changed(struct reg *r)
{
	/* the tag rows went with the old scope: so did the reasons they were old */
	for (size_t i = r->nfailing; i-- > 0;) {
		r->failing[i].tags = false;
		if (!r->failing[i].count)
			drop(r, &r->failing[i]);
	}
	update(r);
}

void reg_stale_prune(struct reg *r)
{
	struct rtable *t = store_find_table(r->ep->store, KIND_REPOSITORIES);
	for (size_t i = r->nfailing; t && i-- > 0;) {
		struct reg_failing *f = &r->failing[i];
		/* the repository in scope is listed whatever the catalog says (a
		 * name it does not know, one the credentials cannot see) */
		if (r->scope && !strcmp(r->scope, f->repo))
			continue;
		struct row *row = rtable_find(t, f->repo);
		if (!row || row->gone_ms)
			drop(r, f);
	}
	update(r);
}

/* ---- lists that do not answer ---- */

static void on_slow(void *owner, void *ctx, const char *why)
{
	struct reg *r = owner;
	struct page *p = ctx;
	struct store *s = r->ep->store;
	log_msg("registry %s: %s", r->ep->name, why);
	/* only rows there are can be old: a first listing is just loading */
	if (!p) {
		struct rtable *t = store_find_table(s, KIND_REPOSITORIES);
		if (t && t->synced)
			reg_stale_catalog(r, why);
		return;
	}
	if (!p->count_only && p->gen != r->tags_gen)
		return; /* a listing given up for a newer one */
	struct rtable *t = store_find_table(s, p->count_only ? KIND_REPOSITORIES : KIND_TAGS);
	if (t && t->synced)
		reg_stale_tags(r, p->repo, !p->count_only, why);
}

void reg_stale_init(struct reg *r)
{
	listguard_init(&r->lists, r->host, on_slow, r);
}

void reg_stale_free(struct reg *r)
{
	listguard_cleanup(&r->lists);
	for (size_t i = 0; i < r->nfailing; i++)
		free(r->failing[i].repo);
	free(r->failing);
	r->failing = NULL;
	r->nfailing = 0;
}

void reg_stale_out(struct reg *r, struct page *p)
{
	if (p)
		listguard_out(&r->lists, &p->lg, p, "the tags of %s", p->repo);
	else
		listguard_out(&r->lists, &r->catalog_lg, NULL, "the catalog");
}
