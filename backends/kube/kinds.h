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
/* The port-forwards this binnacle runs (portforward.c): local, not the server's. */
#define KIND_PORTFORWARDS "portforwards"

/* FWD_, not PF_: <sys/socket.h> has PF_LOCAL */
enum forward_cell {
	FWD_LOCAL,     /* "127.0.0.1:8080", the row's name */
	FWD_NAMESPACE,
	FWD_TARGET,    /* "pod/web-1", "svc/web -> pod/web-1" */
	FWD_PORT,      /* CELL_INT the pod's port */
	FWD_CONNS,     /* CELL_INT connections open now */
	FWD_TOTAL,     /* CELL_INT connections since it started */
	FWD_IN,        /* CELL_BYTES received from the pod */
	FWD_OUT,       /* CELL_BYTES sent to the pod */
	FWD_STATUS,    /* "listening", or why it stopped */
	FWD_AGE,       /* CELL_TIME started */
	FWD_NCELLS
};

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
	POD_PORTS,      /* the containers' ports, comma-separated: where a port-forward starts */
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
	WL_REVISION,   /* CELL_INT a deployment's deployment.kubernetes.io/revision */
	WL_HPA,        /* "NAME MIN MAX": the autoscaler that sets its replicas, if any (hpa.c) */
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

/* Kinds with no typed view (every other resource a cluster serves, CRDs
 * included) are listed as the server's own Table, so their columns are
 * exactly kubectl's. Cells 0-3 are what every object has, 4-7 facts some
 * action or colour needs (which ones depends on the resource), then the
 * server's columns, in its order. */
#define GT_MAXCOLS 16
enum table_cell {
	GT_NAME,
	GT_NAMESPACE,
	GT_LABELS,    /* "k=v,k=v" from the row's metadata */
	GT_AGE,       /* CELL_TIME creationTimestamp: the Age column, kept live */
	GT_AUX0,      /* per resource: a cronjob's Suspend, an autoscaler's Reference... */
	GT_AUX1,
	GT_AUX2,
	GT_STATUS,    /* the Status (or Phase) column's value, for its colour */
	GT_COL0,      /* the server's columns other than Name and Age */
	GT_NCELLS = GT_COL0 + GT_MAXCOLS
};

#endif
