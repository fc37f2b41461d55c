/* ws_fixtures.h: what the WebSocket tests share: server frames as an API
 * server sends them, decoding our masked client frames, and driving a
 * handshake against a canned response. Test-only, hence static inline. */
#ifndef BINNACLE_WS_FIXTURES_H
#define BINNACLE_WS_FIXTURES_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/util/util.h"
#include "backends/net/websocket.h"
/* An unmasked server frame, as the API server sends them. */
static inline void server_frame(struct buf *out, bool fin, int op, const void *p, size_t len)
{
	unsigned char h[10];
	size_t n = 0;
	h[n++] = (unsigned char)((fin ? 0x80 : 0) | op);
	if (len < 126) {
		h[n++] = (unsigned char)len;
	} else if (len <= 0xffff) {
		h[n++] = 126, h[n++] = (unsigned char)(len >> 8), h[n++] = (unsigned char)len;
	} else {
		h[n++] = 127;
		for (int i = 7; i >= 0; i--)
			h[n++] = (unsigned char)((uint64_t)len >> (8 * i));
	}
	buf_append(out, h, n);
	buf_append(out, p, len);
}

/* Decodes one client frame at d (checking it is final and masked) into
 * *op and payload (unmasked); returns its size on the wire. */
static inline size_t client_unframe(const char *d, size_t avail, int *op, struct buf *payload, size_t *hdr)
{
	const unsigned char *p = (const unsigned char *)d;
	assert_true(avail >= 6);
	assert_true(p[0] & 0x80);         /* FIN */
	assert_int_equal(p[0] & 0x70, 0); /* RSV */
	assert_true(p[1] & 0x80);         /* MASK */
	*op = p[0] & 0x0f;
	uint64_t len = p[1] & 0x7f;
	size_t hl = 2;
	if (len == 126) {
		len = (uint64_t)p[2] << 8 | p[3];
		hl = 4;
	} else if (len == 127) {
		len = 0;
		for (int i = 0; i < 8; i++)
			len = len << 8 | p[2 + i];
		hl = 10;
	}
	const unsigned char *mask = p + hl;
	hl += 4;
	assert_true(avail >= hl + len);
	buf_reset(payload);
	for (size_t i = 0; i < len; i++) {
		char c = (char)(p[hl + i] ^ mask[i & 3]);
		buf_append(payload, &c, 1);
	}
	if (hdr)
		*hdr = hl;
	return hl + (size_t)len;
}

/* The verdict of a fresh w, offering offer, on the response resp in which
 * "@A@" stands for the right Sec-WebSocket-Accept, fed a byte at a time;
 * then end of stream when eof. The caller cleans w up. */
static inline int handshake(struct ws *w, const char *offer, const char *resp, bool eof, char *err)
{
	char accept[29];
	ws_init(w);
	free(ws_handshake_request(w, "h", "/", offer, NULL));
	ws_accept_key(w->key, accept);
	struct buf b;
	buf_init(&b);
	for (const char *p = resp; *p;) {
		const char *at = strstr(p, "@A@");
		size_t n = at ? (size_t)(at - p) : strlen(p);
		buf_append(&b, p, n);
		p += n;
		if (at) {
			buf_puts(&b, accept);
			p += 3;
		}
	}
	/* A byte at a time: no verdict may come before its bytes have. */
	int r = 1;
	size_t i = 0;
	while (i < b.len && r == 1)
		r = ws_handshake_response(w, b.data + i++, 1, err, ERRLEN);
	if (r == 0) /* frames after the header */
		ws_feed(w, b.data + i, b.len - i);
	if (eof && r == 1) {
		ws_eof(w);
		r = ws_handshake_response(w, NULL, 0, err, ERRLEN);
	}
	buf_cleanup(&b);
	return r;
}

#define H101   "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
#define ACCEPT "Sec-WebSocket-Accept: @A@\r\n"
#define OFFER  "v5.channel.k8s.io, v4.channel.k8s.io"

#endif
