/* rawconn.h: a raw byte stream to an endpoint's server through its
 * transport (unix socket, TCP, TLS, a tunnel), for the protocols that take
 * the connection over after an HTTP upgrade: Docker's hijacked exec stream,
 * WebSockets, later the SSM data channel. Nothing blocks: sends are queued
 * (up to a cap) and flushed when the loop says the socket can take them, so
 * an upgrade request can be queued before the connection is even open;
 * received bytes are handed to the owner as they arrive, and reading pauses
 * while the owner's own queue is full. */
#ifndef BINNACLE_RAWCONN_H
#define BINNACLE_RAWCONN_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/net/transport.h"

/* The most bytes waiting to be sent; a send past it is refused whole. */
#define RAWCONN_SEND_CAP (1024u * 1024)

struct rawconn_cb {
	/* Connected (error NULL), or the connection could not be made. */
	void (*open)(void *arg, const char *error);
	/* Bytes arrived (borrowed, valid during the call). */
	void (*data)(void *arg, const char *data, size_t len);
	/* The stream ended: the server closed it (error NULL) or it failed.
	 * Called at most once, and never after open reported an error. */
	void (*end)(void *arg, const char *error);
};

struct rawconn;

/* Starts connecting to t (copied what it needs; t may go); returns at once.
 * cb is copied. */
struct rawconn *rawconn_open(const struct http_target *t, const struct rawconn_cb *cb, void *arg);
/* The same over a connected socket the caller already has (fd, non-blocking,
 * owned from now on: closed with the stream); open is told from the loop. */
struct rawconn *rawconn_open_fd(int fd, const struct rawconn_cb *cb, void *arg);
/* Queues len bytes to send: 0, or -1 when they do not fit under the cap or
 * the stream is over (nothing is queued then). */
int rawconn_send(struct rawconn *c, const void *data, size_t len);
/* Bytes that could be queued now; 0 once the stream is over. */
size_t rawconn_room(const struct rawconn *c);
size_t rawconn_queued(const struct rawconn *c);
/* Stops (true) or resumes reading: the owner's queue of received bytes is full. */
void rawconn_pause(struct rawconn *c, bool paused);
/* Half-closes the sending side once the queue is sent (plain sockets only:
 * TLS has no half-close). */
void rawconn_shutdown_write(struct rawconn *c);
/* Closes and frees; queued bytes are dropped. NULL is fine, and so is a
 * callback closing its own stream. */
void rawconn_close(struct rawconn *c);

#endif
