/* hostkey.c: the server's host key checked as OpenSSH checks it (see
 * knownhosts.h): known, changed (refused with OpenSSH's warning, nothing
 * sent), revoked, or unknown (asked about through ask.h, refused by
 * StrictHostKeyChecking yes, remembered by accept-new); and the host key
 * algorithms ordered so the server shows a key of a type already known. */
#include "backends/ssh/internal.h"
#include "backends/ssh/knownhosts.h"
#include "backends/util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void files_of(const struct ssh_host *h, const char **files, size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < h->nknown; i++)
		files[(*n)++] = h->known_hosts[i];
	for (size_t i = 0; i < h->nglobal; i++)
		files[(*n)++] = h->global_known_hosts[i];
}

void ssh_short_path(const char *path, char *out, size_t outlen)
{
	const char *home = getenv("HOME");
	size_t hl = home ? strlen(home) : 0;
	if (hl > 1 && !strncmp(path, home, hl) && path[hl] == '/')
		snprintf(out, outlen, "~%s", path + hl);
	else
		snprintf(out, outlen, "%s", path);
}

static void remember_key(struct sshconn *c, const unsigned char *key, size_t len)
{
	char err[ERRLEN], where[300];
	const char *file = c->host.nknown ? c->host.known_hosts[0] : NULL;
	if (!file)
		return;
	ssh_short_path(file, where, sizeof(where));
	if (knownhosts_add(file, c->host.hostname, c->host.port, key, len, c->host.hash_known_hosts, err,
			   sizeof(err)) < 0)
		log_msg("ssh %s: the host key is accepted for now but cannot be remembered: %s", c->name, err);
	else
		log_msg("ssh %s: host key added to %s", c->name, where);
}

static void on_hostkey_answer(void *arg, bool yes, const char *secret)
{
	struct sshconn *c = arg;
	(void)secret;
	c->question = NULL;
	if (c->state != CS_HOSTKEY)
		return;
	size_t len = 0;
	int type = 0;
	const char *key = libssh2_session_hostkey(c->session, &len, &type);
	char fp[128];
	knownhosts_fingerprint((const unsigned char *)key, len, fp, sizeof(fp));
	if (!yes) {
		snprintf(c->refused_key, sizeof(c->refused_key), "%s", fp);
		conn_fail(c, true, "you refused the host key of %s (%s): nothing was sent", c->name, fp);
		return;
	}
	remember_key(c, (const unsigned char *)key, len);
	conn_deadline_pause(c, false);
	c->state = CS_AUTH;
	auth_start(c);
	conn_pump(c);
}

void hostkey_check(struct sshconn *c)
{
	size_t len = 0;
	int type = 0;
	const unsigned char *key = (const unsigned char *)libssh2_session_hostkey(c->session, &len, &type);
	if (!key || !len) {
		conn_fail(c, false, "%s sent no host key", c->name);
		return;
	}
	const char *files[2 * SSH_MAX_FILES];
	size_t nfiles;
	files_of(&c->host, files, &nfiles);
	struct kh_check kc;
	knownhosts_check(files, nfiles, c->host.hostname, c->host.port, key, len, &kc);
	char fp[128], ktype[64], where[300];
	knownhosts_fingerprint(key, len, fp, sizeof(fp));
	knownhosts_blob_type(key, len, ktype, sizeof(ktype));
	const char *label = knownhosts_type_label(ktype);
	char *hname = knownhosts_name(c->host.hostname, c->host.port);
	ssh_short_path(kc.where, where, sizeof(where));
	log_msg("ssh %s: host key %s %s: %s%s%s", c->name, label, fp,
		kc.result == KH_MATCH ? "known" : kc.result == KH_CHANGED ? "CHANGED" : kc.result == KH_REVOKED ? "revoked" : "unknown",
		kc.where[0] ? " at " : "", kc.where);
	switch (kc.result) {
	case KH_MATCH:
		c->state = CS_AUTH;
		auth_start(c);
		c->again = true;
		break;
	case KH_REVOKED:
		conn_fail(c, true, "the %s host key of %s is marked revoked in %s: refused, nothing was sent", label, hname,
			  where);
		break;
	case KH_CHANGED:
		/* OpenSSH's warning, in one sentence */
		conn_fail(c, true,
			  "WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for %s: its %s key %s is not the one in %s; "
			  "someone could be eavesdropping (or the key was replaced: then remove the old one with "
			  "ssh-keygen -R '%s'); nothing was sent",
			  hname, label, fp, where, hname);
		break;
	case KH_UNKNOWN: {
		char known[300];
		ssh_short_path(c->host.nknown ? c->host.known_hosts[0] : "~/.ssh/known_hosts", known, sizeof(known));
		if (c->host.strict == SSH_STRICT_NO || c->host.strict == SSH_STRICT_ACCEPT_NEW) {
			remember_key(c, key, len);
			c->state = CS_AUTH;
			auth_start(c);
			c->again = true;
		} else if (c->host.strict == SSH_STRICT_YES || c->host.batch_mode) {
			conn_fail(c, true,
				  "no %s host key is known for %s and StrictHostKeyChecking is yes: add it to %s "
				  "(ssh-keyscan -p %d %s >> %s)",
				  label, hname, known, c->host.port, c->host.hostname, known);
		} else if (!strcmp(c->refused_key, fp)) {
			conn_fail(c, true, "you refused the host key of %s (%s): nothing was sent", c->name, fp);
		} else {
			char q[1024];
			snprintf(q, sizeof(q),
				 "The authenticity of host %s can't be established. Its %s key fingerprint is %s. "
				 "Connect, and remember the key in %s?",
				 hname, label, fp, known);
			c->question = ask_user(ASK_YES_NO, "Unknown SSH host", q, on_hostkey_answer, c);
			if (!c->question) {
				conn_fail(c, true,
					  "the %s host key of %s (%s) is not in %s: open the dashboard once to accept it, or add it "
					  "with ssh-keyscan -p %d %s >> %s",
					  label, hname, fp, known, c->host.port, c->host.hostname, known);
			} else {
				c->state = CS_HOSTKEY;
				conn_deadline_pause(c, true);
			}
		}
		break;
	}
	}
	free(hname);
}

/* OpenSSH's order of host key algorithms, for those libssh2 has. */
static const char *const openssh_order[] = {"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
					    "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa",
					    "ssh-dss", NULL};

static bool in_list(const char *list, const char *item)
{
	size_t il = strlen(item);
	for (const char *p = list; *p;) {
		size_t l = strcspn(p, ",");
		if (l == il && !strncmp(p, item, l))
			return true;
		p += l + (p[l] == ',');
	}
	return false;
}

/* Host key algorithms in OpenSSH's order, those of the key types
 * known_hosts holds for the host first, so the server shows the key that
 * is known (as ssh orders them). */
void hostkey_order(struct sshconn *c)
{
	const char *files[2 * SSH_MAX_FILES];
	size_t nfiles;
	files_of(&c->host, files, &nfiles);
	struct kh_check kc;
	knownhosts_check(files, nfiles, c->host.hostname, c->host.port, NULL, 0, &kc);
	const char **algs = NULL;
	int n = libssh2_session_supported_algs(c->session, LIBSSH2_METHOD_HOSTKEY, &algs);
	if (n <= 0)
		return;
	struct buf have, first, rest;
	buf_init(&have);
	buf_init(&first);
	buf_init(&rest);
	for (int i = 0; i < n; i++)
		buf_printf(&have, "%s%s", i ? "," : "", algs[i]);
	libssh2_free(c->session, algs);
	for (size_t i = 0; openssh_order[i]; i++) {
		const char *a = openssh_order[i];
		if (!in_list(have.data, a))
			continue;
		const char *type = str_starts(a, "rsa-sha2-") ? "ssh-rsa" : a;
		struct buf *b = in_list(kc.known_types, type) ? &first : &rest;
		buf_printf(b, "%s%s", b->len ? "," : "", a);
	}
	if (rest.len)
		buf_printf(&first, "%s%s", first.len ? "," : "", rest.data);
	if (first.len && libssh2_session_method_pref(c->session, LIBSSH2_METHOD_HOSTKEY, first.data) < 0)
		log_msg("ssh %s: cannot order host key algorithms: %s", c->name, conn_last_error(c));
	buf_cleanup(&have);
	buf_cleanup(&first);
	buf_cleanup(&rest);
}
