/* ecs.h: the Amazon ECS backend: one endpoint per AWS profile and region,
 * its clusters, services, tasks, container instances and task
 * definitions kept live by paced polling, with the operator's actions,
 * exec over the SSM data channel and CloudWatch logs. */
#ifndef BINNACLE_ECS_H
#define BINNACLE_ECS_H

#include "backends/backend.h"

extern const struct backend_ops ecs_backend;

#endif
