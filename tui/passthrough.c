/* passthrough.c: terminal handover for exec (see passthrough.h). Like
 * ssh, "Enter ~ ." cuts a session that no longer answers, at once. The
 * session runs on the terminal's alternate screen, as the dashboard does,
 * so the shell's output does not stay behind in the user's terminal when
 * binnacle quits. */
#include "tui/passthrough.h"
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

/* How long keys typed after a line ends wait, in case the line ended the
 * session (exit Enter, then Esc for the dashboard): long enough for a
 * server to close the stream, short enough not to be felt while typing.
 * A slow link or a loaded server answers later, so the hold is a few of
 * the session's measured round trips (input sent to the next output; the
 * first one from the session's start to its prompt), within these bounds. */
#define HOLD_MIN_MS 250
#define HOLD_MAX_MS 2000
#define HOLD_RTTS 4
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

/* The session's answer time: input sent (or the session started) at
 * `asked_ms` until output arrives; 0 when nothing is awaited. */
struct rtt {
	int64_t asked_ms;
	int64_t last_ms;
};

static void rtt_asked(struct rtt *r)
{
	if (!r->asked_ms)
		r->asked_ms = mono_ms();
}

static void rtt_answered(struct rtt *r)
{
	if (r->asked_ms) {
		r->last_ms = mono_ms() - r->asked_ms;
		r->asked_ms = 0;
	}
}

static int64_t hold_ms(const struct rtt *r)
{
	int64_t h = r->last_ms * HOLD_RTTS;
	return h < HOLD_MIN_MS ? HOLD_MIN_MS : h > HOLD_MAX_MS ? HOLD_MAX_MS : h;
}

/* Drains what the remote side sent; false at the end of the stream. */
static bool drain(struct bstream *st, struct rtt *rtt, char *err, size_t errlen)
{
	char buf[16384];
	for (;;) {
		int stream = 1;
		long r = st->ops->read(st, buf, sizeof(buf), &stream);
		if (r > 0) {
			rtt_answered(rtt);
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
	int64_t line_end_ms = 0;
	struct rtt rtt = {0};
	rtt_asked(&rtt); /* the first answer is the prompt */
	short in_ready = 0, winch_ready = 0;
	struct loop_fd *win = loop_watch(STDIN_FILENO, POLLIN, note, &in_ready);
	struct loop_fd *wwinch = winch_pipe[0] >= 0 ? loop_watch(winch_pipe[0], POLLIN, note, &winch_ready) : NULL;
	while (open) {
		int wait = 200;
		int64_t hold = hold_ms(&rtt);
		int64_t hold_left = line_end_ms + hold - mono_ms();
		if (held.len && hold_left < wait)
			wait = hold_left > 0 ? (int)hold_left : 0;
		in_ready = winch_ready = 0;
		session_turn(s, wait);
		if (winch_ready & POLLIN) {
			char junk[64];
			while (read(winch_pipe[0], junk, sizeof(junk)) > 0)
				;
			send_size(st);
		}
		/* the loop moved the stream's bytes during the turn */
		open = drain(st, &rtt, err, errlen);
		if (open && held.len && mono_ms() - line_end_ms >= hold) {
			/* the session went on: the held keys were for it */
			rtt_asked(&rtt);
			if (!forward(s, st, held.data, held.len)) {
				snprintf(err, errlen, "%s", st->error[0] ? st->error : "the connection failed");
				open = false;
			}
			buf_reset(&held);
		}
		if (open && (in_ready & (POLLIN | POLLHUP))) {
			char in[4096], outb[4100];
			ssize_t n = read(STDIN_FILENO, in, sizeof(in));
			if (n <= 0) {
				open = false;
				break;
			}
			/* bytes up to the first line end go now (unless already holding);
			 * what follows it waits with the held ones */
			bool holding = held.len || mono_ms() - line_end_ms < hold;
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
				if (c == '\r' || c == '\n' || c == CTRL_D) {
					line_end_ms = mono_ms();
					if (now == SIZE_MAX)
						now = o;
				}
			}
			if (now > o)
				now = o;
			if (open && now)
				rtt_asked(&rtt);
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
