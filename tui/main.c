/* main.c: command line parsing and the two ways to run: the interactive
 * dashboard, and `binnacle get` for scripts. */
#include "tui/app.h"
#include "tui/charset.h"
#include "tui/screen.h"
#include "tui/custom.h"
#include "tui/getcmd.h"
#include "tui/healthcmd.h"
#include "backends/backend.h"
#include "backends/net/http.h"
#include "backends/plugins.h"
#include "backends/ssh/ssh.h"
#include "tui/keymap.h"
#include "backends/util/log.h"
#include "backends/model/session.h"
#include "tui/theme.h"

#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "pods (po), deployments (deploy), ...": every view the backends declare,
 * with its shortest alias, wrapped at width columns after an indent. */
static void print_kinds(FILE *f, const char *lead, int width)
{
	int col = fprintf(f, "%s", lead);
	for (const struct view *const *v = views_all(); *v; v++) {
		const char *shortest = NULL;
		for (const char *const *a = (*v)->aliases; a && *a; a++)
			if (strcmp(*a, (*v)->kind) && (!shortest || strlen(*a) < strlen(shortest)))
				shortest = *a;
		char item[96];
		int n = shortest ? snprintf(item, sizeof(item), "%s (%s)%s", (*v)->kind, shortest, v[1] ? "," : "")
				 : snprintf(item, sizeof(item), "%s%s", (*v)->kind, v[1] ? "," : "");
		if (col + 1 + n > width) {
			fputs("\n", f);
			col = 0;
		} else if (col > 0) {
			col += fprintf(f, " ");
		}
		col += fprintf(f, "%s", item);
	}
	fputs("\n", f);
}

/* A backend that finds views at run time (a cluster's resources) may serve
 * a name no built-in view has: the dashboard then waits for it. */
static bool some_backend_discovers(void)
{
	for (const struct backend_ops *const *b = backends_all(); *b; b++)
		if ((*b)->catalog)
			return true;
	return false;
}

static void usage(FILE *f)
{
	fputs("Usage: binnacle [OPTIONS] [VIEW]\n"
	      "       binnacle get KIND [-n NAMESPACE|-A] [--context NAME] [-o table|wide|json] [--filter TEXT]\n"
	      "                         [--scope NAME] [OPTIONS]\n"
	      "       binnacle health [-o table|wide|json] [OPTIONS]\n"
	      "\n"
	      "A terminal dashboard for container fleets: Kubernetes clusters (EKS included),\n"
	      "Amazon ECS (EC2 and Fargate), Docker or Podman engines and container\n"
	      "registries (OCI / Docker Registry v2, Amazon ECR), live, with the operator's\n"
	      "actions at hand: scale, restart, roll back, stop, shell, logs, cordon, drain,\n"
	      "delete, edit, set image, port-forward, pull (a registry's tag into an engine),\n"
	      "describe, and where an image runs across every endpoint.\n"
	      "\n",
	      f);
	print_kinds(f, "VIEW and KIND:", 78);
	if (some_backend_discovers())
		fputs("and whatever a Kubernetes cluster serves, by the names kubectl takes: jobs,\n"
		      "cronjobs (cj), secrets, configmaps (cm), ingresses (ing), pvc, hpa, crd, a\n"
		      "custom resource's plural or short name...\n",
		      f);
	fputs("\n"
	      "Options:\n"
	      "  -c, --config FILE      configuration file\n"
	      "                         (default $XDG_CONFIG_HOME/binnacle/config.yaml)\n"
	      "  -e, --endpoint NAME    use only this endpoint (or kubeconfig context)\n"
	      "      --context NAME     the same, as kubectl says it\n"
	      "  -n, --namespace NAME   show this namespace (Kubernetes) first\n"
	      "  -A, --all-namespaces   show every namespace\n"
	      "  -t, --theme NAME       colour theme: dark, light, mono, or a .yaml path\n"
	      "      --charset NAME     what to draw: auto (from the locale), utf-8 or ascii\n"
	      "  -r, --readonly         offer no action that changes anything, and send none\n"
	      "      --refresh DURATION how often per-row figures refresh (e.g. 2s, 500ms)\n"
	      "      --log FILE         write a debug log to FILE\n"
	      "  -o, --output FORMAT    for get and health: table (default), wide or json\n"
	      "      --filter TEXT      for get: only rows matching TEXT (as the / filter)\n"
	      "  -s, --scope NAME       for get: narrow each endpoint (a namespace, a repository)\n"
	      "      --timeout DURATION for get and health: how long to wait for answers (default 15s)\n"
	      "  -h, --help             show this help and exit\n"
	      "  -V, --version          show the version and exit\n"
	      "\n"
	      "Without configuration binnacle uses every context of $KUBECONFIG (or\n"
	      "~/.kube/config), opening on the current one, $DOCKER_HOST (unix://,\n"
	      "tcp:// or ssh://), the current Docker context, /var/run/docker.sock, or the\n"
	      "Podman sockets, every registry logged into with docker or podman login\n"
	      "($DOCKER_CONFIG/config.json, podman's auth.json), and with AWS credentials\n"
	      "and a region (found as the AWS CLI finds them) the account's ECS clusters,\n"
	      "EKS clusters and ECR registry (connected when chosen). SSH follows\n"
	      "~/.ssh/config and known_hosts; any endpoint takes via: (jump hosts).\n"
	      "In the dashboard press ? for the keys of the current view. Changing actions\n"
	      "are recorded in $XDG_STATE_HOME/binnacle/audit.log.\n",
	      f);
}

/* The version, the backends it has (compiled in and loaded) and any plugin
 * that was refused, so a plugin problem can be seen without the dashboard. */
static void print_version(void)
{
	printf("binnacle %s\nbackends:", PACKAGE_VERSION);
	for (const struct backend_ops *const *b = backends_all(); *b; b++) {
		printf(" %s", (*b)->name);
		for (const char *const *a = (*b)->aliases; a && *a; a++)
			printf("%s%s%s", a == (*b)->aliases ? " (" : ", ", *a, a[1] ? "" : ")");
		printf("%s", b[1] ? "," : "\n");
	}
	if (*plugins_loaded())
		printf("plugins:\n%s\n", plugins_loaded());
	if (*plugins_problems())
		printf("refused plugins:\n%s\n", plugins_problems());
}

/* Opens the session (falling back to discovery when the configuration is
 * broken, so the operator is never locked out), then runs `get` (go set) or
 * the dashboard. The caller closes the session whatever happens here. */
enum command { CMD_DASHBOARD, CMD_GET, CMD_HEALTH };

static int run(struct session *s, struct session_opts *so, enum command cmd, const struct get_opts *go,
	       const char *target, const char *theme_name, int charset, const char *scope)
{
	char err[ERRLEN], config_err[ERRLEN] = "", term_note[ERRLEN] = "";
	bool script = cmd != CMD_DASHBOARD;
	if (script && *plugins_problems())
		fprintf(stderr, "binnacle: %s\n", plugins_problems());
	/* before any connection: a terminal that cannot show the dashboard is
	 * told so at once */
	if (!script && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fprintf(stderr, "binnacle: the dashboard needs a terminal; use `binnacle get KIND` in scripts\n");
		return 2;
	}
	if (!script && screen_probe(term_note, sizeof(term_note), err, sizeof(err)) < 0) {
		fprintf(stderr, "binnacle: %s\n", err);
		return 2;
	}
	if (session_open(s, so, err, sizeof(err)) < 0) {
		if (script || so->endpoint) {
			fprintf(stderr, "binnacle: %s\n", err);
			return 1;
		}
		snprintf(config_err, sizeof(config_err), "%s", err);
		session_close(s);
		so->ignore_config = true;
		if (session_open(s, so, err, sizeof(err)) < 0) {
			fprintf(stderr, "binnacle: %s\n", err);
			return 1;
		}
	}
	/* -n NAME / -A, as kubectl: every endpoint that has namespaces (or the like) */
	for (size_t i = 0; scope && i < s->neps; i++) {
		const struct backend_scope *sc = s->eps[i]->ops->scope;
		if (sc && sc->set(s->eps[i], scope, err, sizeof(err)) < 0 && script) {
			fprintf(stderr, "binnacle: %s: %s\n", s->eps[i]->name, err);
			return 1;
		}
	}
	char charset_note[ERRLEN];
	charset_setup(charset >= 0 ? (enum charset_setting)charset : s->cfg.charset, !script || isatty(STDOUT_FILENO),
		      charset_note, sizeof(charset_note));
	if (script && charset_note[0])
		fprintf(stderr, "binnacle: %s\n", charset_note);
	if (cmd == CMD_GET)
		return getcmd_run(s, go);
	if (cmd == CMD_HEALTH)
		return healthcmd_run(s, go);
	if (!config_err[0] && keymap_apply(&s->cfg, err, sizeof(err)) < 0)
		snprintf(config_err, sizeof(config_err), "%s", err);
	if (!config_err[0] && custom_init(&s->cfg, err, sizeof(err)) < 0)
		snprintf(config_err, sizeof(config_err), "%s", err);
	struct theme theme;
	const char *tn = theme_name ? theme_name : s->cfg.theme ? s->cfg.theme : "dark";
	char theme_err[ERRLEN] = "";
	if (getenv("NO_COLOR") && *getenv("NO_COLOR")) {
		theme_mono(&theme);
	} else if (theme_load(&theme, tn, theme_err, sizeof(theme_err)) < 0 && theme_name) {
		fprintf(stderr, "binnacle: %s\n", theme_err);
		return 2;
	}
	const char *first = config_err[0] ? config_err : theme_err[0] ? theme_err : plugins_problems();
	/* the terminal's own notes are short: they go first, the rest follows */
	char both[3 * ERRLEN];
	const char *notes[] = {term_note, charset_note, first};
	size_t n = 0;
	both[0] = '\0';
	for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]); i++)
		if (*notes[i] && n < sizeof(both))
			n += (size_t)snprintf(both + n, sizeof(both) - n, "%s%s", n ? "; " : "", notes[i]);
	return app_run(s, &theme, target, both);
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	signal(SIGPIPE, SIG_IGN);
	/* before the options: --help and get list the views plugins bring */
	plugins_load();
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},  {"endpoint", required_argument, NULL, 'e'},
		{"theme", required_argument, NULL, 't'},   {"readonly", no_argument, NULL, 'r'},
		{"refresh", required_argument, NULL, 'R'}, {"log", required_argument, NULL, 'L'},
		{"output", required_argument, NULL, 'o'},  {"filter", required_argument, NULL, 'F'},
		{"timeout", required_argument, NULL, 'T'}, {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},       {"charset", required_argument, NULL, 'C'},
		{"namespace", required_argument, NULL, 'n'}, {"all-namespaces", no_argument, NULL, 'A'},
		{"context", required_argument, NULL, 'e'},  {"scope", required_argument, NULL, 's'},
		{NULL, 0, NULL, 0},
	};
	struct session_opts so = {0};
	struct get_opts go = {0};
	const char *theme_name = NULL, *log_path = NULL, *scope = NULL;
	int charset = -1; /* -1: as the configuration says */
	char err[ERRLEN];
	int c;
	while ((c = getopt_long(argc, argv, "c:e:t:ro:s:hVn:A", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			so.config_path = optarg;
			break;
		case 'e':
			so.endpoint = optarg;
			break;
		case 't':
			theme_name = optarg;
			break;
		case 'r':
			so.readonly = true;
			break;
		case 'R':
			so.refresh_ms = parse_duration_ms(optarg);
			if (so.refresh_ms < 100) {
				fprintf(stderr, "binnacle: --refresh needs a duration of at least 100ms, like 2s\n");
				return 2;
			}
			break;
		case 'C':
			charset = config_charset_parse(optarg);
			if (charset < 0) {
				fprintf(stderr, "binnacle: --charset must be auto, utf-8 or ascii\n");
				return 2;
			}
			break;
		case 'L':
			log_path = optarg;
			break;
		case 'o':
			go.output = optarg;
			break;
		case 'n':
			scope = optarg;
			break;
		case 'A':
			scope = "all";
			break;
		case 'F':
			go.filter = optarg;
			break;
		case 's':
			go.scope = optarg;
			break;
		case 'T':
			go.timeout_ms = parse_duration_ms(optarg);
			if (go.timeout_ms <= 0) {
				fprintf(stderr, "binnacle: --timeout needs a duration, like 10s\n");
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			print_version();
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	enum command cmd = optind >= argc			  ? CMD_DASHBOARD
			   : !strcmp(argv[optind], "get")	  ? CMD_GET
			   : !strcmp(argv[optind], "health") ? CMD_HEALTH
							  : CMD_DASHBOARD;
	const char *target = NULL;
	if (cmd == CMD_HEALTH && optind + 1 < argc) {
		fprintf(stderr, "binnacle: unexpected argument \"%s\"\n", argv[optind + 1]);
		return 2;
	} else if (cmd == CMD_GET) {
		if (optind + 1 >= argc) {
			print_kinds(stderr, "binnacle: get needs a kind:", 78);
			return 2;
		}
		go.kind = argv[optind + 1];
		if (optind + 2 < argc) {
			fprintf(stderr, "binnacle: unexpected argument \"%s\"\n", argv[optind + 2]);
			return 2;
		}
	} else if (cmd == CMD_DASHBOARD && optind < argc) {
		target = argv[optind];
		if (optind + 1 < argc || (!views_find(target) && !some_backend_discovers())) {
			fprintf(stderr, "binnacle: unknown view \"%s\"\n", target);
			print_kinds(stderr, "Views:", 78);
			return 2;
		}
	}
	if (log_path && log_open(log_path, err, sizeof(err)) < 0) {
		fprintf(stderr, "binnacle: %s\n", err);
		return 2;
	}
	if (http_init(err, sizeof(err)) < 0) {
		fprintf(stderr, "binnacle: %s\n", err);
		log_close();
		return 1;
	}
	keymap_init_defaults();
	struct session s = {0};
	int rc = run(&s, &so, cmd, &go, target, theme_name, charset, scope);
	/* one way out, whatever failed: every path above released nothing yet */
	session_close(&s);
	ssh_cleanup();
	http_cleanup();
	plugins_unload();
	log_close();
	return rc;
}
