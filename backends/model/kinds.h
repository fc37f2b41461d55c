/* kinds.h: the kinds that mean the same to an operator on every backend
 * (nodes, containers, images) and their cell layouts, shared by the backends
 * that fill rows and the views that show them. A shared kind's layout is the
 * union of what its backends know; a backend leaves the cells it has no data
 * for unset and the table hides columns that are empty on every row. Kinds of
 * one backend only are declared in that backend's folder. */
#ifndef BINNACLE_KINDS_H
#define BINNACLE_KINDS_H

#define KIND_CONTAINERS "containers"
#define KIND_IMAGES "images"
#define KIND_NODES "nodes"

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
	CTR_DIGEST,   /* the content digests its image is known by, space-separated
		       * ("sha256:..."; Docker: the image's RepoDigests, Kubernetes:
		       * the status's imageID, ECS: imageDigest); unset when unknown */
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
	IMG_DIGESTS, /* every repo digest, space-separated */
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
	NODE_PRESSURE,  /* conditions that say trouble: "MemoryPressure,DiskPressure"; unset when none */
	NODE_NCELLS
};

#endif
