/* rawconn.c: the raw stream over http.h's connect-only primitives, driven
 * by the loop (see rawconn.h). A kick timer handles what poll() cannot see:
 * bytes TLS already decrypted and holds, a resume after a pause, the rest of
 * a burst left for the next turn, and a send failure reported outside the
 * owner's own call. A callback may close the stream: the free waits until
 * the callbacks on the stack have returned. A stream may also run over a
 * socket its owner already has (an SSH channel's end), with no HTTP. */
#include "backends/net/rawconn.h"
#include "backends/net/http.h"
#include "backends/net/loop.h"
#include "backends/net/timer.h"
#include "backends/util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Reads per wakeup before the others get their turn. */
#define BURST_READS 16

struct rawconn {
	struct http_req *connecting; /* until the connection is made */
	struct http_raw *raw;
	int fd;       /* a socket given by the owner (rawconn_open_fd), else -1 */
	bool opening; /* rawconn_open_fd: open is told from the kick */
	struct loop_fd *w;
	struct timer *kick;
	struct buf out;
	struct rawconn_cb cb;
	void *arg;
	bool paused, want_shutdown, shut, ended, closing;
	bool heard; /* the server has sent something */
	int busy; /* our callbacks on the stack */
	char fail[ERRLEN]; /* a send failure, reported by the kick */
};

static void destroy(struct rawconn *c)
{
	if (c->connecting)
		http_req_cancel(c->connecting);
	loop_unwatch(c->w);
	http_raw_close(c->raw);
	if (c->fd >= 0)
		close(c->fd);
	timer_free(c->kick);
	buf_cleanup(&c->out);
	free(c);
}

/* After a callback: false when the stream was closed meanwhile (and is gone). */
static bool leave(struct rawconn *c)
{
	if (--c->busy == 0 && c->closing) {
		destroy(c);
		return false;
	}
	return !c->closing;
}

static void update_interest(struct rawconn *c)
{
	if (!c->w)
		return;
	short ev = 0;
	if (!c->ended) {
		ev |= c->paused ? 0 : POLLIN;
		ev |= c->out.len ? POLLOUT : 0;
	}
	loop_watch_events(c->w, ev);
}

static void end(struct rawconn *c, const char *error)
{
	if (c->ended)
		return;
	c->ended = true;
	update_interest(c);
	/* through a tunnel, a far end it could not reach looks like a
	 * connection closed at once: say why instead */
	const char *why = c->heard || !c->raw ? NULL : http_raw_tunnel_error(c->raw);
	char msg[ERRLEN];
	if (why) {
		snprintf(msg, sizeof(msg), "the tunnel could not reach the server: %s", why);
		error = msg;
	}
	c->cb.end(c->arg, error);
}

static bool connected(const struct rawconn *c)
{
	return c->raw || (c->fd >= 0 && !c->opening);
}

static long conn_send(struct rawconn *c, const void *data, size_t len, char *err, size_t errlen)
{
	if (c->raw)
		return http_raw_send(c->raw, data, len, err, errlen);
	ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL);
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
		set_err(err, errlen, "sending failed: %s", strerror(errno));
	if (n < 0 && errno == EWOULDBLOCK)
		errno = EAGAIN;
	if (n < 0 && errno == EINTR)
		errno = EAGAIN;
	return (long)n;
}

static long conn_recv(struct rawconn *c, void *buf, size_t len, char *err, size_t errlen)
{
	if (c->raw)
		return http_raw_recv(c->raw, buf, len, err, errlen);
	ssize_t n = recv(c->fd, buf, len, 0);
	if (n < 0 && (errno == EWOULDBLOCK || errno == EINTR))
		errno = EAGAIN;
	else if (n < 0)
		set_err(err, errlen, "the connection failed: %s", strerror(errno));
	return (long)n;
}

static void flush(struct rawconn *c)
{
	while (c->out.len && !c->fail[0] && !c->ended) {
		long n = conn_send(c, c->out.data, c->out.len, c->fail, sizeof(c->fail));
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			if (!c->fail[0])
				set_err(c->fail, sizeof(c->fail), "the connection refused more data");
			timer_arm(c->kick, 0);
			break;
		}
		buf_consume(&c->out, (size_t)n);
	}
	if (!c->out.len && c->want_shutdown && !c->shut) {
		c->shut = true;
		if (c->raw)
			http_raw_shutdown_write(c->raw);
		else
			shutdown(c->fd, SHUT_WR);
	}
	update_interest(c);
}

/* Reads what is there (up to a burst); false when the stream is gone. */
static bool pump(struct rawconn *c)
{
	char buf[16384], err[ERRLEN] = "";
	for (int i = 0; i < BURST_READS; i++) {
		if (c->paused || c->ended || c->closing)
			return true;
		long n = conn_recv(c, buf, sizeof(buf), err, sizeof(err));
		if (n < 0 && errno == EAGAIN)
			return true;
		if (n > 0) {
			c->heard = true;
			c->cb.data(c->arg, buf, (size_t)n);
		}
		else
			end(c, n == 0 ? NULL : err);
	}
	timer_arm(c->kick, 0); /* more may be waiting: after the others */
	return true;
}

static void on_io(void *arg, int fd, short revents)
{
	struct rawconn *c = arg;
	(void)fd;
	c->busy++;
	if (revents & (POLLOUT | POLLERR | POLLHUP))
		flush(c);
	if (revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))
		pump(c);
	leave(c);
}

static void on_kick(void *arg)
{
	struct rawconn *c = arg;
	if (c->opening) {
		c->opening = false;
		c->busy++;
		c->w = loop_watch(c->fd, POLLIN, on_io, c);
		flush(c);
		c->cb.open(c->arg, NULL);
		if (leave(c))
			timer_arm(c->kick, 0);
		return;
	}
	if (!connected(c))
		return;
	c->busy++;
	if (c->fail[0])
		end(c, c->fail);
	else
		pump(c);
	leave(c);
}

static void on_connected(void *arg, struct http_raw *raw, const char *error)
{
	struct rawconn *c = arg;
	c->connecting = NULL;
	c->busy++;
	if (!raw) {
		c->ended = true;
		c->cb.open(c->arg, error);
		leave(c);
		return;
	}
	c->raw = raw;
	c->w = loop_watch(http_raw_fd(raw), POLLIN, on_io, c);
	flush(c); /* what was queued meanwhile: the upgrade request */
	c->cb.open(c->arg, NULL);
	if (leave(c))
		timer_arm(c->kick, 0); /* TLS may already hold the server's first bytes */
}

struct rawconn *rawconn_open_fd(int fd, const struct rawconn_cb *cb, void *arg)
{
	struct rawconn *c = xcalloc(1, sizeof(*c));
	c->cb = *cb;
	c->arg = arg;
	c->fd = fd;
	c->opening = true;
	buf_init(&c->out);
	c->kick = timer_new(on_kick, c);
	timer_arm(c->kick, 0); /* open is told from the loop, as for a connection being made */
	return c;
}

struct rawconn *rawconn_open(const struct http_target *t, const struct rawconn_cb *cb, void *arg)
{
	struct rawconn *c = xcalloc(1, sizeof(*c));
	c->fd = -1;
	c->cb = *cb;
	c->arg = arg;
	buf_init(&c->out);
	c->kick = timer_new(on_kick, c);
	c->connecting = http_raw_connect(t, on_connected, c);
	return c;
}

int rawconn_send(struct rawconn *c, const void *data, size_t len)
{
	if (c->ended || c->closing || c->want_shutdown || len > rawconn_room(c))
		return -1;
	buf_append(&c->out, data, len);
	if (connected(c))
		flush(c);
	return 0;
}

size_t rawconn_room(const struct rawconn *c)
{
	if (c->ended || c->closing || c->fail[0])
		return 0;
	return c->out.len < RAWCONN_SEND_CAP ? RAWCONN_SEND_CAP - c->out.len : 0;
}

size_t rawconn_queued(const struct rawconn *c)
{
	return c->out.len;
}

void rawconn_pause(struct rawconn *c, bool paused)
{
	if (c->paused == paused)
		return;
	c->paused = paused;
	update_interest(c);
	if (!paused && connected(c))
		timer_arm(c->kick, 0);
}

void rawconn_shutdown_write(struct rawconn *c)
{
	c->want_shutdown = true;
	if (connected(c))
		flush(c);
}

void rawconn_close(struct rawconn *c)
{
	if (!c || c->closing)
		return;
	c->closing = true;
	if (!c->busy)
		destroy(c);
}
