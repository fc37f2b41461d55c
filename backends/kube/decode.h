/* decode.h: turns Kubernetes API objects (list items, watch event objects,
 * metrics.k8s.io lists) into resource-store rows. Pure functions of their
 * input: no I/O, no curl, so every payload shape can be unit-tested from
 * fixtures. The caller parses the body and frees the JSON tree; rows keep
 * only the compact cells of kinds.h. */
#ifndef BINNACLE_KUBE_DECODE_H
#define BINNACLE_KUBE_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct rtable;
struct row;
struct jnode;

/* Upserts one object (a list item, which has no kind/apiVersion, or a watch
 * event's object) of `kind` (KIND_PODS, KIND_DEPLOYMENTS, KIND_STATEFULSETS,
 * KIND_DAEMONSETS, KIND_REPLICASETS, KIND_SERVICES, KIND_NAMESPACES,
 * KIND_EVENTS, KIND_NODES) into its table (store_table(s, kind, NCELLS)).
 * Row id: "namespace/name" for namespaced objects, "name" for nodes and
 * namespaces. Pods leave POD_CPU/POD_MEM (metrics) alone and do not touch the
 * containers table or NODE_WORKLOADS: call kube_decode_pod_containers and
 * kube_decode_refresh_node_pods for that (the latter once per batch, since it
 * walks every pod). Returns 0, or -1 with an error sentence when the object
 * lacks metadata.name or the kind is not one of these. */
int kube_decode_object(struct store *s, const char *kind, const struct jnode *obj, char *err, size_t errlen);
/* The same into the store table named table (health's own tables). */
int kube_decode_into(struct store *s, const char *table, const char *kind, const struct jnode *obj, char *err,
		     size_t errlen);

/* The row id the object would get (for DELETED events) into out; "" when it
 * has no metadata.name. */
void kube_decode_row_id(const char *kind, const struct jnode *obj, char *out, size_t outlen);

/* Pod STATUS exactly as kubectl prints it (port of printPod in
 * pkg/printers/internalversion/printers.go): status.reason, init containers
 * ("Init:1/2", "Init:CrashLoopBackOff", "Init:Error", "Init:Signal:9"),
 * container waiting and terminated reasons, "Signal:N"/"ExitCode:N",
 * "Completed", "NotReady", "SchedulingGated", "Terminating", and "Unknown" for
 * a deleted pod on a lost node. *ready and *total are the READY counts (restartable
 * init containers, i.e. sidecars, count), *restarts the RESTARTS count and
 * *last_restart the Unix time of the last restart (0 = unknown). Any output
 * pointer may be NULL. */
void kube_pod_status(const struct jnode *pod, char *out, size_t outlen, int *ready, int *total, int *restarts,
		     int64_t *last_restart);

/* Node STATUS as kubectl prints it: "Ready", "NotReady" or "Unknown" (no
 * Ready condition), plus ",SchedulingDisabled" when spec.unschedulable. */
void kube_node_status(const struct jnode *node, char *out, size_t outlen);
/* The node's conditions other than Ready that are True, comma-separated
 * ("MemoryPressure,DiskPressure"); "" when none. */
void kube_node_pressure(const struct jnode *node, char *out, size_t outlen);
/* Node ROLES as kubectl prints them: node-role.kubernetes.io/<role> and
 * kubernetes.io/role=<role> labels, sorted and comma-joined ("control-plane,
 * master"), or "<none>". */
void kube_node_roles(const struct jnode *node, char *out, size_t outlen);

/* The pod's containers (init containers first, then the others) as rows of
 * KIND_CONTAINERS: id "ns/pod/container", CTR_POD "ns/pod", CTR_NAME,
 * CTR_IMAGE, CTR_STATE running/waiting/terminated, CTR_STATUS the reason or
 * "Running"/"Completed", CTR_READY "true"/"false", CTR_RESTARTS, CTR_CREATED
 * (startedAt), CTR_ID (12 characters of the runtime's id). Containers the pod
 * had at the previous call and no longer has (a pod recreated under the same
 * name) are deleted; the previous set is kept in a private table,
 * KUBE_TABLE_POD_CONTAINERS, so that costs no walk of the containers table. */
void kube_decode_pod_containers(struct store *s, const struct jnode *pod);
/* Deletes the container rows of pod "ns/name" (a DELETED event). */
void kube_decode_forget_pod(struct store *s, const char *pod_id);
/* Forgets the containers of every pod that is no longer a live row of the
 * pods table: call after a relist of pods has swept. */
void kube_decode_prune_containers(struct store *s);
#define KUBE_TABLE_POD_CONTAINERS "kube.pod-containers"

/* Kubernetes quantities (resource.Quantity: "250m", "1.5", "2500000n",
 * "123Mi", "1Gi", "1048576", "1e3", "12k") as millicores (rounded up, as
 * Quantity.MilliValue does) and as bytes (rounded up, as Value does). -1 for
 * a malformed or negative quantity; huge values saturate at INT64_MAX. */
int64_t kube_quantity_cpu_milli(const char *q);
int64_t kube_quantity_bytes(const char *q);

/* A metrics.k8s.io PodMetricsList: POD_CPU (CELL_PERMILLE of one CPU, that
 * is millicores, text "250m" as kubectl top) and POD_MEM (CELL_BYTES) of each
 * listed pod, summed over its containers, plus CTR_CPU/CTR_MEM of the
 * containers' rows when they exist. Pods the list leaves out lose both cells
 * (the list is taken as complete for the pods table). Metrics for a pod not in
 * the pods table are ignored. Returns the number of pods updated, -1 when list
 * is not a list. */
int kube_decode_pod_metrics(struct store *s, const struct jnode *list);
/* A metrics.k8s.io NodeMetricsList: NODE_CPU_USAGE (CELL_PERMILLE of one
 * CPU: used millicores, text "250m (12%)" with the share of allocatable) and
 * NODE_MEM_USAGE (CELL_BYTES, text "1.2GiB (40%)"). Nodes the list leaves out
 * lose both cells. Returns the number of nodes updated, -1 when not a list. */
int kube_decode_node_metrics(struct store *s, const struct jnode *list);

/* NODE_WORKLOADS of every node row (engine rows excepted): the live pods of
 * the pods table on that node, num = pods in phase Running, text
 * "running/total". Cleared until the pods table has been listed once. */
void kube_decode_refresh_node_pods(struct store *s);
/* The same from the pods of the store table named pods_table. */
void kube_decode_count_node_pods(struct store *s, const char *pods_table);

/* ---- helpers shared by the decode files (field readers are in jdoc.h) ---- */

/* The named field of every object in arr, comma-joined; owned, NULL when none. */
char *kube_join_field(const struct jnode *arr, const char *key);
/* The registry digest of a container status's imageID, or NULL (decode_pods.c). */
const char *kube_image_digest(const char *image_id);
/* Sets a CELL_TIME cell from an RFC 3339 field, or clears it. */
void kube_set_time(struct store *s, struct rtable *t, struct row *r, int idx, const struct jnode *o,
		   const char *key);
/* Sets a count cell (CELL_INT; text NULL shows the number). */
void kube_set_count(struct store *s, struct rtable *t, struct row *r, int idx, int64_t n, const char *text);

/* Per-kind upserts into table t behind kube_decode_into (obj has metadata.name). */
void kube_decode_pod(struct store *s, struct rtable *t, const struct jnode *pod, const char *id);
void kube_decode_workload(struct store *s, struct rtable *t, const char *kind, const struct jnode *obj,
			  const char *id);
void kube_decode_service(struct store *s, struct rtable *t, const struct jnode *svc, const char *id);
void kube_decode_namespace(struct store *s, struct rtable *t, const struct jnode *ns, const char *id);
void kube_decode_event(struct store *s, struct rtable *t, const struct jnode *ev, const char *id);
void kube_decode_node(struct store *s, struct rtable *t, const struct jnode *node, const char *id);

#endif
