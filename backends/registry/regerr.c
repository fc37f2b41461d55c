/* regerr.c: registry error bodies and rate-limit headers (see regerr.h). */
#include "backends/registry/regerr.h"
#include "backends/codec/jsonget.h"
#include "backends/util/util.h"

#include <ctype.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const known_codes[] = {
	"BLOB_UNKNOWN", "BLOB_UPLOAD_INVALID", "BLOB_UPLOAD_UNKNOWN", "DIGEST_INVALID", "MANIFEST_BLOB_UNKNOWN",
	"MANIFEST_INVALID", "MANIFEST_UNKNOWN", "MANIFEST_UNVERIFIED", "NAME_INVALID", "NAME_UNKNOWN", "SIZE_INVALID",
	"TAG_INVALID", "UNAUTHORIZED", "DENIED", "UNSUPPORTED", "TOOMANYREQUESTS", "PAGINATION_NUMBER_INVALID",
	"UNAVAILABLE", NULL,
};

static const char *known(const char *code)
{
	for (size_t i = 0; code && known_codes[i]; i++)
		if (!strcmp(code, known_codes[i]))
			return known_codes[i];
	return "UNKNOWN";
}

/* Text from a server, on one line and shortened. */
static void one_line(char *dst, size_t n, const char *src, size_t len)
{
	size_t j = 0;
	for (size_t i = 0; i < len && j + 1 < n; i++)
		dst[j++] = src[i] == '\n' || src[i] == '\r' || src[i] == '\t' ? ' ' : src[i];
	while (j && dst[j - 1] == ' ')
		j--;
	dst[j] = '\0';
}

void regerr_decode(long status, const char *body, size_t len, char *code, size_t codelen, char *msg, size_t msglen)
{
	snprintf(code, codelen, "%s", "");
	snprintf(msg, msglen, "%s", "");
	struct json_tokener *tok = json_tokener_new();
	json_object *o = len ? json_tokener_parse_ex(tok, body, (int)len) : NULL;
	json_tokener_free(tok);
	json_object *errors = jsonget_arr(o, "errors");
	if (jsonget_len(errors)) {
		struct buf b;
		buf_init(&b);
		buf_puts(&b, "");
		for (size_t i = 0; i < jsonget_len(errors); i++) {
			json_object *e = jsonget_idx(errors, i);
			const char *m = jsonget_str(e, "message"), *c = jsonget_str(e, "code");
			if (i == 0)
				snprintf(code, codelen, "%s", known(c));
			const char *text = m && *m ? m : c ? c : "";
			if (*text && !strstr(b.data, text))
				buf_printf(&b, "%s%s", b.len ? "; " : "", text);
		}
		one_line(msg, msglen, b.data, b.len);
		buf_cleanup(&b);
	} else if (len && !o) {
		/* not JSON: ECR's "Not Authorized", a proxy's HTML page */
		size_t n = len < 160 ? len : 160;
		if (!memchr(body, '<', n))
			one_line(msg, msglen, body, n);
	}
	json_object_put(o);
	if (!msg[0])
		snprintf(msg, msglen, "HTTP %ld", status);
}

/* "100;w=21600" → 100 and the window in seconds (0 when absent). */
static long parse_limit(const char *s, long *window)
{
	*window = 0;
	char *end;
	long v = strtol(s, &end, 10);
	const char *w = strstr(end, "w=");
	if (w)
		*window = strtol(w + 2, NULL, 10);
	return end == s ? -1 : v;
}

void regerr_ratelimit_text(const char *limit, const char *remaining, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s", "");
	if (!limit || !remaining)
		return;
	long wl, wr;
	long l = parse_limit(limit, &wl), r = parse_limit(remaining, &wr);
	if (l < 0 || r < 0)
		return;
	long w = wl ? wl : wr;
	if (w >= 3600 && w % 3600 == 0)
		snprintf(out, outlen, "%ld of %ld pulls left per %ldh", r, l, w / 3600);
	else if (w > 0)
		snprintf(out, outlen, "%ld of %ld pulls left per %lds", r, l, w);
	else
		snprintf(out, outlen, "%ld of %ld pulls left", r, l);
}
