/* sshconfig.c: reading ~/.ssh/config and /etc/ssh/ssh_config (see
 * sshconfig.h). The files are read again for every resolution: they are
 * small, and an edit made while binnacle runs is then seen at the next
 * connection, as with ssh. */
#include "backends/ssh/sshconfig.h"
#include "backends/util/log.h"
#include "backends/util/util.h"

#include <ctype.h>
#include <stdarg.h>
#include <glob.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAX_DEPTH 16 /* Include nesting, as OpenSSH limits it */
#define MAX_ARGS 64

static char *user_path, *system_path;
static bool user_set, system_set;

void sshconfig_set_paths(const char *user, const char *system)
{
	free(user_path);
	free(system_path);
	user_path = xstrdup(user);
	system_path = xstrdup(system);
	user_set = user != NULL;
	system_set = system != NULL;
}

static const char *home_dir(void)
{
	const char *h = getenv("HOME");
	if (h && *h)
		return h;
	struct passwd *pw = getpwuid(getuid());
	return pw && pw->pw_dir ? pw->pw_dir : "/";
}

static const char *local_user(void)
{
	struct passwd *pw = getpwuid(getuid());
	if (pw && pw->pw_name)
		return pw->pw_name;
	const char *u = getenv("USER");
	return u && *u ? u : "root";
}

/* ---- patterns ---- */

bool ssh_pattern_match(const char *s, const char *p)
{
	for (;;) {
		if (!*p)
			return !*s;
		if (*p == '*') {
			while (*p == '*')
				p++;
			if (!*p)
				return true;
			for (; *s; s++)
				if (ssh_pattern_match(s, p))
					return true;
			return false;
		}
		if (!*s)
			return false;
		if (*p != '?' && tolower((unsigned char)*p) != tolower((unsigned char)*s))
			return false;
		p++;
		s++;
	}
}

int ssh_pattern_list_match(const char *s, const char *list)
{
	int got = 0;
	const char *p = list;
	while (p && *p) {
		size_t n = strcspn(p, ",");
		char pat[256];
		snprintf(pat, sizeof(pat), "%.*s", (int)n, p);
		bool neg = pat[0] == '!';
		if (ssh_pattern_match(s, neg ? pat + 1 : pat)) {
			if (neg)
				return -1;
			got = 1;
		}
		p += n + (p[n] == ',');
	}
	return got;
}

/* ---- lines ---- */

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Splits a line into words: the keyword, then its arguments, whitespace
 * separated, a "double quoted" argument kept whole; "Keyword=value" and
 * "Keyword = value" as ssh allows. Modifies line; returns the count (0 for
 * blank and comment lines). */
static int split_words(char *line, char **words, int max)
{
	char *p = line;
	while (blank(*p))
		p++;
	if (!*p || *p == '#')
		return 0;
	int n = 0;
	words[n++] = p;
	while (*p && !blank(*p) && *p != '=')
		p++;
	bool eq = *p == '=';
	if (*p)
		*p++ = '\0';
	while (blank(*p))
		p++;
	if (!eq && *p == '=')
		for (p++; blank(*p); p++)
			;
	while (*p && *p != '#' && n < max) {
		if (*p == '"') {
			char *close = strchr(p + 1, '"');
			words[n++] = p + 1;
			if (!close)
				break;
			*close = '\0';
			p = close + 1;
		} else {
			words[n++] = p;
			while (*p && !blank(*p))
				p++;
			if (*p)
				*p++ = '\0';
		}
		while (blank(*p))
			p++;
	}
	return n;
}

/* What resolving gathers: each option is set the first time it is seen. */
struct resolving {
	struct ssh_host *h;
	const char *original; /* the name asked for */
	bool have_user, have_port, have_hostname, have_strict, have_ionly, have_jump, have_alive, have_count,
		have_known, have_global, have_hash, have_password, have_kbd, have_batch, have_prompts, have_timeout,
		have_agent;
	const char *file;
	int line;
	char *err;
	size_t errlen;
};

static int bad(struct resolving *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad(struct resolving *r, const char *fmt, ...)
{
	char what[ERRLEN];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return set_err(r->err, r->errlen, "%s:%d: %s", r->file, r->line, what);
}

static int parse_yesno(struct resolving *r, const char *kw, const char *v, bool *out)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true"))
		*out = true;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "false"))
		*out = false;
	else
		return bad(r, "%s must be yes or no", kw);
	return 0;
}

static int parse_int(struct resolving *r, const char *kw, const char *v, int lo, int hi, int *out)
{
	char *end = NULL;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < lo || n > hi)
		return bad(r, "%s must be a number", kw);
	*out = (int)n;
	return 0;
}

/* Whether a Match line's criteria hold. exec is never run (binnacle runs
 * no command from a configuration file) and counts as not matching. */
static bool match_line(struct resolving *r, char **w, int n)
{
	for (int i = 1; i < n; i++) {
		bool neg = w[i][0] == '!';
		const char *attr = neg ? w[i] + 1 : w[i];
		bool ok;
		if (!strcasecmp(attr, "all")) {
			ok = true;
		} else if (!strcasecmp(attr, "canonical")) {
			ok = false;
		} else if (!strcasecmp(attr, "final")) {
			ok = true; /* one pass here: everything is final */
		} else {
			if (i + 1 >= n)
				return false;
			const char *arg = w[++i];
			const char *subject = !strcasecmp(attr, "host")	    ? (r->h->hostname ? r->h->hostname : r->original)
					      : !strcasecmp(attr, "originalhost") ? r->original
					      : !strcasecmp(attr, "user")	    ? (r->h->user ? r->h->user : local_user())
					      : !strcasecmp(attr, "localuser")    ? local_user()
										  : NULL;
			if (!subject) {
				log_msg("ssh config %s:%d: Match %s is not supported: the block is skipped", r->file,
					r->line, attr);
				return false;
			}
			ok = ssh_pattern_list_match(subject, arg) == 1;
		}
		if (ok == neg)
			return false;
	}
	return true;
}

static bool host_line(struct resolving *r, char **w, int n)
{
	bool any = false;
	for (int i = 1; i < n; i++) {
		bool neg = w[i][0] == '!';
		if (ssh_pattern_match(r->original, neg ? w[i] + 1 : w[i])) {
			if (neg)
				return false;
			any = true;
		}
	}
	return any;
}

static void add_identity(struct ssh_host *h, const char *path)
{
	for (size_t i = 0; i < h->nidentity; i++)
		if (!strcmp(h->identity_files[i], path))
			return;
	if (h->nidentity < SSH_MAX_FILES)
		h->identity_files[h->nidentity++] = xstrdup(path);
}

static int read_file_depth(struct resolving *r, const char *path, bool *active, bool nevermatch, bool is_user,
			   int depth);

static int include(struct resolving *r, char **w, int n, bool *active, bool is_user, int depth)
{
	if (depth >= MAX_DEPTH)
		return bad(r, "%s", "Include nests too deeply");
	bool was = *active;
	for (int i = 1; i < n; i++) {
		char *pattern;
		if (w[i][0] == '~' && w[i][1] == '/')
			pattern = xasprintf("%s%s", home_dir(), w[i] + 1);
		else if (w[i][0] == '/')
			pattern = xstrdup(w[i]);
		else if (is_user)
			pattern = xasprintf("%s/.ssh/%s", home_dir(), w[i]);
		else
			pattern = xasprintf("/etc/ssh/%s", w[i]);
		glob_t g;
		memset(&g, 0, sizeof(g));
		if (glob(pattern, 0, NULL, &g) == 0) {
			const char *file = r->file;
			int line = r->line;
			for (size_t j = 0; j < g.gl_pathc; j++) {
				*active = was;
				int rc = read_file_depth(r, g.gl_pathv[j], active, !was, is_user, depth + 1);
				r->file = file;
				r->line = line;
				if (rc < 0) {
					globfree(&g);
					free(pattern);
					return -1;
				}
			}
		}
		globfree(&g);
		free(pattern);
	}
	*active = was;
	return 0;
}

/* One option line of an active block. */
static int option(struct resolving *r, const char *kw, char **w, int n)
{
	struct ssh_host *h = r->h;
	const char *v = n > 1 ? w[1] : "";
	if (n < 2)
		return bad(r, "%s needs a value", kw);
	if (!strcasecmp(kw, "HostName")) {
		if (!r->have_hostname) {
			r->have_hostname = true;
			/* %h in HostName is the name asked for */
			struct buf b;
			buf_init(&b);
			for (const char *p = v; *p; p++) {
				if (p[0] == '%' && p[1] == 'h')
					buf_puts(&b, r->original), p++;
				else if (p[0] == '%' && p[1] == '%')
					buf_putc(&b, '%'), p++;
				else
					buf_putc(&b, *p);
			}
			h->hostname = buf_steal(&b);
		}
	} else if (!strcasecmp(kw, "Port")) {
		if (!r->have_port && parse_int(r, kw, v, 1, 65535, &h->port) < 0)
			return -1;
		r->have_port = true;
	} else if (!strcasecmp(kw, "User")) {
		if (!r->have_user)
			h->user = xstrdup(v);
		r->have_user = true;
	} else if (!strcasecmp(kw, "IdentityFile")) {
		add_identity(h, v);
	} else if (!strcasecmp(kw, "IdentitiesOnly")) {
		if (!r->have_ionly && parse_yesno(r, kw, v, &h->identities_only) < 0)
			return -1;
		r->have_ionly = true;
	} else if (!strcasecmp(kw, "ProxyJump")) {
		if (!r->have_jump)
			h->proxy_jump = strcasecmp(v, "none") ? xstrdup(v) : NULL;
		r->have_jump = true;
	} else if (!strcasecmp(kw, "ServerAliveInterval")) {
		if (!r->have_alive && parse_int(r, kw, v, 0, 86400 * 7, &h->alive_interval) < 0)
			return -1;
		r->have_alive = true;
	} else if (!strcasecmp(kw, "ServerAliveCountMax")) {
		if (!r->have_count && parse_int(r, kw, v, 0, 1000, &h->alive_count) < 0)
			return -1;
		r->have_count = true;
	} else if (!strcasecmp(kw, "StrictHostKeyChecking")) {
		if (!r->have_strict) {
			if (!strcasecmp(v, "yes") || !strcasecmp(v, "true"))
				h->strict = SSH_STRICT_YES;
			else if (!strcasecmp(v, "no") || !strcasecmp(v, "off") || !strcasecmp(v, "false"))
				h->strict = SSH_STRICT_NO;
			else if (!strcasecmp(v, "ask"))
				h->strict = SSH_STRICT_ASK;
			else if (!strcasecmp(v, "accept-new"))
				h->strict = SSH_STRICT_ACCEPT_NEW;
			else
				return bad(r, "StrictHostKeyChecking must be yes, no, ask or accept-new, not \"%s\"", v);
		}
		r->have_strict = true;
	} else if (!strcasecmp(kw, "UserKnownHostsFile") || !strcasecmp(kw, "GlobalKnownHostsFile")) {
		bool global = !strcasecmp(kw, "GlobalKnownHostsFile");
		bool *have = global ? &r->have_global : &r->have_known;
		if (!*have) {
			char **list = global ? h->global_known_hosts : h->known_hosts;
			size_t *cnt = global ? &h->nglobal : &h->nknown;
			for (int i = 1; i < n && *cnt < SSH_MAX_FILES; i++)
				if (strcasecmp(w[i], "none"))
					list[(*cnt)++] = xstrdup(w[i]);
		}
		*have = true;
	} else if (!strcasecmp(kw, "HashKnownHosts")) {
		if (!r->have_hash && parse_yesno(r, kw, v, &h->hash_known_hosts) < 0)
			return -1;
		r->have_hash = true;
	} else if (!strcasecmp(kw, "PasswordAuthentication")) {
		if (!r->have_password && parse_yesno(r, kw, v, &h->password) < 0)
			return -1;
		r->have_password = true;
	} else if (!strcasecmp(kw, "KbdInteractiveAuthentication") ||
		   !strcasecmp(kw, "ChallengeResponseAuthentication")) {
		if (!r->have_kbd && parse_yesno(r, kw, v, &h->kbd_interactive) < 0)
			return -1;
		r->have_kbd = true;
	} else if (!strcasecmp(kw, "BatchMode")) {
		if (!r->have_batch && parse_yesno(r, kw, v, &h->batch_mode) < 0)
			return -1;
		r->have_batch = true;
	} else if (!strcasecmp(kw, "NumberOfPasswordPrompts")) {
		if (!r->have_prompts && parse_int(r, kw, v, 0, 100, &h->password_prompts) < 0)
			return -1;
		r->have_prompts = true;
	} else if (!strcasecmp(kw, "ConnectTimeout")) {
		if (!r->have_timeout && parse_int(r, kw, v, 0, 86400, &h->connect_timeout) < 0)
			return -1;
		r->have_timeout = true;
	} else if (!strcasecmp(kw, "IdentityAgent")) {
		if (!r->have_agent) {
			free(h->identity_agent);
			if (!strcasecmp(v, "none"))
				h->identity_agent = NULL;
			else if (!strcmp(v, "SSH_AUTH_SOCK"))
				h->identity_agent = xstrdup(getenv("SSH_AUTH_SOCK"));
			else if (v[0] == '$')
				h->identity_agent = xstrdup(getenv(v + 1));
			else
				h->identity_agent = xstrdup(v);
		}
		r->have_agent = true;
	}
	/* every other option is ssh's own business */
	return 0;
}

static int read_file_depth(struct resolving *r, const char *path, bool *active, bool nevermatch, bool is_user,
			   int depth)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0; /* like ssh: a missing file is no configuration */
	r->file = path;
	r->line = 0;
	char line[4096];
	int rc = 0;
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		r->line++;
		char *w[MAX_ARGS];
		int n = split_words(line, w, MAX_ARGS);
		if (!n)
			continue;
		if (!strcasecmp(w[0], "Host"))
			*active = !nevermatch && host_line(r, w, n);
		else if (!strcasecmp(w[0], "Match"))
			*active = !nevermatch && match_line(r, w, n);
		else if (!strcasecmp(w[0], "Include"))
			rc = include(r, w, n, active, is_user, depth);
		else if (*active)
			rc = option(r, w[0], w, n);
	}
	fclose(f);
	return rc;
}

/* ~ and the % tokens of IdentityFile and UserKnownHostsFile. */
static char *expand(const char *s, const struct ssh_host *h)
{
	struct buf b;
	buf_init(&b);
	if (s[0] == '~' && (s[1] == '/' || !s[1])) {
		buf_puts(&b, home_dir());
		s++;
	}
	for (; *s; s++) {
		if (*s != '%' || !s[1]) {
			buf_putc(&b, *s);
			continue;
		}
		s++;
		switch (*s) {
		case 'd':
			buf_puts(&b, home_dir());
			break;
		case 'u':
			buf_puts(&b, local_user());
			break;
		case 'h':
			buf_puts(&b, h->hostname);
			break;
		case 'n':
			buf_puts(&b, h->alias);
			break;
		case 'r':
			buf_puts(&b, h->user);
			break;
		case 'p':
			buf_printf(&b, "%d", h->port);
			break;
		case 'i':
			buf_printf(&b, "%u", (unsigned)getuid());
			break;
		default:
			buf_putc(&b, *s);
		}
	}
	if (!b.data)
		buf_puts(&b, "");
	return buf_steal(&b);
}

int sshconfig_resolve(const char *host, const char *user, int port, struct ssh_host *out, char *err,
		      size_t errlen)
{
	memset(out, 0, sizeof(*out));
	struct resolving r = {.h = out, .original = host, .err = err, .errlen = errlen};
	out->alias = xstrdup(host);
	/* the command line's user and port come before any file */
	if (user && *user) {
		out->user = xstrdup(user);
		r.have_user = true;
	}
	if (port > 0) {
		out->port = port;
		r.have_port = true;
	}
	out->identity_agent = xstrdup(getenv("SSH_AUTH_SOCK"));
	char *upath = user_set ? xstrdup(user_path) : xasprintf("%s/.ssh/config", home_dir());
	const char *spath = system_set ? system_path : "/etc/ssh/ssh_config";
	bool active = true;
	int rc = 0;
	if (*upath)
		rc = read_file_depth(&r, upath, &active, false, true, 0);
	active = true;
	if (rc == 0 && spath && *spath)
		rc = read_file_depth(&r, spath, &active, false, false, 0);
	free(upath);
	if (rc < 0) {
		ssh_host_cleanup(out);
		return -1;
	}
	/* OpenSSH's defaults for what was not set */
	if (!out->hostname)
		out->hostname = xstrdup(host);
	if (!out->port)
		out->port = 22;
	if (!out->user)
		out->user = xstrdup(local_user());
	if (!r.have_count)
		out->alive_count = 3;
	if (!r.have_password)
		out->password = true;
	if (!r.have_kbd)
		out->kbd_interactive = true;
	if (!r.have_prompts)
		out->password_prompts = 3;
	if (out->identity_agent && !*out->identity_agent) {
		free(out->identity_agent);
		out->identity_agent = NULL;
	}
	if (!out->nidentity) {
		static const char *const defaults[] = {"~/.ssh/id_rsa", "~/.ssh/id_ecdsa", "~/.ssh/id_ed25519",
						       "~/.ssh/id_dsa", NULL};
		for (size_t i = 0; defaults[i]; i++)
			out->identity_files[out->nidentity++] = xstrdup(defaults[i]);
	}
	if (!r.have_known) {
		out->known_hosts[out->nknown++] = xstrdup("~/.ssh/known_hosts");
		out->known_hosts[out->nknown++] = xstrdup("~/.ssh/known_hosts2");
	}
	if (!r.have_global) {
		out->global_known_hosts[out->nglobal++] = xstrdup("/etc/ssh/ssh_known_hosts");
		out->global_known_hosts[out->nglobal++] = xstrdup("/etc/ssh/ssh_known_hosts2");
	}
	char **lists[] = {out->identity_files, out->known_hosts, out->global_known_hosts};
	size_t counts[] = {out->nidentity, out->nknown, out->nglobal};
	for (size_t l = 0; l < 3; l++)
		for (size_t i = 0; i < counts[l]; i++) {
			char *x = expand(lists[l][i], out);
			free(lists[l][i]);
			lists[l][i] = x;
		}
	return 0;
}

void ssh_host_cleanup(struct ssh_host *h)
{
	free(h->alias);
	free(h->hostname);
	free(h->user);
	for (size_t i = 0; i < h->nidentity; i++)
		free(h->identity_files[i]);
	for (size_t i = 0; i < h->nknown; i++)
		free(h->known_hosts[i]);
	for (size_t i = 0; i < h->nglobal; i++)
		free(h->global_known_hosts[i]);
	free(h->proxy_jump);
	free(h->identity_agent);
	memset(h, 0, sizeof(*h));
}

/* ---- destinations ---- */

int ssh_spec_parse(const char *spec, char **user, char **host, int *port, char **path, char *err, size_t errlen)
{
	*user = *host = NULL;
	*port = 0;
	if (path)
		*path = NULL;
	if (!spec)
		return set_err(err, errlen, "no SSH destination is given");
	const char *s = spec;
	bool uri = str_starts(s, "ssh://");
	if (uri)
		s += 6;
	size_t n = uri ? strcspn(s, "/") : strlen(s);
	/* the last '@' separates the user: a user name may hold one */
	const char *at = NULL;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '@')
			at = s + i;
	if (at) {
		*user = xstrndup(s, (size_t)(at - s));
		n -= (size_t)(at + 1 - s);
		s = at + 1;
	}
	const char *end = s + n, *colon = NULL;
	if (n && *s == '[') {
		const char *close = memchr(s, ']', n);
		if (!close)
			goto bad;
		*host = xstrndup(s + 1, (size_t)(close - s - 1));
		colon = close + 1 < end && close[1] == ':' ? close + 1 : NULL;
		if (close + 1 < end && !colon)
			goto bad;
	} else {
		colon = memchr(s, ':', n);
		/* an IPv6 address without brackets has no port */
		if (colon && memchr(colon + 1, ':', (size_t)(end - colon - 1)))
			colon = NULL;
		*host = xstrndup(s, (size_t)((colon ? colon : end) - s));
	}
	if (colon) {
		char *stop = NULL;
		long p = strtol(colon + 1, &stop, 10);
		if (stop != end || p < 1 || p > 65535)
			goto bad;
		*port = (int)p;
	}
	if (!**host || (*user && !**user))
		goto bad;
	if (uri && path && *end == '/' && end[1])
		*path = xstrdup(end);
	return 0;
bad:
	free(*user);
	free(*host);
	*user = *host = NULL;
	*port = 0;
	return set_err(err, errlen, "\"%s\" is not an SSH destination ([user@]host[:port] or ssh://[user@]host[:port])",
		       spec);
}
