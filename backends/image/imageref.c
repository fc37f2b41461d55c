/* imageref.c: image references and registry host names (see imageref.h). */
#include "backends/image/imageref.h"
#include "backends/util/util.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool valid_path(const char *p, size_t len)
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = p[i];
		if (!(islower((unsigned char)c) || isdigit((unsigned char)c) || c == '.' || c == '_' || c == '-' ||
		      c == '/'))
			return false;
		if (c == '/' && (i == 0 || i + 1 == len || p[i - 1] == '/'))
			return false;
	}
	return true;
}

bool imageref_is_digest(const char *s)
{
	const char *colon = strchr(s, ':');
	if (!colon || colon == s)
		return false;
	for (const char *p = s; p < colon; p++)
		if (!isalnum((unsigned char)*p) && *p != '+' && *p != '.' && *p != '_' && *p != '-')
			return false;
	size_t hex = strlen(colon + 1);
	if (hex < 32)
		return false;
	for (const char *p = colon + 1; *p; p++)
		if (!isxdigit((unsigned char)*p))
			return false;
	return strncmp(s, "sha256:", 7) || hex == 64;
}

int imageref_parse(const char *s, struct image_ref *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	if (!s || !*s)
		return set_err(err, errlen, "an empty image reference");
	char buf[768];
	if (strlen(s) >= sizeof(buf))
		return set_err(err, errlen, "the image reference is too long");
	snprintf(buf, sizeof(buf), "%s", s);
	char *at = strchr(buf, '@');
	if (at) {
		*at = '\0';
		if (!imageref_is_digest(at + 1))
			return set_err(err, errlen, "\"%s\" is not a digest", at + 1);
		snprintf(r->digest, sizeof(r->digest), "%s", at + 1);
	}
	char *name = buf;
	char *slash = strchr(name, '/');
	if (slash && (memchr(name, '.', (size_t)(slash - name)) || memchr(name, ':', (size_t)(slash - name)) ||
		      (slash - name == 9 && !strncmp(name, "localhost", 9)))) {
		snprintf(r->host, sizeof(r->host), "%.*s", (int)(slash - name), name);
		name = slash + 1;
	} else {
		snprintf(r->host, sizeof(r->host), "%s", IMAGEREF_DOCKER_HUB);
	}
	char *colon = strrchr(name, ':');
	if (colon) {
		*colon = '\0';
		const char *tag = colon + 1;
		if (!*tag || strlen(tag) > 128)
			return set_err(err, errlen, "\"%s\" has an empty or overlong tag", s);
		for (const char *p = tag; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
				return set_err(err, errlen, "\"%s\" is not a valid tag", tag);
		snprintf(r->tag, sizeof(r->tag), "%s", tag);
	}
	if (!valid_path(name, strlen(name)))
		return set_err(err, errlen, "\"%s\" is not a valid image name", s);
	char host[256];
	imageref_host(r->host, host, sizeof(host));
	memcpy(r->host, host, sizeof(r->host));
	if (!strcmp(r->host, IMAGEREF_DOCKER_HUB) && !strchr(name, '/'))
		snprintf(r->repo, sizeof(r->repo), "library/%s", name);
	else
		snprintf(r->repo, sizeof(r->repo), "%s", name);
	return 0;
}

void imageref_host(const char *address, char *out, size_t outlen)
{
	const char *p = address ? address : "";
	const char *scheme = strstr(p, "://");
	if (scheme)
		p = scheme + 3;
	size_t len = strcspn(p, "/");
	char host[256];
	snprintf(host, sizeof(host), "%.*s", (int)len, p);
	for (char *c = host; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (!strcmp(host, "index.docker.io") || !strcmp(host, "registry-1.docker.io") ||
	    !strcmp(host, "registry.hub.docker.com") || !strcmp(host, "docker.io"))
		snprintf(host, sizeof(host), "%s", IMAGEREF_DOCKER_HUB);
	snprintf(out, outlen, "%s", host);
}

bool imageref_same_host(const char *a, const char *b)
{
	char ha[256], hb[256];
	imageref_host(a, ha, sizeof(ha));
	imageref_host(b, hb, sizeof(hb));
	return !strcmp(ha, hb);
}

const char *imageref_api_host(const char *host)
{
	return !strcmp(host, IMAGEREF_DOCKER_HUB) ? "registry-1.docker.io" : host;
}

bool imageref_loopback(const char *host)
{
	char h[256];
	imageref_host(host, h, sizeof(h));
	/* without the port: "[::1]:5000", "127.0.0.1:5000", "localhost" */
	char *end = h[0] == '[' ? strchr(h, ']') : strrchr(h, ':');
	if (h[0] == '[' && end)
		*(end + 1) = '\0';
	else if (end)
		*end = '\0';
	return !strcmp(h, "localhost") || !strncmp(h, "127.", 4) || !strcmp(h, "[::1]") || !strcmp(h, "::1");
}
