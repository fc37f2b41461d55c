/* decode.h: ECS API objects (DescribeClusters, DescribeServices,
 * DescribeTasks, DescribeContainerInstances, DescribeTaskDefinition) into
 * rows of the store, one object at a time, so a page's JSON tree is freed
 * as soon as its rows are taken. Pure: no I/O, testable on the reference
 * payloads. Timestamps are epoch seconds with fractions, as JSON 1.1 sends
 * them. ARNs of both formats (with and without the cluster) are read. */
#ifndef BINNACLE_ECS_DECODE_H
#define BINNACLE_ECS_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/model/store.h"

struct json_object;

/* The part after the last '/' of an ARN (a task id, a service name); a
 * pointer into arn; arn itself when it has no '/'. */
const char *ecs_arn_last(const char *arn);
/* "family:revision" of a task definition ARN (or the text as given). */
const char *ecs_taskdef_short(const char *arn);
/* The cluster name in a cluster ARN ("...:cluster/NAME"), or in a resource
 * ARN that carries it ("...:service/CLUSTER/NAME"); "" when it has none. */
void ecs_arn_cluster(const char *arn, char *out, size_t outlen);

/* What the poller keeps of a cluster between rounds. */
struct ecs_cluster_info {
	char name[256];
	char status[24];
	int64_t running, pending, services, instances;
};

/* A cluster into KIND_ECS_CLUSTERS; info gets its counts. false when the
 * object has no name. */
bool ecs_decode_cluster(struct store *s, struct json_object *c, struct ecs_cluster_info *info);

/* A service into KIND_ECS_SERVICES; its row id into id. *steady: running
 * equals desired, nothing pending, one deployment, no rollout in progress
 * (nothing to watch closely). false when the object has no name. */
bool ecs_decode_service(struct store *s, struct json_object *svc, char *id, size_t idlen, bool *steady);
/* The service's events (newest first, at most max) into KIND_ECS_EVENTS;
 * events of that service no longer in the list are deleted. */
void ecs_decode_service_events(struct store *s, struct json_object *svc, size_t max);

/* A task into KIND_ECS_TASKS and, when containers, its containers into
 * KIND_CONTAINERS. hosts maps a container instance id to its EC2 instance
 * (the nodes table, may be NULL). *final: STOPPED (never changes again). */
bool ecs_decode_task(struct store *s, struct json_object *t, bool containers, const struct rtable *hosts, char *id,
		     size_t idlen, bool *final);

/* A container instance of cluster into KIND_NODES. */
bool ecs_decode_container_instance(struct store *s, const char *cluster, struct json_object *ci);

/* A task definition (the object inside DescribeTaskDefinition's answer)
 * into KIND_ECS_TASKDEFS. */
bool ecs_decode_taskdef(struct store *s, struct json_object *td);
/* A bare row for a task definition ARN the list named, before it is
 * described ("family:revision", family and revision). */
void ecs_decode_taskdef_arn(struct store *s, const char *arn);

/* Where a container's logs go, from a task definition's container
 * definition: "awslogs:GROUP:PREFIX:REGION" (PREFIX and REGION may be
 * empty), "DRIVER" for another driver, "" when none is set. Owned. */
char *ecs_log_config(struct json_object *container_def);

#endif
