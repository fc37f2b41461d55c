/* fetch.c: URLs, signed header lines and one-shot requests for the AWS
 * machinery (see internal.h). A fetch owns its target, so each may go to a
 * different host (STS, the SSO portal, IMDS, a container endpoint). */
#include "backends/aws/internal.h"
#include "backends/net/http.h"
#include "backends/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int aws_url_split(const char *url, char **origin, char **host, char **rest)
{
	const char *sep = strstr(url, "://");
	if (!sep)
		return -1;
	const char *h = sep + 3;
	size_t hlen = strcspn(h, "/?");
	const char *tail = h + hlen;
	if (origin)
		*origin = xstrndup(url, (size_t)(tail - url));
	if (host) {
		/* curl leaves a default port out of Host: so must the signature */
		char *hp = xstrndup(h, hlen);
		size_t n = strlen(hp);
		bool https = !strncmp(url, "https", 5) || !strncmp(url, "wss", 3);
		if (https && n > 4 && !strcmp(hp + n - 4, ":443"))
			hp[n - 4] = '\0';
		else if (!https && n > 3 && !strcmp(hp + n - 3, ":80"))
			hp[n - 3] = '\0';
		*host = hp;
	}
	if (rest)
		*rest = *tail == '/' ? xstrdup(tail) : xasprintf("/%s", tail);
	return 0;
}

void aws_target_init(struct http_target *t, const char *base_url, const char *ca_bundle)
{
	memset(t, 0, sizeof(*t));
	t->base_url = xstrdup(base_url);
	t->ca_file = xstrdup(ca_bundle);
	t->display = xstrdup(base_url);
}

void aws_lines_free(char **lines)
{
	for (size_t i = 0; lines && lines[i]; i++) {
		memset(lines[i], 0, strlen(lines[i])); /* the token line */
		free(lines[i]);
	}
	free(lines);
}

void aws_sign_lines(const char *method, const char *host, const char *path_and_query, const char *const *headers,
		    const char *body, size_t body_len, const struct aws_keys *k, const char *region,
		    const char *service, char ***out)
{
	char *path = xstrdup(path_and_query && *path_and_query ? path_and_query : "/");
	char *q = strchr(path, '?');
	if (q)
		*q++ = '\0';
	struct sigv4_input in = {.method = method, .host = host, .path = path, .query = q, .headers = headers,
				 .body = body, .body_len = body_len, .region = region, .service = service,
				 .when = wall_s()};
	struct sigv4_output o;
	sigv4_sign(&in, k, &o);
	char **lines = xcalloc(4, sizeof(*lines));
	size_t n = 0;
	lines[n++] = xasprintf("X-Amz-Date: %s", o.amz_date);
	if (k->session_token && *k->session_token)
		lines[n++] = xasprintf("X-Amz-Security-Token: %s", k->session_token);
	lines[n++] = xasprintf("Authorization: %s", o.authorization);
	sigv4_output_cleanup(&o);
	free(path);
	*out = lines;
}

struct aws_fetch {
	struct http_target target;
	struct http_req *req;
	aws_fetch_fn done;
	void *arg;
};

static void fetch_free(struct aws_fetch *f)
{
	http_target_cleanup(&f->target);
	free(f);
}

static void on_fetched(void *arg, const struct http_result *res)
{
	struct aws_fetch *f = arg;
	f->req = NULL;
	f->done(f->arg, res->error ? 0 : res->status, res->body, res->len, res->error);
	fetch_free(f);
}

struct aws_fetch *aws_fetch_start(const char *url, const char *ca_bundle, const char *method,
				  const char *const *headers, const char *body, const char *ctype, long timeout_ms,
				  const struct aws_sign *sign, aws_fetch_fn done, void *arg)
{
	char *origin = NULL, *host = NULL, *rest = NULL;
	if (aws_url_split(url, &origin, &host, &rest) < 0)
		return NULL;
	struct aws_fetch *f = xcalloc(1, sizeof(*f));
	f->done = done;
	f->arg = arg;
	aws_target_init(&f->target, origin, ca_bundle);
	f->req = http_req_new(&f->target, method, rest);
	for (size_t i = 0; headers && headers[i]; i++)
		http_req_header(f->req, headers[i]);
	if (body)
		http_req_body(f->req, body, strlen(body), ctype);
	if (sign) {
		/* the content type is signed like the other headers */
		const char *signed_headers[34];
		size_t n = 0;
		char *ct = ctype ? xasprintf("Content-Type: %s", ctype) : NULL;
		if (ct)
			signed_headers[n++] = ct;
		for (size_t i = 0; headers && headers[i] && n < 32; i++)
			signed_headers[n++] = headers[i];
		signed_headers[n] = NULL;
		char **lines;
		aws_sign_lines(method, host, rest, signed_headers, body, body ? strlen(body) : 0, sign->keys,
			       sign->region, sign->service, &lines);
		for (size_t i = 0; lines[i]; i++)
			http_req_header(f->req, lines[i]);
		aws_lines_free(lines);
		free(ct);
	}
	http_req_timeout(f->req, timeout_ms);
	http_req_callback(f->req, on_fetched, f);
	http_req_start(f->req);
	free(origin);
	free(host);
	free(rest);
	return f;
}

void aws_fetch_cancel(struct aws_fetch *f)
{
	if (!f)
		return;
	http_req_cancel(f->req);
	fetch_free(f);
}
