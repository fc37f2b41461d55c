/* custom.c: the user's own commands (see custom.h). In the background a
 * command runs as a child of the event loop (the dashboard goes on) and
 * its output opens in the text viewer when it ends; in the terminal the
 * dashboard steps aside, as for a shell, until the command ends and a key
 * is pressed. A command that changes things is audited. */
#include "tui/custom.h"
#include "tui/audit.h"
#include "tui/keymap.h"
#include "tui/ops.h"
#include "tui/sanitize.h"
#include "backends/net/child.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define MAX_COMMANDS 64

static const struct config *cfg;
static int keys[MAX_COMMANDS];

int custom_init(const struct config *c, char *err, size_t errlen)
{
	int rc = 0;
	cfg = c;
	for (size_t i = 0; i < c->ncommands && i < MAX_COMMANDS; i++) {
		keys[i] = keymap_parse(c->commands[i].key);
		if (keys[i] < 0 && !rc)
			rc = set_err(err, errlen, "%s:%d:%d: \"%s\" is not a key name (examples: T, ctrl-t, f5)",
				     c->path ? c->path : "config", c->commands[i].line, c->commands[i].col, c->commands[i].key);
	}
	return rc;
}

static bool for_kind(const struct custom_command *cc, const char *kind)
{
	if (!cc->kinds)
		return true;
	for (char **k = cc->kinds; *k; k++) {
		if (!strcmp(*k, kind))
			return true;
		/* an alias names the kind too: "po" for pods */
		const struct view *v = views_find(*k);
		if (v && !strcmp(v->kind, kind))
			return true;
	}
	return false;
}

/* The commands offered here: for this kind, and not changing anything on
 * a read-only endpoint. */
static bool offered(struct app *a, const struct custom_command *cc)
{
	return for_kind(cc, app_frame(a)->view->kind) && !(cc->mutates && a->ep->readonly);
}

void custom_help(struct app *a, struct buf *b)
{
	bool any = false;
	for (size_t i = 0; cfg && i < cfg->ncommands && i < MAX_COMMANDS; i++) {
		const struct custom_command *cc = &cfg->commands[i];
		if (!offered(a, cc) || keys[i] < 0)
			continue;
		if (!any)
			buf_puts(b, "\nYour commands (commands: in the configuration)\n\n");
		any = true;
		char name[32];
		keymap_name(keys[i], name, sizeof(name));
		buf_printf(b, "  %-18s %s%s%s\n", name, cc->name, cc->background ? " (output in the viewer)" : "",
			   cc->mutates ? " (changes things)" : "");
	}
}

/* ---- the environment ---- */

struct env {
	char **vars;
	size_t n;
};

static void env_add(struct env *e, const char *name, const char *value)
{
	e->vars = xrealloc(e->vars, (e->n + 2) * sizeof(*e->vars));
	e->vars[e->n++] = xasprintf("%s=%s", name, value ? value : "");
	e->vars[e->n] = NULL;
}

static void env_free(struct env *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->vars[i]);
	free(e->vars);
}

/* What a column title becomes as a variable: "MEM LIMIT" -> MEM_LIMIT. */
static void var_name(const char *title, char *out, size_t outlen)
{
	size_t k = 0;
	for (const char *t = title; *t && k + 1 < outlen; t++)
		out[k++] = isalnum((unsigned char)*t) ? (char)toupper((unsigned char)*t) : '_';
	out[k] = '\0';
}

/* Variables of the shell and the system a column's title must not replace. */
static bool reserved(const char *name)
{
	static const char *const keep[] = {"PATH", "HOME", "SHELL", "TERM", "USER", "LANG", "PWD", "IFS", "PS1",
					   "LOGNAME", "TMPDIR", "DISPLAY", "KUBECONFIG", "DOCKER_HOST", NULL};
	for (const char *const *k = keep; *k; k++)
		if (!strcmp(*k, name))
			return true;
	return !strncmp(name, "LC_", 3) || !strncmp(name, "XDG_", 4);
}

static const struct endpoint_config *config_of(struct app *a)
{
	for (size_t i = 0; i < a->session->cfg.nendpoints; i++)
		if (!strcmp(a->session->cfg.endpoints[i].name, a->ep->name))
			return &a->session->cfg.endpoints[i];
	return NULL;
}

static void build_env(struct app *a, const struct row *r, struct env *e)
{
	const struct view *v = app_frame(a)->view;
	const struct endpoint_config *ec = config_of(a);
	int64_t now = wall_s();
	/* every column first, so the names below win over a column of the same title */
	for (int c = 0; c < v->ncolumns; c++) {
		char name[64], text[1024];
		var_name(v->columns[c].title, name, sizeof(name));
		model_cell_text(&r->cells[v->columns[c].cell], now, text, sizeof(text));
		char col[80];
		snprintf(col, sizeof(col), "COL_%s", name);
		env_add(e, col, text);
		if (!reserved(name))
			env_add(e, name, text);
	}
	env_add(e, "NAME", row_text(r, 0));
	env_add(e, "ID", r->id);
	env_add(e, "KIND", v->kind);
	env_add(e, "NAMESPACE", v->scope_cell >= 0 ? row_text(r, v->scope_cell) : "");
	env_add(e, "ENDPOINT", a->ep->name);
	const char *ctx = ec ? endpoint_config_get(ec, "context") : NULL;
	env_add(e, "CONTEXT", ctx ? ctx : a->ep->name);
	/* every option of the endpoint: $ENDPOINT_HOST, $ENDPOINT_KUBECONFIG... */
	for (size_t i = 0; ec && i < ec->nopts; i++) {
		char name[64], var[80];
		var_name(ec->opts[i].key, name, sizeof(name));
		snprintf(var, sizeof(var), "ENDPOINT_%s", name);
		env_add(e, var, ec->opts[i].value);
	}
}

/* ---- running ---- */

struct run {
	struct app *a;
	const struct custom_command *cc;
	struct env env;
	char name[256], kind[64], id[512];
	struct endpoint *ep;
};

static void run_free(struct run *r)
{
	env_free(&r->env);
	free(r);
}

static void audit(struct run *r, const char *result)
{
	char verb[160], err[ERRLEN];
	if (!r->cc->mutates)
		return;
	snprintf(verb, sizeof(verb), "command:%s", r->cc->name);
	if (audit_write(r->ep->name, r->kind, r->name, r->id, verb, result, err, sizeof(err)) < 0)
		app_flash(r->a, NOTE_WARN, "%s", err);
}

static void result_text(int code, int sig, int exec_errno, char *out, size_t outlen)
{
	if (exec_errno)
		snprintf(out, outlen, "could not start /bin/sh: %s", strerror(exec_errno));
	else if (sig)
		snprintf(out, outlen, "ended by signal %d", sig);
	else
		snprintf(out, outlen, "exit status %d", code);
}

static void on_background_done(void *arg, const struct child_result *res)
{
	struct run *r = arg;
	struct app *a = r->a;
	char result[ERRLEN];
	result_text(res->exit_code, res->signal, res->exec_errno, result, sizeof(result));
	audit(r, result);
	char title[800];
	snprintf(title, sizeof(title), "%s %s (%s)", r->cc->name, r->name, result);
	struct buf b;
	buf_init(&b);
	buf_append(&b, res->out, res->out_len);
	if (res->err_len) {
		if (b.len && b.data[b.len - 1] != '\n')
			buf_putc(&b, '\n');
		buf_append(&b, res->err, res->err_len);
	}
	if (res->out_overflow)
		buf_puts(&b, "\n[binnacle: the output was cut at 4 MiB]\n");
	/* the viewer opens over whatever is on screen, unless a dialog asks something */
	if (a->mode != MODE_DIALOG) {
		app_open_text(a, title);
		textview_set_text(a->text, b.len ? b.data : "(no output)\n");
	}
	app_flash(a, res->exit_code == 0 && !res->signal ? NOTE_INFO : NOTE_WARN, "%s %s: %s", r->cc->name, r->name,
		  result);
	buf_cleanup(&b);
	run_free(r);
}

static void background(struct run *r)
{
	const char *argv[] = {"sh", "-c", r->cc->command, NULL};
	struct child_spec spec = {.path = "/bin/sh", .argv = argv, .env_add = (const char *const *)r->env.vars,
				  .out_max = 4 << 20, .err_max = 64 << 10};
	char err[ERRLEN];
	app_flash(r->a, NOTE_INFO, "running %s on %s…", r->cc->name, r->name);
	if (!child_run(&spec, on_background_done, r, err, sizeof(err))) {
		app_flash(r->a, NOTE_ERROR, "%s: %s", r->cc->name, err);
		audit(r, err);
		run_free(r);
	}
}

/* The dashboard steps aside: the command has the terminal until it ends,
 * then a key brings the dashboard back (its output stays readable). */
static void terminal(struct run *r)
{
	struct app *a = r->a;
	def_prog_mode();
	endwin();
	fflush(stdout);
	struct sigaction ign = {0}, old_int, old_quit;
	ign.sa_handler = SIG_IGN;
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid_t pid = fork();
	if (pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		for (size_t i = 0; i < r->env.n; i++)
			putenv(r->env.vars[i]);
		execl("/bin/sh", "sh", "-c", r->cc->command, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	char result[ERRLEN];
	if (pid < 0) {
		snprintf(result, sizeof(result), "could not start it: %s", strerror(errno));
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		result_text(WIFEXITED(status) ? WEXITSTATUS(status) : -1, WIFSIGNALED(status) ? WTERMSIG(status) : 0, 0,
			    result, sizeof(result));
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	printf("\n[binnacle: %s: %s. Press a key to go back.]", r->cc->name, result);
	fflush(stdout);
	struct termios t, raw;
	if (tcgetattr(STDIN_FILENO, &t) == 0) {
		raw = t;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		char c;
		if (read(STDIN_FILENO, &c, 1) < 0) {
			/* the terminal is gone: the dashboard finds out by itself */
		}
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
	}
	reset_prog_mode();
	app_resize(a);
	audit(r, result);
	app_flash(a, NOTE_INFO, "%s %s: %s", r->cc->name, r->name, result);
	run_free(r);
}

static void go(struct run *r)
{
	if (r->cc->background)
		background(r);
	else
		terminal(r);
}

static void on_confirm(void *ctx, bool accepted, const char *text)
{
	struct run *r = ctx;
	(void)text;
	app_close_dialog(r->a);
	if (!accepted) {
		app_flash(r->a, NOTE_INFO, "%s %s: cancelled", r->cc->name, r->name);
		run_free(r);
		return;
	}
	go(r);
}

bool custom_key(struct app *a, int key)
{
	for (size_t i = 0; cfg && i < cfg->ncommands && i < MAX_COMMANDS; i++) {
		const struct custom_command *cc = &cfg->commands[i];
		if (keys[i] != key || !for_kind(cc, app_frame(a)->view->kind))
			continue;
		if (cc->mutates && a->ep->readonly) {
			app_flash(a, NOTE_WARN, "%s is read-only: %s changes things, so it is not offered", a->ep->name,
				  cc->name);
			return true;
		}
		const struct row *row = ops_selected(a);
		if (!row || row->gone_ms) {
			app_flash(a, NOTE_INFO, "%s needs a selected row", cc->name);
			return true;
		}
		struct run *r = xcalloc(1, sizeof(*r));
		r->a = a;
		r->cc = cc;
		r->ep = a->ep;
		snprintf(r->name, sizeof(r->name), "%s", row_text(row, 0));
		snprintf(r->kind, sizeof(r->kind), "%s", app_frame(a)->view->kind);
		snprintf(r->id, sizeof(r->id), "%s", row->id);
		build_env(a, row, &r->env);
		if (!cc->confirm && !(cc->mutates && a->ep->production)) {
			go(r);
			return true;
		}
		/* the question names the target as the built-in actions do */
		struct confirm_target t = {.verb = cc->name, .kind = r->kind, .name = r->name, .count = 1,
					   .endpoint = a->ep->name};
		const struct backend_scope *sc = a->ep->ops->scope;
		const char *ns = app_frame(a)->view->scope_cell >= 0 ? row_text(row, app_frame(a)->view->scope_cell) : "";
		if (sc && *ns) {
			t.scope_name = sc->name;
			t.scope = ns;
		}
		char q[640], msg[2048];
		confirm_question(q, sizeof(q), &t);
		snprintf(msg, sizeof(msg), "%s: %s\n%s", cc->name, cc->command, q);
		a->dialog_return = a->mode;
		dialog_open(&a->dialog, DIALOG_YES_NO, cc->name, msg, NULL, cc->mutates, on_confirm, r);
		a->mode = MODE_DIALOG;
		return true;
	}
	return false;
}
