/* passthrough.c: terminal handover for exec (see passthrough.h). Like
 * ssh, "Enter ~ ." cuts a session that no longer answers, at once. The
 * session runs on the terminal's alternate screen, as the dashboard does,
 * so the shell's output does not stay behind in the user's terminal when
 * binnacle quits. */
#include "tui/passthrough.h"
#include "tui/hangup.h"
#include "backends/net/loop.h"
#include "backends/util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <curses.h>
#include <term.h>
#include <unistd.h>

/* Keys typed just after a line ends (exit Enter, then Esc for the
 * dashboard) wait until the session has answered that line: more output
 * than the line's own echo means it went on and they are its keys; the
 * stream's end means the line ended it and they are the dashboard's. How
 * long that takes is the server's business (a loaded machine takes a
 * second to end a shell), so no fixed delay decides; a session that says
 * nothing after a line (sleep 10) gets them after HOLD_MAX_MS anyway. An
 * answer sooner than HOLD_MIN_MS may be a last word ("exit", as bash says
 * it), so the keys wait at least that long. */
#define HOLD_MIN_MS 250
#define HOLD_MAX_MS 2000
#define CTRL_D '\004'

static int winch_pipe[2] = {-1, -1};

static void on_winch(int sig)
{
	(void)sig;
	int saved = errno;
	if (write(winch_pipe[1], "w", 1) < 0) {
		/* the pipe is full: a resize is already pending */
	}
	errno = saved;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				struct pollfd pf = {.fd = fd, .events = POLLOUT};
				poll(&pf, 1, 100);
				continue;
			}
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

/* What the loop saw on a descriptor this turn. */
static void note(void *arg, int fd, short revents)
{
	(void)fd;
	*(short *)arg |= revents;
}

static void send_size(struct bstream *st)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		st->ops->resize(st, ws.ws_row, ws.ws_col);
}

/* Sends input to the stream, retrying while the connection is full. */
static bool forward(struct session *s, struct bstream *st, const char *p, size_t n)
{
	int64_t deadline = mono_ms() + 10000;
	while (n) {
		long w = st->ops->write(st, p, n);
		if (w < 0)
			return false;
		p += w;
		n -= (size_t)w;
		if (n && mono_ms() > deadline)
			return false;
		if (n)
			session_turn(s, 50); /* the stream's queue is full: let it drain */
	}
	return true;
}

/* Whether the session has answered the last line it was sent. */
struct linewatch {
	uint64_t out;       /* bytes the session has sent */
	uint64_t line_mark; /* `out` when the current line's first byte went */
	size_t line_len;    /* bytes sent on the current line */
	uint64_t echo_end;  /* the last line's echo ends here (its bytes, then \r\n) */
	int64_t end_ms;     /* when the last line was sent; 0: none yet */
	char text[16];      /* the start of the current line, to recognise exit */
	size_t text_len;
	bool exits;         /* the last line ends a shell: its answer is a last word */
};

/* Whether a line ends a shell: exit (with a status), logout, or Ctrl-D on
 * an empty line. What the shell says then ("exit", as bash says it) is no
 * sign that it goes on, so keys typed after it wait for the stream's end
 * (up to HOLD_MAX_MS), however long a loaded server takes to close it. */
static bool ends_shell(const char *line, size_t len, bool ctrl_d)
{
	while (len && line[len - 1] == ' ')
		len--;
	while (len && *line == ' ')
		line++, len--;
	if (ctrl_d)
		return len == 0;
	if (len == 6 && !strncmp(line, "logout", 6))
		return true;
	if (len < 4 || strncmp(line, "exit", 4) || (len > 4 && line[4] != ' '))
		return false;
	for (size_t i = 5; i < len; i++)
		if (line[i] < '0' || line[i] > '9')
			return false;
	return true;
}

static bool line_end(char c)
{
	return c == '\r' || c == '\n' || c == CTRL_D;
}

static void linewatch_sent(struct linewatch *lw, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!lw->line_len++)
			lw->line_mark = lw->out;
		if (line_end(p[i])) {
			lw->echo_end = lw->line_mark + lw->line_len + 1;
			lw->line_len = 0;
			lw->end_ms = mono_ms();
			lw->exits = ends_shell(lw->text, lw->text_len, p[i] == CTRL_D);
			lw->text_len = 0;
		} else if ((p[i] == 0x7f || p[i] == '\b') && lw->text_len) {
			lw->text_len--;
		} else if (lw->text_len < sizeof(lw->text)) {
			lw->text[lw->text_len++] = p[i];
		}
	}
}

/* True while the last line has had no answer beyond its echo (within
 * HOLD_MIN_MS..HOLD_MAX_MS of it): keys typed now may be the dashboard's. */
static bool linewatch_waiting(const struct linewatch *lw)
{
	if (!lw->end_ms)
		return false;
	int64_t since = mono_ms() - lw->end_ms;
	return since < HOLD_MAX_MS && (lw->exits || lw->out <= lw->echo_end || since < HOLD_MIN_MS);
}

/* Drains what the remote side sent; false at the end of the stream. */
static bool drain(struct bstream *st, struct linewatch *lw, char *err, size_t errlen)
{
	char buf[16384];
	for (;;) {
		int stream = 1;
		long r = st->ops->read(st, buf, sizeof(buf), &stream);
		if (r > 0) {
			lw->out += (uint64_t)r;
			write_all(stream == 2 ? STDERR_FILENO : STDOUT_FILENO, buf, (size_t)r);
			continue;
		}
		if (r == 0)
			return false;
		if (errno == EAGAIN)
			return true;
		snprintf(err, errlen, "%s", st->error[0] ? st->error : "the connection failed");
		return false;
	}
}

int passthrough_run(struct session *s, struct bstream *st, const char *banner, struct buf *leftover, char *err,
		    size_t errlen)
{
	err[0] = '\0';
	struct termios orig, raw;
	bool tty = tcgetattr(STDIN_FILENO, &orig) == 0;
	/* the alternate screen (curses left it), clean, cursor home: the remote
	 * program draws there, and the user's own screen stays as it was */
	const char *smcup = tigetstr("smcup"), *rmcup = tigetstr("rmcup");
	bool alt = smcup && smcup != (char *)-1 && rmcup && rmcup != (char *)-1;
	if (alt)
		write_all(STDOUT_FILENO, smcup, strlen(smcup));
	write_all(STDOUT_FILENO, "\033[H\033[2J", 7);
	if (banner) {
		write_all(STDOUT_FILENO, banner, strlen(banner));
		write_all(STDOUT_FILENO, "\r\n", 2);
	}
	if (tty) {
		raw = orig;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	if (pipe(winch_pipe) == 0) {
		fcntl(winch_pipe[0], F_SETFL, O_NONBLOCK);
		fcntl(winch_pipe[1], F_SETFL, O_NONBLOCK);
	}
	struct sigaction sa = {0}, old;
	sa.sa_handler = on_winch;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, &old);
	send_size(st);
	int state = 1; /* 1: at the start of a line, 2: after Enter ~ */
	bool open = true, cut = false;
	/* keys typed just after a line ends (exit Enter, Esc) are held back a
	 * moment: if the session ends meanwhile they were meant for the dashboard */
	struct buf held;
	buf_init(&held);
	struct linewatch lw = {0};
	short in_ready = 0, winch_ready = 0;
	struct loop_fd *win = loop_watch(STDIN_FILENO, POLLIN, note, &in_ready);
	struct loop_fd *wwinch = winch_pipe[0] >= 0 ? loop_watch(winch_pipe[0], POLLIN, note, &winch_ready) : NULL;
	while (open) {
		int wait = 200;
		int64_t hold_left = lw.end_ms + (lw.out > lw.echo_end && !lw.exits ? HOLD_MIN_MS : HOLD_MAX_MS) - mono_ms();
		if (held.len && hold_left < wait)
			wait = hold_left > 0 ? (int)hold_left : 0;
		in_ready = winch_ready = 0;
		session_turn(s, wait);
		if (hangup_pending() || (in_ready & (POLLHUP | POLLERR | POLLNVAL))) {
			hangup_note("the terminal hung up");
			snprintf(err, errlen, "ended: %s", hangup_reason());
			break;
		}
		if (winch_ready & POLLIN) {
			char junk[64];
			while (read(winch_pipe[0], junk, sizeof(junk)) > 0)
				;
			send_size(st);
		}
		/* the loop moved the stream's bytes during the turn */
		open = drain(st, &lw, err, errlen);
		if (open && held.len && !linewatch_waiting(&lw)) {
			/* the session went on: the held keys were for it */
			linewatch_sent(&lw, held.data, held.len);
			if (!forward(s, st, held.data, held.len)) {
				snprintf(err, errlen, "%s", st->error[0] ? st->error : "the connection failed");
				open = false;
			}
			buf_reset(&held);
		}
		if (open && (in_ready & (POLLIN | POLLHUP))) {
			char in[4096], outb[4100];
			ssize_t n = read(STDIN_FILENO, in, sizeof(in));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				/* the terminal is gone: the session ends, and the dashboard with it */
				hangup_note(n == 0 ? "the terminal's input ended" : "the terminal went away");
				snprintf(err, errlen, "ended: %s", hangup_reason());
				break;
			}
			/* bytes up to the first line end go now (unless already holding);
			 * what follows it waits with the held ones */
			bool holding = held.len || linewatch_waiting(&lw);
			size_t o = 0, now = holding ? 0 : SIZE_MAX;
			for (ssize_t i = 0; i < n; i++) {
				char c = in[i];
				if (state == 2 && c == '.') {
					open = false;
					cut = true;
					snprintf(err, errlen, "you disconnected (Enter ~ .)");
					break;
				}
				if (state == 2 && c != '~')
					outb[o++] = '~';
				if (state == 1 && c == '~') {
					state = 2;
					continue;
				}
				outb[o++] = c;
				state = c == '\r' || c == '\n' ? 1 : 0;
				if (line_end(c) && now == SIZE_MAX)
					now = o;
			}
			if (now > o)
				now = o;
			if (open && now)
				linewatch_sent(&lw, outb, now);
			if (open && now && !forward(s, st, outb, now)) {
				snprintf(err, errlen, "%s", st->error[0] ? st->error : "the connection failed");
				open = false;
			}
			if (open && o > now)
				buf_append(&held, outb + now, o - now);
		}
	}
	if (leftover && held.len && !err[0])
		buf_append(leftover, held.data, held.len);
	buf_cleanup(&held);
	loop_unwatch(win);
	loop_unwatch(wwinch);
	/* the exit status arrives just after the stream ends; a session the user
	 * cut does not answer, so nobody waits for it */
	int64_t deadline = mono_ms() + 3000;
	while (!cut && !st->ops->finished(st) && mono_ms() < deadline)
		session_turn(s, 50);
	/* keys typed at a hung session were for it, not for the dashboard */
	if (cut && tty)
		tcflush(STDIN_FILENO, TCIFLUSH);
	if (cut)
		log_msg("passthrough cut by the user: its exit status is not waited for");
	if (alt) {
		write_all(STDOUT_FILENO, "\033[H\033[2J", 7);
		write_all(STDOUT_FILENO, rmcup, strlen(rmcup));
	}
	sigaction(SIGWINCH, &old, NULL);
	if (winch_pipe[0] >= 0) {
		close(winch_pipe[0]);
		close(winch_pipe[1]);
		winch_pipe[0] = winch_pipe[1] = -1;
	}
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &orig);
	log_msg("passthrough ended: exit %d%s%s", st->exit_code, err[0] ? ", " : "", err);
	return st->exit_code;
}
