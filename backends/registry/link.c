/* link.c: Link headers and URL references (see link.h). */
#include "backends/registry/link.h"
#include "backends/util/util.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Whether the space-separated relation types in rel (len bytes) include next. */
static bool rel_has_next(const char *rel, size_t len)
{
	size_t i = 0;
	while (i < len) {
		while (i < len && (rel[i] == ' ' || rel[i] == '\t'))
			i++;
		size_t s = i;
		while (i < len && rel[i] != ' ' && rel[i] != '\t')
			i++;
		if (i - s == 4 && !strncasecmp(rel + s, "next", 4))
			return true;
	}
	return false;
}

char *link_next(const char *header)
{
	const char *p = header;
	if (!p)
		return NULL;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p != '<')
			return NULL;
		const char *uri = p + 1, *close = strchr(uri, '>');
		if (!close)
			return NULL;
		p = close + 1;
		bool next = false;
		for (;;) {
			p = skip_ws(p);
			if (*p != ';')
				break;
			p = skip_ws(p + 1);
			const char *name = p;
			while (*p && *p != '=' && *p != ';' && *p != ',' && *p != ' ' && *p != '\t')
				p++;
			size_t nlen = (size_t)(p - name);
			p = skip_ws(p);
			const char *val = "";
			size_t vlen = 0;
			if (*p == '=') {
				p = skip_ws(p + 1);
				if (*p == '"') {
					val = ++p;
					while (*p && *p != '"')
						p += *p == '\\' && p[1] ? 2 : 1;
					if (*p != '"')
						return NULL;
					vlen = (size_t)(p - val);
					p++;
				} else {
					val = p;
					while (*p && *p != ';' && *p != ',' && *p != ' ' && *p != '\t')
						p++;
					vlen = (size_t)(p - val);
				}
			}
			if (nlen == 3 && !strncasecmp(name, "rel", 3) && rel_has_next(val, vlen))
				next = true;
		}
		if (next)
			return xstrndup(uri, (size_t)(close - uri));
		p = skip_ws(p);
		if (*p != ',')
			return NULL;
	}
}

/* Length of the scheme of s including its ':' (0 when s has none). */
static size_t scheme_len(const char *s)
{
	if (!isalpha((unsigned char)s[0]))
		return 0;
	size_t i = 1;
	while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')
		i++;
	return s[i] == ':' ? i + 1 : 0;
}

char *url_origin(const char *url)
{
	size_t sl = scheme_len(url);
	if (!sl || strncmp(url + sl, "//", 2))
		return NULL;
	size_t alen = strcspn(url + sl + 2, "/?#");
	return xstrndup(url, sl + 2 + alen);
}

/* RFC 3986 5.2.4: removes "." and ".." segments from a path (owned). */
static char *remove_dots(const char *in)
{
	char *out = xcalloc(1, strlen(in) + 2);
	size_t olen = 0;
	const char *p = in;
	while (*p) {
		if (!strncmp(p, "../", 3)) {
			p += 3;
		} else if (!strncmp(p, "./", 2)) {
			p += 2;
		} else if (!strncmp(p, "/./", 3)) {
			p += 2;
		} else if (!strcmp(p, "/.")) {
			p = "/";
		} else if (!strncmp(p, "/../", 4) || !strcmp(p, "/..")) {
			p = p[3] ? p + 3 : "/";
			while (olen && out[olen - 1] != '/')
				olen--;
			if (olen)
				olen--;
			out[olen] = '\0';
		} else if (!strcmp(p, ".") || !strcmp(p, "..")) {
			p += strlen(p);
		} else {
			size_t seg = 1 + strcspn(p + 1, "/");
			if (*p != '/')
				seg = strcspn(p, "/");
			memcpy(out + olen, p, seg);
			olen += seg;
			out[olen] = '\0';
			p += seg;
		}
	}
	return out;
}

char *url_resolve(const char *base, const char *ref)
{
	if (scheme_len(ref))
		return xstrdup(ref);
	char *origin = url_origin(base);
	if (!origin)
		return xstrdup(ref);
	size_t sl = scheme_len(base);
	if (!strncmp(ref, "//", 2)) {
		free(origin);
		return xasprintf("%.*s%s", (int)sl, base, ref);
	}
	const char *rest = base + strlen(origin); /* path, query, fragment */
	size_t plen = strcspn(rest, "?#");
	char *out;
	if (ref[0] == '/') {
		size_t rq = strcspn(ref, "?#");
		char *rpath = xstrndup(ref, rq);
		char *path = remove_dots(rpath);
		out = xasprintf("%s%s%s", origin, path, ref + rq);
		free(path);
		free(rpath);
	} else if (ref[0] == '?') {
		out = xasprintf("%s%.*s%s", origin, (int)plen, rest, ref);
	} else if (ref[0] == '#' || !ref[0]) {
		size_t qlen = strcspn(rest, "#");
		out = xasprintf("%s%.*s%s", origin, (int)qlen, rest, ref);
	} else {
		/* merge: the base path up to its last '/', then the reference */
		const char *slash = NULL;
		for (const char *s = rest; s < rest + plen; s++)
			if (*s == '/')
				slash = s;
		char *merged = slash ? xasprintf("%.*s%s", (int)(slash - rest + 1), rest, ref) : xasprintf("/%s", ref);
		size_t mq = strcspn(merged, "?#");
		char *tail = xstrdup(merged + mq);
		merged[mq] = '\0';
		char *path = remove_dots(merged);
		out = xasprintf("%s%s%s", origin, path, tail);
		free(path);
		free(tail);
		free(merged);
	}
	free(origin);
	return out;
}
