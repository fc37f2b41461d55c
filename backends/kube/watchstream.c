/* watchstream.c: splits a Kubernetes watch stream into lines (chunk
 * boundaries are not event boundaries) and each line into a typed event. */
#include "backends/kube/watchstream.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

void kube_watch_stream_init(struct kube_watch_stream *ws)
{
	buf_init(&ws->line);
	ws->scanned = 0;
	ws->rv[0] = '\0';
	ws->malformed = 0;
}

void kube_watch_stream_cleanup(struct kube_watch_stream *ws)
{
	buf_cleanup(&ws->line);
	ws->scanned = 0;
}

void kube_watch_stream_reset(struct kube_watch_stream *ws)
{
	buf_reset(&ws->line);
	ws->scanned = 0;
}

static bool event_type(const char *t, enum kube_watch_event *type)
{
	static const struct {
		const char *name;
		enum kube_watch_event type;
	} types[] = {
		{"ADDED", KW_ADDED},	   {"MODIFIED", KW_MODIFIED}, {"DELETED", KW_DELETED},
		{"BOOKMARK", KW_BOOKMARK}, {"ERROR", KW_ERROR},
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(t, types[i].name)) {
			*type = types[i].type;
			return true;
		}
	return false;
}

/* One line (NUL-terminated, no '\n'); returns fn's answer. */
static bool event(struct kube_watch_stream *ws, const char *text, kube_watch_fn fn, void *arg)
{
	json_object *ev = json_tokener_parse(text), *type, *obj, *meta, *v;
	if (!ev || !json_object_object_get_ex(ev, "type", &type) || !json_object_is_type(type, json_type_string) ||
	    !json_object_object_get_ex(ev, "object", &obj) || !json_object_is_type(obj, json_type_object)) {
		json_object_put(ev);
		ws->malformed++;
		return true;
	}
	const char *t = json_object_get_string(type);
	enum kube_watch_event et = KW_ADDED;
	bool known = event_type(t, &et);
	if (known && et == KW_ERROR) {
		int code = json_object_object_get_ex(obj, "code", &v) ? json_object_get_int(v) : 0;
		const char *msg = json_object_object_get_ex(obj, "message", &v) ? json_object_get_string(v) : NULL;
		bool go = fn(arg, KW_ERROR, obj, code, msg ? msg : "");
		json_object_put(ev);
		return go;
	}
	/* any object's version counts, even one of a type this does not know */
	if (json_object_object_get_ex(obj, "metadata", &meta) && json_object_object_get_ex(meta, "resourceVersion", &v) &&
	    json_object_is_type(v, json_type_string))
		snprintf(ws->rv, sizeof(ws->rv), "%s", json_object_get_string(v));
	bool go = true;
	if (known)
		go = fn(arg, et, obj, 0, NULL);
	else
		ws->malformed++;
	json_object_put(ev);
	return go;
}

bool kube_watch_stream_feed(struct kube_watch_stream *ws, const char *data, size_t len, kube_watch_fn fn,
			    void *arg)
{
	buf_append(&ws->line, data, len);
	size_t start = 0;
	char *nl;
	while (ws->scanned < ws->line.len &&
	       (nl = memchr(ws->line.data + ws->scanned, '\n', ws->line.len - ws->scanned))) {
		char *text = ws->line.data + start;
		size_t n = (size_t)(nl - text);
		*nl = '\0';
		if (n && text[n - 1] == '\r')
			text[--n] = '\0';
		start = (size_t)(nl - ws->line.data) + 1;
		ws->scanned = start;
		if (n && !event(ws, text, fn, arg)) {
			kube_watch_stream_reset(ws);
			return false;
		}
	}
	ws->scanned = ws->line.len;
	buf_consume(&ws->line, start); /* once per chunk, not once per event */
	ws->scanned -= start;
	return true;
}
