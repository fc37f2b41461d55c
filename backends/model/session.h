/* session.h: what the screen and `binnacle get` share: the configuration,
 * the endpoints it names (or that discovery found), and one turn of the event
 * loop (network, timers, expiry of deleted rows). No ncurses here. */
#ifndef BINNACLE_SESSION_H
#define BINNACLE_SESSION_H

#include "backends/backend.h"
#include "backends/model/config.h"

/* How long a deleted row stays on screen, marked as gone. */
#define GONE_LINGER_MS 3000

struct session {
	struct config cfg;
	struct endpoint **eps;
	struct tunnel **tunnels; /* eps[i]'s tunnel from its `via:` option, or NULL; freed after it */
	size_t neps;
	bool forced_readonly; /* --readonly */
	bool single;          /* --endpoint: no endpoint is added at run time */
	size_t nopened;       /* endpoints opened at start (the rest were found at run time) */
	/* called for every message an endpoint reports */
	void (*on_note)(struct session *s, struct endpoint *ep, enum note_level level, const char *text);
	void *ui;
};

struct session_opts {
	const char *config_path; /* --config, NULL = default */
	bool readonly;           /* --readonly */
	const char *endpoint;    /* --endpoint: only this one, NULL = all */
	int64_t refresh_ms;      /* --refresh, 0 = from the config */
	bool ignore_config;      /* start from discovery alone (the config is broken) */
};

/* Loads the configuration and creates the endpoints (no network yet).
 * Returns 0, or -1 with a sentence in err. */
int session_open(struct session *s, const struct session_opts *o, char *err, size_t errlen);
void session_close(struct session *s);
/* One turn of the loop (loop.h): waits up to timeout_ms for the network, a
 * watched descriptor (the terminal's input), a child or a timer, runs
 * whatever is ready, then expires deleted rows. */
void session_turn(struct session *s, int timeout_ms);
/* Sum of every endpoint store's generation: changes when anything visible does. */
uint64_t session_gen(const struct session *s);
struct endpoint *session_find(const struct session *s, const char *name);
/* Opens an endpoint found at run time (what endpoint_add_found asks): NULL
 * when it is not wanted (--endpoint, a duplicate) or cannot open. */
struct endpoint *session_add(struct session *s, const struct endpoint_config *cfg, const struct endpoint *finder);

#endif
