/* creds.h: the credentials of one Kubernetes connection: static ones from
 * the kubeconfig (token, tokenFile, basic auth, client certificate) and exec
 * credential plugins run asynchronously on the event loop, cached until
 * they expire or the server answers 401. */
#ifndef BINNACLE_KUBE_CREDS_H
#define BINNACLE_KUBE_CREDS_H

#include "backends/net/http.h"
#include "backends/kube/kubeconfig.h"

struct kube_creds;

/* conn is copied. */
struct kube_creds *kube_creds_new(const struct kube_conn *conn);
/* Cancels a running plugin (its done callbacks are not called); NULL is fine.
 * Safe to call from inside a done callback. */
void kube_creds_free(struct kube_creds *c);

/* Makes sure credentials are current and calls done(arg, NULL) or
 * done(arg, "sentence"); the sentence is valid during the call only and
 * never holds a secret. Static credentials (and cached plugin ones)
 * complete at once, inside this call. An exec plugin runs asynchronously;
 * every get() made while it runs waits for that same run. Plugin output is
 * cached until 30 s before its expirationTimestamp, or until invalidated. */
void kube_creds_get(struct kube_creds *c, void (*done)(void *arg, const char *error), void *arg);
/* The server said 401: the next get() reruns the plugin / re-reads the token file. */
void kube_creds_invalidate(struct kube_creds *c);
/* Stops a running plugin (the endpoint closes): its pending done callbacks
 * are dropped, not called. */
void kube_creds_cancel(struct kube_creds *c);
/* Fills t's TLS, proxy and auth fields from the connection and the current
 * credentials (t's old values of those fields are freed; base_url, unix_socket
 * and display are left alone). The cluster's tls-server-name has no field in
 * http_target and is not applied. */
void kube_creds_apply(struct kube_creds *c, struct http_target *t);
/* Who we are, for 401/403 sentences, never secret: "user \"alice\" (client
 * certificate)", "user \"eks\" (token from the aws plugin)"... */
const char *kube_creds_who(const struct kube_creds *c);

#endif
