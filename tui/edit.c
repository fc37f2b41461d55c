/* edit.c: the edit action (see edit.h). The text goes through a private
 * temporary file (mode 0600: a secret's data may be in it), removed once
 * the edit is over. Every outcome but a cancel goes to the audit log. */
#include "tui/edit.h"
#include "tui/audit.h"
#include "tui/editor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HEADER                                                                                               \
	"# Edit the object below; save and quit to apply it. Quit without saving, or leave\n"              \
	"# the file empty, to cancel. Lines starting with '#' are ignored.\n"                            \
	"#\n"

struct edit_op {
	struct app *a;
	struct endpoint *ep;
	char kind[64], id[256], name[256];
	char *original; /* the object as fetched */
	char *text;     /* what the editor opens on next */
};

static struct edit_op *pending; /* fetched (or refused): the loop opens the editor */

static void op_free(struct edit_op *o)
{
	if (!o)
		return;
	free(o->original);
	free(o->text);
	free(o);
}

static void audit(struct edit_op *o, const char *result)
{
	char err[ERRLEN];
	if (audit_write(o->ep->name, o->kind, o->name, o->id, "edit", result, err, sizeof(err)) < 0)
		app_flash(o->a, NOTE_WARN, "%s", err);
}

static void on_text(void *arg, const char *text, const char *error)
{
	struct edit_op *o = arg;
	if (error) {
		app_flash(o->a, NOTE_ERROR, "edit %s failed: %s", o->name, error);
		op_free(o);
		return;
	}
	o->original = xstrdup(text);
	o->text = xasprintf("%s%s", HEADER, text);
	op_free(pending);
	pending = o;
	o->a->dirty = true;
}

void edit_start(struct app *a, const struct backend_action *act, const struct row *r)
{
	struct edit_op *o = xcalloc(1, sizeof(*o));
	o->a = a;
	o->ep = a->ep;
	snprintf(o->kind, sizeof(o->kind), "%s", act->kind);
	snprintf(o->id, sizeof(o->id), "%s", r->id);
	snprintf(o->name, sizeof(o->name), "%s", row_text(r, 0));
	app_flash(a, NOTE_INFO, "opening %s for editing…", o->name);
	a->ep->ops->edit_get(a->ep, o->kind, o->id, on_text, o);
}

/* The text without the comment lines it starts with (ours). */
static const char *body(const char *text)
{
	const char *p = text;
	while (*p == '#') {
		const char *nl = strchr(p, '\n');
		if (!nl)
			return p + strlen(p);
		p = nl + 1;
	}
	return p;
}

static bool empty(const char *text)
{
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		size_t lead = strspn(p, " \t\r");
		if (lead < n && p[lead] != '#')
			return false;
		p += n + (nl != NULL);
	}
	return true;
}

static void on_applied(void *arg, const char *error, bool reopen)
{
	struct edit_op *o = arg;
	struct app *a = o->a;
	if (!error) {
		app_flash(a, NOTE_INFO, "edited %s", o->name);
		audit(o, "ok");
		op_free(o);
	} else if (reopen) {
		/* the reasons on top, the edit below, as kubectl edit does */
		struct buf b;
		buf_init(&b);
		buf_puts(&b, "# The API server refused this edit:\n");
		for (const char *p = error; *p;) {
			size_t n = strcspn(p, "\n");
			buf_printf(&b, "#   %.*s\n", (int)n, p);
			p += n + (p[n] == '\n');
		}
		buf_puts(&b, "#\n" HEADER);
		buf_puts(&b, body(o->text));
		free(o->text);
		o->text = buf_steal(&b);
		app_flash(a, NOTE_WARN, "edit %s refused: %s", o->name, error);
		audit(o, error);
		op_free(pending);
		pending = o;
		a->dirty = true;
	} else {
		app_flash(a, NOTE_ERROR, "edit %s failed: %s", o->name, error);
		audit(o, error);
		op_free(o);
	}
}

/* Writes text to a new private file; its path (owned) or NULL. */
static char *write_temp(const char *text, char *err, size_t errlen)
{
	const char *dir = getenv("TMPDIR");
	char *path = xasprintf("%s/binnacle-edit-XXXXXX.yaml", dir && *dir ? dir : "/tmp");
	int fd = mkstemps(path, 5);
	if (fd < 0) {
		set_err(err, errlen, "cannot create a file to edit in: %s", strerror(errno));
		free(path);
		return NULL;
	}
	size_t n = strlen(text);
	bool ok = write(fd, text, n) == (ssize_t)n;
	if (close(fd) < 0 || !ok) {
		set_err(err, errlen, "cannot write the file to edit: %s", strerror(errno));
		unlink(path);
		free(path);
		return NULL;
	}
	return path;
}

void edit_run_pending(struct app *a)
{
	struct edit_op *o = pending;
	if (!o)
		return;
	pending = NULL;
	char err[ERRLEN] = "";
	char *path = write_temp(o->text, err, sizeof(err));
	if (!path) {
		app_flash(a, NOTE_ERROR, "edit %s: %s", o->name, err);
		op_free(o);
		return;
	}
	int rc = editor_run(a->session, path, err, sizeof(err));
	app_resize(a);
	size_t len = 0;
	char *edited = rc == 0 ? read_file(path, &len) : NULL;
	unlink(path);
	free(path);
	if (rc != 0) {
		app_flash(a, NOTE_WARN, "edit %s cancelled: %s", o->name,
			  err[0] ? err : "the editor did not exit cleanly");
		op_free(o);
	} else if (!edited) {
		app_flash(a, NOTE_ERROR, "edit %s: the edited file cannot be read back", o->name);
		op_free(o);
	} else if (empty(edited)) {
		app_flash(a, NOTE_INFO, "edit %s cancelled: the file was left empty", o->name);
		op_free(o);
	} else if (!strcmp(body(edited), o->original) || !strcmp(edited, o->text)) {
		app_flash(a, NOTE_INFO, "edit %s cancelled: nothing was changed", o->name);
		op_free(o);
	} else {
		free(o->text);
		o->text = xstrdup(edited);
		app_flash(a, NOTE_INFO, "applying the edit of %s…", o->name);
		o->ep->ops->edit_apply(o->ep, o->kind, o->id, body(edited), on_applied, o);
	}
	free(edited);
}
