/* backend.h: the plugin interface. A backend is one const vtable; an
 * endpoint is one configured instance of it (one Docker host, one kube
 * context). Every call is asynchronous: it queues work on the event loop and
 * returns; results reach the endpoint's store as deltas. A NULL capability
 * slot means the backend cannot do that and the UI does not offer it. */
#ifndef BINNACLE_BACKEND_H
#define BINNACLE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/model/store.h"
#include "backends/util/util.h"

/* Bumped whenever struct backend_ops or struct endpoint changes shape, so a
 * backend built out of tree and loaded later can be refused cleanly. */
#define BACKEND_ABI_VERSION 1

enum opt_type { OPT_STRING, OPT_BOOL, OPT_PATH };

/* An endpoint option a backend accepts in the configuration file. */
struct option_def {
	const char *key;
	enum opt_type type;
	const char *help;
};

struct endpoint_option {
	char *key, *value;
	int line, col; /* where it was written, 0 when discovered */
};

/* One endpoint as configured (or discovered). */
struct endpoint_config {
	char *name;
	char *backend;
	bool readonly, production;
	bool on_demand; /* discovered but not current (other kube contexts): used when chosen */
	char *file; /* the config file it came from, NULL when discovered */
	int line;
	struct endpoint_option *opts;
	size_t nopts;
};

const char *endpoint_config_get(const struct endpoint_config *c, const char *key);
void endpoint_config_set(struct endpoint_config *c, const char *key, const char *value);
void endpoint_config_cleanup(struct endpoint_config *c);

enum endpoint_state {
	EP_CONNECTING, /* no data yet */
	EP_READY,      /* connected and live */
	EP_STALE,      /* data shown is old: the connection is down and retrying */
};

enum note_level { NOTE_INFO, NOTE_WARN, NOTE_ERROR };

struct endpoint {
	const struct backend_ops *ops;
	char *name;
	char *address;      /* for the header: "unix:///run/podman/podman.sock" */
	char product[96];   /* for the header: "Podman 4.3.1 · API 1.41" */
	struct store *store;
	enum endpoint_state state;
	char error[ERRLEN]; /* last connection error, "" when healthy */
	bool readonly, production;
	bool on_demand;     /* see endpoint_config */
	int64_t refresh_ms; /* how often per-row extras (stats) refresh */
	unsigned extras_pending; /* requests for per-row figures (stats, metrics) in flight */
	void *priv;         /* the backend's own state */
	/* set by the application; the backend calls it for messages worth a flash */
	void (*notify)(struct endpoint *ep, enum note_level level, const char *text);
	void *app;
};

/* Reports a message to the application (no-op when notify is unset). */
void endpoint_note(struct endpoint *ep, enum note_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Records a connection failure: state stale, error kept, one flash. */
void endpoint_fail(struct endpoint *ep, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Records a (re)connection: state ready, error cleared. */
void endpoint_ready(struct endpoint *ep);

/* ---- operator actions ---- */

enum action_flags {
	ACTION_MUTATES = 1,   /* changes something: dangerous, stripped in read-only mode */
	ACTION_CONFIRM = 2,   /* destructive: always asks before it runs */
	ACTION_INPUT = 4,     /* needs a value typed by the user (input_prompt) */
	ACTION_NO_TARGET = 8, /* works without a selected row (pull) */
};

/* An operation a backend offers on a kind. The name is the verb the keymap
 * binds ("restart", "remove"), so one key means the same on every backend. */
struct backend_action {
	const char *name;         /* verb: restart, start, stop, kill, remove, scale... */
	const char *kind;         /* the kind it applies to */
	unsigned flags;           /* enum action_flags */
	const char *progress;     /* for the flash line: "restarting" */
	const char *input_prompt; /* ACTION_INPUT: "replicas" */
};

typedef void (*action_done_fn)(void *arg, const char *error /* NULL = done */);

/* A bidirectional byte stream to a process in a container (exec), driven
 * by the event loop (backends/net/execstream.h): output waits in a queue
 * for read(), input is queued by write(); neither ever blocks. A loop turn
 * (session_turn) is what moves bytes. */
struct bstream;
struct bstream_ops {
	/* Output bytes into buf; >0 bytes, 0 at the end, -1 when nothing is ready
	 * (errno EAGAIN) or on error (s->error set). *stream: 1 stdout, 2 stderr. */
	long (*read)(struct bstream *s, char *buf, size_t n, int *stream);
	/* Input bytes; returns how many were taken (maybe 0), -1 on error. */
	long (*write)(struct bstream *s, const char *buf, size_t n);
	void (*resize)(struct bstream *s, int rows, int cols);
	/* True once the exit status is known (or can no longer be learned). */
	bool (*finished)(struct bstream *s);
	void (*close)(struct bstream *s);
};
struct bstream {
	const struct bstream_ops *ops;
	int exit_code;        /* -1 while unknown */
	char error[ERRLEN];
};

struct exec_opts {
	const char *const *argv; /* NULL: the configured or default shell */
	const char *shell;       /* configured shell, NULL = bash when present, else sh */
	const char *container;   /* inside a pod; NULL = the default one */
	bool tty, interactive;
	int rows, cols;
};

struct log_opts {
	int tail;            /* last N lines first; -1 = all */
	bool follow;
	bool previous;       /* the previous instance (Kubernetes) */
	const char *container;
};

/* Receives a log stream: data(stream 1 stdout / 2 stderr / 3 system, bytes)
 * with an RFC 3339 timestamp and a space leading every line; end once. */
struct log_sink {
	void (*data)(void *arg, int stream, const char *data, size_t len);
	void (*end)(void *arg, const char *error);
	void *arg;
};

struct pull_sink {
	/* One layer's state: id "" for the overall status lines. */
	void (*progress)(void *arg, const char *id, const char *status, int64_t current, int64_t total);
	void (*done)(void *arg, const char *error);
	void *arg;
};

struct backend_ops {
	int abi;
	const char *name;        /* "docker": the `type:` in the config */
	const char *description;
	const char *const *kinds; /* NULL-terminated kinds it serves */
	const char *default_kind; /* the view an endpoint of it opens on */
	const struct option_def *options; /* NULL-terminated by key */

	/* Fills cfgs with endpoints found on this machine without configuration;
	 * returns how many (0 = none). Optional. */
	size_t (*discover)(struct endpoint_config **cfgs);

	/* Sets up the endpoint (no network I/O yet). */
	int (*open)(struct endpoint *ep, const struct endpoint_config *cfg, char *err, size_t errlen);
	void (*close)(struct endpoint *ep);
	/* Keep kind live in the store: list it, then follow changes. Idempotent. */
	void (*watch)(struct endpoint *ep, const char *kind);
	/* The ids on screen, so per-row extras (container stats) are fetched only for them. */
	void (*visible)(struct endpoint *ep, const char *kind, const char *const *ids, size_t n);
	/* Fetches the full object for describe as pretty JSON text; calls done with
	 * the owned text or an error sentence. Optional. */
	void (*inspect)(struct endpoint *ep, const char *kind, const char *id,
			void (*done)(void *arg, const char *json, const char *error), void *arg);

	/* Operator actions, terminated by a NULL name; run them with act. */
	const struct backend_action *actions;
	void (*act)(struct endpoint *ep, const struct backend_action *a, const char *id, const char *input,
		    action_done_fn done, void *arg);
	/* Opens an exec session; done gets the stream or an error. Optional. */
	void (*exec)(struct endpoint *ep, const char *kind, const char *id, const struct exec_opts *o,
		     void (*done)(void *arg, struct bstream *s, const char *error), void *arg);
	/* Streams logs into sink until stopped (the handle) or the stream ends. Optional. */
	void *(*logs)(struct endpoint *ep, const char *kind, const char *id, const struct log_opts *o,
		      const struct log_sink *sink);
	void (*logs_stop)(struct endpoint *ep, void *handle);
	/* Pulls an image reference with progress. Optional. */
	void (*pull)(struct endpoint *ep, const char *ref, const struct pull_sink *sink);
	/* Namespaces (Kubernetes): the one listed, NULL = all; switching relists. Optional. */
	const char *(*get_namespace)(struct endpoint *ep);
	int (*set_namespace)(struct endpoint *ep, const char *ns, char *err, size_t errlen);
};

/* The backend's action named verb for kind, or NULL. */
const struct backend_action *backend_action_find(const struct backend_ops *ops, const char *kind, const char *verb);
/* Whether the UI may offer a: read-only endpoints get no mutating action. */
bool endpoint_may(const struct endpoint *ep, const struct backend_action *a);

const struct backend_ops *const *backends_all(void);
const struct backend_ops *backend_find(const char *name);
bool backend_serves(const struct backend_ops *ops, const char *kind);

/* Creates an endpoint of cfg's backend; NULL with a sentence in err. */
struct endpoint *endpoint_new(const struct endpoint_config *cfg, char *err, size_t errlen);
void endpoint_free(struct endpoint *ep);

#endif
