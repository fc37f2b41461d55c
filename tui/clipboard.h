/* clipboard.h: copying to the clipboard of the terminal the user sits at,
 * wherever binnacle runs: the OSC 52 escape sequence, which terminals (and
 * tmux with set-clipboard on) turn into a clipboard write, so it works over
 * SSH and inside tmux where no X or Wayland clipboard is reachable. Generic:
 * anything that wants a string on the user's clipboard calls it. */
#ifndef BINNACLE_CLIPBOARD_H
#define BINNACLE_CLIPBOARD_H

#include <stddef.h>

/* The most text one copy carries: terminals refuse longer sequences. */
#define CLIPBOARD_MAX 74000

/* Sends text to the terminal's clipboard (fd: the terminal, usually 1).
 * Returns 0, or -1 with a sentence in err (too long, write failed). */
int clipboard_copy(int fd, const char *text, size_t len, char *err, size_t errlen);
/* The escape sequence for text (owned): for tests, and for a caller that
 * writes it itself. In tmux ($TMUX set) it is also wrapped for tmux's
 * passthrough, for a tmux that allows it. */
char *clipboard_sequence(const char *text, size_t len);

#endif
