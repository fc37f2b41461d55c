/* sshconfig.h: OpenSSH's client configuration, read the way ssh reads it,
 * so a host that `ssh NAME` reaches is reached by binnacle with the same
 * settings: ~/.ssh/config then /etc/ssh/ssh_config, Host and Match blocks,
 * Include, the first value obtained for each option winning (IdentityFile
 * adding up), tokens (%h %p %r %u %d %n %%) and ~ expanded. Only the
 * options binnacle uses are kept; the others are ignored. Also the
 * destination forms ssh accepts: [user@]host[:port] and
 * ssh://[user@]host[:port][/path]. */
#ifndef BINNACLE_SSHCONFIG_H
#define BINNACLE_SSHCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define SSH_MAX_FILES 16

enum ssh_strict {
	SSH_STRICT_ASK,        /* the default: ask about unknown hosts */
	SSH_STRICT_YES,        /* refuse unknown hosts */
	SSH_STRICT_ACCEPT_NEW, /* remember unknown hosts without asking */
	SSH_STRICT_NO,         /* "no" or "off": the same, for binnacle (changed keys are still refused) */
};

/* Everything about one host, resolved. Owned strings. */
struct ssh_host {
	char *alias;    /* the name asked for, as Host patterns see it */
	char *hostname; /* where to connect: HostName, else the alias */
	int port;
	char *user;
	char *identity_files[SSH_MAX_FILES];
	size_t nidentity;
	bool identities_only;
	char *proxy_jump; /* comma-separated hops; NULL when none */
	int alive_interval; /* ServerAliveInterval in seconds, 0 = unset */
	int alive_count;    /* ServerAliveCountMax */
	enum ssh_strict strict;
	char *known_hosts[SSH_MAX_FILES]; /* UserKnownHostsFile: new keys go to the first */
	size_t nknown;
	char *global_known_hosts[SSH_MAX_FILES];
	size_t nglobal;
	bool hash_known_hosts;
	bool password, kbd_interactive; /* PasswordAuthentication, KbdInteractiveAuthentication */
	bool batch_mode;
	int password_prompts; /* NumberOfPasswordPrompts */
	int connect_timeout;  /* seconds, 0 = unset */
	char *identity_agent; /* the agent's socket; NULL = none */
};

/* Which files are read: user (default ~/.ssh/config) and system (default
 * /etc/ssh/ssh_config). NULL restores a default; "" reads no file. */
void sshconfig_set_paths(const char *user, const char *system);

/* Resolves host as `ssh [-l user] [-p port] host` would: user NULL and port
 * 0 leave them to the configuration. 0, or -1 with a sentence naming the
 * file and line of a bad value. */
int sshconfig_resolve(const char *host, const char *user, int port, struct ssh_host *out, char *err,
		      size_t errlen);
void ssh_host_cleanup(struct ssh_host *h);

/* Splits "[user@]host[:port]", "[user@][v6addr]:port" or
 * "ssh://[user@]host[:port][/path]" into owned parts (user and path NULL,
 * port 0 when absent). 0, or -1 with a sentence. */
int ssh_spec_parse(const char *spec, char **user, char **host, int *port, char **path, char *err, size_t errlen);

/* OpenSSH's pattern match: '*' and '?' wildcards, case-insensitive. */
bool ssh_pattern_match(const char *s, const char *pattern);
/* A comma-separated pattern list with '!' negations: 1 when s matches a
 * positive pattern and no negated one, 0 when none match, -1 when a negated
 * pattern matched. */
int ssh_pattern_list_match(const char *s, const char *list);

#endif
