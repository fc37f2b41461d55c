/* target.h: where a Docker or Podman engine is and how to reach it: the
 * host URL and TLS settings turned into an HTTP target, and discovery of the
 * local runtime when nothing is configured. */
#ifndef BINNACLE_DOCKER_TARGET_H
#define BINNACLE_DOCKER_TARGET_H

#include "backends/backend.h"
#include "backends/net/http.h"

/* Builds the HTTP target for cfg's host/tls options (unix://, tcp://,
 * http(s)://, a bare /path). 0, or -1 with a sentence. */
int docker_target_from_config(const struct endpoint_config *cfg, struct http_target *t, char *err,
			      size_t errlen);
/* The endpoints found on this machine (see backend.h discover). */
size_t docker_discover(struct endpoint_config **cfgs);

#endif
