/* execstream.c: the exec stream skeleton (see execstream.h): bstream ops
 * over a rawconn, with the protocol's part called for what differs. */
#include "backends/net/execstream.h"
#include "backends/net/rawconn.h"
#include "backends/util/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_error(struct execstream *s, const char *error)
{
	if (error && !s->base.error[0])
		snprintf(s->base.error, sizeof(s->base.error), "%s", error);
}

void execstream_ready(struct execstream *s)
{
	s->ready = true;
}

void execstream_output(struct execstream *s, int stream, const char *data, size_t len)
{
	bqueue_push(&s->out, stream, data, len);
	/* the user's terminal is slower than the server: stop reading, so the
	 * server (and TCP) wait instead of our memory growing */
	if (!s->paused && s->conn && bqueue_bytes(&s->out) > EXECSTREAM_OUT_CAP) {
		s->paused = true;
		rawconn_pause(s->conn, true);
	}
}

int execstream_send(struct execstream *s, const void *data, size_t len)
{
	if (!s->conn || s->ended)
		return -1;
	return rawconn_send(s->conn, data, len);
}

void execstream_exit(struct execstream *s, int code)
{
	s->base.exit_code = code;
}

void execstream_finish(struct execstream *s)
{
	s->finished = true;
}

void execstream_stop(struct execstream *s, const char *error)
{
	if (error) {
		set_error(s, error);
		s->failed = true;
	}
	s->ended = true;
	if (s->conn)
		rawconn_pause(s->conn, true); /* nothing more is read */
}

/* ---- the connection ---- */

static void on_open(void *arg, const char *error)
{
	struct execstream *s = arg;
	if (error) {
		execstream_fail_open(s, error);
		return;
	}
	log_msg("exec: %s stream connected", s->proto->name);
	s->done(s->arg, &s->base, NULL);
}

static void on_data(void *arg, const char *data, size_t len)
{
	struct execstream *s = arg;
	char err[ERRLEN] = "";
	if (s->ended)
		return;
	if (s->proto->recv(s, data, len, err, sizeof(err)) < 0) {
		execstream_stop(s, err[0] ? err : "the session's stream is broken");
		execstream_finish(s);
	}
}

static void on_end(void *arg, const char *error)
{
	struct execstream *s = arg;
	s->ended = true;
	if (error) {
		set_error(s, error);
		s->failed = true;
	}
	if (!s->finished)
		s->proto->ended(s, error);
}

static const struct rawconn_cb conn_cb = {.open = on_open, .data = on_data, .end = on_end};

void execstream_connect(struct execstream *s, const struct http_target *t, const char *upgrade, size_t len)
{
	s->conn = rawconn_open(t, &conn_cb, s);
	rawconn_send(s->conn, upgrade, len);
}

void execstream_connect_fd(struct execstream *s, int fd)
{
	s->conn = rawconn_open_fd(fd, &conn_cb, s);
}

/* ---- struct bstream ---- */

static long es_read(struct bstream *b, char *buf, size_t n, int *stream)
{
	struct execstream *s = (struct execstream *)b;
	long got = bqueue_pop(&s->out, buf, n, stream);
	if (got >= 0) {
		if (s->paused && !s->ended && bqueue_bytes(&s->out) < EXECSTREAM_OUT_CAP / 4) {
			s->paused = false;
			rawconn_pause(s->conn, false);
		}
		return got;
	}
	if (s->failed) {
		errno = EIO;
		return -1;
	}
	if (s->ended)
		return 0;
	errno = EAGAIN;
	return -1;
}

static long es_write(struct bstream *b, const char *buf, size_t n)
{
	struct execstream *s = (struct execstream *)b;
	if (s->failed || s->ended) {
		set_error(s, "the session has ended");
		return -1;
	}
	size_t room = s->ready ? rawconn_room(s->conn) : 0;
	size_t fit = s->proto->fit ? s->proto->fit(s, room) : room;
	if (fit > n)
		fit = n;
	if (!fit) { /* typed before the upgrade went through, or the queue is full */
		errno = EAGAIN;
		return 0;
	}
	s->proto->input(s, buf, fit);
	return (long)fit;
}

static void es_resize(struct bstream *b, int rows, int cols)
{
	struct execstream *s = (struct execstream *)b;
	if (rows <= 0 || cols <= 0)
		return;
	s->rows = rows;
	s->cols = cols;
	if (s->proto->resize)
		s->proto->resize(s, rows, cols);
}

static bool es_finished(struct bstream *b)
{
	return ((struct execstream *)b)->finished;
}

static void destroy(struct execstream *s)
{
	if (s->proto->free)
		s->proto->free(s);
	rawconn_close(s->conn);
	bqueue_cleanup(&s->out);
	free(s);
}

static void es_close(struct bstream *b)
{
	struct execstream *s = (struct execstream *)b;
	if (s->conn && !s->ended && s->proto->closing)
		s->proto->closing(s); /* sent now if the socket takes it, dropped otherwise */
	destroy(s);
}

static const struct bstream_ops execstream_ops = {
	.read = es_read,
	.write = es_write,
	.resize = es_resize,
	.finished = es_finished,
	.close = es_close,
};

struct execstream *execstream_new(const struct execstream_proto *proto, void *priv, int rows, int cols,
				  void (*done)(void *arg, struct bstream *s, const char *error), void *arg)
{
	struct execstream *s = xcalloc(1, sizeof(*s));
	s->base.ops = &execstream_ops;
	s->base.exit_code = -1;
	s->proto = proto;
	s->priv = priv;
	s->rows = rows;
	s->cols = cols;
	s->done = done;
	s->arg = arg;
	bqueue_init(&s->out);
	return s;
}

void execstream_fail_open(struct execstream *s, const char *error)
{
	s->done(s->arg, NULL, error);
	destroy(s);
}
