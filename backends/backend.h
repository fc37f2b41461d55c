/* backend.h: the plugin interface. A backend is one const vtable; an
 * endpoint is one configured instance of it (one Docker host, one kube
 * context). Every call is asynchronous: it queues work on the event loop and
 * returns; results reach the endpoint's store as deltas. A NULL capability
 * slot means the backend cannot do that and the UI does not offer it.
 * Everything the UI shows of a backend — its views, actions and the rows they
 * apply to, its scope, its header summary — is declared here as data, so the
 * UI never needs to know which backend it talks to. */
#ifndef BINNACLE_BACKEND_H
#define BINNACLE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/model/store.h"
#include "backends/util/util.h"

/* Bumped whenever struct backend_ops, struct endpoint, struct view or any
 * other structure a backend shares with the program changes shape, so a
 * backend built out of tree against other headers is refused cleanly. */
#define BACKEND_ABI_VERSION 4

struct view;  /* views/view.h */
struct drill;
struct tunnel;      /* backends/net/transport.h */
struct http_target; /* backends/net/transport.h */

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

/* The options every endpoint takes whatever its backend
 * (endpoint_common_options), applied by the session before the backend
 * opens the endpoint: how its connections travel, and how node shells
 * reach its machines. */
struct endpoint_net {
	char *via;             /* `via:` jump hosts, ProxyJump syntax ("bastion" or "a,b"); NULL = none */
	struct tunnel *tunnel; /* made from via by the session (which owns it): every connection of the
				* endpoint goes through it (endpoint_route); NULL = direct */
	char *node_ssh;        /* `node_ssh:` where node shells go: [user@]host[:port] with %i the node's
				* InternalIP and %n its name; NULL = the node's InternalIP */
	char *node_via;        /* `node_via:` jump hosts for node shells; NULL = via */
};

extern const struct option_def endpoint_common_options[];

struct endpoint {
	const struct backend_ops *ops;
	char *name;
	char *address;      /* for the header: "unix:///run/podman/podman.sock" */
	char product[96];   /* for the header: "Podman 4.3.1 · API 1.41" */
	struct store *store;
	enum endpoint_state state;
	char error[ERRLEN]; /* last connection error, "" when healthy */
	int64_t down_since; /* wall seconds since the connection failed (or never came up); 0 = live */
	int64_t retry_at_ms; /* mono_ms() of the next reconnection attempt while stale; 0 = none planned */
	bool auth_failing;  /* the server refused our credentials (error says how) */
	bool readonly, production;
	bool on_demand;     /* see endpoint_config */
	int64_t refresh_ms; /* how often per-row extras (stats) refresh */
	struct endpoint_net net; /* set before open */
	unsigned extras_pending; /* requests for per-row figures (stats, metrics) in flight */
	void *priv;         /* the backend's own state */
	/* set by the application; the backend calls it for messages worth a flash */
	void (*notify)(struct endpoint *ep, enum note_level level, const char *text);
	/* set by the application: takes an endpoint this one found at run time
	 * (the EKS clusters of an AWS account) and opens it beside the others;
	 * see endpoint_add_found */
	void (*add_endpoint)(struct endpoint *ep, const struct endpoint_config *cfg);
	void *app;
};

/* Reports a message to the application (no-op when notify is unset). */
void endpoint_note(struct endpoint *ep, enum note_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Records a connection failure: state stale, error kept, one flash. */
void endpoint_fail(struct endpoint *ep, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same, when the server refused the credentials (401, expired token). */
void endpoint_fail_auth(struct endpoint *ep, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Records a (re)connection: state ready, error cleared. */
void endpoint_ready(struct endpoint *ep);
/* Offers the application another endpoint found at run time (cfg borrowed):
 * it opens it unless one of that name, or of that backend and address,
 * exists already; it takes the finder's read-only and production marks.
 * Nothing happens when the application takes none. */
void endpoint_add_found(struct endpoint *ep, const struct endpoint_config *cfg);
/* The one place a backend's target receives the endpoint's route: the
 * tunnel of `via`, when there is one (and the target has none of its own). */
void endpoint_route(const struct endpoint *ep, struct http_target *t);

/* ---- operator actions ---- */

enum action_flags {
	ACTION_MUTATES = 1,   /* changes something: dangerous, stripped in read-only mode */
	ACTION_CONFIRM = 2,   /* destructive: always asks before it runs */
	ACTION_INPUT = 4,     /* needs a value typed by the user (input_prompt) */
	ACTION_NO_TARGET = 8, /* works without a selected row (pull) */
	ACTION_TEXT = 16,     /* its result is a document to read: run with act_text, not act */
	/* Carried out by another endpoint, one that can pull (a registry's
	 * tag pulled into an engine): the UI offers the session's endpoints
	 * whose backend has the pull slot, asks which when there are several,
	 * and pulls there what the row's backend's pull_source gives. */
	ACTION_ENGINE = 32,
};

/* An operation a backend offers on a kind. The name is the verb the keymap
 * binds ("restart", "remove"), so one key means the same on every backend. */
struct backend_action {
	const char *name;         /* verb: restart, start, stop, kill, remove, scale... */
	const char *kind;         /* the kind it applies to */
	unsigned flags;           /* enum action_flags */
	const char *progress;     /* for the flash line: "restarting" */
	const char *input_prompt; /* ACTION_INPUT: "replicas" */
	/* ACTION_INPUT: the value the dialog starts from (scale: the desired
	 * count); NULL = empty. */
	void (*input_now)(const struct row *r, char *out, size_t outlen);
	/* Something the user picks first, as a comma-separated list (a pod's
	 * containers); one choice or none asks nothing. NULL = never asks. */
	const char *(*choices)(const struct row *r);
	const char *choose_title; /* the question: "Which container?" */
	/* Why the action cannot apply to r ("is not running"); NULL when it can. */
	const char *(*refuse)(const struct row *r);
	/* ACTION_INPUT: what the dialog says besides the current value ("an
	 * autoscaler keeps it between 2 and 10"); "" = nothing. NULL = never. */
	void (*input_note)(const struct row *r, char *out, size_t outlen);
	/* The word the user reads ("delete" for a verb bound as remove); NULL = name. */
	const char *label;
	/* ACTION_INPUT: why the typed value will not do ("must be a whole number"),
	 * or NULL when it will; the dialog stays open to correct it. NULL = any. */
	const char *(*check_input)(const char *text);
	/* When it fails with an error forceable() accepts (an image a container
	 * uses), the UI offers the action named force_verb (same kind) instead. */
	const char *force_verb;
	bool (*forceable)(const char *error);
	/* ACTION_NO_TARGET actions that sweep (prune): what would go, one line
	 * per object, into out ("" = nothing), shown in the question. */
	void (*preview)(struct endpoint *ep, char *out, size_t outlen);
};

/* The word for a in sentences: its label, else its name. */
static inline const char *backend_action_label(const struct backend_action *a)
{
	return a->label ? a->label : a->name;
}

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
	bool all_containers; /* every container of the object, each line prefixed with its name */
	int64_t since;       /* only lines from this wall time on (seconds); 0 = no limit */
};

/* Marks the choice "every container" in an action's choices. */
#define BACKEND_ALL_CHOICES "*"

/* One point of a row's figures over time (the stats panel). */
struct figure_sample {
	int64_t at;        /* wall seconds */
	int64_t cpu;       /* permille of one CPU; -1 = unknown */
	int64_t mem;       /* bytes; -1 = unknown */
	int64_t mem_limit; /* bytes; 0 = none */
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

/* What narrows a backend's views the way a Kubernetes namespace does (an
 * ECS cluster, a registry repository): one value at a time, or all. */
struct backend_scope {
	const char *name;            /* "namespace", for sentences */
	const char *const *commands; /* command-mode names: "ns", "namespace" */
	const char *kind;            /* the kind whose row ids are the values; NULL = none */
	/* The current value; NULL = all. */
	const char *(*get)(struct endpoint *ep);
	/* Switches (value NULL, "" or "all" = all); the narrowed kinds list again. */
	int (*set)(struct endpoint *ep, const char *value, char *err, size_t errlen);
};

enum backend_caps {
	/* Its endpoints follow their default kind from the start, shown or not
	 * (cheap and local, like an engine's containers), so switching is instant. */
	BACKEND_EAGER = 1,
	/* Its logs can show the previous instance of a restarted container. */
	BACKEND_LOGS_PREVIOUS = 2,
};

/* ---- health ---- */

enum problem_level {
	PROBLEM_CRITICAL, /* broken now: down, crash-looping, failing to start */
	PROBLEM_WARNING,  /* degraded or heading there: short of desired, pressure, restarts */
};

/* Something wrong with one object of an endpoint, as the health screen lists
 * it. Strings are borrowed for the call. */
struct problem {
	enum problem_level level;
	const char *code;  /* a stable word for what is wrong ("crashloop"): with kind and id, its identity */
	const char *kind;  /* the kind whose view shows the object */
	const char *id;    /* its row id there */
	const char *name;  /* its name, as the view shows it (for the filter that finds it) */
	const char *scope; /* its scope value (namespace); NULL = none */
	const char *what;  /* one line: "CrashLoopBackOff, restarted 12 times" */
	int64_t since;     /* wall seconds when it began; 0 = unknown (first seen is used) */
};

/* Receives an endpoint's health: counts that matter for it ("nodes ready",
 * 3 of 4), its problems, and its restarts so far (a counter that only
 * grows while the endpoint lives: trends are drawn from its increase). */
struct health_sink {
	void (*count)(void *arg, const char *label, long ok, long total);
	void (*problem)(void *arg, const struct problem *p);
	void (*restarts)(void *arg, int64_t so_far);
	void *arg;
};

/* What an endpoint serves beyond what its backend declares, found at run
 * time (a Kubernetes cluster's resources, CRDs included). Both lists are
 * NULL-terminated; the arrays may be replaced as the catalog grows, but
 * every view and action in them stays valid as long as the endpoint lives,
 * so the UI may hold those. gen moves each time the endpoint has looked
 * (watch with a kind it does not know asks it to look again), whether or
 * not it found anything new. */
struct endpoint_catalog {
	const struct view *const *views;
	const struct backend_action *const *actions;
	uint64_t gen;
};

/* What edit hands the editor and gets back: a text document (YAML). */
typedef void (*edit_text_fn)(void *arg, const char *text, const char *error);
/* error NULL: applied. reopen: the server refused the content; the UI opens
 * the editor again with error on top, as kubectl edit does. */
typedef void (*edit_done_fn)(void *arg, const char *error, bool reopen);

struct backend_ops {
	int abi;
	const char *name;        /* "docker": the `type:` in the config */
	const char *const *aliases; /* other names for the type ("podman"), NULL-terminated; may be NULL */
	const char *description;
	/* The views of the kinds it serves, NULL-terminated: its own, and the
	 * shared ones (nodes, containers, images) that it fills. */
	const struct view *const *views;
	const char *default_kind; /* the view an endpoint of it opens on */
	unsigned caps;            /* enum backend_caps */
	const struct option_def *options; /* NULL-terminated by key */
	const struct backend_scope *scope; /* NULL = its views cannot be narrowed */

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
	/* The object described for a person, as `kubectl describe` does it: a
	 * summary, its state and conditions, its recent events. done gets the
	 * text (borrowed for the call) or an error sentence. Optional: the UI
	 * shows the YAML of inspect without it. */
	void (*describe)(struct endpoint *ep, const char *kind, const char *id,
			 void (*done)(void *arg, const char *text, const char *error), void *arg);
	/* The recent figures of row id, oldest first, at most max into out;
	 * returns how many. With id NULL: nonzero when kind keeps any. Optional. */
	size_t (*history)(struct endpoint *ep, const char *kind, const char *id, struct figure_sample *out, size_t max);

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
	/* Pulls an image reference with progress. auth is the registry's
	 * credentials as docker's X-Registry-Auth value (base64url JSON), or
	 * NULL: the backend finds them itself (docker's and podman's logins).
	 * Optional. */
	void (*pull)(struct endpoint *ep, const char *ref, const char *auth, const struct pull_sink *sink);
	/* For an ACTION_ENGINE action on row id of kind: the reference to pull
	 * (into ref) and the credentials an engine needs for it (*auth: an
	 * owned X-Registry-Auth value, or NULL). -1 with a sentence when it
	 * cannot be pulled (the digest is not known yet). Optional. */
	int (*pull_source)(struct endpoint *ep, const char *kind, const char *id, char *ref, size_t reflen, char **auth,
			   char *err, size_t errlen);
	/* Whether this endpoint holds the repository of the image reference
	 * ref (a registry serving its host); fills d with where its tags are
	 * (a scope switch to the repository, the tag to select). Optional. */
	bool (*image_home)(struct endpoint *ep, const char *ref, struct drill *d);
	/* The header's counts for this endpoint ("ctr 3/5  img 7"); "" = none. Optional. */
	void (*summary)(struct endpoint *ep, char *out, size_t outlen);
	/* Where Enter leads from a row of a shared kind (a node: its pods, an
	 * engine's containers), asked before the view's own drill. Optional. */
	bool (*drill)(struct endpoint *ep, const struct view *v, const struct row *r, struct drill *d);
	/* The events of the object in row r of view v, as a drill into the
	 * backend's events kind (the `e` key); false when it has none. Optional. */
	bool (*events_of)(struct endpoint *ep, const struct view *v, const struct row *r, struct drill *d);
	/* Keeps live what health() needs, from the cheapest signal the server
	 * offers (a cluster's nodes, workloads and warnings, not every pod). */
	void (*health_watch)(struct endpoint *ep);
	/* Reports the endpoint's counts and current problems from what it holds.
	 * Its connection state (stale, auth failing) is the health screen's own. */
	void (*health)(struct endpoint *ep, const struct health_sink *sink);

	/* The views and actions found at run time, or NULL while they are not
	 * known yet (the catalog is being fetched). Optional. */
	const struct endpoint_catalog *(*catalog)(struct endpoint *ep);
	/* Narrows kind to the objects a label selector picks, on the server
	 * ("app=web,tier!=db"; NULL = all again): the kind is listed again.
	 * Optional. */
	void (*select)(struct endpoint *ep, const char *kind, const char *selector);
	/* Edit an object: its text, then the edited text applied (only if the
	 * object is still the version it was: someone else's change in between
	 * is refused). Both or neither. */
	void (*edit_get)(struct endpoint *ep, const char *kind, const char *id, edit_text_fn done, void *arg);
	void (*edit_apply)(struct endpoint *ep, const char *kind, const char *id, const char *text, edit_done_fn done,
			   void *arg);
	/* Runs an ACTION_TEXT action: done gets the document to show (owned by
	 * the backend for the call), never written to a log. Optional. */
	void (*act_text)(struct endpoint *ep, const struct backend_action *a, const char *id, const char *input,
			 edit_text_fn done, void *arg);
	/* The user asked to try again now (the ctrl-r key): whatever waits in a
	 * backoff (the connection, a kind's list or watch) goes at once, and the
	 * backoffs start over. Optional: without it the key says there is
	 * nothing to retry. */
	void (*retry)(struct endpoint *ep);
};

/* The backend's action named verb for kind, or NULL. */
const struct backend_action *backend_action_find(const struct backend_ops *ops, const char *kind, const char *verb);
/* The same among the endpoint's declared and found actions. */
const struct backend_action *endpoint_action_find(struct endpoint *ep, const char *kind, const char *verb);
/* The endpoint's view of kind (declared, or found at run time), or NULL. */
const struct view *endpoint_view(struct endpoint *ep, const char *kind);
bool endpoint_serves(struct endpoint *ep, const char *kind);
/* The catalog of views and actions found at run time; NULL while it is
 * not known yet, and for backends that have none. */
const struct endpoint_catalog *endpoint_catalog(struct endpoint *ep);
/* Whether the UI may offer a: read-only endpoints get no mutating action. */
bool endpoint_may(const struct endpoint *ep, const struct backend_action *a);

/* The endpoints of ep's session (ep among them), for what crosses
 * backends: a registry lists the repositories of the images engines and
 * clusters use. Borrowed; *n gets how many. */
struct endpoint *const *endpoint_peers(const struct endpoint *ep, size_t *n);

/* Every backend: those compiled in, then those loaded as plugins. */
const struct backend_ops *const *backends_all(void);
/* Adds a backend loaded from a plugin (from names it in sentences); refused
 * with a sentence when it was built for another interface version, lacks
 * the slots every backend has, or takes a name already in use. */
int backend_register(const struct backend_ops *ops, const char *from, char *err, size_t errlen);
/* The backend called name or one of its aliases, or NULL. */
const struct backend_ops *backend_find(const char *name);
/* The backend's view of kind, or NULL when it does not serve it. */
const struct view *backend_view(const struct backend_ops *ops, const char *kind);
bool backend_serves(const struct backend_ops *ops, const char *kind);

/* Creates an endpoint of cfg's backend, its connections through tunnel
 * (borrowed: the caller frees it after the endpoint; NULL = direct); NULL
 * with a sentence in err. */
struct endpoint *endpoint_new(const struct endpoint_config *cfg, struct tunnel *tunnel, char *err, size_t errlen);
void endpoint_free(struct endpoint *ep);

#endif
