/* transport.c: an http_target's connection options on a curl handle (see
 * transport.h). Through a tunnel, each (tunnel, destination) pair is a
 * route: a unix socket listening in a private directory, which curl is
 * told to connect to (CURLOPT_UNIX_SOCKET_PATH, which also keeps curl from
 * resolving the server's name and keeps its connection pool apart per
 * route); every connection accepted there is handed to the tunnel. TLS
 * still names and verifies the real server: curl takes both from the URL.
 * (A socket given through CURLOPT_OPENSOCKETFUNCTION as already connected
 * would save the listener, but curl 7.88 connects it again and fails.) */
#include "backends/net/transport.h"
#include "backends/net/loop.h"
#include "backends/util/log.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct transport_via {
	struct tunnel *tunnel;
	unsigned route;     /* its route's id, 0 when none could be made */
	struct curl_slist *connect_to;
	char error[ERRLEN]; /* no route could be made */
};

void http_target_cleanup(struct http_target *t)
{
	free(t->base_url);
	free(t->unix_socket);
	free(t->ca_file);
	free(t->cert_file);
	free(t->key_file);
	free(t->ca_pem);
	free(t->cert_pem);
	free(t->key_pem);
	free(t->proxy);
	free(t->auth_header);
	free(t->connect_to);
	free(t->display);
	memset(t, 0, sizeof(*t));
}

/* "host", "host:port", "[v6]:port" (s[0..len)) into host and *port (left
 * alone when absent). */
static void split_hostport(const char *s, size_t len, char *host, size_t hostlen, int *port)
{
	const char *end = s + len, *colon = NULL;
	if (len && s[0] == '[') {
		const char *close = memchr(s, ']', len);
		if (close) {
			snprintf(host, hostlen, "%.*s", (int)(close - s - 1), s + 1);
			if (close + 1 < end && close[1] == ':')
				*port = atoi(close + 2);
			return;
		}
	}
	for (const char *p = s; p < end; p++)
		if (*p == ':')
			colon = p;
	snprintf(host, hostlen, "%.*s", (int)((colon ? colon : end) - s), s);
	if (colon)
		*port = atoi(colon + 1);
}

int transport_dest(const struct http_target *t, struct tunnel_dest *d, char *hostbuf, size_t hostlen, char *err,
		   size_t errlen)
{
	memset(d, 0, sizeof(*d));
	if (t->unix_socket) {
		d->unix_path = t->unix_socket;
		return 0;
	}
	const char *url = t->base_url ? t->base_url : "";
	const char *hp = strstr(url, "://");
	d->port = str_starts(url, "https://") ? 443 : 80;
	if (t->connect_to) {
		/* name:port:HOST:PORT, HOST maybe [v6]: the part after the second colon */
		const char *p = t->connect_to;
		for (int i = 0; i < 2 && p; i++) {
			p = *p == '[' ? strchr(p, ']') : p;
			p = p ? strchr(p, ':') : NULL;
			p = p ? p + 1 : NULL;
		}
		if (p && *p) {
			split_hostport(p, strlen(p), hostbuf, hostlen, &d->port);
			d->host = hostbuf;
			return 0;
		}
	}
	if (!hp)
		return set_err(err, errlen, "the address %s names no host", url);
	hp += 3;
	size_t n = strcspn(hp, "/?#");
	const char *at = memchr(hp, '@', n);
	if (at) {
		n -= (size_t)(at + 1 - hp);
		hp = at + 1;
	}
	split_hostport(hp, n, hostbuf, hostlen, &d->port);
	if (!hostbuf[0])
		return set_err(err, errlen, "the address %s names no host", url);
	d->host = hostbuf;
	return 0;
}

/* ---- tunnels under curl ---- */

/* One destination through one tunnel: a listening socket curl connects to. */
struct route {
	unsigned id;
	struct tunnel *tunnel;
	char *dest;   /* "host:port" or "unix:/path": what it is the route to */
	char host[256];
	int port;
	char *unix_path;
	char *path;   /* the listening socket */
	int lfd;
	struct loop_fd *w;
	char error[ERRLEN]; /* the tunnel refused the last connection */
};

static struct route **routes;
static size_t nroutes;
static unsigned tunnels_seen, routes_made;
static char *route_dir; /* private (0700): nobody else may ride our tunnels */

static struct route *route_by_id(unsigned id)
{
	for (size_t i = 0; i < nroutes; i++)
		if (routes[i]->id == id)
			return routes[i];
	return NULL;
}

static void on_accept(void *arg, int fd, short revents)
{
	struct route *r = arg;
	(void)revents;
	for (;;) {
		int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c < 0)
			return;
		struct tunnel_dest d = {.host = r->unix_path ? NULL : r->host, .port = r->port, .unix_path = r->unix_path};
		r->tunnel->error[0] = '\0';
		r->error[0] = '\0';
		if (r->tunnel->ops->open(r->tunnel, &d, c, r->error, sizeof(r->error)) < 0) {
			if (!r->error[0])
				set_err(r->error, sizeof(r->error), "the %s tunnel refused the connection",
					r->tunnel->ops->name);
			log_msg("tunnel %s to %s: %s", r->tunnel->ops->name, r->dest, r->error);
			close(c); /* curl sees the connection close at once */
		}
	}
}

static bool make_dir(void)
{
	if (route_dir)
		return true;
	const char *base = getenv("XDG_RUNTIME_DIR");
	if (!base || !*base || strlen(base) > 60)
		base = "/tmp";
	char *tmpl = xasprintf("%s/binnacle-tunnels-XXXXXX", base);
	if (!mkdtemp(tmpl)) { /* mkdtemp makes it 0700 */
		free(tmpl);
		return false;
	}
	route_dir = tmpl;
	return true;
}

/* The route for t's destination through its tunnel, made on first use;
 * NULL with a sentence in err. */
static struct route *route_for(const struct http_target *t, char *err, size_t errlen)
{
	struct tunnel_dest d;
	char host[256];
	if (transport_dest(t, &d, host, sizeof(host), err, errlen) < 0)
		return NULL;
	if (!t->tunnel->id)
		t->tunnel->id = ++tunnels_seen;
	char *dest = d.unix_path ? xasprintf("unix:%s", d.unix_path) : xasprintf("%s:%d", d.host, d.port);
	for (size_t i = 0; i < nroutes; i++)
		if (routes[i]->tunnel == t->tunnel && !strcmp(routes[i]->dest, dest)) {
			free(dest);
			return routes[i];
		}
	if (!make_dir()) {
		free(dest);
		set_err(err, errlen, "no private directory for the tunnel's sockets: %s", strerror(errno));
		return NULL;
	}
	struct route *r = xcalloc(1, sizeof(*r));
	r->id = ++routes_made;
	r->tunnel = t->tunnel;
	r->dest = dest;
	snprintf(r->host, sizeof(r->host), "%s", d.host ? d.host : "");
	r->port = d.port;
	r->unix_path = xstrdup(d.unix_path);
	r->path = xasprintf("%s/r%u", route_dir, r->id);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", r->path);
	r->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (r->lfd < 0 || bind(r->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(r->lfd, SOMAXCONN) < 0) {
		set_err(err, errlen, "cannot listen for the tunnel: %s", strerror(errno));
		if (r->lfd >= 0)
			close(r->lfd);
		free(r->dest);
		free(r->unix_path);
		free(r->path);
		free(r);
		return NULL;
	}
	r->w = loop_watch(r->lfd, POLLIN, on_accept, r);
	routes = xrealloc(routes, (nroutes + 1) * sizeof(*routes));
	routes[nroutes++] = r;
	return r;
}

static void route_free(struct route *r)
{
	loop_unwatch(r->w);
	close(r->lfd);
	unlink(r->path);
	free(r->dest);
	free(r->unix_path);
	free(r->path);
	free(r);
}

void transport_forget_tunnel(struct tunnel *t)
{
	size_t keep = 0;
	for (size_t i = 0; i < nroutes; i++) {
		if (routes[i]->tunnel == t)
			route_free(routes[i]);
		else
			routes[keep++] = routes[i];
	}
	nroutes = keep;
}

void transport_cleanup(void)
{
	for (size_t i = 0; i < nroutes; i++)
		route_free(routes[i]);
	free(routes);
	routes = NULL;
	nroutes = 0;
	if (route_dir)
		rmdir(route_dir);
	free(route_dir);
	route_dir = NULL;
}

static struct transport_via *apply_tunnel(CURL *e, const struct http_target *t)
{
	struct transport_via *v = xcalloc(1, sizeof(*v));
	v->tunnel = t->tunnel;
	struct route *r = route_for(t, v->error, sizeof(v->error));
	/* no route: a path that cannot exist, so the request fails with v->error */
	curl_easy_setopt(e, CURLOPT_UNIX_SOCKET_PATH, r ? r->path : "/nonexistent/binnacle-tunnel");
	curl_easy_setopt(e, CURLOPT_NOPROXY, "*"); /* the environment's proxy is not on the tunnel's path */
	v->route = r ? r->id : 0;
	return v;
}

/* ---- every transport ---- */

struct transport_via *transport_apply(void *curl_easy, const struct http_target *t)
{
	CURL *e = curl_easy;
	struct transport_via *v = NULL;
	if (t->tunnel)
		v = apply_tunnel(e, t);
	else if (t->unix_socket)
		curl_easy_setopt(e, CURLOPT_UNIX_SOCKET_PATH, t->unix_socket);
	if (t->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, t->ca_file);
	if (t->cert_file)
		curl_easy_setopt(e, CURLOPT_SSLCERT, t->cert_file);
	if (t->key_file)
		curl_easy_setopt(e, CURLOPT_SSLKEY, t->key_file);
	if (t->ca_pem) {
		struct curl_blob blob = {t->ca_pem, strlen(t->ca_pem), CURL_BLOB_COPY};
		curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob);
	}
	if (t->cert_pem) {
		struct curl_blob blob = {t->cert_pem, strlen(t->cert_pem), CURL_BLOB_COPY};
		curl_easy_setopt(e, CURLOPT_SSLCERT_BLOB, &blob);
		curl_easy_setopt(e, CURLOPT_SSLCERTTYPE, "PEM");
	}
	if (t->key_pem) {
		struct curl_blob blob = {t->key_pem, strlen(t->key_pem), CURL_BLOB_COPY};
		curl_easy_setopt(e, CURLOPT_SSLKEY_BLOB, &blob);
		curl_easy_setopt(e, CURLOPT_SSLKEYTYPE, "PEM");
	}
	if (t->insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (t->tunnel)
		return v;
	if (t->proxy)
		curl_easy_setopt(e, CURLOPT_PROXY, t->proxy);
	if (t->connect_to) {
		v = xcalloc(1, sizeof(*v));
		v->connect_to = curl_slist_append(NULL, t->connect_to);
		curl_easy_setopt(e, CURLOPT_CONNECT_TO, v->connect_to);
	}
	return v;
}

void transport_via_free(struct transport_via *v)
{
	if (!v)
		return;
	curl_slist_free_all(v->connect_to);
	free(v);
}

const char *transport_via_error(const struct transport_via *v)
{
	if (!v || !v->tunnel)
		return NULL;
	if (v->error[0])
		return v->error;
	struct route *r = route_by_id(v->route);
	if (!r)
		return "the tunnel is gone";
	return r->error[0] ? r->error : r->tunnel->error[0] ? r->tunnel->error : NULL;
}
