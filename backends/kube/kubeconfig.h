/* kubeconfig.h: kubeconfig files loaded and merged the way kubectl does
 * ($KUBECONFIG list, first definition wins), and a context resolved into the
 * cluster and user one connection needs. Credentials are run by creds.h. */
#ifndef BINNACLE_KUBECONFIG_H
#define BINNACLE_KUBECONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct kube_exec_cfg {
	char *command;
	char **args;
	size_t nargs;
	char **env; /* "NAME=value" */
	size_t nenv;
	char *api_version;
	char *interactive_mode;
	bool provide_cluster_info;
	char *install_hint;
	char *dir; /* dir of the kubeconfig that defined it, for a relative command */
};

struct kube_cluster {
	char *name, *server, *ca_file, *ca_pem /* decoded certificate-authority-data */, *tls_server_name, *proxy_url;
	bool insecure;
	/* JSON text of the extension named client.authentication.k8s.io/exec,
	 * handed to exec plugins with provideClusterInfo; NULL when absent */
	char *exec_config;
};

/* An EKS cluster whose token binnacle mints itself from AWS credentials, as
 * `aws eks get-token` does (a configured or discovered endpoint, not a
 * kubeconfig user). */
struct kube_eks_cfg {
	char *cluster; /* the EKS cluster name: the x-k8s-aws-id signed into the token */
	char *region;  /* NULL: the profile's */
	char *profile; /* NULL: $AWS_PROFILE or default */
};

struct kube_user {
	char *name, *cert_file, *cert_pem, *key_file, *key_pem, *token, *token_file, *username, *password;
	struct kube_exec_cfg *exec;
	struct kube_eks_cfg *eks;
	char *auth_provider; /* name of a legacy auth-provider, unsupported: say so */
	/* the context names a user no kubeconfig defines: kubectl then goes on
	 * without credentials, and so do we, but 401 sentences say why */
	bool undefined;
};

struct kube_context {
	char *name, *cluster, *user, *namespace;
};

struct kubeconfig {
	struct kube_context *contexts;
	size_t ncontexts;
	struct kube_cluster *clusters;
	size_t nclusters;
	struct kube_user *users;
	size_t nusers;
	char *current_context;
	char **files; /* the files that were read, in merge order */
	size_t nfiles;
};

/* path_list: the value of $KUBECONFIG (':'-separated) or NULL for
 * ~/.kube/config. Merge rules (kubectl): files in order; the first file to
 * define a context/cluster/user of a given name wins; current-context from
 * the first file that sets it; missing files are skipped, but an unparsable
 * one is an error naming file:line:col. Relative file paths
 * (certificate-authority, client-certificate, client-key, tokenFile) are
 * resolved against the directory of the file that defined them, "~/" is
 * expanded, and *-data fields are decoded (base64 of PEM). "users: null" and
 * the like are legal. Returns 0 (also when no file exists at all: an empty
 * config), or -1 with a sentence; kc is then empty. */
int kubeconfig_load(struct kubeconfig *kc, const char *path_list, char *err, size_t errlen);
void kubeconfig_cleanup(struct kubeconfig *kc);

/* Borrowed pointers into kc, NULL when no such name. */
const struct kube_context *kubeconfig_context(const struct kubeconfig *kc, const char *name);
const struct kube_cluster *kubeconfig_cluster(const struct kubeconfig *kc, const char *name);
const struct kube_user *kubeconfig_user(const struct kubeconfig *kc, const char *name);

/* Everything one endpoint needs, deep-copied out of the kubeconfig. */
struct kube_conn {
	char *context, *namespace /* "default" when unset */;
	struct kube_cluster cluster;
	struct kube_user user; /* all NULL for a context without user (anonymous) */
};

/* Resolves a context (NULL = the current one); a dangling cluster reference
 * gives "context \"duh\" refers to cluster \"duh\", which no kubeconfig
 * defines", and so does a cluster without server. A dangling user is not an
 * error (kubectl goes on anonymously): user.name is set and user.undefined.
 * 0, or -1 with a sentence. */
int kubeconfig_resolve(const struct kubeconfig *kc, const char *context, struct kube_conn *out, char *err,
		       size_t errlen);
void kube_conn_cleanup(struct kube_conn *c);
/* A deep copy of src into dst (dst's old contents are not freed). */
void kube_conn_copy(struct kube_conn *dst, const struct kube_conn *src);

#endif
