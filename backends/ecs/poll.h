/* poll.h: what poll.c (the scheduler and the life of a round) and
 * poll_lists.c (what each list's round asks and keeps) share. A round
 * refreshes one list over the clusters in scope: it pages through the
 * List call of each cluster (nextToken until absent), describes in AWS's
 * batches (DescribeServices 10, DescribeTasks, DescribeContainerInstances
 * and DescribeClusters 100) only what changed or matters now, and at its
 * end the rows nothing listed are dropped. */
#ifndef BINNACLE_ECS_POLL_H
#define BINNACLE_ECS_POLL_H

#include "backends/ecs/internal.h"

struct rcall;
typedef void (*rcall_fn)(struct rcall *rc, const struct aws_response *r);

/* One call of a round, with what its answer needs. */
struct rcall {
	struct ecs_round *round;
	struct aws_call *call;
	rcall_fn done;
	char cluster[256];
	int stage;            /* tasks: 0 running, 1 stopped */
	char op[48];
	struct listguard_call lg; /* while a try is on the wire (e->lists) */
	struct rcall *next;
};

struct ecs_round {
	struct ecs *e;
	enum ecs_list list;
	unsigned gen;           /* the scope generation it started in */
	bool full;              /* describes everything it lists */
	bool failed;            /* a list call failed: keep the rows as they are */
	int outstanding;
	struct strset listed;   /* row ids listed */
	const char **clusters;  /* the clusters it covers (owned copies) */
	size_t nclusters;
	struct rcall *calls;    /* in flight */
	/* ids of a cluster waiting to be described, gathered while it lists */
	char **pending;
	size_t npending;
	char error[ERRLEN];
};

/* Sends op with body for the round; done runs with the answer unless the
 * round was dropped. cluster may be NULL. */
struct rcall *ecs_rcall(struct ecs_round *r, const char *cluster, int stage, const char *op, const char *body,
			rcall_fn done);
/* The answer failed: auth and transport failures end the endpoint's
 * liveness; others mark the round failed with the sentence. */
void ecs_rcall_failed(struct rcall *rc, const struct aws_response *r);
/* Whether id is on screen. */
bool ecs_visible(const struct ecs *e, const char *id);

/* The round bodies (poll_lists.c): start lists the first page(s). */
void ecs_round_services(struct ecs_round *r);
void ecs_round_tasks(struct ecs_round *r);
void ecs_round_nodes(struct ecs_round *r);
void ecs_round_taskdefs(struct ecs_round *r);
/* At a tasks round's end: containers of tasks no longer listed go. */
void ecs_round_tasks_end(struct ecs_round *r);
/* At an instances round's end: tasks name the EC2 instance they run on. */
void ecs_round_nodes_end(struct ecs_round *r);

/* The "nextToken" of an answer, or NULL. */
const char *ecs_next_token(const struct aws_response *r);

#endif
