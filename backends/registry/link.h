/* link.h: the paging links of a registry (RFC 8288 Link headers) and the
 * RFC 3986 resolution of the URL they carry, which is usually relative to
 * the request ("</v2/_catalog?last=b&n=2>; rel=\"next\"", or only a
 * query, "<?last=v4>"). */
#ifndef BINNACLE_REGISTRY_LINK_H
#define BINNACLE_REGISTRY_LINK_H

/* The target of the first link whose rel includes "next" (any case), as
 * written (owned); NULL when the header has none or is malformed. */
char *link_next(const char *header);

/* ref resolved against the absolute URL base (RFC 3986 section 5.2, dot
 * segments removed); owned. A ref that is itself absolute is returned
 * as it is. */
char *url_resolve(const char *base, const char *ref);

/* The "scheme://authority" part of an absolute URL, owned; NULL when url
 * has no scheme. */
char *url_origin(const char *url);

#endif
