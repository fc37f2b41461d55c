/* clipboard.h: copying text to the clipboard of the machine the user sits
 * at with OSC 52 (ESC ] 52 ; c ; base64 BEL), which xterm, iTerm2, kitty,
 * WezTerm, foot, Windows Terminal and others understand, over SSH too.
 * tmux passes it on (and keeps a paste buffer) with `set -g
 * set-clipboard on`; inside GNU screen it is wrapped in a DCS
 * passthrough. Generic: any screen may copy any text. */
#ifndef BINNACLE_CLIPBOARD_H
#define BINNACLE_CLIPBOARD_H

#include <stdbool.h>
#include <stddef.h>

/* The largest text copied: terminals drop longer sequences. */
#define CLIPBOARD_MAX 65536

/* The escape sequence that copies text (owned); wrapped for GNU screen
 * when screen is true. */
char *clipboard_sequence(const char *text, bool screen);
/* Writes it to the terminal ($STY says GNU screen); -1 with a sentence. */
int clipboard_copy(const char *text, char *err, size_t errlen);

#endif
