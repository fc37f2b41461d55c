/* kinds.h: the Kubernetes kinds of one backend only (pods, workloads,
 * services, namespaces, events) and their cell layouts, shared by the
 * decoders that fill rows and the views that show them. Rows are keyed
 * "namespace/name" ("name" for cluster-scoped objects); label cells are
 * "k=v,k=v" sorted by key, so a selector matches when each of its k=v pairs
 * is one of them. */
#ifndef BINNACLE_KUBE_KINDS_H
#define BINNACLE_KUBE_KINDS_H

#include "backends/model/kinds.h"

#define KIND_PODS "pods"
#define KIND_DEPLOYMENTS "deployments"
#define KIND_STATEFULSETS "statefulsets"
#define KIND_DAEMONSETS "daemonsets"
#define KIND_REPLICASETS "replicasets"
#define KIND_SERVICES "services"
#define KIND_NAMESPACES "namespaces"
#define KIND_EVENTS "events"

enum pod_cell {
	POD_NAME,
	POD_NAMESPACE,
	POD_READY,      /* CELL_INT ready containers, text "1/2" */
	POD_STATUS,     /* as kubectl shows it: Running, CrashLoopBackOff, Terminating, Completed... */
	POD_RESTARTS,   /* CELL_INT, text "3 (2m ago)" like kubectl */
	POD_AGE,        /* CELL_TIME creationTimestamp */
	POD_IP,
	POD_NODE,
	POD_LABELS,
	POD_OWNER,      /* "ReplicaSet/web-7d9f" */
	POD_CONTAINERS, /* container names, comma-separated, init containers excluded */
	POD_CPU,        /* CELL_PERMILLE of one CPU, from metrics.k8s.io */
	POD_MEM,        /* CELL_BYTES working set, from metrics.k8s.io */
	POD_PHASE,      /* status.phase: Pending, Running, Succeeded, Failed, Unknown */
	POD_LAST_RESTART, /* CELL_TIME: when a container last restarted; unset when none did */
	POD_IMAGE,      /* the first container's image, as the spec names it */
	POD_DIGESTS,    /* the registry digests of its containers' images (status imageID), space-separated */
	POD_NCELLS
};

/* Deployments, statefulsets, daemonsets and replicasets share one layout. */
enum workload_cell {
	WL_NAME,
	WL_NAMESPACE,
	WL_READY,      /* CELL_INT ready, text "2/3" */
	WL_DESIRED,    /* CELL_INT spec.replicas (daemonsets: desiredNumberScheduled) */
	WL_CURRENT,    /* CELL_INT status.replicas (daemonsets: currentNumberScheduled) */
	WL_UPTODATE,   /* CELL_INT updatedReplicas (daemonsets: updatedNumberScheduled) */
	WL_AVAILABLE,  /* CELL_INT availableReplicas (daemonsets: numberAvailable) */
	WL_AGE,        /* CELL_TIME */
	WL_SELECTOR,   /* spec.selector.matchLabels as "k=v,k=v" */
	WL_IMAGES,     /* container images, comma-separated */
	WL_CONTAINERS, /* container names, comma-separated */
	WL_NCELLS
};

enum service_cell {
	SVC_NAME,
	SVC_NAMESPACE,
	SVC_TYPE,
	SVC_CLUSTER_IP,
	SVC_EXTERNAL_IP,
	SVC_PORTS,     /* "80/TCP,443:30443/TCP" like kubectl */
	SVC_AGE,
	SVC_SELECTOR,
	SVC_NCELLS
};

enum namespace_cell {
	NS_NAME,
	NS_STATUS,
	NS_AGE,
	NS_LABELS,
	NS_NCELLS
};

enum event_cell {
	EV_NAME,      /* the Event object's own name */
	EV_NAMESPACE,
	EV_LAST,      /* CELL_TIME lastTimestamp (or eventTime, or creation) */
	EV_TYPE,      /* Normal, Warning */
	EV_REASON,
	EV_OBJECT,    /* "pod/web-1" as kubectl shows it */
	EV_MESSAGE,
	EV_COUNT,     /* CELL_INT */
	EV_INVOLVED,  /* "Kind/namespace/name": what drill-down to events matches */
	EV_NCELLS
};

#endif
