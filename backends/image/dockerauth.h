/* dockerauth.h: registry credentials from where docker and podman keep
 * them, so a user who ran `docker login` or `podman login` is logged in
 * here too: docker's config.json ($DOCKER_CONFIG/config.json, else
 * ~/.docker/config.json) with its `auths`, `credsStore` and `credHelpers`
 * (run as `docker-credential-NAME get` exactly as docker runs them), then
 * podman's auth.json ($REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/
 * auth.json, $XDG_CONFIG_HOME/containers/auth.json), whose keys may also
 * name one repository. Secrets are wiped from memory when freed and never
 * reach a sentence. Also: docker's X-Registry-Auth header value. */
#ifndef BINNACLE_DOCKERAUTH_H
#define BINNACLE_DOCKERAUTH_H

#include <stdbool.h>
#include <stddef.h>

struct registry_cred {
	char *username, *secret;  /* Basic: the user and the password (or ECR's token) */
	char *identity_token;     /* docker's identitytoken: an OAuth2 refresh token */
	char source[192];         /* where it came from, for sentences: "~/.docker/config.json" */
};

void registry_cred_cleanup(struct registry_cred *c);
void registry_cred_copy(struct registry_cred *dst, const struct registry_cred *src);
bool registry_cred_present(const struct registry_cred *c);

enum dockerauth_found {
	DOCKERAUTH_NONE,   /* no entry: anonymous */
	DOCKERAUTH_INLINE, /* the credentials are in the file: in cred */
	DOCKERAUTH_HELPER, /* run docker-credential-<helper> get <server> */
};

struct dockerauth_hit {
	enum dockerauth_found found;
	struct registry_cred cred; /* DOCKERAUTH_INLINE */
	char helper[96];           /* DOCKERAUTH_HELPER: "lab" for docker-credential-lab */
	char server[256];          /* what the helper is asked for */
};

/* The entry for host (repo narrows podman's per-repository keys; may be
 * NULL) in the files, without running any helper. 0, or -1 with a sentence
 * when a file exists but cannot be read. */
int dockerauth_find(const char *host, const char *repo, struct dockerauth_hit *hit, char *err, size_t errlen);
void dockerauth_hit_cleanup(struct dockerauth_hit *hit);

/* The credentials for host: found in the files, or by running the helper
 * on the event loop. done gets them (NULL: none, go anonymous) or a
 * sentence, always later, from the loop (never before this returns). */
typedef void (*dockerauth_done_fn)(void *arg, const struct registry_cred *cred, const char *error);
struct dockerauth_req;
struct dockerauth_req *dockerauth_lookup(const char *host, const char *repo, dockerauth_done_fn done, void *arg);
/* Stops a lookup (its helper is killed); done is not called. NULL is fine. */
void dockerauth_cancel(struct dockerauth_req *r);

/* The registry hosts the files hold logins for (auths and credHelpers
 * keys, normalised, once each), owned, NULL-terminated. */
char **dockerauth_hosts(void);

/* The value of docker's X-Registry-Auth header for cred: base64url of
 * {"username","password","serveraddress"}, or {"identitytoken",
 * "serveraddress"}; owned. */
char *dockerauth_engine_header(const struct registry_cred *cred, const char *server);

#endif
