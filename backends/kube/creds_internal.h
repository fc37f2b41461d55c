/* creds_internal.h: what creds.c (static credentials, caching, apply, who)
 * and creds_exec.c (the exec credential plugin runner) share; seen only by
 * those two files. */
#ifndef BINNACLE_KUBE_CREDS_INTERNAL_H
#define BINNACLE_KUBE_CREDS_INTERNAL_H

#include "backends/kube/creds.h"
#include "backends/util/util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct waiter {
	void (*done)(void *arg, const char *error);
	void *arg;
};

struct child; /* the running plugin (backends/net/child.h) */
struct aws_client; /* an EKS cluster's AWS account (backends/aws/client.h) */

struct kube_creds {
	struct kube_conn conn;
	char plugin[64]; /* basename of the exec command, for sentences */
	/* what the plugin or the token file last gave */
	char *token, *cert_pem, *key_pem;
	bool have;      /* plugin output cached */
	int64_t expiry; /* wall seconds, 0 = no expiry */
	bool token_file_stale;
	int64_t token_read_ms;
	struct child *run;
	struct aws_client *aws; /* EKS: where the token's keys come from */
	bool eks_running;       /* EKS: waiting for the keys */
	struct waiter *waiters;
	size_t nwaiters;
	int calling; /* depth of done callbacks running */
	bool dying;  /* freed from inside a callback: finish afterwards */
	char who[208];
	char err[ERRLEN];
};

/* creds.c */
void creds_clear_secret(char **p);
void creds_clear_cached(struct kube_creds *c);
/* Calls every waiter with error (or NULL); they may get() again or free c. */
void creds_notify(struct kube_creds *c, const char *error);
void creds_update_who(struct kube_creds *c);

/* creds_exec.c */
/* Checks the exec section and starts the plugin: 0, or -1 with c->err set. */
int creds_run_start(struct kube_creds *c);
/* Kills the running plugin (the loop reaps it) and drops c->run. */
void creds_run_abort(struct kube_creds *c);

/* creds_eks.c */
/* Mints an EKS token from the AWS credentials (maybe at once, inside the
 * call): 0, or -1 with c->err set. */
int creds_eks_start(struct kube_creds *c);
void creds_eks_abort(struct kube_creds *c);
void creds_eks_free(struct kube_creds *c);
/* Where the AWS keys come from, for sentences. */
const char *creds_eks_who(const struct kube_creds *c);

#endif
