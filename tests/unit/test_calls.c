/* test_calls.c: the shared in-flight list against netlab.py: a backend's
 * own call struct around the shared entry, cancellation one by one and all
 * at once (each owner told why), a 401 answered by renewing the
 * credentials and sending the same request again (once), a failed renewal
 * as a 401 with a sentence, a call cancelled while credentials were renewed
 * freed without its callback, a 503's Retry-After reaching the backoff, and
 * the prepare hook adding what depends on the moment at every send, and a
 * header line of one call only (a registry's per-scope token). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/net/backoff.h"
#include "backends/net/calls.h"
#include "backends/net/timer.h"
#include "tests/unit/netlab.h"

struct owner {
	struct http_target target;
	struct calls calls;
	int done, cancelled, renewals;
	long status;
	char body[64], error[ERRLEN], why[ERRLEN], retry_after[16];
	bool second_retry_after;
	const char *renew_error;       /* what the renewal says, NULL = it gives token */
	const char *token;
	struct timer *renew_timer;     /* renewals answer on the loop, like a plugin */
	struct calls_req *renewing;
	struct backoff backoff;
	int prepared;                  /* sends the prepare hook saw */
	bool by_prepare;               /* credentials go in through the hook */
};

struct mycall {
	struct calls_req base;
	struct owner *o;
	int tag;
};

static void on_done(void *arg, const struct http_result *res)
{
	struct mycall *c = arg;
	struct owner *o = c->o;
	o->done++;
	o->status = res->status;
	snprintf(o->body, sizeof(o->body), "%.*s", (int)res->len, res->body);
	snprintf(o->error, sizeof(o->error), "%s", res->error ? res->error : "");
	backoff_from_result(&o->backoff, res);
	char *ra = http_result_header_nth(res, "retry-after", 0), *ra2 = http_result_header_nth(res, "Retry-After", 1);
	snprintf(o->retry_after, sizeof(o->retry_after), "%s", ra ? ra : "");
	o->second_retry_after = ra2 != NULL;
	free(ra);
	free(ra2);
}

static void on_cancelled(struct calls_req *base, const char *why)
{
	struct mycall *c = (struct mycall *)base;
	c->o->cancelled++;
	snprintf(c->o->why, sizeof(c->o->why), "%s", why ? why : "");
}

static void renew_answer(void *arg)
{
	struct owner *o = arg;
	struct calls_req *c = o->renewing;
	o->renewing = NULL;
	if (!o->renew_error && !o->by_prepare) {
		free(o->target.auth_header);
		o->target.auth_header = xasprintf("Authorization: Bearer %s", o->token);
	}
	calls_renewed(c, o->renew_error);
}

static void renew(void *owner, struct calls_req *c)
{
	struct owner *o = owner;
	o->renewals++;
	o->renewing = c;
	timer_arm(o->renew_timer, 10);
}

static void owner_init(struct owner *o, int port)
{
	memset(o, 0, sizeof(*o));
	o->target.base_url = xasprintf("http://127.0.0.1:%d", port);
	o->target.auth_header = xstrdup("Authorization: Bearer stale");
	calls_init(&o->calls, &o->target, o);
	o->calls.cancelled = on_cancelled;
	o->calls.renew = renew;
	o->renew_timer = timer_new(renew_answer, o);
	o->token = "fresh";
	backoff_init(&o->backoff, 100, 1000);
}

static void owner_cleanup(struct owner *o)
{
	calls_cleanup(&o->calls);
	timer_free(o->renew_timer);
	http_target_cleanup(&o->target);
}

static struct mycall *call(struct owner *o, const char *path, int tag)
{
	struct mycall *c = calls_new(&o->calls, sizeof(*c), "GET", path, 20000, on_done);
	c->o = o;
	c->tag = tag;
	calls_start(&c->base);
	return c;
}

static int want_done;

static bool enough_done(void *arg)
{
	return ((struct owner *)arg)->done >= want_done;
}

static void test_renew_and_resend(void **state)
{
	(void)state;
	struct netlab lab;
	if (!netlab_start(&lab, false))
		skip();
	struct owner o;
	owner_init(&o, lab.port);
	/* stale token: 401, renewed, sent again, welcomed */
	call(&o, "/auth", 1);
	assert_int_equal(calls_count(&o.calls), 1);
	want_done = 1;
	assert_true(netlab_turn_until(enough_done, &o));
	assert_int_equal(o.renewals, 1);
	assert_int_equal(o.status, 200);
	assert_string_equal(o.body, "welcome\n");
	assert_int_equal(calls_count(&o.calls), 0);
	/* a renewal that fails: the 401 comes back with the reason */
	free(o.target.auth_header);
	o.target.auth_header = xstrdup("Authorization: Bearer stale");
	o.renew_error = "the plugin is not installed";
	call(&o, "/auth", 2);
	want_done = 2;
	assert_true(netlab_turn_until(enough_done, &o));
	assert_int_equal(o.renewals, 2);
	assert_int_equal(o.status, 401);
	assert_string_equal(o.error, "renewing credentials failed: the plugin is not installed");
	/* renewed once per call: a renewal that does not help ends in the 401 */
	o.renew_error = NULL;
	o.token = "still-wrong";
	call(&o, "/auth", 3);
	want_done = 3;
	assert_true(netlab_turn_until(enough_done, &o));
	assert_int_equal(o.renewals, 3);
	assert_int_equal(o.status, 401);
	assert_string_equal(o.error, "");
	owner_cleanup(&o);
	netlab_stop(&lab);
}

static bool renewing(void *arg)
{
	return ((struct owner *)arg)->renewing != NULL;
}

static void test_cancel(void **state)
{
	(void)state;
	struct netlab lab;
	if (!netlab_start(&lab, false))
		skip();
	struct owner o;
	owner_init(&o, lab.port);
	/* cancelled one by one: no callback */
	struct mycall *c = call(&o, "/lines?id=a&n=1000", 1);
	calls_cancel(&c->base);
	assert_int_equal(calls_count(&o.calls), 0);
	/* all at once: every owner hears why */
	call(&o, "/lines?id=b&n=1000", 2);
	call(&o, "/lines?id=c&n=1000", 3);
	call(&o, "/hello", 4);
	assert_int_equal(calls_count(&o.calls), 3);
	calls_cancel_all(&o.calls, "the engine went away");
	assert_int_equal(o.cancelled, 3);
	assert_string_equal(o.why, "the engine went away");
	assert_int_equal(calls_count(&o.calls), 0);
	/* cancelled while its credentials are renewed: freed when they come, untold */
	call(&o, "/auth", 5);
	assert_true(netlab_turn_until(renewing, &o));
	calls_cancel_all(&o.calls, "closing");
	assert_int_equal(o.cancelled, 4);
	int64_t until = mono_ms() + 300;
	while (mono_ms() < until)
		loop_run_once(50);
	assert_null(o.renewing); /* the renewal answered into a freed-later call */
	assert_int_equal(o.done, 0);
	owner_cleanup(&o);
	netlab_stop(&lab);
}

static void test_retry_after(void **state)
{
	(void)state;
	struct netlab lab;
	if (!netlab_start(&lab, false))
		skip();
	struct owner o;
	owner_init(&o, lab.port);
	call(&o, "/busy", 1);
	want_done = 1;
	assert_true(netlab_turn_until(enough_done, &o));
	assert_int_equal(o.status, 503);
	assert_string_equal(o.retry_after, "7");
	assert_false(o.second_retry_after);
	assert_int_equal(backoff_next(&o.backoff), 7000); /* the server's 7 s beat the 1 s cap */
	assert_true(backoff_next(&o.backoff) <= 1000);
	owner_cleanup(&o);
	netlab_stop(&lab);
}

static void test_call_header(void **state)
{
	(void)state;
	struct netlab lab;
	if (!netlab_start(&lab, false))
		skip();
	struct owner o;
	owner_init(&o, lab.port);
	o.calls.renew = NULL;
	/* the target's stale token gives way to the call's own line... */
	free(o.target.auth_header);
	o.target.auth_header = NULL;
	struct mycall *c = calls_new(&o.calls, sizeof(*c), "GET", "/auth", 20000, on_done);
	c->o = &o;
	calls_header(&c->base, "X-Ignored: 1");
	calls_header(&c->base, "Authorization: Bearer fresh");
	calls_start(&c->base);
	want_done = 1;
	assert_true(netlab_turn_until(enough_done, &o));
	assert_int_equal(o.status, 200);
	/* ...and the next call without it is not welcome */
	call(&o, "/auth", 2);
	want_done = 2;
	assert_true(netlab_turn_until(enough_done, &o));
	assert_int_equal(o.status, 401);
	owner_cleanup(&o);
	netlab_stop(&lab);
}

static void prepare(void *owner, struct calls_req *c, struct http_req *r)
{
	struct owner *o = owner;
	(void)c;
	o->prepared++;
	char line[64];
	/* the first send carries the stale token, the resend the renewed one */
	snprintf(line, sizeof(line), "Authorization: Bearer %s", o->prepared == 1 ? "stale" : o->token);
	http_req_header(r, line);
}

static void test_prepare(void **state)
{
	(void)state;
	struct netlab lab;
	if (!netlab_start(&lab, false))
		skip();
	struct owner o;
	owner_init(&o, lab.port);
	free(o.target.auth_header);
	o.target.auth_header = NULL;
	o.by_prepare = true;
	o.calls.prepare = prepare;
	call(&o, "/auth", 1);
	want_done = 1;
	assert_true(netlab_turn_until(enough_done, &o));
	assert_int_equal(o.prepared, 2);
	assert_int_equal(o.renewals, 1);
	assert_int_equal(o.status, 200);
	assert_string_equal(o.body, "welcome\n");
	owner_cleanup(&o);
	netlab_stop(&lab);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_renew_and_resend),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_call_header),
		cmocka_unit_test(test_prepare),
	};
	return cmocka_run_group_tests(tests, netlab_setup, netlab_teardown);
}
