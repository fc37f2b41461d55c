/* exec.c: placeholder */
#include "backends/ecs/internal.h"
void ecs_exec(struct endpoint *ep, const char *kind, const char *id, const struct exec_opts *o,
	      void (*done)(void *arg, struct bstream *s, const char *error), void *arg)
{
	(void)ep; (void)kind; (void)id; (void)o;
	done(arg, NULL, "not yet");
}
