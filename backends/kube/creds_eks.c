/* creds_eks.c: the bearer token of an EKS cluster, minted the way
 * `aws eks get-token` mints it, with no aws CLI: the AWS credentials of
 * the endpoint's profile (the chain of backends/aws), an STS
 * GetCallerIdentity URL presigned for 60 s with the cluster's name in the
 * signed x-k8s-aws-id header, and "k8s-aws-v1." + its base64url without
 * padding. The cluster checks it by calling STS, for up to 15 minutes: the
 * token is used 14, or until the AWS keys behind it expire. */
#include "backends/kube/creds_internal.h"
#include "backends/aws/client.h"
#include "backends/aws/sigv4.h"
#include "backends/codec/crypto.h"
#include "backends/util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_LIFE_S (14 * 60)

/* The token for cluster from keys, with the STS URL of the client. Owned. */
static char *mint(struct aws_client *aws, const char *cluster, const struct aws_keys *k)
{
	const char *url = aws_client_url(aws, &aws_svc_sts);
	const char *hp = strstr(url, "://");
	hp = hp ? hp + 3 : url;
	char *host = xstrndup(hp, strcspn(hp, "/"));
	bool https = str_starts(url, "https://");
	size_t n = strlen(host);
	if (https && n > 4 && !strcmp(host + n - 4, ":443"))
		host[n - 4] = '\0';
	char *id = xasprintf("x-k8s-aws-id: %s", cluster);
	const char *headers[] = {id, NULL};
	const char *region = aws_client_region(aws);
	struct sigv4_input in = {.method = "GET", .host = host, .path = "/",
				 .query = "Action=GetCallerIdentity&Version=2011-06-15", .headers = headers,
				 .region = region ? region : "us-east-1", .service = "sts", .when = wall_s()};
	struct sigv4_output out;
	char *query = sigv4_presign(&in, k, 60, &out);
	sigv4_output_cleanup(&out);
	char *full = xasprintf("%.*s/?%s", (int)(hp - url) + (int)strcspn(hp, "/"), url, query);
	char *b64 = crypto_base64url_encode(full, strlen(full));
	size_t blen = strlen(b64);
	while (blen && b64[blen - 1] == '=')
		b64[--blen] = '\0';
	char *token = xasprintf("k8s-aws-v1.%s", b64);
	creds_clear_secret(&b64);
	creds_clear_secret(&full);
	creds_clear_secret(&query);
	free(id);
	free(host);
	return token;
}

static void on_keys(void *arg, const struct aws_keys *k, const char *error)
{
	struct kube_creds *c = arg;
	c->eks_running = false;
	if (error) {
		set_err(c->err, sizeof(c->err), "no EKS token for cluster %s: %s", c->conn.user.eks->cluster, error);
		creds_notify(c, c->err);
		return;
	}
	creds_clear_cached(c);
	c->token = mint(c->aws, c->conn.user.eks->cluster, k);
	c->have = true;
	int64_t until = wall_s() + TOKEN_LIFE_S, keys = aws_creds_expiry(aws_client_creds(c->aws));
	c->expiry = keys && keys - 60 < until ? keys - 60 : until;
	log_msg("kube %s: EKS token for %s minted from %s", c->conn.context, c->conn.user.eks->cluster,
		aws_creds_describe(aws_client_creds(c->aws)));
	creds_update_who(c);
	creds_notify(c, NULL);
}

int creds_eks_start(struct kube_creds *c)
{
	const struct kube_eks_cfg *eks = c->conn.user.eks;
	if (!c->aws) {
		char why[ERRLEN];
		struct aws_client_opts o = {.profile = eks->profile, .explicit_profile = eks->profile != NULL,
					    .region = eks->region, .label = c->conn.context};
		c->aws = aws_client_new(&o, why, sizeof(why));
		if (!c->aws)
			return set_err(c->err, sizeof(c->err), "no EKS token for cluster %s: %s", eks->cluster, why);
	}
	c->eks_running = true;
	/* cached keys answer at once, inside this call */
	aws_creds_get(aws_client_creds(c->aws), on_keys, c);
	return 0;
}

void creds_eks_abort(struct kube_creds *c)
{
	if (c->aws && c->eks_running)
		aws_creds_forget(aws_client_creds(c->aws), c);
	c->eks_running = false;
}

void creds_eks_free(struct kube_creds *c)
{
	creds_eks_abort(c);
	aws_client_free(c->aws);
	c->aws = NULL;
}

const char *creds_eks_who(const struct kube_creds *c)
{
	return c->aws ? aws_creds_describe(aws_client_creds(c->aws)) : "AWS credentials";
}
