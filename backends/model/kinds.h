/* kinds.h: the cell layout of every resource kind, shared by the backends
 * that fill rows and the views that show them. A kind's layout is the union of
 * what its backends know; a backend leaves the cells it has no data for unset
 * and the table hides columns that are empty on every row. */
#ifndef BINNACLE_KINDS_H
#define BINNACLE_KINDS_H

#define KIND_CONTAINERS "containers"
#define KIND_IMAGES "images"
#define KIND_NODES "nodes"
#define KIND_PODS "pods"
#define KIND_DEPLOYMENTS "deployments"
#define KIND_STATEFULSETS "statefulsets"
#define KIND_DAEMONSETS "daemonsets"
#define KIND_REPLICASETS "replicasets"
#define KIND_SERVICES "services"
#define KIND_NAMESPACES "namespaces"
#define KIND_EVENTS "events"

/* Kubernetes rows are keyed "namespace/name" ("name" for cluster-scoped
 * objects); label cells are "k=v,k=v" sorted by key, so a selector matches
 * when each of its k=v pairs is one of them. */

enum container_cell {
	CTR_NAME,     /* container name, no leading '/' */
	CTR_IMAGE,    /* image reference as given at create */
	CTR_STATE,    /* running, exited, created, paused, restarting, removing, dead */
	CTR_STATUS,   /* human status: "Up 3 minutes (healthy)", "Exited (0) 2 hours ago" */
	CTR_HEALTH,   /* healthy, unhealthy, starting, or unset */
	CTR_PORTS,    /* "0.0.0.0:8080->80/tcp, 443/tcp" */
	CTR_CREATED,  /* CELL_TIME */
	CTR_CPU,      /* CELL_PERMILLE, of one CPU (150% on two busy cores = 1500) */
	CTR_MEM,      /* CELL_BYTES, current usage */
	CTR_MEMLIMIT, /* CELL_BYTES, 0 = unlimited */
	CTR_ID,       /* 12-character short id */
	CTR_IMAGEID,  /* full image id (sha256:...), for drill-down from images */
	CTR_COMMAND,  /* command line */
	CTR_LABELS,   /* "k=v,k=v" */
	CTR_POD,      /* Kubernetes: "namespace/pod" the container belongs to */
	CTR_READY,    /* Kubernetes: "true"/"false" */
	CTR_RESTARTS, /* Kubernetes: CELL_INT restart count */
	CTR_NCELLS
};

enum image_cell {
	IMG_NAME,    /* repo:tag, "<none>:<none>" for dangling */
	IMG_ID,      /* 12-character short id */
	IMG_SIZE,    /* CELL_BYTES */
	IMG_CREATED, /* CELL_TIME */
	IMG_INUSE,   /* CELL_INT: containers using it (0 = unused), text "yes (3)"/"no" */
	IMG_FULLID,  /* sha256:... */
	IMG_DIGEST,  /* first repo digest */
	IMG_NCELLS
};

enum node_cell {
	NODE_NAME,
	NODE_STATUS,    /* Ready, NotReady, SchedulingDisabled... */
	NODE_ROLES,
	NODE_VERSION,   /* engine or kubelet version */
	NODE_OS,        /* "Debian GNU/Linux 12 (bookworm)" */
	NODE_KERNEL,
	NODE_ARCH,
	NODE_CPUS,      /* CELL_INT: CPU count (k8s: millicores in num, text "3.5") */
	NODE_MEM,       /* CELL_BYTES */
	NODE_WORKLOADS, /* CELL_INT running count, text "running/total" */
	NODE_AGE,       /* CELL_TIME: boot/creation time, unset when unknown */
	NODE_CPU_USAGE, /* CELL_PERMILLE: metrics.k8s.io usage over allocatable */
	NODE_MEM_USAGE, /* CELL_BYTES: metrics.k8s.io working set */
	NODE_IP,        /* InternalIP */
	NODE_LABELS,
	NODE_NCELLS
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
