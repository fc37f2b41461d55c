/* audit.c: appends audit records (see audit.h) with O_APPEND, so several
 * binnacle processes can share the file without interleaving a line. */
#include "tui/audit.h"
#include "backends/util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

char *audit_path(void)
{
	const char *state = getenv("XDG_STATE_HOME");
	if (state && *state)
		return xasprintf("%s/binnacle/audit.log", state);
	const char *home = getenv("HOME");
	return xasprintf("%s/.local/state/binnacle/audit.log", home ? home : ".");
}

static int mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int rc = mkdir(path, 0700);
		*p = '/';
		if (rc < 0 && errno != EEXIST)
			return -1;
	}
	return 0;
}

static void field(struct buf *b, const char *key, const char *v)
{
	buf_printf(b, "\t%s=", key);
	for (const char *p = v ? v : ""; *p; p++)
		buf_putc(b, (unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p);
}

int audit_write(const char *endpoint, const char *kind, const char *name, const char *id, const char *action,
		const char *result, char *err, size_t errlen)
{
	return audit_write_value(endpoint, kind, name, id, NULL, action, result, err, errlen);
}

int audit_write_value(const char *endpoint, const char *kind, const char *name, const char *id, const char *value,
		      const char *action, const char *result, char *err, size_t errlen)
{
	char *path = audit_path();
	if (mkdirs(path) < 0) {
		set_err(err, errlen, "cannot create the directory of %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		set_err(err, errlen, "cannot open the audit log %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	char ts[40];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	struct buf b;
	buf_init(&b);
	buf_puts(&b, ts);
	field(&b, "endpoint", endpoint);
	field(&b, "kind", kind);
	field(&b, "name", name);
	field(&b, "id", id);
	if (value && *value)
		field(&b, "value", value);
	field(&b, "action", action);
	field(&b, "result", result);
	buf_putc(&b, '\n');
	int rc = 0;
	if (write(fd, b.data, b.len) != (ssize_t)b.len)
		rc = set_err(err, errlen, "cannot write the audit log %s: %s", path, strerror(errno));
	close(fd);
	buf_cleanup(&b);
	free(path);
	return rc;
}
