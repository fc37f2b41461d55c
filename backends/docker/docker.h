/* docker.h: the Docker Engine API backend (Docker and Podman's compatible
 * API) over a unix socket or TCP with TLS. */
#ifndef BINNACLE_DOCKER_H
#define BINNACLE_DOCKER_H

#include "backends/backend.h"

extern const struct backend_ops docker_backend;

/* Highest Engine API version binnacle speaks; the engine's is used when lower. */
#define DOCKER_API_MAX "1.43"
#define DOCKER_API_MIN "1.24"

#endif
