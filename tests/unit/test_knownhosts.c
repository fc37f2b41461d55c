/* test_knownhosts.c: known_hosts files made and read by the real
 * ssh-keygen: plain, wildcard, negated and [host]:port entries, names
 * hashed by `ssh-keygen -H`, a changed key, @revoked and @cert-authority
 * lines, the key types known for a host; a key appended (hashed and not)
 * then found by `ssh-keygen -F`; fingerprints as `ssh-keygen -l` prints
 * them; identity files read without their passphrase (encrypted or not,
 * with and without their .pub). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/ssh/keyfile.h"
#include "backends/ssh/knownhosts.h"
#include "backends/util/util.h"
#include "tests/unit/fixtures.h"

static char dir[64];
static bool have_keygen;

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *cmd = xvasprintf(fmt, ap);
	va_end(ap);
	char *full = xasprintf("cd '%s' && { %s; } >/dev/null 2>&1", dir, cmd);
	int rc = system(full);
	if (rc != 0)
		fail_msg("command failed: %s", cmd);
	free(full);
	free(cmd);
}

/* The output of a command run in the directory, NUL-terminated. */
static char *out_of(const char *cmd)
{
	char *full = xasprintf("cd '%s' && %s 2>/dev/null", dir, cmd);
	FILE *p = popen(full, "r");
	free(full);
	assert_non_null(p);
	struct buf b;
	buf_init(&b);
	char chunk[512];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_append(&b, chunk, n);
	pclose(p);
	buf_puts(&b, "");
	return buf_steal(&b);
}

/* The blob of a .pub file in the directory. */
static unsigned char *pub_blob(const char *name, size_t *len)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *text = read_file(path, NULL);
	free(path);
	assert_non_null(text);
	unsigned char *blob = keyfile_parse_pub(text, len);
	free(text);
	assert_non_null(blob);
	return blob;
}

static char *path_of(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static int setup(void **state)
{
	(void)state;
	have_keygen = system("command -v ssh-keygen >/dev/null 2>&1") == 0;
	if (!have_keygen)
		return 0;
	fixture_tmpdir_make(dir, sizeof(dir), "binnacle-knownhosts");
	sh("ssh-keygen -q -t ed25519 -N '' -C host -f host_ed25519");
	sh("ssh-keygen -q -t ed25519 -N '' -C other -f other_ed25519");
	sh("ssh-keygen -q -t ecdsa -N '' -C host -f host_ecdsa");
	sh("ssh-keygen -q -t ed25519 -N 'secret words' -C enc -f enc_ed25519");
	sh("ssh-keygen -q -t rsa -b 2048 -m PEM -N 'pem words' -C pem -f pem_rsa");
	/* a known_hosts file written line by line as ssh would, then hashed copies */
	sh("printf '# a comment\\n\\n' > known_hosts; "
	   "printf '[127.0.0.1]:2222 %%s\\n' \"$(cut -d' ' -f1,2 host_ed25519.pub)\" >> known_hosts; "
	   "printf 'plain.example.com,10.1.1.1 %%s\\n' \"$(cut -d' ' -f1,2 host_ed25519.pub)\" >> known_hosts; "
	   "printf '*.wild.example.com,!bad.wild.example.com %%s\\n' \"$(cut -d' ' -f1,2 host_ed25519.pub)\" >> known_hosts; "
	   "printf 'moved.example.com %%s\\n' \"$(cut -d' ' -f1,2 other_ed25519.pub)\" >> known_hosts; "
	   "printf 'both.example.com %%s\\n' \"$(cut -d' ' -f1,2 host_ecdsa.pub)\" >> known_hosts; "
	   "printf 'both.example.com %%s\\n' \"$(cut -d' ' -f1,2 host_ed25519.pub)\" >> known_hosts; "
	   "printf '@revoked revoked.example.com %%s\\n' \"$(cut -d' ' -f1,2 host_ed25519.pub)\" >> known_hosts; "
	   "printf 'revoked.example.com %%s\\n' \"$(cut -d' ' -f1,2 host_ed25519.pub)\" >> known_hosts; "
	   "printf '@cert-authority *.ca.example.com %%s\\n' \"$(cut -d' ' -f1,2 host_ed25519.pub)\" >> known_hosts; "
	   "cp known_hosts hashed && ssh-keygen -q -H -f hashed && rm -f hashed.old");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (have_keygen)
		fixture_tmpdir_remove(dir);
	return 0;
}

#define NEED_KEYGEN()                                                                                         \
	do {                                                                                                  \
		if (!have_keygen) {                                                                           \
			const char *req = getenv("BINNACLE_REQUIRE_PEERS");                                   \
			if (req && !strcmp(req, "1"))                                                         \
				fail_msg("ssh-keygen is not installed (BINNACLE_REQUIRE_PEERS=1)");           \
			skip();                                                                               \
		}                                                                                             \
	} while (0)

static enum kh_result check_in(const char *file, const char *host, int port, const char *pub, struct kh_check *kc)
{
	size_t len;
	unsigned char *blob = pub_blob(pub, &len);
	char *path = path_of(file);
	const char *files[] = {"/nonexistent/known_hosts", path};
	knownhosts_check(files, 2, host, port, blob, len, kc);
	free(path);
	free(blob);
	return kc->result;
}

static void lookups(const char *file)
{
	struct kh_check kc;
	assert_int_equal(check_in(file, "127.0.0.1", 2222, "host_ed25519.pub", &kc), KH_MATCH);
	assert_non_null(strstr(kc.where, ":3"));
	assert_int_equal(check_in(file, "127.0.0.1", 22, "host_ed25519.pub", &kc), KH_UNKNOWN); /* the port counts */
	assert_int_equal(check_in(file, "127.0.0.1", 2222, "other_ed25519.pub", &kc), KH_CHANGED);
	assert_non_null(strstr(kc.where, ":3"));
	assert_int_equal(check_in(file, "10.1.1.1", 22, "host_ed25519.pub", &kc), KH_MATCH);
	assert_int_equal(check_in(file, "PLAIN.example.com", 22, "host_ed25519.pub", &kc), KH_MATCH);
	assert_int_equal(check_in(file, "moved.example.com", 22, "host_ed25519.pub", &kc), KH_CHANGED);
	/* a key of another type is not a changed key: the host is unknown for it */
	assert_int_equal(check_in(file, "moved.example.com", 22, "host_ecdsa.pub", &kc), KH_UNKNOWN);
	assert_string_equal(kc.known_types, "ssh-ed25519");
	assert_int_equal(check_in(file, "both.example.com", 22, "host_ed25519.pub", &kc), KH_MATCH);
	assert_string_equal(kc.known_types, "ecdsa-sha2-nistp256,ssh-ed25519");
	assert_int_equal(check_in(file, "revoked.example.com", 22, "host_ed25519.pub", &kc), KH_REVOKED);
	assert_int_equal(check_in(file, "x.ca.example.com", 22, "host_ed25519.pub", &kc), KH_UNKNOWN);
	assert_int_equal(check_in(file, "nobody.example.com", 22, "host_ed25519.pub", &kc), KH_UNKNOWN);
	assert_string_equal(kc.known_types, "");
}

static void test_plain(void **state)
{
	(void)state;
	NEED_KEYGEN();
	lookups("known_hosts");
	struct kh_check kc;
	/* patterns survive only unhashed: ssh-keygen -H leaves them as they are */
	assert_int_equal(check_in("known_hosts", "a.wild.example.com", 22, "host_ed25519.pub", &kc), KH_MATCH);
	assert_int_equal(check_in("known_hosts", "bad.wild.example.com", 22, "host_ed25519.pub", &kc), KH_UNKNOWN);
}

static void test_hashed(void **state)
{
	(void)state;
	NEED_KEYGEN();
	char *hashed = out_of("grep -c '^|1|' hashed");
	assert_true(atoi(hashed) >= 5); /* ssh-keygen really hashed the names */
	free(hashed);
	lookups("hashed");
}

static void test_add(void **state)
{
	(void)state;
	NEED_KEYGEN();
	size_t len;
	unsigned char *blob = pub_blob("host_ed25519.pub", &len);
	char *file = path_of("sub/new_known_hosts"), err[ERRLEN];
	assert_int_equal(knownhosts_add(file, "new.example.com", 22, blob, len, false, err, sizeof(err)), 0);
	assert_int_equal(knownhosts_add(file, "10.9.9.9", 2200, blob, len, true, err, sizeof(err)), 0);
	char *found = out_of("ssh-keygen -F new.example.com -f sub/new_known_hosts");
	assert_non_null(strstr(found, "new.example.com ssh-ed25519 "));
	free(found);
	found = out_of("ssh-keygen -F '[10.9.9.9]:2200' -f sub/new_known_hosts");
	assert_non_null(strstr(found, "|1|")); /* hashed, and ssh-keygen finds it */
	free(found);
	struct kh_check kc;
	const char *files[] = {file};
	knownhosts_check(files, 1, "10.9.9.9", 2200, blob, len, &kc);
	assert_int_equal(kc.result, KH_MATCH);
	char *mode = out_of("stat -c %a sub/new_known_hosts");
	assert_int_equal(atoi(mode), 600);
	free(mode);
	/* a file whose last line lacks its newline keeps both lines whole */
	sh("printf 'last.example.com ssh-ed25519 AAAA' > sub/unterminated");
	char *unterminated = path_of("sub/unterminated");
	assert_int_equal(knownhosts_add(unterminated, "x.example.com", 22, blob, len, false, err, sizeof(err)), 0);
	char *lines = out_of("wc -l < sub/unterminated");
	assert_int_equal(atoi(lines), 2);
	free(lines);
	free(unterminated);
	free(file);
	free(blob);
}

static void test_fingerprint(void **state)
{
	(void)state;
	NEED_KEYGEN();
	const char *keys[] = {"host_ed25519.pub", "host_ecdsa.pub", "pem_rsa.pub"};
	for (size_t i = 0; i < 3; i++) {
		size_t len;
		unsigned char *blob = pub_blob(keys[i], &len);
		char fp[128], type[64];
		knownhosts_fingerprint(blob, len, fp, sizeof(fp));
		char *cmd = xasprintf("ssh-keygen -l -E sha256 -f %s | cut -d' ' -f2", keys[i]);
		char *want = out_of(cmd);
		want[strcspn(want, "\n")] = '\0';
		assert_string_equal(fp, want);
		knownhosts_blob_type(blob, len, type, sizeof(type));
		assert_true(strlen(type) > 6);
		free(cmd);
		free(want);
		free(blob);
	}
	assert_string_equal(knownhosts_type_label("ssh-ed25519"), "ED25519");
	assert_string_equal(knownhosts_type_label("ecdsa-sha2-nistp384"), "ECDSA");
	assert_string_equal(knownhosts_type_label("ssh-rsa"), "RSA");
	char *n = knownhosts_name("h", 22);
	assert_string_equal(n, "h");
	free(n);
	n = knownhosts_name("h", 2222);
	assert_string_equal(n, "[h]:2222");
	free(n);
}

static void test_keyfiles(void **state)
{
	(void)state;
	NEED_KEYGEN();
	struct keyfile k;
	char *p = path_of("host_ed25519");
	size_t len;
	unsigned char *blob = pub_blob("host_ed25519.pub", &len);
	assert_int_equal(keyfile_read(p, &k), 0);
	assert_false(k.encrypted);
	assert_non_null(k.pub_path);
	assert_string_equal(k.type, "ssh-ed25519");
	assert_int_equal(k.publen, len);
	assert_memory_equal(k.pub, blob, len);
	keyfile_cleanup(&k);
	free(p);
	/* encrypted, with the public half read from the key itself (no .pub) */
	sh("rm -f enc_ed25519.pub.bak && mv enc_ed25519.pub enc_ed25519.pub.bak");
	p = path_of("enc_ed25519");
	assert_int_equal(keyfile_read(p, &k), 0);
	assert_true(k.encrypted);
	assert_null(k.pub_path);
	assert_non_null(k.pub);
	sh("mv enc_ed25519.pub.bak enc_ed25519.pub");
	free(blob);
	blob = pub_blob("enc_ed25519.pub", &len);
	assert_int_equal(k.publen, len);
	assert_memory_equal(k.pub, blob, len);
	keyfile_cleanup(&k);
	free(p);
	free(blob);
	/* an old PEM key: encrypted says its header; its public half is the .pub */
	p = path_of("pem_rsa");
	assert_int_equal(keyfile_read(p, &k), 0);
	assert_true(k.encrypted);
	assert_string_equal(k.type, "ssh-rsa");
	keyfile_cleanup(&k);
	free(p);
	p = path_of("known_hosts");
	assert_int_equal(keyfile_read(p, &k), -1); /* not a key */
	free(p);
	assert_int_equal(keyfile_read("/nonexistent/id_ed25519", &k), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),	    cmocka_unit_test(test_hashed),
		cmocka_unit_test(test_add),	    cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_keyfiles),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
