/* watchstream.h: the Kubernetes watch stream decoder: newline-delimited JSON
 * events ({"type","object"}) arriving in arbitrary chunks. Pure: no I/O, no
 * store, so every way a stream can be cut up is unit-tested. */
#ifndef BINNACLE_KUBE_WATCHSTREAM_H
#define BINNACLE_KUBE_WATCHSTREAM_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/util/util.h"

struct json_object;

enum kube_watch_event { KW_ADDED, KW_MODIFIED, KW_DELETED, KW_BOOKMARK, KW_ERROR };

struct kube_watch_stream {
	struct buf line;  /* the event being received */
	size_t scanned;   /* bytes of line already known to hold no '\n' */
	char rv[128];     /* last resourceVersion seen (opaque); "" for none */
	size_t malformed; /* lines skipped: not JSON, nested too deep, not {"type","object"}, or an unknown type */
	bool too_long;    /* the stream ended because a line went past LIMIT_WATCH_LINE */
};

/* Called once per complete event. obj is borrowed for the call only. For
 * KW_ERROR obj is the Status, code its code (410 = the resourceVersion
 * expired; 0 when absent) and msg its message ("" when absent); for the other
 * types code is 0 and msg NULL. Returns false to end the watch. It must not
 * feed or reset the stream it is called from. */
typedef bool (*kube_watch_fn)(void *arg, enum kube_watch_event type, struct json_object *obj, int code,
			      const char *msg);

void kube_watch_stream_init(struct kube_watch_stream *ws);
void kube_watch_stream_cleanup(struct kube_watch_stream *ws);
/* Forgets a partial line (a new watch starts on a line boundary) but keeps
 * rv, which is where the next watch resumes; the caller clears rv itself
 * when it must relist. */
void kube_watch_stream_reset(struct kube_watch_stream *ws);

/* Feeds one chunk and calls fn for each complete event. rv is updated from
 * the event's object.metadata.resourceVersion (bookmarks included; not from
 * an ERROR's Status) before fn runs, so fn sees the event's own version.
 * Blank lines and a '\r' before the '\n' are ignored; malformed lines are
 * skipped and counted in ws->malformed (a line nested deeper than
 * LIMIT_JSON_DEPTH too). When fn returns false the rest of the chunk and any
 * partial line are dropped (the watch is over) and this returns false; so it
 * does, with too_long set, when a line grows past LIMIT_WATCH_LINE without
 * its end (limits.h): the server is not sending events. Otherwise true. */
bool kube_watch_stream_feed(struct kube_watch_stream *ws, const char *data, size_t len, kube_watch_fn fn,
			    void *arg);

#endif
