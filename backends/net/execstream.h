/* execstream.h: the one implementation of an exec session's stream (the
 * struct bstream the terminal passthrough drives): a raw connection
 * (rawconn.h) carrying the upgrade and then the session, output queued for
 * read() under a cap (reading pauses while it is full), input queued to the
 * server without ever blocking, exit status and close. A protocol adds only
 * what is its own, as a const execstream_proto: how the upgrade response and
 * the session's bytes decode (Docker's hijacked stream with its multiplexed
 * framing, the Kubernetes WebSocket channels; the SSM data channel next),
 * how input and terminal sizes are encoded, and how the exit status is
 * learned when the connection ends. */
#ifndef BINNACLE_EXECSTREAM_H
#define BINNACLE_EXECSTREAM_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/backend.h"
#include "backends/net/transport.h"
#include "backends/util/bqueue.h"

/* Output held for read() before the connection stops being read. */
#define EXECSTREAM_OUT_CAP (1024u * 1024)

struct execstream;

struct execstream_proto {
	const char *name; /* "docker-hijack", "k8s-websocket": for logs */
	/* Bytes from the server, the upgrade response first: decode them,
	 * hand output to execstream_output, the exit status to
	 * execstream_exit. 0, or -1 with a sentence in err to fail the stream. */
	int (*recv)(struct execstream *s, const char *data, size_t len, char *err, size_t errlen);
	/* Input to encode and execstream_send; it fits (see fit). */
	void (*input)(struct execstream *s, const char *data, size_t len);
	/* How many input bytes fit in room bytes of the send queue once
	 * framed; NULL: as many as room. */
	size_t (*fit)(struct execstream *s, size_t room);
	/* The terminal's size changed (rows, cols > 0); the skeleton keeps
	 * the last one in s->rows, s->cols. Optional. */
	void (*resize)(struct execstream *s, int rows, int cols);
	/* The connection ended: error NULL when the server closed it. Learn
	 * the exit status (maybe asynchronously) and call execstream_finish. */
	void (*ended)(struct execstream *s, const char *error);
	/* The user leaves while the connection is up: queue a goodbye (a
	 * WebSocket close frame). Optional. */
	void (*closing)(struct execstream *s);
	/* Frees the protocol's state (its priv), cancelling its requests. */
	void (*free)(struct execstream *s);
};

struct execstream {
	struct bstream base; /* first: what the UI holds */
	const struct execstream_proto *proto;
	void *priv;     /* the protocol's state */
	int rows, cols; /* the last terminal size asked for */
	/* private */
	struct rawconn *conn;
	struct bqueue out;
	bool ready, ended, failed, finished, paused;
	void (*done)(void *arg, struct bstream *s, const char *error);
	void *arg;
};

/* A stream that is not connected yet; done will get it once the connection
 * is open, or NULL and a sentence. priv is the protocol's. */
struct execstream *execstream_new(const struct execstream_proto *proto, void *priv, int rows, int cols,
				  void (*done)(void *arg, struct bstream *s, const char *error), void *arg);
/* Connects to t and sends the upgrade request (len bytes) first. */
void execstream_connect(struct execstream *s, const struct http_target *t, const char *upgrade, size_t len);
/* Runs over a connected socket instead (fd owned from now on): a protocol
 * whose session is carried to it another way (an SSH channel's end). */
void execstream_connect_fd(struct execstream *s, int fd);
/* Opening failed before the connection (a request it needed, credentials):
 * tells done and frees s. */
void execstream_fail_open(struct execstream *s, const char *error);

/* For the protocol: */
/* Input is accepted from now on (the upgrade went through, or the protocol
 * can send input right behind the request). */
void execstream_ready(struct execstream *s);
void execstream_output(struct execstream *s, int stream, const char *data, size_t len);
/* Queues bytes for the server; -1 when the queue is full or the stream over. */
int execstream_send(struct execstream *s, const void *data, size_t len);
void execstream_exit(struct execstream *s, int code);
/* The exit status is known, or can no longer be learned. */
void execstream_finish(struct execstream *s);
/* No more output will come (the session said goodbye in-band): read()
 * reports the end once the queue is drained. error NULL for a clean end. */
void execstream_stop(struct execstream *s, const char *error);

#endif
