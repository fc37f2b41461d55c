/* conn.c: SSH connections (see internal.h): the registry that shares one
 * connection per host and jump chain, and each connection's life: name
 * lookup without blocking (getaddrinfo_a), a non-blocking TCP connect or a
 * jump host's channel bridged to a socket pair, the handshake (the host
 * key is hostkey.c's), authentication (auth.c), keepalives and the
 * liveness they prove, and on failure every channel ended with the reason
 * and a reconnect after backoff. */
#include "backends/ssh/internal.h"
#include "backends/util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define CONNECT_TIMEOUT_S 8 /* lookup, TCP, handshake, authentication (questions aside): under the requests' own timeouts */
#define ALIVE_DEFAULT_S 30   /* ServerAliveInterval when the configuration sets none */
#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 30000
#define MAX_JUMPS 8
#define PUMP_ROUNDS 64 /* passes per turn before the others get theirs */

static struct sshconn *registry;
static bool libssh2_ready;

static void connect_start(struct sshconn *c);
static void on_io(void *arg, int fd, short revents);

/* ---- helpers ---- */

const char *conn_last_error(struct sshconn *c)
{
	char *msg = NULL;
	if (!c->session || libssh2_session_last_error(c->session, &msg, NULL, 0) == 0 || !msg || !*msg)
		return "unknown error";
	return msg;
}

bool conn_may(const struct sshconn *c, const struct sshchan *ch, enum ssh_op op)
{
	return c->writer_op == OP_NONE || (c->writer_chan == ch && c->writer_op == op);
}

bool conn_blocked(struct sshconn *c, int rc, struct sshchan *ch, enum ssh_op op)
{
	bool mine = c->writer_chan == ch && c->writer_op == op;
	if (rc != LIBSSH2_ERROR_EAGAIN) {
		if (mine)
			c->writer_op = OP_NONE, c->writer_chan = NULL;
		return false;
	}
	if (libssh2_session_block_directions(c->session) & LIBSSH2_SESSION_BLOCK_OUTBOUND) {
		c->writer_chan = ch;
		c->writer_op = op;
	} else if (mine) {
		c->writer_op = OP_NONE, c->writer_chan = NULL;
	}
	return true;
}

static void update_interest(struct sshconn *c)
{
	if (!c->w)
		return;
	short ev = 0;
	if (c->state == CS_CONNECTING)
		ev = POLLOUT;
	else if (c->session && c->state != CS_DOWN && c->state != CS_IDLE && c->state != CS_HOSTKEY) {
		/* once ready, only a channel can take what arrives: with none
		 * waiting the socket would be readable forever */
		if (c->state != CS_READY || chan_wants_read(c) || c->writer_op != OP_NONE)
			ev = POLLIN;
		if (libssh2_session_block_directions(c->session) & LIBSSH2_SESSION_BLOCK_OUTBOUND)
			ev |= POLLOUT;
	}
	loop_watch_events(c->w, ev);
}

void conn_deadline_pause(struct sshconn *c, bool paused)
{
	if (paused) {
		timer_disarm(c->deadline);
	} else {
		int s = c->host.connect_timeout > 0 ? c->host.connect_timeout : CONNECT_TIMEOUT_S;
		timer_arm(c->deadline, (int64_t)s * 1000);
	}
}

/* ---- failure ---- */

static void close_session(struct sshconn *c)
{
	/* the agent handle frees through the session: before it */
	auth_free(c->auth);
	c->auth = NULL;
	if (c->session) {
		/* a polite goodbye when the socket can take it; never waited for */
		if (c->state == CS_READY && c->writer_op == OP_NONE)
			libssh2_session_disconnect(c->session, "binnacle closes the connection");
		if (c->fd >= 0)
			shutdown(c->fd, SHUT_RDWR); /* so freeing sends nothing more and never waits */
		for (int i = 0; i < 8 && libssh2_session_free(c->session) == LIBSSH2_ERROR_EAGAIN; i++)
			;
		c->session = NULL;
	}
	loop_unwatch(c->w);
	c->w = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->carrier)
		chan_detach(c->carrier);
	c->carrier = NULL;
	if (c->gai) {
		/* a lookup in flight cannot always be cancelled: it is left to finish */
		if (gai_cancel(c->gai) == EAI_CANCELED || gai_error(c->gai) != EAI_INPROGRESS) {
			if (c->gai->ar_result)
				freeaddrinfo(c->gai->ar_result);
			free((void *)c->gai->ar_name);
			free((void *)c->gai->ar_service);
			free((void *)c->gai->ar_request);
			free(c->gai);
		} else {
			log_msg("ssh %s: a name lookup is still running; it is left to finish", c->name);
		}
		c->gai = NULL;
	}
	if (c->ai)
		freeaddrinfo(c->ai);
	c->ai = c->ai_next = NULL;
	ask_withdraw(c->question);
	c->question = NULL;
	c->writer_op = OP_NONE;
	c->writer_chan = NULL;
	c->opening = NULL;
	timer_disarm(c->deadline);
	timer_disarm(c->alive);
}

static void do_fail(struct sshconn *c)
{
	c->fail_pending = false;
	/* in use when it failed, or failing again on the way back to being used */
	c->busy_when_failed = chan_count(c) > 0 || c->state == CS_READY || (c->busy_when_failed && c->state != CS_IDLE);
	log_msg("ssh %s: %s", c->name, c->fail_msg);
	snprintf(c->error, sizeof(c->error), "%s", c->fail_msg);
	chan_fail_all(c, c->error);
	close_session(c);
	c->state = CS_DOWN;
	int64_t wait = backoff_next(&c->backoff);
	if (c->hard && wait < BACKOFF_MAX_MS)
		wait = BACKOFF_MAX_MS; /* asking again at once would only be refused again */
	timer_arm(c->retry, wait);
}

void conn_fail(struct sshconn *c, bool hard, const char *fmt, ...)
{
	if (c->fail_pending || c->state == CS_DOWN)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->fail_msg, sizeof(c->fail_msg), fmt, ap);
	va_end(ap);
	c->hard = hard;
	c->fail_pending = true;
	if (!c->pumping)
		do_fail(c);
}

static void on_retry(void *arg)
{
	struct sshconn *c = arg;
	if (c->state != CS_DOWN)
		return;
	c->state = CS_IDLE;
	/* the connection was in use: come back by itself, so the endpoints
	 * using it go live again without waiting for their own retries */
	if (c->busy_when_failed && !c->hard && c->refs)
		connect_start(c);
}

static void on_deadline(void *arg)
{
	struct sshconn *c = arg;
	int s = c->host.connect_timeout > 0 ? c->host.connect_timeout : CONNECT_TIMEOUT_S;
	const char *what = c->state == CS_RESOLVING	 ? "the host name lookup did not finish"
			   : c->state == CS_CONNECTING ? "the TCP connection was not accepted"
			   : c->state == CS_HANDSHAKE  ? "it accepted the connection but did not finish the SSH handshake"
						       : "authentication did not finish";
	conn_fail(c, false, "%s did not answer within %d s: %s", c->name, s, what);
}

/* ---- keepalives ---- */

static ssize_t on_recv(libssh2_socket_t fd, void *buf, size_t len, int flags, void **abstract)
{
	struct sshconn *c = *abstract;
	ssize_t n = recv(fd, buf, len, flags);
	if (n > 0)
		c->last_recv_ms = mono_ms();
	if (n < 0)
		return -errno; /* libssh2 wants the negated errno */
	return n;
}

static int alive_interval(const struct sshconn *c)
{
	return c->host.alive_interval > 0 ? c->host.alive_interval : ALIVE_DEFAULT_S;
}

static void on_alive(void *arg)
{
	struct sshconn *c = arg;
	if (c->state != CS_READY)
		return;
	int64_t every = (int64_t)alive_interval(c) * 1000;
	int count = c->host.alive_count > 0 ? c->host.alive_count : 3;
	timer_arm(c->alive, every);
	if (!chan_count(c)) {
		/* unused for a while: let it go; the next channel connects again */
		if (++c->idle_ticks > 2) {
			log_msg("ssh %s: unused, disconnecting", c->name);
			close_session(c);
			c->state = CS_IDLE;
		}
		return;
	}
	c->idle_ticks = 0;
	if (!chan_wants_read(c)) {
		c->last_recv_ms = mono_ms(); /* nobody reads: silence proves nothing */
		return;
	}
	if (mono_ms() - c->last_recv_ms > every * count + every / 2) {
		conn_fail(c, false, "%s stopped answering: no reply to %d keepalives", c->name, count);
		return;
	}
	if (mono_ms() - c->last_recv_ms < every || c->writer_op != OP_NONE)
		return; /* traffic proves it alive, or a send is already stuck */
	/* only when the socket's queue is nearly empty: the small packet then
	 * goes out whole, and leaves no half-sent packet behind */
	int queued = 0;
	if (ioctl(c->fd, TIOCOUTQ, &queued) == 0 && queued > 1024)
		return;
	int next = 0;
	int rc = libssh2_keepalive_send(c->session, &next);
	if (rc == LIBSSH2_ERROR_EAGAIN)
		conn_blocked(c, rc, NULL, OP_KEEPALIVE);
	else if (rc < 0)
		conn_fail(c, false, "%s: sending a keepalive failed: %s", c->name, conn_last_error(c));
	conn_pump(c);
}

/* ---- ready ---- */

void conn_authenticated(struct sshconn *c)
{
	auth_free(c->auth); /* wipes what it held */
	c->auth = NULL;
	c->state = CS_READY;
	timer_disarm(c->deadline);
	backoff_healthy(&c->backoff);
	c->hard = false;
	c->error[0] = '\0';
	c->last_recv_ms = mono_ms();
	libssh2_keepalive_config(c->session, 1, (unsigned)alive_interval(c));
	timer_arm(c->alive, (int64_t)alive_interval(c) * 1000);
	log_msg("ssh %s: connected and authenticated", c->name);
	c->again = true;
}

/* ---- handshake ---- */

/* libssh2's memory: what it frees is wiped first, since some of it held a
 * password, a passphrase or key material. */
static void *ssh_alloc(size_t n, void **abstract)
{
	(void)abstract;
	return xmalloc(n ? n : 1);
}

static void *ssh_realloc(void *p, size_t n, void **abstract)
{
	(void)abstract;
	if (!p)
		return xmalloc(n ? n : 1);
	/* realloc may move it and free the old block unwiped: move it ourselves */
	size_t old = malloc_usable_size(p);
	void *q = xmalloc(n ? n : 1);
	memcpy(q, p, old < n ? old : n);
	memwipe(p, old);
	free(p);
	return q;
}

static void ssh_free(void *p, void **abstract)
{
	(void)abstract;
	if (p)
		memwipe(p, malloc_usable_size(p));
	free(p);
}

static void start_handshake(struct sshconn *c)
{
	c->session = libssh2_session_init_ex(ssh_alloc, ssh_free, ssh_realloc, c);
	if (!c->session) {
		conn_fail(c, false, "%s: libssh2 cannot start a session", c->name);
		return;
	}
	libssh2_session_set_blocking(c->session, 0);
	libssh2_session_callback_set(c->session, LIBSSH2_CALLBACK_RECV, (void *)on_recv);
	hostkey_order(c);
	c->state = CS_HANDSHAKE;
	c->again = true;
}

static void step_handshake(struct sshconn *c)
{
	if (!conn_may(c, NULL, OP_HANDSHAKE))
		return;
	int rc = libssh2_session_handshake(c->session, c->fd);
	if (conn_blocked(c, rc, NULL, OP_HANDSHAKE))
		return;
	if (rc) {
		/* through a jump host, a refused channel looks like a closed socket */
		if (c->carrier_error[0])
			conn_fail(c, false, "%s", c->carrier_error);
		else
			conn_fail(c, false, "the SSH handshake with %s failed: %s", c->name, conn_last_error(c));
		return;
	}
	hostkey_check(c);
}

/* ---- the socket ---- */

static void watch_fd(struct sshconn *c)
{
	c->w = loop_watch(c->fd, POLLOUT, on_io, c);
}

static void try_next_address(struct sshconn *c)
{
	int last = 0;
	while (c->ai_next) {
		struct addrinfo *a = c->ai_next;
		c->ai_next = a->ai_next;
		int fd = socket(a->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			last = errno;
			continue;
		}
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(fd, a->ai_addr, a->ai_addrlen) < 0 && errno != EINPROGRESS) {
			last = errno;
			close(fd);
			continue;
		}
		c->fd = fd;
		c->state = CS_CONNECTING;
		watch_fd(c);
		return;
	}
	conn_fail(c, false, "cannot connect to %s: %s", c->name, strerror(last ? last : ECONNREFUSED));
}

static void on_connected(struct sshconn *c)
{
	int e = 0;
	socklen_t len = sizeof(e);
	getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &len);
	if (e) {
		loop_unwatch(c->w);
		c->w = NULL;
		close(c->fd);
		c->fd = -1;
		if (c->ai_next) {
			try_next_address(c);
			return;
		}
		conn_fail(c, false, "cannot connect to %s: %s", c->name, strerror(e));
		return;
	}
	freeaddrinfo(c->ai);
	c->ai = c->ai_next = NULL;
	start_handshake(c);
}

static void on_lookup(void *arg)
{
	struct sshconn *c = arg;
	if (c->state != CS_RESOLVING || !c->gai)
		return;
	int rc = gai_error(c->gai);
	if (rc == EAI_INPROGRESS) {
		timer_arm(c->kick, 20);
		return;
	}
	struct gaicb *g = c->gai;
	c->gai = NULL;
	c->ai = c->ai_next = g->ar_result;
	free((void *)g->ar_name);
	free((void *)g->ar_service);
	free((void *)g->ar_request);
	free(g);
	if (rc) {
		conn_fail(c, false, "cannot look up %s: %s", c->host.hostname, gai_strerror(rc));
		return;
	}
	try_next_address(c);
	conn_pump(c);
}

static void on_stuck(void *arg)
{
	conn_pump(arg);
}

static void on_kick(void *arg)
{
	struct sshconn *c = arg;
	if (c->state == CS_RESOLVING)
		on_lookup(c);
	else
		conn_pump(c);
}

static void connect_start(struct sshconn *c)
{
	if (c->state != CS_IDLE)
		return;
	if (!libssh2_ready) {
		libssh2_init(0);
		libssh2_ready = true;
	}
	c->carrier_error[0] = '\0';
	c->error[0] = '\0';
	conn_deadline_pause(c, false);
	log_msg("ssh %s: connecting%s%s", c->name, c->parent ? " through " : "", c->parent ? c->parent->name : "");
	if (c->parent) {
		/* our socket's other end becomes a channel of the jump host */
		int sv[2];
		char err[ERRLEN];
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0) {
			conn_fail(c, false, "%s: no socket pair: %s", c->name, strerror(errno));
			return;
		}
		c->carrier = chan_forward(c->parent, c->host.hostname, c->host.port, NULL, sv[1], c, c->carrier_error,
					  err, sizeof(err));
		if (!c->carrier) {
			close(sv[0]);
			close(sv[1]);
			conn_fail(c, false, "%s", err);
			return;
		}
		c->fd = sv[0];
		watch_fd(c);
		start_handshake(c);
		conn_pump(c);
		return;
	}
	struct gaicb *g = xcalloc(1, sizeof(*g));
	struct addrinfo *hints = xcalloc(1, sizeof(*hints));
	hints->ai_socktype = SOCK_STREAM;
	hints->ai_family = AF_UNSPEC;
	g->ar_name = xstrdup(c->host.hostname);
	g->ar_service = xasprintf("%d", c->host.port);
	g->ar_request = hints;
	struct sigevent sev;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_NONE;
	c->state = CS_RESOLVING;
	if (getaddrinfo_a(GAI_NOWAIT, &g, 1, &sev) != 0) {
		free((void *)g->ar_name);
		free((void *)g->ar_service);
		free(hints);
		free(g);
		conn_fail(c, false, "cannot look up %s", c->host.hostname);
		return;
	}
	c->gai = g;
	on_lookup(c); /* numeric addresses are answered at once */
}

static void on_io(void *arg, int fd, short revents)
{
	struct sshconn *c = arg;
	(void)fd;
	if (c->state == CS_CONNECTING) {
		if (revents & (POLLOUT | POLLERR | POLLHUP))
			on_connected(c);
		conn_pump(c);
		return;
	}
	conn_pump(c);
}

/* ---- the pump ---- */

void conn_pump(struct sshconn *c)
{
	if (c->pumping) {
		c->again = true;
		return;
	}
	c->pumping = true;
	int rounds = 0;
	do {
		c->again = false;
		switch (c->state) {
		case CS_HANDSHAKE:
			step_handshake(c);
			break;
		case CS_AUTH:
			auth_step(c);
			break;
		case CS_READY:
			if (c->writer_op == OP_KEEPALIVE) {
				int next = 0;
				int rc = libssh2_keepalive_send(c->session, &next);
				if (conn_blocked(c, rc, NULL, OP_KEEPALIVE))
					break;
			}
			chan_step_all(c);
			break;
		default:
			break;
		}
	} while (c->again && !c->fail_pending && ++rounds < PUMP_ROUNDS);
	if (c->again && !c->fail_pending)
		timer_arm(c->kick, 0); /* more to do: after the others' turn */
	chan_sweep(c, false);
	c->pumping = false;
	if (c->fail_pending)
		do_fail(c);
	update_interest(c);
	if (c->free_pending) {
		c->free_pending = false;
		conn_release(c);
	}
}

/* ---- the registry ---- */

static struct sshconn *conn_new(struct ssh_host *h, struct sshconn *parent)
{
	struct sshconn *c = xcalloc(1, sizeof(*c));
	c->host = *h;
	memset(h, 0, sizeof(*h));
	c->parent = parent;
	c->fd = -1;
	c->refs = 1;
	c->key = xasprintf("%s@%s:%d%s%s", c->host.user, c->host.hostname, c->host.port, parent ? "<" : "",
			   parent ? parent->key : "");
	if (c->host.port == 22)
		c->name = xasprintf("%s@%s", c->host.user, c->host.alias);
	else
		c->name = xasprintf("%s@%s:%d", c->host.user, c->host.alias, c->host.port);
	c->deadline = timer_new(on_deadline, c);
	c->retry = timer_new(on_retry, c);
	c->alive = timer_new(on_alive, c);
	c->kick = timer_new(on_kick, c);
	c->stuck = timer_new(on_stuck, c);
	backoff_init(&c->backoff, BACKOFF_MIN_MS, BACKOFF_MAX_MS);
	buf_init(&c->declined);
	c->next = registry;
	registry = c;
	return c;
}

static struct sshconn *find_or_make(struct ssh_host *h, struct sshconn *parent)
{
	char *key = xasprintf("%s@%s:%d%s%s", h->user, h->hostname, h->port, parent ? "<" : "",
			      parent ? parent->key : "");
	for (struct sshconn *c = registry; c; c = c->next)
		if (!strcmp(c->key, key)) {
			free(key);
			c->refs++;
			ssh_host_cleanup(h);
			if (parent)
				conn_release(parent); /* c already holds its own */
			return c;
		}
	free(key);
	return conn_new(h, parent);
}

static int resolve_spec(const char *spec, struct ssh_host *h, char *err, size_t errlen)
{
	char *user = NULL, *host = NULL;
	int port = 0;
	if (ssh_spec_parse(spec, &user, &host, &port, NULL, err, errlen) < 0)
		return -1;
	int rc = sshconfig_resolve(host, user, port, h, err, errlen);
	free(user);
	free(host);
	return rc;
}

static bool no_jump(const char *jumps)
{
	return !jumps || !*jumps || !strcasecmp(jumps, "none");
}

/* The last of the comma-separated hops, each through the one before it;
 * the first hop's own ProxyJump applies (as with ssh -J). A reference. */
static struct sshconn *chain_depth(const char *hops, int depth, char *err, size_t errlen)
{
	if (depth > MAX_JUMPS) {
		set_err(err, errlen, "the ProxyJump chain is longer than %d hops (a loop?)", MAX_JUMPS);
		return NULL;
	}
	struct sshconn *prev = NULL;
	for (const char *p = hops; *p;) {
		size_t n = strcspn(p, ",");
		char *hop = xstrndup(p, n);
		p += n + (p[n] == ',');
		struct ssh_host h;
		int rc = resolve_spec(hop, &h, err, errlen);
		free(hop);
		if (rc < 0) {
			conn_release(prev);
			return NULL;
		}
		struct sshconn *parent = prev;
		if (!prev && !no_jump(h.proxy_jump)) {
			parent = chain_depth(h.proxy_jump, depth + 1, err, errlen);
			if (!parent) {
				ssh_host_cleanup(&h);
				return NULL;
			}
		}
		prev = find_or_make(&h, parent); /* takes over the reference to parent */
	}
	if (!prev)
		set_err(err, errlen, "no jump host is named in \"%s\"", hops);
	return prev;
}

struct sshconn *conn_get(const char *spec, const char *jumps, char *err, size_t errlen)
{
	struct ssh_host h;
	if (resolve_spec(spec, &h, err, errlen) < 0)
		return NULL;
	const char *via = jumps ? jumps : h.proxy_jump;
	struct sshconn *parent = NULL;
	if (!no_jump(via)) {
		char *copy = xstrdup(via);
		parent = chain_depth(copy, 1, err, errlen);
		free(copy);
		if (!parent) {
			ssh_host_cleanup(&h);
			return NULL;
		}
	}
	return find_or_make(&h, parent);
}

struct sshconn *conn_get_chain(const char *hops, char *err, size_t errlen)
{
	return chain_depth(hops, 0, err, errlen);
}

static void conn_destroy(struct sshconn *c)
{
	for (struct sshconn **p = &registry; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	chan_fail_all(c, "the SSH connection was closed");
	close_session(c);
	chan_sweep(c, true);
	timer_free(c->deadline);
	timer_free(c->retry);
	timer_free(c->alive);
	timer_free(c->kick);
	timer_free(c->stuck);
	struct sshconn *spare = c->spare;
	struct sshconn *parent = c->parent;
	ssh_host_cleanup(&c->host);
	buf_cleanup(&c->declined);
	free(c->key);
	free(c->name);
	free(c);
	conn_release(spare);
	if (parent)
		conn_release(parent);
}

void conn_release(struct sshconn *c)
{
	if (!c || !c->refs)
		return;
	if (--c->refs)
		return;
	if (c->pumping) {
		c->refs = 1; /* freed when the pump on the stack is over */
		c->free_pending = true;
		return;
	}
	conn_destroy(c);
}

struct sshconn *conn_spare(struct sshconn *c, char *err, size_t errlen)
{
	if (c->spare)
		return c->spare;
	struct ssh_host h;
	/* the same resolution, afresh: the spare owns its own copy */
	if (sshconfig_resolve(c->host.alias, c->host.user, c->host.port, &h, err, errlen) < 0)
		return NULL;
	if (c->parent)
		c->parent->refs++;
	struct sshconn *s = conn_new(&h, c->parent);
	/* not found by the registry: only c uses it */
	free(s->key);
	s->key = xasprintf("%s#spare", c->key);
	c->spare = s;
	return s;
}

int conn_want(struct sshconn *c, char *err, size_t errlen)
{
	if (c->state == CS_DOWN)
		return set_err(err, errlen, "%s", c->error[0] ? c->error : "the SSH connection is down");
	if (c->state == CS_IDLE)
		connect_start(c);
	return c->state == CS_DOWN ? set_err(err, errlen, "%s", c->error) : 0;
}

void conn_cleanup_all(void)
{
	/* what is still here was leaked by its users: children first, since
	 * each holds its parent */
	while (registry) {
		struct sshconn *c = NULL;
		for (struct sshconn *o = registry; o && !c; o = o->next) {
			bool is_parent = false;
			for (struct sshconn *k = registry; k; k = k->next)
				is_parent |= k->parent == o || k->spare == o;
			if (!is_parent)
				c = o;
		}
		if (!c)
			break; /* a cycle cannot be made: chains only grow from existing hops */
		log_msg("ssh %s: still referenced at exit", c->name);
		c->refs = 1;
		conn_release(c);
	}
	if (libssh2_ready) {
		libssh2_exit();
		libssh2_ready = false;
	}
}

size_t conn_count(void)
{
	size_t n = 0;
	for (struct sshconn *c = registry; c; c = c->next)
		n++;
	return n;
}
