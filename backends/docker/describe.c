/* describe.c: a container, image, volume or network described for a
 * person (the `d` key), from the engine's inspect answer: its state and
 * why it stopped, health and the last check's output, restart policy,
 * ports, mounts, networks, labels; environment variables by name only
 * (their values may be secrets, which never reach the screen). */
#include "backends/codec/dtext.h"
#include "backends/codec/jsonget.h"
#include "backends/docker/internal.h"
#include "backends/docker/kinds.h"
#include "backends/model/kinds.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct describe_ctx {
	void (*done)(void *arg, const char *text, const char *error);
	void *arg;
	char kind[64];
};

static void when(struct json_object *o, const char *key, char *out, size_t outlen)
{
	int64_t t = 0;
	if (jsonget_time(o, key, JSONGET_RFC3339_OR_UNIX, &t)) {
		char age[32];
		dtext_age(wall_s() - t, age, sizeof(age));
		snprintf(out, outlen, "%s (%s ago)", jsonget_str(o, key) ? jsonget_str(o, key) : "", age);
	} else {
		snprintf(out, outlen, "-");
	}
}

static void strings(struct buf *b, int indent, const char *key, struct json_object *arr)
{
	struct buf all;
	buf_init(&all);
	for (size_t i = 0; i < jsonget_len(arr); i++)
		buf_printf(&all, "%s%s", i ? " " : "", json_object_get_string(jsonget_idx(arr, i)));
	dtext_field(b, indent, key, "%s", all.data ? all.data : "");
	buf_cleanup(&all);
}

static void container(struct buf *b, struct json_object *o)
{
	struct json_object *st = jsonget_obj(o, "State"), *cfg = jsonget_obj(o, "Config"),
			   *host = jsonget_obj(o, "HostConfig");
	char t[96];
	const char *name = jsonget_str(o, "Name");
	dtext_field(b, 0, "Name", "%s", name ? name + (*name == '/') : "");
	dtext_field(b, 0, "Id", "%.12s", jsonget_str(o, "Id") ? jsonget_str(o, "Id") : "");
	dtext_field(b, 0, "Image", "%s", jsonget_str(cfg, "Image") ? jsonget_str(cfg, "Image") : "");
	when(o, "Created", t, sizeof(t));
	dtext_field(b, 0, "Created", "%s", t);
	struct buf cmd;
	buf_init(&cmd);
	buf_puts(&cmd, jsonget_str(o, "Path") ? jsonget_str(o, "Path") : "");
	for (size_t i = 0; i < jsonget_len(jsonget_arr(o, "Args")); i++)
		buf_printf(&cmd, " %s", json_object_get_string(jsonget_idx(jsonget_arr(o, "Args"), i)));
	dtext_field(b, 0, "Command", "%s", cmd.data ? cmd.data : "");
	buf_cleanup(&cmd);
	buf_puts(b, "State:\n");
	dtext_field(b, 2, "Status", "%s", jsonget_str(st, "Status") ? jsonget_str(st, "Status") : "");
	when(st, "StartedAt", t, sizeof(t));
	dtext_field(b, 2, "Started", "%s", t);
	if (!jsonget_bool(st, "Running")) {
		int64_t code = 0;
		jsonget_int(st, "ExitCode", &code);
		when(st, "FinishedAt", t, sizeof(t));
		dtext_field(b, 2, "Finished", "%s", t);
		dtext_field(b, 2, "Exit Code", "%lld%s", (long long)code, jsonget_bool(st, "OOMKilled") ? " (killed: out of memory)" : "");
	}
	if (jsonget_str(st, "Error") && *jsonget_str(st, "Error"))
		dtext_field(b, 2, "Error", "%s", jsonget_str(st, "Error"));
	struct json_object *health = jsonget_obj(st, "Health");
	if (!health)
		health = jsonget_obj(st, "Healthcheck"); /* Podman's older name */
	if (health) {
		int64_t streak = 0;
		jsonget_int(health, "FailingStreak", &streak);
		dtext_field(b, 2, "Health", "%s (failing streak %lld)", jsonget_str(health, "Status"), (long long)streak);
		struct json_object *log = jsonget_arr(health, "Log");
		struct json_object *last = jsonget_idx(log, jsonget_len(log) ? jsonget_len(log) - 1 : 0);
		if (last) {
			char out[512];
			snprintf(out, sizeof(out), "%s", jsonget_str(last, "Output") ? jsonget_str(last, "Output") : "");
			for (char *p = out; *p; p++)
				if (*p == '\n')
					*p = ' ';
			dtext_field(b, 4, "Last check", "%s", out);
		}
	}
	int64_t restarts = 0;
	jsonget_int(o, "RestartCount", &restarts);
	struct json_object *policy = jsonget_obj(host, "RestartPolicy");
	dtext_field(b, 0, "Restart Policy", "%s (restarted %lld times)",
		    jsonget_str(policy, "Name") && *jsonget_str(policy, "Name") ? jsonget_str(policy, "Name") : "no",
		    (long long)restarts);
	struct json_object *ports = jsonget_obj(jsonget_obj(o, "NetworkSettings"), "Ports");
	bool any = false;
	if (json_object_is_type(ports, json_type_object)) {
		json_object_object_foreach(ports, port, binds) {
			struct buf to;
			buf_init(&to);
			for (size_t i = 0; i < jsonget_len(binds); i++)
				buf_printf(&to, "%s%s:%s", i ? ", " : "", jsonget_str(jsonget_idx(binds, i), "HostIp"),
					   jsonget_str(jsonget_idx(binds, i), "HostPort"));
			dtext_field(b, 0, any ? "" : "Ports", "%s%s%s", port, to.len ? " -> " : "", to.data ? to.data : "");
			buf_cleanup(&to);
			any = true;
		}
	}
	if (!any)
		dtext_field(b, 0, "Ports", "<none>");
	struct json_object *mounts = jsonget_arr(o, "Mounts");
	if (!jsonget_len(mounts))
		dtext_field(b, 0, "Mounts", "<none>");
	for (size_t i = 0; i < jsonget_len(mounts); i++) {
		struct json_object *m = jsonget_idx(mounts, i);
		const char *src = jsonget_str(m, "Name") ? jsonget_str(m, "Name") : jsonget_str(m, "Source");
		dtext_field(b, 0, i ? "" : "Mounts", "%s %s -> %s%s", jsonget_str(m, "Type"), src ? src : "",
			    jsonget_str(m, "Destination"), jsonget_bool(m, "RW") ? "" : " (read-only)");
	}
	struct json_object *nets = jsonget_obj(jsonget_obj(o, "NetworkSettings"), "Networks");
	any = false;
	if (json_object_is_type(nets, json_type_object)) {
		json_object_object_foreach(nets, net, cfgn) {
			const char *ip = jsonget_str(cfgn, "IPAddress");
			dtext_field(b, 0, any ? "" : "Networks", "%s%s%s", net, ip && *ip ? " " : "", ip ? ip : "");
			any = true;
		}
	}
	dtext_map(b, 0, "Labels", jsonget_obj(cfg, "Labels"));
	struct json_object *env = jsonget_arr(cfg, "Env");
	if (jsonget_len(env)) {
		struct buf names;
		buf_init(&names);
		for (size_t i = 0; i < jsonget_len(env); i++) {
			const char *e = json_object_get_string(jsonget_idx(env, i));
			buf_printf(&names, "%s%.*s", i ? ", " : "", (int)strcspn(e ? e : "", "="), e ? e : "");
		}
		dtext_field(b, 0, "Environment", "%s (values not shown)", names.data);
		buf_cleanup(&names);
	}
}

static void image(struct buf *b, struct json_object *o)
{
	struct json_object *cfg = jsonget_obj(o, "Config");
	char t[96], size[32];
	strings(b, 0, "Tags", jsonget_arr(o, "RepoTags"));
	dtext_field(b, 0, "Id", "%s", jsonget_str(o, "Id") ? jsonget_str(o, "Id") : "");
	strings(b, 0, "Digests", jsonget_arr(o, "RepoDigests"));
	when(o, "Created", t, sizeof(t));
	dtext_field(b, 0, "Created", "%s", t);
	int64_t bytes = 0;
	jsonget_int(o, "Size", &bytes);
	format_bytes(bytes, size, sizeof(size));
	dtext_field(b, 0, "Size", "%s", size);
	dtext_field(b, 0, "Platform", "%s/%s", jsonget_str(o, "Os") ? jsonget_str(o, "Os") : "?",
		    jsonget_str(o, "Architecture") ? jsonget_str(o, "Architecture") : "?");
	strings(b, 0, "Entrypoint", jsonget_arr(cfg, "Entrypoint"));
	strings(b, 0, "Cmd", jsonget_arr(cfg, "Cmd"));
	if (jsonget_str(cfg, "WorkingDir") && *jsonget_str(cfg, "WorkingDir"))
		dtext_field(b, 0, "Working Dir", "%s", jsonget_str(cfg, "WorkingDir"));
	struct json_object *exposed = jsonget_obj(cfg, "ExposedPorts");
	struct buf ports;
	buf_init(&ports);
	if (json_object_is_type(exposed, json_type_object)) {
		json_object_object_foreach(exposed, p, v) {
			(void)v;
			buf_printf(&ports, "%s%s", ports.len ? " " : "", p);
		}
	}
	dtext_field(b, 0, "Exposed Ports", "%s", ports.data ? ports.data : "<none>");
	buf_cleanup(&ports);
	dtext_field(b, 0, "Layers", "%zu", jsonget_len(jsonget_arr(jsonget_obj(o, "RootFS"), "Layers")));
	dtext_map(b, 0, "Labels", jsonget_obj(cfg, "Labels"));
}

static void project(struct buf *b, struct json_object *o)
{
	dtext_field(b, 0, "Project", "%s", jsonget_str(o, "Project") ? jsonget_str(o, "Project") : "");
	buf_puts(b, "Containers:\n");
	struct dtable t;
	dtable_init(&t, 4);
	const char *head[] = {"Name", "State", "Status", "Image"};
	dtable_row(&t, head);
	struct json_object *list = jsonget_arr(o, "Containers");
	for (size_t i = 0; i < jsonget_len(list); i++) {
		struct json_object *c = jsonget_idx(list, i);
		const char *row[] = {jsonget_str(c, "Name"), jsonget_str(c, "State"), jsonget_str(c, "Status"),
				     jsonget_str(c, "Image")};
		dtable_row(&t, row);
	}
	dtable_write(b, 2, &t);
}

static void generic(struct buf *b, struct json_object *o)
{
	/* volumes, networks, projects: every scalar field, then maps */
	json_object_object_foreach(o, k, v) {
		if (json_object_is_type(v, json_type_object))
			dtext_map(b, 0, k, v);
		else if (json_object_is_type(v, json_type_array))
			dtext_field(b, 0, k, "%s", json_object_to_json_string(v));
		else
			dtext_field(b, 0, k, "%s", json_object_get_string(v) ? json_object_get_string(v) : "");
	}
}

static void on_inspected(void *arg, const char *json, const char *error)
{
	struct describe_ctx *x = arg;
	if (error) {
		x->done(x->arg, NULL, error);
		free(x);
		return;
	}
	json_object *o = json_tokener_parse(json);
	struct buf b;
	buf_init(&b);
	if (!strcmp(x->kind, KIND_CONTAINERS))
		container(&b, o);
	else if (!strcmp(x->kind, KIND_IMAGES))
		image(&b, o);
	else if (!strcmp(x->kind, KIND_PROJECTS))
		project(&b, o);
	else
		generic(&b, o);
	x->done(x->arg, b.data ? b.data : "", NULL);
	buf_cleanup(&b);
	json_object_put(o);
	free(x);
}

void docker_describe(struct endpoint *ep, const char *kind, const char *id,
		     void (*done)(void *arg, const char *text, const char *error), void *arg)
{
	struct describe_ctx *x = xcalloc(1, sizeof(*x));
	x->done = done;
	x->arg = arg;
	snprintf(x->kind, sizeof(x->kind), "%s", kind);
	ep->ops->inspect(ep, kind, id, on_inspected, x);
}
