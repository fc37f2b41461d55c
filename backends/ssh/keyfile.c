/* keyfile.c: inspecting identity files (see keyfile.h). The OpenSSH
 * format ("openssh-key-v1") is: magic, string cipher, string kdf, string
 * kdf options, uint32 key count, string public key, then the (maybe
 * encrypted) private part; only the part before the private one is read.
 * PEM keys say "ENCRYPTED" in their header when protected. */
#include "backends/ssh/keyfile.h"
#include "backends/codec/crypto.h"
#include "backends/ssh/knownhosts.h"
#include "backends/util/util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OPENSSH_BEGIN "-----BEGIN OPENSSH PRIVATE KEY-----"
#define OPENSSH_END "-----END OPENSSH PRIVATE KEY-----"
#define MAGIC "openssh-key-v1"

unsigned char *keyfile_parse_pub(const char *line, size_t *len)
{
	const char *p = line;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t tl = strcspn(p, " \t");
	if (!tl || !p[tl])
		return NULL;
	const char *b = p + tl;
	while (*b == ' ' || *b == '\t')
		b++;
	size_t bl = strcspn(b, " \t\r\n");
	size_t n = 0;
	unsigned char *blob = (unsigned char *)crypto_base64_decode(b, bl, &n);
	char type[64];
	if (blob)
		knownhosts_blob_type(blob, n, type, sizeof(type));
	/* the blob must name the type the line names */
	if (!blob || strlen(type) != tl || strncmp(type, p, tl)) {
		free(blob);
		return NULL;
	}
	*len = n;
	return blob;
}

/* Reads a uint32-length string at *p (< end); false when it overruns. */
static bool take_string(const unsigned char **p, const unsigned char *end, const unsigned char **s, size_t *n)
{
	if (end - *p < 4)
		return false;
	size_t len = (size_t)(*p)[0] << 24 | (size_t)(*p)[1] << 16 | (size_t)(*p)[2] << 8 | (*p)[3];
	*p += 4;
	if ((size_t)(end - *p) < len)
		return false;
	*s = *p;
	*n = len;
	*p += len;
	return true;
}

static int read_openssh(const char *text, struct keyfile *k)
{
	const char *b = strstr(text, OPENSSH_BEGIN), *e = strstr(text, OPENSSH_END);
	if (!b || !e || e < b)
		return -1;
	b += strlen(OPENSSH_BEGIN);
	size_t n = 0;
	unsigned char *raw = (unsigned char *)crypto_base64_decode(b, (size_t)(e - b), &n);
	if (!raw || n < sizeof(MAGIC) || memcmp(raw, MAGIC, sizeof(MAGIC))) {
		free(raw);
		return -1;
	}
	const unsigned char *p = raw + sizeof(MAGIC), *end = raw + n, *s;
	size_t sl;
	int rc = -1;
	if (!take_string(&p, end, &s, &sl))
		goto out;
	k->encrypted = !(sl == 4 && !memcmp(s, "none", 4));
	if (!take_string(&p, end, &s, &sl) || !take_string(&p, end, &s, &sl) || end - p < 4)
		goto out; /* kdf name and options */
	p += 4;           /* the key count: one in every file ssh-keygen writes */
	if (!take_string(&p, end, &s, &sl))
		goto out;
	if (!k->pub) {
		k->pub = xmalloc(sl ? sl : 1);
		memcpy(k->pub, s, sl);
		k->publen = sl;
	}
	rc = 0;
out:
	free(raw);
	return rc;
}

int keyfile_read(const char *path, struct keyfile *k)
{
	memset(k, 0, sizeof(*k));
	char *text = read_file(path, NULL);
	if (!text)
		return -1;
	k->path = xstrdup(path);
	char *pub = xasprintf("%s.pub", path);
	char *pubtext = read_file(pub, NULL);
	if (pubtext) {
		k->pub = keyfile_parse_pub(pubtext, &k->publen);
		if (k->pub)
			k->pub_path = xstrdup(pub);
		free(pubtext);
	}
	free(pub);
	int rc = 0;
	if (strstr(text, OPENSSH_BEGIN))
		rc = read_openssh(text, k);
	else if (strstr(text, "-----BEGIN ") && strstr(text, "PRIVATE KEY-----"))
		k->encrypted = strstr(text, "ENCRYPTED") != NULL;
	else
		rc = -1;
	/* a private key, even an encrypted one, is not left lying in freed memory */
	memwipe(text, strlen(text));
	free(text);
	if (rc < 0) {
		keyfile_cleanup(k);
		return -1;
	}
	if (k->pub)
		knownhosts_blob_type(k->pub, k->publen, k->type, sizeof(k->type));
	return 0;
}

void keyfile_cleanup(struct keyfile *k)
{
	free(k->path);
	free(k->pub_path);
	free(k->pub);
	memset(k, 0, sizeof(*k));
}
