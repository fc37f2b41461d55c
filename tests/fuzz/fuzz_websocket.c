/* fuzz_websocket.c: a WebSocket server's bytes: the upgrade response, then
 * frames (fragments, control frames, sizes, close), and each message
 * through the Kubernetes channel protocol, plain and base64, and the exit
 * status of channel 3. */
#include "tests/fuzz/fuzz.h"
#include "backends/net/websocket.h"

#include <stdlib.h>
#include <string.h>

FUZZ_TARGET(websocket)
{
	struct ws w;
	char err[256];
	const uint8_t *a, *b;
	size_t alen, blen;
	fuzz_split(data, size, &a, &alen, &b, &blen);
	ws_init(&w);
	char *req = ws_handshake_request(&w, "127.0.0.1:1", "/exec", "v5.channel.k8s.io, v4.channel.k8s.io", NULL);
	free(req);
	int rc = ws_handshake_response(&w, (const char *)a, alen, err, sizeof(err));
	if (rc != 0) {
		/* no usable upgrade: take the frames as if it had been */
		ws_cleanup(&w);
		ws_init(&w);
		w.upgraded = true;
	}
	ws_feed(&w, (const char *)b, blen);
	ws_eof(&w);
	struct buf msg, scratch;
	buf_init(&msg);
	buf_init(&scratch);
	int op;
	for (int i = 0; i < 1000 && ws_next(&w, &op, &msg, err, sizeof(err)) == 1; i++) {
		int channel;
		const char *payload;
		size_t plen;
		for (int b64 = 0; b64 < 2; b64++)
			if (ws_k8s_parse(&msg, op, b64, &channel, &payload, &plen, &scratch) == 0 && channel == 3)
				ws_k8s_exit_code(payload, plen, err, sizeof(err));
		if (op == WS_CLOSE)
			break;
	}
	buf_cleanup(&msg);
	buf_cleanup(&scratch);
	ws_cleanup(&w);
	return 0;
}
