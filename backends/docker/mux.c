/* mux.c: Docker multiplexed stream decoder (see mux.h). Payload bytes are
 * emitted straight from the caller's buffer so a large log burst costs no
 * copies here; only the 8-byte header is ever held between feeds. */
#include "backends/docker/mux.h"

#include <string.h>

void mux_init(struct mux_decoder *m)
{
	memset(m, 0, sizeof(*m));
}

/* Checks the header byte just stored at index i. Validating byte by byte
 * rather than once all 8 arrived means a raw (TTY) stream is recognised from
 * its first byte, so a short prompt like "$ " is shown at once instead of
 * sitting in hdr waiting for more input that may never come. */
static bool mux_hdr_byte_ok(const struct mux_decoder *m, size_t i)
{
	if (i == 0)
		return m->hdr[0] <= MUX_SYSTEMERR;
	if (i <= 3)
		return m->hdr[i] == 0;
	return true;
}

int mux_feed(struct mux_decoder *m, const char *data, size_t len, mux_emit_fn emit, void *arg)
{
	const char *p = data, *end = data + len;
	if (m->broken) {
		if (len)
			emit(arg, MUX_STDOUT, data, len);
		return 0;
	}
	while (p < end) {
		if (m->left > 0) {
			size_t n = (size_t)(end - p);
			if (n > m->left)
				n = m->left;
			emit(arg, m->stream, p, n);
			p += n;
			m->left -= (uint32_t)n;
			continue;
		}
		m->hdr[m->hdr_have] = (unsigned char)*p++;
		if (!mux_hdr_byte_ok(m, m->hdr_have)) {
			m->broken = true;
			emit(arg, MUX_STDOUT, (const char *)m->hdr, m->hdr_have + 1);
			m->hdr_have = 0;
			if (p < end)
				emit(arg, MUX_STDOUT, p, (size_t)(end - p));
			return -1;
		}
		if (++m->hdr_have < sizeof(m->hdr))
			continue;
		m->hdr_have = 0;
		m->stream = m->hdr[0];
		m->left = (uint32_t)m->hdr[4] << 24 | (uint32_t)m->hdr[5] << 16 | (uint32_t)m->hdr[6] << 8 |
			  (uint32_t)m->hdr[7];
	}
	return 0;
}
