/* ssm_ws.h: the SSM data channel over its WebSocket, with no I/O of its
 * own: the upgrade request for the session's stream URL, the check of the
 * answer, the first text frame (OpenDataChannelInput with the session
 * token), then one ClientMessage per binary frame both ways (ssm.h), pings
 * answered, and the service's close frame turned into a sentence. Bytes
 * for the socket leave through a callback, bytes from it come in any
 * pieces, so the exec stream (exec.c) and the tests drive it alike. */
#ifndef BINNACLE_ECS_SSM_WS_H
#define BINNACLE_ECS_SSM_WS_H

#include "backends/ecs/ssm.h"
#include "backends/net/websocket.h"

struct ssm_ws {
	struct ws ws;
	struct ssm_chan chan;
	bool upgraded;
	char *token;
	char client_id[37];
	struct buf msg, frame;
	/* bytes for the socket */
	void (*write)(void *arg, const void *data, size_t len);
	struct ssm_chan_cb user; /* output, started, exit_code, closed (send is ours) */
	void *arg;
	int64_t now_ms;          /* the time of the call being handled */
};

/* token is copied (and wiped at cleanup); cb->send is ignored. */
void ssm_ws_init(struct ssm_ws *x, const char *token, void (*write)(void *arg, const void *data, size_t len),
		 const struct ssm_chan_cb *cb, void *arg);
void ssm_ws_cleanup(struct ssm_ws *x);
/* The upgrade request for a stream URL ("wss://host/v1/data-channel/ID?...",
 * its path and query sent exactly as given); owned. NULL when url is not a
 * ws:// or wss:// URL. *base gets the http(s) base URL to connect to. */
char *ssm_ws_upgrade(struct ssm_ws *x, const char *url, char **base);
/* Bytes from the server, in any pieces: 0, or -1 with a sentence. */
int ssm_ws_recv(struct ssm_ws *x, const char *data, size_t len, int64_t now_ms, char *err, size_t errlen);
void ssm_ws_input(struct ssm_ws *x, const void *data, size_t len, int64_t now_ms);
void ssm_ws_resize(struct ssm_ws *x, int rows, int cols, int64_t now_ms);
/* Resends what waits for an acknowledgement (see ssm_chan_tick). */
int64_t ssm_ws_tick(struct ssm_ws *x, int64_t now_ms);
/* A close frame (the user leaves: the agent ends the command). */
void ssm_ws_close(struct ssm_ws *x);

#endif
