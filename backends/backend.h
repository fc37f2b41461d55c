/* backend.h: the plugin interface. A backend is one const vtable; an
 * endpoint is one configured instance of it (one Docker host, one kube
 * context). Every call is asynchronous: it queues work on the event loop and
 * returns; results reach the endpoint's store as deltas. A NULL capability
 * slot means the backend cannot do that and the UI does not offer it. */
#ifndef BINNACLE_BACKEND_H
#define BINNACLE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"
#include "util.h"

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
	int64_t refresh_ms; /* how often per-row extras (stats) refresh */
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

struct backend_ops {
	int abi;
	const char *name;        /* "docker": the `type:` in the config */
	const char *description;
	const char *const *kinds; /* NULL-terminated kinds it serves */
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
};

const struct backend_ops *const *backends_all(void);
const struct backend_ops *backend_find(const char *name);
bool backend_serves(const struct backend_ops *ops, const char *kind);

/* Creates an endpoint of cfg's backend; NULL with a sentence in err. */
struct endpoint *endpoint_new(const struct endpoint_config *cfg, char *err, size_t errlen);
void endpoint_free(struct endpoint *ep);

#endif
