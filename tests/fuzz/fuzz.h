/* fuzz.h: the harnesses that feed untrusted bytes to binnacle's decoders.
 * A harness is one small file:
 *
 *	#include "tests/fuzz/fuzz.h"
 *	FUZZ_TARGET(my_decoder)
 *	{
 *		my_decode((const char *)data, size);  // must not crash, leak or hang
 *		return 0;
 *	}
 *
 * plus its name in FUZZ_HARNESSES (Makefile.am) and a seed folder
 * tests/fuzz/corpus/my_decoder/. The same files build two programs: with
 * clang's libFuzzer (`make fuzz`, FUZZ_TARGET=name picks the harness), and
 * with any compiler a replay driver that runs saved inputs through a
 * harness (`make check` replays every corpus under the sanitisers when
 * configured with --enable-asan). */
#ifndef BINNACLE_FUZZ_H
#define BINNACLE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

typedef int (*fuzz_fn)(const uint8_t *data, size_t size);

struct fuzz_target {
	const char *name;
	fuzz_fn fn;
	struct fuzz_target *next;
};

/* Adds a harness to the list (FUZZ_TARGET does it before main). */
void fuzz_register(struct fuzz_target *t);
/* The harness called name, or NULL; the first of the list. */
const struct fuzz_target *fuzz_find(const char *name);
const struct fuzz_target *fuzz_first(void);

#define FUZZ_TARGET(id)                                                                       \
	static int fuzz_##id(const uint8_t *data, size_t size);                              \
	static struct fuzz_target fuzz_target_##id = {#id, fuzz_##id, NULL};                 \
	__attribute__((constructor)) static void fuzz_register_##id(void)                    \
	{                                                                                     \
		fuzz_register(&fuzz_target_##id);                                             \
	}                                                                                     \
	static int fuzz_##id(const uint8_t *data, size_t size)

/* Helpers for harnesses. */
/* A NUL-terminated copy of the input (owned). */
char *fuzz_str(const uint8_t *data, size_t size);
/* Splits the input at a point its first byte chooses: the first byte is
 * consumed; (a, alen) and (b, blen) are the two parts. */
void fuzz_split(const uint8_t *data, size_t size, const uint8_t **a, size_t *alen, const uint8_t **b,
		size_t *blen);
/* Writes the input to a private temporary file and returns its path
 * (valid until the next call), for decoders that read files. */
const char *fuzz_file(const uint8_t *data, size_t size);

#endif
