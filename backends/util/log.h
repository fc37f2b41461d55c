/* log.h: the debug log named by --log. Nothing else may write diagnostics
 * while curses owns the terminal; without --log, logging costs one branch. */
#ifndef BINNACLE_LOG_H
#define BINNACLE_LOG_H

int log_open(const char *path, char *err, size_t errlen);
void log_close(void);
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
