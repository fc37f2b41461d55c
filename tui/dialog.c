/* dialog.c: modal dialogs (see dialog.h). */
#include "tui/dialog.h"
#include "tui/charset.h"
#include "tui/keymap.h"
#include "tui/sanitize.h"
#include "backends/util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void free_choices(struct dialog *d)
{
	for (int i = 0; i < d->nchoices; i++)
		free(d->choices[i]);
	d->nchoices = 0;
}

void dialog_open(struct dialog *d, enum dialog_type type, const char *title, const char *message,
		 const char *expected_or_initial, bool danger, dialog_done_fn done, void *ctx)
{
	prompt_cleanup(&d->input);
	free_choices(d);
	memset(d, 0, sizeof(*d));
	d->type = type;
	d->danger = danger;
	d->done = done;
	d->ctx = ctx;
	snprintf(d->title, sizeof(d->title), "%s", title);
	snprintf(d->message, sizeof(d->message), "%s", message);
	if (type == DIALOG_TYPE_NAME)
		snprintf(d->expected, sizeof(d->expected), "%s", expected_or_initial ? expected_or_initial : "");
	prompt_begin(&d->input, '>', type == DIALOG_INPUT ? expected_or_initial : "");
}

void dialog_open_pick(struct dialog *d, const char *title, const char *message, const char *choices,
		      dialog_done_fn done, void *ctx)
{
	dialog_open(d, DIALOG_PICK, title, message, NULL, false, done, ctx);
	for (const char *p = choices; p && *p && d->nchoices < DIALOG_MAX_CHOICES;) {
		size_t n = strcspn(p, ",");
		if (n)
			d->choices[d->nchoices++] = xstrndup(p, n);
		p += n + (p[n] == ',');
	}
}

static void finish(struct dialog *d, bool accepted, const char *text)
{
	dialog_done_fn done = d->done;
	d->done = NULL;
	if (done)
		done(d->ctx, accepted, text);
}

bool dialog_key(struct dialog *d, int key)
{
	if (d->type == DIALOG_INFO) {
		finish(d, true, NULL);
		return true;
	}
	if (d->type == DIALOG_PICK) {
		enum action act = keymap_lookup(key);
		if (act == ACT_UP && d->chosen > 0)
			d->chosen--;
		else if (act == ACT_DOWN && d->chosen + 1 < d->nchoices)
			d->chosen++;
		else if (act == ACT_TOP)
			d->chosen = 0;
		else if (act == ACT_BOTTOM && d->nchoices)
			d->chosen = d->nchoices - 1;
		else if ((key == '\n' || key == '\r') && d->nchoices) {
			char *pick = xstrdup(d->choices[d->chosen]);
			finish(d, true, pick);
			free(pick);
			return true;
		} else if (key == 27 || key == 3 || act == ACT_QUIT) {
			finish(d, false, NULL);
			return true;
		}
		return false;
	}
	if (d->type == DIALOG_YES_NO) {
		if (key == 'y' || key == 'Y') {
			finish(d, true, NULL);
			return true;
		}
		/* anything else is a no: a stray key never confirms */
		if (key == 'n' || key == 'N' || key == 27 || key == '\n' || key == '\r' || key == 3 ||
		    keymap_lookup(key) == ACT_QUIT) {
			finish(d, false, NULL);
			return true;
		}
		return false;
	}
	/* a secret is typed blind: no completion, no history */
	if (d->type == DIALOG_SECRET && (key == '\t' || key == (int)(KEYMAP_FN | KEY_UP) || key == (int)(KEYMAP_FN | KEY_DOWN)))
		return false;
	enum prompt_result r = prompt_key(&d->input, key);
	if (r == PROMPT_EDITING) {
		d->error[0] = '\0';
		return false;
	}
	char *text = prompt_text(&d->input);
	bool ok = r == PROMPT_SUBMIT;
	const char *why = ok && d->validate ? d->validate(text) : NULL;
	if (why) {
		/* "abc" for a replica count: say so and let it be corrected */
		snprintf(d->error, sizeof(d->error), "%s", why);
		free(text);
		return false;
	}
	d->submitted = ok;
	if (ok && d->type == DIALOG_TYPE_NAME)
		ok = confirm_accepts(CONFIRM_TYPE_NAME, text, d->expected);
	if (d->type == DIALOG_SECRET) {
		/* no copy stays behind in the editor */
		memwipe(d->input.text, sizeof(d->input.text));
		d->input.len = d->input.cur = 0;
	}
	finish(d, ok, text);
	if (d->type == DIALOG_SECRET || !ok)
		memwipe(text, strlen(text));
	free(text);
	return true;
}

/* Word-wraps text into at most maxlines lines of width cells. */
static int wrap_lines(const char *text, int width, char lines[][256], int maxlines)
{
	int n = 0;
	const char *p = text;
	if (width < 1)
		return 0;
	while (*p && n < maxlines) {
		while (*p == ' ')
			p++;
		int used = 0;
		size_t fit = sanitize_fit(p, width, &used);
		if (p[fit]) {
			size_t cut = fit;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut > 0)
				fit = cut;
		}
		if (!fit) /* a character wider than the box */
			fit = strcspn(p, " ") ? strcspn(p, " ") : 1;
		snprintf(lines[n++], 256, "%.*s", (int)fit, p);
		p += fit;
	}
	return n;
}

/* The message's paragraphs ('\n'), each sanitised and wrapped. */
static int wrap_message(const char *message, int width, char lines[][256], int maxlines)
{
	int n = 0;
	for (const char *p = message; *p && n < maxlines;) {
		size_t len = strcspn(p, "\n");
		char *part = sanitize_display(p, len);
		int got = *part ? wrap_lines(part, width, lines + n, maxlines - n) : 0;
		if (!got && n < maxlines)
			lines[n][0] = '\0', got = 1; /* an empty line stays a line */
		n += got;
		free(part);
		p += len + (p[len] == '\n');
	}
	return n;
}

void dialog_draw(WINDOW *parent, const struct dialog *d)
{
	int ph, pw, py, px;
	getmaxyx(parent, ph, pw);
	getbegyx(parent, py, px);
	int w = pw - 4 < 70 ? pw - 4 : 70;
	if (w < 20)
		w = pw;
	char lines[40][256];
	int n = wrap_message(d->message, w - 4, lines, ph > 44 ? 40 : ph - 4 > 1 ? ph - 4 : 1);
	int h = n + 4 + (d->type != DIALOG_YES_NO && d->type != DIALOG_INFO) + (d->type == DIALOG_PICK ? d->nchoices : 0) +
		(d->error[0] != 0) - (d->type == DIALOG_INFO);
	if (h > ph)
		h = ph;
	WINDOW *win = newwin(h, w, py + (ph - h) / 2, px + (pw - w) / 2);
	if (!win)
		return;
	enum style frame = d->danger ? ST_DANGER : ST_HEADER;
	wattrset(win, screen_attr(ST_NORMAL));
	werase(win);
	wattrset(win, screen_attr(frame));
	if (charset_ascii()) /* line drawing can show as letters (lqqk) */
		wborder(win, '|', '|', '-', '-', '+', '+', '+', '+');
	else
		box(win, 0, 0);
	char *title = sanitize_display(d->title, strlen(d->title));
	wmove(win, 0, 2);
	screen_put(win, " ", 1, frame);
	screen_put(win, title, w - 6, frame);
	screen_put(win, " ", 1, frame);
	free(title);
	for (int i = 0; i < n && i + 2 < h; i++) {
		wmove(win, 1 + i, 2);
		screen_put(win, lines[i], w - 4, ST_NORMAL);
	}
	int y = n + 2;
	if (d->type == DIALOG_PICK) {
		for (int i = 0; i < d->nchoices && y + i < h - 2; i++) {
			wmove(win, y + i - 1, 4);
			char *c = sanitize_display(d->choices[i], strlen(d->choices[i]));
			screen_put(win, c, w - 8, i == d->chosen ? ST_SELECTED : ST_NORMAL);
			free(c);
		}
		wmove(win, h - 2, 2);
		screen_put(win, "j/k choose, Enter confirms, Esc cancels", w - 4, ST_DIM);
	} else if (d->type == DIALOG_INFO) {
		wmove(win, h - 2, 2);
		screen_put(win, "any key closes this", w - 4, ST_DIM);
	} else if (d->type == DIALOG_YES_NO) {
		wmove(win, y < h - 1 ? y : h - 2, 2);
		screen_put(win, "[y] yes   [n] no", w - 4, ST_HEADER_KEY);
	} else if (d->type == DIALOG_SECRET) {
		/* nothing of what is typed is drawn, not even its length */
		wmove(win, y < h - 1 ? y : h - 2, 2);
		screen_put(win, "> ", 2, ST_PROMPT);
		screen_put(win, charset_glyph(GLYPH_CURSOR), 1, ST_PROMPT);
		wmove(win, h - 2, 2);
		screen_put(win, "typing is not shown; Enter confirms, Esc cancels", w - 4, ST_DIM);
	} else {
		wmove(win, y < h - 1 ? y : h - 2, 2);
		char *text = prompt_text(&d->input);
		char *safe = sanitize_display(text, strlen(text));
		screen_put(win, "> ", 2, ST_PROMPT);
		screen_put(win, safe, w - 7, ST_PROMPT);
		screen_put(win, charset_glyph(GLYPH_CURSOR), 1, ST_PROMPT);
		free(safe);
		free(text);
		if (d->error[0]) {
			wmove(win, h - 3, 2);
			screen_put(win, d->error, w - 4, ST_FLASH_ERROR);
		}
		wmove(win, h - 2, 2);
		screen_put(win, "Enter confirms, Esc cancels", w - 4, ST_DIM);
	}
	wnoutrefresh(win);
	delwin(win);
}
