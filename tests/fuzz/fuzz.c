/* fuzz.c: the harness list and the two ways to drive it (see fuzz.h):
 * libFuzzer's entry points when built with FUZZ_LIBFUZZER, else a replay
 * driver: `fuzz-replay TARGET FILE|DIR...` runs each file (a folder's files
 * included) through the harness once; `fuzz-replay --list` names them. */
#include "tests/fuzz/fuzz.h"
#include "backends/util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct fuzz_target *targets;

void fuzz_register(struct fuzz_target *t)
{
	/* kept sorted by name, so listings do not depend on link order */
	struct fuzz_target **p = &targets;
	while (*p && strcmp((*p)->name, t->name) < 0)
		p = &(*p)->next;
	t->next = *p;
	*p = t;
}

const struct fuzz_target *fuzz_find(const char *name)
{
	for (const struct fuzz_target *t = targets; t; t = t->next)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

const struct fuzz_target *fuzz_first(void)
{
	return targets;
}

char *fuzz_str(const uint8_t *data, size_t size)
{
	return xstrndup((const char *)data, size);
}

void fuzz_split(const uint8_t *data, size_t size, const uint8_t **a, size_t *alen, const uint8_t **b,
		size_t *blen)
{
	size_t at = 0;
	if (size) {
		at = size > 1 ? data[0] % size : 0;
		data++;
		size--;
		if (at > size)
			at = size;
	}
	*a = data;
	*alen = at;
	*b = data + at;
	*blen = size - at;
}

const char *fuzz_file(const uint8_t *data, size_t size)
{
	static char path[64];
	if (!path[0])
		snprintf(path, sizeof(path), "%s/binnacle-fuzz-%ld", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
			 (long)getpid());
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		abort();
	for (size_t off = 0; off < size;) {
		ssize_t w = write(fd, data + off, size - off);
		if (w <= 0)
			abort();
		off += (size_t)w;
	}
	close(fd);
	return path;
}

static void remove_file(void)
{
	char path[64];
	snprintf(path, sizeof(path), "%s/binnacle-fuzz-%ld", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
		 (long)getpid());
	unlink(path);
}

#ifdef FUZZ_LIBFUZZER

static const struct fuzz_target *chosen;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *name = getenv("FUZZ_TARGET");
	if (getenv("FUZZ_LIST")) {
		for (const struct fuzz_target *t = targets; t; t = t->next)
			printf("%s\n", t->name);
		exit(0);
	}
	chosen = name ? fuzz_find(name) : NULL;
	if (!chosen) {
		fprintf(stderr, "fuzz: set FUZZ_TARGET to one of:");
		for (const struct fuzz_target *t = targets; t; t = t->next)
			fprintf(stderr, " %s", t->name);
		fprintf(stderr, "\n");
		exit(2);
	}
	atexit(remove_file);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return chosen->fn(data, size);
}

#else

static int run_file(const struct fuzz_target *t, const char *path, unsigned long *n)
{
	size_t len = 0;
	char *data = read_file(path, &len);
	if (!data) {
		fprintf(stderr, "fuzz-replay: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	t->fn((const uint8_t *)data, len);
	free(data);
	(*n)++;
	return 0;
}

static int run_path(const struct fuzz_target *t, const char *path, unsigned long *n)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		fprintf(stderr, "fuzz-replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(t, path, n);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			char *sub = xasprintf("%s/%s", path, e->d_name);
			if (run_path(t, sub, n) < 0)
				rc = -1;
			free(sub);
		}
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--list")) {
		for (const struct fuzz_target *t = targets; t; t = t->next)
			printf("%s\n", t->name);
		return 0;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: fuzz-replay TARGET FILE|DIR... | --list\n");
		return 2;
	}
	const struct fuzz_target *t = fuzz_find(argv[1]);
	if (!t) {
		fprintf(stderr, "fuzz-replay: no harness \"%s\"\n", argv[1]);
		return 2;
	}
	unsigned long n = 0;
	int rc = 0;
	for (int i = 2; i < argc; i++)
		if (run_path(t, argv[i], &n) < 0)
			rc = 1;
	remove_file();
	printf("%s: %lu input(s) replayed\n", t->name, n);
	return rc;
}

#endif
