/* internal.h: the SSH machinery's shared state, seen only by the files of
 * backends/ssh: connections (conn.c: one per host and jump chain, their
 * life from name lookup to keepalives, failure and reconnect), their host
 * keys (hostkey.c) and authentication (auth.c), and the channels they carry (chan.c: each
 * bridged to a local socket, or collecting a command's output).
 *
 * libssh2 runs non-blocking, driven by the loop. Two of its rules shape
 * everything here: a call that returns EAGAIN with a packet half sent must
 * be the next call to send anything (another one fails with BAD_USE), so
 * the connection remembers that call as its writer and runs it first; and
 * one channel may be opening at a time per session. Reading one channel
 * pulls every channel's packets off the socket, so each pump passes over
 * every channel until nothing moves. */
#ifndef BINNACLE_SSH_INTERNAL_H
#define BINNACLE_SSH_INTERNAL_H

#include <libssh2.h>
#include <netdb.h>
#include <stdbool.h>

#include "backends/model/ask.h"
#include "backends/net/backoff.h"
#include "backends/net/loop.h"
#include "backends/net/timer.h"
#include "backends/ssh/sshconfig.h"
#include "backends/util/util.h"

enum conn_state {
	CS_IDLE,       /* not connected; connects when a channel is asked for */
	CS_RESOLVING,  /* looking the host name up (getaddrinfo_a) */
	CS_CONNECTING, /* TCP connect in progress */
	CS_HANDSHAKE,  /* SSH banner and key exchange */
	CS_HOSTKEY,    /* asking the user about an unknown host key */
	CS_AUTH,       /* authenticating (auth.c) */
	CS_READY,
	CS_DOWN,       /* failed: error says why; retry armed */
};

/* The libssh2 calls a pump makes; one may be the connection's writer. */
enum ssh_op {
	OP_NONE,
	OP_HANDSHAKE,
	OP_AUTH,
	OP_KEEPALIVE,
	OP_OPEN,
	OP_SETUP,
	OP_RESIZE,
	OP_WRITE,
	OP_EOF,
	OP_READ,
	OP_CLOSE,
};

struct sshchan;
struct auth;

struct sshconn {
	char *key;  /* the registry's: "user@host:port" and the chain it goes through */
	char *name; /* for sentences: "user@alias:port" */
	struct ssh_host host;
	struct sshconn *parent; /* the jump host whose channel carries us; NULL = TCP */
	struct sshconn *next;   /* the registry */
	unsigned refs;
	enum conn_state state;
	int fd;
	struct loop_fd *w;
	LIBSSH2_SESSION *session;
	struct sshchan *carrier;      /* the parent's channel at our socket's other end */
	char carrier_error[ERRLEN];   /* why that channel failed, written by the parent */
	struct sshchan *chans;
	struct sshchan *opening;      /* the channel being opened (one at a time) */
	int64_t opening_since;
	struct sshconn *spare;        /* a second connection to the host, for opens stuck behind a slow one */
	struct sshchan *writer_chan;  /* the call with a packet half sent */
	enum ssh_op writer_op;
	struct timer *deadline, *retry, *alive, *kick, *stuck;
	struct backoff backoff;
	char error[ERRLEN];           /* why it is down */
	bool hard;                    /* refused (host key, authentication): no quick retry */
	bool busy_when_failed;        /* channels were in use: reconnect by itself */
	int64_t last_recv_ms;
	int idle_ticks; /* keepalive periods without a channel */
	struct gaicb *gai;
	struct addrinfo *ai, *ai_next; /* addresses left to try */
	struct auth *auth;
	struct ask *question;
	char refused_key[128];        /* a host key the user refused in this run */
	struct buf declined;          /* key files whose passphrase the user declined to type, one a line */
	bool declined_password;       /* and the password */
	bool pumping, again, fail_pending, free_pending;
	char fail_msg[ERRLEN];
};

enum chan_kind {
	CK_FORWARD, /* direct-tcpip or direct-streamlocal, bridged to fd */
	CK_SHELL,   /* a session with a PTY running the login shell, bridged to fd */
	CK_EXEC,    /* a session running a command; its output collected */
};

enum chan_state { CH_QUEUED, CH_OPENING, CH_SETUP, CH_OPEN, CH_CLOSING, CH_DONE };

/* A node shell's view of its channel (nodeshell.c owns it). */
struct sshshell {
	struct sshchan *chan; /* NULL once the channel is gone */
	int exit_code;        /* -1 until known */
	bool ready, failed;   /* the shell runs / could not be started */
	char error[ERRLEN];
	void (*notify)(void *arg); /* ready or failed: called from a timer */
	void *arg;
	struct timer *tick;
};

struct sshchan {
	struct sshconn *conn;
	struct sshchan *next;
	enum chan_kind kind;
	enum chan_state state;
	char *host; /* CK_FORWARD: TCP destination, or */
	int port;
	char *path; /* the unix socket on the far side */
	char *command; /* CK_EXEC */
	char term[32]; /* CK_SHELL */
	int rows, cols;
	bool pty_done, resize_pending;
	LIBSSH2_CHANNEL *ch;
	int fd; /* the local end; -1 for CK_EXEC */
	struct loop_fd *w;
	struct buf up, down; /* fd -> channel, channel -> fd */
	bool fd_eof, ch_eof, eof_sent, fd_shut;
	bool awaiting_close; /* the server's end of file came: its close (and exit status) next */
	bool abandoned;      /* ended while libssh2 was opening it: opened, then closed */
	void *owner;  /* who asked (a tunnel, a jump conn, a shell), for detaching */
	char *errdst; /* where a failure's sentence goes (ERRLEN), NULL once detached */
	struct sshshell *shell;
	/* CK_EXEC: output and the end, told from a timer */
	struct buf out;
	int exit_code;
	void (*exec_done)(void *arg, int exit_code, const char *out, const char *error);
	void *exec_arg;
	struct timer *exec_tick;
	char exec_error[ERRLEN];
};

/* ---- conn.c ---- */

/* The connection to spec ([user@]host[:port]) through jumps (ProxyJump
 * syntax; NULL: the host's own ProxyJump), made or shared; a reference the
 * caller releases. NULL with a sentence. */
struct sshconn *conn_get(const char *spec, const char *jumps, char *err, size_t errlen);
/* The connection to the last of the comma-separated hops, through the
 * others. */
struct sshconn *conn_get_chain(const char *hops, char *err, size_t errlen);
void conn_release(struct sshconn *c);
/* A second connection to c's host through c's jump hosts, made on first
 * use and kept with c (see chan.c: opens stuck behind a slow one). */
struct sshconn *conn_spare(struct sshconn *c, char *err, size_t errlen);
/* Someone wants a channel: connect if idle. 0, or -1 with a sentence when
 * the connection is down and waiting to retry. */
int conn_want(struct sshconn *c, char *err, size_t errlen);
/* Moves everything that can move. Safe from any callback. */
void conn_pump(struct sshconn *c);
/* Fails the connection at the end of the current pump (or now). */
void conn_fail(struct sshconn *c, bool hard, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Authentication succeeded (auth.c). */
void conn_authenticated(struct sshconn *c);
/* The deadline for getting connected: paused while the user is asked. */
void conn_deadline_pause(struct sshconn *c, bool paused);
/* The result of a libssh2 call: true when it would block (EAGAIN), and
 * then, when a packet is left half sent, (ch, op) becomes the writer. */
bool conn_blocked(struct sshconn *c, int rc, struct sshchan *ch, enum ssh_op op);
/* Whether (ch, op) may send now: no other call has a packet half sent. */
bool conn_may(const struct sshconn *c, const struct sshchan *ch, enum ssh_op op);
/* libssh2's last error message, for sentences. */
const char *conn_last_error(struct sshconn *c);
/* Every connection (at exit, and for tests). */
void conn_cleanup_all(void);
size_t conn_count(void);

/* ---- hostkey.c ---- */

/* Before the handshake: known key types first. */
void hostkey_order(struct sshconn *c);
/* After it: on to authentication, a question, or a refusal. */
void hostkey_check(struct sshconn *c);
/* "~/..." for a path under $HOME: sentences stay short. */
void ssh_short_path(const char *path, char *out, size_t outlen);

/* ---- auth.c ---- */

void auth_start(struct sshconn *c);
/* One step; false when it waits (network or user). */
void auth_step(struct sshconn *c);
void auth_free(struct auth *a);

/* ---- chan.c ---- */

/* A forwarded connection: fd (owned from now on) carried to host:port or
 * the unix socket path on the far side. errdst (ERRLEN bytes, may be
 * NULL) receives why it failed; owner is who may detach it. NULL with a
 * sentence when the connection cannot take it now (fd is then not owned). */
struct sshchan *chan_forward(struct sshconn *c, const char *host, int port, const char *path, int fd, void *owner,
			     char *errdst, char *err, size_t errlen);
struct sshchan *chan_shell(struct sshconn *c, const char *term, int rows, int cols, int fd, struct sshshell *sh,
			   char *err, size_t errlen);
struct sshchan *chan_exec(struct sshconn *c, const char *command, void *owner,
			  void (*done)(void *arg, int exit_code, const char *out, const char *error), void *arg,
			  char *err, size_t errlen);
/* Stops telling the owner anything and closes the channel. */
void chan_detach(struct sshchan *ch);
/* Detaches every channel of c that owner asked for. */
void chan_detach_owner(struct sshconn *c, void *owner);
void chan_resize(struct sshchan *ch, int rows, int cols);
/* One pass over the channels of a ready connection; sets c->again when
 * something moved. */
void chan_step_all(struct sshconn *c);
/* The connection failed: every channel ends with why, without libssh2. */
void chan_fail_all(struct sshconn *c, const char *why);
/* Frees the channels that are done (all: every one, at the end). */
void chan_sweep(struct sshconn *c, bool all);
/* Whether a channel is waiting for the server: the socket is read only
 * then (a pump with no reader would spin on the readable socket). */
bool chan_wants_read(const struct sshconn *c);
size_t chan_count(const struct sshconn *c);

#endif
