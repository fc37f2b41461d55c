/* eks.c: the EKS clusters of an ECS endpoint's account and region, found
 * with the same credentials (EKS ListClusters, then DescribeCluster for
 * the API server and its CA) and offered to the application as Kubernetes
 * endpoints that need no kubeconfig: their token is minted from the same
 * AWS profile (backends/kube/creds_eks.c). Once per connection; a cluster
 * offered once is not offered again. An account without EKS access (403)
 * is not a problem worth a flash: it is logged. */
#include "backends/ecs/internal.h"
#include "backends/codec/jsonget.h"
#include "backends/util/log.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct eks_find {
	struct ecs *e;
	char name[256];
};

static bool seen(struct ecs *e, const char *name)
{
	for (size_t i = 0; i < e->neks_seen; i++)
		if (!strcmp(e->eks_seen[i], name))
			return true;
	return false;
}

static void on_cluster(void *arg, const struct aws_response *r)
{
	struct eks_find *f = arg;
	struct ecs *e = f->e;
	json_object *c = jsonget_obj(r->json, "cluster");
	const char *server = jsonget_str(c, "endpoint"), *status = jsonget_str(c, "status");
	const char *ca = jsonget_str(jsonget_obj(c, "certificateAuthority"), "data");
	if (r->error || !server || (status && strcmp(status, "ACTIVE"))) {
		log_msg("ecs %s: EKS cluster %s left out: %s", e->ep->name, f->name,
			r->error ? r->error : !server ? "no endpoint yet" : status);
		free(f);
		return;
	}
	const char *region = aws_client_region(e->aws);
	struct endpoint_config cfg = {0};
	/* named like the ECS endpoint's account and region, so several stay apart */
	cfg.name = e->profile_opt ? xasprintf("eks/%s/%s/%s", e->profile_opt, region ? region : "", f->name)
				  : xasprintf("eks/%s/%s", region ? region : "", f->name);
	cfg.backend = xstrdup("kubernetes");
	cfg.on_demand = true; /* connected when first shown, as other contexts are */
	endpoint_config_set(&cfg, "eks_cluster", f->name);
	endpoint_config_set(&cfg, "server", server);
	if (ca)
		endpoint_config_set(&cfg, "certificate_authority_data", ca);
	if (e->profile_opt)
		endpoint_config_set(&cfg, "aws_profile", e->profile_opt);
	if (region)
		endpoint_config_set(&cfg, "aws_region", region);
	log_msg("ecs %s: EKS cluster %s at %s becomes endpoint %s", e->ep->name, f->name, server, cfg.name);
	endpoint_add_found(e->ep, &cfg);
	endpoint_config_cleanup(&cfg);
	free(f);
}

static void list(struct ecs *e, const char *token);

static void on_list(void *arg, const struct aws_response *r)
{
	struct ecs *e = arg;
	if (r->error) {
		log_msg("ecs %s: no EKS clusters listed: %s", e->ep->name, r->error);
		return;
	}
	json_object *names = jsonget_arr(r->json, "clusters");
	for (size_t i = 0; i < jsonget_len(names); i++) {
		const char *name = json_object_get_string(jsonget_idx(names, i));
		if (!name || seen(e, name))
			continue;
		e->eks_seen = xrealloc(e->eks_seen, (e->neks_seen + 1) * sizeof(*e->eks_seen));
		e->eks_seen[e->neks_seen++] = xstrdup(name);
		struct eks_find *f = xcalloc(1, sizeof(*f));
		f->e = e;
		snprintf(f->name, sizeof(f->name), "%s", name);
		char *esc = sigv4_uri_encode(name, strlen(name), 0), *path = xasprintf("/clusters/%s", esc);
		ecs_call_owns_arg(ecs_call_rest(e, &aws_svc_eks, "DescribeCluster", "GET", path, on_cluster, f));
		free(path);
		free(esc);
	}
	const char *next = jsonget_str(r->json, "nextToken");
	if (next && *next)
		list(e, next);
}

static void list(struct ecs *e, const char *token)
{
	char *path;
	if (token) {
		char *esc = sigv4_uri_encode(token, strlen(token), 0);
		path = xasprintf("/clusters?maxResults=100&nextToken=%s", esc);
		free(esc);
	} else {
		path = xstrdup("/clusters?maxResults=100");
	}
	ecs_call_rest(e, &aws_svc_eks, "ListClusters", "GET", path, on_list, e);
	free(path);
}

void ecs_eks_discover(struct ecs *e)
{
	list(e, NULL);
}
