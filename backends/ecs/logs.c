/* logs.c: ECS logs in the log viewer. Where a container's logs go is in its
 * task definition (described once and kept: a revision never changes):
 * for the awslogs driver, its CloudWatch Logs stream PREFIX/CONTAINER/TASK
 * in its group (and region) is read with GetLogEvents, the last lines
 * first, then followed with the forward token every couple of seconds. A
 * service's logs are those of its tasks merged by time, each line
 * prefixed with the task id (and the container when a task has several);
 * other drivers are named with where their logs go. */
#include "backends/ecs/internal.h"
#include "backends/codec/jsonget.h"
#include "backends/ecs/kinds.h"
#include "backends/util/log.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FOLLOW_MS 2000
#define MAX_STREAMS 24
#define MAX_EVENTS 10000 /* GetLogEvents' limit */

struct lstream {
	struct elogs *l;
	char task[64], container[128], prefix[200];
	char *group, *stream, *token;
	struct aws_client *client;   /* another region's (owned), or NULL for the endpoint's */
	struct aws_call *call;
	bool missing_said, done_first;
};

struct defcall {
	struct elogs *l;
	struct ecs_xcall *call; /* NULL once answered */
};

struct lsevent {
	int64_t ms;
	const char *prefix;
	char *message;
};

struct elogs {
	struct ecs *e;           /* NULL once the endpoint closed */
	struct log_sink sink;
	struct log_opts o;
	char container[128];
	bool ended;
	struct lstream *s;
	size_t n;
	/* waiting for task definitions before the streams are known */
	char **taskdefs;
	size_t ntaskdefs, pending_defs;
	struct defcall *defcalls;
	struct ecs_xcall *tasks_call;
	char **arns; /* a service's tasks, listed */
	size_t narns;
	bool listed_stopped;
	/* a round of reads: all streams answer, then the lines go out in time order */
	int outstanding;
	struct lsevent *events;
	size_t nevents;
	struct timer *tick;
	/* what to read: task id -> its row's parts */
	char cluster[256], service[256], task[64];
	bool per_service;
	struct elogs *next;
};

static void emit(struct elogs *l, int stream, const char *text)
{
	char stamp[40];
	time_t t = (time_t)wall_s();
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ ", &tm);
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "%s%s\n", stamp, text);
	l->sink.data(l->sink.arg, stream, b.data, b.len);
	buf_cleanup(&b);
}

static void end(struct elogs *l, const char *error)
{
	if (l->ended)
		return;
	l->ended = true;
	timer_disarm(l->tick);
	l->sink.end(l->sink.arg, error);
}

static int event_cmp(const void *a, const void *b)
{
	const struct lsevent *x = a, *y = b;
	return x->ms < y->ms ? -1 : x->ms > y->ms;
}

/* Every stream answered: the lines in time order, then the next round. */
static void flush_round(struct elogs *l)
{
	if (l->nevents)
		qsort(l->events, l->nevents, sizeof(*l->events), event_cmp);
	size_t first = 0;
	if (!l->o.follow || l->o.tail >= 0) {
		/* the first round asked each stream for tail lines: keep tail in all */
		bool firsts = false;
		for (size_t i = 0; i < l->n; i++)
			firsts = firsts || !l->s[i].done_first;
		if (firsts && l->o.tail >= 0 && l->nevents > (size_t)l->o.tail)
			first = l->nevents - (size_t)l->o.tail;
	}
	for (size_t i = 0; i < l->nevents; i++) {
		struct lsevent *ev = &l->events[i];
		if (i >= first) {
			char stamp[40];
			time_t t = (time_t)(ev->ms / 1000);
			struct tm tm;
			gmtime_r(&t, &tm);
			size_t k = strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
			snprintf(stamp + k, sizeof(stamp) - k, ".%03dZ ", (int)(ev->ms % 1000));
			struct buf b;
			buf_init(&b);
			/* a message may hold several lines: each gets the stamp and prefix */
			for (const char *p = ev->message; *p;) {
				size_t len = strcspn(p, "\n");
				buf_printf(&b, "%s%s%.*s\n", stamp, ev->prefix, (int)len, p);
				p += len;
				if (*p == '\n')
					p++;
			}
			l->sink.data(l->sink.arg, 1, b.data ? b.data : "", b.len);
			buf_cleanup(&b);
		}
		free(ev->message);
	}
	free(l->events);
	l->events = NULL;
	l->nevents = 0;
	for (size_t i = 0; i < l->n; i++)
		l->s[i].done_first = true;
	if (l->o.follow)
		timer_arm(l->tick, FOLLOW_MS);
	else
		end(l, NULL);
}

static void read_stream(struct lstream *s);

static void on_events(void *arg, const struct aws_response *r)
{
	struct lstream *s = arg;
	struct elogs *l = s->l;
	s->call = NULL;
	if (r->error) {
		if (r->code && !strcmp(r->code, "ResourceNotFoundException")) {
			if (!s->missing_said) {
				char note[400];
				snprintf(note, sizeof(note), "%sno log stream %s in %s yet", s->prefix, s->stream, s->group);
				emit(l, 3, note);
				s->missing_said = true;
			}
		} else {
			char note[ERRLEN + 200];
			snprintf(note, sizeof(note), "%s%s", s->prefix, r->error);
			emit(l, 3, note);
		}
	} else {
		json_object *evs = jsonget_arr(r->json, "events");
		for (size_t i = 0; i < jsonget_len(evs); i++) {
			json_object *ev = jsonget_idx(evs, i);
			const char *msg = jsonget_str(ev, "message");
			int64_t ms = 0;
			jsonget_int(ev, "timestamp", &ms);
			l->events = xrealloc(l->events, (l->nevents + 1) * sizeof(*l->events));
			l->events[l->nevents++] = (struct lsevent){ms, s->prefix, xstrdup(msg ? msg : "")};
		}
		const char *next = jsonget_str(r->json, "nextForwardToken");
		if (next) {
			free(s->token);
			s->token = xstrdup(next);
		}
	}
	if (--l->outstanding == 0)
		flush_round(l);
}

static void read_stream(struct lstream *s)
{
	struct elogs *l = s->l;
	char *g = ecs_json_str(s->group), *st = ecs_json_str(s->stream);
	char *body;
	if (s->token) {
		char *t = ecs_json_str(s->token);
		body = xasprintf("{\"logGroupName\":%s,\"logStreamName\":%s,\"nextToken\":%s,\"startFromHead\":true}", g, st, t);
		free(t);
	} else {
		int limit = l->o.tail < 0 || l->o.tail > MAX_EVENTS ? MAX_EVENTS : l->o.tail < 1 ? 1 : l->o.tail;
		/* the last lines first: from the end, without a token */
		body = xasprintf("{\"logGroupName\":%s,\"logStreamName\":%s,\"limit\":%d,\"startFromHead\":false}", g, st,
				 limit);
	}
	l->outstanding++;
	s->call = aws_call_json(s->client ? s->client : l->e->aws, &aws_svc_logs, "GetLogEvents", body, 0, on_events, s);
	free(body);
	free(g);
	free(st);
}

static void on_tick(void *arg)
{
	struct elogs *l = arg;
	if (!l->e || l->ended)
		return;
	l->outstanding++; /* held while the reads go out */
	for (size_t i = 0; i < l->n; i++)
		if (l->s[i].group)
			read_stream(&l->s[i]);
	if (--l->outstanding == 0)
		flush_round(l);
}

/* ---- which streams ---- */

/* "web=awslogs:/ecs/web:ecs:us-east-1,envoy=..." -> the part for container. */
static char *log_config_of(const char *logs, const char *container)
{
	size_t n = strlen(container);
	for (const char *p = logs; p && *p;) {
		size_t len = strcspn(p, ",");
		if (len > n && !strncmp(p, container, n) && p[n] == '=')
			return xstrndup(p + n + 1, len - n - 1);
		p += len;
		if (*p == ',')
			p++;
	}
	return NULL;
}

static const struct row *taskdef_row(struct ecs *e, const char *name)
{
	struct rtable *t = store_find_table(e->ep->store, KIND_ECS_TASKDEFS);
	const struct row *r = t ? rtable_find(t, name) : NULL;
	return r && *row_text(r, ETD_LOGS) ? r : NULL;
}

static void add_stream(struct elogs *l, const struct row *task, const char *container, bool many)
{
	struct ecs *e = l->e;
	const struct row *td = taskdef_row(e, row_text(task, ETK_TASKDEF));
	char *lc = td ? log_config_of(row_text(td, ETD_LOGS), container) : NULL;
	char prefix[200];
	const char *tid = row_text(task, ETK_ID);
	if (l->per_service && many)
		snprintf(prefix, sizeof(prefix), "[%.8s %s] ", tid, container);
	else if (l->per_service)
		snprintf(prefix, sizeof(prefix), "[%.8s] ", tid);
	else if (many)
		snprintf(prefix, sizeof(prefix), "[%s] ", container);
	else
		prefix[0] = '\0';
	char note[600];
	if (!lc || !*lc) {
		snprintf(note, sizeof(note), "%scontainer %s has no log driver set: its output stays on the instance that ran it",
			 prefix, container);
		emit(l, 3, note);
	} else if (!str_starts(lc, "awslogs:")) {
		snprintf(note, sizeof(note), "%scontainer %s logs with the %s driver%s: read them where it sends them", prefix,
			 container, lc, !strcmp(lc, "awsfirelens") ? " (FireLens: its Fluent Bit or Fluentd configuration names the destination)" : "");
		emit(l, 3, note);
	} else if (l->n < MAX_STREAMS) {
		/* awslogs:GROUP:PREFIX:REGION */
		char *group = lc + 8, *sp = strchr(group, ':'), *region = sp ? strchr(sp + 1, ':') : NULL;
		if (sp)
			*sp = '\0';
		if (region)
			*region++ = '\0';
		const char *stream_prefix = sp ? sp + 1 : "";
		if (!*stream_prefix) {
			snprintf(note, sizeof(note), "%scontainer %s logs to %s without an awslogs-stream-prefix: its stream is "
						     "named after the container's id, which ECS does not tell",
				 prefix, container, group);
			emit(l, 3, note);
		} else {
			struct lstream *s = &l->s[l->n++];
			memset(s, 0, sizeof(*s));
			s->l = l;
			snprintf(s->task, sizeof(s->task), "%s", tid);
			snprintf(s->container, sizeof(s->container), "%s", container);
			snprintf(s->prefix, sizeof(s->prefix), "%s", prefix);
			s->group = xstrdup(group);
			s->stream = xasprintf("%s/%s/%s", stream_prefix, container, tid);
			const char *mine = aws_client_region(e->aws);
			if (region && *region && mine && strcmp(region, mine)) {
				char err[ERRLEN];
				struct aws_client_opts o = {.profile = e->profile_opt, .explicit_profile = e->profile_opt != NULL,
							    .region = region, .label = e->ep->name};
				s->client = aws_client_new(&o, err, sizeof(err));
			}
		}
	}
	free(lc);
}

static void add_task(struct elogs *l, const struct row *task)
{
	const char *names = row_text(task, ETK_CONTAINERS);
	bool many = strchr(names, ',') != NULL;
	for (const char *p = names; *p;) {
		size_t len = strcspn(p, ",");
		char c[128];
		snprintf(c, sizeof(c), "%.*s", (int)len, p);
		if (!l->container[0] || !strcmp(l->container, c))
			add_stream(l, task, c, many && !l->container[0]);
		p += len;
		if (*p == ',')
			p++;
	}
}

/* The tasks whose logs are read (a service's: its newest, running first). */
static size_t tasks_of(struct elogs *l, const struct row **out, size_t max)
{
	struct rtable *t = store_find_table(l->e->ep->store, KIND_ECS_TASKS);
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; t && i < t->len && n < max; i++) {
			const struct row *r = t->rows[i];
			if (r->gone_ms || strcmp(row_text(r, ETK_CLUSTER), l->cluster))
				continue;
			bool match = l->per_service ? !strcmp(row_text(r, ETK_SERVICE), l->service)
						    : !strcmp(row_text(r, ETK_ID), l->task);
			bool running = strcmp(row_text(r, ETK_LAST), "STOPPED") != 0;
			if (match && running == (pass == 0))
				out[n++] = r;
		}
	return n;
}

static void start_streams(struct elogs *l)
{
	const struct row *tasks[MAX_STREAMS];
	size_t n = tasks_of(l, tasks, MAX_STREAMS);
	if (!n) {
		end(l, l->per_service ? "no task of this service is known (yet)" : "this task is not known (yet)");
		return;
	}
	l->s = xcalloc(MAX_STREAMS, sizeof(*l->s));
	for (size_t i = 0; i < n; i++)
		add_task(l, tasks[i]);
	if (!l->n) {
		end(l, NULL);
		return;
	}
	on_tick(l);
}

static void on_taskdef(void *arg, const struct aws_response *r)
{
	struct defcall *d = arg;
	struct elogs *l = d->l;
	d->call = NULL;
	if (!r->error)
		ecs_decode_taskdef(l->e->ep->store, jsonget_obj(r->json, "taskDefinition"));
	else
		emit(l, 3, r->error);
	if (--l->pending_defs == 0)
		start_streams(l);
}

/* The task definitions that say where the logs go, described once. */
static void fetch_taskdefs(struct elogs *l)
{
	struct ecs *e = l->e;
	const struct row *tasks[MAX_STREAMS];
	size_t n = tasks_of(l, tasks, MAX_STREAMS);
	l->taskdefs = xcalloc(n + 1, sizeof(*l->taskdefs));
	for (size_t i = 0; i < n; i++) {
		const char *td = row_text(tasks[i], ETK_TASKDEF);
		bool dup = false;
		for (size_t k = 0; k < l->ntaskdefs; k++)
			dup = dup || !strcmp(l->taskdefs[k], td);
		if (!dup && *td && !taskdef_row(e, td))
			l->taskdefs[l->ntaskdefs++] = xstrdup(td);
	}
	if (!l->ntaskdefs) {
		start_streams(l);
		return;
	}
	l->defcalls = xcalloc(l->ntaskdefs, sizeof(*l->defcalls));
	l->pending_defs = l->ntaskdefs;
	for (size_t i = 0; i < l->ntaskdefs; i++) {
		char *name = ecs_json_str(l->taskdefs[i]), *body = xasprintf("{\"taskDefinition\":%s}", name);
		l->defcalls[i].l = l;
		l->defcalls[i].call =
			ecs_call(e, &aws_svc_ecs, "DescribeTaskDefinition", body, AWS_CALL_URGENT, on_taskdef, &l->defcalls[i]);
		free(name);
		free(body);
	}
}

static void on_service_tasks(void *arg, const struct aws_response *r)
{
	struct elogs *l = arg;
	l->tasks_call = NULL;
	if (r->error) {
		emit(l, 3, r->error);
	} else {
		struct rtable *hosts = store_find_table(l->e->ep->store, KIND_NODES);
		json_object *tasks = jsonget_arr(r->json, "tasks");
		for (size_t i = 0; i < jsonget_len(tasks); i++) {
			char id[600];
			ecs_decode_task(l->e->ep->store, jsonget_idx(tasks, i), l->e->want_containers, hosts, id, sizeof(id), NULL);
		}
	}
	fetch_taskdefs(l);
}

static void list_service(struct elogs *l, bool stopped);

/* Its running tasks, then a few stopped ones (the last words of a crash). */
static void on_service_list(void *arg, const struct aws_response *r)
{
	struct elogs *l = arg;
	l->tasks_call = NULL;
	json_object *arns = jsonget_arr(r->json, "taskArns");
	if (r->error)
		emit(l, 3, r->error);
	for (size_t i = 0; i < jsonget_len(arns) && l->narns < MAX_STREAMS; i++)
		l->arns[l->narns++] = xstrdup(json_object_get_string(jsonget_idx(arns, i)));
	if (!l->listed_stopped) {
		l->listed_stopped = true;
		list_service(l, true);
		return;
	}
	if (!l->narns) {
		fetch_taskdefs(l);
		return;
	}
	char *arr = ecs_json_array(l->arns, l->narns), *c = ecs_json_str(l->cluster);
	char *body = xasprintf("{\"cluster\":%s,\"tasks\":%s}", c, arr);
	l->tasks_call = ecs_call(l->e, &aws_svc_ecs, "DescribeTasks", body, AWS_CALL_URGENT, on_service_tasks, l);
	free(body);
	free(arr);
	free(c);
}

/* A service's tasks as they are now (the tasks view may not be followed). */
static void fetch_tasks(struct elogs *l)
{
	if (!l->per_service) {
		fetch_taskdefs(l);
		return;
	}
	l->arns = xcalloc(MAX_STREAMS, sizeof(*l->arns));
	list_service(l, false);
}

static void list_service(struct elogs *l, bool stopped)
{
	char *c = ecs_json_str(l->cluster), *sv = ecs_json_str(l->service);
	char *body = xasprintf("{\"cluster\":%s,\"serviceName\":%s,\"desiredStatus\":\"%s\",\"maxResults\":%d}", c,
			       sv, stopped ? "STOPPED" : "RUNNING", stopped ? 3 : 20);
	l->tasks_call = ecs_call(l->e, &aws_svc_ecs, "ListTasks", body, AWS_CALL_URGENT, on_service_list, l);
	free(body);
	free(c);
	free(sv);
}

/* ---- the slots ---- */

void *ecs_logs(struct endpoint *ep, const char *kind, const char *id, const struct log_opts *o,
	       const struct log_sink *sink)
{
	struct ecs *e = ep->priv;
	struct elogs *l = xcalloc(1, sizeof(*l));
	l->e = e;
	l->sink = *sink;
	l->o = *o;
	snprintf(l->container, sizeof(l->container), "%s", o->container ? o->container : "");
	l->o.container = NULL;
	l->tick = timer_new(on_tick, l);
	l->next = e->logs;
	e->logs = l;
	const char *rest;
	if (!e->aws || e->phase != EP_LIVE || !ecs_split_id(id, l->cluster, sizeof(l->cluster), &rest)) {
		end(l, ep->error[0] ? ep->error : "not connected to ECS yet");
		return l;
	}
	if (!strcmp(kind, KIND_ECS_SERVICES)) {
		l->per_service = true;
		snprintf(l->service, sizeof(l->service), "%s", rest);
	} else {
		snprintf(l->task, sizeof(l->task), "%.*s", (int)strcspn(rest, "/"), rest);
		if (!strcmp(kind, KIND_CONTAINERS) && strchr(rest, '/'))
			snprintf(l->container, sizeof(l->container), "%s", strchr(rest, '/') + 1);
	}
	fetch_tasks(l);
	return l;
}

static void detach(struct elogs *l)
{
	for (size_t i = 0; i < l->n; i++) {
		aws_call_cancel(l->s[i].call);
		l->s[i].call = NULL;
		aws_client_free(l->s[i].client);
		l->s[i].client = NULL;
	}
	if (l->e)
		ecs_call_cancel(l->tasks_call);
	l->tasks_call = NULL;
	for (size_t i = 0; l->e && l->defcalls && i < l->ntaskdefs; i++) {
		ecs_call_cancel(l->defcalls[i].call);
		l->defcalls[i].call = NULL;
	}
	timer_disarm(l->tick);
	if (l->e)
		for (struct elogs **p = (struct elogs **)&l->e->logs; *p; p = &(*p)->next)
			if (*p == l) {
				*p = l->next;
				break;
			}
	l->e = NULL;
}

void ecs_logs_stop(struct endpoint *ep, void *handle)
{
	(void)ep;
	struct elogs *l = handle;
	if (!l)
		return;
	detach(l);
	for (size_t i = 0; i < l->n; i++) {
		free(l->s[i].group);
		free(l->s[i].stream);
		free(l->s[i].token);
	}
	free(l->s);
	for (size_t i = 0; i < l->nevents; i++)
		free(l->events[i].message);
	free(l->events);
	for (size_t i = 0; i < l->ntaskdefs; i++)
		free(l->taskdefs[i]);
	free(l->taskdefs);
	for (size_t i = 0; i < l->narns; i++)
		free(l->arns[i]);
	free(l->arns);
	free(l->defcalls);
	timer_free(l->tick);
	free(l);
}

void ecs_logs_close_all(struct ecs *e)
{
	while (e->logs)
		detach(e->logs);
}
