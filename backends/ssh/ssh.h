/* ssh.h: SSH as a transport any backend can use, with no ssh binary:
 * libssh2 on the event loop, OpenSSH's configuration and known_hosts, one
 * connection per host and jump chain shared by every endpoint and channel,
 * keepalives, and reconnects with backoff. A tunnel made here fills the
 * transport's tunnel slot (transport.h): each connection an endpoint makes
 * becomes a direct-tcpip or direct-streamlocal channel. Node shells run a
 * PTY session on a machine (nodeshell.h). Questions to the user (an
 * unknown host key, a passphrase) go through ask.h. */
#ifndef BINNACLE_SSH_H
#define BINNACLE_SSH_H

#include <stddef.h>

#include "backends/net/transport.h"

/* A tunnel through the SSH server dest ([user@]host[:port] or
 * ssh://[user@]host[:port], resolved by ~/.ssh/config), reached through
 * jumps (ProxyJump syntax: hop[,hop...]; NULL: the host's own ProxyJump).
 * No connection is made until the first one is carried. NULL with a
 * sentence. */
struct tunnel *ssh_tunnel_to(const char *dest, const char *jumps, char *err, size_t errlen);
/* A tunnel through the last of the hops of via, each reached through the
 * ones before it (the endpoint option `via:`). */
struct tunnel *ssh_tunnel_via(const char *via, char *err, size_t errlen);
/* Forgets the tunnel (transport_forget_tunnel included) and closes its
 * channels; the connection lives on while others use it. NULL is fine. */
void ssh_tunnel_free(struct tunnel *t);
/* Connections to the unix socket path (the engine's default, when the
 * configuration names none) reach the container engine socket the remote
 * host has: /var/run/docker.sock as the docker CLI would, else the remote
 * user's rootless Podman socket ($XDG_RUNTIME_DIR/podman/podman.sock),
 * else the rootful one (/run/podman/podman.sock). One command finds it, at
 * the first connection. */
void ssh_tunnel_find_engine(struct tunnel *t, const char *path);
/* "user@host:port" of the SSH server the tunnel goes through. */
const char *ssh_tunnel_name(const struct tunnel *t);

/* Closes every connection (at exit). */
void ssh_cleanup(void);
/* Connections open or remembered (tests, diagnostics). */
size_t ssh_connection_count(void);

#endif
