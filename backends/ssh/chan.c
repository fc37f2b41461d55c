/* chan.c: the channels of a connection (see internal.h): queued until the
 * connection is ready and the one opening slot is free, opened as
 * direct-tcpip, direct-streamlocal@openssh.com (libssh2 1.10 has no call
 * for it: the channel-open payload is written here as OpenSSH's PROTOCOL
 * file gives it) or a session with a PTY or a command, then pumped both
 * ways between the channel and a local socket under a cap each way, with
 * end-of-file passed on in both directions, and closed. */
#include "backends/ssh/internal.h"
#include "backends/util/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHAN_CAP (256 * 1024) /* bytes held each way before the other side waits */
#define READS_PER_PASS 16     /* then the next channel gets its turn */
#define CHUNK 32768
#define OPEN_STUCK_MS 3000    /* an open in flight this long lets the others use a spare connection */

static void chan_on_fd(void *arg, int fd, short revents);

/* ---- life ---- */

static struct sshchan *chan_new(struct sshconn *c, enum chan_kind kind, int fd, void *owner, char *errdst)
{
	struct sshchan *ch = xcalloc(1, sizeof(*ch));
	ch->conn = c;
	ch->kind = kind;
	ch->state = CH_QUEUED;
	ch->fd = fd;
	ch->owner = owner;
	ch->errdst = errdst;
	ch->exit_code = -1;
	buf_init(&ch->up);
	buf_init(&ch->down);
	buf_init(&ch->out);
	if (fd >= 0)
		ch->w = loop_watch(fd, 0, chan_on_fd, ch); /* nothing read before the channel is open */
	/* at the end: channels open in the order they were asked for */
	struct sshchan **p = &c->chans;
	while (*p)
		p = &(*p)->next;
	*p = ch;
	return ch;
}

static void exec_tell(void *arg);

/* Ends a channel: the reason goes to its owner, the local socket closes
 * (its client sees the end), and the libssh2 channel is freed by the
 * pump (or with the session). */
static void chan_end(struct sshchan *ch, const char *why)
{
	if (ch->state == CH_DONE || ch->state == CH_CLOSING || ch->abandoned)
		return;
	if (why && ch->errdst && !ch->errdst[0])
		snprintf(ch->errdst, ERRLEN, "%s", why);
	if (ch->shell && why && !ch->shell->error[0])
		snprintf(ch->shell->error, sizeof(ch->shell->error), "%s", why);
	if (ch->shell && !ch->shell->ready) {
		ch->shell->failed = true;
		if (!ch->shell->error[0])
			snprintf(ch->shell->error, sizeof(ch->shell->error), "the shell could not start");
		timer_arm(ch->shell->tick, 0);
	}
	if (ch->kind == CK_EXEC && ch->exec_done) {
		if (why)
			snprintf(ch->exec_error, sizeof(ch->exec_error), "%s", why);
		timer_arm(ch->exec_tick, 0);
	}
	loop_unwatch(ch->w);
	ch->w = NULL;
	if (ch->fd >= 0)
		close(ch->fd);
	ch->fd = -1;
	if (ch->state == CH_OPENING && ch->conn->opening == ch) {
		/* libssh2 is half way through opening it: that open must be
		 * seen through (another would resume it, to this destination),
		 * then the channel closed */
		ch->abandoned = true;
		return;
	}
	ch->state = ch->ch ? CH_CLOSING : CH_DONE;
}

static void chan_free(struct sshchan *ch)
{
	if (ch->shell)
		ch->shell->chan = NULL;
	loop_unwatch(ch->w);
	if (ch->fd >= 0)
		close(ch->fd);
	timer_free(ch->exec_tick);
	buf_cleanup(&ch->up);
	buf_cleanup(&ch->down);
	buf_cleanup(&ch->out);
	free(ch->host);
	free(ch->path);
	free(ch->command);
	free(ch);
}

void chan_sweep(struct sshconn *c, bool all)
{
	struct sshchan **p = &c->chans;
	while (*p) {
		struct sshchan *ch = *p;
		/* an exec's result is still to be told: it goes after that */
		if (all || (ch->state == CH_DONE && !(ch->exec_tick && timer_armed(ch->exec_tick)))) {
			*p = ch->next;
			if (c->writer_chan == ch)
				c->writer_op = OP_NONE, c->writer_chan = NULL;
			chan_free(ch);
		} else {
			p = &ch->next;
		}
	}
}

size_t chan_count(const struct sshconn *c)
{
	size_t n = 0;
	for (const struct sshchan *ch = c->chans; ch; ch = ch->next)
		n += ch->state != CH_DONE;
	return n;
}

bool chan_wants_read(const struct sshconn *c)
{
	for (const struct sshchan *ch = c->chans; ch; ch = ch->next) {
		if (ch->state == CH_OPENING || ch->state == CH_SETUP || ch->state == CH_CLOSING)
			return true;
		if (ch->state == CH_OPEN && ((!ch->ch_eof && ch->down.len < CHAN_CAP) || ch->awaiting_close))
			return true;
	}
	return false;
}

void chan_fail_all(struct sshconn *c, const char *why)
{
	for (struct sshchan *ch = c->chans; ch; ch = ch->next) {
		/* the session goes with its channels: libssh2 frees them */
		chan_end(ch, why);
		ch->ch = NULL;
		ch->state = CH_DONE;
		ch->abandoned = false;
	}
	c->opening = NULL;
}

void chan_detach(struct sshchan *ch)
{
	if (!ch)
		return;
	ch->errdst = NULL;
	ch->owner = NULL;
	ch->exec_done = NULL;
	if (ch->shell) {
		ch->shell->chan = NULL;
		ch->shell = NULL;
	}
	chan_end(ch, NULL);
	if (ch->state == CH_DONE || ch->state == CH_CLOSING)
		conn_pump(ch->conn); /* frees it, or closes the libssh2 channel */
}

void chan_detach_owner(struct sshconn *c, void *owner)
{
	for (struct sshchan *ch = c->chans; ch; ch = ch->next)
		if (ch->owner == owner && ch->state != CH_DONE) {
			ch->errdst = NULL;
			ch->exec_done = NULL;
			chan_end(ch, NULL);
		}
	conn_pump(c);
}

void chan_resize(struct sshchan *ch, int rows, int cols)
{
	if (!ch || rows <= 0 || cols <= 0 || (ch->rows == rows && ch->cols == cols))
		return;
	ch->rows = rows;
	ch->cols = cols;
	ch->resize_pending = true;
	conn_pump(ch->conn);
}

/* ---- asking ---- */

static struct sshchan *start(struct sshconn *c, struct sshchan *ch, char *err, size_t errlen)
{
	if (conn_want(c, err, errlen) < 0) {
		/* the caller keeps its socket: it was not taken */
		loop_unwatch(ch->w);
		ch->w = NULL;
		ch->fd = -1;
		ch->errdst = NULL;
		ch->state = CH_DONE;
		chan_sweep(c, false);
		return NULL;
	}
	conn_pump(c);
	return ch;
}

struct sshchan *chan_forward(struct sshconn *c, const char *host, int port, const char *path, int fd, void *owner,
			     char *errdst, char *err, size_t errlen)
{
	struct sshchan *ch = chan_new(c, CK_FORWARD, fd, owner, errdst);
	ch->host = xstrdup(host);
	ch->port = port;
	ch->path = xstrdup(path);
	return start(c, ch, err, errlen);
}

struct sshchan *chan_shell(struct sshconn *c, const char *term, int rows, int cols, int fd, struct sshshell *sh,
			   char *err, size_t errlen)
{
	struct sshchan *ch = chan_new(c, CK_SHELL, fd, sh, NULL);
	snprintf(ch->term, sizeof(ch->term), "%s", term && *term ? term : "xterm");
	ch->rows = rows > 0 ? rows : 24;
	ch->cols = cols > 0 ? cols : 80;
	ch->shell = sh;
	sh->chan = ch;
	struct sshchan *got = start(c, ch, err, errlen);
	if (!got)
		sh->chan = NULL;
	return got;
}

static void exec_tell(void *arg)
{
	struct sshchan *ch = arg;
	struct sshconn *c = ch->conn;
	void (*done)(void *, int, const char *, const char *) = ch->exec_done;
	ch->exec_done = NULL;
	c->refs++; /* whatever done does, the connection outlives this call */
	if (done)
		done(ch->exec_arg, ch->exit_code, ch->out.data ? ch->out.data : "",
		     ch->exec_error[0] ? ch->exec_error : NULL);
	/* ch may be gone now (swept by a pump done started) */
	conn_pump(c);
	conn_release(c);
}

struct sshchan *chan_exec(struct sshconn *c, const char *command, void *owner,
			  void (*done)(void *arg, int exit_code, const char *out, const char *error), void *arg,
			  char *err, size_t errlen)
{
	struct sshchan *ch = chan_new(c, CK_EXEC, -1, owner, NULL);
	ch->command = xstrdup(command);
	ch->exec_done = done;
	ch->exec_arg = arg;
	ch->exec_tick = timer_new(exec_tell, ch);
	return start(c, ch, err, errlen);
}

/* ---- the local socket ---- */

static void fd_interest(struct sshchan *ch)
{
	if (!ch->w)
		return;
	short ev = 0;
	if (ch->state == CH_OPEN) {
		if (!ch->fd_eof && ch->up.len < CHAN_CAP)
			ev |= POLLIN;
		if (ch->down.len)
			ev |= POLLOUT;
	}
	loop_watch_events(ch->w, ev);
}

/* Moves bytes between the local socket and the buffers; false when the
 * socket is broken (the channel then ends). */
static bool fd_io(struct sshchan *ch)
{
	while (ch->down.len) {
		ssize_t n = send(ch->fd, ch->down.data, ch->down.len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			return false;
		}
		buf_consume(&ch->down, (size_t)n);
	}
	char tmp[CHUNK];
	while (!ch->fd_eof && ch->up.len < CHAN_CAP) {
		ssize_t n = recv(ch->fd, tmp, sizeof(tmp), 0);
		if (n > 0) {
			buf_append(&ch->up, tmp, (size_t)n);
			continue;
		}
		if (n == 0) {
			ch->fd_eof = true;
			break;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
		if (errno == EINTR)
			continue;
		return false;
	}
	/* a shell's end is told by closing the socket once its exit status
	 * is known (step_open_channel), not by this half-close before it */
	if (ch->ch_eof && !ch->down.len && !ch->fd_shut && ch->kind == CK_FORWARD) {
		ch->fd_shut = true;
		shutdown(ch->fd, SHUT_WR);
	}
	return true;
}

static void chan_on_fd(void *arg, int fd, short revents)
{
	struct sshchan *ch = arg;
	(void)fd;
	(void)revents;
	if (ch->state != CH_OPEN)
		return;
	if (!fd_io(ch))
		chan_end(ch, NULL); /* the client went away: nothing to tell */
	fd_interest(ch);
	conn_pump(ch->conn);
}

/* ---- steps ---- */

/* A session-level error (the socket) fails the connection; a channel's own
 * ends only the channel. */
static bool session_error(int rc)
{
	return rc == LIBSSH2_ERROR_SOCKET_RECV || rc == LIBSSH2_ERROR_SOCKET_SEND ||
	       rc == LIBSSH2_ERROR_SOCKET_DISCONNECT || rc == LIBSSH2_ERROR_SOCKET_TIMEOUT ||
	       rc == LIBSSH2_ERROR_TIMEOUT || rc == LIBSSH2_ERROR_DECRYPT || rc == LIBSSH2_ERROR_INVALID_MAC ||
	       rc == LIBSSH2_ERROR_PROTO || rc == LIBSSH2_ERROR_BAD_USE || rc == LIBSSH2_ERROR_KEX_FAILURE;
}

static void lost(struct sshconn *c, int rc)
{
	/* through a jump host: its reason is the real one */
	if (c->carrier_error[0])
		conn_fail(c, false, "the SSH connection to %s was lost: %s", c->name, c->carrier_error);
	else if (rc == LIBSSH2_ERROR_SOCKET_RECV || rc == LIBSSH2_ERROR_SOCKET_DISCONNECT)
		conn_fail(c, false, "the SSH connection to %s was closed", c->name);
	else
		conn_fail(c, false, "the SSH connection to %s failed: %s", c->name, conn_last_error(c));
}

/* direct-streamlocal@openssh.com's payload after the common fields:
 * string socket path, string reserved (""), uint32 reserved (0). */
static LIBSSH2_CHANNEL *open_streamlocal(struct sshconn *c, const char *path)
{
	size_t pl = strlen(path);
	unsigned char *msg = xmalloc(pl + 12);
	msg[0] = (unsigned char)(pl >> 24);
	msg[1] = (unsigned char)(pl >> 16);
	msg[2] = (unsigned char)(pl >> 8);
	msg[3] = (unsigned char)pl;
	memcpy(msg + 4, path, pl);
	memset(msg + 4 + pl, 0, 8);
	static const char type[] = "direct-streamlocal@openssh.com";
	LIBSSH2_CHANNEL *ch = libssh2_channel_open_ex(c->session, type, sizeof(type) - 1, LIBSSH2_CHANNEL_WINDOW_DEFAULT,
						      LIBSSH2_CHANNEL_PACKET_DEFAULT, (const char *)msg,
						      (unsigned int)(pl + 12));
	free(msg);
	return ch;
}

/* The client gave up while its channel waited (a request timed out while
 * the connection was being made): nothing to open for it. */
static bool client_gone(const struct sshchan *ch)
{
	if (ch->fd < 0 || ch->state != CH_QUEUED)
		return false;
	char b;
	ssize_t n = recv(ch->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

static bool same_dest(const struct sshchan *a, const struct sshchan *b)
{
	if (a->kind != CK_FORWARD || b->kind != CK_FORWARD)
		return false;
	if (a->path || b->path)
		return a->path && b->path && !strcmp(a->path, b->path);
	return a->port == b->port && !strcmp(a->host, b->host);
}

/* The open in flight has waited long (a destination that drops packets:
 * the server's connect takes minutes) and libssh2 opens one channel at a
 * time: a channel to another destination goes to the spare connection to
 * the same host rather than wait behind it. Ones to the same destination
 * wait: they would only be stuck there too. */
static void maybe_move(struct sshconn *c, struct sshchan *ch)
{
	if (ch->state != CH_QUEUED || mono_ms() - c->opening_since < OPEN_STUCK_MS || same_dest(ch, c->opening))
		return;
	char err[ERRLEN];
	struct sshconn *spare = conn_spare(c, err, sizeof(err));
	if (!spare) {
		chan_end(ch, err);
		return;
	}
	log_msg("ssh %s: an open has waited %llds: the next goes through a second connection", c->name,
		(long long)((mono_ms() - c->opening_since) / 1000));
	for (struct sshchan **p = &c->chans; *p; p = &(*p)->next)
		if (*p == ch) {
			*p = ch->next;
			break;
		}
	ch->next = NULL;
	ch->conn = spare;
	struct sshchan **p = &spare->chans;
	while (*p)
		p = &(*p)->next;
	*p = ch;
	if (conn_want(spare, err, sizeof(err)) < 0)
		chan_end(ch, err);
	conn_pump(spare);
}

static void step_open(struct sshconn *c, struct sshchan *ch)
{
	if (client_gone(ch)) {
		chan_end(ch, NULL);
		return;
	}
	if (c->opening && c->opening != ch) {
		maybe_move(c, ch);
		return;
	}
	if (!conn_may(c, ch, OP_OPEN))
		return;
	if (c->opening != ch) {
		c->opening_since = mono_ms();
		timer_arm(c->stuck, OPEN_STUCK_MS); /* comes back to move the others, if need be */
	}
	c->opening = ch;
	ch->state = CH_OPENING;
	LIBSSH2_CHANNEL *h;
	if (ch->kind != CK_FORWARD)
		h = libssh2_channel_open_session(c->session);
	else if (ch->path)
		h = open_streamlocal(c, ch->path);
	else
		h = libssh2_channel_direct_tcpip_ex(c->session, ch->host, ch->port, "127.0.0.1", 0);
	if (!h) {
		int rc = libssh2_session_last_errno(c->session);
		if (conn_blocked(c, rc, ch, OP_OPEN))
			return;
		c->opening = NULL;
		if (ch->abandoned) {
			ch->state = CH_DONE;
			return;
		}
		if (session_error(rc)) {
			lost(c, rc);
			return;
		}
		char why[ERRLEN];
		const char *what = conn_last_error(c);
		/* "Channel open failure (connect failed)": say what could not be reached */
		const char *paren = strchr(what, '(');
		if (ch->kind == CK_FORWARD && ch->path)
			snprintf(why, sizeof(why), "%s cannot connect to the socket %s%s%.*s", c->name, ch->path,
				 paren ? " (" : "", paren ? (int)(strcspn(paren + 1, ")")) : 0, paren ? paren + 1 : "");
		else if (ch->kind == CK_FORWARD)
			snprintf(why, sizeof(why), "%s cannot connect to %s:%d%s%.*s", c->name, ch->host, ch->port,
				 paren ? " (" : "", paren ? (int)(strcspn(paren + 1, ")")) : 0, paren ? paren + 1 : "");
		else
			snprintf(why, sizeof(why), "%s refused a session: %s", c->name, what);
		if (paren)
			strncat(why, ")", sizeof(why) - strlen(why) - 1);
		log_msg("ssh %s: channel refused: %s", c->name, why);
		chan_end(ch, why);
		return;
	}
	c->opening = NULL;
	ch->ch = h;
	if (ch->abandoned) {
		ch->state = CH_CLOSING;
		c->again = true;
		return;
	}
	ch->state = ch->kind == CK_FORWARD ? CH_OPEN : CH_SETUP;
	if (ch->kind == CK_FORWARD && ch->path)
		log_msg("ssh %s: channel to %s open", c->name, ch->path);
	else if (ch->kind == CK_FORWARD)
		log_msg("ssh %s: channel to %s:%d open", c->name, ch->host, ch->port);
	fd_interest(ch);
	c->again = true;
}

static void step_setup(struct sshconn *c, struct sshchan *ch)
{
	if (!conn_may(c, ch, OP_SETUP))
		return;
	int rc;
	if (ch->kind == CK_SHELL && !ch->pty_done) {
		rc = libssh2_channel_request_pty_ex(ch->ch, ch->term, (unsigned)strlen(ch->term), NULL, 0, ch->cols,
						    ch->rows, 0, 0);
		if (conn_blocked(c, rc, ch, OP_SETUP))
			return;
		if (rc) {
			if (session_error(rc))
				{
				lost(c, rc);
				return;
			}
			chan_end(ch, "the server refused a terminal for the shell");
			return;
		}
		ch->pty_done = true;
		c->again = true;
		return;
	}
	if (ch->kind == CK_SHELL)
		rc = libssh2_channel_shell(ch->ch);
	else
		rc = libssh2_channel_exec(ch->ch, ch->command);
	if (conn_blocked(c, rc, ch, OP_SETUP))
		return;
	if (rc) {
		if (session_error(rc))
			{
				lost(c, rc);
				return;
			}
		chan_end(ch, ch->kind == CK_SHELL ? "the server refused to start a shell" : "the server refused to run a command");
		return;
	}
	ch->state = CH_OPEN;
	if (ch->shell) {
		ch->shell->ready = true;
		timer_arm(ch->shell->tick, 0);
	}
	fd_interest(ch);
	c->again = true;
}

/* Everything received is taken in, channel to buffer to socket. */
static void step_read(struct sshconn *c, struct sshchan *ch)
{
	char tmp[CHUNK];
	for (int i = 0; i < READS_PER_PASS && !ch->ch_eof; i++) {
		struct buf *dst = ch->kind == CK_EXEC ? &ch->out : &ch->down;
		if (ch->kind != CK_EXEC && dst->len >= CHAN_CAP)
			return;
		if (!conn_may(c, ch, OP_READ))
			return;
		ssize_t n = libssh2_channel_read(ch->ch, tmp, sizeof(tmp));
		if (n == LIBSSH2_ERROR_EAGAIN) {
			conn_blocked(c, (int)n, ch, OP_READ);
			/* a command's stderr must be drained too, or its window fills */
			if (ch->kind == CK_EXEC) {
				ssize_t e = libssh2_channel_read_stderr(ch->ch, tmp, sizeof(tmp));
				if (e > 0) {
					c->again = true;
					continue;
				}
			}
			break;
		}
		conn_blocked(c, 0, ch, OP_READ);
		if (n < 0) {
			if (session_error((int)n))
				{
				lost(c, (int)n);
				return;
			}
			chan_end(ch, NULL);
			return;
		}
		if (n == 0) {
			if (libssh2_channel_eof(ch->ch))
				ch->ch_eof = true;
			break;
		}
		if (ch->kind == CK_EXEC && ch->out.len > 65536)
			continue; /* a probe's answer is short: the rest is dropped */
		buf_append(dst, tmp, (size_t)n);
		c->again = true;
	}
	if (!ch->ch_eof && libssh2_channel_eof(ch->ch))
		ch->ch_eof = true;
}

static void step_write(struct sshconn *c, struct sshchan *ch)
{
	while (ch->up.len) {
		if (!conn_may(c, ch, OP_WRITE))
			return;
		size_t n = ch->up.len < CHUNK ? ch->up.len : CHUNK;
		ssize_t w = libssh2_channel_write(ch->ch, ch->up.data, n);
		if (conn_blocked(c, (int)(w < 0 ? w : 0), ch, OP_WRITE))
			return;
		if (w < 0) {
			if (session_error((int)w))
				{
				lost(c, (int)w);
				return;
			}
			chan_end(ch, NULL);
			return;
		}
		if (w == 0)
			return; /* the window is full: the server reads first */
		buf_consume(&ch->up, (size_t)w);
		c->again = true;
	}
	if (ch->fd_eof && !ch->eof_sent && conn_may(c, ch, OP_EOF)) {
		int rc = libssh2_channel_send_eof(ch->ch);
		if (conn_blocked(c, rc, ch, OP_EOF))
			return;
		ch->eof_sent = true;
		c->again = true;
	}
}

static void step_resize(struct sshconn *c, struct sshchan *ch)
{
	if (!ch->resize_pending || !conn_may(c, ch, OP_RESIZE))
		return;
	int rc = libssh2_channel_request_pty_size_ex(ch->ch, ch->cols, ch->rows, 0, 0);
	if (conn_blocked(c, rc, ch, OP_RESIZE))
		return;
	ch->resize_pending = false; /* refused or done: nothing to retry */
	c->again = true;
}

static void step_close(struct sshconn *c, struct sshchan *ch)
{
	if (!conn_may(c, ch, OP_CLOSE))
		return;
	int rc = libssh2_channel_free(ch->ch);
	if (conn_blocked(c, rc, ch, OP_CLOSE))
		return;
	ch->ch = NULL;
	ch->state = CH_DONE;
	c->again = true;
}

/* After the server's end of file, its close: the exit status comes
 * between the two (OpenSSH may send it after the end of file). */
static bool closed_by_server(struct sshconn *c, struct sshchan *ch)
{
	ch->awaiting_close = true;
	if (!conn_may(c, ch, OP_READ))
		return false;
	int rc = libssh2_channel_wait_closed(ch->ch);
	if (conn_blocked(c, rc, ch, OP_READ))
		return false;
	ch->awaiting_close = false;
	return true;
}

static void step_open_channel(struct sshconn *c, struct sshchan *ch)
{
	size_t had = ch->up.len;
	if (ch->kind != CK_EXEC && !fd_io(ch)) {
		chan_end(ch, NULL);
		return;
	}
	if (ch->resize_pending)
		step_resize(c, ch);
	step_write(c, ch);
	if (ch->state != CH_OPEN)
		return;
	step_read(c, ch);
	if (ch->state != CH_OPEN)
		return;
	if (ch->kind == CK_EXEC) {
		if (ch->ch_eof && closed_by_server(c, ch)) {
			ch->exit_code = libssh2_channel_get_exit_status(ch->ch);
			chan_end(ch, NULL);
		}
		return;
	}
	had = ch->up.len > had ? ch->up.len : had;
	if (!fd_io(ch)) {
		chan_end(ch, NULL);
		return;
	}
	if (ch->up.len > had || (ch->fd_eof && !ch->eof_sent))
		c->again = true; /* more for the channel: next round */
	fd_interest(ch);
	/* both directions over: the channel closes */
	bool client_done = ch->fd_eof && !ch->up.len && ch->eof_sent;
	bool server_done = ch->ch_eof && !ch->down.len;
	if (server_done && ch->kind == CK_SHELL) {
		if (closed_by_server(c, ch)) {
			if (ch->shell)
				ch->shell->exit_code = libssh2_channel_get_exit_status(ch->ch);
			chan_end(ch, NULL);
		}
	} else if (server_done && client_done) {
		chan_end(ch, NULL);
	}
}

static void step(struct sshconn *c, struct sshchan *ch)
{
	switch (ch->state) {
	case CH_QUEUED:
	case CH_OPENING:
		step_open(c, ch);
		break;
	case CH_SETUP:
		step_setup(c, ch);
		break;
	case CH_OPEN:
		step_open_channel(c, ch);
		break;
	case CH_CLOSING:
		step_close(c, ch);
		break;
	case CH_DONE:
		break;
	}
}

void chan_step_all(struct sshconn *c)
{
	if (!c->opening)
		timer_disarm(c->stuck);
	/* the call with a packet half sent goes first; nothing else sends before it is through */
	if (c->writer_chan) {
		step(c, c->writer_chan);
		if (c->writer_op != OP_NONE || c->fail_pending)
			return;
	}
	struct sshchan *next;
	for (struct sshchan *ch = c->chans; ch && !c->fail_pending; ch = next) {
		next = ch->next; /* ch may move to the spare connection */
		step(c, ch);
		if (c->writer_op != OP_NONE)
			return; /* wait until the socket takes the rest */
	}
}
