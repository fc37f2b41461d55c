/* knownhosts.h: OpenSSH's known_hosts files, checked as ssh checks them:
 * host patterns with wildcards and negations, [host]:port for ports other
 * than 22, hashed names (|1|salt|hash, HMAC-SHA1), @revoked keys,
 * @cert-authority lines skipped (binnacle does not use host certificates).
 * A host is known when a line for it holds the very key the server showed;
 * its key has changed when lines for it hold other keys of the same type
 * and none holds that one. New keys are appended the way ssh writes them,
 * hashed when HashKnownHosts asks. Fingerprints are SHA256:base64, as
 * `ssh-keygen -l` prints them. */
#ifndef BINNACLE_KNOWNHOSTS_H
#define BINNACLE_KNOWNHOSTS_H

#include <stdbool.h>
#include <stddef.h>

enum kh_result {
	KH_UNKNOWN, /* no line holds a key of this type for the host */
	KH_MATCH,   /* a line holds this key */
	KH_CHANGED, /* lines hold other keys of this type, none this one */
	KH_REVOKED, /* the key is marked @revoked */
};

struct kh_check {
	enum kh_result result;
	char where[512]; /* "file:line" of the line that decided (match, changed, revoked) */
	char known_types[256]; /* key types known for the host, comma-separated ("ssh-ed25519,ssh-rsa") */
};

/* The name lines use for host and port: "host", or "[host]:port". Owned. */
char *knownhosts_name(const char *host, int port);

/* Checks the key blob (the SSH wire encoding, as the server sent it) of
 * host:port against files (missing ones are skipped). */
void knownhosts_check(const char *const *files, size_t nfiles, const char *host, int port, const unsigned char *blob,
		      size_t bloblen, struct kh_check *out);

/* Appends a line for host:port with the key to file (created 0600 when
 * absent, with its directory 0700), the name hashed when hash. 0, or -1
 * with a sentence. */
int knownhosts_add(const char *file, const char *host, int port, const unsigned char *blob, size_t bloblen, bool hash,
		   char *err, size_t errlen);

/* "SHA256:..." (base64 without padding) of a key blob. */
void knownhosts_fingerprint(const unsigned char *blob, size_t bloblen, char *out, size_t outlen);
/* The key type named in a blob ("ssh-ed25519"), into out; "" when unreadable. */
void knownhosts_blob_type(const unsigned char *blob, size_t bloblen, char *out, size_t outlen);
/* How ssh names a type in messages: "ED25519", "ECDSA", "RSA", "DSA". */
const char *knownhosts_type_label(const char *type);

#endif
