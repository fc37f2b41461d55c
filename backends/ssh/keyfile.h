/* keyfile.h: what binnacle needs to know of an identity file before using
 * it, read without its passphrase: whether it exists, whether it is
 * protected by a passphrase, and its public key (from FILE.pub, else from
 * the unencrypted header of an OpenSSH-format key), so the server can be
 * asked whether it would accept the key before the user is asked for the
 * passphrase, and agent keys can be matched to files for IdentitiesOnly. */
#ifndef BINNACLE_KEYFILE_H
#define BINNACLE_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>

struct keyfile {
	char *path;      /* the private key */
	char *pub_path;  /* FILE.pub when it exists, else NULL */
	bool encrypted;  /* needs a passphrase */
	unsigned char *pub; /* the public key blob, NULL when unknown */
	size_t publen;
	char type[64];   /* "ssh-ed25519", "" when unknown */
};

/* Reads path; -1 when it does not exist or is no private key we know. */
int keyfile_read(const char *path, struct keyfile *k);
void keyfile_cleanup(struct keyfile *k);

/* The blob of an "type base64 [comment]" public key line; owned, NULL when
 * the line is not one. */
unsigned char *keyfile_parse_pub(const char *line, size_t *len);

#endif
