/* generic.h: the views of the resources found by discovery, made at run
 * time, one per resource of an endpoint: its aliases, its columns (the
 * server's, once its first Table has come), its colours and its actions. */
#ifndef BINNACLE_KUBE_GENERIC_H
#define BINNACLE_KUBE_GENERIC_H

#include "backends/backend.h"
#include "backends/kube/kinds.h"
#include "views/view.h"

struct jnode;
struct kres;

struct kview {
	struct view view; /* first: what the UI holds */
	const struct kres *res;
	char **aliases;   /* NULL-terminated, owned */
	char *title;
	struct column *cols;     /* the current columns */
	struct column **retired; /* columns replaced, freed with the view (a model may still name them) */
	size_t nretired;
	char **titles;           /* every column title made, owned */
	size_t ntitles;
	char *signature;         /* the server's column names, to notice a change */
	int map[GT_MAXCOLS * 2]; /* server column -> cell, -1 = not shown */
	int aux[GT_MAXCOLS * 2]; /* server column -> GT_AUX0.. or GT_STATUS it is copied into, -1 = none */
	int nmap;
	struct backend_action acts[8];
	size_t nacts;
};

/* A view for resource r with these aliases (NULL-terminated, taken). */
struct kview *kview_new(const struct kres *r, char **aliases);
void kview_free(struct kview *kv);
size_t kview_action_count(const struct kview *kv);
/* Puts pointers to its actions in out; returns how many. */
size_t kview_actions(struct kview *kv, const struct backend_action **out);
/* The server's column definitions: the columns follow them (the old ones
 * are kept until the view goes). Returns whether they changed. */
bool kview_set_columns(struct kview *kv, const struct jnode *defs);

#endif
