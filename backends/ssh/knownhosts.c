/* knownhosts.c: reading and appending known_hosts lines (see
 * knownhosts.h). Line format: [marker] hostpatterns keytype base64key
 * [comment]. */
#include "backends/ssh/knownhosts.h"
#include "backends/codec/crypto.h"
#include "backends/ssh/sshconfig.h"
#include "backends/util/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

char *knownhosts_name(const char *host, int port)
{
	/* ssh lowercases host names: hashed entries are of the lowercase name */
	char *out = port == 22 || port <= 0 ? xstrdup(host) : xasprintf("[%s]:%d", host, port);
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

void knownhosts_blob_type(const unsigned char *blob, size_t bloblen, char *out, size_t outlen)
{
	out[0] = '\0';
	if (bloblen < 4)
		return;
	size_t n = (size_t)blob[0] << 24 | (size_t)blob[1] << 16 | (size_t)blob[2] << 8 | blob[3];
	if (n > bloblen - 4 || n >= outlen)
		return;
	memcpy(out, blob + 4, n);
	out[n] = '\0';
}

const char *knownhosts_type_label(const char *type)
{
	if (!strcmp(type, "ssh-ed25519"))
		return "ED25519";
	if (str_starts(type, "ecdsa-"))
		return "ECDSA";
	if (!strcmp(type, "ssh-rsa"))
		return "RSA";
	if (!strcmp(type, "ssh-dss"))
		return "DSA";
	return type;
}

void knownhosts_fingerprint(const unsigned char *blob, size_t bloblen, char *out, size_t outlen)
{
	unsigned char d[CRYPTO_SHA256_LEN];
	crypto_sha256(blob, bloblen, d);
	char *b64 = crypto_base64_encode(d, sizeof(d));
	size_t n = strlen(b64);
	while (n && b64[n - 1] == '=')
		b64[--n] = '\0';
	snprintf(out, outlen, "SHA256:%s", b64);
	free(b64);
}

/* A hashed entry "|1|salt|hash" names host when HMAC-SHA1(salt, host) is hash. */
static bool hashed_match(const char *entry, const char *name)
{
	const char *salt = entry + 3, *bar = strchr(salt, '|');
	if (!bar)
		return false;
	size_t saltlen = 0, hashlen = 0;
	char *s = crypto_base64_decode(salt, (size_t)(bar - salt), &saltlen);
	char *h = crypto_base64_decode(bar + 1, strlen(bar + 1), &hashlen);
	bool ok = false;
	if (s && h && hashlen == CRYPTO_SHA1_LEN) {
		unsigned char mac[CRYPTO_SHA1_LEN];
		crypto_hmac_sha1(s, saltlen, name, strlen(name), mac);
		ok = !memcmp(mac, h, CRYPTO_SHA1_LEN);
	}
	free(s);
	free(h);
	return ok;
}

/* Whether a line's host field names name (the pattern list, or a hash). */
static bool names(const char *field, const char *name)
{
	if (str_starts(field, "|1|"))
		return hashed_match(field, name);
	return ssh_pattern_list_match(name, field) == 1;
}

/* Splits a line into at most 4 fields: marker-less host, type, key, rest. */
static int fields(char *line, char **f, int max)
{
	int n = 0;
	char *p = line;
	while (n < max) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '\n' || *p == '\r')
			break;
		f[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		if (!*p)
			break;
		*p++ = '\0';
	}
	return n;
}

static void add_type(struct kh_check *out, const char *type)
{
	char *k = out->known_types;
	size_t tl = strlen(type);
	for (const char *p = k; *p;) {
		size_t n = strcspn(p, ",");
		if (n == tl && !strncmp(p, type, n))
			return;
		p += n + (p[n] == ',');
	}
	size_t used = strlen(k);
	if (used + tl + 2 < sizeof(out->known_types))
		snprintf(k + used, sizeof(out->known_types) - used, "%s%s", used ? "," : "", type);
}

void knownhosts_check(const char *const *files, size_t nfiles, const char *host, int port, const unsigned char *blob,
		      size_t bloblen, struct kh_check *out)
{
	memset(out, 0, sizeof(*out));
	char type[64];
	knownhosts_blob_type(blob, bloblen, type, sizeof(type));
	char *name = knownhosts_name(host, port);
	char *key64 = crypto_base64_encode(blob, bloblen);
	char changed_at[512] = "";
	bool matched = false, revoked = false;
	for (size_t i = 0; i < nfiles && !revoked; i++) {
		FILE *f = fopen(files[i], "r");
		if (!f)
			continue;
		char line[16384];
		int lineno = 0;
		while (fgets(line, sizeof(line), f)) {
			lineno++;
			char *fl[5];
			int n = fields(line, fl, 5);
			if (!n || fl[0][0] == '#')
				continue;
			int at = 0;
			bool is_revoked = false;
			if (fl[0][0] == '@') {
				if (!strcmp(fl[0], "@revoked"))
					is_revoked = true;
				else
					continue; /* @cert-authority: certificates are not used */
				at = 1;
			}
			if (n < at + 3 || !names(fl[at], name))
				continue;
			const char *ltype = fl[at + 1], *lkey = fl[at + 2];
			bool same_key = !strcmp(lkey, key64);
			if (is_revoked) {
				if (same_key) {
					revoked = true;
					snprintf(out->where, sizeof(out->where), "%s:%d", files[i], lineno);
					break;
				}
				continue;
			}
			add_type(out, ltype);
			if (strcmp(ltype, type))
				continue;
			if (same_key && !matched) {
				matched = true;
				snprintf(out->where, sizeof(out->where), "%s:%d", files[i], lineno);
			} else if (!same_key && !changed_at[0]) {
				snprintf(changed_at, sizeof(changed_at), "%s:%d", files[i], lineno);
			}
		}
		fclose(f);
	}
	if (revoked)
		out->result = KH_REVOKED;
	else if (matched)
		out->result = KH_MATCH;
	else if (changed_at[0]) {
		out->result = KH_CHANGED;
		snprintf(out->where, sizeof(out->where), "%s", changed_at);
	}
	free(name);
	free(key64);
}

/* |1|base64(salt)|base64(HMAC-SHA1(salt, name)), with a fresh salt. */
static char *hash_name(const char *name)
{
	unsigned char salt[CRYPTO_SHA1_LEN];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, salt, sizeof(salt)) != (ssize_t)sizeof(salt))
		abort(); /* no randomness at all: nothing sensible to do */
	close(fd);
	unsigned char mac[CRYPTO_SHA1_LEN];
	crypto_hmac_sha1(salt, sizeof(salt), name, strlen(name), mac);
	char *s = crypto_base64_encode(salt, sizeof(salt)), *h = crypto_base64_encode(mac, sizeof(mac));
	char *out = xasprintf("|1|%s|%s", s, h);
	free(s);
	free(h);
	return out;
}

int knownhosts_add(const char *file, const char *host, int port, const unsigned char *blob, size_t bloblen, bool hash,
		   char *err, size_t errlen)
{
	char type[64];
	knownhosts_blob_type(blob, bloblen, type, sizeof(type));
	if (!type[0])
		return set_err(err, errlen, "the server's host key cannot be read");
	/* like ssh, make ~/.ssh when it is missing */
	const char *slash = strrchr(file, '/');
	if (slash && slash != file) {
		char *dir = xstrndup(file, (size_t)(slash - file));
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			set_err(err, errlen, "cannot create %s: %s", dir, strerror(errno));
			free(dir);
			return -1;
		}
		free(dir);
	}
	int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return set_err(err, errlen, "cannot write %s: %s", file, strerror(errno));
	/* a file whose last line lacks its newline must not swallow ours */
	struct stat st;
	bool need_nl = false;
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		int rfd = open(file, O_RDONLY | O_CLOEXEC);
		char last = '\n';
		if (rfd >= 0) {
			if (pread(rfd, &last, 1, st.st_size - 1) != 1)
				last = '\n';
			close(rfd);
		}
		need_nl = last != '\n';
	}
	char *name = knownhosts_name(host, port);
	char *field = hash ? hash_name(name) : xstrdup(name);
	char *key64 = crypto_base64_encode(blob, bloblen);
	char *line = xasprintf("%s%s %s %s\n", need_nl ? "\n" : "", field, type, key64);
	size_t len = strlen(line);
	ssize_t w = write(fd, line, len);
	int saved = errno;
	close(fd);
	free(name);
	free(field);
	free(key64);
	free(line);
	if (w != (ssize_t)len)
		return set_err(err, errlen, "cannot write %s: %s", file, w < 0 ? strerror(saved) : "short write");
	return 0;
}
