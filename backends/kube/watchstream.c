/* watchstream.c: splits a Kubernetes watch stream into lines (chunk
 * boundaries are not event boundaries) and each line into a typed event. */
#include "backends/kube/watchstream.h"
#include "backends/codec/jsonget.h"
#include "backends/codec/jsonscan.h"
#include "backends/util/limits.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

void kube_watch_stream_init(struct kube_watch_stream *ws)
{
	buf_init(&ws->line);
	ws->scanned = 0;
	ws->rv[0] = '\0';
	ws->malformed = 0;
	ws->too_long = false;
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
	ws->too_long = false;
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
static bool event(struct kube_watch_stream *ws, const char *text, size_t len, kube_watch_fn fn, void *arg)
{
	json_object *ev = jsonscan_parse(text, len, LIMIT_JSON_DEPTH), *obj = jsonget_obj(ev, "object");
	const char *t = jsonget_str(ev, "type");
	if (!t || !obj) {
		json_object_put(ev);
		ws->malformed++;
		return true;
	}
	enum kube_watch_event et = KW_ADDED;
	bool known = event_type(t, &et);
	if (known && et == KW_ERROR) {
		int64_t code = 0;
		jsonget_int(obj, "code", &code);
		const char *msg = jsonget_str(obj, "message");
		bool go = fn(arg, KW_ERROR, obj, (int)code, msg ? msg : "");
		json_object_put(ev);
		return go;
	}
	/* any object's version counts, even one of a type this does not know */
	const char *rv = jsonget_str(jsonget_obj(obj, "metadata"), "resourceVersion");
	if (rv)
		snprintf(ws->rv, sizeof(ws->rv), "%s", rv);
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
		if (n && !event(ws, text, n, fn, arg)) {
			kube_watch_stream_reset(ws);
			return false;
		}
	}
	ws->scanned = ws->line.len;
	buf_consume(&ws->line, start); /* once per chunk, not once per event */
	ws->scanned -= start;
	if (ws->line.len > LIMIT_WATCH_LINE) {
		kube_watch_stream_reset(ws);
		ws->too_long = true;
		return false;
	}
	return true;
}
