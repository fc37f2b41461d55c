/* clipboard.c: OSC 52 (see clipboard.h). The sequence is ESC ] 52 ; c ;
 * base64 BEL; inside tmux it is sent twice, plainly (tmux takes it with
 * set-clipboard on) and wrapped in tmux's DCS passthrough (with
 * allow-passthrough on), since which one a tmux honours is its setting. */
#include "tui/clipboard.h"
#include "backends/codec/crypto.h"
#include "backends/util/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *clipboard_sequence(const char *text, size_t len)
{
	char *b64 = crypto_base64_encode(text, len);
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "\033]52;c;%s\a", b64);
	const char *tmux = getenv("TMUX");
	if (tmux && *tmux) /* ESC doubled inside the passthrough */
		buf_printf(&b, "\033Ptmux;\033\033]52;c;%s\a\033\\", b64);
	free(b64);
	return buf_steal(&b);
}

int clipboard_copy(int fd, const char *text, size_t len, char *err, size_t errlen)
{
	if (len > CLIPBOARD_MAX)
		return set_err(err, errlen, "%zu bytes is more than a terminal takes in one copy (%d at most)", len,
			       CLIPBOARD_MAX);
	char *seq = clipboard_sequence(text, len);
	size_t n = strlen(seq), off = 0;
	int rc = 0;
	while (off < n) {
		ssize_t w = write(fd, seq + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = set_err(err, errlen, "cannot write to the terminal: %s", strerror(errno));
			break;
		}
		off += (size_t)w;
	}
	free(seq);
	return rc;
}
