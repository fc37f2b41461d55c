/* websocket.c: the client side of RFC 6455 as a pure codec (the caller moves
 * the bytes), plus the Kubernetes channel framing carried inside it. Only
 * /dev/urandom is read, for keys and masks. */
#include "backends/net/websocket.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <json-c/json.h>

#include "backends/codec/base64.h"
#include "backends/codec/sha1.h"

/* The GUID RFC 6455 4.2.2 appends to the key before hashing. */
#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

/* ---- randomness ---- */

/* Keys and masks must be unpredictable (RFC 6455 10.3) but are not secrets,
 * so a pool refilled from /dev/urandom costs one read per 64 frames instead
 * of an open/read/close per keystroke. The event loop is single-threaded. */
static void ws_random(void *out, size_t n)
{
	static unsigned char pool[256];
	static size_t avail;
	unsigned char *p = out;
	while (n) {
		if (!avail) {
			size_t got = 0;
			int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
			while (fd >= 0 && got < sizeof(pool)) {
				ssize_t r = read(fd, pool + got, sizeof(pool) - got);
				if (r <= 0)
					break;
				got += (size_t)r;
			}
			if (fd >= 0)
				close(fd);
			/* Without /dev/urandom (a bare chroot) a mask still has to
			 * vary; masking guards proxies against browser scripts, a
			 * threat a terminal client does not have, so weak is enough. */
			static uint64_t x;
			x ^= (uint64_t)mono_ms() * 0x9e3779b97f4a7c15u ^ (uint64_t)getpid() ^ (uint64_t)(uintptr_t)&x;
			for (size_t i = got; i < sizeof(pool); i++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				pool[i] = (unsigned char)(x >> 24);
			}
			avail = sizeof(pool);
		}
		size_t k = n < avail ? n : avail;
		memcpy(p, pool + sizeof(pool) - avail, k);
		avail -= k, p += k, n -= k;
	}
}

/* ---- small text helpers ---- */

/* RFC 3629 UTF-8 (no overlongs, surrogates or code points past U+10FFFF):
 * RFC 6455 8.1 makes invalid text a reason to fail the connection. */
static bool utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 1, cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2, cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3, cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

/* Copies s[0..len) into out clipped to outlen-1 bytes, never cutting a UTF-8
 * sequence in half (the UI measures cells by characters). */
static void copy_clipped(char *out, size_t outlen, const char *s, size_t len)
{
	if (!outlen)
		return;
	if (len >= outlen) {
		len = outlen - 1;
		while (len && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(out, s, len);
	out[len] = '\0';
}

/* The value of header name in the header block h[0..hlen) (status line
 * first), trimmed, into out; false when absent. */
static bool header_get(const char *h, size_t hlen, const char *name, char *out, size_t outlen)
{
	size_t nlen = strlen(name);
	const char *end = h + hlen;
	const char *line = memchr(h, '\n', hlen);
	while (line && ++line < end) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		if (!eol)
			eol = end;
		if ((size_t)(eol - line) > nlen && line[nlen] == ':' && !strncasecmp(line, name, nlen)) {
			const char *v = line + nlen + 1, *ve = eol;
			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			copy_clipped(out, outlen, v, (size_t)(ve - v));
			return true;
		}
		line = eol;
	}
	return false;
}

/* Whether the comma-separated list contains token (case-insensitively when
 * nocase: HTTP tokens like "Upgrade", but not subprotocol names). */
static bool list_has(const char *list, const char *token, bool nocase)
{
	size_t tlen = strlen(token);
	const char *p = list;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		const char *e = p;
		while (*e && *e != ',')
			e++;
		const char *te = e;
		while (te > p && (te[-1] == ' ' || te[-1] == '\t'))
			te--;
		if ((size_t)(te - p) == tlen && tlen &&
		    (nocase ? !strncasecmp(p, token, tlen) : !strncmp(p, token, tlen)))
			return true;
		p = e;
	}
	return false;
}

static struct json_object *json_parse(const char *s, size_t len)
{
	if (len > INT32_MAX)
		return NULL;
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = json_tokener_parse_ex(tok, s, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

static const char *json_str(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* ---- handshake ---- */

void ws_init(struct ws *w)
{
	memset(w, 0, sizeof(*w));
	buf_init(&w->in);
	buf_init(&w->msg);
}

void ws_cleanup(struct ws *w)
{
	buf_cleanup(&w->in);
	buf_cleanup(&w->msg);
	free(w->offered);
	ws_init(w);
}

void ws_accept_key(const char *key, char out[29])
{
	struct sha1 s;
	unsigned char d[20];
	sha1_init(&s);
	sha1_update(&s, key, strlen(key));
	sha1_update(&s, WS_GUID, strlen(WS_GUID));
	sha1_final(&s, d);
	char *b = base64_encode(d, sizeof(d));
	copy_clipped(out, 29, b, strlen(b));
	free(b);
}

char *ws_handshake_request(struct ws *w, const char *host, const char *path, const char *protocols,
			   const char *extra_headers)
{
	unsigned char nonce[16];
	ws_random(nonce, sizeof(nonce));
	char *key = base64_encode(nonce, sizeof(nonce));
	copy_clipped(w->key, sizeof(w->key), key, strlen(key));
	free(key);
	free(w->offered);
	w->offered = protocols && *protocols ? xstrdup(protocols) : NULL;

	struct buf b;
	buf_init(&b);
	buf_printf(&b,
		   "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
		   "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: %s\r\n",
		   path, host, w->key);
	if (w->offered)
		buf_printf(&b, "Sec-WebSocket-Protocol: %s\r\n", w->offered);
	if (extra_headers)
		buf_puts(&b, extra_headers);
	buf_puts(&b, "\r\n");
	return buf_steal(&b);
}

/* Where the header block ends (past its empty line), or 0 when incomplete.
 * A bare LF line end is accepted as well: being lenient costs nothing here. */
static size_t header_end(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '\n')
			continue;
		if (i + 1 < len && s[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && s[i + 1] == '\r' && s[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* The body of a chunked response in body[0..len) decoded into out; true once
 * the last chunk has arrived. */
static bool dechunk(const char *body, size_t len, struct buf *out)
{
	size_t i = 0;
	for (;;) {
		const char *eol = memchr(body + i, '\n', len - i);
		if (!eol)
			return false;
		char *end;
		unsigned long n = strtoul(body + i, &end, 16);
		if (end == body + i)
			return true; /* not chunked after all: keep what came */
		i = (size_t)(eol - body) + 1;
		if (n == 0)
			return true;
		if (n > len - i) {
			buf_append(out, body + i, len - i);
			return false;
		}
		buf_append(out, body + i, n);
		i += n;
		while (i < len && (body[i] == '\r' || body[i] == '\n'))
			i++;
	}
}

/* The refusal sentence for a non-101 response: the status line and, for a
 * Kubernetes Status (or a short plain-text) body, its message. */
static int refused(const char *status, const char *body, size_t blen, bool text, char *err, size_t errlen)
{
	struct json_object *o = json_parse(body, blen);
	const char *msg = json_str(o, "message");
	if (msg && *msg) {
		set_err(err, errlen, "%s: %s", status, msg);
	} else if (text && blen) {
		char first[200];
		const char *eol = memchr(body, '\n', blen);
		copy_clipped(first, sizeof(first), body, eol ? (size_t)(eol - body) : blen);
		first[strcspn(first, "\r")] = '\0';
		set_err(err, errlen, "%s: %s", status, first);
	} else {
		set_err(err, errlen, "%s", status);
	}
	json_object_put(o);
	return -1;
}

/* Checks a complete 101 against RFC 6455 4.1 and our offers. */
static int check_upgrade(struct ws *w, const char *h, size_t hlen, char *err, size_t errlen)
{
	char v[256], want[29];
	if (!header_get(h, hlen, "Upgrade", v, sizeof(v)) || !list_has(v, "websocket", true))
		return set_err(err, errlen, "The server switched protocols but not to WebSocket.");
	if (!header_get(h, hlen, "Connection", v, sizeof(v)) || !list_has(v, "upgrade", true))
		return set_err(err, errlen, "The server's upgrade response lacks \"Connection: Upgrade\".");
	ws_accept_key(w->key, want);
	if (!header_get(h, hlen, "Sec-WebSocket-Accept", v, sizeof(v)))
		return set_err(err, errlen, "The server's upgrade response has no Sec-WebSocket-Accept.");
	if (strcmp(v, want))
		return set_err(err, errlen, "The server's Sec-WebSocket-Accept does not match the key sent.");
	if (header_get(h, hlen, "Sec-WebSocket-Extensions", v, sizeof(v)) && *v)
		return set_err(err, errlen, "The server enabled a WebSocket extension that was not offered.");
	bool has = header_get(h, hlen, "Sec-WebSocket-Protocol", v, sizeof(v)) && *v;
	if (has && (!w->offered || !list_has(w->offered, v, false) || strlen(v) >= sizeof(w->protocol)))
		return set_err(err, errlen, "The server chose subprotocol \"%.64s\", which was not offered.", v);
	if (!has && w->offered)
		return set_err(err, errlen, "The server accepted none of the offered subprotocols (%.100s).",
			       w->offered);
	copy_clipped(w->protocol, sizeof(w->protocol), v, has ? strlen(v) : 0);
	return 0;
}

int ws_handshake_response(struct ws *w, const char *data, size_t len, char *err, size_t errlen)
{
	if (w->upgraded) {
		ws_feed(w, data, len);
		return 0;
	}
	buf_append(&w->in, data, len);
	const char *s = w->in.data;
	size_t hlen = s ? header_end(s, w->in.len) : 0;
	if (!hlen) {
		if (w->in.len > WS_MAX_HEADER)
			return set_err(err, errlen, "The server's upgrade response header is too large.");
		if (w->eof)
			return set_err(err, errlen,
				       w->in.len ? "The connection closed in the upgrade response."
						 : "The connection closed before any upgrade response.");
		return 1;
	}

	char status[128];
	const char *eol = memchr(s, '\n', hlen);
	copy_clipped(status, sizeof(status), s, (size_t)(eol - s));
	status[strcspn(status, "\r")] = '\0';
	if (strncmp(status, "HTTP/1.", 7) || strlen(status) < 12 || status[8] != ' ' ||
	    !isdigit((unsigned char)status[9]) || !isdigit((unsigned char)status[10]) ||
	    !isdigit((unsigned char)status[11]))
		return set_err(err, errlen, "The server did not answer with HTTP: \"%.60s\".", status);
	int code = atoi(status + 9);

	if (code == 101) {
		if (check_upgrade(w, s, hlen, err, errlen) < 0)
			return -1;
		buf_consume(&w->in, hlen);
		w->upgraded = true;
		return 0;
	}

	/* A refusal: wait for its body (Kubernetes puts the reason in a Status). */
	char v[64];
	const char *body = s + hlen;
	size_t blen = w->in.len - hlen;
	bool text = header_get(s, hlen, "Content-Type", v, sizeof(v)) && !strncasecmp(v, "text/plain", 10);
	bool capped = blen >= WS_MAX_HEADER;
	if (header_get(s, hlen, "Content-Length", v, sizeof(v))) {
		unsigned long long n = strtoull(v, NULL, 10);
		if (blen < n && !capped && !w->eof)
			return 1;
		return refused(status, body, blen < n ? blen : (size_t)n, text, err, errlen);
	}
	if (header_get(s, hlen, "Transfer-Encoding", v, sizeof(v)) && list_has(v, "chunked", true)) {
		struct buf d;
		buf_init(&d);
		bool done = dechunk(body, blen, &d);
		int r = 1;
		if (done || capped || w->eof)
			r = refused(status, d.data ? d.data : "", d.len, text, err, errlen);
		buf_cleanup(&d);
		return r;
	}
	if (!capped && !w->eof)
		return 1; /* the body runs to the end of the connection */
	return refused(status, body, blen, text, err, errlen);
}

/* ---- frames ---- */

void ws_frame(struct buf *out, int opcode, const void *payload, size_t len)
{
	/* A control frame past 125 bytes is a caller bug; clipping keeps the
	 * stream valid rather than letting the server drop the connection. */
	if ((opcode & 0x8) && len > 125)
		len = 125;
	unsigned char h[14];
	size_t n = 0;
	h[n++] = (unsigned char)(0x80 | (opcode & 0x0f));
	if (len < 126) {
		h[n++] = (unsigned char)(0x80 | len);
	} else if (len <= 0xffff) {
		h[n++] = 0x80 | 126;
		h[n++] = (unsigned char)(len >> 8);
		h[n++] = (unsigned char)len;
	} else {
		h[n++] = 0x80 | 127;
		for (int i = 7; i >= 0; i--)
			h[n++] = (unsigned char)((uint64_t)len >> (8 * i));
	}
	unsigned char *mask = h + n;
	ws_random(mask, 4);
	n += 4;
	buf_append(out, h, n);
	size_t start = out->len;
	buf_append(out, payload, len);
	for (size_t i = 0; i < len; i++)
		out->data[start + i] ^= (char)mask[i & 3];
}

void ws_close_frame(struct buf *out, int code, const char *reason)
{
	char p[2 + 123 + 1]; /* code, the longest reason a control frame holds, NUL */
	p[0] = (char)(code >> 8);
	p[1] = (char)code;
	copy_clipped(p + 2, sizeof(p) - 2, reason ? reason : "", reason ? strlen(reason) : 0);
	ws_frame(out, WS_CLOSE, p, 2 + strlen(p + 2));
}

void ws_feed(struct ws *w, const char *data, size_t len)
{
	buf_append(&w->in, data, len);
}

void ws_eof(struct ws *w)
{
	w->eof = true;
}

/* Close codes a peer may send (RFC 6455 7.4 and the IANA registry). */
static bool close_code_valid(int c)
{
	return (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1014) || (c >= 3000 && c <= 4999);
}

static int close_frame(struct ws *w, const unsigned char *p, size_t len, char *err, size_t errlen)
{
	w->closed = true;
	w->close_code = WS_CLOSE_NO_STATUS;
	w->close_reason[0] = '\0';
	if (!len)
		return 0;
	if (len == 1 || !close_code_valid(p[0] << 8 | p[1]))
		return set_err(err, errlen, "The server sent a malformed close frame.");
	if (!utf8_valid(p + 2, len - 2))
		return set_err(err, errlen, "The server's close reason is not valid UTF-8.");
	w->close_code = p[0] << 8 | p[1];
	copy_clipped(w->close_reason, sizeof(w->close_reason), (const char *)p + 2, len - 2);
	return 0;
}

/* What ws_next says when the bytes run out: wait, or report the loss. */
static int ws_starved(struct ws *w, char *err, size_t errlen)
{
	if (!w->eof)
		return 0;
	w->close_code = WS_CLOSE_ABNORMAL;
	if (w->in.len || w->msg_opcode)
		return set_err(err, errlen, "The connection ended in the middle of a WebSocket message.");
	return set_err(err, errlen, "The connection ended without a WebSocket close.");
}

int ws_next(struct ws *w, int *opcode, struct buf *payload, char *err, size_t errlen)
{
	if (!w->upgraded)
		return set_err(err, errlen, "The WebSocket handshake has not completed.");
	for (;;) {
		if (w->closed)
			return 0; /* nothing after a close frame is data (RFC 6455 5.5.1) */
		const unsigned char *p = (const unsigned char *)w->in.data;
		size_t avail = w->in.len;
		if (avail < 2)
			return ws_starved(w, err, errlen);
		bool fin = p[0] & 0x80;
		int op = p[0] & 0x0f;
		if (p[0] & 0x70)
			return set_err(err, errlen,
				       "The server set reserved WebSocket bits (no extension was agreed).");
		if (p[1] & 0x80)
			return set_err(err, errlen, "The server sent a masked WebSocket frame.");
		uint64_t plen = p[1] & 0x7f;
		size_t hl = 2;
		if (plen == 126) {
			if (avail < 4)
				return ws_starved(w, err, errlen);
			plen = (uint64_t)p[2] << 8 | p[3];
			hl = 4;
		} else if (plen == 127) {
			if (avail < 10)
				return ws_starved(w, err, errlen);
			plen = 0;
			for (int i = 0; i < 8; i++)
				plen = plen << 8 | p[2 + i];
			hl = 10;
		}
		bool control = op & 0x8;
		if (control) {
			if (op != WS_CLOSE && op != WS_PING && op != WS_PONG)
				return set_err(err, errlen, "The server sent unknown WebSocket opcode %d.", op);
			if (!fin || plen > 125)
				return set_err(err, errlen, "The server sent a fragmented or oversized control frame.");
		} else {
			if (op != WS_CONT && op != WS_TEXT && op != WS_BINARY)
				return set_err(err, errlen, "The server sent unknown WebSocket opcode %d.", op);
			if (op == WS_CONT && !w->msg_opcode)
				return set_err(err, errlen,
					       "The server sent a continuation frame with no message open.");
			if (op != WS_CONT && w->msg_opcode)
				return set_err(err, errlen, "The server started a message before finishing the last.");
			/* Checked before waiting for the payload, so a hostile length
			 * never makes us buffer it. */
			if (plen > WS_MAX_MESSAGE || w->msg.len + plen > WS_MAX_MESSAGE)
				return set_err(err, errlen, "The server sent a WebSocket message over %u MiB.",
					       WS_MAX_MESSAGE >> 20);
		}
		if (avail - hl < plen)
			return ws_starved(w, err, errlen);
		const char *pl = w->in.data + hl;
		size_t n = (size_t)plen;

		if (control || (fin && op != WS_CONT)) {
			/* Control frames and unfragmented messages come out whole. */
			if (op == WS_TEXT && !utf8_valid((const unsigned char *)pl, n))
				return set_err(err, errlen, "The server sent a text message that is not UTF-8.");
			if (op == WS_CLOSE && close_frame(w, (const unsigned char *)pl, n, err, errlen) < 0)
				return -1;
			buf_reset(payload);
			buf_append(payload, pl, n);
			buf_consume(&w->in, hl + n);
			*opcode = op;
			return 1;
		}
		if (op != WS_CONT)
			w->msg_opcode = op;
		buf_append(&w->msg, pl, n);
		buf_consume(&w->in, hl + n);
		if (!fin)
			continue;
		if (w->msg_opcode == WS_TEXT && !utf8_valid((const unsigned char *)w->msg.data, w->msg.len))
			return set_err(err, errlen, "The server sent a text message that is not UTF-8.");
		/* Hand the assembled buffer over instead of copying up to 16 MiB. */
		struct buf t = *payload;
		*payload = w->msg;
		w->msg = t;
		buf_reset(&w->msg);
		*opcode = w->msg_opcode;
		w->msg_opcode = 0;
		return 1;
	}
}

/* ---- Kubernetes channels ---- */

bool ws_k8s_is_base64(const char *protocol)
{
	return protocol && strstr(protocol, "base64.channel.k8s.io") != NULL;
}

void ws_k8s_frame(struct buf *out, int channel, const void *data, size_t len, bool base64)
{
	struct buf m;
	buf_init(&m);
	if (base64) {
		char *b = base64_encode(data, len);
		buf_putc(&m, (char)('0' + channel % 10));
		buf_puts(&m, b);
		free(b);
		ws_frame(out, WS_TEXT, m.data, m.len);
	} else {
		buf_putc(&m, (char)(unsigned char)channel);
		buf_append(&m, data, len);
		ws_frame(out, WS_BINARY, m.data, m.len);
	}
	buf_cleanup(&m);
}

int ws_k8s_parse(const struct buf *msg, int opcode, bool base64, int *channel, const char **data, size_t *len,
		 struct buf *scratch)
{
	if (!msg->len)
		return -1;
	if (!base64) {
		if (opcode != WS_BINARY)
			return -1;
		*channel = (unsigned char)msg->data[0];
		*data = msg->data + 1;
		*len = msg->len - 1;
		return 0;
	}
	if (opcode != WS_TEXT || msg->data[0] < '0' || msg->data[0] > '9')
		return -1;
	size_t n = 0;
	char *d = base64_decode(msg->data + 1, msg->len - 1, &n);
	if (!d)
		return -1;
	buf_reset(scratch);
	buf_append(scratch, d, n);
	free(d);
	*channel = msg->data[0] - '0';
	*data = scratch->data;
	*len = scratch->len;
	return 0;
}

/* details.causes[] entry with reason "ExitCode": its message as a code, or -1. */
static int exit_cause(struct json_object *status)
{
	struct json_object *details, *causes;
	if (!json_object_object_get_ex(status, "details", &details) ||
	    !json_object_object_get_ex(details, "causes", &causes) || !json_object_is_type(causes, json_type_array))
		return -1;
	for (size_t i = 0; i < json_object_array_length(causes); i++) {
		struct json_object *c = json_object_array_get_idx(causes, i);
		const char *reason = json_str(c, "reason"), *m = json_str(c, "message");
		if (!reason || strcmp(reason, "ExitCode") || !m)
			continue;
		char *end;
		long code = strtol(m, &end, 10);
		if (end != m && !*end && code >= 0 && code <= INT32_MAX)
			return (int)code;
	}
	return -1;
}

int ws_k8s_exit_code(const char *status_json, size_t len, char *msg, size_t msglen)
{
	if (msg && msglen)
		msg[0] = '\0';
	struct json_object *o = json_parse(status_json, len);
	if (!json_object_is_type(o, json_type_object)) {
		/* channel.k8s.io (v1) writes the error as plain text. */
		while (len &&
		       (status_json[len - 1] == '\n' || status_json[len - 1] == '\r' || status_json[len - 1] == ' '))
			len--;
		if (msg)
			copy_clipped(msg, msglen, status_json, len);
		json_object_put(o);
		return -1;
	}
	const char *status = json_str(o, "status"), *reason = json_str(o, "reason");
	const char *m = json_str(o, "message");
	int code = -1;
	if (status && !strcmp(status, "Success"))
		code = 0;
	else if (reason && !strcmp(reason, "NonZeroExitCode"))
		code = exit_cause(o);
	if (code < 0 && msg) {
		if (m && *m)
			copy_clipped(msg, msglen, m, strlen(m));
		else
			snprintf(msg, msglen, "The command failed (%s).", reason ? reason : "no reason given");
	}
	json_object_put(o);
	return code;
}
