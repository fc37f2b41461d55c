/* netlab.h: what the network tests share: starting and stopping the
 * netlab.py peer (plain or TLS, with a throwaway certificate for
 * "localhost"), turning the loop until something holds, and a test tunnel:
 * an in-process TCP forwarder that carries every connection to the lab
 * whatever destination it is asked for, and remembers that destination.
 * Static inline so each test program gets its own copy. Needs <cmocka.h>
 * included first. */
#ifndef BINNACLE_TEST_NETLAB_H
#define BINNACLE_TEST_NETLAB_H

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/net/loop.h"
#include "backends/net/transport.h"
#include "backends/util/util.h"
#include "tests/unit/fixtures.h"

struct netlab {
	char dir[64];
	pid_t pid;
	int port;
	bool tls;
	char cert[128], key[128]; /* TLS: the certificate doubles as the CA */
};

/* Labs still running: a failed assertion leaves its test before
 * netlab_stop, so the group teardown stops these (netlab_stop_all). */
static struct {
	pid_t pid;
	char dir[64];
} netlab_live[8];

static inline void netlab_forget(const char *dir, bool stop)
{
	for (size_t i = 0; i < sizeof(netlab_live) / sizeof(netlab_live[0]); i++) {
		if (!netlab_live[i].dir[0] || (dir && strcmp(netlab_live[i].dir, dir)))
			continue;
		if (stop && netlab_live[i].pid > 0) {
			kill(netlab_live[i].pid, SIGTERM);
			waitpid(netlab_live[i].pid, NULL, 0);
		}
		if (stop) {
			char *cmd = xasprintf("rm -rf '%s'", netlab_live[i].dir);
			if (system(cmd) != 0)
				fprintf(stderr, "cannot remove %s\n", netlab_live[i].dir);
			free(cmd);
		}
		netlab_live[i].pid = 0;
		netlab_live[i].dir[0] = '\0';
	}
}

/* Stops every lab a test left running (for a group teardown). */
static inline int netlab_stop_all(void)
{
	netlab_forget(NULL, true);
	return 0;
}

/* A missing peer skips the test, unless CI requires every peer. */
static inline void netlab_skip_or_fail(const char *why)
{
	const char *req = getenv("BINNACLE_REQUIRE_PEERS");
	if (req && !strcmp(req, "1"))
		fail_msg("%s (BINNACLE_REQUIRE_PEERS=1)", why);
	fprintf(stderr, "SKIP: %s\n", why);
}

/* Starts netlab.py; false (after netlab_skip_or_fail) when python3 or, for
 * TLS, openssl is missing. */
static inline bool netlab_start(struct netlab *lab, bool tls)
{
	memset(lab, 0, sizeof(*lab));
	lab->tls = tls;
	fixture_tmpdir_make(lab->dir, sizeof(lab->dir), "binnacle-netlab");
	if (system("command -v python3 >/dev/null 2>&1") != 0) {
		fixture_tmpdir_remove(lab->dir);
		netlab_skip_or_fail("python3 is not installed");
		return false;
	}
	if (tls) {
		snprintf(lab->cert, sizeof(lab->cert), "%s/cert.pem", lab->dir);
		snprintf(lab->key, sizeof(lab->key), "%s/key.pem", lab->dir);
		char *cmd = xasprintf("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
				      "-keyout %s -out %s -days 1 -subj /CN=localhost "
				      "-addext subjectAltName=DNS:localhost >/dev/null 2>&1",
				      lab->key, lab->cert);
		int rc = system(cmd);
		free(cmd);
		if (rc != 0) {
			fixture_tmpdir_remove(lab->dir);
			netlab_skip_or_fail("openssl cannot make a test certificate");
			return false;
		}
	}
	char *script = xasprintf("%s/tests/lab/netlab.py", fixture_top_srcdir());
	char *portfile = xasprintf("%s/port", lab->dir);
	lab->pid = fork();
	assert_true(lab->pid >= 0);
	if (lab->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM); /* the lab ends with the test, even a crashed one */
		int devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0)
			dup2(devnull, 1);
		if (tls)
			execlp("python3", "python3", script, portfile, "--tls", lab->cert, lab->key, (char *)NULL);
		else
			execlp("python3", "python3", script, portfile, (char *)NULL);
		_exit(127);
	}
	int64_t deadline = mono_ms() + 15000;
	while (mono_ms() < deadline) {
		size_t len = 0;
		char *text = fixture_read_path(portfile, &len);
		if (text) {
			lab->port = atoi(text);
			free(text);
			break;
		}
		usleep(20000);
	}
	free(script);
	free(portfile);
	for (size_t i = 0; i < sizeof(netlab_live) / sizeof(netlab_live[0]); i++)
		if (!netlab_live[i].dir[0]) {
			netlab_live[i].pid = lab->pid;
			snprintf(netlab_live[i].dir, sizeof(netlab_live[i].dir), "%s", lab->dir);
			break;
		}
	assert_true(lab->port > 0);
	return true;
}

static inline void netlab_stop(struct netlab *lab)
{
	if (lab->dir[0])
		netlab_forget(lab->dir, false);
	if (lab->pid > 0) {
		kill(lab->pid, SIGTERM);
		waitpid(lab->pid, NULL, 0);
		lab->pid = 0;
	}
	if (lab->dir[0])
		fixture_tmpdir_remove(lab->dir);
	lab->dir[0] = '\0';
}

/* Turns the loop until done(arg) holds or 30 s pass; returns done(arg). */
static inline bool netlab_turn_until(bool (*done)(void *), void *arg)
{
	int64_t deadline = mono_ms() + 30000;
	while (!done(arg) && mono_ms() < deadline)
		loop_run_once(100);
	return done(arg);
}

/* ---- the test tunnel ---- */

struct fwd_tunnel {
	struct tunnel base;
	int port;        /* where every destination really is: the lab */
	int opened;      /* connections carried */
	bool refuse;     /* open fails at once */
	bool dead_end;   /* connect to a closed port: the far end cannot be reached */
	char last_dest[300];
	struct fwd_conn *conns; /* open ones, freed by fwd_done */
};

struct fwd_conn {
	struct fwd_tunnel *t;
	struct fwd_conn *next;
	int a, b; /* a: the client's socketpair end, b: the upstream TCP socket */
	struct loop_fd *wa, *wb;
	struct buf ab, ba; /* bytes on their way from a to b, from b to a */
	bool connected, a_eof, b_eof, a_shut, b_shut;
};

#define FWD_CAP (256 * 1024)

static inline void fwd_free(struct fwd_conn *c)
{
	for (struct fwd_conn **p = &c->t->conns; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	loop_unwatch(c->wa);
	loop_unwatch(c->wb);
	close(c->a);
	close(c->b);
	buf_cleanup(&c->ab);
	buf_cleanup(&c->ba);
	free(c);
}

/* Moves what it can from one buffer to a socket; false on a broken socket. */
static inline bool fwd_write(int fd, struct buf *b)
{
	while (b->len) {
		ssize_t n = send(fd, b->data, b->len, MSG_NOSIGNAL);
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK;
		buf_consume(b, (size_t)n);
	}
	return true;
}

/* Reads what a socket has into a buffer; false at its end or on error. */
static inline bool fwd_read(int fd, struct buf *b)
{
	char tmp[16384];
	while (b->len < FWD_CAP) {
		ssize_t n = recv(fd, tmp, sizeof(tmp), 0);
		if (n > 0) {
			buf_append(b, tmp, (size_t)n);
			continue;
		}
		return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
	}
	return true;
}

static inline void fwd_update(struct fwd_conn *c)
{
	if (c->a_eof && !c->ab.len && !c->b_shut && c->connected) {
		shutdown(c->b, SHUT_WR);
		c->b_shut = true;
	}
	if (c->b_eof && !c->ba.len && !c->a_shut) {
		shutdown(c->a, SHUT_WR);
		c->a_shut = true;
	}
	if (c->a_shut && c->b_shut) {
		fwd_free(c);
		return;
	}
	loop_watch_events(c->wa, (short)((!c->a_eof && c->ab.len < FWD_CAP ? POLLIN : 0) | (c->ba.len ? POLLOUT : 0)));
	loop_watch_events(c->wb, (short)(!c->connected ? POLLOUT
						       : ((!c->b_eof && c->ba.len < FWD_CAP ? POLLIN : 0) |
							  (c->ab.len ? POLLOUT : 0))));
}

static inline void fwd_on_a(void *arg, int fd, short revents)
{
	struct fwd_conn *c = arg;
	if ((revents & POLLOUT) && !fwd_write(fd, &c->ba))
		return fwd_free(c);
	if ((revents & (POLLIN | POLLHUP | POLLERR)) && !c->a_eof && !fwd_read(fd, &c->ab))
		c->a_eof = true;
	if (c->connected && !fwd_write(c->b, &c->ab))
		return fwd_free(c);
	fwd_update(c);
}

static inline void fwd_on_b(void *arg, int fd, short revents)
{
	struct fwd_conn *c = arg;
	if (!c->connected) {
		int e = 0;
		socklen_t len = sizeof(e);
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len);
		if (e) {
			snprintf(c->t->base.error, sizeof(c->t->base.error), "the test tunnel cannot reach %.120s: %.80s",
				 c->t->last_dest, strerror(e));
			return fwd_free(c);
		}
		c->connected = true;
	}
	if ((revents & POLLOUT) && !fwd_write(fd, &c->ab))
		return fwd_free(c);
	if ((revents & (POLLIN | POLLHUP | POLLERR)) && !c->b_eof && !fwd_read(fd, &c->ba))
		c->b_eof = true;
	if (!fwd_write(c->a, &c->ba))
		return fwd_free(c);
	fwd_update(c);
}

static inline int fwd_open(struct tunnel *base, const struct tunnel_dest *d, int fd, char *err, size_t errlen)
{
	struct fwd_tunnel *t = base->priv;
	if (d->unix_path)
		snprintf(t->last_dest, sizeof(t->last_dest), "unix:%s", d->unix_path);
	else
		snprintf(t->last_dest, sizeof(t->last_dest), "%s:%d", d->host, d->port);
	if (t->refuse)
		return set_err(err, errlen, "the test tunnel is closed");
	int b = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (b < 0)
		return set_err(err, errlen, "no socket: %s", strerror(errno));
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)(t->dead_end ? 1 : t->port))};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(b, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
		close(b);
		return set_err(err, errlen, "cannot connect: %s", strerror(errno));
	}
	struct fwd_conn *c = xcalloc(1, sizeof(*c));
	c->t = t;
	c->a = fd;
	c->b = b;
	buf_init(&c->ab);
	buf_init(&c->ba);
	c->wa = loop_watch(fd, POLLIN, fwd_on_a, c);
	c->wb = loop_watch(b, POLLOUT, fwd_on_b, c);
	c->next = t->conns;
	t->conns = c;
	t->opened++;
	return 0;
}

static const struct tunnel_ops fwd_ops = {.name = "test", .open = fwd_open};

/* The tunnel goes away: the transport forgets it, its connections close. */
static inline void fwd_done(struct fwd_tunnel *t)
{
	transport_forget_tunnel(&t->base);
	while (t->conns)
		fwd_free(t->conns);
}

static inline void fwd_init(struct fwd_tunnel *t, int port)
{
	memset(t, 0, sizeof(*t));
	t->base.ops = &fwd_ops;
	t->base.priv = t;
	t->port = port;
}

/* The group setup and teardown of every test that talks to a netlab. */
static inline int netlab_setup(void **state)
{
	(void)state;
	char err[ERRLEN];
	return http_init(err, sizeof(err));
}

static inline int netlab_teardown(void **state)
{
	(void)state;
	netlab_stop_all(); /* the labs of tests that failed half-way */
	http_cleanup();
	loop_cleanup();
	return 0;
}

#endif
