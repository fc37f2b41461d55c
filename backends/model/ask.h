/* ask.h: the one way the machinery below the UI asks the user something
 * (accept an unknown SSH host key, type a key's passphrase) without knowing
 * what the UI is. The dashboard installs a handler at start and answers
 * through its dialogs; `binnacle get` and `binnacle health` install none,
 * and then nobody can be asked: ask_user returns NULL at once and the
 * caller fails with a sentence that says what to do instead. Questions are
 * asynchronous: the answer comes later, from the loop. */
#ifndef BINNACLE_ASK_H
#define BINNACLE_ASK_H

#include <stdbool.h>

enum ask_kind {
	ASK_YES_NO, /* accept or refuse; "no" unless the user says yes */
	ASK_SECRET, /* a passphrase or password: never echoed, never logged */
};

/* The answer: yes (or a secret typed and confirmed), and for ASK_SECRET the
 * text, borrowed for the call: it is wiped once done returns, so keep no
 * copy longer than needed, and wipe the ones you make. */
typedef void (*ask_done_fn)(void *arg, bool yes, const char *secret);

/* One pending question. The UI reads these fields; they stay valid until
 * the question is answered or withdrawn. */
struct ask {
	enum ask_kind kind;
	char *title;    /* "SSH host key" */
	char *question; /* the sentence shown, with everything needed to decide */
	ask_done_fn done;
	void *arg;
	struct ask *next; /* the handler's own queue */
};

/* What the UI provides. show: put q on screen (or queue it) and later
 * call ask_answer. withdraw: q is no longer wanted; drop it without
 * answering (it is freed after withdraw returns). */
struct ask_handler {
	void (*show)(void *ui, struct ask *q);
	void (*withdraw)(void *ui, struct ask *q);
	void *ui;
};

/* Installs the UI's handler (copied); NULL removes it (at exit: pending
 * questions are withdrawn by their askers, not by this). */
void ask_set_handler(const struct ask_handler *h);
/* Whether anyone can be asked now. */
bool ask_available(void);

/* Asks; done runs once, later, from the loop. NULL when nobody can be
 * asked (no handler): then done never runs. */
struct ask *ask_user(enum ask_kind kind, const char *title, const char *question, ask_done_fn done, void *arg);
/* The asker gives up (it is going away): the UI drops the question and
 * done never runs. NULL is fine. */
void ask_withdraw(struct ask *q);
/* For the UI: the user answered. Calls done and frees q; the UI then
 * wipes its own copy of the secret (memwipe). */
void ask_answer(struct ask *q, bool yes, const char *secret);

#endif
