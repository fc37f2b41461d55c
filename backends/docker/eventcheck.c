/* eventcheck.c: is the engine's /events stream still fed? The stream is
 * legitimately quiet when nothing happens, and a partition or a proxy that
 * stopped forwarding looks the same, while a container that stopped goes on
 * showing as running. The endpoint's liveness (liveness.h) pings the engine
 * once the stream has been quiet a while: no answer in time means the
 * engine is gone. An answer starts a second look: the engine is asked for
 * the events since the last one the stream carried (since=, no until=:
 * Podman 4 answers a bounded request unreliably), read for a moment and cut
 * off; an event in it from before the look began that the stream did not
 * carry proves the stream is no longer fed, and the endpoint reconnects,
 * which lists everything again. */
#include "backends/docker/internal.h"
#include "backends/util/limits.h"
#include "backends/util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How long the replay is read: the engine sends its history at once. */
#define REPLAY_MS 1500

static void judge(struct docker *d)
{
	lines_reset(&d->replay_lines);
	if (!d->replay_missed)
		return;
	char why[ERRLEN];
	snprintf(why, sizeof(why), "the engine's event stream stopped delivering events (%u missed)", d->replay_missed);
	log_msg("docker %s: %s", d->ep->name, why);
	if (d->phase == PH_LIVE)
		docker_fail(d, why);
}

static bool count_missed(void *arg, char *line, size_t len)
{
	struct docker *d = arg;
	struct docker_event ev;
	if (docker_decode_event(line, len, &ev, NULL, 0) == 0 && ev.time_ns > d->seen_ns &&
	    ev.time_ns < d->replay_before_ns)
		d->replay_missed++;
	return true;
}

static bool on_replay_data(void *arg, const char *data, size_t len)
{
	struct call *c = arg;
	return lines_feed(&c->d->replay_lines, data, len, count_missed, c->d) != LINES_TOO_LONG;
}

static void on_replay_end(void *arg, const struct http_result *res)
{
	struct call *c = arg;
	struct docker *d = c->d;
	(void)res;
	d->replay = NULL;
	timer_disarm(d->replay_timer);
	judge(d);
}

static void on_replay_cancelled(struct call *c, const char *why)
{
	(void)why;
	c->d->replay = NULL;
	timer_disarm(c->d->replay_timer);
}

static void on_replay_timer(void *arg)
{
	struct docker *d = arg;
	struct call *c = d->replay;
	d->replay = NULL;
	docker_call_cancel(c);
	judge(d);
}

static void replay_start(struct docker *d)
{
	/* the engine's clock now, from its last event or its ping's Date */
	int64_t now_s = d->engine_s + (mono_ms() - d->engine_mono) / 1000;
	/* an event this recent may still be on its way on the stream */
	d->replay_before_ns = (now_s - 1) * 1000000000;
	if (d->replay_before_ns <= d->seen_ns)
		return;
	d->replay_missed = 0;
	char path[256];
	snprintf(path, sizeof(path), "/events?since=%lld&%s", (long long)(d->seen_ns / 1000000000), DOCKER_EVENT_FILTERS);
	struct call *c = docker_call_new(d, "GET", path, 0, on_replay_end, NULL);
	c->on_cancel = on_replay_cancelled;
	calls_stream(&c->base, on_replay_data);
	d->replay = docker_call_go(c);
	timer_arm(d->replay_timer, REPLAY_MS);
}

static void probe_path(void *owner, char *buf, size_t len)
{
	struct docker *d = owner;
	snprintf(buf, len, "%s/_ping", d->prefix);
}

static bool probe_check(void *owner, const struct http_result *res, char *why, size_t whylen)
{
	struct docker *d = owner;
	(void)why;
	(void)whylen;
	if (docker_ok(res) && d->seen_ns && d->engine_s && !d->replay)
		replay_start(d);
	return true;
}

static void gone(void *owner, const char *why)
{
	struct docker *d = owner;
	if (d->phase == PH_LIVE)
		docker_fail(d, why);
}

static const struct liveness_ops ops = {.probe_path = probe_path, .check = probe_check, .gone = gone};

void docker_eventcheck_init(struct docker *d)
{
	liveness_init(&d->live, &ops, &d->calls, d, LIVENESS_QUIET_MS, LIVENESS_TIMEOUT_MS);
	d->replay_timer = timer_new(on_replay_timer, d);
	lines_init(&d->replay_lines, LIMIT_EVENT_LINE);
}

void docker_eventcheck_stop(struct docker *d)
{
	timer_disarm(d->replay_timer);
	struct call *c = d->replay;
	d->replay = NULL;
	docker_call_cancel(c);
	lines_reset(&d->replay_lines);
}

void docker_eventcheck_cleanup(struct docker *d)
{
	docker_eventcheck_stop(d);
	liveness_cleanup(&d->live);
	timer_free(d->replay_timer);
	lines_cleanup(&d->replay_lines);
}
