/* transport.h: how an endpoint's connections reach its server, for HTTP and
 * for the raw streams that follow an upgrade alike. struct http_target says
 * where (a URL, or a unix socket), how to secure it (TLS files or PEM text,
 * verification, server name) and what carries the bytes: the kernel (unix
 * socket, TCP, optionally through a proxy) or a tunnel. A tunnel (SSH
 * direct-tcpip or direct-streamlocal, a jump host chain...) is a const ops
 * table plus its state; the transport hands it a connected socket per
 * connection and curl speaks HTTP and TLS on the other end, so every backend
 * reaches its server through any tunnel without knowing it. */
#ifndef BINNACLE_TRANSPORT_H
#define BINNACLE_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/util/util.h"

/* Where a tunnel's far end must connect: a TCP host and port, or a unix
 * socket path on the far side. */
struct tunnel_dest {
	const char *host; /* name or address; NULL for a unix path */
	int port;
	const char *unix_path; /* NULL for TCP */
};

struct tunnel;

struct tunnel_ops {
	const char *name; /* "ssh": for messages and logs */
	/* Starts carrying bytes both ways between fd and dest, and returns at
	 * once (called from the loop: it must not block). fd, a connected
	 * non-blocking, close-on-exec unix socket whose other end is the
	 * client's, is the tunnel's from then on; whatever the client writes
	 * before the far end is connected waits in the socket buffer. When the
	 * far end ends, or cannot be reached, the tunnel writes why into
	 * t->error (for a failure) and closes fd: the client sees the
	 * connection close. Returns 0, or -1 with a sentence in err when the
	 * tunnel cannot take it now (the transport then closes fd). */
	int (*open)(struct tunnel *t, const struct tunnel_dest *dest, int fd, char *err, size_t errlen);
};

struct tunnel {
	const struct tunnel_ops *ops;
	void *priv;         /* the tunnel's own state */
	char error[ERRLEN]; /* why the last connection through it failed; the transport clears it per connection */
	unsigned id;        /* the transport's: set on first use */
};

/* The tunnel is going away: the transport stops using it (its listening
 * sockets close). Whoever frees a tunnel calls this first. */
void transport_forget_tunnel(struct tunnel *t);
/* Closes every tunnel route and removes their private directory (at exit). */
void transport_cleanup(void);

/* Where an endpoint's requests go and how to reach and authenticate the
 * server and the client. Owned strings; the tunnel is borrowed (it outlives
 * the target). */
struct http_target {
	char *base_url;    /* "http://localhost" for unix sockets, "https://h:2376" */
	char *unix_socket; /* path, or NULL (through a tunnel: the path on the far side) */
	char *ca_file, *cert_file, *key_file;
	char *ca_pem, *cert_pem, *key_pem; /* the same as PEM text in memory (kubeconfig *-data) */
	char *proxy;       /* proxy URL, NULL = none (curl's environment rules otherwise); unused through a tunnel */
	char *auth_header; /* "Authorization: ..." sent with every request, NULL = none */
	char *connect_to;  /* "name:port:host:port": reach base_url's name at another host (tls-server-name) */
	bool insecure;     /* skip server certificate verification */
	char *display;     /* how errors name the endpoint: "unix:///run/docker.sock" */
	struct tunnel *tunnel; /* NULL: the kernel connects; else every connection goes through it */
};

void http_target_cleanup(struct http_target *t);

/* The far end a tunnel must reach for t: the unix socket path, else the
 * host and port connect_to names, else those of base_url. host is written
 * into hostbuf. 0, or -1 with a sentence when base_url has no host. */
int transport_dest(const struct http_target *t, struct tunnel_dest *d, char *hostbuf, size_t hostlen, char *err,
		   size_t errlen);

/* One connection attempt's transport state, owned by the request using it. */
struct transport_via;

/* Sets the connection options of t on a curl easy handle (a CURL *): TLS,
 * proxy, unix socket, connect-to, and for a tunnel the private unix socket
 * whose every connection the tunnel carries. Returns the state the request
 * keeps until it is freed (NULL when there is none to keep). */
struct transport_via *transport_apply(void *curl_easy, const struct http_target *t);
void transport_via_free(struct transport_via *v);
/* Why the tunnel could not carry this request's connection, or NULL. */
const char *transport_via_error(const struct transport_via *v);

#endif
