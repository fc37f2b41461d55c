/* backoff.c: exponential backoff with jitter (see backoff.h). The jitter
 * needs no cryptographic randomness: a xorshift generator seeded from the
 * clock and the pid is enough to keep endpoints out of step. */
#include "backends/net/backoff.h"
#include "backends/net/http.h"
#include "backends/util/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static uint64_t (*random_fn)(void *arg);
static void *random_arg;

static uint64_t builtin_random(void)
{
	static uint64_t x;
	if (!x)
		x = (((uint64_t)mono_ms() * 0x9e3779b97f4a7c15u) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)&x) |
		    1;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

static uint64_t next_random(void)
{
	return random_fn ? random_fn(random_arg) : builtin_random();
}

void backoff_set_random(uint64_t (*fn)(void *arg), void *arg)
{
	random_fn = fn;
	random_arg = arg;
}

static int64_t first_step(const struct backoff *b)
{
	return b->floor_ms * 2 < b->cap_ms ? b->floor_ms * 2 : b->cap_ms;
}

void backoff_init(struct backoff *b, int64_t floor_ms, int64_t cap_ms)
{
	memset(b, 0, sizeof(*b));
	b->floor_ms = floor_ms > 0 ? floor_ms : 0;
	b->cap_ms = cap_ms > b->floor_ms ? cap_ms : b->floor_ms;
	b->step_ms = first_step(b);
}

int64_t backoff_next(struct backoff *b)
{
	if (b->ok_since_ms && mono_ms() - b->ok_since_ms >= BACKOFF_HEALTHY_MS) {
		b->step_ms = first_step(b);
		b->failures = 0;
	}
	b->ok_since_ms = 0; /* this failure ends any healthy stretch */
	int64_t hi = b->step_ms, lo = hi / 2 > b->floor_ms ? hi / 2 : b->floor_ms;
	if (lo > hi)
		lo = hi;
	/* the 64 random bits as a fraction of the range: no modulo bias */
	uint64_t range = (uint64_t)(hi - lo + 1);
	int64_t wait = lo + (int64_t)(((unsigned __int128)next_random() * range) >> 64);
	if (b->retry_after_ms > wait)
		wait = b->retry_after_ms;
	b->retry_after_ms = 0;
	b->step_ms = b->step_ms * 2 < b->cap_ms ? b->step_ms * 2 : b->cap_ms;
	b->failures++;
	return wait;
}

int64_t backoff_after(struct backoff *b, const struct http_result *res)
{
	backoff_from_result(b, res);
	int64_t wait = backoff_next(b);
	if (res && res->refused && wait > BACKOFF_REFUSED_MAX_MS)
		wait = BACKOFF_REFUSED_MAX_MS;
	return wait;
}

void backoff_retry_after(struct backoff *b, int64_t ms)
{
	if (ms < 0)
		return;
	if (ms > BACKOFF_RETRY_AFTER_MAX_MS)
		ms = BACKOFF_RETRY_AFTER_MAX_MS;
	if (ms > b->retry_after_ms)
		b->retry_after_ms = ms;
}

void backoff_from_result(struct backoff *b, const struct http_result *res)
{
	if (!res || !res->req)
		return;
	const char *v = http_result_header(res, "Retry-After");
	if (v)
		backoff_retry_after(b, backoff_parse_retry_after(v));
}

void backoff_success(struct backoff *b)
{
	if (!b->ok_since_ms)
		b->ok_since_ms = mono_ms();
}

void backoff_healthy(struct backoff *b)
{
	b->step_ms = first_step(b);
	b->retry_after_ms = 0;
	b->failures = 0;
	b->ok_since_ms = 0;
}

/* ---- Retry-After ---- */

static int month_of(const char *m)
{
	static const char *const names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	for (int i = 0; i < 12; i++)
		if (!strcasecmp(m, names[i]))
			return i;
	return -1;
}

/* Unix seconds of an HTTP-date in any of RFC 9110's three forms, or -1.
 * Parsed by hand: strptime's %a and %b follow the locale. */
static int64_t http_date(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	char mon[4] = "", tz[4] = "";
	int day = 0, year = 0, h = 0, m = 0, sec = 0;
	const char *p = s;
	while (isalpha((unsigned char)*p))
		p++; /* the weekday, not checked */
	if (*p == ',') {
		p++;
		/* IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" or RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT" */
		if (sscanf(p, " %2d %3s %4d %2d:%2d:%2d %3s", &day, mon, &year, &h, &m, &sec, tz) != 7 &&
		    sscanf(p, " %2d-%3s-%4d %2d:%2d:%2d %3s", &day, mon, &year, &h, &m, &sec, tz) != 7)
			return -1;
		if (strcmp(tz, "GMT"))
			return -1;
		if (year < 100) /* RFC 850's two digits: the century that is not more than 50 years ahead */
			year += year < 70 ? 2000 : 1900;
	} else if (sscanf(p, " %3s %2d %2d:%2d:%2d %4d", mon, &day, &h, &m, &sec, &year) != 6) {
		return -1; /* asctime "Sun Nov  6 08:49:37 1994" */
	}
	int mo = month_of(mon);
	if (mo < 0 || day < 1 || day > 31 || h > 23 || m > 59 || sec > 60 || year < 1970)
		return -1;
	tm.tm_year = year - 1900;
	tm.tm_mon = mo;
	tm.tm_mday = day;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	return (int64_t)timegm(&tm);
}

int64_t backoff_http_date(const char *value)
{
	return value ? http_date(value) : -1;
}

int64_t backoff_parse_retry_after(const char *value)
{
	if (!value)
		return -1;
	while (*value == ' ' || *value == '\t')
		value++;
	int64_t ms;
	if (isdigit((unsigned char)*value)) {
		char *end;
		long long secs = strtoll(value, &end, 10);
		while (*end == ' ' || *end == '\t')
			end++;
		if (*end)
			return -1;
		ms = secs > BACKOFF_RETRY_AFTER_MAX_MS / 1000 ? BACKOFF_RETRY_AFTER_MAX_MS : (int64_t)secs * 1000;
	} else {
		int64_t when = http_date(value);
		if (when < 0)
			return -1;
		ms = (when - wall_s()) * 1000;
	}
	if (ms < 0)
		ms = 0;
	return ms > BACKOFF_RETRY_AFTER_MAX_MS ? BACKOFF_RETRY_AFTER_MAX_MS : ms;
}
