/* tunnel.c: the transport's tunnel slot filled with SSH channels (see
 * ssh.h), and the engine socket found on the remote host with one command
 * when a Docker endpoint names none. */
#include "backends/ssh/internal.h"
#include "backends/ssh/ssh.h"
#include "backends/util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Run by the remote user's shell; POSIX sh, whatever that shell is. */
#define ENGINE_PROBE                                                                                      \
	"sh -c 'for s in /var/run/docker.sock \"${XDG_RUNTIME_DIR:-/run/user/$(id -u)}/podman/podman.sock\" " \
	"/run/podman/podman.sock; do if [ -S \"$s\" ]; then echo \"$s\"; exit 0; fi; done; exit 1'"

struct waiting {
	int fd;
	struct waiting *next;
};

struct ssh_tunnel {
	struct tunnel base;
	struct sshconn *conn;
	char *engine_path;  /* connections to it go to the engine socket found */
	char *engine_found; /* NULL until the probe has answered */
	struct sshchan *probe;
	struct waiting *waiting; /* connections waiting for the probe */
};

static int t_open(struct tunnel *base, const struct tunnel_dest *d, int fd, char *err, size_t errlen);

static const struct tunnel_ops ssh_ops = {.name = "ssh", .open = t_open};

static struct tunnel *wrap(struct sshconn *c)
{
	struct ssh_tunnel *t = xcalloc(1, sizeof(*t));
	t->base.ops = &ssh_ops;
	t->base.priv = t;
	t->conn = c;
	return &t->base;
}

struct tunnel *ssh_tunnel_to(const char *dest, const char *jumps, char *err, size_t errlen)
{
	struct sshconn *c = conn_get(dest, jumps, err, errlen);
	return c ? wrap(c) : NULL;
}

struct tunnel *ssh_tunnel_via(const char *via, char *err, size_t errlen)
{
	struct sshconn *c = conn_get_chain(via, err, errlen);
	return c ? wrap(c) : NULL;
}

const char *ssh_tunnel_name(const struct tunnel *base)
{
	const struct ssh_tunnel *t = base->priv;
	return t->conn->name;
}

void ssh_tunnel_find_engine(struct tunnel *base, const char *path)
{
	struct ssh_tunnel *t = base->priv;
	free(t->engine_path);
	t->engine_path = xstrdup(path);
}

static void drop_waiting(struct ssh_tunnel *t, const char *why)
{
	while (t->waiting) {
		struct waiting *w = t->waiting;
		t->waiting = w->next;
		close(w->fd); /* the client sees the connection close */
		free(w);
	}
	if (why)
		snprintf(t->base.error, sizeof(t->base.error), "%s", why);
}

static void on_probe(void *arg, int exit_code, const char *out, const char *error)
{
	struct ssh_tunnel *t = arg;
	t->probe = NULL;
	char path[512] = "";
	sscanf(out, "%511[^\n]", path);
	if (error || exit_code != 0 || path[0] != '/') {
		char why[ERRLEN];
		if (error)
			snprintf(why, sizeof(why), "%s", error);
		else
			snprintf(why, sizeof(why),
				 "%s has no Docker or Podman socket: looked for /var/run/docker.sock, "
				 "$XDG_RUNTIME_DIR/podman/podman.sock and /run/podman/podman.sock",
				 t->conn->name);
		log_msg("ssh %s: %s", t->conn->name, why);
		drop_waiting(t, why);
		return;
	}
	log_msg("ssh %s: the engine socket is %s", t->conn->name, path);
	t->engine_found = xstrdup(path);
	/* the connections that waited go on */
	while (t->waiting) {
		struct waiting *w = t->waiting;
		t->waiting = w->next;
		char err[ERRLEN];
		if (!chan_forward(t->conn, NULL, 0, t->engine_found, w->fd, t, t->base.error, err, sizeof(err))) {
			snprintf(t->base.error, sizeof(t->base.error), "%s", err);
			close(w->fd);
		}
		free(w);
	}
}

static int t_open(struct tunnel *base, const struct tunnel_dest *d, int fd, char *err, size_t errlen)
{
	struct ssh_tunnel *t = base->priv;
	const char *path = d->unix_path;
	if (path && t->engine_path && !strcmp(path, t->engine_path)) {
		if (!t->engine_found) {
			if (!t->probe) {
				t->probe = chan_exec(t->conn, ENGINE_PROBE, t, on_probe, t, err, errlen);
				if (!t->probe)
					return -1;
			}
			struct waiting *w = xcalloc(1, sizeof(*w));
			w->fd = fd;
			w->next = t->waiting;
			t->waiting = w;
			return 0;
		}
		path = t->engine_found;
	}
	return chan_forward(t->conn, d->host, d->port, path, fd, t, t->base.error, err, errlen) ? 0 : -1;
}

void ssh_tunnel_free(struct tunnel *base)
{
	if (!base)
		return;
	struct ssh_tunnel *t = base->priv;
	transport_forget_tunnel(base);
	drop_waiting(t, NULL);
	chan_detach_owner(t->conn, t);
	conn_release(t->conn);
	free(t->engine_path);
	free(t->engine_found);
	free(t);
}

void ssh_cleanup(void)
{
	conn_cleanup_all();
}

size_t ssh_connection_count(void)
{
	return conn_count();
}
