/* sha1.h: SHA-1 (FIPS 180-4), only because RFC 6455 computes
 * Sec-WebSocket-Accept with it. Not for anything that needs collision
 * resistance. Small and dependency-free, like sha256.h. */
#ifndef BINNACLE_SHA1_H
#define BINNACLE_SHA1_H

#include <stddef.h>
#include <stdint.h>

struct sha1 {
	uint32_t h[5];
	uint64_t len;
	unsigned char block[64];
	size_t used;
};

void sha1_init(struct sha1 *s);
void sha1_update(struct sha1 *s, const void *data, size_t len);
void sha1_final(struct sha1 *s, unsigned char out[20]);
/* Lower-case hex digest of data into out (41 bytes). */
void sha1_hex(const void *data, size_t len, char out[41]);

#endif
