/* util.c: allocation wrappers, the growable buffer, clocks and small
 * formatting/parsing helpers used by every layer. */
#include "backends/util/util.h"
#include "backends/util/limits.h"

#include <ctype.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static void oom(void)
{
	fputs("binnacle: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	if (!s)
		return NULL;
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		oom();
	char *p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

int set_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int64_t pinned_mono, pinned_wall;

void clock_pin(int64_t mono, int64_t wall)
{
	pinned_mono = mono;
	pinned_wall = wall;
}

int64_t mono_ms(void)
{
	if (pinned_mono)
		return pinned_mono;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* never 0, so 0 can mean "unset" in timestamps */
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + 1;
}

int64_t wall_s(void)
{
	if (pinned_wall)
		return pinned_wall;
	return (int64_t)time(NULL);
}

void buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void buf_cleanup(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static void buf_reserve(struct buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void buf_append(struct buf *b, const void *data, size_t n)
{
	buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	buf_append(b, &c, 1);
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	buf_puts(b, s);
	free(s);
}

void buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		buf_reset(b);
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->data[b->len] = '\0';
}

bool buf_append_max(struct buf *b, const void *data, size_t n, size_t max)
{
	if (n > max || b->len > max - n)
		return false;
	buf_append(b, data, n);
	return true;
}

char *buf_steal(struct buf *b)
{
	char *p = b->data ? b->data : xstrdup("");
	buf_init(b);
	return p;
}

void format_age(int64_t s, char *out, size_t outlen)
{
	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(out, outlen, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(out, outlen, "%lldm", (long long)(s / 60));
	else if (s < 8 * 3600) {
		long long m = (s % 3600) / 60;
		if (m)
			snprintf(out, outlen, "%lldh%lldm", (long long)(s / 3600), m);
		else
			snprintf(out, outlen, "%lldh", (long long)(s / 3600));
	} else if (s < 48 * 3600)
		snprintf(out, outlen, "%lldh", (long long)(s / 3600));
	else if (s < 8 * 86400) {
		long long h = (s % 86400) / 3600;
		if (h)
			snprintf(out, outlen, "%lldd%lldh", (long long)(s / 86400), h);
		else
			snprintf(out, outlen, "%lldd", (long long)(s / 86400));
	} else if (s < 730 * 86400)
		snprintf(out, outlen, "%lldd", (long long)(s / 86400));
	else
		snprintf(out, outlen, "%lldy", (long long)(s / (365 * 86400)));
}

void format_bytes(int64_t n, char *out, size_t outlen)
{
	static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
	double v = (double)n;
	int u = 0;
	if (n < 0) {
		snprintf(out, outlen, "-");
		return;
	}
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, outlen, "%lldB", (long long)n);
	else if (v < 10)
		snprintf(out, outlen, "%.1f%s", v, units[u]);
	else
		snprintf(out, outlen, "%.0f%s", v, units[u]);
}

int64_t parse_duration_ms(const char *s)
{
	if (!s || !*s)
		return -1;
	errno = 0;
	char *end;
	double v = strtod(s, &end);
	/* "inf", "nan" and hex floats are numbers to strtod, not to a person */
	bool decimal = (isdigit((unsigned char)s[0]) || s[0] == '.') &&
		       strspn(s, "0123456789.eE+-") == (size_t)(end - s);
	if (errno || end == s || !decimal || !(v >= 0))
		return -1;
	double unit;
	if (!*end || !strcmp(end, "s"))
		unit = 1000;
	else if (!strcmp(end, "ms"))
		unit = 1;
	else if (!strcmp(end, "m"))
		unit = 60000;
	else if (!strcmp(end, "h"))
		unit = 3600000;
	else
		return -1;
	/* a double past int64's range does not convert (undefined behaviour):
	 * anything over a hundred years is a mistake anyway */
	double ms = v * unit;
	if (ms > DURATION_MAX_MS)
		return -1;
	return (int64_t)ms;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int64_t parse_rfc3339(const char *s)
{
	int y, mo, d, h, mi, sec, n = 0;
	if (!s || sscanf(s, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || !n)
		return -1;
	const char *p = s + n;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	int64_t off = 0;
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		int oh, om;
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
			return -1;
		off = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
		p += 6;
	} else
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	return days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec - off;
}

char *url_redact(const char *url)
{
	if (!url)
		return NULL;
	const char *auth = strstr(url, "://");
	if (!auth)
		return xstrdup(url);
	auth += 3;
	size_t alen = strcspn(auth, "/?#");
	const char *at = NULL;
	for (const char *p = auth; p < auth + alen; p++)
		if (*p == '@')
			at = p; /* the last one: a password may hold an '@' of its own */
	if (!at)
		return xstrdup(url);
	return xasprintf("%.*s***%s", (int)(auth - url), url, at);
}

bool str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

const char *str_casestr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (!n)
		return hay;
	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return hay;
	return NULL;
}

char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b;
	buf_init(&b);
	char chunk[8192];
	size_t n;
	bool big = false;
	while (!big && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		big = !buf_append_max(&b, chunk, n, LIMIT_FILE);
	bool failed = ferror(f);
	fclose(f);
	if (failed || big) {
		buf_cleanup(&b);
		errno = big ? EFBIG : EIO;
		return NULL;
	}
	if (len)
		*len = b.len;
	return buf_steal(&b);
}

void release_free_memory(void)
{
#ifdef __GLIBC__
	/* glibc keeps freed chunks below long-lived ones; trim returns their pages */
	malloc_trim(0);
#endif
}

/* The wording of Docker's units.HumanDuration, which its Status strings use. */
void format_human_duration(int64_t s, char *out, size_t outlen)
{
	/* rounding adds half an hour: keep far from the edge of int64 */
	if (s > INT64_MAX / 2)
		s = INT64_MAX / 2;
	if (s < 1)
		snprintf(out, outlen, "Less than a second");
	else if (s == 1)
		snprintf(out, outlen, "1 second");
	else if (s < 60)
		snprintf(out, outlen, "%lld seconds", (long long)s);
	else if (s / 60 == 1)
		snprintf(out, outlen, "About a minute");
	else if (s < 3600)
		snprintf(out, outlen, "%lld minutes", (long long)(s / 60));
	else if ((s + 1800) / 3600 == 1)
		snprintf(out, outlen, "About an hour");
	else if (s < 48 * 3600)
		snprintf(out, outlen, "%lld hours", (long long)((s + 1800) / 3600));
	else if (s < 7 * 24 * 3600 * 2)
		snprintf(out, outlen, "%lld days", (long long)(s / 86400));
	else if (s < 30 * 24 * 3600 * 3)
		snprintf(out, outlen, "%lld weeks", (long long)(s / (7 * 86400)));
	else if (s < 365 * 24 * 3600 * 2)
		snprintf(out, outlen, "%lld months", (long long)(s / (30 * 86400)));
	else
		snprintf(out, outlen, "%lld years", (long long)(s / (365 * 86400)));
}

int64_t parse_human_duration(const char *s, size_t *used)
{
	static const struct {
		const char *phrase;
		int64_t seconds;
	} fixed[] = {{"Less than a second", 0}, {"About a minute", 60}, {"About an hour", 3600},
		     {"1 second", 1}};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (str_starts(s, fixed[i].phrase)) {
			*used = strlen(fixed[i].phrase);
			return fixed[i].seconds;
		}
	static const struct {
		const char *unit;
		int64_t seconds;
	} units[] = {{"seconds", 1}, {"minutes", 60}, {"hours", 3600}, {"days", 86400},
		     {"weeks", 7 * 86400}, {"months", 30 * 86400}, {"years", 365 * 86400}};
	char *end;
	long long n = strtoll(s, &end, 10);
	if (end == s || *end != ' ' || n < 0)
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (str_starts(end + 1, units[i].unit)) {
			if (n > INT64_MAX / units[i].seconds)
				return -1; /* no container has been up that long */
			*used = (size_t)(end + 1 - s) + strlen(units[i].unit);
			return n * units[i].seconds;
		}
	return -1;
}

void memwipe(void *p, size_t n)
{
	/* through a volatile pointer: the stores cannot be optimised away */
	volatile unsigned char *v = p;
	while (v && n--)
		*v++ = 0;
}
