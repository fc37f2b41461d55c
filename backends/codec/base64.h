/* base64.h: RFC 4648 base64, shared by kubeconfig *-data fields, WebSocket
 * keys and the Kubernetes base64 channel protocol, registry auth headers. */
#ifndef BINNACLE_BASE64_H
#define BINNACLE_BASE64_H

#include <stdbool.h>
#include <stddef.h>

/* Standard alphabet, padded; owned NUL-terminated string. */
char *base64_encode(const void *data, size_t len);
/* URL-safe alphabet ('-', '_'), padded, as Go's base64.URLEncoding writes it. */
char *base64url_encode(const void *data, size_t len);
/* Decodes s[0..len): either alphabet, padding optional, ASCII whitespace
 * ignored (PEM-style line breaks). Owned bytes with a NUL after them (so
 * decoded text is a C string), their count in *outlen (may be NULL); NULL
 * when s is not base64. */
char *base64_decode(const char *s, size_t len, size_t *outlen);

#endif
