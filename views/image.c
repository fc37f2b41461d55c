/* image.c: rows that name an image (see image.h). */
#include "views/image.h"
#include "backends/image/imageref.h"
#include "backends/util/util.h"

#include <stdio.h>
#include <string.h>

/* "host/repo:tag" with docker's defaults; "" for no reference or a pinned one. */
static void normal_ref(const char *s, char *out, size_t n)
{
	struct image_ref ir;
	out[0] = '\0';
	if (!s || !*s || imageref_parse(s, &ir, NULL, 0) < 0 || ir.digest[0])
		return;
	snprintf(out, n, "%.200s/%.200s:%.100s", ir.host, ir.repo, ir.tag[0] ? ir.tag : "latest");
}

void image_want(const struct view *v, const struct row *r, char *out, size_t outlen)
{
	struct buf b;
	if (!v->image || !outlen) {
		if (outlen)
			out[0] = '\0';
		return;
	}
	buf_init(&b);
	buf_puts(&b, row_text(r, v->image->digests));
	const char *ref = row_text(r, v->image->ref);
	/* a reference pinned by digest names its digest */
	const char *at = strchr(ref, '@');
	if (at && imageref_is_digest(at + 1) && !strstr(b.data, at + 1))
		buf_printf(&b, "%s%s", b.len ? " " : "", at + 1);
	char norm[512];
	normal_ref(ref, norm, sizeof(norm));
	buf_printf(&b, "|%s", norm);
	snprintf(out, outlen, "%s", b.data);
	buf_cleanup(&b);
}

/* Whether the space-separated digests of a and those of b (up to '|') meet. */
static bool digests_meet(const char *a, const char *b, size_t blen)
{
	while (*a) {
		size_t n = strcspn(a, " ");
		for (const char *p = b; p < b + blen;) {
			size_t m = strcspn(p, " |");
			if (m > blen - (size_t)(p - b))
				m = blen - (size_t)(p - b);
			if (m == n && n && !strncmp(a, p, n))
				return true;
			p += m + 1;
		}
		a += n + (a[n] == ' ');
	}
	return false;
}

bool image_row_matches(const struct image_cells *ic, const struct row *r, const char *want)
{
	const char *bar = strchr(want, '|');
	size_t dlen = bar ? (size_t)(bar - want) : strlen(want);
	const char *mine = row_text(r, ic->digests);
	if (*mine)
		return digests_meet(mine, want, dlen);
	if (!bar || !bar[1])
		return false;
	char norm[512];
	normal_ref(row_text(r, ic->ref), norm, sizeof(norm));
	return norm[0] && !strcmp(norm, bar + 1);
}

const char *image_want_how(const char *want)
{
	return *want && *want != '|' ? "by digest" : "by reference";
}
