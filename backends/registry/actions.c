/* actions.c: what the registry backend does to tags. A pull happens in an
 * engine the user picks (ACTION_ENGINE): this backend gives the reference
 * and its login as docker's X-Registry-Auth value. Remove deletes a tag
 * where the registry can (OCI 1.1 registries delete by tag), else the
 * manifest by digest, which takes every tag on it: when other tags share
 * it, the user chooses between the tag alone and the manifest with its
 * tags, and a registry that cannot delete a tag alone says so rather than
 * taking the others with it. */
#include "backends/registry/internal.h"
#include "backends/image/imageref.h"
#include "backends/util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MANIFEST_CHOICE "the manifest"

/* With other tags on the same manifest: the tag alone, or the manifest. */
static const char *remove_choices(const struct row *r)
{
	static char out[600];
	const char *also = row_text(r, TAG_ALSO);
	if (!*also)
		return "";
	char tags[400];
	snprintf(tags, sizeof(tags), "%s", also);
	for (char *p = tags; *p; p++)
		if (*p == ',')
			*p = ' ';
	snprintf(out, sizeof(out), "the tag %s alone," MANIFEST_CHOICE " %.19s with its tags %s", row_text(r, TAG_NAME),
		 row_text(r, TAG_DIGEST), tags);
	return out;
}

static const char *not_known(const struct row *r)
{
	return *row_text(r, TAG_REF) ? NULL : "is not listed yet";
}

const struct backend_action reg_actions[] = {
	{.name = "pull", .kind = KIND_TAGS, .flags = ACTION_ENGINE, .progress = "pulling", .refuse = not_known},
	{.name = "remove", .kind = KIND_TAGS, .flags = ACTION_MUTATES | ACTION_CONFIRM, .progress = "deleting",
	 .choices = remove_choices, .choose_title = "Other tags share this manifest. Delete:"},
	{.name = NULL},
};

struct del {
	action_done_fn done;
	void *arg;
	char *id, *repo, *tag, *digest, *also;
	bool by_digest;
};

static void del_free(struct del *x)
{
	free(x->id);
	free(x->repo);
	free(x->tag);
	free(x->digest);
	free(x->also);
	free(x);
}

static void delete_ref(struct reg *r, struct del *x, const char *ref);

/* The rows the delete took away go now; the list is read again anyway. */
static void drop_rows(struct reg *r, struct del *x)
{
	struct rtable *t = store_find_table(r->ep->store, KIND_TAGS);
	for (size_t i = 0; t && i < t->len; i++) {
		struct row *row = t->rows[i];
		if (row->gone_ms || strcmp(row_text(row, TAG_REPO), x->repo))
			continue;
		if (!strcmp(row->id, x->id) || (x->by_digest && x->digest && !strcmp(row_text(row, TAG_DIGEST), x->digest)))
			rtable_delete(r->ep->store, t, row->id);
	}
	if (r->watch_tags)
		reg_list_tags(r);
	struct rtable *rt = store_find_table(r->ep->store, KIND_REPOSITORIES);
	struct row *repo = rt ? rtable_find(rt, x->repo) : NULL;
	if (repo)
		row_clear(r->ep->store, rt, repo, REPO_TAGS);
}

static void on_delete(struct reg *r, void *ctx, const struct reg_answer *a)
{
	struct del *x = ctx;
	if (a->cancelled) {
		x->done(x->arg, "the connection to the registry was lost");
		del_free(x);
		return;
	}
	if (!a->error) {
		drop_rows(r, x);
		x->done(x->arg, NULL);
		del_free(x);
		return;
	}
	char msg[ERRLEN * 2];
	bool cannot_tag = !x->by_digest && (a->status == 400 || a->status == 405) &&
			  (!strcmp(a->code, "DIGEST_INVALID") || !strcmp(a->code, "UNSUPPORTED") || !strcmp(a->code, "UNKNOWN"));
	if (cannot_tag && x->digest && !*x->also) {
		/* the registry deletes manifests only: the tag is the manifest's one tag */
		x->by_digest = true;
		delete_ref(r, x, x->digest);
		return;
	}
	if (cannot_tag && x->digest)
		snprintf(msg, sizeof(msg),
			 "%.80s would not delete the tag alone (%.60s), and its manifest %.19s is also tagged %.100s: nothing was deleted (choose the manifest to delete them together)",
			 r->host, a->code, x->digest, x->also);
	else if (!strcmp(a->code, "UNSUPPORTED") || a->status == 405)
		snprintf(msg, sizeof(msg), "%s does not allow deletes (%s)", r->host, a->error);
	else
		snprintf(msg, sizeof(msg), "%s", a->error);
	x->done(x->arg, msg);
	del_free(x);
}

static void on_ecr_delete(struct reg *r, void *ctx, const char *error)
{
	struct del *x = ctx;
	if (!error)
		drop_rows(r, x);
	x->done(x->arg, error);
	del_free(x);
}

static void delete_ref(struct reg *r, struct del *x, const char *ref)
{
	if (r->ecr) {
		/* ECR removes a tag alone, or the image with every tag */
		ecr_delete(r, x->repo, x->by_digest ? NULL : ref, x->by_digest ? ref : NULL, on_ecr_delete, x);
		return;
	}
	char *url = xasprintf("/v2/%s/manifests/%s", x->repo, ref);
	char *scope = xasprintf("repository:%s:delete", x->repo);
	log_msg("registry %s: DELETE %s", r->ep->name, url);
	reg_request(r, "DELETE", url, NULL, scope, 0, on_delete, x);
	free(url);
	free(scope);
}

void reg_act(struct endpoint *ep, const struct backend_action *a, const char *id, const char *input,
	     action_done_fn done, void *arg)
{
	struct reg *r = ep->priv;
	if (ep->readonly) {
		done(arg, "this endpoint is read-only");
		return;
	}
	if (r->phase != RP_LIVE) {
		done(arg, ep->error[0] ? ep->error : "not connected to the registry");
		return;
	}
	if (strcmp(a->name, "remove") || strcmp(a->kind, KIND_TAGS)) {
		done(arg, "the registry cannot do that");
		return;
	}
	struct rtable *t = store_find_table(ep->store, KIND_TAGS);
	struct row *row = t ? rtable_find(t, id) : NULL;
	struct del *x = xcalloc(1, sizeof(*x));
	x->done = done;
	x->arg = arg;
	x->id = xstrdup(id);
	x->repo = reg_tag_repo(id);
	x->tag = xstrdup(strrchr(id, ':') + 1);
	x->digest = row && *row_text(row, TAG_DIGEST) ? xstrdup(row_text(row, TAG_DIGEST)) : NULL;
	x->also = xstrdup(row ? row_text(row, TAG_ALSO) : "");
	if (input && str_starts(input, MANIFEST_CHOICE)) {
		if (!x->digest) {
			done(arg, "the manifest's digest is not known yet");
			del_free(x);
			return;
		}
		x->by_digest = true;
		delete_ref(r, x, x->digest);
		return;
	}
	delete_ref(r, x, x->tag);
}

int reg_pull_source(struct endpoint *ep, const char *kind, const char *id, char *ref, size_t reflen, char **auth,
		    char *err, size_t errlen)
{
	struct reg *r = ep->priv;
	*auth = NULL;
	struct rtable *t = store_find_table(ep->store, kind);
	struct row *row = t ? rtable_find(t, id) : NULL;
	if (!row || strcmp(kind, KIND_TAGS))
		return set_err(err, errlen, "%s is not a tag of %s", id, ep->name);
	if (r->phase != RP_LIVE)
		return set_err(err, errlen, "%s", ep->error[0] ? ep->error : "not connected to the registry yet");
	snprintf(ref, reflen, "%s", row_text(row, TAG_REF));
	if (registry_cred_present(&r->cred))
		*auth = dockerauth_engine_header(&r->cred, !strcmp(r->host, IMAGEREF_DOCKER_HUB) ? "https://index.docker.io/v1/"
											: r->host);
	return 0;
}
