/* kinds.h: the Amazon ECS backend's own kinds and their cell layouts,
 * shared by the decoders that fill rows and the views that show them.
 * Kinds are prefixed "ecs-" so none can be mistaken for a Kubernetes one.
 * Row ids: a cluster by its name; a service "cluster/service"; a task
 * "cluster/taskid"; a task definition "family:revision"; a service event
 * "cluster/service/eventid". The shared kinds it fills: nodes (container
 * instances, "cluster/instanceid") and containers ("cluster/taskid/name",
 * CTR_POD holding the task's row id). */
#ifndef BINNACLE_ECS_KINDS_H
#define BINNACLE_ECS_KINDS_H

#include "backends/model/kinds.h"

#define KIND_ECS_CLUSTERS "ecs-clusters"
#define KIND_ECS_SERVICES "ecs-services"
#define KIND_ECS_TASKS "ecs-tasks"
#define KIND_ECS_TASKDEFS "ecs-taskdefs"
#define KIND_ECS_EVENTS "ecs-events"

enum ecs_cluster_cell {
	ECL_NAME,
	ECL_STATUS,    /* ACTIVE, PROVISIONING, DEPROVISIONING, FAILED, INACTIVE */
	ECL_RUNNING,   /* CELL_INT running tasks */
	ECL_PENDING,   /* CELL_INT pending tasks */
	ECL_SERVICES,  /* CELL_INT active services */
	ECL_INSTANCES, /* CELL_INT registered container instances */
	ECL_CAPACITY,  /* "EC2,FARGATE,FARGATE_SPOT": what its tasks run on */
	ECL_ARN,
	ECL_NCELLS
};

enum ecs_service_cell {
	ESV_NAME,
	ESV_CLUSTER,     /* the scope */
	ESV_STATUS,      /* ACTIVE, DRAINING, INACTIVE */
	ESV_TASKS,       /* CELL_INT running, text "running/desired" */
	ESV_DESIRED,     /* CELL_INT */
	ESV_PENDING,     /* CELL_INT */
	ESV_LAUNCH,      /* EC2, FARGATE, or the capacity provider strategy "FARGATE_SPOT:3,FARGATE:1" */
	ESV_TASKDEF,     /* "web:12" of the service */
	ESV_ROLLOUT,     /* the primary deployment's rolloutState: COMPLETED, IN_PROGRESS, FAILED */
	ESV_DEPLOYMENTS, /* CELL_INT deployments (more than 1: one is in flight) */
	ESV_EXEC,        /* "yes" when enableExecuteCommand, else "no" */
	ESV_AGE,         /* CELL_TIME createdAt */
	ESV_ARN,
	ESV_ROLLOUT_REASON, /* the primary deployment's rolloutStateReason */
	ESV_NCELLS
};

enum ecs_task_cell {
	ETK_ID,        /* the task id (last part of its ARN) */
	ETK_CLUSTER,   /* the scope */
	ETK_SERVICE,   /* the service of group "service:NAME", else the group */
	ETK_LAST,      /* lastStatus: PROVISIONING ... RUNNING ... STOPPED */
	ETK_DESIRED,   /* desiredStatus */
	ETK_HEALTH,    /* HEALTHY, UNHEALTHY, UNKNOWN */
	ETK_LAUNCH,    /* EC2, FARGATE (EXTERNAL) */
	ETK_TASKDEF,   /* "web:12" */
	ETK_CPU,       /* CELL_INT CPU units, text as given ("256", ".25 vCPU") */
	ETK_MEM,       /* CELL_BYTES memory (MiB given), text "512MiB" */
	ETK_IP,        /* the private IPv4 address */
	ETK_AZ,        /* availability zone */
	ETK_HOST,      /* the EC2 instance it runs on, or "Fargate 1.4.0" */
	ETK_STARTED,   /* CELL_TIME startedAt */
	ETK_STOPPED,   /* CELL_TIME stoppedAt (stopping) */
	ETK_STOP_CODE, /* EssentialContainerExited, TaskFailedToStart, UserInitiated... */
	ETK_REASON,    /* stoppedReason */
	ETK_EXEC,      /* "yes" when enableExecuteCommand */
	ETK_AGENTS,    /* the ExecuteCommandAgent of each container: "web=RUNNING,envoy=STOPPED" */
	ETK_CONTAINERS, /* container names, comma-separated */
	ETK_INSTANCE,  /* the container instance id (nodes drill here) */
	ETK_ARN,
	ETK_NCELLS
};

enum ecs_taskdef_cell {
	ETD_NAME,       /* "family:revision" */
	ETD_STATUS,     /* ACTIVE, INACTIVE, DELETE_IN_PROGRESS */
	ETD_CONTAINERS, /* container names */
	ETD_IMAGES,     /* images, comma-separated */
	ETD_CPU,        /* CELL_INT task CPU units */
	ETD_MEM,        /* CELL_BYTES task memory */
	ETD_COMPAT,     /* requiresCompatibilities (else compatibilities): "EC2,FARGATE" */
	ETD_NETWORK,    /* networkMode */
	ETD_REGISTERED, /* CELL_TIME registeredAt */
	ETD_FAMILY,
	ETD_REVISION,   /* CELL_INT */
	ETD_LOGS,       /* where each container's logs go: "web=awslogs:/ecs/web:ecs" */
	ETD_NCELLS
};

enum ecs_event_cell {
	EEV_MESSAGE,
	EEV_TIME,    /* CELL_TIME createdAt */
	EEV_SERVICE, /* the service's row id "cluster/service": what `e` narrows by */
	EEV_CLUSTER, /* the scope */
	EEV_NAME,    /* the service's name */
	EEV_NCELLS
};

#endif
