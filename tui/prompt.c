/* prompt.c: the line editor (see prompt.h). Text is kept as wide characters
 * so the cursor moves by character, never through the middle of one. */
#include "tui/prompt.h"
#include "tui/keymap.h"
#include "tui/sanitize.h"
#include "backends/util/util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

static void set_utf8(struct prompt *p, const char *s)
{
	mbstate_t st = {0};
	p->len = 0;
	while (s && *s && p->len < PROMPT_MAX - 1) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, strlen(s), &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
			break;
		p->text[p->len++] = wc;
		s += n;
	}
	p->cur = p->len;
}

void prompt_begin(struct prompt *p, char lead, const char *initial)
{
	p->lead = lead;
	p->hpos = -1;
	p->hint[0] = '\0';
	set_utf8(p, initial);
}

/* The first n characters as UTF-8 (owned). */
static char *utf8_of(const struct prompt *p, size_t n)
{
	struct buf b;
	buf_init(&b);
	mbstate_t st = {0};
	for (size_t i = 0; i < n; i++) {
		char mb[MB_LEN_MAX];
		size_t k = wcrtomb(mb, p->text[i], &st);
		if (k != (size_t)-1)
			buf_append(&b, mb, k);
	}
	return buf_steal(&b);
}

char *prompt_text(const struct prompt *p)
{
	return utf8_of(p, p->len);
}

void prompt_remember(struct prompt *p, const char *line)
{
	if (!*line || (p->nhistory && !strcmp(p->history[p->nhistory - 1], line)))
		return;
	if (p->nhistory == PROMPT_HISTORY) {
		free(p->history[0]);
		memmove(p->history, p->history + 1, (PROMPT_HISTORY - 1) * sizeof(char *));
		p->nhistory--;
	}
	p->history[p->nhistory++] = xstrdup(line);
}

void prompt_cleanup(struct prompt *p)
{
	for (size_t i = 0; i < p->nhistory; i++)
		free(p->history[i]);
	p->nhistory = 0;
}

static void insert(struct prompt *p, wchar_t c)
{
	if (p->len >= PROMPT_MAX - 1)
		return;
	memmove(p->text + p->cur + 1, p->text + p->cur, (p->len - p->cur) * sizeof(wchar_t));
	p->text[p->cur++] = c;
	p->len++;
}

static void delete_range(struct prompt *p, size_t from, size_t to)
{
	memmove(p->text + from, p->text + to, (p->len - to) * sizeof(wchar_t));
	p->len -= to - from;
	p->cur = from;
}

static void complete(struct prompt *p)
{
	if (!p->complete)
		return;
	size_t ws = p->cur;
	while (ws > 0 && p->text[ws - 1] != ' ')
		ws--;
	char *line = prompt_text(p);
	/* byte offset of the word start */
	char *head = utf8_of(p, ws);
	size_t wbyte = strlen(head);
	free(head);
	char **cands = p->complete(p->complete_arg, line, wbyte);
	free(line);
	if (!cands)
		return;
	size_t n = 0;
	while (cands[n])
		n++;
	if (n) {
		/* longest common prefix of all candidates */
		size_t lcp = strlen(cands[0]);
		for (size_t i = 1; i < n; i++) {
			size_t k = 0;
			while (k < lcp && cands[i][k] == cands[0][k])
				k++;
			lcp = k;
		}
		char *word = xstrndup(cands[0], lcp);
		/* rebuild: text before the word, the completion, text after the cursor */
		wchar_t after[PROMPT_MAX];
		size_t nafter = p->len - p->cur;
		memcpy(after, p->text + p->cur, nafter * sizeof(wchar_t));
		p->len = ws;
		p->cur = ws;
		struct prompt w;
		memset(&w, 0, sizeof(w));
		set_utf8(&w, word);
		for (size_t i = 0; i < w.len; i++)
			insert(p, w.text[i]);
		if (n == 1 && (!nafter || after[0] != ' '))
			insert(p, ' ');
		for (size_t i = 0; i < nafter && p->len < PROMPT_MAX - 1; i++)
			p->text[p->len++] = after[i];
		free(word);
	}
	p->hint[0] = '\0';
	if (n > 1)
		for (size_t i = 0; i < n && strlen(p->hint) + strlen(cands[i]) + 2 < sizeof(p->hint); i++) {
			strcat(p->hint, cands[i]);
			strcat(p->hint, "  ");
		}
	for (size_t i = 0; i < n; i++)
		free(cands[i]);
	free(cands);
}

static void history_step(struct prompt *p, int dir)
{
	if (!p->nhistory)
		return;
	long pos = p->hpos < 0 ? (long)p->nhistory : p->hpos;
	pos += dir;
	if (pos < 0)
		pos = 0;
	if (pos >= (long)p->nhistory) {
		p->hpos = -1;
		set_utf8(p, "");
		return;
	}
	p->hpos = pos;
	set_utf8(p, p->history[pos]);
}

enum prompt_result prompt_key(struct prompt *p, int key)
{
	if (key != '\t')
		p->hint[0] = '\0';
	switch (key) {
	case '\n':
	case '\r':
	case KEYMAP_FN | KEY_ENTER:
		return PROMPT_SUBMIT;
	case 27:
	case 3: /* ctrl-c */
		return PROMPT_CANCEL;
	case '\t':
		complete(p);
		return PROMPT_EDITING;
	case KEYMAP_FN | KEY_BACKSPACE:
	case 127:
	case 8:
		if (!p->len)
			return PROMPT_CANCEL; /* backspace on an empty prompt leaves it, like vim */
		if (p->cur)
			delete_range(p, p->cur - 1, p->cur);
		return PROMPT_EDITING;
	case KEYMAP_FN | KEY_DC:
	case 4: /* ctrl-d */
		if (p->cur < p->len)
			delete_range(p, p->cur, p->cur + 1);
		return PROMPT_EDITING;
	case KEYMAP_FN | KEY_LEFT:
	case 2: /* ctrl-b */
		if (p->cur)
			p->cur--;
		return PROMPT_EDITING;
	case KEYMAP_FN | KEY_RIGHT:
	case 6: /* ctrl-f */
		if (p->cur < p->len)
			p->cur++;
		return PROMPT_EDITING;
	case KEYMAP_FN | KEY_HOME:
	case 1: /* ctrl-a */
		p->cur = 0;
		return PROMPT_EDITING;
	case KEYMAP_FN | KEY_END:
	case 5: /* ctrl-e */
		p->cur = p->len;
		return PROMPT_EDITING;
	case 21: /* ctrl-u */
		delete_range(p, 0, p->cur);
		return PROMPT_EDITING;
	case 11: /* ctrl-k */
		p->len = p->cur;
		return PROMPT_EDITING;
	case 23: { /* ctrl-w: delete the word before the cursor */
		size_t s = p->cur;
		while (s && p->text[s - 1] == ' ')
			s--;
		while (s && p->text[s - 1] != ' ')
			s--;
		delete_range(p, s, p->cur);
		return PROMPT_EDITING;
	}
	case KEYMAP_FN | KEY_UP:
		history_step(p, -1);
		return PROMPT_EDITING;
	case KEYMAP_FN | KEY_DOWN:
		history_step(p, 1);
		return PROMPT_EDITING;
	default:
		if (!(key & KEYMAP_FN) && key >= ' ' && iswprint((wint_t)key))
			insert(p, (wchar_t)key);
		return PROMPT_EDITING;
	}
}

void prompt_draw(WINDOW *w, const struct prompt *p)
{
	int cols = getmaxx(w);
	werase(w);
	wmove(w, 0, 0);
	char lead[2] = {p->lead, '\0'};
	screen_put(w, lead, 1, ST_PROMPT);
	char *text = prompt_text(p);
	char *safe = sanitize_display(text, strlen(text));
	/* keep the cursor visible on a long line by scrolling the start */
	char *head = utf8_of(p, p->cur);
	int curx = sanitize_width(head);
	int shift = curx > cols - 3 ? curx - (cols - 3) : 0;
	size_t skip = sanitize_fit(safe, shift, NULL);
	screen_put(w, safe + skip, cols - 2, ST_PROMPT);
	if (p->hint[0]) {
		waddstr(w, "   ");
		screen_put(w, p->hint, cols - getcurx(w), ST_DIM);
	}
	wmove(w, 0, 1 + curx - shift);
	free(head);
	free(safe);
	free(text);
	wnoutrefresh(w);
}
