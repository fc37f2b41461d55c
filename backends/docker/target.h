/* target.h: where a Docker or Podman engine is and how to reach it: the
 * host URL and TLS settings turned into an HTTP target, and discovery of the
 * local runtime when nothing is configured. */
#ifndef BINNACLE_DOCKER_TARGET_H
#define BINNACLE_DOCKER_TARGET_H

#include "backends/backend.h"
#include "backends/net/http.h"

#define DOCKER_DEFAULT_SOCKET "/var/run/docker.sock"

/* Builds the HTTP target for cfg's host/tls options (unix://, tcp://,
 * http(s)://, ssh://, a bare /path). For ssh:// the target's tunnel is
 * made here and owned by the caller (ssh_tunnel_free). 0, or -1 with a
 * sentence. */
int docker_target_from_config(const struct endpoint_config *cfg, struct http_target *t, char *err,
			      size_t errlen);
/* For an ssh:// host: "[user@]host[:port]" (owned), where node shells on
 * the engine's host go; NULL for the other kinds of host. */
char *docker_ssh_dest(const char *host);
/* The endpoints found on this machine (see backend.h discover). */
size_t docker_discover(struct endpoint_config **cfgs);

#endif
