/* nodeshell.c: node shells (see nodeshell.h). The shell's channel is
 * bridged to one end of a socket pair; the exec stream runs over the other
 * end once the shell is up, so a host key question or a refused login is
 * one sentence in the flash line instead of a terminal handed over for
 * nothing. */
#include "backends/ssh/nodeshell.h"
#include "backends/model/kinds.h"
#include "backends/net/execstream.h"
#include "backends/ssh/internal.h"
#include "backends/util/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct nshell {
	struct sshshell sh; /* what the channel tells */
	struct sshconn *conn;
	struct execstream *s;
	int fd; /* the stream's end of the pair, until it is handed over */
	bool handed;
};

static int ns_recv(struct execstream *s, const char *data, size_t len, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	execstream_output(s, 1, data, len); /* a PTY: one stream, as the terminal shows it */
	return 0;
}

static void ns_input(struct execstream *s, const char *data, size_t len)
{
	execstream_send(s, data, len);
}

static void ns_resize(struct execstream *s, int rows, int cols)
{
	struct nshell *n = s->priv;
	chan_resize(n->sh.chan, rows, cols);
}

static void ns_ended(struct execstream *s, const char *error)
{
	struct nshell *n = s->priv;
	(void)error;
	/* the connection itself failed while the shell ran: say so */
	if (n->sh.exit_code < 0 && n->sh.error[0])
		execstream_stop(s, n->sh.error);
	else if (n->sh.exit_code >= 0)
		execstream_exit(s, n->sh.exit_code);
	execstream_finish(s);
}

static void ns_free(struct execstream *s)
{
	struct nshell *n = s->priv;
	timer_free(n->sh.tick);
	if (n->sh.chan) {
		n->sh.chan->shell = NULL;
		chan_detach(n->sh.chan);
	}
	if (!n->handed && n->fd >= 0)
		close(n->fd);
	conn_release(n->conn);
	free(n);
}

static const struct execstream_proto ssh_shell_proto = {
	.name = "ssh-shell",
	.recv = ns_recv,
	.input = ns_input,
	.resize = ns_resize,
	.ended = ns_ended,
	.free = ns_free,
};

/* The channel is up, or could not be: from a timer, outside the pump. */
static void on_state(void *arg)
{
	struct nshell *n = arg;
	if (n->handed)
		return;
	if (n->sh.failed) {
		execstream_fail_open(n->s, n->sh.error[0] ? n->sh.error : "the shell could not start"); /* frees n */
		return;
	}
	if (n->sh.ready) {
		n->handed = true;
		execstream_connect_fd(n->s, n->fd);
		execstream_ready(n->s);
	}
}

void ssh_shell_open(const char *dest, const char *jumps, const struct exec_opts *o,
		    void (*done)(void *arg, struct bstream *s, const char *error), void *arg)
{
	char err[ERRLEN];
	struct sshconn *c = conn_get(dest, jumps, err, sizeof(err));
	if (!c) {
		done(arg, NULL, err);
		return;
	}
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0) {
		conn_release(c);
		set_err(err, sizeof(err), "no socket pair: %s", strerror(errno));
		done(arg, NULL, err);
		return;
	}
	struct nshell *n = xcalloc(1, sizeof(*n));
	n->conn = c;
	n->fd = sv[0];
	n->sh.exit_code = -1;
	n->sh.tick = timer_new(on_state, n);
	n->s = execstream_new(&ssh_shell_proto, n, o->rows, o->cols, done, arg);
	const char *term = getenv("TERM");
	log_msg("ssh %s: opening a shell (TERM %s, %dx%d)", c->name, term ? term : "xterm", o->cols, o->rows);
	if (!chan_shell(c, term, o->rows, o->cols, sv[1], &n->sh, err, sizeof(err))) {
		close(sv[1]);
		execstream_fail_open(n->s, err); /* frees n, releases c */
	}
}

char *nodeshell_dest(const struct endpoint *ep, const struct row *r, const char *fallback, char *err, size_t errlen)
{
	const char *tmpl = ep->net.node_ssh && *ep->net.node_ssh ? ep->net.node_ssh : fallback ? fallback : "%i";
	const char *ip = row_text(r, NODE_IP), *name = row_text(r, NODE_NAME);
	struct buf b;
	buf_init(&b);
	for (const char *p = tmpl; *p; p++) {
		if (p[0] != '%' || !p[1]) {
			buf_putc(&b, *p);
			continue;
		}
		p++;
		if (*p == 'i') {
			/* several addresses ("10.0.0.5,fd00::5"): the first */
			buf_printf(&b, "%.*s", (int)strcspn(ip, ", "), ip);
			if (!*ip) {
				buf_cleanup(&b);
				set_err(err, errlen,
					"node %s has no InternalIP to reach it at: set node_ssh for %s (for example "
					"\"node_ssh: admin@%%n.internal\")",
					name, ep->name);
				return NULL;
			}
		} else if (*p == 'n') {
			buf_puts(&b, name);
		} else {
			buf_putc(&b, *p);
		}
	}
	if (!b.len) {
		buf_cleanup(&b);
		set_err(err, errlen, "node_ssh of %s names no host", ep->name);
		return NULL;
	}
	return buf_steal(&b);
}

void nodeshell_open(struct endpoint *ep, const char *id, const char *fallback, const struct exec_opts *o,
		    void (*done)(void *arg, struct bstream *s, const char *error), void *arg)
{
	char err[ERRLEN];
	struct rtable *t = store_find_table(ep->store, KIND_NODES);
	struct row *r = t ? rtable_find(t, id) : NULL;
	if (!r) {
		done(arg, NULL, "the node is gone");
		return;
	}
	char *dest = nodeshell_dest(ep, r, fallback, err, sizeof(err));
	if (!dest) {
		done(arg, NULL, err);
		return;
	}
	const char *jumps = ep->net.node_via && *ep->net.node_via ? ep->net.node_via : ep->net.via;
	log_msg("node shell on %s: ssh %s%s%s", id, dest, jumps ? " through " : "", jumps ? jumps : "");
	ssh_shell_open(dest, jumps, o, done, arg);
	free(dest);
}
