/* clipboard.c: OSC 52 (see clipboard.h). */
#include "tui/clipboard.h"
#include "backends/codec/crypto.h"
#include "backends/util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *clipboard_sequence(const char *text, bool screen)
{
	char *b64 = crypto_base64_encode(text, strlen(text));
	/* BEL ends the OSC where ST would need ESC, which screen's DCS would end on */
	char *seq = screen ? xasprintf("\033P\033]52;c;%s\a\033\\", b64) : xasprintf("\033]52;c;%s\a", b64);
	free(b64);
	return seq;
}

int clipboard_copy(const char *text, char *err, size_t errlen)
{
	if (strlen(text) > CLIPBOARD_MAX)
		return set_err(err, errlen, "the text is too long for the clipboard (%zu bytes)", strlen(text));
	const char *sty = getenv("STY");
	char *seq = clipboard_sequence(text, sty && *sty);
	fflush(stdout);
	size_t len = strlen(seq), done = 0;
	while (done < len) {
		ssize_t n = write(STDOUT_FILENO, seq + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(seq);
			return set_err(err, errlen, "cannot write to the terminal: %s", strerror(errno));
		}
		done += (size_t)n;
	}
	free(seq);
	return 0;
}
