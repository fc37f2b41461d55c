/* log.c: the debug log file (see log.h). Lines carry a wall-clock time with
 * milliseconds so a slow request can be found after the fact. */
#include <stddef.h>
#include "backends/util/log.h"
#include "backends/util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static FILE *logfile;

int log_open(const char *path, char *err, size_t errlen)
{
	/* requests and errors are nobody else's business: the file is the user's alone */
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077))
		fchmod(fd, 0600);
	logfile = fd >= 0 ? fdopen(fd, "a") : NULL;
	if (!logfile) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return set_err(err, errlen, "cannot open log file %s: %s", path, strerror(e));
	}
	setvbuf(logfile, NULL, _IOLBF, 0);
	return 0;
}

void log_close(void)
{
	if (logfile)
		fclose(logfile);
	logfile = NULL;
}

void log_msg(const char *fmt, ...)
{
	if (!logfile)
		return;
	struct timeval tv;
	gettimeofday(&tv, NULL);
	struct tm tm;
	localtime_r(&tv.tv_sec, &tm);
	fprintf(logfile, "%02d:%02d:%02d.%03ld ", tm.tm_hour, tm.tm_min, tm.tm_sec, (long)tv.tv_usec / 1000);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(logfile, fmt, ap);
	va_end(ap);
	fputc('\n', logfile);
}
