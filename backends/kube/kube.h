/* kube.h: the Kubernetes backend: one endpoint per kubeconfig context,
 * kept live by paged lists and watches, with the operator's actions. */
#ifndef BINNACLE_KUBE_H
#define BINNACLE_KUBE_H

#include "backends/backend.h"

extern const struct backend_ops kube_backend;

#endif
