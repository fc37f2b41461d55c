/* nodeshell.h: a shell on a machine (a Kubernetes node, an engine's host)
 * over SSH, as an exec stream (execstream.h) the terminal passthrough
 * drives like any container shell: a session channel with a PTY of the
 * terminal's type and size, window changes forwarded, the exit status
 * reported. Which machine, as whom and through which bastion come from the
 * endpoint's node_ssh, node_via and via options, then ~/.ssh/config. */
#ifndef BINNACLE_NODESHELL_H
#define BINNACLE_NODESHELL_H

#include "backends/backend.h"

/* Opens a login shell on dest ([user@]host[:port]) through jumps (ProxyJump
 * syntax; NULL: the host's own from ~/.ssh/config). done gets the stream
 * once the shell runs, or an error sentence. */
void ssh_shell_open(const char *dest, const char *jumps, const struct exec_opts *o,
		    void (*done)(void *arg, struct bstream *s, const char *error), void *arg);

/* The SSH destination for a node shell on the machine in row r of the
 * shared nodes kind: the endpoint's node_ssh template (%i the node's
 * InternalIP, %n its name, %% a percent), else fallback (NULL: the node's
 * InternalIP). Owned; NULL with a sentence when the node has no address. */
char *nodeshell_dest(const struct endpoint *ep, const struct row *r, const char *fallback, char *err, size_t errlen);

/* The whole of it for a backend's exec slot on the nodes kind: looks the
 * row up in the endpoint's store, picks the destination (see
 * nodeshell_dest) and the jump hosts (node_via, else via), and opens the
 * shell. */
void nodeshell_open(struct endpoint *ep, const char *id, const char *fallback, const struct exec_opts *o,
		    void (*done)(void *arg, struct bstream *s, const char *error), void *arg);

#endif
