/* util.h: allocation wrappers that abort on failure, a growable byte buffer,
 * monotonic time and the error-sentence convention shared by every layer. */
#ifndef BINNACLE_UTIL_H
#define BINNACLE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Size of the buffer every fallible function writes its one-sentence error into. */
#define ERRLEN 512

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);             /* NULL in, NULL out */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* Writes a formatted sentence into err (if err is not NULL); returns -1 so
 * callers can `return set_err(err, errlen, ...)`. */
int set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Milliseconds on a monotonic clock; wall-clock seconds. Tests may pin both. */
int64_t mono_ms(void);
int64_t wall_s(void);
void clock_pin(int64_t mono, int64_t wall); /* 0,0 unpins */

struct buf {
	char *data; /* always NUL-terminated when non-NULL */
	size_t len, cap;
};

void buf_init(struct buf *b);
void buf_cleanup(struct buf *b);
void buf_reset(struct buf *b);
void buf_append(struct buf *b, const void *data, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_consume(struct buf *b, size_t n); /* drop n bytes from the front */
/* Appends only when the result stays within max bytes; false (and nothing
 * appended) otherwise, so a buffer a server fills can never grow past its cap. */
bool buf_append_max(struct buf *b, const void *data, size_t n, size_t max);
char *buf_steal(struct buf *b);            /* owned string; b is reset */

/* "3d4h", "5m", "12s": a compact age as kubectl prints it. */
void format_age(int64_t seconds, char *out, size_t outlen);
/* "1.5GiB", "300MiB", "12KiB", "999B" */
void format_bytes(int64_t bytes, char *out, size_t outlen);
/* Docker's human durations ("Less than a second", "About a minute",
 * "3 hours", "2 weeks"), both ways: format from seconds, and parse at the
 * start of s (seconds, or -1; *used gets the bytes read). */
void format_human_duration(int64_t seconds, char *out, size_t outlen);
int64_t parse_human_duration(const char *s, size_t *used);
/* A time cell's text may be a template: TIME_SLOT marks where the live
 * duration goes ("Up \x1f (healthy)"), so a status stays true as time passes. */
#define TIME_SLOT '\x1f'

/* Parses "2s", "500ms", "1m", "3" (seconds) into milliseconds; -1 on error,
 * including anything longer than DURATION_MAX_MS. */
#define DURATION_MAX_MS (100LL * 365 * 24 * 3600 * 1000)
int64_t parse_duration_ms(const char *s);
/* Parses RFC 3339 ("2024-01-02T03:04:05.123456789Z", "+01:00") to Unix seconds; -1 on error. */
int64_t parse_rfc3339(const char *s);

/* Gives memory freed after a large transient allocation (a parsed list page)
 * back to the system, so resident memory tracks what is really kept. */
void release_free_memory(void);

/* The whole file as an owned NUL-terminated string (len may be NULL); NULL
 * with errno set when it cannot be read (EFBIG past LIMIT_FILE: a kubeconfig
 * naming /dev/zero as its CA must not fill memory). */
char *read_file(const char *path, size_t *len);

/* A URL as it may be shown or logged: the credentials in its authority
 * ("admin:PASS" before the '@') become three asterisks. Owned; NULL in, NULL out. */
char *url_redact(const char *url);
/* Overwrites n bytes that held a secret (a passphrase, a key) with zeros
 * in a way the compiler cannot drop; NULL is fine. */
void memwipe(void *p, size_t n);

bool str_starts(const char *s, const char *prefix);
bool str_ends(const char *s, const char *suffix);
/* Case-insensitive substring search on ASCII letters; UTF-8 passes through. */
const char *str_casestr(const char *hay, const char *needle);

#endif
