/* logs.c: placeholder */
#include "backends/ecs/internal.h"
void *ecs_logs(struct endpoint *ep, const char *kind, const char *id, const struct log_opts *o,
	       const struct log_sink *sink)
{
	(void)ep; (void)kind; (void)id; (void)o;
	sink->end(sink->arg, "not yet");
	return NULL;
}
void ecs_logs_stop(struct endpoint *ep, void *handle) { (void)ep; (void)handle; }
void ecs_logs_close_all(struct ecs *e) { (void)e; }
