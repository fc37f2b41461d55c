/* base64.c: RFC 4648 base64 in both alphabets; decoding is lenient about
 * padding and line breaks because kubeconfigs and tools differ there. */
#include "backends/codec/base64.h"
#include "backends/util/util.h"

#include <stdlib.h>

static char *encode(const void *data, size_t len, const char *alphabet)
{
	const unsigned char *p = data;
	char *out = xmalloc((len + 2) / 3 * 4 + 1), *o = out;
	size_t i = 0;
	for (; i + 2 < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		*o++ = alphabet[v >> 18 & 63];
		*o++ = alphabet[v >> 12 & 63];
		*o++ = alphabet[v >> 6 & 63];
		*o++ = alphabet[v & 63];
	}
	if (i < len) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < len ? (unsigned)p[i + 1] << 8 : 0);
		*o++ = alphabet[v >> 18 & 63];
		*o++ = alphabet[v >> 12 & 63];
		*o++ = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

char *base64_encode(const void *data, size_t len)
{
	return encode(data, len, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
}

char *base64url_encode(const void *data, size_t len)
{
	return encode(data, len, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
}

static int sextet(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

char *base64_decode(const char *s, size_t len, size_t *outlen)
{
	char *out = xmalloc(len / 4 * 3 + 4);
	size_t n = 0, pad = 0;
	unsigned acc = 0, bits = 0, digits = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		int v = sextet(c);
		if (v < 0 || pad) /* a digit after padding is not base64 either */
			goto bad;
		acc = (acc << 6 | (unsigned)v) & 0xffffff;
		bits += 6;
		digits++;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)(acc >> bits & 0xff);
		}
	}
	/* one leftover digit cannot hold a byte; padding must complete a quantum */
	if (digits % 4 == 1 || (pad && (digits + pad) % 4) || pad > 2)
		goto bad;
	out[n] = '\0';
	if (outlen)
		*outlen = n;
	return out;
bad:
	free(out);
	return NULL;
}
