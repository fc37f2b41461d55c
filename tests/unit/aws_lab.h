/* aws_lab.h: what the AWS tests share: a clean AWS environment (none of
 * the machine's own settings leak in), the ECS lab (tests/lab/ecs)
 * started with its env lines exported, and turning the loop until a call
 * answers. Static inline so each test program gets its own copy. Needs
 * <cmocka.h> included first. */
#ifndef BINNACLE_TEST_AWS_LAB_H
#define BINNACLE_TEST_AWS_LAB_H

#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/net/loop.h"
#include "backends/util/util.h"
#include "tests/unit/fixtures.h"

static const char *const aws_lab_vars[] = {
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE",
	"AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
	"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECS", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_SSO",
	"AWS_ENDPOINT_URL_SSO_OIDC", "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "AWS_ENDPOINT_URL_EKS",
	"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_CA_BUNDLE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
	"AWS_ROLE_SESSION_NAME", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	"AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", NULL};

static inline char *aws_lab_path_of(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

/* No AWS setting of the machine's; the files point nowhere; IMDS is off. */
static inline void aws_env_clean(void)
{
	for (size_t i = 0; aws_lab_vars[i]; i++)
		unsetenv(aws_lab_vars[i]);
	setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
}

struct aws_lab {
	char dir[64];
	char url[64];
	pid_t pid;
	bool up;
};

/* Starts the lab with extra options ("" or space-separated words) and
 * exports its env lines; false (skipped, or failed under
 * BINNACLE_REQUIRE_PEERS=1) when python3 is missing. The lab is this
 * process's child and dies with it (PR_SET_PDEATHSIG), even when a failed
 * assertion or a sanitiser's abort ends the test before aws_lab_stop. */
static inline bool aws_lab_start(struct aws_lab *lab, const char *options)
{
	memset(lab, 0, sizeof(*lab));
	if (system("command -v python3 >/dev/null 2>&1") != 0) {
		const char *req = getenv("BINNACLE_REQUIRE_PEERS");
		if (req && !strcmp(req, "1"))
			fail_msg("python3 is missing for the ECS lab (BINNACLE_REQUIRE_PEERS=1)");
		fprintf(stderr, "SKIP: python3 is missing for the ECS lab\n");
		return false;
	}
	fixture_tmpdir_make(lab->dir, sizeof(lab->dir), "binnacle-ecslab");
	char *script = xasprintf("%s/tests/lab/ecs/ecslab.py", fixture_top_srcdir());
	char *out = aws_lab_path_of(lab->dir, "ecslab.out"), *errf = aws_lab_path_of(lab->dir, "ecslab.err");
	char *argv[32] = {"python3", script, "--state-dir", lab->dir};
	int argc = 4;
	char *opts = xstrdup(options ? options : "");
	for (char *w = strtok(opts, " "); w && argc < 31; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	pid_t parent = getpid();
	lab->pid = fork();
	assert_true(lab->pid >= 0);
	if (lab->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600), e = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int n = open("/dev/null", O_RDONLY);
		if (o < 0 || e < 0 || n < 0)
			_exit(1);
		dup2(n, 0);
		dup2(o, 1);
		dup2(e, 2);
		execvp("python3", argv);
		_exit(127);
	}
	free(opts);
	free(script);
	lab->up = true;
	/* ready once it printed its env lines */
	int64_t until = mono_ms() + 120000;
	bool ready = false;
	while (!ready && mono_ms() < until) {
		size_t len;
		char *text = fixture_read_path(out, &len);
		ready = text && strstr(text, "AWS_SHARED_CREDENTIALS_FILE=");
		free(text);
		if (!ready) {
			int st;
			if (waitpid(lab->pid, &st, WNOHANG) == lab->pid) {
				lab->up = false;
				size_t elen;
				char *err = fixture_read_path(errf, &elen);
				fail_msg("the ECS lab did not start: %s", err ? err : "");
			}
			usleep(50000);
		}
	}
	free(out);
	free(errf);
	if (!ready)
		fail_msg("the ECS lab did not become ready");
	char *envf = aws_lab_path_of(lab->dir, "env");
	size_t len;
	char *text = fixture_read_path(envf, &len);
	free(envf);
	assert_non_null(text);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		char *v = eq + 1;
		size_t n = strlen(v);
		if (n >= 2 && v[0] == '\'' && v[n - 1] == '\'') { /* shell-quoted */
			v[n - 1] = '\0';
			v++;
		}
		setenv(line, v, 1);
		if (!strcmp(line, "AWS_ENDPOINT_URL"))
			snprintf(lab->url, sizeof(lab->url), "%s", v);
	}
	free(text);
	return true;
}

static inline void aws_lab_stop(struct aws_lab *lab)
{
	if (!lab->up)
		return;
	kill(lab->pid, SIGTERM);
	waitpid(lab->pid, NULL, 0);
	char *cmd = xasprintf("rm -rf '%s'", lab->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", lab->dir);
	free(cmd);
	lab->up = false;
}

/* A lab control request (POST /_lab/...), through curl(1). */
static inline void aws_lab_control(const struct aws_lab *lab, const char *path)
{
	char *cmd = xasprintf("curl -s -X POST '%s/_lab/%s' >/dev/null", lab->url, path);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* A lab file's path (owned). */
static inline char *aws_lab_path(const struct aws_lab *lab, const char *name)
{
	return aws_lab_path_of(lab->dir, name);
}

/* Turns the loop until *flag, at most 20 s; false when it never came. */
static inline bool aws_turn_until(const int *flag)
{
	int64_t until = mono_ms() + 20000;
	while (!*flag && mono_ms() < until)
		loop_run_once(50);
	return *flag != 0;
}

#endif
