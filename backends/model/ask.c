/* ask.c: the "ask the user" slot (see ask.h). */
#include "backends/model/ask.h"
#include "backends/util/util.h"

#include <stdlib.h>
#include <string.h>

static struct ask_handler handler;
static bool installed;

void ask_set_handler(const struct ask_handler *h)
{
	installed = h != NULL;
	if (h)
		handler = *h;
	else
		memset(&handler, 0, sizeof(handler));
}

bool ask_available(void)
{
	return installed;
}

static void ask_free(struct ask *q)
{
	free(q->title);
	free(q->question);
	free(q);
}

struct ask *ask_user(enum ask_kind kind, const char *title, const char *question, ask_done_fn done, void *arg)
{
	if (!installed)
		return NULL;
	struct ask *q = xcalloc(1, sizeof(*q));
	q->kind = kind;
	q->title = xstrdup(title);
	q->question = xstrdup(question);
	q->done = done;
	q->arg = arg;
	handler.show(handler.ui, q);
	return q;
}

void ask_withdraw(struct ask *q)
{
	if (!q)
		return;
	if (installed && handler.withdraw)
		handler.withdraw(handler.ui, q);
	ask_free(q);
}

void ask_answer(struct ask *q, bool yes, const char *secret)
{
	q->done(q->arg, yes, secret);
	ask_free(q);
}
