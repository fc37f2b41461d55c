/* log.c: the debug log file (see log.h). Lines carry a wall-clock time with
 * milliseconds so a slow request can be found after the fact. */
#include <stddef.h>
#include "backends/util/log.h"
#include "backends/util/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static FILE *logfile;

int log_open(const char *path, char *err, size_t errlen)
{
	logfile = fopen(path, "a");
	if (!logfile)
		return set_err(err, errlen, "cannot open log file %s: %s", path, strerror(errno));
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
