/* fuzz_local_files.c: the user's files other programs write and binnacle
 * reads: ~/.ssh/config (resolved for a host, as ssh -G would), known_hosts
 * (checked for a host's key) and ~/.aws/config with ~/.aws/credentials (the
 * input split in two). The first byte chooses. */
#include "tests/fuzz/fuzz.h"
#include "backends/aws/config.h"
#include "backends/ssh/knownhosts.h"
#include "backends/ssh/sshconfig.h"

#include <stdlib.h>
#include <string.h>

/* an ed25519 key blob as a server sends it (its 32 key bytes zero) */
static const unsigned char blob[51] = {0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd', '2', '5', '5', '1', '9', 0, 0, 0, 32};

static void ssh_config(const uint8_t *data, size_t size)
{
	char err[256];
	sshconfig_set_paths(fuzz_file(data, size), "");
	static const char *const hosts[] = {"lab1", "bastion.example.com", "10.0.0.7", "[::1]"};
	for (size_t i = 0; i < sizeof(hosts) / sizeof(*hosts); i++) {
		struct ssh_host h;
		memset(&h, 0, sizeof(h));
		if (sshconfig_resolve(hosts[i], NULL, 0, &h, err, sizeof(err)) == 0)
			ssh_host_cleanup(&h);
	}
	sshconfig_set_paths(NULL, NULL);
}

static void known_hosts(const uint8_t *data, size_t size)
{
	const char *files[] = {fuzz_file(data, size)};
	struct kh_check kc;
	knownhosts_check(files, 1, "lab1.example.com", 22, blob, sizeof(blob), &kc);
	knownhosts_check(files, 1, "10.9.9.9", 2200, blob, sizeof(blob), &kc);
}

static void aws(const uint8_t *data, size_t size)
{
	const uint8_t *a, *b;
	size_t alen, blen;
	fuzz_split(data, size, &a, &alen, &b, &blen);
	char *config = fuzz_str(a, alen), *creds = fuzz_str(b, blen), err[256];
	struct aws_config c;
	memset(&c, 0, sizeof(c));
	if (aws_config_parse(&c, config, creds, err, sizeof(err)) == 0) {
		size_t n;
		const char **names = aws_config_profiles(&c, &n);
		for (size_t i = 0; i < n && i < 16; i++) {
			(void)aws_config_get(&c, names[i], "region");
			(void)aws_config_get_in(&c, true, names[i], "aws_access_key_id");
		}
		free(names);
		(void)aws_config_section_get(&c, "sso-session", "corp", "sso_region");
		(void)aws_config_has_profile(&c, "default");
	}
	aws_config_cleanup(&c);
	free(config);
	free(creds);
}

FUZZ_TARGET(local_files)
{
	if (!size)
		return 0;
	switch (data[0] % 3) {
	case 0:
		ssh_config(data + 1, size - 1);
		break;
	case 1:
		known_hosts(data + 1, size - 1);
		break;
	default:
		aws(data + 1, size - 1);
		break;
	}
	return 0;
}
