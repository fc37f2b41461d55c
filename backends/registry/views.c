/* views.c: how the registry backend presents itself: the repositories
 * (Enter narrows to one and lists its tags) and the tags (sorted as
 * versions, newest first; Enter describes the manifest and config), the
 * header's counts, and which repository of this registry an image
 * reference from another endpoint belongs to. */
#include "backends/registry/internal.h"
#include "backends/image/imageref.h"
#include "views/view.h"

#include <stdio.h>
#include <string.h>

static enum style origin_style(const struct row *r)
{
	return str_starts(row_text(r, REPO_ORIGIN), "in use") ? ST_OK : ST_NORMAL;
}

static const struct column repo_columns[] = {
	{.title = "REPOSITORY", .cell = REPO_NAME, .min = 10, .max = 60},
	{.title = "TAGS", .cell = REPO_TAGS, .min = 4, .max = 7, .align = ALIGN_RIGHT},
	{.title = "LAST PUSH", .cell = REPO_PUSHED, .min = 5, .max = 9, .priority = 2, .align = ALIGN_RIGHT},
	{.title = "SIZE", .cell = REPO_SIZE, .min = 5, .max = 9, .priority = 3, .align = ALIGN_RIGHT},
	{.title = "ORIGIN", .cell = REPO_ORIGIN, .min = 6, .max = 30, .priority = 1, .style = origin_style},
	{.title = "REFERENCE", .cell = REPO_REF, .min = 10, .max = 80, .wide = true},
};

static bool repo_drill(const struct row *r, struct drill *d)
{
	memset(d, 0, sizeof(*d));
	d->kind = KIND_TAGS;
	d->cell = TAG_REPO;
	d->switch_scope = true;
	snprintf(d->value, sizeof(d->value), "%s", row_text(r, REPO_NAME));
	snprintf(d->label, sizeof(d->label), "repository %s", row_text(r, REPO_NAME));
	return true;
}

static const char *const repo_aliases[] = {"repositories", "repository", "repos", "repo", NULL};

static const struct view view_repositories = {
	.kind = KIND_REPOSITORIES,
	.title = "Repositories",
	.aliases = repo_aliases,
	.columns = repo_columns,
	.ncolumns = sizeof(repo_columns) / sizeof(repo_columns[0]),
	.sort_col = 0,
	.ncells = REPO_NCELLS,
	.scope_cell = -1,
	.drill = repo_drill,
};

static enum style type_style(const struct row *r)
{
	return strstr(row_text(r, TAG_TYPE), "index") || strstr(row_text(r, TAG_TYPE), "list") ? ST_OK : ST_NORMAL;
}

static enum style scan_style(const struct row *r)
{
	const char *s = row_text(r, TAG_SCAN);
	return strstr(s, "CRITICAL") || strstr(s, "FAILED") ? ST_ERROR : strstr(s, "HIGH") ? ST_WARN : ST_NORMAL;
}

static const struct column tag_columns[] = {
	{.title = "TAG", .cell = TAG_NAME, .min = 6, .max = 40},
	{.title = "REPOSITORY", .cell = TAG_REPO, .min = 10, .max = 40, .priority = 5},
	{.title = "DIGEST", .cell = TAG_DIGEST, .min = 12, .max = 19, .priority = 4},
	{.title = "TYPE", .cell = TAG_TYPE, .min = 4, .max = 11, .priority = 3, .style = type_style},
	{.title = "PLATFORMS", .cell = TAG_PLATFORMS, .min = 9, .max = 44, .priority = 2, .flex = true},
	{.title = "SIZE", .cell = TAG_SIZE, .min = 5, .max = 9, .align = ALIGN_RIGHT},
	{.title = "CREATED", .cell = TAG_CREATED, .min = 7, .max = 7, .align = ALIGN_RIGHT},
	{.title = "PUSHED", .cell = TAG_PUSHED, .min = 6, .max = 7, .priority = 1, .align = ALIGN_RIGHT},
	{.title = "SCAN", .cell = TAG_SCAN, .min = 4, .max = 24, .priority = 6, .style = scan_style},
	{.title = "ALSO TAGGED", .cell = TAG_ALSO, .min = 6, .max = 40, .wide = true},
	{.title = "REFERENCE", .cell = TAG_REF, .min = 10, .max = 90, .wide = true},
};

static bool tag_drill(const struct row *r, struct drill *d)
{
	memset(d, 0, sizeof(*d));
	d->describe = true;
	d->kind = KIND_TAGS;
	d->cell = -1;
	snprintf(d->label, sizeof(d->label), "tag %s", row_text(r, TAG_NAME));
	return true;
}

static const char *const tag_aliases[] = {"tags", "tag", NULL};
static const struct image_cells tag_image = {.ref = TAG_REF, .digests = TAG_DIGESTS};

static const struct view view_tags = {
	.kind = KIND_TAGS,
	.title = "Tags",
	.aliases = tag_aliases,
	.columns = tag_columns,
	.ncolumns = sizeof(tag_columns) / sizeof(tag_columns[0]),
	.sort_col = 0,
	.sort_desc = true,
	.ncells = TAG_NCELLS,
	.scope_cell = TAG_REPO,
	.drill = tag_drill,
	.image = &tag_image,
	.version_cells = 1ull << TAG_NAME,
};

const struct view *const reg_views[] = {&view_repositories, &view_tags, NULL};

void reg_summary(struct endpoint *ep, char *out, size_t outlen)
{
	struct reg *r = ep->priv;
	struct rtable *rt = store_find_table(ep->store, KIND_REPOSITORIES);
	struct rtable *tt = store_find_table(ep->store, KIND_TAGS);
	char repos[32] = "", tags[32] = "";
	if (rt && rt->synced)
		snprintf(repos, sizeof(repos), "repos %zu", rtable_live_count(rt));
	if (tt && tt->synced)
		snprintf(tags, sizeof(tags), "tags %zu", rtable_live_count(tt));
	snprintf(out, outlen, "%s%s%s%s%s", repos, repos[0] && tags[0] ? "  " : "", tags,
		 r->ratelimit[0] && (repos[0] || tags[0]) ? "  " : "", r->ratelimit);
}

bool reg_image_home(struct endpoint *ep, const char *ref, struct drill *d)
{
	struct reg *r = ep->priv;
	struct image_ref ir;
	if (imageref_parse(ref, &ir, NULL, 0) < 0 || !imageref_same_host(ir.host, r->host))
		return false;
	memset(d, 0, sizeof(*d));
	d->kind = KIND_TAGS;
	d->cell = TAG_REPO;
	d->switch_scope = true;
	snprintf(d->value, sizeof(d->value), "%s", ir.repo);
	snprintf(d->label, sizeof(d->label), "repository %.100s", ir.repo);
	if (ir.tag[0])
		snprintf(d->select, sizeof(d->select), "%.120s:%.128s", ir.repo, ir.tag);
	return true;
}
