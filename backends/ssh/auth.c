/* auth.c: user authentication the way ssh does it: the agent's keys first
 * (with IdentitiesOnly, only those of the configured identity files), then
 * the identity files the agent does not hold; a key protected by a
 * passphrase is first offered by its public half, and the passphrase is
 * asked only when the server would accept it; then keyboard-interactive
 * and password, when the configuration allows them and the server offers
 * them. Questions go through ask.h; without a UI (binnacle get) a key that
 * needs its passphrase is skipped and the sentence says what to do.
 * Passphrases and passwords are wiped as soon as libssh2 has used them and
 * are never logged. */
#include "backends/ssh/internal.h"
#include "backends/ssh/keyfile.h"
#include "backends/ssh/knownhosts.h"
#include "backends/util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CANDS 32

enum cand_kind { CAND_AGENT, CAND_FILE };

struct cand {
	enum cand_kind kind;
	struct libssh2_agent_publickey *id; /* CAND_AGENT (also a file the agent holds) */
	struct keyfile key;                 /* CAND_FILE, or the file an agent key matches */
	bool has_file;
};

enum phase {
	A_LIST,      /* asking which methods the server accepts */
	A_KEY,       /* trying cands[cur] */
	A_QUERY,     /* would the server take this encrypted key? */
	A_ASKING,    /* waiting for the user */
	A_FILE,      /* signing with the file (and the passphrase) */
	A_KBDINT,
	A_PASSWORD,
};

struct auth {
	struct sshconn *c;
	enum phase phase;
	char *methods;
	LIBSSH2_AGENT *agent;
	struct cand cands[MAX_CANDS];
	size_t ncands, cur;
	bool accepted;   /* the server said it would take the key (PK_OK) */
	char *secret;    /* the passphrase or password being used; wiped after */
	int tries;       /* passphrases or passwords tried for the current key / login */
	bool password_turn; /* keys are done: passwords now */
	struct buf offered; /* "ssh-agent (2 keys), ~/.ssh/id_ed25519": for the sentence */
	char need_passphrase[300]; /* a key the server accepts whose passphrase nobody could type */
	bool rsa_offered, other_offered;
	unsigned agent_keys;
};

static const char *user(struct auth *a)
{
	return a->c->host.user;
}

static void wipe_secret(struct auth *a)
{
	if (a->secret) {
		memwipe(a->secret, strlen(a->secret));
		free(a->secret);
		a->secret = NULL;
	}
}

void auth_free(struct auth *a)
{
	if (!a)
		return;
	wipe_secret(a);
	for (size_t i = 0; i < a->ncands; i++)
		keyfile_cleanup(&a->cands[i].key);
	if (a->agent) {
		libssh2_agent_disconnect(a->agent);
		libssh2_agent_free(a->agent);
	}
	free(a->methods);
	buf_cleanup(&a->offered);
	free(a);
}

static bool method(struct auth *a, const char *m)
{
	size_t ml = strlen(m);
	for (const char *p = a->methods ? a->methods : ""; *p;) {
		size_t n = strcspn(p, ",");
		if (n == ml && !strncmp(p, m, n))
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

static void note_offered(struct auth *a, const char *type, const char *what)
{
	if (!strcmp(type, "ssh-rsa"))
		a->rsa_offered = true;
	else
		a->other_offered = true;
	if (what)
		buf_printf(&a->offered, "%s%s", a->offered.len ? ", " : "", what);
}

/* The candidates in ssh's order: the agent's keys (a configured file's key
 * through the agent when it holds it), then the files it does not hold. */
static void gather(struct auth *a)
{
	struct ssh_host *h = &a->c->host;
	struct keyfile files[SSH_MAX_FILES];
	bool used[SSH_MAX_FILES] = {false};
	size_t nfiles = 0;
	for (size_t i = 0; i < h->nidentity; i++)
		if (keyfile_read(h->identity_files[i], &files[nfiles]) == 0)
			nfiles++;
	if (h->identity_agent && method(a, "publickey")) {
		a->agent = libssh2_agent_init(a->c->session);
		if (a->agent) {
			libssh2_agent_set_identity_path(a->agent, h->identity_agent);
			/* the agent is a local socket: it answers at once */
			if (libssh2_agent_connect(a->agent) || libssh2_agent_list_identities(a->agent)) {
				log_msg("ssh %s: the agent at %s cannot be used: %s", a->c->name, h->identity_agent,
					conn_last_error(a->c));
				libssh2_agent_free(a->agent);
				a->agent = NULL;
			}
		}
		struct libssh2_agent_publickey *id = NULL, *prev = NULL;
		while (a->agent && a->ncands < MAX_CANDS && libssh2_agent_get_identity(a->agent, &id, prev) == 0) {
			prev = id;
			size_t match = nfiles;
			for (size_t i = 0; i < nfiles; i++)
				if (files[i].pub && files[i].publen == id->blob_len && !memcmp(files[i].pub, id->blob, id->blob_len))
					match = i;
			if (match == nfiles && h->identities_only)
				continue;
			struct cand *k = &a->cands[a->ncands++];
			k->kind = CAND_AGENT;
			k->id = id;
			if (match < nfiles) {
				k->key = files[match];
				k->has_file = true;
				used[match] = true;
			}
		}
	}
	for (size_t i = 0; i < nfiles; i++) {
		if (used[i])
			continue;
		if (a->ncands >= MAX_CANDS) {
			keyfile_cleanup(&files[i]);
			continue;
		}
		struct cand *k = &a->cands[a->ncands++];
		k->kind = CAND_FILE;
		k->key = files[i];
		k->has_file = true;
	}
	log_msg("ssh %s: %zu keys to offer", a->c->name, a->ncands);
}

void auth_start(struct sshconn *c)
{
	auth_free(c->auth);
	struct auth *a = xcalloc(1, sizeof(*a));
	a->c = c;
	a->phase = A_LIST;
	buf_init(&a->offered);
	c->auth = a;
}

/* ---- the end ---- */

static void give_up(struct auth *a)
{
	struct sshconn *c = a->c;
	char tried[300];
	if (a->agent_keys)
		snprintf(tried, sizeof(tried), "ssh-agent (%u key%s)%s%s", a->agent_keys, a->agent_keys == 1 ? "" : "s",
			 a->offered.len ? ", " : "", a->offered.len ? a->offered.data : "");
	else
		snprintf(tried, sizeof(tried), "%s", a->offered.len ? a->offered.data : "no key");
	char hint[700] = "";
	if (a->need_passphrase[0])
		snprintf(hint, sizeof(hint), "; %s needs its passphrase: add it to ssh-agent (ssh-add %s) or type it in the dashboard",
			 a->need_passphrase, a->need_passphrase);
	else if (a->rsa_offered && !a->other_offered)
		snprintf(hint, sizeof(hint), "; RSA keys need rsa-sha2 signatures, which libssh2 %s lacks: use an ed25519 or ECDSA key",
			 LIBSSH2_VERSION);
	else if (!a->ncands)
		snprintf(hint, sizeof(hint), "; no ssh-agent key and no identity file to offer");
	conn_fail(c, true, "%s refused authentication (tried %s; it accepts %s)%s", c->name, tried,
		  a->methods ? a->methods : "nothing", hint);
}

/* ---- questions ---- */

static void on_secret(void *arg, bool yes, const char *secret)
{
	struct sshconn *c = arg;
	c->question = NULL;
	struct auth *a = c->auth;
	if (!a || a->phase != A_ASKING)
		return;
	conn_deadline_pause(c, false);
	wipe_secret(a);
	if (!yes || !secret) {
		log_msg("ssh %s: the question was cancelled", c->name);
		/* not asked again in this run: a cancelled question is an answer */
		if (a->password_turn) {
			c->declined_password = true;
			give_up(a);
			return;
		}
		char path[300];
		ssh_short_path(a->cands[a->cur].key.path, path, sizeof(path));
		buf_printf(&c->declined, "%s\n", a->cands[a->cur].key.path);
		snprintf(a->need_passphrase, sizeof(a->need_passphrase), "%s", path);
		a->cur++;
		a->tries = 0;
		a->phase = A_KEY;
	} else {
		a->secret = xstrdup(secret);
		if (a->password_turn)
			a->phase = method(a, "keyboard-interactive") && c->host.kbd_interactive ? A_KBDINT : A_PASSWORD;
		else
			a->phase = A_FILE;
	}
	conn_pump(c);
}

static bool declined(const struct sshconn *c, const char *path)
{
	for (const char *p = c->declined.data; p && *p;) {
		size_t n = strcspn(p, "\n");
		if (n == strlen(path) && !strncmp(p, path, n))
			return true;
		p += n + (p[n] == '\n');
	}
	return false;
}

/* Asks for the current key's passphrase (or the password); false when
 * nobody can be asked, or the user already declined in this run. */
static bool ask_secret(struct auth *a, bool again)
{
	struct sshconn *c = a->c;
	if (c->host.batch_mode)
		return false;
	if (a->password_turn ? c->declined_password : declined(c, a->cands[a->cur].key.path))
		return false;
	char q[600], path[300];
	if (a->password_turn) {
		snprintf(q, sizeof(q), "%sPassword for %s:", again ? "Permission denied, please try again. " : "", c->name);
	} else {
		ssh_short_path(a->cands[a->cur].key.path, path, sizeof(path));
		snprintf(q, sizeof(q), "%sEnter the passphrase for the key %s (for %s):",
			 again ? "That passphrase is wrong. " : "", path, c->name);
	}
	c->question = ask_user(ASK_SECRET, a->password_turn ? "SSH password" : "SSH key passphrase", q, on_secret, c);
	if (!c->question)
		return false;
	a->phase = A_ASKING;
	conn_deadline_pause(c, true);
	return true;
}

/* ---- steps ---- */

/* libssh2's signing callback for the query: the server said yes (PK_OK);
 * refusing to sign ends the query without a failed attempt. */
static int refuse_to_sign(LIBSSH2_SESSION *session, unsigned char **sig, size_t *sig_len, const unsigned char *data,
			  size_t data_len, void **abstract)
{
	(void)session;
	(void)sig;
	(void)sig_len;
	(void)data;
	(void)data_len;
	struct auth *a = *abstract;
	a->accepted = true;
	return -1;
}

static void next_key(struct auth *a)
{
	a->cur++;
	a->tries = 0;
	a->phase = A_KEY;
	a->c->again = true;
}

static void step_key(struct auth *a)
{
	struct sshconn *c = a->c;
	if (a->cur >= a->ncands) {
		bool kbd = method(a, "keyboard-interactive") && c->host.kbd_interactive;
		bool pw = method(a, "password") && c->host.password;
		if ((kbd || pw) && !a->password_turn) {
			a->password_turn = true;
			a->tries = 0;
			if (ask_secret(a, false))
				return;
		}
		give_up(a);
		return;
	}
	struct cand *k = &a->cands[a->cur];
	char path[300] = "";
	if (k->has_file)
		ssh_short_path(k->key.path, path, sizeof(path));
	if (k->kind == CAND_AGENT) {
		if (!conn_may(c, NULL, OP_AUTH))
			return;
		int rc = libssh2_agent_userauth(a->agent, user(a), k->id);
		if (conn_blocked(c, rc, NULL, OP_AUTH))
			return;
		char type[64];
		knownhosts_blob_type(k->id->blob, k->id->blob_len, type, sizeof(type));
		a->agent_keys++;
		note_offered(a, type, NULL);
		if (!rc) {
			log_msg("ssh %s: authenticated with an ssh-agent key (%s)", c->name, k->id->comment ? k->id->comment : type);
			conn_authenticated(c);
			return;
		}
		log_msg("ssh %s: the server refused the agent key %s", c->name, k->id->comment ? k->id->comment : type);
		next_key(a);
		return;
	}
	if (!k->key.encrypted) {
		a->phase = A_FILE;
		c->again = true;
		return;
	}
	if (!k->key.pub) { /* no public half to offer: the passphrase first */
		if (!ask_secret(a, false)) {
			snprintf(a->need_passphrase, sizeof(a->need_passphrase), "%s", path);
			next_key(a);
		}
		return;
	}
	a->accepted = false;
	a->phase = A_QUERY;
	c->again = true;
}

static void step_query(struct auth *a)
{
	struct sshconn *c = a->c;
	struct cand *k = &a->cands[a->cur];
	if (!conn_may(c, NULL, OP_AUTH))
		return;
	void *abstract = a;
	int rc = libssh2_userauth_publickey(c->session, user(a), k->key.pub, k->key.publen, refuse_to_sign, &abstract);
	if (conn_blocked(c, rc, NULL, OP_AUTH))
		return;
	char path[300];
	ssh_short_path(k->key.path, path, sizeof(path));
	note_offered(a, k->key.type, path);
	if (rc == 0) {
		conn_authenticated(c); /* a server that wants no signature */
		return;
	}
	if (!a->accepted) {
		log_msg("ssh %s: the server refused the key %s", c->name, path);
		next_key(a);
		return;
	}
	log_msg("ssh %s: the server accepts the key %s, which needs its passphrase", c->name, path);
	if (!ask_secret(a, false)) {
		snprintf(a->need_passphrase, sizeof(a->need_passphrase), "%s", path);
		next_key(a);
	}
}

static void step_file(struct auth *a)
{
	struct sshconn *c = a->c;
	struct cand *k = &a->cands[a->cur];
	if (!conn_may(c, NULL, OP_AUTH))
		return;
	int rc = libssh2_userauth_publickey_fromfile_ex(c->session, user(a), (unsigned)strlen(user(a)), k->key.pub_path,
							k->key.path, a->secret ? a->secret : "");
	if (conn_blocked(c, rc, NULL, OP_AUTH))
		return;
	bool had_secret = a->secret != NULL;
	wipe_secret(a);
	char path[300];
	ssh_short_path(k->key.path, path, sizeof(path));
	if (!k->key.encrypted)
		note_offered(a, k->key.type, path);
	if (!rc) {
		log_msg("ssh %s: authenticated with %s", c->name, path);
		conn_authenticated(c);
		return;
	}
	/* libssh2 signs through a callback that loads the key: a wrong
	 * passphrase comes back as that callback's failure */
	bool bad_passphrase = rc == LIBSSH2_ERROR_FILE || rc == LIBSSH2_ERROR_KEYFILE_AUTH_FAILED ||
			      rc == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED;
	if (bad_passphrase && had_secret && ++a->tries < c->host.password_prompts) {
		log_msg("ssh %s: the passphrase for %s is wrong", c->name, path);
		if (ask_secret(a, true))
			return;
	}
	log_msg("ssh %s: the key %s was not accepted: %s", c->name, path, conn_last_error(c));
	next_key(a);
}

/* keyboard-interactive: every prompt that hides its answer gets the
 * password typed; the others (rare) an empty answer. */
static void kbd_answer(const char *name, int name_len, const char *instruction, int instruction_len, int nprompts,
		       const LIBSSH2_USERAUTH_KBDINT_PROMPT *prompts, LIBSSH2_USERAUTH_KBDINT_RESPONSE *responses,
		       void **abstract)
{
	(void)name;
	(void)name_len;
	(void)instruction;
	(void)instruction_len;
	struct sshconn *c = *abstract;
	const char *secret = c->auth && c->auth->secret ? c->auth->secret : "";
	for (int i = 0; i < nprompts; i++) {
		const char *answer = prompts[i].echo ? "" : secret;
		responses[i].text = strdup(answer); /* libssh2 frees it with free() */
		responses[i].length = responses[i].text ? (unsigned)strlen(answer) : 0;
	}
}

static void step_password(struct auth *a)
{
	struct sshconn *c = a->c;
	if (!conn_may(c, NULL, OP_AUTH))
		return;
	int rc;
	if (a->phase == A_KBDINT)
		rc = libssh2_userauth_keyboard_interactive_ex(c->session, user(a), (unsigned)strlen(user(a)), kbd_answer);
	else
		rc = libssh2_userauth_password_ex(c->session, user(a), (unsigned)strlen(user(a)), a->secret,
						  (unsigned)strlen(a->secret), NULL);
	if (conn_blocked(c, rc, NULL, OP_AUTH))
		return;
	if (!rc) {
		wipe_secret(a);
		log_msg("ssh %s: authenticated with a password", c->name);
		conn_authenticated(c);
		return;
	}
	if (a->phase == A_KBDINT && method(a, "password") && c->host.password) {
		a->phase = A_PASSWORD; /* the same password, the other way */
		c->again = true;
		return;
	}
	wipe_secret(a);
	log_msg("ssh %s: the password was refused", c->name);
	if (!a->offered.len || !strstr(a->offered.data, "password"))
		buf_printf(&a->offered, "%spassword", a->offered.len ? ", " : "");
	if (++a->tries < c->host.password_prompts && ask_secret(a, true))
		return;
	give_up(a);
}

void auth_step(struct sshconn *c)
{
	struct auth *a = c->auth;
	if (!a)
		return;
	switch (a->phase) {
	case A_LIST: {
		if (!conn_may(c, NULL, OP_AUTH))
			return;
		char *m = libssh2_userauth_list(c->session, user(a), (unsigned)strlen(user(a)));
		if (!m) {
			if (libssh2_userauth_authenticated(c->session)) {
				conn_authenticated(c); /* "none" was enough */
				return;
			}
			int rc = libssh2_session_last_errno(c->session);
			if (conn_blocked(c, rc, NULL, OP_AUTH))
				return;
			conn_fail(c, false, "%s: asking how to log in failed: %s", c->name, conn_last_error(c));
			return;
		}
		conn_blocked(c, 0, NULL, OP_AUTH);
		a->methods = xstrdup(m);
		log_msg("ssh %s: the server accepts %s", c->name, a->methods);
		gather(a);
		a->phase = A_KEY;
		c->again = true;
		break;
	}
	case A_KEY:
		step_key(a);
		break;
	case A_QUERY:
		step_query(a);
		break;
	case A_FILE:
		step_file(a);
		break;
	case A_KBDINT:
	case A_PASSWORD:
		step_password(a);
		break;
	case A_ASKING:
		break;
	}
}
