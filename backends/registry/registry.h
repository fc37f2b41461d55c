/* registry.h: the container registry backend (Docker Registry HTTP API v2
 * / OCI distribution): repositories and tags, live, pulled into engines. */
#ifndef BINNACLE_REGISTRY_H
#define BINNACLE_REGISTRY_H

#include "backends/backend.h"

extern const struct backend_ops registry_backend;
/* The same for Amazon ECR: its login and lists from the ECR API. */
extern const struct backend_ops ecr_backend;

#endif
