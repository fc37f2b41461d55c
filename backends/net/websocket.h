/* websocket.h: a client-side WebSocket (RFC 6455) codec with no I/O of its
 * own, for the Kubernetes exec/attach streams that run over the raw
 * connections of http.h (http_raw_send/recv): the upgrade request and the
 * check of its response, masked client frames, reassembly of server
 * messages, and the k8s channel framing on top (channel.k8s.io family). */
#ifndef BINNACLE_WEBSOCKET_H
#define BINNACLE_WEBSOCKET_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/util/util.h"

/* Opcodes (RFC 6455 5.2); WS_CONT only ever appears on the wire. */
#define WS_CONT   0x0
#define WS_TEXT   0x1
#define WS_BINARY 0x2
#define WS_CLOSE  0x8
#define WS_PING   0x9
#define WS_PONG   0xA

/* The largest message (after reassembly) ws_next accepts; an exec stream's
 * messages are a few KiB, so anything near this is a broken or hostile peer. */
#define WS_MAX_MESSAGE (16u * 1024 * 1024)
/* The largest upgrade response header (and error body) kept. */
#define WS_MAX_HEADER (64u * 1024)

/* Close codes with no wire form (RFC 6455 7.4.1): none given, connection lost. */
#define WS_CLOSE_NO_STATUS 1005
#define WS_CLOSE_ABNORMAL  1006

struct ws {
	char key[32];           /* our Sec-WebSocket-Key (base64 of 16 random bytes) */
	char protocol[64];      /* the subprotocol the server chose, "" for none */
	struct buf in;          /* received bytes not yet consumed */
	bool closed;            /* the server's close frame has arrived */
	int close_code;         /* its status code, WS_CLOSE_NO_STATUS when it had none */
	char close_reason[128]; /* its reason text (server text: sanitise before showing) */
	/* private */
	char *offered;  /* the Sec-WebSocket-Protocol we sent, for the check */
	bool upgraded;  /* handshake done: w->in holds frames */
	bool eof;       /* ws_eof was called */
	struct buf msg; /* fragments of the data message being assembled */
	int msg_opcode; /* its opcode, 0 when no fragmented message is open */
};

void ws_init(struct ws *w);
void ws_cleanup(struct ws *w);

/* The upgrade request (owned) for path (already URL-encoded, with its query)
 * on host ("host:port"), offering protocols (e.g. "v5.channel.k8s.io,
 * v4.channel.k8s.io"; NULL or "" offers none), with extra_headers (NULL or
 * lines each ending "\r\n", e.g. Authorization) and a fresh random
 * Sec-WebSocket-Key, kept in w for the response check. */
char *ws_handshake_request(struct ws *w, const char *host, const char *path, const char *protocols,
			   const char *extra_headers);

/* Feeds upgrade response bytes (none is fine: after ws_eof, to get the
 * verdict on what came). Returns 1 when more bytes are needed; 0 when
 * upgraded (w->protocol is the chosen subprotocol and any bytes after the
 * header stay in w->in as frame data, so call ws_next next); -1 when refused, with a sentence in err: the
 * status line and, for a JSON Status body (Kubernetes 400/401/403), its
 * message. A 101 without the right Sec-WebSocket-Accept, choosing a
 * subprotocol not offered (or none when some were offered), or an extension,
 * is refused too. */
int ws_handshake_response(struct ws *w, const char *data, size_t len, char *err, size_t errlen);

/* The base64 Sec-WebSocket-Accept for key into out (29 bytes). */
void ws_accept_key(const char *key, char out[29]);

/* Appends to out one final, masked (random mask) client frame of opcode
 * carrying payload[0..len). Control frames (WS_PING, WS_PONG, WS_CLOSE) must
 * be at most 125 bytes. */
void ws_frame(struct buf *out, int opcode, const void *payload, size_t len);
/* A close frame with code and a reason (NULL for none), clipped to fit. */
void ws_close_frame(struct buf *out, int code, const char *reason);

/* Appends received frame bytes to w->in; then call ws_next until it returns 0. */
void ws_feed(struct ws *w, const char *data, size_t len);
/* The connection reached end of stream (recv returned 0): from then on a
 * response or message cut short is an error rather than "need more". */
void ws_eof(struct ws *w);

/* The next whole message from w->in: 1 with *opcode (WS_TEXT, WS_BINARY,
 * WS_PING, WS_PONG or WS_CLOSE) and payload (reset, then filled; a data
 * message is reassembled from its fragments, and control frames arriving
 * between fragments come out first); 0 when more bytes are needed (or after
 * the close frame, when nothing more is read); -1 on a protocol error or a
 * lost connection, with a sentence in err. The caller answers a WS_PING with
 * a WS_PONG of the same payload; on WS_CLOSE w->closed, close_code and
 * close_reason are set, and the caller echoes a close and ends the stream. */
int ws_next(struct ws *w, int *opcode, struct buf *payload, char *err, size_t errlen);

/* ---- Kubernetes channel protocol (channel.k8s.io, v4, v5, base64) ---- */

#define WS_K8S_STDIN  0
#define WS_K8S_STDOUT 1
#define WS_K8S_STDERR 2
#define WS_K8S_ERROR  3
#define WS_K8S_RESIZE 4
#define WS_K8S_CLOSE  255 /* v5 only: payload is the stream id being half-closed */

/* True when subprotocol is a base64 variant (text frames, ASCII digit channel). */
bool ws_k8s_is_base64(const char *protocol);

/* Appends the frame for data[0..len) on channel: binary with a channel byte,
 * or for the base64 variants a text frame with an ASCII digit (channel 0..9)
 * and base64 of data. */
void ws_k8s_frame(struct buf *out, int channel, const void *data, size_t len, bool base64);

/* Splits a message from ws_next into its channel and payload: *data points
 * into msg (binary) or into scratch (base64, decoded there). 0 on success,
 * -1 when the message is not a channel message (empty, wrong frame type,
 * no digit, bad base64). */
int ws_k8s_parse(const struct buf *msg, int opcode, bool base64, int *channel, const char **data, size_t *len,
		 struct buf *scratch);

/* The exit code in the channel-3 Status: 0 for "Success", the code of a
 * NonZeroExitCode (details.causes[] reason "ExitCode"); -1 for any other
 * failure, with the Status message (or the text itself when it is not JSON,
 * as channel.k8s.io v1 sends) in msg. */
int ws_k8s_exit_code(const char *status_json, size_t len, char *msg, size_t msglen);

#endif
